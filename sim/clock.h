/* Time units, and a host's own clock as a function of virtual time.
 *
 * Virtual time (the event queue's) is perfect; real hosts' clocks are not. A host clock maps
 * virtual time t (microseconds) to host-local time:
 *
 *     local(t) = anchor_local + (t - anchor_virtual) * (1 + drift_ppb / 1e9)
 *
 * Changing the drift re-anchors at the current instant, so local time stays continuous; a step
 * adds a signed offset at once (NTP slews and steps, VM pauses, a badly set clock). Integer
 * arithmetic only, so every machine computes the same local times. Hosts (the ZeroTier core)
 * see local milliseconds.
 *
 * Internal header: not a stable API. */
#ifndef ZTK_SIM_CLOCK_H
#define ZTK_SIM_CLOCK_H

#include <stdint.h>

#define ZTK_US_PER_MS INT64_C(1000)
#define ZTK_US_PER_SEC INT64_C(1000000)
#define ZTK_MS(x) ((int64_t)(x)*ZTK_US_PER_MS)
#define ZTK_SEC(x) ((int64_t)(x)*ZTK_US_PER_SEC)

/* Drift is bounded to +-10% so that local time is strictly increasing between steps. */
#define ZTK_HOSTCLOCK_MAX_DRIFT_PPB INT64_C(100000000)

typedef struct ztk_hostclock {
  int64_t anchor_virtual; /* us */
  int64_t anchor_local;   /* us */
  int64_t drift_ppb;      /* parts per billion, +: runs fast */
} ztk_hostclock;

/* A perfect clock: local time equals virtual time plus offset_us. */
void ztk_hostclock_init(ztk_hostclock *c, int64_t offset_us);

/* Local time at virtual time t_us (microseconds). */
int64_t ztk_hostclock_local_us(const ztk_hostclock *c, int64_t t_us);

/* Local time at t_us in whole milliseconds (floor, also for negative times). */
int64_t ztk_hostclock_local_ms(const ztk_hostclock *c, int64_t t_us);

/* Sets the drift from virtual time now_us on. Returns 0 or ZTK_ERANGE if |drift_ppb| exceeds
 * ZTK_HOSTCLOCK_MAX_DRIFT_PPB. */
int ztk_hostclock_set_drift(ztk_hostclock *c, int64_t now_us, int64_t drift_ppb);

/* Steps local time by delta_us (may be negative) at virtual time now_us. */
void ztk_hostclock_step(ztk_hostclock *c, int64_t now_us, int64_t delta_us);

/* The earliest virtual time >= not_before_us at which local time reaches local_us (how a host
 * layer turns a node's local deadline into an event time). Assumes no further step or drift
 * change; returns not_before_us if local time is already there. */
int64_t ztk_hostclock_virtual_us(const ztk_hostclock *c, int64_t local_us, int64_t not_before_us);

#endif
