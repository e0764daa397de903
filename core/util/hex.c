#include "core/util/hex.h"

#include "ztkit/error.h"

static int hexval(char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

void ztk_hex_encode(char *out, const void *in, size_t n)
{
  static const char digits[] = "0123456789abcdef";
  const uint8_t *b = in;
  for (size_t i = 0; i < n; i++) {
    out[2 * i] = digits[b[i] >> 4];
    out[2 * i + 1] = digits[b[i] & 15];
  }
  out[2 * n] = '\0';
}

int ztk_hex_decode(void *out, size_t n, const char *s, size_t slen)
{
  uint8_t *b = out;
  if (slen != 2 * n)
    return ZTK_EFORMAT;
  for (size_t i = 0; i < n; i++) {
    int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
    if (hi < 0 || lo < 0)
      return ZTK_EFORMAT;
    b[i] = (uint8_t)(hi << 4 | lo);
  }
  return 0;
}

int ztk_hex_u64(const char *s, size_t slen, uint64_t *v)
{
  uint64_t x = 0;
  if (slen == 0 || slen > 16)
    return ZTK_EFORMAT;
  for (size_t i = 0; i < slen; i++) {
    int d = hexval(s[i]);
    if (d < 0)
      return ZTK_EFORMAT;
    x = (x << 4) | (uint64_t)d;
  }
  *v = x;
  return 0;
}
