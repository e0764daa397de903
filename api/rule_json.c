#include "api/rule_json.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/util/hex.h"

#define ADDRESS_MASK 0xffffffffffull
#define FIELD_MAX 96

typedef int (*parse_fn)(const json_t *j, const char *f, ztk_rule *r, ztk_json_why *why);
typedef int (*render_fn)(const ztk_rule *r, json_t *o);

/* "<rule>.<name>" for messages. */
static const char *sub(char buf[FIELD_MAX], const char *f, const char *name)
{
  snprintf(buf, FIELD_MAX, "%s.%s", f, name);
  return buf;
}

/* An unsigned field of at most max, with a default. */
static int uget(const json_t *j, const char *f, const char *name, uint64_t dflt, uint64_t max,
                uint64_t *out, ztk_json_why *why)
{
  char b[FIELD_MAX];
  return ztk_json_uint(json_object_get(j, name), sub(b, f, name), dflt, max, out, why);
}

static int set_u(json_t *o, const char *key, uint64_t v)
{
  return ztk_json_set(o, key, json_integer((json_int_t)v));
}

static int set_hex16(json_t *o, const char *key, uint64_t v)
{
  char s[17];
  ztk_json_fmt_nwid(s, v);
  return ztk_json_set(o, key, json_string(s));
}

/* ---- field groups --------------------------------------------------------------------------- */

static int p_none(const json_t *j, const char *f, ztk_rule *r, ztk_json_why *why)
{
  (void)j, (void)f, (void)r, (void)why;
  return 0;
}

static int r_none(const ztk_rule *r, json_t *o)
{
  (void)r, (void)o;
  return 0;
}

static int p_fwd(const json_t *j, const char *f, ztk_rule *r, ztk_json_why *why)
{
  char b[FIELD_MAX];
  uint64_t flags = 0, length = 0;
  int rc = ztk_json_hex(json_object_get(j, "address"), sub(b, f, "address"), 0, 10,
                        &r->v.fwd.address, why);
  if (!rc)
    rc = uget(j, f, "flags", 0, UINT32_MAX, &flags, why);
  if (!rc && ztk_rule_type_of(r) != ZTK_RULE_ACTION_REDIRECT)
    rc = uget(j, f, "length", 0, UINT16_MAX, &length, why);
  r->v.fwd.flags = (uint32_t)flags;
  r->v.fwd.length = (uint16_t)length;
  return rc;
}

static int r_fwd(const ztk_rule *r, json_t *o)
{
  char a[11];
  ztk_json_fmt_address(a, r->v.fwd.address);
  int rc = ztk_json_set(o, "address", json_string(a)) | set_u(o, "flags", r->v.fwd.flags);
  if (ztk_rule_type_of(r) != ZTK_RULE_ACTION_REDIRECT)
    rc |= set_u(o, "length", r->v.fwd.length);
  return rc;
}

static int p_zt(const json_t *j, const char *f, ztk_rule *r, ztk_json_why *why)
{
  char b[FIELD_MAX];
  return ztk_json_hex(json_object_get(j, "zt"), sub(b, f, "zt"), 0, 10, &r->v.zt, why);
}

static int r_zt(const ztk_rule *r, json_t *o)
{
  char a[11];
  ztk_json_fmt_address(a, r->v.zt);
  return ztk_json_set(o, "zt", json_string(a));
}

static int p_vlan(const json_t *j, const char *f, ztk_rule *r, ztk_json_why *why)
{
  uint64_t v = 0;
  int rc;
  switch (ztk_rule_type_of(r)) {
  case ZTK_RULE_MATCH_VLAN_ID:
    rc = uget(j, f, "vlanId", 0, UINT16_MAX, &v, why);
    r->v.vlan_id = (uint16_t)v;
    break;
  case ZTK_RULE_MATCH_VLAN_PCP:
    rc = uget(j, f, "vlanPcp", 0, UINT8_MAX, &v, why);
    r->v.vlan_pcp = (uint8_t)v;
    break;
  default:
    rc = uget(j, f, "vlanDei", 0, UINT8_MAX, &v, why);
    r->v.vlan_dei = (uint8_t)v;
    break;
  }
  return rc;
}

