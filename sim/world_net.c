/* Virtual networks of the world's hosts: the networks each host joins (kept across restarts
 * with kept state), what a host does when its node starts and stops (controller, joins,
 * responders, stack), and every frame between a node and its host's interface: counted per
 * (host, network), logged, captured, then handed to lwIP (stack hosts) or to the world's
 * pinger (core-only hosts). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/network/mac.h"
#include "sim/world.h"
#include "ztkit/error.h"

/* ---- the host's network records ---- */

ztk_sim_hnet *ztk_sim_hnet_get(ztk_sim_host *h, uint64_t nwid, bool create)
{
  for (uint32_t i = 0; i < h->nnets; i++)
    if (h->nets[i].nwid == nwid)
      return &h->nets[i];
  if (!create || h->nnets == ZTK_SIM_HOST_NET_RECORDS)
    return NULL;
  if (!h->nets && !(h->nets = calloc(ZTK_SIM_HOST_NET_RECORDS, sizeof *h->nets)))
    return NULL;
  ztk_sim_hnet *n = &h->nets[h->nnets++];
  memset(n, 0, sizeof *n);
  n->nwid = nwid;
  return n;
}

static uint32_t joined_count(const ztk_sim_host *h)
{
  uint32_t c = 0;
  for (uint32_t i = 0; i < h->nnets; i++)
    c += h->nets[i].joined;
  return c;
}

void ztk_sim_net_free(ztk_sim_host *h)
{
  free(h->nets);
  h->nets = NULL;
  h->nnets = 0;
}

void ztk_sim_net_forget(ztk_sim_host *h)
{
  for (uint32_t i = 0; i < h->nnets; i++) {
    if (h->nets[i].joined && h->stack)
      h->s->stack_netifs--;
    h->nets[i].joined = false;
  }
}

/* ---- node start / stop ---- */

static void responder_on(ztk_sim_host *h, uint64_t nwid)
{
  if (h->responder)
    ztk_node_set_responder(h->node, nwid, true, h->udp_echo_port);
}

int ztk_sim_net_start(ztk_sim_host *h)
{
  int rc = 0;
  int64_t now = ztk_sim_local_ms(h);
  if (h->controller && (rc = ztk_sim_ctl_start(h)))
    return rc;
  if (h->stack && (rc = ztk_sim_stack_start(h)))
    return rc;
  for (uint32_t i = 0; i < h->nnets && !rc; i++)
    if (h->nets[i].joined)
      rc = ztk_node_join(h->node, now, h->nets[i].nwid);
  ztk_nwid ids[ZTK_SIM_HOST_NETWORKS];
  int n = ztk_node_networks(h->node, ids, ZTK_SIM_HOST_NETWORKS);
  for (int i = 0; i < n && i < ZTK_SIM_HOST_NETWORKS; i++)
    responder_on(h, ids[i]);
  return rc;
}

void ztk_sim_net_stop(ztk_sim_host *h)
{
  if (h->work_ev)
    ztk_evq_cancel(h->s->q, h->work_ev);
  h->work_ev = 0;
  ztk_sim_stack_stop(h);
  ztk_sim_ping_stop(h);
}

static void on_work(ztk_evq *q, void *ctx, void *arg)
{
  ztk_sim_host *h = ctx;
  (void)q;
  (void)arg;
  h->work_ev = 0;
  if (!h->node)
    return;
  if (h->st)
    ztk_sim_stack_work(h);
  else
    ztk_sim_ping_work(h);
}

void ztk_sim_work_soon(ztk_sim_host *h)
{
  if (h->node && !ztk_evq_pending(h->s->q, h->work_ev))
    ztk_evq_after(h->s->q, 0, on_work, h, NULL, &h->work_ev);
}

/* ---- join and leave ---- */

static int check_join(const ztk_sim_host *h, uint64_t nwid)
{
  const ztk_sim_hnet *n = NULL;
  for (uint32_t i = 0; i < h->nnets; i++)
    if (h->nets[i].nwid == nwid)
      n = &h->nets[i];
  if (n && n->joined)
    return 0;
  if (joined_count(h) >= ZTK_SIM_HOST_NETWORKS || (!n && h->nnets == ZTK_SIM_HOST_NET_RECORDS))
    return ZTK_ELIMIT;
  if (h->stack && h->s->stack_netifs >= ZTK_SIM_MAX_NETIFS)
    return ZTK_ELIMIT;
  return 0;
}

