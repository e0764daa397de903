/* A host: one node's share of the process's lwIP — its netifs (one per joined network) and
 * its sockets. Hosts never see each other's traffic inside lwIP (see lwipopts.h). Internal
 * header (unstable); lwIP types stay out of it. */
#ifndef ZTK_STACK_HOST_H
#define ZTK_STACK_HOST_H

#include <stdbool.h>
#include <stdint.h>

#include "core/util/inaddr.h"

/* Netifs per host (networks one node has joined with the stack enabled). */
#define ZTK_STACK_HOST_MAX_NETIFS 32
#define ZTK_STACK_HOST_DEFAULT_SOCKETS 1024
#define ZTK_STACK_HOST_MAX_SOCKETS 65536

typedef struct ztk_stack_host ztk_stack_host;
struct ztk_stack_netif;
struct ztk_sock;

typedef struct ztk_stack_host_config {
  /* Open sockets (including connections not yet accepted and closed connections still
   * delivering their last data) at most; 1..ZTK_STACK_HOST_MAX_SOCKETS. */
  int max_sockets;
} ztk_stack_host_config;

/* Fills cfg with the defaults. */
void ztk_stack_host_config_init(ztk_stack_host_config *cfg);

/* Creates a host with no netifs. cfg may be NULL (defaults). Returns 0 or one of: ZTK_EINVAL,
 * ZTK_ENOMEM, ZTK_ESTATE (called from a stack callback). */
int ztk_stack_host_new(ztk_stack_host **out, const ztk_stack_host_config *cfg);

/* Aborts every socket of the host (peers get a reset), frees its netifs and the host. Socket
 * handles of the host become invalid. NULL is allowed. May be called from a socket wakeup
 * callback; not from a frame callback (it then does nothing). */
void ztk_stack_host_free(ztk_stack_host *h);

/* Number of netifs; out (optional) receives up to max of them in creation order. */
int ztk_stack_host_netifs(const ztk_stack_host *h, struct ztk_stack_netif **out, int max);

/* Number of sockets the host holds (see max_sockets). */
int ztk_stack_host_sockets(const ztk_stack_host *h);

/* ---- for the other stack modules only -------------------------------------------------------- */

struct ztk_stack_host {
  struct ztk_stack_netif *netifs[ZTK_STACK_HOST_MAX_NETIFS]; /* creation order */
  int nnetifs;
  struct ztk_sock *socks; /* all sockets of the host, newest first */
  int nsocks, max_socks;
  struct ztk_sock *pend_head, *pend_tail; /* sockets with a deferred wakeup */
  struct ztk_stack_host *dirty_next;      /* env's queue of hosts to flush */
  bool dirty;
  bool flushing;       /* its wakeups are running: a free from a callback is finished afterwards */
  bool zombie;         /* freed from one of its own wakeup callbacks */
  uint16_t next_ident; /* ICMP echo identifiers */
};

/* Chooses the netif that reaches dst: the longest prefix among the netifs' own networks and
 * routes, ties to the oldest netif. Returns 0 or ZTK_ESOCK_NETUNREACH. */
int ztk_host_route(const ztk_stack_host *h, const ztk_inaddr *dst, struct ztk_stack_netif **out);

/* The netif of h that holds the IP of addr (family and IP compared); if several do, the one
 * that also reaches hint (may be NULL). NULL if none. */
struct ztk_stack_netif *ztk_host_netif_with_ip(const ztk_stack_host *h, const ztk_inaddr *addr,
                                               const ztk_inaddr *hint);

/* Links / unlinks a netif (called by the netif module). link returns 0 or ZTK_ELIMIT. */
int ztk_host_netif_link(ztk_stack_host *h, struct ztk_stack_netif *n);
void ztk_host_netif_unlink(ztk_stack_host *h, struct ztk_stack_netif *n);

#endif
