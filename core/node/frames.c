/* Ethernet frames: from the local host onto a network (NDP emulation, the rules engine,
 * unicast to a member, multicast, bridges) and from members to the local host (the gate, the
 * rules engine, the core-only responder, the host's frame_out). */
#include <string.h>

#include "core/network/ethframe.h"
#include "core/network/filter.h"
#include "core/network/mac.h"
#include "core/network/ndp.h"
#include "core/network/responder.h"
#include "core/network/vl2wire.h"
#include "core/node/vl2.h"

#define MAX_BRIDGES 32
#define MAX_FILTER_CAPS 16
#define MAX_FILTER_TAGS 32

/* ---- the rules engine ---- */

static void cb_random(void *user, void *buf, size_t len) { ztk_csprng_bytes(user, buf, len); }

typedef struct filter_scratch {
  ztk_ruleset caps[MAX_FILTER_CAPS];
  ztk_tag_value local[MAX_FILTER_TAGS], remote[MAX_FILTER_TAGS];
} filter_scratch;

static size_t tag_values(ztk_tag_value *out, const ztk_tag *tags, unsigned n)
{
  size_t k = 0;
  for (unsigned i = 0; i < n && k < MAX_FILTER_TAGS; i++)
    out[k++] = (ztk_tag_value){tags[i].id, tags[i].value};
  return k;
}

static size_t cap_sets(ztk_ruleset *out, const ztk_capability *caps, unsigned n)
{
  size_t k = 0;
  for (unsigned i = 0; i < n && k < MAX_FILTER_CAPS; i++)
    out[k++] = (ztk_ruleset){caps[i].rules, caps[i].rule_count};
  return k;
}

/* Runs the network's rules over a frame. remote is the other member (NULL when unknown). */
static bool filter(ztk_node *n, ztk_vnet *net, bool inbound, ztk_address remote, uint64_t src_mac,
                   uint64_t dst_mac, uint16_t ethertype, const uint8_t *data, size_t len,
                   ztk_filter_result *res)
{
  filter_scratch s;
  const ztk_netconf *nc = net->cfg;
  ztk_member *m = remote ? ztk_vnet_member(net, remote, false) : NULL;
  ztk_filter_input in;
  memset(&in, 0, sizeof in);
  in.inbound = inbound;
  in.self = n->id.address;
  in.source = inbound ? remote : n->id.address;
  in.dest = inbound ? n->id.address : remote;
  in.src_mac = src_mac;
  in.dst_mac = dst_mac;
  in.ethertype = ethertype;
  in.data = data;
  in.len = len;
  in.rules = (ztk_ruleset){nc->rules, nc->rule_count};
  in.caps = s.caps;
  in.n_caps = inbound ? (m ? cap_sets(s.caps, m->caps, m->ncaps) : 0)
                      : cap_sets(s.caps, nc->caps, nc->cap_count);
  in.local_tags = s.local;
  in.n_local_tags = tag_values(s.local, nc->tags, nc->tag_count);
  in.remote_tags = s.remote;
  in.n_remote_tags = m ? tag_values(s.remote, m->tags, m->ntags) : 0;
  in.unsupported_match_result = (nc->flags & ZTK_NETCONF_FLAG_UNSUPPORTED_MATCH) != 0;
  in.rnd = cb_random;
  in.rnd_user = &n->rng;
  if (ztk_filter_evaluate(&in, res)) {
    n->ctr.drop_policy++;
    return false;
  }
  if (!res->deliver)
    n->ctr.drop_policy++;
  return true;
}

static void send_ext_frame(ztk_node *n, int64_t now, ztk_vnet *net, ztk_address to, uint8_t flags,
                           uint64_t src_mac, uint64_t dst_mac, uint16_t ethertype,
                           const uint8_t *data, size_t len)
{
  uint8_t buf[ZTK_PROTO_MAX_PACKET_LENGTH];
  ztk_ext_frame_msg m;
  memset(&m, 0, sizeof m);
  m.nwid = net->nwid;
  m.flags = flags;
  m.dst_mac = dst_mac;
  m.src_mac = src_mac;
  m.ethertype = ethertype;
  m.data = data;
  m.len = len;
  ztk_vnet_push_if_needed(n, now, net, to);
  ztk_wr w = ztk_packet_begin(n, buf, to, ZTK_VERB_EXT_FRAME);
  ztk_ext_frame_msg_write(&w, &m);
  if (!w.err)
    ztk_send(n, now, buf, w.len, ZTK_SEND_ENCRYPT);
}

