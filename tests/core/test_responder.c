/* The core-only responder against the real kernels' answers on the rig's taps: ARP replies and
 * NAs must match byte for byte; ICMP/ICMPv6 echo replies too once the one value the kernel
 * chose (IPv4 identification, resp. IPv6 flow label) is passed in. UDP echo is hand-built. */
#include "tests/support/vectors.h"

#include <stdlib.h>
#include <string.h>

#include "core/network/addressing.h"
#include "core/network/mac.h"
#include "core/network/ndp.h"
#include "core/network/responder.h"
#include "tests/support/pcapframes.h"

static const uint64_t NWID = 0x4b5aaf4557000001ULL;
static const uint64_t M1 = 0x8ca0b051fdULL, M2 = 0x063a948b95ULL;
static const uint64_t MAC1 = 0x028ca0e71452ULL, MAC2 = 0x02063ac3ce3aULL;

static ztk_inaddr ips1[3], ips2[3];
static ztk_responder node1, node2;

static int setup(void **state)
{
  ztk_inaddr_v4(&ips1[0], 0x0a93110b, 24);
  ztk_inaddr_rfc4193(&ips1[1], NWID, M1);
  ztk_inaddr_6plane(&ips1[2], NWID, M1);
  ztk_inaddr_v4(&ips2[0], 0x0a93110c, 24);
  ztk_inaddr_rfc4193(&ips2[1], NWID, M2);
  ztk_inaddr_6plane(&ips2[2], NWID, M2);
  node1 = (ztk_responder){MAC1, ips1, 3, 7, 0};
  node2 = (ztk_responder){MAC2, ips2, 3, 7, 0};
  return 0;
}

static const ztk_responder *node_for(uint64_t mac)
{
  return mac == MAC1 ? &node1 : mac == MAC2 ? &node2 : NULL;
}

static void frame_at(const tv_pcap *p, size_t number, ztk_frame *f)
{
  assert_int_equal(ztk_frame_parse_ethernet(f, p->data[number - 1], p->len[number - 1]), 0);
}

/* Answers request frame `req` as node r; compares the Ethernet form with frame `want`. */
static void check_reply(const tv_pcap *p, const ztk_responder *r, size_t req, size_t want,
                        uint32_t ident)
{
  ztk_frame in, out;
  uint8_t buf[2048], eth[2048];
  frame_at(p, req, &in);
  int n = ztk_responder_reply(r, &in, ident, &out, buf, sizeof buf);
  assert_true(n > 0);
  assert_int_equal(out.len, (size_t)n);
  ztk_wr w = ztk_wr_make(eth, sizeof eth);
  ztk_frame_write_ethernet(&w, &out);
  assert_int_equal(w.err, 0);
  assert_int_equal(w.len, p->len[want - 1]);
  assert_memory_equal(eth, p->data[want - 1], w.len);
}

static void test_arp(void **state)
{
  tv_pcap *p = tv_pcap_load("captures/A-m2-zt.pcap");
  check_reply(p, &node2, 11, 12, 0); /* who-has .12 tell .11, answered by m2's kernel */
  check_reply(p, &node1, 42, 43, 0); /* who-has .11 tell .12, answered by m1's kernel */
  ztk_frame in, out;
  uint8_t buf[64];
  frame_at(p, 11, &in);
  assert_int_equal(ztk_responder_reply(&node1, &in, 0, &out, buf, sizeof buf), 0); /* not ours */
  frame_at(p, 12, &in);
  assert_int_equal(ztk_responder_reply(&node1, &in, 0, &out, buf, sizeof buf), 0); /* a reply */
  frame_at(p, 11, &in);
  in.dst_mac = MAC1; /* unicast to someone else */
  assert_int_equal(ztk_responder_reply(&node2, &in, 0, &out, buf, sizeof buf), 0);
  in.dst_mac = MAC2; /* unicast to us is fine (ARP refresh) */
  assert_int_equal(ztk_responder_reply(&node2, &in, 0, &out, buf, sizeof buf), ZTK_ARP_LEN);
  assert_int_equal(ztk_responder_reply(&node2, &in, 0, &out, buf, 27), ZTK_ENOSPACE);
  tv_pcap_free(p);
}

