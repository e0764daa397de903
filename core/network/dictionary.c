#include "core/network/dictionary.h"

#include <string.h>

#include "core/util/hex.h"
#include "ztkit/error.h"

/* The longest integer value read, as 1.14.1's 128-byte scratch (127 characters). */
#define INT_TEXT_MAX 127

void ztk_dict_init(ztk_dict *d, char *buf, size_t cap)
{
  memset(d, 0, sizeof *d);
  if (!buf || cap == 0)
    return; /* no room even for the NUL: behaves as an empty read-only view */
  d->buf = buf;
  d->text = buf;
  d->cap = cap;
  buf[0] = 0;
}

int ztk_dict_view(ztk_dict *d, const void *text, size_t len, size_t cap)
{
  memset(d, 0, sizeof *d);
  if (!text && len)
    return ZTK_EINVAL;
  if (cap == 0 || len > cap - 1)
    return ZTK_ELIMIT;
  if (len && memchr(text, 0, len))
    return ZTK_ENET_DICT;
  d->text = text;
  d->len = len;
  d->cap = cap;
  return 0;
}

static bool is_eol(char c)
{
  return c == '\r' || c == '\n';
}

/* The next non-empty line at or after *pos: [*start, *end). Returns false at the end. */
static bool next_line(const ztk_dict *d, size_t *pos, size_t *start, size_t *end)
{
  size_t p = *pos;
  while (p < d->len && is_eol(d->text[p]))
    p++;
  if (p >= d->len) {
    *pos = d->len;
    return false;
  }
  *start = p;
  while (p < d->len && !is_eol(d->text[p]))
    p++;
  *end = p;
  *pos = p;
  return true;
}

/* Fills e from the line [start, end) whose '=' is at eq. */
static void fill_entry(const ztk_dict *d, size_t start, size_t eq, size_t end, ztk_dict_entry *e)
{
  e->key = d->text + start;
  e->key_len = eq - start;
  e->raw = d->text + eq + 1;
  e->raw_len = end - eq - 1;
}

static bool line_has_key(const ztk_dict *d, size_t start, size_t end, const char *key, size_t klen)
{
  return end - start > klen && memcmp(d->text + start, key, klen) == 0 &&
         d->text[start + klen] == '=';
}

int ztk_dict_find(const ztk_dict *d, const char *key, ztk_dict_entry *e)
{
  size_t klen = strlen(key), pos = 0, start, end;
  if (klen == 0)
    return ZTK_ENOTFOUND;
  while (next_line(d, &pos, &start, &end)) {
    if (line_has_key(d, start, end, key, klen)) {
      fill_entry(d, start, start + klen, end, e);
      return 0;
    }
  }
  return ZTK_ENOTFOUND;
}

int ztk_dict_next(const ztk_dict *d, size_t *pos, ztk_dict_entry *e)
{
  size_t start, end;
  if (!next_line(d, pos, &start, &end))
    return 0;
  const char *eq = memchr(d->text + start, '=', end - start);
  if (!eq || eq == d->text + start)
    return ZTK_ENET_DICT;
  fill_entry(d, start, (size_t)(eq - d->text), end, e);
  return 1;
}

static uint8_t unescape_char(char c)
{
  switch (c) {
  case 'r':
    return '\r';
  case 'n':
    return '\n';
  case '0':
    return 0;
  case 'e':
    return '=';
  default:
    return (uint8_t)c;
  }
}

int ztk_dict_unescape(const ztk_dict_entry *e, void *out, size_t cap)
{
  uint8_t *o = out;
  size_t n = 0;
  for (size_t i = 0; i < e->raw_len; i++) {
    uint8_t c = (uint8_t)e->raw[i];
    if (c == '\\') {
      if (++i == e->raw_len)
        return ZTK_ENET_DICT;
      c = unescape_char(e->raw[i]);
    }
    if (n == cap)
      return ZTK_ENOSPACE;
    o[n++] = c;
  }
  return (int)n;
}

