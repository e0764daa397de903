#include "stack/vnic.h"

#include <stdlib.h>
#include <string.h>

#include "core/util/cursor.h"
#include "stack/env.h"
#include "stack/netif.h"

#define MAX_V6 7      /* lwIP slots left after the link-local one */
#define MAX_ROUTES 32

typedef struct vnet {
  struct ztk_vnic *v;
  uint64_t nwid, mac;
  unsigned mtu;
  ztk_stack_netif *nif[ZTK_VNIC_MAX_V4]; /* nif[0]: first IPv4 and every IPv6 address */
  int nnif;
  ztk_inaddr v4[ZTK_VNIC_MAX_V4]; /* v4[i] is held by nif[i]; family 0 when none */
  ztk_inaddr v6[MAX_V6];
  int nv6;
  ztk_inaddr route_target[MAX_ROUTES], route_via[MAX_ROUTES];
  int nroutes;
} vnet;

typedef struct qframe {
  uint64_t nwid, src, dst;
  uint16_t ethertype;
  size_t len;
  uint8_t *data;
} qframe;

struct ztk_vnic {
  ztk_stack_host *host;
  ztk_node *node;
  ztk_vnic_ops ops;
  void *user;
  vnet *nets[ZTK_VNIC_MAX_NETWORKS];
  int nnets;
  qframe q[ZTK_VNIC_QUEUE];
  unsigned qhead, qcount;
  bool dirty; /* a sync was asked for while lwIP was running */
  ztk_vnic_counters ctr;
};

/* ---- netif callbacks (inside lwIP) ---- */

static void nif_frame_out(void *user, uint64_t nwid, uint64_t src, uint64_t dst, uint16_t et,
                          uint16_t vlan, const void *data, size_t len)
{
  vnet *n = user;
  (void)vlan;
  n->v->ctr.to_node++;
  n->v->ops.to_node(n->v->user, nwid, src, dst, et, data, len);
}

static void nif_multicast(void *user, uint64_t nwid, uint64_t mac, uint32_t adi, bool on)
{
  vnet *n = user;
  if (n->v->ops.subscribe)
    n->v->ops.subscribe(n->v->user, nwid, mac, adi, on);
}

static const ztk_stack_netif_callbacks nif_cb = {nif_frame_out, nif_multicast};

/* ---- lifecycle ---- */

int ztk_vnic_new(ztk_vnic **out, ztk_stack_host *host, ztk_node *node, const ztk_vnic_ops *ops,
                 void *user)
{
  if (!out || !host || !node || !ops || !ops->to_node)
    return ZTK_EINVAL;
  ztk_vnic *v = calloc(1, sizeof *v);
  if (!v)
    return ZTK_ENOMEM;
  v->host = host;
  v->node = node;
  v->ops = *ops;
  v->user = user;
  *out = v;
  return 0;
}

static void vnet_free(vnet *n)
{
  for (int i = 0; i < n->nnif; i++)
    ztk_stack_netif_free(n->nif[i]);
  free(n);
}

void ztk_vnic_free(ztk_vnic *v)
{
  if (!v)
    return;
  for (int i = 0; i < v->nnets; i++)
    vnet_free(v->nets[i]);
  for (unsigned i = 0; i < v->qcount; i++)
    free(v->q[(v->qhead + i) % ZTK_VNIC_QUEUE].data);
  free(v);
}

static vnet *vnet_find(const ztk_vnic *v, uint64_t nwid)
{
  for (int i = 0; i < v->nnets; i++)
    if (v->nets[i]->nwid == nwid)
      return v->nets[i];
  return NULL;
}

static int nif_add(vnet *n)
{
  /* The node hands over only frames ZeroTier authenticated end to end: a checksum check on
   * them finds nothing and cost ~4% of a transfer's CPU. Outgoing checksums are still made. */
  ztk_stack_netif_config cfg = {n->nwid, n->mac, n->mtu, true};
  if (n->nnif == ZTK_VNIC_MAX_V4)
    return ZTK_ELIMIT;
  int rc = ztk_stack_netif_new(&n->nif[n->nnif], n->v->host, &cfg, &nif_cb, n);
  if (rc == 0)
    memset(&n->v4[n->nnif++], 0, sizeof n->v4[0]);
  return rc;
}

/* ---- sync ---- */

static bool listed(const ztk_inaddr *list, int n, const ztk_inaddr *a)
{
  for (int i = 0; i < n; i++)
    if (ztk_inaddr_eq(&list[i], a))
      return true;
  return false;
}

