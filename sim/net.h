/* The simulated underlay network (the fabric): everything below the ZeroTier nodes.
 *
 * Elements are hosts (endpoints with IP addresses, where datagrams are sent and delivered),
 * routers (forward, decrement TTL), switches (forward, leave TTL alone: a site LAN) and NAT
 * boxes (translate IPv4 between an inside realm and the realm outside them). Links join two
 * elements; each direction is a ztk_linkdir (a chain of stages). Ids are dense and given in
 * creation order; every iteration runs in id order.
 *
 * Addressing: IPv4 addresses live in realms. Realm 0 is the public Internet; every NAT box
 * creates one inside realm, so sites may reuse the same private addresses, and NATs may sit
 * behind NATs (carrier-grade NAT). A datagram travels in segments: the fabric finds the element
 * owning the destination in the datagram's current realm (or, failing that, the realm's NAT
 * gateway) and routes to it; a NAT rewrites the datagram and starts the next segment in the other
 * realm. IPv6 addresses are all public (realm 0) and cross NAT boxes untouched, as routers.
 *
 * Routing is by hop count over the topology, computed lazily per destination and cached until
 * the topology changes. Ties break the same way every time: at each hop the datagram takes the
 * lowest-id link among those leading one hop closer to its destination. Only routers, switches
 * and NAT boxes carry transit traffic; hosts never forward. Down links stay in the topology
 * (their datagrams are dropped with reason "down"), so a route never silently changes under a
 * scenario.
 *
 * Time: every action happens at the event queue's current time. Sending computes the first
 * link's stages at once and schedules the arrival at the far end; each hop is one event.
 *
 * Internal header: not a stable API (the flat ztk_sim_* API will sit on top of it).
 */
#ifndef ZTK_SIM_NET_H
#define ZTK_SIM_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/util/inaddr.h"
#include "sim/clock.h"
#include "sim/drop.h"
#include "sim/evq.h"
#include "sim/link.h"
#include "sim/nat.h"
#include "sim/partition.h"
#include "sim/pcap.h"
#include "sim/rng.h"
#include "sim/trace.h"

typedef struct ztk_net ztk_net;

typedef enum ztk_elem_kind {
  ZTK_ELEM_HOST = 1,
  ZTK_ELEM_ROUTER,
  ZTK_ELEM_SWITCH,
  ZTK_ELEM_NAT,
} ztk_elem_kind;

#define ZTK_NET_NONE UINT32_MAX /* "no element / link"; as a capture point: the wire view */
#define ZTK_NET_PUBLIC 0u       /* the public realm */
#define ZTK_NET_DEFAULT_TTL 64
#define ZTK_NET_MAX_ADDRS 8       /* addresses per host */
#define ZTK_NET_MAX_PAYLOAD 65507 /* largest UDP payload in one IPv4 packet */
#define ZTK_NET_MAX_CAPTURES 32
#define ZTK_NET_MAX_HOPS 255 /* loop guard, independent of TTL */

typedef struct ztk_net_config {
  uint32_t max_elements; /* 0 = 1 << 20 */
  uint32_t max_links;    /* 0 = 1 << 21 */
  uint32_t max_inflight; /* datagrams in flight at once; 0 = 1 << 20 */
} ztk_net_config;

/* Per-host counters. dropped[] counts datagrams this host sent that were dropped anywhere
 * (by reason), so over all hosts: sent + duplicated == received + dropped + in flight. A send
 * refused for lack of room in the fabric counts as sent and dropped (ZTK_DROP_FABRIC). */
typedef struct ztk_host_counters {
  uint64_t sent, bytes_sent;         /* datagrams / payload bytes this host sent */
  uint64_t received, bytes_received; /* datagrams / payload bytes delivered to this host */
  uint64_t dropped[ZTK_DROP_COUNT];  /* of this host's datagrams, by reason */
  uint64_t duplicated;               /* duplicates made of this host's datagrams */
} ztk_host_counters;

/* A datagram handed to a host's receive callback. */
typedef struct ztk_net_dgram {
  uint64_t id;         /* the fabric's datagram number (duplicates get their own) */
  ztk_inaddr src, dst; /* as seen by the receiver (after any NAT) */
  const uint8_t *data; /* valid during the callback only */
  uint32_t len;
  uint8_t ttl;   /* remaining TTL on arrival */
  uint8_t flags; /* ZTK_FLIGHT_CORRUPTED / _COPY / ... accumulated on the way */
} ztk_net_dgram;

/* A host's receive callback: returns ZTK_DROP_NONE if it took the datagram, or the reason it
 * refused it (ZTK_DROP_NOSOCK, ZTK_DROP_INBOX), which the fabric counts and traces. It may send
 * datagrams and schedule events. */
typedef int (*ztk_net_rx_fn)(void *ctx, uint32_t host, const ztk_net_dgram *d);

/* Creates an empty fabric on event queue q; link and NAT streams derive from root (labels
 * "link:<id>/<dir>", "nat:<id>"). cfg may be NULL. Returns 0 or ZTK_ENOMEM / ZTK_EINVAL. */
