/* IPv6 neighbor discovery the ZeroTier core does itself (protocol notes §11.5). On networks
 * with NDP emulation (config flag 0x04) a Neighbor Solicitation the local host sends for an
 * address in our rfc4193 /88 or 6plane /40 is never sent: the embedded member address gives
 * the MAC, and a Neighbor Advertisement is handed straight back to the host. The same NA
 * builder serves the core-only responder (responder.c). Internal header. */
#ifndef ZTK_CORE_NETWORK_NDP_H
#define ZTK_CORE_NETWORK_NDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/network/ethframe.h"
#include "core/util/cursor.h"
#include "core/util/inaddr.h"

#define ZTK_NDP_NA_LEN 72 /* IPv6 header + NA + target link-layer address option */
#define ZTK_NDP_NA_ROUTER 0x80000000u
#define ZTK_NDP_NA_SOLICITED 0x40000000u
#define ZTK_NDP_NA_OVERRIDE 0x20000000u

/* Appends a 72-byte IPv6 packet: hop limit 255, ICMPv6 Neighbor Advertisement from src to dst
 * for target with the given flags and a target link-layer address option (type 2) holding
 * target_mac; the checksum is filled in. Errors are left in w->err. */
void ztk_ndp_write_na(ztk_wr *w, const uint8_t src[16], const uint8_t dst[16],
                      const uint8_t target[16], uint32_t flags, uint64_t target_mac);

/* An NA synthesized for the local host, to deliver on its tap as a frame from src_mac to
 * dst_mac with ethertype IPv6. */
typedef struct ztk_ndp_reply {
  uint64_t peer;    /* member address embedded in the solicited target */
  uint64_t src_mac; /* the peer's MAC */
  uint64_t dst_mac; /* the soliciting host's MAC (the NS frame's source) */
  uint8_t packet[ZTK_NDP_NA_LEN];
} ztk_ndp_reply;

/* Looks at an outgoing frame as 1.14.1 does: a multicast, non-broadcast IPv6 frame of at
 * least 64 bytes whose next header is ICMPv6 and ICMPv6 type 135. Our static IPs (network
 * config order) are searched for the first IPv6 one that is an rfc4193 /88 (fd..9993) or a
 * 6plane /40 of nwid whose prefix the NS target shares; the 5 bytes after the prefix are the
 * peer's address. Returns 1 with *reply filled if an NA was synthesized (the frame must then
 * not be sent), 0 if the frame is not emulated (peer not found, or it is ourselves, e.g.
 * duplicate address detection), or ZTK_EINVAL for NULL arguments. The caller checks the
 * network's NDP emulation flag. */
int ztk_ndp_emulate(const ztk_frame *f, uint64_t nwid, uint64_t self, const ztk_inaddr *static_ips,
                    size_t n_static_ips, ztk_ndp_reply *reply);

/* A Neighbor Solicitation as a host would accept it. */
typedef struct ztk_ndp_ns {
  uint8_t src[16];  /* :: for duplicate address detection */
  uint8_t dst[16];
  uint8_t target[16];
  bool has_sll;     /* a source link-layer address option was present */
  uint64_t sll_mac;
} ztk_ndp_ns;

/* Parses an IPv6 packet holding an NS (RFC 4861 §7.1.1 checks: next header ICMPv6 directly,
 * hop limit 255, code 0, >= 24 bytes, valid checksum, no zero-length option, target not
 * multicast). Returns 0, ZTK_ETRUNC, or ZTK_EFORMAT for anything else. */
int ztk_ndp_parse_ns(ztk_ndp_ns *ns, const uint8_t *pkt, size_t len);

#endif
