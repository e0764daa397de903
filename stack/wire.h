/* A wire: an in-memory Ethernet segment joining netifs of different hosts, driven by the
 * stack's virtual clock, with optional latency, bandwidth and seeded random loss. It stands in
 * for ZeroTier (and a node) in the stack's tests and benchmarks: frames one netif emits are
 * queued and later handed to the netif with the destination MAC (all others for multicast).
 * Deterministic: the same seed and the same calls give the same deliveries. Internal header. */
#ifndef ZTK_STACK_WIRE_H
#define ZTK_STACK_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "stack/host.h"
#include "stack/netif.h"

#define ZTK_WIRE_MAX_PORTS 16

typedef struct ztk_wire ztk_wire;

typedef struct ztk_wire_config {
  int64_t delay_ms;  /* one-way latency */
  double loss;       /* probability that a frame is lost, 0..1 */
  uint64_t rate_bps; /* per sending port; 0: unlimited */
  uint64_t seed;     /* for loss */
  size_t max_queued; /* frames in flight per sending port (0: 65536); beyond: dropped */
  /* OPTIONAL: sees every frame sent (before loss), port = sender's index. */
  void (*tap)(void *user, int port, uint64_t src_mac, uint64_t dst_mac, uint16_t ethertype,
              const void *data, size_t len);
  void *tap_user;
} ztk_wire_config;

typedef struct ztk_wire_stats {
  uint64_t sent, delivered, lost, overflow, unknown_dst;
} ztk_wire_stats;

/* Creates a wire; cfg NULL: lossless, no delay. Returns 0 or ZTK_EINVAL, ZTK_ENOMEM. */
int ztk_wire_new(ztk_wire **out, const ztk_wire_config *cfg);

/* Frees the wire and the frames in flight. Free the hosts (or netifs) attached to it first:
 * their netifs send into the wire until they are gone. */
void ztk_wire_free(ztk_wire *w);

/* Creates a netif on host h plugged into the wire. Returns 0, ZTK_ELIMIT (ZTK_WIRE_MAX_PORTS)
 * or any error of ztk_stack_netif_new(). */
int ztk_wire_attach(ztk_wire *w, ztk_stack_host *h, const ztk_stack_netif_config *cfg,
                    ztk_stack_netif **out);

/* Unplugs netif n (about to be freed): frames are no longer delivered to it. */
void ztk_wire_detach(ztk_wire *w, const ztk_stack_netif *n);

/* Delivers every frame due at or before now (frames sent meanwhile with no delay too, at most
 * `budget` frames). Returns how many were delivered. */
long ztk_wire_deliver(ztk_wire *w, int64_t now, long budget);

/* When the next frame is due, or ZTK_NEVER. */
int64_t ztk_wire_next_due(const ztk_wire *w);

void ztk_wire_stats_get(const ztk_wire *w, ztk_wire_stats *out);

/* Changes the loss probability from now on (1: the wire is cut). Returns 0 or ZTK_EINVAL. */
int ztk_wire_set_loss(ztk_wire *w, double loss);

/* One step of a virtual-time loop over n wires: if frames are due at `now` they are delivered;
 * otherwise time moves to the earliest of the next frame, the stack's next deadline and
 * `limit`, then due frames are delivered and timers run. Returns the new time. */
int64_t ztk_wire_step(ztk_wire *const *wires, int n, int64_t now, int64_t limit);

#endif
