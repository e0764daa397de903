/* The embedded network controller (protocol notes §13): the netconf master for networks whose
 * id starts with this node's address. It keeps networks and members as C structs with the
 * fields and defaults of ZeroTierOne 1.14.1's controller documents, answers
 * NETWORK_CONFIG_REQUESTs exactly as 1.14.1 does (authorization, IP assignment, credentials),
 * pushes new configs when records change and revokes deauthorized members' COMs.
 *
 * Sans-I/O: the node hands in decoded requests and the time; the controller answers through
 * ztk_ctl_io (send config / error / revocation, persistence, randomness). The JSON documents and
 * the HTTP API live in api/ (ctl_json.h, api.h); the simulator uses the same operations below.
 * Not thread-safe: one caller at a time. Internal header. */
#ifndef ZTK_CORE_CONTROLLER_CONTROLLER_H
#define ZTK_CORE_CONTROLLER_CONTROLLER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/network/dictionary.h"
#include "core/network/netconf.h"
#include "core/network/revocation.h"
#include "core/network/rule.h"
#include "core/util/inaddr.h"
#include "ztkit/identity.h"

/* ---- limits ------------------------------------------------------------------------------ */

#define ZTK_CTL_MAX_NETWORKS 1024
#define ZTK_CTL_MAX_MEMBERS 65536 /* per network (1.14.1 has no limit) */
#define ZTK_CTL_MAX_POOLS 64
#define ZTK_CTL_MAX_ROUTES ZTK_MAX_NETWORK_ROUTES
#define ZTK_CTL_MAX_RULES ZTK_MAX_NETWORK_RULES
#define ZTK_CTL_MAX_CAPS ZTK_MAX_NETWORK_CAPABILITIES
#define ZTK_CTL_MAX_TAGS ZTK_MAX_NETWORK_TAGS
#define ZTK_CTL_MAX_DNS_SERVERS ZTK_MAX_DNS_SERVERS
#define ZTK_CTL_MAX_AUTH_TOKENS 64
#define ZTK_CTL_TOKEN_MAX 505 /* 1.14.1 reads at most 511 bytes of "token:<t>" */
#define ZTK_CTL_MAX_MEMBER_IPS 64
#define ZTK_CTL_MAX_MEMBER_TAGS ZTK_MAX_NETWORK_TAGS
#define ZTK_CTL_MAX_MEMBER_CAPS ZTK_MAX_NETWORK_CAPABILITIES
#define ZTK_CTL_NAME_MAX ZTK_MAX_NETWORK_NAME /* network and member names, bytes */
#define ZTK_CTL_CLIENT_ID_MAX 255
#define ZTK_CTL_URL_MAX 2047
/* Members tracked for request de-duplication, pushes and the multicast gate. */
#define ZTK_CTL_MAX_STATUS 65536

/* ---- timing (1.14.1) --------------------------------------------------------------------- */

#define ZTK_CTL_MIN_REQUEST_PERIOD 1000   /* repeats from one member within this are ignored */
#define ZTK_CTL_ONLINE_WINDOW 120000      /* a member that requested within this gets pushes */
#define ZTK_CTL_AUTHORIZED_WINDOW 180000  /* ztk_ctl_recently_authorized */
#define ZTK_CTL_HOUSEKEEPING_PERIOD 60000 /* ztk_ctl_tick prunes idle status entries */

/* ---- records ----------------------------------------------------------------------------- */

typedef struct ztk_ctl_pool {
  ztk_inaddr start, end; /* same family, port 0 */
} ztk_ctl_pool;

typedef struct ztk_ctl_route {
  ztk_inaddr target; /* port = prefix bits */
  ztk_inaddr via;    /* family 0 = null (on-link) */
} ztk_ctl_route;

typedef struct ztk_ctl_capability {
  uint32_t id;
  bool dflt; /* "default": granted to members when they are created by their first request */
  unsigned rule_count;
  ztk_rule rules[ZTK_MAX_CAPABILITY_RULES];
} ztk_ctl_capability;

typedef struct ztk_ctl_tag {
  uint32_t id;
  bool has_default; /* "default": null when false */
  uint32_t dflt;
} ztk_ctl_tag;

