#include "core/crypto/csprng.h"

#include <sodium.h>
#include <string.h>

void ztk_csprng_seed(ztk_csprng *g, const uint8_t seed[32])
{
  memcpy(g->key, seed, 32);
  g->block = 0;
  g->used = sizeof g->buf;
}

void ztk_csprng_init(ztk_csprng *g, ztk_random_fn rnd, void *user)
{
  uint8_t seed[32];
  rnd(user, seed, sizeof seed);
  ztk_csprng_seed(g, seed);
  sodium_memzero(seed, sizeof seed);
}

static void refill(ztk_csprng *g)
{
  uint8_t nonce[8];
  for (int i = 0; i < 8; i++)
    nonce[i] = (uint8_t)(g->block >> (8 * i));
  g->block++;
  crypto_stream_chacha20(g->buf, sizeof g->buf, nonce, g->key);
  g->used = 0;
}

void ztk_csprng_bytes(ztk_csprng *g, void *out, size_t len)
{
  uint8_t *o = out;
  while (len > 0) {
    if (g->used == sizeof g->buf)
      refill(g);
    size_t n = sizeof g->buf - g->used;
    if (n > len)
      n = len;
    memcpy(o, g->buf + g->used, n);
    g->used += (unsigned)n;
    o += n;
    len -= n;
  }
}

uint64_t ztk_csprng_u64(ztk_csprng *g)
{
  uint8_t b[8];
  uint64_t v = 0;
  ztk_csprng_bytes(g, b, sizeof b);
  for (int i = 0; i < 8; i++)
    v = (v << 8) | b[i];
  return v;
}

uint64_t ztk_csprng_below(ztk_csprng *g, uint64_t bound)
{
  uint64_t limit = UINT64_MAX - (UINT64_MAX % bound);
  uint64_t v;
  do
    v = ztk_csprng_u64(g);
  while (v >= limit);
  return v % bound;
}
