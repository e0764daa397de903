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
 * Virtual networks (world_net.c: joins, frames between nodes and interfaces, counters,
 * captures; world_ctl.c: the embedded controller and its API; world_stack.c: lwIP for stack
 * hosts; world_sock.c: sockets; world_ping.c: pings). Frames a node hands to a stack host's
 * interface are queued and fed to lwIP by the host's "work" event at the same virtual time, so
 * lwIP never runs inside a node callback; lwIP's own timers are one world "stack" event at
 * lwIP's next deadline. lwIP sees the world's virtual time in ms (one clock for every stack
 * host: it is process-global), nodes their hosts' local clocks.
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
#define ZTK_SIM_MAX_NET_PCAPS 32u
#define ZTK_SIM_HOST_NET_RECORDS 256u /* networks a host ever joined (counters kept) */
#define ZTK_SIM_MAX_SOCKETS 65536u
#define ZTK_SIM_MAX_PINGS (1u << 20)
#define ZTK_SIM_STACK_QUEUE 4096u     /* frames waiting for a stack host's lwIP */
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

struct ztk_sim_hstack;
struct ztk_sim_pinger;

/* A host's record of one network it joined (kept after a leave, for its counters). */
typedef struct ztk_sim_hnet {
  uint64_t nwid;
  bool joined; /* in the host's list of networks */
  ztk_sim_net_counters c;
} ztk_sim_hnet;

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
  /* virtual networks */
  bool controller, stack;
  int responder; /* resolved: 0 or 1 */
  uint16_t udp_echo_port;
  ztk_sim_hnet *nets; /* ZTK_SIM_HOST_NET_RECORDS entries, allocated on the first join */
  uint32_t nnets;
  struct ztk_sim_hstack *st;   /* lwIP of a running stack host, else NULL */
  struct ztk_sim_pinger *pg;   /* core-only pings: ARP cache and pending echoes */
  ztk_evh work_ev;             /* feeds queued frames to lwIP / sends resolved pings */
} ztk_sim_host;

typedef struct ztk_sim_net_pcap {
  uint32_t host; /* ZTK_SIM_NONE: every host */
  uint64_t nwid;
  ztk_pcap *w;
} ztk_sim_net_pcap;

struct ztk_sim_sockrec;
struct ztk_sim_pingrec;

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
  bool halted;
  /* virtual networks: lwIP, sockets, pings, the frame log and network captures */
  bool stack_held;        /* this world holds the process's lwIP (ztk_stack_claim) */
  ztk_rng stack_rng;      /* LWIP_RAND */
  ztk_evh stack_ev;       /* lwIP's next deadline */
  int64_t stack_at_us;
  uint32_t stack_netifs;  /* (stack host, network) pairs in the hosts' network lists */
  struct ztk_sim_sockrec *socks; /* an array of record pointers (world_sock.c) */
  uint32_t nsocks, socks_cap;
  struct ztk_sim_sockrec *pq_head, *pq_tail; /* sockets waiting for their pump */
  bool pumping;
  struct ztk_sim_pingrec *pings;
  uint32_t npings, pings_cap;
  ztk_sim_frame *frames;
  uint32_t fr_head, fr_count, fr_cap;
  uint64_t fr_lost;
  ztk_sim_net_pcap netcaps[ZTK_SIM_MAX_NET_PCAPS];
  uint32_t nnetcaps;
  uint8_t ethbuf[16384]; /* a captured frame with its Ethernet header */
  uint8_t sockbuf[65536]; /* socket reads and pattern writes */
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
/* The host's local time (its node's clock). */
int64_t ztk_sim_local_ms(const ztk_sim_host *h);

/* ---- world_net.c ---- */
/* After the node is created: the controller, the networks to join, responders, the stack.
 * Returns 0 or an error (the node is then stopped by the caller). */
int ztk_sim_net_start(ztk_sim_host *h);
/* Before the node is freed: the stack and pings go. */
void ztk_sim_net_stop(ztk_sim_host *h);
/* The node's frame_out and event callbacks, for the virtual-network side. */
void ztk_sim_net_frame_in(ztk_sim_host *h, uint64_t nwid, uint64_t src, uint64_t dst,
                          uint16_t ethertype, const void *data, size_t len);
