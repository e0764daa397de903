/* The one-node rig of the packet and vl2_frames fuzz targets: a node ("self", alice) that has
 * joined two networks of the rig's controller and knows its peers, fed packets built the way
 * its peers would build them.
 *
 * The fixture is made once per process in an fzworld (root, controller, self, five members, an
 * outsider): networks created through the controller's HTTP API (NET1 private, with rules,
 * tags and capabilities, broadcast, IPv4/rfc4193/6plane addressing; NET2 public), members
 * authorized (one refused), everyone joined and configured, members' echoes and frames sent to
 * self; then self's state store is kept as the snapshot. The fixture also keeps the shared key
 * of every test identity with self, each member's MAC, IPv4 address and credentials, self's
 * config dictionary, and a library of the plaintext packets self received.
 *
 * Per input, fr_begin makes a fresh node from the snapshot (the same seed, clock and store
 * every time, so inputs replay exactly) and fr_end checks the invariants and frees it. The
 * node's wire sends are captured, never sent: every packet self originates must authenticate
 * with the recipient's key and decompress, frames it hands to the host must be for a joined
 * network, within the MTU and addressed to self or a group, and nothing may grow without
 * bound. Support code for fuzz/ only. */
#ifndef ZTK_FUZZ_SUPPORT_FZRIG_H
#define ZTK_FUZZ_SUPPORT_FZRIG_H

#include "core/crypto/csprng.h"
#include "core/packet/armor.h"
#include "core/packet/fragment.h"
#include "core/util/cursor.h"
#include "fuzz/support/fzworld.h"

/* Roles: hosts of the fixture world, by test identity. */
enum { FR_ROOT = 5, FR_CTL = 6, FR_SELF = 0 };
#define FR_MEMBERS 6 /* bob, m1, m2, vctl (authorized on NET1), vroot (refused), root2 (unknown)   \
                      */
extern const int fr_member_ident[FR_MEMBERS];

#define FR_NET1_SUFFIX 0x0000f1ull
#define FR_NET2_SUFFIX 0x0000f2ull
#define FR_OUT_RING 32 /* recent packets self sent, kept for replies */
#define FR_LIBRARY 64  /* plaintext packets self received while the fixture was made */
#define FR_MAX_OPS 48
#define FR_MAX_VIRTUAL_MS (3 * 3600 * 1000) /* per input */

typedef struct fr_libentry {
  int sender; /* test identity */
  uint8_t verb;
  uint16_t len;
  uint8_t payload[1400];
} fr_libentry;

typedef struct fr_fixture {
  uint64_t net1, net2;
  fw_store snapshot; /* self's state store */
  uint8_t planet[ZTK_WORLD_MAX_LEN];
  size_t planet_len;
  int64_t now;                   /* the clock when the snapshot was taken */
  uint64_t mac[FW_IDENTITIES];   /* on NET1 */
  uint32_t ipv4[FW_IDENTITIES];  /* on NET1, host order; 0 when none */
  uint8_t *creds[FW_IDENTITIES]; /* NETWORK_CREDENTIALS payload for NET1, NULL when none */
  size_t creds_len[FW_IDENTITIES];
  uint8_t com[FW_IDENTITIES][512]; /* the member's COM for NET1, wire form */
  size_t com_len[FW_IDENTITIES];
  uint8_t *self_dict; /* self's NET1 config dictionary */
  size_t self_dict_len;
  fr_libentry lib[FR_LIBRARY];
  unsigned nlib;
} fr_fixture;

/* Builds the fixture on first use. */
const fr_fixture *fr_fixture_get(void);

/* The key test identity i shares with self (AES contexts prepared; self's own slot unused). */
ztk_peer_key *fr_key(int ident);

/* A packet self sent, as the rig decoded it. */
typedef struct fr_sent {
  ztk_address dest;
  uint64_t wire_id;
  uint8_t verb;
  uint16_t len; /* payload bytes kept */
  uint8_t payload[256];
} fr_sent;

typedef struct fr_rig {
  const fr_fixture *fx;
  ztk_node *node;
  fw_store store;
  int64_t now, start;
  ztk_csprng rng;
  uint64_t next_id, last_id;
  fr_sent sent[FR_OUT_RING];
  unsigned nsent; /* total recorded (ring index = nsent % FR_OUT_RING) */
  uint64_t datagrams_out, frames_out;
  ztk_fragq *outq; /* reassembles self's fragmented packets for checking */
  ztk_rd in;       /* the rest of the input */
} fr_rig;

/* Starts an input: a fresh node from the snapshot, the responder on in both networks. */
void fr_begin(fr_rig *r, const uint8_t *data, size_t size);
/* Checks the end-of-input invariants and frees the node. */
void fr_end(fr_rig *r);

/* True when FZRIG_TRACE is set in the environment: the rig then prints self's events, trace
 * lines, datagrams and the operations it runs. */
bool fr_tracing(void);

/* Input helpers (0 once the input is used up). */
uint8_t fr_u8(fr_rig *r);
uint16_t fr_u16(fr_rig *r);
/* A length-prefixed (u16) slice of the input, cut to what is left and to max. */
const uint8_t *fr_bytes(fr_rig *r, size_t max, size_t *len);
bool fr_done(const fr_rig *r);

/* Advances the clock by ms (bounded per input) and runs the node's timers. */
void fr_tick(fr_rig *r, int64_t ms);

/* Identity index a byte selects among the peers (never self). */
int fr_pick_peer(uint8_t b);
/* Address a byte selects as a packet's physical source: the sender's own, another port, an
 * IPv6 address, or another host's. */
void fr_pick_from(int sender, uint8_t b, ztk_inaddr *out);

/* How a crafted packet is built. */
typedef struct fr_pkt {
  int sender; /* test identity */
  uint8_t verb;
  unsigned suite; /* 0, 1 or 3 */
  bool compress;
  unsigned hops;
  size_t mtu;   /* 0: one datagram */
  bool reverse; /* fragments in reverse order */
  bool replay;  /* reuse the previous packet id */
  uint8_t from; /* fr_pick_from selector */
} fr_pkt;

/* Decodes the common options byte layout: bits 0-1 suite (0, 1, 3, 3), bit 2 compress, bit 3
 * fragment (MTU from the next input byte), bit 4 hops from the next byte, bit 5 replay, bit 6
 * reverse, bit 7 another source address (selector from the next byte). */
void fr_pkt_opts(fr_rig *r, fr_pkt *p, uint8_t opts);

/* A packet from p->sender to self in buf (ZTK_PROTO_MAX_PACKET_LENGTH bytes) with its packet
 * id set; the caller writes the payload, then fr_finish compresses, fragments, armors (with
 * the real shared key) and feeds it to self. */
ztk_wr fr_start(fr_rig *r, const fr_pkt *p, uint8_t *buf);
void fr_finish(fr_rig *r, const fr_pkt *p, uint8_t *buf, size_t len);
/* fr_start, the payload, fr_finish. */
void fr_send(fr_rig *r, const fr_pkt *p, const uint8_t *payload, size_t len);
/* Feeds raw bytes as one datagram from identity sender's address. */
void fr_raw(fr_rig *r, int sender, uint8_t from, const uint8_t *data, size_t len);

/* The k-th most recent packet self sent (NULL if none). */
const fr_sent *fr_recent(const fr_rig *r, unsigned k);

/* Writes the body of an OK(HELLO) answering HELLO s (its timestamp echoed, 1.14.1's
 * versions), saying self was seen at the address fr_pick_from(FR_SELF, from) gives. */
void fr_ok_hello_body(ztk_wr *w, const fr_sent *s, uint8_t from);

#endif
