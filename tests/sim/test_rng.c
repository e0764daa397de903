/* Seeded streams: reproducible, independent by label, and the distributions' statistics. */
#include "tests/support/vectors.h"

#include <math.h>
#include <string.h>

#include "sim/rng.h"
#include "ztkit/error.h"
#include "ztkit/types.h"

static void test_streams(void **state)
{
  ztk_rng_root r1, r2, r3;
  ztk_rng a, b, c;
  ztk_rng_root_init(&r1, 42);
  ztk_rng_root_init(&r2, 42);
  ztk_rng_root_init(&r3, 43);
  ztk_rng_stream(&r1, "workload", &a);
  ztk_rng_stream(&r2, "workload", &b);
  for (int i = 0; i < 100; i++)
    assert_true(ztk_rng_u64(&a) == ztk_rng_u64(&b));
  /* a different seed or label gives a different stream */
  ztk_rng_stream(&r3, "workload", &a);
  ztk_rng_stream(&r1, "workload", &b);
  assert_true(ztk_rng_u64(&a) != ztk_rng_u64(&b));
  ztk_rng_stream(&r1, "link:3/0", &a);
  ztk_rng_stream(&r1, "link:3/1", &c);
  assert_true(ztk_rng_u64(&a) != ztk_rng_u64(&c));
  /* streamf matches stream; labels that do not fit are refused */
  ztk_rng_stream(&r1, "host:17", &a);
  assert_int_equal(ztk_rng_streamf(&r1, &b, "host:%d", 17), 0);
  assert_true(ztk_rng_u64(&a) == ztk_rng_u64(&b));
  char big[300];
  memset(big, 'x', sizeof big - 1);
  big[sizeof big - 1] = 0;
  assert_int_equal(ztk_rng_streamf(&r1, &b, "%s", big), ZTK_ERANGE);
  /* child roots are separate from streams of the same label */
  ztk_rng_root child;
  ztk_rng_root_child(&r1, "host:17", &child);
  ztk_rng_stream(&child, "node", &c);
  ztk_rng_stream(&r1, "host:17", &a);
  assert_true(ztk_rng_u64(&a) != ztk_rng_u64(&c));
}

static void test_golden(void **state)
{
  /* pinned outputs: any change to derivation or generator breaks every recorded trace */
  ztk_rng_root r;
  ztk_rng g;
  ztk_rng_root_init(&r, 1);
  ztk_rng_stream(&r, "workload", &g);
  uint64_t first = ztk_rng_u64(&g), second = ztk_rng_u64(&g);
  ztk_rng_root_init(&r, 1);
  ztk_rng_stream(&r, "workload", &g);
  assert_true(ztk_rng_u64(&g) == first);
  assert_true(ztk_rng_u64(&g) == second);
  assert_true(first == UINT64_C(0xff97220c4af29c63));
}

static void test_independence(void **state)
{
  /* drawing from one stream never moves another */
  ztk_rng_root r;
  ztk_rng a, b, x;
  ztk_rng_root_init(&r, 9);
  ztk_rng_stream(&r, "a", &a);
  ztk_rng_stream(&r, "b", &b);
  uint64_t want[8];
  for (int i = 0; i < 8; i++)
    want[i] = ztk_rng_u64(&b);
  ztk_rng_stream(&r, "b", &b);
  ztk_rng_stream(&r, "new component", &x);
  for (int i = 0; i < 1000; i++) {
    ztk_rng_u64(&a);
    ztk_rng_u64(&x);
  }
  for (int i = 0; i < 8; i++)
    assert_true(ztk_rng_u64(&b) == want[i]);
}

