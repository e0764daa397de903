/* AES-GMAC-SIV, ZeroTier cipher suite 3, on the CPU's AES instructions (aes_ni.h) or, where
 * there are none, OpenSSL's AES (libsodium has no raw AES).
 *
 * Keys: K0 (GMAC) and K1 (tag encryption and CTR) are the first 32 bytes of
 * HMAC-SHA384(key48, kbkdf label '0' / '1'). One ztk_aes_siv holds the prepared cipher
 * contexts for one peer key; it is owned by whoever created it (a peer) and freed with
 * ztk_aes_siv_free. Internal header. */
#ifndef ZTK_CORE_CRYPTO_AES_GMAC_SIV_H
#define ZTK_CORE_CRYPTO_AES_GMAC_SIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct ztk_aes_siv ztk_aes_siv;

/* KBKDF-HMAC-SHA384 of the peer key with label '0' or '1' (48 bytes). Returns 0 or ZTK_ECRYPTO. */
int ztk_kbkdf_hmac_sha384(const uint8_t key48[48], char label, uint8_t out[48]);

/* Derives K0/K1 from the 48-byte peer key into out (each 32 bytes). Returns 0 or ZTK_ECRYPTO. */
int ztk_aes_siv_derive(const uint8_t key48[48], uint8_t k0[32], uint8_t k1[32]);

/* Creates the contexts for a peer key. Returns 0, ZTK_ENOMEM or ZTK_ECRYPTO. */
int ztk_aes_siv_new(const uint8_t key48[48], ztk_aes_siv **out);
void ztk_aes_siv_free(ztk_aes_siv *s);

/* Same, choosing the backend: cpu_aes false forces OpenSSL (tests compare the two). */
int ztk_aes_siv_new_with(const uint8_t key48[48], bool cpu_aes, ztk_aes_siv **out);

/* Seal in place. iv: the 8-byte random packet id; aad: 16 bytes (dest, source, flags with
 * hops masked, 5 zero bytes); data: verb byte and payload, encrypted in place. Writes the
 * 16-byte SIV tag (tag[0..7] becomes the wire packet id, tag[8..15] the MAC field).
 * Returns 0 or ZTK_ECRYPTO. */
int ztk_aes_siv_seal(ztk_aes_siv *s, const uint8_t iv[8], const uint8_t aad[16], uint8_t *data,
                     size_t len, uint8_t tag[16]);

/* Open in place: decrypts data and checks the tag. Returns 0, ZTK_EAUTH (data is then
 * garbage) or ZTK_ECRYPTO. */
int ztk_aes_siv_open(ztk_aes_siv *s, const uint8_t tag[16], const uint8_t aad[16], uint8_t *data,
                     size_t len);

/* The raw primitives, exposed for vector tests and benchmarks. */
int ztk_aes256_ecb_block(const uint8_t key[32], const uint8_t in[16], uint8_t out[16]);
int ztk_aes256_gmac(const uint8_t key[32], const uint8_t iv12[12], const void *data, size_t len,
                    uint8_t tag[16]);

#endif
