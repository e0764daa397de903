/* The nodes of a world: creation from the state store, the node callbacks, the tick and inbox
 * events, and event recording. */
#include <inttypes.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "sim/transport.h"
#include "sim/world.h"
#include "ztkit/error.h"

/* ---- identities ---- */

const uint8_t *ztk_sim_pool_pub(ztk_sim *s, size_t i)
{
  if (!s->pool_have[i]) {
    ztk_identity id;
    ztk_idpool_get(s->pool, i, &id);
    memcpy(s->pool_pub + 64 * i, id.pub, 64);
    memset(&id, 0, sizeof id);
    s->pool_have[i] = 1;
  }
  return s->pool_pub + 64 * i;
}

void ztk_sim_host_identity(const ztk_sim_host *h, ztk_identity *id)
{
  ztk_idpool_get(h->s->pool, (size_t)h->identity, id);
  memcpy(h->s->pool_pub + 64 * h->identity, id->pub, 64);
  h->s->pool_have[h->identity] = 1;
  if (h->address_of >= 0)
    id->address = ztk_idpool_address(h->s->pool, (size_t)h->address_of);
}

static bool pool_addr_eq(const void *ctx, const void *key, uint32_t val)
{
  return ztk_idpool_address(ctx, val) == *(const ztk_address *)key;
}

static bool cb_known_valid(void *user, const ztk_identity *id)
{
  ztk_sim *s = ((ztk_sim_host *)user)->s;
  ztk_address a = id->address;
  uint32_t i = ztk_hmap_find(&s->pool_idx, ztk_hmap_hash(&a, sizeof a), pool_addr_eq, s->pool, &a);
  return i != ZTK_HMAP_NONE && memcmp(ztk_sim_pool_pub(s, i), id->pub, 64) == 0;
}

/* ---- events ---- */

static void format_sockaddr(const struct sockaddr_storage *ss, char out[56])
{
  ztk_inaddr a;
  out[0] = 0;
  if (ss->ss_family == AF_INET || ss->ss_family == AF_INET6) {
    ztk_inaddr_from_sockaddr(&a, (const struct sockaddr *)ss);
    ztk_inaddr_format(&a, out);
  }
}

static void ring_push(ztk_sim *s, const ztk_sim_event *e)
{
  if (!s->ev) {
    s->ev = malloc((size_t)s->cfg.events_max * sizeof *s->ev);
    if (!s->ev) {
      s->ev_lost++;
      return;
    }
    s->ev_cap = s->cfg.events_max;
  }
  if (s->ev_count == s->ev_cap) {
    s->ev_head = (s->ev_head + 1) % s->ev_cap;
    s->ev_count--;
    s->ev_lost++;
  }
  s->ev[(s->ev_head + s->ev_count++) % s->ev_cap] = *e;
}

void ztk_sim_record(ztk_sim *s, uint32_t host, const ztk_event *ev, int type)
{
  ztk_sim_event e;
  memset(&e, 0, sizeof e);
  e.t_ms = ztk_evq_now_ms(s->q);
  e.host = host;
  e.type = type;
  if (ev) {
    e.peer = ev->peer;
    e.nwid = ev->nwid;
    e.user_type = ev->user_type;
    format_sockaddr(&ev->addr, e.addr);
    if (type == ZTK_EVENT_USER_MESSAGE && ev->data) {
      e.len = (uint32_t)ev->len;
      memcpy(e.data, ev->data, ev->len < sizeof e.data ? ev->len : sizeof e.data);
    }
  }
  char nw[32] = "";
  if (e.nwid)
    snprintf(nw, sizeof nw, " nwid=%016" PRIx64, e.nwid);
  ztk_trace_printf(s->trace, ztk_evq_now_us(s->q),
                   "node h=%" PRIu32 " %s peer=%010" PRIx64 "%s%s ut=%" PRIu64 " len=%" PRIu32 "%s",
                   host, ztk_sim_event_name(type), e.peer, e.addr[0] ? " path=" : "", e.addr,
                   e.user_type, e.len, nw);
  ring_push(s, &e);
}

static void cb_event(void *user, const ztk_event *ev)
{
  ztk_sim_host *h = user;
  if (ev->type == ZTK_EVENT_TRACE) {
    if (h->s->cfg.node_trace)
      ztk_trace_printf(h->s->trace, ztk_evq_now_us(h->s->q), "node h=%" PRIu32 " TRACE %.*s",
                       h->idx, (int)(ev->len > 300 ? 300 : ev->len), (const char *)ev->data);
    return;
  }
  ztk_sim_record(h->s, h->idx, ev, (int)ev->type);
  ztk_sim_net_event(h, ev);
}

/* ---- the other callbacks ---- */

