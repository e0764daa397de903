/* Packet armor: every packets.json vector (dearmor, re-armor, crypto intermediates, tamper and
 * hop checks), HELLO cryptField, round trips, and refusal of bad input. */
#include "tests/support/keyring.h"
#include "tests/support/vectors.h"

#include <stdlib.h>
#include <string.h>

#include "core/crypto/aes_gmac_siv.h"
#include "core/crypto/csprng.h"
#include "core/crypto/poly1305.h"
#include "core/crypto/salsa.h"
#include "core/packet/armor.h"
#include "core/packet/packet.h"

static json_t *root, *packets;
static tv_keyring ring;

static int setup(void **state)
{
  root = tv_load("vectors/packets.json");
  packets = json_object_get(root, "packets");
  tv_keyring_from_vectors(&ring);
  return 0;
}

static int teardown(void **state)
{
  json_decref(root);
  return 0;
}

static ztk_address hex_address(const json_t *v, const char *key)
{
  uint8_t a[5];
  tv_hex_exact(v, key, a, 5);
  return ztk_be_get(a, 5);
}

static void vector_key(const json_t *v, ztk_peer_key *k)
{
  uint8_t key48[48];
  tv_keyring_key48(&ring, hex_address(v, "source"), hex_address(v, "destination"), key48);
  ztk_peer_key_init(k, key48);
}

/* The packet as it was before armor: wire header with the original id and a zero MAC,
 * followed by the plaintext from the verb byte. */
static uint8_t *vector_plain_packet(const json_t *v, const uint8_t *wire, size_t *len)
{
  size_t plen;
  uint8_t *plain = tv_hex(v, "plaintext_from_verb_byte", &plen);
  uint8_t *pkt = malloc(ZTK_PKT_IDX_VERB + plen);
  assert_non_null(pkt);
  memcpy(pkt, wire, ZTK_PKT_IDX_VERB);
  tv_hex_exact(v, "packet_id_before_armor", pkt, 8);
  memset(pkt + ZTK_PKT_IDX_MAC, 0, 8);
  memcpy(pkt + ZTK_PKT_IDX_VERB, plain, plen);
  free(plain);
  *len = ZTK_PKT_IDX_VERB + plen;
  return pkt;
}

static void check_salsa_intermediates(const json_t *v, const uint8_t *wire, size_t len,
                                      const ztk_peer_key *k)
{
  const json_t *im = json_object_get(v, "intermediate");
  uint8_t mk[32], want_mk[32], ks[64], want_pk[32], tag[16], want_tag[16];
  ztk_armor_mangle_key(wire, len, k->key, mk);
  tv_hex_exact(im, "mangled_key", want_mk, 32);
  assert_memory_equal(mk, want_mk, 32);
  ztk_salsa2012_stream(ks, 64, wire, mk);
  tv_hex_exact(im, "poly1305_key", want_pk, 32);
  assert_memory_equal(ks, want_pk, 32);
  ztk_poly1305(tag, wire + ZTK_PKT_IDX_VERB, len - ZTK_PKT_IDX_VERB, ks);
  tv_hex_exact(im, "poly1305_tag16", want_tag, 16);
  assert_memory_equal(tag, want_tag, 16);
  assert_memory_equal(wire + ZTK_PKT_IDX_MAC, tag, 8);
}

static void check_siv_intermediates(const json_t *v, const uint8_t *plain_pkt, size_t len,
                                    const uint8_t *wire, const ztk_peer_key *k)
{
  const json_t *im = json_object_get(v, "intermediate");
  uint8_t k0[32], k1[32], want[32], iv12[12] = {0}, g[16], pre[16], siv[16];
  assert_int_equal(ztk_aes_siv_derive(k->key, k0, k1), 0);
  tv_hex_exact(im, "k0", want, 32);
  assert_memory_equal(k0, want, 32);
  tv_hex_exact(im, "k1", want, 32);
  assert_memory_equal(k1, want, 32);

  uint8_t *ad = malloc(16 + len);
  assert_non_null(ad);
  memset(ad, 0, 16);
  memcpy(ad, plain_pkt + ZTK_PKT_IDX_DEST, 11);
  memcpy(ad + 16, plain_pkt + ZTK_PKT_IDX_VERB, len - ZTK_PKT_IDX_VERB);
  memcpy(iv12, plain_pkt, 8);
  assert_int_equal(ztk_aes256_gmac(k0, iv12, ad, 16 + len - ZTK_PKT_IDX_VERB, g), 0);
  free(ad);
  tv_hex_exact(im, "gmac_tag16", want, 16);
  assert_memory_equal(g, want, 16);

  memcpy(pre, plain_pkt, 8);
  for (int i = 0; i < 8; i++)
    pre[8 + i] = g[i] ^ g[8 + i];
  assert_int_equal(ztk_aes256_ecb_block(k1, pre, siv), 0);
  tv_hex_exact(im, "siv_tag16", want, 16);
  assert_memory_equal(siv, want, 16);
  assert_memory_equal(wire, siv, 8);
  assert_memory_equal(wire + ZTK_PKT_IDX_MAC, siv + 8, 8);
  siv[12] &= 0x7f;
  tv_hex_exact(im, "ctr_iv16", want, 16);
  assert_memory_equal(siv, want, 16);
}

