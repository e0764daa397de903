/* Network rules as ZeroTierOne's controller writes them in JSON: {"type": "ACTION_ACCEPT" |
 * "MATCH_..." | "INTEGER_RANGE", "not": bool, "or": bool, fields...} with the field names zt,
 * vlanId, vlanPcp, vlanDei, mac, ip, mask, start, end, ipProtocol, etherType, icmpType,
 * icmpCode, probability, id, value, address, flags, length, idx, little, bits. Reading accepts
 * what 1.14.1 accepts (its defaults for absent fields; addresses and masks in hex strings;
 * "mask" of MATCH_CHARACTERISTICS as a number or hex string) and refuses unknown types and
 * malformed or out-of-range fields. Writing gives 1.14.1's rendering. Internal header. */
#ifndef ZTK_API_RULE_JSON_H
#define ZTK_API_RULE_JSON_H

#include <jansson.h>

#include "api/json_field.h"
#include "core/network/rule.h"

/* Reads one rule (field names messages with `field`, e.g. "rules[3]"). Returns 0 or
 * ZTK_EJSON_FIELD. */
int ztk_rule_from_json(const json_t *j, const char *field, ztk_rule *r, ztk_json_why *why);

/* Reads an array of at most max rules into rules (room for max). Returns 0 or
 * ZTK_EJSON_FIELD. */
int ztk_rules_from_json(const json_t *arr, const char *field, ztk_rule *rules, unsigned max,
                        unsigned *count, ztk_json_why *why);

/* 1.14.1's rendering of a rule: a new object, or NULL (out of memory, or a type 1.14.1 does
 * not render, such as ACTION_PRIORITY). */
json_t *ztk_rule_to_json(const ztk_rule *r);

/* An array of rules (skipping unrenderable ones); NULL if out of memory. */
json_t *ztk_rules_to_json(const ztk_rule *rules, unsigned count);

#endif
