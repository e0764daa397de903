/* Capability: byte-exact issue/sign against 1.14.1's vector, custody chains (controller first,
 * each entry from the previous holder, unknown identities), limits, malformed input. */
#include "tests/support/netvec.h"

#include "core/network/capability.h"
#include "core/util/hex.h"

static json_t *root, *vec;
static ztk_identity ctl, alice, bob, alice_pub, bob_pub;

#define NWID 0x89419d3fcd000abcull

static int setup(void **state)
{
  vec = tv_cred_vector("capability", &root);
  tv_live_identity("ctl", &ctl);
  tv_live_identity("alice", &alice);
  tv_live_identity("bob", &bob);
  tv_live_public("alice", &alice_pub);
  tv_live_public("bob", &bob_pub);
  return 0;
}

static int teardown(void **state)
{
  json_decref(root);
  return 0;
}

/* Knows ctl, alice and bob unless user says which one to forget. */
static const ztk_identity *lookup(void *user, ztk_address addr)
{
  const ztk_address *forget = user;
  if (forget && *forget == addr)
    return NULL;
  if (addr == ctl.address)
    return &ctl;
  if (addr == alice.address)
    return &alice_pub;
  if (addr == bob.address)
    return &bob_pub;
  return NULL;
}

/* ETHERTYPE 0x0800; NOT IP_DEST_PORT_RANGE 22-22; ACTION_ACCEPT */
static void vector_rules(ztk_rule r[3])
{
  memset(r, 0, 3 * sizeof *r);
  r[0].t = ZTK_RULE_MATCH_ETHERTYPE;
  r[0].v.ether_type = 0x0800;
  r[1].t = ZTK_RULE_MATCH_IP_DEST_PORT_RANGE | ZTK_RULE_NOT;
  r[1].v.port[0] = r[1].v.port[1] = 22;
  r[2].t = ZTK_RULE_ACTION_ACCEPT;
}

static size_t serialize(const ztk_capability *c, uint8_t *buf, size_t cap)
{
  ztk_wr w = ztk_wr_make(buf, cap);
  ztk_capability_write(&w, c);
  assert_int_equal(w.err, 0);
  return w.len;
}

static void test_vector(void **state)
{
  static ztk_capability c, back;
  ztk_rule rules[3];
  uint8_t buf[1024];
  ztk_address need;
  vector_rules(rules);
  assert_int_equal(ztk_capability_init(&c, 7, NWID, 1700000000000ll, 1, rules, 3), 0);
  ztk_wr w = ztk_wr_make(buf, sizeof buf);
  ztk_capability_signing_input(&w, &c);
  tv_expect_hex(vec, "signing_input", buf, w.len);
  assert_int_equal(ztk_capability_sign(&c, &ctl, alice.address), 0);
  size_t len = serialize(&c, buf, sizeof buf);
  tv_expect_hex(vec, "serialized", buf, len);
  ztk_rd r = ztk_rd_make(buf, len);
  assert_int_equal(ztk_capability_read(&r, &back), 0);
  assert_int_equal(r.off, len);
  assert_memory_equal(&back, &c, sizeof c);
  assert_int_equal(ztk_capability_verify(&back, lookup, NULL, &need), 0);
  assert_true(ztk_capability_issued_to(&back) == alice.address);
  assert_int_equal(ztk_capability_sign(&c, &alice, bob.address), ZTK_ELIMIT); /* mccl 1 */
  back.rules[0].v.ether_type = 0x0806;
  assert_int_equal(ztk_capability_verify(&back, lookup, NULL, &need), ZTK_ENET_CREDENTIAL);
}

static void test_custody_chain(void **state)
{
  static ztk_capability c, back;
  ztk_rule rules[3];
  ztk_address need, forget;
  uint8_t buf[2048];
  vector_rules(rules);
  assert_int_equal(ztk_capability_init(&c, 9, NWID, 5, 3, rules, 3), 0);
  assert_int_equal(ztk_capability_verify(&c, lookup, NULL, &need), ZTK_ENET_CREDENTIAL);
  assert_int_equal(ztk_capability_sign(&c, &ctl, alice.address), 0);
  assert_int_equal(ztk_capability_sign(&c, &alice, bob.address), 0);
  size_t len = serialize(&c, buf, sizeof buf);
  ztk_rd r = ztk_rd_make(buf, len);
  assert_int_equal(ztk_capability_read(&r, &back), 0);
  assert_int_equal(back.custody_count, 2);
  assert_int_equal(ztk_capability_verify(&back, lookup, NULL, &need), 0);
  assert_true(ztk_capability_issued_to(&back) == bob.address);
  forget = alice.address; /* alice's identity is not known yet: ask for it */
  assert_int_equal(ztk_capability_verify(&back, lookup, &forget, &need), ZTK_ENOTFOUND);
  assert_true(need == alice.address);
  /* bob hands it on to the controller address (any holder may), filling the chain */
  assert_int_equal(ztk_capability_sign(&c, &bob, ctl.address), 0);
  assert_int_equal(ztk_capability_verify(&c, lookup, NULL, &need), 0);
  assert_int_equal(ztk_capability_sign(&c, &ctl, bob.address), ZTK_ELIMIT);
  /* a link not from the previous holder */
  back = c;
  back.custody[1].from = bob.address;
  assert_int_equal(ztk_capability_verify(&back, lookup, NULL, &need), ZTK_ENET_CREDENTIAL);
  /* entry 0 not from the controller */
  assert_int_equal(ztk_capability_init(&back, 9, NWID, 5, 3, rules, 3), 0);
  assert_int_equal(ztk_capability_sign(&back, &alice, bob.address), 0);
  assert_int_equal(ztk_capability_verify(&back, lookup, NULL, &need), ZTK_ENET_CREDENTIAL);
  /* a forged signature in the middle of the chain */
  back = c;
  back.custody[1].signature[5] ^= 1;
  assert_int_equal(ztk_capability_verify(&back, lookup, NULL, &need), ZTK_ENET_CREDENTIAL);
  assert_int_equal(ztk_capability_sign(&back, &alice_pub, bob.address), ZTK_ELIMIT);
  assert_int_equal(ztk_capability_init(&back, 9, NWID, 5, 2, rules, 3), 0);
  assert_int_equal(ztk_capability_sign(&back, &alice_pub, bob.address), ZTK_EID_NOSECRET);
}

