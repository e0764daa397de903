/* The netif's layout, shared by the stack modules that talk to lwIP (netif.c, hooks.c, the
 * socket modules). Not for use outside stack/. */
#ifndef ZTK_STACK_NETIF_IMPL_H
#define ZTK_STACK_NETIF_IMPL_H

#include "lwip/netif.h"

#include "stack/netif.h"

typedef struct ztk_netif_route {
  ztk_inaddr target; /* port = prefix length */
  ztk_inaddr via;    /* family 0: on-link */
  ip_addr_t via_lw;  /* the gateway as the hooks return it (IPv6 zoned to the netif) */
} ztk_netif_route;

struct ztk_stack_netif {
  struct netif lw; /* lw.state points back here */
  ztk_stack_host *host;
  uint64_t nwid, mac;
  ztk_stack_netif_callbacks cb;
  void *user;
  ztk_inaddr v4; /* family 0 when unset; port = prefix length */
  ztk_inaddr v6[ZTK_STACK_NETIF_MAX_V6];
  int8_t v6_slot[ZTK_STACK_NETIF_MAX_V6]; /* lwIP address slot of v6[i] */
  int nv6;
  ztk_netif_route routes[ZTK_STACK_NETIF_MAX_ROUTES];
  int nroutes;
  ztk_stack_group groups[ZTK_STACK_NETIF_MAX_GROUPS];
  int ngroups;
  ztk_stack_netif_counters ctr;
  uint8_t *scratch; /* one frame, for pbuf chains on output */
  size_t scratch_cap;
};

/* Our netif behind an lwIP netif (every lwIP netif in the process is one of ours). */
static inline ztk_stack_netif *ztk_netif_of(const struct netif *lw)
{
  return lw != NULL ? (ztk_stack_netif *)lw->state : NULL;
}

/* The route that decides how n reaches dst: NULL when n's own network covers dst at least as
 * well as any route (or nothing does). *bits receives the winning prefix length, -1 if none. */
const ztk_netif_route *ztk_netif_route_for(const ztk_stack_netif *n, const ztk_inaddr *dst,
                                           int *bits);

/* Removes n from lwIP and its host and frees it (ztk_stack_netif_free without entering). */
void ztk_netif_destroy(ztk_stack_netif *n);

#endif
