#include "core/network/responder.h"

#include <string.h>

#include "core/network/mac.h"
#include "core/network/ndp.h"

#define MAC_ALL_NODES 0x333300000001ULL

/* The IP layer of a reply: addresses already swapped. */
typedef struct ip_reply {
  int family; /* 4 or 6 */
  uint8_t src[16];
  uint8_t dst[16];
  uint8_t tos;
  uint32_t ident;
  uint8_t ttl;
} ip_reply;

/* An upper-layer message to emit: header bytes (checksum field zero), then payload. */
typedef struct l4_msg {
  uint8_t proto;
  const uint8_t *hdr;
  size_t hdr_len;
  const uint8_t *payload;
  size_t payload_len;
  size_t csum_off;
} l4_msg;

static bool is_own(const ztk_responder *r, int family, const uint8_t *ip)
{
  for (size_t i = 0; i < r->n_ips; i++)
    if (r->ips[i].family == family && memcmp(r->ips[i].ip, ip, family == 4 ? 4 : 16) == 0)
      return true;
  return false;
}

static uint8_t reply_ttl(const ztk_responder *r)
{
  return r->ttl ? r->ttl : ZTK_RESPONDER_DEFAULT_TTL;
}

static void ip_header(ztk_wr *w, const ip_reply *ip, uint8_t proto, size_t l4_len)
{
  if (ip->family == 4) {
    ztk_ipv4 h;
    memset(&h, 0, sizeof h);
    h.tos = ip->tos;
    h.id = (uint16_t)ip->ident;
    h.ttl = ip->ttl;
    h.proto = proto;
    memcpy(h.src, ip->src, 4);
    memcpy(h.dst, ip->dst, 4);
    ztk_ipv4_write(w, &h, l4_len);
  } else {
    ztk_ipv6 h;
    memset(&h, 0, sizeof h);
    h.tclass = ip->tos;
    h.flow = ip->ident & 0xfffff;
    h.next = proto;
    h.hop_limit = ip->ttl;
    memcpy(h.src, ip->src, 16);
    memcpy(h.dst, ip->dst, 16);
    ztk_ipv6_write(w, &h, l4_len);
  }
}

/* Writes IP header + message and fills the message checksum. Returns the length or an error. */
static int emit_ip(ztk_wr *w, const ip_reply *ip, const l4_msg *m)
{
  size_t l4_len = m->hdr_len + m->payload_len;
  if (ip->family == 4 && l4_len > 0xffff - ZTK_IPV4_HEADER_LEN)
    return 0;
  ip_header(w, ip, m->proto, l4_len);
  size_t start = w->len;
  ztk_wr_bytes(w, m->hdr, m->hdr_len);
  ztk_wr_bytes(w, m->payload, m->payload_len);
  if (w->err)
    return w->err;
  uint8_t *seg = w->p + start;
  uint16_t c;
  if (m->proto == ZTK_IPPROTO_ICMP)
    c = ztk_csum_plain(seg, l4_len, m->csum_off);
  else if (ip->family == 4)
    c = ztk_csum_v4(ip->src, ip->dst, m->proto, seg, l4_len, m->csum_off);
  else
    c = ztk_csum_v6(ip->src, ip->dst, m->proto, seg, l4_len, m->csum_off);
  if (m->proto == ZTK_IPPROTO_UDP && c == 0)
    c = 0xffff; /* 0 means "no checksum" in UDP */
  ztk_be_put(seg + m->csum_off, c, 2);
  return (int)w->len;
}

static int echo_icmp(ztk_wr *w, const ip_reply *ip, const ztk_icmp *req)
{
  uint8_t hdr[ZTK_ICMP_HEADER_LEN] = {0};
  hdr[0] = ip->family == 4 ? ZTK_ICMP_ECHO_REPLY : ZTK_ICMP6_ECHO_REPLY;
  l4_msg m = {ip->family == 4 ? ZTK_IPPROTO_ICMP : ZTK_IPPROTO_ICMPV6, hdr, sizeof hdr,
              req->body, req->body_len, 2};
  return emit_ip(w, ip, &m);
}

