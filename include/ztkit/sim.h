/* The ztkit simulator's flat C API: a deterministic world of ZeroTier nodes on a simulated
 * underlay, all in one process and driven by virtual time. The Python package `ztkit`
 * (scenarios/) wraps it with ctypes; C programs (benchmarks, tests) may use it directly.
 *
 * A world grows from one 64-bit seed: every link, NAT, node and libsodium randomness comes
 * from streams derived from it, so the same seed and the same calls give a byte-identical
 * trace (one line per packet and node event) on any machine. See docs/SIM.md.
 *
 * Model: the underlay has elements (routers, NAT sites' switches, hosts) joined by links.
 * Element 0 is the "internet core" router every world starts with. A host is one ZeroTier
 * node (a root or a member) on its own fabric host with its own public /24 (or a private
 * address behind a site's NAT), its own clock (skew, drift, steps), its own random stream and
 * an in-memory state store that survives a crash (or is wiped on request). Hosts are numbered
 * 0, 1, ... in creation order. Nodes start at the first run (roots first make the planet), or
 * when added after that.
 *
 * Times in this API are virtual milliseconds since the start of the run (the hosts see their
 * own local clocks). Every function checks its arguments: a bad handle, index or value returns
 * ZTK_EINVAL (or another negative ZTK_E* code), never crashes. One thread at a time per world.
 *
 * Process-wide note: creating a world redirects libsodium's randombytes (with
 * randombytes_set_implementation) to a deterministic stream of the newest world; the system
 * implementation is put back when the last world is freed. Do not use a world next to real
 * cryptography in the same process. lwIP is process-global too: the world whose stack hosts
 * start first holds it (restarted afresh, ztk_stack_claim) until it is freed or halted; stack
 * hosts of another world fail to start meanwhile (ZTK_ESTATE). */
#ifndef ZTKIT_SIM_H
#define ZTKIT_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ztkit/error.h"
#include "ztkit/export.h"
#include "ztkit/node.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ztk_sim ztk_sim;

#define ZTK_SIM_CORE 0u        /* the core router's element id */
#define ZTK_SIM_NONE UINT32_MAX /* "no element / site / host"; as pcap host: the wire view */
#define ZTK_SIM_NOW INT64_C(-1) /* as `at_ms`: apply at the current instant */
#define ZTK_SIM_PORT 9993
#define ZTK_SIM_MAX_ROOTS 4
#define ZTK_SIM_EVENT_DATA 256 /* USER_MESSAGE bytes kept per event */
#define ZTK_SIM_HASH_HEX 65

typedef struct ztk_sim_config {
  uint64_t seed;
  const char *pool_path;     /* identity pool file (sim/idpool.h format). REQUIRED */
  int64_t epoch_ms;          /* local clocks start here (default 1700000000000) */
  uint32_t max_hosts;        /* default 65536 */
  uint32_t events_max;       /* undrained events kept, oldest dropped first (default 65536) */
  size_t trace_retain_bytes; /* trace kept in memory for divergence reports (default 0) */
  int64_t peer_activity_timeout_ms; /* the nodes' online window (0: the node's default) */
  int64_t start_spread_ms;   /* members' nodes start at a seeded time in [0, spread) after the
                                world starts, as real hosts boot (0: all at once, default) */
  bool trace_packets;        /* packet events in the trace (default true) */
  bool node_trace;           /* the nodes' diagnostic TRACE events in the trace (default false) */
} ztk_sim_config;

/* Fills cfg with the defaults. */
ZTK_API void ztk_sim_config_init(ztk_sim_config *cfg);

/* Creates a world. Returns 0 or one of: ZTK_EINVAL (NULL argument, no pool), ZTK_EIO /
 * ZTK_EFORMAT (pool unreadable or malformed), ZTK_ENOMEM. */
ZTK_API int ztk_sim_new(ztk_sim **out, const ztk_sim_config *cfg);
/* Frees the world, its nodes and everything it owns. NULL is allowed. */
ZTK_API void ztk_sim_free(ztk_sim *s);
/* Stops every node and stack of the world without tracing it, and gives the process's lwIP
 * back; the world can then only be read (trace, counters, events, socket records), not run
 * (ZTK_ESTATE). For a world kept next to its replay (determinism checks). Returns 0 or
 * ZTK_EINVAL. */
