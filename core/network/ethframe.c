#include "core/network/ethframe.h"

#include <string.h>

int ztk_frame_parse_ethernet(ztk_frame *f, const uint8_t *eth, size_t len)
{
  ztk_rd r = ztk_rd_make(eth, len);
  memset(f, 0, sizeof *f);
  f->dst_mac = ztk_rd_uint(&r, 6);
  f->src_mac = ztk_rd_uint(&r, 6);
  f->ethertype = ztk_rd_u16(&r);
  if (f->ethertype == ZTK_ETHERTYPE_VLAN) {
    f->vlan_id = ztk_rd_u16(&r) & 0x0fff;
    f->ethertype = ztk_rd_u16(&r);
  }
  if (r.err)
    return r.err;
  f->data = eth + r.off;
  f->len = len - r.off;
  return 0;
}

void ztk_frame_write_ethernet(ztk_wr *w, const ztk_frame *f)
{
  ztk_wr_uint(w, f->dst_mac, 6);
  ztk_wr_uint(w, f->src_mac, 6);
  if (f->vlan_id != 0) {
    ztk_wr_u16(w, ZTK_ETHERTYPE_VLAN);
    ztk_wr_u16(w, f->vlan_id & 0x0fff);
  }
  ztk_wr_u16(w, f->ethertype);
  ztk_wr_bytes(w, f->data, f->len);
}

int ztk_frame_u8(const uint8_t *p, size_t len, size_t off)
{
  ztk_rd r = ztk_rd_make(p, len);
  ztk_rd_skip(&r, off);
  return ztk_rd_peek(&r, 0);
}

int32_t ztk_frame_u16(const uint8_t *p, size_t len, size_t off)
{
  ztk_rd r = ztk_rd_make(p, len);
  ztk_rd_skip(&r, off);
  uint16_t v = ztk_rd_u16(&r);
  return r.err ? -1 : (int32_t)v;
}

uint32_t ztk_csum_add(uint32_t acc, const uint8_t *p, size_t n)
{
  uint64_t sum = acc;
  size_t i = 0;
  for (; i + 1 < n; i += 2)
    sum += ztk_be_get(p + i, 2);
  if (i < n)
    sum += ztk_be_get(p + i, 1) << 8;
  while (sum >> 32)
    sum = (sum & 0xffffffffu) + (sum >> 32);
  return (uint32_t)sum;
}

uint16_t ztk_csum_fold(uint32_t acc)
{
  while (acc >> 16)
    acc = (acc & 0xffff) + (acc >> 16);
  return (uint16_t)~acc;
}

/* Sums seg except its 2-byte checksum field (csum_off is even, so words stay aligned). */
static uint32_t sum_without_field(uint32_t acc, const uint8_t *seg, size_t len, size_t csum_off)
{
  if (csum_off + 2 > len)
    return ztk_csum_add(acc, seg, len);
  acc = ztk_csum_add(acc, seg, csum_off);
  return ztk_csum_add(acc, seg + csum_off + 2, len - csum_off - 2);
}

uint16_t ztk_csum_plain(const uint8_t *seg, size_t len, size_t csum_off)
{
  return ztk_csum_fold(sum_without_field(0, seg, len, csum_off));
}

uint16_t ztk_csum_v4(const uint8_t src[4], const uint8_t dst[4], uint8_t proto, const uint8_t *seg,
                     size_t len, size_t csum_off)
{
  uint32_t acc = ztk_csum_add(0, src, 4);
  acc = ztk_csum_add(acc, dst, 4);
  acc += proto;
  acc += (uint32_t)(len & 0xffff);
  return ztk_csum_fold(sum_without_field(acc, seg, len, csum_off));
}

uint16_t ztk_csum_v6(const uint8_t src[16], const uint8_t dst[16], uint8_t proto,
                     const uint8_t *seg, size_t len, size_t csum_off)
{
  uint32_t acc = ztk_csum_add(0, src, 16);
  acc = ztk_csum_add(acc, dst, 16);
  acc += (uint32_t)(len >> 16) & 0xffff;
  acc += (uint32_t)len & 0xffff;
  acc += proto;
  return ztk_csum_fold(sum_without_field(acc, seg, len, csum_off));
}

