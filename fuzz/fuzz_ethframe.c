/* Target Functions: ztk_frame_parse_ethernet, ztk_arp_parse, ztk_arp_zt_request_target,
 * ztk_ipv4_parse, ztk_ipv6_parse, ztk_ipv6_upper_layer, ztk_icmp_parse, ztk_udp_parse,
 * ztk_ndp_emulate, ztk_ndp_parse_ns, ztk_responder_reply, ztk_mcgroup_for_frame.
 *
 * Input: a raw Ethernet frame, as on a tap. The responder plays whichever rig member
 * (tests/data/captures) the frame is addressed to; replies must parse back with valid
 * checksums. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/network/addressing.h"
#include "core/network/ethframe.h"
#include "core/network/mac.h"
#include "core/network/ndp.h"
#include "core/network/responder.h"

#define NWID 0x4b5aaf4557000001ULL
#define M1 0x8ca0b051fdULL
#define M2 0x063a948b95ULL

static void member(ztk_inaddr ips[3], uint64_t addr, uint32_t v4)
{
  ztk_inaddr_v4(&ips[0], v4, 24);
  ztk_inaddr_rfc4193(&ips[1], NWID, addr);
  ztk_inaddr_6plane(&ips[2], NWID, addr);
}

static void parse_payload(const ztk_frame *f)
{
  ztk_arp a;
  ztk_ipv4 h4;
  ztk_ipv6 h6;
  ztk_icmp m;
  ztk_udp u;
  ztk_ndp_ns ns;
  size_t off;
  uint8_t proto;
  uint32_t target;
  (void)ztk_arp_parse(&a, f->data, f->len);
  (void)ztk_arp_zt_request_target(f->data, f->len, &target);
  if (ztk_ipv4_parse(&h4, f->data, f->len) == 0) {
    (void)ztk_icmp_parse(&m, h4.payload, h4.payload_len);
    (void)ztk_udp_parse(&u, h4.payload, h4.payload_len);
  }
  if (ztk_ipv6_parse(&h6, f->data, f->len) == 0)
    (void)ztk_udp_parse(&u, h6.payload, h6.payload_len);
  if (ztk_ipv6_upper_layer(f->data, f->len, &off, &proto) && off > f->len)
    abort();
  (void)ztk_ndp_parse_ns(&ns, f->data, f->len);
  (void)ztk_mcgroup_for_frame(f->dst_mac, f->ethertype, f->data, f->len);
}

/* A reply must be a well-formed packet of its ethertype with correct checksums. */
static void check_reply(const ztk_frame *out)
{
  ztk_ipv4 h4;
  ztk_ipv6 h6;
  ztk_arp a;
  if (out->ethertype == ZTK_ETHERTYPE_ARP) {
    if (ztk_arp_parse(&a, out->data, out->len) != 0 || a.op != ZTK_ARP_REPLY)
      abort();
  } else if (out->ethertype == ZTK_ETHERTYPE_IPV4) {
    if (ztk_ipv4_parse(&h4, out->data, out->len) != 0 || !h4.checksum_ok)
      abort();
    size_t at = h4.proto == ZTK_IPPROTO_UDP ? 6 : 2;
    uint16_t c = h4.proto == ZTK_IPPROTO_UDP
                     ? ztk_csum_v4(h4.src, h4.dst, h4.proto, h4.payload, h4.payload_len, at)
                     : ztk_csum_plain(h4.payload, h4.payload_len, at);
    if (ztk_frame_u16(h4.payload, h4.payload_len, at) != (c ? c : (h4.proto == 17 ? 0xffff : 0)))
      abort();
  } else {
    if (ztk_ipv6_parse(&h6, out->data, out->len) != 0)
      abort();
    size_t at = h6.next == ZTK_IPPROTO_UDP ? 6 : 2;
    uint16_t c = ztk_csum_v6(h6.src, h6.dst, h6.next, h6.payload, h6.payload_len, at);
    if (h6.next == ZTK_IPPROTO_UDP && c == 0)
      c = 0xffff;
    if (ztk_frame_u16(h6.payload, h6.payload_len, at) != c)
      abort();
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  uint8_t *copy = malloc(size ? size : 1); /* exact size, so overreads are caught */
  if (!copy)
    return 0;
  memcpy(copy, data, size);
  ztk_frame f;
  if (ztk_frame_parse_ethernet(&f, copy, size) != 0) {
    free(copy);
    return 0;
  }
  parse_payload(&f);

  ztk_inaddr ips1[3], ips2[3];
  member(ips1, M1, 0x0a93110b);
  member(ips2, M2, 0x0a93110c);
  bool to_m2 = f.dst_mac == ztk_mac_from_address(M2, NWID);
  ztk_ndp_reply na;
  int rc = ztk_ndp_emulate(&f, NWID, to_m2 ? M2 : M1, to_m2 ? ips2 : ips1, 3, &na);
  if (rc < 0 || (rc == 1 && (na.peer == (to_m2 ? M2 : M1) || na.src_mac != ztk_mac_from_address(na.peer, NWID))))
    abort();

  ztk_responder r = {to_m2 ? ztk_mac_from_address(M2, NWID) : ztk_mac_from_address(M1, NWID),
                     to_m2 ? ips2 : ips1, 3, 7, 0};
  size_t cap = size > 255 ? 255 : size; /* sometimes too small: exercises ENOSPACE */
  uint8_t *buf = malloc(size + 64);
  if (buf) {
    ztk_frame out;
    int n = ztk_responder_reply(&r, &f, 0x12345, &out, buf, (size & 1) ? cap : size + 64);
    if (n > 0)
      check_reply(&out);
    else if (n < 0 && n != ZTK_ENOSPACE)
      abort();
    free(buf);
  }
  free(copy);
  return 0;
}
