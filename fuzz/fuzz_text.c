/* Target Functions: the small text parsers of core/util/hex.h (ztk_hex_decode, ztk_hex_u64,
 * ztk_hex_encode) and core/network/mac.h (ztk_mac_parse, ztk_mac_format).
 *
 * Input: a mode byte, then text. Mode 0: hex of any even length decodes (or fails with
 * ZTK_EFORMAT), and what decodes encodes back to the input in lowercase. Mode 1: a hex
 * number of 1..16 digits parses to the value of its digits. Mode 2: a MAC parses (or fails
 * with ZTK_EFORMAT); what parses formats to the input in lowercase and parses back. */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/network/mac.h"
#include "core/util/hex.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int cond)
{
  if (!cond)
    abort();
}

static bool same_lower(const char *a, const char *b, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (tolower((unsigned char)a[i]) != b[i])
      return false;
  return true;
}

static void hex_bytes(const char *s, size_t len)
{
  static uint8_t bin[2048];
  static char back[4097];
  if (len % 2 || len / 2 > sizeof bin)
    return;
  int rc = ztk_hex_decode(bin, len / 2, s, len);
  check(rc == 0 || rc == ZTK_EFORMAT);
  if (rc)
    return;
  ztk_hex_encode(back, bin, len / 2);
  check(strlen(back) == len && same_lower(s, back, len));
}

static void hex_number(const char *s, size_t len)
{
  uint64_t v = 0, want = 0;
  int rc = ztk_hex_u64(s, len, &v);
  check(rc == 0 || rc == ZTK_EFORMAT);
  if (rc)
    return;
  check(len >= 1 && len <= 16);
  for (size_t i = 0; i < len; i++) {
    check(isxdigit((unsigned char)s[i]));
    want = want << 4 | (uint64_t)(isdigit((unsigned char)s[i]) ? s[i] - '0'
                                                                : tolower((unsigned char)s[i]) - 'a' + 10);
  }
  check(v == want);
}

static void mac_text(const char *s, size_t len)
{
  uint64_t mac = 0, again = 0;
  char out[ZTK_MAC_STRLEN];
  int rc = ztk_mac_parse(&mac, s);
  check(rc == 0 || rc == ZTK_EFORMAT);
  if (rc)
    return;
  check(mac <= ZTK_MAC_MASK);
  ztk_mac_format(mac, out);
  check(len == ZTK_MAC_STRLEN - 1 && same_lower(s, out, len));
  check(ztk_mac_parse(&again, out) == 0 && again == mac);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static char text[4097];
  if (size < 1 || size - 1 >= sizeof text)
    return 0;
  size_t len = size - 1;
  memcpy(text, data + 1, len);
  text[len] = 0;
  len = strlen(text); /* the parsers take C strings */
  switch (data[0] % 3) {
  case 0:
    hex_bytes(text, len);
    break;
  case 1:
    hex_number(text, len);
    break;
  default:
    mac_text(text, len);
  }
  return 0;
}
