/* The VL1 packet: header layout, limits, verbs, cipher suites, ERROR codes, and accessors over
 * a raw packet buffer (protocol notes §4).
 *
 * A packet is a byte buffer of at least ZTK_PROTO_MIN_PACKET_LENGTH bytes: 8-byte packet id,
 * 5-byte destination, 5-byte source, flags, 8-byte MAC, verb byte, payload. The accessors
 * below read and write those fixed fields and require the caller to have checked the length
 * (every datagram that reaches them went through ztk_datagram_classify or a builder).
 * Internal header: not a stable API. */
#ifndef ZTK_CORE_PACKET_PACKET_H
#define ZTK_CORE_PACKET_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/crypto/csprng.h"
#include "core/util/cursor.h"
#include "ztkit/types.h"

/* Header offsets. */
#define ZTK_PKT_IDX_ID 0
#define ZTK_PKT_IDX_DEST 8
#define ZTK_PKT_IDX_SOURCE 13
#define ZTK_PKT_IDX_FLAGS 18
#define ZTK_PKT_IDX_MAC 19
#define ZTK_PKT_IDX_VERB 27
#define ZTK_PKT_IDX_PAYLOAD 28

/* Limits. The largest assembled packet is seven default-MTU datagrams. */
#define ZTK_PROTO_MIN_PACKET_LENGTH 28
#define ZTK_DEFAULT_PHYSMTU 1432
#define ZTK_MAX_PACKET_FRAGMENTS 7
#define ZTK_PROTO_MAX_PACKET_LENGTH (ZTK_MAX_PACKET_FRAGMENTS * ZTK_DEFAULT_PHYSMTU) /* 10024 */
#define ZTK_PROTO_MAX_PAYLOAD (ZTK_PROTO_MAX_PACKET_LENGTH - ZTK_PKT_IDX_PAYLOAD)
#define ZTK_BEACON_LENGTH 13

/* Protocol versions: what 1.14.1 speaks, and the oldest peer it still talks to. */
#define ZTK_PROTO_VERSION 12
#define ZTK_PROTO_VERSION_MIN 4
#define ZTK_PROTO_MAX_HOPS 7

/* Flags byte (offset 18). */
#define ZTK_PKT_FLAG_ENCRYPTED 0x80 /* legacy: set with suite 1 only, ignored on receipt */
#define ZTK_PKT_FLAG_FRAGMENTED 0x40
#define ZTK_PKT_CIPHER_MASK 0x38
#define ZTK_PKT_CIPHER_SHIFT 3
#define ZTK_PKT_HOPS_MASK 0x07

/* Verb byte (offset 27). */
#define ZTK_VERB_FLAG_COMPRESSED 0x80
#define ZTK_VERB_MASK 0x1f

typedef enum ztk_cipher_suite {
  ZTK_CIPHER_POLY1305_NONE = 0,      /* MAC only (HELLO) */
  ZTK_CIPHER_POLY1305_SALSA2012 = 1, /* Salsa20/12 + Poly1305 */
  ZTK_CIPHER_NONE_TRUSTED_PATH = 2,  /* no authentication; refused by this codec */
  ZTK_CIPHER_AES_GMAC_SIV = 3,
} ztk_cipher_suite;

typedef enum ztk_verb {
  ZTK_VERB_NOP = 0x00,
  ZTK_VERB_HELLO = 0x01,
  ZTK_VERB_ERROR = 0x02,
  ZTK_VERB_OK = 0x03,
  ZTK_VERB_WHOIS = 0x04,
  ZTK_VERB_RENDEZVOUS = 0x05,
  ZTK_VERB_FRAME = 0x06,
  ZTK_VERB_EXT_FRAME = 0x07,
  ZTK_VERB_ECHO = 0x08,
  ZTK_VERB_MULTICAST_LIKE = 0x09,
  ZTK_VERB_NETWORK_CREDENTIALS = 0x0a,
  ZTK_VERB_NETWORK_CONFIG_REQUEST = 0x0b,
  ZTK_VERB_NETWORK_CONFIG = 0x0c,
  ZTK_VERB_MULTICAST_GATHER = 0x0d,
  ZTK_VERB_MULTICAST_FRAME = 0x0e,
  ZTK_VERB_PUSH_DIRECT_PATHS = 0x10,
  ZTK_VERB_ACK = 0x12,
  ZTK_VERB_QOS_MEASUREMENT = 0x13,
  ZTK_VERB_USER_MESSAGE = 0x14,
  ZTK_VERB_REMOTE_TRACE = 0x15,
  ZTK_VERB_PATH_NEGOTIATION_REQUEST = 0x16,
} ztk_verb;

/* Error codes carried by the ERROR verb (a wire value, not a ZTK_E* return code). */
typedef enum ztk_proto_error {
  ZTK_PROTO_ERR_NONE = 0x00,
  ZTK_PROTO_ERR_INVALID_REQUEST = 0x01,
  ZTK_PROTO_ERR_BAD_PROTOCOL_VERSION = 0x02,
  ZTK_PROTO_ERR_OBJ_NOT_FOUND = 0x03,
  ZTK_PROTO_ERR_IDENTITY_COLLISION = 0x04,
  ZTK_PROTO_ERR_UNSUPPORTED_OPERATION = 0x05,
  ZTK_PROTO_ERR_NEED_MEMBERSHIP_CERTIFICATE = 0x06,
  ZTK_PROTO_ERR_NETWORK_ACCESS_DENIED = 0x07,
  ZTK_PROTO_ERR_UNWANTED_MULTICAST = 0x08,
  ZTK_PROTO_ERR_NETWORK_AUTHENTICATION_REQUIRED = 0x09,
} ztk_proto_error;

