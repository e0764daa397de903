/* Small bounded memories the node consults on every packet: which packet ids it expects
 * replies to, which packet ids a peer already sent (replays), and the per-source rate gate
 * for validating new identities. Fixed sizes, no allocation. Internal header. */
#ifndef ZTK_CORE_NODE_GATES_H
#define ZTK_CORE_NODE_GATES_H

#include <stdbool.h>
#include <stdint.h>

#include "core/util/inaddr.h"

/* Expected replies: an OK is only accepted if the top 32 bits of its in-re packet id match a
 * packet we sent recently. ZeroTier records every packet it sends in a fixed 8192-slot table;
 * we record only the verbs that are answered (HELLO, WHOIS, ECHO, config requests, gathers...)
 * in buckets of 4 (newest replacing oldest) and grow the bucket count with the number of peers
 * (a root greeting thousands of new members at once needs more slots than a leaf), so a leaf
 * node stays small. */
#define ZTK_REPLY_SLOTS 4
#define ZTK_REPLY_MIN_BUCKETS 64
#define ZTK_REPLY_MAX_BUCKETS 16384

typedef struct ztk_reply_table {
  uint32_t *ids;  /* nbuckets * ZTK_REPLY_SLOTS, heap; NULL until first used */
  uint8_t *next;  /* per bucket */
  unsigned nbuckets;
} ztk_reply_table;

/* Grows the table to at least `buckets` (rounded up to a power of two, capped), keeping what
 * it holds. Returns 0 or ZTK_ENOMEM (the table is then unchanged). */
int ztk_reply_reserve(ztk_reply_table *t, unsigned buckets);
void ztk_reply_free(ztk_reply_table *t);
void ztk_reply_expect(ztk_reply_table *t, uint64_t packet_id);
bool ztk_reply_expected(const ztk_reply_table *t, uint64_t packet_id);

/* Replays: the last ZTK_REPLAY_WINDOW packet ids accepted from one peer. ZeroTierOne keeps no
 * such window; ours drops a packet id seen again (a replay, or a duplicate from the network)
 * within that many packets of the same peer. */
#define ZTK_REPLAY_WINDOW 32

typedef struct ztk_replay_window {
  uint64_t ids[ZTK_REPLAY_WINDOW];
  uint8_t next;
  uint8_t used;
} ztk_replay_window;

/* Returns true (and remembers id) if id is new; false if it is a replay. */
bool ztk_replay_check(ztk_replay_window *w, uint64_t id);

/* New-identity validation gate: one identity check per source bucket (IPv4 /24, IPv6 first six
 * bytes, hashed to 14 bits) per interval, as ZeroTier rate-limits its proof-of-work checks.
 * ZeroTier keeps a time per bucket (128 KiB); we keep the most recent ZTK_IDENTITY_GATE_SLOTS
 * buckets, which is the same gate as long as fewer sources than that show up per interval and
 * keeps tens of thousands of simulated nodes affordable. */
#define ZTK_IDENTITY_GATE_BUCKETS 16384
#define ZTK_IDENTITY_GATE_INTERVAL 2000
#define ZTK_IDENTITY_GATE_SLOTS 64

typedef struct ztk_identity_gate {
  int64_t when[ZTK_IDENTITY_GATE_SLOTS];
  uint16_t bucket[ZTK_IDENTITY_GATE_SLOTS];
  uint8_t used;
} ztk_identity_gate;

unsigned ztk_identity_gate_bucket(const ztk_inaddr *from);

/* Returns true (and records the time) if a new identity from `from` may be checked now. */
bool ztk_identity_gate_pass(ztk_identity_gate *g, const ztk_inaddr *from, int64_t now);

#endif
