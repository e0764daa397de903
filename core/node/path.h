/* A physical path to a peer: (local socket, remote address) plus liveness and latency.
 * Paths live inside their peer (a fixed array), so they need no ownership of their own.
 * Internal header. */
#ifndef ZTK_CORE_NODE_PATH_H
#define ZTK_CORE_NODE_PATH_H

#include <stdbool.h>
#include <stdint.h>

#include "core/util/inaddr.h"

#define ZTK_PATH_HEARTBEAT_PERIOD 14000  /* ECHO a path idle (no TX) this long */
#define ZTK_PATH_ALIVE_WINDOW (ZTK_PATH_HEARTBEAT_PERIOD + 5000)
#define ZTK_PEER_PATH_EXPIRATION 243000  /* forget a path silent (no RX) this long */
#define ZTK_PATH_LATENCY_UNKNOWN 0xffff

typedef struct ztk_path {
  ztk_inaddr addr;
  int64_t local_socket;
  int64_t last_in;         /* anything received on it */
  int64_t last_out;        /* anything sent on it */
  int64_t last_trusted_in; /* a trust-establishing packet received (relaying permission) */
  int64_t last_echo_reply; /* rate gate for OK(ECHO) */
  uint16_t latency;        /* smoothed ms, ZTK_PATH_LATENCY_UNKNOWN if never measured */
  bool was_alive;          /* for alive/dead events */
} ztk_path;

void ztk_path_init(ztk_path *p, int64_t local_socket, const ztk_inaddr *addr);

static inline bool ztk_path_alive(const ztk_path *p, int64_t now)
{
  return now - p->last_in < ZTK_PATH_ALIVE_WINDOW;
}

static inline bool ztk_path_needs_heartbeat(const ztk_path *p, int64_t now)
{
  return now - p->last_out >= ZTK_PATH_HEARTBEAT_PERIOD;
}

/* Lower is better: latency, heavily penalised once the path stops hearing anything, scaled by
 * how "far" its IP scope is (global paths are preferred over private ones at equal latency,
 * as ZeroTier orders them). */
long ztk_path_quality(const ztk_path *p, int64_t now);

/* Folds one latency measurement into the smoothed value. */
void ztk_path_update_latency(ztk_path *p, unsigned ms);

/* Whether an address may carry ZeroTier traffic at all: private, pseudo-private or global
 * unicast scopes (plus loopback when allowed), never link-local/multicast/unspecified, and
 * not Hurricane Electric's IPv6 tunnel range (2001:470::/32), as ZeroTier refuses them. */
bool ztk_path_address_usable(const ztk_inaddr *a, bool allow_loopback);

#endif
