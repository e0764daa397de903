/* Restarting lwIP's file-static state (for stack/env.c's ztk_stack_claim only).
 *
 * lwIP keeps a few counters and lists in `static` variables of its own source files: the TCP
 * tick counter and the parity of its slow timer, the local port cursors, the IPv4
 * identification counter, the next netif number and the timer list. A simulator that replays a
 * world in the same process needs them back at a fresh process's values, or the second run
 * would send other IP ids and fire timers at other phases than the first. lwIP offers no call
 * for that, so four of its files are compiled inside ours (lwip_tcp.c, lwip_timeouts.c,
 * lwip_ip4.c, lwip_netif.c: each includes the lwIP file, unchanged, and adds one function that
 * can reach its statics). Internal header. */
#ifndef ZTK_LWIP_RESTART_H
#define ZTK_LWIP_RESTART_H

/* TCP: tick counter and slow-timer parity to zero, local port cursor redrawn (LWIP_RAND). */
void ztk_lwip_tcp_restart(void);
/* Timers: every pending timeout dropped, the cyclic ones started again from sys_now(). */
void ztk_lwip_timeouts_restart(void);
/* IPv4: the identification counter to zero. */
void ztk_lwip_ip4_restart(void);
/* Netif numbering from zero again; only when no netif exists (returns -1 otherwise, else 0). */
int ztk_lwip_netif_restart(void);

#endif
