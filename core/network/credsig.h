/* What the network credentials (COO, Tag, Capability, Revocation; protocol notes §10.5-10.8)
 * share: the framed signature `type(1) [len(2) signature]`, the trailing extension block
 * `len(2) bytes`, the signing input `7f×8 || body || 0000 || 7f×8`, and the rule that only the
 * network's controller (nwid >> 24) signs them. Internal header. */
#ifndef ZTK_CORE_NETWORK_CREDSIG_H
#define ZTK_CORE_NETWORK_CREDSIG_H

#include <stdbool.h>
#include <stdint.h>

#include "core/util/cursor.h"
#include "ztkit/identity.h"

#define ZTK_SIGNATURE_LEN 96
#define ZTK_SIGNATURE_TYPE_ED25519 1

/* Room for the largest signing input: a capability with 64 rules of 21 bytes each. */
#define ZTK_CRED_SIGNING_INPUT_MAX 2048

/* The controller of a network: the top 40 bits of its id. */
static inline ztk_address ztk_nwid_controller(uint64_t nwid)
{
  return nwid >> 24;
}

/* Writes the body that a credential signs (its fields without the signature frame). */
typedef void (*ztk_cred_body_fn)(ztk_wr *w, const void *cred);

/* Reads a signature frame. Type 1 must carry 96 bytes, which go to sig (*has = true); any other
 * type has its length-prefixed bytes skipped and sig zeroed (*has = false), as 1.14.1 does.
 * Returns 0, or one of: ZTK_ETRUNC, ZTK_EFORMAT (type 1 with a length other than 96); failures
 * are also recorded in r->err. */
int ztk_credsig_read(ztk_rd *r, uint8_t sig[ZTK_SIGNATURE_LEN], bool *has);

/* Appends type 1, length 96 and sig. */
void ztk_credsig_write(ztk_wr *w, const uint8_t sig[ZTK_SIGNATURE_LEN]);

/* Reads the extension block (length + that many bytes, ignored). Returns 0 or ZTK_ETRUNC. */
int ztk_cred_ext_read(ztk_rd *r);

/* The end of a Tag, COO or Revocation: the signature frame then the extension block. read does
 * nothing if r already failed; returns r->err (0, ZTK_ETRUNC or ZTK_EFORMAT). write appends the
 * frame of sig and an empty extension block. */
int ztk_cred_read_trailer(ztk_rd *r, uint8_t sig[ZTK_SIGNATURE_LEN], bool *has);
void ztk_cred_write_trailer(ztk_wr *w, const uint8_t sig[ZTK_SIGNATURE_LEN]);

/* Appends the signing input `7f×8 || body || 0000 || 7f×8`. */
void ztk_cred_signing_input(ztk_wr *w, ztk_cred_body_fn body, const void *cred);

/* Signs cred's signing input with signer. Returns 0, or one of: ZTK_EID_NOSECRET,
 * ZTK_ENOSPACE (the input exceeds ZTK_CRED_SIGNING_INPUT_MAX). */
int ztk_cred_sign(const ztk_identity *signer, ztk_cred_body_fn body, const void *cred,
                  uint8_t sig[ZTK_SIGNATURE_LEN]);

/* Checks sig over cred's signing input with signer's key. Returns 0 or ZTK_ENET_CREDENTIAL. */
int ztk_cred_verify_sig(const ztk_identity *signer, ztk_cred_body_fn body, const void *cred,
                        const uint8_t sig[ZTK_SIGNATURE_LEN]);

/* The usual sign step: sets *signed_by to the controller's address, then signs; *has tells
 * whether sig now holds a signature. Returns 0 or one of: ZTK_EID_NOSECRET, ZTK_ENOSPACE. */
int ztk_cred_sign_as(const ztk_identity *controller, ztk_address *signed_by, ztk_cred_body_fn body,
                     const void *cred, uint8_t sig[ZTK_SIGNATURE_LEN], bool *has);

/* The usual verify step: a signature is present, the signer is the network's controller and the
 * signature checks. Returns 0 or ZTK_ENET_CREDENTIAL. */
int ztk_cred_verify_as(const ztk_identity *controller, uint64_t nwid, ztk_address signed_by,
                       bool has, ztk_cred_body_fn body, const void *cred,
                       const uint8_t sig[ZTK_SIGNATURE_LEN]);

/* A credential of network nwid claiming signed_by is acceptable from controller only if
 * signed_by is non-zero, is the network's controller and is controller's address. Returns 0 or
 * ZTK_ENET_CREDENTIAL. */
int ztk_cred_check_signer(uint64_t nwid, ztk_address signed_by, const ztk_identity *controller);

#endif
