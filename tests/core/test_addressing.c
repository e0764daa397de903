/* rfc4193 / 6plane derivations and their reverse, multicast groups, ad-hoc networks. */
#include "tests/support/vectors.h"

#include <stdlib.h>
#include <string.h>

#include "core/network/addressing.h"
#include "core/network/ethframe.h"
#include "core/network/filter.h"
#include "core/network/mac.h"
#include "core/util/hex.h"
#include "tests/support/pcapframes.h"

static const uint64_t RIG_NWID = 0x4b5aaf4557000001ULL;
static const uint64_t M1 = 0x8ca0b051fdULL, M2 = 0x063a948b95ULL;

/* One IPv6 scheme: vector keys, derivations and reverse, and the other scheme's reverse. */
typedef struct scheme {
  const char *hex_key, *text_key;
  void (*ip)(uint8_t ip[16], uint64_t nwid, uint64_t address);
  void (*inaddr)(ztk_inaddr *a, uint64_t nwid, uint64_t address);
  int (*back)(const uint8_t ip[16], uint64_t nwid, uint64_t *address);
  int (*other_back)(const uint8_t ip[16], uint64_t nwid, uint64_t *address);
} scheme;

static const scheme SCHEMES[2] = {
    {"rfc4193_ip_hex", "rfc4193", ztk_ipv6_rfc4193, ztk_inaddr_rfc4193, ztk_rfc4193_address,
     ztk_6plane_address},
    {"6plane_ip_hex", "6plane", ztk_ipv6_6plane, ztk_inaddr_6plane, ztk_6plane_address,
     ztk_rfc4193_address},
};

static void test_ipv6_vectors(void **state)
{
  json_t *root = tv_load("vectors/addressing.json");
  json_t *arr = json_object_get(root, "addressing"), *v;
  size_t i;
  assert_true(json_array_size(arr) >= 10);
  json_array_foreach(arr, i, v)
  {
    uint64_t addr = tv_hex_u64(v, "address"), nwid = tv_hex_u64(v, "network_id");
    for (const scheme *s = SCHEMES; s < SCHEMES + 2; s++) {
      uint8_t ip[16], want[16];
      char text[ZTK_INADDR_STRLEN];
      ztk_inaddr a;
      uint64_t back = 0;
      tv_hex_exact(v, s->hex_key, want, 16);
      s->ip(ip, nwid, addr);
      assert_memory_equal(ip, want, 16);
      s->inaddr(&a, nwid, addr);
      ztk_inaddr_format(&a, text);
      assert_string_equal(text, tv_str(v, s->text_key));
      assert_int_equal(s->back(ip, nwid, &back), 0);
      assert_int_equal(back, addr);
      assert_int_equal(s->other_back(ip, nwid, &back), ZTK_ENOTFOUND);
    }
  }
  json_decref(root);
}

static void test_libzt_known_answers(void **state)
{
  /* libzt's own tests: zts_net_compute_adhoc_id(9000, 9100) and the addresses of node
   * 75f3543094 on ad-hoc network ff07d00bb8000000 */
  assert_int_equal(ztk_adhoc_nwid(9000, 9100), 0xff2328238c000000ULL);
  uint8_t ip[16], want[16];
  ztk_ipv6_6plane(ip, 0xff07d00bb8000000ULL, 0x75f3543094ULL);
  assert_int_equal(ztk_hex_decode(want, 16, "fc4707d00b75f3543094000000000001", 32), 0);
  assert_memory_equal(ip, want, 16);
  ztk_ipv6_rfc4193(ip, 0xff07d00bb8000000ULL, 0x75f3543094ULL);
  assert_int_equal(ztk_hex_decode(want, 16, "fdff07d00bb80000009993" "75f3543094", 32), 0);
  assert_memory_equal(ip, want, 16);
}

static void test_reverse_rejects(void **state)
{
  uint8_t ip[16];
  uint64_t a = 42;
  ztk_ipv6_rfc4193(ip, RIG_NWID, M1);
  assert_int_equal(ztk_rfc4193_address(ip, RIG_NWID + 1, &a), ZTK_ENOTFOUND);
  ip[9] = 0x98;
  assert_int_equal(ztk_rfc4193_address(ip, RIG_NWID, &a), ZTK_ENOTFOUND);
  ztk_ipv6_6plane(ip, RIG_NWID, M2);
  ip[4] ^= 1;
  assert_int_equal(ztk_6plane_address(ip, RIG_NWID, &a), ZTK_ENOTFOUND);
  assert_int_equal(a, 42);
  /* anything inside a member's 6plane /80 names that member */
  ztk_ipv6_6plane(ip, RIG_NWID, M2);
  ip[15] = 0x77;
  ip[12] = 0x01;
  assert_int_equal(ztk_6plane_address(ip, RIG_NWID, &a), 0);
  assert_int_equal(a, M2);
}

