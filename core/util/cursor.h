/* Bounded cursors: the only way wire bytes are read or written in ztkit.
 *
 * A reader or writer carries a sticky error. Once a read or write would cross the end, the
 * cursor records ZTK_ETRUNC (reader) or ZTK_ENOSPACE (writer), stops moving, and every later
 * read returns zero, so a parser can read a whole structure and check `err` once at the end.
 * Integers are big-endian, as on the ZeroTier wire. Internal header: not a stable API. */
#ifndef ZTK_CORE_UTIL_CURSOR_H
#define ZTK_CORE_UTIL_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ztkit/error.h"

typedef struct ztk_rd {
  const uint8_t *p;
  size_t len;
  size_t off;
  int err;
} ztk_rd;

typedef struct ztk_wr {
  uint8_t *p;
  size_t cap;
  size_t len;
  int err;
} ztk_wr;

static inline ztk_rd ztk_rd_make(const void *p, size_t len)
{
  ztk_rd r = {(const uint8_t *)p, len, 0, 0};
  return r;
}

static inline size_t ztk_rd_left(const ztk_rd *r) { return r->err ? 0 : r->len - r->off; }

/* Returns a pointer to the next n bytes and advances, or NULL (and sets err) if fewer remain. */
static inline const uint8_t *ztk_rd_take(ztk_rd *r, size_t n)
{
  if (r->err)
    return NULL;
  if (r->len - r->off < n) {
    r->err = ZTK_ETRUNC;
    return NULL;
  }
  const uint8_t *q = r->p + r->off;
  r->off += n;
  return q;
}

static inline void ztk_rd_fail(ztk_rd *r, int err)
{
  if (!r->err)
    r->err = err;
}

static inline void ztk_rd_skip(ztk_rd *r, size_t n) { (void)ztk_rd_take(r, n); }

static inline void ztk_rd_copy(ztk_rd *r, void *dst, size_t n)
{
  const uint8_t *q = ztk_rd_take(r, n);
  if (q)
    memcpy(dst, q, n);
  else
    memset(dst, 0, n);
}

/* Reads an n-byte (n <= 8) big-endian unsigned integer. */
static inline uint64_t ztk_rd_uint(ztk_rd *r, size_t n)
{
  const uint8_t *q = ztk_rd_take(r, n);
  uint64_t v = 0;
  if (q)
    for (size_t i = 0; i < n; i++)
      v = (v << 8) | q[i];
  return v;
}

static inline uint8_t ztk_rd_u8(ztk_rd *r) { return (uint8_t)ztk_rd_uint(r, 1); }
static inline uint16_t ztk_rd_u16(ztk_rd *r) { return (uint16_t)ztk_rd_uint(r, 2); }
static inline uint32_t ztk_rd_u32(ztk_rd *r) { return (uint32_t)ztk_rd_uint(r, 4); }
static inline uint64_t ztk_rd_u40(ztk_rd *r) { return ztk_rd_uint(r, 5); }
static inline uint64_t ztk_rd_u64(ztk_rd *r) { return ztk_rd_uint(r, 8); }

/* Peeks at the byte `ahead` positions from the current one without consuming; -1 if absent. */
static inline int ztk_rd_peek(const ztk_rd *r, size_t ahead)
{
  if (r->err || r->len - r->off <= ahead)
    return -1;
  return r->p[r->off + ahead];
}

static inline ztk_wr ztk_wr_make(void *p, size_t cap)
{
  ztk_wr w = {(uint8_t *)p, cap, 0, 0};
  return w;
}

/* Reserves n bytes and returns where to fill them, or NULL (and sets err) if they do not fit. */
static inline uint8_t *ztk_wr_reserve(ztk_wr *w, size_t n)
{
  if (w->err)
    return NULL;
  if (w->cap - w->len < n) {
    w->err = ZTK_ENOSPACE;
    return NULL;
  }
  uint8_t *q = w->p + w->len;
  w->len += n;
  return q;
}

static inline void ztk_wr_bytes(ztk_wr *w, const void *src, size_t n)
{
  uint8_t *q = ztk_wr_reserve(w, n);
  if (q && n)
    memcpy(q, src, n);
}

static inline void ztk_wr_zero(ztk_wr *w, size_t n)
{
  uint8_t *q = ztk_wr_reserve(w, n);
  if (q)
    memset(q, 0, n);
}

/* Writes the low n bytes (n <= 8) of v big-endian. */
static inline void ztk_wr_uint(ztk_wr *w, uint64_t v, size_t n)
{
  uint8_t *q = ztk_wr_reserve(w, n);
  if (q)
    for (size_t i = 0; i < n; i++)
      q[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
}

static inline void ztk_wr_u8(ztk_wr *w, uint8_t v) { ztk_wr_uint(w, v, 1); }
static inline void ztk_wr_u16(ztk_wr *w, uint16_t v) { ztk_wr_uint(w, v, 2); }
static inline void ztk_wr_u32(ztk_wr *w, uint32_t v) { ztk_wr_uint(w, v, 4); }
static inline void ztk_wr_u40(ztk_wr *w, uint64_t v) { ztk_wr_uint(w, v, 5); }
static inline void ztk_wr_u64(ztk_wr *w, uint64_t v) { ztk_wr_uint(w, v, 8); }

/* Big-endian helpers for fixed-size fields already bounds-checked by a cursor or a struct. */
static inline uint64_t ztk_be_get(const uint8_t *p, size_t n)
{
  uint64_t v = 0;
  for (size_t i = 0; i < n; i++)
    v = (v << 8) | p[i];
  return v;
}

static inline void ztk_be_put(uint8_t *p, uint64_t v, size_t n)
{
  for (size_t i = 0; i < n; i++)
    p[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
}

#endif