/* TEE, WATCH and REDIRECT copies the rules asked for. */
static void send_copies(ztk_node *n, int64_t now, ztk_vnet *net, const ztk_filter_result *res,
                        uint64_t src_mac, uint64_t dst_mac, uint16_t ethertype,
                        const uint8_t *data, size_t len)
{
  for (unsigned i = 0; i < res->n_copies; i++) {
    const ztk_filter_copy *c = &res->copies[i];
    if (c->address == n->id.address)
      continue;
    size_t clen = c->length && c->length < len ? c->length : len;
    send_ext_frame(n, now, net, c->address, c->ext_flags, src_mac, dst_mac, ethertype, data, clen);
  }
  if (res->redirect && res->redirect != n->id.address)
    send_ext_frame(n, now, net, res->redirect, res->redirect_flags, src_mac, dst_mac, ethertype,
                   data, len);
}

/* ---- delivering to the local host ---- */

static void respond(ztk_node *n, int64_t now, ztk_vnet *net, uint64_t src_mac, uint64_t dst_mac,
                    uint16_t ethertype, const uint8_t *data, size_t len)
{
  uint8_t buf[ZTK_PROTO_MAX_PACKET_LENGTH];
  ztk_frame in = {dst_mac, src_mac, ethertype, 0, data, len}, out;
  ztk_responder r = {net->mac, net->cfg->static_ips, net->cfg->static_ip_count,
                     net->udp_echo_port, 0};
  uint32_t ident = (uint32_t)ztk_csprng_u64(&n->rng);
  int rl = ztk_responder_reply(&r, &in, ident, &out, buf, sizeof buf);
  if (rl > 0)
    ztk_node_frame_in(n, now, net->nwid, out.src_mac, out.dst_mac, out.ethertype, 0, out.data,
                      out.len, NULL);
}

void ztk_vnet_deliver(ztk_node *n, int64_t now, ztk_vnet *net, uint64_t src_mac, uint64_t dst_mac,
                     uint16_t ethertype, const uint8_t *data, size_t len)
{
  if (n->cb.frame_out)
    n->cb.frame_out(n->user, net->nwid, src_mac, dst_mac, ethertype, 0, data, len);
  if (net->responder)
    respond(n, now, net, src_mac, dst_mac, ethertype, data, len);
}

static bool subscribed(const ztk_vnet *net, const ztk_mcgroup *g)
{
  for (unsigned i = 0; i < net->nsubs; i++)
    if (ztk_mcgroup_cmp(&net->subs[i], g) == 0)
      return true;
  return false;
}

/* ---- from the local host ---- */

static void unicast(ztk_node *n, int64_t now, ztk_vnet *net, uint64_t src_mac, uint64_t dst_mac,
                    uint16_t ethertype, const uint8_t *data, size_t len)
{
  uint8_t buf[ZTK_PROTO_MAX_PACKET_LENGTH];
  ztk_filter_result res;
  ztk_address to = ztk_mac_is_member(dst_mac, net->nwid) ? ztk_mac_to_address(dst_mac, net->nwid)
                                                          : 0;
  if (!filter(n, net, false, to, src_mac, dst_mac, ethertype, data, len, &res))
    return;
  send_copies(n, now, net, &res, src_mac, dst_mac, ethertype, data, len);
  if (!res.deliver)
    return;
  if (to && to != n->id.address) {
    ztk_vnet_push_if_needed(n, now, net, to);
    if (src_mac == net->mac) {
      ztk_frame_msg m = {net->nwid, ethertype, data, len};
      ztk_wr w = ztk_packet_begin(n, buf, to, ZTK_VERB_FRAME);
      ztk_frame_msg_write(&w, &m);
      if (!w.err)
        ztk_send(n, now, buf, w.len, ZTK_SEND_ENCRYPT);
    } else if (ztk_netconf_is_specialist(net->cfg, n->id.address, ZTK_SPECIALIST_ACTIVE_BRIDGE)) {
      send_ext_frame(n, now, net, to, 0, src_mac, dst_mac, ethertype, data, len);
    } else {
      n->ctr.drop_policy++; /* a foreign source MAC needs bridging permission */
    }
    return;
  }
  /* Not a member's MAC: it lives behind a bridge. */
  unsigned sent = 0;
  for (unsigned i = 0; i < net->cfg->specialist_count && sent < MAX_BRIDGES; i++) {
    uint64_t s = net->cfg->specialists[i];
    ztk_address a = s & 0xffffffffffull;
    if ((s & ZTK_SPECIALIST_ACTIVE_BRIDGE) && a != n->id.address) {
      send_ext_frame(n, now, net, a, 0, src_mac, dst_mac, ethertype, data, len);
      sent++;
    }
  }
  if (!sent)
    n->ctr.drop_policy++;
}

