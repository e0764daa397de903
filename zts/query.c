/* The "core query" calls of libzt (meant for language bindings): counts and indexed string
 * forms of a network's addresses and routes, its multicast groups, and a peer's paths, consistent across calls
 * made between zts_core_lock_obtain() and zts_core_lock_release(). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ZeroTierSockets.h"
#include "core/util/inaddr.h"
#include "zts/defnode.h"

static pthread_mutex_t qlock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;

ZTS_API int zts_core_lock_obtain(void)
{
  return pthread_mutex_lock(&qlock) == 0 ? ZTS_ERR_OK : ZTS_ERR_GENERAL;
}

ZTS_API int zts_core_lock_release(void)
{
  return pthread_mutex_unlock(&qlock) == 0 ? ZTS_ERR_OK : ZTS_ERR_GENERAL;
}

/* The network's details (heap, freed by the caller) under the query lock, or NULL with *rc
 * set (ZTS_ERR_SERVICE, ZTS_ERR_NO_RESULT, ZTS_ERR_GENERAL). */
static ztk_network_info *network(uint64_t net_id, int *rc)
{
  ztk_service *svc;
  if (!zts_dn_get(&svc, NULL)) {
    *rc = ZTS_ERR_SERVICE;
    return NULL;
  }
  ztk_network_info *ni = calloc(1, sizeof *ni);
  pthread_mutex_lock(&qlock);
  int err = ni ? ztk_service_network(svc, net_id, ni) : ZTK_ENOMEM;
  pthread_mutex_unlock(&qlock);
  if (err) {
    free(ni);
    *rc = err == ZTK_ESTATE ? ZTS_ERR_SERVICE : ni ? ZTS_ERR_NO_RESULT : ZTS_ERR_GENERAL;
    return NULL;
  }
  return ni;
}

/* An address as text: "ip" (with_bits false) or "ip/n" (the port field holds n). */
static void text(const struct sockaddr_storage *ss, bool with_bits, char *dst, unsigned len)
{
  ztk_inaddr a;
  char buf[ZTK_INADDR_STRLEN] = "";
  if (ss->ss_family != AF_UNSPEC && ztk_inaddr_from_sockaddr(&a, (const struct sockaddr *)ss) == 0) {
    if (with_bits)
      ztk_inaddr_format(&a, buf);
    else
      ztk_inaddr_format_ip(&a, buf);
  }
  snprintf(dst, len, "%s", buf);
}

ZTS_API int zts_core_query_addr_count(uint64_t net_id)
{
  int rc;
  ztk_network_info *ni = network(net_id, &rc);
  if (!ni)
    return rc;
  rc = ni->addr_count;
  free(ni);
  return rc;
}

ZTS_API int zts_core_query_addr(uint64_t net_id, unsigned int idx, char *addr, unsigned int len)
{
  if (!addr || len < ZTS_INET6_ADDRSTRLEN)
    return ZTS_ERR_ARG;
  int rc;
  ztk_network_info *ni = network(net_id, &rc);
  if (!ni)
    return rc;
  rc = idx < (unsigned)ni->addr_count ? ZTS_ERR_OK : ZTS_ERR_ARG;
  if (rc == ZTS_ERR_OK)
    text(&ni->addrs[idx], false, addr, len);
  free(ni);
  return rc;
}

ZTS_API int zts_core_query_route_count(uint64_t net_id)
{
  int rc;
  ztk_network_info *ni = network(net_id, &rc);
  if (!ni)
    return rc;
  rc = ni->route_count;
  free(ni);
  return rc;
}

ZTS_API int zts_core_query_route(uint64_t net_id, unsigned int idx, char *target, char *via,
                                 unsigned int len, uint16_t *flags, uint16_t *metric)
{
  if (!target || !via || !flags || !metric || len < ZTS_INET6_ADDRSTRLEN)
    return ZTS_ERR_ARG;
  int rc;
  ztk_network_info *ni = network(net_id, &rc);
  if (!ni)
    return rc;
  rc = idx < (unsigned)ni->route_count ? ZTS_ERR_OK : ZTS_ERR_ARG;
  if (rc == ZTS_ERR_OK) {
    text(&ni->routes[idx].target, true, target, len);
    text(&ni->routes[idx].via, false, via, len);
    *flags = ni->routes[idx].flags;
    *metric = ni->routes[idx].metric;
  }
  free(ni);
  return rc;
}

