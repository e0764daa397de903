/* Host clocks: offset, drift, steps, the inverse map, and timed steps through the fabric. */
#include "tests/support/vectors.h"

#include "sim/clock.h"
#include "sim/net.h"
#include "ztkit/error.h"

static void test_offset_and_drift(void **state)
{
  ztk_hostclock c;
  ztk_hostclock_init(&c, ZTK_MS(1500));
  assert_int_equal(ztk_hostclock_local_us(&c, 0), 1500000);
  assert_int_equal(ztk_hostclock_local_ms(&c, ZTK_SEC(2)), 3500);
  /* +100 ppm from t = 1 s: 10 s later the host is 1 ms ahead of where it would be */
  assert_int_equal(ztk_hostclock_set_drift(&c, ZTK_SEC(1), 100000), 0);
  assert_int_equal(ztk_hostclock_local_us(&c, ZTK_SEC(1)), ZTK_SEC(1) + ZTK_MS(1500));
  assert_int_equal(ztk_hostclock_local_us(&c, ZTK_SEC(11)), ZTK_SEC(11) + ZTK_MS(1501));
  /* changing the drift keeps local time continuous */
  int64_t at = ZTK_SEC(11);
  int64_t before = ztk_hostclock_local_us(&c, at);
  assert_int_equal(ztk_hostclock_set_drift(&c, at, -50000000), 0); /* -5 %: slow */
  assert_int_equal(ztk_hostclock_local_us(&c, at), before);
  assert_int_equal(ztk_hostclock_local_us(&c, at + ZTK_SEC(20)), before + ZTK_SEC(19));
  assert_int_equal(ztk_hostclock_set_drift(&c, at, 200000000), ZTK_ERANGE);
  assert_int_equal(ztk_hostclock_set_drift(&c, at, -100000001), ZTK_ERANGE);
  /* long runs do not overflow */
  assert_true(ztk_hostclock_local_us(&c, ZTK_SEC(86400) * 365) > 0);
}

static void test_steps(void **state)
{
  ztk_hostclock c;
  ztk_hostclock_init(&c, 0);
  ztk_hostclock_step(&c, ZTK_SEC(10), ZTK_SEC(5));
  assert_int_equal(ztk_hostclock_local_ms(&c, ZTK_SEC(10)), 15000);
  ztk_hostclock_step(&c, ZTK_SEC(20), -ZTK_SEC(30)); /* a step backwards, below zero */
  assert_int_equal(ztk_hostclock_local_us(&c, ZTK_SEC(20)), -ZTK_SEC(5));
  assert_int_equal(ztk_hostclock_local_ms(&c, ZTK_SEC(20) + 1), -4999 - 1); /* floor */
  assert_int_equal(ztk_hostclock_local_ms(&c, ZTK_SEC(25)), 0);
}

static void test_inverse(void **state)
{
  const int64_t drifts[] = {0, 1, 999, -999, 37000000, -37000000, 100000000, -100000000};
  for (size_t i = 0; i < sizeof drifts / sizeof drifts[0]; i++) {
    ztk_hostclock c;
    ztk_hostclock_init(&c, -ZTK_MS(777));
    assert_int_equal(ztk_hostclock_set_drift(&c, ZTK_SEC(3), drifts[i]), 0);
    for (int64_t target = -ZTK_SEC(1); target < ZTK_SEC(50); target += 999983) {
      int64_t v = ztk_hostclock_virtual_us(&c, target, 0);
      assert_true(v >= 0);
      assert_true(ztk_hostclock_local_us(&c, v) >= target);
      if (v > 0)
        assert_true(ztk_hostclock_local_us(&c, v - 1) < target);
    }
    /* already reached: not_before itself */
    assert_int_equal(ztk_hostclock_virtual_us(&c, 0, ZTK_SEC(5)), ZTK_SEC(5));
  }
}

static void test_fabric_clocks(void **state)
{
  ztk_evq *q;
  ztk_net *n;
  ztk_rng_root root;
  ztk_rng_root_init(&root, 1);
  assert_int_equal(ztk_evq_new(&q, 0), 0);
  assert_int_equal(ztk_net_new(&n, q, &root, NULL), 0);
  int h = ztk_net_add_host(n, ZTK_NET_PUBLIC);
  int r = ztk_net_add_router(n);
  assert_true(h >= 0 && r >= 0);
  assert_null(ztk_net_clock(n, (uint32_t)r));
  ztk_net_op step = {ZTK_NET_OP_CLOCK_STEP, (uint32_t)h, 0, 0, false, ZTK_SEC(60)};
  ztk_net_op drift = {ZTK_NET_OP_CLOCK_DRIFT, (uint32_t)h, 0, 0, false, 10000000}; /* +1 % */
  assert_int_equal(ztk_net_schedule(n, ZTK_SEC(1), &step), 0);
  assert_int_equal(ztk_net_schedule(n, ZTK_SEC(2), &drift), 0);
  assert_int_equal(ztk_evq_run(q, ZTK_MS(999), 0, NULL, NULL, NULL), 0);
  assert_int_equal(ztk_net_local_ms(n, (uint32_t)h), 999);
  assert_int_equal(ztk_evq_run(q, ZTK_SEC(12), 0, NULL, NULL, NULL), 2);
  assert_int_equal(ztk_net_local_ms(n, (uint32_t)h), 62000 + 10100);
  ztk_net_op bad = {ZTK_NET_OP_CLOCK_STEP, (uint32_t)r, 0, 0, false, 1};
  assert_int_equal(ztk_net_apply(n, &bad), ZTK_ENOTFOUND);
  ztk_net_del(n);
  ztk_evq_del(q);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_offset_and_drift),
      cmocka_unit_test(test_steps),
      cmocka_unit_test(test_inverse),
      cmocka_unit_test(test_fabric_clocks),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