ZTK_API int ztk_sim_halt(ztk_sim *s);
ZTK_API uint64_t ztk_sim_seed(const ztk_sim *s);

/* ---- underlay ----------------------------------------------------------------------------- */

typedef struct ztk_sim_link_params {
  int64_t latency_us; /* one-way constant delay */
  int64_t jitter_us;  /* extra uniform delay in [0, jitter_us] that never reorders */
  double loss;        /* uniform loss probability */
  double dup;         /* duplication probability */
  double reorder;     /* probability of being held back by reorder_us */
  int64_t reorder_us;
  uint64_t rate_bps;    /* bandwidth, 0 = unlimited */
  uint32_t queue_bytes; /* drop-tail queue of the bandwidth stage (0 = default) */
  uint32_t mtu;         /* 0 = no limit */
} ztk_sim_link_params;

typedef enum ztk_sim_nat_type {
  ZTK_SIM_NAT_FULL_CONE = 1,
  ZTK_SIM_NAT_RESTRICTED = 2,      /* address-restricted cone */
  ZTK_SIM_NAT_PORT_RESTRICTED = 3, /* port-restricted cone */
  ZTK_SIM_NAT_SYMMETRIC = 4,
} ztk_sim_nat_type;

/* Adds a router. Returns its element id (>= 0) or ZTK_ELIMIT / ZTK_ENOMEM / ZTK_EINVAL. */
ZTK_API int ztk_sim_router(ztk_sim *s);

/* Links two routers or switches (elements; hosts get their links from ztk_sim_add_host). ab:
 * a -> b, ba: b -> a (NULL: as ab; both NULL: perfect). Returns the link id (>= 0) or
 * ZTK_EINVAL / ZTK_ELIMIT / ZTK_ENOMEM. */
ZTK_API int ztk_sim_connect(ztk_sim *s, uint32_t a, uint32_t b, const ztk_sim_link_params *ab,
                            const ztk_sim_link_params *ba);

/* Topology helpers. line: n routers in a chain, the first linked to `from`; random: n routers
 * in a connected random graph (seeded from the world) with `extra` more links, the first
 * linked to `from`. Return the first new router's element id (the rest follow it) or an
 * error as ztk_sim_connect. A star is just hosts attached to one router. */
ZTK_API int ztk_sim_line(ztk_sim *s, uint32_t from, uint32_t n, const ztk_sim_link_params *p);
ZTK_API int ztk_sim_random(ztk_sim *s, uint32_t from, uint32_t n, uint32_t extra,
                           const ztk_sim_link_params *p);

/* Adds a NAT site: a gateway of the given type (public address in its own /24, linked to
 * element `uplink` over wan) with a LAN switch behind it. mapping_timeout_ms 0: 60 s. Returns
 * the site id (>= 0) or ZTK_EINVAL / ZTK_ELIMIT / ZTK_ENOMEM. */
ZTK_API int ztk_sim_site(ztk_sim *s, uint32_t uplink, ztk_sim_nat_type type,
                         int64_t mapping_timeout_ms, const ztk_sim_link_params *wan);

/* ---- hosts -------------------------------------------------------------------------------- */

typedef enum ztk_sim_role {
  ZTK_SIM_MEMBER = 0,
  ZTK_SIM_ROOT = 1,       /* listed in the world's planet (at most ZTK_SIM_MAX_ROOTS, added
                             before the first run) */
  ZTK_SIM_CONTROLLER = 2, /* a member running the embedded network controller (its networks'
                             ids start with its address; see ztk_sim_api) */
} ztk_sim_role;

#define ZTK_SIM_AUTO (-1)       /* as ztk_sim_host_opts.responder: decided by the host kind */
#define ZTK_SIM_MAX_NETIFS 250  /* lwIP netifs per process: (stack host, network) pairs */
#define ZTK_SIM_HOST_NETWORKS 64 /* networks one host joins at most (the node's limit) */
#define ZTK_SIM_TEXT 56          /* address text buffers: "10.9.0.12/24", "fd..::1/88" */

/* Host creation options; extensible (new fields are added at the end; zero means default
 * after ztk_sim_host_opts_init). */
