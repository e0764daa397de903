/* The rules engine, one match type at a time (positive, negative, NOT / OR, and the cases
 * where 1.14.1 answers "no" whatever the NOT bit says), then actions, capabilities and whole
 * rule sets: the default ACCEPT and the synthesized ad-hoc rules. */
#include "tests/support/vectors.h"

#include <stdlib.h>
#include <string.h>

#include "core/network/addressing.h"
#include "core/network/ethframe.h"
#include "core/network/filter.h"
#include "core/network/mac.h"
#include "tests/support/pcapframes.h"

#define NWID 0x4b5aaf4557000001ULL
#define SELF 0x8ca0b051fdULL
#define PEER 0x063a948b95ULL
#define OTHER 0x1122334455ULL

static const uint8_t IP4_A[4] = {10, 147, 17, 11}, IP4_B[4] = {10, 147, 17, 12};
static uint8_t ip6_a[16], ip6_b[16];

static uint8_t frame[256];
static size_t frame_len;

static int setup(void **state)
{
  ztk_ipv6_rfc4193(ip6_a, NWID, SELF);
  ztk_ipv6_rfc4193(ip6_b, NWID, PEER);
  return 0;
}

/* ---- frame builders ---- */

static size_t tcp_header(uint8_t *b, uint16_t sport, uint16_t dport, uint16_t flags)
{
  memset(b, 0, 20);
  ztk_be_put(b, sport, 2);
  ztk_be_put(b + 2, dport, 2);
  ztk_be_put(b + 12, 0x5000 | (flags & 0x0fff), 2);
  return 20;
}

static size_t ports_header(uint8_t *b, uint16_t sport, uint16_t dport)
{
  memset(b, 0, 8);
  ztk_be_put(b, sport, 2);
  ztk_be_put(b + 2, dport, 2);
  ztk_be_put(b + 4, 8, 2);
  return 8;
}

static void build_ipv4(uint8_t proto, uint8_t tos, const uint8_t *l4, size_t l4_len)
{
  ztk_ipv4 h = {.tos = tos, .ttl = 64, .proto = proto};
  memcpy(h.src, IP4_A, 4);
  memcpy(h.dst, IP4_B, 4);
  ztk_wr w = ztk_wr_make(frame, sizeof frame);
  ztk_ipv4_write(&w, &h, l4_len);
  ztk_wr_bytes(&w, l4, l4_len);
  assert_int_equal(w.err, 0);
  frame_len = w.len;
}

/* IPv6 with an optional 8-byte hop-by-hop header in front of the upper layer. */
static void build_ipv6(uint8_t proto, uint8_t tclass, bool hbh, const uint8_t *l4, size_t l4_len)
{
  ztk_ipv6 h = {.tclass = tclass, .next = hbh ? 0 : proto, .hop_limit = 64};
  memcpy(h.src, ip6_a, 16);
  memcpy(h.dst, ip6_b, 16);
  ztk_wr w = ztk_wr_make(frame, sizeof frame);
  ztk_ipv6_write(&w, &h, l4_len + (hbh ? 8 : 0));
  if (hbh) {
    ztk_wr_u8(&w, proto);
    ztk_wr_zero(&w, 7);
  }
  ztk_wr_bytes(&w, l4, l4_len);
  assert_int_equal(w.err, 0);
  frame_len = w.len;
}

static void ipv4_tcp(uint16_t sport, uint16_t dport, uint16_t flags)
{
  uint8_t l4[20];
  build_ipv4(ZTK_IPPROTO_TCP, 0, l4, tcp_header(l4, sport, dport, flags));
}

static void ipv6_tcp(uint16_t sport, uint16_t dport, uint16_t flags, bool hbh)
{
  uint8_t l4[20];
  build_ipv6(ZTK_IPPROTO_TCP, 0, hbh, l4, tcp_header(l4, sport, dport, flags));
}

static void icmp_msg(bool v6, uint8_t type, uint8_t code)
{
  uint8_t m[8] = {type, code};
  if (v6)
    build_ipv6(ZTK_IPPROTO_ICMPV6, 0, false, m, sizeof m);
  else
    build_ipv4(ZTK_IPPROTO_ICMP, 0, m, sizeof m);
}

/* ---- evaluation helpers ---- */

static ztk_filter_input input(uint16_t ethertype)
{
  ztk_filter_input in;
  memset(&in, 0, sizeof in);
  in.self = SELF;
  in.source = SELF;
  in.dest = PEER;
  in.src_mac = ztk_mac_from_address(SELF, NWID);
  in.dst_mac = ztk_mac_from_address(PEER, NWID);
  in.ethertype = ethertype;
  in.data = frame;
  in.len = frame_len;
  return in;
}

static ztk_filter_input inbound(uint16_t ethertype)
{
  ztk_filter_input in = input(ethertype);
  in.inbound = true;
  in.source = PEER;
  in.dest = SELF;
  in.src_mac = ztk_mac_from_address(PEER, NWID);
  in.dst_mac = ztk_mac_from_address(SELF, NWID);
  return in;
}

static ztk_filter_result eval(ztk_filter_input in, const ztk_rule *rules, size_t n)
{
  ztk_filter_result res;
  in.rules.rules = rules;
  in.rules.n = n;
  assert_int_equal(ztk_filter_evaluate(&in, &res), 0);
  return res;
}

/* Runs [r, ACCEPT] (no decision = drop) and says whether r matched. */
static bool matches(const ztk_filter_input *in, ztk_rule r)
{
  ztk_rule rules[2] = {r, {.t = ZTK_RULE_ACTION_ACCEPT}};
  return eval(*in, rules, 2).verdict == ZTK_FILTER_ACCEPT;
}

/* The same with the NOT bit set. */
static bool matches_not(const ztk_filter_input *in, ztk_rule r)
{
  r.t |= ZTK_RULE_NOT;
  return matches(in, r);
}

static ztk_rule rule(unsigned t) { return (ztk_rule){.t = (uint8_t)t}; }

/* ---- match types ---- */

static void test_zerotier_addresses(void **state)
{
  ipv4_tcp(1, 2, 0);
  ztk_filter_input in = input(ZTK_ETHERTYPE_IPV4);
  ztk_rule r = rule(ZTK_RULE_MATCH_SOURCE_ZEROTIER_ADDRESS);
  r.v.zt = SELF;
  assert_true(matches(&in, r));
  assert_false(matches_not(&in, r));
  r.v.zt = PEER;
  assert_false(matches(&in, r));
  assert_true(matches_not(&in, r));
  r = rule(ZTK_RULE_MATCH_DEST_ZEROTIER_ADDRESS);
  r.v.zt = PEER;
  assert_true(matches(&in, r));
  in.dest = 0; /* multicast: no destination member */
  assert_false(matches(&in, r));
  in = inbound(ZTK_ETHERTYPE_IPV4);
  assert_false(matches(&in, r));
  r.v.zt = SELF;
  assert_true(matches(&in, r));
}

