/* Salsa20/12 keystream four blocks at a time with SSE2 (x86-64 always has it). libsodium ships
 * only the one-block reference code for the 12-round variant, which holds ZeroTier's cipher
 * suite 1 to about a third of what ZeroTierOne reaches with its own assembly; see
 * docs/performance.md. The output is checked against the libsodium stream in the tests.
 * Internal header. */
#ifndef ZTK_CORE_CRYPTO_SALSA2012_X4_H
#define ZTK_CORE_CRYPTO_SALSA2012_X4_H

#include <stddef.h>
#include <stdint.h>

/* XORs nblocks * 64 bytes of in with keystream blocks block, block+1, ... into out (which may
 * be in). Returns how many blocks it did: a multiple of 4, or 0 where no vector unit is
 * compiled in (the caller finishes the rest one block at a time). */
size_t ztk_salsa2012_xor_x4(uint8_t *out, const uint8_t *in, size_t nblocks,
                            const uint8_t nonce[8], uint64_t block, const uint8_t key[32]);

#endif
