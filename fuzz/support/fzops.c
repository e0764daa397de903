#include "fuzz/support/fzops.h"

#include <stdio.h>
#include <string.h>

#include "core/network/addressing.h"
#include "core/network/chunk.h"
#include "core/network/credentials.h"
#include "core/network/ethframe.h"
#include "core/network/mac.h"
#include "core/network/vl2wire.h"
#include "core/packet/verbs.h"

#define FRAME_CAP 2800 /* NET1's MTU */

static uint8_t pkt[ZTK_PROTO_MAX_PACKET_LENGTH];

static uint64_t u64(fr_rig *r)
{
  return ztk_rd_u64(&r->in);
}
static uint32_t u32(fr_rig *r)
{
  return ztk_rd_u32(&r->in);
}

static int member(fr_rig *r)
{
  return fr_member_ident[fr_u8(r) % FR_MEMBERS];
}

/* A packet header from sender with the options byte that follows in the input. */
static fr_pkt packet_of(fr_rig *r, int sender, uint8_t verb)
{
  fr_pkt p = {.sender = sender, .verb = verb};
  fr_pkt_opts(r, &p, fr_u8(r));
  return p;
}

/* sel: NET1, NET2, another network of the controller, an ad-hoc network, any id. */
static uint64_t pick_nwid(fr_rig *r, uint8_t sel)
{
  switch (sel % 5) {
  case 0:
    return r->fx->net1;
  case 1:
    return r->fx->net2;
  case 2:
    return (fw_identity(FR_CTL)->address << 24) | fr_u8(r);
  case 3: {
    uint16_t lo = fr_u16(r);
    return ztk_adhoc_nwid(lo, fr_u16(r));
  }
  default:
    return u64(r);
  }
}

static uint64_t mac_on(int ident, uint64_t nwid)
{
  return ztk_mac_from_address(fw_identity(ident)->address, nwid);
}

/* A destination MAC: self's, broadcast, a member's, IPv4 / IPv6 multicast, a foreign unicast
 * MAC, or six bytes from the input. */
static uint64_t pick_mac(fr_rig *r, uint8_t sel, uint64_t nwid)
{
  uint8_t ip6[16];
  switch (sel % 8) {
  case 0:
    return mac_on(FR_SELF, nwid);
  case 1:
    return ZTK_MAC_BROADCAST;
  case 2:
    return mac_on(member(r), nwid);
  case 3:
    return 0x01005e000000ull | (fr_u8(r) & 0x7f);
  case 4:
    ztk_ipv6_rfc4193(ip6, nwid, fw_identity(FR_SELF)->address);
    return ztk_mcgroup_solicited_node(ip6).mac;
  case 5:
    return 0x333300000001ull;
  case 6:
    return 0x020000000000ull | fr_u8(r);
  default:
    return ztk_rd_uint(&r->in, 6);
  }
}

/* A multicast group: broadcast, the ARP group of self's or a member's address, a MAC pick. */
static ztk_mcgroup pick_group(fr_rig *r, uint8_t sel)
{
  switch (sel % 4) {
  case 0:
    return ztk_mcgroup_broadcast();
  case 1:
    return ztk_mcgroup_arp(r->fx->ipv4[FR_SELF]);
  case 2:
    return ztk_mcgroup_arp(r->fx->ipv4[member(r)]);
  default: {
    ztk_mcgroup g = {pick_mac(r, fr_u8(r), r->fx->net1), 0};
    g.adi = fr_u8(r) ? u32(r) : 0;
    return g;
  }
  }
}

/* ---- Ethernet payloads ---- */

static uint32_t pick_ipv4(fr_rig *r, uint8_t sel)
{
  switch (sel & 3) {
  case 0:
    return r->fx->ipv4[FR_SELF];
  case 1:
    return r->fx->ipv4[member(r)];
  case 2:
    return (fr_u8(r) & 1) ? 0x0a9311ffu : 0xe00000fbu;
  default:
    return u32(r);
  }
}