/* Name of a verb number ("HELLO"), or "UNKNOWN"; never NULL. */
const char *ztk_verb_name(unsigned verb);

/* What a received UDP payload is, decided as 1.14.1 does: exactly 13 bytes is a legacy LAN
 * beacon, more than 16 bytes with 0xff at offset 13 is a fragment, at least 28 bytes is a
 * packet (or the head of a fragmented one), anything else is junk to ignore. */
typedef enum ztk_dgram_kind {
  ZTK_DGRAM_JUNK = 0,
  ZTK_DGRAM_BEACON,
  ZTK_DGRAM_FRAGMENT,
  ZTK_DGRAM_PACKET,
} ztk_dgram_kind;

ztk_dgram_kind ztk_datagram_classify(const uint8_t *d, size_t len);

/* Starts a packet in buf: a random packet id from rng, dest, source, flags 0 (suite 0, hops 0,
 * not fragmented), verb. Returns a writer over buf (capped at ZTK_PROTO_MAX_PACKET_LENGTH)
 * positioned at the payload (len 28); after writing the payload, w.len is the packet length
 * and w.err is 0 or ZTK_ENOSPACE (also set at once when cap < 28). */
ztk_wr ztk_packet_start(uint8_t *buf, size_t cap, ztk_address dest, ztk_address source,
                        uint8_t verb, ztk_csprng *rng);

/* Fixed-field accessors. p must hold at least ZTK_PROTO_MIN_PACKET_LENGTH bytes. */
static inline uint64_t ztk_packet_id(const uint8_t *p) { return ztk_be_get(p + ZTK_PKT_IDX_ID, 8); }
static inline void ztk_packet_set_id(uint8_t *p, uint64_t id) { ztk_be_put(p + ZTK_PKT_IDX_ID, id, 8); }

static inline ztk_address ztk_packet_dest(const uint8_t *p) { return ztk_be_get(p + ZTK_PKT_IDX_DEST, 5); }
static inline void ztk_packet_set_dest(uint8_t *p, ztk_address a) { ztk_be_put(p + ZTK_PKT_IDX_DEST, a, 5); }

static inline ztk_address ztk_packet_source(const uint8_t *p)
{
  return ztk_be_get(p + ZTK_PKT_IDX_SOURCE, 5);
}
static inline void ztk_packet_set_source(uint8_t *p, ztk_address a)
{
  ztk_be_put(p + ZTK_PKT_IDX_SOURCE, a, 5);
}

static inline uint8_t ztk_packet_flags(const uint8_t *p) { return p[ZTK_PKT_IDX_FLAGS]; }
static inline void ztk_packet_set_flags(uint8_t *p, uint8_t f) { p[ZTK_PKT_IDX_FLAGS] = f; }

static inline unsigned ztk_packet_hops(const uint8_t *p) { return p[ZTK_PKT_IDX_FLAGS] & ZTK_PKT_HOPS_MASK; }
static inline void ztk_packet_set_hops(uint8_t *p, unsigned hops)
{
  p[ZTK_PKT_IDX_FLAGS] = (uint8_t)((p[ZTK_PKT_IDX_FLAGS] & ~ZTK_PKT_HOPS_MASK) | (hops & ZTK_PKT_HOPS_MASK));
}

static inline unsigned ztk_packet_cipher(const uint8_t *p)
{
  return (p[ZTK_PKT_IDX_FLAGS] & ZTK_PKT_CIPHER_MASK) >> ZTK_PKT_CIPHER_SHIFT;
}
/* Sets the suite bits and the legacy 0x80 bit (set for suite 1 only, as 1.14.1 senders do). */
static inline void ztk_packet_set_cipher(uint8_t *p, unsigned suite)
{
  uint8_t f = (uint8_t)((p[ZTK_PKT_IDX_FLAGS] & ~(ZTK_PKT_CIPHER_MASK | ZTK_PKT_FLAG_ENCRYPTED)) |
                        ((suite << ZTK_PKT_CIPHER_SHIFT) & ZTK_PKT_CIPHER_MASK));
  if (suite == ZTK_CIPHER_POLY1305_SALSA2012)
    f |= ZTK_PKT_FLAG_ENCRYPTED;
  p[ZTK_PKT_IDX_FLAGS] = f;
}

static inline bool ztk_packet_fragmented(const uint8_t *p)
{
  return (p[ZTK_PKT_IDX_FLAGS] & ZTK_PKT_FLAG_FRAGMENTED) != 0;
}
static inline void ztk_packet_set_fragmented(uint8_t *p, bool on)
{
  if (on)
    p[ZTK_PKT_IDX_FLAGS] |= ZTK_PKT_FLAG_FRAGMENTED;
  else
    p[ZTK_PKT_IDX_FLAGS] &= (uint8_t)~ZTK_PKT_FLAG_FRAGMENTED;
}

/* The verb number (flag bits masked off); meaningful only on a dearmored packet. */
static inline uint8_t ztk_packet_verb(const uint8_t *p) { return p[ZTK_PKT_IDX_VERB] & ZTK_VERB_MASK; }
/* Sets the verb number and clears the compressed flag. */
static inline void ztk_packet_set_verb(uint8_t *p, uint8_t verb) { p[ZTK_PKT_IDX_VERB] = verb & ZTK_VERB_MASK; }

static inline bool ztk_packet_compressed(const uint8_t *p)
{
  return (p[ZTK_PKT_IDX_VERB] & ZTK_VERB_FLAG_COMPRESSED) != 0;
}

#endif
