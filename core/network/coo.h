/* CertificateOfOwnership (protocol notes §10.5): the controller's statement that a member owns
 * some MAC or IP addresses ("things"), so peers accept frames from those addresses. The
 * embedded controller issues COO id 1 listing all of a member's static IPs. Internal header. */
#ifndef ZTK_CORE_NETWORK_COO_H
#define ZTK_CORE_NETWORK_COO_H

#include <stdbool.h>
#include <stdint.h>

#include "core/network/credsig.h"
#include "core/util/inaddr.h"

#define ZTK_COO_MAX_THINGS 16
#define ZTK_COO_THING_LEN 16 /* each value is padded to 16 bytes */

typedef enum ztk_coo_thing {
  ZTK_COO_THING_NULL = 0,
  ZTK_COO_THING_MAC = 1,
  ZTK_COO_THING_IPV4 = 2,
  ZTK_COO_THING_IPV6 = 3,
} ztk_coo_thing;

typedef struct ztk_coo {
  uint64_t nwid;
  int64_t ts;
  uint64_t flags;
  uint32_t id;
  uint16_t thing_count;
  uint8_t thing_type[ZTK_COO_MAX_THINGS];
  uint8_t thing_value[ZTK_COO_MAX_THINGS][ZTK_COO_THING_LEN];
  ztk_address issued_to;
  ztk_address signed_by;
  uint8_t signature[ZTK_SIGNATURE_LEN];
  bool has_signature;
} ztk_coo;

/* An unsigned COO without things. */
void ztk_coo_init(ztk_coo *c, uint64_t nwid, int64_t ts, ztk_address issued_to, uint32_t id);

/* Adds an IPv4/IPv6 address (its IP only) or a MAC. Returns 0, or one of: ZTK_ELIMIT (16
 * things already), ZTK_EINVAL (nil address). */
int ztk_coo_add_ip(ztk_coo *c, const ztk_inaddr *ip);
int ztk_coo_add_mac(ztk_coo *c, const uint8_t mac[6]);

/* Whether the COO lists this IP (family and address) / MAC. */
bool ztk_coo_owns_ip(const ztk_coo *c, const ztk_inaddr *ip);
bool ztk_coo_owns_mac(const ztk_coo *c, const uint8_t mac[6]);

/* Reads one COO. Returns 0, or one of: ZTK_ETRUNC, ZTK_ELIMIT (more than 16 things; 1.14.1
 * would misparse those), ZTK_EFORMAT (bad signature length). */
int ztk_coo_read(ztk_rd *r, ztk_coo *c);

/* Appends the COO (type-1 signature frame, extension length 0). */
void ztk_coo_write(ztk_wr *w, const ztk_coo *c);

/* Appends the signing input `7f×8 || nwid ts flags id count things issuedTo signedBy || 0000 ||
 * 7f×8`. */
void ztk_coo_signing_input(ztk_wr *w, const ztk_coo *c);

/* Sets signed_by and signs. Returns 0 or ZTK_EID_NOSECRET. */
int ztk_coo_sign(ztk_coo *c, const ztk_identity *controller);

/* Returns 0 if signed by the network's controller (identity given), else ZTK_ENET_CREDENTIAL. */
int ztk_coo_verify(const ztk_coo *c, const ztk_identity *controller);

#endif