/* Puts nwid in the host's list. Returns 0 or ZTK_ELIMIT / ZTK_ENOMEM. */
static int list_add(ztk_sim_host *h, uint64_t nwid)
{
  int rc = check_join(h, nwid);
  if (rc)
    return rc;
  ztk_sim_hnet *n = ztk_sim_hnet_get(h, nwid, true);
  if (!n)
    return ZTK_ENOMEM;
  if (!n->joined && h->stack)
    h->s->stack_netifs++;
  n->joined = true;
  return 0;
}

static void trace_net(ztk_sim *s, const char *what, uint32_t host, uint64_t nwid, int rc)
{
  ztk_trace_printf(s->trace, ztk_evq_now_us(s->q),
                   "fault %s h=%" PRIu32 " nwid=%016" PRIx64 " rc=%d", what, host, nwid, rc);
}

void ztk_sim_net_apply(ztk_sim_host *h, uint64_t nwid, bool on)
{
  ztk_sim *s = h->s;
  int rc = 0;
  if (on) {
    rc = list_add(h, nwid);
    if (!rc && h->node && !(rc = ztk_node_join(h->node, ztk_sim_local_ms(h), nwid)))
      responder_on(h, nwid);
  } else {
    ztk_sim_hnet *n = ztk_sim_hnet_get(h, nwid, false);
    if (n && n->joined && h->stack)
      s->stack_netifs--;
    if (n)
      n->joined = false;
    if (h->node)
      rc = ztk_node_leave(h->node, ztk_sim_local_ms(h), nwid);
  }
  trace_net(s, on ? "join" : "leave", h->idx, nwid, rc);
  if (h->node)
    ztk_sim_node_schedule(h, ztk_sim_local_ms(h));
}

/* Joins before the first start go straight into the host's list (ztk_sim_add_host). */
int ztk_sim_host_networks_init(ztk_sim_host *h, const uint64_t *ids, uint32_t n)
{
  for (uint32_t i = 0; i < n; i++) {
    int rc = ids[i] ? list_add(h, ids[i]) : ZTK_EINVAL;
    if (rc)
      return rc;
  }
  return 0;
}

/* ---- frames ---- */

static void log_frame(ztk_sim *s, const ztk_sim_host *h, int dir, uint64_t nwid, uint64_t src,
                      uint64_t dst, uint16_t et, const uint8_t *data, size_t len)
{
  if (!s->fr_cap)
    return;
  if (s->fr_count == s->fr_cap) {
    s->fr_head = (s->fr_head + 1) % s->fr_cap;
    s->fr_count--;
    s->fr_lost++;
  }
  ztk_sim_frame *f = &s->frames[(s->fr_head + s->fr_count++) % s->fr_cap];
  memset(f, 0, sizeof *f);
  f->t_ms = ztk_evq_now_ms(s->q);
  f->host = h->idx;
  f->dir = dir;
  f->nwid = nwid;
  f->src_mac = src;
  f->dst_mac = dst;
  f->ethertype = et;
  f->len = (uint32_t)len;
  memcpy(f->head, data, len < sizeof f->head ? len : sizeof f->head);
}

static void capture(ztk_sim *s, const ztk_sim_host *h, uint64_t nwid, uint64_t src, uint64_t dst,
                    uint16_t et, const uint8_t *data, size_t len)
{
  size_t flen = 0;
  for (uint32_t i = 0; i < s->nnetcaps; i++) {
    const ztk_sim_net_pcap *c = &s->netcaps[i];
    if (c->nwid != nwid || (c->host != ZTK_SIM_NONE && c->host != h->idx))
      continue;
    if (!flen) {
      uint8_t *b = s->ethbuf;
      size_t n = len < sizeof s->ethbuf - 14 ? len : sizeof s->ethbuf - 14;
      ztk_mac_to_bytes(dst, b);
      ztk_mac_to_bytes(src, b + 6);
      b[12] = (uint8_t)(et >> 8);
      b[13] = (uint8_t)et;
      memcpy(b + 14, data, n);
      flen = 14 + n;
    }
    ztk_pcap_frame(c->w, ztk_evq_now_us(s->q), s->ethbuf, flen);
  }
}

