#include "core/crypto/salsa2012_x4.h"

#include <stdbool.h>
#include <string.h>

#if (defined(__x86_64__) || defined(__i386__)) && defined(__SSE2__) &&                          \
    (defined(__GNUC__) || defined(__clang__)) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__

/* b ^= (a + d) <<< 7; c ^= (b + a) <<< 9; d ^= (c + b) <<< 13; a ^= (d + c) <<< 18, on whole
 * vectors (every lane a different block). */
#define SALSA_ROTL(v, n) (((v) << (n)) | ((v) >> (32 - (n))))
#define SALSA_QUARTER(a, b, c, d)                                                                 \
  do {                                                                                            \
    b ^= SALSA_ROTL(a + d, 7);                                                                    \
    c ^= SALSA_ROTL(b + a, 9);                                                                    \
    d ^= SALSA_ROTL(c + b, 13);                                                                   \
    a ^= SALSA_ROTL(d + c, 18);                                                                   \
  } while (0)

#define LANES 4
#define LANES_VEC salsa_v4
#define LANES_FN salsa_lanes4
#define LANES_ATTR
#include "core/crypto/salsa2012_lanes.h"

#define LANES 8
#define LANES_VEC salsa_v8
#define LANES_FN salsa_lanes8
#define LANES_ATTR __attribute__((target("avx2")))
#include "core/crypto/salsa2012_lanes.h"

static bool have_avx2(void)
{
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2");
}

size_t ztk_salsa2012_xor_x4(uint8_t *out, const uint8_t *in, size_t nblocks,
                            const uint8_t nonce[8], uint64_t block, const uint8_t key[32])
{
  uint32_t kw[8], nw[2];
  size_t done = 0;
  memcpy(kw, key, sizeof kw);
  memcpy(nw, nonce, sizeof nw);
  if (nblocks >= 8 && have_avx2())
    done = salsa_lanes8(out, in, nblocks, nw, block, kw);
  done += salsa_lanes4(out + done * 64, in + done * 64, nblocks - done, nw, block + done, kw);
  memset(kw, 0, sizeof kw);
  return done;
}

#else

size_t ztk_salsa2012_xor_x4(uint8_t *out, const uint8_t *in, size_t nblocks,
                            const uint8_t nonce[8], uint64_t block, const uint8_t key[32])
{
  (void)out, (void)in, (void)nblocks, (void)nonce, (void)block, (void)key;
  return 0;
}

#endif
