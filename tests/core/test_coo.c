/* CertificateOfOwnership: byte-exact issue/sign against 1.14.1's vector and the live config's
 * COO, ownership queries, limits, malformed input. */
#include "tests/support/netvec.h"

#include "core/network/coo.h"

TV_CRED_FIXTURE("certificate_of_ownership")

static size_t serialize(const ztk_coo *c, uint8_t *buf, size_t cap)
{
  ztk_wr w = ztk_wr_make(buf, cap);
  ztk_coo_write(&w, c);
  assert_int_equal(w.err, 0);
  return w.len;
}

static void test_vector(void **state)
{
  ztk_coo c, back;
  ztk_inaddr v4, v6;
  uint8_t buf[512];
  assert_int_equal(ztk_inaddr_parse(&v4, "10.147.17.1"), 0);
  assert_int_equal(ztk_inaddr_parse(&v6, "fd89:419d:3fcd:a:bc99:93ef:e819:7bb7"), 0);
  ztk_coo_init(&c, 0x89419d3fcd000abcull, 1700000000000ll, alice.address, 1);
  assert_int_equal(ztk_coo_add_ip(&c, &v4), 0);
  assert_int_equal(ztk_coo_add_ip(&c, &v6), 0);
  assert_int_equal(ztk_coo_sign(&c, &ctl), 0);
  ztk_wr w = ztk_wr_make(buf, sizeof buf);
  ztk_coo_signing_input(&w, &c);
  tv_expect_hex(vec, "signing_input", buf, w.len);
  size_t len = serialize(&c, buf, sizeof buf);
  tv_expect_hex(vec, "serialized", buf, len);
  ztk_rd r = ztk_rd_make(buf, len);
  assert_int_equal(ztk_coo_read(&r, &back), 0);
  assert_int_equal(r.off, len);
  assert_memory_equal(&back, &c, sizeof c);
  assert_int_equal(ztk_coo_verify(&back, &ctl), 0);
  assert_true(ztk_coo_owns_ip(&back, &v4));
  assert_true(ztk_coo_owns_ip(&back, &v6));
  v4.port = 24; /* the port (prefix) does not matter */
  assert_true(ztk_coo_owns_ip(&back, &v4));
  v4.ip[3] = 2;
  assert_false(ztk_coo_owns_ip(&back, &v4));
  ztk_inaddr nil = {0};
  assert_false(ztk_coo_owns_ip(&back, &nil));
  assert_int_equal(ztk_coo_add_ip(&c, &nil), ZTK_EINVAL);
  const uint8_t mac[6] = {0x1e, 0x35, 0x94, 0xd4, 0x44, 0x2a};
  assert_false(ztk_coo_owns_mac(&back, mac));
  assert_int_equal(ztk_coo_add_mac(&back, mac), 0);
  assert_true(ztk_coo_owns_mac(&back, mac));
  assert_int_equal(ztk_coo_verify(&back, &ctl), ZTK_ENET_CREDENTIAL); /* changed since signed */
  assert_int_equal(ztk_coo_sign(&c, &alice), ZTK_EID_NOSECRET);
}

static void test_live_coo(void **state)
{
  size_t len;
  uint8_t *b = tv_live_binary("COO", &len);
  ztk_coo c, mine;
  ztk_rd r = ztk_rd_make(b, len);
  assert_int_equal(ztk_coo_read(&r, &c), 0);
  assert_int_equal(r.off, len);
  assert_int_equal(ztk_coo_verify(&c, &ctl), 0);
  assert_int_equal(c.id, 1);
  assert_int_equal(c.thing_count, 3); /* rfc4193, 6plane and 10.147.17.33 */
  static const char *ips[] = {"fd89:419d:3fcd:7cda:1f99:93ef:e819:7bb7",
                              "fc44:3d47:20ef:e819:7bb7::1", "10.147.17.33"};
  ztk_coo_init(&mine, c.nwid, c.ts, alice.address, 1);
  for (int i = 0; i < 3; i++) {
    ztk_inaddr ip;
    assert_int_equal(ztk_inaddr_parse(&ip, ips[i]), 0);
    assert_true(ztk_coo_owns_ip(&c, &ip));
    assert_int_equal(ztk_coo_add_ip(&mine, &ip), 0);
  }
  assert_int_equal(ztk_coo_sign(&mine, &ctl), 0);
  uint8_t buf[512];
  assert_int_equal(serialize(&mine, buf, sizeof buf), len);
  assert_memory_equal(buf, b, len);
  free(b);
}

static void test_limits_and_malformed(void **state)
{
  ztk_coo c;
  uint8_t buf[1024];
  const uint8_t mac[6] = {2, 0, 0, 0, 0, 1};
  ztk_coo_init(&c, 0x89419d3fcd000abcull, 1, alice.address, 2);
  for (int i = 0; i < ZTK_COO_MAX_THINGS; i++)
    assert_int_equal(ztk_coo_add_mac(&c, mac), 0);
  assert_int_equal(ztk_coo_add_mac(&c, mac), ZTK_ELIMIT);
  assert_int_equal(ztk_coo_sign(&c, &ctl), 0);
  size_t len = serialize(&c, buf, sizeof buf);
  assert_int_equal(len, 30 + 17 * 16 + 10 + 99 + 2);
  ztk_rd r = ztk_rd_make(buf, len);
  assert_int_equal(ztk_coo_read(&r, &c), 0);
  assert_int_equal(ztk_coo_verify(&c, &ctl), 0);
  buf[29] = 17; /* a 17th thing: 1.14.1 would misparse, we refuse */
  r = ztk_rd_make(buf, len);
  assert_int_equal(ztk_coo_read(&r, &c), ZTK_ELIMIT);
  assert_int_equal(c.thing_count, 0);
  buf[29] = 16;
  for (size_t n = 0; n < len; n++) {
    r = ztk_rd_make(buf, n);
    assert_int_equal(ztk_coo_read(&r, &c), ZTK_ETRUNC);
  }
}

static void mutant(const uint8_t *p, size_t n, size_t pos, int kind, void *user)
{
  ztk_coo c;
  ztk_rd r = ztk_rd_make(p, n);
  if (ztk_coo_read(&r, &c) == 0 && kind != TV_PREFIX && pos < n - 2)
    assert_int_equal(ztk_coo_verify(&c, &ctl), ZTK_ENET_CREDENTIAL);
}

static void test_mutations(void **state)
{
  tv_mutate_hex(vec, "serialized", mutant, NULL);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_vector),
      cmocka_unit_test(test_live_coo),
      cmocka_unit_test(test_limits_and_malformed),
      cmocka_unit_test(test_mutations),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
