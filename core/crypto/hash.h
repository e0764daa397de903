/* Hashes and MACs used by the protocol: SHA-512 (libsodium), SHA-384 and HMAC-SHA384
 * (OpenSSL libcrypto, libsodium has neither). Internal header. */
#ifndef ZTK_CORE_CRYPTO_HASH_H
#define ZTK_CORE_CRYPTO_HASH_H

#include <stddef.h>
#include <stdint.h>

void ztk_sha512(uint8_t out[64], const void *data, size_t len);

/* SHA-512 of the concatenation of two buffers (avoids a copy when hashing header || body). */
void ztk_sha512_2(uint8_t out[64], const void *a, size_t alen, const void *b, size_t blen);

/* Returns 0, or ZTK_ECRYPTO if libcrypto fails. */
int ztk_sha384(uint8_t out[48], const void *data, size_t len);
int ztk_hmac_sha384(uint8_t out[48], const void *key, size_t keylen, const void *msg, size_t len);

#endif
