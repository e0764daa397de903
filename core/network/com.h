/* CertificateOfMembership (protocol notes §10.4): qualifiers (id, value, maxDelta) signed by the
 * network's controller. The controller issues seven: timestamp (maxDelta = the credential time
 * window), network id (0), issued-to address and four words of the member's identity hash (all
 * maxDelta ~0). Two members may talk when each one's COM "agrees" with the other's. Internal
 * header. */
#ifndef ZTK_CORE_NETWORK_COM_H
#define ZTK_CORE_NETWORK_COM_H

#include <stdbool.h>
#include <stdint.h>

#include "core/network/credsig.h"
#include "core/util/cursor.h"
#include "ztkit/identity.h"

#define ZTK_COM_MAX_QUALIFIERS 8
#define ZTK_COM_FORMAT 1

/* Reserved qualifier ids; 3..6 hold SHA-384(address || public key) bytes 0..31. */
#define ZTK_COM_QID_TIMESTAMP 0
#define ZTK_COM_QID_NETWORK_ID 1
#define ZTK_COM_QID_ISSUED_TO 2
#define ZTK_COM_QID_HASH0 3

typedef struct ztk_com_qualifier {
  uint64_t id;
  uint64_t value;
  uint64_t max_delta;
} ztk_com_qualifier;

typedef struct ztk_com {
  unsigned count; /* 0 = no COM */
  ztk_com_qualifier q[ZTK_COM_MAX_QUALIFIERS];
  ztk_address signed_by; /* 0 = unsigned (then no signature on the wire) */
  uint8_t signature[ZTK_SIGNATURE_LEN];
} ztk_com;

/* The seven-qualifier COM a 1.14.1 controller issues, unsigned. Returns 0 or ZTK_ECRYPTO. */
int ztk_com_init(ztk_com *c, int64_t timestamp, uint64_t max_delta, uint64_t nwid,
                 const ztk_identity *issued_to);

/* Reads one COM. Returns 0, or one of: ZTK_ETRUNC, ZTK_EFORMAT (format byte not 1, qualifier
 * ids not ascending), ZTK_ELIMIT (more than 8 qualifiers); failures are recorded in r->err. */
int ztk_com_read(ztk_rd *r, ztk_com *c);

/* Appends the COM (the signature only if signed_by is set). */
void ztk_com_write(ztk_wr *w, const ztk_com *c);

/* Appends the signed bytes: the qualifiers as serialized (24 bytes each). */
void ztk_com_signing_input(ztk_wr *w, const ztk_com *c);

/* Signs with the controller's identity and sets signed_by. Returns 0 or one of:
 * ZTK_EID_NOSECRET, ZTK_EINVAL (no qualifiers). */
int ztk_com_sign(ztk_com *c, const ztk_identity *controller);

/* Checks that c is signed by its network's controller (whose identity is given). Returns 0 or
 * ZTK_ENET_CREDENTIAL. */
int ztk_com_verify(const ztk_com *c, const ztk_identity *controller);

/* Whether mine accepts theirs, as 1.14.1's agreesWith: both non-empty; every qualifier of mine
 * present in theirs with |mine - theirs| <= mine's maxDelta; and if mine has any of ids 3..6,
 * theirs must carry all four with the hash of their_identity. Returns false on any failure. */
bool ztk_com_agrees(const ztk_com *mine, const ztk_com *theirs, const ztk_identity *their_identity);

/* Qualifier values (0 if absent): timestamp, network id, issued-to address. */
int64_t ztk_com_timestamp(const ztk_com *c);
uint64_t ztk_com_network_id(const ztk_com *c);
ztk_address ztk_com_issued_to(const ztk_com *c);

#endif
