/* Packet layer figures: armor+dearmor round trips per second and payload MB/s for each cipher
 * suite at 64- and 1400-byte payloads, LZ4 compress+decompress of a text-like payload, and
 * fragments reassembled per second. Optional argument: seconds per figure (default 1). */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench.h"
#include "core/crypto/csprng.h"
#include "core/packet/armor.h"
#include "core/packet/compress.h"
#include "core/packet/fragment.h"
#include "core/packet/packet.h"

static uint8_t pkt[ZTK_PROTO_MAX_PACKET_LENGTH], out[ZTK_PROTO_MAX_PACKET_LENGTH];
static ztk_fragq q;
static long failures;

static void armor_round(uint8_t *p, size_t len, ztk_peer_key *k, unsigned suite)
{
  if (ztk_armor(p, len, k, suite) || ztk_dearmor(p, len, k))
    failures++;
}

static void bench_armor(double secs, ztk_csprng *g, ztk_peer_key *k, unsigned suite, size_t payload)
{
  double r;
  size_t len = ZTK_PKT_IDX_PAYLOAD + payload;
  ztk_wr w = ztk_packet_start(pkt, sizeof pkt, 0x2fe15dea2dull, 0xefe8197bb7ull, ZTK_VERB_FRAME, g);
  ztk_csprng_bytes(g, ztk_wr_reserve(&w, payload), payload);
  BENCH_LOOP(secs, r, armor_round(pkt, len, k, suite));
  char name[64];
  snprintf(name, sizeof name, "armor+dearmor suite=%u size=%zu", suite, payload);
  bench_print(name, r * (double)payload / 1e6, "MB/s");
  snprintf(name, sizeof name, "armor+dearmor suite=%u size=%zu rate", suite, payload);
  bench_print(name, r, "packets/s");
}

static void compress_round(size_t len)
{
  size_t n = len;
  if (ztk_packet_compress(pkt, &n, NULL) || ztk_packet_decompress(pkt, &n, sizeof pkt) || n != len)
    failures++;
}

static void bench_compress(double secs)
{
  double r;
  size_t len = ZTK_PKT_IDX_PAYLOAD + 1400;
  for (size_t i = 0; i < 1400; i++)
    pkt[ZTK_PKT_IDX_PAYLOAD + i] = (uint8_t)("nwid=89419d3fcd000abc\nts=18bcfe56800\n"[i % 37]);
  BENCH_LOOP(secs, r, compress_round(len));
  bench_print("lz4 compress+decompress size=1400", r * 1400 / 1e6, "MB/s");
}

static void reassemble(uint8_t dg[][ZTK_DEFAULT_PHYSMTU], const size_t *dglen, size_t n, size_t len)
{
  for (size_t i = 0; i < n; i++) {
    int rc = ztk_fragq_add(&q, 0, dg[i], dglen[i], out, sizeof out);
    if (rc < 0 || (i + 1 == n && rc != (int)len))
      failures++;
  }
}

static void bench_fragments(double secs)
{
  static uint8_t dg[ZTK_MAX_PACKET_FRAGMENTS][ZTK_DEFAULT_PHYSMTU];
  size_t dglen[ZTK_MAX_PACKET_FRAGMENTS], len = 4000;
  double r;
  memset(pkt, 0x5a, len);
  int n = ztk_fragment_prepare(pkt, len, ZTK_DEFAULT_PHYSMTU);
  for (int i = 0; i < n; i++)
    dglen[i] = (size_t)ztk_fragment_get(pkt, len, ZTK_DEFAULT_PHYSMTU, (unsigned)i, dg[i],
                                        ZTK_DEFAULT_PHYSMTU);
  ztk_fragq_init(&q, 0);
  BENCH_LOOP(secs, r, reassemble(dg, dglen, (size_t)n, len));
  char name[64];
  snprintf(name, sizeof name, "reassembly size=%zu (%d datagrams)", len, n);
  bench_print(name, r, "packets/s");
}

int main(int argc, char **argv)
{
  double secs = argc > 1 ? atof(argv[1]) : 1.0;
  static const unsigned suites[] = {0, 1, 3};
  static const size_t sizes[] = {64, 1400};
  uint8_t seed[32] = {2}, key48[48];
  ztk_csprng g;
  ztk_peer_key k;
  if (sodium_init() < 0)
    return 1;
  ztk_csprng_seed(&g, seed);
  ztk_csprng_bytes(&g, key48, sizeof key48);
  ztk_peer_key_init(&k, key48);
  if (ztk_peer_key_prepare(&k))
    return 1;
  for (size_t s = 0; s < 3; s++)
    for (size_t i = 0; i < 2; i++)
      bench_armor(secs, &g, &k, suites[s], sizes[i]);
  bench_compress(secs);
  bench_fragments(secs);
  ztk_peer_key_free(&k);
  if (failures) {
    fprintf(stderr, "bench_packet: %ld failed operations\n", failures);
    return 1;
  }
  return 0;
}
