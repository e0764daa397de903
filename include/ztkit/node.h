/* The ztkit node: a sans-I/O ZeroTier 1.x node (protocol version 12). The host hands it
 * everything from outside: wire packets, virtual frames, the time, and randomness; it answers
 * through callbacks. A node never reads a clock, opens a socket or starts a thread, so any
 * number of nodes live in one process (the simulator) or one node runs under a service
 * thread (runtime/).
 *
 * Time: every entry point takes `now`, milliseconds (any epoch, but the same for all calls to
 * one node; ZeroTier uses the Unix epoch). Calls that do work report the next deadline at
 * which ztk_node_tick() must be called. Not thread-safe: one caller at a time per node. */
#ifndef ZTKIT_NODE_H
#define ZTKIT_NODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "ztkit/error.h"
#include "ztkit/export.h"
#include "ztkit/identity.h"
#include "ztkit/types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ztk_node ztk_node;

/* ---- events ------------------------------------------------------------------------------ */

typedef enum ztk_event_type {
  ZTK_EVENT_NODE_UP = 1,            /* node created */
  ZTK_EVENT_NODE_ONLINE = 2,        /* heard from an upstream (root) recently */
  ZTK_EVENT_NODE_OFFLINE = 3,       /* no upstream heard within the activity timeout */
  ZTK_EVENT_NODE_DOWN = 4,          /* node being freed */
  ZTK_EVENT_NODE_IDENTITY_COLLISION = 5, /* an upstream reports another identity with our address */
  ZTK_EVENT_NODE_PLANET_UPDATED = 6,     /* a signed planet/moon update was applied */
  ZTK_EVENT_PEER_DIRECT = 10,       /* a peer now has a direct path */
  ZTK_EVENT_PEER_RELAY = 11,        /* a peer is only reachable through a relay */
  ZTK_EVENT_PEER_UNREACHABLE = 12,  /* a peer was forgotten or never answered */
  ZTK_EVENT_PATH_DISCOVERED = 13,   /* a new direct path to a peer was learned */
  ZTK_EVENT_PATH_ALIVE = 14,        /* a path that had gone quiet is heard from again */
  ZTK_EVENT_PATH_DEAD = 15,         /* a path expired */
  ZTK_EVENT_USER_MESSAGE = 20,      /* USER_MESSAGE received: peer, user_type, data/len */
  ZTK_EVENT_ECHO_REPLY = 21,        /* OK(ECHO) to one of our ECHOs: peer, data/len (the echoed
                                       payload), hops (0: it came over a direct path), addr */
  ZTK_EVENT_NETWORK_REQUESTING_CONFIG = 30,
  ZTK_EVENT_NETWORK_OK = 31,        /* a config was received and applied (also on updates) */
  ZTK_EVENT_NETWORK_ACCESS_DENIED = 32,
  ZTK_EVENT_NETWORK_NOT_FOUND = 33,
  ZTK_EVENT_NETWORK_CLIENT_TOO_OLD = 34,
  ZTK_EVENT_NETWORK_DOWN = 35,      /* left or being freed */
  ZTK_EVENT_NETWORK_AUTH_REQUIRED = 36,
  ZTK_EVENT_ADDR_ADDED = 40,        /* a managed address was assigned: nwid, addr */
  ZTK_EVENT_ADDR_REMOVED = 41,
  ZTK_EVENT_ROUTE_ADDED = 42,       /* nwid, addr = target (port = prefix bits), via */
  ZTK_EVENT_ROUTE_REMOVED = 43,
  ZTK_EVENT_TRACE = 60,             /* diagnostic line (drops and their reasons): data/len text */
} ztk_event_type;

