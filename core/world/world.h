/* Worlds: the signed lists of root servers a node uses as upstreams. A planet (type 1) is the
 * one world every node has; moons (type 127) are extra worlds a node joins ("orbits"). Binary
 * form and signing message as in §9.2 of the protocol notes; the update rule as §9.2 states it.
 *
 * A world is a plain value (about 3.3 KB): no allocation, fixed limits (4 roots of at most 32
 * stable endpoints each, as ZeroTier 1.14.1 enforces). Internal header: not a stable API. */
#ifndef ZTK_CORE_WORLD_WORLD_H
#define ZTK_CORE_WORLD_WORLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/util/cursor.h"
#include "core/util/inaddr.h"
#include "ztkit/identity.h"

#define ZTK_WORLD_MAX_ROOTS 4
#define ZTK_WORLD_MAX_ENDPOINTS 32
#define ZTK_WORLD_KEY_LEN 64
#define ZTK_WORLD_SIGNATURE_LEN 96

/* Offsets of the fields the signing message leaves out (the signature). */
#define ZTK_WORLD_SIGNATURE_OFFSET 81
#define ZTK_WORLD_ROOTS_OFFSET 177

/* Largest serialization we ever write: header, 4 roots of 71-byte identities with 32 IPv6
 * endpoints (19 bytes) each, and the moon extension length. */
#define ZTK_WORLD_MAX_LEN                                                                          \
  (ZTK_WORLD_ROOTS_OFFSET + 1 + ZTK_WORLD_MAX_ROOTS * (71 + 1 + ZTK_WORLD_MAX_ENDPOINTS * 19) + 2)
/* The signing message: the serialization without the signature, bracketed by 8 + 8 bytes. */
#define ZTK_WORLD_SIGNING_MAX_LEN (ZTK_WORLD_MAX_LEN - ZTK_WORLD_SIGNATURE_LEN + 16)

enum ztk_world_type {
  ZTK_WORLD_NULL = 0, /* legal on the wire (1.14.1 parses it) but never installed */
  ZTK_WORLD_PLANET = 1,
  ZTK_WORLD_MOON = 127,
};

typedef struct ztk_world_root {
  ztk_identity identity; /* public part only: a private key on the wire is dropped */
  uint8_t n_endpoints;
  ztk_inaddr endpoints[ZTK_WORLD_MAX_ENDPOINTS]; /* reserved wire types read as family 0 */
} ztk_world_root;

typedef struct ztk_world {
  uint8_t type; /* enum ztk_world_type */
  uint64_t id;
  uint64_t timestamp; /* ms; also the revision: larger replaces smaller */
  uint8_t update_key[ZTK_WORLD_KEY_LEN]; /* C25519 public key that must sign the next update */
  uint8_t signature[ZTK_WORLD_SIGNATURE_LEN];
  uint8_t n_roots;
  ztk_world_root roots[ZTK_WORLD_MAX_ROOTS];
} ztk_world;

/* Derives the public half of a world signing key pair (X25519 || Ed25519, as identities) from
 * its 64-byte secret: a fresh pair is just 64 random bytes run through this. */
void ztk_world_key_public(uint8_t pub[ZTK_WORLD_KEY_LEN], const uint8_t priv[ZTK_WORLD_KEY_LEN]);

/* Clears w and sets its header fields (no roots, zero signature). */
void ztk_world_init(ztk_world *w, uint8_t type, uint64_t id, uint64_t timestamp,
                    const uint8_t update_key[ZTK_WORLD_KEY_LEN]);

/* Appends a root (public part of id, no endpoints). Returns its index, or ZTK_EWORLD_LIMIT. */
int ztk_world_add_root(ztk_world *w, const ztk_identity *id);

/* Appends a stable endpoint to root `root`. Returns 0, ZTK_EINVAL (no such root, or an address
 * that is neither IPv4 nor IPv6) or ZTK_EWORLD_LIMIT. */
int ztk_world_add_endpoint(ztk_world *w, unsigned root, const ztk_inaddr *ep);