static void check_tamper_and_hops(const json_t *v, const uint8_t *wire, size_t len, ztk_peer_key *k)
{
  uint8_t *buf = malloc(len);
  assert_non_null(buf);
  memcpy(buf, wire, len);
  buf[len - 1] ^= 1;
  int tampered_ok = json_is_true(json_object_get(v, "tampered_last_byte_dearmor_ok"));
  assert_int_equal(ztk_dearmor(buf, len, k), tampered_ok ? 0 : ZTK_EAUTH);

  memcpy(buf, wire, len);
  ztk_packet_set_hops(buf, ztk_packet_hops(buf) + 1);
  int hops_ok = json_is_true(json_object_get(v, "hops_incremented_dearmor_ok"));
  assert_int_equal(ztk_dearmor(buf, len, k), hops_ok ? 0 : ZTK_EAUTH);
  free(buf);
}

static void test_packet_vectors(void **state)
{
  size_t i;
  json_t *v;
  int suites_seen = 0;
  assert_true(json_array_size(packets) >= 17);
  json_array_foreach(packets, i, v)
  {
    ztk_peer_key k;
    size_t wlen, plen;
    unsigned suite = (unsigned)json_integer_value(json_object_get(v, "cipher_suite"));
    uint8_t *wire = tv_hex(v, "wire", &wlen);
    uint8_t *pkt = vector_plain_packet(v, wire, &plen);
    assert_int_equal(wlen, plen);
    assert_int_equal(wlen, json_integer_value(json_object_get(v, "packet_size")));
    assert_int_equal(ztk_packet_cipher(wire), suite);
    suites_seen |= 1 << suite;
    vector_key(v, &k);

    if (suite == ZTK_CIPHER_AES_GMAC_SIV)
      check_siv_intermediates(v, pkt, plen, wire, &k);
    else
      check_salsa_intermediates(v, wire, wlen, &k);

    uint8_t *rx = malloc(wlen);
    assert_non_null(rx);
    memcpy(rx, wire, wlen);
    assert_int_equal(ztk_dearmor(rx, wlen, &k), 0);
    size_t rlen;
    uint8_t *want = tv_hex(v, "receiver_plaintext_from_verb_byte", &rlen);
    assert_int_equal(rlen, wlen - ZTK_PKT_IDX_VERB);
    assert_memory_equal(rx + ZTK_PKT_IDX_VERB, want, rlen);
    assert_memory_equal(rx + ZTK_PKT_IDX_VERB, pkt + ZTK_PKT_IDX_VERB, rlen);

    assert_int_equal(ztk_armor(pkt, plen, &k, suite), 0);
    assert_memory_equal(pkt, wire, wlen);

    check_tamper_and_hops(v, wire, wlen, &k);
    ztk_peer_key_free(&k);
    free(want);
    free(rx);
    free(pkt);
    free(wire);
  }
  assert_int_equal(suites_seen, (1 << 0) | (1 << 1) | (1 << 3));
}

