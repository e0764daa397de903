#include "core/crypto/c25519.h"

#include <sodium.h>
#include <string.h>

#include "core/crypto/hash.h"

void ztk_x25519_base(uint8_t pub[32], const uint8_t priv[32])
{
  crypto_scalarmult_base(pub, priv);
}

void ztk_x25519(uint8_t raw[32], const uint8_t priv[32], const uint8_t pub[32])
{
  if (crypto_scalarmult(raw, priv, pub) != 0)
    memset(raw, 0, 32);
}

void ztk_ed25519_public(uint8_t pub[32], const uint8_t seed[32])
{
  uint8_t sk[64];
  crypto_sign_seed_keypair(pub, sk, seed);
  sodium_memzero(sk, sizeof sk);
}

void ztk_ed25519_sign96(uint8_t sig[ZTK_SIGNATURE_LEN], const uint8_t seed[32],
                        const uint8_t pub[32], const void *msg, size_t len)
{
  uint8_t h[64], sk[64];
  ztk_sha512(h, msg, len);
  memcpy(sk, seed, 32);
  memcpy(sk + 32, pub, 32);
  crypto_sign_detached(sig, NULL, h, 32, sk);
  memcpy(sig + 64, h, 32);
  sodium_memzero(sk, sizeof sk);
}

bool ztk_ed25519_verify96(const uint8_t pub[32], const void *msg, size_t len, const uint8_t *sig,
                          size_t siglen)
{
  uint8_t h[64];
  if (siglen != ZTK_SIGNATURE_LEN)
    return false;
  ztk_sha512(h, msg, len);
  if (sodium_memcmp(h, sig + 64, 32) != 0)
    return false;
  return crypto_sign_verify_detached(sig, h, 32, pub) == 0;
}