typedef struct ztk_event {
  ztk_event_type type;
  ztk_address peer;              /* peer, path and user-message events */
  ztk_nwid nwid;                 /* network events */
  struct sockaddr_storage addr;  /* path events: the path; address/route events: the address */
  struct sockaddr_storage via;   /* route events: gateway (AF_UNSPEC when on-link) */
  uint64_t user_type;            /* USER_MESSAGE type id */
  const void *data;              /* USER_MESSAGE/ECHO_REPLY payload or TRACE text; valid during
                                    the call */
  size_t len;
  unsigned hops;                 /* ECHO_REPLY: relays the reply passed through (0 = direct) */
} ztk_event;

/* ---- persistent state -------------------------------------------------------------------- */

typedef enum ztk_state_type {
  ZTK_STATE_IDENTITY_PUBLIC = 1,  /* id unused */
  ZTK_STATE_IDENTITY_SECRET = 2,  /* id unused */
  ZTK_STATE_PLANET = 3,           /* id unused */
  ZTK_STATE_MOON = 4,             /* id[0] = moon world id */
  ZTK_STATE_PEER = 5,             /* id[0] = peer address */
  ZTK_STATE_NETWORK_CONFIG = 6,   /* id[0] = network id */
  ZTK_STATE_CONTROLLER = 7,       /* controller database records, see the controller API */
} ztk_state_type;

/* ---- callbacks ----------------------------------------------------------------------------- */

typedef struct ztk_node_callbacks {
  /* REQUIRED. Send one UDP datagram from local socket `local_socket` (-1: any) to `to`. ttl is
   * 0 for the default or the IP TTL to use (2 for NAT-opening probes). Return 0 or negative. */
  int (*wire_send)(void *user, int64_t local_socket, const struct sockaddr_storage *to,
                   const void *data, size_t len, unsigned ttl);
  /* REQUIRED. Fill buf with len random bytes (a CSPRNG in production, a seeded stream in the
   * simulator). Called at creation and when identities are generated. */
  void (*random)(void *user, void *buf, size_t len);
  /* OPTIONAL. An Ethernet frame for the host's virtual interface on network nwid. */
  void (*frame_out)(void *user, ztk_nwid nwid, uint64_t src_mac, uint64_t dst_mac,
                    uint16_t ethertype, uint16_t vlan_id, const void *data, size_t len);
  /* OPTIONAL. Events; the event and what it points to are valid during the call only. */
  void (*event)(void *user, const ztk_event *ev);
  /* OPTIONAL. Store (len > 0) or delete (data NULL, len 0) a state object. */
  void (*state_put)(void *user, ztk_state_type type, const uint64_t id[2], const void *data,
                    size_t len);
  /* OPTIONAL. Read a state object into buf. Return its length, or a negative value if absent
   * or larger than cap. */
  long (*state_get)(void *user, ztk_state_type type, const uint64_t id[2], void *buf, size_t cap);
  /* OPTIONAL. Veto a physical path for ZeroTier traffic (return false to refuse). */
  bool (*path_check)(void *user, ztk_address peer, int64_t local_socket,
                     const struct sockaddr_storage *addr);
  /* OPTIONAL. Memoised identity validation: return true if this exact identity (address and
   * public key) is already known to pass the proof of work, so the ~25 ms check can be skipped.
   * The simulator answers from its identity pool; production hosts leave it NULL. */
  bool (*identity_known_valid)(void *user, const ztk_identity *id);
} ztk_node_callbacks;

/* ---- configuration ------------------------------------------------------------------------- */

typedef struct ztk_node_config {
  /* Identity with private key. NULL: load ZTK_STATE_IDENTITY_SECRET, or generate and store. */
  const ztk_identity *identity;
  /* Serialized planet. NULL: load ZTK_STATE_PLANET, else ZeroTier's default public planet. */
  const uint8_t *planet;
  size_t planet_len;
  /* Relay for everyone and answer WHOIS without rate limits even if not listed as a root in
   * the planet (a node listed as a root behaves so automatically). */
  bool force_upstream;
  /* Accept loopback addresses as peer paths (real ZeroTier never does; useful for tests and
   * single-machine setups). */
  bool allow_loopback_paths;
  /* Online/peer activity window in ms (ZeroTier: 500000; libzt: 30000). */
  int64_t peer_activity_timeout_ms;
  /* Physical MTU for fragmentation (default 1432). */
  unsigned physical_mtu;
  /* Emit ZTK_EVENT_TRACE lines (why packets were dropped, paths learned...). */
  bool trace;
} ztk_node_config;

