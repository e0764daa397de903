#include "core/network/filter.h"

#include <string.h>

#include "core/network/ethframe.h"
#include "core/network/mac.h"

#define ADDRESS_MASK 0xffffffffffULL

typedef enum run_result {
  RUN_NO_MATCH,
  RUN_DROP,
  RUN_REDIRECT,
  RUN_ACCEPT,
  RUN_SUPER_ACCEPT,
} run_result;

/* State of one pass over one rule list (1.14.1 keeps these per pass, except the QoS bucket). */
typedef struct run_state {
  const ztk_filter_input *in;
  uint64_t dest;      /* changed by REDIRECT */
  bool super_accept;  /* a skipped TEE/WATCH/REDIRECT named us (inbound only) */
  bool skip_drop;     /* a lenient tag match lets the next DROP pass */
  uint64_t cc;        /* TEE/WATCH target, 0 = none */
  uint32_t cc_len;
  bool cc_watch;
  uint8_t *qos;
  int err;
} run_state;

/* What a match yields regardless of its NOT bit: "yes" = NOT ^ 1, "no" = NOT. */
typedef struct hard {
  uint8_t yes, no;
} hard;

static int frame_byte(const ztk_filter_input *in, size_t off)
{
  return ztk_frame_u8(in->data, in->len, off);
}

/* 1.14.1 reads some TCP header bytes without a length check; we read 0 where it would overrun. */
static uint64_t byte_or_zero(const ztk_filter_input *in, size_t off)
{
  int b = frame_byte(in, off);
  return b < 0 ? 0 : (uint64_t)b;
}

static const ztk_tag_value *find_tag(const ztk_tag_value *tags, size_t n, uint32_t id)
{
  for (size_t i = 0; tags && i < n; i++)
    if (tags[i].id == id)
      return &tags[i];
  return NULL;
}

static bool is_ipv4(const ztk_filter_input *in, size_t min_len)
{
  return in->ethertype == ZTK_ETHERTYPE_IPV4 && in->len >= min_len;
}

static bool is_ipv6(const ztk_filter_input *in, size_t min_len)
{
  return in->ethertype == ZTK_ETHERTYPE_IPV6 && in->len >= min_len;
}

/* IPv4 prefix test as 1.14.1 does it on x86-64: a shift by (32 - bits) whose count the CPU
 * takes modulo 32, so prefixes above 32 give odd but reproducible results. */
static bool ipv4_contains(const uint8_t net[4], unsigned bits, const uint8_t *ip)
{
  if (bits == 0)
    return true;
  unsigned shift = (32u - bits) & 31u;
  return (uint32_t)ztk_be_get(ip, 4) >> shift == (uint32_t)ztk_be_get(net, 4) >> shift;
}

/* IPv6 prefix test as 1.14.1 does it: the packet address is masked, the rule address is not,
 * so a rule address with host bits set never matches (shift counts modulo 64 as on x86-64). */
static bool ipv6_contains(const uint8_t net[16], unsigned bits, const uint8_t *ip)
{
  uint64_t m0 = 0, m1 = 0;
  if (bits) {
    m0 = bits >= 64 ? ~0ULL : ~0ULL << (64 - bits);
    m1 = bits <= 64 ? 0 : ~0ULL << ((128u - bits) & 63u);
  }
  return (ztk_be_get(ip, 8) & m0) == ztk_be_get(net, 8) &&
         (ztk_be_get(ip + 8, 8) & m1) == ztk_be_get(net + 8, 8);
}

static uint8_t match_ip_address(const ztk_filter_input *in, const ztk_rule *r, unsigned t, hard h)
{
  switch (t) {
  case ZTK_RULE_MATCH_IPV4_SOURCE:
  case ZTK_RULE_MATCH_IPV4_DEST:
    if (!is_ipv4(in, 20))
      return h.no;
    return ipv4_contains(r->v.ipv4.ip, r->v.ipv4.mask,
                         in->data + (t == ZTK_RULE_MATCH_IPV4_SOURCE ? 12 : 16));
  default:
    if (!is_ipv6(in, 40))
      return h.no;
    return ipv6_contains(r->v.ipv6.ip, r->v.ipv6.mask,
                         in->data + (t == ZTK_RULE_MATCH_IPV6_SOURCE ? 8 : 24));
  }
}

