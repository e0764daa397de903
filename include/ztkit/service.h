/* The ztkit service: one node driven over real UDP by one service thread (epoll, the real
 * clock), with its state in a ZeroTierOne-style home directory or in memory, and its events
 * delivered in order on a separate callback thread.
 *
 * Every function here is thread-safe: each takes the service lock (the node itself is not
 * thread-safe). The event callback runs on the callback thread without the lock held, so it may
 * call any function here except ztk_service_start(), ztk_service_stop() and ztk_service_free()
 * (which refuse: they wait for that thread). */
#ifndef ZTKIT_SERVICE_H
#define ZTKIT_SERVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ztkit/export.h"
#include "ztkit/node.h"
#include "ztkit/socket.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ztk_service ztk_service;

#define ZTK_SERVICE_DEFAULT_PORT 9993

typedef struct ztk_service_config {
  /* State directory (created if missing). NULL: state is kept in memory for the lifetime of
   * the service object (kept across stop/start, lost at ztk_service_free). */
  const char *home;
  /* Optional identity with its secret, used instead of the stored one (and stored). */
  const ztk_identity *identity;
  /* Optional serialized planet overriding the stored one (<home>/planet) and the default. */
  const uint8_t *planet;
  size_t planet_len;
  /* UDP port bound on IPv4 and IPv6 (ZTK_SERVICE_DEFAULT_PORT by default; 0 picks one). */
  int port;
  bool allow_loopback_paths; /* see ztk_node_config */
  bool force_upstream;       /* act as a root: relay for everyone, answer WHOIS freely */
  bool trace;                /* deliver ZTK_EVENT_TRACE lines */
  int64_t peer_activity_timeout_ms; /* 0: the node's default */
  /* Optional. Events, in order, on the callback thread. The event is valid during the call. */
  void (*event)(void *user, const ztk_event *ev);
  void *user;
  /* Events waiting for the callback thread at most (0: 1024); more are dropped and counted. */
  unsigned event_queue_max;
} ztk_service_config;

/* Fills cfg with the defaults (port 9993, everything else off/NULL). */
ZTK_API void ztk_service_config_init(ztk_service_config *cfg);

/* Creates a stopped service; the configuration (strings, planet, identity) is copied.
 * Returns 0 or one of: ZTK_EINVAL, ZTK_ENOMEM, ZTK_ECRYPTO (libsodium cannot start). */
ZTK_API int ztk_service_new(ztk_service **out, const ztk_service_config *cfg);

/* Opens the state, creates the node, binds UDP and starts the threads. Returns 0 or one of:
 * ZTK_ESTATE (already running), ZTK_EINVAL (called from the callback thread), ZTK_EIO / ZTK_EID_* / ZTK_EWORLD_* (state: see
 * ztk_service_error()), ZTK_EEXIST (port in use), ZTK_ESOCK, ZTK_ENOMEM. */
ZTK_API int ztk_service_start(ztk_service *svc);

/* Stops the threads and frees the node (its last events are delivered first). Returns only
 * when all of that is done, so a start may follow at once. Returns 0, ZTK_ESTATE (not
 * running) or ZTK_EINVAL (called from the callback thread). */
ZTK_API int ztk_service_stop(ztk_service *svc);

/* Stops if running and frees everything. NULL is allowed. Not from the callback thread. */
ZTK_API void ztk_service_free(ztk_service *svc);

/* Why the last start failed, or the last state-store problem (a file that could not be
 * written...), as one sentence; "" if none. Copied into buf. */
ZTK_API void ztk_service_error(ztk_service *svc, char *buf, size_t cap);

ZTK_API bool ztk_service_running(ztk_service *svc);

/* Waits until the node is online (heard from a root) or timeout_ms pass. Returns 0,
 * ZTK_ETIMEDOUT or ZTK_ESTATE (not running). */
ZTK_API int ztk_service_wait_online(ztk_service *svc, int timeout_ms);

/* The bound UDP port, or ZTK_ESTATE. */
ZTK_API int ztk_service_port(ztk_service *svc);

/* Snapshots of the node (see ztk/node.h). Return 0 or ZTK_ESTATE (not running); peers returns
 * the number of peers as ztk_node_peers does. */
ZTK_API int ztk_service_status(ztk_service *svc, ztk_node_status *out);
ZTK_API int ztk_service_counters(ztk_service *svc, ztk_node_counters *out);
ZTK_API int ztk_service_peers(ztk_service *svc, ztk_peer_info *out, int max);
ZTK_API int ztk_service_peer(ztk_service *svc, ztk_address addr, ztk_peer_info *out);

/* VL1 operations (see ztkit/node.h). Return the node's result, or ZTK_ESTATE. */
ZTK_API int ztk_service_send_user_message(ztk_service *svc, ztk_address dest, uint64_t type_id,
                                          const void *data, size_t len);
ZTK_API int ztk_service_echo(ztk_service *svc, ztk_address dest, const void *data, size_t len);
ZTK_API int ztk_service_orbit(ztk_service *svc, uint64_t moon_id, ztk_address seed);
ZTK_API int ztk_service_deorbit(ztk_service *svc, uint64_t moon_id);

/* Adds an address of this host for the node to push to peers (e.g. a NAT's public address),
 * kept across the periodic refresh from the host's interfaces. Returns 0, ZTK_EINVAL or
 * ZTK_ELIMIT. */
ZTK_API int ztk_service_add_local_address(ztk_service *svc, const struct sockaddr_storage *addr);

/* Runs fn(node, now, arg) on the caller's thread under the service lock, then lets the service
 * thread recompute its deadline. fn must not keep the node pointer. Returns fn's result, or
 * ZTK_ESTATE (not running), or ZTK_EINVAL. */
ZTK_API int ztk_service_call(ztk_service *svc, int (*fn)(ztk_node *node, int64_t now, void *arg),
                             void *arg);

/* ---- virtual networks (see ztkit/node.h) ------------------------------------------------- */

/* Join / leave a network. Return the node's result, or ZTK_ESTATE (not running). */
ZTK_API int ztk_service_join(ztk_service *svc, ztk_nwid nwid);
ZTK_API int ztk_service_leave(ztk_service *svc, ztk_nwid nwid);

/* Joined networks (ascending; returns how many, fills up to max) and one network's details.
 * Return as ztk_node_networks / ztk_node_network, or ZTK_ESTATE. */
ZTK_API int ztk_service_networks(ztk_service *svc, ztk_nwid *out, int max);
ZTK_API int ztk_service_network(ztk_service *svc, ztk_nwid nwid, ztk_network_info *out);

/* ---- the node's TCP/IP stack (ztkit/socket.h) ---------------------------------------------- */

/* The service's netstack: the node gets its own interfaces in the process's userspace
 * TCP/IP stack (one per joined network, with every managed address) from now on, across
 * stop/start, and sockets can be opened on it while the node runs. The first call creates
 * it; later calls return the same one. It belongs to the service (gone with
 * ztk_service_free; sockets left open then fail with ZTK_ENODE_STOPPED until closed).
 * Returns 0 or one of: ZTK_EINVAL, ZTK_ENOMEM, ZTK_ELIMIT (the service's hook or watch
 * slots, or 256 netstacks in the process). */
ZTK_API int ztk_service_netstack(ztk_service *svc, ztk_netstack **out);

#ifdef __cplusplus
}
#endif
#endif
