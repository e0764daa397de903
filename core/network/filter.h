/* The flow rules engine, evaluated exactly as ZeroTierOne 1.14.1 does (Network.cpp): a frame
 * is run through the network's base rules; if they end without a decision, through each
 * capability in turn until one accepts. Pure: the caller supplies the frame, both parties'
 * tags and capabilities, ownership lookups for the characteristics bits and a random source,
 * and gets back the verdict plus the copies (TEE/WATCH) and redirect to send.
 *
 * Rule semantics, in short. Rules are read in order. Match rules AND into the current "set"
 * (or OR with ZTK_RULE_OR; ZTK_RULE_NOT inverts a result); an action rule ends the set: if the
 * set matched, the action runs (ACCEPT, DROP and PRIORITY end evaluation; TEE and WATCH note a
 * copy and go on; REDIRECT ends with a new destination; BREAK ends "without a decision"),
 * otherwise the next set starts as "matches". Some matches answer "no" (or "yes") whatever
 * their NOT bit says: e.g. an IPv4 match on a non-IPv4 frame never matches, NOT or not.
 * Internal header. */
#ifndef ZTK_CORE_NETWORK_FILTER_H
#define ZTK_CORE_NETWORK_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/network/rule.h"
#include "core/util/inaddr.h"
#include "ztkit/types.h"

/* Bits of MATCH_CHARACTERISTICS: what the engine knows about the frame. The low 12 bits are
 * the TCP flags of a TCP segment (NS, CWR, ... FIN). */
#define ZTK_CHAR_INBOUND 0x8000000000000000ULL
#define ZTK_CHAR_MULTICAST 0x4000000000000000ULL
#define ZTK_CHAR_BROADCAST 0x2000000000000000ULL
#define ZTK_CHAR_SENDER_IP_AUTHENTICATED 0x1000000000000000ULL
#define ZTK_CHAR_SENDER_MAC_AUTHENTICATED 0x0800000000000000ULL
#define ZTK_CHAR_TCP_RESERVED_0 0x800ULL
#define ZTK_CHAR_TCP_RESERVED_1 0x400ULL
#define ZTK_CHAR_TCP_RESERVED_2 0x200ULL
#define ZTK_CHAR_TCP_NS 0x100ULL
#define ZTK_CHAR_TCP_CWR 0x80ULL
#define ZTK_CHAR_TCP_ECE 0x40ULL
#define ZTK_CHAR_TCP_URG 0x20ULL
#define ZTK_CHAR_TCP_ACK 0x10ULL
#define ZTK_CHAR_TCP_PSH 0x08ULL
#define ZTK_CHAR_TCP_RST 0x04ULL
#define ZTK_CHAR_TCP_SYN 0x02ULL
#define ZTK_CHAR_TCP_FIN 0x01ULL

/* Default QoS bucket of an outgoing frame (no PRIORITY rule); PRIORITY values above 8 mean 4. */
#define ZTK_FILTER_QOS_DEFAULT 0

/* A tag value (id -> value) held by us or presented by the remote member. */
typedef struct ztk_tag_value {
  uint32_t id;
  uint32_t value;
} ztk_tag_value;

/* One rule list: the network's base rules or one capability's rules. */
typedef struct ztk_ruleset {
  const ztk_rule *rules;
  size_t n;
} ztk_ruleset;

/* Certificate-of-ownership lookups for MATCH_CHARACTERISTICS (OPTIONAL; NULL = not owned).
 * Inbound they ask about the remote member's valid certificates (1.14.1 also counts IPv6
 * addresses in our own rfc4193/6plane prefixes, see ztk_ipv6_owned_by_emulation); outbound
 * about our own. Return true if the sender owns ip / mac. */
typedef struct ztk_filter_owner_ops {
  bool (*owns_ip)(void *user, const ztk_inaddr *ip);
  bool (*owns_mac)(void *user, uint64_t mac);
} ztk_filter_owner_ops;