typedef struct ztk_sim_host_opts {
  ztk_sim_role role;
  uint32_t attach;                    /* router/switch to link to (default ZTK_SIM_CORE) */
  uint32_t site;                      /* a NAT site id, or ZTK_SIM_NONE (public host) */
  const ztk_sim_link_params *access;  /* the host's own link (NULL: perfect) */
  int64_t clock_offset_ms;            /* skew of the host clock against the others */
  int64_t clock_drift_ppb;
  int64_t identity;   /* pool index, or -1 for the next unused one */
  int64_t address_of; /* -1, or a pool index whose address replaces the identity's own (an
                         address collision: such an identity is not a valid one) */
  uint32_t inbox;     /* datagrams its socket holds before dropping (a receive buffer); 0: 256
                         for members, ZTK_SIM_ROOT_INBOX for roots, which take every member's
                         HELLO at once when a world starts */
  /* ---- virtual networks ---- */
  bool controller;    /* run the embedded network controller (any role; ZTK_SIM_CONTROLLER
                         implies it). Its database lives in the host's state store: a restart
                         with kept state keeps it */
  bool stack;         /* an lwIP stack: one netif per joined network, sockets, ping (at most
                         ZTK_SIM_MAX_NETIFS (host, network) pairs per process; large worlds
                         stay core-only). Otherwise the host is core-only */
  int responder;      /* the node's built-in responder (ARP, NDP, ICMP echo, UDP echo) on its
                         networks: ZTK_SIM_AUTO (default: on for core-only hosts, off for stack
                         hosts), 0 off, 1 on */
  uint16_t udp_echo_port; /* the responder's UDP echo port (default 7; 0: none) */
  const uint64_t *networks; /* networks joined when the host's node first starts (copied) */
  uint32_t network_count;   /* at most ZTK_SIM_HOST_NETWORKS */
} ztk_sim_host_opts;

#define ZTK_SIM_ROOT_INBOX 65536u

ZTK_API void ztk_sim_host_opts_init(ztk_sim_host_opts *o);

/* Adds a host (opts NULL: a public member on the core). Returns its index (>= 0) or one of:
 * ZTK_EINVAL (bad element, site, role, identity index, network list), ZTK_ESTATE (a root after
 * the first run, or a fifth root), ZTK_ELIMIT (max hosts, the pool is used up, or its networks
 * would take the process past ZTK_SIM_MAX_NETIFS stack netifs), ZTK_ENOMEM. */
ZTK_API int ztk_sim_add_host(ztk_sim *s, const ztk_sim_host_opts *opts);

/* Builds the planet and starts every node now (the first run does it too). Returns 0,
 * ZTK_ESTATE (already started, or no root) or a node creation error. */
ZTK_API int ztk_sim_start(ztk_sim *s);

ZTK_API uint32_t ztk_sim_hosts(const ztk_sim *s);

typedef struct ztk_sim_host_info {
  ztk_sim_role role;
  bool running;   /* false after a crash, until restart */
  bool online;    /* the node's own view (false when not running) */
  ztk_address address;
  uint32_t elem;  /* fabric element */
  uint32_t link;  /* its access link */
  uint32_t site;  /* ZTK_SIM_NONE for public hosts */
  int64_t identity; /* pool index of its key pair */
  int peer_count;
  int64_t local_ms; /* its clock now */
  uint32_t restarts;
  char ip[56];      /* "11.0.3.1/9993" */
  bool controller;  /* runs the embedded controller */
  bool stack;       /* has an lwIP stack */
  int networks;     /* networks joined (the node's list; 0 when not running) */
} ztk_sim_host_info;

/* Returns 0 or ZTK_EINVAL. */
ZTK_API int ztk_sim_host_info_get(const ztk_sim *s, uint32_t host, ztk_sim_host_info *out);

/* The node's peers (ztkit/node.h), ordered by address. Returns how many exist (fills up to
 * max), or ZTK_EINVAL, or ZTK_ESTATE when the host is not running. */
ZTK_API int ztk_sim_host_peers(const ztk_sim *s, uint32_t host, ztk_peer_info *out, int max);

/* One peer of host, by the other host's index. Returns 0, ZTK_ENOTFOUND, ZTK_ESTATE or
 * ZTK_EINVAL. */
