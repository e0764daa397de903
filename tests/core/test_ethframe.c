/* Ethernet, ARP, IPv4, IPv6, ICMP, UDP helpers and checksums, against frames captured on real
 * ZeroTier taps (the *-zt.pcap files in tests/data/captures) and hand-built ones. */
#include "tests/support/vectors.h"

#include <stdlib.h>
#include <string.h>

#include "core/network/ethframe.h"
#include "core/network/mac.h"
#include "tests/support/pcapframes.h"

static const char *const CAPTURES[] = {"captures/A-m1-zt.pcap", "captures/A-m2-zt.pcap",
                                       "captures/B-m1-zt.pcap"};

static void frame_at(const tv_pcap *p, size_t number, ztk_frame *f)
{
  assert_true(number >= 1 && number <= p->n);
  assert_int_equal(ztk_frame_parse_ethernet(f, p->data[number - 1], p->len[number - 1]), 0);
}

static void test_checksum_basics(void **state)
{
  /* RFC 1071's example: the sum of these words folds to 0xddf2 */
  const uint8_t b[8] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  assert_int_equal(ztk_csum_fold(ztk_csum_add(0, b, 8)), (uint16_t)~0xddf2);
  /* an odd tail counts as a high byte */
  const uint8_t odd[3] = {0x12, 0x34, 0x56};
  assert_int_equal(ztk_csum_fold(ztk_csum_add(0, odd, 3)), (uint16_t)~(0x1234 + 0x5600));
  /* the field at csum_off is skipped whatever it holds */
  uint8_t m[6] = {0x08, 0x00, 0xaa, 0xbb, 0x00, 0x01};
  uint16_t c = ztk_csum_plain(m, 6, 2);
  m[2] = 0, m[3] = 0;
  assert_int_equal(ztk_csum_plain(m, 6, 2), c);
  assert_int_equal(c, (uint16_t)~(0x0800 + 0x0001));
  assert_int_equal(ztk_csum_fold(0), 0xffff);
}

static void test_ethernet_and_vlan(void **state)
{
  const uint8_t payload[3] = {1, 2, 3};
  ztk_frame f = {0x3333ff000001ULL, 0x028ca0e71452ULL, ZTK_ETHERTYPE_IPV6, 5, payload, 3}, g;
  uint8_t buf[32];
  ztk_wr w = ztk_wr_make(buf, sizeof buf);
  ztk_frame_write_ethernet(&w, &f);
  assert_int_equal(w.err, 0);
  assert_int_equal(w.len, 14 + 4 + 3);
  assert_int_equal(ztk_frame_parse_ethernet(&g, buf, w.len), 0);
  assert_int_equal(g.dst_mac, f.dst_mac);
  assert_int_equal(g.src_mac, f.src_mac);
  assert_int_equal(g.ethertype, ZTK_ETHERTYPE_IPV6);
  assert_int_equal(g.vlan_id, 5);
  assert_int_equal(g.len, 3);
  assert_memory_equal(g.data, payload, 3);
  f.vlan_id = 0;
  w = ztk_wr_make(buf, sizeof buf);
  ztk_frame_write_ethernet(&w, &f);
  assert_int_equal(w.len, 14 + 3);
  assert_int_equal(ztk_frame_parse_ethernet(&g, buf, 13), ZTK_ETRUNC);
  assert_int_equal(ztk_frame_parse_ethernet(&g, buf, 14), 0);
  assert_int_equal(g.len, 0);
  w = ztk_wr_make(buf, 16);
  ztk_frame_write_ethernet(&w, &f);
  assert_int_equal(w.err, ZTK_ENOSPACE);
}