static uint8_t match_tos(const ztk_filter_input *in, const ztk_rule *r, hard h)
{
  unsigned tos;
  if (is_ipv4(in, 20))
    tos = (unsigned)frame_byte(in, 1);
  else if (is_ipv6(in, 40))
    tos = (((unsigned)frame_byte(in, 0) << 4) & 0xf0) | (((unsigned)frame_byte(in, 1) >> 4) & 0x0f);
  else
    return h.no;
  tos &= r->v.ip_tos.mask;
  return tos >= r->v.ip_tos.value[0] && tos <= r->v.ip_tos.value[1];
}

static uint8_t match_protocol(const ztk_filter_input *in, const ztk_rule *r, hard h)
{
  size_t pos;
  uint8_t proto;
  if (is_ipv4(in, 20))
    return r->v.ip_protocol == frame_byte(in, 9);
  if (in->ethertype == ZTK_ETHERTYPE_IPV6 && ztk_ipv6_upper_layer(in->data, in->len, &pos, &proto))
    return r->v.ip_protocol == proto;
  return h.no;
}

/* ICMP type (and code if flagged) of the message at off, which must have 2 bytes. */
static uint8_t match_icmp_at(const ztk_filter_input *in, const ztk_rule *r, size_t off, hard h)
{
  if (in->len < off + 2 || r->v.icmp.type != frame_byte(in, off))
    return h.no;
  if (r->v.icmp.flags & ZTK_RULE_ICMP_FLAG_CHECK_CODE)
    return frame_byte(in, off + 1) == r->v.icmp.code;
  return h.yes;
}

static uint8_t match_icmp(const ztk_filter_input *in, const ztk_rule *r, hard h)
{
  size_t pos;
  uint8_t proto;
  if (is_ipv4(in, 20)) {
    if (frame_byte(in, 9) != ZTK_IPPROTO_ICMP)
      return h.no;
    return match_icmp_at(in, r, (size_t)(frame_byte(in, 0) & 0xf) * 4, h);
  }
  if (in->ethertype == ZTK_ETHERTYPE_IPV6) {
    if (!ztk_ipv6_upper_layer(in->data, in->len, &pos, &proto) || proto != ZTK_IPPROTO_ICMPV6)
      return h.no;
    return match_icmp_at(in, r, pos, h);
  }
  return h.no;
}

static bool has_ports(unsigned proto)
{
  return proto == ZTK_IPPROTO_TCP || proto == ZTK_IPPROTO_UDP || proto == ZTK_IPPROTO_SCTP ||
         proto == ZTK_IPPROTO_UDPLITE;
}

/* Port at off (source) or off + 2 (destination); -1 if the protocol has none or it is cut. */
static int32_t port_at(const ztk_filter_input *in, unsigned proto, size_t off, bool dest)
{
  if (!has_ports(proto) || !(in->len > off + 4))
    return -1;
  return ztk_frame_u16(in->data, in->len, off + (dest ? 2 : 0));
}

/* Note the asymmetry kept from 1.14.1: a non-port protocol over IPv4 yields plain "no" (so
 * NOT matches), and over IPv6 port 0 never matches. */
static uint8_t match_ports(const ztk_filter_input *in, const ztk_rule *r, unsigned t, hard h)
{
  bool dest = t == ZTK_RULE_MATCH_IP_DEST_PORT_RANGE;
  size_t pos;
  uint8_t proto;
  int32_t p;
  if (is_ipv4(in, 20)) {
    p = port_at(in, (unsigned)frame_byte(in, 9), (size_t)(frame_byte(in, 0) & 0xf) * 4, dest);
    return p >= 0 && p >= r->v.port[0] && p <= r->v.port[1];
  }
  if (in->ethertype != ZTK_ETHERTYPE_IPV6 || !ztk_ipv6_upper_layer(in->data, in->len, &pos, &proto))
    return h.no;
  p = port_at(in, proto, pos, dest);
  return p > 0 && p >= r->v.port[0] && p <= r->v.port[1];
}

