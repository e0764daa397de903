/* Simulator world benchmarks (through include/ztkit/sim.h):
 *  - N core-only members (booting over N/100 s), a root and a controller (star, 20 ms access
 *    links) come online, the members join one public network (joins spread over N/100 s) and
 *    each pings its neighbour's address: simulated events per wall second, wall time, virtual
 *    time and peak RSS, for N = 1,000 and 10,000;
 *  - 100 members on one network left running for one virtual hour, each pinging its
 *    neighbour every virtual minute: the virtual-over-wall speed-up.
 * N = 10,000 needs more identities than the committed pool holds: it uses $ZTK_BENCH_POOL
 * (default /work/pool/a.pool) when that file has enough, and says so and skips otherwise. */
#include "bench/bench.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "sim/idpool.h"
#include "ztkit/sim.h"

#define COMMITTED_POOL ZTK_SOURCE_DIR "/scenarios/data/identities.pool"

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
  o.role = ZTK_SIM_CONTROLLER; /* host 1 */
  ztk_sim_add_host(s, &o);
  ztk_sim_host_opts_init(&o);
  o.access = &access;
  for (uint32_t i = 0; i < members; i++)
    if (ztk_sim_add_host(s, &o) < 0)
      exit(1);
  return s;
}

/* Drains events (the benchmark reads state directly; the queue must not grow). */
static void drain(ztk_sim *s)
{
  static ztk_sim_event ev[4096];
  while (ztk_sim_events(s, ev, 4096, NULL) > 0) {
  }
}

static bool configured(ztk_sim *s, uint32_t h, uint64_t nwid, char ip[ZTK_SIM_TEXT])
{
  ztk_sim_network_info ni;
  if (ztk_sim_network(s, h, nwid, &ni) || ni.status != ZTK_NETWORK_OK || ni.addr_count < 1)
    return false;
  snprintf(ip, ZTK_SIM_TEXT, "%.*s", (int)strcspn(ni.addrs[0], "/"), ni.addrs[0]);
  return true;
}

/* A public network on the controller (host 1) with a /16 pool; returns its id (0 on error). */
static uint64_t public_network(ztk_sim *s)
{
  ztk_sim_host_info ci;
  char path[64], out[4096];
  ztk_sim_host_info_get(s, 1, &ci);
  snprintf(path, sizeof path, "/controller/network/%010" PRIx64 "______", ci.address);
  int st = ztk_sim_api(s, 1, "POST", path,
                       "{\"private\":false,\"v4AssignMode\":{\"zt\":true},"
                       "\"ipAssignmentPools\":[{\"ipRangeStart\":\"10.128.0.1\","
                       "\"ipRangeEnd\":\"10.128.255.250\"}],"
                       "\"routes\":[{\"target\":\"10.128.0.0/16\",\"via\":null}]}",
                       out, sizeof out, NULL);
  const char *id = strstr(out, "\"id\":\"");
  return st == 200 && id ? strtoull(id + 6, NULL, 16) : 0;
}

/* Members 2..n+1 join (spread over n/100 s, as they booted) until all are configured; returns
 * how many are, filling ips. */
static uint32_t join_all(ztk_sim *s, uint64_t nwid, uint32_t n, char (*ips)[ZTK_SIM_TEXT])
{
  int64_t t0 = ztk_sim_now_ms(s);
  for (uint32_t i = 0; i < n; i++)
    ztk_sim_join(s, t0 + (int64_t)i * 10, i + 2, nwid);
  uint32_t done = 0;
  uint8_t *ok = calloc(n, 1);
  while (ok && done < n && ztk_sim_now_ms(s) < t0 + 300000) {
    ztk_sim_run_for(s, 1000);
    drain(s);
    for (uint32_t i = 0; i < n; i++)
      if (!ok[i] && configured(s, i + 2, nwid, ips[i]))
        ok[i] = 1, done++;
  }
  free(ok);
  return done;
}

/* Every member pings its neighbour's address (again every 2 s until answered, at most 10
 * rounds); returns how many got a reply. */