static void test_bounded_reads(void **state)
{
  const uint8_t b[3] = {0xab, 0xcd, 0xef};
  assert_int_equal(ztk_frame_u8(b, 3, 2), 0xef);
  assert_int_equal(ztk_frame_u8(b, 3, 3), -1);
  assert_int_equal(ztk_frame_u8(b, 3, (size_t)-1), -1);
  assert_int_equal(ztk_frame_u16(b, 3, 1), 0xcdef);
  assert_int_equal(ztk_frame_u16(b, 3, 2), -1);
  assert_int_equal(ztk_frame_u16(NULL, 0, 0), -1);
}

static void test_captured_arp(void **state)
{
  tv_pcap *p = tv_pcap_load("captures/A-m2-zt.pcap");
  ztk_frame f;
  ztk_arp a;
  uint8_t buf[ZTK_ARP_LEN];
  frame_at(p, 11, &f); /* who-has 10.147.17.12 tell 10.147.17.11 */
  assert_int_equal(f.dst_mac, ZTK_MAC_BROADCAST);
  assert_int_equal(f.ethertype, ZTK_ETHERTYPE_ARP);
  assert_int_equal(ztk_arp_parse(&a, f.data, f.len), 0);
  assert_int_equal(a.op, ZTK_ARP_REQUEST);
  assert_int_equal(a.sha, 0x028ca0e71452ULL);
  assert_int_equal(ztk_be_get(a.spa, 4), 0x0a93110b);
  assert_int_equal(a.tha, 0);
  assert_int_equal(ztk_be_get(a.tpa, 4), 0x0a93110c);
  ztk_wr w = ztk_wr_make(buf, sizeof buf);
  ztk_arp_write(&w, &a);
  assert_int_equal(w.len, ZTK_ARP_LEN);
  assert_memory_equal(buf, f.data, ZTK_ARP_LEN);
  uint32_t target = 0;
  assert_true(ztk_arp_zt_request_target(f.data, f.len, &target));
  assert_int_equal(target, 0x0a93110c);
  frame_at(p, 12, &f); /* is-at */
  assert_int_equal(ztk_arp_parse(&a, f.data, f.len), 0);
  assert_int_equal(a.op, ZTK_ARP_REPLY);
  assert_false(ztk_arp_zt_request_target(f.data, f.len, &target));
  assert_int_equal(ztk_arp_parse(&a, f.data, 27), ZTK_ETRUNC);
  memcpy(buf, f.data, ZTK_ARP_LEN);
  buf[1] = 6; /* IEEE 802 hardware type */
  assert_int_equal(ztk_arp_parse(&a, buf, ZTK_ARP_LEN), ZTK_EUNSUPPORTED);
  tv_pcap_free(p);
}

static void test_captured_ipv4_echo(void **state)
{
  tv_pcap *p = tv_pcap_load("captures/A-m2-zt.pcap");
  ztk_frame f;
  ztk_ipv4 h;
  ztk_icmp m;
  frame_at(p, 13, &f); /* echo request 10.147.17.11 -> .12 */
  assert_int_equal(ztk_ipv4_parse(&h, f.data, f.len), 0);
  assert_true(h.checksum_ok);
  assert_int_equal(h.header_len, 20);
  assert_int_equal(h.id, 0x153a);
  assert_int_equal(h.frag, 0x4000);
  assert_int_equal(h.ttl, 64);
  assert_int_equal(h.proto, ZTK_IPPROTO_ICMP);
  assert_int_equal(h.payload_len, 64);
  assert_int_equal(ztk_icmp_parse(&m, h.payload, h.payload_len), 0);
  assert_int_equal(m.type, ZTK_ICMP_ECHO_REQUEST);
  assert_int_equal(m.body_len, 60);
  assert_int_equal(ztk_csum_plain(h.payload, h.payload_len, 2), m.checksum);
  uint8_t buf[20];
  ztk_wr w = ztk_wr_make(buf, sizeof buf);
  ztk_ipv4_write(&w, &h, h.payload_len);
  assert_int_equal(w.err, 0);
  assert_memory_equal(buf, f.data, 20); /* same header, same checksum */
  w = ztk_wr_make(buf, 19);
  ztk_ipv4_write(&w, &h, h.payload_len);
  assert_int_equal(w.err, ZTK_ENOSPACE);
  tv_pcap_free(p);
}

