/* Running a world and reading it: time, host status, peers, counters, events, trace, pcap. */
#include <string.h>

#include "sim/world.h"
#include "ztkit/error.h"

/* ---- running ---- */

int64_t ztk_sim_run_until(ztk_sim *s, int64_t until_ms, uint64_t budget)
{
  if (!s || until_ms < 0 || until_ms > INT64_MAX / 1000 ||
      until_ms * 1000 < ztk_evq_now_us(s->q))
    return ZTK_EINVAL;
  if (s->halted || (!s->started && ztk_sim_start(s)))
    return ZTK_ESTATE;
  return ztk_evq_run(s->q, until_ms * 1000, budget, NULL, NULL, NULL);
}

int64_t ztk_sim_run_for(ztk_sim *s, int64_t ms)
{
  if (!s || ms < 0 || ms > INT64_MAX / 2000)
    return ZTK_EINVAL;
  return ztk_sim_run_until(s, ztk_evq_now_ms(s->q) + ms, 0);
}

int64_t ztk_sim_now_ms(const ztk_sim *s) { return s ? ztk_evq_now_ms(s->q) : 0; }

uint64_t ztk_sim_events_run(const ztk_sim *s) { return s ? ztk_evq_executed(s->q) : 0; }

/* ---- hosts ---- */

int ztk_sim_host_info_get(const ztk_sim *s, uint32_t host, ztk_sim_host_info *out)
{
  const ztk_sim_host *h = ztk_sim_host_get(s, host);
  if (!h || !out)
    return ZTK_EINVAL;
  memset(out, 0, sizeof *out);
  out->role = h->role;
  out->running = h->node != NULL;
  out->address = h->address;
  out->elem = h->elem;
  out->link = h->link;
  out->site = h->site;
  out->identity = h->identity;
  out->local_ms = ztk_net_local_ms(s->net, h->elem);
  out->restarts = h->restarts;
  ztk_inaddr_format(&h->ip, out->ip);
  out->controller = h->controller;
  out->stack = h->stack;
  if (h->node) {
    ztk_node_status st;
    ztk_node_status_get(h->node, &st);
    out->online = st.online;
    out->peer_count = st.peer_count;
    out->networks = ztk_node_networks(h->node, NULL, 0);
  }
  return 0;
}

static const ztk_sim_host *running(const ztk_sim *s, uint32_t host, int *err)
{
  const ztk_sim_host *h = ztk_sim_host_get(s, host);
  *err = !h ? ZTK_EINVAL : !h->node ? ZTK_ESTATE : 0;
  return *err ? NULL : h;
}

int ztk_sim_host_peers(const ztk_sim *s, uint32_t host, ztk_peer_info *out, int max)
{
  int err;
  const ztk_sim_host *h = running(s, host, &err);
  if (!h || max < 0 || (max && !out))
    return h ? ZTK_EINVAL : err;
  return ztk_node_peers(h->node, ztk_net_local_ms(s->net, h->elem), out, max);
}

int ztk_sim_host_peer(const ztk_sim *s, uint32_t host, uint32_t other, ztk_peer_info *out)
{
  int err;
  const ztk_sim_host *h = running(s, host, &err);
  const ztk_sim_host *o = ztk_sim_host_get(s, other);
  if (!h)
    return err;
  if (!o || !out)
    return ZTK_EINVAL;
  return ztk_node_peer(h->node, ztk_net_local_ms(s->net, h->elem), o->address, out);
}

int ztk_sim_host_counters(const ztk_sim *s, uint32_t host, ztk_node_counters *node,
                          ztk_sim_wire_counters *wire)
{
  const ztk_sim_host *h = ztk_sim_host_get(s, host);
  if (!h)
    return ZTK_EINVAL;
  if (node) {
    memset(node, 0, sizeof *node);
    if (h->node)
      ztk_node_counters_get(h->node, node);
  }
  if (wire) {
    const ztk_host_counters *c = ztk_net_host_counters(s->net, h->elem);
    memset(wire, 0, sizeof *wire);
    wire->sent = c->sent;
    wire->bytes_sent = c->bytes_sent;
    wire->received = c->received;
    wire->bytes_received = c->bytes_received;
    wire->duplicated = c->duplicated;
    for (int i = 0; i < ZTK_DROP_COUNT; i++)
      wire->dropped += c->dropped[i];
  }
  return 0;
}

uint32_t ztk_sim_links(const ztk_sim *s) { return s ? ztk_net_links(s->net) : 0; }

int ztk_sim_link_counters_get(const ztk_sim *s, uint32_t link, int dir,
                              ztk_sim_link_counters *out)
{
  if (!s || !out || link >= ztk_net_links(s->net) || dir < 0 || dir > 1)
    return ZTK_EINVAL;
  const ztk_linkdir *d = ztk_net_linkdir(s->net, link, dir);
  memset(out, 0, sizeof *out);
  ztk_net_link_ends(s->net, link, &out->a, &out->b);
  out->sent = d->c.sent;
  out->delivered = d->c.delivered;
  out->bytes_sent = d->c.bytes_sent;
  out->bytes_delivered = d->c.bytes_delivered;
  out->duplicated = d->c.duplicated;
  for (int i = 0; i < ZTK_DROP_LINK_COUNT; i++)
    out->dropped += d->c.dropped[i];
  out->up = d->up;
  return 0;
}

/* ---- events ---- */

int ztk_sim_events(ztk_sim *s, ztk_sim_event *out, int max, uint64_t *lost)
{
  if (!s || max < 0 || (max && !out))
    return ZTK_EINVAL;
  int n = 0;
  while (n < max && s->ev_count) {
    out[n++] = s->ev[s->ev_head];
    s->ev_head = (s->ev_head + 1) % s->ev_cap;
    s->ev_count--;
  }
  if (lost) {
    *lost = s->ev_lost;
    s->ev_lost = 0;
  }
  return n;
}