static void multicast(ztk_node *n, int64_t now, ztk_vnet *net, uint64_t src_mac, uint64_t dst_mac,
                      uint16_t ethertype, const uint8_t *data, size_t len)
{
  ztk_filter_result res;
  ztk_mcgroup g = ztk_mcgroup_for_frame(dst_mac, ethertype, data, len);
  /* IPv4 ARP requests travel as their ADI group, so they work with broadcast disabled. */
  if (ztk_mac_is_broadcast(dst_mac) && g.adi == 0 &&
      !(net->cfg->flags & ZTK_NETCONF_FLAG_ENABLE_BROADCAST)) {
    n->ctr.drop_policy++;
    return;
  }
  if (!filter(n, net, false, 0, src_mac, dst_mac, ethertype, data, len, &res))
    return;
  send_copies(n, now, net, &res, src_mac, dst_mac, ethertype, data, len);
  if (res.deliver)
    ztk_vnet_multicast(n, now, net, &g, src_mac, ethertype, data, len);
}

int ztk_node_frame_in(ztk_node *n, int64_t now, ztk_nwid nwid, uint64_t src_mac, uint64_t dst_mac,
                      uint16_t ethertype, uint16_t vlan_id, const void *data, size_t len,
                      int64_t *next_deadline)
{
  (void)vlan_id;
  if (!n || (!data && len))
    return ZTK_EINVAL;
  ztk_vnet *net = ztk_vnet_find(n, nwid);
  if (!net || !net->cfg)
    return ZTK_ENET_NOTJOINED;
  if (len > net->cfg->mtu)
    return ZTK_ERANGE;
  ztk_frame f = {dst_mac, src_mac, ethertype, 0, data, len};
  ztk_ndp_reply na;
  if ((net->cfg->flags & ZTK_NETCONF_FLAG_NDP_EMULATION) &&
      ztk_ndp_emulate(&f, nwid, n->id.address, net->cfg->static_ips, net->cfg->static_ip_count,
                      &na) == 1) {
    ztk_vnet_deliver(n, now, net, na.src_mac, na.dst_mac, 0x86dd, na.packet, sizeof na.packet);
  } else if (dst_mac == net->mac) {
    ztk_vnet_deliver(n, now, net, src_mac, dst_mac, ethertype, data, len);
  } else if (ztk_mac_is_multicast(dst_mac)) {
    multicast(n, now, net, src_mac, dst_mac, ethertype, data, len);
  } else {
    unicast(n, now, net, src_mac, dst_mac, ethertype, data, len);
  }
  return next_deadline ? ztk_node_tick(n, now, next_deadline) : 0;
}

int ztk_node_set_responder(ztk_node *n, ztk_nwid nwid, bool on, uint16_t udp_echo_port)
{
  ztk_vnet *net = n ? ztk_vnet_find(n, nwid) : NULL;
  if (!net)
    return ZTK_ENET_NOTJOINED;
  net->responder = on;
  net->udp_echo_port = udp_echo_port;
  return 0;
}

/* ---- from members ---- */

/* The common checks of an arriving frame: a network we are in, with a config, and a sender
 * that passes its gate (else we ask for credentials and the packet waits). A COM sent inline
 * (legacy senders) is learned first. Returns the network, or NULL with *rc set. */
static ztk_vnet *frame_network(ztk_node *n, int64_t now, ztk_peer *p, uint64_t nwid, uint8_t verb,
                              uint64_t packet_id, const ztk_com *inline_com, int *rc)
{
  ztk_vnet *net = ztk_vnet_find(n, nwid);
  *rc = 1;
  if (!net || !net->cfg)
    return NULL;
  if (inline_com)
    ztk_vnet_learn_com(n, now, net, p, inline_com);
  if (!ztk_vnet_gate(n, now, net, p)) {
    ztk_vnet_ask_credentials(n, now, net, p, verb, packet_id);
    *rc = -1;
    return NULL;
  }
  return net;
}

int ztk_vl2_frame(ztk_node *n, int64_t now, ztk_peer *p, uint64_t packet_id, ztk_rd *payload,
                  bool *trusted)
{
  ztk_frame_msg m;
  ztk_filter_result res;
  int rc;
  if (ztk_frame_msg_read(payload, &m))
    return 1;
  ztk_vnet *net = frame_network(n, now, p, m.nwid, ZTK_VERB_FRAME, packet_id, NULL, &rc);
  if (!net)
    return rc;
  *trusted = true;
  uint64_t src = ztk_mac_from_address(p->id.address, m.nwid);
  if (m.len && filter(n, net, true, p->id.address, src, net->mac, m.ethertype, m.data, m.len, &res) &&
      res.deliver)
    ztk_vnet_deliver(n, now, net, src, net->mac, m.ethertype, m.data, m.len);
  return 1;
}

static bool permits_bridging(const ztk_vnet *net, ztk_address a)
{
  return ztk_netconf_is_specialist(net->cfg, a, ZTK_SPECIALIST_ACTIVE_BRIDGE);
}

