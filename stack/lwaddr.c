/* ztk_inaddr <-> ip_addr_t. */
#include "stack/lwaddr.h"

#include <string.h>

#include "lwip/netif.h"

void ztk_lwaddr_from(ip_addr_t *out, const ztk_inaddr *a, const struct netif *zone_of)
{
  memset(out, 0, sizeof *out);
  if (a->family == 4) {
    IP_SET_TYPE(out, IPADDR_TYPE_V4);
    memcpy(&ip_2_ip4(out)->addr, a->ip, 4);
    return;
  }
  IP_SET_TYPE(out, IPADDR_TYPE_V6);
  memcpy(ip_2_ip6(out)->addr, a->ip, 16);
  ip6_addr_clear_zone(ip_2_ip6(out));
  if (zone_of != NULL)
    ip6_addr_assign_zone(ip_2_ip6(out), IP6_UNKNOWN, zone_of);
}

void ztk_lwaddr_to(ztk_inaddr *out, const ip_addr_t *ip, uint16_t port)
{
  memset(out, 0, sizeof *out);
  out->port = port;
  if (IP_IS_V6(ip)) {
    out->family = 6;
    memcpy(out->ip, ip_2_ip6(ip)->addr, 16);
  } else {
    out->family = 4;
    memcpy(out->ip, &ip_2_ip4(ip)->addr, 4);
  }
}
