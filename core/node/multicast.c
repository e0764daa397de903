/* Multicast: the groups the local host listens to (announced with MULTICAST_LIKE), answering
 * gathers from the directory, and sending multicast frames: to the subscribers we know, with a
 * gather for more when we know fewer than the network's limit, and a short queue so members
 * learned within ZTK_MULTICAST_TRANSMIT_TIMEOUT still get the frame. */
#include <stdlib.h>
#include <string.h>

#include "core/network/mac.h"
#include "core/network/vl2wire.h"
#include "core/node/vl2.h"
#include "core/packet/compress.h"

#define LIKES_PER_PACKET 64 /* 18-byte records: about 1150 bytes */
#define GATHER_REPLY_MAX 256

/* ---- subscriptions ---- */

static int sub_find(const ztk_vnet *net, const ztk_mcgroup *g)
{
  for (unsigned i = 0; i < net->nsubs; i++)
    if (ztk_mcgroup_cmp(&net->subs[i], g) == 0)
      return (int)i;
  return -1;
}

int ztk_vnet_subscribe(ztk_node *n, int64_t now, ztk_vnet *net, const ztk_mcgroup *g)
{
  if (sub_find(net, g) >= 0)
    return 0;
  if (net->nsubs == ZTK_MAX_SUBSCRIPTIONS)
    return ZTK_ELIMIT;
  unsigned i = net->nsubs;
  while (i > 0 && ztk_mcgroup_cmp(&net->subs[i - 1], g) > 0) {
    net->subs[i] = net->subs[i - 1];
    i--;
  }
  net->subs[i] = *g;
  net->nsubs++;
  if (net->cfg)
    ztk_vnet_announce(n, now, net, g);
  return 0;
}

void ztk_vnet_auto_subscribe(ztk_node *n, int64_t now, ztk_vnet *net)
{
  const ztk_netconf *nc = net->cfg;
  if (!nc)
    return;
  if ((nc->flags & ZTK_NETCONF_FLAG_ENABLE_BROADCAST) && nc->multicast_limit > 0) {
    ztk_mcgroup b = ztk_mcgroup_broadcast();
    ztk_vnet_subscribe(n, now, net, &b);
  }
  for (unsigned i = 0; i < nc->static_ip_count; i++) {
    ztk_mcgroup g;
    if (ztk_mcgroup_for_address(&g, &nc->static_ips[i]) == 0)
      ztk_vnet_subscribe(n, now, net, &g);
  }
}

int ztk_node_multicast_subscribe(ztk_node *n, int64_t now, ztk_nwid nwid, uint64_t mac,
                                 uint32_t adi)
{
  ztk_vnet *net = n ? ztk_vnet_find(n, nwid) : NULL;
  ztk_mcgroup g = {mac, adi};
  return net ? ztk_vnet_subscribe(n, now, net, &g) : ZTK_ENET_NOTJOINED;
}

int ztk_node_multicast_unsubscribe(ztk_node *n, ztk_nwid nwid, uint64_t mac, uint32_t adi)
{
  ztk_vnet *net = n ? ztk_vnet_find(n, nwid) : NULL;
  ztk_mcgroup g = {mac, adi};
  if (!net)
    return ZTK_ENET_NOTJOINED;
  int i = sub_find(net, &g);
  if (i < 0)
    return ZTK_ENOTFOUND;
  memmove(&net->subs[i], &net->subs[i + 1], (net->nsubs - (unsigned)i - 1) * sizeof net->subs[0]);
  net->nsubs--;
  return 0;
}

int ztk_node_multicast_groups(const ztk_node *n, ztk_nwid nwid, uint64_t *mac, uint32_t *adi,
                              int max)
{
  if (!n || max < 0 || (max > 0 && (!mac || !adi)))
    return ZTK_EINVAL;
  const ztk_vnet *net = ztk_vnet_find(n, nwid);
  if (!net)
    return ZTK_ENET_NOTJOINED;
  for (unsigned i = 0; i < net->nsubs && i < (unsigned)max; i++) {
    mac[i] = net->subs[i].mac;
    adi[i] = net->subs[i].adi;
  }
  return (int)net->nsubs;
}

/* ---- announcing ---- */

