/* Conversions between ztk_inaddr (core/util/inaddr.h) and lwIP's ip_addr_t. IPv6 addresses
 * handed to lwIP carry the zone of their netif (see the scope policy in lwipopts.h). Not for
 * use outside stack/. */
#ifndef ZTK_STACK_LWADDR_H
#define ZTK_STACK_LWADDR_H

#include "lwip/ip_addr.h"

#include "core/util/inaddr.h"

struct netif;

/* out = the IP of a (port ignored). IPv6 gets zone `zone_of`'s index (none if NULL, or for
 * :: and ::1). a must be IPv4 or IPv6. */
void ztk_lwaddr_from(ip_addr_t *out, const ztk_inaddr *a, const struct netif *zone_of);

/* out = ip with the given port (zone dropped). */
void ztk_lwaddr_to(ztk_inaddr *out, const ip_addr_t *ip, uint16_t port);

#endif