int ztk_vl2_ext_frame(ztk_node *n, int64_t now, ztk_peer *p, uint64_t packet_id, ztk_rd *payload,
                      bool *trusted)
{
  uint8_t buf[ZTK_PROTO_MAX_PACKET_LENGTH];
  ztk_ext_frame_msg m;
  ztk_filter_result res;
  int rc;
  if (ztk_ext_frame_msg_read(payload, &m))
    return 1;
  ztk_vnet *net = frame_network(n, now, p, m.nwid, ZTK_VERB_EXT_FRAME, packet_id,
                                m.has_com ? &m.com : NULL, &rc);
  if (!net)
    return rc;
  *trusted = true;
  if (!m.src_mac || m.src_mac == net->mac)
    return 1; /* silently dropped, as 1.14.1 does */
  if ((m.src_mac != ztk_mac_from_address(p->id.address, m.nwid) && !permits_bridging(net, p->id.address)) ||
      (!ztk_mac_is_multicast(m.dst_mac) && m.dst_mac != net->mac &&
       !permits_bridging(net, n->id.address))) {
    n->ctr.drop_policy++;
    return 1;
  }
  if (ztk_mac_is_multicast(m.dst_mac)) {
    ztk_mcgroup g = ztk_mcgroup_for_frame(m.dst_mac, m.ethertype, m.data, m.len);
    if (!subscribed(net, &g))
      return 1;
  }
  if (filter(n, net, true, p->id.address, m.src_mac, m.dst_mac, m.ethertype, m.data, m.len, &res) &&
      (res.deliver || res.verdict == ZTK_FILTER_SUPER_ACCEPT))
    ztk_vnet_deliver(n, now, net, m.src_mac, m.dst_mac, m.ethertype, m.data, m.len);
  if (m.flags & ZTK_EXT_FRAME_FLAG_ACK) {
    ztk_wr w = ztk_packet_begin(n, buf, p->id.address, ZTK_VERB_OK);
    ztk_ok_header_write(&w, ZTK_VERB_EXT_FRAME, packet_id);
    ztk_wr_u64(&w, m.nwid);
    ztk_send(n, now, buf, w.len, ZTK_SEND_ENCRYPT);
  }
  return 1;
}

static void mcframe_reply(ztk_node *n, int64_t now, ztk_peer *p, uint64_t packet_id, ztk_vnet *net,
                          const ztk_mcframe_msg *m)
{
  uint8_t buf[ZTK_PROTO_MAX_PACKET_LENGTH];
  ztk_address addrs[256];
  unsigned total = 0, want = m->gather_limit < 256 ? m->gather_limit : 256;
  ztk_mcdir_group *grp = ztk_mcdir_group_get(&n->mcdir, m->nwid, &m->g, false);
  unsigned count = ztk_mcdir_pick(grp, p->id.address, ztk_csprng_u64(&n->rng), addrs, want, &total);
  ztk_wr w = ztk_packet_begin(n, buf, p->id.address, ZTK_VERB_OK);
  ztk_ok_header_write(&w, ZTK_VERB_MULTICAST_FRAME, packet_id);
  ztk_wr_u64(&w, m->nwid);
  ztk_wr_uint(&w, m->g.mac, 6);
  ztk_wr_u32(&w, m->g.adi);
  ztk_wr_u8(&w, 0x02);
  ztk_gather_results_write(&w, total, addrs, (uint16_t)count);
  (void)net;
  if (!w.err)
    ztk_send(n, now, buf, w.len, ZTK_SEND_ENCRYPT);
}

int ztk_vl2_mcframe(ztk_node *n, int64_t now, ztk_peer *p, uint64_t packet_id, ztk_rd *payload,
                    bool *trusted)
{
  ztk_mcframe_msg m;
  ztk_filter_result res;
  int rc;
  if (ztk_mcframe_msg_read(payload, &m))
    return 1;
  ztk_vnet *net = frame_network(n, now, p, m.nwid, ZTK_VERB_MULTICAST_FRAME, packet_id,
                                m.has_com ? &m.com : NULL, &rc);
  if (!net)
    return rc;
  *trusted = true;
  uint64_t src = m.src_mac ? m.src_mac : ztk_mac_from_address(p->id.address, m.nwid);
  if (net->cfg->multicast_limit == 0 || !ztk_mac_is_multicast(m.g.mac) || !src ||
      ztk_mac_is_multicast(src) || src == net->mac ||
      (src != ztk_mac_from_address(p->id.address, m.nwid) && !permits_bridging(net, p->id.address))) {
    n->ctr.drop_policy++;
    return 1;
  }
  if (subscribed(net, &m.g) &&
      filter(n, net, true, p->id.address, src, m.g.mac, m.ethertype, m.data, m.len, &res) &&
      res.deliver)
    ztk_vnet_deliver(n, now, net, src, m.g.mac, m.ethertype, m.data, m.len);
  if (m.gather_limit)
    mcframe_reply(n, now, p, packet_id, net, &m);
  return 1;
}
