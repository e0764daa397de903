/* NDP emulation: the NAs synthesized for captured NSs must equal, byte for byte, the NAs the
 * real 1.14.1 nodes put on their taps (A-m1-zt.pcap / A-m2-zt.pcap). */
#include "tests/support/vectors.h"

#include <stdlib.h>
#include <string.h>

#include "core/network/addressing.h"
#include "core/network/mac.h"
#include "core/network/ndp.h"
#include "tests/support/pcapframes.h"

static const uint64_t NWID = 0x4b5aaf4557000001ULL;
static const uint64_t M1 = 0x8ca0b051fdULL, M2 = 0x063a948b95ULL;

/* A member's static IPs as its network config lists them. */
static void member_ips(ztk_inaddr ips[3], uint64_t addr, uint32_t v4)
{
  ztk_inaddr_v4(&ips[0], v4, 24);
  ztk_inaddr_rfc4193(&ips[1], NWID, addr);
  ztk_inaddr_6plane(&ips[2], NWID, addr);
}

static void frame_at(const tv_pcap *p, size_t number, ztk_frame *f)
{
  assert_int_equal(ztk_frame_parse_ethernet(f, p->data[number - 1], p->len[number - 1]), 0);
}

/* Feeds NS `ns` of capture `file` to the node `self` and compares with frame `na`. */
static void check_pair(const char *file, size_t ns, size_t na, uint64_t self, uint32_t v4,
                       uint64_t peer)
{
  tv_pcap *p = tv_pcap_load(file);
  ztk_inaddr ips[3];
  ztk_frame f, want;
  ztk_ndp_reply r;
  member_ips(ips, self, v4);
  frame_at(p, ns, &f);
  frame_at(p, na, &want);
  assert_int_equal(ztk_ndp_emulate(&f, NWID, self, ips, 3, &r), 1);
  assert_int_equal(r.peer, peer);
  assert_int_equal(r.src_mac, want.src_mac);
  assert_int_equal(r.dst_mac, want.dst_mac);
  assert_int_equal(r.dst_mac, f.src_mac);
  assert_int_equal(r.src_mac, ztk_mac_from_address(peer, NWID));
  assert_int_equal(want.ethertype, ZTK_ETHERTYPE_IPV6);
  assert_int_equal(want.len, ZTK_NDP_NA_LEN);
  assert_memory_equal(r.packet, want.data, ZTK_NDP_NA_LEN);
  /* the order of the static IPs does not matter for distinct prefixes */
  ztk_inaddr rev[3] = {ips[2], ips[1], ips[0]};
  memset(&r, 0, sizeof r);
  assert_int_equal(ztk_ndp_emulate(&f, NWID, self, rev, 3, &r), 1);
  assert_memory_equal(r.packet, want.data, ZTK_NDP_NA_LEN);
  tv_pcap_free(p);
}

static void test_captured_pairs(void **state)
{
  check_pair("captures/A-m1-zt.pcap", 27, 28, M1, 0x0a93110b, M2); /* rfc4193 */
  check_pair("captures/A-m1-zt.pcap", 35, 36, M1, 0x0a93110b, M2); /* 6plane */
  check_pair("captures/A-m2-zt.pcap", 26, 27, M2, 0x0a93110c, M1);
  check_pair("captures/A-m2-zt.pcap", 34, 35, M2, 0x0a93110c, M1);
}