static int r_vlan(const ztk_rule *r, json_t *o)
{
  switch (ztk_rule_type_of(r)) {
  case ZTK_RULE_MATCH_VLAN_ID:
    return set_u(o, "vlanId", r->v.vlan_id);
  case ZTK_RULE_MATCH_VLAN_PCP:
    return set_u(o, "vlanPcp", r->v.vlan_pcp);
  default:
    return set_u(o, "vlanDei", r->v.vlan_dei);
  }
}

/* "mac": 12 hex digits, '-' and ':' ignored (as 1.14.1's cleanMac). */
static int p_mac(const json_t *j, const char *f, ztk_rule *r, ztk_json_why *why)
{
  char b[FIELD_MAX], hex[13];
  const json_t *v = json_object_get(j, "mac");
  const char *s = v ? json_string_value(v) : "000000000000";
  size_t n = 0;
  for (; s && *s && n < sizeof hex; s++)
    if (*s != '-' && *s != ':')
      hex[n++] = *s;
  if (!s || *s || n != 12 || ztk_hex_decode(r->v.mac, 6, hex, 12))
    return ztk_json_fail(why, ZTK_EJSON_FIELD, sub(b, f, "mac"), "expected a MAC address");
  return 0;
}

static int r_mac(const ztk_rule *r, json_t *o)
{
  const uint8_t *m = r->v.mac;
  char s[18];
  snprintf(s, sizeof s, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
  return ztk_json_set(o, "mac", json_string(s));
}

/* "ip": address/bits; 1.14.1 takes the low 8 bits of the bits and caps them. */
static int p_ip(const json_t *j, const char *f, ztk_rule *r, ztk_json_why *why)
{
  char b[FIELD_MAX];
  unsigned t = ztk_rule_type_of(r);
  bool v4 = t == ZTK_RULE_MATCH_IPV4_SOURCE || t == ZTK_RULE_MATCH_IPV4_DEST;
  const json_t *v = json_object_get(j, "ip");
  ztk_inaddr a;
  if (!v)
    ztk_inaddr_parse(&a, v4 ? "0.0.0.0" : "::");
  else if (ztk_json_ip(v, sub(b, f, "ip"), v4 ? 4 : 6, true, &a, why))
    return ZTK_EJSON_FIELD;
  unsigned bits = a.port & 0xff;
  if (v4) {
    memcpy(r->v.ipv4.ip, a.ip, 4);
    r->v.ipv4.mask = (uint8_t)(bits > 32 ? 32 : bits);
  } else {
    memcpy(r->v.ipv6.ip, a.ip, 16);
    r->v.ipv6.mask = (uint8_t)(bits > 128 ? 128 : bits);
  }
  return 0;
}

static int r_ip(const ztk_rule *r, json_t *o)
{
  unsigned t = ztk_rule_type_of(r);
  ztk_inaddr a;
  if (t == ZTK_RULE_MATCH_IPV4_SOURCE || t == ZTK_RULE_MATCH_IPV4_DEST)
    ztk_inaddr_v4(&a, (uint32_t)ztk_be_get(r->v.ipv4.ip, 4), r->v.ipv4.mask);
  else
    ztk_inaddr_v6(&a, r->v.ipv6.ip, r->v.ipv6.mask);
  char s[ZTK_INADDR_STRLEN];
  ztk_inaddr_format(&a, s);
  return ztk_json_set(o, "ip", json_string(s));
}

static int p_tos(const json_t *j, const char *f, ztk_rule *r, ztk_json_why *why)
{
  uint64_t m = 0, s = 0, e = 0;
  int rc = uget(j, f, "mask", 0, UINT8_MAX, &m, why);
  if (!rc)
    rc = uget(j, f, "start", 0, UINT8_MAX, &s, why);
  if (!rc)
    rc = uget(j, f, "end", 0, UINT8_MAX, &e, why);
  r->v.ip_tos.mask = (uint8_t)m;
  r->v.ip_tos.value[0] = (uint8_t)s;
  r->v.ip_tos.value[1] = (uint8_t)e;
  return rc;
}

static int r_tos(const ztk_rule *r, json_t *o)
{
  return set_u(o, "mask", r->v.ip_tos.mask) | set_u(o, "start", r->v.ip_tos.value[0]) |
         set_u(o, "end", r->v.ip_tos.value[1]);
}

static int p_proto(const json_t *j, const char *f, ztk_rule *r, ztk_json_why *why)
{
  uint64_t v = 0;
  int rc;
  if (ztk_rule_type_of(r) == ZTK_RULE_MATCH_IP_PROTOCOL) {
    rc = uget(j, f, "ipProtocol", 0, UINT8_MAX, &v, why);
    r->v.ip_protocol = (uint8_t)v;
  } else {
    rc = uget(j, f, "etherType", 0, UINT16_MAX, &v, why);
    r->v.ether_type = (uint16_t)v;
  }
  return rc;
}

static int r_proto(const ztk_rule *r, json_t *o)
{
  if (ztk_rule_type_of(r) == ZTK_RULE_MATCH_IP_PROTOCOL)
    return set_u(o, "ipProtocol", r->v.ip_protocol);
  return set_u(o, "etherType", r->v.ether_type);
}

/* "icmpCode": null or absent matches any code. */
static int p_icmp(const json_t *j, const char *f, ztk_rule *r, ztk_json_why *why)
{
  uint64_t type = 0, code = 0;
  const json_t *c = json_object_get(j, "icmpCode");
  int rc = uget(j, f, "icmpType", 0, UINT8_MAX, &type, why);
  if (!rc && c && !json_is_null(c)) {
    rc = uget(j, f, "icmpCode", 0, UINT8_MAX, &code, why);
    r->v.icmp.flags = ZTK_RULE_ICMP_FLAG_CHECK_CODE;
  }
  r->v.icmp.type = (uint8_t)type;
  r->v.icmp.code = (uint8_t)code;
  return rc;
}

static int r_icmp(const ztk_rule *r, json_t *o)
{
  json_t *code =
      r->v.icmp.flags & ZTK_RULE_ICMP_FLAG_CHECK_CODE ? json_integer(r->v.icmp.code) : json_null();
  return set_u(o, "icmpType", r->v.icmp.type) | ztk_json_set(o, "icmpCode", code);
}

/* start/end pairs: "end" defaults to "start". */
static int p_range(const json_t *j, const char *f, ztk_rule *r, ztk_json_why *why)
{
  uint64_t s = 0, e = 0;
  int rc = uget(j, f, "start", 0, UINT16_MAX, &s, why);
  if (!rc)
    rc = uget(j, f, "end", s, UINT16_MAX, &e, why);
  uint16_t *pair =
      ztk_rule_type_of(r) == ZTK_RULE_MATCH_FRAME_SIZE_RANGE ? r->v.frame_size : r->v.port;
  pair[0] = (uint16_t)s;
  pair[1] = (uint16_t)e;
  return rc;
}

static int r_range(const ztk_rule *r, json_t *o)
{
  const uint16_t *pair =
      ztk_rule_type_of(r) == ZTK_RULE_MATCH_FRAME_SIZE_RANGE ? r->v.frame_size : r->v.port;
  return set_u(o, "start", pair[0]) | set_u(o, "end", pair[1]);
}

/* A 64-bit value as a number or a hex string (1.14.1 writes hex strings). */
static int wide(const json_t *j, const char *f, const char *name, uint64_t *out, ztk_json_why *why)
{
  char b[FIELD_MAX];
  const json_t *v = json_object_get(j, name);
  if (json_is_string(v))
    return ztk_json_hex(v, sub(b, f, name), 0, 16, out, why);
  return ztk_json_uint(v, sub(b, f, name), 0, UINT64_MAX, out, why);
}

static int p_chars(const json_t *j, const char *f, ztk_rule *r, ztk_json_why *why)
{
  return wide(j, f, "mask", &r->v.characteristics, why);
}

static int r_chars(const ztk_rule *r, json_t *o)
{
  return set_hex16(o, "mask", r->v.characteristics);
}

static int p_random(const json_t *j, const char *f, ztk_rule *r, ztk_json_why *why)
{
  uint64_t v = 0;
  int rc = uget(j, f, "probability", 0, UINT32_MAX, &v, why);
  r->v.random_probability = (uint32_t)v;
  return rc;
}

static int r_random(const ztk_rule *r, json_t *o)
{
  return set_u(o, "probability", r->v.random_probability);
}

static int p_tag(const json_t *j, const char *f, ztk_rule *r, ztk_json_why *why)
{
  uint64_t id = 0, value = 0;
  int rc = uget(j, f, "id", 0, UINT32_MAX, &id, why);
  if (!rc)
    rc = uget(j, f, "value", 0, UINT32_MAX, &value, why);
  r->v.tag.id = (uint32_t)id;
  r->v.tag.value = (uint32_t)value;
  return rc;
}

static int r_tag(const ztk_rule *r, json_t *o)
{
  return set_u(o, "id", r->v.tag.id) | set_u(o, "value", r->v.tag.value);
}

/* start and end (absolute, end - start must fit 32 bits), idx, little, bits (1..64). */
static int p_intrange(const json_t *j, const char *f, ztk_rule *r, ztk_json_why *why)
{
  char b[FIELD_MAX];
  uint64_t s = 0, e = 0, idx = 0, bits = 0;
  bool little;
  int rc = wide(j, f, "start", &s, why);
  if (!rc)
    rc = wide(j, f, "end", &e, why);
  if (!rc && (e < s || e - s > UINT32_MAX))
    rc = ztk_json_fail(why, ZTK_EJSON_FIELD, sub(b, f, "end"), "must be start .. start+2^32-1");
  if (!rc)
    rc = uget(j, f, "idx", 0, UINT16_MAX, &idx, why);
  if (!rc)
    rc = ztk_json_bool(json_object_get(j, "little"), sub(b, f, "little"), false, &little, why);
  if (!rc && (rc = uget(j, f, "bits", 1, 64, &bits, why)) == 0 && bits == 0)
    rc = ztk_json_fail(why, ZTK_EJSON_FIELD, sub(b, f, "bits"), "out of range (1..64)");
  if (rc)
    return rc;
  r->v.int_range.start = s;
  r->v.int_range.end = (uint32_t)(e - s);
  r->v.int_range.idx = (uint16_t)idx;
  r->v.int_range.format = (uint8_t)((little ? 0x80 : 0) | ((bits - 1) & 63));
  return 0;
}

static int r_intrange(const ztk_rule *r, json_t *o)
{
  return set_hex16(o, "start", r->v.int_range.start) |
         set_hex16(o, "end", r->v.int_range.start + r->v.int_range.end) |
         set_u(o, "idx", r->v.int_range.idx) |
         ztk_json_set(o, "little", json_boolean(r->v.int_range.format & 0x80)) |
         set_u(o, "bits", (r->v.int_range.format & 63u) + 1);
}

/* ---- the table ----------------------------------------------------------------------------- */

static const struct rule_kind {
  const char *name;
  uint8_t type;
  parse_fn parse;
  render_fn render;
} KINDS[] = {
    {"ACTION_DROP", ZTK_RULE_ACTION_DROP, p_none, r_none},
    {"ACTION_ACCEPT", ZTK_RULE_ACTION_ACCEPT, p_none, r_none},
    {"ACTION_TEE", ZTK_RULE_ACTION_TEE, p_fwd, r_fwd},
    {"ACTION_WATCH", ZTK_RULE_ACTION_WATCH, p_fwd, r_fwd},
    {"ACTION_REDIRECT", ZTK_RULE_ACTION_REDIRECT, p_fwd, r_fwd},
    {"ACTION_BREAK", ZTK_RULE_ACTION_BREAK, p_none, r_none},
    {"MATCH_SOURCE_ZEROTIER_ADDRESS", ZTK_RULE_MATCH_SOURCE_ZEROTIER_ADDRESS, p_zt, r_zt},
    {"MATCH_DEST_ZEROTIER_ADDRESS", ZTK_RULE_MATCH_DEST_ZEROTIER_ADDRESS, p_zt, r_zt},
    {"MATCH_VLAN_ID", ZTK_RULE_MATCH_VLAN_ID, p_vlan, r_vlan},
    {"MATCH_VLAN_PCP", ZTK_RULE_MATCH_VLAN_PCP, p_vlan, r_vlan},
    {"MATCH_VLAN_DEI", ZTK_RULE_MATCH_VLAN_DEI, p_vlan, r_vlan},
    {"MATCH_MAC_SOURCE", ZTK_RULE_MATCH_MAC_SOURCE, p_mac, r_mac},
    {"MATCH_MAC_DEST", ZTK_RULE_MATCH_MAC_DEST, p_mac, r_mac},
    {"MATCH_IPV4_SOURCE", ZTK_RULE_MATCH_IPV4_SOURCE, p_ip, r_ip},
    {"MATCH_IPV4_DEST", ZTK_RULE_MATCH_IPV4_DEST, p_ip, r_ip},
    {"MATCH_IPV6_SOURCE", ZTK_RULE_MATCH_IPV6_SOURCE, p_ip, r_ip},
    {"MATCH_IPV6_DEST", ZTK_RULE_MATCH_IPV6_DEST, p_ip, r_ip},
    {"MATCH_IP_TOS", ZTK_RULE_MATCH_IP_TOS, p_tos, r_tos},
    {"MATCH_IP_PROTOCOL", ZTK_RULE_MATCH_IP_PROTOCOL, p_proto, r_proto},
    {"MATCH_ETHERTYPE", ZTK_RULE_MATCH_ETHERTYPE, p_proto, r_proto},
    {"MATCH_ICMP", ZTK_RULE_MATCH_ICMP, p_icmp, r_icmp},
    {"MATCH_IP_SOURCE_PORT_RANGE", ZTK_RULE_MATCH_IP_SOURCE_PORT_RANGE, p_range, r_range},
    {"MATCH_IP_DEST_PORT_RANGE", ZTK_RULE_MATCH_IP_DEST_PORT_RANGE, p_range, r_range},
    {"MATCH_CHARACTERISTICS", ZTK_RULE_MATCH_CHARACTERISTICS, p_chars, r_chars},
    {"MATCH_FRAME_SIZE_RANGE", ZTK_RULE_MATCH_FRAME_SIZE_RANGE, p_range, r_range},
    {"MATCH_RANDOM", ZTK_RULE_MATCH_RANDOM, p_random, r_random},
    {"MATCH_TAGS_DIFFERENCE", ZTK_RULE_MATCH_TAGS_DIFFERENCE, p_tag, r_tag},
    {"MATCH_TAGS_BITWISE_AND", ZTK_RULE_MATCH_TAGS_BITWISE_AND, p_tag, r_tag},
    {"MATCH_TAGS_BITWISE_OR", ZTK_RULE_MATCH_TAGS_BITWISE_OR, p_tag, r_tag},
    {"MATCH_TAGS_BITWISE_XOR", ZTK_RULE_MATCH_TAGS_BITWISE_XOR, p_tag, r_tag},
    {"MATCH_TAGS_EQUAL", ZTK_RULE_MATCH_TAGS_EQUAL, p_tag, r_tag},
    {"MATCH_TAG_SENDER", ZTK_RULE_MATCH_TAG_SENDER, p_tag, r_tag},
    {"MATCH_TAG_RECEIVER", ZTK_RULE_MATCH_TAG_RECEIVER, p_tag, r_tag},
    /* 1.14.1 renders this type as "INTEGER_RANGE" (and, by a slip, drops it when reading). */
    {"INTEGER_RANGE", ZTK_RULE_MATCH_INTEGER_RANGE, p_intrange, r_intrange},
    {"MATCH_INTEGER_RANGE", ZTK_RULE_MATCH_INTEGER_RANGE, p_intrange, r_intrange},
};

#define KIND_COUNT (sizeof KINDS / sizeof KINDS[0])

int ztk_rule_from_json(const json_t *j, const char *field, ztk_rule *r, ztk_json_why *why)
{
  char b[FIELD_MAX];
  bool not_, or_;
  memset(r, 0, sizeof *r);
  if (!json_is_object(j))
    return ztk_json_fail(why, ZTK_EJSON_FIELD, field, "expected an object");
  const char *type = json_string_value(json_object_get(j, "type"));
  const struct rule_kind *k = NULL;
  for (size_t i = 0; type && i < KIND_COUNT && !k; i++)
    if (!strcmp(KINDS[i].name, type))
      k = &KINDS[i];
  if (!k)
    return ztk_json_fail(why, ZTK_EJSON_FIELD, sub(b, field, "type"), "unknown rule type");
  if (ztk_json_bool(json_object_get(j, "not"), sub(b, field, "not"), false, &not_, why) ||
      ztk_json_bool(json_object_get(j, "or"), sub(b, field, "or"), false, &or_, why))
    return ZTK_EJSON_FIELD;
  r->t = (uint8_t)(k->type | (not_ ? ZTK_RULE_NOT : 0) | (or_ ? ZTK_RULE_OR : 0));
  int rc = k->parse(j, field, r, why);
  if (rc)
    memset(r, 0, sizeof *r);
  return rc;
}

int ztk_rules_from_json(const json_t *arr, const char *field, ztk_rule *rules, unsigned max,
                        unsigned *count, ztk_json_why *why)
{
  *count = 0;
  if (!json_is_array(arr))
    return ztk_json_fail(why, ZTK_EJSON_FIELD, field, "expected an array");
  if (json_array_size(arr) > max)
    return ztk_json_fail(why, ZTK_EJSON_FIELD, field, "more than %u rules", max);
  for (size_t i = 0; i < json_array_size(arr); i++) {
    char b[FIELD_MAX];
    snprintf(b, sizeof b, "%s[%zu]", field, i);
    if (ztk_rule_from_json(json_array_get(arr, i), b, &rules[i], why))
      return ZTK_EJSON_FIELD;
  }
  *count = (unsigned)json_array_size(arr);
  return 0;
}

json_t *ztk_rule_to_json(const ztk_rule *r)
{
  const struct rule_kind *k = NULL;
  for (size_t i = 0; i < KIND_COUNT && !k; i++)
    if (KINDS[i].type == ztk_rule_type_of(r))
      k = &KINDS[i];
  json_t *o = k ? json_object() : NULL;
  if (!o)
    return NULL;
  int rc = ztk_json_set(o, "type", json_string(k->name)) | k->render(r, o) |
           ztk_json_set(o, "not", json_boolean(r->t & ZTK_RULE_NOT)) |
           ztk_json_set(o, "or", json_boolean(r->t & ZTK_RULE_OR));
  if (rc) {
    json_decref(o);
    return NULL;
  }
  return o;
}

json_t *ztk_rules_to_json(const ztk_rule *rules, unsigned count)
{
  json_t *a = json_array();
  for (unsigned i = 0; a && i < count; i++) {
    json_t *o = ztk_rule_to_json(&rules[i]);
    if (o && json_array_append_new(a, o)) {
      json_decref(a);
      return NULL;
    }
  }
  return a;
}
