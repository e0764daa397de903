/* Link stages, one by one and chained: each impairment's statistics over many datagrams. */
#include "tests/support/vectors.h"

#include <stdlib.h>
#include <string.h>

#include "sim/link.h"
#include "ztkit/error.h"

#define MAXF 40000

/* What came out of a link direction: one record per flight (originals and copies). */
typedef struct outcome {
  int n;
  int64_t t[MAXF];
  int verdict[MAXF];
  uint32_t seq[MAXF]; /* the sender's sequence number */
  uint8_t flags[MAXF];
  uint8_t data[MAXF][8];
} outcome;

static outcome out;

static int clone_fn(void *ctx, const ztk_flight *orig, ztk_flight *copy)
{
  static uint8_t bufs[MAXF][8];
  static int used;
  *copy = *orig;
  copy->data = bufs[used++ % MAXF];
  memcpy(copy->data, orig->data, orig->len < 8 ? orig->len : 8);
  return 0;
}

static void done_fn(void *ctx, ztk_flight *f, int verdict)
{
  if (out.n >= MAXF)
    return;
  out.t[out.n] = f->t_us;
  out.verdict[out.n] = verdict;
  out.seq[out.n] = (uint32_t)(uintptr_t)f->owner;
  out.flags[out.n] = f->flags;
  memcpy(out.data[out.n], f->data, f->len < 8 ? f->len : 8);
  out.n++;
}

static const ztk_flight_sink SINK = {NULL, clone_fn, done_fn};

/* A direction with the given chain and a fixed stream. */
static void make(ztk_linkdir *d, const ztk_stage *chain, int n)
{
  ztk_rng g;
  uint8_t seed[32] = {42};
  ztk_rng_seed(&g, seed);
  ztk_linkdir_init(d, &g);
  assert_int_equal(ztk_linkdir_set_stages(d, chain, n), 0);
  out.n = 0;
}

/* Sends count datagrams of len bytes, one every gap_us from t0. */
static void send_many(ztk_linkdir *d, int count, uint32_t len, int64_t t0, int64_t gap_us)
{
  static uint8_t payload[2000];
  for (int i = 0; i < count; i++) {
    ztk_flight f;
    memset(&f, 0, sizeof f);
    memset(payload, 0, 8);
    f.t_us = t0 + i * gap_us;
    f.data = payload;
    f.len = len;
    f.wire_len = len + 28;
    f.owner = (void *)(uintptr_t)i;
    ztk_linkdir_run(d, &f, &SINK);
  }
}

static int count_verdict(int v)
{
  int c = 0;
  for (int i = 0; i < out.n; i++)
    c += out.verdict[i] == v;
  return c;
}

static void test_uniform_loss(void **state)
{
  ztk_linkdir d;
  ztk_stage s = ztk_stage_loss(0.2);
  make(&d, &s, 1);
  send_many(&d, 10000, 100, 0, 10);
  int lost = count_verdict(ZTK_DROP_LOSS);
  assert_true(lost > 1850 && lost < 2150); /* 20 % +- 3.75 sd */
  assert_int_equal(d.c.dropped[ZTK_DROP_LOSS - ZTK_DROP_LINK_FIRST], (uint64_t)lost);
  assert_int_equal(d.c.sent, 10000);
  assert_int_equal(d.c.bytes_sent, 1000000);
  ztk_linkdir_free(&d);
}

/* Mean length of runs of consecutive losses in send order. */
static double mean_burst(void)
{
  int runs = 0, lost = 0;
  for (int i = 0; i < out.n; i++) {
    if (out.verdict[i] == ZTK_DROP_NONE)
      continue;
    lost++;
    if (i == 0 || out.verdict[i - 1] == ZTK_DROP_NONE)
      runs++;
  }
  return runs ? (double)lost / runs : 0;
}

