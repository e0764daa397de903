/* The background workload: counts, limits, reproducibility and stopping. */
#include "tests/sim/fixture.h"

#include "sim/hmap.h"
#include "sim/load.h"

static int count(void *ctx, uint32_t host, const ztk_net_dgram *d)
{
  (*(int *)ctx)++;
  assert_true(d->len >= 10 && d->len <= 20);
  assert_int_equal(d->dst.port, 4000);
  return ZTK_DROP_NONE;
}

/* 20 hosts on a star; a load of 7 datagrams per millisecond, at most 100. */
static uint64_t run(uint64_t seed, int *got, ztk_load *l)
{
  fx f;
  ztk_topo t;
  ztk_trace *tr;
  fx_init(&f, seed);
  assert_int_equal(ztk_trace_new(&tr, NULL, 0), 0);
  ztk_net_set_trace(f.n, tr);
  assert_int_equal(ztk_topo_star(f.n, 20, 0x0a000001, NULL, &t), 0);
  for (uint32_t i = 0; i < 20; i++)
    ztk_net_set_rx(f.n, t.first_host + i, count, got);
  *l = (ztk_load){.net = f.n,
                  .first_host = t.first_host,
                  .nhosts = 20,
                  .per_tick = 7,
                  .tick_us = 1000,
                  .min_len = 10,
                  .max_len = 20,
                  .port = 4000,
                  .max_sends = 100};
  ztk_rng_stream(&f.root, "workload", &l->rng);
  assert_int_equal(ztk_load_start(l, 500), 0);
  fx_run(&f, ZTK_MS(10));
  assert_int_equal(l->sent, 7 * 10); /* ticks at 0.5, 1.5, ... 9.5 ms */
  ztk_load_stop(l);
  assert_int_equal(ztk_evq_size(f.q), 0);
  fx_run(&f, ZTK_SEC(1));
  assert_int_equal(l->sent, 70);
  char hex[ZTK_TRACE_HASH_HEX];
  ztk_trace_hash_hex(tr, hex);
  ztk_net_set_trace(f.n, NULL);
  ztk_trace_del(tr);
  fx_free(&f);
  return ztk_hmap_hash(hex, sizeof hex);
}

static void test_load(void **state)
{
  ztk_load a, b, c;
  int ga = 0, gb = 0, gc = 0;
  uint64_t ha = run(3, &ga, &a), hb = run(3, &gb, &b), hc = run(4, &gc, &c);
  assert_int_equal(ga, 70);
  assert_true(ha == hb);
  assert_true(ha != hc);
  /* the attempt limit stops it */
  fx f;
  ztk_topo t;
  fx_init(&f, 1);
  assert_int_equal(ztk_topo_star(f.n, 2, 0x0a000001, NULL, &t), 0);
  ztk_load l = {.net = f.n,
                .first_host = t.first_host,
                .nhosts = 2,
                .per_tick = 30,
                .tick_us = 10,
                .max_len = 1,
                .max_sends = 100};
  ztk_rng_stream(&f.root, "workload", &l.rng);
  assert_int_equal(ztk_load_start(&l, 0), 0);
  fx_run(&f, ZTK_MS(1));
  assert_int_equal(l.sent + l.refused, 100);
  ztk_load bad = l;
  bad.tick_us = 0;
  assert_int_equal(ztk_load_start(&bad, 0), ZTK_EINVAL);
  bad = l;
  bad.min_len = 5;
  assert_int_equal(ztk_load_start(&bad, 0), ZTK_EINVAL);
  ztk_load_stop(&l);
  fx_free(&f);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_load),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
