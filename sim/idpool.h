/* Pools of pre-generated identities (see tools/idpool.c for the file format). A world of many
 * simulated nodes takes its identities from a pool because generating one costs ~0.4 s of
 * proof of work. Loading only checks the format and derives public keys (cheap); the full
 * proof of work of records is checked by `ztk-idpool verify` and by a test over the shipped
 * pool, so a pool is validated once instead of by every simulated peer. Internal header. */
#ifndef ZTK_SIM_IDPOOL_H
#define ZTK_SIM_IDPOOL_H

#include <stddef.h>
#include <stdint.h>

#include "ztkit/identity.h"

#define ZTK_IDPOOL_RECORD_LEN 69

typedef struct ztk_idpool ztk_idpool;

/* Loads a pool file. Returns 0, ZTK_EIO, ZTK_EFORMAT (size not a multiple of a record, or a
 * reserved address) or ZTK_ENOMEM. */
int ztk_idpool_load(const char *path, ztk_idpool **out);

/* Wraps records already in memory (copied). Same errors as ztk_idpool_load. */
int ztk_idpool_from_bytes(const uint8_t *data, size_t len, ztk_idpool **out);

void ztk_idpool_free(ztk_idpool *p);
size_t ztk_idpool_size(const ztk_idpool *p);

/* Fills id (with its private key) from record i (< size), deriving the public keys. */
void ztk_idpool_get(const ztk_idpool *p, size_t i, ztk_identity *id);

/* The address of record i (< size), without deriving keys. */
ztk_address ztk_idpool_address(const ztk_idpool *p, size_t i);

/* Writes the 69-byte record of an identity that has its private key. */
void ztk_idpool_encode(const ztk_identity *id, uint8_t rec[ZTK_IDPOOL_RECORD_LEN]);

#endif