int ztk_net_new(ztk_net **out, ztk_evq *q, const ztk_rng_root *root, const ztk_net_config *cfg);

/* Frees the fabric: cancels its pending events and frees datagrams still in flight. Traces and
 * pcap writers attached stay the caller's. */
void ztk_net_del(ztk_net *n);

ztk_evq *ztk_net_evq(const ztk_net *n);

/* ---- elements ---------------------------------------------------------------------------- */

/* Adds a host in `realm` (ZTK_NET_PUBLIC or a NAT's inside realm). Returns its id (>= 0) or
 * one of: ZTK_EINVAL (no such realm), ZTK_ELIMIT, ZTK_ENOMEM. */
int ztk_net_add_host(ztk_net *n, uint32_t realm);
/* Adds a router (decrements TTL) or a switch (does not). Returns the id or ZTK_ELIMIT /
 * ZTK_ENOMEM. */
int ztk_net_add_router(ztk_net *n);
int ztk_net_add_switch(ztk_net *n);

/* Adds a NAT box whose public IPv4 address public_ip lives in outside_realm, and creates its
 * inside realm (ztk_net_nat_realm). Returns the id or one of: ZTK_EINVAL (bad realm, address
 * or config), ZTK_EEXIST (address taken in that realm), ZTK_ELIMIT, ZTK_ENOMEM. */
int ztk_net_add_nat(ztk_net *n, uint32_t outside_realm, const ztk_inaddr *public_ip,
                    const ztk_nat_config *cfg);

/* The inside realm of NAT element e, or ZTK_EINVAL (as a negative int). */
int64_t ztk_net_nat_realm(const ztk_net *n, uint32_t e);
/* The NAT state of element e, or NULL. */
ztk_nat *ztk_net_nat(const ztk_net *n, uint32_t e);

/* Gives host e address ip (its port is ignored). IPv4 addresses belong to the host's realm,
 * IPv6 addresses to the public realm. Returns 0 or one of: ZTK_EINVAL (not a host, nil
 * address), ZTK_EEXIST (taken in that realm), ZTK_ELIMIT (ZTK_NET_MAX_ADDRS), ZTK_ENOMEM. */
int ztk_net_add_addr(ztk_net *n, uint32_t e, const ztk_inaddr *ip);

/* Address i (0-based, in the order added) of element e (a NAT's only address is its public
 * one). Returns 0 or ZTK_ENOTFOUND. */
int ztk_net_addr(const ztk_net *n, uint32_t e, uint32_t i, ztk_inaddr *out);

/* The element owning ip in realm (IPv6: the public realm), or ZTK_ENOTFOUND. */
int ztk_net_find_addr(const ztk_net *n, uint32_t realm, const ztk_inaddr *ip);

uint32_t ztk_net_elements(const ztk_net *n);
/* Kind of element e (0 if none). */
ztk_elem_kind ztk_net_kind(const ztk_net *n, uint32_t e);
/* Realm of a host, or the outside realm of a NAT (0 for routers and switches). */
uint32_t ztk_net_realm(const ztk_net *n, uint32_t e);

/* ---- links ------------------------------------------------------------------------------- */

/* Links a and b. ab describes a -> b (direction 0), ba describes b -> a (direction 1; NULL:
 * the same as ab). NULL ab: a perfect, instant link. Returns the link id or one of: ZTK_EINVAL
 * (unknown or equal elements), ZTK_ELIMIT, ZTK_ENOMEM. */
int ztk_net_link(ztk_net *n, uint32_t a, uint32_t b, const ztk_link_params *ab,
                 const ztk_link_params *ba);

uint32_t ztk_net_links(const ztk_net *n);
/* The lowest-id link joining a and b, or ZTK_ENOTFOUND. */
int64_t ztk_net_find_link(const ztk_net *n, uint32_t a, uint32_t b);
/* The two ends of a link. Returns 0 or ZTK_ENOTFOUND. */
int ztk_net_link_ends(const ztk_net *n, uint32_t link, uint32_t *a, uint32_t *b);
/* Direction `dir` (0 or 1) of a link, for counters, stage changes and up/down, or NULL. */
ztk_linkdir *ztk_net_linkdir(ztk_net *n, uint32_t link, int dir);
/* Replaces a direction's parameters (dir -1: both). Returns 0 or ZTK_ENOTFOUND / ZTK_ENOMEM. */
int ztk_net_link_set(ztk_net *n, uint32_t link, int dir, const ztk_link_params *p);

/* ---- hosts ------------------------------------------------------------------------------- */

/* Sets host e's receive callback (NULL: datagrams are dropped as ZTK_DROP_NOSOCK). Returns 0 or
 * ZTK_EINVAL. */
int ztk_net_set_rx(ztk_net *n, uint32_t e, ztk_net_rx_fn fn, void *ctx);