int ztk_dict_get_bin(const ztk_dict *d, const char *key, void *out, size_t cap)
{
  ztk_dict_entry e;
  int rc = ztk_dict_find(d, key, &e);
  return rc ? rc : ztk_dict_unescape(&e, out, cap);
}

int ztk_dict_get_str(const ztk_dict *d, const char *key, char *out, size_t cap)
{
  if (cap == 0)
    return ZTK_EINVAL;
  int rc = ztk_dict_get_bin(d, key, out, cap - 1);
  if (rc >= 0)
    out[rc] = 0;
  else if (rc == ZTK_ENOSPACE)
    out[cap - 1] = 0;
  else
    out[0] = 0;
  return rc;
}

/* Parses hex of any length (leading zeros allowed) into *v. */
static int parse_hex(const char *s, size_t n, uint64_t *v)
{
  if (n == 0)
    return ZTK_ENET_DICT;
  size_t i = 0;
  while (i + 1 < n && s[i] == '0')
    i++;
  if (n - i > 16) {
    for (size_t j = i; j < n; j++)
      if (ztk_hex_u64(s + j, 1, v))
        return ZTK_ENET_DICT;
    return ZTK_ERANGE;
  }
  return ztk_hex_u64(s + i, n - i, v) ? ZTK_ENET_DICT : 0;
}

/* The integer text of key (non-empty, at most INT_TEXT_MAX bytes) into buf. */
static int int_text(const ztk_dict *d, const char *key, char buf[INT_TEXT_MAX])
{
  int n = ztk_dict_get_bin(d, key, buf, INT_TEXT_MAX);
  if (n == 0)
    return ZTK_ENOTFOUND;
  if (n == ZTK_ENOSPACE)
    return ZTK_ERANGE;
  return n;
}

int ztk_dict_get_u64(const ztk_dict *d, const char *key, uint64_t *v)
{
  char buf[INT_TEXT_MAX];
  *v = 0;
  int n = int_text(d, key, buf);
  return n < 0 ? n : parse_hex(buf, (size_t)n, v);
}

int ztk_dict_get_i64(const ztk_dict *d, const char *key, int64_t *v)
{
  char buf[INT_TEXT_MAX];
  uint64_t u;
  *v = 0;
  int n = int_text(d, key, buf);
  if (n < 0)
    return n;
  bool neg = buf[0] == '-';
  int rc = parse_hex(buf + neg, (size_t)n - neg, &u);
  if (rc)
    return rc;
  if (u > (neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX))
    return ZTK_ERANGE;
  *v = neg ? (int64_t)(0 - u) : (int64_t)u;
  return 0;
}

int ztk_dict_get_bool(const ztk_dict *d, const char *key, bool *v)
{
  ztk_dict_entry e;
  *v = false;
  if (ztk_dict_find(d, key, &e))
    return ZTK_ENOTFOUND;
  char c = 0;
  int n = ztk_dict_unescape(&e, &c, 1);
  *v = (n == 1 || n == ZTK_ENOSPACE) && (c == '1' || c == 't' || c == 'T');
  return 0;
}

/* Appends n raw bytes if they fit in the text limit (cap - 1); else records ZTK_ELIMIT. */
static void put_raw(ztk_dict *d, const void *p, size_t n)
{
  if (d->pend)
    return;
  if (d->cap - 1 - d->len < n) {
    d->pend = ZTK_ELIMIT;
    return;
  }
  memcpy(d->buf + d->len, p, n);
  d->len += n;
}

static bool key_ok(const char *key)
{
  return key && key[0] && !strpbrk(key, "=\r\n");
}

void ztk_dict_add_begin(ztk_dict *d, const char *key)
{
  if (!d->buf || d->open) {
    d->pend = ZTK_ESTATE;
    d->open = true;
    return;
  }
  d->open = true;
  d->pend = 0;
  d->mark = d->len;
  if (!key_ok(key)) {
    d->pend = ZTK_EINVAL;
    return;
  }
  if (d->len)
    put_raw(d, "\n", 1);
  put_raw(d, key, strlen(key));
  put_raw(d, "=", 1);
}

