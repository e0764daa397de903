/* Packet armor (protocol notes §5): authentication and encryption of a whole VL1 packet with
 * the 48-byte key shared by two identities, for cipher suites 0 (Poly1305 MAC only),
 * 1 (Salsa20/12 + Poly1305) and 3 (AES-GMAC-SIV); and the HELLO tail encryption (§5.5).
 *
 * Everything works in place on a packet buffer and allocates nothing per packet: the only
 * allocation is the AES context set of a ztk_peer_key, made once on its first suite-3 use (or
 * up front with ztk_peer_key_prepare). Internal header. */
#ifndef ZTK_CORE_PACKET_ARMOR_H
#define ZTK_CORE_PACKET_ARMOR_H

#include <stddef.h>
#include <stdint.h>

#include "core/crypto/aes_gmac_siv.h"

#define ZTK_PEER_KEY_LEN 48

/* The symmetric key of one peer relationship. Owned by the peer that holds it: initialise with
 * ztk_peer_key_init, release with ztk_peer_key_free (which also wipes the key). Not shared
 * between threads without the owner's lock (the AES contexts carry per-call state). */
typedef struct ztk_peer_key {
  uint8_t key[ZTK_PEER_KEY_LEN]; /* key48: [0..31] keys suites 0/1 and cryptField */
  ztk_aes_siv *aes;              /* suite-3 contexts (K0/K1), NULL until first needed */
} ztk_peer_key;

/* Copies key48 into k; no allocation, cannot fail. */
void ztk_peer_key_init(ztk_peer_key *k, const uint8_t key48[ZTK_PEER_KEY_LEN]);

/* Creates the suite-3 AES contexts now instead of on first use. Returns 0 (also when they
 * already exist) or one of: ZTK_ENOMEM, ZTK_ECRYPTO. */
int ztk_peer_key_prepare(ztk_peer_key *k);

/* Frees the AES contexts and wipes the key; k may then be initialised again. */
void ztk_peer_key_free(ztk_peer_key *k);

/* Armors pkt[0..len) in place with the given suite (0, 1 or 3). The caller has written the
 * final header: packet id, destination, source, flags with the fragmented bit (0x40) already
 * set if the packet will be fragmented, hops 0 (hop bits are masked anyway), and the verb byte
 * and payload (compressed first if wanted). This sets the suite bits and the legacy 0x80 bit
 * (suite 1 only) and fills the MAC field; suite 1 encrypts bytes 27.., suite 3 encrypts them
 * and replaces the packet id with half of the SIV tag. Returns 0 or one of: ZTK_EPKT_SHORT,
 * ZTK_EPKT_LONG, ZTK_EPKT_CIPHER (suite 2 or 4..7), ZTK_ENOMEM, ZTK_ECRYPTO. */
int ztk_armor(uint8_t *pkt, size_t len, ztk_peer_key *key, unsigned suite);

/* Authenticates pkt[0..len) with the suite named in its flags byte and decrypts it in place.
 * Returns 0, or one of: ZTK_EPKT_SHORT, ZTK_EPKT_LONG, ZTK_EPKT_CIPHER (suite 2 trusted path
 * or 4..7: refused), ZTK_EAUTH (MAC mismatch; suites 0/1 leave the buffer untouched, suite 3
 * leaves bytes 27.. garbled), ZTK_ENOMEM, ZTK_ECRYPTO. */
int ztk_dearmor(uint8_t *pkt, size_t len, ztk_peer_key *key);

/* HELLO cryptField: XORs pkt[start..len) with Salsa20/12 keyed by key48[0..31] (not mangled),
 * nonce = packet bytes 0..7 with the low 3 bits of byte 7 cleared, from keystream byte 0. The
 * same call encrypts (before armor) and decrypts (after dearmor). Returns 0, or ZTK_EINVAL if
 * start > len or len < ZTK_PROTO_MIN_PACKET_LENGTH. */
int ztk_hello_crypt(uint8_t *pkt, size_t len, size_t start, const ztk_peer_key *key);

/* The per-packet Salsa20/12 key of suites 0/1 (§5.1): key32 XOR the header (hops masked) and
 * the packet length. pkt must hold at least 19 bytes. Exposed for vector tests. */
void ztk_armor_mangle_key(const uint8_t *pkt, size_t len, const uint8_t key32[32], uint8_t out[32]);

#endif
