/* LZ4 payload compression: the compressed vectors decompress to the given plaintext, the
 * sender rules (> 64 bytes, strictly smaller), and bounded, refusing decompression. */
#include "tests/support/keyring.h"
#include "tests/support/vectors.h"

#include <lz4.h>
#include <stdlib.h>
#include <string.h>

#include "core/crypto/csprng.h"
#include "core/packet/armor.h"
#include "core/packet/compress.h"
#include "core/packet/packet.h"

static uint8_t buf[ZTK_PROTO_MAX_PACKET_LENGTH + 64];

/* Builds header + verb byte + payload in buf; returns the length. */
static size_t make_packet(uint8_t verb_byte, const uint8_t *payload, size_t n)
{
  memset(buf, 0, ZTK_PKT_IDX_PAYLOAD);
  buf[ZTK_PKT_IDX_VERB] = verb_byte;
  if (n)
    memcpy(buf + ZTK_PKT_IDX_PAYLOAD, payload, n);
  return ZTK_PKT_IDX_PAYLOAD + n;
}

/* Dearmors a vector's wire bytes and checks the decompressed payload. */
static void check_compressed_vector(const tv_keyring *ring, const json_t *v)
{
  size_t wlen, ulen;
  uint8_t *wire = tv_hex(v, "assembled_wire", &wlen);
  uint8_t *want = tv_hex(v, "uncompressed_payload_after_verb", &ulen);
  uint8_t key48[48];
  ztk_peer_key k;
  tv_keyring_key48(ring, ztk_packet_source(wire), ztk_packet_dest(wire), key48);
  ztk_peer_key_init(&k, key48);
  memcpy(buf, wire, wlen);
  assert_int_equal(ztk_dearmor(buf, wlen, &k), 0);
  assert_true(ztk_packet_compressed(buf));
  uint8_t verb = ztk_packet_verb(buf);
  size_t len = wlen;
  assert_int_equal(ztk_packet_decompress(buf, &len, sizeof buf), 0);
  assert_false(ztk_packet_compressed(buf));
  assert_int_equal(ztk_packet_verb(buf), verb);
  assert_int_equal(len, ZTK_PKT_IDX_PAYLOAD + ulen);
  assert_memory_equal(buf + ZTK_PKT_IDX_PAYLOAD, want, ulen);

  /* Our own compression of the same payload is shorter and comes back intact. */
  bool did = false;
  assert_int_equal(ztk_packet_compress(buf, &len, &did), 0);
  assert_true(did);
  assert_true(ztk_packet_compressed(buf));
  assert_true(len < ZTK_PKT_IDX_PAYLOAD + ulen);
  assert_int_equal(ztk_packet_decompress(buf, &len, sizeof buf), 0);
  assert_int_equal(len, ZTK_PKT_IDX_PAYLOAD + ulen);
  assert_memory_equal(buf + ZTK_PKT_IDX_PAYLOAD, want, ulen);
  ztk_peer_key_free(&k);
  free(wire);
  free(want);
}

static void test_vectors(void **state)
{
  tv_keyring ring;
  tv_keyring_from_vectors(&ring);
  size_t i, n = 0;
  json_t *v;
  json_t *root = tv_load("vectors/packets.json");
  json_array_foreach(json_object_get(root, "packets"), i, v)
  {
    if (!json_object_get(v, "compressed"))
      continue;
    if (!json_is_true(json_object_get(v, "compressed"))) {
      /* compress() declined this one: payload of at most 64 bytes. */
      size_t plen;
      uint8_t *p = tv_hex(v, "plaintext_from_verb_byte", &plen);
      size_t len = make_packet(p[0], p + 1, plen - 1), before = len;
      bool did = true;
      assert_int_equal(ztk_packet_compress(buf, &len, &did), 0);
      assert_false(did);
      assert_int_equal(len, before);
      free(p);
      continue;
    }
    /* packets.json has the wire under "wire"; reuse the checker by aliasing the names. */
    json_t *alias = json_deep_copy(v);
    json_object_set(alias, "assembled_wire", json_object_get(v, "wire"));
    check_compressed_vector(&ring, alias);
    json_decref(alias);
    n++;
  }
  json_decref(root);
  root = tv_load("vectors/fragmentation.json");
  json_array_foreach(json_object_get(root, "fragmented_packets"), i, v)
  {
    if (json_is_true(json_object_get(v, "compressed"))) {
      check_compressed_vector(&ring, v);
      n++;
    }
  }
  json_decref(root);
  assert_int_equal(n, 3);
}

