/* The member side of network configuration: joining and leaving, asking the controller for a
 * config, assembling and verifying the signed chunks it sends, applying the config (address
 * and route events), and keeping it and the list of joined networks in the state store. */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "core/network/config_request.h"
#include "core/network/mac.h"
#include "core/node/vl2.h"
#include "core/packet/compress.h"

#define JOINED_LIST_ID 0 /* ZTK_STATE_NETWORK_CONFIG id 0: the joined network ids */

ztk_address ztk_vnet_controller(const ztk_vnet *net) { return net->nwid >> 24; }

ztk_vnet *ztk_vnet_find(const ztk_node *n, uint64_t nwid)
{
  int lo = 0, hi = n->nnets;
  while (lo < hi) {
    int mid = lo + (hi - lo) / 2;
    if (n->nets[mid]->nwid < nwid)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < n->nnets && n->nets[lo]->nwid == nwid ? n->nets[lo] : NULL;
}

void ztk_vnet_emit(ztk_node *n, ztk_event_type type, uint64_t nwid, const ztk_inaddr *addr,
                  const ztk_inaddr *via)
{
  ztk_event ev;
  if (!n->cb.event)
    return;
  memset(&ev, 0, sizeof ev);
  ev.type = type;
  ev.nwid = nwid;
  ev.peer = n->id.address;
  if (addr)
    ztk_inaddr_to_sockaddr(addr, &ev.addr);
  if (via)
    ztk_inaddr_to_sockaddr(via, &ev.via);
  n->cb.event(n->user, &ev);
}

void ztk_vnet_set_status(ztk_node *n, ztk_vnet *net, int status)
{
  static const ztk_event_type events[] = {
    [ZTK_NETWORK_REQUESTING_CONFIG] = ZTK_EVENT_NETWORK_REQUESTING_CONFIG,
    [ZTK_NETWORK_OK] = ZTK_EVENT_NETWORK_OK,
    [ZTK_NETWORK_ACCESS_DENIED] = ZTK_EVENT_NETWORK_ACCESS_DENIED,
    [ZTK_NETWORK_NOT_FOUND] = ZTK_EVENT_NETWORK_NOT_FOUND,
    [ZTK_NETWORK_PORT_ERROR] = ZTK_EVENT_NETWORK_DOWN,
    [ZTK_NETWORK_CLIENT_TOO_OLD] = ZTK_EVENT_NETWORK_CLIENT_TOO_OLD,
    [ZTK_NETWORK_AUTHENTICATION_REQUIRED] = ZTK_EVENT_NETWORK_AUTH_REQUIRED,
  };
  if (net->status == status || status < 0 || status > ZTK_NETWORK_AUTHENTICATION_REQUIRED)
    return;
  net->status = status;
  ztk_vnet_emit(n, events[status], net->nwid, NULL, NULL);
}

static void save_joined(ztk_node *n)
{
  uint8_t buf[8 * ZTK_MAX_NETWORKS];
  uint64_t id[2] = {JOINED_LIST_ID, 0};
  for (int i = 0; i < n->nnets; i++)
    ztk_be_put(buf + 8 * i, n->nets[i]->nwid, 8);
  if (n->cb.state_put)
    n->cb.state_put(n->user, ZTK_STATE_NETWORK_CONFIG, id, n->nnets ? buf : NULL,
                    (size_t)n->nnets * 8);
}

/* ---- requesting ---- */

void ztk_vnet_request_config(ztk_node *n, int64_t now, ztk_vnet *net)
{
  uint8_t buf[ZTK_PROTO_MAX_PACKET_LENGTH];
  char meta[1024];
  net->last_request = now;
  if (ztk_nwid_is_adhoc(net->nwid))
    return;
  if (ztk_vnet_controller(net) == n->id.address) {
    ztk_vl2_local_request(n, now, net);
    return;
  }
  ztk_dict d;
  ztk_dict_init(&d, meta, sizeof meta);
  ztk_config_request_meta m = {1, ZTK_PROTO_VERSION, 1, 14, 1, 1, "linux/x86_64"};
  if (ztk_config_request_meta_build(&d, &m))
    return;
  ztk_config_request q = {net->nwid, meta, (uint16_t)d.len, net->cfg ? net->cfg->revision : 0,
                          net->cfg ? net->cfg->ts : 0};
  ztk_wr w = ztk_packet_begin(n, buf, ztk_vnet_controller(net), ZTK_VERB_NETWORK_CONFIG_REQUEST);
  if (ztk_config_request_write(&w, &q) == 0 && !w.err)
    ztk_send(n, now, buf, w.len, ZTK_SEND_ENCRYPT | ZTK_SEND_COMPRESS | ZTK_SEND_EXPECT);
}

/* ---- applying ---- */

static bool has_ip(const ztk_netconf *nc, const ztk_inaddr *a)
{
  for (unsigned i = 0; nc && i < nc->static_ip_count; i++)
    if (ztk_inaddr_eq(&nc->static_ips[i], a))
      return true;
  return false;
}

static bool has_route(const ztk_netconf *nc, const ztk_netconf_route *r)
{
  for (unsigned i = 0; nc && i < nc->route_count; i++)
    if (ztk_inaddr_eq(&nc->routes[i].target, &r->target) &&
        ztk_inaddr_eq(&nc->routes[i].via, &r->via))
      return true;
  return false;
}

/* Address and route events for what changed between two configs (either may be NULL). */
static void emit_diff(ztk_node *n, uint64_t nwid, const ztk_netconf *old, const ztk_netconf *nc)
{
  for (unsigned i = 0; old && i < old->static_ip_count; i++)
    if (!has_ip(nc, &old->static_ips[i]))
      ztk_vnet_emit(n, ZTK_EVENT_ADDR_REMOVED, nwid, &old->static_ips[i], NULL);
  for (unsigned i = 0; nc && i < nc->static_ip_count; i++)
    if (!has_ip(old, &nc->static_ips[i]))
      ztk_vnet_emit(n, ZTK_EVENT_ADDR_ADDED, nwid, &nc->static_ips[i], NULL);
  for (unsigned i = 0; old && i < old->route_count; i++)
    if (!has_route(nc, &old->routes[i]))
      ztk_vnet_emit(n, ZTK_EVENT_ROUTE_REMOVED, nwid, &old->routes[i].target, &old->routes[i].via);
  for (unsigned i = 0; nc && i < nc->route_count; i++)
    if (!has_route(old, &nc->routes[i]))
      ztk_vnet_emit(n, ZTK_EVENT_ROUTE_ADDED, nwid, &nc->routes[i].target, &nc->routes[i].via);
}

void ztk_vnet_apply(ztk_node *n, int64_t now, ztk_vnet *net, ztk_netconf *nc, const uint8_t *dict,
                   size_t dict_len)
{
  ztk_netconf *old = net->cfg;
  net->cfg = nc;
  net->last_config = now;
  emit_diff(n, net->nwid, old, nc);
  if (old) {
    ztk_netconf_free(old);
    free(old);
  }
  if (dict && n->cb.state_put) {
    uint64_t id[2] = {net->nwid, 0};
    n->cb.state_put(n->user, ZTK_STATE_NETWORK_CONFIG, id, dict, dict_len);
  }
  ztk_vnet_auto_subscribe(n, now, net);
  ztk_node_tracef(n, "network %016llx config revision %llu applied",
                  (unsigned long long)net->nwid, (unsigned long long)nc->revision);
  /* NETWORK_OK is reported for every config applied, updates included. */
  net->status = ZTK_NETWORK_OK;
  ztk_vnet_emit(n, ZTK_EVENT_NETWORK_OK, net->nwid, NULL, NULL);
}

/* Parses an assembled dictionary into a fresh config for net. NULL if it is not valid. */
static ztk_netconf *parse_config(ztk_node *n, ztk_vnet *net, const uint8_t *data, size_t len)
{
  ztk_dict d;
  ztk_netconf *nc = malloc(sizeof *nc);
  if (!nc)
    return NULL;
  ztk_netconf_init(nc);
  if (ztk_dict_view(&d, data, len, ZTK_DICT_NETCONF_CAP) || ztk_netconf_from_dict(nc, &d) ||
      ztk_netconf_check(nc, net->nwid, n->id.address)) {
    ztk_netconf_free(nc);
    free(nc);
    return NULL;
  }
  return nc;
}

/* Acknowledges a pushed config as 1.14.1 does: OK with in-re verb ECHO, nwid, update id. */
static void ack_push(ztk_node *n, int64_t now, ztk_peer *p, uint64_t packet_id, uint64_t nwid,
                     uint64_t update_id)
{
  uint8_t buf[ZTK_PROTO_MAX_PACKET_LENGTH];
  ztk_wr w = ztk_packet_begin(n, buf, p->id.address, ZTK_VERB_OK);
  ztk_ok_header_write(&w, ZTK_VERB_ECHO, packet_id);
  ztk_wr_u64(&w, nwid);
  ztk_wr_u64(&w, update_id);
  ztk_send(n, now, buf, w.len, ZTK_SEND_ENCRYPT);
}

void ztk_vnet_on_chunk(ztk_node *n, int64_t now, ztk_peer *p, uint64_t packet_id, bool push,
                      ztk_rd *payload)
{
  ztk_chunk c;
  ztk_chunk_done done;
  size_t len = ztk_rd_left(payload);
  const uint8_t *data = ztk_rd_take(payload, len);
  if (!data || ztk_chunk_read(&c, data, len))
    return;
  ztk_vnet *net = ztk_vnet_find(n, c.nwid);
  ztk_peer *ctl = net ? ztk_node_peer_get(n, now, ztk_vnet_controller(net)) : NULL;
  if (!net || (!ctl && ztk_vnet_controller(net) != n->id.address)) {
    if (net)
      ztk_whois_request(n, now, ztk_vnet_controller(net));
    return;
  }
  const ztk_identity *ctl_id = ctl ? &ctl->id : &n->id;
  int rc = ztk_chunk_asm_add(&net->chunks, &c, ctl_id, p->id.address == ctl_id->address,
                             packet_id, &done);
  if (rc != 1) {
    if (rc < 0 && rc != ZTK_EEXIST)
      ztk_node_tracef(n, "config chunk for %016llx refused: %s", (unsigned long long)c.nwid,
                      ztk_strerror(rc));
    return;
  }
  ztk_netconf *nc = parse_config(n, net, done.data, done.len);
  if (!nc) {
    ztk_node_tracef(n, "config for %016llx does not parse", (unsigned long long)c.nwid);
    return;
  }
  ztk_vnet_apply(n, now, net, nc, done.data, done.len);
  if (push)
    ack_push(n, now, p, packet_id, net->nwid, done.update_id);
}

/* ---- joining and leaving ---- */

static int insert_net(ztk_node *n, ztk_vnet *net)
{
  int i = 0;
  if (n->nnets == ZTK_MAX_NETWORKS)
    return ZTK_ELIMIT;
  while (i < n->nnets && n->nets[i]->nwid < net->nwid)
    i++;
  memmove(&n->nets[i + 1], &n->nets[i], (size_t)(n->nnets - i) * sizeof n->nets[0]);
  n->nets[i] = net;
  n->nnets++;
  return 0;
}

static void load_stored_config(ztk_node *n, int64_t now, ztk_vnet *net)
{
  uint64_t id[2] = {net->nwid, 0};
  if (!n->cb.state_get)
    return;
  uint8_t *buf = malloc(ZTK_DICT_NETCONF_CAP);
  if (!buf)
    return;
  long len = n->cb.state_get(n->user, ZTK_STATE_NETWORK_CONFIG, id, buf, ZTK_DICT_NETCONF_CAP);
  ztk_netconf *nc = len > 0 ? parse_config(n, net, buf, (size_t)len) : NULL;
  if (nc)
    ztk_vnet_apply(n, now, net, nc, NULL, 0);
  free(buf);
}

/* Ad-hoc networks have no controller: the config follows from the network id. */
static void adhoc_config(ztk_node *n, int64_t now, ztk_vnet *net)
{
  ztk_adhoc_config ac;
  ztk_netconf *nc = malloc(sizeof *nc);
  if (!nc || ztk_adhoc_config_make(&ac, net->nwid, n->id.address, now)) {
    free(nc);
    return;
  }
  ztk_netconf_init(nc);
  nc->version = ZTK_NETCONF_VERSION;
  nc->nwid = net->nwid;
  nc->ts = now;
  nc->ctmd = ac.credential_time_max_delta;
  nc->revision = ac.revision;
  nc->issued_to = n->id.address;
  nc->flags = ac.flags;
  nc->type = ac.type;
  nc->mtu = ac.mtu;
  nc->multicast_limit = ac.multicast_limit;
  snprintf(nc->name, sizeof nc->name, "%s", ac.name);
  for (unsigned i = 0; i < ac.n_static_ips; i++)
    nc->static_ips[nc->static_ip_count++] = ac.static_ips[i];
  for (unsigned i = 0; i < ac.n_specialists; i++)
    ztk_netconf_add_specialist(nc, ac.specialists[i]);
  for (unsigned i = 0; i < ac.n_rules; i++)
    ztk_netconf_add_rule(nc, &ac.rules[i]);
  ztk_vnet_apply(n, now, net, nc, NULL, 0);
}

static int join(ztk_node *n, int64_t now, ztk_nwid nwid, bool remember)
{
  if (ztk_vnet_find(n, nwid))
    return 0;
  ztk_vnet *net = calloc(1, sizeof *net);
  if (!net)
    return ZTK_ENOMEM;
  net->nwid = nwid;
  net->mac = ztk_mac_from_address(n->id.address, nwid);
  net->status = ZTK_NETWORK_REQUESTING_CONFIG;
  net->last_request = net->last_config = net->last_announce = ZTK_NEVER_PAST;
  ztk_chunk_asm_init(&net->chunks, nwid);
  int rc = insert_net(n, net);
  if (rc) {
    ztk_chunk_asm_free(&net->chunks);
    free(net);
    return rc;
  }
  if (remember)
    save_joined(n);
  ztk_vnet_emit(n, ZTK_EVENT_NETWORK_REQUESTING_CONFIG, nwid, NULL, NULL);
  if (ztk_nwid_is_adhoc(nwid))
    adhoc_config(n, now, net);
  else
    load_stored_config(n, now, net);
  ztk_vnet_request_config(n, now, net);
  return 0;
}

int ztk_node_join(ztk_node *n, int64_t now, ztk_nwid nwid)
{
  if (!n || !nwid)
    return ZTK_EINVAL;
  return join(n, now, nwid, true);
}

void ztk_vl2_restore(ztk_node *n, int64_t now)
{
  uint8_t buf[8 * ZTK_MAX_NETWORKS];
  uint64_t id[2] = {JOINED_LIST_ID, 0};
  long len = n->cb.state_get
                 ? n->cb.state_get(n->user, ZTK_STATE_NETWORK_CONFIG, id, buf, sizeof buf)
                 : -1;
  for (long off = 0; len > 0 && off + 8 <= len; off += 8)
    join(n, now, ztk_be_get(buf + off, 8), false);
}

static void net_free(ztk_vnet *net)
{
  ztk_vnet_pending_free(net);
  ztk_vnet_members_free(net);
  ztk_chunk_asm_free(&net->chunks);
  if (net->cfg) {
    ztk_netconf_free(net->cfg);
    free(net->cfg);
  }
  free(net);
}

int ztk_node_leave(ztk_node *n, int64_t now, ztk_nwid nwid)
{
  uint64_t id[2] = {nwid, 0};
  (void)now;
  if (!n)
    return ZTK_EINVAL;
  for (int i = 0; i < n->nnets; i++) {
    ztk_vnet *net = n->nets[i];
    if (net->nwid != nwid)
      continue;
    emit_diff(n, nwid, net->cfg, NULL);
    ztk_vnet_emit(n, ZTK_EVENT_NETWORK_DOWN, nwid, NULL, NULL);
    memmove(&n->nets[i], &n->nets[i + 1], (size_t)(n->nnets - i - 1) * sizeof n->nets[0]);
    n->nnets--;
    net_free(net);
    ztk_mcdir_clean(&n->mcdir, now, nwid, true);
    save_joined(n);
    if (n->cb.state_put)
      n->cb.state_put(n->user, ZTK_STATE_NETWORK_CONFIG, id, NULL, 0);
    return 0;
  }
  return ZTK_ENOTFOUND;
}

void ztk_vl2_free(ztk_node *n)
{
  for (int i = 0; i < n->nnets; i++) {
    ztk_vnet_emit(n, ZTK_EVENT_NETWORK_DOWN, n->nets[i]->nwid, NULL, NULL);
    net_free(n->nets[i]);
  }
  n->nnets = 0;
  ztk_mcdir_free(&n->mcdir);
  ztk_vl2_controller_free(n);
}

/* ---- queries ---- */

int ztk_node_networks(const ztk_node *n, ztk_nwid *out, int max)
{
  for (int i = 0; i < n->nnets && i < max; i++)
    out[i] = n->nets[i]->nwid;
  return n->nnets;
}

static void info_config(const ztk_netconf *nc, ztk_network_info *o)
{
  snprintf(o->name, sizeof o->name, "%s", nc->name);
  o->mtu = nc->mtu;
  o->is_private = nc->type == ZTK_NETWORK_PRIVATE;
  o->broadcast = (nc->flags & ZTK_NETCONF_FLAG_ENABLE_BROADCAST) != 0;
  o->multicast_limit = nc->multicast_limit;
  o->revision = nc->revision;
  o->config_time = nc->ts;
  for (unsigned i = 0; i < nc->static_ip_count && o->addr_count < ZTK_NETWORK_INFO_MAX_ADDRS; i++)
    ztk_inaddr_to_sockaddr(&nc->static_ips[i], &o->addrs[o->addr_count++]);
  for (unsigned i = 0; i < nc->route_count && o->route_count < ZTK_NETWORK_INFO_MAX_ROUTES; i++) {
    ztk_network_route *r = &o->routes[o->route_count++];
    ztk_inaddr_to_sockaddr(&nc->routes[i].target, &r->target);
    ztk_inaddr_to_sockaddr(&nc->routes[i].via, &r->via);
    r->flags = nc->routes[i].flags;
    r->metric = nc->routes[i].metric;
  }
  snprintf(o->dns_domain, sizeof o->dns_domain, "%s", nc->dns.domain);
  for (int i = 0; i < ZTK_MAX_DNS_SERVERS; i++)
    if (nc->dns.servers[i].family)
      ztk_inaddr_to_sockaddr(&nc->dns.servers[i], &o->dns[o->dns_count++]);
}

int ztk_node_network(const ztk_node *n, ztk_nwid nwid, ztk_network_info *out)
{
  const ztk_vnet *net = ztk_vnet_find(n, nwid);
  if (!net)
    return ZTK_ENOTFOUND;
  memset(out, 0, sizeof *out);
  out->nwid = nwid;
  out->status = (ztk_network_status_code)net->status;
  out->mac = net->mac;
  out->mtu = ZTK_DEFAULT_MTU;
  if (net->cfg) {
    info_config(net->cfg, out);
    out->bridge = ztk_netconf_is_specialist(net->cfg, n->id.address, ZTK_SPECIALIST_ACTIVE_BRIDGE);
  }
  return 0;
}
