#include "core/crypto/salsa.h"

#include "core/crypto/salsa2012_x4.h"

#include <sodium.h>
#include <string.h>

/* Salsa20's input block carries the nonce in words 6..7 and the little-endian block counter in
 * words 8..9; crypto_core_salsa2012 takes those 16 bytes as `in`. */
static void block_input(uint8_t in[16], const uint8_t nonce[8], uint64_t block)
{
  memcpy(in, nonce, 8);
  for (int i = 0; i < 8; i++)
    in[8 + i] = (uint8_t)(block >> (8 * i));
}

void ztk_salsa2012_xor(uint8_t *out, const uint8_t *in, size_t len, const uint8_t nonce[8],
                       uint64_t block, const uint8_t key[32])
{
  uint8_t input[16], ks[64];
  size_t fast = ztk_salsa2012_xor_x4(out, in, len / 64, nonce, block, key);
  out += fast * 64;
  in += fast * 64;
  len -= fast * 64;
  block += fast;
  while (len > 0) {
    size_t n = len < 64 ? len : 64;
    block_input(input, nonce, block++);
    crypto_core_salsa2012(ks, input, key, NULL);
    for (size_t i = 0; i < n; i++)
      out[i] = in[i] ^ ks[i];
    out += n;
    in += n;
    len -= n;
  }
  sodium_memzero(ks, sizeof ks);
}

void ztk_salsa2012_stream(uint8_t *out, size_t len, const uint8_t nonce[8], const uint8_t key[32])
{
  crypto_stream_salsa2012(out, len, nonce, key);
}

void ztk_salsa20_stream(uint8_t *out, size_t len, const uint8_t nonce[8], uint64_t block,
                        const uint8_t key[32])
{
  memset(out, 0, len);
  crypto_stream_salsa20_xor_ic(out, out, len, nonce, block, key);
}
