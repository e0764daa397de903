/* The signature frame, extension block, signing input and signer rule shared by credentials. */
#include "tests/support/netvec.h"

#include "core/network/credsig.h"

static void small_body(ztk_wr *w, const void *cred)
{
  ztk_wr_bytes(w, cred, 3);
}

static void huge_body(ztk_wr *w, const void *cred)
{
  ztk_wr_zero(w, ZTK_CRED_SIGNING_INPUT_MAX);
}

static void test_frames(void **state)
{
  uint8_t sig[96], buf[200];
  bool has = true;
  memset(sig, 0x5a, sizeof sig);
  ztk_wr w = ztk_wr_make(buf, sizeof buf);
  ztk_credsig_write(&w, sig);
  assert_int_equal(w.len, 99);
  assert_memory_equal(buf, "\x01\x00\x60", 3);
  uint8_t got[96];
  ztk_rd r = ztk_rd_make(buf, w.len);
  assert_int_equal(ztk_credsig_read(&r, got, &has), 0);
  assert_true(has);
  assert_memory_equal(got, sig, 96);
  for (size_t n = 0; n < w.len; n++) {
    r = ztk_rd_make(buf, n);
    assert_int_equal(ztk_credsig_read(&r, got, &has), ZTK_ETRUNC);
    assert_false(has);
  }
  buf[2] = 0x5f; /* type 1 must carry exactly 96 bytes */
  r = ztk_rd_make(buf, w.len);
  assert_int_equal(ztk_credsig_read(&r, got, &has), ZTK_EFORMAT);
  const uint8_t other[] = {7, 0, 2, 0xaa, 0xbb, 0xcc};
  r = ztk_rd_make(other, sizeof other);
  assert_int_equal(ztk_credsig_read(&r, got, &has), 0);
  assert_false(has);
  assert_int_equal(r.off, 5);
  const uint8_t ext[] = {0, 3, 1, 2, 3, 9};
  r = ztk_rd_make(ext, sizeof ext);
  assert_int_equal(ztk_cred_ext_read(&r), 0);
  assert_int_equal(r.off, 5);
  r = ztk_rd_make(ext, 4);
  assert_int_equal(ztk_cred_ext_read(&r), ZTK_ETRUNC);
}

static void test_signing(void **state)
{
  ztk_identity ctl, alice;
  uint8_t buf[64], sig[96];
  tv_live_identity("ctl", &ctl);
  tv_live_public("alice", &alice);
  ztk_wr w = ztk_wr_make(buf, sizeof buf);
  ztk_cred_signing_input(&w, small_body, "abc");
  assert_int_equal(w.len, 8 + 3 + 2 + 8);
  assert_memory_equal(buf,
                      "\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f"
                      "abc"
                      "\0\0"
                      "\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f",
                      21);
  assert_int_equal(ztk_cred_sign(&ctl, small_body, "abc", sig), 0);
  assert_int_equal(ztk_identity_verify(&ctl, buf, w.len, sig, 96), 0);
  assert_int_equal(ztk_cred_verify_sig(&ctl, small_body, "abc", sig), 0);
  assert_int_equal(ztk_cred_verify_sig(&ctl, small_body, "abd", sig), ZTK_ENET_CREDENTIAL);
  assert_int_equal(ztk_cred_sign(&alice, small_body, "abc", sig), ZTK_EID_NOSECRET);
  assert_int_equal(ztk_cred_sign(&ctl, huge_body, NULL, sig), ZTK_ENOSPACE);
  assert_int_equal(ztk_cred_verify_sig(&ctl, huge_body, NULL, sig), ZTK_ENET_CREDENTIAL);
  ztk_address by = 0;
  bool has = false;
  assert_int_equal(ztk_cred_sign_as(&ctl, &by, small_body, "abc", sig, &has), 0);
  assert_true(has && by == ctl.address);
  const uint64_t nwid = (ctl.address << 24) | 1;
  assert_int_equal(ztk_cred_verify_as(&ctl, nwid, by, true, small_body, "abc", sig), 0);
  assert_int_equal(ztk_cred_verify_as(&ctl, nwid, by, false, small_body, "abc", sig),
                   ZTK_ENET_CREDENTIAL);
  assert_int_equal(ztk_cred_sign_as(&alice, &by, small_body, "abc", sig, &has), ZTK_EID_NOSECRET);
  assert_true(by == ctl.address); /* untouched on failure */
}

static void test_signer_rule(void **state)
{
  ztk_identity ctl, alice;
  tv_live_public("ctl", &ctl);
  tv_live_public("alice", &alice);
  const uint64_t nwid = (ctl.address << 24) | 0xabc;
  assert_true(ztk_nwid_controller(nwid) == ctl.address);
  assert_int_equal(ztk_cred_check_signer(nwid, ctl.address, &ctl), 0);
  assert_int_equal(ztk_cred_check_signer(nwid, 0, &ctl), ZTK_ENET_CREDENTIAL);
  assert_int_equal(ztk_cred_check_signer(nwid, alice.address, &alice), ZTK_ENET_CREDENTIAL);
  assert_int_equal(ztk_cred_check_signer(nwid, ctl.address, &alice), ZTK_ENET_CREDENTIAL);
  assert_int_equal(ztk_cred_check_signer(nwid, ctl.address, NULL), ZTK_ENET_CREDENTIAL);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_frames),
      cmocka_unit_test(test_signing),
      cmocka_unit_test(test_signer_rule),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