int ztk_filter_owner_ip(uint16_t ethertype, const uint8_t *data, size_t len, ztk_inaddr *ip)
{
  memset(ip, 0, sizeof *ip);
  if (ethertype == ZTK_ETHERTYPE_IPV4 && len >= 20) {
    ztk_inaddr_v4(ip, (uint32_t)ztk_be_get(data + 12, 4), 0);
    return 1;
  }
  if (ethertype == ZTK_ETHERTYPE_IPV6 && len >= 40) {
    int icmp_type = ztk_frame_u8(data, len, 40);
    if (len >= 40 + 8 + 16 && ztk_frame_u8(data, len, 6) == ZTK_IPPROTO_ICMPV6 &&
        (icmp_type == ZTK_ICMP6_NEIGHBOR_SOLICIT || icmp_type == ZTK_ICMP6_NEIGHBOR_ADVERT)) {
      if (icmp_type == ZTK_ICMP6_NEIGHBOR_SOLICIT)
        return 2;
      ztk_inaddr_v6(ip, data + 48, 0);
      return 1;
    }
    ztk_inaddr_v6(ip, data + 8, 0);
    return 1;
  }
  if (ethertype == ZTK_ETHERTYPE_ARP && len >= 28) {
    ztk_inaddr_v4(ip, (uint32_t)ztk_be_get(data + 14, 4), 0);
    return 1;
  }
  return 0;
}

static uint64_t ownership_bits(const ztk_filter_input *in)
{
  ztk_inaddr ip;
  uint64_t bits = 0;
  int kind = ztk_filter_owner_ip(in->ethertype, in->data, in->len, &ip);
  if (kind == 2)
    bits |= ZTK_CHAR_SENDER_IP_AUTHENTICATED;
  if (in->owner && in->owner->owns_ip && kind == 1 && in->owner->owns_ip(in->owner_user, &ip))
    bits |= ZTK_CHAR_SENDER_IP_AUTHENTICATED;
  if (in->owner && in->owner->owns_mac && in->owner->owns_mac(in->owner_user, in->src_mac))
    bits |= ZTK_CHAR_SENDER_MAC_AUTHENTICATED;
  return bits;
}

static uint64_t tcp_flag_bits(const ztk_filter_input *in)
{
  size_t pos;
  uint8_t proto;
  if (is_ipv4(in, 20) && frame_byte(in, 9) == ZTK_IPPROTO_TCP) {
    pos = (size_t)(frame_byte(in, 0) & 0xf) * 4;
    return byte_or_zero(in, pos + 13) | ((byte_or_zero(in, pos + 12) & 0x0f) << 8);
  }
  if (in->ethertype == ZTK_ETHERTYPE_IPV6 &&
      ztk_ipv6_upper_layer(in->data, in->len, &pos, &proto) && proto == ZTK_IPPROTO_TCP &&
      in->len > pos + 14)
    return byte_or_zero(in, pos + 13) | ((byte_or_zero(in, pos + 12) & 0x0f) << 8);
  return 0;
}

static uint8_t match_characteristics(const ztk_filter_input *in, const ztk_rule *r)
{
  uint64_t cf = in->inbound ? ZTK_CHAR_INBOUND : 0;
  if (ztk_mac_is_multicast(in->dst_mac))
    cf |= ZTK_CHAR_MULTICAST;
  if (ztk_mac_is_broadcast(in->dst_mac))
    cf |= ZTK_CHAR_BROADCAST;
  cf |= ownership_bits(in) | tcp_flag_bits(in);
  return (cf & r->v.characteristics) != 0;
}

static uint8_t match_random(run_state *s, const ztk_rule *r)
{
  uint8_t b[4];
  if (!s->in->rnd) {
    s->err = ZTK_EINVAL;
    return 0;
  }
  s->in->rnd(s->in->rnd_user, b, sizeof b);
  return (uint32_t)ztk_be_get(b, 4) <= r->v.random_probability;
}

static uint8_t compare_tags(unsigned t, uint32_t ltv, uint32_t rtv, uint32_t want, hard h)
{
  switch (t) {
  case ZTK_RULE_MATCH_TAGS_DIFFERENCE:
    return (ltv > rtv ? ltv - rtv : rtv - ltv) <= want;
  case ZTK_RULE_MATCH_TAGS_BITWISE_AND:
    return (ltv & rtv) == want;
  case ZTK_RULE_MATCH_TAGS_BITWISE_OR:
    return (ltv | rtv) == want;
  case ZTK_RULE_MATCH_TAGS_BITWISE_XOR:
    return (ltv ^ rtv) == want;
  case ZTK_RULE_MATCH_TAGS_EQUAL:
    return ltv == want && rtv == want;
  default:
    return h.no;
  }
}

/* Both tags needed. Without the remote tag, inbound (unless we are a forward target) says no;
 * otherwise the match is lenient: yes, and the next DROP is skipped. */