/* Echo request/reply identity: (is IPv6, ICMP id, seq) and the addresses. */
static bool echo_of(const ztk_frame *f, uint8_t type4, uint8_t type6, uint32_t *key,
                    uint32_t *ident)
{
  ztk_ipv4 h4;
  ztk_ipv6 h6;
  const uint8_t *m;
  if (ztk_ipv4_parse(&h4, f->data, f->len) == 0 && h4.proto == ZTK_IPPROTO_ICMP) {
    m = h4.payload;
    if (ztk_frame_u8(m, h4.payload_len, 0) != type4)
      return false;
    *ident = h4.id;
  } else if (ztk_ipv6_parse(&h6, f->data, f->len) == 0 && h6.next == ZTK_IPPROTO_ICMPV6) {
    m = h6.payload;
    if (ztk_frame_u8(m, h6.payload_len, 0) != type6)
      return false;
    *ident = h6.flow;
  } else {
    return false;
  }
  *key = (uint32_t)ztk_be_get(m + 4, 4); /* identifier and sequence */
  return true;
}

static unsigned check_echo_pairs(const char *file)
{
  tv_pcap *p = tv_pcap_load(file);
  unsigned pairs = 0;
  for (size_t i = 1; i <= p->n; i++) {
    ztk_frame req, rep;
    uint32_t key, rkey, ident;
    frame_at(p, i, &req);
    if (!echo_of(&req, ZTK_ICMP_ECHO_REQUEST, ZTK_ICMP6_ECHO_REQUEST, &key, &ident))
      continue;
    for (size_t j = i + 1; j <= p->n; j++) {
      frame_at(p, j, &rep);
      if (echo_of(&rep, ZTK_ICMP_ECHO_REPLY, ZTK_ICMP6_ECHO_REPLY, &rkey, &ident) && rkey == key &&
          rep.src_mac == req.dst_mac) {
        check_reply(p, node_for(req.dst_mac), i, j, ident);
        pairs++;
        break;
      }
    }
  }
  tv_pcap_free(p);
  return pairs;
}

static void test_echo_matches_kernel(void **state)
{
  assert_int_equal(check_echo_pairs("captures/A-m1-zt.pcap"), 12);
  assert_int_equal(check_echo_pairs("captures/A-m2-zt.pcap"), 12);
  assert_int_equal(check_echo_pairs("captures/B-m1-zt.pcap"), 3);
}

static void test_echo_refused(void **state)
{
  tv_pcap *p = tv_pcap_load("captures/A-m2-zt.pcap");
  ztk_frame in, out;
  uint8_t buf[256], copy[256];
  frame_at(p, 13, &in); /* IPv4 echo request to m2 */
  assert_int_equal(ztk_responder_reply(&node1, &in, 0, &out, buf, sizeof buf), 0);
  ztk_responder other_ip = node2;
  other_ip.ips = ips1;
  other_ip.n_ips = 3;
  assert_int_equal(ztk_responder_reply(&other_ip, &in, 0, &out, buf, sizeof buf), 0);
  assert_int_equal(ztk_responder_reply(&node2, &in, 0, &out, buf, 83), ZTK_ENOSPACE);
  memcpy(copy, in.data, in.len);
  ztk_frame bad = in;
  bad.data = copy;
  copy[30] ^= 1; /* ICMP checksum */
  assert_int_equal(ztk_responder_reply(&node2, &bad, 0, &out, buf, sizeof buf), 0);
  copy[30] ^= 1;
  copy[8] ^= 1; /* TTL: IP header checksum */
  assert_int_equal(ztk_responder_reply(&node2, &bad, 0, &out, buf, sizeof buf), 0);
  copy[8] ^= 1;
  copy[6] |= 0x20; /* more fragments */
  copy[10] -= 0x20;
  assert_int_equal(ztk_responder_reply(&node2, &bad, 0, &out, buf, sizeof buf), 0);
  frame_at(p, 25, &in); /* IPv6 echo request to m2 */
  ztk_responder ttl = node2;
  ttl.ttl = 9;
  assert_int_equal(ztk_responder_reply(&ttl, &in, 0, &out, buf, sizeof buf), 104);
  assert_int_equal(ztk_frame_u8(out.data, out.len, 7), 9);
  in.dst_mac = 0x3333ff948b95ULL; /* echo to a multicast MAC */
  assert_int_equal(ztk_responder_reply(&node2, &in, 0, &out, buf, sizeof buf), 0);
  frame_at(p, 2, &in); /* MLD report */
  assert_int_equal(ztk_responder_reply(&node2, &in, 0, &out, buf, sizeof buf), 0);
  assert_int_equal(ztk_responder_reply(NULL, &in, 0, &out, buf, sizeof buf), ZTK_EINVAL);
  assert_int_equal(ztk_responder_reply(&node2, &in, 0, NULL, buf, sizeof buf), ZTK_EINVAL);
  tv_pcap_free(p);
}

