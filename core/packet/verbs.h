/* Encoders and decoders of the VL1 verb payloads (protocol notes §8.1-8.9, 8.17, 8.18): HELLO,
 * OK (header, HELLO, WHOIS, ECHO), ERROR, WHOIS, RENDEZVOUS, ECHO, PUSH_DIRECT_PATHS and
 * USER_MESSAGE. Pure codecs: no policy (rate limits, trust, version checks) lives here.
 *
 * Readers take a cursor over the payload (packet bytes 28.., after dearmor and decompression)
 * and return 0 or a negative code: the cursor's ZTK_ETRUNC, ZTK_EFORMAT (bad identity or
 * address), ZTK_EPKT_VERB (a field value the protocol forbids) or ZTK_ELIMIT (more entries than
 * the caller's array holds). Pointers in decoded structs point into the reader's buffer.
 * Writers append to a cursor (typically the one ztk_packet_start returned); a full buffer
 * shows as w->err == ZTK_ENOSPACE. Internal header. */
#ifndef ZTK_CORE_PACKET_VERBS_H
#define ZTK_CORE_PACKET_VERBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/identity/identity.h"
#include "core/packet/armor.h"
#include "core/util/cursor.h"
#include "core/util/inaddr.h"
#include "ztkit/types.h"

/* ---- HELLO (§8.2) ---------------------------------------------------------------------- */

#define ZTK_HELLO_MAX_MOONS 16 /* entries kept by the reader; further ones are checked, not kept */
#define ZTK_WORLD_TYPE_MOON 127

typedef struct ztk_hello_moon {
  uint8_t type; /* 127 = moon; 1.14.1 ignores other types */
  uint64_t id;
  uint64_t timestamp; /* 0 = wanted, not yet orbiting */
} ztk_hello_moon;

typedef struct ztk_hello {
  uint8_t proto_version;
  uint8_t major, minor;
  uint16_t revision;
  uint64_t timestamp;
  ztk_identity id;  /* public part only */
  ztk_inaddr dest;  /* where the sender sent it; nil when absent or unknown */
  bool has_planet;  /* older senders may end before the planet fields */
  uint64_t planet_id, planet_timestamp;
  size_t crypt_off; /* payload offset of the cryptField tail (== payload length if none) */
  uint16_t moon_count; /* entries declared in the tail */
  unsigned n_moons;    /* entries kept in moons[] (at most ZTK_HELLO_MAX_MOONS) */
  ztk_hello_moon moons[ZTK_HELLO_MAX_MOONS];
} ztk_hello;

/* Appends a HELLO payload with the n_moons entries of moons[] in plaintext and returns the
 * writer offset where the cryptField tail (moon count) starts: the caller encrypts
 * [that offset, end) with ztk_hello_crypt, then armors with suite 0. */
size_t ztk_hello_write(ztk_wr *w, const ztk_hello *h);

/* Reads the clear part of a HELLO payload: versions, timestamp, identity (required), then if
 * present the destination address and the planet id/timestamp; sets h->crypt_off and leaves
 * the reader at the tail. Returns 0 or a negative code (see above). */
int ztk_hello_read(ztk_rd *r, ztk_hello *h);

/* Reads the decrypted tail: a moon count and 17-byte entries; a tail shorter than the count
 * field means no moons (as 1.14.1), a truncated list is an error. Returns 0 or a negative code. */
int ztk_hello_read_moons(ztk_rd *r, ztk_hello *h);

/* Whole HELLO from a dearmored packet pkt[0..len): reads the clear part, decrypts the tail in
 * place with key, reads the moons. Returns 0, ZTK_EPKT_SHORT, or a negative code as above. */
int ztk_hello_decode(uint8_t *pkt, size_t len, const ztk_peer_key *key, ztk_hello *h);

/* ---- OK (§8.4) and ERROR (§8.3) headers ------------------------------------------------ */

typedef struct ztk_ok_header {
  uint8_t in_re_verb;
  uint64_t in_re_packet_id; /* the wire id of the packet answered */
} ztk_ok_header;

void ztk_ok_header_write(ztk_wr *w, uint8_t in_re_verb, uint64_t in_re_packet_id);
int ztk_ok_header_read(ztk_rd *r, ztk_ok_header *h);

/* OK(HELLO) payload after the OK header. */
typedef struct ztk_ok_hello {
  uint64_t timestamp; /* the HELLO's, echoed */
  uint8_t proto_version;
  uint8_t major, minor;
  uint16_t revision;
  ztk_inaddr from;       /* where the responder saw the HELLO come from; nil if absent */
  const uint8_t *worlds; /* concatenated World updates, NULL if none */
  size_t worlds_len;
} ztk_ok_hello;

void ztk_ok_hello_write(ztk_wr *w, const ztk_ok_hello *o);
/* The address and the world list may be absent (older senders); a world length running past
 * the end is an error. Returns 0 or a negative code. */
