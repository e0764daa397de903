/* The packet header: datagram classification, the packet builder, field accessors, verb names. */
#include "tests/support/vectors.h"

#include <string.h>

#include "core/crypto/csprng.h"
#include "core/packet/packet.h"

static void test_classify(void **state)
{
  uint8_t d[64] = {0};
  assert_int_equal(ztk_datagram_classify(d, 0), ZTK_DGRAM_JUNK);
  assert_int_equal(ztk_datagram_classify(d, 4), ZTK_DGRAM_JUNK);
  assert_int_equal(ztk_datagram_classify(d, 13), ZTK_DGRAM_BEACON);
  assert_int_equal(ztk_datagram_classify(d, 17), ZTK_DGRAM_JUNK);
  assert_int_equal(ztk_datagram_classify(d, 27), ZTK_DGRAM_JUNK);
  assert_int_equal(ztk_datagram_classify(d, 28), ZTK_DGRAM_PACKET);
  d[13] = 0xff;
  assert_int_equal(ztk_datagram_classify(d, 13), ZTK_DGRAM_BEACON);
  assert_int_equal(ztk_datagram_classify(d, 16), ZTK_DGRAM_JUNK);
  assert_int_equal(ztk_datagram_classify(d, 17), ZTK_DGRAM_FRAGMENT);
  assert_int_equal(ztk_datagram_classify(d, 64), ZTK_DGRAM_FRAGMENT);
}

static void test_start(void **state)
{
  static uint8_t buf[ZTK_PROTO_MAX_PACKET_LENGTH + 100];
  uint8_t seed[32] = {1}, expect_id[8];
  ztk_csprng g, g2;
  ztk_csprng_seed(&g, seed);
  ztk_csprng_seed(&g2, seed);
  memset(buf, 0xee, sizeof buf);
  ztk_wr w = ztk_packet_start(buf, sizeof buf, 0x2fe15dea2dull, 0xefe8197bb7ull, ZTK_VERB_ECHO, &g);
  assert_int_equal(w.err, 0);
  assert_int_equal(w.len, ZTK_PKT_IDX_PAYLOAD);
  assert_int_equal(w.cap, ZTK_PROTO_MAX_PACKET_LENGTH);
  ztk_csprng_bytes(&g2, expect_id, 8);
  assert_memory_equal(buf, expect_id, 8);
  assert_int_equal(ztk_packet_dest(buf), 0x2fe15dea2dull);
  assert_int_equal(ztk_packet_source(buf), 0xefe8197bb7ull);
  assert_int_equal(ztk_packet_flags(buf), 0);
  static const uint8_t zero[8] = {0};
  assert_memory_equal(buf + ZTK_PKT_IDX_MAC, zero, 8);
  assert_int_equal(buf[ZTK_PKT_IDX_VERB], ZTK_VERB_ECHO);
  ztk_wr_zero(&w, ZTK_PROTO_MAX_PAYLOAD);
  assert_int_equal(w.err, 0);
  ztk_wr_u8(&w, 1);
  assert_int_equal(w.err, ZTK_ENOSPACE);

  /* Two packets get different ids. */
  ztk_wr w2 = ztk_packet_start(buf + 5000, 100, 1, 2, ZTK_VERB_NOP, &g);
  assert_int_equal(w2.err, 0);
  assert_memory_not_equal(buf, buf + 5000, 8);
  w = ztk_packet_start(buf, 27, 1, 2, ZTK_VERB_NOP, &g);
  assert_int_equal(w.err, ZTK_ENOSPACE);
}

static void test_accessors(void **state)
{
  uint8_t p[28] = {0};
  ztk_packet_set_id(p, 0x0102030405060708ull);
  assert_int_equal(p[0], 1);
  assert_int_equal(p[7], 8);
  assert_int_equal(ztk_packet_id(p), 0x0102030405060708ull);

  ztk_packet_set_hops(p, 5);
  ztk_packet_set_cipher(p, ZTK_CIPHER_POLY1305_SALSA2012);
  assert_int_equal(ztk_packet_flags(p), 0x88 | 5);
  ztk_packet_set_fragmented(p, true);
  assert_int_equal(ztk_packet_flags(p), 0xc8 | 5);
  ztk_packet_set_cipher(p, ZTK_CIPHER_AES_GMAC_SIV);
  assert_int_equal(ztk_packet_flags(p), 0x58 | 5);
  assert_int_equal(ztk_packet_cipher(p), 3);
  assert_int_equal(ztk_packet_hops(p), 5);
  assert_true(ztk_packet_fragmented(p));
  ztk_packet_set_hops(p, 9); /* only three bits */
  assert_int_equal(ztk_packet_hops(p), 1);
  ztk_packet_set_fragmented(p, false);
  ztk_packet_set_cipher(p, ZTK_CIPHER_POLY1305_NONE);
  assert_int_equal(ztk_packet_flags(p), 0x01);

  ztk_packet_set_dest(p, 0xffeeddccbbull);
  ztk_packet_set_source(p, 0x1122334455ull);
  assert_int_equal(ztk_packet_dest(p), 0xffeeddccbbull);
  assert_int_equal(ztk_packet_source(p), 0x1122334455ull);
  assert_int_equal(p[8], 0xff);
  assert_int_equal(p[17], 0x55);
  assert_int_equal(ztk_packet_id(p), 0x0102030405060708ull);

  ztk_packet_set_verb(p, ZTK_VERB_NETWORK_CONFIG | ZTK_VERB_FLAG_COMPRESSED);
  assert_int_equal(p[27], ZTK_VERB_NETWORK_CONFIG);
  assert_false(ztk_packet_compressed(p));
  p[27] |= ZTK_VERB_FLAG_COMPRESSED;
  assert_true(ztk_packet_compressed(p));
  assert_int_equal(ztk_packet_verb(p), ZTK_VERB_NETWORK_CONFIG);
}

static void test_names(void **state)
{
  assert_string_equal(ztk_verb_name(ZTK_VERB_NOP), "NOP");
  assert_string_equal(ztk_verb_name(ZTK_VERB_NETWORK_CONFIG_REQUEST), "NETWORK_CONFIG_REQUEST");
  assert_string_equal(ztk_verb_name(ZTK_VERB_PATH_NEGOTIATION_REQUEST), "PATH_NEGOTIATION_REQUEST");
  assert_string_equal(ztk_verb_name(0x0f), "UNKNOWN");
  assert_string_equal(ztk_verb_name(0x11), "UNKNOWN");
  assert_string_equal(ztk_verb_name(0x17), "UNKNOWN");
  assert_string_equal(ztk_verb_name(1000), "UNKNOWN");
  assert_int_equal(ZTK_PROTO_MAX_PACKET_LENGTH, 10024);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_classify),
      cmocka_unit_test(test_start),
      cmocka_unit_test(test_accessors),
      cmocka_unit_test(test_names),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