static int echo_udp(ztk_wr *w, const ip_reply *ip, const ztk_udp *req)
{
  uint8_t hdr[ZTK_UDP_HEADER_LEN];
  ztk_be_put(hdr, req->dport, 2);
  ztk_be_put(hdr + 2, req->sport, 2);
  ztk_be_put(hdr + 4, ZTK_UDP_HEADER_LEN + req->payload_len, 2);
  ztk_be_put(hdr + 6, 0, 2);
  l4_msg m = {ZTK_IPPROTO_UDP, hdr, sizeof hdr, req->payload, req->payload_len, 6};
  return emit_ip(w, ip, &m);
}

/* Echo for ICMP(v6) or UDP on the echo port; seg is the upper-layer message. */
static int answer_l4(const ztk_responder *r, ztk_wr *w, const ip_reply *ip, uint8_t proto,
                     const uint8_t *seg, size_t len)
{
  ztk_icmp icmp;
  ztk_udp udp;
  const uint8_t *s = ip->dst, *d = ip->src; /* the request's source and destination */
  uint8_t echo_req = ip->family == 4 ? ZTK_ICMP_ECHO_REQUEST : ZTK_ICMP6_ECHO_REQUEST;
  if (proto == (ip->family == 4 ? ZTK_IPPROTO_ICMP : ZTK_IPPROTO_ICMPV6)) {
    if (ztk_icmp_parse(&icmp, seg, len) != 0 || icmp.type != echo_req || icmp.code != 0)
      return 0;
    uint16_t c = ip->family == 4 ? ztk_csum_plain(seg, len, 2)
                                 : ztk_csum_v6(s, d, proto, seg, len, 2);
    return c == icmp.checksum ? echo_icmp(w, ip, &icmp) : 0;
  }
  /* A datagram from the echo port is itself an echo: answering it would loop for ever between
   * two echo services (or a host and itself). */
  if (proto != ZTK_IPPROTO_UDP || r->udp_echo_port == 0 || ztk_udp_parse(&udp, seg, len) != 0 ||
      udp.dport != r->udp_echo_port || udp.sport == r->udp_echo_port)
    return 0;
  size_t ulen = udp.payload_len + ZTK_UDP_HEADER_LEN;
  uint16_t c = ip->family == 4 ? ztk_csum_v4(s, d, proto, seg, ulen, 6)
                               : ztk_csum_v6(s, d, proto, seg, ulen, 6);
  if (c == 0)
    c = 0xffff;
  if (udp.checksum != c && !(ip->family == 4 && udp.checksum == 0))
    return 0;
  return echo_udp(w, ip, &udp);
}

/* The IP layer of the reply to a request from req_src to req_dst. */
static ip_reply reply_to(const ztk_responder *r, int family, const uint8_t *req_src,
                         const uint8_t *req_dst, uint8_t tos, uint32_t ident)
{
  ip_reply ip = {family, {0}, {0}, tos, ident, reply_ttl(r)};
  memcpy(ip.src, req_dst, family == 4 ? 4 : 16);
  memcpy(ip.dst, req_src, family == 4 ? 4 : 16);
  return ip;
}

static int answer_ipv4(const ztk_responder *r, const ztk_frame *in, uint32_t ident, ztk_wr *w)
{
  ztk_ipv4 h;
  if (in->dst_mac != r->mac || ztk_ipv4_parse(&h, in->data, in->len) != 0 || !h.checksum_ok ||
      (h.frag & 0x3fff) != 0 || !is_own(r, 4, h.dst))
    return 0;
  ip_reply ip = reply_to(r, 4, h.src, h.dst, h.tos, ident);
  return answer_l4(r, w, &ip, h.proto, h.payload, h.payload_len);
}

