/* lwIP for the world's stack hosts (stack/: env, host, vnic). The process has one lwIP: the
 * world claims it (ztk_stack_claim: restarted afresh, with the world's random stream) when its
 * first stack host starts and keeps it until it is freed or halted. lwIP sees the world's
 * virtual time in ms; its timers are one world event at lwIP's next deadline. Frames a node
 * hands to its interface are queued and fed to lwIP by the host's work event, so lwIP never
 * runs inside a node callback; frames lwIP sends go straight to the node. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "sim/world.h"
#include "stack/env.h"
#include "stack/host.h"
#include "stack/netif.h"
#include "stack/socket.h"
#include "stack/vnic.h"
#include "ztkit/error.h"

typedef struct qframe {
  uint64_t nwid, src, dst;
  uint16_t ethertype;
  uint32_t len;
  uint8_t *data;
} qframe;

struct ztk_sim_hstack {
  ztk_sim_host *h;
  ztk_stack_host *sh;
  ztk_vnic *vnic;
  qframe *q; /* ZTK_SIM_STACK_QUEUE entries */
  uint32_t qhead, qcount;
  bool sync;     /* the interfaces must follow the node's networks */
  bool stopping; /* going down: what lwIP still sends is not sent */
  bool limit_noted;
  ztk_sock *ping[2]; /* IPv4, IPv6 */
};

static int64_t now_ms(const ztk_sim *s) { return ztk_evq_now_us(s->q) / 1000; }

/* ---- the world's stack event ---- */

static void on_stack(ztk_evq *q, void *ctx, void *arg);

static void schedule(ztk_sim *s, int64_t deadline_ms)
{
  if (!s->stack_held || deadline_ms == ZTK_NEVER)
    return;
  int64_t now = ztk_evq_now_us(s->q);
  int64_t at = deadline_ms < INT64_MAX / 1000 ? deadline_ms * 1000 : INT64_MAX / 2;
  if (at < now)
    at = now;
  if (ztk_evq_pending(s->q, s->stack_ev)) {
    if (s->stack_at_us <= at)
      return;
    ztk_evq_cancel(s->q, s->stack_ev);
  }
  if (ztk_evq_at(s->q, at, on_stack, s, NULL, &s->stack_ev) == 0)
    s->stack_at_us = at;
  else
    s->stack_ev = 0;
}

static void on_stack(ztk_evq *q, void *ctx, void *arg)
{
  ztk_sim *s = ctx;
  (void)q;
  (void)arg;
  s->stack_ev = 0;
  int64_t now = now_ms(s);
  int64_t next = ztk_stack_tick(now);
  /* a deadline already due runs again a millisecond later, never in a loop */
  schedule(s, next > now || next == ZTK_NEVER ? next : now + 1);
}

void ztk_sim_stack_enter(ztk_sim *s) { ztk_stack_set_now(now_ms(s)); }

void ztk_sim_stack_leave(ztk_sim *s) { schedule(s, ztk_stack_next_deadline()); }

static void stack_random(void *user, void *buf, size_t len)
{
  ztk_rng_fill(&((ztk_sim *)user)->stack_rng, buf, len);
}

static int claim(ztk_sim *s)
{
  if (s->stack_held)
    return 0;
  ztk_rng_stream(&s->root, "lwip", &s->stack_rng);
  int rc = ztk_stack_claim(s, now_ms(s), stack_random, s);
  if (rc) {
    ztk_trace_printf(s->trace, ztk_evq_now_us(s->q), "stack claim failed=%d", rc);
    return rc;
  }
  s->stack_held = true;
  ztk_trace_printf(s->trace, ztk_evq_now_us(s->q), "stack claim");
  return 0;
}

void ztk_sim_stack_release(ztk_sim *s)
{
  if (!s->stack_held)
    return;
  if (s->stack_ev)
    ztk_evq_cancel(s->q, s->stack_ev);
  s->stack_ev = 0;
  ztk_stack_release(s);
  s->stack_held = false;
}

/* ---- a stack host's interfaces ---- */

static void vnic_to_node(void *user, uint64_t nwid, uint64_t src, uint64_t dst, uint16_t et,
                         const void *data, size_t len)
{
  struct ztk_sim_hstack *st = user;
  if (!st->stopping)
    ztk_sim_net_frame_out(st->h, nwid, src, dst, et, data, len);
}

static void vnic_subscribe(void *user, uint64_t nwid, uint64_t mac, uint32_t adi, bool on)
{
  struct ztk_sim_hstack *st = user;
  ztk_sim_host *h = st->h;
  if (st->stopping || !h->node)
    return;
  if (on)
    ztk_node_multicast_subscribe(h->node, ztk_sim_local_ms(h), nwid, mac, adi);
  else
    ztk_node_multicast_unsubscribe(h->node, nwid, mac, adi);
}

static const ztk_vnic_ops vnic_ops = {vnic_to_node, vnic_subscribe};