static void test_limits_and_malformed(void **state)
{
  static ztk_capability c;
  static ztk_rule rules[ZTK_MAX_CAPABILITY_RULES + 1];
  uint8_t buf[2048];
  ztk_address need;
  for (int i = 0; i <= ZTK_MAX_CAPABILITY_RULES; i++)
    rules[i].t = ZTK_RULE_ACTION_ACCEPT;
  assert_int_equal(ztk_capability_init(&c, 1, NWID, 0, 0, rules, ZTK_MAX_CAPABILITY_RULES + 1),
                   ZTK_ELIMIT);
  assert_int_equal(ztk_capability_init(&c, 1, NWID, 0, 0, rules, ZTK_MAX_CAPABILITY_RULES), 0);
  assert_int_equal(c.mccl, 1); /* clamped as 1.14.1 does */
  assert_int_equal(ztk_capability_init(&c, 1, NWID, 0, 99, rules, 1), 0);
  assert_int_equal(c.mccl, ZTK_CAP_MAX_CUSTODY);
  size_t len;
  uint8_t *good = tv_hex(vec, "serialized", &len);
  const size_t mccl_at = 22 + 12; /* after the three rules */
  assert_int_equal(good[mccl_at], 1);
  memcpy(buf, good, len);
  buf[mccl_at] = 0;
  ztk_rd r = ztk_rd_make(buf, len);
  assert_int_equal(ztk_capability_read(&r, &c), ZTK_EFORMAT);
  buf[mccl_at] = 8;
  r = ztk_rd_make(buf, len);
  assert_int_equal(ztk_capability_read(&r, &c), ZTK_EFORMAT);
  /* two custody entries under mccl 1: refused */
  memcpy(buf, good, len - 7);
  memcpy(buf + len - 7, good + mccl_at + 1, 109);
  memset(buf + len - 7 + 109, 0, 7);
  r = ztk_rd_make(buf, len + 109);
  assert_int_equal(ztk_capability_read(&r, &c), ZTK_ELIMIT);
  buf[mccl_at] = 2; /* fine with mccl 2 (the signatures no longer match) */
  r = ztk_rd_make(buf, len + 109);
  assert_int_equal(ztk_capability_read(&r, &c), 0);
  assert_int_equal(c.custody_count, 2);
  assert_int_equal(ztk_capability_verify(&c, lookup, NULL, &need), ZTK_ENET_CREDENTIAL);
  memcpy(buf, good, len);
  buf[21] = ZTK_MAX_CAPABILITY_RULES + 1; /* rule count */
  r = ztk_rd_make(buf, len);
  assert_int_equal(ztk_capability_read(&r, &c), ZTK_ELIMIT);
  buf[21] = 3;
  buf[22 + 5] = 1; /* the port range rule's field length 4 -> 1 */
  r = ztk_rd_make(buf, len);
  assert_int_equal(ztk_capability_read(&r, &c), ZTK_ENET_RULES);
  for (size_t n = 0; n < len; n++) {
    r = ztk_rd_make(good, n);
    assert_int_equal(ztk_capability_read(&r, &c), ZTK_ETRUNC);
  }
  free(good);
}

static void mutant(const uint8_t *p, size_t n, size_t pos, int kind, void *user)
{
  static ztk_capability c;
  ztk_address need;
  ztk_rd r = ztk_rd_make(p, n);
  /* the custody `to` (bytes 35..39) is not signed, in 1.14.1 either: any holder verifies */
  if (ztk_capability_read(&r, &c) == 0 && kind != TV_PREFIX && pos < n - 2 &&
      !(pos >= 35 && pos < 40)) {
    if (ztk_capability_verify(&c, lookup, NULL, &need) == 0)
      fail_msg("mutant at %zu kind %d verifies", pos, kind);
  }
}

static void test_mutations(void **state)
{
  tv_mutate_hex(vec, "serialized", mutant, NULL);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_vector),
      cmocka_unit_test(test_custody_chain),
      cmocka_unit_test(test_limits_and_malformed),
      cmocka_unit_test(test_mutations),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