/* The network's IPv4 and IPv6 addresses (port = prefix bits), as the node reports them. */
static void wanted_addrs(const ztk_network_info *info, ztk_inaddr *v4, int *nv4, ztk_inaddr *v6,
                         int *nv6)
{
  *nv4 = *nv6 = 0;
  for (int i = 0; i < info->addr_count; i++) {
    ztk_inaddr a;
    if (ztk_inaddr_from_sockaddr(&a, (const struct sockaddr *)&info->addrs[i]))
      continue;
    if (a.family == 4 && *nv4 < ZTK_VNIC_MAX_V4)
      v4[(*nv4)++] = a;
    else if (a.family == 6 && *nv6 < MAX_V6)
      v6[(*nv6)++] = a;
  }
}

static int sync_v6(vnet *n, const ztk_inaddr *want, int nwant)
{
  int rc = 0;
  for (int i = n->nv6 - 1; i >= 0; i--) {
    if (listed(want, nwant, &n->v6[i]))
      continue;
    ztk_stack_netif_remove_addr(n->nif[0], &n->v6[i]);
    n->v6[i] = n->v6[--n->nv6];
  }
  for (int i = 0; i < nwant; i++) {
    if (listed(n->v6, n->nv6, &want[i]))
      continue;
    int r = ztk_stack_netif_add_addr(n->nif[0], &want[i]);
    if (r == 0)
      n->v6[n->nv6++] = want[i];
    else if (!rc)
      rc = r;
  }
  return rc;
}

static int sync_v4(vnet *n, const ztk_inaddr *want, int nwant)
{
  int rc = 0;
  while (n->nnif > 1 && n->nnif > nwant)
    ztk_stack_netif_free(n->nif[--n->nnif]);
  for (int i = 0; i < nwant && !rc; i++) {
    if (i >= n->nnif && (rc = nif_add(n)))
      break;
    if (ztk_inaddr_eq(&n->v4[i], &want[i]))
      continue;
    if (n->v4[i].family)
      ztk_stack_netif_remove_addr(n->nif[i], &n->v4[i]);
    memset(&n->v4[i], 0, sizeof n->v4[i]);
    if ((rc = ztk_stack_netif_add_addr(n->nif[i], &want[i])) == 0)
      n->v4[i] = want[i];
  }
  if (nwant == 0 && n->v4[0].family) {
    ztk_stack_netif_remove_addr(n->nif[0], &n->v4[0]);
    memset(&n->v4[0], 0, sizeof n->v4[0]);
  }
  return rc;
}

/* Routes through a gateway (on-link ones follow from the addresses' prefixes). */
static void sync_routes(vnet *n, const ztk_network_info *info)
{
  for (int i = 0; i < n->nroutes; i++)
    ztk_stack_netif_remove_route(n->nif[0], &n->route_target[i]);
  n->nroutes = 0;
  for (int i = 0; i < info->route_count && n->nroutes < MAX_ROUTES; i++) {
    ztk_inaddr target, via;
    if (ztk_inaddr_from_sockaddr(&target, (const struct sockaddr *)&info->routes[i].target) ||
        ztk_inaddr_from_sockaddr(&via, (const struct sockaddr *)&info->routes[i].via))
      continue; /* no gateway: on-link */
    if (ztk_stack_netif_add_route(n->nif[0], &target, &via) == 0) {
      n->route_target[n->nroutes] = target;
      n->route_via[n->nroutes++] = via;
    }
  }
}

static int sync_one(ztk_vnic *v, const ztk_network_info *info)
{
  ztk_inaddr v4[ZTK_VNIC_MAX_V4], v6[MAX_V6];
  int nv4, nv6;
  vnet *n = vnet_find(v, info->nwid);
  if (!n) {
    if (v->nnets == ZTK_VNIC_MAX_NETWORKS || !(n = calloc(1, sizeof *n)))
      return ZTK_ELIMIT;
    n->v = v;
    n->nwid = info->nwid;
    n->mac = info->mac;
    n->mtu = info->mtu;
    int rc = nif_add(n);
    if (rc) {
      free(n);
      return rc;
    }
    v->nets[v->nnets++] = n;
  }
  if (n->mtu != info->mtu) {
    n->mtu = info->mtu;
    for (int i = 0; i < n->nnif; i++)
      ztk_stack_netif_set_mtu(n->nif[i], info->mtu);
  }
  wanted_addrs(info, v4, &nv4, v6, &nv6);
  int rc = sync_v6(n, v6, nv6);
  int rc4 = sync_v4(n, v4, nv4);
  sync_routes(n, info);
  return rc ? rc : rc4;
}