static void test_captured_ipv6_echo(void **state)
{
  tv_pcap *p = tv_pcap_load("captures/A-m2-zt.pcap");
  ztk_frame f;
  ztk_ipv6 h;
  ztk_icmp m;
  frame_at(p, 25, &f); /* rfc4193 echo request */
  assert_int_equal(ztk_ipv6_parse(&h, f.data, f.len), 0);
  assert_int_equal(h.tclass, 0);
  assert_int_equal(h.flow, 0x8b610);
  assert_int_equal(h.next, ZTK_IPPROTO_ICMPV6);
  assert_int_equal(h.hop_limit, 64);
  assert_int_equal(h.payload_len, 64);
  assert_int_equal(ztk_icmp_parse(&m, h.payload, h.payload_len), 0);
  assert_int_equal(m.type, ZTK_ICMP6_ECHO_REQUEST);
  assert_int_equal(ztk_csum_v6(h.src, h.dst, ZTK_IPPROTO_ICMPV6, h.payload, h.payload_len, 2),
                   m.checksum);
  assert_int_not_equal(ztk_csum_v6(h.dst, h.dst, ZTK_IPPROTO_ICMPV6, h.payload, h.payload_len, 2),
                       m.checksum);
  uint8_t buf[40];
  ztk_wr w = ztk_wr_make(buf, sizeof buf);
  ztk_ipv6_write(&w, &h, h.payload_len);
  assert_memory_equal(buf, f.data, 40);
  tv_pcap_free(p);
}

/* Every IP packet on the taps: header and upper-layer checksums verify, and the extension
 * header walk reaches ICMPv6 also behind the hop-by-hop header of MLD reports. */
static void check_ipv6_packet(const ztk_frame *f, unsigned *hbh)
{
  ztk_ipv6 h;
  size_t off;
  uint8_t proto;
  assert_int_equal(ztk_ipv6_parse(&h, f->data, f->len), 0);
  assert_true(ztk_ipv6_upper_layer(f->data, f->len, &off, &proto));
  assert_int_equal(proto, ZTK_IPPROTO_ICMPV6);
  if (h.next == 0)
    (*hbh)++;
  size_t end = ZTK_IPV6_HEADER_LEN + h.payload_len;
  assert_true(off < end);
  int32_t stored = ztk_frame_u16(f->data, f->len, off + 2);
  assert_int_equal(ztk_csum_v6(h.src, h.dst, proto, f->data + off, end - off, 2), stored);
}

static void test_all_captured_checksums(void **state)
{
  unsigned v4 = 0, v6 = 0, hbh = 0;
  for (size_t c = 0; c < sizeof CAPTURES / sizeof *CAPTURES; c++) {
    tv_pcap *p = tv_pcap_load(CAPTURES[c]);
    for (size_t i = 1; i <= p->n; i++) {
      ztk_frame f;
      frame_at(p, i, &f);
      if (f.ethertype == ZTK_ETHERTYPE_IPV4) {
        ztk_ipv4 h;
        assert_int_equal(ztk_ipv4_parse(&h, f.data, f.len), 0);
        assert_true(h.checksum_ok);
        int32_t stored = ztk_frame_u16(h.payload, h.payload_len, 2);
        assert_int_equal(ztk_csum_plain(h.payload, h.payload_len, 2), stored);
        v4++;
      } else if (f.ethertype == ZTK_ETHERTYPE_IPV6) {
        check_ipv6_packet(&f, &hbh);
        v6++;
      }
    }
    tv_pcap_free(p);
  }
  assert_int_equal(v4, 30); /* 12 + 12 + 6 ICMP echo packets */
  assert_true(v6 > 50);
  assert_true(hbh >= 10);
}

