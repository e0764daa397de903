/* lwIP hook declarations (included by lwIP through LWIP_HOOK_FILENAME, see lwipopts.h). The
 * implementations live in stack/hooks.c; each keeps traffic inside the netif it belongs to. */
#ifndef ZTK_LWIP_HOOKS_H
#define ZTK_LWIP_HOOKS_H

#include "lwip/ip_addr.h"
#include "lwip/pbuf.h"

struct netif;

/* IPv4 routing by source address: the netif that owns src (the input netif first, so replies
 * leave where the request came in). Returns NULL for src NULL/any, or when no netif has it. */
struct netif *ztk_hook_ip4_route_src(const ip4_addr_t *src, const ip4_addr_t *dest);

/* Strong-host IPv4 input: drops (and frees) unicast packets not addressed to the input netif's
 * own address. Returns 1 if the packet was eaten, 0 to let lwIP process it. */
int ztk_hook_ip4_input(struct pbuf *p, struct netif *inp);

/* IPv4 gateway for a destination outside the netif's subnet: the matching route's gateway.
 * Returns NULL if no route with a gateway covers dest. */
const ip4_addr_t *ztk_hook_etharp_get_gw(struct netif *netif, const ip4_addr_t *dest);

/* IPv6 next hop: dest itself when it lies in one of the netif's prefixes (any length; lwIP
 * alone assumes /64) or an on-link route, the gateway for a route with one, else NULL. */
const ip6_addr_t *ztk_hook_nd6_get_gw(struct netif *netif, const ip6_addr_t *dest);

/* TCP initial sequence numbers from the injected random source. */
u32_t ztk_hook_tcp_isn(const ip_addr_t *local_ip, u16_t local_port, const ip_addr_t *remote_ip,
                       u16_t remote_port);

#endif
