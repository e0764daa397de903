/* Event translation. libzt reports addresses per family, announces "ready" once sockets can
 * use an address of a family (READY_IP4 / READY_IP6, then READY_IP4_IP6 when both are), and
 * calls a repeated network config an update. */
#include "zts/events.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "ZeroTierSockets.h"
#include "zts/defnode.h"
#include "zts/netinfo.h"
#include "zts/saddr.h"

#define NETS_MAX 64

/* Per network: what was reported already (callback thread only). */
static struct net_seen {
  uint64_t nwid;
  bool ok, ready4, ready6, ready46;
} seen[NETS_MAX];

typedef struct msgbuf {
  zts_event_msg_t msg;
  zts_node_info_t node;
  zts_net_info_t net;
  zts_netif_info_t netif;
  zts_route_info_t route;
  zts_peer_info_t peer;
  zts_addr_info_t addr;
} msgbuf;

void zts_ev_reset(void)
{
  memset(seen, 0, sizeof seen);
}

static struct net_seen *seen_of(uint64_t nwid, bool create)
{
  for (int i = 0; i < NETS_MAX; i++)
    if (seen[i].nwid == nwid)
      return &seen[i];
  if (!create)
    return NULL;
  for (int i = 0; i < NETS_MAX; i++)
    if (seen[i].nwid == 0) {
      seen[i].nwid = nwid;
      return &seen[i];
    }
  return NULL;
}

static void emit(void (*h)(void *), msgbuf *b, int code)
{
  b->msg.event_code = (int16_t)code;
  h(&b->msg);
}

/* The node's address as last seen (callback thread only): NODE_DOWN comes after the node
 * stopped answering queries. */
static uint64_t last_node_id;

static void node_msg(msgbuf *b, ztk_service *svc)
{
  ztk_node_status st;
  b->msg.node = &b->node;
  if (svc && ztk_service_status(svc, &st) == 0)
    last_node_id = st.address;
  b->node.node_id = last_node_id;
  int port = svc ? ztk_service_port(svc) : -1;
  b->node.port_primary = port > 0 ? (uint16_t)port : 0;
  b->node.ver_major = 1;
  b->node.ver_minor = 14;
  b->node.ver_rev = 1;
}

static void net_msg(msgbuf *b, ztk_service *svc, uint64_t nwid)
{
  ztk_network_info *ni = calloc(1, sizeof *ni);
  b->msg.network = &b->net;
  b->net.net_id = nwid;
  if (ni && svc && ztk_service_network(svc, nwid, ni) == 0)
    zts_ni_fill(&b->net, ni);
  free(ni);
}

/* READY_* once the network is up and sockets can use an address of the family on it. */
static void check_ready(void (*h)(void *), msgbuf *b, ztk_service *svc, ztk_netstack *ns,
                        uint64_t nwid)
{
  struct net_seen *s = seen_of(nwid, false);
  if (!s || !s->ok)
    return;
  struct sockaddr_storage addrs[ZTK_NETWORK_INFO_MAX_ADDRS];
  int n = ns ? ztk_netstack_addresses(ns, nwid, addrs, ZTK_NETWORK_INFO_MAX_ADDRS) : 0;
  bool v4 = false, v6 = false;
  for (int i = 0; i < n && i < ZTK_NETWORK_INFO_MAX_ADDRS; i++) {
    v4 |= addrs[i].ss_family == AF_INET;
    v6 |= addrs[i].ss_family == AF_INET6;
  }
  if (!b->msg.network)
    net_msg(b, svc, nwid);
  if (v4 && !s->ready4) {
    s->ready4 = true;
    emit(h, b, ZTS_EVENT_NETWORK_READY_IP4);
  }
  if (v6 && !s->ready6) {
    s->ready6 = true;
    emit(h, b, ZTS_EVENT_NETWORK_READY_IP6);
  }
  if (v4 && v6 && !s->ready46) {
    s->ready46 = true;
    emit(h, b, ZTS_EVENT_NETWORK_READY_IP4_IP6);
  }
}

static int net_code(const ztk_event *ev)
{
  switch (ev->type) {
  case ZTK_EVENT_NETWORK_REQUESTING_CONFIG: return ZTS_EVENT_NETWORK_REQ_CONFIG;
  case ZTK_EVENT_NETWORK_ACCESS_DENIED: return ZTS_EVENT_NETWORK_ACCESS_DENIED;
  case ZTK_EVENT_NETWORK_AUTH_REQUIRED: return ZTS_EVENT_NETWORK_ACCESS_DENIED;
  case ZTK_EVENT_NETWORK_NOT_FOUND: return ZTS_EVENT_NETWORK_NOT_FOUND;
  case ZTK_EVENT_NETWORK_CLIENT_TOO_OLD: return ZTS_EVENT_NETWORK_CLIENT_TOO_OLD;
  default: return 0;
  }
}

static void network_event(void (*h)(void *), msgbuf *b, ztk_service *svc, ztk_netstack *ns,
                          const ztk_event *ev)
{
  net_msg(b, svc, ev->nwid);
  if (ev->type == ZTK_EVENT_NETWORK_OK) {
    struct net_seen *s = seen_of(ev->nwid, true);
    bool first = s && !s->ok;
    if (s)
      s->ok = true;
    emit(h, b, first ? ZTS_EVENT_NETWORK_OK : ZTS_EVENT_NETWORK_UPDATE);
    if (first) {
      b->msg.netif = &b->netif;
      b->netif = (zts_netif_info_t){ev->nwid, b->net.mac, (int)b->net.mtu};
      emit(h, b, ZTS_EVENT_NETIF_UP);
    }
    check_ready(h, b, svc, ns, ev->nwid);
  } else if (ev->type == ZTK_EVENT_NETWORK_DOWN) {
    struct net_seen *s = seen_of(ev->nwid, false);
    if (s && s->ok) {
      b->msg.netif = &b->netif;
      b->netif = (zts_netif_info_t){ev->nwid, b->net.mac, (int)b->net.mtu};
      emit(h, b, ZTS_EVENT_NETIF_DOWN);
    }
    if (s)
      memset(s, 0, sizeof *s);
    emit(h, b, ZTS_EVENT_NETWORK_DOWN);
  } else if (net_code(ev)) {
    emit(h, b, net_code(ev));
  }
}