static void test_ipv6_extension_walk(void **state)
{
  uint8_t pkt[128] = {0x60};
  size_t off = 0;
  uint8_t proto = 0;
  pkt[6] = 0;          /* hop-by-hop */
  pkt[40] = 43;        /* -> routing */
  pkt[41] = 1;         /* 16 bytes */
  pkt[56] = 60;        /* -> destination options */
  pkt[57] = 0;         /* 8 bytes */
  pkt[64] = 17;        /* -> UDP at 72 */
  assert_true(ztk_ipv6_upper_layer(pkt, 80, &off, &proto));
  assert_int_equal(off, 72);
  assert_int_equal(proto, 17);
  assert_true(ztk_ipv6_upper_layer(pkt, 72, &off, &proto)); /* upper header may be empty */
  assert_int_equal(off, 72);
  assert_false(ztk_ipv6_upper_layer(pkt, 71, &off, &proto)); /* last option header overruns */
  assert_false(ztk_ipv6_upper_layer(pkt, 63, &off, &proto));
  assert_false(ztk_ipv6_upper_layer(pkt, 39, &off, &proto));
  pkt[64] = 44; /* a fragment header is where the walk stops */
  assert_true(ztk_ipv6_upper_layer(pkt, 80, &off, &proto));
  assert_int_equal(proto, 44);
  pkt[64] = 135; /* mobility header is stepped over */
  pkt[65] = 0;
  pkt[72] = 6;
  assert_true(ztk_ipv6_upper_layer(pkt, 80, &off, &proto));
  assert_int_equal(off, 80);
  assert_int_equal(proto, 6);
  pkt[57] = 200; /* a length that jumps past the end */
  assert_false(ztk_ipv6_upper_layer(pkt, 128, &off, &proto));
}

static void test_ip_parse_errors(void **state)
{
  uint8_t v4[24] = {0x45, 0, 0, 24};
  ztk_ipv4 h4;
  assert_int_equal(ztk_ipv4_parse(&h4, v4, 24), 0);
  assert_false(h4.checksum_ok);
  assert_int_equal(ztk_ipv4_parse(&h4, v4, 19), ZTK_ETRUNC);
  v4[3] = 25; /* total length beyond the data */
  assert_int_equal(ztk_ipv4_parse(&h4, v4, 24), ZTK_ETRUNC);
  v4[3] = 19;
  assert_int_equal(ztk_ipv4_parse(&h4, v4, 24), ZTK_EFORMAT);
  v4[3] = 24;
  v4[0] = 0x44;
  assert_int_equal(ztk_ipv4_parse(&h4, v4, 24), ZTK_EFORMAT);
  v4[0] = 0x65;
  assert_int_equal(ztk_ipv4_parse(&h4, v4, 24), ZTK_EFORMAT);
  v4[0] = 0x46; /* 24-byte header with options, no payload */
  assert_int_equal(ztk_ipv4_parse(&h4, v4, 24), 0);
  assert_int_equal(h4.header_len, 24);
  assert_int_equal(h4.payload_len, 0);
  v4[0] = 0x47;
  v4[3] = 28;
  assert_int_equal(ztk_ipv4_parse(&h4, v4, 24), ZTK_ETRUNC);

  uint8_t v6[44] = {0x60, 0, 0, 0, 0, 4};
  ztk_ipv6 h6;
  assert_int_equal(ztk_ipv6_parse(&h6, v6, 44), 0);
  assert_int_equal(h6.payload_len, 4);
  assert_int_equal(ztk_ipv6_parse(&h6, v6, 43), ZTK_ETRUNC);
  assert_int_equal(ztk_ipv6_parse(&h6, v6, 39), ZTK_ETRUNC);
  v6[0] = 0x40;
  assert_int_equal(ztk_ipv6_parse(&h6, v6, 44), ZTK_EFORMAT);
}