static void observe(ztk_sim_host *h, int dir, uint64_t nwid, uint64_t src, uint64_t dst,
                    uint16_t et, const void *data, size_t len)
{
  ztk_sim *s = h->s;
  log_frame(s, h, dir, nwid, src, dst, et, data, len);
  if (s->nnetcaps)
    capture(s, h, nwid, src, dst, et, data, len);
}

void ztk_sim_net_frame_in(ztk_sim_host *h, uint64_t nwid, uint64_t src, uint64_t dst,
                          uint16_t ethertype, const void *data, size_t len)
{
  ztk_sim_hnet *n = ztk_sim_hnet_get(h, nwid, true);
  if (n) {
    n->c.in_frames++;
    n->c.in_bytes += len;
    n->c.in_multicast += ztk_mac_is_multicast(dst);
    n->c.in_broadcast += ztk_mac_is_broadcast(dst);
  }
  observe(h, ZTK_SIM_FRAME_IN, nwid, src, dst, ethertype, data, len);
  if (h->st)
    ztk_sim_stack_queue(h, nwid, src, dst, ethertype, data, len);
  else
    ztk_sim_ping_frame(h, nwid, src, dst, ethertype, data, len);
}

int ztk_sim_net_frame_out(ztk_sim_host *h, uint64_t nwid, uint64_t src, uint64_t dst,
                          uint16_t ethertype, const void *data, size_t len)
{
  if (!h->node)
    return ZTK_ESTATE;
  ztk_sim_hnet *n = ztk_sim_hnet_get(h, nwid, true);
  observe(h, ZTK_SIM_FRAME_OUT, nwid, src, dst, ethertype, data, len);
  int64_t now = ztk_sim_local_ms(h);
  int rc = ztk_node_frame_in(h->node, now, nwid, src, dst, ethertype, 0, data, len, NULL);
  if (n) {
    n->c.out_frames++;
    n->c.out_bytes += len;
    n->c.out_refused += rc < 0;
  }
  ztk_sim_node_schedule(h, now);
  return rc;
}

void ztk_sim_net_event(ztk_sim_host *h, const ztk_event *ev)
{
  switch (ev->type) {
  case ZTK_EVENT_NETWORK_OK:
  case ZTK_EVENT_NETWORK_DOWN:
  case ZTK_EVENT_ADDR_ADDED:
  case ZTK_EVENT_ADDR_REMOVED:
  case ZTK_EVENT_ROUTE_ADDED:
  case ZTK_EVENT_ROUTE_REMOVED:
    if (h->st) {
      ztk_sim_stack_sync_soon(h);
      ztk_sim_work_soon(h);
    }
    break;
  default:
    break;
  }
}

/* ---- the public calls ---- */

static ztk_sim_host *running(const ztk_sim *s, uint32_t host, int *err)
{
  ztk_sim_host *h = ztk_sim_host_get(s, host);
  *err = !h ? ZTK_EINVAL : !h->node ? ZTK_ESTATE : 0;
  return *err ? NULL : h;
}

int ztk_sim_networks(const ztk_sim *s, uint32_t host, uint64_t *out, int max)
{
  int err;
  ztk_sim_host *h = running(s, host, &err);
  if (!h || max < 0 || (max && !out))
    return h ? ZTK_EINVAL : err;
  ztk_nwid ids[ZTK_SIM_HOST_NETWORKS];
  int n = ztk_node_networks(h->node, ids, ZTK_SIM_HOST_NETWORKS);
  for (int i = 0; i < n && i < max && i < ZTK_SIM_HOST_NETWORKS; i++)
    out[i] = ids[i];
  return n;
}