typedef struct ztk_ctl_token {
  char token[ZTK_CTL_TOKEN_MAX + 1];
  int64_t expires; /* ms; 0 = never */
} ztk_ctl_token;

typedef struct ztk_ctl_dns {
  bool set; /* false: the document's "dns" is [] */
  char domain[ZTK_DNS_DOMAIN_LEN];
  unsigned server_count;
  ztk_inaddr servers[ZTK_CTL_MAX_DNS_SERVERS];
} ztk_ctl_dns;

/* A network. Heap arrays are owned by the struct: set it up with ztk_ctl_network_init, add
 * items with ztk_ctl_network_add_*, release with ztk_ctl_network_free. A zeroed struct is a
 * valid empty one (free and copy accept it). */
typedef struct ztk_ctl_network {
  uint64_t nwid;
  char name[ZTK_CTL_NAME_MAX + 1];
  bool is_private;                   /* "private" (true) */
  bool enable_broadcast;             /* "enableBroadcast" (true) */
  uint32_t multicast_limit;          /* "multicastLimit" (32) */
  uint32_t mtu;                      /* "mtu" (2800), kept within ZTK_MIN_MTU..ZTK_MAX_MTU */
  bool v4_zt;                        /* "v4AssignMode": {"zt"} */
  bool v6_rfc4193, v6_6plane, v6_zt; /* "v6AssignMode" */
  unsigned pool_count;
  ztk_ctl_pool *pools; /* "ipAssignmentPools" */
  unsigned route_count;
  ztk_ctl_route *routes; /* "routes" */
  unsigned rule_count;
  ztk_rule *rules; /* "rules" (a single ACCEPT) */
  unsigned cap_count;
  ztk_ctl_capability *caps; /* "capabilities", ascending ids */
  unsigned tag_count;
  ztk_ctl_tag *tags; /* "tags", ascending ids */
  ztk_ctl_dns dns;   /* "dns" */
  bool has_trace_target;
  ztk_address trace_target; /* "remoteTraceTarget" (null) */
  uint32_t trace_level;     /* "remoteTraceLevel" (0) */
  unsigned token_count;
  ztk_ctl_token *tokens; /* "authTokens" ([null] when empty) */
  bool has_ctw;
  int64_t ctw; /* "certificateTimeoutWindowSize" (absent): ctmd, clamped 5 min .. 2 h */
  int64_t creation_time;
  uint64_t revision;
  bool sso_enabled; /* SSO is kept as data: with it on, members need authenticationExpiryTime */
  char client_id[ZTK_CTL_CLIENT_ID_MAX + 1];
  char authorization_endpoint[ZTK_CTL_URL_MAX + 1];
} ztk_ctl_network;

typedef struct ztk_ctl_member_tag {
  uint32_t id, value;
} ztk_ctl_member_tag;

/* A member of a network; heap arrays as for networks (ztk_ctl_member_init/free). */
typedef struct ztk_ctl_member {
  uint64_t nwid;
  ztk_address address;
  bool authorized;
  bool active_bridge;
  bool no_auto_assign_ips;
  bool sso_exempt;
  unsigned ip_count;
  ztk_inaddr *ips; /* "ipAssignments": IPs, port 0 */
  unsigned tag_count;
  ztk_ctl_member_tag *tags; /* "tags": [[id, value], ...] */
  unsigned cap_count;
  uint32_t *caps; /* "capabilities": ascending ids */
  bool has_name;  /* "name" is only present once set */
  char name[ZTK_CTL_NAME_MAX + 1];
  bool has_identity;     /* learned from the first request */
  ztk_identity identity; /* public part only */
  int64_t creation_time;
  uint64_t revision;
  int64_t last_authorized_time, last_deauthorized_time;
  char last_auth_type[8]; /* "lastAuthorizedCredentialType": "" (null), "api", "public", "token" */
  char last_auth_credential[ZTK_CTL_TOKEN_MAX + 1]; /* "" = null; the token when "token" */
  int64_t v_major, v_minor, v_rev, v_proto;         /* -1 until an authorized request */
  int64_t auth_expiry;                              /* "authenticationExpiryTime" (0) */
  bool has_trace_target;
  ztk_address trace_target;
  uint32_t trace_level;
} ztk_ctl_member;

