/* The netconf Dictionary: `key=value` lines joined by LF, values escaped so the whole text is a
 * C string (protocol notes §10.2). Used for network configs, config-request metadata and the
 * controller's auth info.
 *
 * A dictionary has a capacity in bytes that counts a terminating NUL, as in ZeroTierOne 1.14.1,
 * so it holds at most cap - 1 bytes of text. Reading follows 1.14.1: lookup scans line starts and
 * the first `key=` wins; a value runs to the next CR, LF or the end. Writing appends entries
 * (a duplicate key is appended too, and stays hidden behind the first); an entry that does not
 * fit leaves the text unchanged. Internal header. */
#ifndef ZTK_CORE_NETWORK_DICTIONARY_H
#define ZTK_CORE_NETWORK_DICTIONARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ztkit/error.h"

/* 1.14.1's ZT_NETWORKCONFIG_DICT_CAPACITY on 64-bit builds (it is derived from C++ struct sizes)
 * and ZT_NETWORKCONFIG_METADATA_DICT_CAPACITY. */
#define ZTK_DICT_NETCONF_CAP 484520u
#define ZTK_DICT_METADATA_CAP 1024u

typedef struct ztk_dict {
  const char *text; /* the text; equals buf when writable */
  char *buf;        /* caller-owned storage (cap bytes, kept NUL-terminated); NULL for a view */
  size_t len;       /* text length, without the NUL */
  size_t cap;       /* capacity including the NUL */
  size_t mark;      /* length before the entry under construction */
  bool open;        /* an entry is under construction (add_begin .. add_end) */
  int pend;         /* failure of the entry under construction */
  int err;          /* first failed add, kept until init */
} ztk_dict;

/* One `key=value` line: pointers into the text; raw is the value still escaped. */
typedef struct ztk_dict_entry {
  const char *key;
  size_t key_len;
  const char *raw;
  size_t raw_len;
} ztk_dict_entry;

/* Makes d an empty writable dictionary over buf (cap bytes; with cap 0 it is a read-only empty
 * view). */
void ztk_dict_init(ztk_dict *d, char *buf, size_t cap);

/* Makes d a read-only view of len bytes of text (not copied; must outlive d), checked against a
 * capacity of cap. Returns 0, or one of: ZTK_ELIMIT (len > cap - 1), ZTK_ENET_DICT (a NUL byte
 * inside the text). */
int ztk_dict_view(ztk_dict *d, const void *text, size_t len, size_t cap);

/* Finds the first entry whose key is exactly key. Returns 0 (e filled) or ZTK_ENOTFOUND. */
int ztk_dict_find(const ztk_dict *d, const char *key, ztk_dict_entry *e);

/* Iterates over the lines in order: start with *pos = 0. Empty lines are skipped. Returns 1 (e
 * filled, *pos advanced), 0 at the end, or ZTK_ENET_DICT for a line without '=' or with an
 * empty key (*pos is moved past it, so iteration may continue). */
int ztk_dict_next(const ztk_dict *d, size_t *pos, ztk_dict_entry *e);

/* Removes escapes from e's value into out (cap bytes). Returns the value length, or one of:
 * ZTK_ENOSPACE (value longer than cap; out holds the first cap bytes), ZTK_ENET_DICT (the value
 * ends in a lone backslash). */
int ztk_dict_unescape(const ztk_dict_entry *e, void *out, size_t cap);

/* The value of key, unescaped, into out. Returns its length, or one of: ZTK_ENOTFOUND,
 * ZTK_ENOSPACE (out holds the first cap bytes), ZTK_ENET_DICT. */
int ztk_dict_get_bin(const ztk_dict *d, const char *key, void *out, size_t cap);

/* Like get_bin, then NUL-terminates out: a value that does not fit is truncated to cap - 1
 * bytes (as 1.14.1 does) and ZTK_ENOSPACE is returned. Returns the length, or one of:
 * ZTK_ENOTFOUND, ZTK_ENOSPACE, ZTK_ENET_DICT, ZTK_EINVAL (cap 0). */
int ztk_dict_get_str(const ztk_dict *d, const char *key, char *out, size_t cap);

/* An unsigned integer in hex of any length (leading zeros allowed). An empty value counts as
 * absent, as in 1.14.1. Returns 0, or one of: ZTK_ENOTFOUND, ZTK_ENET_DICT (not hex),
 * ZTK_ERANGE (more than 64 bits). */
int ztk_dict_get_u64(const ztk_dict *d, const char *key, uint64_t *v);

/* A signed integer: optional '-' then hex, as 1.14.1 writes negative int64 values. Returns 0, or
 * one of: ZTK_ENOTFOUND, ZTK_ENET_DICT, ZTK_ERANGE. */
int ztk_dict_get_i64(const ztk_dict *d, const char *key, int64_t *v);

/* A boolean: true if the value starts with '1', 't' or 'T' (an empty value is false). Returns
 * 0 or ZTK_ENOTFOUND. */
int ztk_dict_get_bool(const ztk_dict *d, const char *key, bool *v);

/* Streaming add of one entry: begin writes the separator, key and '=', bytes appends escaped
 * value bytes, end finishes. If anything does not fit, end rolls the text back to what it was
 * before begin. Returns (end) 0, or one of: ZTK_ELIMIT (does not fit), ZTK_EINVAL (empty key or
 * key with '=', CR, LF or NUL; NULL data), ZTK_ESTATE (read-only view, or begin/end misuse).
 * begin and bytes record their failure for end. */
void ztk_dict_add_begin(ztk_dict *d, const char *key);
void ztk_dict_add_bytes(ztk_dict *d, const void *data, size_t n);
int ztk_dict_add_end(ztk_dict *d);

/* Whole-entry adds; each returns what ztk_dict_add_end returns. */
int ztk_dict_add_bin(ztk_dict *d, const char *key, const void *data, size_t n);
int ztk_dict_add_str(ztk_dict *d, const char *key, const char *s);
int ztk_dict_add_u64(ztk_dict *d, const char *key, uint64_t v);        /* 16 lowercase hex digits */
int ztk_dict_add_i64(ztk_dict *d, const char *key, int64_t v);         /* '-' + 16 digits if < 0 */
int ztk_dict_add_bool(ztk_dict *d, const char *key, bool v);           /* "1" / "0" */
int ztk_dict_add_address(ztk_dict *d, const char *key, uint64_t addr); /* 10 hex digits */

/* Removes every entry with this key. Returns the number removed, or ZTK_ESTATE (read-only
 * view or an entry under construction). */
int ztk_dict_remove(ztk_dict *d, const char *key);

#endif