int ztk_arp_parse(ztk_arp *a, const uint8_t *p, size_t len)
{
  ztk_rd r = ztk_rd_make(p, len);
  memset(a, 0, sizeof *a);
  uint16_t htype = ztk_rd_u16(&r), ptype = ztk_rd_u16(&r);
  uint8_t hlen = ztk_rd_u8(&r), plen = ztk_rd_u8(&r);
  a->op = ztk_rd_u16(&r);
  a->sha = ztk_rd_uint(&r, 6);
  ztk_rd_copy(&r, a->spa, 4);
  a->tha = ztk_rd_uint(&r, 6);
  ztk_rd_copy(&r, a->tpa, 4);
  if (r.err)
    return r.err;
  if (htype != 1 || ptype != ZTK_ETHERTYPE_IPV4 || hlen != 6 || plen != 4)
    return ZTK_EUNSUPPORTED;
  return 0;
}

void ztk_arp_write(ztk_wr *w, const ztk_arp *a)
{
  ztk_wr_u16(w, 1);
  ztk_wr_u16(w, ZTK_ETHERTYPE_IPV4);
  ztk_wr_u8(w, 6);
  ztk_wr_u8(w, 4);
  ztk_wr_u16(w, a->op);
  ztk_wr_uint(w, a->sha, 6);
  ztk_wr_bytes(w, a->spa, 4);
  ztk_wr_uint(w, a->tha, 6);
  ztk_wr_bytes(w, a->tpa, 4);
}

bool ztk_arp_zt_request_target(const uint8_t *p, size_t len, uint32_t *target_ip)
{
  if (len < ZTK_ARP_LEN)
    return false;
  if (ztk_frame_u16(p, len, 2) != ZTK_ETHERTYPE_IPV4 || ztk_frame_u8(p, len, 4) != 6 ||
      ztk_frame_u8(p, len, 5) != 4 || ztk_frame_u8(p, len, 7) != ZTK_ARP_REQUEST)
    return false;
  *target_ip = (uint32_t)ztk_be_get(p + 24, 4);
  return true;
}

int ztk_ipv4_parse(ztk_ipv4 *h, const uint8_t *p, size_t len)
{
  ztk_rd r = ztk_rd_make(p, len);
  memset(h, 0, sizeof *h);
  uint8_t vihl = ztk_rd_u8(&r);
  h->tos = ztk_rd_u8(&r);
  uint16_t total = ztk_rd_u16(&r);
  h->id = ztk_rd_u16(&r);
  h->frag = ztk_rd_u16(&r);
  h->ttl = ztk_rd_u8(&r);
  h->proto = ztk_rd_u8(&r);
  uint16_t csum = ztk_rd_u16(&r);
  ztk_rd_copy(&r, h->src, 4);
  ztk_rd_copy(&r, h->dst, 4);
  if (r.err)
    return r.err;
  h->header_len = (size_t)(vihl & 0x0f) * 4;
  if ((vihl >> 4) != 4 || h->header_len < ZTK_IPV4_HEADER_LEN || total < h->header_len)
    return ZTK_EFORMAT;
  if (total > len || h->header_len > len)
    return ZTK_ETRUNC;
  h->checksum_ok = ztk_csum_plain(p, h->header_len, 10) == csum;
  h->payload = p + h->header_len;
  h->payload_len = total - h->header_len;
  return 0;
}

void ztk_ipv4_write(ztk_wr *w, const ztk_ipv4 *h, size_t payload_len)
{
  uint8_t *hdr = ztk_wr_reserve(w, ZTK_IPV4_HEADER_LEN);
  if (!hdr)
    return;
  ztk_wr sub = ztk_wr_make(hdr, ZTK_IPV4_HEADER_LEN);
  ztk_wr_u8(&sub, 0x45);
  ztk_wr_u8(&sub, h->tos);
  ztk_wr_u16(&sub, (uint16_t)(ZTK_IPV4_HEADER_LEN + payload_len));
  ztk_wr_u16(&sub, h->id);
  ztk_wr_u16(&sub, h->frag);
  ztk_wr_u8(&sub, h->ttl);
  ztk_wr_u8(&sub, h->proto);
  ztk_wr_u16(&sub, 0);
  ztk_wr_bytes(&sub, h->src, 4);
  ztk_wr_bytes(&sub, h->dst, 4);
  ztk_be_put(hdr + 10, ztk_csum_plain(hdr, ZTK_IPV4_HEADER_LEN, 10), 2);
}