static int cb_wire_send(void *user, int64_t sock, const struct sockaddr_storage *to,
                        const void *data, size_t len, unsigned ttl)
{
  ztk_sim_host *h = user;
  int s = sock >= 0 && sock < ZTK_TRANSPORT_MAX_SOCKETS ? (int)sock : h->sock;
  socklen_t tl = to->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
  return ztk_transport_send(h->tp, s, (const struct sockaddr *)to, tl, data, len,
                            ttl > 255 ? 255 : (int)ttl);
}

static void cb_random(void *user, void *buf, size_t len)
{
  ztk_rng_fill(&((ztk_sim_host *)user)->rng, buf, len);
}

static void cb_frame_out(void *user, ztk_nwid nwid, uint64_t src_mac, uint64_t dst_mac,
                         uint16_t ethertype, uint16_t vlan_id, const void *data, size_t len)
{
  (void)vlan_id; /* ZeroTier 1.14.1 never tags */
  ztk_sim_net_frame_in(user, nwid, src_mac, dst_mac, ethertype, data, len);
}

static void cb_state_put(void *user, ztk_state_type type, const uint64_t id[2], const void *data,
                         size_t len)
{
  ztk_sim_store_put(&((ztk_sim_host *)user)->store, (uint32_t)type, id, data, len);
}

static long cb_state_get(void *user, ztk_state_type type, const uint64_t id[2], void *buf,
                         size_t cap)
{
  long r = ztk_sim_store_get(&((ztk_sim_host *)user)->store, (uint32_t)type, id, buf, cap);
  return r < 0 ? -1 : r;
}

static const ztk_node_callbacks callbacks = {
  .wire_send = cb_wire_send,
  .random = cb_random,
  .frame_out = cb_frame_out,
  .event = cb_event,
  .state_put = cb_state_put,
  .state_get = cb_state_get,
  .identity_known_valid = cb_known_valid,
};

/* ---- scheduling ---- */

int64_t ztk_sim_local_ms(const ztk_sim_host *h) { return ztk_net_local_ms(h->s->net, h->elem); }

static int64_t local_ms(const ztk_sim_host *h) { return ztk_sim_local_ms(h); }

static void on_tick(ztk_evq *q, void *ctx, void *arg)
{
  ztk_sim_host *h = ctx;
  int64_t next = ZTK_NEVER;
  (void)q;
  (void)arg;
  h->tick_ev = 0;
  if (!h->node)
    return;
  int64_t now = local_ms(h);
  ztk_node_tick(h->node, now, &next);
  /* a deadline that is already due runs again one millisecond later, never in a loop */
  ztk_sim_node_schedule(h, next > now ? next : now + 1);
}

void ztk_sim_node_schedule(ztk_sim_host *h, int64_t deadline_ms)
{
  ztk_sim *s = h->s;
  if (!h->node || deadline_ms == ZTK_NEVER)
    return;
  int64_t now = ztk_evq_now_us(s->q);
  int64_t local = deadline_ms < INT64_MAX / 1000 ? deadline_ms * 1000 : INT64_MAX / 2;
  int64_t at = ztk_hostclock_virtual_us(ztk_net_clock(s->net, h->elem), local, now);
  if (ztk_evq_pending(s->q, h->tick_ev)) {
    if (h->tick_at_us <= at)
      return; /* an earlier tick is harmless: the node recomputes its deadline */
    ztk_evq_cancel(s->q, h->tick_ev);
  }
  if (ztk_evq_at(s->q, at, on_tick, h, NULL, &h->tick_ev) == 0)
    h->tick_at_us = at;
  else
    h->tick_ev = 0;
}

static void on_inbox(ztk_evq *q, void *ctx, void *arg)
{
  ztk_sim_host *h = ctx;
  ztk_sim *s = h->s;
  int64_t next = ZTK_NEVER;
  (void)q;
  (void)arg;
  h->inbox_ev = 0;
  for (int i = 0; h->node && i < ZTK_SIM_INBOX_BATCH; i++) {
    ztk_datagram d = {.data = s->rxbuf, .cap = sizeof s->rxbuf};
    if (ztk_transport_recv(h->tp, &d, 1) != 1)
      break;
    int64_t dl = ZTK_NEVER;
    ztk_node_wire_in(h->node, local_ms(h), d.sock, &d.from, d.data, d.len, &dl);
    next = dl < next ? dl : next;
  }
  if (h->node && ztk_simtp_pending(h->tp) && !h->inbox_ev)
    ztk_evq_after(s->q, 0, on_inbox, h, NULL, &h->inbox_ev);
  ztk_sim_node_schedule(h, next);
}

static void on_notify(void *ctx, ztk_transport *t)
{
  ztk_sim_host *h = ctx;
  (void)t;
  if (h->node && !ztk_evq_pending(h->s->q, h->inbox_ev))
    ztk_evq_after(h->s->q, 0, on_inbox, h, NULL, &h->inbox_ev);
}

/* ---- start and stop ---- */