static void test_gilbert_elliott(void **state)
{
  ztk_linkdir d;
  /* good->bad 5 %, bad->good 25 %: 1/6 of the time bad, bursts of 4 on average */
  ztk_stage s = ztk_stage_ge(0.05, 0.25, 0, 1);
  make(&d, &s, 1);
  send_many(&d, 20000, 100, 0, 10);
  int lost = count_verdict(ZTK_DROP_BURST);
  assert_true(lost > 20000 / 6 - 500 && lost < 20000 / 6 + 500);
  double ge_burst = mean_burst();
  assert_true(ge_burst > 3.3 && ge_burst < 4.7);
  ztk_linkdir_free(&d);
  /* uniform loss at the same rate has bursts of about 1 / (1 - p) = 1.2 */
  ztk_stage u = ztk_stage_loss(1.0 / 6);
  make(&d, &u, 1);
  send_many(&d, 20000, 100, 0, 10);
  assert_true(mean_burst() < 1.4);
  ztk_linkdir_free(&d);
}

static void test_duplication(void **state)
{
  ztk_linkdir d;
  ztk_stage chain[] = {ztk_stage_dup(0.1, 300), ztk_stage_delay(1000, (ztk_dist){0})};
  make(&d, chain, 2);
  send_many(&d, 10000, 100, 0, 10000);
  int copies = 0;
  for (int i = 0; i < out.n; i++) {
    assert_int_equal(out.verdict[i], ZTK_DROP_NONE);
    if (out.flags[i] & ZTK_FLIGHT_COPY) {
      copies++;
      /* reported before the original, 300 us after it */
      assert_int_equal(out.seq[i], out.seq[i + 1]);
      assert_int_equal(out.t[i], out.t[i + 1] + 300);
    } else {
      assert_int_equal(out.t[i], (int64_t)out.seq[i] * 10000 + 1000);
    }
  }
  assert_true(copies > 900 && copies < 1100);
  assert_int_equal(d.c.duplicated, (uint64_t)copies);
  ztk_linkdir_free(&d);
}

/* Datagrams that arrive after one sent later than them. */
static int inversions(void)
{
  int inv = 0;
  int64_t latest = -1;
  /* in send order, an arrival earlier than the latest so far was overtaken */
  for (int i = 0; i < out.n; i++) {
    if (out.verdict[i] != ZTK_DROP_NONE)
      continue;
    if (out.t[i] < latest)
      inv++;
    if (out.t[i] > latest)
      latest = out.t[i];
  }
  return inv;
}

static void test_reordering(void **state)
{
  ztk_linkdir d;
  ztk_stage r[] = {ztk_stage_delay(10000, (ztk_dist){0}), ztk_stage_reorder(0.1, 5000)};
  make(&d, r, 2);
  send_many(&d, 5000, 100, 0, 1000);
  int held = (int)d.c.reordered;
  assert_true(held > 400 && held < 600);
  /* each held datagram is overtaken by the ~4 sent in the next 5 ms (unless also held) */
  int later = 0;
  for (int i = 0; i < out.n; i++)
    for (int j = i + 1; j < out.n && j < i + 6; j++)
      later += out.t[j] < out.t[i];
  assert_true(later > 5 * held / 2);
  ztk_linkdir_free(&d);
  /* a random per-datagram delay reorders too; FIFO jitter of the same size never does */
  ztk_stage u = ztk_stage_delay(0, (ztk_dist){ZTK_DIST_UNIFORM, 0, 3000, 0});
  make(&d, &u, 1);
  send_many(&d, 2000, 100, 0, 1000);
  assert_true(inversions() > 100);
  ztk_linkdir_free(&d);
  ztk_stage j = ztk_stage_jitter(3000);
  make(&d, &j, 1);
  send_many(&d, 2000, 100, 0, 1000);
  assert_int_equal(inversions(), 0);
  int64_t maxd = 0, sum = 0;
  for (int i = 0; i < out.n; i++) {
    int64_t delay = out.t[i] - (int64_t)out.seq[i] * 1000;
    assert_true(delay >= 0);
    maxd = delay > maxd ? delay : maxd;
    sum += delay;
  }
  assert_true(maxd >= 2500 && sum / out.n > 1000);
  ztk_linkdir_free(&d);
}

static int popcount8(const uint8_t *a)
{
  int c = 0;
  for (int i = 0; i < 8; i++)
    c += __builtin_popcount(a[i]);
  return c;
}

