/* The node's internal state and the helpers its modules share (switch.c: sending, receiving,
 * relaying and queues; vl1.c: VL1 verbs; node.c: the public API and timers). Internal
 * header: not a stable API. */
#ifndef ZTK_CORE_NODE_NODE_H
#define ZTK_CORE_NODE_NODE_H

#include <stdarg.h>

#include "core/crypto/csprng.h"
#include "core/node/gates.h"
#include "core/node/mcdir.h"
#include "core/node/network.h"
#include "core/node/selfaware.h"
#include "core/node/topology.h"
#include "core/packet/fragment.h"
#include "core/packet/packet.h"
#include "ztkit/node.h"

#define ZTK_PING_CHECK_INTERVAL 5000
#define ZTK_HOUSEKEEPING_PERIOD 30000
#define ZTK_TIMER_GRANULARITY 60
#define ZTK_WHOIS_RETRY_DELAY 500
#define ZTK_WHOIS_MAX_RETRIES 4
#define ZTK_QUEUE_TIMEOUT 5000
#define ZTK_TX_QUEUE_SIZE 32
#define ZTK_RX_QUEUE_SIZE 32
#define ZTK_WHOIS_QUEUE_SIZE 64
#define ZTK_MIN_UNITE_INTERVAL 30000
#define ZTK_UNITE_SLOTS 64
#define ZTK_MAX_LOCAL_ADDRS 16
#define ZTK_RELAY_MAX_HOPS 3
#define ZTK_BEACON_RESPONSE_INTERVAL 2500
#define ZTK_ECHO_RATE_LIMIT (1000 / 6)
#define ZTK_DIRECT_PATH_PUSH_INTERVAL 15000
#define ZTK_DIRECT_PATH_PUSH_INTERVAL_HAVEPATH 120000
#define ZTK_PUSH_PATHS_MAX_PER_SCOPE 8
#define ZTK_NEVER_PAST (INT64_MIN / 2)

/* Flags for ztk_send. */
#define ZTK_SEND_ENCRYPT 0x01  /* suite 1 or 3 (else suite 0: MAC only) */
#define ZTK_SEND_COMPRESS 0x02 /* LZ4 the payload when it helps, as 1.14.1 does for this verb */
#define ZTK_SEND_EXPECT 0x04   /* remember the packet id: an OK to it will be accepted */

typedef struct ztk_whois_entry {
  ztk_address addr;
  int64_t last_sent;
  int retries;
} ztk_whois_entry;

/* A packet held until its peer is known: plaintext unarmored (tx) or received armored (rx). */
typedef struct ztk_held {
  uint8_t *data; /* owned, NULL when the slot is free */
  size_t len;
  int64_t when;
  ztk_address peer;
  unsigned flags;          /* tx: ztk_send flags */
  bool clear;              /* rx: already authenticated and decrypted */
  int64_t local_socket;    /* rx: where it arrived */
  ztk_inaddr from;
} ztk_held;

/* Paths that carried network-authenticated traffic recently: members relay only over these. */
#define ZTK_TRUSTED_PATHS 32
typedef struct ztk_trusted_path {
  ztk_inaddr addr;
  int64_t local_socket;
  int64_t when;
} ztk_trusted_path;

typedef struct ztk_unite {
  ztk_address a, b; /* a < b */
  int64_t when;
} ztk_unite;

struct ztk_node {
  ztk_node_callbacks cb;
  void *user;
  ztk_node_config cfg;
  ztk_identity id;
  ztk_csprng rng;
  ztk_topology topo;
  ztk_selfaware sa;
  ztk_reply_table replies;
  ztk_identity_gate idgate;
  ztk_fragq *fragq; /* allocated on the first fragment (about 320 KB) */
  ztk_whois_entry whois[ZTK_WHOIS_QUEUE_SIZE];
  int nwhois;
  ztk_held txq[ZTK_TX_QUEUE_SIZE];
  ztk_held rxq[ZTK_RX_QUEUE_SIZE];
  ztk_unite unite[ZTK_UNITE_SLOTS];
  ztk_trusted_path trusted[ZTK_TRUSTED_PATHS];
  ztk_inaddr local_addrs[ZTK_MAX_LOCAL_ADDRS];
  int nlocal;
  ztk_node_counters ctr;
  int64_t last_ping_check, last_housekeeping, last_beacon_response;
  bool online;
  ztk_vnet *nets[ZTK_MAX_NETWORKS]; /* joined networks, sorted by nwid; owned */
  int nnets;
  ztk_mcdir mcdir;                 /* multicast subscribers, any network */
  struct ztk_ctl *ctl;             /* embedded controller, NULL unless enabled; owned */
};

/* The embedded controller of a node (NULL unless enabled): for the API layer, the runtime and
 * the simulator, which manage its networks and members. */
struct ztk_ctl *ztk_node_controller(ztk_node *n);

/* ---- events and traces (node.c) ---- */
void ztk_node_emit(ztk_node *n, const ztk_event *ev);
void ztk_node_emit_peer(ztk_node *n, ztk_event_type type, ztk_address peer,
                        const ztk_inaddr *addr);
