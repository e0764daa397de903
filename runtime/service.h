/* The service's extension points for the layers built on it (the virtual-network side, the
 * lwIP stack, the libzt API) and for tests. Public part: include/ztkit/service.h. Internal
 * header.
 *
 * Hooks run on whichever thread holds the service lock (the service thread, or a thread inside
 * a ztk_service_* call) and must not call ztk_service_* functions themselves (the lock is not
 * recursive); they may use the node they are given. */
#ifndef ZTK_RUNTIME_SERVICE_H
#define ZTK_RUNTIME_SERVICE_H

#include "runtime/state_store.h"
#include "ztkit/service.h"

#define ZTK_SERVICE_MAX_HOOKS 8
#define ZTK_SERVICE_MAX_WATCHES 8 /* descriptors other layers add to the loop */
#define ZTK_SERVICE_MAX_USER_ADDRS 8 /* addresses added with ztk_service_add_local_address */
#define ZTK_SERVICE_IFADDR_REFRESH_MS 60000
#define ZTK_SERVICE_MAX_WAIT_MS 1000 /* longest epoll wait: bounds the effect of clock steps */

typedef struct ztk_service_hooks {
  /* OPTIONAL. A node was created (at start, or at once if the hooks are added to a running
   * service). */
  void (*node_up)(void *user, ztk_node *node, int64_t now);
  /* OPTIONAL. Called on every iteration of the service loop; returns when it wants to run
   * again (ZTK_NEVER: no wish; the loop also runs whenever packets arrive). */
  int64_t (*tick)(void *user, ztk_node *node, int64_t now);
  /* OPTIONAL. Every node event, synchronously, before it is queued for the callback thread. */
  void (*event)(void *user, ztk_node *node, const ztk_event *ev);
  /* OPTIONAL. Ethernet frames for the host (ztk_node_callbacks.frame_out). */
  void (*frame_out)(void *user, ztk_nwid nwid, uint64_t src_mac, uint64_t dst_mac,
                    uint16_t ethertype, uint16_t vlan_id, const void *data, size_t len);
  /* OPTIONAL. A batch of received datagrams starts (open) or has been handed to the node
   * (!open), on the service thread with the lock held: frame_out calls in between may be held
   * back and handled together when the batch closes. */
  void (*wire_batch)(void *user, ztk_node *node, bool open);
  /* OPTIONAL. The node is about to be freed (stop, or hooks removed from a running service). */
  void (*node_down)(void *user, ztk_node *node);
  /* OPTIONAL. The service itself is being freed (after its last stop, without the lock):
   * the hooks are forgotten and the service pointer must not be used any more. */
  void (*service_gone)(void *user);
} ztk_service_hooks;

typedef struct ztk_service_stats {
  uint64_t loops;            /* service loop iterations */
  uint64_t datagrams_in;     /* datagrams handed to the node */
  uint64_t send_errors;      /* wire_send calls the transport refused */
  uint64_t events_queued, events_delivered, events_dropped;
  uint64_t hook_calls;       /* tick hook invocations */
  uint64_t state_failures;   /* failed state reads/writes */
  int local_addresses;       /* addresses last given to the node */
} ztk_service_stats;

/* Like ztk_service_new, with a state store the caller owns (it must outlive the service; it is
 * used instead of cfg->home). Returns as ztk_service_new. */
int ztk_service_new_with_store(ztk_service **out, const ztk_service_config *cfg,
                               ztk_state_store *store);

/* Registers hooks (the struct is not copied and must stay valid until removed); they stay
 * across stop/start. Returns 0, ZTK_EINVAL, ZTK_EEXIST (same hooks and user) or ZTK_ELIMIT. */
int ztk_service_add_hooks(ztk_service *svc, const ztk_service_hooks *hooks, void *user);

/* Unregisters hooks. Returns 0 or ZTK_ENOTFOUND. */
int ztk_service_remove_hooks(ztk_service *svc, const ztk_service_hooks *hooks, void *user);

/* Called on the service thread, with the lock held, when a watched descriptor is readable. */
typedef void (*ztk_service_fd_fn)(void *user, ztk_node *node, int64_t now);

/* Adds a descriptor (owned by the caller; level-triggered, readable) to the service loop, e.g.
 * an HTTP daemon's epoll descriptor; kept across stop/start. fn must consume what makes fd
 * readable, with non-blocking reads (it may rarely be called when nothing is left). Returns 0, ZTK_EINVAL, ZTK_EEXIST (fd already watched), ZTK_ELIMIT or ZTK_ESOCK. */
int ztk_service_watch_fd(ztk_service *svc, int fd, ztk_service_fd_fn fn, void *user);

/* Removes a watched descriptor (fn is not called after this returns). Returns 0 or
 * ZTK_ENOTFOUND. */
int ztk_service_unwatch_fd(ztk_service *svc, int fd);

/* Makes the service loop run an iteration soon (e.g. after a hook's deadline moved earlier
 * from another thread). */
void ztk_service_wake(ztk_service *svc);

void ztk_service_stats_get(ztk_service *svc, ztk_service_stats *out);

/* The store in use (the caller's, the service's memory store, or while running the home
 * directory's); NULL for a stopped home-directory service. For tests. */
ztk_state_store *ztk_service_store(ztk_service *svc);

/* For hooks and watch callbacks, which run with the lock held: the store in use (it changes
 * across stop/start for a home directory) and the bound UDP port; NULL / ZTK_ESTATE when the
 * service is not running (node_up hooks already see both). */
ztk_state_store *ztk_service_store_locked(ztk_service *svc);
int ztk_service_port_locked(ztk_service *svc);

/* Direct access to the node for layers that call it often (the stack driver): takes the lock
 * if the node runs and returns it (lock held), else returns NULL (lock not held). *now
 * (optional) receives the node's time. */
ztk_node *ztk_service_lock_node(ztk_service *svc, int64_t *now);

/* Ends a ztk_service_lock_node section: hands queued datagrams to the kernel, unlocks. */
void ztk_service_unlock_node(ztk_service *svc);

/* With the lock held (hooks, lock_node sections): the node reported this next deadline after
 * a call (ztk_node_frame_in...); the loop wakes earlier if needed. */
void ztk_service_note_deadline(ztk_service *svc, int64_t deadline);

/* Unix time in milliseconds (CLOCK_REALTIME): the `now` the service gives its node. */
int64_t ztk_service_clock_ms(void);

#endif
