/* A node's own deterministic CSPRNG: ChaCha20 keystream keyed once from the injected random
 * callback (practice: inject randomness once, at creation). Packet ids, nonces and other
 * per-packet randomness come from here, so a seeded host replays exactly. Internal header. */
#ifndef ZTK_CORE_CRYPTO_CSPRNG_H
#define ZTK_CORE_CRYPTO_CSPRNG_H

#include <stddef.h>
#include <stdint.h>

#include "ztkit/types.h"

typedef struct ztk_csprng {
  uint8_t key[32];
  uint64_t block;
  uint8_t buf[64];
  unsigned used; /* bytes of buf already handed out */
} ztk_csprng;

/* Keys the generator with 32 bytes from rnd. */
void ztk_csprng_init(ztk_csprng *g, ztk_random_fn rnd, void *user);

/* Keys the generator from a 32-byte seed (tests, derived streams). */
void ztk_csprng_seed(ztk_csprng *g, const uint8_t seed[32]);

void ztk_csprng_bytes(ztk_csprng *g, void *out, size_t len);
uint64_t ztk_csprng_u64(ztk_csprng *g);

/* Uniform integer in [0, bound) for bound > 0 (rejection sampling, no modulo bias). */
uint64_t ztk_csprng_below(ztk_csprng *g, uint64_t bound);

#endif
