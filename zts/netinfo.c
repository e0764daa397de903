/* Networks, addresses, routes, peers and statistics of the default node. */
#include "zts/netinfo.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/network/addressing.h"
#include "runtime/stack_lock.h"
#include "stack/proto_stats.h"
#include "zts/defnode.h"
#include "zts/saddr.h"

#define ADDRS_MAX ZTK_NETWORK_INFO_MAX_ADDRS

void zts_ni_fill(zts_net_info_t *o, const ztk_network_info *i)
{
  memset(o, 0, sizeof *o);
  o->net_id = i->nwid;
  o->mac = i->mac;
  snprintf(o->name, sizeof o->name, "%s", i->name);
  o->status = (zts_network_status_t)i->status;
  o->type = i->is_private ? ZTS_NETWORK_TYPE_PRIVATE : ZTS_NETWORK_TYPE_PUBLIC;
  o->mtu = i->mtu;
  o->bridge = i->bridge;
  o->broadcast_enabled = i->broadcast;
  o->port_error = i->status == ZTK_NETWORK_PORT_ERROR;
  o->netconf_rev = (unsigned long)i->revision;
  for (int k = 0; k < i->addr_count && o->assigned_addr_count < ZTS_MAX_ASSIGNED_ADDRESSES; k++)
    zts_sa_out(&i->addrs[k], &o->assigned_addrs[o->assigned_addr_count++]);
  for (int k = 0; k < i->route_count && o->route_count < ZTS_MAX_NETWORK_ROUTES; k++) {
    zts_route_info_t *r = &o->routes[o->route_count++];
    zts_sa_out(&i->routes[k].target, &r->target);
    zts_sa_out(&i->routes[k].via, &r->via);
    r->flags = i->routes[k].flags;
    r->metric = i->routes[k].metric;
  }
}

void zts_pi_fill(zts_peer_info_t *o, const ztk_peer_info *i)
{
  memset(o, 0, sizeof *o);
  o->peer_id = i->address;
  o->ver_major = i->version_major;
  o->ver_minor = i->version_minor;
  o->ver_rev = i->version_rev;
  o->latency = i->latency_ms;
  o->role = (zts_peer_role_t)i->role;
  for (int k = 0; k < i->path_count && k < ZTS_MAX_PEER_NETWORK_PATHS; k++) {
    zts_path_t *p = &o->paths[o->path_count++];
    zts_sa_out(&i->paths[k].addr, &p->address);
    p->last_tx = (uint64_t)i->paths[k].last_send;
    p->last_rx = (uint64_t)i->paths[k].last_receive;
    p->latency = (float)i->paths[k].latency_ms;
    p->expired = !i->paths[k].alive;
    p->preferred = i->paths[k].preferred;
  }
}

/* ---- networks ---- */

/* The network's details into a heap copy (*out, freed by the caller). Returns ZTS_ERR_OK,
 * ZTS_ERR_SERVICE or ZTS_ERR_NO_RESULT. */
static int net_info(uint64_t nwid, ztk_network_info **out)
{
  ztk_service *svc;
  *out = NULL;
  if (!zts_dn_get(&svc, NULL))
    return ZTS_ERR_SERVICE;
  ztk_network_info *ni = calloc(1, sizeof *ni);
  if (!ni)
    return ZTS_ERR_GENERAL;
  int rc = ztk_service_network(svc, nwid, ni);
  if (rc) {
    free(ni);
    return rc == ZTK_ESTATE ? ZTS_ERR_SERVICE : ZTS_ERR_NO_RESULT;
  }
  *out = ni;
  return ZTS_ERR_OK;
}

ZTS_API int zts_net_join(uint64_t net_id)
{
  ztk_service *svc;
  if (net_id == 0)
    return ZTS_ERR_ARG;
  if (!zts_dn_get(&svc, NULL))
    return ZTS_ERR_SERVICE;
  int rc = ztk_service_join(svc, net_id);
  return rc == 0 ? ZTS_ERR_OK : rc == ZTK_ESTATE ? ZTS_ERR_SERVICE : ZTS_ERR_GENERAL;
}

ZTS_API int zts_net_leave(uint64_t net_id)
{
  ztk_service *svc;
  if (net_id == 0)
    return ZTS_ERR_ARG;
  if (!zts_dn_get(&svc, NULL))
    return ZTS_ERR_SERVICE;
  int rc = ztk_service_leave(svc, net_id);
  return rc == 0 ? ZTS_ERR_OK : rc == ZTK_ESTATE ? ZTS_ERR_SERVICE : ZTS_ERR_NO_RESULT;
}

