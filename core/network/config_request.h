/* The NETWORK_CONFIG_REQUEST payload (protocol notes §8.12) and the metadata dictionary a
 * member sends in it. Internal header. */
#ifndef ZTK_CORE_NETWORK_CONFIG_REQUEST_H
#define ZTK_CORE_NETWORK_CONFIG_REQUEST_H

#include <stdbool.h>
#include <stdint.h>

#include "core/network/dictionary.h"
#include "core/util/cursor.h"

typedef struct ztk_config_request {
  uint64_t nwid;
  const char *meta; /* metadata dictionary text (into the payload), not NUL-terminated */
  uint16_t meta_len;
  uint64_t have_revision; /* revision of the config the requester has (0 = none) */
  int64_t have_timestamp; /* its timestamp (0 = none) */
} ztk_config_request;

/* What a member says about itself in the metadata (1.14.1 sends v 7, vendor 1, protocol 12,
 * its version, the limits it accepts, flags 0, rules engine revision 1 and its OS/arch). */
typedef struct ztk_config_request_meta {
  uint64_t vendor;
  uint64_t proto_version;
  uint64_t major, minor, revision;
  uint64_t rules_engine_rev;
  const char *os_arch; /* e.g. "linux/x86_64" */
} ztk_config_request_meta;

/* Parses a payload. The metadata length and the trailing revision/timestamp may be absent
 * (treated as 0, as 1.14.1 does); the metadata must fit ZTK_DICT_METADATA_CAP. Returns 0, or
 * one of: ZTK_ETRUNC, ZTK_ELIMIT (metadata too long), ZTK_ENET_DICT (NUL in the metadata). */
int ztk_config_request_read(ztk_config_request *q, const void *payload, size_t len);

/* Appends the payload. Returns 0 or one of: ZTK_ENOSPACE, ZTK_ELIMIT (metadata too long). */
int ztk_config_request_write(ztk_wr *w, const ztk_config_request *q);

/* A read-only dictionary view of the request's metadata. Returns 0 or ztk_dict_view's errors. */
int ztk_config_request_meta_dict(const ztk_config_request *q, ztk_dict *d);

/* Appends the metadata keys in 1.14.1's order: v vend pv majv minv revv mr mc mcr mt f revr o.
 * Returns 0 or ZTK_ELIMIT. */
int ztk_config_request_meta_build(ztk_dict *d, const ztk_config_request_meta *m);

#endif
