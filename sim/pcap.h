/* pcap files of simulated traffic, written with libpcap (pcap_open_dead + pcap_dump).
 *
 * Two kinds of writer:
 *  - ZTK_PCAP_UNDERLAY: underlay UDP datagrams, framed as Ethernet (DLT_EN10MB) + IPv4/IPv6 +
 *    UDP with valid IP and UDP checksums, like a capture on a real member's eth0 (the kind in
 *    tests/data/captures). Wireshark shows them as UDP to/from port 9993 (Wireshark has no
 *    built-in ZeroTier dissector; ZeroTier's Lua dissector registers on that port). MAC
 *    addresses are synthetic: ztk_pcap_mac() of the sending / receiving element id.
 *  - ZTK_PCAP_ETHERNET: virtual-network Ethernet frames exactly as given (DLT_EN10MB), one file
 *    per virtual network for the host layer.
 * Timestamps are virtual time (plus an optional epoch so tools show a plausible date).
 *
 * Internal header: not a stable API. */
#ifndef ZTK_SIM_PCAP_H
#define ZTK_SIM_PCAP_H

#include <stddef.h>
#include <stdint.h>

#include "core/util/inaddr.h"

typedef enum ztk_pcap_kind {
  ZTK_PCAP_UNDERLAY = 1,
  ZTK_PCAP_ETHERNET = 2,
} ztk_pcap_kind;

typedef struct ztk_pcap ztk_pcap;

#define ZTK_PCAP_SNAPLEN 65535

/* Opens (truncates) path for writing. epoch_us is added to every timestamp. Returns 0 or one
 * of: ZTK_EINVAL, ZTK_EIO (libpcap could not open the file), ZTK_ENOMEM. */
int ztk_pcap_open(ztk_pcap **out, const char *path, ztk_pcap_kind kind, int64_t epoch_us);

/* Flushes and closes. */
void ztk_pcap_close(ztk_pcap *w);

/* Writes one UDP datagram src -> dst (same family, 4 or 6) on an UNDERLAY writer, with IP TTL /
 * hop limit ttl (0 means 64), IPv4 identification ip_id, and MACs from the element ids.
 * Returns 0 or one of: ZTK_EINVAL (wrong writer kind, family mismatch), ZTK_ERANGE (datagram
 * too large for one IP packet). */
int ztk_pcap_udp(ztk_pcap *w, int64_t t_us, uint32_t src_elem, uint32_t dst_elem,
                 const ztk_inaddr *src, const ztk_inaddr *dst, int ttl, uint16_t ip_id,
                 const void *data, size_t len);

/* Writes one Ethernet frame (destination MAC first) on an ETHERNET writer. Frames longer than
 * ZTK_PCAP_SNAPLEN are cut (the record keeps the original length). Returns 0 or ZTK_EINVAL. */
int ztk_pcap_frame(ztk_pcap *w, int64_t t_us, const void *frame, size_t len);

/* Records written. */
uint64_t ztk_pcap_count(const ztk_pcap *w);

/* The synthetic MAC of element id: 02:7a followed by the id, big-endian (locally
 * administered, unicast). */
void ztk_pcap_mac(uint32_t elem, uint8_t mac[6]);

/* The Internet checksum (RFC 1071) of sum-folded data with an initial 32-bit partial sum.
 * Exposed for tests. */
uint16_t ztk_pcap_csum(uint32_t partial, const void *data, size_t len);

#endif
