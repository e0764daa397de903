/* The controller's counted IP set: membership matches a plain list through adds, repeated
 * holders and removals (backward-shift deletion keeps every remaining IP findable), fields
 * compared as ztk_inaddr_cmp compares them, growth. */
#include "tests/support/vectors.h"

#include <stdlib.h>
#include <string.h>

#include "core/controller/ctl_ipset.h"
#include "ztkit/error.h"

static ztk_inaddr v4(uint32_t ip, uint16_t port)
{
  ztk_inaddr a;
  ztk_inaddr_v4(&a, ip, port);
  return a;
}

static void test_counts_and_fields(void **state)
{
  (void)state;
  ztk_ctl_ipset s;
  memset(&s, 0, sizeof s);
  ztk_inaddr a = v4(0x0a800001, 0), b = v4(0x0a800001, 24), c;
  assert_false(ztk_ctl_ipset_has(&s, &a));
  assert_int_equal(ztk_ctl_ipset_remove(&s, &a), ZTK_ENOTFOUND);
  assert_int_equal(ztk_ctl_ipset_add(&s, &a), 0);
  assert_int_equal(ztk_ctl_ipset_add(&s, &a), 0); /* a second holder */
  assert_true(ztk_ctl_ipset_has(&s, &a));
  assert_false(ztk_ctl_ipset_has(&s, &b)); /* the port (netmask bits) is part of the key */
  memset(&c, 0, sizeof c);
  c.family = 6;
  memcpy(c.ip, a.ip, 4); /* same first bytes, other family */
  assert_false(ztk_ctl_ipset_has(&s, &c));
  assert_int_equal(s.used, 1);
  assert_int_equal(ztk_ctl_ipset_remove(&s, &a), 0);
  assert_true(ztk_ctl_ipset_has(&s, &a));
  assert_int_equal(ztk_ctl_ipset_remove(&s, &a), 0);
  assert_false(ztk_ctl_ipset_has(&s, &a));
  assert_int_equal(s.used, 0);
  ztk_ctl_ipset_free(&s);
}

/* Seeded adds and removes against a shadow count per IP over a small range (many collisions
 * and clusters), checking every IP of the range after each step. */
static void test_against_shadow(void **state)
{
  (void)state;
  enum { RANGE = 300, STEPS = 4000 };
  unsigned shadow[RANGE] = {0};
  ztk_ctl_ipset s;
  memset(&s, 0, sizeof s);
  uint64_t x = 0x9e3779b97f4a7c15ull;
  for (int step = 0; step < STEPS; step++) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    unsigned k = (unsigned)(x % RANGE);
    ztk_inaddr ip = v4(0x0a000000u + k * 0x101u, 0);
    if ((x >> 32) % 3 == 0 || !shadow[k]) {
      assert_int_equal(ztk_ctl_ipset_add(&s, &ip), 0);
      shadow[k]++;
    } else {
      assert_int_equal(ztk_ctl_ipset_remove(&s, &ip), 0);
      shadow[k]--;
    }
    if (step % 97 == 0 || step == STEPS - 1) {
      unsigned distinct = 0;
      for (unsigned i = 0; i < RANGE; i++) {
        ztk_inaddr q = v4(0x0a000000u + i * 0x101u, 0);
        assert_int_equal(ztk_ctl_ipset_has(&s, &q), shadow[i] > 0);
        distinct += shadow[i] > 0;
      }
      assert_int_equal(s.used, distinct);
      assert_true(2 * s.used <= s.mask + 1);
    }
  }
  ztk_ctl_ipset_free(&s);
  assert_null(s.slots);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_counts_and_fields),
      cmocka_unit_test(test_against_shadow),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
