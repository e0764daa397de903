/* Lookups through lwIP's DNS client; see dns.h. A query lives until both its caller dropped it
 * and lwIP called back (lwIP has no way to cancel a lookup). */
#include "stack/dns.h"

#include <stdlib.h>
#include <string.h>

#include "lwip/dns.h"
#include "lwip/ip.h"

#include "stack/env.h"
#include "stack/lwaddr.h"
#include "stack/netif_impl.h"
#include "stack/sock_err.h"
#include "ztkit/error.h"

#define MAX_QUERIES 64 /* waiting callers at most (lwIP itself runs DNS_TABLE_SIZE lookups) */

struct ztk_dns_query {
  struct ztk_dns_query *next;
  ztk_stack_host *host; /* NULL once the host went away */
  bool in_lwip;         /* lwIP still holds it (its callback has not run) */
  bool dropped;         /* the caller is gone */
  int err;              /* ZTK_EAGAIN until the result is in */
  ztk_inaddr addr;
  ztk_dns_wake_fn wake;
  void *user;
};

int ztk_dns_set_server(int index, const ztk_inaddr *addr)
{
  ip_addr_t ip;
  if (index < 0 || index >= ZTK_DNS_MAX_SERVERS)
    return ZTK_EINVAL;
  if (addr && addr->family != 0 && addr->family != 4 && addr->family != 6)
    return ZTK_EINVAL;
  if (addr && addr->family)
    ztk_lwaddr_from(&ip, addr, NULL);
  else
    ip_addr_set_any(false, &ip);
  dns_setserver((u8_t)index, &ip);
  return 0;
}

int ztk_dns_server(int index, ztk_inaddr *out)
{
  if (index < 0 || index >= ZTK_DNS_MAX_SERVERS || !out)
    return ZTK_EINVAL;
  const ip_addr_t *ip = dns_getserver((u8_t)index);
  memset(out, 0, sizeof *out);
  if (!ip_addr_isany(ip))
    ztk_lwaddr_to(out, ip, 0);
  return 0;
}

/* Unlinks q from the list of lookups lwIP holds and frees it. */
static void query_free(ztk_dns_query *q)
{
  ztk_env_dns *d = ztk_env_dns_state();
  ztk_dns_query **p = &d->queries;
  for (int i = 0; *p && i <= MAX_QUERIES; i++, p = &(*p)->next) {
    if (*p == q) {
      *p = q->next;
      break;
    }
  }
  free(q);
}

/* Ends q with err (and addr); wakes its caller. */
static void query_finish(ztk_dns_query *q, int err, const ip_addr_t *ip)
{
  q->err = err;
  if (ip)
    ztk_lwaddr_to(&q->addr, ip, 0);
  if (!q->dropped && q->wake)
    q->wake(q->user);
}

/* Whether any lookup of the list is still running for a live host; *count (optional) gets
 * the list's length. */
static bool host_busy_count(int *count)
{
  ztk_env_dns *d = ztk_env_dns_state();
  int i = 0;
  bool busy = false;
  for (ztk_dns_query *q = d->queries; q && i <= MAX_QUERIES; q = q->next, i++)
    busy |= q->in_lwip && q->host && q->err == ZTK_EAGAIN;
  if (count)
    *count = i;
  return busy;
}

static bool host_busy(void)
{
  return host_busy_count(NULL);
}

static void on_found(const char *name, const ip_addr_t *ip, void *arg)
{
  ztk_dns_query *q = arg;
  (void)name;
  q->in_lwip = false;
  if (q->err == ZTK_EAGAIN) {
    /* lwIP reports "no such name" (an answer came in) and "no answer" alike: tell them apart
     * by whether a packet is being processed. */
    int err = ip ? 0 : ip_current_input_netif() != NULL ? ZTK_ENOTFOUND : ZTK_ETIMEDOUT;
    query_finish(q, err, ip);
  }
  if (!host_busy())
    ztk_env_dns_state()->host = NULL;
  if (q->dropped)
    query_free(q);
}

/* Points the servers at h: IPv6 ones get the zone of the netif h reaches them by. Returns
 * how many servers h can reach. */