static void test_not_emulated(void **state)
{
  tv_pcap *p = tv_pcap_load("captures/A-m1-zt.pcap");
  ztk_inaddr ips[3];
  ztk_frame f;
  ztk_ndp_reply r;
  member_ips(ips, M1, 0x0a93110b);
  /* duplicate address detection for our own rfc4193 and 6plane addresses */
  frame_at(p, 7, &f);
  assert_int_equal(ztk_ndp_emulate(&f, NWID, M1, ips, 3, &r), 0);
  frame_at(p, 8, &f);
  assert_int_equal(ztk_ndp_emulate(&f, NWID, M1, ips, 3, &r), 0);
  /* link-local target; MLD report; ARP */
  frame_at(p, 2, &f);
  assert_int_equal(ztk_ndp_emulate(&f, NWID, M1, ips, 3, &r), 0);
  frame_at(p, 1, &f);
  assert_int_equal(ztk_ndp_emulate(&f, NWID, M1, ips, 3, &r), 0);
  frame_at(p, 13, &f);
  assert_int_equal(ztk_ndp_emulate(&f, NWID, M1, ips, 3, &r), 0);

  frame_at(p, 27, &f); /* the emulated one, varied */
  assert_int_equal(ztk_ndp_emulate(&f, NWID, M1, ips, 1, &r), 0); /* no IPv6 assigned */
  /* rfc4193 is recognised by its shape alone; 6plane must carry this network's 32 bits */
  assert_int_equal(ztk_ndp_emulate(&f, NWID ^ 0x100, M1, ips, 3, &r), 1);
  ztk_frame six;
  frame_at(p, 35, &six);
  assert_int_equal(ztk_ndp_emulate(&six, NWID, M1, ips, 3, &r), 1);
  assert_int_equal(ztk_ndp_emulate(&six, NWID ^ 0x100, M1, ips, 3, &r), 0);
  ztk_frame g = f;
  g.dst_mac = ZTK_MAC_BROADCAST;
  assert_int_equal(ztk_ndp_emulate(&g, NWID, M1, ips, 3, &r), 0);
  g.dst_mac = ztk_mac_from_address(M2, NWID); /* unicast NS is sent normally */
  assert_int_equal(ztk_ndp_emulate(&g, NWID, M1, ips, 3, &r), 0);
  uint8_t zero_peer[128];
  memcpy(zero_peer, f.data, f.len);
  memset(zero_peer + 48 + 11, 0, 5); /* target ...9993:0000:0000:00: no member address */
  g = f;
  g.data = zero_peer;
  assert_int_equal(ztk_ndp_emulate(&g, NWID, M1, ips, 3, &r), 0);
  g = f;
  g.len = 63;
  assert_int_equal(ztk_ndp_emulate(&g, NWID, M1, ips, 3, &r), 0);
  g = f;
  g.ethertype = ZTK_ETHERTYPE_IPV4;
  assert_int_equal(ztk_ndp_emulate(&g, NWID, M1, ips, 3, &r), 0);
  /* the /88 must be an fd...9993 address and the /40 must carry this network's 32 bits */
  ztk_inaddr odd[2] = {ips[1], ips[2]};
  odd[0].port = 64;
  odd[1].ip[1] ^= 1;
  assert_int_equal(ztk_ndp_emulate(&f, NWID, M1, odd, 2, &r), 0);
  assert_int_equal(ztk_ndp_emulate(NULL, NWID, M1, ips, 3, &r), ZTK_EINVAL);
  assert_int_equal(ztk_ndp_emulate(&f, NWID, M1, NULL, 3, &r), ZTK_EINVAL);
  assert_int_equal(ztk_ndp_emulate(&f, NWID, M1, ips, 3, NULL), ZTK_EINVAL);
  tv_pcap_free(p);
}

static void test_parse_ns(void **state)
{
  tv_pcap *p = tv_pcap_load("captures/A-m2-zt.pcap");
  ztk_frame f;
  ztk_ndp_ns ns;
  uint8_t want[16], buf[128];
  frame_at(p, 26, &f); /* NS from m2 for m1's rfc4193 address */
  assert_int_equal(ztk_ndp_parse_ns(&ns, f.data, f.len), 0);
  ztk_ipv6_rfc4193(want, NWID, M1);
  assert_memory_equal(ns.target, want, 16);
  ztk_ipv6_rfc4193(want, NWID, M2);
  assert_memory_equal(ns.src, want, 16);
  assert_true(ns.has_sll);
  assert_int_equal(ns.sll_mac, 0x02063ac3ce3aULL);
  memcpy(buf, f.data, f.len);
  buf[7] = 254; /* hop limit */
  assert_int_equal(ztk_ndp_parse_ns(&ns, buf, f.len), ZTK_EFORMAT);
  buf[7] = 255;
  buf[63] ^= 1; /* checksum no longer verifies */
  assert_int_equal(ztk_ndp_parse_ns(&ns, buf, f.len), ZTK_EFORMAT);
  buf[63] ^= 1;
  assert_int_equal(ztk_ndp_parse_ns(&ns, buf, f.len), 0);
  assert_int_equal(ztk_ndp_parse_ns(&ns, buf, f.len - 1), ZTK_ETRUNC);
  buf[40] = 136;
  assert_int_equal(ztk_ndp_parse_ns(&ns, buf, f.len), ZTK_EFORMAT);
  frame_at(p, 27, &f); /* an NA is not an NS */
  assert_int_equal(ztk_ndp_parse_ns(&ns, f.data, f.len), ZTK_EFORMAT);
  frame_at(p, 1, &f); /* DAD NS: unspecified source, no option */
  assert_int_equal(ztk_ndp_parse_ns(&ns, f.data, f.len), 0);
  assert_false(ns.has_sll);
  tv_pcap_free(p);
}

