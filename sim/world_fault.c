/* Faults at virtual times: crash, restart, partitions, link changes and clock steps. A fault
 * due now is applied at once; a later one is an event on the world's queue (ctx = the world,
 * so freeing the world purges those still pending). Each is traced when it happens. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "sim/world.h"
#include "ztkit/error.h"

typedef enum fault_kind {
  F_CRASH = 1,
  F_RESTART,
  F_PARTITION,
  F_HEAL,
  F_LINK_SET,
  F_LINK_UP,
  F_CLOCK_STEP,
  F_JOIN,
  F_LEAVE,
} fault_kind;

#define MAX_GROUP_HOSTS 64

typedef struct fault {
  fault_kind kind;
  uint32_t host, link;
  int dir;
  bool flag; /* restart: wipe; link up: up; link set: params given */
  int64_t value;
  uint64_t nwid;
  ztk_sim_link_params p;
  char group[ZTK_PART_NAME_MAX];
  uint32_t n;
  uint32_t hosts[MAX_GROUP_HOSTS];
} fault;

static void trace(ztk_sim *s, const char *what, const char *ka, uint64_t a, const char *kb,
                  int64_t b)
{
  ztk_trace_printf(s->trace, ztk_evq_now_us(s->q), "fault %s %s=%" PRIu64 " %s=%" PRId64, what,
                   ka, a, kb, b);
}

static void do_crash(ztk_sim *s, ztk_sim_host *h)
{
  if (!h->node)
    return;
  ztk_sim_node_stop(h);
  ztk_sim_record(s, h->idx, NULL, ZTK_SIM_EVENT_CRASH);
}

static void do_restart(ztk_sim *s, ztk_sim_host *h, bool wipe)
{
  do_crash(s, h);
  if (wipe) {
    ztk_sim_store_clear(&h->store);
    ztk_sim_net_forget(h); /* a fresh install has joined nothing */
    if (s->next_identity < (int64_t)ztk_idpool_size(s->pool)) {
      h->identity = s->next_identity++;
      h->address_of = -1;
      h->address = ztk_idpool_address(s->pool, (size_t)h->identity);
    }
  }
  h->restarts++;
  ztk_sim_record(s, h->idx, NULL, ZTK_SIM_EVENT_RESTART);
  if (s->started && !s->halted) {
    int rc = ztk_sim_node_start(h);
    if (rc)
      trace(s, "restart", "h", h->idx, "failed", rc);
  }
}

static void do_partition(ztk_sim *s, const fault *f)
{
  ztk_partition *p = ztk_net_partition(s->net);
  int g = ztk_part_group(p, f->group);
  if (g < 0) {
    trace(s, "partition", "n", f->n, "failed", g);
    return;
  }
  for (uint32_t i = 0; i < f->n; i++)
    ztk_net_group_add(s->net, g, s->hosts[f->hosts[i]]->elem);
  ztk_part_isolate(p, g, true, true);
  trace(s, "partition", "n", f->n, "g", g);
}

static void apply(ztk_sim *s, const fault *f)
{
  ztk_sim_host *h = f->host < s->nhosts ? s->hosts[f->host] : NULL;
  ztk_link_params lp;
  switch (f->kind) {
  case F_CRASH:
    do_crash(s, h);
    return;
  case F_RESTART:
    do_restart(s, h, f->flag);
    return;
  case F_PARTITION:
    do_partition(s, f);
    return;
  case F_HEAL:
    ztk_part_heal_all(ztk_net_partition(s->net));
    trace(s, "heal", "all", 1, "g", -1);
    return;
  case F_LINK_SET:
    ztk_sim_link_params_conv(f->flag ? &f->p : NULL, &lp);
    ztk_net_link_set(s->net, f->link, f->dir, &lp);
    trace(s, "link-set", "l", f->link, "dir", f->dir);
    return;
  case F_LINK_UP: {
    ztk_net_op op = {f->flag ? ZTK_NET_OP_LINK_UP : ZTK_NET_OP_LINK_DOWN, f->link, 0, -1, false, 0};
    ztk_net_apply(s->net, &op);
    return;
  }
  case F_JOIN:
  case F_LEAVE:
    ztk_sim_net_apply(h, f->nwid, f->kind == F_JOIN);
    return;
  case F_CLOCK_STEP: {
    ztk_net_op op = {ZTK_NET_OP_CLOCK_STEP, h->elem, 0, 0, false, f->value * 1000};
    ztk_net_apply(s->net, &op);
    if (h->node) /* its deadline moved in virtual time: let it look again now */
      ztk_sim_node_schedule(h, ztk_net_local_ms(s->net, h->elem));
    return;
  }
  }
}

static void on_fault(ztk_evq *q, void *ctx, void *arg)
{
  (void)q;
  apply(ctx, arg);
  free(arg);
}