static void test_vlan_mac_ethertype_size(void **state)
{
  ipv4_tcp(1, 2, 0);
  ztk_filter_input in = input(ZTK_ETHERTYPE_IPV4);
  ztk_rule r = rule(ZTK_RULE_MATCH_VLAN_ID);
  assert_true(matches(&in, r));
  r.v.vlan_id = 5;
  assert_false(matches(&in, r));
  in.vlan_id = 5;
  assert_true(matches(&in, r));
  /* PCP and DEI are not supported by 1.14.1: a rule value of 0 matches, anything else not */
  r = rule(ZTK_RULE_MATCH_VLAN_PCP);
  assert_true(matches(&in, r));
  r.v.vlan_pcp = 3;
  assert_false(matches(&in, r));
  r = rule(ZTK_RULE_MATCH_VLAN_DEI);
  assert_true(matches(&in, r));
  r.v.vlan_dei = 1;
  assert_false(matches(&in, r));

  r = rule(ZTK_RULE_MATCH_MAC_SOURCE);
  ztk_mac_to_bytes(in.src_mac, r.v.mac);
  assert_true(matches(&in, r));
  r.t = ZTK_RULE_MATCH_MAC_DEST;
  assert_false(matches(&in, r));
  ztk_mac_to_bytes(in.dst_mac, r.v.mac);
  assert_true(matches(&in, r));

  r = rule(ZTK_RULE_MATCH_ETHERTYPE);
  r.v.ether_type = ZTK_ETHERTYPE_IPV4;
  assert_true(matches(&in, r));
  r.v.ether_type = ZTK_ETHERTYPE_ARP;
  assert_false(matches(&in, r));
  assert_true(matches_not(&in, r));

  r = rule(ZTK_RULE_MATCH_FRAME_SIZE_RANGE);
  r.v.frame_size[0] = 40, r.v.frame_size[1] = 40;
  assert_int_equal(frame_len, 40);
  assert_true(matches(&in, r));
  r.v.frame_size[0] = 41, r.v.frame_size[1] = 1500;
  assert_false(matches(&in, r));
  r.v.frame_size[0] = 0, r.v.frame_size[1] = 39;
  assert_false(matches(&in, r));
}

static void test_ipv4_addresses(void **state)
{
  ipv4_tcp(1, 2, 0);
  ztk_filter_input in = input(ZTK_ETHERTYPE_IPV4);
  ztk_rule r = rule(ZTK_RULE_MATCH_IPV4_SOURCE);
  memcpy(r.v.ipv4.ip, (uint8_t[4]){10, 147, 17, 0}, 4);
  r.v.ipv4.mask = 24;
  assert_true(matches(&in, r));
  assert_false(matches_not(&in, r));
  r.v.ipv4.mask = 32;
  assert_false(matches(&in, r));
  assert_true(matches_not(&in, r));
  r.v.ipv4.mask = 0; /* /0 contains everything */
  memcpy(r.v.ipv4.ip, (uint8_t[4]){192, 168, 1, 1}, 4);
  assert_true(matches(&in, r));
  memcpy(r.v.ipv4.ip, IP4_B, 4);
  r.v.ipv4.mask = 32;
  assert_false(matches(&in, r));
  r.t = ZTK_RULE_MATCH_IPV4_DEST;
  assert_true(matches(&in, r));
  /* prefixes above 32: the shift count wraps modulo 32 as on x86-64, /33 compares 1 bit */
  memcpy(r.v.ipv4.ip, (uint8_t[4]){1, 2, 3, 4}, 4);
  r.v.ipv4.mask = 33;
  assert_true(matches(&in, r));
  memcpy(r.v.ipv4.ip, (uint8_t[4]){200, 2, 3, 4}, 4);
  assert_false(matches(&in, r));
  /* not IPv4, or shorter than a header: no match, NOT or not */
  in.ethertype = ZTK_ETHERTYPE_IPV6;
  assert_false(matches(&in, r));
  assert_false(matches_not(&in, r));
  in.ethertype = ZTK_ETHERTYPE_IPV4;
  in.len = 19;
  assert_false(matches_not(&in, r));
}

static void test_ipv6_addresses(void **state)
{
  ipv6_tcp(1, 2, 0, false);
  ztk_filter_input in = input(ZTK_ETHERTYPE_IPV6);
  ztk_rule r = rule(ZTK_RULE_MATCH_IPV6_SOURCE);
  memcpy(r.v.ipv6.ip, ip6_a, 11);
  r.v.ipv6.mask = 88;
  assert_true(matches(&in, r));
  r.t = ZTK_RULE_MATCH_IPV6_DEST;
  assert_true(matches(&in, r));
  memcpy(r.v.ipv6.ip, ip6_b, 16);
  r.v.ipv6.mask = 128;
  assert_true(matches(&in, r));
  assert_false(matches_not(&in, r));
  r.t = ZTK_RULE_MATCH_IPV6_SOURCE;
  assert_false(matches(&in, r));
  assert_true(matches_not(&in, r));
  /* 1.14.1 masks the packet's address but not the rule's: host bits in a rule never match */
  memcpy(r.v.ipv6.ip, ip6_a, 16);
  r.v.ipv6.mask = 88;
  assert_false(matches(&in, r));
  /* /0 only matches with the rule address :: */
  memset(r.v.ipv6.ip, 0, 16);
  r.v.ipv6.mask = 0;
  assert_true(matches(&in, r));
  r.v.ipv6.ip[0] = 0xfd;
  assert_false(matches(&in, r));
  /* /64 and a prefix above 128 (shift count modulo 64: /129 keeps one bit of the low half) */
  memset(r.v.ipv6.ip, 0, 16);
  memcpy(r.v.ipv6.ip, ip6_a, 8);
  r.v.ipv6.mask = 64;
  assert_true(matches(&in, r));
  r.v.ipv6.mask = 129;
  assert_true(matches(&in, r));
  in.ethertype = ZTK_ETHERTYPE_IPV4;
  assert_false(matches_not(&in, r));
  in.ethertype = ZTK_ETHERTYPE_IPV6;
  in.len = 39;
  assert_false(matches_not(&in, r));
}

static void test_tos(void **state)
{
  uint8_t l4[8];
  build_ipv4(ZTK_IPPROTO_UDP, 0xb9, l4, ports_header(l4, 1, 2));
  ztk_filter_input in = input(ZTK_ETHERTYPE_IPV4);
  ztk_rule r = rule(ZTK_RULE_MATCH_IP_TOS);
  r.v.ip_tos.mask = 0xfc; /* DSCP 46 (EF) = 0xb8 */
  r.v.ip_tos.value[0] = 0xb8, r.v.ip_tos.value[1] = 0xb8;
  assert_true(matches(&in, r));
  r.v.ip_tos.mask = 0xff;
  assert_false(matches(&in, r));
  assert_true(matches_not(&in, r));
  r.v.ip_tos.value[0] = 0x00, r.v.ip_tos.value[1] = 0xff;
  assert_true(matches(&in, r));
  build_ipv6(ZTK_IPPROTO_UDP, 0xb8, false, l4, 8);
  in = input(ZTK_ETHERTYPE_IPV6);
  r.v.ip_tos.value[0] = 0xb8, r.v.ip_tos.value[1] = 0xb8;
  assert_true(matches(&in, r));
  r.v.ip_tos.value[0] = 0xb9, r.v.ip_tos.value[1] = 0xff;
  assert_false(matches(&in, r));
  in.ethertype = ZTK_ETHERTYPE_ARP;
  assert_false(matches_not(&in, r));
}

