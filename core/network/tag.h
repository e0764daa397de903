/* Tag (protocol notes §10.6): a (tag id, value) pair the controller assigns to a member, used by
 * the rules engine's TAGS_* matches. Internal header. */
#ifndef ZTK_CORE_NETWORK_TAG_H
#define ZTK_CORE_NETWORK_TAG_H

#include <stdbool.h>
#include <stdint.h>

#include "core/network/credsig.h"

typedef struct ztk_tag {
  uint64_t nwid;
  int64_t ts;
  uint32_t id;
  uint32_t value;
  ztk_address issued_to;
  ztk_address signed_by;
  uint8_t signature[ZTK_SIGNATURE_LEN];
  bool has_signature; /* false when the frame carried another signature type */
} ztk_tag;

/* An unsigned tag. */
void ztk_tag_init(ztk_tag *t, uint64_t nwid, int64_t ts, ztk_address issued_to, uint32_t id,
                  uint32_t value);

/* Reads one tag. Returns 0, or one of: ZTK_ETRUNC, ZTK_EFORMAT (bad signature length). */
int ztk_tag_read(ztk_rd *r, ztk_tag *t);

/* Appends the tag (always with a type-1 signature frame and extension length 0). */
void ztk_tag_write(ztk_wr *w, const ztk_tag *t);

/* Appends the signing input `7f×8 || nwid ts id value issuedTo signedBy || 0000 || 7f×8`. */
void ztk_tag_signing_input(ztk_wr *w, const ztk_tag *t);

/* Sets signed_by and signs. Returns 0 or ZTK_EID_NOSECRET. */
int ztk_tag_sign(ztk_tag *t, const ztk_identity *controller);

/* Returns 0 if signed by the network's controller (identity given), else ZTK_ENET_CREDENTIAL. */
int ztk_tag_verify(const ztk_tag *t, const ztk_identity *controller);

#endif
