/* The netstack object: attach/detach of the node's stack host, references, waiter links and
 * the node's addresses. Socket calls are in netsock.c, polling in netpoll.c. */
#include "stack/netstack.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "stack/netif.h"

#define ADDRS_PER_NETIF 16

int ztk_netstack_new(ztk_netstack **out, const ztk_netstack_driver *drv, void *ctx)
{
  if (!out || !drv || !drv->enter || !drv->leave || !drv->lock || !drv->unlock || !drv->wait ||
      !drv->signal || !drv->now_ms)
    return ZTK_EINVAL;
  ztk_netstack *ns = calloc(1, sizeof *ns);
  if (!ns)
    return ZTK_ENOMEM;
  ns->drv = drv;
  ns->ctx = ctx;
  ns->down_err = ZTK_ESTATE;
  ns->refs = 1;
  *out = ns;
  return 0;
}

bool ztk_ns_unref_locked(ztk_netstack *ns)
{
  return --ns->refs == 0;
}

void ztk_ns_destroy(ztk_netstack *ns)
{
  const ztk_netstack_driver *drv = ns->drv;
  void *ctx = ns->ctx;
  free(ns);
  if (drv->release)
    drv->release(ctx);
}

void ztk_netstack_unref(ztk_netstack *ns)
{
  if (!ns)
    return;
  ns->drv->lock(ns->ctx);
  bool last = ztk_ns_unref_locked(ns);
  ns->drv->unlock(ns->ctx);
  if (last)
    ztk_ns_destroy(ns);
}

void ztk_netstack_attach(ztk_netstack *ns, ztk_stack_host *h)
{
  ns->host = h;
  ns->down_err = 0;
  ztk_netstack_notify(ns);
}

void ztk_netstack_detach(ztk_netstack *ns, int err)
{
  for (struct ztk_socket *s = ns->socks; s; s = s->next) {
    if (s->sock)
      ztk_sock_set_wakeup(s->sock, NULL, NULL);
    s->sock = NULL;
    s->dead_err = err;
    ztk_ns_fire(ns, s->links, ZTK_SOCK_EV_ERR | ZTK_SOCK_EV_HUP);
  }
  ns->host = NULL;
  ns->down_err = err;
  ztk_netstack_notify(ns);
}

void ztk_netstack_notify(ztk_netstack *ns)
{
  ztk_ns_fire(ns, ns->addr_waiters, ZTK_SOCK_EV_ERR);
}

/* ---- waiter links ---- */

void ztk_ns_fire(ztk_netstack *ns, ztk_ns_link *list, unsigned events)
{
  for (ztk_ns_link *l = list; l; l = l->next) {
    if (l->w->fired || !(events & (l->mask | ZTK_SOCK_EV_ERR | ZTK_SOCK_EV_HUP)))
      continue;
    l->w->fired = true;
    ns->drv->signal(ns->ctx, l->w);
  }
}

void ztk_ns_link_add(ztk_ns_link **list, ztk_ns_link *l)
{
  l->next = *list;
  *list = l;
}

void ztk_ns_link_remove(ztk_ns_link **list, ztk_ns_link *l)
{
  for (ztk_ns_link **p = list; *p; p = &(*p)->next) {
    if (*p == l) {
      *p = l->next;
      return;
    }
  }
}

int64_t ztk_ns_deadline(ztk_netstack *ns, int timeout_ms)
{
  return timeout_ms < 0 ? ZTK_NEVER : ns->drv->now_ms(ns->ctx) + timeout_ms;
}

/* ---- addresses ---- */

/* Collects the host's addresses on nwid of one family (0: both) into out; returns the count
 * found (may exceed max). */
static int host_addrs(const ztk_stack_host *h, ztk_nwid nwid, int family,
                      struct sockaddr_storage *out, int max)
{
  ztk_stack_netif *nifs[ZTK_STACK_HOST_MAX_NETIFS];
  int n = ztk_stack_host_netifs(h, nifs, ZTK_STACK_HOST_MAX_NETIFS), found = 0;
  for (int i = 0; i < n && i < ZTK_STACK_HOST_MAX_NETIFS; i++) {
    ztk_inaddr a[ADDRS_PER_NETIF];
    if (ztk_stack_netif_nwid(nifs[i]) != nwid)
      continue;
    int na = ztk_stack_netif_addrs(nifs[i], a, ADDRS_PER_NETIF);
    for (int k = 0; k < na && k < ADDRS_PER_NETIF; k++) {
      if (family && a[k].family != family)
        continue;
      if (found < max)
        ztk_inaddr_to_sockaddr(&a[k], &out[found]);
      found++;
    }
  }
  return found;
}

static int family_code(int af)
{
  return af == AF_INET ? 4 : af == AF_INET6 ? 6 : af == AF_UNSPEC ? 0 : -1;
}

int ztk_netstack_wait_address(ztk_netstack *ns, ztk_nwid nwid, int family, int timeout_ms,
                              struct sockaddr_storage *out)
{
  int fam = family_code(family);
  if (!ns || fam < 0)
    return ZTK_EINVAL;
  struct sockaddr_storage first;
  int64_t deadline = ztk_ns_deadline(ns, timeout_ms);
  int rc = ZTK_ETIMEDOUT;
  ns->drv->lock(ns->ctx);
  for (int rounds = 0; rounds < 1000000; rounds++) {
    if (!ns->host) {
      rc = ns->down_err;
      break;
    }
    if (host_addrs(ns->host, nwid, fam, &first, 1) > 0) {
      rc = 0;
      if (out)
        *out = first;
      break;
    }
    if (ns->drv->now_ms(ns->ctx) >= deadline)
      break;
    ztk_ns_waiter w = {0};
    ztk_ns_link l = {&w, ~0u, NULL};
    ztk_ns_link_add(&ns->addr_waiters, &l);
    ns->drv->wait(ns->ctx, &w, deadline);
    ztk_ns_link_remove(&ns->addr_waiters, &l);
  }
  ns->drv->unlock(ns->ctx);
  return rc;
}

int ztk_netstack_addresses(ztk_netstack *ns, ztk_nwid nwid, struct sockaddr_storage *out, int max)
{
  if (!ns || max < 0 || (!out && max > 0))
    return ZTK_EINVAL;
  ns->drv->lock(ns->ctx);
  int n = ns->down_err;
  if (ns->host) {
    int n4 = host_addrs(ns->host, nwid, 4, out, max);
    int room = max > n4 ? max - n4 : 0;
    n = n4 + host_addrs(ns->host, nwid, 6, out ? out + (max - room) : NULL, room);
  }
  ns->drv->unlock(ns->ctx);
  return n;
}

int ztk_netstack_socket_count(ztk_netstack *ns)
{
  if (!ns)
    return ZTK_EINVAL;
  ns->drv->lock(ns->ctx);
  int n = ns->nsocks;
  ns->drv->unlock(ns->ctx);
  return n;
}