static void test_rig_addresses(void **state)
{
  char text[ZTK_INADDR_STRLEN];
  ztk_inaddr a;
  ztk_inaddr_rfc4193(&a, RIG_NWID, M1);
  ztk_inaddr_format(&a, text);
  assert_string_equal(text, "fd4b:5aaf:4557:0:199:938c:a0b0:51fd/88");
  ztk_inaddr_6plane(&a, RIG_NWID, M2);
  ztk_inaddr_format(&a, text);
  assert_string_equal(text, "fc1c:5aaf:4406:3a94:8b95::1/40");
  assert_int_equal(ztk_6plane_nwid32(RIG_NWID), 0x1c5aaf44u);
}

static void test_owned_by_emulation(void **state)
{
  ztk_inaddr ips[3];
  uint8_t other[16];
  ztk_inaddr_v4(&ips[0], 0x0a93110b, 24);
  ztk_inaddr_rfc4193(&ips[1], RIG_NWID, M1);
  ztk_inaddr_6plane(&ips[2], RIG_NWID, M1);
  ztk_ipv6_6plane(other, RIG_NWID, M2);
  assert_true(ztk_ipv6_owned_by_emulation(other, RIG_NWID, M1, ips, 3));
  ztk_ipv6_rfc4193(other, RIG_NWID, M2);
  assert_true(ztk_ipv6_owned_by_emulation(other, RIG_NWID, M1, ips, 3));
  /* only the schemes we hold count */
  assert_false(ztk_ipv6_owned_by_emulation(other, RIG_NWID, M1, ips, 1));
  ztk_ipv6_6plane(other, RIG_NWID, M2);
  assert_false(ztk_ipv6_owned_by_emulation(other, RIG_NWID, M1, ips, 2));
  assert_true(ztk_ipv6_owned_by_emulation(other, RIG_NWID, M1, &ips[2], 1));
  /* another network's prefix, or a link-local address, is not covered */
  ztk_ipv6_6plane(other, RIG_NWID ^ 0x100, M2);
  assert_false(ztk_ipv6_owned_by_emulation(other, RIG_NWID, M1, ips, 3));
  const uint8_t ll[16] = {0xfe, 0x80, [15] = 1};
  assert_false(ztk_ipv6_owned_by_emulation(ll, RIG_NWID, M1, ips, 3));
  /* our address in the config must be the one computed for `self` */
  ztk_ipv6_rfc4193(other, RIG_NWID, M2);
  assert_false(ztk_ipv6_owned_by_emulation(other, RIG_NWID, M2 + 1, ips, 3));
}

static void test_group_vectors(void **state)
{
  json_t *root = tv_load("vectors/addressing.json");
  json_t *arr = json_object_get(root, "address_resolution_multicast_groups"), *v;
  size_t i;
  assert_int_equal(json_array_size(arr), 4);
  json_array_foreach(arr, i, v)
  {
    ztk_inaddr ip;
    ztk_mcgroup g;
    uint64_t mac;
    assert_int_equal(ztk_inaddr_parse(&ip, tv_str(v, "ip")), 0);
    assert_int_equal(ztk_mcgroup_for_address(&g, &ip), 0);
    assert_int_equal(ztk_mac_parse(&mac, tv_str(v, "mac")), 0);
    assert_int_equal(g.mac, mac);
    assert_int_equal(g.adi, json_integer_value(json_object_get(v, "adi")));
  }
  json_decref(root);
  ztk_inaddr nil;
  ztk_mcgroup g;
  memset(&nil, 0, sizeof nil);
  assert_int_equal(ztk_mcgroup_for_address(&g, &nil), ZTK_EINVAL);
  g = ztk_mcgroup_broadcast();
  assert_int_equal(g.mac, ZTK_MAC_BROADCAST);
  assert_int_equal(g.adi, 0);
}

