/* The datagram path through the fabric: send, hop by hop forwarding, NAT rewriting, delivery,
 * and the counters, trace lines and captures for each step. One event per link crossing. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "sim/net_impl.h"
#include "ztkit/error.h"

static int64_t now(const ztk_net *n)
{
  return ztk_evq_now_us(n->q);
}

static host *host_of(ztk_net *n, uint32_t e)
{
  return &n->hosts[n->elems[e].aux];
}

/* ---- datagram memory ---------------------------------------------------------------------- */

static pkt *pkt_new(ztk_net *n, uint32_t len)
{
  if (n->inflight >= n->cfg.max_inflight)
    return NULL;
  pkt *p = malloc(sizeof *p + len);
  if (!p)
    return NULL;
  n->inflight++;
  n->inflight_bytes += sizeof *p + len;
  return p;
}

void ztk_fwd_free(ztk_net *n, pkt *p)
{
  n->inflight--;
  n->inflight_bytes -= sizeof *p + p->len;
  free(p);
}

/* ---- trace and capture -------------------------------------------------------------------- */

/* "src>dst" of a datagram. */
static void fmt_pair(const pkt *p, char *out, size_t cap)
{
  char s[ZTK_INADDR_STRLEN], d[ZTK_INADDR_STRLEN];
  ztk_inaddr_format(&p->src, s);
  ztk_inaddr_format(&p->dst, d);
  snprintf(out, cap, "%s>%s", s, d);
}

static void tap(ztk_net *n, const pkt *p, uint32_t at, uint32_t from, uint32_t to)
{
  for (uint32_t i = 0; i < n->ncaps; i++)
    if (n->caps[i].elem == at)
      ztk_pcap_udp(n->caps[i].w, now(n), from, to, &p->src, &p->dst, p->ttl, (uint16_t)p->id,
                   p->data, p->len);
}

static void drop(ztk_net *n, pkt *p, int reason, const char *where, uint32_t id)
{
  host_of(n, p->origin)->c.dropped[reason]++;
  if (n->trace)
    ztk_trace_printf(n->trace, now(n), "drop p=%" PRIu64 " %s=%" PRIu32 " reason=%s", p->id, where,
                     id, ztk_drop_name(reason));
  ztk_fwd_free(n, p);
}

/* ---- the link crossing -------------------------------------------------------------------- */

static int clone_flight(void *ctx, const ztk_flight *orig, ztk_flight *copy)
{
  ztk_net *n = ctx;
  const pkt *o = orig->owner;
  pkt *p = pkt_new(n, o->len);
  if (!p)
    return -1;
  memcpy(p, o, sizeof *p);
  memcpy(p->data, orig->data, o->len);
  p->id = n->next_id++;
  *copy = *orig;
  copy->data = p->data;
  copy->owner = p;
  host_of(n, p->origin)->c.duplicated++;
  if (n->trace)
    ztk_trace_printf(n->trace, now(n), "dup p=%" PRIu64 " copy=%" PRIu64 " l=%" PRIu32 "/%u", o->id,
                     p->id, o->link, o->dir);
  return 0;
}

static void trace_flags(ztk_net *n, const pkt *p, const ztk_flight *f)
{
  if (f->flags & ZTK_FLIGHT_QUEUED)
    ztk_trace_printf(n->trace, now(n), "queue p=%" PRIu64 " l=%" PRIu32 "/%u backlog=%" PRIu32,
                     p->id, p->link, p->dir, f->backlog);
  if (f->flags & ZTK_FLIGHT_CORRUPTED)
    ztk_trace_printf(n->trace, now(n), "corrupt p=%" PRIu64 " l=%" PRIu32 "/%u", p->id, p->link,
                     p->dir);
}

static void flight_done(void *ctx, ztk_flight *f, int verdict)
{
  ztk_net *n = ctx;
  pkt *p = f->owner;
  if (n->trace)
    trace_flags(n, p, f);
  p->flags |= f->flags;
  if (verdict != ZTK_DROP_NONE) {
    drop(n, p, verdict, "l", p->link);
    return;
  }
  if (ztk_evq_at(n->q, f->t_us, ztk_fwd_arrive, n, p, NULL) != 0)
    drop(n, p, ZTK_DROP_FABRIC, "l", p->link);
}

static const ztk_flight_sink SINK_OPS = {NULL, clone_flight, flight_done};