/* Sends a UDP datagram from host e, source src (an address of e, nonzero port) to dst (same
 * family, nonzero port) with the given TTL (0: ZTK_NET_DEFAULT_TTL). Returns 0 once the datagram
 * is in the fabric (it may still be dropped on the way: see the counters), or one of:
 * ZTK_EINVAL (not a host, src not its address, family mismatch, port 0), ZTK_ERANGE (len over
 * ZTK_NET_MAX_PAYLOAD), ZTK_EAGAIN (too many datagrams in flight), ZTK_ENOMEM. */
int ztk_net_send(ztk_net *n, uint32_t e, const ztk_inaddr *src, const ztk_inaddr *dst, int ttl,
                 const void *data, size_t len);

/* Host e's receive callback and its ctx (both NULL when none is set). Returns 0 or
 * ZTK_EINVAL. */
int ztk_net_get_rx(const ztk_net *n, uint32_t e, ztk_net_rx_fn *fn, void **ctx);

const ztk_host_counters *ztk_net_host_counters(const ztk_net *n, uint32_t e);

/* Host e's clock (NULL if e is not a host): skew, drift and steps (sim/clock.h). */
ztk_hostclock *ztk_net_clock(ztk_net *n, uint32_t e);
/* Host e's local time in milliseconds now. */
int64_t ztk_net_local_ms(const ztk_net *n, uint32_t e);

/* ---- partitions -------------------------------------------------------------------------- */

/* The fabric's groups and cuts (sim/partition.h); changes apply at once. */
ztk_partition *ztk_net_partition(ztk_net *n);
/* Adds element e to / removes it from group g. Returns 0 or ZTK_EINVAL. */
int ztk_net_group_add(ztk_net *n, int g, uint32_t e);
int ztk_net_group_remove(ztk_net *n, int g, uint32_t e);

/* ---- timed changes ----------------------------------------------------------------------- */

typedef enum ztk_net_op_kind {
  ZTK_NET_OP_LINK_UP = 1, /* link a, direction dir (-1 both) */
  ZTK_NET_OP_LINK_DOWN,
  ZTK_NET_OP_CUT, /* groups a -> b (both: and b -> a) */
  ZTK_NET_OP_HEAL,
  ZTK_NET_OP_ISOLATE, /* group a; dir bit 1 = out, bit 2 = in (0 lifts) */
  ZTK_NET_OP_HEAL_ALL,
  ZTK_NET_OP_CLOCK_STEP,  /* host a: step by value us */
  ZTK_NET_OP_CLOCK_DRIFT, /* host a: drift value ppb */
} ztk_net_op_kind;

typedef struct ztk_net_op {
  ztk_net_op_kind kind;
  uint32_t a, b;
  int dir;
  bool both;
  int64_t value;
} ztk_net_op;

/* Applies a change now (and traces it). Returns 0 or one of: ZTK_EINVAL, ZTK_ENOTFOUND,
 * ZTK_ERANGE (as the underlying call). */
int ztk_net_apply(ztk_net *n, const ztk_net_op *op);
/* Applies a change at virtual time at_us (a scheduled partition, link flap, clock step). The
 * op is checked when it runs (and traced, also if it fails). Returns 0 or as ztk_evq_at. */
int ztk_net_schedule(ztk_net *n, int64_t at_us, const ztk_net_op *op);

/* ---- routing ----------------------------------------------------------------------------- */

/* The link element `from` uses toward element `to` (from != to). Returns the link id, or
 * ZTK_ENOTFOUND (no path), ZTK_EINVAL, ZTK_ENOMEM. */
int64_t ztk_net_next_link(ztk_net *n, uint32_t from, uint32_t to);

/* The elements on the path from `from` to `to` (both included) into out[max]. Returns the
 * count, or ZTK_ENOTFOUND (no path), ZTK_ENOSPACE (longer than max), ZTK_EINVAL. */
int ztk_net_path(ztk_net *n, uint32_t from, uint32_t to, uint32_t *out, int max);

/* ---- observation ------------------------------------------------------------------------- */

/* Trace every packet event to t (NULL: none). */
void ztk_net_set_trace(ztk_net *n, ztk_trace *t);
ztk_trace *ztk_net_trace(const ztk_net *n);

/* Writes datagrams seen at element e to pcap writer w (an UNDERLAY writer): those e sends or
 * receives (hosts), or those it translates, before and after (NAT boxes). e = ZTK_NET_NONE is
 * the wire view: every datagram once as sent and once more after each NAT rewrite. Returns 0
 * or one of: ZTK_EINVAL, ZTK_ELIMIT (ZTK_NET_MAX_CAPTURES). */
int ztk_net_capture(ztk_net *n, uint32_t e, ztk_pcap *w);

/* Datagrams in flight now, and datagrams ever sent (ids handed out). */
uint32_t ztk_net_inflight(const ztk_net *n);
uint64_t ztk_net_datagrams(const ztk_net *n);

/* Bytes of heap the fabric holds (tables, stages, routes, NAT state, datagrams in flight). */
size_t ztk_net_bytes(const ztk_net *n);

#endif
