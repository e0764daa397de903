/* Crypto wrappers against the primitive and agreement vectors made by ZeroTierOne 1.14.1. */
#include "tests/support/vectors.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/crypto/aes_gmac_siv.h"
#include "core/crypto/c25519.h"
#include "core/crypto/csprng.h"
#include "core/crypto/hash.h"
#include "core/crypto/poly1305.h"
#include "core/crypto/salsa.h"
#include "core/identity/identity.h"

static json_t *prims(void)
{
  static json_t *root;
  if (!root)
    root = tv_load("vectors/primitives.json");
  return json_object_get(root, "primitives");
}

static void test_salsa(void **state)
{
  uint8_t key[32], iv[8], want12[256], want20[256], got[256];
  tv_hex_exact(prims(), "salsa2012_key", key, 32);
  tv_hex_exact(prims(), "salsa2012_iv", iv, 8);
  tv_hex_exact(prims(), "salsa2012_keystream_256", want12, 256);
  tv_hex_exact(prims(), "salsa20_20rounds_keystream_256", want20, 256);

  ztk_salsa2012_stream(got, 256, iv, key);
  assert_memory_equal(got, want12, 256);

  /* The block-counter form must agree with the stream form at every offset. */
  memset(got, 0, sizeof got);
  ztk_salsa2012_xor(got, got, 200, iv, 0, key);
  assert_memory_equal(got, want12, 200);
  memset(got, 0, sizeof got);
  ztk_salsa2012_xor(got, got, 128, iv, 2, key);
  assert_memory_equal(got, want12 + 128, 128);

  ztk_salsa20_stream(got, 256, iv, 0, key);
  assert_memory_equal(got, want20, 256);
  ztk_salsa20_stream(got, 64, iv, 3, key);
  assert_memory_equal(got, want20 + 192, 64);
}

/* The four-block path agrees with libsodium's one-block core at every offset and length,
 * including a block counter that carries into its high word. */
static void test_salsa_blocks(void **state)
{
  uint8_t key[32], nonce[8] = {9, 8, 7, 6, 5, 4, 3, 2}, got[1100], want[1100], in[16], ks[64];
  for (int i = 0; i < 32; i++)
    key[i] = (uint8_t)(i * 5 + 1);
  const uint64_t starts[] = {0, 1, 5, 0xfffffffdull, 0xffffffffull};
  for (size_t s = 0; s < sizeof starts / sizeof starts[0]; s++) {
    for (size_t len = 0; len <= sizeof got; len += 97) {
      memset(got, 0xa5, sizeof got);
      ztk_salsa2012_xor(got, got, len, nonce, starts[s], key);
      for (size_t off = 0; off < len; off += 64) {
        uint64_t b = starts[s] + off / 64;
        memcpy(in, nonce, 8);
        for (int k = 0; k < 8; k++)
          in[8 + k] = (uint8_t)(b >> (8 * k));
        crypto_core_salsa2012(ks, in, key, NULL);
        for (size_t k = 0; k < 64 && off + k < len; k++)
          want[off + k] = ks[k] ^ 0xa5;
      }
      assert_memory_equal(got, want, len);
    }
  }
}

static void test_poly_and_hashes(void **state)
{
  size_t mlen;
  uint8_t *msg = tv_hex(prims(), "poly1305_msg", &mlen);
  uint8_t key[32], tag[16], want[64], got[64], hkey[48];
  tv_hex_exact(prims(), "poly1305_key", key, 32);
  tv_hex_exact(prims(), "poly1305_tag16", want, 16);
  ztk_poly1305(tag, msg, mlen, key);
  assert_memory_equal(tag, want, 16);

  tv_hex_exact(prims(), "sha512_msg", want, 64);
  ztk_sha512(got, msg, mlen);
  assert_memory_equal(got, want, 64);
  ztk_sha512_2(got, msg, 10, msg + 10, mlen - 10);
  assert_memory_equal(got, want, 64);

  tv_hex_exact(prims(), "sha384_msg", want, 48);
  assert_int_equal(ztk_sha384(got, msg, mlen), 0);
  assert_memory_equal(got, want, 48);

  tv_hex_exact(prims(), "hmac_sha384_key48", hkey, 48);
  tv_hex_exact(prims(), "hmac_sha384_msg_tag", want, 48);
  assert_int_equal(ztk_hmac_sha384(got, hkey, 48, msg, mlen), 0);
  assert_memory_equal(got, want, 48);

  tv_hex_exact(prims(), "kbkdf_label0", want, 48);
  assert_int_equal(ztk_kbkdf_hmac_sha384(hkey, '0', got), 0);
  assert_memory_equal(got, want, 48);
  tv_hex_exact(prims(), "kbkdf_label1", want, 48);
  assert_int_equal(ztk_kbkdf_hmac_sha384(hkey, '1', got), 0);
  assert_memory_equal(got, want, 48);
  free(msg);
}

