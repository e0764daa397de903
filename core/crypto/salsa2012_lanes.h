/* Template (included twice by salsa2012_x4.c, no include guard): Salsa20/12 over LANES blocks
 * side by side, one vector per state word with one lane per block, written with the
 * compiler's generic vector types so the same text becomes SSE2 code for 4 lanes and AVX2
 * code for 8. Expects LANES, LANES_VEC (type name), LANES_FN (function name) and LANES_ATTR
 * (function attributes) to be defined; undefines them at the end. */

typedef uint32_t LANES_VEC __attribute__((vector_size(LANES * 4)));

/* Keystream for blocks block .. block + LANES*k - 1 XORed onto in, k as large as nblocks
 * allows; returns the number of blocks done. kw: the key as eight little-endian words. */
LANES_ATTR static size_t LANES_FN(uint8_t *out, const uint8_t *in, size_t nblocks,
                                  const uint32_t nw[2], uint64_t block, const uint32_t kw[8])
{
  static const uint32_t sigma[4] = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574};
  LANES_VEC s[16], x[16];
  size_t done = 0;
  for (int j = 0; j < LANES; j++) {
    s[0][j] = sigma[0], s[5][j] = sigma[1], s[10][j] = sigma[2], s[15][j] = sigma[3];
    for (int i = 0; i < 4; i++)
      s[1 + i][j] = kw[i], s[11 + i][j] = kw[4 + i];
    s[6][j] = nw[0], s[7][j] = nw[1];
  }
  for (; done + LANES <= nblocks; done += LANES) {
    for (int j = 0; j < LANES; j++) {
      uint64_t c = block + done + (uint64_t)j;
      s[8][j] = (uint32_t)c, s[9][j] = (uint32_t)(c >> 32);
    }
    memcpy(x, s, sizeof x);
    for (int r = 0; r < 12; r += 2) {
      SALSA_QUARTER(x[0], x[4], x[8], x[12]);
      SALSA_QUARTER(x[5], x[9], x[13], x[1]);
      SALSA_QUARTER(x[10], x[14], x[2], x[6]);
      SALSA_QUARTER(x[15], x[3], x[7], x[11]);
      SALSA_QUARTER(x[0], x[1], x[2], x[3]);
      SALSA_QUARTER(x[5], x[6], x[7], x[4]);
      SALSA_QUARTER(x[10], x[11], x[8], x[9]);
      SALSA_QUARTER(x[15], x[12], x[13], x[14]);
    }
    for (int i = 0; i < 16; i++)
      x[i] += s[i];
    for (int j = 0; j < LANES; j++) {
      size_t base = (done + (size_t)j) * 64;
      for (int i = 0; i < 16; i++) {
        uint32_t w;
        memcpy(&w, in + base + 4 * (size_t)i, 4);
        w ^= x[i][j];
        memcpy(out + base + 4 * (size_t)i, &w, 4);
      }
    }
  }
  memset(x, 0, sizeof x);
  memset(s, 0, sizeof s);
  return done;
}

#undef LANES
#undef LANES_VEC
#undef LANES_FN
#undef LANES_ATTR