void ztk_node_tracef(ztk_node *n, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A world was installed or updated: refresh upstreams, store it, tell the host (node.c). */
void ztk_node_world_changed(ztk_node *n, const ztk_world *w);

/* Remembers that a path carried network-authenticated traffic (members relay only over such
 * paths). */
void ztk_node_trust_path(ztk_node *n, int64_t now, int64_t local_socket, const ztk_inaddr *a);

/* ---- sending (switch.c) ---- */

/* Starts a packet from us to dest in buf (ZTK_PROTO_MAX_PACKET_LENGTH bytes). */
ztk_wr ztk_packet_begin(ztk_node *n, uint8_t *buf, ztk_address dest, uint8_t verb);

/* Finishes and sends a packet built with ztk_packet_begin to its destination: picks the best
 * direct path, else relays through the best upstream; if the destination is unknown, holds
 * the packet and asks upstream who it is. Returns 0 or a negative code. */
int ztk_send(ztk_node *n, int64_t now, uint8_t *pkt, size_t len, unsigned flags);

/* Finishes and sends a packet to peer over one given path (local socket + address). */
int ztk_send_via(ztk_node *n, int64_t now, ztk_peer *peer, int64_t local_socket,
                 const ztk_inaddr *to, uint8_t *pkt, size_t len, unsigned flags);

/* Raw datagram out, counted. */
int ztk_wire_out(ztk_node *n, int64_t local_socket, const ztk_inaddr *to, const void *data,
                 size_t len, unsigned ttl);

/* Asks the best upstream who `addr` is (retried until answered or given up). */
void ztk_whois_request(ztk_node *n, int64_t now, ztk_address addr);

/* A peer became known: send what waited for it and decode what it sent. */
void ztk_peer_arrived(ztk_node *n, int64_t now, ztk_peer *p);

/* Looks a peer up in memory, then in the peer cache of the state store. */
ztk_peer *ztk_node_peer_get(ztk_node *n, int64_t now, ztk_address a);

/* Adds a newly learned identity as a peer (or returns the existing one). NULL on failure. */
ztk_peer *ztk_node_peer_add(ztk_node *n, int64_t now, const ztk_identity *id);

/* Whether a physical address may be a path for ZeroTier traffic with peer addr. */
bool ztk_node_path_ok(ztk_node *n, ztk_address addr, int64_t local_socket, const ztk_inaddr *a);

/* Receive path: one datagram from the wire (switch.c). */
void ztk_switch_in(ztk_node *n, int64_t now, int64_t local_socket, const ztk_inaddr *from,
                   const uint8_t *data, size_t len);

/* Timers of the switch: WHOIS retries, queue expiry, fragment expiry. Returns the next time
 * they need to run. */
int64_t ztk_switch_timers(ztk_node *n, int64_t now);

/* Frees everything the switch holds (queued packets, the reassembly queue). */
void ztk_switch_free(ztk_node *n);

/* ---- VL1 (vl1.c) ---- */

/* Decodes and handles one assembled packet addressed to us. clear: pkt was already
 * authenticated and decrypted (a held packet being retried). Returns ZTK_DECODE_DONE when it
 * was consumed (handled or dropped), ZTK_DECODE_WAIT_PEER if it must wait for its sender's
 * identity, ZTK_DECODE_WAIT_CREDS if it must wait for the sender's network credentials (pkt
 * is then left decrypted and *len is its decrypted length). */
#define ZTK_DECODE_DONE 0
#define ZTK_DECODE_WAIT_PEER 1
#define ZTK_DECODE_WAIT_CREDS 2
int ztk_vl1_decode(ztk_node *n, int64_t now, int64_t local_socket, const ztk_inaddr *from,
                   uint8_t *pkt, size_t *len, bool clear);

/* Retries packets from peer a that waited for its credentials. */
void ztk_retry_held(ztk_node *n, int64_t now, ztk_address a);

/* Sends HELLO to peer at an address over a socket (-1: any). */
void ztk_vl1_hello(ztk_node *n, int64_t now, ztk_peer *p, int64_t local_socket,
                   const ztk_inaddr *to);

/* HELLO if the peer's version is unknown or full is asked, else an ECHO probe. */
void ztk_vl1_contact(ztk_node *n, int64_t now, ztk_peer *p, int64_t local_socket,
                     const ztk_inaddr *to, bool full);

/* Keepalive of one peer (HELLO every 60 s on live paths, ECHO on idle paths, path expiry).
 * Returns bit 0x1 if something went out over IPv4, 0x2 over IPv6. */
unsigned ztk_vl1_keepalive(ztk_node *n, int64_t now, ztk_peer *p);

/* Tells peers a and b where to find each other (the root's RENDEZVOUS). */
void ztk_vl1_introduce(ztk_node *n, int64_t now, ztk_peer *a, ztk_peer *b);

/* After any authenticated packet: learn or confirm the path, update activity, push our
 * addresses to peers we trust. */
void ztk_vl1_received(ztk_node *n, int64_t now, ztk_peer *p, int64_t local_socket,
                      const ztk_inaddr *from, unsigned hops, uint8_t verb, bool trusted);

#endif
