/* The one owner of lwIP's global state; see env.h. */
#include "stack/env.h"

#include <stdio.h>
#include <string.h>

#include "lwip/init.h"
#include "lwip/ip4_frag.h"
#include "lwip/ip6_frag.h"
#include "lwip/memp.h"
#include "lwip/netif.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/udp.h"
#include "lwip/stats.h"
#include "lwip/sys.h"
#include "lwip/timeouts.h"

#include "lwip_restart.h"
#include "stack/host.h"
#include "stack/socket_impl.h"
#include "ztkit/error.h"

/* Deferred work done at the outermost leave is bounded per leave; what is left stays queued
 * and the next deadline is "now" until it is done. */
#define ENV_MAX_LOOP_ROUNDS 64

static struct {
  bool inited;
  int depth;
  int64_t now_ms;
  ztk_random_fn rand_fn;
  void *rand_user;
  uint64_t rand_state; /* built-in stream when no source is injected */
  ztk_stack_host *dirty_head, *dirty_tail;
  uint32_t netifs;
  uint32_t hosts;
  const void *owner;
  ztk_env_dns dns;
} env;

_Static_assert(MEMP_MAX <= ZTK_STACK_USAGE_POOLS, "raise ZTK_STACK_USAGE_POOLS");

/* Pool names in memp_t order (lwIP keeps them in its stats only for display builds). */
static const char *const env_pool_names[] = {
#define LWIP_MEMPOOL(name, num, size, desc) desc,
#include "lwip/priv/memp_std.h"
};

ztk_env_dns *ztk_env_dns_state(void)
{
  return &env.dns;
}

int ztk_stack_init(void)
{
  if (!env.inited) {
    env.inited = true;
    lwip_init();
  }
  return 0;
}

u32_t sys_now(void)
{
  return (u32_t)env.now_ms;
}

void ztk_stack_set_now(int64_t now_ms)
{
  if (now_ms > env.now_ms)
    env.now_ms = now_ms;
}

int64_t ztk_stack_now(void)
{
  return env.now_ms;
}

void ztk_stack_set_random(ztk_random_fn fn, void *user)
{
  env.rand_fn = fn;
  env.rand_user = user;
}