void ztk_dict_add_bytes(ztk_dict *d, const void *data, size_t n)
{
  const uint8_t *p = data;
  if (!d->open) {
    d->pend = ZTK_ESTATE;
    return;
  }
  if (!p && n) {
    d->pend = ZTK_EINVAL;
    return;
  }
  for (size_t i = 0; i < n && !d->pend; i++) {
    char esc[2] = {'\\', 0};
    switch (p[i]) {
    case 0:
      esc[1] = '0';
      break;
    case '\r':
      esc[1] = 'r';
      break;
    case '\n':
      esc[1] = 'n';
      break;
    case '\\':
      esc[1] = '\\';
      break;
    case '=':
      esc[1] = 'e';
      break;
    default:
      put_raw(d, p + i, 1);
      continue;
    }
    put_raw(d, esc, 2);
  }
}

int ztk_dict_add_end(ztk_dict *d)
{
  int rc = d->open ? d->pend : ZTK_ESTATE;
  if (!d->buf) {
    rc = ZTK_ESTATE;
  } else if (d->open && rc) {
    d->len = d->mark;
  }
  if (d->buf)
    d->buf[d->len] = 0;
  if (rc && !d->err)
    d->err = rc;
  d->open = false;
  d->pend = 0;
  return rc;
}

int ztk_dict_add_bin(ztk_dict *d, const char *key, const void *data, size_t n)
{
  ztk_dict_add_begin(d, key);
  ztk_dict_add_bytes(d, data, n);
  return ztk_dict_add_end(d);
}

int ztk_dict_add_str(ztk_dict *d, const char *key, const char *s)
{
  return ztk_dict_add_bin(d, key, s, s ? strlen(s) : 0);
}

int ztk_dict_add_u64(ztk_dict *d, const char *key, uint64_t v)
{
  uint8_t be[8];
  char hex[17];
  for (int i = 0; i < 8; i++)
    be[i] = (uint8_t)(v >> (56 - 8 * i));
  ztk_hex_encode(hex, be, 8);
  return ztk_dict_add_bin(d, key, hex, 16);
}

int ztk_dict_add_i64(ztk_dict *d, const char *key, int64_t v)
{
  if (v >= 0)
    return ztk_dict_add_u64(d, key, (uint64_t)v);
  uint64_t mag = 0 - (uint64_t)v;
  uint8_t be[8];
  char text[18] = "-";
  for (int i = 0; i < 8; i++)
    be[i] = (uint8_t)(mag >> (56 - 8 * i));
  ztk_hex_encode(text + 1, be, 8);
  return ztk_dict_add_bin(d, key, text, 17);
}

int ztk_dict_add_bool(ztk_dict *d, const char *key, bool v)
{
  return ztk_dict_add_bin(d, key, v ? "1" : "0", 1);
}

int ztk_dict_add_address(ztk_dict *d, const char *key, uint64_t addr)
{
  uint8_t be[5];
  char hex[11];
  for (int i = 0; i < 5; i++)
    be[i] = (uint8_t)(addr >> (32 - 8 * i));
  ztk_hex_encode(hex, be, 5);
  return ztk_dict_add_bin(d, key, hex, 10);
}

int ztk_dict_remove(ztk_dict *d, const char *key)
{
  if (!d->buf || d->open)
    return ZTK_ESTATE;
  size_t klen = strlen(key), pos = 0, start, end, out = 0;
  int removed = 0;
  while (next_line(d, &pos, &start, &end)) {
    if (klen && line_has_key(d, start, end, key, klen)) {
      removed++;
      continue;
    }
    if (out)
      d->buf[out++] = '\n';
    memmove(d->buf + out, d->buf + start, end - start);
    out += end - start;
  }
  d->len = out;
  d->buf[out] = 0;
  return removed;
}
