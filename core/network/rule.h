/* Network flow rules: the in-memory form shared by the binary codec (core/network/rule.c, the
 * `R` netconf key and Capabilities), the JSON form of the controller (api/) and the rules
 * engine (core/network/filter.c). Wire form: type byte (low 6 bits type, ZTK_RULE_NOT,
 * ZTK_RULE_OR), field length byte, fields (protocol notes §10.9). Internal header. */
#ifndef ZTK_CORE_NETWORK_RULE_H
#define ZTK_CORE_NETWORK_RULE_H

#include <stdint.h>

#include "core/util/cursor.h"

#define ZTK_RULE_NOT 0x80
#define ZTK_RULE_OR 0x40
#define ZTK_RULE_TYPE_MASK 0x3f

#define ZTK_MAX_NETWORK_RULES 1024
#define ZTK_MAX_CAPABILITY_RULES 64

typedef enum ztk_rule_type {
  ZTK_RULE_ACTION_DROP = 0,
  ZTK_RULE_ACTION_ACCEPT = 1,
  ZTK_RULE_ACTION_TEE = 2,
  ZTK_RULE_ACTION_WATCH = 3,
  ZTK_RULE_ACTION_REDIRECT = 4,
  ZTK_RULE_ACTION_BREAK = 5,
  ZTK_RULE_ACTION_PRIORITY = 6,
  ZTK_RULE_ACTION_MAX_ID = 15, /* types <= this are actions, the rest matches */
  ZTK_RULE_MATCH_SOURCE_ZEROTIER_ADDRESS = 24,
  ZTK_RULE_MATCH_DEST_ZEROTIER_ADDRESS = 25,
  ZTK_RULE_MATCH_VLAN_ID = 26,
  ZTK_RULE_MATCH_VLAN_PCP = 27,
  ZTK_RULE_MATCH_VLAN_DEI = 28,
  ZTK_RULE_MATCH_MAC_SOURCE = 29,
  ZTK_RULE_MATCH_MAC_DEST = 30,
  ZTK_RULE_MATCH_IPV4_SOURCE = 31,
  ZTK_RULE_MATCH_IPV4_DEST = 32,
  ZTK_RULE_MATCH_IPV6_SOURCE = 33,
  ZTK_RULE_MATCH_IPV6_DEST = 34,
  ZTK_RULE_MATCH_IP_TOS = 35,
  ZTK_RULE_MATCH_IP_PROTOCOL = 36,
  ZTK_RULE_MATCH_ETHERTYPE = 37,
  ZTK_RULE_MATCH_ICMP = 38,
  ZTK_RULE_MATCH_IP_SOURCE_PORT_RANGE = 39,
  ZTK_RULE_MATCH_IP_DEST_PORT_RANGE = 40,
  ZTK_RULE_MATCH_CHARACTERISTICS = 41,
  ZTK_RULE_MATCH_FRAME_SIZE_RANGE = 42,
  ZTK_RULE_MATCH_RANDOM = 43,
  ZTK_RULE_MATCH_TAGS_DIFFERENCE = 44,
  ZTK_RULE_MATCH_TAGS_BITWISE_AND = 45,
  ZTK_RULE_MATCH_TAGS_BITWISE_OR = 46,
  ZTK_RULE_MATCH_TAGS_BITWISE_XOR = 47,
  ZTK_RULE_MATCH_TAGS_EQUAL = 48,
  ZTK_RULE_MATCH_TAG_SENDER = 49,
  ZTK_RULE_MATCH_TAG_RECEIVER = 50,
  ZTK_RULE_MATCH_INTEGER_RANGE = 51,
  ZTK_RULE_MATCH_MAX_ID = 63,
} ztk_rule_type;

/* Flags of ZTK_RULE_MATCH_ICMP's `flags` field. */
#define ZTK_RULE_ICMP_FLAG_CHECK_CODE 0x01

typedef struct ztk_rule {
  uint8_t t; /* ztk_rule_type | ZTK_RULE_NOT | ZTK_RULE_OR */
  union {
    struct {
      uint64_t address; /* low 40 bits */
      uint32_t flags;
      uint16_t length;
    } fwd;       /* TEE, WATCH, REDIRECT */
    uint64_t zt; /* SOURCE/DEST_ZEROTIER_ADDRESS (low 40 bits) */
    uint16_t vlan_id;
    uint8_t vlan_pcp;
    uint8_t vlan_dei;
    uint8_t mac[6]; /* MAC_SOURCE/DEST */
    struct {
      uint8_t ip[4];
      uint8_t mask; /* prefix bits */
    } ipv4;
    struct {
      uint8_t ip[16];
      uint8_t mask;
    } ipv6;
    struct {
      uint8_t mask;
      uint8_t value[2]; /* start, end */
    } ip_tos;
    uint8_t ip_protocol;
    uint16_t ether_type;
    struct {
      uint8_t type;
      uint8_t code;
      uint8_t flags;
    } icmp;
    uint16_t port[2]; /* start, end */
    uint64_t characteristics;
    uint16_t frame_size[2]; /* start, end */
    uint32_t random_probability;
    struct {
      uint32_t id;
      uint32_t value;
    } tag;
    struct {
      uint64_t start;
      uint32_t end; /* range is [start, start + end] */
      uint16_t idx;
      uint8_t format;
    } int_range;
    uint32_t qos_bucket; /* PRIORITY */
  } v;
} ztk_rule;

static inline unsigned ztk_rule_type_of(const ztk_rule *r)
{
  return r->t & ZTK_RULE_TYPE_MASK;
}

/* Binary form (core/network/rule.c), exactly as ZeroTierOne 1.14.1 writes and reads it:
 * - ACTION_PRIORITY and every type without a field in §10.9 is written with length 0 (1.14.1
 *   does not transmit qos_bucket; a read rule has qos_bucket 0);
 * - INTEGER_RANGE carries start and start + end, both 64-bit;
 * - a rule of an unknown type is kept (type byte only, fields zero) and its field bytes are
 *   skipped by length, so the rules engine can apply the "unsupported match" flag;
 * - a known type whose field length is larger than needed has the extra bytes skipped; one
 *   whose field length is smaller is refused (1.14.1 would read into the next rule). */

/* The number of field bytes written for a rule type (the low 6 bits of t). */
unsigned ztk_rule_field_len(unsigned type);

/* Appends one rule / count rules (errors are the writer's sticky ZTK_ENOSPACE). */
void ztk_rule_write(ztk_wr *w, const ztk_rule *r);
void ztk_rules_write(ztk_wr *w, const ztk_rule *rules, unsigned count);

/* Reads one rule into *out (zeroed first). Returns 0, or one of: ZTK_ETRUNC, ZTK_ENET_RULES
 * (field shorter than its type needs); a failure is also recorded in r->err. */
int ztk_rule_read(ztk_rd *r, ztk_rule *out);

/* Reads exactly n rules (n <= max). Returns 0, or one of: ZTK_ELIMIT (n > max), ZTK_ETRUNC,
 * ZTK_ENET_RULES. */
int ztk_rules_read_n(ztk_rd *r, ztk_rule *rules, unsigned n, unsigned max);

/* Reads rules until the reader is empty (the netconf `R` value). Returns 0 with *count set, or
 * one of: ZTK_ELIMIT (more than max rules), ZTK_ETRUNC, ZTK_ENET_RULES. */
int ztk_rules_read_all(ztk_rd *r, ztk_rule *rules, unsigned max, unsigned *count);

#endif
