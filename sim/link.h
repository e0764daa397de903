/* One direction of a simulated link: an up/down switch, a chain of stages, a random stream
 * and counters. Links are two of these, so every parameter is per direction (asymmetric
 * links: set the two directions differently).
 *
 * ztk_link_params is the declarative way to describe a direction; it expands to the usual
 * chain, in the order a datagram meets the impairments on a real path:
 *     MTU -> bandwidth queue -> loss -> bursty loss -> corruption -> duplication
 *         -> latency (+ random delay) -> FIFO jitter -> reordering
 * Chains can also be given stage by stage (ztk_linkdir_set_stages) for other orders or custom
 * stages.
 *
 * Internal header: not a stable API. */
#ifndef ZTK_SIM_LINK_H
#define ZTK_SIM_LINK_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/drop.h"
#include "sim/rng.h"
#include "sim/stage.h"

#define ZTK_LINK_MAX_STAGES 16

typedef struct ztk_link_params {
  int64_t latency_us;      /* constant one-way delay */
  ztk_dist delay;          /* extra random delay per datagram (independent: may reorder) */
  int64_t jitter_us;       /* extra delay in [0, jitter_us] that never reorders */
  double loss;             /* uniform loss probability */
  double ge_p_gb, ge_p_bg; /* Gilbert-Elliott transitions; enabled when ge_p_gb > 0 */
  double ge_loss_good, ge_loss_bad;
  double dup;               /* duplication probability */
  int64_t dup_delay_us;     /* the copy follows this much later */
  double reorder;           /* probability of being held back ... */
  int64_t reorder_delay_us; /* ... by this much */
  double corrupt;           /* probability of corruption ... */
  uint32_t corrupt_bits;    /* ... flipping this many bits (0 = 1) */
  uint64_t rate_bps;        /* bandwidth, 0 = unlimited */
  uint32_t queue_bytes;     /* drop-tail queue for the bandwidth stage (0 = default) */
  uint32_t mtu;             /* largest IP packet in bytes, 0 = no limit */
} ztk_link_params;

typedef struct ztk_link_counters {
  uint64_t sent;      /* datagrams that entered this direction (copies not included) */
  uint64_t delivered; /* datagrams that came out at the far end (copies included) */
  uint64_t bytes_sent, bytes_delivered;  /* payload bytes */
  uint64_t dropped[ZTK_DROP_LINK_COUNT]; /* by reason - ZTK_DROP_LINK_FIRST */
  uint64_t duplicated, corrupted, reordered, queued;
  uint32_t queue_hwm; /* most bytes ever waiting in a bandwidth queue (incl. the new one) */
} ztk_link_counters;

typedef struct ztk_linkdir {
  ztk_stage *stages; /* owned; NULL when the chain is empty */
  uint8_t nstages;
  bool up;
  ztk_rng rng;
  ztk_link_counters c;
} ztk_linkdir;

/* How the link hands results back (the fabric implements it). */
typedef struct ztk_flight_sink {
  void *ctx;
  /* REQUIRED. Makes an independent copy of `orig` (its own bytes) into *copy for a duplicate.
   * Returns 0, or nonzero if no copy can be made (the duplicate is then skipped). */
  int (*clone)(void *ctx, const ztk_flight *orig, ztk_flight *copy);
  /* REQUIRED. The outcome of one flight (the original or a copy): verdict ZTK_DROP_NONE means
   * it reaches the far end at f->t_us; otherwise it was dropped for that reason. */
  void (*done)(void *ctx, ztk_flight *f, int verdict);
} ztk_flight_sink;

/* Expands params into a stage chain. Returns the number of stages (0 .. ZTK_LINK_MAX_STAGES). */
int ztk_link_params_stages(const ztk_link_params *p, ztk_stage out[ZTK_LINK_MAX_STAGES]);

/* An up direction with an empty chain (instant, perfect) and the given stream. */
void ztk_linkdir_init(ztk_linkdir *d, const ztk_rng *rng);
void ztk_linkdir_free(ztk_linkdir *d);

/* Replaces the chain (copied; state starts fresh). Returns 0 or ZTK_ERANGE (more than
 * ZTK_LINK_MAX_STAGES), ZTK_ENOMEM. */
int ztk_linkdir_set_stages(ztk_linkdir *d, const ztk_stage *stages, int n);
int ztk_linkdir_set_params(ztk_linkdir *d, const ztk_link_params *p);

/* Sends one flight through the direction at f->t_us. Every resulting flight (the original and
 * any duplicates) is reported once through sink->done, before this returns. */
void ztk_linkdir_run(ztk_linkdir *d, ztk_flight *f, const ztk_flight_sink *sink);

#endif
