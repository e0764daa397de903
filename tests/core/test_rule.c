/* Binary rule tables: every rule type against hand-made wire bytes, the vectors' tables, unknown
 * types, field-length handling, limits and truncation. */
#include "tests/support/netvec.h"

#include "core/network/rule.h"
#include "core/util/hex.h"

/* One rule of every type, with its expected wire form. */
/* clang-format off */
static const char *every_type_hex =
  "0000" "0100" "0500" "0600"
  "020e0000001122334455000000010040" "030e00000011223344550000000200ff"
  "840e000000aabbccddee000000000000"
  "1805efe8197bb7" "d9052fe15dea2d"
  "1a020123" "1b0105" "1c0101"
  "1d06aabbccddeeff" "1e06010203040506"
  "1f050a00000118" "20050a93110010"
  "2111fd000000000000000000000000000001" "40"
  "2211fe800000000000000000000000000002" "80"
  "2303fc1020" "240111" "250286dd" "2603080001"
  "270400160017" "2804c000ffff" "29088000000000000001" "2a04004005dc" "2b047fffffff"
  "2c0800000001000000aa" "2d0800000002000000bb" "2e0800000003000000cc"
  "2f0800000004000000dd" "300800000005000000ee" "310800000006000000ff"
  "320800000007ffffffff"
  "331300000000000001000000000000000110000207";
/* clang-format on */

static void fwd(ztk_rule *r, uint8_t t, uint64_t address, uint32_t flags, uint16_t length)
{
  r->t = t;
  r->v.fwd.address = address;
  r->v.fwd.flags = flags;
  r->v.fwd.length = length;
}

static int every_l3_type(ztk_rule *r, int n);

static void every_type(ztk_rule r[44])
{
  int n = 0;
  memset(r, 0, 44 * sizeof *r);
  r[n++].t = ZTK_RULE_ACTION_DROP;
  r[n++].t = ZTK_RULE_ACTION_ACCEPT;
  r[n++].t = ZTK_RULE_ACTION_BREAK;
  r[n].t = ZTK_RULE_ACTION_PRIORITY;
  r[n++].v.qos_bucket = 3; /* 1.14.1 does not transmit the bucket */
  fwd(&r[n++], ZTK_RULE_ACTION_TEE, 0x1122334455ull, 1, 0x40);
  fwd(&r[n++], ZTK_RULE_ACTION_WATCH, 0x1122334455ull, 2, 0xff);
  fwd(&r[n++], ZTK_RULE_ACTION_REDIRECT | ZTK_RULE_NOT, 0xaabbccddeeull, 0, 0);
  r[n].t = ZTK_RULE_MATCH_SOURCE_ZEROTIER_ADDRESS;
  r[n++].v.zt = 0xefe8197bb7ull;
  r[n].t = ZTK_RULE_MATCH_DEST_ZEROTIER_ADDRESS | ZTK_RULE_NOT | ZTK_RULE_OR;
  r[n++].v.zt = 0x2fe15dea2dull;
  r[n].t = ZTK_RULE_MATCH_VLAN_ID;
  r[n++].v.vlan_id = 0x123;
  r[n].t = ZTK_RULE_MATCH_VLAN_PCP;
  r[n++].v.vlan_pcp = 5;
  r[n].t = ZTK_RULE_MATCH_VLAN_DEI;
  r[n++].v.vlan_dei = 1;
  r[n].t = ZTK_RULE_MATCH_MAC_SOURCE;
  memcpy(r[n++].v.mac, "\xaa\xbb\xcc\xdd\xee\xff", 6);
  r[n].t = ZTK_RULE_MATCH_MAC_DEST;
  memcpy(r[n++].v.mac, "\x01\x02\x03\x04\x05\x06", 6);
  r[n].t = ZTK_RULE_MATCH_IPV4_SOURCE;
  memcpy(r[n].v.ipv4.ip, "\x0a\x00\x00\x01", 4);
  r[n++].v.ipv4.mask = 24;
  r[n].t = ZTK_RULE_MATCH_IPV4_DEST;
  memcpy(r[n].v.ipv4.ip, "\x0a\x93\x11\x00", 4);
  r[n++].v.ipv4.mask = 16;
  r[n].t = ZTK_RULE_MATCH_IPV6_SOURCE;
  r[n].v.ipv6.ip[0] = 0xfd;
  r[n].v.ipv6.ip[15] = 1;
  r[n++].v.ipv6.mask = 64;
  r[n].t = ZTK_RULE_MATCH_IPV6_DEST;
  r[n].v.ipv6.ip[0] = 0xfe;
  r[n].v.ipv6.ip[1] = 0x80;
  r[n].v.ipv6.ip[15] = 2;
  r[n++].v.ipv6.mask = 128;
  n = every_l3_type(r, n);
  assert_int_equal(n, 35);
}