void ztk_sim_net_event(ztk_sim_host *h, const ztk_event *ev);
/* A frame from the host's interface to its node (lwIP or a synthesized one): counted, logged,
 * captured, handed to ztk_node_frame_in. Returns the node's result. */
int ztk_sim_net_frame_out(ztk_sim_host *h, uint64_t nwid, uint64_t src, uint64_t dst,
                          uint16_t ethertype, const void *data, size_t len);
/* The host's record of nwid (created when create is set and there is room), or NULL. */
ztk_sim_hnet *ztk_sim_hnet_get(ztk_sim_host *h, uint64_t nwid, bool create);
/* Frees a host's network records (the world is being freed). */
void ztk_sim_net_free(ztk_sim_host *h);
/* A wipe: the host forgets its networks. */
void ztk_sim_net_forget(ztk_sim_host *h);
/* Applies a scheduled join (on true) or leave now. */
void ztk_sim_net_apply(ztk_sim_host *h, uint64_t nwid, bool on);
/* Puts the host's networks (its options) in its list before its first start. Returns 0 or
 * ZTK_EINVAL (nwid 0), ZTK_ELIMIT, ZTK_ENOMEM. */
int ztk_sim_host_networks_init(ztk_sim_host *h, const uint64_t *ids, uint32_t n);
/* Schedules the host's work event at the current instant (no-op if one is pending). */
void ztk_sim_work_soon(ztk_sim_host *h);

/* ---- world_ctl.c ---- */
/* Turns the controller on in a freshly created node. Returns 0 or an error. */
int ztk_sim_ctl_start(ztk_sim_host *h);

/* ---- world_stack.c ---- */
/* Gives a stack host its lwIP host and interfaces (claiming lwIP for the world first). Returns
 * 0 or ZTK_ESTATE (another world holds lwIP) / ZTK_ENOMEM. */
int ztk_sim_stack_start(ztk_sim_host *h);
/* Frees them (its sockets die). */
void ztk_sim_stack_stop(ztk_sim_host *h);
/* Queues a frame for lwIP (the node's frame_out). */
void ztk_sim_stack_queue(ztk_sim_host *h, uint64_t nwid, uint64_t src, uint64_t dst,
                         uint16_t ethertype, const void *data, size_t len);
/* Asks for the host's interfaces to follow its node's networks at its next work event. */
void ztk_sim_stack_sync_soon(ztk_sim_host *h);
/* The host's work: a pending interface sync, then the queued frames. */
void ztk_sim_stack_work(ztk_sim_host *h);
/* Before a call into lwIP at the current virtual time: sets lwIP's time. After it: re-arms
 * the world's stack event at lwIP's next deadline. */
void ztk_sim_stack_enter(ztk_sim *s);
void ztk_sim_stack_leave(ztk_sim *s);
/* Gives lwIP back (the world is freed or halted). */
void ztk_sim_stack_release(ztk_sim *s);
/* lwIP netifs host h has on nwid. */
int ztk_sim_stack_netifs(const ztk_sim_host *h, uint64_t nwid);
/* The host's lwIP host (NULL unless a running stack host). */
struct ztk_stack_host *ztk_sim_stack_host(const ztk_sim_host *h);
/* The host's ping socket of a family (created on first use), or NULL with *err set. */
struct ztk_sock *ztk_sim_stack_ping_sock(ztk_sim_host *h, int family, int *err);

/* ---- world_sock.c ---- */
/* Marks every socket of host h dead (its stack host is going away). */
void ztk_sim_sock_host_down(ztk_sim *s, uint32_t host);
void ztk_sim_sock_free_all(ztk_sim *s);

/* ---- world_ping.c ---- */
/* A stack host's ping socket got replies; a core-only host received a frame; its work event
 * runs (sends echoes whose ARP answer came in). */
void ztk_sim_ping_sock_ready(ztk_sim_host *h, struct ztk_sock *sock);
void ztk_sim_ping_frame(ztk_sim_host *h, uint64_t nwid, uint64_t src, uint64_t dst,
                        uint16_t ethertype, const uint8_t *data, size_t len);
void ztk_sim_ping_work(ztk_sim_host *h);
void ztk_sim_ping_stop(ztk_sim_host *h);
void ztk_sim_ping_free_all(ztk_sim *s);

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