static void test_hello_cryptfield(void **state)
{
  size_t i, n = 0;
  json_t *v;
  json_array_foreach(packets, i, v)
  {
    if (!json_object_get(v, "payload_before_cryptField"))
      continue;
    n++;
    ztk_peer_key k;
    size_t wlen, blen, alen;
    uint8_t *wire = tv_hex(v, "wire", &wlen);
    uint8_t *before = tv_hex(v, "payload_before_cryptField", &blen);
    uint8_t *after = tv_hex(v, "payload_plaintext_after_verb", &alen);
    size_t start = (size_t)json_integer_value(json_object_get(v, "cryptField_start_offset"));
    assert_int_equal(blen, wlen - ZTK_PKT_IDX_PAYLOAD);
    assert_true(start > ZTK_PKT_IDX_PAYLOAD && start < wlen);
    vector_key(v, &k);
    /* Encrypting the tail of the pre-cryptField payload gives what was armored... */
    memcpy(wire + ZTK_PKT_IDX_PAYLOAD, before, blen);
    assert_int_equal(ztk_hello_crypt(wire, wlen, start, &k), 0);
    assert_memory_equal(wire + ZTK_PKT_IDX_PAYLOAD, after, alen);
    /* ...and the same call takes it back. */
    assert_int_equal(ztk_hello_crypt(wire, wlen, start, &k), 0);
    assert_memory_equal(wire + ZTK_PKT_IDX_PAYLOAD, before, blen);
    assert_int_equal(ztk_hello_crypt(wire, wlen, wlen + 1, &k), ZTK_EINVAL);
    assert_int_equal(ztk_hello_crypt(wire, 27, 27, &k), ZTK_EINVAL);
    ztk_peer_key_free(&k);
    free(wire);
    free(before);
    free(after);
  }
  assert_int_equal(n, 2);
}

static void fill_packet(ztk_csprng *g, uint8_t *buf, size_t len)
{
  ztk_wr w = ztk_packet_start(buf, len, 0x2fe15dea2dull, 0xefe8197bb7ull, ZTK_VERB_FRAME, g);
  uint8_t *payload = ztk_wr_reserve(&w, len - ZTK_PROTO_MIN_PACKET_LENGTH);
  assert_int_equal(w.err, 0);
  ztk_csprng_bytes(g, payload, len - ZTK_PROTO_MIN_PACKET_LENGTH);
}

static void test_round_trips(void **state)
{
  static uint8_t buf[ZTK_PROTO_MAX_PACKET_LENGTH], copy[ZTK_PROTO_MAX_PACKET_LENGTH];
  static const size_t sizes[] = {28, 29, 91, 92, 93, 155, 1432, 2838, ZTK_PROTO_MAX_PACKET_LENGTH};
  static const unsigned suites[] = {0, 1, 3};
  uint8_t seed[32] = {7}, key48[48];
  ztk_csprng g;
  ztk_peer_key k;
  ztk_csprng_seed(&g, seed);
  ztk_csprng_bytes(&g, key48, sizeof key48);
  ztk_peer_key_init(&k, key48);
  for (size_t s = 0; s < 3; s++) {
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
      fill_packet(&g, buf, sizes[i]);
      ztk_packet_set_fragmented(buf, sizes[i] > ZTK_DEFAULT_PHYSMTU);
      memcpy(copy, buf, sizes[i]);
      assert_int_equal(ztk_armor(buf, sizes[i], &k, suites[s]), 0);
      assert_int_equal(ztk_packet_cipher(buf), suites[s]);
      assert_int_equal((buf[ZTK_PKT_IDX_FLAGS] & ZTK_PKT_FLAG_ENCRYPTED) != 0, suites[s] == 1);
      if (suites[s] != 0 && sizes[i] > 40)
        assert_memory_not_equal(buf + ZTK_PKT_IDX_VERB, copy + ZTK_PKT_IDX_VERB, 13);
      assert_int_equal(ztk_dearmor(buf, sizes[i], &k), 0);
      assert_memory_equal(buf + ZTK_PKT_IDX_VERB, copy + ZTK_PKT_IDX_VERB,
                          sizes[i] - ZTK_PKT_IDX_VERB);
      assert_memory_equal(buf + ZTK_PKT_IDX_DEST, copy + ZTK_PKT_IDX_DEST, 10);
      assert_int_equal(ztk_packet_fragmented(buf), sizes[i] > ZTK_DEFAULT_PHYSMTU);
    }
  }
  ztk_peer_key_free(&k);
}

/* Every single-bit change of an armored packet must fail authentication or be refused,
 * except in the hop count, which relays change. */
static void check_bit_flips(ztk_peer_key *k, const uint8_t *armored, size_t len)
{
  static uint8_t buf[256];
  assert_true(len <= sizeof buf);
  for (size_t byte = 0; byte < len; byte++) {
    for (int bit = 0; bit < 8; bit++) {
      memcpy(buf, armored, len);
      buf[byte] ^= (uint8_t)(1u << bit);
      int rc = ztk_dearmor(buf, len, k);
      if (byte == ZTK_PKT_IDX_FLAGS && bit < 3)
        assert_int_equal(rc, 0);
      else if (byte == ZTK_PKT_IDX_FLAGS && bit >= 3 && bit <= 5)
        assert_true(rc == ZTK_EAUTH || rc == ZTK_EPKT_CIPHER);
      else
        assert_int_equal(rc, ZTK_EAUTH);
    }
  }
}