/* From IP_TOS on, from r[n]; returns the new count. */
static int every_l3_type(ztk_rule *r, int n)
{
  r[n].t = ZTK_RULE_MATCH_IP_TOS;
  r[n].v.ip_tos.mask = 0xfc;
  r[n].v.ip_tos.value[0] = 0x10;
  r[n++].v.ip_tos.value[1] = 0x20;
  r[n].t = ZTK_RULE_MATCH_IP_PROTOCOL;
  r[n++].v.ip_protocol = 0x11;
  r[n].t = ZTK_RULE_MATCH_ETHERTYPE;
  r[n++].v.ether_type = 0x86dd;
  r[n].t = ZTK_RULE_MATCH_ICMP;
  r[n].v.icmp.type = 8;
  r[n++].v.icmp.flags = ZTK_RULE_ICMP_FLAG_CHECK_CODE;
  r[n].t = ZTK_RULE_MATCH_IP_SOURCE_PORT_RANGE;
  r[n].v.port[0] = 22;
  r[n++].v.port[1] = 23;
  r[n].t = ZTK_RULE_MATCH_IP_DEST_PORT_RANGE;
  r[n].v.port[0] = 0xc000;
  r[n++].v.port[1] = 0xffff;
  r[n].t = ZTK_RULE_MATCH_CHARACTERISTICS;
  r[n++].v.characteristics = 0x8000000000000001ull;
  r[n].t = ZTK_RULE_MATCH_FRAME_SIZE_RANGE;
  r[n].v.frame_size[0] = 64;
  r[n++].v.frame_size[1] = 1500;
  r[n].t = ZTK_RULE_MATCH_RANDOM;
  r[n++].v.random_probability = 0x7fffffff;
  for (unsigned t = ZTK_RULE_MATCH_TAGS_DIFFERENCE; t <= ZTK_RULE_MATCH_TAG_RECEIVER; t++) {
    r[n].t = (uint8_t)t;
    r[n].v.tag.id = t - ZTK_RULE_MATCH_TAGS_DIFFERENCE + 1;
    r[n++].v.tag.value = t == ZTK_RULE_MATCH_TAG_RECEIVER ? 0xffffffff : 0xaa + 0x11 * (t - 44);
  }
  r[n].t = ZTK_RULE_MATCH_INTEGER_RANGE;
  r[n].v.int_range.start = 0x100;
  r[n].v.int_range.end = 0x10; /* on the wire: start + end = 0x110 */
  r[n].v.int_range.idx = 2;
  r[n++].v.int_range.format = 7;
  return n;
}

static void test_every_type(void **state)
{
  ztk_rule rules[44], back[44];
  uint8_t buf[1024], want[1024];
  const size_t wlen = strlen(every_type_hex) / 2;
  assert_int_equal(ztk_hex_decode(want, wlen, every_type_hex, strlen(every_type_hex)), 0);
  every_type(rules);
  ztk_wr w = ztk_wr_make(buf, sizeof buf);
  ztk_rules_write(&w, rules, 35);
  assert_int_equal(w.err, 0);
  assert_int_equal(w.len, wlen);
  assert_memory_equal(buf, want, wlen);
  unsigned n = 0;
  ztk_rd r = ztk_rd_make(want, wlen);
  assert_int_equal(ztk_rules_read_all(&r, back, 44, &n), 0);
  assert_int_equal(n, 35);
  rules[3].v.qos_bucket = 0;
  for (unsigned i = 0; i < n; i++) {
    assert_int_equal(back[i].t, rules[i].t);
    assert_memory_equal(&back[i].v, &rules[i].v, sizeof rules[i].v);
  }
}

