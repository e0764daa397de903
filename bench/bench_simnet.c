/* The simulated underlay at scale: a star of many hosts under a random all-to-all load.
 * Prints build time, memory per host (the fabric's own accounting, and peak RSS), and events
 * per wall-clock second for a plain and an impaired access link. */
#include <stdlib.h>
#include <sys/resource.h>

#include "bench/bench.h"
#include "sim/load.h"
#include "sim/topo.h"

#define HOSTS 100000u
#define EVENTS 2000000u

static int accept_all(void *ctx, uint32_t host, const ztk_net_dgram *d)
{
  return 0;
}

static void run(const char *name, const ztk_link_params *access)
{
  ztk_evq *q;
  ztk_net *n;
  ztk_rng_root root;
  ztk_topo t;
  ztk_rng_root_init(&root, 1);
  if (ztk_evq_new(&q, 0) || ztk_net_new(&n, q, &root, NULL))
    exit(1);
  double t0 = bench_now();
  if (ztk_topo_star(n, HOSTS, 0x0a000001, access, &t))
    exit(1);
  for (uint32_t i = 0; i < HOSTS; i++)
    ztk_net_set_rx(n, t.first_host + i, accept_all, NULL);
  double built = bench_now() - t0;
  size_t bytes = ztk_net_bytes(n);
  /* every 50 us, 50 random hosts send 200 bytes to random others */
  ztk_load l = {.net = n,
                .first_host = t.first_host,
                .nhosts = HOSTS,
                .per_tick = 50,
                .tick_us = 50,
                .min_len = 200,
                .max_len = 200};
  ztk_rng_stream(&root, "workload", &l.rng);
  if (ztk_load_start(&l, 0))
    exit(1);
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
  ztk_load_stop(&l);
  ztk_net_del(n);
  ztk_evq_del(q);
}

int main(void)
{
  ztk_link_params plain = {.latency_us = 2000};
  ztk_link_params impaired = {
      .latency_us = 2000, .jitter_us = 500, .loss = 0.01, .dup = 0.001, .rate_bps = 100000000};
  run("plain", &plain);
  run("impaired", &impaired);
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  bench_print("simnet_peak_rss_per_host", (double)ru.ru_maxrss * 1024 / HOSTS, "B");
  return 0;
}