const char *ztk_sim_event_name(int type)
{
  static const struct {
    int type;
    const char *name;
  } names[] = {
    {ZTK_EVENT_NODE_UP, "UP"},
    {ZTK_EVENT_NODE_ONLINE, "ONLINE"},
    {ZTK_EVENT_NODE_OFFLINE, "OFFLINE"},
    {ZTK_EVENT_NODE_DOWN, "DOWN"},
    {ZTK_EVENT_NODE_IDENTITY_COLLISION, "IDENTITY_COLLISION"},
    {ZTK_EVENT_NODE_PLANET_UPDATED, "PLANET_UPDATED"},
    {ZTK_EVENT_PEER_DIRECT, "PEER_DIRECT"},
    {ZTK_EVENT_PEER_RELAY, "PEER_RELAY"},
    {ZTK_EVENT_PEER_UNREACHABLE, "PEER_UNREACHABLE"},
    {ZTK_EVENT_PATH_DISCOVERED, "PATH_DISCOVERED"},
    {ZTK_EVENT_PATH_ALIVE, "PATH_ALIVE"},
    {ZTK_EVENT_PATH_DEAD, "PATH_DEAD"},
    {ZTK_EVENT_USER_MESSAGE, "USER_MESSAGE"},
    {ZTK_EVENT_ECHO_REPLY, "ECHO_REPLY"},
    {ZTK_EVENT_NETWORK_REQUESTING_CONFIG, "NETWORK_REQUESTING_CONFIG"},
    {ZTK_EVENT_NETWORK_OK, "NETWORK_OK"},
    {ZTK_EVENT_NETWORK_ACCESS_DENIED, "NETWORK_ACCESS_DENIED"},
    {ZTK_EVENT_NETWORK_NOT_FOUND, "NETWORK_NOT_FOUND"},
    {ZTK_EVENT_NETWORK_CLIENT_TOO_OLD, "NETWORK_CLIENT_TOO_OLD"},
    {ZTK_EVENT_NETWORK_DOWN, "NETWORK_DOWN"},
    {ZTK_EVENT_NETWORK_AUTH_REQUIRED, "NETWORK_AUTH_REQUIRED"},
    {ZTK_EVENT_ADDR_ADDED, "ADDR_ADDED"},
    {ZTK_EVENT_ADDR_REMOVED, "ADDR_REMOVED"},
    {ZTK_EVENT_ROUTE_ADDED, "ROUTE_ADDED"},
    {ZTK_EVENT_ROUTE_REMOVED, "ROUTE_REMOVED"},
    {ZTK_EVENT_TRACE, "TRACE"},
    {ZTK_SIM_EVENT_CRASH, "CRASH"},
    {ZTK_SIM_EVENT_RESTART, "RESTART"},
  };
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (names[i].type == type)
      return names[i].name;
  return "?";
}

/* ---- trace and captures ---- */

int ztk_sim_trace_hash(const ztk_sim *s, char out[ZTK_SIM_HASH_HEX])
{
  if (!s || !out)
    return ZTK_EINVAL;
  ztk_trace_hash_hex(s->trace, out);
  return 0;
}

uint64_t ztk_sim_trace_lines(const ztk_sim *s) { return s ? ztk_trace_lines(s->trace) : 0; }

int ztk_sim_trace_note(ztk_sim *s, const char *text)
{
  if (!s || !text)
    return ZTK_EINVAL;
  ztk_trace_printf(s->trace, ztk_evq_now_us(s->q), "note %.400s", text);
  return 0;
}

int ztk_sim_trace_file(ztk_sim *s, const char *path)
{
  if (!s || !path)
    return ZTK_EINVAL;
  if (s->trace_file)
    return ZTK_ESTATE;
  s->trace_file = fopen(path, "w");
  if (!s->trace_file)
    return ZTK_EIO;
  ztk_trace_set_file(s->trace, s->trace_file);
  return 0;
}

int ztk_sim_trace_line(const ztk_sim *s, uint64_t i, char *buf, size_t cap)
{
  size_t len;
  if (!s || !buf || !cap)
    return ZTK_EINVAL;
  const char *line = ztk_trace_line(s->trace, i, &len);
  if (!line)
    return ZTK_ENOTFOUND;
  size_t n = len < cap - 1 ? len : cap - 1;
  memcpy(buf, line, n);
  buf[n] = 0;
  return (int)len;
}

int ztk_sim_trace_compare(const ztk_sim *a, const ztk_sim *b, uint64_t *line)
{
  uint64_t l = 0;
  if (!a || !b)
    return ZTK_EINVAL;
  int rc = ztk_trace_compare(a->trace, b->trace, &l);
  if (line)
    *line = l;
  return rc;
}

int ztk_sim_pcap_file(ztk_sim *s, const char *path, uint32_t host)
{
  ztk_pcap *w;
  if (!s || !path || (host != ZTK_SIM_NONE && host >= s->nhosts))
    return ZTK_EINVAL;
  if (s->npcaps == ZTK_SIM_MAX_PCAPS)
    return ZTK_ELIMIT;
  int rc = ztk_pcap_open(&w, path, ZTK_PCAP_UNDERLAY, s->cfg.epoch_ms * 1000);
  if (rc)
    return rc;
  rc = ztk_net_capture(s->net, host == ZTK_SIM_NONE ? ZTK_NET_NONE : s->hosts[host]->elem, w);
  if (rc) {
    ztk_pcap_close(w);
    return rc;
  }
  s->pcaps[s->npcaps++] = w;
  return 0;
}