/* Reads `hex` as a whole rule table and writes it back. */
static unsigned roundtrip(const char *hex, ztk_rule *rules, unsigned max)
{
  uint8_t in[256], out[256];
  size_t len = strlen(hex) / 2;
  assert_int_equal(ztk_hex_decode(in, len, hex, strlen(hex)), 0);
  ztk_rd r = ztk_rd_make(in, len);
  unsigned n = 0;
  assert_int_equal(ztk_rules_read_all(&r, rules, max, &n), 0);
  ztk_wr w = ztk_wr_make(out, sizeof out);
  ztk_rules_write(&w, rules, n);
  assert_int_equal(w.len, len);
  assert_memory_equal(out, in, len);
  return n;
}

static void test_vector_tables(void **state)
{
  ztk_rule r[8];
  json_t *dv = tv_load("vectors/dictionary.json");
  json_t *vals = json_object_get(json_object_get(dv, "netconf_dictionary"), "decoded_values_hex");
  assert_int_equal(roundtrip(tv_str(vals, "R"), r, 8), 4);
  assert_int_equal(r[0].t, ZTK_RULE_MATCH_ETHERTYPE | ZTK_RULE_NOT);
  assert_int_equal(r[0].v.ether_type, 0x0800);
  assert_int_equal(r[1].t, ZTK_RULE_MATCH_ETHERTYPE | ZTK_RULE_NOT | ZTK_RULE_OR);
  assert_int_equal(r[1].v.ether_type, 0x0806);
  assert_int_equal(r[2].t, ZTK_RULE_ACTION_DROP);
  assert_int_equal(ztk_rule_type_of(&r[3]), ZTK_RULE_ACTION_ACCEPT);
  json_decref(dv);
  json_t *live = tv_load("vectors/live_session.json");
  json_t *bin = json_object_get(json_object_get(live, "controller_netconf_to_alice"),
                                "decoded_binary_values_hex");
  assert_int_equal(roundtrip(tv_str(bin, "R"), r, 8), 1); /* the default: accept all */
  assert_int_equal(r[0].t, ZTK_RULE_ACTION_ACCEPT);
  json_decref(live);
  /* the capability vector's rules: ETHERTYPE 0x0800; NOT DEST_PORT_RANGE 22-22; ACCEPT */
  assert_int_equal(roundtrip("25020800a8040016001601"
                             "00",
                             r, 8),
                   3);
  assert_int_equal(r[1].t, ZTK_RULE_MATCH_IP_DEST_PORT_RANGE | ZTK_RULE_NOT);
  assert_int_equal(r[1].v.port[0], 22);
  assert_int_equal(r[1].v.port[1], 22);
}

static void test_unknown_and_lengths(void **state)
{
  uint8_t in[64];
  ztk_rule r[4];
  unsigned n;
  /* unknown types 7 and 60 are kept, their fields skipped; a long known field is cut */
  const char *hex = "0703aabbcc"
                    "3c00"
                    "240311ffee"
                    "0100";
  size_t len = strlen(hex) / 2;
  ztk_hex_decode(in, len, hex, strlen(hex));
  ztk_rd rd = ztk_rd_make(in, len);
  assert_int_equal(ztk_rules_read_all(&rd, r, 4, &n), 0);
  assert_int_equal(n, 4);
  assert_int_equal(r[0].t, 7);
  assert_int_equal(r[1].t, 60);
  assert_int_equal(r[2].v.ip_protocol, 0x11);
  uint8_t out[64];
  ztk_wr w = ztk_wr_make(out, sizeof out);
  ztk_rules_write(&w, r, n);
  assert_int_equal(w.len, 9);
  assert_memory_equal(out, "\x07\x00\x3c\x00\x24\x01\x11\x01\x00", 9);
  /* a known type with a short field is refused */
  ztk_hex_decode(in, 3, "250108", 6);
  rd = ztk_rd_make(in, 3);
  assert_int_equal(ztk_rules_read_all(&rd, r, 4, &n), ZTK_ENET_RULES);
  ztk_hex_decode(in, 4, "33020000", 8);
  rd = ztk_rd_make(in, 4);
  assert_int_equal(ztk_rule_read(&rd, r), ZTK_ENET_RULES);
  assert_int_equal(rd.err, ZTK_ENET_RULES);
  assert_int_equal(ztk_rule_field_len(ZTK_RULE_MATCH_INTEGER_RANGE | ZTK_RULE_NOT), 19);
  assert_int_equal(ztk_rule_field_len(ZTK_RULE_ACTION_PRIORITY), 0);
  assert_int_equal(ztk_rule_field_len(63), 0);
}