/* Sends p from element x one hop toward p->target. */
static void forward(ztk_net *n, pkt *p, uint32_t x)
{
  int err = 0;
  uint32_t l = ztk_route_next(n, x, p->target, &err);
  if (l == NONE) {
    drop(n, p, err ? ZTK_DROP_FABRIC : ZTK_DROP_NOROUTE, "at", x);
    return;
  }
  p->link = l;
  p->dir = n->links[l].a == x ? 0 : 1;
  ztk_flight f;
  memset(&f, 0, sizeof f);
  f.t_us = now(n);
  f.data = p->data;
  f.len = p->len;
  f.wire_len = p->len + 8 + (p->src.family == 4 ? 20 : 40);
  f.owner = p;
  ztk_flight_sink sink = SINK_OPS;
  sink.ctx = n;
  ztk_linkdir_run(&n->links[l].dir[p->dir], &f, &sink);
}

/* ---- segments ----------------------------------------------------------------------------- */

/* The element a datagram for dst goes to next in realm: the owner of the address, else the
 * realm's NAT gateway, else NONE. */
static uint32_t resolve(const ztk_net *n, uint32_t realm, const ztk_inaddr *dst)
{
  int e = ztk_net_find_addr(n, realm, dst);
  if (e >= 0)
    return (uint32_t)e;
  return dst->family == 4 ? n->realms[realm] : NONE;
}

int ztk_net_send(ztk_net *n, uint32_t e, const ztk_inaddr *src, const ztk_inaddr *dst, int ttl,
                 const void *data, size_t len)
{
  if (e >= n->nelems || n->elems[e].kind != ZTK_ELEM_HOST || !src || !dst ||
      src->family != dst->family || !src->port || !dst->port || ttl < 0 || ttl > 255 ||
      (len && !data) || ztk_net_find_addr(n, n->elems[e].realm, src) != (int)e)
    return ZTK_EINVAL;
  if (len > ZTK_NET_MAX_PAYLOAD)
    return ZTK_ERANGE;
  host *h = host_of(n, e);
  h->c.sent++;
  h->c.bytes_sent += len;
  pkt *p = pkt_new(n, (uint32_t)len);
  if (!p) { /* counted as sent and dropped, so the books still balance */
    h->c.dropped[ZTK_DROP_FABRIC]++;
    return n->inflight >= n->cfg.max_inflight ? ZTK_EAGAIN : ZTK_ENOMEM;
  }
  memset(p, 0, sizeof *p);
  p->id = n->next_id++;
  p->origin = e;
  p->realm = n->elems[e].realm;
  p->ttl = (uint8_t)(ttl ? ttl : ZTK_NET_DEFAULT_TTL);
  p->src = *src;
  p->dst = *dst;
  p->len = (uint32_t)len;
  if (len)
    memcpy(p->data, data, len);
  p->target = resolve(n, p->realm, dst);
  if (n->trace) {
    char pair[2 * ZTK_INADDR_STRLEN + 2];
    fmt_pair(p, pair, sizeof pair);
    ztk_trace_printf(n->trace, now(n), "send p=%" PRIu64 " h=%" PRIu32 " %s len=%" PRIu32 " ttl=%u",
                     p->id, e, pair, p->len, p->ttl);
  }
  tap(n, p, e, e, p->target);
  tap(n, p, ZTK_NET_NONE, e, p->target);
  if (p->target == NONE) {
    drop(n, p, ZTK_DROP_NOROUTE, "at", e);
  } else if (p->target == e) { /* to itself: loopback, delivered as the next event */
    p->link = NONE;
    if (ztk_evq_at(n->q, now(n), ztk_fwd_arrive, n, p, NULL) != 0)
      drop(n, p, ZTK_DROP_FABRIC, "at", e);
  } else {
    forward(n, p, e);
  }
  return 0;
}

/* ---- arrival ------------------------------------------------------------------------------ */

static void deliver(ztk_net *n, pkt *p, uint32_t e)
{
  host *h = host_of(n, e);
  ztk_net_dgram d = {p->id, p->src, p->dst, p->data, p->len, p->ttl, p->flags};
  int verdict = h->rx ? h->rx(h->rx_ctx, e, &d) : ZTK_DROP_NOSOCK;
  if (verdict < 0 || verdict >= ZTK_DROP_COUNT)
    verdict = ZTK_DROP_NOSOCK;
  if (verdict != ZTK_DROP_NONE) {
    drop(n, p, verdict, "at", e);
    return;
  }
  h->c.received++;
  h->c.bytes_received += p->len;
  if (n->trace) {
    char pair[2 * ZTK_INADDR_STRLEN + 2];
    fmt_pair(p, pair, sizeof pair);
    ztk_trace_printf(n->trace, now(n), "recv p=%" PRIu64 " h=%" PRIu32 " %s len=%" PRIu32 " ttl=%u",
                     p->id, e, pair, p->len, p->ttl);
  }
  tap(n, p, e, p->link == NONE ? e : ztk_net_other(n, p->link, e), e);
  ztk_fwd_free(n, p);
}