static void test_corruption(void **state)
{
  ztk_linkdir d;
  ztk_stage all = ztk_stage_corrupt(1, 3);
  make(&d, &all, 1);
  send_many(&d, 1000, 8, 0, 10); /* payload starts all zero: set bits = flipped bits */
  for (int i = 0; i < out.n; i++) {
    int bits = popcount8(out.data[i]);
    assert_true(bits == 1 || bits == 3); /* three flips, two may cancel */
    assert_true(out.flags[i] & ZTK_FLIGHT_CORRUPTED);
  }
  assert_int_equal(d.c.corrupted, 1000);
  ztk_linkdir_free(&d);
  ztk_stage some = ztk_stage_corrupt(0.05, 1);
  make(&d, &some, 1);
  send_many(&d, 10000, 8, 0, 10);
  int bad = 0;
  for (int i = 0; i < out.n; i++)
    bad += popcount8(out.data[i]) == 1;
  assert_true(bad > 400 && bad < 600);
  assert_int_equal(d.c.corrupted, (uint64_t)bad);
  ztk_linkdir_free(&d);
}

static void test_bandwidth(void **state)
{
  ztk_linkdir d;
  /* 1 Mbit/s: a 1000-byte payload is 1028 bytes on the wire, 8.224 ms to send */
  ztk_stage chain[] = {ztk_stage_rate(1000000, 1 << 20), ztk_stage_delay(20000, (ztk_dist){0})};
  make(&d, chain, 2);
  send_many(&d, 50, 1000, 0, 0); /* a burst at t = 0 */
  for (int i = 0; i < 50; i++) {
    assert_int_equal(out.verdict[i], ZTK_DROP_NONE);
    int64_t want = ((int64_t)(i + 1) * 8224000 + 999) / 1000 + 20000;
    assert_int_equal(out.t[i], want); /* queueing delay grows by one packet time each */
  }
  /* throughput over the burst: 50 * 1028 bytes in 411.2 ms = 1 Mbit/s */
  double secs = (double)(out.t[49] - 20000) / 1e6;
  assert_true(50 * 1028 * 8 / secs > 0.99e6 && 50 * 1028 * 8 / secs < 1.01e6);
  assert_int_equal(d.c.queued, 49);
  assert_int_equal(d.c.queue_hwm, 50 * 1028);
  ztk_linkdir_free(&d);
  /* drop-tail: a 10 KiB queue takes 9 datagrams of a burst, then the queue drains */
  ztk_stage small = ztk_stage_rate(1000000, 10240);
  make(&d, &small, 1);
  send_many(&d, 20, 1000, 0, 0);
  assert_int_equal(count_verdict(ZTK_DROP_NONE), 9);
  assert_int_equal(count_verdict(ZTK_DROP_QUEUE), 11);
  assert_true(d.c.queue_hwm <= 10240);
  send_many(&d, 1, 1000, 1000000, 0); /* one second later the queue is empty again */
  assert_int_equal(out.verdict[out.n - 1], ZTK_DROP_NONE);
  assert_int_equal(out.t[out.n - 1], 1000000 + 8224);
  ztk_linkdir_free(&d);
}

static void test_mtu_and_down(void **state)
{
  ztk_linkdir d;
  ztk_stage m = ztk_stage_mtu(576);
  make(&d, &m, 1);
  send_many(&d, 1, 548, 0, 0); /* 548 + 28 = 576 */
  send_many(&d, 1, 549, 0, 0);
  assert_int_equal(out.verdict[0], ZTK_DROP_NONE);
  assert_int_equal(out.verdict[1], ZTK_DROP_MTU);
  assert_int_equal(d.c.dropped[ZTK_DROP_MTU - ZTK_DROP_LINK_FIRST], 1);
  d.up = false;
  send_many(&d, 3, 10, 0, 0);
  assert_int_equal(count_verdict(ZTK_DROP_DOWN), 3);
  assert_int_equal(d.c.dropped[ZTK_DROP_DOWN - ZTK_DROP_LINK_FIRST], 3);
  ztk_linkdir_free(&d);
}