static void test_group_order(void **state)
{
  ztk_mcgroup a = {0x333300000001ULL, 5}, b = {0x333300000001ULL, 6}, c = {0x333300000002ULL, 0};
  assert_true(ztk_mcgroup_cmp(&a, &b) < 0);
  assert_true(ztk_mcgroup_cmp(&b, &c) < 0);
  assert_true(ztk_mcgroup_cmp(&c, &a) > 0);
  assert_int_equal(ztk_mcgroup_cmp(&a, &a), 0);
}

/* The captured who-has 10.147.17.12 went to group ff:ff:ff:ff:ff:ff / 0x0a93110c (hub log
 * "MULTICAST_GATHER ... adi=0a93110c"); the DAD NS to 33:33:ff:00:00:01 / 0. */
static void test_group_for_captured_frames(void **state)
{
  tv_pcap *p = tv_pcap_load("captures/A-m1-zt.pcap");
  ztk_frame f;
  assert_int_equal(ztk_frame_parse_ethernet(&f, p->data[12], p->len[12]), 0);
  ztk_mcgroup g = ztk_mcgroup_for_frame(f.dst_mac, f.ethertype, f.data, f.len);
  assert_int_equal(g.mac, ZTK_MAC_BROADCAST);
  assert_int_equal(g.adi, 0x0a93110c);
  assert_int_equal(ztk_frame_parse_ethernet(&f, p->data[7], p->len[7]), 0);
  g = ztk_mcgroup_for_frame(f.dst_mac, f.ethertype, f.data, f.len);
  assert_int_equal(g.mac, 0x3333ff000001ULL);
  assert_int_equal(g.adi, 0);
  tv_pcap_free(p);
}

static void test_group_for_arp_variants(void **state)
{
  uint8_t arp[28] = {0, 1, 8, 0, 6, 4, 0, 1};
  arp[24] = 10, arp[25] = 1, arp[26] = 2, arp[27] = 3;
  ztk_mcgroup g = ztk_mcgroup_for_frame(ZTK_MAC_BROADCAST, ZTK_ETHERTYPE_ARP, arp, 28);
  assert_int_equal(g.adi, 0x0a010203);
  arp[0] = 9; /* htype and the high op byte are not checked by 1.14.1 */
  arp[6] = 9;
  g = ztk_mcgroup_for_frame(ZTK_MAC_BROADCAST, ZTK_ETHERTYPE_ARP, arp, 28);
  assert_int_equal(g.adi, 0x0a010203);
  arp[7] = 2; /* a reply stays plain broadcast */
  g = ztk_mcgroup_for_frame(ZTK_MAC_BROADCAST, ZTK_ETHERTYPE_ARP, arp, 28);
  assert_int_equal(g.adi, 0);
  arp[7] = 1;
  g = ztk_mcgroup_for_frame(ZTK_MAC_BROADCAST, ZTK_ETHERTYPE_ARP, arp, 27);
  assert_int_equal(g.adi, 0);
  g = ztk_mcgroup_for_frame(ZTK_MAC_BROADCAST, ZTK_ETHERTYPE_IPV4, arp, 28);
  assert_int_equal(g.adi, 0);
  g = ztk_mcgroup_for_frame(0x3333ff000001ULL, ZTK_ETHERTYPE_ARP, arp, 28);
  assert_int_equal(g.adi, 0);
  arp[5] = 16;
  g = ztk_mcgroup_for_frame(ZTK_MAC_BROADCAST, ZTK_ETHERTYPE_ARP, arp, 28);
  assert_int_equal(g.adi, 0);
}

static void test_adhoc_ids(void **state)
{
  assert_int_equal(ztk_adhoc_nwid(0x16, 0x16), 0xff00160016000000ULL);
  assert_int_equal(ztk_adhoc_nwid(0, 0xffff), 0xff0000ffff000000ULL);
  assert_int_equal(ztk_adhoc_hub_nwid(10, 0x8ca0b051fdULL), 0xff0a8ca0b051fd01ULL);
  assert_true(ztk_nwid_is_adhoc(0xff0000ffff000000ULL));
  assert_false(ztk_nwid_is_adhoc(RIG_NWID));
}

