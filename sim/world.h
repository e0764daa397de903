/* The simulator's world layer: the state behind include/ztkit/sim.h, shared by its modules
 * (world.c: lifecycle, underlay and hosts; world_node.c: nodes, their callbacks and
 * scheduling; world_fault.c: timed faults; world_query.c: status, counters, events, trace;
 * world_store.c: the hosts' state stores; sodium_rng.c: libsodium's randomness).
 *
 * Scheduling: each running host has at most one "tick" event (its node's next deadline,
 * converted from the host's local clock to virtual time) and one "inbox" event (scheduled when
 * the sim transport lands a datagram, draining the inbox into the node). Everything runs on the
 * fabric's event queue in (time, seq) order.
 *
 * Extension points (docs/SIM.md): a host's `ext` carries a frame_out sink (virtual networks:
 * lwIP or a core-only responder) and an extra tick run after the node's own in the same event,
 * whose deadline joins the node's.
 *
 * Internal header: not a stable API. */
#ifndef ZTK_SIM_WORLD_H
#define ZTK_SIM_WORLD_H

#include <stdio.h>

#include "core/world/world.h"
#include "sim/hmap.h"
#include "sim/idpool.h"
#include "sim/net.h"
#include "sim/topo.h"
#include "transport/transport.h"
#include "ztkit/sim.h"

#define ZTK_SIM_STORE_MAX_ENTRIES 65536u
#define ZTK_SIM_STORE_MAX_BYTES (64u << 20)
#define ZTK_SIM_MAX_SITES 4096u
#define ZTK_SIM_SITE_MAX_HOSTS 250u
#define ZTK_SIM_MAX_PCAPS 8u
#define ZTK_SIM_INBOX_BATCH 4096 /* datagrams one inbox event hands to the node at most */

/* One stored object of a host's state store. */
typedef struct ztk_sim_obj {
  uint32_t type;
  uint64_t id0, id1;
  uint8_t *data; /* owned */
  uint32_t len;
} ztk_sim_obj;

/* A host's persistent state (survives crash and restart, cleared by a wipe). Bounded in
 * entries and bytes; lookups through a deterministic hash index. */
typedef struct ztk_sim_store {
  ztk_sim_obj *objs;
  uint32_t n, cap;
  size_t bytes;
  ztk_hmap idx;
} ztk_sim_store;

struct ztk_sim_host;

/* Per-host extension hooks (all OPTIONAL). */
typedef struct ztk_sim_host_ext {
  void *ctx;
  /* Frames the node emits for the host's virtual interface (node.h frame_out). */
  void (*frame_out)(void *ctx, struct ztk_sim_host *h, ztk_nwid nwid, uint64_t src_mac,
                    uint64_t dst_mac, uint16_t ethertype, uint16_t vlan_id, const void *data,
                    size_t len);
  /* Runs after the node's tick with the host's local time; returns its next local deadline
   * (ZTK_NEVER: none). */
  int64_t (*tick)(void *ctx, struct ztk_sim_host *h, int64_t local_ms);
} ztk_sim_host_ext;

typedef struct ztk_sim_host {
  ztk_sim *s;
  uint32_t idx;
  ztk_sim_role role;
  uint32_t elem, link, site;
  ztk_inaddr ip; /* with port ZTK_SIM_PORT */
  int64_t identity, address_of;
  uint32_t inbox;
  ztk_address address; /* the node's ZeroTier address */
  ztk_node *node;     /* NULL while crashed or before start */
  ztk_transport *tp;  /* open while the node runs */
  int sock;
  ztk_rng rng;        /* the node's randomness (re-derived on every start) */
  ztk_evh tick_ev, inbox_ev, start_ev;
  int64_t tick_at_us;
  uint32_t restarts;
  ztk_sim_store store;
  ztk_sim_host_ext ext;
} ztk_sim_host;

struct ztk_sim {
  ztk_sim_config cfg;
  ztk_rng_root root;
  ztk_evq *q;
  ztk_net *net;
  ztk_trace *trace;
  FILE *trace_file;
  ztk_pcap *pcaps[ZTK_SIM_MAX_PCAPS];
  uint32_t npcaps;
  /* identities */
  ztk_idpool *pool;
  ztk_hmap pool_idx;   /* address -> record */
  uint8_t *pool_pub;   /* derived public keys, 64 bytes per record, filled on demand */
  uint8_t *pool_have;  /* 1 once pool_pub[i] is derived */
  int64_t next_identity;
  /* hosts and sites */
  ztk_sim_host **hosts;
  uint32_t nhosts, hosts_cap;
  ztk_topo_site *sites;
  uint32_t nsites;
  uint32_t *site_hosts; /* hosts per site */
  uint32_t next_net24;  /* public /24s handed out */
  /* planet */
  bool started;
  uint8_t planet[ZTK_WORLD_MAX_LEN];
  size_t planet_len;
  /* undrained events: a ring */
  ztk_sim_event *ev;
  uint32_t ev_head, ev_count, ev_cap;
  uint64_t ev_lost;
  uint8_t rxbuf[65536];
};

/* ---- world.c ---- */
int64_t ztk_sim_us(const ztk_sim *s, int64_t at_ms); /* at_ms -> virtual us, now if past */
ztk_sim_host *ztk_sim_host_get(const ztk_sim *s, uint32_t host); /* NULL if out of range */
void ztk_sim_link_params_conv(const ztk_sim_link_params *in, ztk_link_params *out);
bool ztk_sim_params_ok(const ztk_sim_link_params *p); /* probabilities in [0, 1], times >= 0 */

/* ---- world_node.c ---- */
/* Creates the host's transport and node now. Returns 0 or an error. */
int ztk_sim_node_start(ztk_sim_host *h);
/* Frees the node and closes its transport (no-op when not running). */
void ztk_sim_node_stop(ztk_sim_host *h);
/* Re-schedules the host's tick for local deadline deadline_ms. */
void ztk_sim_node_schedule(ztk_sim_host *h, int64_t deadline_ms);
/* Fills the pool's public key of record i (derived once). */
const uint8_t *ztk_sim_pool_pub(ztk_sim *s, size_t i);
/* The identity (with private key) host h starts with. */
void ztk_sim_host_identity(const ztk_sim_host *h, ztk_identity *id);
/* Records an event (ring + trace). */
void ztk_sim_record(ztk_sim *s, uint32_t host, const ztk_event *ev, int type);
/* Sets a host's extension hooks (ext NULL: none). Returns 0 or ZTK_EINVAL. */
int ztk_sim_set_host_ext(ztk_sim *s, uint32_t host, const ztk_sim_host_ext *ext);

/* ---- world_store.c ---- */
void ztk_sim_store_init(ztk_sim_store *st);
void ztk_sim_store_clear(ztk_sim_store *st);
/* Stores (data non-NULL) or deletes an object. Returns 0 or ZTK_ELIMIT / ZTK_ENOMEM. */
int ztk_sim_store_put(ztk_sim_store *st, uint32_t type, const uint64_t id[2], const void *data,
                      size_t len);
/* Copies an object into buf. Returns its length, ZTK_ENOTFOUND or ZTK_ENOSPACE. */
long ztk_sim_store_get(const ztk_sim_store *st, uint32_t type, const uint64_t id[2], void *buf,
                       size_t cap);

/* ---- sodium_rng.c: the process-wide libsodium hook ---- */
/* Points libsodium's randombytes at a copy of stream (installing the hook for the first live
 * world). */
void ztk_sim_sodium_acquire(const ztk_rng *stream);
/* One world fewer; the last one puts the system implementation back. */
void ztk_sim_sodium_release(void);

#endif