ZTK_API int ztk_sim_host_peer(const ztk_sim *s, uint32_t host, uint32_t other, ztk_peer_info *out);

typedef struct ztk_sim_wire_counters {
  uint64_t sent, bytes_sent, received, bytes_received, dropped, duplicated;
} ztk_sim_wire_counters;

/* The node's counters (zero when not running) and its fabric host's counters (either out may
 * be NULL). Returns 0 or ZTK_EINVAL. */
ZTK_API int ztk_sim_host_counters(const ztk_sim *s, uint32_t host, ztk_node_counters *node,
                                  ztk_sim_wire_counters *wire);

/* Counters of link `link`, direction dir (0: a -> b as created, 1: back). */
typedef struct ztk_sim_link_counters {
  uint64_t sent, delivered, bytes_sent, bytes_delivered, dropped, duplicated;
  uint32_t a, b; /* its ends (elements) */
  bool up;
} ztk_sim_link_counters;

ZTK_API uint32_t ztk_sim_links(const ztk_sim *s);
/* Returns 0 or ZTK_EINVAL. */
ZTK_API int ztk_sim_link_counters_get(const ztk_sim *s, uint32_t link, int dir,
                                      ztk_sim_link_counters *out);

/* ---- faults (at virtual time at_ms, or ZTK_SIM_NOW; each is traced when it happens) ------- */

/* Crashes a host: its node is freed and its endpoint stops answering; the state store stays.
 * Returns 0, ZTK_EINVAL, or an event queue error. (Crashing a crashed host is a no-op.) */
ZTK_API int ztk_sim_crash(ztk_sim *s, int64_t at_ms, uint32_t host);
/* Restarts a host (crashing it first if running): the node is re-created from its state
 * store (wipe: an empty store and the next unused pool identity). Returns as ztk_sim_crash. */
ZTK_API int ztk_sim_restart(ztk_sim *s, int64_t at_ms, uint32_t host, bool wipe);

/* Isolates the listed hosts (n <= 64) as partition group `group` (a short name): nothing
 * crosses between them and the rest of the world. Returns 0, ZTK_EINVAL or ZTK_ELIMIT. */
ZTK_API int ztk_sim_partition(ztk_sim *s, int64_t at_ms, const char *group,
                              const uint32_t *hosts, uint32_t n);
/* Lifts every partition. Returns 0 or ZTK_EINVAL. */
ZTK_API int ztk_sim_heal(ztk_sim *s, int64_t at_ms);

/* Replaces a link's parameters (dir 0, 1, or -1 for both; p NULL: perfect), or takes it
 * down / up. Returns 0 or ZTK_EINVAL. */
ZTK_API int ztk_sim_link_set(ztk_sim *s, int64_t at_ms, uint32_t link, int dir,
                             const ztk_sim_link_params *p);
ZTK_API int ztk_sim_link_up(ztk_sim *s, int64_t at_ms, uint32_t link, bool up);

/* Steps a host's clock by delta_ms (may be negative). Returns 0 or ZTK_EINVAL. */
ZTK_API int ztk_sim_clock_step(ztk_sim *s, int64_t at_ms, uint32_t host, int64_t delta_ms);

/* Joins / leaves virtual network nwid (scheduled like a fault, and traced). The world keeps each
 * host's list of networks: a host not running yet joins when its node starts, a restart with
 * kept state rejoins them (the node restores them from its store), a wipe forgets them. Returns
 * 0, ZTK_EINVAL (bad host, nwid 0), ZTK_ELIMIT (ZTK_SIM_HOST_NETWORKS, or for a stack host the
 * process's ZTK_SIM_MAX_NETIFS: large worlds must be core-only), or an event queue error. */
ZTK_API int ztk_sim_join(ztk_sim *s, int64_t at_ms, uint32_t host, uint64_t nwid);
ZTK_API int ztk_sim_leave(ztk_sim *s, int64_t at_ms, uint32_t host, uint64_t nwid);

/* ---- running -------------------------------------------------------------------------------- */

/* Runs events up to virtual time until_ms (or ms from now), at most `budget` events (0: no
 * limit). Starts the world if needed. Returns the number of events run (>= 0), or ZTK_EINVAL
 * (time in the past), ZTK_ESTATE (start failed; see ztk_sim_start). */
