/* Scale: 50,000 hosts in a star and over a million events, with bounded memory, and every
 * datagram accounted for (delivered, dropped or still in flight). */
#include "tests/sim/fixture.h"

#include <inttypes.h>

#include "sim/load.h"
#include "sim/topo.h"

#define HOSTS 50000u
#define EVENTS 1000000u

static uint64_t delivered;

static int count_rx(void *ctx, uint32_t host, const ztk_net_dgram *d)
{
  delivered++;
  return ZTK_DROP_NONE;
}

static void test_star_50k(void **state)
{
  fx f;
  ztk_topo t;
  fx_init(&f, 77);
  ztk_link_params access = {
      .latency_us = 2000, .jitter_us = 500, .loss = 0.01, .rate_bps = 100000000};
  assert_int_equal(ztk_topo_star(f.n, HOSTS, 0x0a000001, &access, &t), 0);
  for (uint32_t i = 0; i < HOSTS; i++)
    assert_int_equal(ztk_net_set_rx(f.n, t.first_host + i, count_rx, NULL), 0);
  size_t built = ztk_net_bytes(f.n);
  /* every 100 us, 50 random hosts send 60-199 bytes to random others */
  static ztk_load l = {.per_tick = 50, .tick_us = 100, .min_len = 60, .max_len = 199};
  l.net = f.n;
  l.first_host = t.first_host;
  l.nhosts = HOSTS;
  ztk_rng_stream(&f.root, "workload", &l.rng);
  assert_int_equal(ztk_load_start(&l, 0), 0);
  ztk_evq_why why;
  int64_t ran = ztk_evq_run(f.q, ZTK_NEVER, EVENTS, NULL, NULL, &why);
  assert_int_equal(ran, EVENTS);
  assert_int_equal(why, ZTK_EVQ_BUDGET);
  assert_int_equal(l.refused, 0);
  /* accounting: sent = delivered + dropped + in flight */
  uint64_t sent = 0, dropped = 0;
  for (uint32_t i = 0; i < HOSTS; i++) {
    const ztk_host_counters *c = ztk_net_host_counters(f.n, t.first_host + i);
    sent += c->sent;
    for (int r = 0; r < ZTK_DROP_COUNT; r++)
      dropped += c->dropped[r];
  }
  assert_true(sent > 400000);
  assert_int_equal(sent, delivered + dropped + ztk_net_inflight(f.n));
  assert_true(dropped > sent / 100 && dropped < sent / 25); /* two 1 % hops */
  /* memory: a host with its four-stage access link (both directions) and its share of the
   * tables stays under 1.5 KiB, and running adds only the datagrams in flight */
  size_t now = ztk_net_bytes(f.n);
  print_message("%u hosts: %zu bytes built (%zu per host), %zu running, %u in flight, "
                "%" PRIu64 " delivered, %u pending events, virtual %" PRId64 " ms\n",
                HOSTS, built, built / HOSTS, now, ztk_net_inflight(f.n), delivered,
                ztk_evq_size(f.q), ztk_evq_now_ms(f.q));
  assert_true(built / HOSTS < 1536);
  assert_true(now - built < (size_t)ztk_net_inflight(f.n) * 512 + 4096);
  assert_true(ztk_evq_size(f.q) < 10000);
  ztk_load_stop(&l);
  fx_free(&f);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_star_50k),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
