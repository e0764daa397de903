/* The event queue: (time, seq) order, cancel, handle safety, run limits, purge. */
#include "tests/support/vectors.h"

#include <string.h>

#include "sim/evq.h"
#include "sim/rng.h"
#include "ztkit/error.h"

typedef struct log {
  int64_t times[4096];
  int tags[4096];
  int n;
} log;

static void record(ztk_evq *q, void *ctx, void *arg)
{
  log *l = ctx;
  l->times[l->n] = ztk_evq_now_us(q);
  l->tags[l->n++] = (int)(intptr_t)arg;
}

static void test_order(void **state)
{
  ztk_evq *q;
  log l = {.n = 0};
  assert_int_equal(ztk_evq_new(&q, 0), 0);
  /* same-time events run in scheduling order; earlier times first */
  assert_int_equal(ztk_evq_at(q, 50, record, &l, (void *)1, NULL), 0);
  assert_int_equal(ztk_evq_at(q, 10, record, &l, (void *)2, NULL), 0);
  assert_int_equal(ztk_evq_at(q, 50, record, &l, (void *)3, NULL), 0);
  assert_int_equal(ztk_evq_at(q, 10, record, &l, (void *)4, NULL), 0);
  assert_int_equal(ztk_evq_after(q, 0, record, &l, (void *)5, NULL), 0);
  assert_int_equal(ztk_evq_size(q), 5);
  assert_int_equal(ztk_evq_next_us(q), 0);
  ztk_evq_why why;
  assert_int_equal(ztk_evq_run(q, ZTK_NEVER, 0, NULL, NULL, &why), 5);
  assert_int_equal(why, ZTK_EVQ_IDLE);
  const int want[] = {5, 2, 4, 1, 3};
  for (int i = 0; i < 5; i++)
    assert_int_equal(l.tags[i], want[i]);
  assert_int_equal(l.times[3], 50);
  assert_int_equal(ztk_evq_now_us(q), 50);
  assert_int_equal(ztk_evq_next_us(q), ZTK_NEVER);
  assert_int_equal(ztk_evq_at(q, 49, record, &l, NULL, NULL), ZTK_EINVAL); /* the past */
  assert_int_equal(ztk_evq_at(q, 60, NULL, &l, NULL, NULL), ZTK_EINVAL);
  assert_int_equal(ztk_evq_executed(q), 5);
  ztk_evq_del(q);
}

static void test_heap_random(void **state)
{
  /* many random times, cancelling a third: what runs comes out sorted by (time, seq) */
  ztk_evq *q;
  ztk_rng g;
  static log l;
  l.n = 0;
  uint8_t seed[32] = {7};
  ztk_rng_seed(&g, seed);
  assert_int_equal(ztk_evq_new(&q, 0), 0);
  ztk_evh h[3000];
  for (int i = 0; i < 3000; i++)
    assert_int_equal(
        ztk_evq_at(q, (int64_t)ztk_rng_below(&g, 500), record, &l, (void *)(intptr_t)i, &h[i]), 0);
  for (int i = 0; i < 3000; i += 3)
    assert_int_equal(ztk_evq_cancel(q, h[i]), 0);
  assert_int_equal(ztk_evq_size(q), 2000);
  assert_int_equal(ztk_evq_run(q, ZTK_NEVER, 0, NULL, NULL, NULL), 2000);
  for (int i = 1; i < l.n; i++) {
    assert_true(l.times[i - 1] <= l.times[i]);
    if (l.times[i - 1] == l.times[i])
      assert_true(l.tags[i - 1] < l.tags[i]);
    assert_true(l.tags[i] % 3 != 0);
  }
  ztk_evq_del(q);
}

static void test_cancel_handles(void **state)
{
  ztk_evq *q;
  log l = {.n = 0};
  ztk_evh a, b, c;
  assert_int_equal(ztk_evq_new(&q, 0), 0);
  assert_int_equal(ztk_evq_at(q, 5, record, &l, (void *)1, &a), 0);
  assert_int_equal(ztk_evq_at(q, 6, record, &l, (void *)2, &b), 0);
  assert_true(ztk_evq_pending(q, a));
  assert_int_equal(ztk_evq_cancel(q, a), 0);
  assert_false(ztk_evq_pending(q, a));
  assert_int_equal(ztk_evq_cancel(q, a), ZTK_ENOTFOUND);
  /* the freed slot is reused, yet the old handle does not reach the new event */
  assert_int_equal(ztk_evq_at(q, 7, record, &l, (void *)3, &c), 0);
  assert_true((uint32_t)c == (uint32_t)a && c != a);
  assert_int_equal(ztk_evq_cancel(q, a), ZTK_ENOTFOUND);
  assert_true(ztk_evq_pending(q, c));
  assert_int_equal(ztk_evq_cancel(q, 0), ZTK_ENOTFOUND);
  assert_int_equal(ztk_evq_cancel(q, 0xffffffffull), ZTK_ENOTFOUND);
  assert_int_equal(ztk_evq_run(q, ZTK_NEVER, 0, NULL, NULL, NULL), 2);
  assert_int_equal(ztk_evq_cancel(q, b), ZTK_ENOTFOUND); /* already ran */
  assert_int_equal(l.tags[0], 2);
  assert_int_equal(l.tags[1], 3);
  ztk_evq_del(q);
}