/* Fills cfg with defaults (all NULL/false, timeouts and MTU as ZeroTierOne 1.14). */
ZTK_API void ztk_node_config_init(ztk_node_config *cfg);

/* ---- lifecycle and I/O --------------------------------------------------------------------- */

/* Creates a node. Returns 0 or one of: ZTK_EINVAL (missing required callback, bad planet),
 * ZTK_ENOMEM, ZTK_EID_* (bad stored identity). *out is owned by the caller: ztk_node_free(). */
ZTK_API int ztk_node_new(ztk_node **out, const ztk_node_config *cfg,
                         const ztk_node_callbacks *cb, void *user, int64_t now);

/* Emits NODE_DOWN and frees the node and everything it owns. NULL is allowed. */
ZTK_API void ztk_node_free(ztk_node *node);

/* One UDP datagram received on local_socket from `from`. Never fails on bad input (bad
 * packets are dropped and counted); returns 0, or ZTK_EINVAL for NULL arguments.
 * *next_deadline (optional) receives the time by which ztk_node_tick() must be called. */
ZTK_API int ztk_node_wire_in(ztk_node *node, int64_t now, int64_t local_socket,
                             const struct sockaddr_storage *from, const void *data, size_t len,
                             int64_t *next_deadline);

/* Runs due timers (keepalives, WHOIS retries, config requests, housekeeping). Returns 0.
 * *next_deadline receives the next time it must run (never more than a few seconds ahead). */
ZTK_API int ztk_node_tick(ztk_node *node, int64_t now, int64_t *next_deadline);

/* ---- VL1 operations ------------------------------------------------------------------------ */

/* Sends a USER_MESSAGE (type id > 65535 for applications) to a peer, looking it up by WHOIS if
 * needed (queued up to 5 s). Returns 0, ZTK_EINVAL or ZTK_ELIMIT (queue full). */
ZTK_API int ztk_node_send_user_message(ztk_node *node, int64_t now, ztk_address dest,
                                       uint64_t type_id, const void *data, size_t len);

/* Sends an ECHO to a peer (a probe; its OK refreshes the path's latency). Returns as above. */
ZTK_API int ztk_node_echo(ztk_node *node, int64_t now, ztk_address dest, const void *data,
                          size_t len);

/* Tells the node one of the host's own physical addresses (pushed to peers for direct paths). */
ZTK_API int ztk_node_add_local_address(ztk_node *node, const struct sockaddr_storage *addr);
ZTK_API void ztk_node_clear_local_addresses(ztk_node *node);

/* Joins a moon: its world id and a seed root address (the moon is fetched from the seed), or
 * the moon's serialized world. Returns 0, ZTK_EINVAL, ZTK_ELIMIT or a world error. */
ZTK_API int ztk_node_orbit(ztk_node *node, int64_t now, uint64_t moon_id, ztk_address seed);
ZTK_API int ztk_node_orbit_world(ztk_node *node, int64_t now, const void *world, size_t len);
ZTK_API int ztk_node_deorbit(ztk_node *node, uint64_t moon_id);

/* ---- virtual networks (VL2) --------------------------------------------------------------- */

typedef enum ztk_network_status_code {
  ZTK_NETWORK_REQUESTING_CONFIG = 0,
  ZTK_NETWORK_OK = 1,
  ZTK_NETWORK_ACCESS_DENIED = 2,
  ZTK_NETWORK_NOT_FOUND = 3,
  ZTK_NETWORK_PORT_ERROR = 4,
  ZTK_NETWORK_CLIENT_TOO_OLD = 5,
  ZTK_NETWORK_AUTHENTICATION_REQUIRED = 6,
} ztk_network_status_code;

