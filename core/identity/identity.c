#include "core/identity/identity.h"

#include <ctype.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/crypto/c25519.h"
#include "core/crypto/hash.h"
#include "core/crypto/salsa.h"
#include "core/util/hex.h"

#define POW_BLOCKS (ZTK_POW_SCRATCH_LEN / 64) /* 32768 chained blocks */
#define POW_WORDS (ZTK_POW_SCRATCH_LEN / 8)
#define POW_ROUNDS (POW_WORDS / 2)           /* 131072 swap steps */
#define POW_CHUNK 1024                       /* keystream blocks generated per refill */
#define POW_MAX_FIRST_BYTE 17

bool ztk_address_reserved(ztk_address addr)
{
  return addr == 0 || ((addr >> 32) & 0xff) == 0xff;
}

int ztk_identity_pow(const uint8_t pub[64], uint8_t digest[64], uint8_t *scratch)
{
  uint8_t *mem = scratch ? scratch : malloc(ZTK_POW_SCRATCH_LEN);
  uint8_t *ks = malloc(POW_CHUNK * 64);
  if (!mem || !ks) {
    if (!scratch)
      free(mem);
    free(ks);
    return ZTK_ENOMEM;
  }
  ztk_sha512(digest, pub, 64);
  uint8_t key[32], nonce[8];
  memcpy(key, digest, 32);
  memcpy(nonce, digest + 32, 8);

  /* Block i of the buffer is keystream block i XOR block i-1: one keystream pass, then a
   * running XOR, which is the same chained fill without 32768 one-block cipher calls. */
  ztk_salsa20_stream(mem, ZTK_POW_SCRATCH_LEN, nonce, 0, key);
  for (size_t b = 1; b < POW_BLOCKS; b++)
    for (size_t i = 0; i < 64; i++)
      mem[b * 64 + i] ^= mem[(b - 1) * 64 + i];

  uint64_t block = POW_BLOCKS;
  for (size_t k = 0; k < POW_ROUNDS; k++) {
    size_t in_chunk = k % POW_CHUNK;
    if (in_chunk == 0) {
      ztk_salsa20_stream(ks, POW_CHUNK * 64, nonce, block, key);
      block += POW_CHUNK;
    }
    uint8_t *w = mem + 16 * k;
    size_t idx1 = (size_t)(ztk_be_get(w, 8) % 8);
    size_t idx2 = (size_t)(ztk_be_get(w + 8, 8) % POW_WORDS);
    uint8_t tmp[8];
    memcpy(tmp, mem + 8 * idx2, 8);
    memcpy(mem + 8 * idx2, digest + 8 * idx1, 8);
    memcpy(digest + 8 * idx1, tmp, 8);
    const uint8_t *kb = ks + 64 * in_chunk;
    for (size_t i = 0; i < 64; i++)
      digest[i] ^= kb[i];
  }
  if (!scratch)
    free(mem);
  free(ks);
  return 0;
}

static bool pow_ok(const uint8_t digest[64], ztk_address addr)
{
  return digest[0] < POW_MAX_FIRST_BYTE && ztk_be_get(digest + 59, 5) == addr;
}

int ztk_identity_validate(const ztk_identity *id)
{
  uint8_t digest[64];
  if (ztk_address_reserved(id->address))
    return ZTK_EID_RESERVED;
  int rc = ztk_identity_pow(id->pub, digest, NULL);
  if (rc)
    return rc;
  return pow_ok(digest, id->address) ? 0 : ZTK_EID_INVALID;
}

int ztk_identity_generate(ztk_identity *id, ztk_random_fn rnd, void *user)
{
  uint8_t digest[64];
  uint8_t *scratch = malloc(ZTK_POW_SCRATCH_LEN);
  if (!scratch)
    return ZTK_ENOMEM;
  memset(id, 0, sizeof *id);
  rnd(user, id->priv + 32, 32);
  ztk_ed25519_public(id->pub + 32, id->priv + 32);
  for (;;) {
    rnd(user, id->priv, 32);
    ztk_x25519_base(id->pub, id->priv);
    ztk_identity_pow(id->pub, digest, scratch);
    if (digest[0] >= POW_MAX_FIRST_BYTE)
      continue;
    id->address = ztk_be_get(digest + 59, 5);
    if (!ztk_address_reserved(id->address))
      break;
  }
  id->has_private = true;
  free(scratch);
  return 0;
}

/* Splits s at ':' into at most 5 fields (the fifth only marks "too many"). */
static int split_fields(const char *s, size_t len, const char *start[5], size_t flen[5])
{
  int n = 0;
  size_t from = 0;
  for (size_t i = 0; i <= len; i++) {
    if (i == len || s[i] == ':') {
      if (n == 5)
        return 6;
      start[n] = s + from;
      flen[n] = i - from;
      n++;
      from = i + 1;
    }
  }
  return n;
}