static void addr_event(void (*h)(void *), msgbuf *b, ztk_service *svc, ztk_netstack *ns,
                       const ztk_event *ev)
{
  bool v6 = ev->addr.ss_family == AF_INET6;
  bool added = ev->type == ZTK_EVENT_ADDR_ADDED;
  struct sockaddr_storage a = ev->addr;
  /* the native event carries the prefix length in the port */
  if (v6)
    ((struct sockaddr_in6 *)(void *)&a)->sin6_port = 0;
  else
    ((struct sockaddr_in *)(void *)&a)->sin_port = 0;
  b->msg.addr = &b->addr;
  b->addr.net_id = ev->nwid;
  zts_sa_out(&a, &b->addr.addr);
  emit(h, b, added ? (v6 ? ZTS_EVENT_ADDR_ADDED_IP6 : ZTS_EVENT_ADDR_ADDED_IP4)
                   : (v6 ? ZTS_EVENT_ADDR_REMOVED_IP6 : ZTS_EVENT_ADDR_REMOVED_IP4));
  if (added)
    check_ready(h, b, svc, ns, ev->nwid);
}

static void peer_event(void (*h)(void *), msgbuf *b, ztk_service *svc, const ztk_event *ev,
                       int code)
{
  ztk_peer_info *pi = calloc(1, sizeof *pi);
  b->msg.peer = &b->peer;
  b->peer.peer_id = ev->peer;
  if (pi && svc && ztk_service_peer(svc, ev->peer, pi) == 0)
    zts_pi_fill(&b->peer, pi);
  free(pi);
  emit(h, b, code);
}

static void route_event(void (*h)(void *), msgbuf *b, const ztk_event *ev)
{
  b->msg.route = &b->route;
  zts_sa_out(&ev->addr, &b->route.target);
  /* zts_sa_out keeps the port, which holds the prefix length here, as libzt's target does */
  zts_sa_out(&ev->via, &b->route.via);
  emit(h, b, ev->type == ZTK_EVENT_ROUTE_ADDED ? ZTS_EVENT_ROUTE_ADDED : ZTS_EVENT_ROUTE_REMOVED);
}

static void node_event(void (*h)(void *), msgbuf *b, ztk_service *svc, int code)
{
  node_msg(b, svc);
  emit(h, b, code);
  if (code == ZTS_EVENT_NODE_UP)
    emit(h, b, ZTS_EVENT_STACK_UP);
  if (code == ZTS_EVENT_NODE_DOWN)
    emit(h, b, ZTS_EVENT_STACK_DOWN);
}

static int peer_code(ztk_event_type t)
{
  switch (t) {
  case ZTK_EVENT_PEER_DIRECT: return ZTS_EVENT_PEER_DIRECT;
  case ZTK_EVENT_PEER_RELAY: return ZTS_EVENT_PEER_RELAY;
  case ZTK_EVENT_PEER_UNREACHABLE: return ZTS_EVENT_PEER_UNREACHABLE;
  case ZTK_EVENT_PATH_DISCOVERED: return ZTS_EVENT_PEER_PATH_DISCOVERED;
  case ZTK_EVENT_PATH_DEAD: return ZTS_EVENT_PEER_PATH_DEAD;
  default: return 0;
  }
}

static int node_code(ztk_event_type t)
{
  switch (t) {
  case ZTK_EVENT_NODE_UP: return ZTS_EVENT_NODE_UP;
  case ZTK_EVENT_NODE_ONLINE: return ZTS_EVENT_NODE_ONLINE;
  case ZTK_EVENT_NODE_OFFLINE: return ZTS_EVENT_NODE_OFFLINE;
  case ZTK_EVENT_NODE_DOWN: return ZTS_EVENT_NODE_DOWN;
  case ZTK_EVENT_NODE_IDENTITY_COLLISION: return ZTS_EVENT_NODE_FATAL_ERROR;
  default: return 0;
  }
}

void zts_ev_deliver(void *user, const ztk_event *ev)
{
  (void)user;
  void (*h)(void *) = zts_dn_handler();
  if (!h)
    return;
  ztk_service *svc;
  ztk_netstack *ns;
  zts_dn_get(&svc, &ns);
  msgbuf *b = calloc(1, sizeof *b);
  if (!b)
    return;
  if (node_code(ev->type))
    node_event(h, b, svc, node_code(ev->type));
  else if (peer_code(ev->type))
    peer_event(h, b, svc, ev, peer_code(ev->type));
  else if (ev->type == ZTK_EVENT_ADDR_ADDED || ev->type == ZTK_EVENT_ADDR_REMOVED)
    addr_event(h, b, svc, ns, ev);
  else if (ev->type == ZTK_EVENT_ROUTE_ADDED || ev->type == ZTK_EVENT_ROUTE_REMOVED)
    route_event(h, b, ev);
  else if (ev->type >= ZTK_EVENT_NETWORK_REQUESTING_CONFIG && ev->type <= ZTK_EVENT_NETWORK_AUTH_REQUIRED)
    network_event(h, b, svc, ns, ev);
  free(b);
}
