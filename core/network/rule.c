#include "core/network/rule.h"

#include <string.h>

unsigned ztk_rule_field_len(unsigned type)
{
  switch (type & ZTK_RULE_TYPE_MASK) {
  case ZTK_RULE_ACTION_TEE:
  case ZTK_RULE_ACTION_WATCH:
  case ZTK_RULE_ACTION_REDIRECT:
    return 14;
  case ZTK_RULE_MATCH_SOURCE_ZEROTIER_ADDRESS:
  case ZTK_RULE_MATCH_DEST_ZEROTIER_ADDRESS:
  case ZTK_RULE_MATCH_IPV4_SOURCE:
  case ZTK_RULE_MATCH_IPV4_DEST:
    return 5;
  case ZTK_RULE_MATCH_VLAN_ID:
  case ZTK_RULE_MATCH_ETHERTYPE:
    return 2;
  case ZTK_RULE_MATCH_VLAN_PCP:
  case ZTK_RULE_MATCH_VLAN_DEI:
  case ZTK_RULE_MATCH_IP_PROTOCOL:
    return 1;
  case ZTK_RULE_MATCH_MAC_SOURCE:
  case ZTK_RULE_MATCH_MAC_DEST:
    return 6;
  case ZTK_RULE_MATCH_IPV6_SOURCE:
  case ZTK_RULE_MATCH_IPV6_DEST:
    return 17;
  case ZTK_RULE_MATCH_IP_TOS:
  case ZTK_RULE_MATCH_ICMP:
    return 3;
  case ZTK_RULE_MATCH_IP_SOURCE_PORT_RANGE:
  case ZTK_RULE_MATCH_IP_DEST_PORT_RANGE:
  case ZTK_RULE_MATCH_FRAME_SIZE_RANGE:
  case ZTK_RULE_MATCH_RANDOM:
    return 4;
  case ZTK_RULE_MATCH_CHARACTERISTICS:
  case ZTK_RULE_MATCH_TAGS_DIFFERENCE:
  case ZTK_RULE_MATCH_TAGS_BITWISE_AND:
  case ZTK_RULE_MATCH_TAGS_BITWISE_OR:
  case ZTK_RULE_MATCH_TAGS_BITWISE_XOR:
  case ZTK_RULE_MATCH_TAGS_EQUAL:
  case ZTK_RULE_MATCH_TAG_SENDER:
  case ZTK_RULE_MATCH_TAG_RECEIVER:
    return 8;
  case ZTK_RULE_MATCH_INTEGER_RANGE:
    return 19;
  default:
    return 0; /* DROP, ACCEPT, BREAK, PRIORITY and unknown types */
  }
}

/* The fields of the rule types from IP_TOS on (called with a type that has a field). */
static void write_upper_fields(ztk_wr *w, const ztk_rule *r);

/* The fields of a rule whose type has a field (ztk_rule_field_len > 0). */
static void write_fields(ztk_wr *w, const ztk_rule *r)
{
  const unsigned t = ztk_rule_type_of(r);
  switch (t) {
  case ZTK_RULE_ACTION_TEE:
  case ZTK_RULE_ACTION_WATCH:
  case ZTK_RULE_ACTION_REDIRECT:
    ztk_wr_u64(w, r->v.fwd.address);
    ztk_wr_u32(w, r->v.fwd.flags);
    ztk_wr_u16(w, r->v.fwd.length);
    break;
  case ZTK_RULE_MATCH_SOURCE_ZEROTIER_ADDRESS:
  case ZTK_RULE_MATCH_DEST_ZEROTIER_ADDRESS:
    ztk_wr_u40(w, r->v.zt);
    break;
  case ZTK_RULE_MATCH_VLAN_ID:
    ztk_wr_u16(w, r->v.vlan_id);
    break;
  case ZTK_RULE_MATCH_VLAN_PCP:
    ztk_wr_u8(w, r->v.vlan_pcp);
    break;
  case ZTK_RULE_MATCH_VLAN_DEI:
    ztk_wr_u8(w, r->v.vlan_dei);
    break;
  case ZTK_RULE_MATCH_MAC_SOURCE:
  case ZTK_RULE_MATCH_MAC_DEST:
    ztk_wr_bytes(w, r->v.mac, 6);
    break;
  case ZTK_RULE_MATCH_IPV4_SOURCE:
  case ZTK_RULE_MATCH_IPV4_DEST:
    ztk_wr_bytes(w, r->v.ipv4.ip, 4);
    ztk_wr_u8(w, r->v.ipv4.mask);
    break;
  case ZTK_RULE_MATCH_IPV6_SOURCE:
  case ZTK_RULE_MATCH_IPV6_DEST:
    ztk_wr_bytes(w, r->v.ipv6.ip, 16);
    ztk_wr_u8(w, r->v.ipv6.mask);
    break;
  default:
    write_upper_fields(w, r);
    break;
  }
}