static void test_protocol(void **state)
{
  uint8_t l4[8];
  build_ipv4(ZTK_IPPROTO_UDP, 0, l4, ports_header(l4, 1, 2));
  ztk_filter_input in = input(ZTK_ETHERTYPE_IPV4);
  ztk_rule r = rule(ZTK_RULE_MATCH_IP_PROTOCOL);
  r.v.ip_protocol = ZTK_IPPROTO_UDP;
  assert_true(matches(&in, r));
  r.v.ip_protocol = ZTK_IPPROTO_TCP;
  assert_false(matches(&in, r));
  assert_true(matches_not(&in, r));
  /* IPv6: the protocol behind the extension headers counts */
  ipv6_tcp(1, 2, 0, true);
  in = input(ZTK_ETHERTYPE_IPV6);
  assert_true(matches(&in, r));
  r.v.ip_protocol = 0;
  assert_false(matches(&in, r));
  in.len = 47; /* the hop-by-hop header is cut: no match, NOT or not */
  assert_false(matches_not(&in, r));
  in = input(ZTK_ETHERTYPE_ARP);
  assert_false(matches_not(&in, r));
}

static void test_icmp(void **state)
{
  icmp_msg(false, 8, 0);
  ztk_filter_input in = input(ZTK_ETHERTYPE_IPV4);
  ztk_rule r = rule(ZTK_RULE_MATCH_ICMP);
  r.v.icmp.type = 8;
  r.v.icmp.code = 5;
  assert_true(matches(&in, r)); /* code not checked: "yes" whatever NOT says */
  assert_true(matches_not(&in, r));
  r.v.icmp.flags = ZTK_RULE_ICMP_FLAG_CHECK_CODE;
  assert_false(matches(&in, r));
  assert_true(matches_not(&in, r));
  r.v.icmp.code = 0;
  assert_true(matches(&in, r));
  r.v.icmp.type = 0; /* another type: no match, NOT or not */
  assert_false(matches(&in, r));
  assert_false(matches_not(&in, r));
  ipv4_tcp(1, 2, 0); /* not ICMP */
  in = input(ZTK_ETHERTYPE_IPV4);
  r.v.icmp.type = 8;
  assert_false(matches_not(&in, r));
  icmp_msg(true, 128, 0);
  in = input(ZTK_ETHERTYPE_IPV6);
  r.v.icmp.type = 128;
  assert_true(matches(&in, r));
  r.v.icmp.code = 1;
  assert_false(matches(&in, r));
  in.len = 41; /* one byte of ICMPv6 */
  assert_false(matches_not(&in, r));
  icmp_msg(false, 8, 0);
  in = input(ZTK_ETHERTYPE_IPV4);
  in.len = 21;
  assert_false(matches_not(&in, r));
}

static ztk_rule port_rule(unsigned t, uint16_t lo, uint16_t hi)
{
  ztk_rule r = rule(t);
  r.v.port[0] = lo, r.v.port[1] = hi;
  return r;
}

static void test_ports_ipv4(void **state)
{
  const uint8_t protos[4] = {ZTK_IPPROTO_TCP, ZTK_IPPROTO_UDP, ZTK_IPPROTO_SCTP,
                             ZTK_IPPROTO_UDPLITE};
  for (unsigned i = 0; i < 4; i++) {
    uint8_t l4[8];
    build_ipv4(protos[i], 0, l4, ports_header(l4, 5000, 22));
    ztk_filter_input in = input(ZTK_ETHERTYPE_IPV4);
    assert_true(matches(&in, port_rule(ZTK_RULE_MATCH_IP_DEST_PORT_RANGE, 22, 22)));
    assert_false(matches(&in, port_rule(ZTK_RULE_MATCH_IP_DEST_PORT_RANGE, 23, 100)));
    assert_true(matches_not(&in, port_rule(ZTK_RULE_MATCH_IP_DEST_PORT_RANGE, 23, 100)));
    assert_true(matches(&in, port_rule(ZTK_RULE_MATCH_IP_SOURCE_PORT_RANGE, 4000, 6000)));
    assert_false(matches(&in, port_rule(ZTK_RULE_MATCH_IP_SOURCE_PORT_RANGE, 22, 22)));
  }
  uint8_t l4[8];
  build_ipv4(ZTK_IPPROTO_UDP, 0, l4, ports_header(l4, 0, 22));
  ztk_filter_input in = input(ZTK_ETHERTYPE_IPV4);
  assert_true(matches(&in, port_rule(ZTK_RULE_MATCH_IP_SOURCE_PORT_RANGE, 0, 0)));
  in.len = 24; /* header + 4 bytes is not enough ("> header + 4") */
  assert_false(matches(&in, port_rule(ZTK_RULE_MATCH_IP_DEST_PORT_RANGE, 22, 22)));
  assert_true(matches_not(&in, port_rule(ZTK_RULE_MATCH_IP_DEST_PORT_RANGE, 22, 22)));
  /* a protocol without ports is a plain "no" over IPv4: NOT matches */
  icmp_msg(false, 8, 0);
  in = input(ZTK_ETHERTYPE_IPV4);
  assert_false(matches(&in, port_rule(ZTK_RULE_MATCH_IP_DEST_PORT_RANGE, 0, 65535)));
  assert_true(matches_not(&in, port_rule(ZTK_RULE_MATCH_IP_DEST_PORT_RANGE, 0, 65535)));
  in = input(ZTK_ETHERTYPE_ARP);
  assert_false(matches_not(&in, port_rule(ZTK_RULE_MATCH_IP_DEST_PORT_RANGE, 0, 65535)));
}

static void test_ports_ipv6(void **state)
{
  ipv6_tcp(5000, 22, 0, true);
  ztk_filter_input in = input(ZTK_ETHERTYPE_IPV6);
  assert_true(matches(&in, port_rule(ZTK_RULE_MATCH_IP_DEST_PORT_RANGE, 1, 1024)));
  assert_true(matches(&in, port_rule(ZTK_RULE_MATCH_IP_SOURCE_PORT_RANGE, 5000, 5000)));
  assert_false(matches(&in, port_rule(ZTK_RULE_MATCH_IP_SOURCE_PORT_RANGE, 1, 1024)));
  assert_true(matches_not(&in, port_rule(ZTK_RULE_MATCH_IP_SOURCE_PORT_RANGE, 1, 1024)));
  /* over IPv6 port 0 never matches */
  ipv6_tcp(0, 22, 0, false);
  in = input(ZTK_ETHERTYPE_IPV6);
  assert_false(matches(&in, port_rule(ZTK_RULE_MATCH_IP_SOURCE_PORT_RANGE, 0, 0)));
  icmp_msg(true, 128, 0);
  in = input(ZTK_ETHERTYPE_IPV6);
  assert_true(matches_not(&in, port_rule(ZTK_RULE_MATCH_IP_DEST_PORT_RANGE, 0, 65535)));
  in.len = 39; /* not even a header: no match, NOT or not */
  assert_false(matches_not(&in, port_rule(ZTK_RULE_MATCH_IP_DEST_PORT_RANGE, 0, 65535)));
}

