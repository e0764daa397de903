/* One-time Poly1305 (libsodium). Internal header. */
#ifndef ZTK_CORE_CRYPTO_POLY1305_H
#define ZTK_CORE_CRYPTO_POLY1305_H

#include <stddef.h>
#include <stdint.h>

void ztk_poly1305(uint8_t tag[16], const void *msg, size_t len, const uint8_t key[32]);

#endif