static bool stop_at_five(void *ctx)
{
  return ((log *)ctx)->n >= 5;
}

static void test_run_limits(void **state)
{
  ztk_evq *q;
  log l = {.n = 0};
  ztk_evq_why why;
  assert_int_equal(ztk_evq_new(&q, 0), 0);
  for (int i = 0; i < 10; i++)
    assert_int_equal(ztk_evq_at(q, 100 * (i + 1), record, &l, (void *)(intptr_t)i, NULL), 0);
  /* time limit: runs what is due at or before 250, then stands at 250 */
  assert_int_equal(ztk_evq_run(q, 250, 0, NULL, NULL, &why), 2);
  assert_int_equal(why, ZTK_EVQ_REACHED);
  assert_int_equal(ztk_evq_now_us(q), 250);
  assert_int_equal(ztk_evq_now_ms(q), 0);
  assert_int_equal(ztk_evq_run(q, 100, 0, NULL, NULL, &why), ZTK_EINVAL);
  /* budget */
  assert_int_equal(ztk_evq_run(q, ZTK_NEVER, 1, NULL, NULL, &why), 1);
  assert_int_equal(why, ZTK_EVQ_BUDGET);
  assert_int_equal(ztk_evq_now_us(q), 300);
  /* predicate */
  assert_int_equal(ztk_evq_run(q, ZTK_NEVER, 0, stop_at_five, &l, &why), 2);
  assert_int_equal(why, ZTK_EVQ_STOPPED);
  assert_int_equal(l.n, 5);
  assert_int_equal(ztk_evq_now_us(q), 500);
  assert_int_equal(ztk_evq_run(q, 100000, 0, NULL, NULL, &why), 5);
  assert_int_equal(why, ZTK_EVQ_REACHED);
  assert_int_equal(ztk_evq_now_ms(q), 100);
  ztk_evq_del(q);
}

static void reenter(ztk_evq *q, void *ctx, void *arg)
{
  *(int64_t *)ctx = ztk_evq_run(q, ZTK_NEVER, 0, NULL, NULL, NULL);
}

static void test_limit_and_reentry(void **state)
{
  ztk_evq *q;
  log l = {.n = 0};
  assert_int_equal(ztk_evq_new(&q, 3), 0);
  for (int i = 0; i < 3; i++)
    assert_int_equal(ztk_evq_at(q, i, record, &l, NULL, NULL), 0);
  assert_int_equal(ztk_evq_at(q, 9, record, &l, NULL, NULL), ZTK_ELIMIT);
  assert_int_equal(ztk_evq_run(q, ZTK_NEVER, 0, NULL, NULL, NULL), 3);
  int64_t inner = 0;
  assert_int_equal(ztk_evq_after(q, 1, reenter, &inner, NULL, NULL), 0);
  assert_int_equal(ztk_evq_run(q, ZTK_NEVER, 0, NULL, NULL, NULL), 1);
  assert_int_equal(inner, ZTK_ESTATE);
  ztk_evq_del(q);
}

static void count_dtor(void *ctx, ztk_ev_fn fn, void *arg)
{
  (*(int *)arg)++;
}

static void test_purge(void **state)
{
  ztk_evq *q;
  log a = {.n = 0}, b = {.n = 0};
  int freed = 0;
  assert_int_equal(ztk_evq_new(&q, 0), 0);
  for (int i = 0; i < 6; i++)
    assert_int_equal(ztk_evq_at(q, i, record, i % 2 ? (void *)&a : (void *)&b, &freed, NULL), 0);
  assert_int_equal(ztk_evq_purge(q, &a, count_dtor), 3);
  assert_int_equal(freed, 3);
  assert_int_equal(ztk_evq_run(q, ZTK_NEVER, 0, NULL, NULL, NULL), 3);
  assert_int_equal(a.n, 0);
  assert_int_equal(b.n, 3);
  ztk_evq_del(q);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_order),
      cmocka_unit_test(test_heap_random),
      cmocka_unit_test(test_cancel_handles),
      cmocka_unit_test(test_run_limits),
      cmocka_unit_test(test_limit_and_reentry),
      cmocka_unit_test(test_purge),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
