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
 * cryptography in the same process. */
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
  ZTK_SIM_ROOT = 1, /* listed in the world's planet (at most ZTK_SIM_MAX_ROOTS, added before
                       the first run) */
} ztk_sim_role;

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
} ztk_sim_host_opts;

#define ZTK_SIM_ROOT_INBOX 65536u

ZTK_API void ztk_sim_host_opts_init(ztk_sim_host_opts *o);

/* Adds a host (opts NULL: a public member on the core). Returns its index (>= 0) or one of:
 * ZTK_EINVAL (bad element, site, role, identity index), ZTK_ESTATE (a root after the first
 * run, or a fifth root), ZTK_ELIMIT (max hosts, or the pool is used up), ZTK_ENOMEM. */
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
