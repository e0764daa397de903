/* lwIP's tcp.c, compiled here so its counters can be restarted (see lwip_restart.h). */
#include "core/tcp.c"

#include "lwip_restart.h"

void ztk_lwip_tcp_restart(void)
{
  tcp_ticks = 0;
  tcp_timer = 0;
  tcp_timer_ctr = 0;
  tcp_init();
}
