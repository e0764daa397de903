/* A network configuration (protocol notes §10.3): what a controller tells a member about a
 * network, as a Dictionary. ztk_netconf holds every field 1.14.1 reads, within 1.14.1's fixed
 * limits. Building writes the keys in exactly the order and encodings of 1.14.1's
 * NetworkConfig::toDictionary (what its controller sends), so a config built from the same
 * values is byte-identical to a real controller's. Internal header. */
#ifndef ZTK_CORE_NETWORK_NETCONF_H
#define ZTK_CORE_NETWORK_NETCONF_H

#include <stdbool.h>
#include <stdint.h>

#include "core/network/capability.h"
#include "core/network/com.h"
#include "core/network/coo.h"
#include "core/network/dictionary.h"
#include "core/network/rule.h"
#include "core/network/tag.h"
#include "core/util/inaddr.h"

#define ZTK_NETCONF_VERSION 7     /* written by 1.14.1 */
#define ZTK_NETCONF_MIN_VERSION 6 /* 1.14.1 refuses older (legacy) formats */

#define ZTK_MAX_NETWORK_ROUTES 128
#define ZTK_MAX_ASSIGNED_ADDRESSES 32
#define ZTK_MAX_NETWORK_SPECIALISTS 256
#define ZTK_MAX_NETWORK_CAPABILITIES 128
#define ZTK_MAX_NETWORK_TAGS 128
#define ZTK_MAX_CERTIFICATES_OF_OWNERSHIP 4
#define ZTK_MAX_NETWORK_NAME 127
#define ZTK_MAX_DNS_SERVERS 4
#define ZTK_DNS_DOMAIN_LEN 128

#define ZTK_DEFAULT_MTU 2800
#define ZTK_MIN_MTU 1280
#define ZTK_MAX_MTU 10000

/* Credential time max delta (ctmd): default, minimum and maximum, ms. */
#define ZTK_CTMD_DEFAULT (30 * 60 * 1000)
#define ZTK_CTMD_MIN (5 * 60 * 1000)
#define ZTK_CTMD_MAX (2 * 60 * 60 * 1000)

/* `f` flags */
#define ZTK_NETCONF_FLAG_ENABLE_BROADCAST 0x02ull
#define ZTK_NETCONF_FLAG_NDP_EMULATION 0x04ull
#define ZTK_NETCONF_FLAG_UNSUPPORTED_MATCH 0x08ull /* unknown MATCH rules match */
#define ZTK_NETCONF_FLAG_DISABLE_COMPRESSION 0x10ull

/* `t` network types */
#define ZTK_NETWORK_PRIVATE 0
#define ZTK_NETWORK_PUBLIC 1

/* Specialist role bits above the 40-bit address (`S`). */
#define ZTK_SPECIALIST_ACTIVE_BRIDGE 0x0000020000000000ull
#define ZTK_SPECIALIST_ANCHOR 0x0000040000000000ull
#define ZTK_SPECIALIST_MULTICAST_REPLICATOR 0x0000080000000000ull

/* SSO text field sizes (with their NUL), as 1.14.1's. */
#define ZTK_SSO_URL_LEN 2048
#define ZTK_SSO_NONCE_LEN 128
#define ZTK_SSO_STATE_LEN 256
#define ZTK_SSO_CLIENT_ID_LEN 256
#define ZTK_SSO_PROVIDER_LEN 64

typedef struct ztk_netconf_route {
  ztk_inaddr target; /* port = prefix bits */
  ztk_inaddr via;    /* nil = on-link */
  uint16_t flags;
  uint16_t metric;
} ztk_netconf_route;

typedef struct ztk_netconf_dns {
  char domain[ZTK_DNS_DOMAIN_LEN];         /* NUL-padded; byte 127 is always NUL after parsing */
  ztk_inaddr servers[ZTK_MAX_DNS_SERVERS]; /* nil entries are unused */
} ztk_netconf_dns;

