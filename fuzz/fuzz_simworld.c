/* Target Functions: the simulator world through its flat API (include/ztkit/sim.h: sim/world,
 * world_node, world_fault, world_query, world_store).
 *
 * A stateful target: the input is a program of small operations (hosts of both roles, routers,
 * links, NAT sites, crashes and restarts, partitions, link changes, clock steps, messages,
 * queries, runs of the clock), with arguments taken from the input and often out of range on
 * purpose. Every call must return a code rather than crash; virtual time and hosts are
 * bounded, so an input always finishes; the world must free everything. */
#include <string.h>

#include "core/util/cursor.h"
#include "ztkit/sim.h"

#define POOL ZTK_SOURCE_DIR "/scenarios/data/identities.pool"
#define MAX_OPS 64
#define MAX_HOSTS 12
#define MAX_RUN_MS 60000

typedef struct prog {
  ztk_rd in;
  ztk_sim *s;
  int64_t ran;
} prog;

static uint8_t u8(prog *p) { return ztk_rd_u8(&p->in); }
static uint32_t idx(prog *p) { return u8(p) % 20; } /* often valid, sometimes not */

static void link_params(prog *p, ztk_sim_link_params *lp)
{
  memset(lp, 0, sizeof *lp);
  lp->latency_us = (int64_t)u8(p) * 1000;
  lp->loss = (double)u8(p) / 200.0; /* sometimes above 1: refused */
  lp->dup = (double)(u8(p) % 16) / 100.0;
  lp->jitter_us = (int64_t)(u8(p) % 8) * 1000;
}

static void op_host(prog *p, bool root)
{
  ztk_sim_host_opts o;
  ztk_sim_link_params lp;
  if (ztk_sim_hosts(p->s) >= MAX_HOSTS)
    return;
  ztk_sim_host_opts_init(&o);
  o.role = root ? ZTK_SIM_ROOT : ZTK_SIM_MEMBER;
  uint8_t f = u8(p);
  if (f & 1)
    o.site = idx(p) % 4;
  if (f & 2)
    o.attach = idx(p);
  if (f & 4) {
    link_params(p, &lp);
    o.access = &lp;
  }
  if (f & 8)
    o.identity = (int64_t)u8(p) * 10 - 100;
  if ((f & 0x70) == 0x70) /* rare: each impostor costs the root full proof-of-work checks */
    o.address_of = (int64_t)u8(p) - 10;
  o.clock_offset_ms = (int64_t)(int8_t)u8(p) * 1000;
  ztk_sim_add_host(p->s, &o);
}

static void op_underlay(prog *p)
{
  ztk_sim_link_params lp;
  link_params(p, &lp);
  switch (u8(p) % 4) {
  case 0:
    ztk_sim_connect(p->s, idx(p), (uint32_t)ztk_sim_router(p->s), &lp, NULL);
    return;
  case 1:
    ztk_sim_site(p->s, idx(p), (ztk_sim_nat_type)(u8(p) % 6), (int64_t)u8(p) * 1000, &lp);
    return;
  case 2:
    ztk_sim_line(p->s, idx(p), u8(p) % 4, &lp);
    return;
  default:
    ztk_sim_random(p->s, idx(p), u8(p) % 4, u8(p) % 3, &lp);
  }
}

static void op_fault(prog *p)
{
  ztk_sim_link_params lp;
  int64_t at = ztk_sim_now_ms(p->s) + (int64_t)u8(p) * 500 - 1000;
  uint32_t hosts[3] = {idx(p), idx(p), idx(p)};
  switch (u8(p) % 7) {
  case 0:
    ztk_sim_crash(p->s, at, idx(p));
    return;
  case 1:
    ztk_sim_restart(p->s, at, idx(p), u8(p) & 1);
    return;
  case 2:
    ztk_sim_partition(p->s, at, (u8(p) & 1) ? "a" : "b", hosts, u8(p) % 4);
    return;
  case 3:
    ztk_sim_heal(p->s, at);
    return;
  case 4:
    link_params(p, &lp);
    ztk_sim_link_set(p->s, at, idx(p) * 2, (int)(u8(p) % 4) - 2, (u8(p) & 1) ? &lp : NULL);
    return;
  case 5:
    ztk_sim_link_up(p->s, at, idx(p) * 2, u8(p) & 1);
    return;
  default:
    ztk_sim_clock_step(p->s, at, idx(p), (int64_t)(int8_t)u8(p) * 10000);
  }
}

static void op_query(prog *p)
{
  ztk_sim_host_info info;
  ztk_peer_info peers[4];
  ztk_node_counters nc;
  ztk_sim_wire_counters wc;
  ztk_sim_link_counters lc;
  ztk_sim_event ev[16];
  char buf[128];
  uint32_t h = idx(p);
  ztk_sim_host_info_get(p->s, h, &info);
  ztk_sim_host_peers(p->s, h, peers, 4);
  ztk_sim_host_peer(p->s, h, idx(p), peers);
  ztk_sim_host_counters(p->s, h, &nc, &wc);
  ztk_sim_link_counters_get(p->s, idx(p), (int)(u8(p) % 3), &lc);
  ztk_sim_events(p->s, ev, 16, NULL);
  ztk_sim_trace_line(p->s, u8(p), buf, sizeof buf);
}

static void op_run(prog *p)
{
  int64_t ms = (int64_t)u8(p) * 200;
  if (p->ran + ms > MAX_RUN_MS)
    return;
  p->ran += ms;
  ztk_sim_run_for(p->s, ms);
}

static void op_traffic(prog *p)
{
  uint8_t data[32];
  uint8_t len = u8(p) % sizeof data;
  memset(data, 0x5a, sizeof data);
  if (u8(p) & 1)
    ztk_sim_send_user_message(p->s, idx(p), idx(p), 0x10000u + u8(p), data, len);
  else
    ztk_sim_echo(p->s, idx(p), idx(p));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  prog p = {.in = ztk_rd_make(data, size)};
  ztk_sim_config cfg;
  ztk_sim_config_init(&cfg);
  cfg.seed = size ? data[0] : 0;
  cfg.pool_path = POOL;
  cfg.events_max = 64;
  if (ztk_sim_new(&p.s, &cfg))
    return 0;
  for (int i = 0; i < MAX_OPS && !p.in.err; i++) {
    switch (u8(&p) % 8) {
    case 0:
      op_host(&p, false);
      break;
    case 1:
      op_host(&p, true);
      break;
    case 2:
      op_underlay(&p);
      break;
    case 3:
      op_fault(&p);
      break;
    case 4:
      op_query(&p);
      break;
    case 5:
    case 6:
      op_run(&p);
      break;
    default:
      op_traffic(&p);
    }
  }
  char hash[ZTK_SIM_HASH_HEX];
  ztk_sim_trace_hash(p.s, hash);
  ztk_sim_free(p.s);
  return 0;
}
