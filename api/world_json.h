/* JSON documents for worlds, shared by the tools (ztk-idtool's initmoon, genmoon, mkplanet,
 * printworld) and anything that builds worlds from a description (the simulator, scenarios).
 *
 * The world document is zerotier-idtool's moon JSON, read by field name:
 *   "objtype": "world" (ignored)         "worldType": "planet" | "moon"
 *   "id": hex string ("b1be945578") or JSON integer (decimal)
 *   "timestamp": integer ms (ztkit extension; zerotier-idtool always uses the clock)
 *   "roots": [{"identity": "<address>:0:<public>", "stableEndpoints": ["10.0.0.1/9993", ...]}]
 *   "updatesMustBeSignedBy", "signingKey", "signingKey_SECRET": 128 hex digits each
 * Keys are the tools' business (they may come from files); this module only converts.
 * Internal header. */
#ifndef ZTK_API_WORLD_JSON_H
#define ZTK_API_WORLD_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "api/json_field.h"
#include "core/world/world.h"

/* How to read the roots of a document. */
typedef struct ztk_world_json_opts {
  uint8_t default_type;       /* used when "worldType" is absent; 0 makes it required */
  uint64_t default_timestamp; /* used when "timestamp" is absent */
  bool idtool_order;          /* sort roots and endpoints as zerotier-idtool genmoon does */
  unsigned min_roots;         /* fewer roots is an error */
} ztk_world_json_opts;

/* Fills w (signature zero) from the document's worldType, id, timestamp, roots and, if present,
 * updatesMustBeSignedBy (else w's update key is zero). Returns 0, or ZTK_EJSON_FIELD (a field is
 * missing or malformed; why says which), or ZTK_EWORLD_LIMIT (too many roots or endpoints). */
int ztk_world_from_json(ztk_world *w, const json_t *doc, const ztk_world_json_opts *opts,
                        ztk_json_why *why);

/* Reads a 64-byte key written as 128 hex digits in doc[field]. Returns 0, ZTK_ENOTFOUND (field
 * absent) or ZTK_EJSON_FIELD (not a string of 128 hex digits). */
int ztk_world_json_key(const json_t *doc, const char *field, uint8_t key[ZTK_WORLD_KEY_LEN],
                       ztk_json_why *why);

/* The document `zerotier-idtool initmoon` prints for seed and a fresh signing key pair. Returns
 * a new reference, or NULL if out of memory. */
json_t *ztk_world_json_moon_template(const ztk_identity *seed, const uint8_t pub[ZTK_WORLD_KEY_LEN],
                                     const uint8_t priv[ZTK_WORLD_KEY_LEN]);

/* Describes w with the document's field names plus "signature" and "signatureValidWithOwnKey";
 * the id is 16 hex digits and a skipped (nil) endpoint is null. Returns a new reference, or
 * NULL if out of memory. */
json_t *ztk_world_to_json(const ztk_world *w);

/* Dumps doc as zerotier-idtool prints JSON (one-space indent, sorted keys) plus a newline.
 * Returns a malloc'd string (caller frees), or NULL if out of memory. */
char *ztk_world_json_dump(const json_t *doc);

#endif
