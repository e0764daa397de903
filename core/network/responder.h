/* A minimal host for nodes without a TCP/IP stack (large simulations run core-only, see
 * docs/DESIGN.md): given a frame the network delivers to us, it produces the reply a host
 * would send for ARP who-has, IPv6 Neighbor Solicitation, ICMP and ICMPv6 echo, and UDP echo on
 * one configurable port; anything else gets no reply. Pure: the reply is written into a buffer
 * the caller provides. Replies follow what the Linux kernel sends (TTL/hop limit 64, IPv4
 * flags 0, TOS/traffic class copied), with the IPv4 id / IPv6 flow label supplied by the
 * caller. Requests with bad checksums, IPv4 fragments or options-bearing IPv6 (extension
 * headers) are ignored, and so are UDP datagrams from the echo port (replies of another echo
 * service, which would otherwise bounce for ever). Internal header. */
#ifndef ZTK_CORE_NETWORK_RESPONDER_H
#define ZTK_CORE_NETWORK_RESPONDER_H

#include <stddef.h>
#include <stdint.h>

#include "core/network/ethframe.h"
#include "core/util/inaddr.h"

#define ZTK_RESPONDER_DEFAULT_TTL 64

typedef struct ztk_responder {
  uint64_t mac;             /* our MAC on the network */
  const ztk_inaddr *ips;    /* our IPv4 and IPv6 addresses (port / prefix bits ignored) */
  size_t n_ips;
  uint16_t udp_echo_port;   /* UDP port echoed back (e.g. 7); 0 = none */
  uint8_t ttl;              /* IPv4 TTL and IPv6 hop limit of replies; 0 = 64 */
} ztk_responder;

/* Answers frame `in` (ethertype, payload and MACs as delivered to the tap). On a reply,
 * writes its payload to buf and sets *out (MACs, ethertype, VLAN, data = buf) and returns its
 * length (> 0). ident is the IPv4 identification (low 16 bits) / IPv6 flow label (low 20
 * bits) of an IP reply. Returns 0 if the frame gets no reply, ZTK_ENOSPACE if cap is too
 * small, or ZTK_EINVAL for NULL arguments. */
int ztk_responder_reply(const ztk_responder *r, const ztk_frame *in, uint32_t ident, ztk_frame *out,
                        uint8_t *buf, size_t cap);

#endif
