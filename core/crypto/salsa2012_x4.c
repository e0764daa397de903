#include "core/crypto/salsa2012_x4.h"

#if defined(__SSE2__)

#include <emmintrin.h>
#include <string.h>

/* One vector per state word, one lane per block: lane j of word i is word i of block j. */
typedef struct x4 {
  __m128i w[16];
} x4;

static inline __m128i rotl(__m128i v, int n)
{
  return _mm_or_si128(_mm_slli_epi32(v, n), _mm_srli_epi32(v, 32 - n));
}

/* b ^= (a + d) <<< 7; c ^= (b + a) <<< 9; d ^= (c + b) <<< 13; a ^= (d + c) <<< 18 */
#define QUARTER(a, b, c, d)                                                                        \
  do {                                                                                             \
    b = _mm_xor_si128(b, rotl(_mm_add_epi32(a, d), 7));                                            \
    c = _mm_xor_si128(c, rotl(_mm_add_epi32(b, a), 9));                                            \
    d = _mm_xor_si128(d, rotl(_mm_add_epi32(c, b), 13));                                           \
    a = _mm_xor_si128(a, rotl(_mm_add_epi32(d, c), 18));                                           \
  } while (0)

static uint32_t le32(const uint8_t *p)
{
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void init_state(x4 *s, const uint8_t key[32], const uint8_t nonce[8], uint64_t block)
{
  static const uint32_t sigma[4] = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574};
  s->w[0] = _mm_set1_epi32((int)sigma[0]);
  s->w[5] = _mm_set1_epi32((int)sigma[1]);
  s->w[10] = _mm_set1_epi32((int)sigma[2]);
  s->w[15] = _mm_set1_epi32((int)sigma[3]);
  for (int i = 0; i < 4; i++) {
    s->w[1 + i] = _mm_set1_epi32((int)le32(key + 4 * i));
    s->w[11 + i] = _mm_set1_epi32((int)le32(key + 16 + 4 * i));
  }
  s->w[6] = _mm_set1_epi32((int)le32(nonce));
  s->w[7] = _mm_set1_epi32((int)le32(nonce + 4));
  uint64_t c[4] = {block, block + 1, block + 2, block + 3};
  s->w[8] = _mm_set_epi32((int)c[3], (int)c[2], (int)c[1], (int)c[0]);
  s->w[9] = _mm_set_epi32((int)(c[3] >> 32), (int)(c[2] >> 32), (int)(c[1] >> 32),
                          (int)(c[0] >> 32));
}

static void rounds12(x4 *x)
{
  __m128i *w = x->w;
  for (int r = 0; r < 12; r += 2) {
    QUARTER(w[0], w[4], w[8], w[12]);
    QUARTER(w[5], w[9], w[13], w[1]);
    QUARTER(w[10], w[14], w[2], w[6]);
    QUARTER(w[15], w[3], w[7], w[11]);
    QUARTER(w[0], w[1], w[2], w[3]);
    QUARTER(w[5], w[6], w[7], w[4]);
    QUARTER(w[10], w[11], w[8], w[9]);
    QUARTER(w[15], w[12], w[13], w[14]);
  }
}

/* Words q*4 .. q*4+3 of the four blocks, transposed so that out[j] holds those words of block
 * j, XORed onto the input at block j's offset. */
static void emit_quad(const x4 *ks, int q, uint8_t *out, const uint8_t *in)
{
  __m128i a = ks->w[4 * q], b = ks->w[4 * q + 1], c = ks->w[4 * q + 2], d = ks->w[4 * q + 3];
  __m128i ab_lo = _mm_unpacklo_epi32(a, b), ab_hi = _mm_unpackhi_epi32(a, b);
  __m128i cd_lo = _mm_unpacklo_epi32(c, d), cd_hi = _mm_unpackhi_epi32(c, d);
  __m128i rows[4] = {_mm_unpacklo_epi64(ab_lo, cd_lo), _mm_unpackhi_epi64(ab_lo, cd_lo),
                     _mm_unpacklo_epi64(ab_hi, cd_hi), _mm_unpackhi_epi64(ab_hi, cd_hi)};
  for (int j = 0; j < 4; j++) {
    size_t off = (size_t)j * 64 + (size_t)q * 16;
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(in + off));
    _mm_storeu_si128((__m128i *)(void *)(out + off), _mm_xor_si128(v, rows[j]));
  }
}

size_t ztk_salsa2012_xor_x4(uint8_t *out, const uint8_t *in, size_t nblocks,
                            const uint8_t nonce[8], uint64_t block, const uint8_t key[32])
{
  x4 init, x;
  size_t done = 0;
  init_state(&init, key, nonce, block);
  for (; done + 4 <= nblocks; done += 4) {
    x = init;
    rounds12(&x);
    for (int i = 0; i < 16; i++)
      x.w[i] = _mm_add_epi32(x.w[i], init.w[i]);
    for (int q = 0; q < 4; q++)
      emit_quad(&x, q, out + done * 64, in + done * 64);
    /* Next four 64-bit counters (scalar: once per 256 bytes, carries included). */
    uint32_t l[4], h[4];
    _mm_storeu_si128((__m128i *)(void *)l, init.w[8]);
    _mm_storeu_si128((__m128i *)(void *)h, init.w[9]);
    for (int j = 0; j < 4; j++) {
      uint64_t c = ((uint64_t)h[j] << 32 | l[j]) + 4;
      l[j] = (uint32_t)c;
      h[j] = (uint32_t)(c >> 32);
    }
    init.w[8] = _mm_loadu_si128((const __m128i *)(const void *)l);
    init.w[9] = _mm_loadu_si128((const __m128i *)(const void *)h);
  }
  memset(&x, 0, sizeof x);
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
