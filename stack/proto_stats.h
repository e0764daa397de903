/* The process's lwIP protocol counters (lwIP keeps one set for all hosts of the process), for
 * the libzt-compatible zts_stats_get_all(). Read them with the stack entered or locked.
 * Internal header. */
#ifndef ZTK_STACK_PROTO_STATS_H
#define ZTK_STACK_PROTO_STATS_H

#include <stdint.h>

/* One protocol's counters. */
typedef struct ztk_proto_count {
  uint32_t tx, rx, drop, err;
} ztk_proto_count;

typedef struct ztk_proto_stats {
  ztk_proto_count link, etharp, ip4, ip6, icmp4, icmp6, udp, tcp, nd6;
} ztk_proto_stats;

/* Copies the counters. */
void ztk_proto_stats_get(ztk_proto_stats *out);

#endif
