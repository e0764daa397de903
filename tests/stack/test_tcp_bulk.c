/* Bulk TCP, byte-exact in both directions at once: 64 MiB each way over a clean wire, 8 MiB
 * each way over a lossy one (5% loss, 50 ms one-way delay). bench/bench_stack measures more. */
#include "tests/support/vectors.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tests/support/stack_harness.h"

#define NWID 0x8056c2e21c000002ull

typedef struct bulk_ctx {
  sh_stream st[2];
} bulk_ctx;

static bool bulk_pump(void *ctx)
{
  bulk_ctx *c = ctx;
  bool a = sh_stream_pump(&c->st[0]);
  bool b = sh_stream_pump(&c->st[1]);
  return a || b;
}

static bool bulk_done(void *ctx)
{
  bulk_ctx *c = ctx;
  return c->st[0].eof && c->st[1].eof;
}

static double wall(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void bulk(uint64_t bytes, int64_t delay_ms, double loss, int64_t limit_ms)
{
  ztk_stack_host *a, *b;
  ztk_sock *l, *c, *s;
  sh_begin();
  ztk_wire *w = sh_wire(delay_ms, loss, 99);
  assert_int_equal(ztk_stack_host_new(&a, NULL), 0);
  assert_int_equal(ztk_stack_host_new(&b, NULL), 0);
  sh_netif(w, a, NWID, 0x32000000a001ull, "10.2.0.1/16", NULL, NULL);
  sh_netif(w, b, NWID, 0x32000000b001ull, "10.2.0.2/16", NULL, NULL);
  ztk_inaddr any = sh_addr("0.0.0.0/5001");
  assert_int_equal(ztk_sock_new(&l, b, 4, ZTK_SOCK_STREAM), 0);
  assert_int_equal(ztk_sock_bind(l, &any), 0);
  assert_int_equal(ztk_sock_listen(l, 4), 0);
  sh_connect_pair(&w, 1, a, l, "10.2.0.2/5001", &c, &s);
  bulk_ctx ctx;
  memset(&ctx, 0, sizeof ctx);
  ctx.st[0] = (sh_stream){.tx = c, .rx = s, .seed = 11, .total = bytes, .close_when_sent = true};
  ctx.st[1] = (sh_stream){.tx = s, .rx = c, .seed = 12, .total = bytes, .close_when_sent = true};
  int64_t t0 = sh_now;
  double w0 = wall();
  assert_true(sh_run(&w, 1, limit_ms, bulk_pump, bulk_done, &ctx));
  for (int i = 0; i < 2; i++) {
    assert_false(ctx.st[i].bad);
    assert_int_equal(ctx.st[i].got, bytes);
    assert_int_equal(ctx.st[i].hash_rx, ctx.st[i].hash_tx);
  }
  ztk_wire_stats ws;
  ztk_wire_stats_get(w, &ws);
  printf("# %llu MiB each way, delay %lld ms, loss %.0f%%: %.1f s virtual, %.2f s wall, "
         "%llu frames, %llu lost\n",
         (unsigned long long)(bytes >> 20), (long long)delay_ms, loss * 100,
         (double)(sh_now - t0) / 1000.0, wall() - w0, (unsigned long long)ws.sent,
         (unsigned long long)ws.lost);
  ztk_sock_close(c);
  ztk_sock_close(s);
  ztk_sock_close(l);
  ztk_stack_host *hosts[2] = {a, b};
  sh_end(hosts, 2, &w, 1);
}

static void test_64mib_each_way(void **state)
{
  bulk(64ull << 20, 1, 0, 600 * 1000);
}

static void test_8mib_each_way_lossy(void **state)
{
  bulk(8ull << 20, 50, 0.05, 3600 * 1000);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_64mib_each_way),
      cmocka_unit_test(test_8mib_each_way_lossy),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