static ztk_rule chars(uint64_t mask)
{
  ztk_rule r = rule(ZTK_RULE_MATCH_CHARACTERISTICS);
  r.v.characteristics = mask;
  return r;
}

static void test_characteristics_frame(void **state)
{
  ipv4_tcp(1, 80, ZTK_CHAR_TCP_SYN | ZTK_CHAR_TCP_NS);
  ztk_filter_input in = input(ZTK_ETHERTYPE_IPV4);
  assert_true(matches(&in, chars(ZTK_CHAR_TCP_SYN)));
  assert_true(matches(&in, chars(ZTK_CHAR_TCP_NS)));
  assert_true(matches(&in, chars(ZTK_CHAR_TCP_ACK | ZTK_CHAR_TCP_SYN))); /* any bit */
  assert_false(matches(&in, chars(ZTK_CHAR_TCP_ACK)));
  assert_true(matches_not(&in, chars(ZTK_CHAR_TCP_ACK)));
  assert_false(matches(&in, chars(ZTK_CHAR_INBOUND | ZTK_CHAR_MULTICAST)));
  in = inbound(ZTK_ETHERTYPE_IPV4);
  assert_true(matches(&in, chars(ZTK_CHAR_INBOUND)));
  in.dst_mac = 0x333300000001ULL;
  assert_true(matches(&in, chars(ZTK_CHAR_MULTICAST)));
  assert_false(matches(&in, chars(ZTK_CHAR_BROADCAST)));
  in.dst_mac = ZTK_MAC_BROADCAST;
  assert_true(matches(&in, chars(ZTK_CHAR_BROADCAST)));
  ipv6_tcp(1, 80, ZTK_CHAR_TCP_ACK | ZTK_CHAR_TCP_FIN, true);
  in = input(ZTK_ETHERTYPE_IPV6);
  assert_true(matches(&in, chars(ZTK_CHAR_TCP_FIN)));
  assert_false(matches(&in, chars(ZTK_CHAR_TCP_SYN)));
  in.len = 48 + 14; /* IPv6 needs more than 14 bytes of TCP header */
  assert_false(matches(&in, chars(ZTK_CHAR_TCP_FIN)));
  /* IPv4: 1.14.1 does not check the length; bytes beyond the frame read as 0 here */
  ipv4_tcp(1, 80, ZTK_CHAR_TCP_SYN);
  in = input(ZTK_ETHERTYPE_IPV4);
  in.len = 22;
  assert_false(matches(&in, chars(0xfff)));
  uint8_t udp[8];
  build_ipv4(ZTK_IPPROTO_UDP, 0, udp, ports_header(udp, 1, 2));
  in = input(ZTK_ETHERTYPE_IPV4);
  assert_false(matches(&in, chars(0xfff)));
}

/* Ownership callbacks: record what was asked, answer from a fixed set. */
static ztk_inaddr asked_ip;
static int asked;
static bool owns_ip(void *user, const ztk_inaddr *ip)
{
  asked_ip = *ip;
  asked++;
  return ip->family == 4 ? ztk_inaddr_v4_u32(ip) == 0x0a93110b : memcmp(ip->ip, ip6_a, 16) == 0;
}
static bool owns_mac(void *user, uint64_t mac) { return mac == *(const uint64_t *)user; }
static const ztk_filter_owner_ops OWNER = {owns_ip, owns_mac};

static void test_characteristics_ownership(void **state)
{
  uint64_t owned_mac = ztk_mac_from_address(SELF, NWID);
  ipv4_tcp(1, 2, 0);
  ztk_filter_input in = input(ZTK_ETHERTYPE_IPV4);
  const uint64_t both = ZTK_CHAR_SENDER_IP_AUTHENTICATED | ZTK_CHAR_SENDER_MAC_AUTHENTICATED;
  assert_false(matches(&in, chars(both))); /* no lookups: nothing is owned */
  in.owner = &OWNER;
  in.owner_user = &owned_mac;
  asked = 0;
  assert_true(matches(&in, chars(ZTK_CHAR_SENDER_IP_AUTHENTICATED)));
  assert_int_equal(asked, 1);
  assert_int_equal(ztk_inaddr_v4_u32(&asked_ip), 0x0a93110b);
  assert_true(matches(&in, chars(ZTK_CHAR_SENDER_MAC_AUTHENTICATED)));
  in.src_mac = 0x020000000001ULL;
  assert_false(matches(&in, chars(ZTK_CHAR_SENDER_MAC_AUTHENTICATED)));
  /* ARP: the sender protocol address */
  uint8_t arp[28] = {0, 1, 8, 0, 6, 4, 0, 1};
  memcpy(arp + 14, IP4_B, 4);
  memcpy(frame, arp, 28);
  frame_len = 28;
  in = input(ZTK_ETHERTYPE_ARP);
  in.owner = &OWNER;
  in.owner_user = &owned_mac;
  assert_false(matches(&in, chars(ZTK_CHAR_SENDER_IP_AUTHENTICATED)));
  assert_int_equal(ztk_inaddr_v4_u32(&asked_ip), 0x0a93110c);
}

static void test_characteristics_ndp(void **state)
{
  /* a Neighbor Solicitation is always "IP authenticated"; for an NA the target is checked */
  uint8_t m[24] = {ZTK_ICMP6_NEIGHBOR_SOLICIT};
  memcpy(m + 8, ip6_b, 16);
  build_ipv6(ZTK_IPPROTO_ICMPV6, 0, false, m, sizeof m);
  ztk_filter_input in = inbound(ZTK_ETHERTYPE_IPV6);
  assert_true(matches(&in, chars(ZTK_CHAR_SENDER_IP_AUTHENTICATED)));
  ztk_inaddr ip;
  assert_int_equal(ztk_filter_owner_ip(in.ethertype, in.data, in.len, &ip), 2);
  m[0] = ZTK_ICMP6_NEIGHBOR_ADVERT;
  memcpy(m + 8, ip6_a, 16);
  build_ipv6(ZTK_IPPROTO_ICMPV6, 0, false, m, sizeof m);
  in = inbound(ZTK_ETHERTYPE_IPV6);
  assert_false(matches(&in, chars(ZTK_CHAR_SENDER_IP_AUTHENTICATED)));
  uint64_t no_mac = 0;
  in.owner = &OWNER;
  in.owner_user = &no_mac;
  assert_true(matches(&in, chars(ZTK_CHAR_SENDER_IP_AUTHENTICATED)));
  memcpy(frame + 48, ip6_b, 16); /* target not owned, though the IPv6 source is */
  assert_false(matches(&in, chars(ZTK_CHAR_SENDER_IP_AUTHENTICATED)));
  assert_int_equal(ztk_filter_owner_ip(in.ethertype, in.data, in.len, &ip), 1);
  assert_memory_equal(ip.ip, ip6_b, 16);
  assert_int_equal(ztk_filter_owner_ip(ZTK_ETHERTYPE_IPV6, frame, 39, &ip), 0);
  assert_int_equal(ztk_filter_owner_ip(0x88cc, frame, 64, &ip), 0);
}

static uint8_t rnd_bytes[4];
static void fixed_rnd(void *user, void *buf, size_t len)
{
  (*(int *)user)++;
  memcpy(buf, rnd_bytes, len);
}