static void test_integer_range_wraps(void **state)
{
  /* end is a 32-bit distance: the wire's second word is start + end (mod 2^64) */
  ztk_rule r = {.t = ZTK_RULE_MATCH_INTEGER_RANGE}, back;
  r.v.int_range.start = UINT64_MAX - 1;
  r.v.int_range.end = 5;
  uint8_t buf[32];
  ztk_wr w = ztk_wr_make(buf, sizeof buf);
  ztk_rule_write(&w, &r);
  assert_int_equal(w.len, 21);
  assert_true(ztk_be_get(buf + 10, 8) == 3);
  ztk_rd rd = ztk_rd_make(buf, w.len);
  assert_int_equal(ztk_rule_read(&rd, &back), 0);
  assert_true(back.v.int_range.start == UINT64_MAX - 1);
  assert_int_equal(back.v.int_range.end, 5);
}

static void test_limits(void **state)
{
  static ztk_rule rules[ZTK_MAX_NETWORK_RULES + 1];
  static uint8_t buf[2 * (ZTK_MAX_NETWORK_RULES + 1)];
  for (unsigned i = 0; i <= ZTK_MAX_NETWORK_RULES; i++)
    rules[i].t = ZTK_RULE_ACTION_ACCEPT;
  ztk_wr w = ztk_wr_make(buf, sizeof buf);
  ztk_rules_write(&w, rules, ZTK_MAX_NETWORK_RULES);
  unsigned n;
  ztk_rd rd = ztk_rd_make(buf, w.len);
  assert_int_equal(ztk_rules_read_all(&rd, rules, ZTK_MAX_NETWORK_RULES, &n), 0);
  assert_int_equal(n, ZTK_MAX_NETWORK_RULES);
  ztk_rules_write(&w, rules, 1);
  rd = ztk_rd_make(buf, w.len);
  assert_int_equal(ztk_rules_read_all(&rd, rules, ZTK_MAX_NETWORK_RULES, &n), ZTK_ELIMIT);
  rd = ztk_rd_make(buf, w.len);
  assert_int_equal(
      ztk_rules_read_n(&rd, rules, ZTK_MAX_CAPABILITY_RULES + 1, ZTK_MAX_CAPABILITY_RULES),
      ZTK_ELIMIT);
  assert_int_equal(ztk_rules_read_n(&rd, rules, 3, ZTK_MAX_CAPABILITY_RULES), 0);
  assert_int_equal(rd.off, 6);
  uint8_t small[3];
  w = ztk_wr_make(small, sizeof small);
  ztk_rules_write(&w, rules, 2);
  assert_int_equal(w.err, ZTK_ENOSPACE);
}

/* A prefix of the every-type table reads fully only at a rule boundary. */
static void prefix_reader(const uint8_t *p, size_t n, size_t pos, int kind, void *user)
{
  ztk_rule r[44];
  unsigned cnt;
  const bool *boundary = user;
  ztk_rd rd = ztk_rd_make(p, n);
  int rc = ztk_rules_read_all(&rd, r, 44, &cnt);
  if (kind == TV_PREFIX)
    assert_int_equal(rc == 0, boundary[n]);
  else
    assert_true(rc == 0 || rc == ZTK_ETRUNC || rc == ZTK_ENET_RULES || rc == ZTK_ELIMIT);
}

static void test_mutations(void **state)
{
  uint8_t in[1024];
  bool boundary[1024] = {false};
  const size_t len = strlen(every_type_hex) / 2;
  ztk_hex_decode(in, len, every_type_hex, strlen(every_type_hex));
  for (size_t p = 0; p < len; p += 2 + in[p + 1])
    boundary[p] = true;
  tv_mutate(in, len, prefix_reader, boundary);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_type),
      cmocka_unit_test(test_vector_tables),
      cmocka_unit_test(test_unknown_and_lengths),
      cmocka_unit_test(test_integer_range_wraps),
      cmocka_unit_test(test_limits),
      cmocka_unit_test(test_mutations),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
