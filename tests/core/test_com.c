/* CertificateOfMembership: issuing, signing and wire form against 1.14.1's vectors, agreement
 * (identity hash, time window, missing qualifiers), verification failures, malformed input. */
#include "tests/support/netvec.h"

#include "core/identity/identity.h"
#include "core/network/com.h"

static json_t *root, *vec;
static ztk_identity ctl, alice, bob;

static int setup(void **state)
{
  vec = tv_cred_vector("certificate_of_membership", &root);
  tv_live_identity("ctl", &ctl);
  tv_live_public("alice", &alice);
  tv_live_public("bob", &bob);
  return 0;
}

static int teardown(void **state)
{
  json_decref(root);
  return 0;
}

#define NWID 0x89419d3fcd000abcull
#define TS 1700000000000ll
#define CTMD 1800000ull

/* Writes c into buf and returns the length. */
static size_t serialize(const ztk_com *c, uint8_t *buf, size_t cap)
{
  ztk_wr w = ztk_wr_make(buf, cap);
  ztk_com_write(&w, c);
  assert_int_equal(w.err, 0);
  return w.len;
}

static void read_hex(const char *key, ztk_com *c)
{
  size_t len;
  uint8_t *b = tv_hex(vec, key, &len);
  ztk_rd r = ztk_rd_make(b, len);
  assert_int_equal(ztk_com_read(&r, c), 0);
  assert_int_equal(r.off, len);
  free(b);
}

static void test_issue_and_sign(void **state)
{
  ztk_com c;
  uint8_t buf[512];
  assert_int_equal(ztk_com_init(&c, TS, CTMD, NWID, &alice), 0);
  assert_int_equal(c.count, 7);
  tv_expect_hex(vec, "serialized_unsigned", buf, serialize(&c, buf, sizeof buf));
  ztk_wr w = ztk_wr_make(buf, sizeof buf);
  ztk_com_signing_input(&w, &c);
  tv_expect_hex(vec, "signing_input", buf, w.len);
  assert_int_equal(ztk_com_sign(&c, &ctl), 0);
  assert_true(c.signed_by == ctl.address);
  tv_expect_hex(vec, "serialized", buf, serialize(&c, buf, sizeof buf));
  assert_int_equal(ztk_com_verify(&c, &ctl), 0);
  assert_true(ztk_com_timestamp(&c) == TS);
  assert_true(ztk_com_network_id(&c) == NWID);
  assert_true(ztk_com_issued_to(&c) == alice.address);
  assert_int_equal(ztk_com_sign(&c, &alice), ZTK_EID_NOSECRET);
  ztk_com empty = {0};
  assert_int_equal(ztk_com_sign(&empty, &ctl), ZTK_EINVAL);
}

static void test_read_roundtrip_and_verify(void **state)
{
  ztk_com c, b;
  uint8_t buf[512];
  read_hex("serialized", &c);
  tv_expect_hex(vec, "serialized", buf, serialize(&c, buf, sizeof buf));
  assert_int_equal(ztk_com_verify(&c, &ctl), 0);
  read_hex("bob_com_serialized", &b);
  assert_int_equal(ztk_com_verify(&b, &ctl), 0);
  assert_true(ztk_com_timestamp(&b) ==
              json_integer_value(json_object_get(vec, "bob_com_timestamp")));
  read_hex("serialized_unsigned", &c);
  assert_true(c.signed_by == 0);
  assert_int_equal(ztk_com_verify(&c, &ctl), ZTK_ENET_CREDENTIAL);
}

static void test_verify_failures(void **state)
{
  ztk_com c;
  ztk_identity ctl_pub = ctl;
  read_hex("serialized", &c);
  assert_int_equal(ztk_com_verify(&c, &alice), ZTK_ENET_CREDENTIAL); /* not the controller */
  assert_int_equal(ztk_com_verify(&c, NULL), ZTK_ENET_CREDENTIAL);
  ctl_pub.pub[40] ^= 1;
  assert_int_equal(ztk_com_verify(&c, &ctl_pub), ZTK_ENET_CREDENTIAL); /* other key */
  c.q[0].value++;
  assert_int_equal(ztk_com_verify(&c, &ctl), ZTK_ENET_CREDENTIAL); /* tampered */
  read_hex("serialized", &c);
  c.signature[10] ^= 1;
  assert_int_equal(ztk_com_verify(&c, &ctl), ZTK_ENET_CREDENTIAL);
  /* signed by the controller, but for a network of another controller */
  ztk_com other;
  assert_int_equal(ztk_com_init(&other, TS, CTMD, 0x1111111111000001ull, &alice), 0);
  assert_int_equal(ztk_com_sign(&other, &ctl), 0);
  assert_int_equal(ztk_com_verify(&other, &ctl), ZTK_ENET_CREDENTIAL);
}

