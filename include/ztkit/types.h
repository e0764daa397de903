/* Basic public types shared by the ztkit APIs. */
#ifndef ZTKIT_TYPES_H
#define ZTKIT_TYPES_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A 40-bit ZeroTier address in the low bits of a uint64_t. */
typedef uint64_t ztk_address;

/* A 64-bit ZeroTier network id (top 40 bits: controller address). */
typedef uint64_t ztk_nwid;

/* The injected source of randomness: fill buf with len random bytes. Production hosts pass a
 * CSPRNG; the simulator passes a seeded stream, which makes runs reproducible. REQUIRED
 * wherever it appears: ztkit never reads /dev/urandom or calls rand() outside runtime/. */
typedef void (*ztk_random_fn)(void *user, void *buf, size_t len);

/* "No deadline" for next-deadline outputs. */
#define ZTK_NEVER INT64_MAX

#ifdef __cplusplus
}
#endif
#endif