static void test_below_and_unit(void **state)
{
  ztk_rng g;
  uint8_t seed[32] = {1, 2, 3};
  ztk_rng_seed(&g, seed);
  int hist[6] = {0};
  for (int i = 0; i < 60000; i++) {
    uint64_t v = ztk_rng_below(&g, 6);
    assert_true(v < 6);
    hist[v]++;
  }
  for (int i = 0; i < 6; i++)
    assert_true(hist[i] > 9500 && hist[i] < 10500);
  assert_true(ztk_rng_below(&g, 0) == 0);
  assert_true(ztk_rng_below(&g, 1) == 0);
  double sum = 0;
  for (int i = 0; i < 100000; i++) {
    double u = ztk_rng_unit(&g);
    assert_true(u >= 0 && u < 1);
    sum += u;
  }
  assert_true(fabs(sum / 100000 - 0.5) < 0.01);
  assert_false(ztk_rng_chance(&g, 0));
  assert_true(ztk_rng_chance(&g, 1));
  int hits = 0;
  for (int i = 0; i < 100000; i++)
    hits += ztk_rng_chance(&g, 0.2);
  assert_true(hits > 19000 && hits < 21000);
  uint8_t zero[32] = {0}; /* the all-zero seed must not produce a stuck generator */
  ztk_rng_seed(&g, zero);
  assert_true(ztk_rng_u64(&g) != ztk_rng_u64(&g) || ztk_rng_u64(&g) != 0);
}

static void test_distributions(void **state)
{
  ztk_rng g;
  uint8_t seed[32] = {5};
  ztk_rng_seed(&g, seed);
  const int N = 200000;
  double s = 0, s2 = 0, e = 0, u = 0;
  int below_median = 0;
  for (int i = 0; i < N; i++) {
    double x = ztk_rng_normal(&g, 10, 2);
    s += x;
    s2 += x * x;
    e += ztk_rng_exponential(&g, 3);
    double v = ztk_rng_uniform(&g, 5, 7);
    assert_true(v >= 5 && v < 7);
    u += v;
    double p = ztk_rng_pareto(&g, 1, 2); /* median 2^(1/2) */
    assert_true(p >= 1);
    below_median += p < sqrt(2.0);
  }
  double mean = s / N, sd = sqrt(s2 / N - mean * mean);
  assert_true(fabs(mean - 10) < 0.02);
  assert_true(fabs(sd - 2) < 0.02);
  assert_true(fabs(e / N - 3) < 0.03);
  assert_true(fabs(u / N - 6) < 0.01);
  assert_true(fabs((double)below_median / N - 0.5) < 0.01);
}

static void test_ln_exp(void **state)
{
  /* our own log/exp agree with libm to a few ulps over a wide range */
  for (double x = 1e-300; x < 1e300; x *= 1.7) {
    double ours = ztk_rng_ln(x), ref = log(x);
    assert_true(fabs(ours - ref) <= 4e-16 * (fabs(ref) > 1 ? fabs(ref) : 1));
  }
  for (double x = -700; x < 700; x += 0.37) {
    double ours = ztk_rng_exp(x), ref = exp(x);
    assert_true(fabs(ours - ref) <= 1e-15 * ref);
  }
  assert_true(ztk_rng_ln(0) < -1e300);
  assert_true(ztk_rng_ln(-1) < -1e300);
  assert_true(ztk_rng_exp(1000) > 1e308);
  assert_true(ztk_rng_exp(-1000) == 0);
  assert_true(ztk_rng_exp(0) == 1);
  assert_true(ztk_rng_ln(1) == 0);
}

static void test_fill(void **state)
{
  ztk_rng a, b;
  uint8_t seed[32] = {8};
  ztk_rng_seed(&a, seed);
  ztk_rng_seed(&b, seed);
  uint8_t buf[13], want[16];
  ztk_rng_fill(&a, buf, sizeof buf);
  uint64_t v0 = ztk_rng_u64(&b), v1 = ztk_rng_u64(&b);
  for (int i = 0; i < 8; i++) {
    want[i] = (uint8_t)(v0 >> (8 * i));
    want[8 + i] = (uint8_t)(v1 >> (8 * i));
  }
  assert_memory_equal(buf, want, sizeof buf);
  ztk_random_fn fn = ztk_rng_fill; /* usable as a node's injected randomness */
  fn(&a, buf, 0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_streams),       cmocka_unit_test(test_golden),
      cmocka_unit_test(test_independence),  cmocka_unit_test(test_below_and_unit),
      cmocka_unit_test(test_distributions), cmocka_unit_test(test_ln_exp),
      cmocka_unit_test(test_fill),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
