#include "core/crypto/hash.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include "ztkit/error.h"

void ztk_sha512(uint8_t out[64], const void *data, size_t len)
{
  crypto_hash_sha512(out, data, len);
}

void ztk_sha512_2(uint8_t out[64], const void *a, size_t alen, const void *b, size_t blen)
{
  crypto_hash_sha512_state st;
  crypto_hash_sha512_init(&st);
  crypto_hash_sha512_update(&st, a, alen);
  crypto_hash_sha512_update(&st, b, blen);
  crypto_hash_sha512_final(&st, out);
}

int ztk_sha384(uint8_t out[48], const void *data, size_t len)
{
  unsigned int n = 0;
  if (EVP_Digest(data, len, out, &n, EVP_sha384(), NULL) != 1 || n != 48)
    return ZTK_ECRYPTO;
  return 0;
}

int ztk_hmac_sha384(uint8_t out[48], const void *key, size_t keylen, const void *msg, size_t len)
{
  unsigned int n = 0;
  if (!HMAC(EVP_sha384(), key, (int)keylen, msg, len, out, &n) || n != 48)
    return ZTK_ECRYPTO;
  return 0;
}