/* Reads one world from r, leaving r after it (bytes that follow are the caller's). Moons' unused
 * extension is skipped. On failure sets r->err and returns it: ZTK_ETRUNC, ZTK_EWORLD_TYPE (type
 * not 0, 1 or 127), ZTK_EWORLD_LIMIT (more than 4 roots or 32 endpoints), ZTK_EWORLD_IDENTITY
 * (root identity type not 0, private key length not 0/64, reserved address) or
 * ZTK_EWORLD_ENDPOINT (unknown address type). Returns 0 on success. */
int ztk_world_read(ztk_rd *r, ztk_world *w);

/* Parses a world at the start of buf (trailing bytes are ignored, as 1.14.1 does for files).
 * Returns the number of bytes the world occupies, or one of ztk_world_read's errors. */
int ztk_world_parse(ztk_world *w, const void *buf, size_t len);

/* Appends the serialization (root identities without private keys, moon extension empty).
 * Returns 0, or the writer's error (ZTK_ENOSPACE), or ZTK_EWORLD_LIMIT if w holds more roots or
 * endpoints than the wire allows. */
int ztk_world_write(ztk_wr *wr, const ztk_world *w);

/* Writes the message the signature covers: 0x7f x8 || serialization without the signature
 * || 0xf7 x8. Returns its length, or ZTK_ENOSPACE if cap is too small (ZTK_WORLD_SIGNING_MAX_LEN
 * always suffices), or ZTK_EWORLD_LIMIT. */
int ztk_world_signing_message(const ztk_world *w, uint8_t *out, size_t cap);

/* Signs w in place with signer's key pair (for worlds, the "identity" is usually a bare key
 * pair: only pub and priv are used). Returns 0, ZTK_EID_NOSECRET or ZTK_EWORLD_LIMIT. */
int ztk_world_sign(ztk_world *w, const ztk_identity *signer);

/* Returns 0 if w's signature verifies with key (a world update key), else ZTK_EWORLD_SIGNATURE
 * (or ZTK_EWORLD_LIMIT for a world that has no serialization). */
int ztk_world_verify(const ztk_world *w, const uint8_t key[ZTK_WORLD_KEY_LEN]);

/* The update rule. Returns 0 if candidate should replace current, else the reason:
 * ZTK_EWORLD_TYPE (candidate is a null world, or of another type than current), ZTK_EWORLD_ID
 * (another world id), ZTK_EWORLD_OLD (timestamp not newer) or ZTK_EWORLD_SIGNATURE (not signed
 * by current's update key). A null current (type 0 or id 0: nothing installed yet) accepts any
 * planet or moon unchecked: the initial world is trusted as configured. */
int ztk_world_should_replace(const ztk_world *current, const ztk_world *candidate);

/* One upstream (root) as a node uses it: merged over the planet and joined moons. */
#define ZTK_UPSTREAM_MAX_ENDPOINTS (2 * ZTK_WORLD_MAX_ENDPOINTS)
typedef struct ztk_upstream {
  ztk_identity identity; /* public part, from the first world that lists it */
  bool planet;           /* listed by the planet: role PLANET; else MOON */
  bool any_path;         /* some world lists it without endpoints: any physical path is allowed */
  uint8_t n_endpoints;   /* stable endpoints, deduplicated, in listing order; extras dropped */
  ztk_inaddr endpoints[ZTK_UPSTREAM_MAX_ENDPOINTS];
} ztk_upstream;

/* Lists the upstreams of a node whose identity is self (may be NULL): the roots of planet (may
 * be NULL) then of each moon, self excluded, merged by address and sorted by address.
 * *self_is_upstream (may be NULL) tells whether self is one of the roots. Returns the count, or
 * ZTK_ELIMIT if more than cap upstreams exist. */
int ztk_world_upstreams(const ztk_world *planet, const ztk_world *moons, size_t n_moons,
                        const ztk_identity *self, ztk_upstream *out, size_t cap,
                        bool *self_is_upstream);

/* True if a packet from physical address `from` may be taken as a path to upstream u: any
 * address if u.any_path, else one whose IP (port ignored) equals a stable endpoint's. */
bool ztk_upstream_path_allowed(const ztk_upstream *u, const ztk_inaddr *from);

#endif
