#include "sim/trace.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/util/hex.h"
#include "ztkit/error.h"

struct ztk_trace {
  crypto_generichash_state hash;
  FILE *file;
  uint64_t lines;
  /* retained lines: text (with "\n") in buf, starts in off[] */
  char *buf;
  size_t used, cap, limit;
  size_t *off;
  uint64_t noff, offcap;
  bool truncated;
};

int ztk_trace_new(ztk_trace **out, FILE *file, size_t retain_bytes)
{
  if (!out)
    return ZTK_EINVAL;
  /* libsodium's hash state must sit at its declared 64-byte alignment: it places its real state
   * at an aligned offset inside, so a less aligned copy would run past its end */
  size_t size = (sizeof(struct ztk_trace) + 63) & ~(size_t)63;
  ztk_trace *t = aligned_alloc(64, size);
  if (!t)
    return ZTK_ENOMEM;
  memset(t, 0, size);
  crypto_generichash_init(&t->hash, NULL, 0, 32);
  t->file = file;
  t->limit = retain_bytes;
  *out = t;
  return 0;
}

void ztk_trace_set_file(ztk_trace *t, FILE *file) { t->file = file; }

void ztk_trace_del(ztk_trace *t)
{
  if (!t)
    return;
  free(t->buf);
  free(t->off);
  free(t);
}

/* Keeps one line if it fits the retention budget; stops retaining for good otherwise. */
static void retain(ztk_trace *t, const char *line, size_t len)
{
  if (t->truncated || t->used + len > t->limit) {
    t->truncated = true;
    return;
  }
  if (t->used + len > t->cap) {
    size_t cap = t->cap ? t->cap : 4096;
    while (cap < t->used + len)
      cap *= 2;
    if (cap > t->limit)
      cap = t->limit;
    char *b = realloc(t->buf, cap);
    if (!b) {
      t->truncated = true;
      return;
    }
    t->buf = b;
    t->cap = cap;
  }
  if (t->noff == t->offcap) {
    uint64_t cap = t->offcap ? t->offcap * 2 : 256;
    size_t *o = realloc(t->off, (size_t)cap * sizeof *o);
    if (!o) {
      t->truncated = true;
      return;
    }
    t->off = o;
    t->offcap = cap;
  }
  t->off[t->noff++] = t->used;
  memcpy(t->buf + t->used, line, len);
  t->used += len;
}

/* Finishes a line whose text is in line[0..n) (n as returned by snprintf, may exceed the
 * buffer): cuts it to ZTK_TRACE_LINE_MAX - 1 characters, adds "\n", hashes, keeps, writes. */
static int emit(ztk_trace *t, char *line, int n)
{
  size_t len = n < 0 ? 0 : (size_t)n;
  if (len > ZTK_TRACE_LINE_MAX - 1) {
    len = ZTK_TRACE_LINE_MAX - 1;
    memcpy(line + len - 3, "...", 3);
  }
  line[len++] = '\n';
  crypto_generichash_update(&t->hash, (const unsigned char *)line, len);
  t->lines++;
  if (t->limit)
    retain(t, line, len);
  if (t->file && fwrite(line, 1, len, t->file) != len)
    return ZTK_EIO;
  return 0;
}

static int time_prefix(char *line, int64_t t_us)
{
  int64_t s = t_us / 1000000, us = t_us % 1000000;
  if (us < 0) {
    us += 1000000;
    s--;
  }
  return snprintf(line, ZTK_TRACE_LINE_MAX, "%" PRId64 ".%06" PRId64 " ", s, us);
}

static int vline(ztk_trace *t, int64_t t_us, const char *head, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));

static int vline(ztk_trace *t, int64_t t_us, const char *head, const char *fmt, va_list ap)
{
  char line[ZTK_TRACE_LINE_MAX + 1];
  int n = time_prefix(line, t_us);
  if (head)
    n += snprintf(line + n, ZTK_TRACE_LINE_MAX - (size_t)n, "%s", head);
  if (n < ZTK_TRACE_LINE_MAX)
    n += vsnprintf(line + n, ZTK_TRACE_LINE_MAX - (size_t)n, fmt, ap);
  return emit(t, line, n);
}

int ztk_trace_printf(ztk_trace *t, int64_t t_us, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  int err = vline(t, t_us, NULL, fmt, ap);
  va_end(ap);
  return err;
}

int ztk_trace_event(ztk_trace *t, int64_t t_us, const char *source, const char *fmt, ...)
{
  char head[96];
  snprintf(head, sizeof head, "ev %.80s ", source);
  va_list ap;
  va_start(ap, fmt);
  int err = vline(t, t_us, head, fmt, ap);
  va_end(ap);
  return err;
}

uint64_t ztk_trace_lines(const ztk_trace *t)
{
  return t->lines;
}

static void digest(const ztk_trace *t, uint8_t out[32])
{
  crypto_generichash_state copy = t->hash; /* finalising consumes the state */
  crypto_generichash_final(&copy, out, 32);
}

void ztk_trace_hash_hex(const ztk_trace *t, char out[ZTK_TRACE_HASH_HEX])
{
  uint8_t h[32];
  digest(t, h);
  ztk_hex_encode(out, h, sizeof h);
}

const char *ztk_trace_line(const ztk_trace *t, uint64_t i, size_t *len)
{
  if (i >= t->noff)
    return NULL;
  size_t end = i + 1 < t->noff ? t->off[i + 1] : t->used;
  if (len)
    *len = end - t->off[i] - 1;
  return t->buf + t->off[i];
}

bool ztk_trace_retained_all(const ztk_trace *t)
{
  return !t->truncated;
}

int ztk_trace_compare(const ztk_trace *a, const ztk_trace *b, uint64_t *line)
{
  for (uint64_t i = 0;; i++) {
    size_t la = 0, lb = 0;
    const char *sa = ztk_trace_line(a, i, &la), *sb = ztk_trace_line(b, i, &lb);
    if (!sa && !sb)
      break;
    if (sa && sb && la == lb && memcmp(sa, sb, la) == 0)
      continue;
    if ((!sa && a->truncated) || (!sb && b->truncated))
      break; /* past one side's retention: only the hashes can tell */
    if (line)
      *line = i;
    return 1;
  }
  uint8_t ha[32], hb[32];
  digest(a, ha);
  digest(b, hb);
  if (a->lines == b->lines && memcmp(ha, hb, 32) == 0)
    return 0;
  return ZTK_ELIMIT;
}
