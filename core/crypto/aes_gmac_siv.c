#include "core/crypto/aes_gmac_siv.h"

#include <openssl/evp.h>
#include <stdbool.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/crypto/aes_ni.h"
#include "core/crypto/hash.h"
#include "ztkit/error.h"

struct ztk_aes_siv {
  ztk_aesni_siv *ni;       /* the CPU's AES instructions; when NULL, OpenSSL below */
  EVP_CIPHER_CTX *gmac;    /* AES-256-GCM under K0, used with AAD only */
  EVP_CIPHER_CTX *ecb_enc; /* AES-256 under K1, one block */
  EVP_CIPHER_CTX *ecb_dec;
  EVP_CIPHER_CTX *ctr;     /* AES-256-CTR under K1 */
};

int ztk_kbkdf_hmac_sha384(const uint8_t key48[48], char label, uint8_t out[48])
{
  /* NIST SP 800-108 counter mode with HMAC-SHA384: iteration 0, label "ZT" + label,
   * a zero separator, context 0, output length 384 bits. */
  const uint8_t msg[13] = {0, 0, 0, 0, 'Z', 'T', (uint8_t)label, 0, 0, 0, 0, 0x01, 0x80};
  return ztk_hmac_sha384(out, key48, 48, msg, sizeof msg) ? ZTK_ECRYPTO : 0;
}

int ztk_aes_siv_derive(const uint8_t key48[48], uint8_t k0[32], uint8_t k1[32])
{
  uint8_t out[48];
  int rc = ztk_kbkdf_hmac_sha384(key48, '0', out);
  if (!rc)
    memcpy(k0, out, 32);
  if (!rc && !(rc = ztk_kbkdf_hmac_sha384(key48, '1', out)))
    memcpy(k1, out, 32);
  sodium_memzero(out, sizeof out);
  return rc;
}

void ztk_aes_siv_free(ztk_aes_siv *s)
{
  if (!s)
    return;
  if (s->ni) {
    sodium_memzero(s->ni, sizeof *s->ni);
    free(s->ni);
  }
  EVP_CIPHER_CTX_free(s->gmac);
  EVP_CIPHER_CTX_free(s->ecb_enc);
  EVP_CIPHER_CTX_free(s->ecb_dec);
  EVP_CIPHER_CTX_free(s->ctr);
  free(s);
}

static int init_ecb(EVP_CIPHER_CTX *c, const uint8_t key[32], int enc)
{
  return EVP_CipherInit_ex(c, EVP_aes_256_ecb(), NULL, key, NULL, enc) == 1 &&
         EVP_CIPHER_CTX_set_padding(c, 0) == 1;
}

static int new_ni(ztk_aes_siv *s, const uint8_t k0[32], const uint8_t k1[32])
{
  s->ni = aligned_alloc(_Alignof(ztk_aesni_siv), sizeof *s->ni);
  if (!s->ni)
    return ZTK_ENOMEM;
  ztk_aesni_siv_init(s->ni, k0, k1);
  return 0;
}

static int new_evp(ztk_aes_siv *s, const uint8_t k0[32], const uint8_t k1[32])
{
  s->gmac = EVP_CIPHER_CTX_new();
  s->ecb_enc = EVP_CIPHER_CTX_new();
  s->ecb_dec = EVP_CIPHER_CTX_new();
  s->ctr = EVP_CIPHER_CTX_new();
  if (!s->gmac || !s->ecb_enc || !s->ecb_dec || !s->ctr)
    return ZTK_ENOMEM;
  if (EVP_EncryptInit_ex(s->gmac, EVP_aes_256_gcm(), NULL, k0, NULL) != 1 ||
      EVP_CIPHER_CTX_ctrl(s->gmac, EVP_CTRL_GCM_SET_IVLEN, 12, NULL) != 1 ||
      !init_ecb(s->ecb_enc, k1, 1) || !init_ecb(s->ecb_dec, k1, 0) ||
      EVP_EncryptInit_ex(s->ctr, EVP_aes_256_ctr(), NULL, k1, NULL) != 1)
    return ZTK_ECRYPTO;
  return 0;
}

int ztk_aes_siv_new_with(const uint8_t key48[48], bool cpu_aes, ztk_aes_siv **out)
{
  uint8_t k0[32], k1[32];
  ztk_aes_siv *s = calloc(1, sizeof *s);
  int rc;
  *out = NULL;
  if (!s)
    return ZTK_ENOMEM;
  rc = ztk_aes_siv_derive(key48, k0, k1);
  if (!rc)
    rc = cpu_aes && ztk_aesni_available() ? new_ni(s, k0, k1) : new_evp(s, k0, k1);
  sodium_memzero(k0, sizeof k0);
  sodium_memzero(k1, sizeof k1);
  if (rc) {
    ztk_aes_siv_free(s);
    return rc;
  }
  *out = s;
  return 0;
}

int ztk_aes_siv_new(const uint8_t key48[48], ztk_aes_siv **out)
{
  return ztk_aes_siv_new_with(key48, true, out);
}