/* Sets up n (uninitialised memory) with 1.14.1's defaults (DB::initNetwork), nwid and
 * creation time 0. Returns 0 or ZTK_ENOMEM (the default rule; n is then empty but valid). */
int ztk_ctl_network_init(ztk_ctl_network *n);
/* Frees the heap arrays; n is left zeroed (an empty record: init it again to reuse it). */
void ztk_ctl_network_free(ztk_ctl_network *n);
/* Deep copy into dst (initialised or zeroed; its old contents are freed). Returns 0 or
 * ZTK_ENOMEM (dst is then zeroed). */
int ztk_ctl_network_copy(ztk_ctl_network *dst, const ztk_ctl_network *src);
/* Whether a and b hold the same data, revision aside (1.14.1 counts a revision only for a real
 * change). */
bool ztk_ctl_network_same(const ztk_ctl_network *a, const ztk_ctl_network *b);

/* What put checks and repairs in the copy it stores: counts within the limits (and capability
 * rule counts), mtu clamped, strings cut at their buffers, the trace target masked to 40 bits;
 * for members also a known credential type, an identity with the member's address (its
 * private key dropped). Returns 0 or ZTK_EINVAL. */
int ztk_ctl_network_check(ztk_ctl_network *n);
int ztk_ctl_member_check(ztk_ctl_member *m);

/* Appends one item. Returns 0 or one of: ZTK_ELIMIT (the ZTK_CTL_MAX_* limit), ZTK_EINVAL (a
 * pool or route with mismatched families, a nil address, prefix bits too long for the
 * family), ZTK_ENOMEM. Capabilities and tags replace an entry with the same id and keep the
 * array sorted by id (1.14.1 keys them by id). Rules are reset by setting rule_count = 0. */
int ztk_ctl_network_add_pool(ztk_ctl_network *n, const ztk_ctl_pool *p);
int ztk_ctl_network_add_route(ztk_ctl_network *n, const ztk_ctl_route *r);
int ztk_ctl_network_add_rule(ztk_ctl_network *n, const ztk_rule *r);
int ztk_ctl_network_add_capability(ztk_ctl_network *n, const ztk_ctl_capability *c);
int ztk_ctl_network_add_tag(ztk_ctl_network *n, const ztk_ctl_tag *t);
/* A token (1..ZTK_CTL_TOKEN_MAX printable characters, replacing one with the same text).
 * Returns as above, ZTK_EINVAL for a bad token or a negative expiry. */
int ztk_ctl_network_add_token(ztk_ctl_network *n, const char *token, int64_t expires);

/* Sets up m (uninitialised memory) with 1.14.1's defaults (DB::initMember): not authorized,
 * versions -1, no heap arrays yet. free leaves m zeroed; copy and same work as for networks. */
void ztk_ctl_member_init(ztk_ctl_member *m, uint64_t nwid, ztk_address address);
void ztk_ctl_member_free(ztk_ctl_member *m);
int ztk_ctl_member_copy(ztk_ctl_member *dst, const ztk_ctl_member *src);
bool ztk_ctl_member_same(const ztk_ctl_member *a, const ztk_ctl_member *b);

/* Appends an IP (its port is cleared; a duplicate is not added again). Returns 0 or one of:
 * ZTK_ELIMIT, ZTK_EINVAL (not IPv4/IPv6), ZTK_ENOMEM. */
int ztk_ctl_member_add_ip(ztk_ctl_member *m, const ztk_inaddr *ip);
/* Sets tag id to value (replacing an existing entry with that id, else appending). */
int ztk_ctl_member_set_tag(ztk_ctl_member *m, uint32_t id, uint32_t value);
/* Adds a capability id (kept sorted, duplicates ignored). */
int ztk_ctl_member_add_cap(ztk_ctl_member *m, uint32_t id);