/* Puts the host's identity into its store unless one is there (a kept store). */
static int seed_store(ztk_sim_host *h)
{
  char buf[ZTK_IDENTITY_STRBUF];
  static const uint64_t zero[2];
  if (ztk_sim_store_get(&h->store, ZTK_STATE_IDENTITY_SECRET, zero, buf, sizeof buf) > 0)
    return 0;
  ztk_identity id;
  ztk_sim_host_identity(h, &id);
  int len = ztk_identity_to_string(&id, true, buf, sizeof buf);
  int rc = len < 0 ? len : ztk_sim_store_put(&h->store, ZTK_STATE_IDENTITY_SECRET, zero, buf,
                                             (size_t)len);
  if (!rc && (len = ztk_identity_to_string(&id, false, buf, sizeof buf)) > 0)
    rc = ztk_sim_store_put(&h->store, ZTK_STATE_IDENTITY_PUBLIC, zero, buf, (size_t)len);
  memset(&id, 0, sizeof id);
  memset(buf, 0, sizeof buf);
  return rc;
}

static int open_transport(ztk_sim_host *h)
{
  struct sockaddr_storage ss;
  int rc = ztk_simtp_new(&h->tp, h->s->net, h->elem, h->inbox, on_notify, h);
  if (rc)
    return rc;
  socklen_t sl = ztk_inaddr_to_sockaddr(&h->ip, &ss);
  h->sock = ztk_transport_bind(h->tp, (const struct sockaddr *)&ss, sl);
  return h->sock < 0 ? h->sock : 0;
}

static int create_node(ztk_sim_host *h)
{
  ztk_sim *s = h->s;
  ztk_node_config cfg;
  ztk_node_config_init(&cfg);
  cfg.planet = s->planet;
  cfg.planet_len = s->planet_len;
  cfg.trace = s->cfg.node_trace;
  if (s->cfg.peer_activity_timeout_ms > 0)
    cfg.peer_activity_timeout_ms = s->cfg.peer_activity_timeout_ms;
  ztk_rng_streamf(&s->root, &h->rng, "node:%" PRIu32 ":%" PRIu32, h->idx, h->restarts);
  int rc = ztk_node_new(&h->node, &cfg, &callbacks, h, local_ms(h));
  if (rc)
    return rc;
  struct sockaddr_storage ss;
  ztk_inaddr_to_sockaddr(&h->ip, &ss);
  return ztk_node_add_local_address(h->node, &ss);
}

int ztk_sim_node_start(ztk_sim_host *h)
{
  int rc;
  if (h->node)
    return 0;
  if ((rc = seed_store(h)) || (rc = open_transport(h)) || (rc = create_node(h)) ||
      (rc = ztk_sim_net_start(h))) {
    ztk_sim_node_stop(h);
    return rc;
  }
  int64_t next = ZTK_NEVER;
  ztk_node_tick(h->node, local_ms(h), &next);
  ztk_sim_node_schedule(h, next);
  return 0;
}

void ztk_sim_node_stop(ztk_sim_host *h)
{
  ztk_evq *q = h->s->q;
  if (h->start_ev)
    ztk_evq_cancel(q, h->start_ev);
  h->start_ev = 0;
  if (h->tick_ev)
    ztk_evq_cancel(q, h->tick_ev);
  if (h->inbox_ev)
    ztk_evq_cancel(q, h->inbox_ev);
  h->tick_ev = h->inbox_ev = 0;
  ztk_sim_net_stop(h);
  ztk_node *n = h->node;
  h->node = NULL; /* events during free see a stopped host */
  ztk_node_free(n);
  ztk_transport_close(h->tp);
  h->tp = NULL;
}

/* ---- traffic ---- */

static int pair(ztk_sim *s, uint32_t from, uint32_t to, ztk_sim_host **hf, ztk_address *dest)
{
  ztk_sim_host *a = ztk_sim_host_get(s, from), *b = ztk_sim_host_get(s, to);
  if (!a || !b)
    return ZTK_EINVAL;
  if (!a->node)
    return ZTK_ESTATE;
  *dest = b->address;
  *hf = a;
  return 0;
}

int ztk_sim_send_user_message(ztk_sim *s, uint32_t from, uint32_t to, uint64_t type_id,
                              const void *data, size_t len)
{
  ztk_sim_host *h;
  ztk_address dest;
  if (len && !data)
    return ZTK_EINVAL;
  int rc = pair(s, from, to, &h, &dest);
  if (rc)
    return rc;
  rc = ztk_node_send_user_message(h->node, local_ms(h), dest, type_id, data ? data : "", len);
  ztk_sim_node_schedule(h, local_ms(h));
  return rc;
}

int ztk_sim_echo(ztk_sim *s, uint32_t from, uint32_t to)
{
  ztk_sim_host *h;
  ztk_address dest;
  int rc = pair(s, from, to, &h, &dest);
  if (rc)
    return rc;
  rc = ztk_node_echo(h->node, local_ms(h), dest, "ztk-sim", 7);
  ztk_sim_node_schedule(h, local_ms(h));
  return rc;
}
