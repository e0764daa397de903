/* Tag: issue and sign byte-exact against 1.14.1's vector, verify, signature frames, malformed
 * input. */
#include "tests/support/netvec.h"

#include "core/network/tag.h"

TV_CRED_FIXTURE("tag")

static size_t serialize(const ztk_tag *t, uint8_t *buf, size_t cap)
{
  ztk_wr w = ztk_wr_make(buf, cap);
  ztk_tag_write(&w, t);
  assert_int_equal(w.err, 0);
  return w.len;
}

static void test_vector(void **state)
{
  ztk_tag t, back;
  uint8_t buf[256];
  ztk_tag_init(&t, 0x89419d3fcd000abcull, 1700000000000ll, alice.address, 1000, 42);
  assert_int_equal(ztk_tag_sign(&t, &ctl), 0);
  ztk_wr w = ztk_wr_make(buf, sizeof buf);
  ztk_tag_signing_input(&w, &t);
  tv_expect_hex(vec, "signing_input", buf, w.len);
  size_t len = serialize(&t, buf, sizeof buf);
  tv_expect_hex(vec, "serialized", buf, len);
  assert_int_equal(len, 135);
  ztk_rd r = ztk_rd_make(buf, len);
  assert_int_equal(ztk_tag_read(&r, &back), 0);
  assert_int_equal(r.off, len);
  assert_memory_equal(&back, &t, sizeof t);
  assert_int_equal(ztk_tag_verify(&back, &ctl), 0);
  assert_int_equal(back.id, 1000);
  assert_int_equal(back.value, 42);
  assert_int_equal(ztk_tag_sign(&t, &alice), ZTK_EID_NOSECRET);
}

static void test_verify_failures(void **state)
{
  ztk_tag t;
  ztk_tag_init(&t, 0x89419d3fcd000abcull, 1, alice.address, 1, 2);
  assert_int_equal(ztk_tag_verify(&t, &ctl), ZTK_ENET_CREDENTIAL); /* unsigned */
  assert_int_equal(ztk_tag_sign(&t, &ctl), 0);
  assert_int_equal(ztk_tag_verify(&t, &alice), ZTK_ENET_CREDENTIAL);
  t.value = 3;
  assert_int_equal(ztk_tag_verify(&t, &ctl), ZTK_ENET_CREDENTIAL);
  ztk_tag_init(&t, 0x1111111111000001ull, 1, alice.address, 1, 2); /* not ctl's network */
  assert_int_equal(ztk_tag_sign(&t, &ctl), 0);
  assert_int_equal(ztk_tag_verify(&t, &ctl), ZTK_ENET_CREDENTIAL);
}

static void test_frames(void **state)
{
  uint8_t buf[300];
  ztk_tag t;
  size_t len;
  uint8_t *good = tv_hex(vec, "serialized", &len);
  /* another signature type: its bytes are skipped and the tag cannot verify */
  memcpy(buf, good, 34);
  const uint8_t other[] = {2, 0, 3, 9, 9, 9, 0, 2, 0xaa, 0xbb};
  memcpy(buf + 34, other, sizeof other);
  ztk_rd r = ztk_rd_make(buf, 34 + sizeof other);
  assert_int_equal(ztk_tag_read(&r, &t), 0);
  assert_int_equal(r.off, 34 + sizeof other);
  assert_false(t.has_signature);
  assert_int_equal(ztk_tag_verify(&t, &ctl), ZTK_ENET_CREDENTIAL);
  /* type 1 with a length other than 96 */
  memcpy(buf, good, len);
  buf[36] = 95;
  r = ztk_rd_make(buf, len);
  assert_int_equal(ztk_tag_read(&r, &t), ZTK_EFORMAT);
  /* every prefix is truncated */
  for (size_t n = 0; n < len; n++) {
    r = ztk_rd_make(good, n);
    assert_int_equal(ztk_tag_read(&r, &t), ZTK_ETRUNC);
  }
  free(good);
}

static void mutant(const uint8_t *p, size_t n, size_t pos, int kind, void *user)
{
  ztk_tag t;
  ztk_rd r = ztk_rd_make(p, n);
  if (ztk_tag_read(&r, &t) == 0 && kind != TV_PREFIX && pos < 133)
    assert_int_equal(ztk_tag_verify(&t, &ctl), ZTK_ENET_CREDENTIAL);
}

static void test_mutations(void **state)
{
  tv_mutate_hex(vec, "serialized", mutant, NULL);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_vector),
      cmocka_unit_test(test_verify_failures),
      cmocka_unit_test(test_frames),
      cmocka_unit_test(test_mutations),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
