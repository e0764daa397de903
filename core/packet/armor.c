#include "core/packet/armor.h"

#include <sodium.h>
#include <string.h>

#include "core/crypto/poly1305.h"
#include "core/crypto/salsa.h"
#include "core/packet/packet.h"
#include "ztkit/error.h"

#define MAC_LEN 8
#define SALSA_BLOCK 64
#define AAD_LEN 16
#define AAD_HEADER_LEN 11 /* destination, source, flags */

void ztk_peer_key_init(ztk_peer_key *k, const uint8_t key48[ZTK_PEER_KEY_LEN])
{
  memcpy(k->key, key48, ZTK_PEER_KEY_LEN);
  k->aes = NULL;
}

int ztk_peer_key_prepare(ztk_peer_key *k)
{
  if (k->aes)
    return 0;
  return ztk_aes_siv_new(k->key, &k->aes);
}

void ztk_peer_key_free(ztk_peer_key *k)
{
  ztk_aes_siv_free(k->aes);
  k->aes = NULL;
  sodium_memzero(k->key, sizeof k->key);
}

void ztk_armor_mangle_key(const uint8_t *pkt, size_t len, const uint8_t key32[32], uint8_t out[32])
{
  for (unsigned i = 0; i < ZTK_PKT_IDX_FLAGS; i++)
    out[i] = key32[i] ^ pkt[i];
  out[ZTK_PKT_IDX_FLAGS] = key32[ZTK_PKT_IDX_FLAGS] ^ (pkt[ZTK_PKT_IDX_FLAGS] & (uint8_t)~ZTK_PKT_HOPS_MASK);
  out[19] = key32[19] ^ (uint8_t)(len & 0xff); /* the length, little-endian */
  out[20] = key32[20] ^ (uint8_t)((len >> 8) & 0xff);
  memcpy(out + 21, key32 + 21, 11);
}

static int check_length(size_t len)
{
  if (len < ZTK_PROTO_MIN_PACKET_LENGTH)
    return ZTK_EPKT_SHORT;
  if (len > ZTK_PROTO_MAX_PACKET_LENGTH)
    return ZTK_EPKT_LONG;
  return 0;
}

/* Suites 0/1. Keystream block 0 keys Poly1305; blocks 1.. encrypt bytes 27.. (suite 1). The MAC
 * covers bytes 27.. as sent, so armor encrypts before and dearmor decrypts after the MAC. */
static void salsa_setup(const uint8_t *pkt, size_t len, const ztk_peer_key *key, uint8_t mk[32],
                        uint8_t poly_key[SALSA_BLOCK])
{
  ztk_armor_mangle_key(pkt, len, key->key, mk);
  ztk_salsa2012_stream(poly_key, SALSA_BLOCK, pkt + ZTK_PKT_IDX_ID, mk);
}

static void salsa_armor(uint8_t *pkt, size_t len, const ztk_peer_key *key, bool encrypt)
{
  uint8_t mk[32], ks[SALSA_BLOCK], tag[16];
  uint8_t *body = pkt + ZTK_PKT_IDX_VERB;
  size_t body_len = len - ZTK_PKT_IDX_VERB;
  salsa_setup(pkt, len, key, mk, ks);
  if (encrypt)
    ztk_salsa2012_xor(body, body, body_len, pkt + ZTK_PKT_IDX_ID, 1, mk);
  ztk_poly1305(tag, body, body_len, ks);
  memcpy(pkt + ZTK_PKT_IDX_MAC, tag, MAC_LEN);
  sodium_memzero(mk, sizeof mk);
  sodium_memzero(ks, sizeof ks);
}

static int salsa_dearmor(uint8_t *pkt, size_t len, const ztk_peer_key *key, bool decrypt)
{
  uint8_t mk[32], ks[SALSA_BLOCK], tag[16];
  uint8_t *body = pkt + ZTK_PKT_IDX_VERB;
  size_t body_len = len - ZTK_PKT_IDX_VERB;
  int rc = 0;
  salsa_setup(pkt, len, key, mk, ks);
  ztk_poly1305(tag, body, body_len, ks);
  if (sodium_memcmp(tag, pkt + ZTK_PKT_IDX_MAC, MAC_LEN) != 0)
    rc = ZTK_EAUTH;
  else if (decrypt)
    ztk_salsa2012_xor(body, body, body_len, pkt + ZTK_PKT_IDX_ID, 1, mk);
  sodium_memzero(mk, sizeof mk);
  sodium_memzero(ks, sizeof ks);
  return rc;
}