static void pick_ipv6(fr_rig *r, uint8_t sel, int ident, uint8_t ip[16])
{
  static const uint8_t all_nodes[16] = {0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  switch (sel & 3) {
  case 0:
    ztk_ipv6_rfc4193(ip, r->fx->net1, fw_identity(ident)->address);
    return;
  case 1:
    ztk_ipv6_6plane(ip, r->fx->net1, fw_identity(ident)->address);
    return;
  case 2:
    memcpy(ip, all_nodes, 16);
    return;
  default:
    ztk_rd_copy(&r->in, ip, 16);
  }
}

static void arp_payload(fr_rig *r, int sender, uint8_t kind, ztk_wr *w)
{
  ztk_arp a = {(kind & 1) ? ZTK_ARP_REPLY : ZTK_ARP_REQUEST, r->fx->mac[sender], {0}, 0, {0}};
  ztk_be_put(a.spa, (kind & 0x20) ? u32(r) : r->fx->ipv4[sender], 4);
  ztk_be_put(a.tpa, pick_ipv4(r, kind >> 3), 4);
  if (kind & 1)
    a.tha = r->fx->mac[FR_SELF];
  ztk_arp_write(w, &a);
}

/* An ICMP, UDP or other IPv4 packet; checksums are made right so the responder answers. */
static void ipv4_payload(fr_rig *r, int sender, uint8_t kind, ztk_wr *w)
{
  static const uint8_t protos[3] = {ZTK_IPPROTO_ICMP, ZTK_IPPROTO_UDP, ZTK_IPPROTO_TCP};
  uint8_t l4[FRAME_CAP];
  size_t blen;
  const uint8_t *body = fr_bytes(r, FRAME_CAP - 28, &blen);
  ztk_ipv4 h;
  memset(&h, 0, sizeof h);
  h.ttl = 64;
  h.proto = (kind & 0x80) ? fr_u8(r) : protos[(kind & 7) - 2];
  ztk_be_put(h.src, (kind & 0x20) ? u32(r) : r->fx->ipv4[sender], 4);
  ztk_be_put(h.dst, pick_ipv4(r, kind >> 3), 4);
  size_t hl = h.proto == ZTK_IPPROTO_UDP ? 8 : h.proto == ZTK_IPPROTO_ICMP ? 4 : 0;
  memset(l4, 0, hl);
  if (h.proto == ZTK_IPPROTO_ICMP) {
    l4[0] = (kind & 0x40) ? fr_u8(r) : ZTK_ICMP_ECHO_REQUEST;
  } else if (h.proto == ZTK_IPPROTO_UDP) {
    ztk_be_put(l4, fr_u16(r), 2);
    ztk_be_put(l4 + 2, (kind & 0x40) ? fr_u16(r) : 7, 2);
    ztk_be_put(l4 + 4, hl + blen, 2);
  }
  memcpy(l4 + hl, body, blen);
  if (h.proto == ZTK_IPPROTO_ICMP)
    ztk_be_put(l4 + 2, ztk_csum_plain(l4, hl + blen, 2), 2);
  else if (h.proto == ZTK_IPPROTO_UDP)
    ztk_be_put(l4 + 6, ztk_csum_v4(h.src, h.dst, h.proto, l4, hl + blen, 6), 2);
  ztk_ipv4_write(w, &h, hl + blen);
  ztk_wr_bytes(w, l4, hl + blen);
}

/* ICMPv6 (echo, or a neighbour solicitation for self's address) or UDP over IPv6. */
static void ipv6_payload(fr_rig *r, int sender, uint8_t kind, ztk_wr *w)
{
  uint8_t l4[FRAME_CAP];
  size_t blen, hl;
  const uint8_t *body = fr_bytes(r, FRAME_CAP - 72, &blen);
  ztk_ipv6 h;
  memset(&h, 0, sizeof h);
  h.hop_limit = 255;
  h.next = (kind & 7) == 5 ? ZTK_IPPROTO_ICMPV6 : ZTK_IPPROTO_UDP;
  pick_ipv6(r, kind >> 5, sender, h.src);
  pick_ipv6(r, kind >> 3, FR_SELF, h.dst);
  memset(l4, 0, 24);
  if (h.next == ZTK_IPPROTO_UDP) {
    hl = 8;
    ztk_be_put(l4, fr_u16(r), 2);
    ztk_be_put(l4 + 2, 7, 2);
    ztk_be_put(l4 + 4, hl + blen, 2);
  } else if (kind & 0x80) { /* neighbour solicitation: target self's rfc4193 address */
    hl = 24;
    l4[0] = ZTK_ICMP6_NEIGHBOR_SOLICIT;
    ztk_ipv6_rfc4193(l4 + 8, r->fx->net1, fw_identity(FR_SELF)->address);
  } else {
    hl = 8;
    l4[0] = ZTK_ICMP6_ECHO_REQUEST;
  }
  memcpy(l4 + hl, body, blen);
  ztk_be_put(l4 + (h.next == ZTK_IPPROTO_UDP ? 6 : 2),
             ztk_csum_v6(h.src, h.dst, h.next, l4, hl + blen, h.next == ZTK_IPPROTO_UDP ? 6 : 2),
             2);
  ztk_ipv6_write(w, &h, hl + blen);
  ztk_wr_bytes(w, l4, hl + blen);
}

/* An Ethernet payload as sender's host would send it. Input: kind (bits 0-2: ARP request, ARP
 * reply, IPv4 ICMP, UDP, TCP, ICMPv6, UDP over IPv6, raw; bits 3-4 the destination address,
 * bit 5 a source address from the input, bits 6-7 variants), then the fields each needs.
 * Returns the length written to out (FRAME_CAP bytes) and sets *ethertype. */
static size_t frame_payload(fr_rig *r, int sender, uint16_t *ethertype, uint8_t *out)
{
  uint8_t kind = fr_u8(r);
  ztk_wr w = ztk_wr_make(out, FRAME_CAP);
  size_t n;
  switch (kind & 7) {
  case 0:
  case 1:
    *ethertype = ZTK_ETHERTYPE_ARP;
    arp_payload(r, sender, kind, &w);
    break;
  case 2:
  case 3:
  case 4:
    *ethertype = ZTK_ETHERTYPE_IPV4;
    ipv4_payload(r, sender, kind, &w);
    break;
  case 5:
  case 6:
    *ethertype = ZTK_ETHERTYPE_IPV6;
    ipv6_payload(r, sender, kind, &w);
    break;
  default: {
    *ethertype = fr_u16(r);
    const uint8_t *b = fr_bytes(r, FRAME_CAP, &n);
    ztk_wr_bytes(&w, b, n);
  }
  }
  return w.err ? 0 : w.len;
}

/* ---- VL1 ---- */

/* Input: sender, verb, options, payload. */
void fo_craft(fr_rig *r)
{
  int sender = fr_pick_peer(fr_u8(r));
  uint8_t verb = fr_u8(r) & 0x1f;
  fr_pkt p = packet_of(r, sender, verb);
  size_t len;
  const uint8_t *payload = fr_bytes(r, ZTK_PROTO_MAX_PAYLOAD, &len);
  fr_send(r, &p, payload, len);
}

/* Input: sender, source address selector, bytes. */
void fo_raw(fr_rig *r)
{
  int sender = fr_pick_peer(fr_u8(r));
  uint8_t from = fr_u8(r);
  size_t len;
  const uint8_t *data = fr_bytes(r, ZTK_PROTO_MAX_PACKET_LENGTH + 64, &len);
  fr_raw(r, sender, from, data, len);
}

/* Input: sender, flags (bit 0 versions from the input, bit 1 a destination address, bit 2
 * planet fields, bit 3 moons, bit 4 suite 1 instead of 0, bits 5-7 timestamp skew), fields. */
void fo_hello(fr_rig *r)
{
  ztk_hello h;
  int sender = fr_pick_peer(fr_u8(r));
  uint8_t f = fr_u8(r);
  fr_pkt p = {.sender = sender, .verb = ZTK_VERB_HELLO, .suite = (f & 16) ? 1 : 0};
  memset(&h, 0, sizeof h);
  h.proto_version = ZTK_PROTO_VERSION, h.major = 1, h.minor = 14, h.revision = 1;
  if (f & 1)
    h.proto_version = fr_u8(r), h.major = fr_u8(r), h.minor = fr_u8(r), h.revision = fr_u16(r);
  h.timestamp = (uint64_t)(r->now + ((int64_t)(f >> 5) - 3) * 600000);
  h.id = *fw_identity(sender);
  h.id.has_private = false;
  memset(h.id.priv, 0, sizeof h.id.priv);
  if (f & 2)
    fr_pick_from(FR_SELF, fr_u8(r), &h.dest);
  if (f & 4)
    h.has_planet = true, h.planet_id = 0xf022f022, h.planet_timestamp = u64(r);
  if (f & 8)
    for (unsigned i = 0, n = fr_u8(r) % 4; i < n; i++) {
      ztk_hello_moon *m = &h.moons[h.n_moons++];
      m->type = ZTK_WORLD_TYPE_MOON;
      m->id = u64(r);
      m->timestamp = u64(r);
    }
  h.moon_count = (uint16_t)h.n_moons;
  ztk_wr w = fr_start(r, &p, pkt);
  size_t off = ztk_hello_write(&w, &h);
  FW_CHECK(!w.err && ztk_hello_crypt(pkt, w.len, off, fr_key(sender)) == 0);
  fr_finish(r, &p, pkt, w.len);
}

/* OK(WHOIS) with the identities asked for that the rig knows. */
static void whois_answer(const fr_sent *s, ztk_wr *w)
{
  for (size_t off = 0; off + 5 <= s->len; off += 5) {
    int i = fw_identity_of(ztk_be_get(s->payload + off, 5));
    if (i >= 0)
      ztk_identity_write(w, fw_identity(i), false);
  }
}

/* OK(MULTICAST_GATHER) naming members the input picks. */
static void gather_answer(fr_rig *r, const fr_sent *s, ztk_wr *w)
{
  ztk_address addrs[FR_MEMBERS];
  uint16_t n = 0;
  uint8_t mask = fr_u8(r);
  ztk_rd q = ztk_rd_make(s->payload, s->len);
  ztk_wr_u64(w, ztk_rd_u64(&q));         /* nwid */
  ztk_rd_u8(&q);                         /* flags */
  ztk_wr_uint(w, ztk_rd_uint(&q, 6), 6); /* group MAC */
  ztk_wr_u32(w, ztk_rd_u32(&q));         /* ADI */
  for (int i = 0; i < FR_MEMBERS; i++)
    if (mask & (1u << i))
      addrs[n++] = fw_identity(fr_member_ident[i])->address;
  ztk_gather_results_write(w, n + (mask >> 6), addrs, n);
}

static void ok_body(fr_rig *r, const fr_sent *s, bool smart, ztk_wr *w)
{
  size_t len;
  if (smart && s->verb == ZTK_VERB_WHOIS) {
    whois_answer(s, w);
  } else if (smart && s->verb == ZTK_VERB_HELLO) {
    fr_ok_hello_body(w, s, fr_u8(r));
  } else if (smart && s->verb == ZTK_VERB_MULTICAST_GATHER) {
    gather_answer(r, s, w);
  } else if (smart && s->verb == ZTK_VERB_ECHO) {
    ztk_wr_bytes(w, s->payload, s->len);
  } else {
    const uint8_t *b = fr_bytes(r, ZTK_PROTO_MAX_PAYLOAD - 16, &len);
    ztk_wr_bytes(w, b, len);
  }
}

/* Input: which recent packet (0 = newest), flags (bit 0 ERROR instead of OK, bit 1 a made-up
 * body instead of the right one), then the ERROR code or the body, then packet options. */
void fo_reply(fr_rig *r)
{
  const fr_sent *s = fr_recent(r, fr_u8(r));
  uint8_t f = fr_u8(r);
  if (!s)
    return;
  int from = fw_identity_of(s->dest);
  fr_pkt p = packet_of(r, from, (f & 1) ? ZTK_VERB_ERROR : ZTK_VERB_OK);
  ztk_wr w = fr_start(r, &p, pkt);
  if (f & 1) {
    size_t len;
    ztk_error_msg e = {s->verb, s->wire_id, fr_u8(r) % 10, false, 0, NULL, 0};
    e.has_nwid = e.code >= 3 || (fr_u8(r) & 1);
    e.nwid = s->len >= 8 && s->verb >= ZTK_VERB_FRAME ? ztk_be_get(s->payload, 8) : r->fx->net1;
    e.extra = fr_bytes(r, 256, &len);
    e.extra_len = len;
    ztk_error_write(&w, &e);
  } else {
    ztk_ok_header_write(&w, s->verb, s->wire_id);
    ok_body(r, s, !(f & 2), &w);
  }
  if (!w.err)
    fr_finish(r, &p, pkt, w.len);
}

/* Input: entry, packet options, then up to three (offset u16, xor byte) mutations. */
void fo_library(fr_rig *r)
{
  static uint8_t body[sizeof r->fx->lib[0].payload];
  const fr_libentry *e = &r->fx->lib[fr_u8(r) % r->fx->nlib];
  fr_pkt p = packet_of(r, e->sender, e->verb);
  memcpy(body, e->payload, e->len);
  for (unsigned i = 0, n = fr_u8(r) % 4; i < n && e->len; i++) {
    uint16_t off = fr_u16(r);
    body[off % e->len] ^= fr_u8(r);
  }
  fr_send(r, &p, body, e->len);
}

/* Input: sender, flags (bit 0 another member's credentials, bit 1 append a revocation of a
 * member's COM signed by the controller, bit 2 flip a byte), then what they need, options. */
void fo_creds(fr_rig *r)
{
  static uint8_t body[ZTK_PROTO_MAX_PAYLOAD];
  static ztk_revocation rev;
  int sender = member(r), whose = sender;
  uint8_t f = fr_u8(r);
  if (f & 1)
    whose = member(r);
  ztk_wr w = ztk_wr_make(body, sizeof body);
  ztk_com com;
  ztk_rd cr = ztk_rd_make(r->fx->com[whose], r->fx->com_len[whose]);
  bool have = r->fx->com_len[whose] && ztk_com_read(&cr, &com) == 0;
  ztk_creds c = {.coms = &com, .com_count = have, .com_cap = 1, .revs = &rev, .sections = 4};
  if (f & 2) {
    int target = member(r);
    uint32_t id = fr_u8(r);
    int64_t threshold = r->now - fr_u16(r);
    ztk_revocation_init(&rev, id, r->fx->net1, 0, threshold, ZTK_REVOCATION_FLAG_FAST_PROPAGATE,
                        fw_identity(target)->address, ZTK_CRED_COM);
    FW_CHECK(ztk_revocation_sign(&rev, fw_identity(FR_CTL)) == 0);
    c.rev_count = c.rev_cap = 1;
  }
  if (!(f & 2) && r->fx->creds[whose]) {
    ztk_wr_bytes(&w, r->fx->creds[whose], r->fx->creds_len[whose]);
  } else if (ztk_creds_write(&w, &c)) {
    return;
  }
  if ((f & 4) && w.len) {
    uint16_t off = fr_u16(r);
    body[off % w.len] ^= fr_u8(r) | 1;
  }
  fr_pkt p = packet_of(r, sender, ZTK_VERB_NETWORK_CREDENTIALS);
  fr_send(r, &p, body, w.len);
}

/* ---- configs ---- */

static const char *const dict_keys[] = {"r",    "ts", "I",    "RT", "R",    "S",    "f",    "mtu",
                                        "ml",   "n",  "t",    "C",  "CAP",  "TAG",  "COO",  "DNS",
                                        "ctmd", "v",  "nwid", "id", "ssoe", "aurl", "ssov", "tt"};

/* Self's NET1 config with up to three entries replaced by input bytes, a newer revision, and
 * (pad) an entry that makes it need two chunks. */
static size_t edited_config(fr_rig *r, char *buf, size_t cap, bool pad)
{
  ztk_dict d, view;
  uint64_t rev = 0;
  FW_CHECK(r->fx->self_dict_len < cap);
  ztk_dict_init(&d, buf, cap);
  memcpy(buf, r->fx->self_dict, r->fx->self_dict_len);
  buf[r->fx->self_dict_len] = 0;
  d.len = r->fx->self_dict_len;
  FW_CHECK(ztk_dict_view(&view, r->fx->self_dict, r->fx->self_dict_len, cap) == 0);
  ztk_dict_get_u64(&view, "r", &rev);
  for (unsigned i = 0, n = fr_u8(r) % 4; i < n; i++) {
    const char *key = dict_keys[fr_u8(r) % (sizeof dict_keys / sizeof dict_keys[0])];
    size_t len;
    const uint8_t *v = fr_bytes(r, 512, &len);
    ztk_dict_remove(&d, key);
    ztk_dict_add_bin(&d, key, v, len);
  }
  ztk_dict_remove(&d, "r");
  ztk_dict_add_u64(&d, "r", rev + 1 + fr_u8(r));
  if (pad) {
    static uint8_t filler[ZTK_CHUNK_MAX_DATA];
    memset(filler, 'z', sizeof filler);
    ztk_dict_add_bin(&d, "zz", filler, sizeof filler - 64 * (size_t)(fr_u8(r) & 0x7f));
  }
  return d.len;
}

/* Input: flags (bit 0 as OK to self's newest config request, else a NETWORK_CONFIG push; bit 1
 * fast propagate; bit 2 leave chunk 0 or 1 out; bit 3 big enough for two chunks), the edits,
 * the revision step, the padding, options. */
void fo_config(fr_rig *r)
{
  static char dict[65536];
  uint8_t f = fr_u8(r);
  size_t len = edited_config(r, dict, sizeof dict, (f & 8) != 0);
  unsigned skip = (f & 4) ? (f >> 7) : ~0u;
  const fr_sent *req = NULL;
  for (unsigned k = 0; (f & 1) && k < FR_OUT_RING && (req = fr_recent(r, k)); k++)
    if (req->verb == ZTK_VERB_NETWORK_CONFIG_REQUEST)
      break;
  if (req && req->verb != ZTK_VERB_NETWORK_CONFIG_REQUEST)
    req = NULL;
  fr_pkt p = packet_of(r, FR_CTL, req ? ZTK_VERB_OK : ZTK_VERB_NETWORK_CONFIG);
  uint64_t update = r->next_id | 1;
  for (size_t index = 0, i = 0; index < len && r->node; i++) {
    ztk_wr w = fr_start(r, &p, pkt);
    if (req)
      ztk_ok_header_write(&w, ZTK_VERB_NETWORK_CONFIG_REQUEST, req->wire_id);
    int n = ztk_chunk_write(&w, fw_identity(FR_CTL), r->fx->net1, dict, len, index,
                            (f & 2) ? ZTK_CHUNK_FLAG_FAST_PROPAGATE : 0, update);
    if (n <= 0)
      return;
    if (i != skip)
      fr_finish(r, &p, pkt, w.len);
    index += (size_t)n;
  }
}

/* ---- self's own calls ---- */

/* Input: call (join, leave, subscribe, unsubscribe, user message, echo, local address,
 * responder, orbit), then its arguments. */
void fo_node(fr_rig *r)
{
  ztk_node *n = r->node;
  size_t len;
  const uint8_t *b;
  uint8_t sel = fr_u8(r);
  switch ((sel & 15) % 9) {
  case 0:
    FW_CHECK(ztk_node_join(n, r->now, pick_nwid(r, fr_u8(r))) <= 0);
    break;
  case 1:
    FW_CHECK(ztk_node_leave(n, r->now, pick_nwid(r, fr_u8(r))) <= 0);
    break;
  case 2:
  case 3: {
    uint64_t nwid = pick_nwid(r, fr_u8(r)), mac = pick_mac(r, fr_u8(r), nwid);
    uint32_t adi = (sel & 0x80) ? u32(r) : 0;
    if ((sel & 15) % 9 == 2)
      FW_CHECK(ztk_node_multicast_subscribe(n, r->now, nwid, mac, adi) <= 0);
    else
      FW_CHECK(ztk_node_multicast_unsubscribe(n, nwid, mac, adi) <= 0);
    break;
  }
  case 4: {
    ztk_address to =
        (sel & 0x80) ? ztk_rd_uint(&r->in, 5) : fw_identity(fr_pick_peer(fr_u8(r)))->address;
    uint64_t type = fr_u16(r) | ((sel & 0x40) ? 0x10000u : 0);
    b = fr_bytes(r, 2048, &len);
    FW_CHECK(ztk_node_send_user_message(n, r->now, to, type, b, len) <= 0);
    break;
  }
  case 5:
    b = fr_bytes(r, 2048, &len);
    FW_CHECK(ztk_node_echo(n, r->now, fw_identity(fr_pick_peer(sel >> 4))->address, b, len) <= 0);
    break;
  case 6: {
    struct sockaddr_storage ss;
    ztk_inaddr a;
    if (sel & 0x80) {
      ztk_node_clear_local_addresses(n);
      break;
    }
    fr_pick_from(FR_SELF, fr_u8(r), &a);
    if (sel & 0x40)
      ztk_inaddr_v4(&a, u32(r), fr_u16(r));
    ztk_inaddr_to_sockaddr(&a, &ss);
    FW_CHECK(ztk_node_add_local_address(n, &ss) <= 0);
    break;
  }
  case 7: {
    uint64_t nwid = pick_nwid(r, fr_u8(r));
    FW_CHECK(ztk_node_set_responder(n, nwid, sel & 0x80, fr_u16(r)) <= 0);
    break;
  }
  default: {
    uint64_t moon = u64(r);
    FW_CHECK(ztk_node_orbit(n, r->now, moon, fw_identity(fr_pick_peer(fr_u8(r)))->address) <= 0);
  }
  }
}

/* Input: u16; the top bit scales by 100 (up to about 55 minutes), else milliseconds. */
void fo_tick(fr_rig *r)
{
  uint16_t v = fr_u16(r);
  fr_tick(r, (v & 0x8000) ? (int64_t)(v & 0x7fff) * 100 : v);
}

/* ---- VL2 ---- */

static bool member_com(fr_rig *r, int ident, ztk_com *com)
{
  ztk_rd cr = ztk_rd_make(r->fx->com[ident], r->fx->com_len[ident]);
  return r->fx->com_len[ident] && ztk_com_read(&cr, com) == 0;
}

/* Input: member, kind (bits 0-1 FRAME / EXT_FRAME / MULTICAST_FRAME / FRAME, bits 2-4 the
 * network), flags, MACs or group, the payload, options. */
void fo_member_frame(fr_rig *r)
{
  static uint8_t data[FRAME_CAP];
  int m = member(r);
  uint8_t kind = fr_u8(r), flags = fr_u8(r);
  uint64_t nwid = pick_nwid(r, kind >> 2);
  static const uint8_t verbs[4] = {ZTK_VERB_FRAME, ZTK_VERB_EXT_FRAME, ZTK_VERB_MULTICAST_FRAME,
                                   ZTK_VERB_FRAME};
  uint16_t et;
  uint64_t dst = pick_mac(r, fr_u8(r), nwid),
           src = (flags & 0x80) ? pick_mac(r, 6, nwid) : mac_on(m, nwid);
  ztk_mcgroup g = pick_group(r, fr_u8(r));
  size_t len = frame_payload(r, m, &et, data);
  fr_pkt p = packet_of(r, m, verbs[kind & 3]);
  ztk_wr w = fr_start(r, &p, pkt);
  if (p.verb == ZTK_VERB_FRAME) {
    ztk_frame_msg fm = {nwid, et, data, len};
    ztk_frame_msg_write(&w, &fm);
  } else if (p.verb == ZTK_VERB_EXT_FRAME) {
    ztk_ext_frame_msg em = {nwid, flags & 0x7e, false, {0}, dst, src, et, data, len};
    em.has_com = (flags & 1) && member_com(r, m, &em.com);
    ztk_ext_frame_msg_write(&w, &em);
  } else {
    ztk_mcframe_msg mm = {nwid, flags & 0x7e, false, {0}, 0, 0, g, et, data, len};
    mm.has_com = (flags & 1) && member_com(r, m, &mm.com);
    mm.gather_limit = (flags & ZTK_MCFRAME_FLAG_GATHER) ? fr_u8(r) : 0;
    mm.src_mac = (flags & ZTK_MCFRAME_FLAG_SRC_MAC) ? src : 0;
    ztk_mcframe_msg_write(&w, &mm);
  }
  if (!w.err)
    fr_finish(r, &p, pkt, w.len);
}

/* Input: network, flags (bit 0 self's MAC on it, bit 1 a VLAN id), destination MAC, payload. */
void fo_host_frame(fr_rig *r)
{
  static uint8_t data[FRAME_CAP];
  uint64_t nwid = pick_nwid(r, fr_u8(r) % 3);
  uint8_t f = fr_u8(r);
  uint64_t src = (f & 1) ? pick_mac(r, 6, nwid) : mac_on(FR_SELF, nwid);
  uint16_t vlan = (f & 2) ? fr_u16(r) : 0, et;
  uint64_t dst = pick_mac(r, fr_u8(r), nwid);
  size_t len = frame_payload(r, FR_SELF, &et, data);
  int64_t deadline;
  int rc = ztk_node_frame_in(r->node, r->now, nwid, src, dst, et, vlan, data, len, &deadline);
  FW_CHECK(rc == 0 || rc == ZTK_ENET_NOTJOINED || rc == ZTK_ERANGE);
}

/* Input: member, record count, (network, group) each, options. */
void fo_like(fr_rig *r)
{
  int m = member(r);
  uint64_t nwids[4];
  ztk_mcgroup gs[4];
  unsigned n = 1 + fr_u8(r) % 4;
  for (unsigned i = 0; i < n; i++) {
    nwids[i] = pick_nwid(r, fr_u8(r));
    gs[i] = pick_group(r, fr_u8(r));
  }
  fr_pkt p = packet_of(r, m, ZTK_VERB_MULTICAST_LIKE);
  ztk_wr w = fr_start(r, &p, pkt);
  for (unsigned i = 0; i < n; i++)
    ztk_like_write(&w, nwids[i], &gs[i]);
  fr_finish(r, &p, pkt, w.len);
}

/* Input: member, network, flags (bit 0 the member's COM inline), group, limit, options. */
void fo_gather(fr_rig *r)
{
  int m = member(r);
  ztk_gather_msg g;
  memset(&g, 0, sizeof g);
  g.nwid = pick_nwid(r, fr_u8(r));
  g.flags = fr_u8(r);
  g.g = pick_group(r, fr_u8(r));
  g.limit = fr_u8(r);
  g.has_com = (g.flags & ZTK_GATHER_FLAG_COM) && member_com(r, m, &g.com);
  fr_pkt p = packet_of(r, m, ZTK_VERB_MULTICAST_GATHER);
  ztk_wr w = fr_start(r, &p, pkt);
  ztk_gather_msg_write(&w, &g);
  fr_finish(r, &p, pkt, w.len);
}

void fo_run(fr_rig *r, const fo_op *ops, size_t n)
{
  for (int i = 0; i < FR_MAX_OPS && !fr_done(r) && r->now - r->start < FR_MAX_VIRTUAL_MS; i++) {
    size_t k = fr_u8(r) % n;
    if (fr_tracing())
      fprintf(stderr, "[%lld] op %zu at input offset %zu\n", (long long)(r->now - r->start), k,
              r->in.off);
    ops[k](r);
  }
}