/* splitmix64: only used when the driver injected no random source. */
static uint32_t env_builtin_rand(void)
{
  uint64_t z = (env.rand_state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return (uint32_t)((z ^ (z >> 31)) >> 16);
}

unsigned int ztk_lwip_rand(void)
{
  uint32_t v = 0;
  if (env.rand_fn == NULL)
    return env_builtin_rand();
  env.rand_fn(env.rand_user, &v, sizeof v);
  return v;
}

bool ztk_env_busy(void)
{
  return env.depth > 0;
}

int ztk_env_enter(void)
{
  if (env.depth > 0)
    return ZTK_ESTATE;
  ztk_stack_init();
  env.depth++;
  return 0;
}

/* Delivers packets queued on netif loopback queues (a host talking to its own address).
 * Returns true if some remain. */
static bool env_poll_loopback(void)
{
  for (int round = 0; round < ENV_MAX_LOOP_ROUNDS; round++) {
    bool any = false;
    struct netif *n;
    NETIF_FOREACH(n)
    {
      if (n->loop_first != NULL) {
        netif_poll(n);
        any = true;
      }
    }
    if (!any)
      return false;
  }
  return true;
}

static bool env_loopback_pending(void)
{
  struct netif *n;
  NETIF_FOREACH(n)
  {
    if (n->loop_first != NULL)
      return true;
  }
  return false;
}

void ztk_env_host_dirty(ztk_stack_host *h)
{
  if (h->dirty)
    return;
  h->dirty = true;
  h->dirty_next = NULL;
  if (env.dirty_tail != NULL)
    env.dirty_tail->dirty_next = h;
  else
    env.dirty_head = h;
  env.dirty_tail = h;
}

void ztk_env_host_forget(ztk_stack_host *h)
{
  ztk_stack_host *prev = NULL;
  if (!h->dirty)
    return;
  for (ztk_stack_host *it = env.dirty_head; it != NULL; prev = it, it = it->dirty_next) {
    if (it != h)
      continue;
    if (prev != NULL)
      prev->dirty_next = it->dirty_next;
    else
      env.dirty_head = it->dirty_next;
    if (env.dirty_tail == it)
      env.dirty_tail = prev;
    break;
  }
  h->dirty = false;
  h->dirty_next = NULL;
}

/* Runs deferred wakeups host by host. A wakeup callback may call into the stack again, which
 * nests enter/leave and may queue more work: the queue is consumed from the head. */
static void env_flush_dirty(void)
{
  int budget = ZTK_STACK_MAX_NETIFS * 4;
  while (env.dirty_head != NULL && budget-- > 0) {
    ztk_stack_host *h = env.dirty_head;
    env.dirty_head = h->dirty_next;
    if (env.dirty_head == NULL)
      env.dirty_tail = NULL;
    h->dirty = false;
    h->dirty_next = NULL;
    ztk_sock_flush_host(h);
  }
}

void ztk_env_leave(void)
{
  if (env.depth == 1)
    env_poll_loopback();
  env.depth--;
  if (env.depth == 0)
    env_flush_dirty();
}

int64_t ztk_stack_next_deadline(void)
{
  if (!env.inited)
    return ZTK_NEVER;
  if (env.dirty_head != NULL || env_loopback_pending())
    return env.now_ms;
  u32_t sleep = sys_timeouts_sleeptime();
  if (sleep == SYS_TIMEOUTS_SLEEPTIME_INFINITE)
    return ZTK_NEVER;
  return env.now_ms + (int64_t)sleep;
}

int64_t ztk_stack_tick(int64_t now_ms)
{
  ztk_stack_set_now(now_ms);
  if (ztk_env_enter() != 0)
    return ZTK_NEVER;
  sys_check_timeouts();
  ztk_env_leave();
  return ztk_stack_next_deadline();
}

void ztk_env_host_count(int delta)
{
  env.hosts = (uint32_t)((int64_t)env.hosts + delta);
}

/* Drops every TCP pcb lwIP still runs (TIME-WAIT, closing connections of freed hosts): with no
 * host left nobody owns them. Bounded by the pcb pools. */
static void env_drop_tcp(void)
{
  for (int guard = 0; tcp_active_pcbs != NULL && guard < MEMP_NUM_TCP_PCB; guard++) {
    tcp_arg(tcp_active_pcbs, NULL); /* its socket is gone: no callbacks */
    tcp_err(tcp_active_pcbs, NULL);
    tcp_abort(tcp_active_pcbs);
  }
  for (int guard = 0; tcp_tw_pcbs != NULL && guard < MEMP_NUM_TCP_PCB; guard++)
    tcp_abort(tcp_tw_pcbs);
  for (int guard = 0; tcp_bound_pcbs != NULL && guard < MEMP_NUM_TCP_PCB; guard++)
    tcp_close(tcp_bound_pcbs);
  for (int guard = 0; tcp_listen_pcbs.listen_pcbs != NULL && guard < MEMP_NUM_TCP_PCB_LISTEN;
       guard++)
    tcp_close((struct tcp_pcb *)tcp_listen_pcbs.listen_pcbs);
  for (int guard = 0; udp_pcbs != NULL && guard < MEMP_NUM_UDP_PCB; guard++)
    udp_remove(udp_pcbs);
}

int ztk_stack_claim(const void *owner, int64_t now_ms, ztk_random_fn fn, void *user)
{
  if (owner == NULL || (env.owner != NULL && env.owner != owner) || env.depth > 0 ||
      env.hosts > 0 || env.netifs > 0)
    return ZTK_ESTATE;
  env.owner = owner;
  env.now_ms = now_ms;
  env.rand_fn = fn;
  env.rand_user = user;
  env.rand_state = 0;
  env.dirty_head = env.dirty_tail = NULL;
  ztk_stack_init();
  env_drop_tcp();
  /* age out half-reassembled datagrams the way lwIP's own timers would */
  for (int i = 0; i <= IP_REASS_MAXAGE || i <= IPV6_REASS_MAXAGE; i++) {
    ip_reass_tmr();
    ip6_reass_tmr();
  }
  ztk_lwip_timeouts_restart();
  ztk_lwip_tcp_restart();
  udp_init();
  ztk_lwip_ip4_restart();
  ztk_lwip_netif_restart();
  return 0;
}

void ztk_stack_release(const void *owner)
{
  if (owner == NULL || env.owner != owner)
    return;
  env.owner = NULL;
  env.rand_fn = NULL;
  env.rand_user = NULL;
}

const void *ztk_stack_owner(void)
{
  return env.owner;
}

int ztk_env_netif_reserve(void)
{
  if (env.netifs >= ZTK_STACK_MAX_NETIFS)
    return ZTK_ELIMIT;
  env.netifs++;
  return 0;
}

void ztk_env_netif_release(void)
{
  if (env.netifs > 0)
    env.netifs--;
}

void ztk_stack_usage_get(ztk_stack_usage *out)
{
  memset(out, 0, sizeof *out);
  ztk_stack_init();
  out->pools = MEMP_MAX;
  for (int i = 0; i < MEMP_MAX; i++) {
    out->pool_used[i] = lwip_stats.memp[i]->used;
    out->pool_err[i] = lwip_stats.memp[i]->err;
    out->pool_name[i] = env_pool_names[i];
  }
  out->heap_used = lwip_stats.mem.used;
  out->heap_err = lwip_stats.mem.err;
  out->rx_checksum_errors = (uint64_t)lwip_stats.ip.chkerr + lwip_stats.tcp.chkerr +
                            lwip_stats.udp.chkerr + lwip_stats.icmp.chkerr + lwip_stats.icmp6.chkerr;
  out->netifs = env.netifs;
}

/* Appends "name a -> b, " to msg (bounded). */
static void usage_note(char *msg, size_t cap, size_t *at, const char *name, uint64_t a, uint64_t b)
{
  if (msg == NULL || *at >= cap)
    return;
  int n = snprintf(msg + *at, cap - *at, "%s%s %llu -> %llu", *at ? ", " : "", name,
                   (unsigned long long)a, (unsigned long long)b);
  if (n > 0)
    *at += (size_t)n;
}

int ztk_stack_usage_diff(const ztk_stack_usage *base, const ztk_stack_usage *now, char *msg,
                         size_t cap)
{
  int diffs = 0;
  size_t at = 0;
  if (msg != NULL && cap > 0)
    msg[0] = '\0';
  for (int i = 0; i < base->pools && i < now->pools; i++) {
    if (base->pool_used[i] != now->pool_used[i]) {
      diffs++;
      usage_note(msg, cap, &at, now->pool_name[i] ? now->pool_name[i] : "pool", base->pool_used[i],
                 now->pool_used[i]);
    }
  }
  if (base->heap_used != now->heap_used) {
    diffs++;
    usage_note(msg, cap, &at, "heap", base->heap_used, now->heap_used);
  }
  if (base->netifs != now->netifs) {
    diffs++;
    usage_note(msg, cap, &at, "netifs", base->netifs, now->netifs);
  }
  return diffs;
}
