/* Name lookups of a netstack (ztkit/socket.h): stack/dns.h made blocking with the driver's
 * waiting, as netsock.c does for sockets. */
#include <netinet/in.h>
#include <string.h>

#include "stack/dns.h"
#include "stack/netstack.h"

#define MAX_ROUNDS 1000000 /* bound on waits of one lookup (each follows a wakeup) */

static int family_code(int af)
{
  return af == AF_INET ? 4 : af == AF_INET6 ? 6 : af == AF_UNSPEC ? 0 : -1;
}

/* Enters ns with a host. Returns 0 (entered) or the reason it is not running. */
static int enter_host(ztk_netstack *ns)
{
  if (ns->drv->enter(ns->ctx) != 0)
    return ZTK_ESTATE;
  if (ns->host)
    return 0;
  int err = ns->down_err ? ns->down_err : ZTK_ESTATE;
  ns->drv->leave(ns->ctx);
  return err;
}

int ztk_netstack_dns_set_server(ztk_netstack *ns, int index, const struct sockaddr *addr)
{
  ztk_inaddr a = {0};
  if (!ns || (addr && ztk_inaddr_from_sockaddr(&a, addr) != 0))
    return ZTK_EINVAL;
  int rc = enter_host(ns);
  if (rc)
    return rc;
  rc = ztk_dns_set_server(index, addr ? &a : NULL);
  ns->drv->leave(ns->ctx);
  return rc;
}

int ztk_netstack_dns_server(ztk_netstack *ns, int index, struct sockaddr_storage *out)
{
  ztk_inaddr a;
  if (!ns || !out)
    return ZTK_EINVAL;
  int rc = enter_host(ns);
  if (rc)
    return rc;
  rc = ztk_dns_server(index, &a);
  ns->drv->leave(ns->ctx);
  memset(out, 0, sizeof *out);
  if (rc == 0 && a.family)
    ztk_inaddr_to_sockaddr(&a, out);
  return rc;
}

typedef struct dns_wait {
  ztk_netstack *ns;
  ztk_ns_waiter w;
} dns_wait;

/* The lookup's result is in (entered, so locked): wake the waiting caller. */
static void on_result(void *user)
{
  dns_wait *dw = user;
  dw->w.fired = true;
  dw->ns->drv->signal(dw->ns->ctx, &dw->w);
}

int ztk_netstack_resolve(ztk_netstack *ns, const char *name, int family, int timeout_ms,
                         struct sockaddr_storage *out)
{
  int fam = family_code(family);
  if (!ns || !name || !out || fam < 0)
    return ZTK_EINVAL;
  const ztk_netstack_driver *d = ns->drv;
  int64_t deadline = ztk_ns_deadline(ns, timeout_ms);
  dns_wait dw = {ns, {0}};
  ztk_dns_query *q = NULL;
  int rc = enter_host(ns);
  if (rc)
    return rc;
  rc = ztk_dns_start(ns->host, name, fam, on_result, &dw, &q);
  d->leave(ns->ctx);
  if (rc)
    return rc;
  ztk_inaddr a;
  d->lock(ns->ctx);
  for (int rounds = 0; rounds < MAX_ROUNDS; rounds++) {
    rc = ztk_dns_result(q, &a);
    if (rc != ZTK_EAGAIN)
      break;
    if (d->now_ms(ns->ctx) >= deadline) {
      rc = ZTK_ETIMEDOUT;
      break;
    }
    d->wait(ns->ctx, &dw.w, deadline);
  }
  ztk_dns_drop(q);
  d->unlock(ns->ctx);
  memset(out, 0, sizeof *out);
  if (rc == 0)
    ztk_inaddr_to_sockaddr(&a, out);
  return rc == ZTK_EAGAIN ? ZTK_ETIMEDOUT : rc;
}