static uint32_t ping_all(ztk_sim *s, uint32_t n, char (*ips)[ZTK_SIM_TEXT])
{
  int *id = malloc(n * sizeof *id);
  uint8_t *ok = calloc(n, 1);
  uint32_t done = 0;
  for (int round = 0; id && ok && round < 10 && done < n; round++) {
    for (uint32_t i = 0; i < n; i++)
      if (!ok[i])
        id[i] = ztk_sim_ping(s, i + 2, ips[(i + 1) % n]);
    ztk_sim_run_for(s, 2000);
    drain(s);
    ztk_sim_ping_info pi;
    for (uint32_t i = 0; i < n; i++)
      if (!ok[i] && id[i] >= 0 && ztk_sim_ping_result(s, id[i], &pi) == 1)
        ok[i] = 1, done++;
  }
  free(id);
  free(ok);
  return done;
}

static void report(const char *what, uint32_t n, double value, const char *unit)
{
  char name[64];
  snprintf(name, sizeof name, "sim.join%u.%s", n, what);
  bench_print(name, value, unit);
}

/* N core-only members, a root and a controller: online, join one network, ping a neighbour. */
static void join_and_ping(const char *pool, uint32_t n)
{
  double t0 = bench_now();
  ztk_sim *s = star(pool, 1, n);
  char(*ips)[ZTK_SIM_TEXT] = calloc(n, sizeof *ips);
  uint64_t nwid = 0;
  ztk_sim_run_until(s, (int64_t)n * 10 + 15000, 0); /* every member booted and online */
  drain(s);
  while (ztk_sim_now_ms(s) < (int64_t)n * 10 + 60000 && !(nwid = public_network(s))) {
    ztk_sim_run_for(s, 500);
    drain(s);
  }
  uint32_t joined = ips && nwid ? join_all(s, nwid, n, ips) : 0;
  int64_t t_joined = ztk_sim_now_ms(s);
  uint32_t pinged = joined == n ? ping_all(s, n, ips) : 0;
  double wall = bench_now() - t0;
  uint64_t events = ztk_sim_events_run(s);
  report("joined", n, joined, "members configured");
  report("joined_at", n, (double)t_joined / 1000.0, "s virtual");
  report("pinged", n, pinged, "neighbour pings answered");
  report("events", n, (double)events, "events");
  report("events_per_s", n, (double)events / wall, "events/s (wall)");
  report("wall", n, wall, "s");
  report("peak_rss", n, peak_rss_mb(), "MB (process peak so far)");
  ztk_sim_free(s);
  free(ips);
}

/* 100 members on one network for a virtual hour, each pinging its neighbour every minute. */
static void one_hour(const char *pool)
{
  const uint32_t n = 100;
  double t0 = bench_now();
  ztk_sim *s = star(pool, 2, n);
  char(*ips)[ZTK_SIM_TEXT] = calloc(n, sizeof *ips);
  ztk_sim_run_until(s, 15000, 0);
  drain(s);
  uint64_t nwid = public_network(s);
  uint32_t joined = ips && nwid ? join_all(s, nwid, n, ips) : 0;
  uint32_t answered = 0;
  for (int minute = 1; minute < 60 && joined == n; minute++) {
    ztk_sim_run_until(s, (int64_t)minute * 60000, 0);
    answered += ping_all(s, n, ips);
  }
  ztk_sim_run_until(s, 3600000, 0);
  double wall = bench_now() - t0;
  bench_print("sim.hour100.pings", answered, "answered (59 rounds of 100)");
  bench_print("sim.hour100.wall", wall, "s");
  bench_print("sim.hour100.events", (double)ztk_sim_events_run(s), "events");
  bench_print("sim.hour100.speedup", 3600.0 / wall, "x virtual/wall");
  ztk_sim_free(s);
  free(ips);
}

int main(void)
{
  const char *big = getenv("ZTK_BENCH_POOL") ? getenv("ZTK_BENCH_POOL") : "/work/pool/a.pool";
  join_and_ping(COMMITTED_POOL, 1000);
  one_hour(COMMITTED_POOL);
  long have = pool_records(big);
  if (have >= 10002)
    join_and_ping(big, 10000);
  else
    printf("sim.join10000: skipped: %s holds %ld identities, 10,002 needed (set ZTK_BENCH_POOL)\n",
           big, have);
  return 0;
}