static int servers_for(ztk_stack_host *h)
{
  int reachable = 0;
  for (int i = 0; i < ZTK_DNS_MAX_SERVERS; i++) {
    ztk_inaddr a;
    struct ztk_stack_netif *nif;
    ztk_dns_server(i, &a);
    if (a.family == 0 || ztk_host_route(h, &a, &nif) != 0)
      continue;
    reachable++;
    if (a.family == 6) {
      ip_addr_t ip;
      ztk_lwaddr_from(&ip, &a, &nif->lw);
      dns_setserver((u8_t)i, &ip);
    }
  }
  return reachable;
}

static u8_t addr_type(int family)
{
  return family == 4 ? LWIP_DNS_ADDRTYPE_IPV4
         : family == 6 ? LWIP_DNS_ADDRTYPE_IPV6
                       : LWIP_DNS_ADDRTYPE_IPV4_IPV6;
}

int ztk_dns_start(ztk_stack_host *h, const char *name, int family, ztk_dns_wake_fn wake,
                  void *user, ztk_dns_query **out)
{
  ztk_env_dns *d = ztk_env_dns_state();
  if (!h || !name || !out || (family != 0 && family != 4 && family != 6))
    return ZTK_EINVAL;
  size_t len = strnlen(name, ZTK_DNS_MAX_NAME + 1);
  if (len == 0 || len > ZTK_DNS_MAX_NAME)
    return ZTK_EINVAL;
  int count;
  if (host_busy_count(&count) && d->host && d->host != h)
    return ZTK_ESTATE;
  if (count >= MAX_QUERIES)
    return ZTK_ENOMEM;
  ztk_dns_query *q = calloc(1, sizeof *q);
  if (!q)
    return ZTK_ENOMEM;
  q->host = h;
  q->err = ZTK_EAGAIN;
  q->wake = wake;
  q->user = user;
  ip_addr_t ip;
  /* numeric names need no server */
  if (ipaddr_aton(name, &ip) && (family == 0 || (family == 6) == IP_IS_V6_VAL(ip))) {
    query_finish(q, 0, &ip);
    *out = q;
    return 0;
  }
  if (servers_for(h) == 0) {
    free(q);
    return ZTK_ESOCK_NETUNREACH;
  }
  d->host = h;
  q->in_lwip = true;
  q->next = d->queries;
  d->queries = q;
  err_t e = dns_gethostbyname_addrtype(name, &ip, on_found, q, addr_type(family));
  if (e != ERR_INPROGRESS) {
    q->in_lwip = false;
    if (e == ERR_OK)
      query_finish(q, 0, &ip);
    int rc = e == ERR_OK ? 0 : e == ERR_ARG ? ZTK_EINVAL : ztk_sock_err_from_lwip(e);
    if (!host_busy())
      d->host = NULL;
    if (rc) {
      query_free(q);
      return rc;
    }
  }
  *out = q;
  return 0;
}

int ztk_dns_result(const ztk_dns_query *q, ztk_inaddr *out)
{
  if (q->err == 0 && out)
    *out = q->addr;
  return q->err;
}

void ztk_dns_drop(ztk_dns_query *q)
{
  if (!q)
    return;
  q->dropped = true;
  if (!q->in_lwip)
    query_free(q);
}

void ztk_dns_host_gone(ztk_stack_host *h)
{
  ztk_env_dns *d = ztk_env_dns_state();
  int i = 0;
  for (ztk_dns_query *q = d->queries; q && i <= MAX_QUERIES; q = q->next, i++) {
    if (q->host != h)
      continue;
    q->host = NULL;
    if (q->err == ZTK_EAGAIN)
      query_finish(q, ZTK_ENODE_STOPPED, NULL);
  }
  if (d->host == h)
    d->host = NULL;
}

struct netif *ztk_dns_route4(const ztk_inaddr *dst)
{
  struct ztk_stack_netif *nif;
  ztk_stack_host *h = ztk_env_dns_state()->host;
  if (!h || ztk_host_route(h, dst, &nif) != 0)
    return NULL;
  return &nif->lw;
}
