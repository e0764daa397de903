/* Curve25519 key agreement and Ed25519 signatures in ZeroTier's forms (libsodium).
 *
 * A ZeroTier signature is 96 bytes: the Ed25519 signature (64) of h = SHA-512(m)[0..31],
 * followed by h itself. Internal header. */
#ifndef ZTK_CORE_CRYPTO_C25519_H
#define ZTK_CORE_CRYPTO_C25519_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ZTK_SIGNATURE_LEN 96

void ztk_x25519_base(uint8_t pub[32], const uint8_t priv[32]);

/* raw = X25519(priv, pub). ZeroTier does not refuse an all-zero result, so neither do we: the
 * result is then all zero (libsodium's -1 is deliberately ignored). */
void ztk_x25519(uint8_t raw[32], const uint8_t priv[32], const uint8_t pub[32]);

/* Derives the Ed25519 public key from a 32-byte seed. */
void ztk_ed25519_public(uint8_t pub[32], const uint8_t seed[32]);

void ztk_ed25519_sign96(uint8_t sig[ZTK_SIGNATURE_LEN], const uint8_t seed[32],
                        const uint8_t pub[32], const void *msg, size_t len);

/* Returns true iff sig (siglen bytes, must be 96) is a valid ZeroTier signature of msg. */
bool ztk_ed25519_verify96(const uint8_t pub[32], const void *msg, size_t len, const uint8_t *sig,
                          size_t siglen);

#endif