static void test_adhoc_port_config(void **state)
{
  ztk_adhoc_config c;
  uint64_t nwid = ztk_adhoc_nwid(9000, 9100);
  assert_int_equal(ztk_adhoc_config_make(&c, nwid, M1, 12345), 0);
  assert_int_equal(c.nwid, nwid);
  assert_int_equal(c.timestamp_ms, 12345);
  assert_int_equal(c.revision, 1);
  assert_int_equal(c.issued_to, M1);
  assert_int_equal(c.flags, ZTK_NETCONF_FLAG_NDP_EMULATION);
  assert_int_equal(c.type, ZTK_NETWORK_TYPE_PUBLIC);
  assert_int_equal(c.mtu, 2800);
  assert_int_equal(c.multicast_limit, 0);
  assert_int_equal(c.credential_time_max_delta, 7200000);
  assert_string_equal(c.name, "adhoc-2328-238c");
  assert_int_equal(c.n_static_ips, 1);
  ztk_inaddr want;
  ztk_inaddr_6plane(&want, nwid, M1);
  assert_true(ztk_inaddr_eq(&c.static_ips[0], &want));
  assert_int_equal(c.n_specialists, 0);
  const uint8_t types[14] = {37 | 0x80, 0, 36, 1, 36, 36 | 0x40, 40, 1, 41 | 0x80, 1, 41, 41, 1, 0};
  assert_int_equal(c.n_rules, 14);
  for (unsigned i = 0; i < 14; i++)
    assert_int_equal(c.rules[i].t, types[i]);
  assert_int_equal(c.rules[0].v.ether_type, 0x86dd);
  assert_int_equal(c.rules[2].v.ip_protocol, 58);
  assert_int_equal(c.rules[4].v.ip_protocol, 17);
  assert_int_equal(c.rules[5].v.ip_protocol, 6);
  assert_int_equal(c.rules[6].v.port[0], 9000);
  assert_int_equal(c.rules[6].v.port[1], 9100);
  assert_int_equal(c.rules[8].v.characteristics, ZTK_CHAR_TCP_SYN);
  assert_int_equal(c.rules[10].v.characteristics, ZTK_CHAR_TCP_SYN);
  assert_int_equal(c.rules[11].v.characteristics, ZTK_CHAR_TCP_ACK);
  assert_int_equal(ztk_adhoc_config_make(&c, ztk_adhoc_nwid(5, 5), M1, 0), 0);
  assert_string_equal(c.name, "adhoc-0005-0005");
  assert_int_equal(ztk_adhoc_config_make(&c, ztk_adhoc_nwid(6, 5), M1, 0), ZTK_ENOTFOUND);
}

static void test_adhoc_hub_config(void **state)
{
  ztk_adhoc_config c;
  uint64_t nwid = ztk_adhoc_hub_nwid(10, M2);
  assert_int_equal(ztk_adhoc_config_make(&c, nwid, M1, 7), 0);
  assert_int_equal(c.multicast_limit, 1024);
  assert_string_equal(c.name, "adhoc-10.0.0.0");
  assert_int_equal(c.n_static_ips, 2);
  char text[ZTK_INADDR_STRLEN];
  ztk_inaddr_format(&c.static_ips[1], text);
  assert_string_equal(text, "10.176.81.253/8"); /* 10 . b0 51 fd */
  ztk_inaddr_format(&c.static_ips[0], text);
  assert_string_equal(text, "fc6b:8193:3b8c:a0b0:51fd::1/40");
  assert_int_equal(c.n_specialists, 1);
  assert_int_equal(c.specialists[0], M2);
  assert_int_equal(c.n_rules, 1);
  assert_int_equal(c.rules[0].t, ZTK_RULE_ACTION_ACCEPT);
  assert_int_equal(ztk_adhoc_config_make(&c, ztk_adhoc_hub_nwid(192, 0), M1, 7), 0);
  assert_int_equal(c.n_specialists, 0);
  assert_string_equal(c.name, "adhoc-192.0.0.0");
  /* other ff.. ids get no config; ordinary ids are not ad-hoc */
  assert_int_equal(ztk_adhoc_config_make(&c, 0xff00000000000002ULL, M1, 7), ZTK_EINVAL);
  assert_int_equal(ztk_adhoc_config_make(&c, RIG_NWID, M1, 7), ZTK_EINVAL);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ipv6_vectors),
      cmocka_unit_test(test_libzt_known_answers),
      cmocka_unit_test(test_reverse_rejects),
      cmocka_unit_test(test_rig_addresses),
      cmocka_unit_test(test_owned_by_emulation),
      cmocka_unit_test(test_group_vectors),
      cmocka_unit_test(test_group_order),
      cmocka_unit_test(test_group_for_captured_frames),
      cmocka_unit_test(test_group_for_arp_variants),
      cmocka_unit_test(test_adhoc_ids),
      cmocka_unit_test(test_adhoc_port_config),
      cmocka_unit_test(test_adhoc_hub_config),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