void ztk_vnet_announce_to(ztk_node *n, int64_t now, ztk_vnet *net, ztk_address to,
                         const ztk_mcgroup *only)
{
  uint8_t buf[ZTK_PROTO_MAX_PACKET_LENGTH];
  const ztk_mcgroup *list = only ? only : net->subs;
  unsigned count = only ? 1 : net->nsubs;
  ztk_member *m = ztk_vnet_member(net, to, false);
  if (m && !only)
    m->last_liked = now;
  for (unsigned at = 0; at < count; at += LIKES_PER_PACKET) {
    ztk_wr w = ztk_packet_begin(n, buf, to, ZTK_VERB_MULTICAST_LIKE);
    for (unsigned i = at; i < count && i < at + LIKES_PER_PACKET; i++)
      ztk_like_write(&w, net->nwid, &list[i]);
    if (!w.err)
      ztk_send(n, now, buf, w.len, ZTK_SEND_ENCRYPT | ZTK_SEND_COMPRESS);
  }
}

void ztk_vnet_announce(ztk_node *n, int64_t now, ztk_vnet *net, const ztk_mcgroup *only)
{
  ztk_address ctl = ztk_vnet_controller(net);
  if (ctl != n->id.address)
    ztk_vnet_announce_to(n, now, net, ctl, only);
  for (int i = 0; i < n->topo.nup; i++) {
    ztk_address up = n->topo.up[i].identity.address;
    if (up != ctl)
      ztk_vnet_announce_to(n, now, net, up, only);
  }
  for (unsigned i = 0; i < net->nmembers; i++) {
    ztk_member *m = &net->members[i];
    if (m->addr == ctl || ztk_topo_is_upstream(&n->topo, m->addr) || !m->have_com)
      continue;
    if (only || now - m->last_liked >= ZTK_MULTICAST_ANNOUNCE_PERIOD)
      ztk_vnet_announce_to(n, now, net, m->addr, only);
  }
}

/* Whether peer p may tell us (or ask us) about groups of nwid: a member passing our gate, or
 * anyone if we are an upstream, or a member our controller authorized recently. */
static bool may_use_directory(ztk_node *n, int64_t now, uint64_t nwid, ztk_peer *p)
{
  if (n->topo.am_upstream || n->cfg.force_upstream)
    return true;
  if (ztk_vl2_controller_authorized(n, now, nwid, p->id.address))
    return true;
  ztk_vnet *net = ztk_vnet_find(n, nwid);
  return net && ztk_vnet_gate(n, now, net, p);
}

void ztk_vl2_like(ztk_node *n, int64_t now, ztk_peer *p, ztk_rd *payload)
{
  while (ztk_rd_left(payload) >= ZTK_MC_LIKE_RECORD_LEN) {
    uint64_t nwid;
    ztk_mcgroup g;
    if (ztk_like_read(payload, &nwid, &g))
      return;
    if (may_use_directory(n, now, nwid, p) &&
        ztk_mcdir_add(&n->mcdir, nwid, &g, p->id.address, now) == 1)
      ztk_vnet_pending_new_member(n, now, nwid, &g, p->id.address);
  }
}

/* ---- gathering ---- */

void ztk_vl2_gather(ztk_node *n, int64_t now, ztk_peer *p, uint64_t packet_id, ztk_rd *payload)
{
  uint8_t buf[ZTK_PROTO_MAX_PACKET_LENGTH];
  ztk_address addrs[GATHER_REPLY_MAX + 1];
  ztk_gather_msg m;
  if (ztk_gather_msg_read(payload, &m))
    return;
  ztk_vnet *net = ztk_vnet_find(n, m.nwid);
  if (net && m.has_com)
    ztk_vnet_learn_com(n, now, net, p, &m.com);
  if (!may_use_directory(n, now, m.nwid, p))
    return;
  unsigned want = m.limit < GATHER_REPLY_MAX ? m.limit : GATHER_REPLY_MAX, total = 0, count = 0;
  ztk_mcdir_group *grp = ztk_mcdir_group_get(&n->mcdir, m.nwid, &m.g, false);
  if (want == 0)
    return;
  if (net) {
    for (unsigned i = 0; i < net->nsubs; i++)
      if (ztk_mcgroup_cmp(&net->subs[i], &m.g) == 0)
        addrs[count++] = n->id.address; /* we are a subscriber ourselves */
  }
  count += ztk_mcdir_pick(grp, p->id.address, ztk_csprng_u64(&n->rng), addrs + count,
                          want - count, &total);
  if (count == 0)
    return;
  ztk_wr w = ztk_packet_begin(n, buf, p->id.address, ZTK_VERB_OK);
  ztk_ok_header_write(&w, ZTK_VERB_MULTICAST_GATHER, packet_id);
  ztk_wr_u64(&w, m.nwid);
  ztk_wr_uint(&w, m.g.mac, 6);
  ztk_wr_u32(&w, m.g.adi);
  ztk_gather_results_write(&w, total + (count > total ? 1 : 0), addrs, (uint16_t)count);
  if (!w.err)
    ztk_send(n, now, buf, w.len, ZTK_SEND_ENCRYPT);
}