/* The peer's paths (under the query lock): returns ZTS_ERR_OK or a ZTS_ERR_* code. */
static int peer(uint64_t peer_id, ztk_peer_info *out)
{
  ztk_service *svc;
  if (!zts_dn_get(&svc, NULL))
    return ZTS_ERR_SERVICE;
  pthread_mutex_lock(&qlock);
  int err = ztk_service_peer(svc, peer_id, out);
  pthread_mutex_unlock(&qlock);
  return err == 0 ? ZTS_ERR_OK : err == ZTK_ESTATE ? ZTS_ERR_SERVICE : ZTS_ERR_NO_RESULT;
}

ZTS_API int zts_core_query_path_count(uint64_t peer_id)
{
  ztk_peer_info *pi = calloc(1, sizeof *pi);
  int rc = pi ? peer(peer_id, pi) : ZTS_ERR_GENERAL;
  if (rc == ZTS_ERR_OK)
    rc = pi->path_count;
  free(pi);
  return rc;
}

ZTS_API int zts_core_query_path(uint64_t peer_id, unsigned int idx, char *dst, unsigned int len)
{
  if (!dst || len < ZTS_MAX_ENDPOINT_STR_LEN)
    return ZTS_ERR_ARG;
  ztk_peer_info *pi = calloc(1, sizeof *pi);
  int rc = pi ? peer(peer_id, pi) : ZTS_ERR_GENERAL;
  if (rc == ZTS_ERR_OK && idx >= (unsigned)pi->path_count)
    rc = ZTS_ERR_ARG;
  if (rc == ZTS_ERR_OK)
    text(&pi->paths[idx].addr, true, dst, len);
  free(pi);
  return rc;
}

/* ---- multicast groups ---- */

#define MC_MAX 1024 /* ZTS_MAX_MULTICAST_SUBSCRIPTIONS; the core holds fewer */

typedef struct mc_list {
  uint64_t nwid;
  int n;
  uint64_t mac[MC_MAX];
  uint32_t adi[MC_MAX];
} mc_list;

static int read_groups(ztk_node *node, int64_t now, void *arg)
{
  mc_list *l = arg;
  (void)now;
  int n = ztk_node_multicast_groups(node, l->nwid, l->mac, l->adi, MC_MAX);
  if (n < 0)
    return n;
  l->n = n < MC_MAX ? n : MC_MAX;
  return 0;
}

/* The network's groups (heap, freed by the caller) under the query lock, or NULL with *rc set
 * (ZTS_ERR_SERVICE, ZTS_ERR_NO_RESULT, ZTS_ERR_GENERAL). */
static mc_list *groups(uint64_t net_id, int *rc)
{
  ztk_service *svc;
  if (!zts_dn_get(&svc, NULL)) {
    *rc = ZTS_ERR_SERVICE;
    return NULL;
  }
  mc_list *l = calloc(1, sizeof *l);
  if (!l) {
    *rc = ZTS_ERR_GENERAL;
    return NULL;
  }
  l->nwid = net_id;
  pthread_mutex_lock(&qlock);
  int err = ztk_service_call(svc, read_groups, l);
  pthread_mutex_unlock(&qlock);
  if (err) {
    free(l);
    *rc = err == ZTK_ESTATE ? ZTS_ERR_SERVICE : ZTS_ERR_NO_RESULT;
    return NULL;
  }
  return l;
}

ZTS_API int zts_core_query_mc_count(uint64_t net_id)
{
  int rc;
  mc_list *l = groups(net_id, &rc);
  if (!l)
    return rc;
  rc = l->n;
  free(l);
  return rc;
}

ZTS_API int zts_core_query_mc(uint64_t net_id, unsigned int idx, uint64_t *mac, uint32_t *adi)
{
  if (!mac || !adi)
    return ZTS_ERR_ARG;
  int rc;
  mc_list *l = groups(net_id, &rc);
  if (!l)
    return rc;
  rc = idx < (unsigned)l->n ? ZTS_ERR_OK : ZTS_ERR_ARG;
  if (rc == ZTS_ERR_OK) {
    *mac = l->mac[idx];
    *adi = l->adi[idx];
  }
  free(l);
  return rc;
}
