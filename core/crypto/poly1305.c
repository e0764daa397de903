#include "core/crypto/poly1305.h"

#include <sodium.h>

void ztk_poly1305(uint8_t tag[16], const void *msg, size_t len, const uint8_t key[32])
{
  crypto_onetimeauth_poly1305(tag, msg, len, key);
}