ZTK_API int64_t ztk_sim_run_until(ztk_sim *s, int64_t until_ms, uint64_t budget);
ZTK_API int64_t ztk_sim_run_for(ztk_sim *s, int64_t ms);
/* Virtual time now (ms), and events run since creation. */
ZTK_API int64_t ztk_sim_now_ms(const ztk_sim *s);
ZTK_API uint64_t ztk_sim_events_run(const ztk_sim *s);

/* ---- traffic -------------------------------------------------------------------------------- */

/* Host `from` sends a USER_MESSAGE (type_id) / an ECHO to host `to`'s node now. Returns 0, or
 * ZTK_EINVAL, ZTK_ESTATE (sender not running) or the node's error. */
ZTK_API int ztk_sim_send_user_message(ztk_sim *s, uint32_t from, uint32_t to, uint64_t type_id,
                                      const void *data, size_t len);
ZTK_API int ztk_sim_echo(ztk_sim *s, uint32_t from, uint32_t to);

/* ---- virtual networks ------------------------------------------------------------------ */

/* Calls the HTTP API of host's embedded controller (ZeroTierOne 1.14.1's /controller paths and
 * JSON documents, api/api.h) at the current virtual time, authenticated as the service's own
 * client. out (may be NULL when cap is 0) receives the response body, NUL-terminated and cut to
 * cap; *len (optional) its full length. Changes are pushed to online members as the controller
 * does. Returns the HTTP status (>= 100) or ZTK_EINVAL (bad arguments), ZTK_ESTATE (host not
 * running or not a controller), ZTK_ENOMEM. */
ZTK_API int ztk_sim_api(ztk_sim *s, uint32_t host, const char *method, const char *path,
                        const char *body, char *out, size_t cap, size_t *len);

#define ZTK_SIM_NET_ADDRS 16

typedef struct ztk_sim_network_info {
  uint64_t nwid;
  int status;            /* ztk_network_status_code (ztkit/node.h) */
  uint64_t mac;          /* the host's MAC on the network */
  unsigned mtu;
  uint64_t revision;     /* config revision (0: no config yet) */
  bool is_private, broadcast;
  char name[128];
  int addr_count;
  char addrs[ZTK_SIM_NET_ADDRS][ZTK_SIM_TEXT]; /* managed addresses: "10.9.0.12/24" */
  int netifs;            /* lwIP netifs the host has on it (0 for core-only hosts) */
} ztk_sim_network_info;

/* The networks host's node has joined, ascending; returns how many (fills up to max), or
 * ZTK_EINVAL, ZTK_ESTATE (not running). */
ZTK_API int ztk_sim_networks(const ztk_sim *s, uint32_t host, uint64_t *out, int max);
/* One joined network. Returns 0, ZTK_ENOTFOUND (not joined), ZTK_ESTATE or ZTK_EINVAL. */
ZTK_API int ztk_sim_network(const ztk_sim *s, uint32_t host, uint64_t nwid,
                            ztk_sim_network_info *out);

/* Subscribes (on) or unsubscribes host to multicast group (mac, adi) on nwid (MULTICAST_LIKE).
 * Returns 0, ZTK_EINVAL, ZTK_ESTATE, ZTK_ENET_NOTJOINED or ZTK_ELIMIT. */
ZTK_API int ztk_sim_multicast(ztk_sim *s, uint32_t host, uint64_t nwid, uint64_t mac,
                              uint32_t adi, bool on);

/* Host's interface hands an Ethernet frame (payload after the Ethernet header) to its node on
 * nwid now, from its own MAC. Returns 0 (sent, or dropped by a rule: see the counters), or
 * ZTK_EINVAL, ZTK_ESTATE, ZTK_ENET_NOTJOINED, ZTK_ERANGE (over the MTU). */
ZTK_API int ztk_sim_frame_send(ztk_sim *s, uint32_t host, uint64_t nwid, uint64_t dst_mac,
                               uint16_t ethertype, const void *data, size_t len);

/* Frames between a host's node and its interface, per (host, network). in: handed by the node
 * to the interface; out: from the interface to the node (refused: the node returned an
 * error). */
