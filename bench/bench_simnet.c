/* The simulated underlay at scale: a star of many hosts under a random all-to-all load.
 * Prints build time, memory per host (the fabric's own accounting, and peak RSS), and events
 * per wall-clock second for a plain and an impaired access link. */
#include <stdlib.h>
#include <sys/resource.h>

#include "bench/bench.h"
#include "sim/topo.h"

#define HOSTS 100000u
#define EVENTS 2000000u

typedef struct load {
  ztk_net *n;
  ztk_rng rng;
  ztk_topo t;
} load;

/* Every 50 us, 50 random hosts send 200 bytes to random others. */
static void burst(ztk_evq *q, void *ctx, void *arg)
{
  load *l = ctx;
  static const uint8_t payload[200];
  for (int i = 0; i < 50; i++) {
    uint32_t a = (uint32_t)ztk_rng_below(&l->rng, HOSTS), b = (uint32_t)ztk_rng_below(&l->rng, HOSTS);
    ztk_inaddr src, dst;
    ztk_inaddr_v4(&src, 0x0a000001 + a, 9993);
    ztk_inaddr_v4(&dst, 0x0a000001 + b, 9993);
    ztk_net_send(l->n, l->t.first_host + a, &src, &dst, 0, payload, sizeof payload);
  }
  ztk_evq_after(q, 50, burst, l, NULL, NULL);
}

static int accept_all(void *ctx, uint32_t host, const ztk_net_dgram *d) { return 0; }

static void run(const char *name, const ztk_link_params *access)
{
  ztk_evq *q;
  ztk_net *n;
  ztk_rng_root root;
  static load l;
  ztk_rng_root_init(&root, 1);
  if (ztk_evq_new(&q, 0) || ztk_net_new(&n, q, &root, NULL))
    exit(1);
  l.n = n;
  ztk_rng_stream(&root, "workload", &l.rng);
  double t0 = bench_now();
  if (ztk_topo_star(n, HOSTS, 0x0a000001, access, &l.t))
    exit(1);
  for (uint32_t i = 0; i < HOSTS; i++)
    ztk_net_set_rx(n, l.t.first_host + i, accept_all, NULL);
  double built = bench_now() - t0;
  size_t bytes = ztk_net_bytes(n);
  ztk_evq_at(q, 0, burst, &l, NULL, NULL);
  t0 = bench_now();
  int64_t ran = ztk_evq_run(q, ZTK_NEVER, EVENTS, NULL, NULL, NULL);
  double secs = bench_now() - t0;
  char label[96];
  snprintf(label, sizeof label, "simnet_%s_build_100k_hosts", name);
  bench_print(label, built, "s");
  snprintf(label, sizeof label, "simnet_%s_bytes_per_host", name);
  bench_print(label, (double)bytes / HOSTS, "B");
  snprintf(label, sizeof label, "simnet_%s_events", name);
  bench_print(label, (double)ran / secs, "events/s");
  snprintf(label, sizeof label, "simnet_%s_datagrams", name);
  bench_print(label, (double)ztk_net_datagrams(n) / secs, "datagrams/s");
  ztk_net_del(n);
  ztk_evq_del(q);
}

int main(void)
{
  ztk_link_params plain = {.latency_us = 2000};
  ztk_link_params impaired = {.latency_us = 2000, .jitter_us = 500, .loss = 0.01,
                              .dup = 0.001, .rate_bps = 100000000};
  run("plain", &plain);
  run("impaired", &impaired);
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  bench_print("simnet_peak_rss_per_host", (double)ru.ru_maxrss * 1024 / HOSTS, "B");
  return 0;
}