typedef struct ztk_netconf {
  uint64_t version;                    /* v (parsed; building always writes ZTK_NETCONF_VERSION) */
  uint64_t nwid;                       /* nwid */
  int64_t ts;                          /* ts: controller clock, ms */
  int64_t ctmd;                        /* ctmd: credential time max delta, ms */
  uint64_t revision;                   /* r */
  ztk_address issued_to;               /* id: must be the receiving node */
  ztk_address trace_target;            /* tt */
  uint32_t trace_level;                /* tl */
  uint64_t flags;                      /* f: ZTK_NETCONF_FLAG_* */
  uint32_t multicast_limit;            /* ml */
  uint32_t type;                       /* t: ZTK_NETWORK_PRIVATE / PUBLIC */
  char name[ZTK_MAX_NETWORK_NAME + 1]; /* n */
  uint32_t mtu;                        /* mtu: clamped to ZTK_MIN_MTU..ZTK_MAX_MTU when parsed */
  ztk_com com;                         /* C (com.count == 0: none) */
  /* The variable-size parts are heap arrays owned by the config, sized to what it holds
   * (capacity: count rounded up to a power of two); add items with ztk_netconf_add_*. */
  unsigned cap_count;
  ztk_capability *caps; /* CAP, sorted by id when parsed */
  unsigned tag_count;
  ztk_tag *tags; /* TAG, sorted by id when parsed */
  unsigned coo_count;
  ztk_coo coos[ZTK_MAX_CERTIFICATES_OF_OWNERSHIP]; /* COO */
  unsigned specialist_count;
  uint64_t *specialists; /* S: address | ZTK_SPECIALIST_* */
  unsigned route_count;
  ztk_netconf_route *routes; /* RT */
  unsigned static_ip_count;
  ztk_inaddr static_ips[ZTK_MAX_ASSIGNED_ADDRESSES]; /* I: port = prefix bits */
  unsigned rule_count;
  ztk_rule *rules;                       /* R */
  ztk_netconf_dns dns;                       /* DNS */
  uint64_t sso_version;                      /* ssov: 0 or 1 (others write no SSO keys) */
  bool sso_enabled;                          /* ssoe */
  char auth_url[ZTK_SSO_URL_LEN];            /* aurl */
  uint64_t auth_expiry;                      /* aexpt */
  char issuer_url[ZTK_SSO_URL_LEN];          /* iurl (ssov 1) */
  char central_url[ZTK_SSO_URL_LEN];         /* ssoce */
  char sso_nonce[ZTK_SSO_NONCE_LEN];         /* sson */
  char sso_state[ZTK_SSO_STATE_LEN];         /* ssos */
  char sso_client_id[ZTK_SSO_CLIENT_ID_LEN]; /* ssocid */
  char sso_provider[ZTK_SSO_PROVIDER_LEN];   /* ssop */
} ztk_netconf;

/* Sets up nc (uninitialised memory) as 1.14.1's empty config: all zero, private, mtu
 * ZTK_DEFAULT_MTU, SSO provider "default". The struct is about 10 KB (mostly SSO text fields);
 * its variable-size parts live on the heap: release them with ztk_netconf_free. */
void ztk_netconf_init(ztk_netconf *nc);

/* Frees the heap arrays and re-initialises nc (safe on an initialised empty config). */
void ztk_netconf_free(ztk_netconf *nc);

/* Deep copy into dst (initialised; its old contents are freed). Returns 0 or ZTK_ENOMEM. */
int ztk_netconf_copy(ztk_netconf *dst, const ztk_netconf *src);

/* Appends one item. Returns 0, ZTK_ELIMIT (the 1.14.1 limit for that kind) or ZTK_ENOMEM. */
int ztk_netconf_add_rule(ztk_netconf *nc, const ztk_rule *r);
int ztk_netconf_add_capability(ztk_netconf *nc, const ztk_capability *c);
int ztk_netconf_add_tag(ztk_netconf *nc, const ztk_tag *t);
int ztk_netconf_add_specialist(ztk_netconf *nc, uint64_t specialist);
int ztk_netconf_add_route(ztk_netconf *nc, const ztk_netconf_route *rt);

/* Parses a dictionary as 1.14.1's NetworkConfig::fromDictionary does, but refuses what it would
 * silently truncate or misread. Returns 0, or one of:
 * ZTK_ENET_VERSION (v absent or < 6), ZTK_ENET_CONFIG (nwid or id absent/zero, a malformed
 * integer or binary value), ZTK_ENET_RULES (malformed R or capability rules), ZTK_ELIMIT (more
 * items than the ZTK_MAX_* limits), ZTK_ENOMEM. On error nc is left reset. */
int ztk_netconf_from_dict(ztk_netconf *nc, const ztk_dict *d);

/* Checks a parsed config against the node that received it, as 1.14.1 does before applying it:
 * issued to `self`, for network `nwid`. Returns 0 or ZTK_ENET_CONFIG. */
int ztk_netconf_check(const ztk_netconf *nc, uint64_t nwid, ztk_address self);

/* Appends the config to d (normally empty, capacity ZTK_DICT_NETCONF_CAP) in 1.14.1's key order:
 * v nwid ts ctmd r id tt tl f ml t n mtu [C] [CAP] [TAG] [COO] [S] [RT] [I] [R] DNS, then
 * ssov ssoe [aurl] aexpt (ssov 0, aurl/aexpt only when SSO is enabled) or ssov ssoe iurl
 * ssoce sson ssos ssocid ssop (ssov 1). Returns 0, or one of: ZTK_ELIMIT (the dictionary is
 * full), ZTK_EINVAL (a count above its limit), ZTK_ESTATE (d is read-only). */
int ztk_netconf_to_dict(const ztk_netconf *nc, ztk_dict *d);

/* Whether addr is listed in S with any of the role bits in `role`. */
bool ztk_netconf_is_specialist(const ztk_netconf *nc, ztk_address addr, uint64_t role);

/* The capability / tag with this id, or NULL. */
const ztk_capability *ztk_netconf_capability(const ztk_netconf *nc, uint32_t id);
const ztk_tag *ztk_netconf_tag(const ztk_netconf *nc, uint32_t id);

#endif
