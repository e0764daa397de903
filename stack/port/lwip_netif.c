/* lwIP's netif.c, compiled here so its netif numbering can be restarted (see
 * lwip_restart.h). */
#include "core/netif.c"

#include "lwip_restart.h"

int ztk_lwip_netif_restart(void)
{
  if (netif_list != NULL)
    return -1;
  netif_num = 0;
  return 0;
}