static void test_random(void **state)
{
  ipv4_tcp(1, 2, 0);
  ztk_filter_input in = input(ZTK_ETHERTYPE_IPV4);
  int calls = 0;
  in.rnd = fixed_rnd;
  in.rnd_user = &calls;
  ztk_rule r = rule(ZTK_RULE_MATCH_RANDOM);
  memcpy(rnd_bytes, "\x80\x00\x00\x00", 4);
  r.v.random_probability = 0x80000000u; /* the draw is compared with <= */
  assert_true(matches(&in, r));
  r.v.random_probability = 0x7fffffffu;
  assert_false(matches(&in, r));
  assert_true(matches_not(&in, r));
  r.v.random_probability = 0xffffffffu;
  memcpy(rnd_bytes, "\xff\xff\xff\xff", 4);
  assert_true(matches(&in, r));
  assert_int_equal(calls, 4);
  ztk_filter_result res;
  ztk_rule rules[2] = {r, {.t = ZTK_RULE_ACTION_ACCEPT}};
  in.rnd = NULL;
  in.rules.rules = rules;
  in.rules.n = 2;
  assert_int_equal(ztk_filter_evaluate(&in, &res), ZTK_EINVAL);
  /* an AND after a false match is not evaluated, so no random source is needed */
  ztk_rule skip[3] = {{.t = ZTK_RULE_MATCH_VLAN_ID, .v.vlan_id = 9}, r,
                      {.t = ZTK_RULE_ACTION_ACCEPT}};
  in.rules.rules = skip;
  in.rules.n = 3;
  assert_int_equal(ztk_filter_evaluate(&in, &res), 0);
  assert_int_equal(res.verdict, ZTK_FILTER_DROP);
  skip[1].t |= ZTK_RULE_OR; /* an OR is */
  assert_int_equal(ztk_filter_evaluate(&in, &res), ZTK_EINVAL);
}

static ztk_rule tag_rule(unsigned t, uint32_t id, uint32_t value)
{
  ztk_rule r = rule(t);
  r.v.tag.id = id, r.v.tag.value = value;
  return r;
}

static void test_tag_operations(void **state)
{
  ipv4_tcp(1, 2, 0);
  const ztk_tag_value mine[2] = {{1, 10}, {2, 0x0f}}, theirs[2] = {{2, 0x3c}, {1, 13}};
  ztk_filter_input in = input(ZTK_ETHERTYPE_IPV4);
  in.local_tags = mine, in.n_local_tags = 2;
  in.remote_tags = theirs, in.n_remote_tags = 2;
  assert_true(matches(&in, tag_rule(ZTK_RULE_MATCH_TAGS_DIFFERENCE, 1, 3)));
  assert_false(matches(&in, tag_rule(ZTK_RULE_MATCH_TAGS_DIFFERENCE, 1, 2)));
  assert_true(matches_not(&in, tag_rule(ZTK_RULE_MATCH_TAGS_DIFFERENCE, 1, 2)));
  assert_true(matches(&in, tag_rule(ZTK_RULE_MATCH_TAGS_BITWISE_AND, 2, 0x0c)));
  assert_false(matches(&in, tag_rule(ZTK_RULE_MATCH_TAGS_BITWISE_AND, 2, 0x0f)));
  assert_true(matches(&in, tag_rule(ZTK_RULE_MATCH_TAGS_BITWISE_OR, 2, 0x3f)));
  assert_false(matches(&in, tag_rule(ZTK_RULE_MATCH_TAGS_BITWISE_OR, 2, 0x3c)));
  assert_true(matches(&in, tag_rule(ZTK_RULE_MATCH_TAGS_BITWISE_XOR, 2, 0x33)));
  assert_false(matches(&in, tag_rule(ZTK_RULE_MATCH_TAGS_BITWISE_XOR, 2, 0x3f)));
  assert_false(matches(&in, tag_rule(ZTK_RULE_MATCH_TAGS_EQUAL, 1, 10))); /* both must equal */
  in.remote_tags = mine;
  assert_true(matches(&in, tag_rule(ZTK_RULE_MATCH_TAGS_EQUAL, 1, 10)));
  /* we do not hold the tag: no match, NOT or not */
  assert_false(matches(&in, tag_rule(ZTK_RULE_MATCH_TAGS_EQUAL, 3, 0)));
  assert_false(matches_not(&in, tag_rule(ZTK_RULE_MATCH_TAGS_EQUAL, 3, 0)));
}

static void test_tag_leniency(void **state)
{
  ipv4_tcp(1, 2, 0);
  const ztk_tag_value mine[1] = {{1, 10}};
  ztk_rule eq = tag_rule(ZTK_RULE_MATCH_TAGS_EQUAL, 1, 99);
  ztk_rule drop = rule(ZTK_RULE_ACTION_DROP), accept = rule(ZTK_RULE_ACTION_ACCEPT);
  /* outbound without the receiver's tag: "yes" whatever NOT says, and the next DROP of a
   * matching set is skipped (only that one) */
  ztk_filter_input in = input(ZTK_ETHERTYPE_IPV4);
  in.local_tags = mine, in.n_local_tags = 1;
  assert_true(matches(&in, eq));
  assert_true(matches_not(&in, eq));
  ztk_rule once[3] = {eq, drop, accept}, twice[3] = {eq, drop, drop};
  assert_int_equal(eval(in, once, 3).verdict, ZTK_FILTER_ACCEPT);
  assert_int_equal(eval(in, twice, 3).verdict, ZTK_FILTER_DROP);
  /* inbound without the sender's tag: "no" whatever NOT says */
  in = inbound(ZTK_ETHERTYPE_IPV4);
  in.local_tags = mine, in.n_local_tags = 1;
  assert_false(matches(&in, eq));
  assert_false(matches_not(&in, eq));
  /* ... unless an earlier, skipped TEE/WATCH/REDIRECT names us: then lenient again */
  ztk_rule super[4] = {{.t = ZTK_RULE_MATCH_VLAN_ID, .v.vlan_id = 7},
                       {.t = ZTK_RULE_ACTION_TEE, .v.fwd = {SELF, 0, 0}}, eq, accept};
  ztk_filter_result res = eval(in, super, 4);
  assert_int_equal(res.verdict, ZTK_FILTER_SUPER_ACCEPT);
}