static uint8_t match_tags(run_state *s, const ztk_rule *r, unsigned t, hard h)
{
  const ztk_filter_input *in = s->in;
  const ztk_tag_value *lt = find_tag(in->local_tags, in->n_local_tags, r->v.tag.id);
  if (!lt)
    return h.no;
  const ztk_tag_value *rt = find_tag(in->remote_tags, in->n_remote_tags, r->v.tag.id);
  if (rt)
    return compare_tags(t, lt->value, rt->value, r->v.tag.value, h);
  if (in->inbound && !s->super_accept)
    return h.no;
  s->skip_drop = true;
  return h.yes;
}

/* TAG_SENDER / TAG_RECEIVER: the tag of whichever party that is, ours or the remote one. */
static uint8_t match_tag_party(run_state *s, const ztk_rule *r, unsigned t, hard h)
{
  const ztk_filter_input *in = s->in;
  bool sender = t == ZTK_RULE_MATCH_TAG_SENDER;
  if (s->super_accept) {
    s->skip_drop = true;
    return h.yes;
  }
  if (sender == in->inbound) { /* the party is the remote member */
    const ztk_tag_value *rt = find_tag(in->remote_tags, in->n_remote_tags, r->v.tag.id);
    if (rt)
      return rt->value == r->v.tag.value;
    if (sender)
      return h.no;
    s->skip_drop = true;
    return h.yes;
  }
  const ztk_tag_value *lt = find_tag(in->local_tags, in->n_local_tags, r->v.tag.id);
  return lt ? lt->value == r->v.tag.value : h.no;
}

/* Reads (format & 63) + 1 bits at idx, big-endian (format bit 7 clear) or little-endian, as
 * 1.14.1 does: a big-endian read starts 8 - bytes past idx; a little-endian one keeps the top
 * bits of the bytes read; an out-of-range read yields 0. */
static uint8_t match_int_range(const ztk_filter_input *in, const ztk_rule *r)
{
  uint64_t v = 0;
  unsigned bits = (r->v.int_range.format & 63u) + 1;
  size_t bytes = (bits + 7) / 8;
  bool little = (r->v.int_range.format & 0x80) != 0;
  size_t idx = (size_t)r->v.int_range.idx + (little ? 0 : 8 - bytes);
  if (idx + bytes <= in->len) {
    for (size_t i = 0; i < bytes; i++) {
      uint64_t b = (uint64_t)frame_byte(in, idx + i);
      v = little ? (v >> 8) | (b << 56) : (v << 8) | b;
    }
  }
  v = little ? v >> (64 - bits) : v & (~0ULL >> (64 - bits));
  return v >= r->v.int_range.start && v <= r->v.int_range.start + (uint64_t)r->v.int_range.end;
}

static uint8_t match_simple(const ztk_filter_input *in, const ztk_rule *r, unsigned t,
                            const run_state *s)
{
  switch (t) {
  case ZTK_RULE_MATCH_SOURCE_ZEROTIER_ADDRESS:
    return r->v.zt == (in->source & ADDRESS_MASK);
  case ZTK_RULE_MATCH_DEST_ZEROTIER_ADDRESS:
    return r->v.zt == s->dest;
  case ZTK_RULE_MATCH_VLAN_ID:
    return r->v.vlan_id == in->vlan_id;
  case ZTK_RULE_MATCH_VLAN_PCP: /* not supported by 1.14.1: matches a rule value of 0 */
    return r->v.vlan_pcp == 0;
  case ZTK_RULE_MATCH_VLAN_DEI:
    return r->v.vlan_dei == 0;
  case ZTK_RULE_MATCH_MAC_SOURCE:
    return ztk_mac_from_bytes(r->v.mac) == in->src_mac;
  case ZTK_RULE_MATCH_MAC_DEST:
    return ztk_mac_from_bytes(r->v.mac) == in->dst_mac;
  case ZTK_RULE_MATCH_ETHERTYPE:
    return r->v.ether_type == in->ethertype;
  case ZTK_RULE_MATCH_FRAME_SIZE_RANGE:
    return in->len >= r->v.frame_size[0] && in->len <= r->v.frame_size[1];
  default:
    return in->unsupported_match_result;
  }
}