/* Sets "authorized" as the API does: on a change it stamps lastAuthorizedTime or
 * lastDeauthorizedTime with now, and an authorization records credential type "api". */
void ztk_ctl_member_set_authorized(ztk_ctl_member *m, bool authorized, int64_t now);

/* ---- the controller ---------------------------------------------------------------------- */

typedef struct ztk_ctl ztk_ctl;

/* State ids: id[0] = nwid, id[1] = member address, or 0 for the network record, or
 * ZTK_CTL_STATE_MEMBER_INDEX for the list of the network's members; {0, 0} is the list of
 * networks. Records are ztkit's own versioned binary format (ctl_record.h). */
#define ZTK_CTL_STATE_MEMBER_INDEX UINT64_MAX

typedef struct ztk_ctl_io {
  void *ctx;
  /* REQUIRED. Send nc to member: request_id != 0 answers that NETWORK_CONFIG_REQUEST with OK
   * chunks; 0 pushes it as NETWORK_CONFIG. The node signs and chunks it. nc is valid during the
   * call. member may be the controller's own address (the node applies the config itself). */
  void (*send_config)(void *ctx, int64_t now, ztk_address member, uint64_t request_id,
                      const ztk_netconf *nc);
  /* REQUIRED. Send ERROR(code) about nwid in reply to request_id (codes:
   * ZTK_PROTO_ERR_OBJ_NOT_FOUND, _NETWORK_ACCESS_DENIED, _NETWORK_AUTHENTICATION_REQUIRED from
   * core/packet/packet.h). request_id is 0 only for the controller's own address (1.14.1 sends
   * nothing to others for a push that fails; the node applies it to itself). */
  void (*send_error)(void *ctx, int64_t now, ztk_address member, uint64_t request_id, uint64_t nwid,
                     int code);
  /* REQUIRED. Send a signed revocation to `to` (NETWORK_CREDENTIALS with one revocation). */
  void (*send_revocation)(void *ctx, int64_t now, ztk_address to, const ztk_revocation *r);
  /* OPTIONAL (both or neither; without them nothing persists). Persistence of the node's
   * ZTK_STATE_CONTROLLER objects; data NULL deletes. state_get returns the length, or a
   * negative value if the object is absent or larger than cap. */
  void (*state_put)(void *ctx, const uint64_t id[2], const void *data, size_t len);
  long (*state_get)(void *ctx, const uint64_t id[2], void *buf, size_t cap);
  /* REQUIRED. Random bytes (network ids, revocation ids, IPv6 pool addresses). */
  void (*random)(void *ctx, void *buf, size_t len);
} ztk_ctl_io;

/* What loading the persisted database found: records refused (corrupt or of an unknown
 * version) are skipped; the first one is named here. */
typedef struct ztk_ctl_load_report {
  unsigned networks, members; /* loaded */
  unsigned refused;
  uint64_t first_refused_id[2];
  int first_refused_error; /* ZTK_ECTL_RECORD, ZTK_ECTL_VERSION or ZTK_ELIMIT */
} ztk_ctl_load_report;

/* Creates a controller signing with self (which must hold its secret key) and loads the
 * persisted records. *out is owned by the caller (ztk_ctl_free). Returns 0 or one of:
 * ZTK_EINVAL (a required callback is missing), ZTK_EID_NOSECRET, ZTK_ENOMEM. */
int ztk_ctl_new(ztk_ctl **out, const ztk_identity *self, const ztk_ctl_io *io, int64_t now);
void ztk_ctl_free(ztk_ctl *c);
/* What ztk_ctl_new loaded. */
void ztk_ctl_load_report_get(const ztk_ctl *c, ztk_ctl_load_report *out);
/* The controller's address (networks it serves have it as their top 40 bits). */
ztk_address ztk_ctl_address(const ztk_ctl *c);

/* A NETWORK_CONFIG_REQUEST (decoded by the node: metadata dictionary, requester identity
 * verified). Calls io->send_config or io->send_error synchronously, or nothing for a repeat
 * within ZTK_CTL_MIN_REQUEST_PERIOD, a network that is not ours, or a full status table. A
 * change to the member record is then pushed (send_config with request id 0), as 1.14.1 does. */
