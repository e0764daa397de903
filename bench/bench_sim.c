/* Simulator world benchmarks (through include/ztkit/sim.h):
 *  - N core-only members (booting over N/100 s) and a root (star, 20 ms access links) come
 *    online, then each sends a
 *    USER_MESSAGE to its neighbour (resent every 2 s until it arrives): simulated events per
 *    wall second, wall time, virtual time and peak RSS, for N = 1,000 and 10,000;
 *  - a 100-member world left running for one virtual hour with a message from every member
 *    each virtual minute: the virtual-over-wall speed-up.
 * N = 10,000 needs more identities than the committed pool holds: it uses $ZTK_BENCH_POOL
 * (default /work/pool/a.pool) when that file has enough, and says so and skips otherwise. */
#include "bench/bench.h"

#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "sim/idpool.h"
#include "ztkit/sim.h"

#define COMMITTED_POOL ZTK_SOURCE_DIR "/scenarios/data/identities.pool"
#define MSG_TYPE 0x10000u

static long pool_records(const char *path)
{
  struct stat st;
  return stat(path, &st) == 0 ? (long)(st.st_size / ZTK_IDPOOL_RECORD_LEN) : 0;
}

static double peak_rss_mb(void)
{
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (double)ru.ru_maxrss / 1024.0;
}

static ztk_sim *star(const char *pool, uint64_t seed, uint32_t members)
{
  ztk_sim_config cfg;
  ztk_sim *s;
  ztk_sim_config_init(&cfg);
  cfg.seed = seed;
  cfg.pool_path = pool;
  cfg.events_max = 1u << 20;
  cfg.start_spread_ms = members * 10; /* hosts boot over N/100 s, not all in one instant */
  if (ztk_sim_new(&s, &cfg)) {
    fprintf(stderr, "bench_sim: cannot create a world with pool %s\n", pool);
    exit(1);
  }
  ztk_sim_host_opts o;
  ztk_sim_link_params root_link = {.latency_us = 5000}, access = {.latency_us = 20000};
  ztk_sim_host_opts_init(&o);
  o.role = ZTK_SIM_ROOT;
  o.access = &root_link;
  ztk_sim_add_host(s, &o);
  ztk_sim_host_opts_init(&o);
  o.access = &access;
  for (uint32_t i = 0; i < members; i++)
    if (ztk_sim_add_host(s, &o) < 0)
      exit(1);
  return s;
}

/* Drains events: marks hosts that went online and members that got their neighbour's message. */
static void drain(ztk_sim *s, uint8_t *online, uint8_t *got, const uint64_t *addr, uint32_t n)
{
  static ztk_sim_event ev[4096];
  int k;
  while ((k = ztk_sim_events(s, ev, 4096, NULL)) > 0)
    for (int i = 0; i < k; i++) {
      uint32_t h = ev[i].host;
      if (ev[i].type == ZTK_EVENT_NODE_ONLINE)
        online[h] = 1;
      if (ev[i].type == ZTK_EVENT_USER_MESSAGE && h >= 1 && h <= n &&
          ev[i].peer == addr[h == 1 ? n : h - 1])
        got[h] = 1;
    }
}

static uint32_t count(const uint8_t *v, uint32_t from, uint32_t to)
{
  uint32_t c = 0;
  for (uint32_t i = from; i <= to; i++)
    c += v[i];
  return c;
}

static void online_and_messages(const char *pool, uint32_t n)
{
  double t0 = bench_now();
  ztk_sim *s = star(pool, 1, n);
  uint8_t *online = calloc(n + 1, 1), *got = calloc(n + 1, 1);
  uint64_t *addr = calloc(n + 1, sizeof *addr);
  for (uint32_t h = 0; h <= n; h++) {
    ztk_sim_host_info info;
    ztk_sim_host_info_get(s, h, &info);
    addr[h] = info.address;
  }
  while (count(online, 0, n) <= n && ztk_sim_now_ms(s) < 300000) {
    ztk_sim_run_for(s, 100);
    drain(s, online, got, addr, n);
  }
  int64_t t_online = ztk_sim_now_ms(s);
  for (int round = 0; round < 30 && count(got, 1, n) < n; round++) {
    for (uint32_t h = 1; h <= n; h++)
      if (!got[h % n + 1])
        ztk_sim_send_user_message(s, h, h % n + 1, MSG_TYPE, "hi", 2);
    for (int i = 0; i < 20 && count(got, 1, n) < n; i++) {
      ztk_sim_run_for(s, 100);
      drain(s, online, got, addr, n);
    }
  }
  double wall = bench_now() - t0;
  char name[64];
  uint64_t events = ztk_sim_events_run(s);
  snprintf(name, sizeof name, "sim.star%u.online", n);
  bench_print(name, (double)count(online, 0, n), "hosts online");
  snprintf(name, sizeof name, "sim.star%u.online_at", n);
  bench_print(name, (double)t_online / 1000.0, "s virtual");
  snprintf(name, sizeof name, "sim.star%u.messages", n);
  bench_print(name, (double)count(got, 1, n), "delivered");
  snprintf(name, sizeof name, "sim.star%u.events", n);
  bench_print(name, (double)events, "events");
  snprintf(name, sizeof name, "sim.star%u.events_per_s", n);
  bench_print(name, (double)events / wall, "events/s (wall)");
  snprintf(name, sizeof name, "sim.star%u.wall", n);
  bench_print(name, wall, "s");
  snprintf(name, sizeof name, "sim.star%u.peak_rss", n);
  bench_print(name, peak_rss_mb(), "MB (process peak so far)");
  ztk_sim_free(s);
  free(online);
  free(got);
  free(addr);
}

static void one_hour(const char *pool)
{
  const uint32_t n = 100;
  double t0 = bench_now();
  ztk_sim *s = star(pool, 2, n);
  for (int minute = 0; minute < 60; minute++) {
    ztk_sim_run_until(s, (int64_t)minute * 60000 + 30000, 0);
    for (uint32_t h = 1; h <= n; h++)
      ztk_sim_send_user_message(s, h, h % n + 1, MSG_TYPE, "tick", 4);
    static ztk_sim_event ev[4096];
    while (ztk_sim_events(s, ev, 4096, NULL) > 0) {
    }
  }
  ztk_sim_run_until(s, 3600000, 0);
  double wall = bench_now() - t0;
  bench_print("sim.hour100.wall", wall, "s");
  bench_print("sim.hour100.events", (double)ztk_sim_events_run(s), "events");
  bench_print("sim.hour100.speedup", 3600.0 / wall, "x virtual/wall");
  ztk_sim_free(s);
}

int main(void)
{
  const char *big = getenv("ZTK_BENCH_POOL") ? getenv("ZTK_BENCH_POOL") : "/work/pool/a.pool";
  online_and_messages(COMMITTED_POOL, 1000);
  one_hour(COMMITTED_POOL);
  long have = pool_records(big);
  if (have >= 10001)
    online_and_messages(big, 10000);
  else
    printf("sim.star10000: skipped: %s holds %ld identities, 10,001 needed (set ZTK_BENCH_POOL)\n",
           big, have);
  return 0;
}