static void test_delay_distributions(void **state)
{
  ztk_rng g;
  uint8_t seed[32] = {11};
  ztk_rng_seed(&g, seed);
  ztk_dist normal = {ZTK_DIST_NORMAL, 5000, 1000, 0};
  ztk_dist pareto = {ZTK_DIST_PARETO, 1000, 1.5, 2000000};
  ztk_dist uniform = {ZTK_DIST_UNIFORM, 100, 200, 0};
  ztk_dist expo = {ZTK_DIST_EXPONENTIAL, 700, 0, 1000};
  int64_t sn = 0, maxp = 0, big = 0;
  for (int i = 0; i < 20000; i++) {
    int64_t x = ztk_dist_draw(&normal, &g);
    assert_true(x >= 0);
    sn += x;
    int64_t p = ztk_dist_draw(&pareto, &g);
    assert_true(p >= 0 && p <= 2000000);
    maxp = p > maxp ? p : maxp;
    big += p > 20000; /* P = (1000 / 21000)^1.5 ~ 1 % */
    int64_t u = ztk_dist_draw(&uniform, &g);
    assert_true(u >= 100 && u <= 200);
    assert_true(ztk_dist_draw(&expo, &g) <= 1000);
  }
  assert_true(sn / 20000 > 4950 && sn / 20000 < 5050);
  assert_true(maxp > 200000); /* heavy tail */
  assert_true(big > 120 && big < 300);
  ztk_dist none = {ZTK_DIST_NONE, 1, 1, 0};
  assert_int_equal(ztk_dist_draw(&none, &g), 0);
}

static int refuse_ff(void *ctx, ztk_flight *f, ztk_rng *rng)
{
  (*(int *)ctx)++;
  f->t_us -= 5; /* moving time backwards is ignored */
  return f->data[0] == 0xff ? ZTK_DROP_FILTER : ZTK_DROP_NONE;
}

static void test_custom_and_params(void **state)
{
  ztk_linkdir d;
  int calls = 0;
  ztk_stage c = ztk_stage_custom(refuse_ff, &calls);
  make(&d, &c, 1);
  uint8_t ff[4] = {0xff}, ok[4] = {0};
  ztk_flight f = {.t_us = 100, .data = ff, .len = 4, .wire_len = 32};
  ztk_linkdir_run(&d, &f, &SINK);
  f = (ztk_flight){.t_us = 100, .data = ok, .len = 4, .wire_len = 32};
  ztk_linkdir_run(&d, &f, &SINK);
  assert_int_equal(calls, 2);
  assert_int_equal(out.verdict[0], ZTK_DROP_FILTER);
  assert_int_equal(out.verdict[1], ZTK_DROP_NONE);
  assert_int_equal(out.t[1], 100);
  ztk_linkdir_free(&d);
  /* the declarative form expands in path order */
  ztk_link_params p = {.latency_us = 10,
                       .jitter_us = 5,
                       .loss = 0.1,
                       .ge_p_gb = 0.1,
                       .dup = 0.1,
                       .reorder = 0.1,
                       .corrupt = 0.1,
                       .rate_bps = 1000,
                       .mtu = 1500};
  ztk_stage chain[ZTK_LINK_MAX_STAGES];
  assert_int_equal(ztk_link_params_stages(&p, chain), 9);
  const ztk_stage_kind want[] = {ZTK_STAGE_MTU,   ZTK_STAGE_RATE,    ZTK_STAGE_LOSS,
                                 ZTK_STAGE_GE,    ZTK_STAGE_CORRUPT, ZTK_STAGE_DUP,
                                 ZTK_STAGE_DELAY, ZTK_STAGE_JITTER,  ZTK_STAGE_REORDER};
  for (int i = 0; i < 9; i++)
    assert_int_equal(chain[i].kind, want[i]);
  ztk_link_params none = {0};
  assert_int_equal(ztk_link_params_stages(&none, chain), 0);
  assert_int_equal(ztk_linkdir_set_stages(&d, chain, ZTK_LINK_MAX_STAGES + 1), ZTK_ERANGE);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_uniform_loss),      cmocka_unit_test(test_gilbert_elliott),
      cmocka_unit_test(test_duplication),       cmocka_unit_test(test_reordering),
      cmocka_unit_test(test_corruption),        cmocka_unit_test(test_bandwidth),
      cmocka_unit_test(test_mtu_and_down),      cmocka_unit_test(test_delay_distributions),
      cmocka_unit_test(test_custom_and_params),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