static uint8_t match_rule(run_state *s, const ztk_rule *r, unsigned t)
{
  const ztk_filter_input *in = s->in;
  uint8_t not_bit = (uint8_t)(r->t >> 7);
  hard h = {(uint8_t)(not_bit ^ 1), not_bit};
  switch (t) {
  case ZTK_RULE_MATCH_IPV4_SOURCE:
  case ZTK_RULE_MATCH_IPV4_DEST:
  case ZTK_RULE_MATCH_IPV6_SOURCE:
  case ZTK_RULE_MATCH_IPV6_DEST:
    return match_ip_address(in, r, t, h);
  case ZTK_RULE_MATCH_IP_TOS:
    return match_tos(in, r, h);
  case ZTK_RULE_MATCH_IP_PROTOCOL:
    return match_protocol(in, r, h);
  case ZTK_RULE_MATCH_ICMP:
    return match_icmp(in, r, h);
  case ZTK_RULE_MATCH_IP_SOURCE_PORT_RANGE:
  case ZTK_RULE_MATCH_IP_DEST_PORT_RANGE:
    return match_ports(in, r, t, h);
  case ZTK_RULE_MATCH_CHARACTERISTICS:
    return match_characteristics(in, r);
  case ZTK_RULE_MATCH_RANDOM:
    return match_random(s, r);
  case ZTK_RULE_MATCH_TAGS_DIFFERENCE:
  case ZTK_RULE_MATCH_TAGS_BITWISE_AND:
  case ZTK_RULE_MATCH_TAGS_BITWISE_OR:
  case ZTK_RULE_MATCH_TAGS_BITWISE_XOR:
  case ZTK_RULE_MATCH_TAGS_EQUAL:
    return match_tags(s, r, t, h);
  case ZTK_RULE_MATCH_TAG_SENDER:
  case ZTK_RULE_MATCH_TAG_RECEIVER:
    return match_tag_party(s, r, t, h);
  case ZTK_RULE_MATCH_INTEGER_RANGE:
    return match_int_range(in, r);
  default:
    return match_simple(in, r, t, s);
  }
}

static bool is_forward(unsigned t)
{
  return t == ZTK_RULE_ACTION_TEE || t == ZTK_RULE_ACTION_WATCH || t == ZTK_RULE_ACTION_REDIRECT;
}

/* TEE/WATCH/REDIRECT whose set matched. Returns -1 to go on, or the pass's result. */
static int forward_action(run_state *s, const ztk_rule *r, unsigned t)
{
  const ztk_filter_input *in = s->in;
  uint64_t to = r->v.fwd.address & ADDRESS_MASK;
  if (to == (in->source & ADDRESS_MASK))
    return -1;
  if (to == (in->self & ADDRESS_MASK)) /* checked before the destination, which may be us */
    return in->inbound ? RUN_SUPER_ACCEPT : -1;
  if (to == s->dest)
    return -1;
  if (t == ZTK_RULE_ACTION_REDIRECT) {
    s->dest = to;
    return RUN_REDIRECT;
  }
  s->cc = to;
  s->cc_len = (uint32_t)in->len;
  if (r->v.fwd.length != 0 && r->v.fwd.length < in->len)
    s->cc_len = r->v.fwd.length;
  s->cc_watch = t == ZTK_RULE_ACTION_WATCH;
  return -1;
}

/* An action whose set matched. Returns -1 to go on, or the pass's result. */
static int take_action(run_state *s, const ztk_rule *r, unsigned t)
{
  switch (t) {
  case ZTK_RULE_ACTION_PRIORITY:
    *s->qos = r->v.qos_bucket <= 8 ? (uint8_t)r->v.qos_bucket : 4;
    return RUN_ACCEPT;
  case ZTK_RULE_ACTION_DROP:
    if (s->skip_drop) {
      s->skip_drop = false;
      return -1;
    }
    return RUN_DROP;
  case ZTK_RULE_ACTION_ACCEPT:
    return s->super_accept ? RUN_SUPER_ACCEPT : RUN_ACCEPT;
  case ZTK_RULE_ACTION_BREAK:
    return RUN_NO_MATCH;
  default:
    return is_forward(t) ? forward_action(s, r, t) : -1; /* unknown actions are no-ops */
  }
}