ZTS_API int zts_net_count(void)
{
  ztk_service *svc;
  if (!zts_dn_get(&svc, NULL))
    return ZTS_ERR_SERVICE;
  int n = ztk_service_networks(svc, NULL, 0);
  return n < 0 ? ZTS_ERR_SERVICE : n;
}

/* The stack's addresses on nwid (ports zeroed); returns how many, or a ZTS_ERR_* code. */
static int stack_addrs(uint64_t nwid, struct sockaddr_storage *out)
{
  ztk_netstack *ns;
  if (!zts_dn_get(NULL, &ns) || !ns)
    return ZTS_ERR_SERVICE;
  int n = ztk_netstack_addresses(ns, nwid, out, ADDRS_MAX);
  if (n < 0)
    return ZTS_ERR_SERVICE;
  if (n > ADDRS_MAX)
    n = ADDRS_MAX;
  for (int i = 0; i < n; i++) {
    if (out[i].ss_family == AF_INET)
      ((struct sockaddr_in *)(void *)&out[i])->sin_port = 0;
    else
      ((struct sockaddr_in6 *)(void *)&out[i])->sin6_port = 0;
  }
  return n;
}

ZTS_API int zts_net_transport_is_ready(const uint64_t net_id)
{
  ztk_network_info *ni;
  if (net_info(net_id, &ni))
    return 0;
  bool ok = ni->status == ZTK_NETWORK_OK;
  free(ni);
  struct sockaddr_storage a[ADDRS_MAX];
  return ok && stack_addrs(net_id, a) > 0;
}

ZTS_API uint64_t zts_net_get_mac(uint64_t net_id)
{
  ztk_network_info *ni;
  if (net_info(net_id, &ni))
    return 0;
  uint64_t mac = ni->mac;
  free(ni);
  return mac;
}

ZTS_API int zts_net_get_mac_str(uint64_t net_id, char *dst, unsigned int len)
{
  if (!dst || len < ZTS_MAC_ADDRSTRLEN)
    return ZTS_ERR_ARG;
  ztk_network_info *ni;
  int rc = net_info(net_id, &ni);
  if (rc)
    return rc;
  uint64_t m = ni->mac;
  free(ni);
  snprintf(dst, len, "%02x:%02x:%02x:%02x:%02x:%02x", (unsigned)(m >> 40) & 0xff,
           (unsigned)(m >> 32) & 0xff, (unsigned)(m >> 24) & 0xff, (unsigned)(m >> 16) & 0xff,
           (unsigned)(m >> 8) & 0xff, (unsigned)m & 0xff);
  return ZTS_ERR_OK;
}

/* One integer field of a network's details, or the ZTS_ERR_* code. */
enum net_field { NF_BROADCAST, NF_MTU, NF_STATUS, NF_TYPE };

static int net_field(uint64_t nwid, enum net_field f)
{
  ztk_network_info *ni;
  int rc = net_info(nwid, &ni);
  if (rc)
    return rc;
  int v = f == NF_BROADCAST ? ni->broadcast
          : f == NF_MTU     ? (int)ni->mtu
          : f == NF_STATUS  ? (int)ni->status
                            : (ni->is_private ? ZTS_NETWORK_TYPE_PRIVATE : ZTS_NETWORK_TYPE_PUBLIC);
  free(ni);
  return v;
}

ZTS_API int zts_net_get_broadcast(uint64_t net_id)
{
  return net_field(net_id, NF_BROADCAST);
}

ZTS_API int zts_net_get_mtu(uint64_t net_id)
{
  return net_field(net_id, NF_MTU);
}

ZTS_API int zts_net_get_status(uint64_t net_id)
{
  return net_field(net_id, NF_STATUS);
}

ZTS_API int zts_net_get_type(uint64_t net_id)
{
  return net_field(net_id, NF_TYPE);
}

ZTS_API int zts_net_get_name(uint64_t net_id, char *dst, unsigned int len)
{
  if (!dst || len == 0)
    return ZTS_ERR_ARG;
  ztk_network_info *ni;
  int rc = net_info(net_id, &ni);
  if (rc)
    return rc;
  snprintf(dst, len, "%s", ni->name);
  free(ni);
  return ZTS_ERR_OK;
}