typedef struct ztk_sim_net_counters {
  uint64_t in_frames, in_bytes, in_multicast, in_broadcast;
  uint64_t out_frames, out_bytes, out_refused;
  uint64_t stack_drops; /* frames for lwIP dropped: queue full or no netif for them yet */
} ztk_sim_net_counters;

/* Returns 0, ZTK_ENOTFOUND (the host never joined nwid) or ZTK_EINVAL. */
ZTK_API int ztk_sim_net_counters_get(const ztk_sim *s, uint32_t host, uint64_t nwid,
                                     ztk_sim_net_counters *out);

/* Every frame a host's node hands to its interface and receives from it on nwid, as an
 * Ethernet pcap (DLT_EN10MB): of one host, or of every host on the network (host
 * ZTK_SIM_NONE; a frame between two members then appears at both ends). Returns 0, ZTK_EINVAL,
 * ZTK_ELIMIT (32 network captures per world) or ZTK_EIO. */
ZTK_API int ztk_sim_pcap_network(ztk_sim *s, const char *path, uint32_t host, uint64_t nwid);

#define ZTK_SIM_FRAME_IN 0  /* node -> interface */
#define ZTK_SIM_FRAME_OUT 1 /* interface -> node */
#define ZTK_SIM_FRAME_HEAD 64

typedef struct ztk_sim_frame {
  int64_t t_ms;
  uint32_t host;
  int dir; /* ZTK_SIM_FRAME_IN / _OUT */
  uint64_t nwid, src_mac, dst_mac;
  uint16_t ethertype;
  uint32_t len;
  uint8_t head[ZTK_SIM_FRAME_HEAD]; /* the first bytes of the payload */
} ztk_sim_frame;

/* Starts logging frames (every host, both directions) into a ring of max entries (oldest
 * dropped first, counted), drained with ztk_sim_frames; max 0 stops. Returns 0, ZTK_EINVAL
 * (max over 1<<22) or ZTK_ENOMEM. */
ZTK_API int ztk_sim_frame_log(ztk_sim *s, uint32_t max);
/* Moves up to max logged frames to out (oldest first). Returns how many, or ZTK_EINVAL; *lost
 * (optional) receives the frames dropped since the last call. */
ZTK_API int ztk_sim_frames(ztk_sim *s, ztk_sim_frame *out, int max, uint64_t *lost);

/* ---- ping ------------------------------------------------------------------------------- */

/* Host sends one ICMP / ICMPv6 echo request (56 payload bytes) to ip ("10.9.0.12", "fd..") now.
 * Stack hosts use an lwIP ping socket. Core-only hosts send a frame the world builds from their
 * address on the network that reaches ip: IPv4 asks ARP first (the answer is cached; a lost
 * one is asked again by the next ping), IPv6 targets must be rfc4193 or 6plane addresses (their
 * MAC follows from the address, as ZeroTier's NDP emulation does). Returns a ping id (>= 0) or
 * ZTK_EINVAL, ZTK_ESTATE (not running), ZTK_ESOCK_NETUNREACH (no network of the host reaches
 * ip), ZTK_EUNSUPPORTED (other IPv6 targets of a core-only host), ZTK_ELIMIT, ZTK_ENOMEM. */
ZTK_API int ztk_sim_ping(ztk_sim *s, uint32_t host, const char *ip);

typedef struct ztk_sim_ping_info {
  uint32_t host;
  char to[ZTK_SIM_TEXT];
  int64_t sent_ms;
  bool answered;
  int64_t rtt_us; /* virtual time from request to reply */
  uint8_t ttl;    /* the reply's TTL / hop limit */
} ztk_sim_ping_info;

/* Returns 1 (answered), 0 (no reply yet), ZTK_ENOTFOUND or ZTK_EINVAL. */
ZTK_API int ztk_sim_ping_result(const ztk_sim *s, int id, ztk_sim_ping_info *out);

/* ---- sockets on stack hosts (lwIP, driven in virtual time) -------------------------------- */

/* What a socket does by itself as data arrives (set at creation; accepted connections take
 * their listener's): MANUAL: nothing (use send/recv); SINK: reads everything, checking it
 * against the world's byte pattern (see ztk_sim_tcp_stream) and counting; ECHO: sends back
 * everything it reads (TCP: closes its side after the peer's FIN; UDP: to the sender). */
