/* Ethernet MACs on ZeroTier virtual networks (protocol notes §11.1). A MAC is held in the low
 * 48 bits of a uint64_t, first octet in bits 40..47. A member's MAC is derived from its
 * 40-bit address and the network id, so a unicast MAC whose first octet is the network's
 * first octet maps back to a member address; any other unicast MAC is "behind a bridge".
 * Internal header. */
#ifndef ZTK_CORE_NETWORK_MAC_H
#define ZTK_CORE_NETWORK_MAC_H

#include <stdbool.h>
#include <stdint.h>

#include "ztkit/error.h"

#define ZTK_MAC_MASK 0xffffffffffffULL
#define ZTK_MAC_BROADCAST 0xffffffffffffULL
#define ZTK_MAC_STRLEN 18 /* "xx:xx:xx:xx:xx:xx" and NUL */

/* Returns the first MAC octet of members of nwid: the network id's low byte with the
 * multicast bit cleared and the locally-administered bit set, except that 0x52 (common for
 * hypervisor-assigned MACs) becomes 0x32. */
uint8_t ztk_mac_first_octet(uint64_t nwid);

/* Returns the MAC of the member with the given address on nwid. */
uint64_t ztk_mac_from_address(uint64_t address, uint64_t nwid);

/* Returns the member address a MAC of nwid encodes (the low 40 bits with the network id mask
 * removed). Meaningful only when ztk_mac_is_member() holds. */
uint64_t ztk_mac_to_address(uint64_t mac, uint64_t nwid);

/* Returns true if the MAC's first octet is nwid's member octet (the MAC names a member). */
bool ztk_mac_is_member(uint64_t mac, uint64_t nwid);

/* Return true for group MACs (I/G bit of the first octet) / for ff:ff:ff:ff:ff:ff. */
bool ztk_mac_is_multicast(uint64_t mac);
bool ztk_mac_is_broadcast(uint64_t mac);

/* Conversion between the integer form and the 6 wire bytes (first octet first). */
uint64_t ztk_mac_from_bytes(const uint8_t b[6]);
void ztk_mac_to_bytes(uint64_t mac, uint8_t b[6]);

/* Writes "xx:xx:xx:xx:xx:xx" (lowercase) and a NUL. */
void ztk_mac_format(uint64_t mac, char out[ZTK_MAC_STRLEN]);

/* Parses six ':'-separated two-digit hex octets (either case). Returns 0 or ZTK_EFORMAT. */
int ztk_mac_parse(uint64_t *mac, const char *s);

#endif