static void test_refusals(void **state)
{
  static uint8_t buf[ZTK_PROTO_MAX_PACKET_LENGTH + 1], armored[100];
  uint8_t seed[32] = {9}, key48[48], other48[48];
  ztk_csprng g;
  ztk_peer_key k, wrong, wrong_aes;
  ztk_csprng_seed(&g, seed);
  ztk_csprng_bytes(&g, key48, 48);
  memcpy(other48, key48, 48);
  other48[0] ^= 1;
  ztk_peer_key_init(&wrong, other48);
  other48[0] ^= 1;
  other48[47] ^= 1; /* only the AES keys differ: suites 0/1 use bytes 0..31 */
  ztk_peer_key_init(&wrong_aes, other48);
  ztk_peer_key_init(&k, key48);

  fill_packet(&g, buf, 100);
  assert_int_equal(ztk_armor(buf, 27, &k, 1), ZTK_EPKT_SHORT);
  assert_int_equal(ztk_dearmor(buf, 27, &k), ZTK_EPKT_SHORT);
  assert_int_equal(ztk_armor(buf, sizeof buf, &k, 1), ZTK_EPKT_LONG);
  assert_int_equal(ztk_dearmor(buf, sizeof buf, &k), ZTK_EPKT_LONG);
  for (unsigned suite = 0; suite < 8; suite++) {
    if (suite == 0 || suite == 1 || suite == 3)
      continue;
    assert_int_equal(ztk_armor(buf, 100, &k, suite), ZTK_EPKT_CIPHER);
    ztk_packet_set_cipher(buf, suite);
    assert_int_equal(ztk_dearmor(buf, 100, &k), ZTK_EPKT_CIPHER);
  }

  for (unsigned suite = 0; suite < 4; suite++) {
    if (suite == 2)
      continue;
    fill_packet(&g, armored, sizeof armored);
    assert_int_equal(ztk_armor(armored, sizeof armored, &k, suite), 0);
    memcpy(buf, armored, sizeof armored);
    assert_int_equal(ztk_dearmor(buf, sizeof armored, &wrong), ZTK_EAUTH);
    memcpy(buf, armored, sizeof armored);
    assert_int_equal(ztk_dearmor(buf, sizeof armored, &wrong_aes), suite == 3 ? ZTK_EAUTH : 0);
    memcpy(buf, armored, sizeof armored);
    assert_int_equal(ztk_dearmor(buf, sizeof armored - 1, &k), ZTK_EAUTH);
    check_bit_flips(&k, armored, sizeof armored);
  }
  ztk_peer_key_free(&k);
  ztk_peer_key_free(&wrong);
  ztk_peer_key_free(&wrong_aes);
}

static void test_peer_key(void **state)
{
  uint8_t key48[48] = {1, 2, 3}, pkt[64] = {0};
  ztk_peer_key k;
  ztk_peer_key_init(&k, key48);
  assert_null(k.aes);
  assert_int_equal(ztk_armor(pkt, sizeof pkt, &k, 1), 0);
  assert_null(k.aes); /* suites 0/1 never need the AES contexts */
  assert_int_equal(ztk_armor(pkt, sizeof pkt, &k, 3), 0);
  assert_non_null(k.aes);
  ztk_aes_siv *first = k.aes;
  assert_int_equal(ztk_peer_key_prepare(&k), 0);
  assert_ptr_equal(k.aes, first);
  assert_int_equal(ztk_dearmor(pkt, sizeof pkt, &k), 0);
  ztk_peer_key_free(&k);
  assert_null(k.aes);
  uint8_t zero[48] = {0};
  assert_memory_equal(k.key, zero, 48);
  ztk_peer_key_init(&k, key48);
  assert_int_equal(ztk_peer_key_prepare(&k), 0);
  assert_non_null(k.aes);
  ztk_peer_key_free(&k);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_packet_vectors), cmocka_unit_test(test_hello_cryptfield),
      cmocka_unit_test(test_round_trips),    cmocka_unit_test(test_refusals),
      cmocka_unit_test(test_peer_key),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