#define ZTK_SIM_SOCK_MANUAL 0
#define ZTK_SIM_SOCK_SINK 1
#define ZTK_SIM_SOCK_ECHO 2

#define ZTK_SIM_TCP 1
#define ZTK_SIM_UDP 2

/* Socket calls take addresses as text ("0.0.0.0", "::", "10.9.0.12", "fd..::1") and return a
 * socket id (>= 0) or a negative ZTK_E* code: ZTK_EINVAL, ZTK_ESTATE (host not running, or not
 * a stack host), ZTK_ELIMIT (the world's socket table), and the socket layer's ZTK_ESOCK_*
 * errors (ZTK_ESOCK_NETUNREACH, ZTK_ESOCK_ADDRINUSE, ...). A socket dies with its host's
 * node (crash): its calls then answer ZTK_ESOCK_NETDOWN. */
ZTK_API int ztk_sim_tcp_listen(ztk_sim *s, uint32_t host, const char *addr, uint16_t port,
                               int mode);
/* Starts connecting (the socket turns connected, or gets an error, in virtual time). */
ZTK_API int ztk_sim_tcp_connect(ztk_sim *s, uint32_t host, const char *ip, uint16_t port,
                                int mode);
/* Takes a connection a MANUAL listener accepted: its id, or ZTK_EAGAIN. */
ZTK_API int ztk_sim_tcp_accept(ztk_sim *s, int listener);
/* Fills out with the ids of connections listener accepted (any mode), oldest first; returns
 * how many there are (fills up to max), or ZTK_EINVAL. */
ZTK_API int ztk_sim_tcp_accepted(const ztk_sim *s, int listener, int *out, int max);
/* Sends `bytes` bytes of the world's pattern on a TCP connection (byte i of a stream is a
 * function of i only), as fast as the connection takes them; close_after: then shuts its
 * sending side (FIN). Returns 0, ZTK_EINVAL (not TCP, or already streaming), ZTK_ESOCK_*. */
ZTK_API int ztk_sim_tcp_stream(ztk_sim *s, int sock, uint64_t bytes, bool close_after);

ZTK_API int ztk_sim_udp_bind(ztk_sim *s, uint32_t host, const char *addr, uint16_t port,
                             int mode);

/* TCP only: queues up to len bytes; returns how many or ZTK_EAGAIN, ZTK_ESOCK_*. */
ZTK_API long ztk_sim_send(ztk_sim *s, int sock, const void *data, size_t len);
/* TCP: reads up to cap bytes; returns the count, 0 at the end of the stream, or ZTK_EAGAIN,
 * ZTK_ESOCK_*. */
ZTK_API long ztk_sim_recv(ztk_sim *s, int sock, void *buf, size_t cap);
/* UDP: one datagram to ip:port. Returns len or ZTK_ESOCK_* / ZTK_EINVAL. */
ZTK_API long ztk_sim_sendto(ztk_sim *s, int sock, const char *ip, uint16_t port,
                            const void *data, size_t len);
/* UDP: the oldest datagram (cut to cap); from (optional) receives the sender's address and
 * *port its port. Returns the bytes copied or ZTK_EAGAIN, ZTK_EINVAL. */
ZTK_API long ztk_sim_recvfrom(ztk_sim *s, int sock, void *buf, size_t cap,
                              char from[ZTK_SIM_TEXT], uint16_t *port);
/* Closes the socket (TCP: queued data is still delivered, then FIN). Its record stays for
 * ztk_sim_sock_info. Returns 0 or ZTK_EINVAL. */
ZTK_API int ztk_sim_close(ztk_sim *s, int sock);

/* Readiness bits (as the socket layer's). */
#define ZTK_SIM_EV_IN 0x01
#define ZTK_SIM_EV_OUT 0x02
#define ZTK_SIM_EV_ERR 0x04
#define ZTK_SIM_EV_HUP 0x08
#define ZTK_SIM_EV_RDHUP 0x10