int ztk_sim_network(const ztk_sim *s, uint32_t host, uint64_t nwid, ztk_sim_network_info *out)
{
  int err;
  ztk_network_info info;
  ztk_sim_host *h = running(s, host, &err);
  if (!h || !out)
    return h ? ZTK_EINVAL : err;
  if (ztk_node_network(h->node, nwid, &info))
    return ZTK_ENOTFOUND;
  memset(out, 0, sizeof *out);
  out->nwid = nwid;
  out->status = (int)info.status;
  out->mac = info.mac;
  out->mtu = info.mtu;
  out->revision = info.revision;
  out->is_private = info.is_private;
  out->broadcast = info.broadcast;
  memcpy(out->name, info.name, sizeof out->name);
  out->name[sizeof out->name - 1] = 0;
  for (int i = 0; i < info.addr_count && out->addr_count < ZTK_SIM_NET_ADDRS; i++) {
    ztk_inaddr a;
    char text[ZTK_INADDR_STRLEN];
    if (ztk_inaddr_from_sockaddr(&a, (const struct sockaddr *)&info.addrs[i]))
      continue;
    ztk_inaddr_format(&a, text);
    memcpy(out->addrs[out->addr_count++], text, ZTK_SIM_TEXT);
  }
  out->netifs = ztk_sim_stack_netifs(h, nwid);
  return 0;
}

int ztk_sim_multicast(ztk_sim *s, uint32_t host, uint64_t nwid, uint64_t mac, uint32_t adi,
                      bool on)
{
  int err;
  ztk_sim_host *h = running(s, host, &err);
  if (!h)
    return err;
  int64_t now = ztk_sim_local_ms(h);
  int rc = on ? ztk_node_multicast_subscribe(h->node, now, nwid, mac, adi)
              : ztk_node_multicast_unsubscribe(h->node, nwid, mac, adi);
  ztk_sim_node_schedule(h, now);
  return rc;
}

int ztk_sim_frame_send(ztk_sim *s, uint32_t host, uint64_t nwid, uint64_t dst_mac,
                       uint16_t ethertype, const void *data, size_t len)
{
  int err;
  ztk_network_info info;
  ztk_sim_host *h = running(s, host, &err);
  if (!h || (len && !data))
    return h ? ZTK_EINVAL : err;
  if (ztk_node_network(h->node, nwid, &info))
    return ZTK_ENET_NOTJOINED;
  return ztk_sim_net_frame_out(h, nwid, info.mac, dst_mac, ethertype, data ? data : "", len);
}

int ztk_sim_net_counters_get(const ztk_sim *s, uint32_t host, uint64_t nwid,
                             ztk_sim_net_counters *out)
{
  ztk_sim_host *h = ztk_sim_host_get(s, host);
  if (!h || !out)
    return ZTK_EINVAL;
  const ztk_sim_hnet *n = ztk_sim_hnet_get(h, nwid, false);
  if (!n)
    return ZTK_ENOTFOUND;
  *out = n->c;
  return 0;
}

int ztk_sim_pcap_network(ztk_sim *s, const char *path, uint32_t host, uint64_t nwid)
{
  ztk_pcap *w;
  if (!s || !path || !nwid || (host != ZTK_SIM_NONE && host >= s->nhosts))
    return ZTK_EINVAL;
  if (s->nnetcaps == ZTK_SIM_MAX_NET_PCAPS)
    return ZTK_ELIMIT;
  int rc = ztk_pcap_open(&w, path, ZTK_PCAP_ETHERNET, s->cfg.epoch_ms * 1000);
  if (rc)
    return rc;
  s->netcaps[s->nnetcaps++] = (ztk_sim_net_pcap){host, nwid, w};
  return 0;
}

int ztk_sim_frame_log(ztk_sim *s, uint32_t max)
{
  if (!s || max > (1u << 22))
    return ZTK_EINVAL;
  ztk_sim_frame *f = NULL;
  if (max && !(f = calloc(max, sizeof *f)))
    return ZTK_ENOMEM;
  free(s->frames);
  s->frames = f;
  s->fr_cap = max;
  s->fr_head = s->fr_count = 0;
  return 0;
}

int ztk_sim_frames(ztk_sim *s, ztk_sim_frame *out, int max, uint64_t *lost)
{
  if (!s || max < 0 || (max && !out))
    return ZTK_EINVAL;
  int n = 0;
  while (n < max && s->fr_count) {
    out[n++] = s->frames[s->fr_head];
    s->fr_head = (s->fr_head + 1) % s->fr_cap;
    s->fr_count--;
  }
  if (lost) {
    *lost = s->fr_lost;
    s->fr_lost = 0;
  }
  return n;
}