/* Everything the engine looks at. */
typedef struct ztk_filter_input {
  bool inbound;
  uint64_t self;       /* our address */
  uint64_t source;     /* sending member: the remote peer inbound, self outbound */
  uint64_t dest;       /* receiving member; 0 when unknown (multicast, bridged destination) */
  uint64_t src_mac;
  uint64_t dst_mac;
  uint16_t ethertype;
  uint16_t vlan_id;    /* 1.14.1 always passes 0 */
  const uint8_t *data; /* frame payload (after the Ethernet header) */
  size_t len;

  ztk_ruleset rules;            /* the network's base rules */
  const ztk_ruleset *caps;      /* outbound: our capabilities in config order; inbound: the
                                   sender's valid capabilities in the order to try them (1.14.1
                                   walks its hash table, an order with no meaning; ascending
                                   capability id is the deterministic choice) */
  size_t n_caps;
  const ztk_tag_value *local_tags;  /* our tags; the first entry with an id counts */
  size_t n_local_tags;
  const ztk_tag_value *remote_tags; /* the other member's valid tags: inbound the sender's,
                                       outbound dest's (NULL when dest is 0 or unknown) */
  size_t n_remote_tags;
  bool unsupported_match_result;    /* network flag 0x08: result of unknown match types */

  const ztk_filter_owner_ops *owner; /* OPTIONAL */
  void *owner_user;
  ztk_random_fn rnd;                 /* for MATCH_RANDOM; REQUIRED if such a rule is reached */
  void *rnd_user;
} ztk_filter_input;

typedef enum ztk_filter_verdict {
  ZTK_FILTER_DROP = 0,
  ZTK_FILTER_ACCEPT = 1,
  ZTK_FILTER_SUPER_ACCEPT = 2, /* inbound: we are a TEE/WATCH/REDIRECT target; accept even if
                                  MAC/address checks would refuse the frame */
} ztk_filter_verdict;

/* EXT_FRAME flags 1.14.1 puts on the copies it sends. */
#define ZTK_FILTER_EXT_TEE_OUT 0x02
#define ZTK_FILTER_EXT_WATCH_OUT 0x16
#define ZTK_FILTER_EXT_REDIRECT_OUT 0x04
#define ZTK_FILTER_EXT_TEE_IN 0x08
#define ZTK_FILTER_EXT_WATCH_IN 0x1c
#define ZTK_FILTER_EXT_REDIRECT_IN 0x0a

/* A copy of the frame to send as EXT_FRAME (ext_flags, dst MAC, src MAC, ethertype, the first
 * `length` payload bytes). */
typedef struct ztk_filter_copy {
  uint64_t address;
  uint32_t length;
  bool watch;
  uint8_t ext_flags;
} ztk_filter_copy;

typedef struct ztk_filter_result {
  ztk_filter_verdict verdict; /* decision of the rules (REDIRECT counts as accept) */
  bool deliver;               /* send (outbound) / hand to the tap (inbound): accepted and
                                 not redirected elsewhere */
  int capability;             /* index into caps of the accepting capability, or -1 */
  ztk_filter_copy copies[2];  /* in 1.14.1's send order: the capability's, then the base
                                 rules' TEE/WATCH (outbound: unless the caller's noTee) */
  unsigned n_copies;
  uint64_t redirect;          /* 0, or where the whole frame goes instead (EXT_FRAME with
                                 redirect_flags); deliver is false then */
  uint8_t redirect_flags;
  uint8_t qos_bucket;         /* outbound: PRIORITY result, else ZTK_FILTER_QOS_DEFAULT */
} ztk_filter_result;

/* Evaluates in: base rules, then (only if they end without a decision) capabilities. Returns 0
 * with *res filled, or ZTK_EINVAL if a MATCH_RANDOM rule is reached without in->rnd or a
 * list pointer is NULL with a nonzero count. */
int ztk_filter_evaluate(const ztk_filter_input *in, ztk_filter_result *res);

/* The source IP 1.14.1 checks ownership of for MATCH_CHARACTERISTICS: IPv4 source, ARP sender
 * IP, IPv6 source (for a Neighbor Advertisement its target). Returns 1 with *ip set, 2 for a
 * Neighbor Solicitation (always treated as IP-authenticated), 0 if there is none. */
int ztk_filter_owner_ip(uint16_t ethertype, const uint8_t *data, size_t len, ztk_inaddr *ip);

#endif