int ztk_vnic_sync(ztk_vnic *v)
{
  ztk_nwid ids[ZTK_VNIC_MAX_NETWORKS];
  ztk_network_info info;
  int rc = 0;
  if (ztk_env_busy()) {
    v->dirty = true;
    return 0;
  }
  v->dirty = false;
  int count = ztk_node_networks(v->node, ids, ZTK_VNIC_MAX_NETWORKS);
  if (count > ZTK_VNIC_MAX_NETWORKS)
    count = ZTK_VNIC_MAX_NETWORKS;
  for (int i = v->nnets - 1; i >= 0; i--) {
    bool keep = ztk_node_network(v->node, v->nets[i]->nwid, &info) == 0 && info.revision;
    if (!keep) {
      vnet_free(v->nets[i]);
      v->nets[i] = v->nets[--v->nnets];
    }
  }
  for (int i = 0; i < count; i++) {
    if (ztk_node_network(v->node, ids[i], &info) || !info.revision)
      continue;
    int r = sync_one(v, &info);
    if (r && !rc)
      rc = r;
  }
  return rc;
}

void ztk_vnic_event(ztk_vnic *v, const ztk_event *ev)
{
  switch (ev->type) {
  case ZTK_EVENT_NETWORK_OK:
  case ZTK_EVENT_NETWORK_DOWN:
  case ZTK_EVENT_ADDR_ADDED:
  case ZTK_EVENT_ADDR_REMOVED:
  case ZTK_EVENT_ROUTE_ADDED:
  case ZTK_EVENT_ROUTE_REMOVED:
    ztk_vnic_sync(v);
    break;
  default:
    break;
  }
}

/* ---- frames from the node ---- */

static int v4_owner(const vnet *n, const uint8_t *ip)
{
  for (int i = 0; i < n->nnif; i++)
    if (n->v4[i].family == 4 && memcmp(n->v4[i].ip, ip, 4) == 0)
      return i;
  return -1;
}

/* Which netif a frame is for: by IPv4 destination or ARP target, else the primary; -1 means
 * every netif of the network (IPv4 broadcast and multicast with several IPv4 netifs). */
static int pick(const vnet *n, uint64_t dst, uint16_t et, const uint8_t *d, size_t len)
{
  if (n->nnif == 1)
    return 0;
  if (et == 0x0806 && len >= 28) {
    int i = v4_owner(n, d + 24);
    return i >= 0 ? i : (dst >> 40) & 1 ? -1 : 0;
  }
  if (et == 0x0800 && len >= 20) {
    int i = v4_owner(n, d + 16);
    return i >= 0 ? i : (dst >> 40) & 1 ? -1 : 0;
  }
  return 0;
}

static void deliver(ztk_vnic *v, uint64_t nwid, uint64_t src, uint64_t dst, uint16_t et,
                    const uint8_t *data, size_t len)
{
  vnet *n = vnet_find(v, nwid);
  if (!n) {
    v->ctr.no_netif++;
    return;
  }
  int i = pick(n, dst, et, data, len);
  for (int k = 0; k < n->nnif; k++)
    if (i < 0 || i == k)
      ztk_stack_netif_input(n->nif[k], src, dst, et, 0, data, len);
  v->ctr.to_stack++;
}

void ztk_vnic_flush(ztk_vnic *v)
{
  if (ztk_env_busy())
    return;
  while (v->qcount > 0) {
    qframe f = v->q[v->qhead];
    v->qhead = (v->qhead + 1) % ZTK_VNIC_QUEUE;
    v->qcount--;
    deliver(v, f.nwid, f.src, f.dst, f.ethertype, f.data, f.len);
    free(f.data);
  }
  if (v->dirty)
    ztk_vnic_sync(v);
}

void ztk_vnic_from_node(ztk_vnic *v, uint64_t nwid, uint64_t src, uint64_t dst, uint16_t et,
                        const void *data, size_t len)
{
  if (!ztk_env_busy() && v->qcount == 0) {
    deliver(v, nwid, src, dst, et, data, len);
    return;
  }
  if (v->qcount == ZTK_VNIC_QUEUE) {
    v->ctr.queue_drops++;
    return;
  }
  qframe *f = &v->q[(v->qhead + v->qcount) % ZTK_VNIC_QUEUE];
  f->data = malloc(len ? len : 1);
  if (!f->data) {
    v->ctr.queue_drops++;
    return;
  }
  memcpy(f->data, data, len);
  f->nwid = nwid;
  f->src = src;
  f->dst = dst;
  f->ethertype = et;
  f->len = len;
  v->qcount++;
  v->ctr.queued++;
  ztk_vnic_flush(v);
}

void ztk_vnic_counters_get(const ztk_vnic *v, ztk_vnic_counters *out) { *out = v->ctr; }
