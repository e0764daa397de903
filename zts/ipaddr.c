/* zts_ipaddr_ntoa / zts_ipaddr_aton: libzt's two helpers taken from lwIP, so they use lwIP's
 * own text conversions (the same accepted forms and output as libzt). They touch no lwIP
 * state, so they run without the stack lock. */
#include <string.h>

#include "ZeroTierSockets.h" /* first: its LWIP_* / MEMP_* values take lwIP's defaults' place */
#include "lwip/ip_addr.h"

static _Thread_local char t_text[IPADDR_STRLEN_MAX];

ZTS_API char *zts_ipaddr_ntoa(const zts_ip_addr *addr)
{
  ip_addr_t ip;
  if (!addr)
    return NULL;
  if (addr->type == ZTS_IPADDR_TYPE_V4) {
    ip_addr_set_ip4_u32_val(ip, addr->u_addr.ip4.addr);
  } else if (addr->type == ZTS_IPADDR_TYPE_V6) {
    const uint32_t *w = addr->u_addr.ip6.addr;
    IP_ADDR6(&ip, w[0], w[1], w[2], w[3]);
  } else {
    return NULL;
  }
  return ipaddr_ntoa_r(&ip, t_text, sizeof t_text);
}

ZTS_API int zts_ipaddr_aton(const char *cp, zts_ip_addr *addr)
{
  ip_addr_t ip;
  if (!cp || !ipaddr_aton(cp, &ip))
    return 0;
  if (addr) {
    memset(addr, 0, sizeof *addr);
    if (IP_IS_V6_VAL(ip)) {
      memcpy(addr->u_addr.ip6.addr, ip_2_ip6(&ip)->addr, 16);
      addr->type = ZTS_IPADDR_TYPE_V6;
    } else {
      addr->u_addr.ip4.addr = ip4_addr_get_u32(ip_2_ip4(&ip));
      addr->type = ZTS_IPADDR_TYPE_V4;
    }
  }
  return 1;
}