int ztk_sim_stack_start(ztk_sim_host *h)
{
  ztk_sim *s = h->s;
  int rc = claim(s);
  if (rc)
    return rc;
  struct ztk_sim_hstack *st = calloc(1, sizeof *st);
  if (!st || !(st->q = calloc(ZTK_SIM_STACK_QUEUE, sizeof *st->q))) {
    free(st);
    return ZTK_ENOMEM;
  }
  st->h = h;
  ztk_sim_stack_enter(s);
  if ((rc = ztk_stack_host_new(&st->sh, NULL)) ||
      (rc = ztk_vnic_new(&st->vnic, st->sh, h->node, &vnic_ops, st))) {
    ztk_stack_host_free(st->sh);
    free(st->q);
    free(st);
    return rc;
  }
  h->st = st;
  st->sync = true; /* configs restored from the store are there already */
  ztk_sim_work_soon(h);
  return 0;
}

void ztk_sim_stack_stop(ztk_sim_host *h)
{
  struct ztk_sim_hstack *st = h->st;
  if (!st)
    return;
  ztk_sim *s = h->s;
  st->stopping = true;
  ztk_sim_sock_host_down(s, h->idx);
  ztk_sim_stack_enter(s);
  ztk_vnic_free(st->vnic);
  ztk_stack_host_free(st->sh);
  ztk_sim_stack_leave(s);
  for (uint32_t i = 0; i < st->qcount; i++)
    free(st->q[(st->qhead + i) % ZTK_SIM_STACK_QUEUE].data);
  free(st->q);
  free(st);
  h->st = NULL;
}

void ztk_sim_stack_queue(ztk_sim_host *h, uint64_t nwid, uint64_t src, uint64_t dst,
                         uint16_t ethertype, const void *data, size_t len)
{
  struct ztk_sim_hstack *st = h->st;
  uint8_t *copy = NULL;
  if (st->stopping || st->qcount == ZTK_SIM_STACK_QUEUE || !(copy = malloc(len ? len : 1))) {
    ztk_sim_hnet *n = ztk_sim_hnet_get(h, nwid, false);
    if (n)
      n->c.stack_drops++;
    return;
  }
  memcpy(copy, data, len);
  st->q[(st->qhead + st->qcount++) % ZTK_SIM_STACK_QUEUE] =
      (qframe){nwid, src, dst, ethertype, (uint32_t)len, copy};
  ztk_sim_work_soon(h);
}

void ztk_sim_stack_sync_soon(ztk_sim_host *h)
{
  if (h->st)
    h->st->sync = true;
}

static void sync_now(ztk_sim_host *h)
{
  struct ztk_sim_hstack *st = h->st;
  st->sync = false;
  int rc = ztk_vnic_sync(st->vnic);
  if (rc && !st->limit_noted) {
    st->limit_noted = true; /* e.g. ZTK_ELIMIT: the process is out of netifs */
    ztk_trace_printf(h->s->trace, ztk_evq_now_us(h->s->q), "stack h=%" PRIu32 " sync failed=%d",
                     h->idx, rc);
  }
}

void ztk_sim_stack_work(ztk_sim_host *h)
{
  struct ztk_sim_hstack *st = h->st;
  ztk_sim *s = h->s;
  ztk_sim_stack_enter(s);
  if (st->sync)
    sync_now(h);
  /* frames queued while this runs wait for the next work event */
  for (uint32_t n = st->qcount; n > 0 && h->st == st; n--) {
    qframe f = st->q[st->qhead];
    st->qhead = (st->qhead + 1) % ZTK_SIM_STACK_QUEUE;
    st->qcount--;
    if (ztk_sim_stack_netifs(h, f.nwid) == 0) {
      ztk_sim_hnet *hn = ztk_sim_hnet_get(h, f.nwid, false);
      if (hn)
        hn->c.stack_drops++;
    } else {
      ztk_vnic_from_node(st->vnic, f.nwid, f.src, f.dst, f.ethertype, f.data, f.len);
    }
    free(f.data);
  }
  if (h->st == st) {
    ztk_vnic_flush(st->vnic);
    if (st->qcount || st->sync)
      ztk_sim_work_soon(h);
  }
  ztk_sim_stack_leave(s);
}

int ztk_sim_stack_netifs(const ztk_sim_host *h, uint64_t nwid)
{
  struct ztk_stack_netif *nifs[ZTK_STACK_HOST_MAX_NETIFS];
  if (!h->st)
    return 0;
  int n = ztk_stack_host_netifs(h->st->sh, nifs, ZTK_STACK_HOST_MAX_NETIFS), c = 0;
  for (int i = 0; i < n && i < ZTK_STACK_HOST_MAX_NETIFS; i++)
    c += ztk_stack_netif_nwid(nifs[i]) == nwid;
  return c;
}

struct ztk_stack_host *ztk_sim_stack_host(const ztk_sim_host *h)
{
  return h->st ? h->st->sh : NULL;
}

static void ping_wakeup(void *user, ztk_sock *sock, unsigned events)
{
  (void)events;
  ztk_sim_ping_sock_ready(user, sock);
}

ztk_sock *ztk_sim_stack_ping_sock(ztk_sim_host *h, int family, int *err)
{
  struct ztk_sim_hstack *st = h->st;
  *err = 0;
  if (!st) {
    *err = ZTK_ESTATE;
    return NULL;
  }
  ztk_sock **p = &st->ping[family == 6];
  if (!*p) {
    if ((*err = ztk_sock_new(p, st->sh, family, ZTK_SOCK_PING)))
      return NULL;
    ztk_sock_set_wakeup(*p, ping_wakeup, h);
  }
  return *p;
}