static void test_neighbor_solicitation(void **state)
{
  tv_pcap *a2 = tv_pcap_load("captures/A-m2-zt.pcap");
  tv_pcap *a1 = tv_pcap_load("captures/A-m1-zt.pcap");
  /* the NA a node's kernel would send is what 1.14.1 synthesizes in its name */
  check_reply(a2, &node1, 26, 27, 0);
  check_reply(a2, &node1, 34, 35, 0);
  check_reply(a1, &node2, 27, 28, 0);
  check_reply(a1, &node2, 35, 36, 0);
  ztk_frame in, out;
  uint8_t buf[128];
  frame_at(a2, 26, &in);
  assert_int_equal(ztk_responder_reply(&node2, &in, 0, &out, buf, sizeof buf), 0); /* not ours */
  in.dst_mac = MAC2; /* unicast to another host */
  assert_int_equal(ztk_responder_reply(&node1, &in, 0, &out, buf, sizeof buf), 0);
  /* duplicate address detection for an address we hold: defend it to all nodes */
  frame_at(a1, 7, &in);
  assert_int_equal(ztk_responder_reply(&node1, &in, 0, &out, buf, sizeof buf), ZTK_NDP_NA_LEN);
  assert_int_equal(out.dst_mac, 0x333300000001ULL);
  assert_int_equal(out.src_mac, MAC1);
  ztk_ipv6 h;
  assert_int_equal(ztk_ipv6_parse(&h, out.data, out.len), 0);
  assert_int_equal(h.dst[0], 0xff);
  assert_int_equal(h.dst[15], 1);
  assert_memory_equal(h.src, ips1[1].ip, 16);
  assert_int_equal(ztk_be_get(h.payload + 4, 4), ZTK_NDP_NA_OVERRIDE);
  assert_int_equal(ztk_csum_v6(h.src, h.dst, 58, h.payload, 32, 2), ztk_be_get(h.payload + 2, 2));
  frame_at(a1, 2, &in); /* link-local target we do not hold */
  assert_int_equal(ztk_responder_reply(&node1, &in, 0, &out, buf, sizeof buf), 0);
  tv_pcap_free(a1);
  tv_pcap_free(a2);
}

/* A UDP datagram from m1 port `sport` to m2 port `dport`, IPv4 or IPv6, with a valid checksum. */
static ztk_frame udp_request(uint8_t *buf, size_t cap, int family, uint16_t sport, uint16_t dport)
{
  const char *msg = "hello, echo";
  uint8_t seg[8 + 11];
  ztk_be_put(seg, sport, 2);
  ztk_be_put(seg + 2, dport, 2);
  ztk_be_put(seg + 4, sizeof seg, 2);
  ztk_be_put(seg + 6, 0, 2);
  memcpy(seg + 8, msg, 11);
  ztk_wr w = ztk_wr_make(buf, cap);
  if (family == 4) {
    ztk_ipv4 h = {.tos = 0x10, .id = 77, .frag = 0x4000, .ttl = 64, .proto = ZTK_IPPROTO_UDP,
                  .src = {10, 147, 17, 11}, .dst = {10, 147, 17, 12}};
    ztk_be_put(seg + 6, ztk_csum_v4(h.src, h.dst, 17, seg, sizeof seg, 6), 2);
    ztk_ipv4_write(&w, &h, sizeof seg);
  } else {
    ztk_ipv6 h = {.flow = 0x12345, .next = ZTK_IPPROTO_UDP, .hop_limit = 64};
    memcpy(h.src, ips1[2].ip, 16);
    memcpy(h.dst, ips2[2].ip, 16);
    ztk_be_put(seg + 6, ztk_csum_v6(h.src, h.dst, 17, seg, sizeof seg, 6), 2);
    ztk_ipv6_write(&w, &h, sizeof seg);
  }
  ztk_wr_bytes(&w, seg, sizeof seg);
  assert_int_equal(w.err, 0);
  ztk_frame f = {MAC2, MAC1, family == 4 ? ZTK_ETHERTYPE_IPV4 : ZTK_ETHERTYPE_IPV6, 0, buf, w.len};
  return f;
}