/* Joins a network: loads a stored config if there is one, then asks its controller (nwid >> 24)
 * and keeps asking (every 5 s without a config, every 60 s with one). Ad-hoc network ids
 * (0xff prefix) get their config synthesized locally. Joined networks are remembered in the
 * state store and rejoined when the node is created again. Returns 0 (also if already joined),
 * ZTK_EINVAL, ZTK_ELIMIT or ZTK_ENOMEM. */
ZTK_API int ztk_node_join(ztk_node *node, int64_t now, ztk_nwid nwid);

/* Leaves a network (NETWORK_DOWN event, stored config deleted). Returns 0 or ZTK_ENOTFOUND. */
ZTK_API int ztk_node_leave(ztk_node *node, int64_t now, ztk_nwid nwid);

/* An Ethernet frame from the host's virtual interface (payload without the Ethernet header).
 * Returns 0 (sent, queued or dropped by a rule: see counters), or one of: ZTK_EINVAL,
 * ZTK_ENET_NOTJOINED (not joined or no config yet), ZTK_ERANGE (longer than the MTU). */
ZTK_API int ztk_node_frame_in(ztk_node *node, int64_t now, ztk_nwid nwid, uint64_t src_mac,
                              uint64_t dst_mac, uint16_t ethertype, uint16_t vlan_id,
                              const void *data, size_t len, int64_t *next_deadline);

/* Multicast groups the host listens to on a network (announced with MULTICAST_LIKE). The
 * broadcast group, the ARP group of each assigned IPv4 address and the solicited-node group of
 * each assigned IPv6 address are subscribed automatically. Returns 0, ZTK_ENET_NOTJOINED or
 * ZTK_ELIMIT. */
ZTK_API int ztk_node_multicast_subscribe(ztk_node *node, int64_t now, ztk_nwid nwid, uint64_t mac,
                                         uint32_t adi);
ZTK_API int ztk_node_multicast_unsubscribe(ztk_node *node, ztk_nwid nwid, uint64_t mac,
                                           uint32_t adi);

/* The groups the host listens to on nwid (those subscribed above plus the automatic ones),
 * ordered by (mac, adi): up to max go to mac[] and adi[] (either may be NULL when max is 0).
 * Returns how many there are (may exceed max), ZTK_ENET_NOTJOINED or ZTK_EINVAL. */
ZTK_API int ztk_node_multicast_groups(const ztk_node *node, ztk_nwid nwid, uint64_t *mac,
                                      uint32_t *adi, int max);

/* The core-only responder: the node itself answers ARP, IPv6 neighbour solicitations, ICMP and
 * ICMPv6 echo, and UDP echo on udp_echo_port (0: none) for its managed addresses, so nodes
 * without a TCP/IP stack are reachable. Returns 0 or ZTK_ENET_NOTJOINED. */
ZTK_API int ztk_node_set_responder(ztk_node *node, ztk_nwid nwid, bool on, uint16_t udp_echo_port);

#define ZTK_NETWORK_INFO_MAX_ADDRS 32
#define ZTK_NETWORK_INFO_MAX_ROUTES 32

typedef struct ztk_network_route {
  struct sockaddr_storage target; /* port = prefix bits */
  struct sockaddr_storage via;    /* AF_UNSPEC when on-link */
  uint16_t flags, metric;
} ztk_network_route;

typedef struct ztk_network_info {
  ztk_nwid nwid;
  ztk_network_status_code status;
  char name[128];
  uint64_t mac;
  unsigned mtu;
  bool is_private;
  bool broadcast;
  bool bridge;            /* we are an active bridge */
  unsigned multicast_limit;
  uint64_t revision;      /* config revision (0: no config yet) */
  int64_t config_time;    /* controller timestamp of the config */
  int addr_count;
  struct sockaddr_storage addrs[ZTK_NETWORK_INFO_MAX_ADDRS]; /* port = prefix bits */
  int route_count;
  ztk_network_route routes[ZTK_NETWORK_INFO_MAX_ROUTES];
  char dns_domain[128];
  int dns_count;
  struct sockaddr_storage dns[4];
} ztk_network_info;

