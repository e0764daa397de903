/* Revocation (protocol notes §10.8): the controller withdraws a member's credentials of one
 * type issued at or before a threshold time. The embedded controller sends a COM revocation with
 * the fast-propagate flag when it deauthorizes a member. Internal header. */
#ifndef ZTK_CORE_NETWORK_REVOCATION_H
#define ZTK_CORE_NETWORK_REVOCATION_H

#include <stdbool.h>
#include <stdint.h>

#include "core/network/credsig.h"

/* Credential type codes, as carried in revocations. */
typedef enum ztk_cred_type {
  ZTK_CRED_NULL = 0,
  ZTK_CRED_COM = 1,
  ZTK_CRED_CAPABILITY = 2,
  ZTK_CRED_TAG = 3,
  ZTK_CRED_COO = 4,
  ZTK_CRED_REVOCATION = 6,
} ztk_cred_type;

#define ZTK_REVOCATION_FLAG_FAST_PROPAGATE 0x1ull

typedef struct ztk_revocation {
  uint32_t id;
  uint32_t credential_id;
  uint64_t nwid;
  int64_t threshold;
  uint64_t flags;
  ztk_address target;
  ztk_address signed_by;
  uint8_t type; /* ztk_cred_type; other values are kept as read */
  uint8_t signature[ZTK_SIGNATURE_LEN];
  bool has_signature;
} ztk_revocation;

/* An unsigned revocation. */
void ztk_revocation_init(ztk_revocation *v, uint32_t id, uint64_t nwid, uint32_t credential_id,
                         int64_t threshold, uint64_t flags, ztk_address target, ztk_cred_type type);

/* Reads one revocation (the reserved words are ignored). Returns 0, or one of: ZTK_ETRUNC,
 * ZTK_EFORMAT (bad signature length). */
int ztk_revocation_read(ztk_rd *r, ztk_revocation *v);

/* Appends the revocation (reserved words 0, type-1 signature frame, extension length 0). */
void ztk_revocation_write(ztk_wr *w, const ztk_revocation *v);

/* Appends the signing input `7f×8 || fields up to the credential type || 0000 || 7f×8`. */
void ztk_revocation_signing_input(ztk_wr *w, const ztk_revocation *v);

/* Sets signed_by and signs. Returns 0 or ZTK_EID_NOSECRET. */
int ztk_revocation_sign(ztk_revocation *v, const ztk_identity *controller);

/* Returns 0 if signed by the network's controller (identity given), else ZTK_ENET_CREDENTIAL. */
int ztk_revocation_verify(const ztk_revocation *v, const ztk_identity *controller);

#endif