static int submit(ztk_sim *s, int64_t at_ms, const fault *f)
{
  int64_t at = ztk_sim_us(s, at_ms);
  if (at <= ztk_evq_now_us(s->q)) {
    apply(s, f);
    return 0;
  }
  fault *copy = malloc(sizeof *copy);
  if (!copy)
    return ZTK_ENOMEM;
  *copy = *f;
  int rc = ztk_evq_at(s->q, at, on_fault, s, copy, NULL);
  if (rc)
    free(copy);
  return rc;
}

static int host_fault(ztk_sim *s, int64_t at_ms, uint32_t host, fault_kind kind, bool flag,
                      int64_t value)
{
  if (!ztk_sim_host_get(s, host))
    return ZTK_EINVAL;
  fault f = {.kind = kind, .host = host, .flag = flag, .value = value};
  return submit(s, at_ms, &f);
}

int ztk_sim_crash(ztk_sim *s, int64_t at_ms, uint32_t host)
{
  return host_fault(s, at_ms, host, F_CRASH, false, 0);
}

int ztk_sim_restart(ztk_sim *s, int64_t at_ms, uint32_t host, bool wipe)
{
  return host_fault(s, at_ms, host, F_RESTART, wipe, 0);
}

int ztk_sim_clock_step(ztk_sim *s, int64_t at_ms, uint32_t host, int64_t delta_ms)
{
  if (delta_ms > INT64_MAX / 4000 || delta_ms < -(INT64_MAX / 4000))
    return ZTK_EINVAL;
  return host_fault(s, at_ms, host, F_CLOCK_STEP, false, delta_ms);
}

int ztk_sim_partition(ztk_sim *s, int64_t at_ms, const char *group, const uint32_t *hosts,
                      uint32_t n)
{
  if (!s || !group || !group[0] || strlen(group) >= ZTK_PART_NAME_MAX || (n && !hosts) ||
      n > MAX_GROUP_HOSTS)
    return n > MAX_GROUP_HOSTS ? ZTK_ELIMIT : ZTK_EINVAL;
  fault f = {.kind = F_PARTITION, .n = n};
  for (uint32_t i = 0; i < n; i++) {
    if (hosts[i] >= s->nhosts)
      return ZTK_EINVAL;
    f.hosts[i] = hosts[i];
  }
  memcpy(f.group, group, strlen(group) + 1);
  return submit(s, at_ms, &f);
}

int ztk_sim_heal(ztk_sim *s, int64_t at_ms)
{
  if (!s)
    return ZTK_EINVAL;
  fault f = {.kind = F_HEAL};
  return submit(s, at_ms, &f);
}

int ztk_sim_link_set(ztk_sim *s, int64_t at_ms, uint32_t link, int dir,
                     const ztk_sim_link_params *p)
{
  if (!s || link >= ztk_net_links(s->net) || dir < -1 || dir > 1)
    return ZTK_EINVAL;
  if (!ztk_sim_params_ok(p))
    return ZTK_EINVAL;
  fault f = {.kind = F_LINK_SET, .link = link, .dir = dir, .flag = p != NULL};
  if (p)
    f.p = *p;
  return submit(s, at_ms, &f);
}

int ztk_sim_link_up(ztk_sim *s, int64_t at_ms, uint32_t link, bool up)
{
  if (!s || link >= ztk_net_links(s->net))
    return ZTK_EINVAL;
  fault f = {.kind = F_LINK_UP, .link = link, .flag = up};
  return submit(s, at_ms, &f);
}

static int net_fault(ztk_sim *s, int64_t at_ms, uint32_t host, uint64_t nwid, fault_kind kind)
{
  ztk_sim_host *h = ztk_sim_host_get(s, host);
  if (!h || !nwid)
    return ZTK_EINVAL;
  if (kind == F_JOIN) { /* refuse what cannot work now rather than trace a failure later */
    ztk_sim_hnet *n = ztk_sim_hnet_get(h, nwid, false);
    uint32_t joined = 0;
    for (uint32_t i = 0; i < h->nnets; i++)
      joined += h->nets[i].joined;
    if (!(n && n->joined) && (joined >= ZTK_SIM_HOST_NETWORKS ||
                              (h->stack && s->stack_netifs >= ZTK_SIM_MAX_NETIFS)))
      return ZTK_ELIMIT;
  }
  fault f = {.kind = kind, .host = host, .nwid = nwid};
  return submit(s, at_ms, &f);
}

int ztk_sim_join(ztk_sim *s, int64_t at_ms, uint32_t host, uint64_t nwid)
{
  return net_fault(s, at_ms, host, nwid, F_JOIN);
}

int ztk_sim_leave(ztk_sim *s, int64_t at_ms, uint32_t host, uint64_t nwid)
{
  return net_fault(s, at_ms, host, nwid, F_LEAVE);
}
