/* lwIP's ip4.c, compiled here so its identification counter can be restarted (see
 * lwip_restart.h). */
#include "core/ipv4/ip4.c"

#include "lwip_restart.h"

void ztk_lwip_ip4_restart(void)
{
  ip_id = 0;
}
