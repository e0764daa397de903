/* Crypto and identity figures: identity generations/s, sign/verify/agree ops/s,
 * Salsa20/12 and Poly1305 MB/s, AES-GMAC-SIV MB/s. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench.h"
#include "core/crypto/aes_gmac_siv.h"
#include "core/crypto/csprng.h"
#include "core/crypto/poly1305.h"
#include "core/crypto/salsa.h"
#include "core/identity/identity.h"

static void rng(void *user, void *buf, size_t len) { ztk_csprng_bytes(user, buf, len); }

int main(int argc, char **argv)
{
  double secs = argc > 1 ? atof(argv[1]) : 1.0;
  ztk_csprng g;
  uint8_t seed[32] = {1};
  ztk_identity a, b;
  double r;
  if (sodium_init() < 0)
    return 1;
  ztk_csprng_seed(&g, seed);

  BENCH_LOOP(secs * 3, r, ztk_identity_generate(&a, rng, &g));
  bench_print("identity_generate", r, "ids/s");
  ztk_identity_generate(&b, rng, &g);
  BENCH_LOOP(secs, r, ztk_identity_validate(&a));
  bench_print("identity_validate", r, "ids/s");

  uint8_t msg[64] = {0}, sig[96], key[48];
  BENCH_LOOP(secs, r, ztk_identity_sign(&a, msg, sizeof msg, sig));
  bench_print("sign", r, "ops/s");
  BENCH_LOOP(secs, r, (void)ztk_identity_verify(&a, msg, sizeof msg, sig, 96));
  bench_print("verify", r, "ops/s");
  BENCH_LOOP(secs, r, ztk_identity_agree(&a, &b, key));
  bench_print("agree", r, "ops/s");

  size_t n = 1 << 16;
  uint8_t *buf = calloc(1, n), nonce[8] = {0}, tag[16], aad[16] = {0};
  BENCH_LOOP(secs, r, ztk_salsa2012_xor(buf, buf, n, nonce, 1, key));
  bench_print("salsa20/12", r * n / 1e6, "MB/s");
  BENCH_LOOP(secs, r, ztk_poly1305(tag, buf, n, key));
  bench_print("poly1305", r * n / 1e6, "MB/s");
  ztk_aes_siv *s;
  if (ztk_aes_siv_new(key, &s) == 0) {
    BENCH_LOOP(secs, r, ztk_aes_siv_seal(s, nonce, aad, buf, 1400, tag));
    bench_print("aes-gmac-siv seal 1400B", r * 1400 / 1e6, "MB/s");
    /* ZeroTierOne's selftest times 16 KiB messages: the comparable figure. */
    BENCH_LOOP(secs, r, ztk_aes_siv_seal(s, nonce, aad, buf, 16384, tag));
    bench_print("aes-gmac-siv seal 16384B", r * 16384 / 1e6, "MB/s");
    ztk_aes_siv_free(s);
  }
  free(buf);
  return 0;
}
