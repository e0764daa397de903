/* Hex encoding and decoding (lowercase out, either case in). Internal header. */
#ifndef ZTK_CORE_UTIL_HEX_H
#define ZTK_CORE_UTIL_HEX_H

#include <stddef.h>
#include <stdint.h>

/* Writes 2*n lowercase hex digits and a NUL to out (which must hold 2*n+1 bytes). */
void ztk_hex_encode(char *out, const void *in, size_t n);

/* Decodes exactly 2*n hex digits from s (which must be that long) into out. Returns 0, or
 * ZTK_EFORMAT if any character is not a hex digit. */
int ztk_hex_decode(void *out, size_t n, const char *s, size_t slen);

/* Parses 1..16 hex digits (no prefix) into *v. Returns 0 or ZTK_EFORMAT. */
int ztk_hex_u64(const char *s, size_t slen, uint64_t *v);

#endif