static void check_udp_reply(const ztk_frame *in, const ztk_frame *out, int family)
{
  const uint8_t *seg, *src, *dst;
  size_t len;
  ztk_ipv4 h4;
  ztk_ipv6 h6;
  uint16_t c;
  assert_int_equal(out->dst_mac, MAC1);
  assert_int_equal(out->src_mac, MAC2);
  if (family == 4) {
    assert_int_equal(ztk_ipv4_parse(&h4, out->data, out->len), 0);
    assert_true(h4.checksum_ok);
    assert_int_equal(h4.tos, 0x10);
    assert_int_equal(h4.id, 0x4242);
    seg = h4.payload, len = h4.payload_len, src = h4.src, dst = h4.dst;
    c = ztk_csum_v4(src, dst, 17, seg, len, 6);
  } else {
    assert_int_equal(ztk_ipv6_parse(&h6, out->data, out->len), 0);
    assert_int_equal(h6.flow, 0x4242);
    seg = h6.payload, len = h6.payload_len, src = h6.src, dst = h6.dst;
    c = ztk_csum_v6(src, dst, 17, seg, len, 6);
  }
  ztk_udp u;
  assert_int_equal(ztk_udp_parse(&u, seg, len), 0);
  assert_int_equal(u.sport, 7);
  assert_int_equal(u.dport, 40000);
  assert_int_equal(u.checksum, c ? c : 0xffff);
  assert_int_equal(u.payload_len, 11);
  assert_memory_equal(u.payload, "hello, echo", 11);
  assert_int_equal(src[family == 4 ? 3 : 15], family == 4 ? 12 : 1);
  assert_int_equal(dst[family == 4 ? 3 : 15], family == 4 ? 11 : 1);
}

static void test_udp_echo(void **state)
{
  uint8_t req[128], buf[128];
  ztk_frame in, out;
  for (int family = 4; family <= 6; family += 2) {
    in = udp_request(req, sizeof req, family, 40000, 7);
    int n = ztk_responder_reply(&node2, &in, 0x4242, &out, buf, sizeof buf);
    assert_int_equal(n, (int)in.len);
    check_udp_reply(&in, &out, family);
    size_t csum_at = family == 4 ? 26 : 46;
    req[csum_at] ^= 1;
    assert_int_equal(ztk_responder_reply(&node2, &in, 0x4242, &out, buf, sizeof buf), 0);
    req[csum_at] = 0, req[csum_at + 1] = 0; /* "no checksum" is valid over IPv4 only */
    n = ztk_responder_reply(&node2, &in, 0x4242, &out, buf, sizeof buf);
    assert_int_equal(n, family == 4 ? (int)in.len : 0);
    in = udp_request(req, sizeof req, family, 40000, 8);
    assert_int_equal(ztk_responder_reply(&node2, &in, 0x4242, &out, buf, sizeof buf), 0);
    ztk_responder off = node2;
    off.udp_echo_port = 0;
    in = udp_request(req, sizeof req, family, 40000, 7);
    assert_int_equal(ztk_responder_reply(&off, &in, 0x4242, &out, buf, sizeof buf), 0);
  }
}

/* Found by fuzz_vl2_frames: a datagram from port 7 to port 7 was echoed to port 7, and the
 * node handed the echo back to its own responder until the stack ran out. Echo services never
 * answer another echo service. */
static void test_udp_echo_from_echo_port(void **state)
{
  uint8_t req[128], buf[128];
  ztk_frame in, out;
  for (int family = 4; family <= 6; family += 2) {
    in = udp_request(req, sizeof req, family, 7, 7);
    assert_int_equal(ztk_responder_reply(&node2, &in, 0x4242, &out, buf, sizeof buf), 0);
    in = udp_request(req, sizeof req, family, 8, 7);
    assert_int_equal(ztk_responder_reply(&node2, &in, 0x4242, &out, buf, sizeof buf), (int)in.len);
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_arp),
      cmocka_unit_test(test_echo_matches_kernel),
      cmocka_unit_test(test_echo_refused),
      cmocka_unit_test(test_neighbor_solicitation),
      cmocka_unit_test(test_udp_echo),
      cmocka_unit_test(test_udp_echo_from_echo_port),
  };
  return cmocka_run_group_tests(tests, setup, NULL);
}
