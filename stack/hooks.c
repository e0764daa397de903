/* lwIP hooks (declared in stack/port/ztk_lwip_hooks.h): source routing, strong-host input,
 * gateways for managed routes and prefixes longer or shorter than /64, random ISNs. */
#include "ztk_lwip_hooks.h"

#include <string.h>

#include "lwip/ip.h"
#include "lwip/netif.h"
#include "lwip/stats.h"

#include "stack/dns.h"
#include "stack/lwaddr.h"
#include "stack/netif_impl.h"

struct netif *ztk_hook_ip4_route_src(const ip4_addr_t *src, const ip4_addr_t *dest)
{
  struct netif *inp = ip_current_input_netif();
  struct netif *n, *found = NULL;
  if (src == NULL || ip4_addr_isany(src)) {
    /* only lwIP's DNS client sends from no address (sockets are bound to their netif) */
    ztk_inaddr dst;
    ip_addr_t d;
    ip_addr_copy_from_ip4(d, *dest);
    ztk_lwaddr_to(&dst, &d, 0);
    return ztk_dns_route4(&dst);
  }
  if (inp != NULL && ip4_addr_cmp(netif_ip4_addr(inp), src))
    return inp;
  NETIF_FOREACH(n)
  {
    if (!netif_is_up(n) || !ip4_addr_cmp(netif_ip4_addr(n), src))
      continue;
    if (ip4_addr_netcmp(dest, netif_ip4_addr(n), netif_ip4_netmask(n)))
      return n;
    if (found == NULL)
      found = n;
  }
  return found;
}

int ztk_hook_ip4_input(struct pbuf *p, struct netif *inp)
{
  ip4_addr_t dst;
  if (p->len < 20)
    return 0; /* lwIP drops it as malformed */
  memcpy(&dst.addr, (const u8_t *)p->payload + 16, 4);
  if (ip4_addr_ismulticast(&dst) || ip4_addr_isbroadcast(&dst, inp))
    return 0;
  if (!ip4_addr_isany_val(*netif_ip4_addr(inp)) && ip4_addr_cmp(&dst, netif_ip4_addr(inp)))
    return 0;
  /* Addressed to another netif's IP: lwIP would accept it there (weak host), and answer from
   * that netif. Hosts must not see each other's traffic. */
  pbuf_free(p);
  IP_STATS_INC(ip.drop);
  return 1;
}

/* How netif reaches d (an address of lwIP's): NULL if it does not, d itself when on-link, or
 * the gateway of the route that covers d. */
static const ip_addr_t *hook_next_hop(struct netif *netif, const ip_addr_t *d)
{
  ztk_inaddr dst;
  int bits;
  ztk_lwaddr_to(&dst, d, 0);
  const ztk_netif_route *r = ztk_netif_route_for(ztk_netif_of(netif), &dst, &bits);
  if (bits < 0)
    return NULL;
  return r == NULL || r->via.family == 0 ? d : &r->via_lw;
}

const ip4_addr_t *ztk_hook_etharp_get_gw(struct netif *netif, const ip4_addr_t *dest)
{
  ip_addr_t d;
  ip_addr_copy_from_ip4(d, *dest);
  const ip_addr_t *hop = hook_next_hop(netif, &d);
  return hop == NULL ? NULL : hop == &d ? dest : ip_2_ip4(hop);
}

const ip6_addr_t *ztk_hook_nd6_get_gw(struct netif *netif, const ip6_addr_t *dest)
{
  ip_addr_t d;
  ip_addr_copy_from_ip6(d, *dest);
  const ip_addr_t *hop = hook_next_hop(netif, &d);
  return hop == NULL ? NULL : hop == &d ? dest : ip_2_ip6(hop);
}

u32_t ztk_hook_tcp_isn(const ip_addr_t *local_ip, u16_t local_port, const ip_addr_t *remote_ip,
                       u16_t remote_port)
{
  (void)local_ip;
  (void)local_port;
  (void)remote_ip;
  (void)remote_port;
  return (u32_t)ztk_lwip_rand();
}
