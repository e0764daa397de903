/* Ethernet-level payloads the core has to understand (protocol notes §11): the Ethernet header
 * of a tap frame, ARP for IPv4 over Ethernet, IPv4 and IPv6 headers, ICMP/ICMPv6 and UDP, and
 * the Internet checksum with its IPv4/IPv6 pseudo-headers. Shared by the rules engine
 * (filter.c), NDP emulation (ndp.c) and the core-only responder (responder.c).
 *
 * A frame travels through the ZeroTier core as MACs and ethertype out of band plus the payload
 * that follows the Ethernet header (ztk_frame). Parsers take (bytes, length) and never read
 * past it; builders append to a ztk_wr. Internal header. */
#ifndef ZTK_CORE_NETWORK_ETHFRAME_H
#define ZTK_CORE_NETWORK_ETHFRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/util/cursor.h"

#define ZTK_ETHERTYPE_IPV4 0x0800
#define ZTK_ETHERTYPE_ARP 0x0806
#define ZTK_ETHERTYPE_VLAN 0x8100
#define ZTK_ETHERTYPE_IPV6 0x86dd

#define ZTK_IPPROTO_ICMP 1
#define ZTK_IPPROTO_TCP 6
#define ZTK_IPPROTO_UDP 17
#define ZTK_IPPROTO_ICMPV6 58
#define ZTK_IPPROTO_SCTP 132
#define ZTK_IPPROTO_UDPLITE 136

#define ZTK_ETH_HEADER_LEN 14
#define ZTK_ARP_LEN 28
#define ZTK_IPV4_HEADER_LEN 20
#define ZTK_IPV6_HEADER_LEN 40
#define ZTK_UDP_HEADER_LEN 8
#define ZTK_ICMP_HEADER_LEN 4

/* A virtual Ethernet frame: what the core receives from and hands to a tap. */
typedef struct ztk_frame {
  uint64_t dst_mac;
  uint64_t src_mac;
  uint16_t ethertype;
  uint16_t vlan_id;     /* 0 = untagged (ZeroTier 1.14.1 always uses 0) */
  const uint8_t *data;  /* payload after the Ethernet header (and 802.1Q tag) */
  size_t len;
} ztk_frame;

/* Splits a raw Ethernet frame (as on a tap or in a pcap) into a ztk_frame pointing into it; a
 * single 802.1Q tag is removed and its VLAN id kept. Returns 0 or ZTK_ETRUNC. */
int ztk_frame_parse_ethernet(ztk_frame *f, const uint8_t *eth, size_t len);

/* Appends the raw Ethernet form of f (header, 802.1Q tag if vlan_id != 0, payload). Errors
 * are left in w->err (ZTK_ENOSPACE). */
void ztk_frame_write_ethernet(ztk_wr *w, const ztk_frame *f);

/* Bounded reads at an absolute offset of a payload: return the byte / big-endian 16-bit value
 * at off, or -1 if it lies (partly) beyond len. */
int ztk_frame_u8(const uint8_t *p, size_t len, size_t off);
int32_t ztk_frame_u16(const uint8_t *p, size_t len, size_t off);

/* Internet checksum (RFC 1071). add: accumulates n bytes (only the last chunk of a sum may have
 * odd length). fold: returns the one's complement of the folded sum, ready to store. */
uint32_t ztk_csum_add(uint32_t acc, const uint8_t *p, size_t n);
uint16_t ztk_csum_fold(uint32_t acc);

/* Returns the checksum of the len-byte message seg whose checksum field sits at csum_off (the
 * field's current contents are ignored). v4/v6 include the pseudo-header for the upper-layer
 * protocol `proto`; plain (ICMPv4, IPv4 header) has none. A message whose stored checksum
 * equals the returned value is valid. */
uint16_t ztk_csum_plain(const uint8_t *seg, size_t len, size_t csum_off);
uint16_t ztk_csum_v4(const uint8_t src[4], const uint8_t dst[4], uint8_t proto, const uint8_t *seg,
                     size_t len, size_t csum_off);
uint16_t ztk_csum_v6(const uint8_t src[16], const uint8_t dst[16], uint8_t proto,
                     const uint8_t *seg, size_t len, size_t csum_off);

/* ARP for IPv4 over Ethernet (htype 1, ptype 0x0800, hlen 6, plen 4). */
#define ZTK_ARP_REQUEST 1
#define ZTK_ARP_REPLY 2
typedef struct ztk_arp {
  uint16_t op;
  uint64_t sha; /* sender hardware (MAC) */
  uint8_t spa[4];
  uint64_t tha;
  uint8_t tpa[4];
} ztk_arp;