int ztk_ok_hello_read(ztk_rd *r, ztk_ok_hello *o);

/* OK(WHOIS): identities back to back. Reads up to max (the first is required; as 1.14.1 only
 * needs the first, reading stops quietly at the first later one that does not parse). Sets
 * *n. Returns 0 or a negative code. */
void ztk_ok_whois_write(ztk_wr *w, const ztk_identity *ids, size_t n);
int ztk_ok_whois_read(ztk_rd *r, ztk_identity *ids, size_t max, size_t *n);

typedef struct ztk_error_msg {
  uint8_t in_re_verb;
  uint64_t in_re_packet_id;
  uint8_t code;        /* ztk_proto_error */
  bool has_nwid;
  ztk_nwid nwid;
  const uint8_t *extra; /* code-specific bytes after the nwid (or the code); may be empty */
  size_t extra_len;
} ztk_error_msg;

/* Writes the header, the nwid if has_nwid, then extra. */
void ztk_error_write(ztk_wr *w, const ztk_error_msg *e);
/* The network id is required for codes 6..9, and for codes 3 and 5 when in reply to
 * NETWORK_CONFIG_REQUEST (where 1.14.1 reads it); everything after goes to extra.
 * Returns 0 or a negative code. */
int ztk_error_read(ztk_rd *r, ztk_error_msg *e);

/* ---- WHOIS (§8.5), RENDEZVOUS (§8.6), ECHO (§8.9) --------------------------------------- */

#define ZTK_WHOIS_MAX_ADDRESSES (ZTK_PROTO_MAX_PAYLOAD / 5)

void ztk_whois_write(ztk_wr *w, const ztk_address *addrs, size_t n);
/* Reads every complete 5-byte address (a shorter remainder is ignored, as 1.14.1); at least
 * one is required. Returns 0, ZTK_ETRUNC (none), or ZTK_ELIMIT (more than max). */
int ztk_whois_read(ztk_rd *r, ztk_address *addrs, size_t max, size_t *n);

typedef struct ztk_rendezvous {
  uint8_t flags;
  ztk_address with; /* the peer to be found at `at` */
  ztk_inaddr at;    /* IPv4 or IPv6 with a non-zero port */
} ztk_rendezvous;

/* Writes nothing useful unless z->at is IPv4 or IPv6 (then w->err is set to ZTK_EINVAL). */
void ztk_rendezvous_write(ztk_wr *w, const ztk_rendezvous *z);
/* Returns 0, the cursor's error, or ZTK_EPKT_VERB (address length not 4/16, or port 0, both
 * of which 1.14.1 ignores). */
int ztk_rendezvous_read(ztk_rd *r, ztk_rendezvous *z);

/* ECHO, OK(ECHO) and any "rest of the payload" field. */
typedef struct ztk_echo {
  const uint8_t *data;
  size_t len;
} ztk_echo;

void ztk_echo_write(ztk_wr *w, const ztk_echo *e);
/* Takes the rest of the payload (possibly empty). Returns 0 or the cursor's error. */
int ztk_echo_read(ztk_rd *r, ztk_echo *e);

/* ---- PUSH_DIRECT_PATHS (§8.17) ---------------------------------------------------------- */

#define ZTK_PUSH_PATHS_FLAG_FORGET 0x01
#define ZTK_PUSH_PATHS_FLAG_CLUSTER_REDIRECT 0x02
#define ZTK_PUSH_PATHS_MAX_PACKET 1200 /* 1.14.1 starts a new packet beyond this size */

typedef struct ztk_path_record {
  uint8_t flags;
  ztk_inaddr addr;
} ztk_path_record;

/* Writes the count and one record per IPv4/IPv6 entry (others are left out), flags as given,
 * no extensions. */
void ztk_push_paths_write(ztk_wr *w, const ztk_path_record *recs, size_t n);
/* Reads the declared records, skipping extensions and records of unknown address types;
 * keeps the first max IPv4/IPv6 records in recs and checks the rest. Sets *n to the kept
 * count. Returns 0, the cursor's error, or ZTK_EPKT_VERB (address field too short for its
 * type). */
int ztk_push_paths_read(ztk_rd *r, ztk_path_record *recs, size_t max, size_t *n);

/* ---- USER_MESSAGE (§8.18) --------------------------------------------------------------- */

typedef struct ztk_user_message {
  uint64_t type_id; /* <= 65535 reserved for ZeroTier */
  const uint8_t *data;
  size_t len;
} ztk_user_message;

void ztk_user_message_write(ztk_wr *w, const ztk_user_message *m);
/* Returns 0 or ZTK_ETRUNC (no type id). */
int ztk_user_message_read(ztk_rd *r, ztk_user_message *m);

#endif
