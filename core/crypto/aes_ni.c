#include "core/crypto/aes_ni.h"

#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#define ZTK_AESNI_FN __attribute__((target("aes,pclmul,ssse3,sse4.1")))

bool ztk_aesni_available(void)
{
  __builtin_cpu_init();
  return __builtin_cpu_supports("aes") && __builtin_cpu_supports("pclmul") &&
         __builtin_cpu_supports("ssse3") && __builtin_cpu_supports("sse4.1");
}

/* ---- AES-256 ---- */

/* One half-step of the AES-256 key schedule: k with its three prefix XORs, plus the word
 * aeskeygenassist produced (broadcast by the caller's shuffle). */
ZTK_AESNI_FN static inline __m128i schedule_mix(__m128i k, __m128i word)
{
  k = _mm_xor_si128(k, _mm_slli_si128(k, 4));
  k = _mm_xor_si128(k, _mm_slli_si128(k, 4));
  k = _mm_xor_si128(k, _mm_slli_si128(k, 4));
  return _mm_xor_si128(k, word);
}

/* aeskeygenassist needs its round constant as an immediate, hence a macro per round. */
#define SCHEDULE_PAIR(rk, i, rcon)                                                            \
  do {                                                                                        \
    rk[2 * (i)] = schedule_mix(rk[2 * (i)-2],                                                 \
                               _mm_shuffle_epi32(_mm_aeskeygenassist_si128(rk[2 * (i)-1], rcon), \
                                                 0xff));                                      \
    if ((i) < 7)                                                                              \
      rk[2 * (i) + 1] = schedule_mix(                                                         \
          rk[2 * (i)-1], _mm_shuffle_epi32(_mm_aeskeygenassist_si128(rk[2 * (i)], 0), 0xaa)); \
  } while (0)

ZTK_AESNI_FN static void expand_key(const uint8_t key[32], __m128i rk[15])
{
  rk[0] = _mm_loadu_si128((const __m128i *)key);
  rk[1] = _mm_loadu_si128((const __m128i *)(key + 16));
  SCHEDULE_PAIR(rk, 1, 0x01);
  SCHEDULE_PAIR(rk, 2, 0x02);
  SCHEDULE_PAIR(rk, 3, 0x04);
  SCHEDULE_PAIR(rk, 4, 0x08);
  SCHEDULE_PAIR(rk, 5, 0x10);
  SCHEDULE_PAIR(rk, 6, 0x20);
  SCHEDULE_PAIR(rk, 7, 0x40);
}

ZTK_AESNI_FN static inline __m128i encrypt_block(const uint8_t rk[15][16], __m128i x)
{
  x = _mm_xor_si128(x, _mm_load_si128((const __m128i *)rk[0]));
  for (int r = 1; r < 14; r++)
    x = _mm_aesenc_si128(x, _mm_load_si128((const __m128i *)rk[r]));
  return _mm_aesenclast_si128(x, _mm_load_si128((const __m128i *)rk[14]));
}

ZTK_AESNI_FN static inline __m128i decrypt_block(const uint8_t rk[15][16], __m128i x)
{
  x = _mm_xor_si128(x, _mm_load_si128((const __m128i *)rk[0]));
  for (int r = 1; r < 14; r++)
    x = _mm_aesdec_si128(x, _mm_load_si128((const __m128i *)rk[r]));
  return _mm_aesdeclast_si128(x, _mm_load_si128((const __m128i *)rk[14]));
}

/* ---- GHASH in the byte-reversed domain: blocks are byte-swapped on load so that
 * PCLMULQDQ's bit order lines up with GCM's reflected polynomial. ---- */

