/* A background workload: uniformly random datagrams between the hosts of a range, a fixed
 * number every tick, drawn from the load's own stream (label it "workload" or similar). For
 * scale tests, benchmarks and scenarios that need traffic without nodes.
 *
 * Internal header: not a stable API. */
#ifndef ZTK_SIM_LOAD_H
#define ZTK_SIM_LOAD_H

#include <stdint.h>

#include "sim/net.h"

typedef struct ztk_load {
  /* set by the caller */
  ztk_net *net;
  ztk_rng rng;
  uint32_t first_host, nhosts; /* senders and receivers; each uses its first address */
  uint32_t per_tick;           /* datagrams per tick */
  int64_t tick_us;             /* > 0 */
  uint32_t min_len, max_len;   /* payload sizes, uniform in [min_len, max_len] */
  uint16_t port;               /* source and destination port (0: 9993) */
  uint64_t max_sends;          /* stop after this many attempts (0: no limit) */
  /* kept by the load */
  uint64_t sent, refused; /* accepted by the fabric / refused (in-flight limit) */
  ztk_evh tick;
} ztk_load;

/* Schedules the first tick at at_us. Returns 0 or one of: ZTK_EINVAL (no hosts, tick_us <= 0,
 * min_len > max_len or max_len > ZTK_NET_MAX_PAYLOAD), or as ztk_evq_at. */
int ztk_load_start(ztk_load *l, int64_t at_us);

/* Cancels the pending tick (call before freeing l or the fabric's queue). */
void ztk_load_stop(ztk_load *l);

#endif
