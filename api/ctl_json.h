/* The controller's network and member documents (protocol notes §13.2, §13.3) with
 * ZeroTierOne 1.14.1's field names, defaults and output shapes.
 *
 * Three directions:
 *  - to_json: the document 1.14.1 returns (GET, and the answer to POST);
 *  - apply_post: merges a POST body into a record with 1.14.1's semantics (only the fields its
 *    API accepts; absent fields keep their values; string forms such as v4AssignMode "zt" and
 *    v6AssignMode "rfc4193,6plane,zt" accepted; authorization stamps times); unknown fields are
 *    ignored as 1.14.1 ignores them, malformed ones refused with a message naming the field;
 *  - from_doc: reads a whole stored document, bookkeeping fields included (an import of a
 *    1.14.1 controller.d file).
 * Extensions over 1.14.1's POST: certificateTimeoutWindowSize, ssoEnabled, clientId and
 * authorizationEndpoint (networks) and ssoExempt (members) are accepted too (1.14.1 only reads
 * them from its files). Internal header. */
#ifndef ZTK_API_CTL_JSON_H
#define ZTK_API_CTL_JSON_H

#include <jansson.h>

#include "api/json_field.h"
#include "core/controller/controller.h"

/* New documents (NULL if out of memory). */
json_t *ztk_ctl_network_to_json(const ztk_ctl_network *n);
json_t *ztk_ctl_member_to_json(const ztk_ctl_member *m);

/* Merge a POST body (an object) into n / m. Returns 0, or ZTK_EJSON_FIELD (why says which
 * field; n / m may be partly updated), or ZTK_ENOMEM. now stamps authorization changes. */
int ztk_ctl_network_apply_post(ztk_ctl_network *n, const json_t *body, ztk_json_why *why);
int ztk_ctl_member_apply_post(ztk_ctl_member *m, const json_t *body, int64_t now,
                              ztk_json_why *why);

/* Read a whole document into an initialised record (network: "id" required; member: "id" or
 * "address" and "nwid" required). Returns as apply_post. */
int ztk_ctl_network_from_doc(ztk_ctl_network *n, const json_t *doc, ztk_json_why *why);
int ztk_ctl_member_from_doc(ztk_ctl_member *m, const json_t *doc, ztk_json_why *why);

/* Shared by both documents: "remoteTraceTarget" of body, if present, into *has / *target: 10
 * hex digits, while a string of another length means null (as 1.14.1). Returns 0 or
 * ZTK_EJSON_FIELD. */
int ztk_json_trace_target(const json_t *body, bool *has, ztk_address *target, ztk_json_why *why);

#endif