static void test_tag_parties(void **state)
{
  ipv4_tcp(1, 2, 0);
  const ztk_tag_value mine[1] = {{1, 10}}, theirs[1] = {{1, 20}};
  ztk_rule sender = tag_rule(ZTK_RULE_MATCH_TAG_SENDER, 1, 10);
  ztk_rule receiver = tag_rule(ZTK_RULE_MATCH_TAG_RECEIVER, 1, 20);
  ztk_filter_input in = input(ZTK_ETHERTYPE_IPV4); /* we send, they receive */
  in.local_tags = mine, in.n_local_tags = 1;
  in.remote_tags = theirs, in.n_remote_tags = 1;
  assert_true(matches(&in, sender));
  assert_true(matches(&in, receiver));
  sender.v.tag.value = 20;
  assert_false(matches(&in, sender));
  in.remote_tags = NULL; /* receiver tag unknown outbound: lenient */
  receiver.v.tag.value = 1234;
  assert_true(matches(&in, receiver));
  assert_true(matches_not(&in, receiver));
  in.local_tags = NULL; /* our own tag missing: no */
  assert_false(matches_not(&in, sender));
  in = inbound(ZTK_ETHERTYPE_IPV4); /* they send, we receive */
  in.local_tags = mine, in.n_local_tags = 1;
  in.remote_tags = theirs, in.n_remote_tags = 1;
  assert_true(matches(&in, tag_rule(ZTK_RULE_MATCH_TAG_SENDER, 1, 20)));
  assert_true(matches(&in, tag_rule(ZTK_RULE_MATCH_TAG_RECEIVER, 1, 10)));
  assert_false(matches(&in, tag_rule(ZTK_RULE_MATCH_TAG_RECEIVER, 1, 20)));
  in.remote_tags = NULL; /* sender tag unknown inbound: no, NOT or not */
  assert_false(matches(&in, tag_rule(ZTK_RULE_MATCH_TAG_SENDER, 1, 20)));
  assert_false(matches_not(&in, tag_rule(ZTK_RULE_MATCH_TAG_SENDER, 1, 20)));
}

static ztk_rule int_range(uint16_t idx, uint8_t format, uint64_t start, uint32_t end)
{
  ztk_rule r = rule(ZTK_RULE_MATCH_INTEGER_RANGE);
  r.v.int_range.idx = idx, r.v.int_range.format = format;
  r.v.int_range.start = start, r.v.int_range.end = end;
  return r;
}

static void test_integer_range(void **state)
{
  for (unsigned i = 0; i < 32; i++)
    frame[i] = (uint8_t)(0x10 + i);
  frame_len = 32;
  ztk_filter_input in = input(0x88b5);
  /* big-endian reads start 8 - bytes past idx: 16 bits at idx 0 are bytes 6..7 */
  assert_true(matches(&in, int_range(0, 15, 0x1617, 0)));
  assert_false(matches(&in, int_range(0, 15, 0x1011, 0)));
  assert_true(matches_not(&in, int_range(0, 15, 0x1011, 0)));
  assert_true(matches(&in, int_range(2, 7, 0x19, 0))); /* one byte: at idx + 7 */
  assert_true(matches(&in, int_range(0, 11, 0x617, 0))); /* 12 bits: low bits kept */
  assert_true(matches(&in, int_range(0, 63, 0x1011121314151617ULL, 0)));
  assert_true(matches(&in, int_range(0, 31, 0x14151600, 0x100))); /* range start..start+end */
  assert_false(matches(&in, int_range(0, 31, 0x14151618, 0x100)));
  /* little-endian reads at idx; for 12 bits the top 12 of the 16 bits read are kept */
  assert_true(matches(&in, int_range(0, 0x80 | 15, 0x1110, 0)));
  assert_true(matches(&in, int_range(0, 0x80 | 11, 0x111, 0)));
  assert_true(matches(&in, int_range(24, 0x80 | 63, 0x2f2e2d2c2b2a2928ULL, 0)));
  /* beyond the frame the value is 0 */
  assert_true(matches(&in, int_range(25, 63, 0, 0)));
  assert_true(matches(&in, int_range(31, 0x80 | 15, 0, 0)));
  assert_true(matches(&in, int_range(30, 0x80 | 15, 0x2f2e, 0)));
  /* start + end wraps around in 64 bits like in 1.14.1: [2^64-1, 0] holds nothing */
  assert_false(matches(&in, int_range(0, 63, ~0ULL, 1)));
}

static void test_unsupported_match(void **state)
{
  ipv4_tcp(1, 2, 0);
  ztk_filter_input in = input(ZTK_ETHERTYPE_IPV4);
  ztk_rule r = rule(60);
  assert_false(matches(&in, r));
  assert_true(matches_not(&in, r));
  in.unsupported_match_result = true;
  assert_true(matches(&in, r));
  r.t = 20;
  assert_true(matches(&in, r));
  assert_false(matches_not(&in, r));
}

/* ---- combinators and actions ---- */

static void test_and_or_not(void **state)
{
  ipv4_tcp(1, 2, 0);
  ztk_filter_input in = input(ZTK_ETHERTYPE_IPV4);
  ztk_rule yes = {.t = ZTK_RULE_MATCH_ETHERTYPE, .v.ether_type = ZTK_ETHERTYPE_IPV4};
  ztk_rule no = {.t = ZTK_RULE_MATCH_ETHERTYPE, .v.ether_type = ZTK_ETHERTYPE_ARP};
  ztk_rule acc = rule(ZTK_RULE_ACTION_ACCEPT);
  ztk_rule y_or = yes, n_or = no, n_not = no, n_or_not = no;
  y_or.t |= ZTK_RULE_OR, n_or.t |= ZTK_RULE_OR, n_not.t |= ZTK_RULE_NOT;
  n_or_not.t |= ZTK_RULE_OR | ZTK_RULE_NOT;
  const struct {
    ztk_rule a, b;
    bool want;
  } cases[] = {
      {yes, yes, true},   {yes, no, false},      {no, yes, false},  {no, y_or, true},
      {yes, n_or, true},  {no, n_or, false},     {no, n_not, false}, {yes, n_not, true},
      {no, n_or_not, true}, {n_not, y_or, true},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    ztk_rule rules[3] = {cases[i].a, cases[i].b, acc};
    assert_int_equal(eval(in, rules, 3).verdict == ZTK_FILTER_ACCEPT, cases[i].want);
  }
}

static void test_actions(void **state)
{
  ipv4_tcp(1, 2, 0);
  ztk_filter_input in = input(ZTK_ETHERTYPE_IPV4);
  ztk_rule no = {.t = ZTK_RULE_MATCH_ETHERTYPE, .v.ether_type = ZTK_ETHERTYPE_ARP};
  ztk_rule drop = rule(ZTK_RULE_ACTION_DROP), acc = rule(ZTK_RULE_ACTION_ACCEPT);
  ztk_filter_result res = eval(in, NULL, 0); /* no rules: no decision: drop */
  assert_int_equal(res.verdict, ZTK_FILTER_DROP);
  assert_false(res.deliver);
  ztk_rule skipped[3] = {no, drop, acc}; /* a set that did not match starts over */
  res = eval(in, skipped, 3);
  assert_int_equal(res.verdict, ZTK_FILTER_ACCEPT);
  assert_true(res.deliver);
  assert_int_equal(res.capability, -1);
  assert_int_equal(res.qos_bucket, ZTK_FILTER_QOS_DEFAULT);
  ztk_rule brk[2] = {rule(ZTK_RULE_ACTION_BREAK), acc};
  assert_int_equal(eval(in, brk, 2).verdict, ZTK_FILTER_DROP);
  ztk_rule unknown[2] = {rule(9), drop}; /* unknown actions do nothing */
  assert_int_equal(eval(in, unknown, 2).verdict, ZTK_FILTER_DROP);
  ztk_rule prio[2] = {{.t = ZTK_RULE_ACTION_PRIORITY, .v.qos_bucket = 7}, drop};
  res = eval(in, prio, 2);
  assert_int_equal(res.verdict, ZTK_FILTER_ACCEPT);
  assert_int_equal(res.qos_bucket, 7);
  prio[0].v.qos_bucket = 9;
  assert_int_equal(eval(in, prio, 2).qos_bucket, 4);
}