static void learn_results(ztk_node *n, int64_t now, uint64_t nwid, const ztk_mcgroup *g,
                          const ztk_gather_results *r)
{
  for (unsigned i = 0; i < r->count; i++) {
    ztk_address a = ztk_gather_results_at(r, i);
    if (a != n->id.address && !ztk_address_reserved(a) &&
        ztk_mcdir_add(&n->mcdir, nwid, g, a, now) == 1)
      ztk_vnet_pending_new_member(n, now, nwid, g, a);
  }
}

void ztk_vl2_ok_gather(ztk_node *n, int64_t now, ztk_peer *p, ztk_rd *payload)
{
  ztk_ok_gather_msg m;
  (void)p;
  if (ztk_ok_gather_msg_read(payload, &m) == 0 && ztk_vnet_find(n, m.nwid))
    learn_results(n, now, m.nwid, &m.g, &m.r);
}

void ztk_vl2_ok_mcframe(ztk_node *n, int64_t now, ztk_peer *p, ztk_rd *payload)
{
  ztk_ok_mcframe_msg m;
  if (ztk_ok_mcframe_msg_read(payload, &m))
    return;
  ztk_vnet *net = ztk_vnet_find(n, m.nwid);
  if (!net)
    return;
  if (m.has_com)
    ztk_vnet_learn_com(n, now, net, p, &m.com);
  if (m.has_results)
    learn_results(n, now, m.nwid, &m.g, &m.r);
}

/* ---- sending ---- */

static void send_one(ztk_node *n, int64_t now, ztk_vnet *net, ztk_address to,
                     const ztk_pending_mcast *pm, uint32_t gather_limit)
{
  uint8_t buf[ZTK_PROTO_MAX_PACKET_LENGTH];
  ztk_mcframe_msg m;
  memset(&m, 0, sizeof m);
  m.nwid = net->nwid;
  m.gather_limit = gather_limit;
  m.src_mac = pm->src_mac == net->mac ? 0 : pm->src_mac;
  m.g = pm->g;
  m.ethertype = pm->ethertype;
  m.data = pm->data;
  m.len = pm->len;
  ztk_vnet_push_if_needed(n, now, net, to);
  ztk_wr w = ztk_packet_begin(n, buf, to, ZTK_VERB_MULTICAST_FRAME);
  ztk_mcframe_msg_write(&w, &m);
  if (w.err)
    return;
  unsigned flags = ZTK_SEND_ENCRYPT | (gather_limit ? ZTK_SEND_EXPECT : 0);
  if (!(net->cfg->flags & ZTK_NETCONF_FLAG_DISABLE_COMPRESSION))
    flags |= ZTK_SEND_COMPRESS;
  ztk_send(n, now, buf, w.len, flags);
}

static bool already_sent(const ztk_pending_mcast *pm, ztk_address a)
{
  for (unsigned i = 0; i < pm->nsent; i++)
    if (pm->sent[i] == a)
      return true;
  return false;
}

static void mark_sent(ztk_pending_mcast *pm, ztk_address a)
{
  ztk_address *s = realloc(pm->sent, (pm->nsent + 1) * sizeof *s);
  if (s) {
    pm->sent = s;
    pm->sent[pm->nsent++] = a;
  }
}

static void gather(ztk_node *n, int64_t now, ztk_vnet *net, const ztk_mcgroup *g, uint32_t limit)
{
  uint8_t buf[ZTK_PROTO_MAX_PACKET_LENGTH];
  ztk_address to[2];
  int nto = 0;
  ztk_peer *up = ztk_topo_best_upstream(&n->topo, now, n->cfg.peer_activity_timeout_ms);
  if (up)
    to[nto++] = up->id.address;
  if (ztk_vnet_controller(net) != n->id.address && (!up || up->id.address != ztk_vnet_controller(net)))
    to[nto++] = ztk_vnet_controller(net);
  for (int i = 0; i < nto; i++) {
    ztk_gather_msg m = {net->nwid, 0, *g, limit, net->cfg->com.count > 0, net->cfg->com};
    ztk_wr w = ztk_packet_begin(n, buf, to[i], ZTK_VERB_MULTICAST_GATHER);
    ztk_gather_msg_write(&w, &m);
    if (!w.err)
      ztk_send(n, now, buf, w.len, ZTK_SEND_ENCRYPT | ZTK_SEND_EXPECT);
  }
}