int ztk_ipv6_parse(ztk_ipv6 *h, const uint8_t *p, size_t len)
{
  ztk_rd r = ztk_rd_make(p, len);
  memset(h, 0, sizeof *h);
  uint32_t first = ztk_rd_u32(&r);
  uint16_t plen = ztk_rd_u16(&r);
  h->next = ztk_rd_u8(&r);
  h->hop_limit = ztk_rd_u8(&r);
  ztk_rd_copy(&r, h->src, 16);
  ztk_rd_copy(&r, h->dst, 16);
  if (r.err)
    return r.err;
  if ((first >> 28) != 6)
    return ZTK_EFORMAT;
  if (plen > len - ZTK_IPV6_HEADER_LEN)
    return ZTK_ETRUNC;
  h->tclass = (uint8_t)(first >> 20);
  h->flow = first & 0xfffff;
  h->payload = p + ZTK_IPV6_HEADER_LEN;
  h->payload_len = plen;
  return 0;
}

void ztk_ipv6_write(ztk_wr *w, const ztk_ipv6 *h, size_t payload_len)
{
  ztk_wr_u32(w, (6u << 28) | ((uint32_t)h->tclass << 20) | (h->flow & 0xfffff));
  ztk_wr_u16(w, (uint16_t)payload_len);
  ztk_wr_u8(w, h->next);
  ztk_wr_u8(w, h->hop_limit);
  ztk_wr_bytes(w, h->src, 16);
  ztk_wr_bytes(w, h->dst, 16);
}

/* Extension headers 1.14.1 steps over: hop-by-hop, routing, destination options, mobility. */
static bool ipv6_is_skipped_header(unsigned proto)
{
  return proto == 0 || proto == 43 || proto == 60 || proto == 135;
}

bool ztk_ipv6_upper_layer(const uint8_t *p, size_t len, size_t *off, uint8_t *proto)
{
  if (len < ZTK_IPV6_HEADER_LEN)
    return false;
  size_t pos = ZTK_IPV6_HEADER_LEN;
  int next = ztk_frame_u8(p, len, 6);
  /* every step advances >= 8 bytes, so the loop ends within len/8 iterations */
  while (pos <= len) {
    if (!ipv6_is_skipped_header((unsigned)next)) {
      *off = pos;
      *proto = (uint8_t)next;
      return true;
    }
    if (pos + 8 > len)
      return false;
    int hlen = ztk_frame_u8(p, len, pos + 1);
    next = ztk_frame_u8(p, len, pos);
    pos += (size_t)hlen * 8 + 8;
  }
  return false;
}

int ztk_icmp_parse(ztk_icmp *m, const uint8_t *p, size_t len)
{
  ztk_rd r = ztk_rd_make(p, len);
  memset(m, 0, sizeof *m);
  m->type = ztk_rd_u8(&r);
  m->code = ztk_rd_u8(&r);
  m->checksum = ztk_rd_u16(&r);
  if (r.err)
    return r.err;
  m->body = p + ZTK_ICMP_HEADER_LEN;
  m->body_len = len - ZTK_ICMP_HEADER_LEN;
  return 0;
}

int ztk_udp_parse(ztk_udp *u, const uint8_t *p, size_t len)
{
  ztk_rd r = ztk_rd_make(p, len);
  memset(u, 0, sizeof *u);
  u->sport = ztk_rd_u16(&r);
  u->dport = ztk_rd_u16(&r);
  uint16_t ulen = ztk_rd_u16(&r);
  u->checksum = ztk_rd_u16(&r);
  if (r.err)
    return r.err;
  if (ulen < ZTK_UDP_HEADER_LEN)
    return ZTK_EFORMAT;
  if (ulen > len)
    return ZTK_ETRUNC;
  u->payload = p + ZTK_UDP_HEADER_LEN;
  u->payload_len = ulen - ZTK_UDP_HEADER_LEN;
  return 0;
}