ZTK_AESNI_FN static inline __m128i bswap128(__m128i x)
{
  return _mm_shuffle_epi8(x, _mm_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
}

/* The 256-bit carry-less product a*b, unreduced, added into *lo / *hi. */
ZTK_AESNI_FN static inline void clmul_acc(__m128i a, __m128i b, __m128i *lo, __m128i *hi)
{
  __m128i mid = _mm_xor_si128(_mm_clmulepi64_si128(a, b, 0x10), _mm_clmulepi64_si128(a, b, 0x01));
  *lo = _mm_xor_si128(*lo, _mm_xor_si128(_mm_clmulepi64_si128(a, b, 0x00), _mm_slli_si128(mid, 8)));
  *hi = _mm_xor_si128(*hi, _mm_xor_si128(_mm_clmulepi64_si128(a, b, 0x11), _mm_srli_si128(mid, 8)));
}

/* Reduces hi:lo modulo the GCM polynomial. The product of two reflected values is one bit
 * short, so the 256 bits are first shifted left by one; then the two-phase shift-and-XOR
 * reduction for x^128 + x^7 + x^2 + x + 1. */
ZTK_AESNI_FN static inline __m128i ghash_reduce(__m128i lo, __m128i hi)
{
  __m128i carry_lo = _mm_srli_epi32(lo, 31), carry_hi = _mm_srli_epi32(hi, 31);
  __m128i across = _mm_srli_si128(carry_lo, 12);
  lo = _mm_or_si128(_mm_slli_epi32(lo, 1), _mm_slli_si128(carry_lo, 4));
  hi = _mm_or_si128(_mm_or_si128(_mm_slli_epi32(hi, 1), _mm_slli_si128(carry_hi, 4)), across);

  __m128i a = _mm_xor_si128(_mm_slli_epi32(lo, 31),
                            _mm_xor_si128(_mm_slli_epi32(lo, 30), _mm_slli_epi32(lo, 25)));
  __m128i spill = _mm_srli_si128(a, 4);
  lo = _mm_xor_si128(lo, _mm_slli_si128(a, 12));

  __m128i b = _mm_xor_si128(_mm_srli_epi32(lo, 1),
                            _mm_xor_si128(_mm_srli_epi32(lo, 2), _mm_srli_epi32(lo, 7)));
  lo = _mm_xor_si128(lo, _mm_xor_si128(b, spill));
  return _mm_xor_si128(hi, lo);
}

ZTK_AESNI_FN static inline __m128i gf_mul(__m128i a, __m128i b)
{
  __m128i lo = _mm_setzero_si128(), hi = _mm_setzero_si128();
  clmul_acc(a, b, &lo, &hi);
  return ghash_reduce(lo, hi);
}

ZTK_AESNI_FN static inline __m128i load_rev(const uint8_t *p)
{
  return bswap128(_mm_loadu_si128((const __m128i *)p));
}

/* X = (X ^ B0)·H^4 ^ B1·H^3 ^ B2·H^2 ^ B3·H over 64 bytes, one reduction per four blocks. */
ZTK_AESNI_FN static inline __m128i ghash_4(const ztk_aesni_siv *s, __m128i x, const uint8_t *p)
{
  __m128i lo = _mm_setzero_si128(), hi = _mm_setzero_si128();
  clmul_acc(_mm_xor_si128(x, load_rev(p)), _mm_load_si128((const __m128i *)s->hpow[3]), &lo, &hi);
  clmul_acc(load_rev(p + 16), _mm_load_si128((const __m128i *)s->hpow[2]), &lo, &hi);
  clmul_acc(load_rev(p + 32), _mm_load_si128((const __m128i *)s->hpow[1]), &lo, &hi);
  clmul_acc(load_rev(p + 48), _mm_load_si128((const __m128i *)s->hpow[0]), &lo, &hi);
  return ghash_reduce(lo, hi);
}

ZTK_AESNI_FN static inline __m128i ghash_1(const ztk_aesni_siv *s, __m128i x, __m128i block_rev)
{
  return gf_mul(_mm_xor_si128(x, block_rev), _mm_load_si128((const __m128i *)s->hpow[0]));
}

ZTK_AESNI_FN void ztk_aesni_siv_init(ztk_aesni_siv *s, const uint8_t k0[32], const uint8_t k1[32])
{
  __m128i rk[15];
  expand_key(k0, rk);
  memcpy(s->k0_enc, rk, sizeof rk);
  expand_key(k1, rk);
  memcpy(s->k1_enc, rk, sizeof rk);
  _mm_store_si128((__m128i *)s->k1_dec[0], rk[14]);
  for (int r = 1; r < 14; r++)
    _mm_store_si128((__m128i *)s->k1_dec[r], _mm_aesimc_si128(rk[14 - r]));
  _mm_store_si128((__m128i *)s->k1_dec[14], rk[0]);

  __m128i h = bswap128(encrypt_block(s->k0_enc, _mm_setzero_si128())), p = h;
  for (int i = 0; i < 4; i++) {
    _mm_store_si128((__m128i *)s->hpow[i], p);
    p = gf_mul(p, h);
  }
}

ZTK_AESNI_FN void ztk_aesni_gmac(const ztk_aesni_siv *s, const uint8_t iv8[8],
                                 const uint8_t aad16[16], const uint8_t *data, size_t len,
                                 uint8_t g[16])
{
  __m128i x = ghash_1(s, _mm_setzero_si128(), load_rev(aad16));
  size_t off = 0;
  for (; len - off >= 64; off += 64)
    x = ghash_4(s, x, data + off);
  for (; len - off >= 16; off += 16)
    x = ghash_1(s, x, load_rev(data + off));
  if (off < len) {
    uint8_t last[16] = {0};
    memcpy(last, data + off, len - off);
    x = ghash_1(s, x, load_rev(last));
  }
  uint64_t bits = ((uint64_t)len + 16) * 8;
  uint8_t lens[16] = {0};
  for (int i = 0; i < 8; i++)
    lens[i] = (uint8_t)(bits >> (56 - 8 * i));
  x = ghash_1(s, x, load_rev(lens));

  uint8_t j0[16] = {0};
  memcpy(j0, iv8, 8);
  j0[15] = 1;
  __m128i ek = encrypt_block(s->k0_enc, _mm_loadu_si128((const __m128i *)j0));
  _mm_storeu_si128((__m128i *)g, _mm_xor_si128(ek, bswap128(x)));
}

ZTK_AESNI_FN void ztk_aesni_k1_block(const ztk_aesni_siv *s, bool decrypt, const uint8_t in[16],
                                     uint8_t out[16])
{
  __m128i x = _mm_loadu_si128((const __m128i *)in);
  x = decrypt ? decrypt_block(s->k1_dec, x) : encrypt_block(s->k1_enc, x);
  _mm_storeu_si128((__m128i *)out, x);
}

ZTK_AESNI_FN static inline __m128i counter_block(__m128i base, uint32_t ctr)
{
  return _mm_insert_epi32(base, (int)__builtin_bswap32(ctr), 3);
}

/* Four counter blocks through the rounds side by side, so the AES unit's latency overlaps. */
ZTK_AESNI_FN static inline void ctr_4(const ztk_aesni_siv *s, __m128i base, uint32_t ctr,
                                      uint8_t *p)
{
  __m128i k = _mm_load_si128((const __m128i *)s->k1_enc[0]);
  __m128i b0 = _mm_xor_si128(counter_block(base, ctr), k);
  __m128i b1 = _mm_xor_si128(counter_block(base, ctr + 1), k);
  __m128i b2 = _mm_xor_si128(counter_block(base, ctr + 2), k);
  __m128i b3 = _mm_xor_si128(counter_block(base, ctr + 3), k);
  for (int r = 1; r < 14; r++) {
    k = _mm_load_si128((const __m128i *)s->k1_enc[r]);
    b0 = _mm_aesenc_si128(b0, k);
    b1 = _mm_aesenc_si128(b1, k);
    b2 = _mm_aesenc_si128(b2, k);
    b3 = _mm_aesenc_si128(b3, k);
  }
  k = _mm_load_si128((const __m128i *)s->k1_enc[14]);
  __m128i *d = (__m128i *)p;
  _mm_storeu_si128(d + 0, _mm_xor_si128(_mm_loadu_si128(d + 0), _mm_aesenclast_si128(b0, k)));
  _mm_storeu_si128(d + 1, _mm_xor_si128(_mm_loadu_si128(d + 1), _mm_aesenclast_si128(b1, k)));
  _mm_storeu_si128(d + 2, _mm_xor_si128(_mm_loadu_si128(d + 2), _mm_aesenclast_si128(b2, k)));
  _mm_storeu_si128(d + 3, _mm_xor_si128(_mm_loadu_si128(d + 3), _mm_aesenclast_si128(b3, k)));
}

ZTK_AESNI_FN void ztk_aesni_k1_ctr(const ztk_aesni_siv *s, const uint8_t ctr0[16], uint8_t *data,
                                   size_t len)
{
  __m128i base = _mm_loadu_si128((const __m128i *)ctr0);
  uint32_t ctr = (uint32_t)ctr0[12] << 24 | (uint32_t)ctr0[13] << 16 | (uint32_t)ctr0[14] << 8 |
                 ctr0[15];
  size_t off = 0;
  for (; len - off >= 64; off += 64, ctr += 4)
    ctr_4(s, base, ctr, data + off);
  for (; off < len; off += 16, ctr++) {
    uint8_t ks[16];
    size_t n = len - off < 16 ? len - off : 16;
    _mm_storeu_si128((__m128i *)ks, encrypt_block(s->k1_enc, counter_block(base, ctr)));
    for (size_t i = 0; i < n; i++)
      data[off + i] ^= ks[i];
  }
}

#else /* no x86-64 vector backend in this build: OpenSSL does all of AES-GMAC-SIV */

bool ztk_aesni_available(void)
{
  return false;
}

void ztk_aesni_siv_init(ztk_aesni_siv *s, const uint8_t k0[32], const uint8_t k1[32])
{
  memset(s, 0, sizeof *s);
}

void ztk_aesni_gmac(const ztk_aesni_siv *s, const uint8_t iv8[8], const uint8_t aad16[16],
                    const uint8_t *data, size_t len, uint8_t g[16])
{
  memset(g, 0, 16);
}

void ztk_aesni_k1_block(const ztk_aesni_siv *s, bool decrypt, const uint8_t in[16],
                        uint8_t out[16])
{
  memset(out, 0, 16);
}

void ztk_aesni_k1_ctr(const ztk_aesni_siv *s, const uint8_t ctr0[16], uint8_t *data, size_t len)
{
}

#endif