static run_result run_rules(run_state *s, const ztk_rule *rules, size_t n)
{
  uint8_t set = 1; /* an action with no matches before it is taken */
  for (size_t i = 0; i < n && !s->err; i++) {
    const ztk_rule *r = &rules[i];
    unsigned t = ztk_rule_type_of(r);
    if (t <= ZTK_RULE_ACTION_MAX_ID) {
      if (set) {
        int res = take_action(s, r, t);
        if (res >= 0)
          return (run_result)res;
        continue;
      }
      if (s->in->inbound && is_forward(t) && (r->v.fwd.address & ADDRESS_MASK) == (s->in->self & ADDRESS_MASK))
        s->super_accept = true;
      set = 1;
      continue;
    }
    if (!set && !(r->t & ZTK_RULE_OR))
      continue; /* AND with false stays false */
    uint8_t m = match_rule(s, r, t) ^ (uint8_t)((r->t >> 7) & 1);
    if (r->t & ZTK_RULE_OR)
      set |= m;
    else
      set &= m;
  }
  return RUN_NO_MATCH;
}

static void run_init(run_state *s, const ztk_filter_input *in, uint8_t *qos)
{
  memset(s, 0, sizeof *s);
  s->in = in;
  s->dest = in->dest & ADDRESS_MASK;
  s->qos = qos;
}

static void add_copy(ztk_filter_result *res, const run_state *s, bool inbound)
{
  if (s->cc == 0)
    return;
  ztk_filter_copy *c = &res->copies[res->n_copies++];
  c->address = s->cc;
  c->length = s->cc_len;
  c->watch = s->cc_watch;
  if (inbound)
    c->ext_flags = s->cc_watch ? ZTK_FILTER_EXT_WATCH_IN : ZTK_FILTER_EXT_TEE_IN;
  else
    c->ext_flags = s->cc_watch ? ZTK_FILTER_EXT_WATCH_OUT : ZTK_FILTER_EXT_TEE_OUT;
}

/* Base rules ended without a decision: the first capability that accepts decides. Outbound a
 * capability's super-accept counts as a plain accept. Returns the verdict. */
static int run_capabilities(const ztk_filter_input *in, ztk_filter_result *res, uint64_t *final_dest)
{
  for (size_t c = 0; c < in->n_caps; c++) {
    run_state s;
    run_init(&s, in, &res->qos_bucket);
    run_result rr = run_rules(&s, in->caps[c].rules, in->caps[c].n);
    if (s.err)
      return s.err;
    if (rr == RUN_NO_MATCH || rr == RUN_DROP)
      continue;
    res->capability = (int)c;
    add_copy(res, &s, in->inbound);
    *final_dest = s.dest;
    return (rr == RUN_SUPER_ACCEPT && in->inbound) ? ZTK_FILTER_SUPER_ACCEPT : ZTK_FILTER_ACCEPT;
  }
  return ZTK_FILTER_DROP;
}

static bool input_ok(const ztk_filter_input *in)
{
  if ((!in->data && in->len) || (!in->rules.rules && in->rules.n) || (!in->caps && in->n_caps))
    return false;
  for (size_t c = 0; c < in->n_caps; c++)
    if (!in->caps[c].rules && in->caps[c].n)
      return false;
  return true;
}

int ztk_filter_evaluate(const ztk_filter_input *in, ztk_filter_result *res)
{
  memset(res, 0, sizeof *res);
  res->capability = -1;
  res->qos_bucket = ZTK_FILTER_QOS_DEFAULT;
  if (!input_ok(in))
    return ZTK_EINVAL;
  run_state s;
  run_init(&s, in, &res->qos_bucket);
  run_result rr = run_rules(&s, in->rules.rules, in->rules.n);
  if (s.err)
    return s.err;
  uint64_t final_dest = in->dest & ADDRESS_MASK;
  int verdict;
  if (rr == RUN_NO_MATCH)
    verdict = run_capabilities(in, res, &final_dest);
  else if (rr == RUN_DROP)
    verdict = ZTK_FILTER_DROP;
  else
    verdict = rr == RUN_SUPER_ACCEPT ? ZTK_FILTER_SUPER_ACCEPT : ZTK_FILTER_ACCEPT;
  if (verdict < 0)
    return verdict;
  if (rr == RUN_REDIRECT)
    final_dest = s.dest;
  res->verdict = (ztk_filter_verdict)verdict;
  if (verdict == ZTK_FILTER_DROP) {
    res->n_copies = 0;
    return 0;
  }
  add_copy(res, &s, in->inbound);
  if (final_dest != (in->dest & ADDRESS_MASK) && final_dest != 0) {
    res->redirect = final_dest;
    res->redirect_flags = in->inbound ? ZTK_FILTER_EXT_REDIRECT_IN : ZTK_FILTER_EXT_REDIRECT_OUT;
  } else {
    res->deliver = true;
  }
  return 0;
}