/* Builds an NS with the given options, checksum included, and parses it. */
static int parse_built_ns(const uint8_t *opts, size_t n_opts)
{
  uint8_t pkt[160] = {0x60};
  ztk_ndp_ns ns;
  pkt[5] = (uint8_t)(24 + n_opts);
  pkt[6] = 58;
  pkt[7] = 255;
  pkt[8] = 0xfe, pkt[9] = 0x80, pkt[23] = 1;
  pkt[24] = 0xff, pkt[25] = 0x02, pkt[39] = 2;
  pkt[40] = 135;
  pkt[48] = 0xfd, pkt[63] = 9;
  memcpy(pkt + 64, opts, n_opts);
  uint16_t c = ztk_csum_v6(pkt + 8, pkt + 24, 58, pkt + 40, 24 + n_opts, 2);
  ztk_be_put(pkt + 42, c, 2);
  return ztk_ndp_parse_ns(&ns, pkt, 64 + n_opts);
}

static void test_ns_options(void **state)
{
  const uint8_t good[16] = {14, 1, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4, 5, 6, 7};
  assert_int_equal(parse_built_ns(good, 16), 0);
  const uint8_t zero_len[8] = {1, 0};
  assert_int_equal(parse_built_ns(zero_len, 8), ZTK_EFORMAT);
  const uint8_t overrun[8] = {1, 2};
  assert_int_equal(parse_built_ns(overrun, 8), ZTK_ETRUNC);
  const uint8_t half[1] = {1};
  assert_int_equal(parse_built_ns(half, 1), ZTK_ETRUNC);
  uint8_t many[96];
  for (unsigned i = 0; i < 96; i += 8)
    memcpy(many + i, good, 8);
  assert_int_equal(parse_built_ns(many, 96), 0);
}

static void test_write_na(void **state)
{
  uint8_t a[16], b[16], buf[ZTK_NDP_NA_LEN];
  ztk_ipv6_6plane(a, NWID, M1);
  ztk_ipv6_6plane(b, NWID, M2);
  ztk_wr w = ztk_wr_make(buf, sizeof buf);
  ztk_ndp_write_na(&w, a, b, a, ZTK_NDP_NA_SOLICITED, 0x028ca0e71452ULL);
  assert_int_equal(w.err, 0);
  assert_int_equal(w.len, ZTK_NDP_NA_LEN);
  assert_int_equal(ztk_csum_v6(a, b, 58, buf + 40, 32, 2), ztk_be_get(buf + 42, 2));
  assert_int_equal(ztk_be_get(buf + 44, 4), ZTK_NDP_NA_SOLICITED);
  w = ztk_wr_make(buf, sizeof buf - 1);
  ztk_ndp_write_na(&w, a, b, a, ZTK_NDP_NA_SOLICITED, 0x028ca0e71452ULL);
  assert_int_equal(w.err, ZTK_ENOSPACE);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_captured_pairs), cmocka_unit_test(test_not_emulated),
      cmocka_unit_test(test_parse_ns),       cmocka_unit_test(test_ns_options),
      cmocka_unit_test(test_write_na),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