/* Joined networks, ascending; returns how many there are (fills up to max). */
ZTK_API int ztk_node_networks(const ztk_node *node, ztk_nwid *out, int max);

/* One joined network. Returns 0 or ZTK_ENOTFOUND. */
ZTK_API int ztk_node_network(const ztk_node *node, ztk_nwid nwid, ztk_network_info *out);

/* Turns on the embedded network controller: this node then answers configuration requests for
 * networks whose id starts with its address (see core/controller and api/ for managing
 * networks and members). Returns 0 (also if already on), ZTK_ENOMEM or a persistence error. */
ZTK_API int ztk_node_enable_controller(ztk_node *node, int64_t now);

/* ---- queries -------------------------------------------------------------------------------- */

typedef enum ztk_peer_role { ZTK_PEER_LEAF = 0, ZTK_PEER_MOON = 1, ZTK_PEER_PLANET = 2 } ztk_peer_role;

#define ZTK_PEER_INFO_MAX_PATHS 8

typedef struct ztk_path_info {
  struct sockaddr_storage addr;
  int64_t local_socket;
  int64_t last_send;
  int64_t last_receive;
  int latency_ms;       /* -1 unknown */
  bool alive;
  bool preferred;       /* the path traffic uses now */
} ztk_path_info;

typedef struct ztk_peer_info {
  ztk_address address;
  ztk_peer_role role;
  int version_proto, version_major, version_minor, version_rev; /* -1 unknown */
  int latency_ms;       /* -1 unknown */
  bool direct;          /* has an alive direct path */
  int64_t last_receive;
  int path_count;
  ztk_path_info paths[ZTK_PEER_INFO_MAX_PATHS];
} ztk_peer_info;

typedef struct ztk_node_status {
  ztk_address address;
  char identity_public[ZTK_IDENTITY_STRBUF];
  bool online;
  bool upstream;        /* acting as a root */
  uint64_t planet_id;
  uint64_t planet_timestamp;
  int peer_count;
} ztk_node_status;

typedef struct ztk_node_counters {
  uint64_t rx_datagrams, rx_bytes, tx_datagrams, tx_bytes;
  uint64_t rx_packets;          /* authenticated packets processed */
  uint64_t rx_verb[32], tx_verb[32];
  uint64_t relayed;             /* packets and fragments forwarded for others */
  uint64_t drop_malformed;      /* too short, bad header, bad payload */
  uint64_t drop_auth;           /* MAC, key or signature failures */
  uint64_t drop_replay;         /* a packet id seen again from the same peer */
  uint64_t drop_unknown_peer;   /* held for WHOIS and timed out */
  uint64_t drop_rate_limited;
  uint64_t drop_policy;         /* refused by a rule, gate or path policy */
  uint64_t drop_queue_full;
  uint64_t whois_sent;
} ztk_node_counters;

ZTK_API ztk_address ztk_node_address(const ztk_node *node);
ZTK_API const ztk_identity *ztk_node_identity(const ztk_node *node);
ZTK_API void ztk_node_status_get(const ztk_node *node, ztk_node_status *out);
ZTK_API void ztk_node_counters_get(const ztk_node *node, ztk_node_counters *out);

/* Fills up to max peers, ordered by address; returns how many peers exist. */
ZTK_API int ztk_node_peers(const ztk_node *node, int64_t now, ztk_peer_info *out, int max);

/* One peer. Returns 0 or ZTK_ENOTFOUND. */
ZTK_API int ztk_node_peer(const ztk_node *node, int64_t now, ztk_address addr,
                          ztk_peer_info *out);

#ifdef __cplusplus
}
#endif
#endif