/* g = GMAC_K0(iv || 00000000, aad16 || data) */
static int gmac(EVP_CIPHER_CTX *c, const uint8_t iv[8], const uint8_t aad[16],
                const uint8_t *data, size_t len, uint8_t g[16])
{
  uint8_t iv12[12] = {0};
  int outl = 0;
  memcpy(iv12, iv, 8);
  if (EVP_EncryptInit_ex(c, NULL, NULL, NULL, iv12) != 1 ||
      EVP_EncryptUpdate(c, NULL, &outl, aad, 16) != 1)
    return ZTK_ECRYPTO;
  if (len > 0 && EVP_EncryptUpdate(c, NULL, &outl, data, (int)len) != 1)
    return ZTK_ECRYPTO;
  if (EVP_EncryptFinal_ex(c, NULL, &outl) != 1 ||
      EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, g) != 1)
    return ZTK_ECRYPTO;
  return 0;
}

static int one_block(EVP_CIPHER_CTX *c, const uint8_t in[16], uint8_t out[16])
{
  int outl = 0;
  return EVP_CipherUpdate(c, out, &outl, in, 16) == 1 && outl == 16 ? 0 : ZTK_ECRYPTO;
}

/* CTR keyed by K1 with the tag as the counter block, top bit of byte 12 cleared. */
static int ctr_xor(EVP_CIPHER_CTX *c, const uint8_t tag[16], uint8_t *data, size_t len)
{
  uint8_t iv[16];
  int outl = 0;
  memcpy(iv, tag, 16);
  iv[12] &= 0x7f;
  if (EVP_EncryptInit_ex(c, NULL, NULL, NULL, iv) != 1)
    return ZTK_ECRYPTO;
  if (len > 0 && EVP_EncryptUpdate(c, data, &outl, data, (int)len) != 1)
    return ZTK_ECRYPTO;
  return 0;
}

/* The backend's three steps. */
static int siv_gmac(ztk_aes_siv *s, const uint8_t iv[8], const uint8_t aad[16],
                    const uint8_t *data, size_t len, uint8_t g[16])
{
  if (s->ni) {
    ztk_aesni_gmac(s->ni, iv, aad, data, len, g);
    return 0;
  }
  return gmac(s->gmac, iv, aad, data, len, g);
}

static int siv_block(ztk_aes_siv *s, bool decrypt, const uint8_t in[16], uint8_t out[16])
{
  if (s->ni) {
    ztk_aesni_k1_block(s->ni, decrypt, in, out);
    return 0;
  }
  return one_block(decrypt ? s->ecb_dec : s->ecb_enc, in, out);
}

static int siv_ctr(ztk_aes_siv *s, const uint8_t tag[16], uint8_t *data, size_t len)
{
  if (s->ni) {
    uint8_t ctr0[16];
    memcpy(ctr0, tag, 16);
    ctr0[12] &= 0x7f;
    ztk_aesni_k1_ctr(s->ni, ctr0, data, len);
    return 0;
  }
  return ctr_xor(s->ctr, tag, data, len);
}

int ztk_aes_siv_seal(ztk_aes_siv *s, const uint8_t iv[8], const uint8_t aad[16], uint8_t *data,
                     size_t len, uint8_t tag[16])
{
  uint8_t g[16], pre[16];
  if (siv_gmac(s, iv, aad, data, len, g))
    return ZTK_ECRYPTO;
  memcpy(pre, iv, 8);
  for (int i = 0; i < 8; i++)
    pre[8 + i] = g[i] ^ g[8 + i];
  if (siv_block(s, false, pre, tag))
    return ZTK_ECRYPTO;
  return siv_ctr(s, tag, data, len);
}

int ztk_aes_siv_open(ztk_aes_siv *s, const uint8_t tag[16], const uint8_t aad[16], uint8_t *data,
                     size_t len)
{
  uint8_t u[16], g[16], folded[8];
  if (siv_ctr(s, tag, data, len) || siv_block(s, true, tag, u))
    return ZTK_ECRYPTO;
  if (siv_gmac(s, u, aad, data, len, g))
    return ZTK_ECRYPTO;
  for (int i = 0; i < 8; i++)
    folded[i] = g[i] ^ g[8 + i];
  return sodium_memcmp(folded, u + 8, 8) == 0 ? 0 : ZTK_EAUTH;
}

int ztk_aes256_ecb_block(const uint8_t key[32], const uint8_t in[16], uint8_t out[16])
{
  EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
  int rc = ZTK_ENOMEM;
  if (c) {
    rc = init_ecb(c, key, 1) ? one_block(c, in, out) : ZTK_ECRYPTO;
    EVP_CIPHER_CTX_free(c);
  }
  return rc;
}

int ztk_aes256_gmac(const uint8_t key[32], const uint8_t iv12[12], const void *data, size_t len,
                    uint8_t tag[16])
{
  EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
  int outl = 0, rc = ZTK_ECRYPTO;
  if (!c)
    return ZTK_ENOMEM;
  if (EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, NULL, NULL) == 1 &&
      EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, 12, NULL) == 1 &&
      EVP_EncryptInit_ex(c, NULL, NULL, key, iv12) == 1 &&
      (len == 0 || EVP_EncryptUpdate(c, NULL, &outl, data, (int)len) == 1) &&
      EVP_EncryptFinal_ex(c, NULL, &outl) == 1 &&
      EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, tag) == 1)
    rc = 0;
  EVP_CIPHER_CTX_free(c);
  return rc;
}
