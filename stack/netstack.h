/* A node's stack as applications see it (the `ztk_netstack` of ztkit/socket.h): the node's
 * stack host (while the node runs), its application sockets (`ztk_socket`), and the waiting
 * that turns the non-blocking socket layer (stack/socket.h) into blocking calls with timeouts.
 *
 * The stack room has no threads and no clock, so waiting is delegated to a driver: the
 * runtime's (runtime/node_stack.c: a service lock, the process's stack lock, condition
 * variables, the monotonic clock) or a simulator's (its world loop and virtual time). The
 * driver says how to get exclusive access and how to sleep; this module decides when.
 *
 * Access levels. "entered" (driver enter/leave): the node and lwIP may be called — needed for
 * any call into stack/socket.h that can send. "locked" (driver lock/unlock): only readiness
 * and the bookkeeping below may be read or changed; socket wakeups and waiter signals happen
 * at this level. Entered implies locked. Internal header (unstable). */
#ifndef ZTK_STACK_NETSTACK_H
#define ZTK_STACK_NETSTACK_H

#include <stdbool.h>
#include <stdint.h>

#include "stack/host.h"
#include "stack/socket.h"
#include "ztkit/socket.h"

/* One waiting call. `fired` is set (locked) when what it waits for may have happened. */
typedef struct ztk_ns_waiter {
  bool fired;
  void *cookie; /* the driver's (the runtime: the waiting thread's condition variable) */
} ztk_ns_waiter;

/* A waiter's registration on one socket or on the netstack's address changes. */
typedef struct ztk_ns_link {
  ztk_ns_waiter *w;
  unsigned mask; /* ZTK_SOCK_EV_* that fire it (ERR and HUP always do) */
  struct ztk_ns_link *next;
} ztk_ns_link;

typedef struct ztk_netstack_driver {
  /* REQUIRED. Enters (see above) and sets lwIP's time. Returns 0, or ZTK_ESTATE when the
   * node does not run (the netstack is then detached or was never attached). */
  int (*enter)(void *ctx);
  /* REQUIRED. Delivers what the calls produced (frames to the node, datagrams to the network,
   * new deadlines to the loop) and leaves. */
  void (*leave)(void *ctx);
  /* REQUIRED. Lock level only. lock/unlock/wait/signal must work alike for every netstack
   * of one driver (ztk_socket_poll mixes them): the runtime's use one process-wide lock. */
  void (*lock)(void *ctx);
  void (*unlock)(void *ctx);
  /* REQUIRED. Called locked (not entered): blocks until w->fired or the driver's clock reaches
   * deadline_ms (ZTK_NEVER: no limit), with the lock released meanwhile; returns locked. */
  void (*wait)(void *ctx, ztk_ns_waiter *w, int64_t deadline_ms);
  /* REQUIRED. Called locked right after w->fired was set: wake the thread in wait(). */
  void (*signal)(void *ctx, ztk_ns_waiter *w);
  /* REQUIRED. Monotonic milliseconds of the driver's clock. */
  int64_t (*now_ms)(void *ctx);
  /* OPTIONAL. The netstack is freed (its last reference went): ctx is no longer used. */
  void (*release)(void *ctx);
} ztk_netstack_driver;

struct ztk_socket;

struct ztk_netstack {
  const ztk_netstack_driver *drv;
  void *ctx;
  ztk_stack_host *host; /* NULL while the node is down */
  int down_err;         /* what calls get while host is NULL */
  int refs;             /* the driver's reference + one per open socket */
  struct ztk_socket *socks;
  int nsocks;
  ztk_ns_link *addr_waiters;
};

struct ztk_socket {
  ztk_netstack *ns;
  struct ztk_socket *next, *prev; /* ns->socks */
  ztk_sock *sock;                 /* NULL once dead (node stopped) or closed */
  int dead_err;
  int family; /* AF_INET / AF_INET6 */
  ztk_sock_type type;
  bool closed;
  int users; /* calls in progress; the last one frees a closed socket */
  ztk_ns_link *links;
};

/* Creates a netstack with no host (calls fail with ZTK_ESTATE until attached). The driver
 * keeps one reference: drop it with ztk_netstack_unref. Returns 0, ZTK_EINVAL or ZTK_ENOMEM. */
int ztk_netstack_new(ztk_netstack **out, const ztk_netstack_driver *drv, void *ctx);

/* Drops the driver's reference (not locked). The netstack and ctx (release) go once every
 * socket is closed; until then its sockets' calls fail with the last detach error. */
void ztk_netstack_unref(ztk_netstack *ns);

/* Entered: the node came up with stack host h (owned by the driver). */
void ztk_netstack_attach(ztk_netstack *ns, ztk_stack_host *h);

/* Entered: the node goes down. Every socket loses its stack socket (their calls fail with err
 * from now on, blocked ones wake) and the host is forgotten; the driver frees it afterwards. */
void ztk_netstack_detach(ztk_netstack *ns, int err);

/* Locked: the node's addresses may have changed (wakes ztk_netstack_wait_address). */
void ztk_netstack_notify(ztk_netstack *ns);

/* ---- shared by the netstack modules ---------------------------------------------------------- */

/* Fires the links in list whose mask meets events (ERR/HUP always), under the lock. */
void ztk_ns_fire(ztk_netstack *ns, ztk_ns_link *list, unsigned events);

/* Adds / removes a link (locked). */
void ztk_ns_link_add(ztk_ns_link **list, ztk_ns_link *l);
void ztk_ns_link_remove(ztk_ns_link **list, ztk_ns_link *l);

/* Takes / drops a socket's "call in progress" mark (locked). unuse returns true when the
 * socket must be freed now (closed and last user): call ztk_ns_socket_free after unlocking. */
void ztk_ns_socket_use(struct ztk_socket *s);
bool ztk_ns_socket_unuse(struct ztk_socket *s);
/* Frees a closed, unused socket and drops its netstack reference (not locked). */
void ztk_ns_socket_free(struct ztk_socket *s);

/* Drops one netstack reference (locked); returns true when the netstack must be destroyed:
 * call ztk_ns_destroy after unlocking. */
bool ztk_ns_unref_locked(ztk_netstack *ns);
void ztk_ns_destroy(ztk_netstack *ns);

/* The deadline for timeout_ms from now (ZTK_NEVER for a negative timeout). */
int64_t ztk_ns_deadline(ztk_netstack *ns, int timeout_ms);

#endif