static void test_sender_rules(void **state)
{
  static uint8_t payload[4000];
  uint8_t seed[32] = {3};
  ztk_csprng g;
  bool did;
  size_t len;

  memset(payload, 'z', sizeof payload);
  len = make_packet(ZTK_VERB_MULTICAST_LIKE | ZTK_VERB_FLAG_COMPRESSED, payload, 64);
  assert_int_equal(ztk_packet_compress(buf, &len, &did), 0);
  assert_false(did);
  assert_false(ztk_packet_compressed(buf)); /* a stale flag is cleared */
  assert_int_equal(len, ZTK_PKT_IDX_PAYLOAD + 64);

  len = make_packet(ZTK_VERB_MULTICAST_LIKE, payload, 65);
  assert_int_equal(ztk_packet_compress(buf, &len, NULL), 0);
  assert_true(ztk_packet_compressed(buf));
  assert_true(len < ZTK_PKT_IDX_PAYLOAD + 65);

  ztk_csprng_seed(&g, seed);
  ztk_csprng_bytes(&g, payload, sizeof payload);
  len = make_packet(ZTK_VERB_FRAME, payload, sizeof payload);
  assert_int_equal(ztk_packet_compress(buf, &len, &did), 0);
  assert_false(did); /* random bytes do not shrink */
  assert_int_equal(len, ZTK_PKT_IDX_PAYLOAD + sizeof payload);
  assert_memory_equal(buf + ZTK_PKT_IDX_PAYLOAD, payload, sizeof payload);

  len = 27;
  assert_int_equal(ztk_packet_compress(buf, &len, &did), ZTK_EPKT_SHORT);
  len = ZTK_PROTO_MAX_PACKET_LENGTH + 1;
  assert_int_equal(ztk_packet_compress(buf, &len, &did), ZTK_EPKT_LONG);
}

static void test_decompress_refusals(void **state)
{
  static uint8_t big[ZTK_PROTO_MAX_PACKET_LENGTH],
      block[LZ4_COMPRESSBOUND(ZTK_PROTO_MAX_PACKET_LENGTH)];
  size_t len;

  /* Uncompressed packets are left alone. */
  len = make_packet(ZTK_VERB_ECHO, (const uint8_t *)"abc", 3);
  assert_int_equal(ztk_packet_decompress(buf, &len, sizeof buf), 0);
  assert_int_equal(len, 31);

  /* An empty compressed payload only loses the flag (as 1.14.1). */
  len = make_packet(ZTK_VERB_ECHO | ZTK_VERB_FLAG_COMPRESSED, NULL, 0);
  assert_int_equal(ztk_packet_decompress(buf, &len, sizeof buf), 0);
  assert_int_equal(len, 28);
  assert_false(ztk_packet_compressed(buf));

  /* Not an LZ4 block. */
  static const uint8_t junk[] = {0xff, 0xff, 0xff, 0x00, 0x01};
  len = make_packet(ZTK_VERB_ECHO | ZTK_VERB_FLAG_COMPRESSED, junk, sizeof junk);
  assert_int_equal(ztk_packet_decompress(buf, &len, sizeof buf), ZTK_EPKT_COMPRESS);
  assert_int_equal(len, 28 + sizeof junk);

  /* The largest payload that fits a packet decompresses; one byte more does not. */
  int n =
      LZ4_compress_default((const char *)big, (char *)block, ZTK_PROTO_MAX_PAYLOAD, sizeof block);
  assert_true(n > 0);
  len = make_packet(ZTK_VERB_FRAME | ZTK_VERB_FLAG_COMPRESSED, block, (size_t)n);
  assert_int_equal(ztk_packet_decompress(buf, &len, sizeof buf), 0);
  assert_int_equal(len, ZTK_PROTO_MAX_PACKET_LENGTH);
  len = make_packet(ZTK_VERB_FRAME | ZTK_VERB_FLAG_COMPRESSED, block, (size_t)n);
  assert_int_equal(ztk_packet_decompress(buf, &len, 1000), ZTK_ENOSPACE);

  n = LZ4_compress_default((const char *)big, (char *)block, ZTK_PROTO_MAX_PAYLOAD + 1,
                           sizeof block);
  len = make_packet(ZTK_VERB_FRAME | ZTK_VERB_FLAG_COMPRESSED, block, (size_t)n);
  assert_int_equal(ztk_packet_decompress(buf, &len, sizeof buf), ZTK_EPKT_COMPRESS);

  /* Every truncation of a valid block is refused or decodes within bounds. */
  n = LZ4_compress_default("hello hello hello hello hello hello", (char *)block, 35, sizeof block);
  for (int cut = 1; cut < n; cut++) {
    len = make_packet(ZTK_VERB_ECHO | ZTK_VERB_FLAG_COMPRESSED, block, (size_t)cut);
    int rc = ztk_packet_decompress(buf, &len, sizeof buf);
    assert_true(rc == ZTK_EPKT_COMPRESS || (rc == 0 && len <= ZTK_PROTO_MAX_PACKET_LENGTH));
  }
  len = 27;
  assert_int_equal(ztk_packet_decompress(buf, &len, sizeof buf), ZTK_EPKT_SHORT);
  len = ZTK_PROTO_MAX_PACKET_LENGTH + 1;
  assert_int_equal(ztk_packet_decompress(buf, &len, sizeof buf), ZTK_EPKT_LONG);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_vectors),
      cmocka_unit_test(test_sender_rules),
      cmocka_unit_test(test_decompress_refusals),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
