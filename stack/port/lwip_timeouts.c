/* lwIP's timeouts.c, compiled here so its timer list can be restarted (see lwip_restart.h). */
#include "core/timeouts.c"

#include "lwip_restart.h"

void ztk_lwip_timeouts_restart(void)
{
  /* the list holds at most the timeout pool's entries (a few dozen) */
  for (int i = 0; next_timeout != NULL && i < 4096; i++) {
    struct sys_timeo *t = next_timeout;
    next_timeout = t->next;
    memp_free(MEMP_SYS_TIMEOUT, t);
  }
  next_timeout = NULL;
  current_timeout_due_time = 0;
  tcpip_tcp_timer_active = 0;
  sys_timeouts_init();
}
