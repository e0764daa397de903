/* Readiness over several sockets (ztk_socket_poll): checked at the lock level only, with one
 * waiter registered on every socket while the driver sleeps. */
#include <stdlib.h>

#include "stack/netstack.h"

#define ALWAYS (ZTK_SOCK_EV_ERR | ZTK_SOCK_EV_HUP | ZTK_SOCK_EV_RDHUP)
#define MAX_ROUNDS 100000000

/* Fills revents; returns how many items are ready. Locked. */
static int scan(ztk_pollitem *items, int n)
{
  int ready = 0;
  for (int i = 0; i < n; i++) {
    ztk_pollitem *it = &items[i];
    it->revents = 0;
    if (!it->s)
      continue;
    unsigned ev = it->s->sock ? ztk_sock_events(it->s->sock) : ZTK_SOCK_EV_ERR | ZTK_SOCK_EV_HUP;
    it->revents = ev & (it->events | ALWAYS);
    ready += it->revents != 0;
  }
  return ready;
}

/* The driver all sockets share (NULL: no socket); *mixed is set when they do not share one. */
static const ztk_netstack_driver *common_driver(ztk_pollitem *items, int n, void **ctx,
                                                bool *mixed)
{
  const ztk_netstack_driver *drv = NULL;
  *mixed = false;
  for (int i = 0; i < n; i++) {
    if (!items[i].s)
      continue;
    *mixed |= drv && items[i].s->ns->drv != drv;
    drv = items[i].s->ns->drv;
    *ctx = items[i].s->ns->ctx;
  }
  return drv;
}

/* Marks every socket in use (or releases them; frees those closed meanwhile). */
static void hold_all(const ztk_netstack_driver *d, void *ctx, ztk_pollitem *items, int n,
                     bool hold)
{
  d->lock(ctx);
  for (int i = 0; i < n; i++) {
    if (!items[i].s)
      continue;
    if (hold) {
      ztk_ns_socket_use(items[i].s);
    } else if (ztk_ns_socket_unuse(items[i].s)) { /* closed by another thread meanwhile */
      d->unlock(ctx);
      ztk_ns_socket_free(items[i].s);
      d->lock(ctx);
    }
  }
  d->unlock(ctx);
}

static void link_all(ztk_pollitem *items, int n, ztk_ns_link *links, ztk_ns_waiter *w, bool add)
{
  for (int i = 0; i < n; i++) {
    if (!items[i].s)
      continue;
    if (add) {
      links[i] = (ztk_ns_link){w, items[i].events | ALWAYS, NULL};
      ztk_ns_link_add(&items[i].s->links, &links[i]);
    } else {
      ztk_ns_link_remove(&items[i].s->links, &links[i]);
    }
  }
}

int ztk_socket_poll(ztk_pollitem *items, int n, int timeout_ms)
{
  void *ctx = NULL;
  bool mixed;
  if (n < 0 || n > ZTK_POLL_MAX || (!items && n > 0))
    return ZTK_EINVAL;
  const ztk_netstack_driver *d = common_driver(items, n, &ctx, &mixed);
  if (mixed)
    return ZTK_EINVAL;
  if (!d) { /* nothing to watch */
    for (int i = 0; i < n; i++)
      items[i].revents = 0;
    return 0;
  }
  ztk_ns_link *links = calloc((size_t)n, sizeof *links);
  if (!links)
    return ZTK_ENOMEM;
  int64_t deadline = timeout_ms < 0 ? ZTK_NEVER : d->now_ms(ctx) + timeout_ms;
  hold_all(d, ctx, items, n, true);
  d->lock(ctx);
  int ready = scan(items, n);
  for (int round = 0; round < MAX_ROUNDS && !ready && d->now_ms(ctx) < deadline; round++) {
    ztk_ns_waiter w = {0};
    link_all(items, n, links, &w, true);
    d->wait(ctx, &w, deadline);
    link_all(items, n, links, &w, false);
    ready = scan(items, n);
  }
  d->unlock(ctx);
  hold_all(d, ctx, items, n, false);
  free(links);
  return ready;
}