/* Returns 0, ZTK_ETRUNC (< 28 bytes) or ZTK_EUNSUPPORTED (not Ethernet/IPv4 ARP). */
int ztk_arp_parse(ztk_arp *a, const uint8_t *p, size_t len);
/* Appends the 28-byte ARP packet. */
void ztk_arp_write(ztk_wr *w, const ztk_arp *a);

/* ZeroTier 1.14.1's own test for an ARP request worth turning into an ARP multicast group: at
 * least 28 bytes, ptype 0x0800, hlen 6, plen 4 and the low byte of op equal to 1 (htype and the
 * high byte of op are not looked at). Returns true and *target_ip (bytes 24..27, big-endian)
 * if so. */
bool ztk_arp_zt_request_target(const uint8_t *p, size_t len, uint32_t *target_ip);

/* IPv4 header. parse fills every field; payload is bounded by the total length field. */
typedef struct ztk_ipv4 {
  uint8_t tos;
  uint16_t id;
  uint16_t frag;   /* flags (DF 0x4000, MF 0x2000) and fragment offset */
  uint8_t ttl;
  uint8_t proto;
  uint8_t src[4];
  uint8_t dst[4];
  size_t header_len;   /* IHL * 4, options included */
  bool checksum_ok;    /* header checksum verifies */
  const uint8_t *payload;
  size_t payload_len;
} ztk_ipv4;

/* Returns 0, ZTK_ETRUNC (shorter than the header or the total length) or ZTK_EFORMAT (version
 * not 4, IHL < 5, total length < IHL*4). */
int ztk_ipv4_parse(ztk_ipv4 *h, const uint8_t *p, size_t len);
/* Appends a 20-byte header (no options) for payload_len bytes of payload, with checksum. */
void ztk_ipv4_write(ztk_wr *w, const ztk_ipv4 *h, size_t payload_len);

/* IPv6 fixed header. parse bounds payload by the payload length field. */
typedef struct ztk_ipv6 {
  uint8_t tclass;
  uint32_t flow;   /* 20 bits */
  uint8_t next;
  uint8_t hop_limit;
  uint8_t src[16];
  uint8_t dst[16];
  const uint8_t *payload;
  size_t payload_len;
} ztk_ipv6;

/* Returns 0, ZTK_ETRUNC or ZTK_EFORMAT (version not 6). */
int ztk_ipv6_parse(ztk_ipv6 *h, const uint8_t *p, size_t len);
/* Appends the 40-byte header for payload_len bytes of payload. */
void ztk_ipv6_write(ztk_wr *w, const ztk_ipv6 *h, size_t payload_len);

/* Finds the upper-layer protocol of an IPv6 packet the way 1.14.1's rules engine does: from the
 * next-header byte it steps over hop-by-hop (0), routing (43), destination options (60) and
 * mobility (135) headers, each 8 + 8*len bytes, and stops at anything else (fragments and
 * IPsec are not entered). Returns true with *off (offset of the upper-layer header, possibly
 * == len) and *proto, or false if the packet is shorter than 40 bytes or a header runs past
 * len. */
bool ztk_ipv6_upper_layer(const uint8_t *p, size_t len, size_t *off, uint8_t *proto);

/* ICMP and ICMPv6 share the 4-byte type/code/checksum header. */
typedef struct ztk_icmp {
  uint8_t type;
  uint8_t code;
  uint16_t checksum;
  const uint8_t *body; /* everything after the 4-byte header */
  size_t body_len;
} ztk_icmp;

#define ZTK_ICMP_ECHO_REPLY 0
#define ZTK_ICMP_ECHO_REQUEST 8
#define ZTK_ICMP6_ECHO_REQUEST 128
#define ZTK_ICMP6_ECHO_REPLY 129
#define ZTK_ICMP6_NEIGHBOR_SOLICIT 135
#define ZTK_ICMP6_NEIGHBOR_ADVERT 136

/* Returns 0 or ZTK_ETRUNC (< 4 bytes). */
int ztk_icmp_parse(ztk_icmp *m, const uint8_t *p, size_t len);

/* UDP header; payload is bounded by the length field. */
typedef struct ztk_udp {
  uint16_t sport;
  uint16_t dport;
  uint16_t checksum;
  const uint8_t *payload;
  size_t payload_len;
} ztk_udp;

/* Returns 0, ZTK_ETRUNC or ZTK_EFORMAT (length field < 8 or beyond len). */
int ztk_udp_parse(ztk_udp *u, const uint8_t *p, size_t len);

#endif