int ztk_identity_from_string(ztk_identity *id, const char *s)
{
  const char *f[5];
  size_t fl[5];
  if (!id || !s)
    return ZTK_EINVAL;
  size_t len = strlen(s);
  while (len > 0 && isspace((unsigned char)s[len - 1]))
    len--;
  int n = split_fields(s, len, f, fl);
  if (n < 3 || n > 4)
    return ZTK_EID_FIELDS;
  ztk_identity tmp;
  memset(&tmp, 0, sizeof tmp);
  if (fl[0] != 10 || ztk_hex_u64(f[0], 10, &tmp.address))
    return ZTK_EID_ADDRESS;
  if (ztk_address_reserved(tmp.address))
    return ZTK_EID_RESERVED;
  if (fl[1] != 1 || f[1][0] != '0')
    return ZTK_EID_TYPE;
  if (ztk_hex_decode(tmp.pub, 64, f[2], fl[2]))
    return ZTK_EID_PUBLIC;
  if (n == 4) {
    if (ztk_hex_decode(tmp.priv, 64, f[3], fl[3]))
      return ZTK_EID_PRIVATE;
    tmp.has_private = true;
  }
  *id = tmp;
  sodium_memzero(&tmp, sizeof tmp);
  return 0;
}

int ztk_identity_to_string(const ztk_identity *id, bool with_private, char *out, size_t cap)
{
  size_t need = with_private ? ZTK_IDENTITY_SECRET_STRLEN : ZTK_IDENTITY_PUBLIC_STRLEN;
  uint8_t addr[5];
  if (with_private && !id->has_private)
    return ZTK_EID_NOSECRET;
  if (cap < need + 1)
    return ZTK_ENOSPACE;
  ztk_be_put(addr, id->address, 5);
  ztk_hex_encode(out, addr, 5);
  memcpy(out + 10, ":0:", 3);
  ztk_hex_encode(out + 13, id->pub, 64);
  if (with_private) {
    out[141] = ':';
    ztk_hex_encode(out + 142, id->priv, 64);
  }
  return (int)need;
}

int ztk_identity_agree(const ztk_identity *self, const ztk_identity *peer, uint8_t key48[48])
{
  uint8_t raw[32], h[64];
  if (!self->has_private)
    return ZTK_EID_NOSECRET;
  ztk_x25519(raw, self->priv, peer->pub);
  ztk_sha512(h, raw, sizeof raw);
  memcpy(key48, h, 48);
  sodium_memzero(raw, sizeof raw);
  sodium_memzero(h, sizeof h);
  return 0;
}

int ztk_identity_sign(const ztk_identity *id, const void *msg, size_t len, uint8_t sig[96])
{
  if (!id->has_private)
    return ZTK_EID_NOSECRET;
  ztk_ed25519_sign96(sig, id->priv + 32, id->pub + 32, msg, len);
  return 0;
}

int ztk_identity_verify(const ztk_identity *id, const void *msg, size_t len, const uint8_t *sig,
                        size_t siglen)
{
  return ztk_ed25519_verify96(id->pub + 32, msg, len, sig, siglen) ? 0 : ZTK_EAUTH;
}

void ztk_identity_write(ztk_wr *w, const ztk_identity *id, bool with_private)
{
  bool priv = with_private && id->has_private;
  ztk_wr_u40(w, id->address);
  ztk_wr_u8(w, 0);
  ztk_wr_bytes(w, id->pub, 64);
  ztk_wr_u8(w, priv ? 64 : 0);
  if (priv)
    ztk_wr_bytes(w, id->priv, 64);
}

int ztk_identity_read(ztk_rd *r, ztk_identity *id)
{
  memset(id, 0, sizeof *id);
  id->address = ztk_rd_u40(r);
  if (ztk_rd_u8(r) != 0)
    ztk_rd_fail(r, ZTK_EFORMAT);
  ztk_rd_copy(r, id->pub, 64);
  uint8_t plen = ztk_rd_u8(r);
  if (plen == 64) {
    ztk_rd_copy(r, id->priv, 64);
    id->has_private = !r->err;
  } else if (plen != 0) {
    ztk_rd_fail(r, ZTK_EFORMAT);
  }
  if (!r->err && ztk_address_reserved(id->address))
    ztk_rd_fail(r, ZTK_EFORMAT);
  return r->err;
}

int ztk_identity_hash384(const ztk_identity *id, uint8_t out[48])
{
  uint8_t buf[69];
  ztk_be_put(buf, id->address, 5);
  memcpy(buf + 5, id->pub, 64);
  return ztk_sha384(out, buf, sizeof buf);
}

bool ztk_identity_same(const ztk_identity *a, const ztk_identity *b)
{
  return a->address == b->address && memcmp(a->pub, b->pub, 64) == 0;
}