ZTS_API uint64_t zts_net_compute_adhoc_id(uint16_t start_port, uint16_t end_port)
{
  return 0xff00000000000000ULL | ((uint64_t)start_port << 40) | ((uint64_t)end_port << 24);
}

ZTS_API int zts_route_is_assigned(uint64_t net_id, unsigned int family)
{
  if (family != ZTS_AF_INET && family != ZTS_AF_INET6)
    return ZTS_ERR_ARG;
  ztk_network_info *ni;
  if (net_info(net_id, &ni))
    return 0;
  int found = 0;
  for (int i = 0; i < ni->route_count && i < ZTK_NETWORK_INFO_MAX_ROUTES; i++)
    found |= ni->routes[i].target.ss_family == (family == ZTS_AF_INET ? AF_INET : AF_INET6);
  free(ni);
  return found;
}

/* ---- addresses ---- */

ZTS_API int zts_addr_get(uint64_t net_id, unsigned int family, struct zts_sockaddr_storage *addr)
{
  if (!addr || (family != ZTS_AF_INET && family != ZTS_AF_INET6))
    return ZTS_ERR_ARG;
  struct sockaddr_storage a[ADDRS_MAX];
  int n = stack_addrs(net_id, a);
  if (n < 0)
    return n;
  for (int i = 0; i < n; i++)
    if (a[i].ss_family == (family == ZTS_AF_INET ? AF_INET : AF_INET6)) {
      zts_sa_out(&a[i], addr);
      return ZTS_ERR_OK;
    }
  return ZTS_ERR_NO_RESULT;
}

ZTS_API int zts_addr_is_assigned(uint64_t net_id, unsigned int family)
{
  struct zts_sockaddr_storage a;
  return zts_addr_get(net_id, family, &a) == ZTS_ERR_OK;
}

ZTS_API int zts_addr_get_str(uint64_t net_id, unsigned int family, char *dst, unsigned int len)
{
  if (!dst || len < (family == ZTS_AF_INET6 ? ZTS_INET6_ADDRSTRLEN : ZTS_INET_ADDRSTRLEN))
    return ZTS_ERR_ARG;
  struct zts_sockaddr_storage a;
  int rc = zts_addr_get(net_id, family, &a);
  if (rc)
    return rc;
  struct sockaddr_storage ss;
  zts_sa_in((struct zts_sockaddr *)&a, sizeof a, &ss);
  return zts_sa_format(&ss, dst, len, NULL) ? ZTS_ERR_GENERAL : ZTS_ERR_OK;
}

ZTS_API int zts_addr_get_all(uint64_t net_id, struct zts_sockaddr_storage *addr, unsigned int *count)
{
  if (!addr || !count || *count == 0)
    return ZTS_ERR_ARG;
  struct sockaddr_storage a[ADDRS_MAX];
  int n = stack_addrs(net_id, a);
  if (n < 0)
    return n;
  if (n == 0)
    return ZTS_ERR_NO_RESULT;
  unsigned k = 0;
  for (; k < (unsigned)n && k < *count; k++)
    zts_sa_out(&a[k], &addr[k]);
  *count = k;
  return ZTS_ERR_OK;
}

/* A computed IPv6 address into addr. */
static int computed(const uint8_t ip[16], struct zts_sockaddr_storage *addr)
{
  struct sockaddr_storage ss;
  memset(&ss, 0, sizeof ss);
  struct sockaddr_in6 *v6 = (void *)&ss;
  v6->sin6_family = AF_INET6;
  memcpy(&v6->sin6_addr, ip, 16);
  zts_sa_out(&ss, addr);
  return ZTS_ERR_OK;
}

ZTS_API int zts_addr_compute_6plane(const uint64_t net_id, const uint64_t node_id,
                                   struct zts_sockaddr_storage *addr)
{
  if (!addr || !net_id || !node_id)
    return ZTS_ERR_ARG;
  uint8_t ip[16];
  ztk_ipv6_6plane(ip, net_id, node_id);
  return computed(ip, addr);
}

ZTS_API int zts_addr_compute_rfc4193(const uint64_t net_id, const uint64_t node_id,
                                    struct zts_sockaddr_storage *addr)
{
  if (!addr || !net_id || !node_id)
    return ZTS_ERR_ARG;
  uint8_t ip[16];
  ztk_ipv6_rfc4193(ip, net_id, node_id);
  return computed(ip, addr);
}

