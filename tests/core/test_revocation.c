/* Revocation: byte-exact issue/sign against 1.14.1's vector, verify, malformed input. */
#include "tests/support/netvec.h"

#include "core/network/revocation.h"

TV_CRED_FIXTURE("revocation")

static void test_vector(void **state)
{
  ztk_revocation v, back;
  uint8_t buf[256];
  ztk_revocation_init(&v, 305419896, 0x89419d3fcd000abcull, 0, 1700000005000ll,
                      ZTK_REVOCATION_FLAG_FAST_PROPAGATE, 0x2fe15dea2dull, ZTK_CRED_COM);
  assert_int_equal(ztk_revocation_sign(&v, &ctl), 0);
  ztk_wr w = ztk_wr_make(buf, sizeof buf);
  ztk_revocation_signing_input(&w, &v);
  tv_expect_hex(vec, "signing_input", buf, w.len);
  w = ztk_wr_make(buf, sizeof buf);
  ztk_revocation_write(&w, &v);
  tv_expect_hex(vec, "serialized", buf, w.len);
  ztk_rd r = ztk_rd_make(buf, w.len);
  assert_int_equal(ztk_revocation_read(&r, &back), 0);
  assert_int_equal(r.off, w.len);
  assert_memory_equal(&back, &v, sizeof v);
  assert_int_equal(ztk_revocation_verify(&back, &ctl), 0);
  assert_int_equal(back.type, ZTK_CRED_COM);
  assert_true(back.threshold == 1700000005000ll);
  back.threshold++;
  assert_int_equal(ztk_revocation_verify(&back, &ctl), ZTK_ENET_CREDENTIAL);
  assert_int_equal(ztk_revocation_verify(&v, &alice), ZTK_ENET_CREDENTIAL);
  assert_int_equal(ztk_revocation_sign(&v, &alice), ZTK_EID_NOSECRET);
  /* the reserved words are ignored on read and written as zero */
  memcpy(buf, "\x12\x34\x56\x78", 4);
  r = ztk_rd_make(buf, w.len);
  assert_int_equal(ztk_revocation_read(&r, &back), 0);
  assert_int_equal(ztk_revocation_verify(&back, &ctl), 0);
}

static void mutant(const uint8_t *p, size_t n, size_t pos, int kind, void *user)
{
  ztk_revocation v;
  ztk_rd r = ztk_rd_make(p, n);
  int rc = ztk_revocation_read(&r, &v);
  if (kind == TV_PREFIX)
    assert_int_equal(rc, ZTK_ETRUNC);
  else if (rc == 0 && pos >= 4 && pos < n - 2 && !(pos >= 16 && pos < 20))
    assert_int_equal(ztk_revocation_verify(&v, &ctl), ZTK_ENET_CREDENTIAL);
}

static void test_mutations(void **state)
{
  tv_mutate_hex(vec, "serialized", mutant, NULL);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_vector),
      cmocka_unit_test(test_mutations),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
