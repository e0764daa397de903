/* Hosts: a node's netifs and sockets. */
#include "stack/host.h"

#include <stdlib.h>
#include <string.h>

#include "stack/dns.h"
#include "stack/env.h"
#include "stack/netif.h"
#include "stack/netif_impl.h"
#include "stack/socket_impl.h"
#include "ztkit/error.h"

void ztk_stack_host_config_init(ztk_stack_host_config *cfg)
{
  memset(cfg, 0, sizeof *cfg);
  cfg->max_sockets = ZTK_STACK_HOST_DEFAULT_SOCKETS;
}

int ztk_stack_host_new(ztk_stack_host **out, const ztk_stack_host_config *cfg)
{
  ztk_stack_host_config def;
  if (out == NULL)
    return ZTK_EINVAL;
  *out = NULL;
  if (cfg == NULL) {
    ztk_stack_host_config_init(&def);
    cfg = &def;
  }
  if (cfg->max_sockets < 1 || cfg->max_sockets > ZTK_STACK_HOST_MAX_SOCKETS)
    return ZTK_EINVAL;
  if (ztk_env_busy())
    return ZTK_ESTATE;
  ztk_stack_init();
  ztk_stack_host *h = calloc(1, sizeof *h);
  if (h == NULL)
    return ZTK_ENOMEM;
  h->max_socks = cfg->max_sockets;
  h->next_ident = 1;
  ztk_env_host_count(1);
  *out = h;
  return 0;
}

void ztk_stack_host_free(ztk_stack_host *h)
{
  if (h == NULL || h->zombie || ztk_env_enter() != 0)
    return;
  ztk_sock_host_teardown(h);
  ztk_dns_host_gone(h);
  while (h->nnetifs > 0)
    ztk_netif_destroy(h->netifs[h->nnetifs - 1]);
  ztk_env_host_forget(h);
  ztk_env_host_count(-1);
  ztk_env_leave();
  if (h->flushing)
    h->zombie = true; /* ztk_sock_flush_host() frees it when the callback returns */
  else
    free(h);
}

int ztk_stack_host_netifs(const ztk_stack_host *h, struct ztk_stack_netif **out, int max)
{
  for (int i = 0; out != NULL && i < h->nnetifs && i < max; i++)
    out[i] = h->netifs[i];
  return h->nnetifs;
}

int ztk_stack_host_sockets(const ztk_stack_host *h)
{
  return h->nsocks;
}

int ztk_host_route(const ztk_stack_host *h, const ztk_inaddr *dst, struct ztk_stack_netif **out)
{
  int best = -1;
  *out = NULL;
  for (int i = 0; i < h->nnetifs; i++) {
    int r = ztk_netif_reach(h->netifs[i], dst, NULL);
    if (r > best) {
      best = r;
      *out = h->netifs[i];
    }
  }
  return best >= 0 ? 0 : ZTK_ESOCK_NETUNREACH;
}

struct ztk_stack_netif *ztk_host_netif_with_ip(const ztk_stack_host *h, const ztk_inaddr *addr,
                                               const ztk_inaddr *hint)
{
  struct ztk_stack_netif *found = NULL;
  int best = -2;
  for (int i = 0; i < h->nnetifs; i++) {
    struct ztk_stack_netif *n = h->netifs[i];
    if (!ztk_netif_has_ip(n, addr))
      continue;
    int r = hint != NULL ? ztk_netif_reach(n, hint, NULL) : -1;
    if (r > best) {
      best = r;
      found = n;
    }
  }
  return found;
}

int ztk_host_netif_link(ztk_stack_host *h, struct ztk_stack_netif *n)
{
  if (h->nnetifs >= ZTK_STACK_HOST_MAX_NETIFS)
    return ZTK_ELIMIT;
  h->netifs[h->nnetifs++] = n;
  return 0;
}

void ztk_host_netif_unlink(ztk_stack_host *h, struct ztk_stack_netif *n)
{
  for (int i = 0; i < h->nnetifs; i++) {
    if (h->netifs[i] != n)
      continue;
    memmove(&h->netifs[i], &h->netifs[i + 1], (size_t)(h->nnetifs - i - 1) * sizeof h->netifs[0]);
    h->nnetifs--;
    return;
  }
}
