/* A peer: another node we know by identity, with the key we share, its version, and the
 * physical paths we reach it by. Peers are owned by the topology (core/node/topology.h).
 * Internal header. */
#ifndef ZTK_CORE_NODE_PEER_H
#define ZTK_CORE_NODE_PEER_H

#include <stdbool.h>
#include <stdint.h>

#include "core/node/gates.h"
#include "core/node/path.h"
#include "core/packet/armor.h"
#include "ztkit/identity.h"

#define ZTK_PEER_MAX_PATHS 16
#define ZTK_PEER_PING_PERIOD 60000        /* full HELLO on every path this often */
#define ZTK_PEER_TRIED_PATHS 4            /* unknown-path HELLO memory */
#define ZTK_PATH_HELLO_RATE_LIMIT 1000
#define ZTK_TRUST_EXPIRATION 600000
#define ZTK_PEER_WHOIS_RATE_LIMIT 100
#define ZTK_PUSH_DIRECT_PATHS_CUTOFF 30000
#define ZTK_PUSH_DIRECT_PATHS_LIMIT 8

typedef struct ztk_tried_path {
  ztk_inaddr addr;
  int64_t local_socket;
  int64_t when;
} ztk_tried_path;

typedef struct ztk_peer {
  ztk_identity id;                 /* public parts only */
  ztk_peer_key key;                /* owned */
  int vproto, vmajor, vminor, vrev; /* -1 until HELLO / OK(HELLO) */
  ztk_path paths[ZTK_PEER_MAX_PATHS];
  int npaths;
  ztk_tried_path tried[ZTK_PEER_TRIED_PATHS];
  int64_t created;
  int64_t last_receive;
  int64_t last_send_any;
  int64_t last_echo_reply;          /* OK(ECHO) rate gate for echoes not on a known path */
  int64_t last_nontrivial_receive;  /* frames and config: makes a peer "active" */
  int64_t last_trust_received;      /* network-authenticated traffic: relaying and pushes */
  int64_t last_full_hello;
  int64_t last_direct_push_sent;
  int64_t last_whois_answered;
  int64_t push_window_start;
  int push_window_count;
  ztk_replay_window replay;
  bool upstream;                    /* a root of our planet or moons */
  bool was_direct;                  /* last reported PEER_DIRECT/RELAY state */
  bool reported;                    /* a PEER_DIRECT/RELAY event was emitted */
} ztk_peer;

/* Creates a peer and derives the shared key from our secret identity. Returns 0, ZTK_ENOMEM,
 * ZTK_ECRYPTO or ZTK_EID_NOSECRET. */
int ztk_peer_new(ztk_peer **out, const ztk_identity *self, const ztk_identity *id, int64_t now);
void ztk_peer_free(ztk_peer *p);

bool ztk_peer_version_known(const ztk_peer *p);
void ztk_peer_set_version(ztk_peer *p, int proto, int major, int minor, int rev);

/* The path traffic should use: best quality among paths heard within the expiration window
 * (or among all paths when include_expired). NULL if none. */
ztk_path *ztk_peer_best_path(ztk_peer *p, int64_t now, bool include_expired);

ztk_path *ztk_peer_find_path(ztk_peer *p, int64_t local_socket, const ztk_inaddr *addr);

/* True if some alive path has the same IP and socket (so a new address need not be tried). */
bool ztk_peer_has_alive_path_like(const ztk_peer *p, int64_t now, int64_t local_socket,
                                  const ztk_inaddr *addr);
bool ztk_peer_has_active_path_to(const ztk_peer *p, int64_t now, const ztk_inaddr *addr);

/* Adds a confirmed path, replacing a dead path with the same IP and socket, else a free slot,
 * else the path heard from least recently. Returns the path. */
ztk_path *ztk_peer_learn_path(ztk_peer *p, int64_t local_socket, const ztk_inaddr *addr,
                              int64_t now);

/* Rate gate for confirming an unknown path with HELLO (once per second per address). */
bool ztk_peer_try_path_gate(ztk_peer *p, int64_t local_socket, const ztk_inaddr *addr,
                            int64_t now);

/* Removes paths silent for the expiration period; returns how many were removed and copies
 * their addresses to dead (up to max) so the caller can report them. */
int ztk_peer_expire_paths(ztk_peer *p, int64_t now, ztk_path *dead, int max);

/* True if the peer has a direct path heard within the alive window. */
bool ztk_peer_direct(const ztk_peer *p, int64_t now);

/* Latency of the best path, or -1. */
int ztk_peer_latency(const ztk_peer *p, int64_t now);

/* Trust relationship (shared network traffic within ZTK_TRUST_EXPIRATION). */
bool ztk_peer_trusted(const ztk_peer *p, int64_t now);

/* Inbound rate gates. */
bool ztk_peer_whois_gate(ztk_peer *p, int64_t now);
bool ztk_peer_push_gate(ztk_peer *p, int64_t now);

#endif