typedef struct ztk_sim_sock_info {
  uint32_t host;
  int type, mode;
  int parent;       /* the listener that accepted it, or -1 */
  unsigned events;  /* readiness now (ZTK_SIM_EV_*); 0 once closed */
  bool connected;   /* TCP: established (stays true after the connection ends) */
  bool eof;         /* TCP: the peer's FIN was read */
  bool closed;      /* closed by ztk_sim_close, or its host went down */
  int error;        /* the first error the socket reported (ZTK_E*), 0 if none */
  uint64_t bytes_sent, bytes_received;
  uint64_t datagrams_sent, datagrams_received, drops;
  uint64_t verified;      /* SINK: bytes that matched the pattern */
  bool mismatch;          /* SINK: a byte differed (at offset mismatch_at) */
  uint64_t mismatch_at;
  uint64_t stream_left;   /* ztk_sim_tcp_stream bytes not yet handed to the socket */
  int64_t connected_ms, eof_ms, first_rx_ms, last_rx_ms; /* virtual times, -1 if never */
  uint32_t accepted;      /* listener: connections accepted */
  char local[ZTK_SIM_TEXT], remote[ZTK_SIM_TEXT]; /* "10.9.0.12/4000" */
} ztk_sim_sock_info;

/* Returns 0 or ZTK_EINVAL (no such socket). */
ZTK_API int ztk_sim_sock_info_get(const ztk_sim *s, int sock, ztk_sim_sock_info *out);

/* ---- events ------------------------------------------------------------------------------- */

/* World events beside the node's ztk_event_type values. */
#define ZTK_SIM_EVENT_CRASH 100
#define ZTK_SIM_EVENT_RESTART 101

typedef struct ztk_sim_event {
  int64_t t_ms;       /* virtual time */
  uint32_t host;
  int type;           /* ztk_event_type or ZTK_SIM_EVENT_* */
  ztk_address peer;
  uint64_t user_type;
  uint32_t len;       /* USER_MESSAGE length (data holds up to ZTK_SIM_EVENT_DATA bytes) */
  char addr[56];      /* path events: the path, as text; else empty */
  uint8_t data[ZTK_SIM_EVENT_DATA];
  uint64_t nwid;      /* network events: the network */
} ztk_sim_event;

/* Moves up to max undrained events (in time order) to out. Returns how many. *lost (optional)
 * receives how many events were dropped since the last call because events_max was reached.
 * Returns ZTK_EINVAL for bad arguments. */
ZTK_API int ztk_sim_events(ztk_sim *s, ztk_sim_event *out, int max, uint64_t *lost);

/* A name for an event type ("ONLINE", "PEER_DIRECT", "CRASH"...); "?" if unknown. */
ZTK_API const char *ztk_sim_event_name(int type);

/* ---- trace and captures --------------------------------------------------------------------- */

/* The trace hash so far (64 hex digits + NUL). Returns 0 or ZTK_EINVAL. */
ZTK_API int ztk_sim_trace_hash(const ztk_sim *s, char out[ZTK_SIM_HASH_HEX]);
ZTK_API uint64_t ztk_sim_trace_lines(const ztk_sim *s);
/* Appends a scenario's own line ("note <text>"). Returns 0 or ZTK_EINVAL. */
ZTK_API int ztk_sim_trace_note(ztk_sim *s, const char *text);
/* Writes the trace from now on to path (truncated). Returns 0, ZTK_EINVAL, ZTK_ESTATE (already
 * writing) or ZTK_EIO. */
ZTK_API int ztk_sim_trace_file(ztk_sim *s, const char *path);
/* Retained line i (see trace_retain_bytes) into buf (NUL-terminated, cut to cap). Returns its
 * full length, or ZTK_ENOTFOUND / ZTK_EINVAL. */
ZTK_API int ztk_sim_trace_line(const ztk_sim *s, uint64_t i, char *buf, size_t cap);
/* Compares two worlds' retained traces. Returns 0 if identical, 1 with *line set to the first
 * differing line, ZTK_ELIMIT if they differ after what was retained, or ZTK_EINVAL. */
ZTK_API int ztk_sim_trace_compare(const ztk_sim *a, const ztk_sim *b, uint64_t *line);

/* Captures underlay datagrams to a pcap file: seen by one host, or the wire view of every
 * datagram (host ZTK_SIM_NONE). Returns 0, ZTK_EINVAL, ZTK_ELIMIT or ZTK_EIO. */
ZTK_API int ztk_sim_pcap_file(ztk_sim *s, const char *path, uint32_t host);

#ifdef __cplusplus
}
#endif
#endif
