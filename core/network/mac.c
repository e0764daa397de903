#include "core/network/mac.h"

#include <stdio.h>
#include <string.h>

#include "core/util/cursor.h"
#include "core/util/hex.h"

/* The 40 address bits are XORed with network id bytes 1..5 in reverse order: MAC byte 1 with
 * nwid bits 8..15, ..., MAC byte 5 with nwid bits 40..47. Applying it twice is the identity. */
static uint64_t nwid_mask(uint64_t nwid)
{
  uint64_t m = 0;
  for (unsigned i = 1; i <= 5; i++)
    m = (m << 8) | ((nwid >> (8 * i)) & 0xff);
  return m;
}

uint8_t ztk_mac_first_octet(uint64_t nwid)
{
  uint8_t a = (uint8_t)((nwid & 0xfe) | 0x02);
  return a == 0x52 ? 0x32 : a;
}

uint64_t ztk_mac_from_address(uint64_t address, uint64_t nwid)
{
  uint64_t m = (uint64_t)ztk_mac_first_octet(nwid) << 40;
  return m | ((address & 0xffffffffffULL) ^ nwid_mask(nwid));
}

uint64_t ztk_mac_to_address(uint64_t mac, uint64_t nwid)
{
  return (mac & 0xffffffffffULL) ^ nwid_mask(nwid);
}

bool ztk_mac_is_member(uint64_t mac, uint64_t nwid)
{
  return ((mac >> 40) & 0xff) == ztk_mac_first_octet(nwid);
}

bool ztk_mac_is_multicast(uint64_t mac) { return (mac & 0x010000000000ULL) != 0; }

bool ztk_mac_is_broadcast(uint64_t mac) { return (mac & ZTK_MAC_MASK) == ZTK_MAC_BROADCAST; }

uint64_t ztk_mac_from_bytes(const uint8_t b[6]) { return ztk_be_get(b, 6); }

void ztk_mac_to_bytes(uint64_t mac, uint8_t b[6]) { ztk_be_put(b, mac, 6); }

void ztk_mac_format(uint64_t mac, char out[ZTK_MAC_STRLEN])
{
  snprintf(out, ZTK_MAC_STRLEN, "%02x:%02x:%02x:%02x:%02x:%02x", (unsigned)(mac >> 40) & 0xff,
           (unsigned)(mac >> 32) & 0xff, (unsigned)(mac >> 24) & 0xff,
           (unsigned)(mac >> 16) & 0xff, (unsigned)(mac >> 8) & 0xff, (unsigned)mac & 0xff);
}

int ztk_mac_parse(uint64_t *mac, const char *s)
{
  uint8_t b[6];
  if (strlen(s) != 17)
    return ZTK_EFORMAT;
  for (unsigned i = 0; i < 6; i++) {
    if (i < 5 && s[3 * i + 2] != ':')
      return ZTK_EFORMAT;
    if (ztk_hex_decode(&b[i], 1, s + 3 * i, 2) != 0)
      return ZTK_EFORMAT;
  }
  *mac = ztk_mac_from_bytes(b);
  return 0;
}