/* Suite 3 AAD: destination, source, flags with hops masked, zero padding to 16 bytes. */
static void siv_aad(const uint8_t *pkt, uint8_t aad[AAD_LEN])
{
  memcpy(aad, pkt + ZTK_PKT_IDX_DEST, AAD_HEADER_LEN);
  aad[AAD_HEADER_LEN - 1] &= (uint8_t)~ZTK_PKT_HOPS_MASK;
  memset(aad + AAD_HEADER_LEN, 0, AAD_LEN - AAD_HEADER_LEN);
}

static int siv_armor(uint8_t *pkt, size_t len, ztk_peer_key *key)
{
  uint8_t aad[AAD_LEN], tag[16];
  int rc = ztk_peer_key_prepare(key);
  if (rc)
    return rc;
  siv_aad(pkt, aad);
  rc = ztk_aes_siv_seal(key->aes, pkt + ZTK_PKT_IDX_ID, aad, pkt + ZTK_PKT_IDX_VERB,
                        len - ZTK_PKT_IDX_VERB, tag);
  if (rc)
    return rc;
  memcpy(pkt + ZTK_PKT_IDX_ID, tag, 8);
  memcpy(pkt + ZTK_PKT_IDX_MAC, tag + 8, MAC_LEN);
  return 0;
}

static int siv_dearmor(uint8_t *pkt, size_t len, ztk_peer_key *key)
{
  uint8_t aad[AAD_LEN], tag[16];
  int rc = ztk_peer_key_prepare(key);
  if (rc)
    return rc;
  memcpy(tag, pkt + ZTK_PKT_IDX_ID, 8);
  memcpy(tag + 8, pkt + ZTK_PKT_IDX_MAC, MAC_LEN);
  siv_aad(pkt, aad);
  return ztk_aes_siv_open(key->aes, tag, aad, pkt + ZTK_PKT_IDX_VERB, len - ZTK_PKT_IDX_VERB);
}

int ztk_armor(uint8_t *pkt, size_t len, ztk_peer_key *key, unsigned suite)
{
  int rc = check_length(len);
  if (rc)
    return rc;
  switch (suite) {
  case ZTK_CIPHER_POLY1305_NONE:
  case ZTK_CIPHER_POLY1305_SALSA2012:
    ztk_packet_set_cipher(pkt, suite);
    salsa_armor(pkt, len, key, suite == ZTK_CIPHER_POLY1305_SALSA2012);
    return 0;
  case ZTK_CIPHER_AES_GMAC_SIV:
    ztk_packet_set_cipher(pkt, suite);
    return siv_armor(pkt, len, key);
  default:
    return ZTK_EPKT_CIPHER;
  }
}

int ztk_dearmor(uint8_t *pkt, size_t len, ztk_peer_key *key)
{
  int rc = check_length(len);
  if (rc)
    return rc;
  switch (ztk_packet_cipher(pkt)) {
  case ZTK_CIPHER_POLY1305_NONE:
    return salsa_dearmor(pkt, len, key, false);
  case ZTK_CIPHER_POLY1305_SALSA2012:
    return salsa_dearmor(pkt, len, key, true);
  case ZTK_CIPHER_AES_GMAC_SIV:
    return siv_dearmor(pkt, len, key);
  default:
    return ZTK_EPKT_CIPHER;
  }
}

int ztk_hello_crypt(uint8_t *pkt, size_t len, size_t start, const ztk_peer_key *key)
{
  uint8_t nonce[8];
  if (len < ZTK_PROTO_MIN_PACKET_LENGTH || start > len)
    return ZTK_EINVAL;
  memcpy(nonce, pkt + ZTK_PKT_IDX_ID, 8);
  nonce[7] &= 0xf8;
  ztk_salsa2012_xor(pkt + start, pkt + start, len - start, nonce, 0, key->key);
  return 0;
}
