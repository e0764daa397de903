/* The fabric's private state, shared by its three parts: net.c (elements, addresses, links,
 * timed changes), route.c (next hops) and fwd.c (the datagram path). Not for other modules. */
#ifndef ZTK_SIM_NET_IMPL_H
#define ZTK_SIM_NET_IMPL_H

#include "sim/hmap.h"
#include "sim/net.h"

#define NONE UINT32_MAX

typedef struct elem {
  uint8_t kind; /* ztk_elem_kind */
  uint8_t naddr;
  uint32_t realm; /* host: its realm; NAT: its outside realm */
  uint32_t aux;   /* host: index in hosts[]; NAT: index in nats[] */
  uint32_t addr;  /* first address (addrs[] chain), NONE if none */
  uint32_t tidx;  /* index among transit elements, NONE for hosts */
  uint32_t row;   /* cached route row toward this element, NONE if not computed */
  uint32_t nlinks, caplinks;
  uint32_t *links; /* link ids in creation (= ascending) order */
  uint64_t groups; /* partition membership */
} elem;

typedef struct host {
  ztk_net_rx_fn rx;
  void *rx_ctx;
  ztk_hostclock clock;
  ztk_host_counters c;
} host;

typedef struct natbox {
  uint32_t elem;
  uint32_t inside_realm;
  ztk_nat *nat;
} natbox;

typedef struct addr_ent {
  ztk_inaddr ip; /* port 0 */
  uint32_t realm, elem, next;
} addr_ent;

typedef struct fab_link {
  uint32_t a, b;
  ztk_linkdir dir[2]; /* 0: a -> b, 1: b -> a */
} fab_link;

typedef struct route_ent {
  uint32_t link; /* next link toward the row's element, NONE if unreachable */
  uint32_t dist; /* hops to it, UINT32_MAX if unreachable */
} route_ent;

typedef struct route_row {
  uint32_t key;    /* the element the row leads to */
  route_ent *ents; /* one per transit element */
} route_row;

/* A datagram in flight. Ids are handed out in send order (duplicates get fresh ones). */
typedef struct pkt {
  uint64_t id;
  uint32_t origin; /* sending host */
  uint32_t target; /* element this segment is routed to */
  uint32_t link;   /* link being crossed, NONE for loopback */
  uint32_t realm;  /* realm the addresses belong to now */
  uint8_t dir, ttl, hops, flags;
  ztk_inaddr src, dst;
  uint32_t len;
  uint8_t data[];
} pkt;

typedef struct capture {
  uint32_t elem;
  ztk_pcap *w;
} capture;

struct ztk_net {
  ztk_evq *q;
  ztk_rng_root root;
  ztk_net_config cfg;
  elem *elems;
  uint32_t nelems, capelems;
  host *hosts;
  uint32_t nhosts, caphosts;
  natbox *nats;
  uint32_t nnats, capnats;
  uint32_t *realms; /* realm -> gateway NAT element (NONE for the public realm) */
  uint32_t nrealms, caprealms;
  addr_ent *addrs;
  uint32_t naddrs, capaddrs;
  ztk_hmap addr_index;
  fab_link *links;
  uint32_t nlinks, caplinks;
  uint32_t *transit; /* transit index -> element */
  uint32_t ntransit, captransit;
  route_row *rows;
  uint32_t nrows, caprows;
  uint32_t *bfs; /* scratch queue, ntransit long */
  ztk_partition part;
  ztk_trace *trace;
  capture caps[ZTK_NET_MAX_CAPTURES];
  uint32_t ncaps;
  uint64_t next_id;
  uint32_t inflight;
  size_t inflight_bytes;
};

/* Grows *items (element size `size`, capacity *cap) to hold need items, at most max. Returns 0
 * or ZTK_ELIMIT / ZTK_ENOMEM. (net.c) */
int ztk_net_reserve(void **items, uint32_t *cap, size_t size, uint32_t need, uint32_t max);

/* The other end of link l from element e. */
static inline uint32_t ztk_net_other(const ztk_net *n, uint32_t l, uint32_t e)
{
  return n->links[l].a == e ? n->links[l].b : n->links[l].a;
}

static inline bool ztk_net_is_transit(const ztk_net *n, uint32_t e)
{
  return n->elems[e].tidx != NONE;
}

/* Drops every cached route row (topology changed). (route.c) */
void ztk_route_invalidate(ztk_net *n);
/* Next link from x toward d, NONE if no path; *err gets ZTK_ENOMEM on allocation failure.
 * (route.c) */
uint32_t ztk_route_next(ztk_net *n, uint32_t x, uint32_t d, int *err);
size_t ztk_route_bytes(const ztk_net *n);

/* Frees a datagram still in flight (teardown). (fwd.c) */
void ztk_fwd_free(ztk_net *n, pkt *p);
/* The arrival event, so teardown can recognise it. (fwd.c) */
void ztk_fwd_arrive(ztk_evq *q, void *ctx, void *arg);

#endif