static int answer_ns(const ztk_responder *r, const ztk_frame *in, ztk_wr *w, uint64_t *dst_mac)
{
  ztk_ndp_ns ns;
  static const uint8_t unspecified[16] = {0};
  static const uint8_t all_nodes[16] = {0xff, 0x02, [15] = 0x01};
  if ((in->dst_mac != r->mac && !ztk_mac_is_multicast(in->dst_mac)) ||
      ztk_ndp_parse_ns(&ns, in->data, in->len) != 0 || !is_own(r, 6, ns.target))
    return 0;
  if (memcmp(ns.src, unspecified, 16) == 0) { /* duplicate address detection: defend */
    *dst_mac = MAC_ALL_NODES;
    ztk_ndp_write_na(w, ns.target, all_nodes, ns.target, ZTK_NDP_NA_OVERRIDE, r->mac);
  } else {
    *dst_mac = ns.has_sll ? ns.sll_mac : in->src_mac;
    ztk_ndp_write_na(w, ns.target, ns.src, ns.target,
                     ZTK_NDP_NA_SOLICITED | ZTK_NDP_NA_OVERRIDE, r->mac);
  }
  return w->err ? w->err : (int)w->len;
}

static int answer_ipv6(const ztk_responder *r, const ztk_frame *in, uint32_t ident, ztk_wr *w,
                       uint64_t *dst_mac)
{
  ztk_ipv6 h;
  if (ztk_ipv6_parse(&h, in->data, in->len) != 0)
    return 0;
  if (h.next == ZTK_IPPROTO_ICMPV6 && h.payload_len > 0 &&
      ztk_frame_u8(h.payload, h.payload_len, 0) == ZTK_ICMP6_NEIGHBOR_SOLICIT)
    return answer_ns(r, in, w, dst_mac);
  if (in->dst_mac != r->mac || !is_own(r, 6, h.dst))
    return 0;
  ip_reply ip = reply_to(r, 6, h.src, h.dst, h.tclass, ident);
  return answer_l4(r, w, &ip, h.next, h.payload, h.payload_len);
}

static int answer_arp(const ztk_responder *r, const ztk_frame *in, ztk_wr *w, uint64_t *dst_mac)
{
  ztk_arp req, rep;
  if ((in->dst_mac != r->mac && !ztk_mac_is_broadcast(in->dst_mac)) ||
      ztk_arp_parse(&req, in->data, in->len) != 0 || req.op != ZTK_ARP_REQUEST ||
      !is_own(r, 4, req.tpa))
    return 0;
  rep.op = ZTK_ARP_REPLY;
  rep.sha = r->mac;
  memcpy(rep.spa, req.tpa, 4);
  rep.tha = req.sha;
  memcpy(rep.tpa, req.spa, 4);
  *dst_mac = req.sha;
  ztk_arp_write(w, &rep);
  return w->err ? w->err : (int)w->len;
}

int ztk_responder_reply(const ztk_responder *r, const ztk_frame *in, uint32_t ident, ztk_frame *out,
                        uint8_t *buf, size_t cap)
{
  if (!r || !in || !out || (!buf && cap) || (!in->data && in->len) || (!r->ips && r->n_ips))
    return ZTK_EINVAL;
  ztk_wr w = ztk_wr_make(buf, cap);
  uint64_t dst_mac = in->src_mac;
  int n = 0;
  if (in->ethertype == ZTK_ETHERTYPE_ARP)
    n = answer_arp(r, in, &w, &dst_mac);
  else if (in->ethertype == ZTK_ETHERTYPE_IPV4)
    n = answer_ipv4(r, in, ident, &w);
  else if (in->ethertype == ZTK_ETHERTYPE_IPV6)
    n = answer_ipv6(r, in, ident, &w, &dst_mac);
  if (n <= 0)
    return n;
  memset(out, 0, sizeof *out);
  out->dst_mac = dst_mac;
  out->src_mac = r->mac;
  out->ethertype = in->ethertype;
  out->vlan_id = in->vlan_id;
  out->data = buf;
  out->len = (size_t)n;
  return n;
}