/* Rewrites a datagram that reached NAT element e as its segment target. Returns
 * ZTK_DROP_NONE with p's addresses, realm and next target updated, or a drop reason. */
static int nat_rewrite(ztk_net *n, pkt *p, uint32_t e)
{
  const natbox *b = &n->nats[n->elems[e].aux];
  const ztk_inaddr *pub = ztk_nat_public_ip(b->nat);
  int64_t t = now(n);
  int r;
  if (p->dst.family != 4)
    return ZTK_DROP_NOSOCK; /* NAT boxes have no IPv6 address of their own */
  if (p->realm == b->inside_realm) {
    if ((r = ztk_nat_out(b->nat, t, &p->src, &p->dst, &p->src)) != ZTK_DROP_NONE)
      return r;
    p->realm = n->elems[e].realm;
    if (!ztk_inaddr_ip_eq(&p->dst, pub)) {
      p->target = resolve(n, p->realm, &p->dst);
      return ZTK_DROP_NONE;
    }
    if (!ztk_nat_config_of(b->nat)->hairpin)
      return ZTK_DROP_NAT_HAIRPIN;
  }
  if ((r = ztk_nat_in(b->nat, t, &p->src, &p->dst, &p->dst)) != ZTK_DROP_NONE)
    return r;
  p->realm = b->inside_realm;
  p->target = resolve(n, p->realm, &p->dst);
  return ZTK_DROP_NONE;
}

static void at_nat(ztk_net *n, pkt *p, uint32_t e)
{
  char before[2 * ZTK_INADDR_STRLEN + 2], after[2 * ZTK_INADDR_STRLEN + 2];
  uint32_t prev = p->link == NONE ? e : ztk_net_other(n, p->link, e);
  if (n->trace)
    fmt_pair(p, before, sizeof before);
  tap(n, p, e, prev, e);
  int r = nat_rewrite(n, p, e);
  if (r == ZTK_DROP_NONE && (p->target == NONE || p->target == e))
    r = ZTK_DROP_NOROUTE;
  if (r != ZTK_DROP_NONE) {
    drop(n, p, r, "at", e);
    return;
  }
  if (n->trace) {
    fmt_pair(p, after, sizeof after);
    ztk_trace_printf(n->trace, now(n), "nat p=%" PRIu64 " n=%" PRIu32 " %s => %s", p->id, e, before,
                     after);
  }
  tap(n, p, e, e, p->target);
  tap(n, p, ZTK_NET_NONE, e, p->target);
  forward(n, p, e);
}

void ztk_fwd_arrive(ztk_evq *q, void *ctx, void *arg)
{
  (void)q;
  ztk_net *n = ctx;
  pkt *p = arg;
  uint32_t y = p->origin;
  if (p->link != NONE) {
    ztk_linkdir *d = &n->links[p->link].dir[p->dir];
    d->c.delivered++;
    d->c.bytes_delivered += p->len;
    y = p->dir == 0 ? n->links[p->link].b : n->links[p->link].a;
  }
  const elem *ye = &n->elems[y];
  bool endpoint = ye->kind == ZTK_ELEM_HOST || ye->kind == ZTK_ELEM_NAT;
  if (endpoint && ztk_part_blocked(&n->part, n->elems[p->origin].groups, ye->groups)) {
    drop(n, p, ZTK_DROP_PARTITION, "at", y);
    return;
  }
  if (y == p->target && ye->kind == ZTK_ELEM_HOST) {
    deliver(n, p, y);
    return;
  }
  if (ye->kind == ZTK_ELEM_HOST) { /* hosts never forward */
    drop(n, p, ZTK_DROP_NOROUTE, "at", y);
    return;
  }
  if (ye->kind != ZTK_ELEM_SWITCH) { /* routers and NAT boxes are IP hops */
    if (p->ttl <= 1) {
      drop(n, p, ZTK_DROP_TTL, "at", y);
      return;
    }
    p->ttl--;
  }
  if (++p->hops >= ZTK_NET_MAX_HOPS) {
    drop(n, p, ZTK_DROP_TTL, "at", y);
    return;
  }
  if (y == p->target)
    at_nat(n, p, y);
  else
    forward(n, p, y);
}