static ztk_pending_mcast *pending_slot(ztk_vnet *net)
{
  ztk_pending_mcast *oldest = &net->pend[0];
  for (int i = 0; i < ZTK_PENDING_MULTICASTS; i++) {
    if (!net->pend[i].data)
      return &net->pend[i];
    if (net->pend[i].when < oldest->when)
      oldest = &net->pend[i];
  }
  free(oldest->data);
  free(oldest->sent);
  memset(oldest, 0, sizeof *oldest);
  return oldest;
}

void ztk_vnet_multicast(ztk_node *n, int64_t now, ztk_vnet *net, const ztk_mcgroup *g,
                       uint64_t src_mac, uint16_t ethertype, const uint8_t *data, size_t len)
{
  ztk_address targets[GATHER_REPLY_MAX];
  unsigned limit = net->cfg->multicast_limit, total = 0;
  ztk_mcdir_group *grp = ztk_mcdir_group_get(&n->mcdir, net->nwid, g, true);
  if (!grp || limit == 0)
    return;
  unsigned cap = limit < GATHER_REPLY_MAX ? limit : GATHER_REPLY_MAX;
  unsigned count = ztk_mcdir_pick(grp, n->id.address, ztk_csprng_u64(&n->rng), targets, cap,
                                  &total);
  ztk_pending_mcast tmp = {(uint8_t *)(uintptr_t)data, len, now, *g, src_mac, ethertype, limit,
                           NULL, 0};
  uint32_t gather_limit = count < limit ? limit - count + 1 : 0;
  for (unsigned i = 0; i < count; i++)
    send_one(n, now, net, targets[i], &tmp, gather_limit);
  if (count >= limit)
    return;
  if (count == 0 || now - grp->last_gather >= ZTK_MULTICAST_EXPLICIT_GATHER_DELAY) {
    grp->last_gather = now;
    gather(n, now, net, g, limit - count + 1);
  }
  /* Keep the frame a while: members the gather finds get it too. */
  ztk_pending_mcast *pm = pending_slot(net);
  pm->data = malloc(len ? len : 1);
  if (!pm->data)
    return;
  memcpy(pm->data, data, len);
  pm->len = len;
  pm->when = now;
  pm->g = *g;
  pm->src_mac = src_mac;
  pm->ethertype = ethertype;
  pm->limit = limit;
  for (unsigned i = 0; i < count; i++)
    mark_sent(pm, targets[i]);
}

void ztk_vnet_pending_new_member(ztk_node *n, int64_t now, uint64_t nwid, const ztk_mcgroup *g,
                                ztk_address a)
{
  ztk_vnet *net = ztk_vnet_find(n, nwid);
  if (!net || !net->cfg || a == n->id.address)
    return;
  for (int i = 0; i < ZTK_PENDING_MULTICASTS; i++) {
    ztk_pending_mcast *pm = &net->pend[i];
    if (!pm->data || ztk_mcgroup_cmp(&pm->g, g) != 0 || already_sent(pm, a) ||
        pm->nsent >= pm->limit || now - pm->when >= ZTK_MULTICAST_TRANSMIT_TIMEOUT)
      continue;
    send_one(n, now, net, a, pm, 0);
    mark_sent(pm, a);
  }
}

int64_t ztk_vnet_pending_timers(ztk_node *n, int64_t now, ztk_vnet *net)
{
  int64_t next = ZTK_NEVER;
  (void)n;
  for (int i = 0; i < ZTK_PENDING_MULTICASTS; i++) {
    ztk_pending_mcast *pm = &net->pend[i];
    if (!pm->data)
      continue;
    if (now - pm->when >= ZTK_MULTICAST_TRANSMIT_TIMEOUT) {
      free(pm->data);
      free(pm->sent);
      memset(pm, 0, sizeof *pm);
    } else if (pm->when + ZTK_MULTICAST_TRANSMIT_TIMEOUT < next) {
      next = pm->when + ZTK_MULTICAST_TRANSMIT_TIMEOUT;
    }
  }
  return next;
}

void ztk_vnet_pending_free(ztk_vnet *net)
{
  for (int i = 0; i < ZTK_PENDING_MULTICASTS; i++) {
    free(net->pend[i].data);
    free(net->pend[i].sent);
    memset(&net->pend[i], 0, sizeof net->pend[i]);
  }
}