static void test_icmp_and_udp(void **state)
{
  ztk_icmp m;
  const uint8_t icmp[4] = {3, 1, 0xab, 0xcd};
  assert_int_equal(ztk_icmp_parse(&m, icmp, 4), 0);
  assert_int_equal(m.type, 3);
  assert_int_equal(m.code, 1);
  assert_int_equal(m.checksum, 0xabcd);
  assert_int_equal(m.body_len, 0);
  assert_int_equal(ztk_icmp_parse(&m, icmp, 3), ZTK_ETRUNC);

  uint8_t udp[12] = {0x12, 0x34, 0x00, 0x07, 0x00, 0x0b, 0xbe, 0xef, 'a', 'b', 'c', 'x'};
  ztk_udp u;
  assert_int_equal(ztk_udp_parse(&u, udp, 12), 0);
  assert_int_equal(u.sport, 0x1234);
  assert_int_equal(u.dport, 7);
  assert_int_equal(u.checksum, 0xbeef);
  assert_int_equal(u.payload_len, 3); /* bounded by the length field, not the buffer */
  assert_memory_equal(u.payload, "abc", 3);
  assert_int_equal(ztk_udp_parse(&u, udp, 10), ZTK_ETRUNC);
  assert_int_equal(ztk_udp_parse(&u, udp, 7), ZTK_ETRUNC);
  udp[5] = 7;
  assert_int_equal(ztk_udp_parse(&u, udp, 12), ZTK_EFORMAT);
  /* a UDP checksum over IPv4 with its pseudo-header: the sum with the checksum verifies */
  const uint8_t s[4] = {10, 0, 0, 1}, d[4] = {10, 0, 0, 2};
  udp[5] = 11;
  uint16_t c = ztk_csum_v4(s, d, ZTK_IPPROTO_UDP, udp, 11, 6);
  ztk_be_put(udp + 6, c, 2);
  assert_int_equal(ztk_csum_fold(ztk_csum_add(ztk_csum_add(ztk_csum_add(17 + 11, s, 4), d, 4),
                                              udp, 11)),
                   0);
}

/* Every prefix of every captured frame goes through every parser without reading past it. */
static void test_truncated_prefixes(void **state)
{
  for (size_t c = 0; c < sizeof CAPTURES / sizeof *CAPTURES; c++) {
    tv_pcap *p = tv_pcap_load(CAPTURES[c]);
    for (size_t i = 0; i < p->n; i++) {
      for (size_t n = 0; n <= p->len[i]; n++) {
        uint8_t *copy = malloc(n ? n : 1);
        memcpy(copy, p->data[i], n);
        ztk_frame f;
        if (ztk_frame_parse_ethernet(&f, copy, n) == 0) {
          ztk_arp a;
          ztk_ipv4 h4;
          ztk_ipv6 h6;
          size_t off;
          uint8_t proto;
          uint32_t t;
          (void)ztk_arp_parse(&a, f.data, f.len);
          (void)ztk_arp_zt_request_target(f.data, f.len, &t);
          if (ztk_ipv4_parse(&h4, f.data, f.len) == 0)
            assert_true(h4.payload + h4.payload_len <= f.data + f.len);
          if (ztk_ipv6_parse(&h6, f.data, f.len) == 0)
            assert_true(h6.payload + h6.payload_len <= f.data + f.len);
          if (ztk_ipv6_upper_layer(f.data, f.len, &off, &proto))
            assert_true(off <= f.len);
        }
        free(copy);
      }
    }
    tv_pcap_free(p);
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_checksum_basics),      cmocka_unit_test(test_ethernet_and_vlan),
      cmocka_unit_test(test_bounded_reads),        cmocka_unit_test(test_captured_arp),
      cmocka_unit_test(test_captured_ipv4_echo),   cmocka_unit_test(test_captured_ipv6_echo),
      cmocka_unit_test(test_all_captured_checksums), cmocka_unit_test(test_ipv6_extension_walk),
      cmocka_unit_test(test_ip_parse_errors),      cmocka_unit_test(test_icmp_and_udp),
      cmocka_unit_test(test_truncated_prefixes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