static void write_upper_fields(ztk_wr *w, const ztk_rule *r)
{
  switch (ztk_rule_type_of(r)) {
  case ZTK_RULE_MATCH_IP_TOS:
    ztk_wr_u8(w, r->v.ip_tos.mask);
    ztk_wr_bytes(w, r->v.ip_tos.value, 2);
    break;
  case ZTK_RULE_MATCH_IP_PROTOCOL:
    ztk_wr_u8(w, r->v.ip_protocol);
    break;
  case ZTK_RULE_MATCH_ETHERTYPE:
    ztk_wr_u16(w, r->v.ether_type);
    break;
  case ZTK_RULE_MATCH_ICMP:
    ztk_wr_u8(w, r->v.icmp.type);
    ztk_wr_u8(w, r->v.icmp.code);
    ztk_wr_u8(w, r->v.icmp.flags);
    break;
  case ZTK_RULE_MATCH_IP_SOURCE_PORT_RANGE:
  case ZTK_RULE_MATCH_IP_DEST_PORT_RANGE:
    ztk_wr_u16(w, r->v.port[0]);
    ztk_wr_u16(w, r->v.port[1]);
    break;
  case ZTK_RULE_MATCH_CHARACTERISTICS:
    ztk_wr_u64(w, r->v.characteristics);
    break;
  case ZTK_RULE_MATCH_FRAME_SIZE_RANGE:
    ztk_wr_u16(w, r->v.frame_size[0]);
    ztk_wr_u16(w, r->v.frame_size[1]);
    break;
  case ZTK_RULE_MATCH_RANDOM:
    ztk_wr_u32(w, r->v.random_probability);
    break;
  case ZTK_RULE_MATCH_INTEGER_RANGE:
    ztk_wr_u64(w, r->v.int_range.start);
    ztk_wr_u64(w, r->v.int_range.start + (uint64_t)r->v.int_range.end);
    ztk_wr_u16(w, r->v.int_range.idx);
    ztk_wr_u8(w, r->v.int_range.format);
    break;
  default: /* the tag matches 44..50: the only types left with a field */
    ztk_wr_u32(w, r->v.tag.id);
    ztk_wr_u32(w, r->v.tag.value);
    break;
  }
}

void ztk_rule_write(ztk_wr *w, const ztk_rule *r)
{
  const unsigned flen = ztk_rule_field_len(r->t);
  ztk_wr_u8(w, r->t);
  ztk_wr_u8(w, (uint8_t)flen);
  if (flen)
    write_fields(w, r);
}

void ztk_rules_write(ztk_wr *w, const ztk_rule *rules, unsigned count)
{
  for (unsigned i = 0; i < count; i++)
    ztk_rule_write(w, &rules[i]);
}

/* Reads the fields of the rule types from IP_TOS on. */
static void read_upper_fields(ztk_rd *f, ztk_rule *r);

/* Reads the fields of a rule of a type with a field from f (exactly that many bytes). */
static void read_fields(ztk_rd *f, ztk_rule *r)
{
  const unsigned t = ztk_rule_type_of(r);
  switch (t) {
  case ZTK_RULE_ACTION_TEE:
  case ZTK_RULE_ACTION_WATCH:
  case ZTK_RULE_ACTION_REDIRECT:
    r->v.fwd.address = ztk_rd_u64(f);
    r->v.fwd.flags = ztk_rd_u32(f);
    r->v.fwd.length = ztk_rd_u16(f);
    break;
  case ZTK_RULE_MATCH_SOURCE_ZEROTIER_ADDRESS:
  case ZTK_RULE_MATCH_DEST_ZEROTIER_ADDRESS:
    r->v.zt = ztk_rd_u40(f);
    break;
  case ZTK_RULE_MATCH_VLAN_ID:
    r->v.vlan_id = ztk_rd_u16(f);
    break;
  case ZTK_RULE_MATCH_VLAN_PCP:
    r->v.vlan_pcp = ztk_rd_u8(f);
    break;
  case ZTK_RULE_MATCH_VLAN_DEI:
    r->v.vlan_dei = ztk_rd_u8(f);
    break;
  case ZTK_RULE_MATCH_MAC_SOURCE:
  case ZTK_RULE_MATCH_MAC_DEST:
    ztk_rd_copy(f, r->v.mac, 6);
    break;
  case ZTK_RULE_MATCH_IPV4_SOURCE:
  case ZTK_RULE_MATCH_IPV4_DEST:
    ztk_rd_copy(f, r->v.ipv4.ip, 4);
    r->v.ipv4.mask = ztk_rd_u8(f);
    break;
  case ZTK_RULE_MATCH_IPV6_SOURCE:
  case ZTK_RULE_MATCH_IPV6_DEST:
    ztk_rd_copy(f, r->v.ipv6.ip, 16);
    r->v.ipv6.mask = ztk_rd_u8(f);
    break;
  default:
    read_upper_fields(f, r);
    break;
  }
}

