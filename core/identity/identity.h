/* Internal identity helpers: binary form, proof-of-work digest, COM hash. Internal header. */
#ifndef ZTK_CORE_IDENTITY_IDENTITY_H
#define ZTK_CORE_IDENTITY_IDENTITY_H

#include "core/util/cursor.h"
#include "ztkit/identity.h"

#define ZTK_IDENTITY_BINARY_LEN 71 /* address, type, public key, private length 0 */
#define ZTK_POW_SCRATCH_LEN (2u * 1024u * 1024u)

/* Computes the memory-hard digest of a 64-byte public key into digest. scratch must be
 * ZTK_POW_SCRATCH_LEN bytes, or NULL to allocate one. Returns 0 or ZTK_ENOMEM. */
int ztk_identity_pow(const uint8_t pub[64], uint8_t digest[64], uint8_t *scratch);

/* Appends the binary form (private key included only if with_private and present). */
void ztk_identity_write(ztk_wr *w, const ztk_identity *id, bool with_private);

/* Reads a binary identity. On success returns 0; on malformed input sets r->err (ZTK_ETRUNC or
 * ZTK_EFORMAT: type not 0, private length not 0/64, reserved address) and returns it. */
int ztk_identity_read(ztk_rd *r, ztk_identity *id);

/* SHA-384(address(5) || public key(64)): the identity hash in membership certificates. */
int ztk_identity_hash384(const ztk_identity *id, uint8_t out[48]);

/* Equality of the public parts (address and public key). */
bool ztk_identity_same(const ztk_identity *a, const ztk_identity *b);

#endif
