/* The simulator trace: one text line per event, hashed as it is written.
 *
 * Every line is "<seconds>.<micros> <event> <fields...>\n", for example
 *     12.004500 send p=17 h=3 10.0.0.2/9993>203.0.113.5/9993 len=120 ttl=64
 * Lines are folded into a running BLAKE2b-256 hash, optionally written to a FILE*, and
 * optionally retained in memory (up to a byte limit) so two runs of the same seed can be
 * compared line by line and the first divergence reported. Same seed, same scenario: same
 * hash on every machine, so callers must format fields deterministically (integers, addresses,
 * fixed strings; no floating point, no pointers).
 *
 * Internal header: not a stable API. */
#ifndef ZTK_SIM_TRACE_H
#define ZTK_SIM_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct ztk_trace ztk_trace;

#define ZTK_TRACE_LINE_MAX 512 /* bytes per line with "\n"; longer ones are cut, ending "..." */
#define ZTK_TRACE_HASH_HEX 65  /* 64 hex digits + NUL */

/* Creates a trace. out (optional) receives every line; retain_bytes > 0 keeps up to that many
 * bytes of lines in memory for ztk_trace_compare (later lines are hashed and written but not
 * kept; ztk_trace_retained_all() then reports false). Returns 0 or ZTK_ENOMEM / ZTK_EINVAL. */
int ztk_trace_new(ztk_trace **out, FILE *file, size_t retain_bytes);
void ztk_trace_del(ztk_trace *t);

/* Sends every later line to file as well (NULL: stop writing; the caller owns the FILE). */
void ztk_trace_set_file(ztk_trace *t, FILE *file);

/* Appends one line: time prefix, then the formatted text, then "\n". Returns 0 or ZTK_EIO if
 * writing to the file failed (the line is still hashed and retained). */
int ztk_trace_printf(ztk_trace *t, int64_t t_us, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A custom event from a component: "<time> ev <source> <text>". Returns as ztk_trace_printf. */
int ztk_trace_event(ztk_trace *t, int64_t t_us, const char *source, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Lines written so far. */
uint64_t ztk_trace_lines(const ztk_trace *t);

/* The hash of everything written so far, as 64 lower-case hex digits (the trace can go on). */
void ztk_trace_hash_hex(const ztk_trace *t, char out[ZTK_TRACE_HASH_HEX]);

/* Retained line i (0-based) and its length without "\n", or NULL if not retained. */
const char *ztk_trace_line(const ztk_trace *t, uint64_t i, size_t *len);

/* True if every line written so far is retained. */
bool ztk_trace_retained_all(const ztk_trace *t);

/* Compares two traces' retained lines. Returns 0 if identical (same lines, same hash), or 1
 * with *line set to the first differing line number (0-based; a missing line counts as
 * different), or ZTK_ELIMIT if the retained parts agree but the hashes differ (divergence
 * after the retention limit). */
int ztk_trace_compare(const ztk_trace *a, const ztk_trace *b, uint64_t *line);

#endif