static void read_upper_fields(ztk_rd *f, ztk_rule *r)
{
  switch (ztk_rule_type_of(r)) {
  case ZTK_RULE_MATCH_IP_TOS:
    r->v.ip_tos.mask = ztk_rd_u8(f);
    ztk_rd_copy(f, r->v.ip_tos.value, 2);
    break;
  case ZTK_RULE_MATCH_IP_PROTOCOL:
    r->v.ip_protocol = ztk_rd_u8(f);
    break;
  case ZTK_RULE_MATCH_ETHERTYPE:
    r->v.ether_type = ztk_rd_u16(f);
    break;
  case ZTK_RULE_MATCH_ICMP:
    r->v.icmp.type = ztk_rd_u8(f);
    r->v.icmp.code = ztk_rd_u8(f);
    r->v.icmp.flags = ztk_rd_u8(f);
    break;
  case ZTK_RULE_MATCH_IP_SOURCE_PORT_RANGE:
  case ZTK_RULE_MATCH_IP_DEST_PORT_RANGE:
    r->v.port[0] = ztk_rd_u16(f);
    r->v.port[1] = ztk_rd_u16(f);
    break;
  case ZTK_RULE_MATCH_CHARACTERISTICS:
    r->v.characteristics = ztk_rd_u64(f);
    break;
  case ZTK_RULE_MATCH_FRAME_SIZE_RANGE:
    r->v.frame_size[0] = ztk_rd_u16(f);
    r->v.frame_size[1] = ztk_rd_u16(f);
    break;
  case ZTK_RULE_MATCH_RANDOM:
    r->v.random_probability = ztk_rd_u32(f);
    break;
  case ZTK_RULE_MATCH_INTEGER_RANGE:
    r->v.int_range.start = ztk_rd_u64(f);
    /* the wire carries the end itself; the struct keeps its 32-bit distance from start */
    r->v.int_range.end = (uint32_t)(ztk_rd_u64(f) - r->v.int_range.start);
    r->v.int_range.idx = ztk_rd_u16(f);
    r->v.int_range.format = ztk_rd_u8(f);
    break;
  default:
    r->v.tag.id = ztk_rd_u32(f);
    r->v.tag.value = ztk_rd_u32(f);
    break;
  }
}

int ztk_rule_read(ztk_rd *r, ztk_rule *out)
{
  memset(out, 0, sizeof *out);
  out->t = ztk_rd_u8(r);
  const unsigned flen = ztk_rd_u8(r);
  const uint8_t *field = ztk_rd_take(r, flen);
  if (r->err)
    return r->err;
  const unsigned need = ztk_rule_field_len(out->t);
  if (flen < need) {
    ztk_rd_fail(r, ZTK_ENET_RULES);
    return r->err;
  }
  if (need) {
    ztk_rd f = ztk_rd_make(field, need);
    read_fields(&f, out);
  }
  return 0;
}

int ztk_rules_read_n(ztk_rd *r, ztk_rule *rules, unsigned n, unsigned max)
{
  if (n > max)
    return ZTK_ELIMIT;
  for (unsigned i = 0; i < n; i++) {
    int rc = ztk_rule_read(r, &rules[i]);
    if (rc)
      return rc;
  }
  return 0;
}

int ztk_rules_read_all(ztk_rd *r, ztk_rule *rules, unsigned max, unsigned *count)
{
  *count = 0;
  while (ztk_rd_left(r) > 0) {
    if (*count == max)
      return ZTK_ELIMIT;
    int rc = ztk_rule_read(r, &rules[*count]);
    if (rc)
      return rc;
    (*count)++;
  }
  return r->err;
}