void ztk_ctl_request(ztk_ctl *c, int64_t now, uint64_t nwid, const ztk_identity *requester,
                     const ztk_dict *metadata, uint64_t request_id);

/* True if member was sent a config within the last ZTK_CTL_AUTHORIZED_WINDOW ms (the node's
 * multicast LIKE/GATHER gate). */
bool ztk_ctl_recently_authorized(const ztk_ctl *c, int64_t now, uint64_t nwid, ztk_address member);

/* Housekeeping: forgets members idle for longer than every window (at most once per
 * ZTK_CTL_HOUSEKEEPING_PERIOD). Returns the next deadline (ZTK_NEVER when nothing is tracked). */
int64_t ztk_ctl_tick(ztk_ctl *c, int64_t now);

/* ---- database operations (the HTTP API and the simulator) -------------------------------- */

/* Creates or updates n (create-or-update, as POST does). n->nwid 0 asks for a new id: the
 * controller's address and random low 24 bits, never 0, unused. A new record without a
 * creation time gets now. The revision becomes the stored one + 1 when anything changed (a
 * new record gets 1); an unchanged record is not written again. Changes are persisted and
 * pushed to the network's online members. saved (optional, initialised) receives the stored
 * record. Returns 0 or one of: ZTK_ELIMIT (ZTK_CTL_MAX_NETWORKS, or no free id), ZTK_EINVAL
 * (ztk_ctl_network_check refuses it), ZTK_ENOMEM. */
int ztk_ctl_network_put(ztk_ctl *c, int64_t now, const ztk_ctl_network *n, ztk_ctl_network *saved);
/* A copy of network nwid into out (initialised or zeroed; freed first). Returns 0,
 * ZTK_ENOTFOUND or ZTK_ENOMEM. */
int ztk_ctl_network_get(const ztk_ctl *c, uint64_t nwid, ztk_ctl_network *out);
/* Deletes network nwid and its members; every member's COM is revoked to online members, as
 * 1.14.1 does. deleted (optional, initialised) receives the record. Returns 0, ZTK_ENOTFOUND
 * or ZTK_ENOMEM. */
int ztk_ctl_network_delete(ztk_ctl *c, int64_t now, uint64_t nwid, ztk_ctl_network *deleted);
/* Fills up to max network ids in ascending order; returns how many networks exist. */
unsigned ztk_ctl_network_list(const ztk_ctl *c, uint64_t *ids, unsigned max);
/* Member counts of network nwid. Returns 0 or ZTK_ENOTFOUND. */
int ztk_ctl_network_counts(const ztk_ctl *c, uint64_t nwid, unsigned *total, unsigned *authorized);

/* Creates or updates member (m->nwid, m->address), revisions as for networks. A change is
 * pushed to the member if it is online; an authorized -> unauthorized change also revokes its
 * COM to every online member. Returns 0 or one of: ZTK_ENOTFOUND (no such network), ZTK_EINVAL
 * (reserved address, or ztk_ctl_member_check refuses it), ZTK_ELIMIT (ZTK_CTL_MAX_MEMBERS),
 * ZTK_ENOMEM. */
int ztk_ctl_member_put(ztk_ctl *c, int64_t now, const ztk_ctl_member *m, ztk_ctl_member *saved);
/* A copy of the member. Returns 0, ZTK_ENOTFOUND (network or member) or ZTK_ENOMEM. */
int ztk_ctl_member_get(const ztk_ctl *c, uint64_t nwid, ztk_address address, ztk_ctl_member *out);
/* Deletes a member (an authorized one has its COM revoked to online members). Returns 0,
 * ZTK_ENOTFOUND or ZTK_ENOMEM. */
int ztk_ctl_member_delete(ztk_ctl *c, int64_t now, uint64_t nwid, ztk_address address,
                          ztk_ctl_member *deleted);
/* Fills up to max member addresses of network nwid in ascending order; returns how many
 * members it has, or ZTK_ENOTFOUND. */
long ztk_ctl_member_list(const ztk_ctl *c, uint64_t nwid, ztk_address *addrs, unsigned max);

#endif