/* A computed address as text. */
static int computed_str(int (*fn)(uint64_t, uint64_t, struct zts_sockaddr_storage *),
                        uint64_t net_id, uint64_t node_id, char *dst, unsigned int len)
{
  if (!dst || len < ZTS_INET6_ADDRSTRLEN)
    return ZTS_ERR_ARG;
  struct zts_sockaddr_storage a;
  int rc = fn(net_id, node_id, &a);
  if (rc)
    return rc;
  struct zts_sockaddr_in6 *v6 = (void *)&a;
  return inet_ntop(AF_INET6, v6->sin6_addr.un.u8_addr, dst, len) ? ZTS_ERR_OK : ZTS_ERR_GENERAL;
}

ZTS_API int zts_addr_compute_rfc4193_str(uint64_t net_id, uint64_t node_id, char *dst,
                                         unsigned int len)
{
  return computed_str(zts_addr_compute_rfc4193, net_id, node_id, dst, len);
}

ZTS_API int zts_addr_compute_6plane_str(uint64_t net_id, uint64_t node_id, char *dst,
                                        unsigned int len)
{
  return computed_str(zts_addr_compute_6plane, net_id, node_id, dst, len);
}

/* ---- peers ---- */

ZTS_API int zts_peer_get(zts_peer_info_t *dst, uint64_t peer_id)
{
  ztk_service *svc;
  if (!dst || !peer_id)
    return ZTS_ERR_ARG;
  if (!zts_dn_get(&svc, NULL))
    return ZTS_ERR_SERVICE;
  ztk_peer_info *pi = calloc(1, sizeof *pi);
  if (!pi)
    return ZTS_ERR_GENERAL;
  int rc = ztk_service_peer(svc, peer_id, pi);
  if (rc == 0)
    zts_pi_fill(dst, pi);
  free(pi);
  return rc == 0 ? ZTS_ERR_OK : rc == ZTK_ESTATE ? ZTS_ERR_SERVICE : ZTS_ERR_NO_RESULT;
}

ZTS_API int zts_peer_count(void)
{
  ztk_service *svc;
  if (!zts_dn_get(&svc, NULL))
    return ZTS_ERR_SERVICE;
  int n = ztk_service_peers(svc, NULL, 0);
  return n < 0 ? ZTS_ERR_SERVICE : n;
}

/* One field of a peer, or the ZTS_ERR_* code. */
enum peer_field { PF_ROLE, PF_LATENCY, PF_PATHS };

static int peer_field(uint64_t peer_id, enum peer_field f)
{
  zts_peer_info_t *p = calloc(1, sizeof *p);
  if (!p)
    return ZTS_ERR_GENERAL;
  int rc = zts_peer_get(p, peer_id);
  if (rc == 0)
    rc = f == PF_ROLE ? (int)p->role : f == PF_LATENCY ? p->latency : (int)p->path_count;
  free(p);
  return rc;
}

ZTS_API int zts_peer_get_role(uint64_t peer_id)
{
  return peer_field(peer_id, PF_ROLE);
}

ZTS_API int zts_peer_get_latency(uint64_t peer_id)
{
  return peer_field(peer_id, PF_LATENCY);
}

ZTS_API int zts_peer_get_path_count(uint64_t peer_id)
{
  return peer_field(peer_id, PF_PATHS);
}

/* ---- statistics ---- */

/* libzt's four counters of one protocol. */
#define PUT4(dst, name, c)                                                                         \
  do {                                                                                             \
    (dst)->name##_tx = (c).tx;                                                                     \
    (dst)->name##_rx = (c).rx;                                                                     \
    (dst)->name##_drop = (c).drop;                                                                 \
    (dst)->name##_err = (c).err;                                                                   \
  } while (0)

ZTS_API int zts_stats_get_all(zts_stats_counter_t *dst)
{
  if (!dst)
    return ZTS_ERR_ARG;
  if (!zts_dn_get(NULL, NULL))
    return ZTS_ERR_SERVICE;
  ztk_proto_stats st;
  ztk_rt_stack_lock();
  ztk_proto_stats_get(&st);
  ztk_rt_stack_unlock();
  PUT4(dst, link, st.link);
  PUT4(dst, etharp, st.etharp);
  PUT4(dst, ip4, st.ip4);
  PUT4(dst, ip6, st.ip6);
  PUT4(dst, icmp4, st.icmp4);
  PUT4(dst, icmp6, st.icmp6);
  PUT4(dst, udp, st.udp);
  PUT4(dst, tcp, st.tcp);
  PUT4(dst, nd6, st.nd6);
  return ZTS_ERR_OK;
}
