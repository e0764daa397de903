/* lwIP's protocol counters, copied out of its global `lwip_stats`. */
#include "stack/proto_stats.h"

#include "lwip/stats.h"

/* Every lwIP protocol block has xmit/recv/drop/err (among others). */
#define COPY_PROTO(dst, src)                                                                       \
  do {                                                                                             \
    (dst).tx = (src).xmit;                                                                         \
    (dst).rx = (src).recv;                                                                         \
    (dst).drop = (src).drop;                                                                       \
    (dst).err = (src).err;                                                                         \
  } while (0)

void ztk_proto_stats_get(ztk_proto_stats *out)
{
  COPY_PROTO(out->link, lwip_stats.link);
  COPY_PROTO(out->etharp, lwip_stats.etharp);
  COPY_PROTO(out->ip4, lwip_stats.ip);
  COPY_PROTO(out->ip6, lwip_stats.ip6);
  COPY_PROTO(out->icmp4, lwip_stats.icmp);
  COPY_PROTO(out->icmp6, lwip_stats.icmp6);
  COPY_PROTO(out->udp, lwip_stats.udp);
  COPY_PROTO(out->tcp, lwip_stats.tcp);
  COPY_PROTO(out->nd6, lwip_stats.nd6);
}
