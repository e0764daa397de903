/* Why the simulated network dropped a datagram. One vocabulary for link stages, NAT boxes,
 * the fabric and the receiving host, so counters and trace lines agree. Internal header. */
#ifndef ZTK_SIM_DROP_H
#define ZTK_SIM_DROP_H

typedef enum ztk_drop {
  ZTK_DROP_NONE = 0, /* not dropped */
  /* on a link direction */
  ZTK_DROP_DOWN,   /* the link direction is down */
  ZTK_DROP_MTU,    /* IP packet larger than the link MTU */
  ZTK_DROP_QUEUE,  /* drop-tail: the bandwidth stage's queue is full */
  ZTK_DROP_LOSS,   /* uniform random loss */
  ZTK_DROP_BURST,  /* Gilbert-Elliott (bursty) loss */
  ZTK_DROP_FILTER, /* a custom stage refused it */
  /* in the fabric */
  ZTK_DROP_TTL,         /* TTL / hop limit exhausted at a router */
  ZTK_DROP_NOROUTE,     /* no element owns the destination, or no path to it */
  ZTK_DROP_PARTITION,   /* origin and the element reached are partitioned */
  ZTK_DROP_NAT_NOMAP,   /* inbound to a NAT port with no live mapping */
  ZTK_DROP_NAT_FILTER,  /* inbound refused by the NAT's filtering rule */
  ZTK_DROP_NAT_HAIRPIN, /* inside host to its own NAT's public address, hairpinning off */
  ZTK_DROP_NAT_FULL,    /* the NAT's mapping table or port range is exhausted */
  ZTK_DROP_FABRIC,      /* too many datagrams in flight in the whole fabric */
  /* at the receiving host */
  ZTK_DROP_NOSOCK, /* nothing bound to the destination address and port */
  ZTK_DROP_INBOX,  /* the receiving socket's inbox is full */
  ZTK_DROP_COUNT
} ztk_drop;

/* Reasons a link direction can produce: ZTK_DROP_DOWN .. ZTK_DROP_FILTER. */
#define ZTK_DROP_LINK_FIRST ZTK_DROP_DOWN
#define ZTK_DROP_LINK_COUNT (ZTK_DROP_FILTER - ZTK_DROP_DOWN + 1)

/* A short lower-case name ("loss", "nat-filter"); "?" for values out of range. */
const char *ztk_drop_name(int reason);

#endif
