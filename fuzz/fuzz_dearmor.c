/* Target: ztk_dearmor, ztk_armor, ztk_packet_decompress, ztk_hello_decode and the VL1 verb
 * decoders.
 *
 * Input: one mode byte, then a packet. Mode bit 2 clear: the packet is dearmored as received,
 * with the fixed key of its (source, destination) pair when that pair is one of the test
 * identities' (so vector and capture seeds authenticate), else with a default key. Bit 2 set:
 * the packet is first armored with suite (0, 1, 3, 3)[mode & 3], which must succeed and then
 * dearmor back to the same bytes, so the fuzzer reaches decompression and the decoders with
 * any content. After a successful dearmor, suites 0/1 must re-armor to the input (when the
 * legacy 0x80 bit is as senders set it), and the packet is decompressed and its VL1 verb
 * decoded. */
#include <stdint.h>
#include <string.h>

#include "core/packet/armor.h"
#include "core/packet/compress.h"
#include "core/packet/packet.h"
#include "core/util/hex.h"
#include "fuzz/vl1_decode.h"

static const struct {
  ztk_address a, b;
  const char *key48;
} pairs[] = {
    {0x6db275b3b2ull, 0x4b5aaf4557ull,
     "e64dfd0c415744a55a5a2b623c8dbdae391fc1d2f9790552076619a0ddcaced2533152870daa8ae64392a11de91ea"
     "7c9"},
    {0x6db275b3b2ull, 0x8ca0b051fdull,
     "c51bf950078f4c9b45859961831bd774ed5fe42681e8bf5058b1717f82db6ef7145aaf7a305cf0cdf8ade26ca6552"
     "880"},
    {0x6db275b3b2ull, 0x063a948b95ull,
     "1a4218dec69cd9d8f72c8785289954026c0c21e95a2b5f6c689ed7bd50d2b415ffd2d9b4ba62c009228226f324231"
     "f69"},
    {0x4b5aaf4557ull, 0x8ca0b051fdull,
     "92535f087f8044d7c802891a6be86abfa647a9e682b8d13a94c68df3b6a79c335c92edf19084e74d103f7f98d9426"
     "5db"},
    {0x4b5aaf4557ull, 0x063a948b95ull,
     "76cbfdd79f87a109c75e25eac7bb581001d8b1f5df5ab5ed7b29d534e47bfba3a381f85318778a6102dd44967c239"
     "748"},
    {0x8ca0b051fdull, 0x063a948b95ull,
     "fe61670a3eb524c4596263895caf7bf3b9673fd3d1586b584ea45509ceca3d61d49064fe8d3756baf8fc5c34d3e83"
     "5df"},
    {0xefe8197bb7ull, 0x2fe15dea2dull,
     "d644a7d97da38dd8b03481c39d48ea807f27f43d7b6032c00496037e9aa89d1e05df5eb285a93edb4e2c4a1cd607e"
     "46c"},
    {0xefe8197bb7ull, 0x89419d3fcdull,
     "a8b8dfd680fc127dabc108d73a793cba56a89a25adf98a2253a93c4753dc6780216e40bcd7193887b16691333fb83"
     "fad"},
    {0xefe8197bb7ull, 0xb1be945578ull,
     "129a731b7744698faf68699d60890f3c46e670efe2ead380bb9edb630dcb0d01ef681cff8975902666ba921e74f25"
     "31a"},
};
#define NPAIRS (sizeof pairs / sizeof pairs[0])

static ztk_peer_key keys[NPAIRS + 1]; /* the last one is the default key */
static uint8_t pkt[ZTK_PROTO_MAX_PACKET_LENGTH + 64], copy[ZTK_PROTO_MAX_PACKET_LENGTH + 64];

static ztk_peer_key *key_for(const uint8_t *p, size_t len)
{
  static int ready;
  if (!ready) {
    uint8_t k[48];
    for (size_t i = 0; i < NPAIRS; i++) {
      fuzz_check(ztk_hex_decode(k, 48, pairs[i].key48, 96) == 0);
      ztk_peer_key_init(&keys[i], k);
    }
    memset(k, 0x42, sizeof k);
    ztk_peer_key_init(&keys[NPAIRS], k);
    ready = 1;
  }
  if (len >= ZTK_PROTO_MIN_PACKET_LENGTH) {
    ztk_address s = ztk_packet_source(p), d = ztk_packet_dest(p);
    for (size_t i = 0; i < NPAIRS; i++)
      if ((pairs[i].a == s && pairs[i].b == d) || (pairs[i].a == d && pairs[i].b == s))
        return &keys[i];
  }
  return &keys[NPAIRS];
}

static void after_dearmor(ztk_peer_key *k, size_t len)
{
  if (ztk_packet_decompress(pkt, &len, sizeof pkt))
    return;
  fuzz_check(len >= ZTK_PROTO_MIN_PACKET_LENGTH && len <= ZTK_PROTO_MAX_PACKET_LENGTH);
  const uint8_t *payload = pkt + ZTK_PKT_IDX_PAYLOAD;
  size_t plen = len - ZTK_PKT_IDX_PAYLOAD;
  enum fuzz_decoder d = fuzz_decoder_for(payload, plen, ztk_packet_verb(pkt));
  if (d == FUZZ_HELLO) {
    ztk_hello h;
    int rc = ztk_hello_decode(pkt, len, k, &h);
    fuzz_check(rc <= 0);
  } else if (d != FUZZ_DECODERS) {
    fuzz_decode(d, payload, plen);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const unsigned suites[4] = {0, 1, 3, 3};
  if (size < 1 || size - 1 > sizeof pkt)
    return 0;
  uint8_t mode = data[0];
  size_t len = size - 1;
  memcpy(pkt, data + 1, len);
  ztk_peer_key *k = key_for(pkt, len);
  int rc;
  if (mode & 4) {
    unsigned suite = suites[mode & 3];
    rc = ztk_armor(pkt, len, k, suite);
    if (len < ZTK_PROTO_MIN_PACKET_LENGTH || len > ZTK_PROTO_MAX_PACKET_LENGTH) {
      fuzz_check(rc == (len < ZTK_PROTO_MIN_PACKET_LENGTH ? ZTK_EPKT_SHORT : ZTK_EPKT_LONG));
      return 0;
    }
    fuzz_check(rc == 0 && ztk_packet_cipher(pkt) == suite);
    fuzz_check(ztk_dearmor(pkt, len, k) == 0);
    fuzz_check(
        memcmp(pkt + ZTK_PKT_IDX_VERB, data + 1 + ZTK_PKT_IDX_VERB, len - ZTK_PKT_IDX_VERB) == 0);
  } else {
    rc = ztk_dearmor(pkt, len, k);
    fuzz_check(rc <= 0);
    if (rc)
      return 0;
    unsigned suite = ztk_packet_cipher(pkt);
    bool legacy_bit = (ztk_packet_flags(pkt) & ZTK_PKT_FLAG_ENCRYPTED) != 0;
    /* Suites 0/1 re-armor to the input when the legacy bit is as senders set it. */
    if (suite != ZTK_CIPHER_AES_GMAC_SIV &&
        legacy_bit == (suite == ZTK_CIPHER_POLY1305_SALSA2012)) {
      memcpy(copy, pkt, len);
      fuzz_check(ztk_armor(copy, len, k, suite) == 0);
      fuzz_check(
          memcmp(copy + ZTK_PKT_IDX_MAC, data + 1 + ZTK_PKT_IDX_MAC, len - ZTK_PKT_IDX_MAC) == 0);
    }
  }
  after_dearmor(k, len);
  return 0;
}