static void test_tee_and_watch(void **state)
{
  ipv4_tcp(1, 2, 0);
  ztk_filter_input in = input(ZTK_ETHERTYPE_IPV4);
  ztk_rule tee = {.t = ZTK_RULE_ACTION_TEE, .v.fwd = {OTHER, 0, 0}};
  ztk_rule watch = {.t = ZTK_RULE_ACTION_WATCH, .v.fwd = {OTHER + 1, 0, 16}};
  ztk_rule acc = rule(ZTK_RULE_ACTION_ACCEPT), drop = rule(ZTK_RULE_ACTION_DROP);
  ztk_rule r1[2] = {tee, acc};
  ztk_filter_result res = eval(in, r1, 2);
  assert_true(res.deliver);
  assert_int_equal(res.n_copies, 1);
  assert_int_equal(res.copies[0].address, OTHER);
  assert_int_equal(res.copies[0].length, frame_len);
  assert_false(res.copies[0].watch);
  assert_int_equal(res.copies[0].ext_flags, ZTK_FILTER_EXT_TEE_OUT);
  ztk_rule r2[3] = {tee, watch, acc}; /* the last one wins; length capped at 16 */
  res = eval(in, r2, 3);
  assert_int_equal(res.n_copies, 1);
  assert_int_equal(res.copies[0].address, OTHER + 1);
  assert_int_equal(res.copies[0].length, 16);
  assert_true(res.copies[0].watch);
  assert_int_equal(res.copies[0].ext_flags, ZTK_FILTER_EXT_WATCH_OUT);
  ztk_filter_input inb = inbound(ZTK_ETHERTYPE_IPV4);
  res = eval(inb, r2, 3);
  assert_int_equal(res.copies[0].ext_flags, ZTK_FILTER_EXT_WATCH_IN);
  watch.v.fwd.length = 4000;
  ztk_rule r3[2] = {watch, acc};
  assert_int_equal(eval(inb, r3, 2).copies[0].length, frame_len);
  ztk_rule r4[2] = {tee, drop}; /* dropped: nothing is copied */
  res = eval(in, r4, 2);
  assert_int_equal(res.n_copies, 0);
  /* to the sender, to the receiver or (outbound) to us: nothing to do */
  const uint64_t noop[3] = {SELF, PEER, 0};
  for (unsigned i = 0; i < 3; i++) {
    r1[0].v.fwd.address = noop[i];
    res = eval(in, r1, 2);
    assert_int_equal(res.n_copies, 0);
    assert_int_equal(res.verdict, ZTK_FILTER_ACCEPT);
  }
  r1[0].v.fwd.address = SELF; /* inbound, a TEE to us is a super-accept */
  res = eval(inb, r1, 2);
  assert_int_equal(res.verdict, ZTK_FILTER_SUPER_ACCEPT);
  assert_true(res.deliver);
}

static void test_redirect(void **state)
{
  ipv4_tcp(1, 2, 0);
  ztk_rule red = {.t = ZTK_RULE_ACTION_REDIRECT, .v.fwd = {OTHER | (0xffULL << 40), 0, 0}};
  ztk_rule drop = rule(ZTK_RULE_ACTION_DROP);
  ztk_rule rules[2] = {red, drop};
  ztk_filter_result res = eval(input(ZTK_ETHERTYPE_IPV4), rules, 2);
  assert_int_equal(res.verdict, ZTK_FILTER_ACCEPT);
  assert_false(res.deliver);
  assert_int_equal(res.redirect, OTHER); /* addresses are 40 bits */
  assert_int_equal(res.redirect_flags, ZTK_FILTER_EXT_REDIRECT_OUT);
  res = eval(inbound(ZTK_ETHERTYPE_IPV4), rules, 2);
  assert_int_equal(res.redirect_flags, ZTK_FILTER_EXT_REDIRECT_IN);
  assert_false(res.deliver);
  rules[0].v.fwd.address = SELF;
  res = eval(inbound(ZTK_ETHERTYPE_IPV4), rules, 2);
  assert_int_equal(res.verdict, ZTK_FILTER_SUPER_ACCEPT);
  assert_int_equal(res.redirect, 0);
  /* multicast (no destination member): a redirect to address 0 is a no-op, to another
   * member it is followed */
  ztk_filter_input mc = input(ZTK_ETHERTYPE_IPV4);
  mc.dest = 0;
  rules[0].v.fwd.address = 0;
  assert_int_equal(eval(mc, rules, 2).verdict, ZTK_FILTER_DROP);
  rules[0].v.fwd.address = OTHER;
  res = eval(mc, rules, 2);
  assert_int_equal(res.redirect, OTHER);
  /* a unicast frame "redirected" to address 0 is accepted and delivered as usual */
  rules[0].v.fwd.address = 0;
  res = eval(input(ZTK_ETHERTYPE_IPV4), rules, 2);
  assert_int_equal(res.verdict, ZTK_FILTER_ACCEPT);
  assert_true(res.deliver);
  assert_int_equal(res.redirect, 0);
}

static void test_capabilities(void **state)
{
  ipv4_tcp(1, 22, ZTK_CHAR_TCP_SYN);
  ztk_rule ssh = {.t = ZTK_RULE_MATCH_IP_DEST_PORT_RANGE, .v.port = {22, 22}};
  ztk_rule acc = rule(ZTK_RULE_ACTION_ACCEPT), drop = rule(ZTK_RULE_ACTION_DROP);
  ztk_rule tee = {.t = ZTK_RULE_ACTION_TEE, .v.fwd = {OTHER, 0, 0}};
  ztk_rule tee2 = {.t = ZTK_RULE_ACTION_TEE, .v.fwd = {OTHER + 1, 0, 0}};
  ztk_rule cap_drop[1] = {drop}, cap_ssh[3] = {tee2, ssh, acc};
  ztk_ruleset caps[2] = {{cap_drop, 1}, {cap_ssh, 3}};
  ztk_rule base_tee_break[2] = {tee, rule(ZTK_RULE_ACTION_BREAK)};
  ztk_filter_input in = input(ZTK_ETHERTYPE_IPV4);
  in.caps = caps, in.n_caps = 2;
  /* base rules undecided: a DROP in a capability only ends that capability */
  ztk_filter_result res = eval(in, base_tee_break, 2);
  assert_int_equal(res.verdict, ZTK_FILTER_ACCEPT);
  assert_true(res.deliver);
  assert_int_equal(res.capability, 1);
  assert_int_equal(res.n_copies, 2); /* the capability's copy first, then the base rules' */
  assert_int_equal(res.copies[0].address, OTHER + 1);
  assert_int_equal(res.copies[1].address, OTHER);
  /* base rules that drop are final */
  ztk_rule base_drop[1] = {drop};
  res = eval(in, base_drop, 1);
  assert_int_equal(res.verdict, ZTK_FILTER_DROP);
  assert_int_equal(res.capability, -1);
  /* no capability accepts: drop, nothing copied */
  ipv4_tcp(1, 23, ZTK_CHAR_TCP_SYN);
  res = eval(in, base_tee_break, 2);
  assert_int_equal(res.verdict, ZTK_FILTER_DROP);
  assert_int_equal(res.n_copies, 0);
  assert_int_equal(res.capability, -1);
  /* a capability's redirect, priority and super-accept */
  ztk_rule cap_red[2] = {{.t = ZTK_RULE_ACTION_REDIRECT, .v.fwd = {OTHER, 0, 0}}, acc};
  ztk_rule cap_prio[1] = {{.t = ZTK_RULE_ACTION_PRIORITY, .v.qos_bucket = 2}};
  ztk_rule cap_self[2] = {{.t = ZTK_RULE_ACTION_TEE, .v.fwd = {SELF, 0, 0}}, acc};
  ztk_ruleset more[3] = {{cap_red, 2}, {cap_prio, 1}, {cap_self, 2}};
  in.caps = more, in.n_caps = 3;
  res = eval(in, NULL, 0);
  assert_int_equal(res.capability, 0);
  assert_int_equal(res.redirect, OTHER);
  assert_false(res.deliver);
  in.caps = more + 1, in.n_caps = 1;
  assert_int_equal(eval(in, NULL, 0).qos_bucket, 2);
  in.caps = more + 2;
  assert_int_equal(eval(in, NULL, 0).verdict, ZTK_FILTER_ACCEPT); /* outbound: plain accept */
  ztk_filter_input inb = inbound(ZTK_ETHERTYPE_IPV4);
  inb.caps = more + 2, inb.n_caps = 1;
  assert_int_equal(eval(inb, NULL, 0).verdict, ZTK_FILTER_SUPER_ACCEPT);
}