static void test_aes(void **state)
{
  size_t mlen;
  uint8_t *msg = tv_hex(prims(), "poly1305_msg", &mlen);
  uint8_t key[32], in[16], want[16], out[16], iv12[12];
  tv_hex_exact(prims(), "aes256_key_first32_of_key48", key, 32);
  tv_hex_exact(prims(), "aes256_ecb_plain", in, 16);
  tv_hex_exact(prims(), "aes256_ecb_cipher", want, 16);
  assert_int_equal(ztk_aes256_ecb_block(key, in, out), 0);
  assert_memory_equal(out, want, 16);

  tv_hex_exact(prims(), "gmac_iv12", iv12, 12);
  tv_hex_exact(prims(), "gmac_tag16", want, 16);
  assert_int_equal(ztk_aes256_gmac(key, iv12, msg, mlen, out), 0);
  assert_memory_equal(out, want, 16);
  free(msg);
}

static void test_aes_siv_roundtrip(void **state)
{
  uint8_t key48[48], iv[8] = {1, 2, 3, 4, 5, 6, 7, 8}, aad[16] = {9}, tag[16];
  uint8_t data[1500], orig[1500];
  for (size_t i = 0; i < sizeof key48; i++)
    key48[i] = (uint8_t)(i * 7);
  for (size_t i = 0; i < sizeof data; i++)
    data[i] = orig[i] = (uint8_t)(i * 13 + 1);
  ztk_aes_siv *s = NULL;
  assert_int_equal(ztk_aes_siv_new(key48, &s), 0);
  for (size_t len = 0; len <= 1500; len += 137) {
    assert_int_equal(ztk_aes_siv_seal(s, iv, aad, data, len, tag), 0);
    if (len > 16)
      assert_memory_not_equal(data, orig, len);
    assert_int_equal(ztk_aes_siv_open(s, tag, aad, data, len), 0);
    assert_memory_equal(data, orig, len);
  }
  /* Any change to the tag, the AAD or the ciphertext is refused. */
  assert_int_equal(ztk_aes_siv_seal(s, iv, aad, data, 100, tag), 0);
  data[50] ^= 1;
  assert_int_equal(ztk_aes_siv_open(s, tag, aad, data, 100), ZTK_EAUTH);
  memcpy(data, orig, 100);
  assert_int_equal(ztk_aes_siv_seal(s, iv, aad, data, 100, tag), 0);
  aad[3] ^= 0x10;
  assert_int_equal(ztk_aes_siv_open(s, tag, aad, data, 100), ZTK_EAUTH);
  ztk_aes_siv_free(s);
}

static void test_agreement(void **state)
{
  json_t *idroot = tv_load("vectors/identities.json");
  json_t *ids = json_object_get(idroot, "identities");
  json_t *root = tv_load("vectors/agreement.json");
  json_t *arr = json_object_get(root, "agreement");
  size_t i;
  json_t *v;
  assert_true(json_array_size(arr) >= 6);
  json_array_foreach(arr, i, v)
  {
    ztk_identity a, b;
    uint8_t key[48], want[48], raw[32], k0[32], k1[32], wk[48];
    assert_int_equal(
        ztk_identity_from_string(&a, tv_str(tv_find(ids, "name", tv_str(v, "a")), "secret")), 0);
    assert_int_equal(
        ztk_identity_from_string(&b, tv_str(tv_find(ids, "name", tv_str(v, "b")), "secret")), 0);
    tv_hex_exact(v, "x25519_raw_shared_secret", wk, 32);
    ztk_x25519(raw, a.priv, b.pub);
    assert_memory_equal(raw, wk, 32);
    tv_hex_exact(v, "key48", want, 48);
    assert_int_equal(ztk_identity_agree(&a, &b, key), 0);
    assert_memory_equal(key, want, 48);
    assert_int_equal(ztk_identity_agree(&b, &a, key), 0);
    assert_memory_equal(key, want, 48);
    assert_int_equal(ztk_aes_siv_derive(key, k0, k1), 0);
    tv_hex_exact(v, "aes_k0", wk, 32);
    assert_memory_equal(k0, wk, 32);
    tv_hex_exact(v, "aes_k1", wk, 32);
    assert_memory_equal(k1, wk, 32);
    tv_hex_exact(v, "aes_gmac_siv_k0_kbkdf48", wk, 48);
    assert_int_equal(ztk_kbkdf_hmac_sha384(key, '0', want), 0);
    assert_memory_equal(want, wk, 48);
  }
  json_decref(root);
  json_decref(idroot);
}

static void test_csprng(void **state)
{
  ztk_csprng a, b;
  uint8_t seed[32] = {7}, x[100], y[100];
  ztk_csprng_seed(&a, seed);
  ztk_csprng_seed(&b, seed);
  ztk_csprng_bytes(&a, x, 37);
  ztk_csprng_bytes(&a, x + 37, 63);
  ztk_csprng_bytes(&b, y, 100);
  assert_memory_equal(x, y, 100); /* chunking does not change the stream */
  for (int i = 0; i < 1000; i++)
    assert_true(ztk_csprng_below(&a, 10) < 10);
  seed[0] = 8;
  ztk_csprng_seed(&b, seed);
  ztk_csprng_bytes(&b, y, 100);
  assert_memory_not_equal(x, y, 100);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_salsa),     cmocka_unit_test(test_salsa_blocks),
      cmocka_unit_test(test_poly_and_hashes),
      cmocka_unit_test(test_aes),       cmocka_unit_test(test_aes_siv_roundtrip),
      cmocka_unit_test(test_agreement), cmocka_unit_test(test_csprng),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