static void test_agreement(void **state)
{
  ztk_com a, b;
  read_hex("serialized", &a);
  read_hex("bob_com_serialized", &b);
  assert_int_equal(
      ztk_com_agrees(&a, &b, &bob),
      json_is_true(json_object_get(vec, "alice_com_agreesWith_bob_com_and_bob_identity")));
  assert_true(ztk_com_agrees(&a, &b, &bob));
  assert_true(ztk_com_agrees(&b, &a, &alice));
  assert_false(ztk_com_agrees(&a, &b, &alice)); /* hash of the wrong identity */
  assert_false(ztk_com_agrees(&a, &b, NULL));
  /* the time window: |ta - tb| <= maxDelta of the checking side */
  assert_int_equal(ztk_com_init(&b, TS + (int64_t)CTMD, CTMD, NWID, &bob), 0);
  assert_true(ztk_com_agrees(&a, &b, &bob));
  assert_int_equal(ztk_com_init(&b, TS + (int64_t)CTMD + 1, CTMD, NWID, &bob), 0);
  assert_false(ztk_com_agrees(&a, &b, &bob));
  assert_int_equal(ztk_com_init(&b, TS - (int64_t)CTMD - 1, CTMD, NWID, &bob), 0);
  assert_false(ztk_com_agrees(&a, &b, &bob));
  b.q[0].max_delta = UINT64_MAX; /* bob's own window does not matter to alice's check */
  assert_false(ztk_com_agrees(&a, &b, &bob));
  assert_true(ztk_com_agrees(&b, &a, &alice));
  /* another network */
  assert_int_equal(ztk_com_init(&b, TS, CTMD, NWID + 1, &bob), 0);
  assert_false(ztk_com_agrees(&a, &b, &bob));
  /* a qualifier of mine missing from theirs */
  assert_int_equal(ztk_com_init(&b, TS, CTMD, NWID, &bob), 0);
  b.count = 6;
  assert_false(ztk_com_agrees(&a, &b, &bob));
  ztk_com empty = {0};
  assert_false(ztk_com_agrees(&a, &empty, &bob));
  assert_false(ztk_com_agrees(&empty, &a, &alice));
}

static void test_agreement_without_hash(void **state)
{
  /* a COM with only ids 0..2 (older controllers) does not ask for the identity hash */
  ztk_com a, b;
  assert_int_equal(ztk_com_init(&a, TS, CTMD, NWID, &alice), 0);
  assert_int_equal(ztk_com_init(&b, TS, CTMD, NWID, &bob), 0);
  a.count = 3;
  assert_true(ztk_com_agrees(&a, &b, &alice)); /* no hash check at all */
  /* a repeated id in theirs: the last one counts, as in 1.14.1's map */
  b.count = 4;
  b.q[1].value = NWID + 5;
  b.q[2] = (ztk_com_qualifier){ZTK_COM_QID_NETWORK_ID, NWID, 0};
  b.q[3] = (ztk_com_qualifier){ZTK_COM_QID_ISSUED_TO, bob.address, UINT64_MAX};
  assert_true(ztk_com_agrees(&a, &b, &bob));
  b.q[2].value = NWID + 5;
  b.q[1].value = NWID;
  assert_false(ztk_com_agrees(&a, &b, &bob));
}

static void test_malformed(void **state)
{
  uint8_t buf[512];
  ztk_com c;
  read_hex("serialized", &c);
  size_t len = serialize(&c, buf, sizeof buf);
  for (size_t n = 0; n < len; n++) {
    ztk_rd r = ztk_rd_make(buf, n);
    assert_int_equal(ztk_com_read(&r, &c), ZTK_ETRUNC);
    assert_int_equal(c.count, 0);
  }
  buf[0] = 2;
  ztk_rd r = ztk_rd_make(buf, len);
  assert_int_equal(ztk_com_read(&r, &c), ZTK_EFORMAT);
  buf[0] = 1;
  buf[2] = 9; /* nine qualifiers */
  r = ztk_rd_make(buf, len);
  assert_int_equal(ztk_com_read(&r, &c), ZTK_ELIMIT);
  buf[2] = 7;
  buf[3 + 24 + 7] = 5; /* qualifier 1 gets id 5: ids must ascend */
  r = ztk_rd_make(buf, len);
  assert_int_equal(ztk_com_read(&r, &c), ZTK_EFORMAT);
  /* an empty unsigned COM is well-formed (8 bytes) */
  const uint8_t empty[8] = {1, 0, 0, 0, 0, 0, 0, 0};
  r = ztk_rd_make(empty, sizeof empty);
  assert_int_equal(ztk_com_read(&r, &c), 0);
  assert_int_equal(c.count, 0);
}

static void mutant(const uint8_t *p, size_t n, size_t pos, int kind, void *user)
{
  ztk_com c;
  ztk_rd r = ztk_rd_make(p, n);
  if (ztk_com_read(&r, &c) == 0) {
    assert_true(c.count <= ZTK_COM_MAX_QUALIFIERS);
    ztk_com_verify(&c, &ctl);
    ztk_com_agrees(&c, &c, &alice);
  }
}

static void test_mutations(void **state)
{
  tv_mutate_hex(vec, "serialized", mutant, NULL);
}

static void test_live_com(void **state)
{
  size_t len;
  uint8_t *b = tv_live_binary("C", &len);
  ztk_com c, mine;
  ztk_rd r = ztk_rd_make(b, len);
  assert_int_equal(ztk_com_read(&r, &c), 0);
  assert_int_equal(r.off, len);
  assert_int_equal(ztk_com_verify(&c, &ctl), 0);
  assert_true(ztk_com_network_id(&c) == 0x89419d3fcd7cda1full);
  assert_true(ztk_com_issued_to(&c) == alice.address);
  /* the controller's COM is what ztk_com_init + sign makes from the same inputs */
  assert_int_equal(
      ztk_com_init(&mine, ztk_com_timestamp(&c), c.q[0].max_delta, ztk_com_network_id(&c), &alice),
      0);
  assert_int_equal(ztk_com_sign(&mine, &ctl), 0);
  uint8_t buf[512];
  assert_int_equal(serialize(&mine, buf, sizeof buf), len);
  assert_memory_equal(buf, b, len);
  free(b);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_issue_and_sign),
      cmocka_unit_test(test_read_roundtrip_and_verify),
      cmocka_unit_test(test_verify_failures),
      cmocka_unit_test(test_agreement),
      cmocka_unit_test(test_agreement_without_hash),
      cmocka_unit_test(test_malformed),
      cmocka_unit_test(test_mutations),
      cmocka_unit_test(test_live_com),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