static void test_bad_input(void **state)
{
  ztk_filter_input in = input(ZTK_ETHERTYPE_IPV4);
  ztk_filter_result res;
  in.rules.n = 1; /* rules NULL */
  assert_int_equal(ztk_filter_evaluate(&in, &res), ZTK_EINVAL);
  in.rules.n = 0;
  in.n_caps = 1;
  assert_int_equal(ztk_filter_evaluate(&in, &res), ZTK_EINVAL);
  ztk_ruleset bad = {NULL, 2};
  in.caps = &bad;
  assert_int_equal(ztk_filter_evaluate(&in, &res), ZTK_EINVAL);
  in.n_caps = 0;
  in.data = NULL;
  assert_int_equal(ztk_filter_evaluate(&in, &res), ZTK_EINVAL);
}

/* ---- whole rule sets ---- */

static void test_default_accept_on_captures(void **state)
{
  static const char *const files[] = {"captures/A-m1-zt.pcap", "captures/A-m2-zt.pcap",
                                      "captures/B-m1-zt.pcap"};
  const ztk_rule accept_all[1] = {{.t = ZTK_RULE_ACTION_ACCEPT}}; /* R = 01 00 */
  unsigned n = 0;
  for (size_t c = 0; c < 3; c++) {
    tv_pcap *p = tv_pcap_load(files[c]);
    for (size_t i = 0; i < p->n; i++) {
      ztk_frame f;
      assert_int_equal(ztk_frame_parse_ethernet(&f, p->data[i], p->len[i]), 0);
      for (int dir = 0; dir < 2; dir++) {
        ztk_filter_input in = dir ? inbound(f.ethertype) : input(f.ethertype);
        in.src_mac = f.src_mac, in.dst_mac = f.dst_mac;
        in.data = f.data, in.len = f.len;
        ztk_filter_result res = eval(in, accept_all, 1);
        assert_int_equal(res.verdict, ZTK_FILTER_ACCEPT);
        assert_true(res.deliver);
        assert_int_equal(res.n_copies, 0);
        n++;
      }
    }
    tv_pcap_free(p);
  }
  assert_int_equal(n, 2 * (42 + 43 + 17));
}

/* The ad-hoc port-range network ff SSSS EEEE 000000 as 1.14.1 configures it. */
static void test_adhoc_rules(void **state)
{
  ztk_adhoc_config c;
  assert_int_equal(ztk_adhoc_config_make(&c, ztk_adhoc_nwid(8000, 8100), SELF, 0), 0);
  const struct {
    bool v6;
    uint8_t proto;
    uint16_t dport, flags;
    bool want;
  } cases[] = {
      {true, ZTK_IPPROTO_TCP, 8080, ZTK_CHAR_TCP_SYN, true},    /* connect into the range */
      {true, ZTK_IPPROTO_TCP, 22, ZTK_CHAR_TCP_SYN, false},     /* connect elsewhere */
      {true, ZTK_IPPROTO_TCP, 40000, ZTK_CHAR_TCP_ACK, true},   /* established traffic */
      {true, ZTK_IPPROTO_TCP, 40000, ZTK_CHAR_TCP_SYN | ZTK_CHAR_TCP_ACK, true},
      {true, ZTK_IPPROTO_UDP, 8100, 0, true},
      {true, ZTK_IPPROTO_UDP, 53, 0, true}, /* no SYN bit: the "not SYN" rule lets it in */
      {true, ZTK_IPPROTO_ICMPV6, 0, 0, true},
      {false, ZTK_IPPROTO_TCP, 8080, ZTK_CHAR_TCP_SYN, false}, /* IPv6 only */
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    uint8_t l4[20];
    size_t n = cases[i].proto == ZTK_IPPROTO_TCP ? tcp_header(l4, 50000, cases[i].dport,
                                                              cases[i].flags)
                                                 : ports_header(l4, 50000, cases[i].dport);
    if (cases[i].v6)
      build_ipv6(cases[i].proto, 0, false, l4, n);
    else
      build_ipv4(cases[i].proto, 0, l4, n);
    ztk_filter_input in = inbound(cases[i].v6 ? ZTK_ETHERTYPE_IPV6 : ZTK_ETHERTYPE_IPV4);
    ztk_filter_result res = eval(in, c.rules, c.n_rules);
    assert_int_equal(res.verdict == ZTK_FILTER_ACCEPT, cases[i].want);
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_zerotier_addresses),
      cmocka_unit_test(test_vlan_mac_ethertype_size),
      cmocka_unit_test(test_ipv4_addresses),
      cmocka_unit_test(test_ipv6_addresses),
      cmocka_unit_test(test_tos),
      cmocka_unit_test(test_protocol),
      cmocka_unit_test(test_icmp),
      cmocka_unit_test(test_ports_ipv4),
      cmocka_unit_test(test_ports_ipv6),
      cmocka_unit_test(test_characteristics_frame),
      cmocka_unit_test(test_characteristics_ownership),
      cmocka_unit_test(test_characteristics_ndp),
      cmocka_unit_test(test_random),
      cmocka_unit_test(test_tag_operations),
      cmocka_unit_test(test_tag_leniency),
      cmocka_unit_test(test_tag_parties),
      cmocka_unit_test(test_integer_range),
      cmocka_unit_test(test_unsupported_match),
      cmocka_unit_test(test_and_or_not),
      cmocka_unit_test(test_actions),
      cmocka_unit_test(test_tee_and_watch),
      cmocka_unit_test(test_redirect),
      cmocka_unit_test(test_capabilities),
      cmocka_unit_test(test_bad_input),
      cmocka_unit_test(test_default_accept_on_captures),
      cmocka_unit_test(test_adhoc_rules),
  };
  return cmocka_run_group_tests(tests, setup, NULL);
}
