/* Salsa20 stream ciphers (libsodium): Salsa20/12 for packet armor and HELLO field encryption,
 * Salsa20/20 for the identity proof of work. Internal header. */
#ifndef ZTK_CORE_CRYPTO_SALSA_H
#define ZTK_CORE_CRYPTO_SALSA_H

#include <stddef.h>
#include <stdint.h>

/* out = in XOR Salsa20/12 keystream starting at 64-byte block `block` (libsodium has no
 * crypto_stream_salsa2012_xor_ic, so the counter loop is ours over crypto_core_salsa2012).
 * out and in may be the same buffer. */
void ztk_salsa2012_xor(uint8_t *out, const uint8_t *in, size_t len, const uint8_t nonce[8],
                       uint64_t block, const uint8_t key[32]);

/* Writes len bytes of Salsa20/12 keystream from block 0. */
void ztk_salsa2012_stream(uint8_t *out, size_t len, const uint8_t nonce[8], const uint8_t key[32]);

/* Writes len bytes of Salsa20/20 keystream starting at block `block`. */
void ztk_salsa20_stream(uint8_t *out, size_t len, const uint8_t nonce[8], uint64_t block,
                        const uint8_t key[32]);

#endif
