/* ZeroTier identities (type 0: Curve25519 + Ed25519) and their string forms, compatible with
 * zerotier-idtool's identity.public / identity.secret files. */
#ifndef ZTKIT_IDENTITY_H
#define ZTKIT_IDENTITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ztkit/export.h"
#include "ztkit/types.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ZTK_IDENTITY_PUBLIC_STRLEN 141 /* address:0:public, without NUL */
#define ZTK_IDENTITY_SECRET_STRLEN 270 /* address:0:public:private, without NUL */
#define ZTK_IDENTITY_STRBUF 272        /* enough for either form plus NUL */

typedef struct ztk_identity {
  ztk_address address;
  uint8_t pub[64];  /* X25519 public (0..31) || Ed25519 public (32..63) */
  uint8_t priv[64]; /* X25519 private (0..31) || Ed25519 seed (32..63); valid if has_private */
  bool has_private;
} ztk_identity;

/* Generates a new identity with its proof of work (memory-hard, about 0.1-0.5 s), drawing all
 * randomness from rnd. Returns 0 or ZTK_ENOMEM. */
ZTK_API int ztk_identity_generate(ztk_identity *id, ztk_random_fn rnd, void *user);

/* Checks the address rules and the address derivation proof of work (not the private key,
 * as ZeroTier does not). Returns 0, or one of: ZTK_EID_RESERVED, ZTK_EID_INVALID, ZTK_ENOMEM. */
ZTK_API int ztk_identity_validate(const ztk_identity *id);

/* Parses "address:0:public[:private]" (hex in either case, trailing whitespace ignored).
 * Returns 0, or one of: ZTK_EINVAL (NULL), ZTK_EID_FIELDS, ZTK_EID_ADDRESS, ZTK_EID_RESERVED,
 * ZTK_EID_TYPE, ZTK_EID_PUBLIC, ZTK_EID_PRIVATE. Does not run the proof of work. */
ZTK_API int ztk_identity_from_string(ztk_identity *id, const char *s);

/* Writes the public (with_private false) or secret form and a NUL. Returns the string length,
 * or ZTK_ENOSPACE, or ZTK_EID_NOSECRET if the secret form is asked of a public identity. */
ZTK_API int ztk_identity_to_string(const ztk_identity *id, bool with_private, char *out,
                                   size_t cap);

/* Derives the 48-byte symmetric key shared with peer (X25519 then SHA-512, first 48 bytes).
 * Returns 0 or ZTK_EID_NOSECRET. */
ZTK_API int ztk_identity_agree(const ztk_identity *self, const ztk_identity *peer,
                               uint8_t key48[48]);

/* Writes a 96-byte ZeroTier signature of msg. Returns 0 or ZTK_EID_NOSECRET. */
ZTK_API int ztk_identity_sign(const ztk_identity *id, const void *msg, size_t len,
                              uint8_t sig[96]);

/* Returns 0 if sig is a valid signature of msg by id, else ZTK_EAUTH. */
ZTK_API int ztk_identity_verify(const ztk_identity *id, const void *msg, size_t len,
                                const uint8_t *sig, size_t siglen);

/* True if addr is reserved (zero, or first byte 0xff). */
ZTK_API bool ztk_address_reserved(ztk_address addr);

#ifdef __cplusplus
}
#endif
#endif
