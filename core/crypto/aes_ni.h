/* AES-256 and GHASH on the CPU's own instructions (AES-NI, PCLMULQDQ): the parts of
 * AES-GMAC-SIV that dominate a packet's cost. Going through OpenSSL's EVP layer for them costs
 * more in parameter handling per packet (a string lookup per tag and IV) than the cipher
 * itself, which held cipher suite 3 to under half of ZeroTierOne's speed; see
 * docs/performance.md. ztk_aes_siv (aes_gmac_siv.c) uses this backend when the CPU has the
 * instructions and OpenSSL otherwise; the tests hold both to the same outputs.
 * Internal header. */
#ifndef ZTK_CORE_CRYPTO_AES_NI_H
#define ZTK_CORE_CRYPTO_AES_NI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Round keys and GHASH powers for one K0/K1 pair. 16-byte aligned; plain bytes so that this
 * header needs no intrinsics. */
typedef struct ztk_aesni_siv {
  _Alignas(16) uint8_t k0_enc[15][16]; /* AES-256 under K0: E(K0, J0) and H */
  _Alignas(16) uint8_t k1_enc[15][16]; /* AES-256 under K1: tag encryption and CTR */
  _Alignas(16) uint8_t k1_dec[15][16]; /* inverse cipher under K1: tag decryption */
  _Alignas(16) uint8_t hpow[4][16];    /* H, H^2, H^3, H^4, byte-reversed for PCLMULQDQ */
} ztk_aesni_siv;

/* True when this build has the backend and the CPU has AES-NI, PCLMULQDQ and SSSE3. */
bool ztk_aesni_available(void);

/* Prepares the schedules. Only call when ztk_aesni_available(). */
void ztk_aesni_siv_init(ztk_aesni_siv *s, const uint8_t k0[32], const uint8_t k1[32]);

/* g = GMAC under K0 with IV iv8 || 00000000 over aad16 || data. */
void ztk_aesni_gmac(const ztk_aesni_siv *s, const uint8_t iv8[8], const uint8_t aad16[16],
                    const uint8_t *data, size_t len, uint8_t g[16]);

/* One block of AES-256 under K1, forwards or inverse. */
void ztk_aesni_k1_block(const ztk_aesni_siv *s, bool decrypt, const uint8_t in[16],
                        uint8_t out[16]);

/* data ^= AES-256-CTR keystream under K1 starting at counter block ctr0 (the low 32 bits,
 * big-endian, count up; callers keep them from wrapping). */
void ztk_aesni_k1_ctr(const ztk_aesni_siv *s, const uint8_t ctr0[16], uint8_t *data, size_t len);

#endif
