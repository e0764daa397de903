#include "core/network/ndp.h"

#include <string.h>

#include "core/network/addressing.h"
#include "core/network/mac.h"

#define NS_MIN_FRAME (ZTK_IPV6_HEADER_LEN + 8 + 16)
#define NDP_MAX_OPTIONS 64 /* options are >= 8 bytes; an IPv6 payload holds few of them */

void ztk_ndp_write_na(ztk_wr *w, const uint8_t src[16], const uint8_t dst[16],
                      const uint8_t target[16], uint32_t flags, uint64_t target_mac)
{
  ztk_ipv6 h;
  memset(&h, 0, sizeof h);
  h.next = ZTK_IPPROTO_ICMPV6;
  h.hop_limit = 255;
  memcpy(h.src, src, 16);
  memcpy(h.dst, dst, 16);
  ztk_ipv6_write(w, &h, ZTK_NDP_NA_LEN - ZTK_IPV6_HEADER_LEN);
  size_t start = w->len;
  ztk_wr_u8(w, ZTK_ICMP6_NEIGHBOR_ADVERT);
  ztk_wr_u8(w, 0);
  ztk_wr_u16(w, 0);
  ztk_wr_u32(w, flags);
  ztk_wr_bytes(w, target, 16);
  ztk_wr_u8(w, 2); /* target link-layer address */
  ztk_wr_u8(w, 1); /* length in units of 8 bytes */
  ztk_wr_uint(w, target_mac, 6);
  if (w->err)
    return;
  uint8_t *msg = w->p + start;
  ztk_be_put(msg + 2, ztk_csum_v6(src, dst, ZTK_IPPROTO_ICMPV6, msg, w->len - start, 2), 2);
}

/* If static IP a is one of nwid's rfc4193 /88 or 6plane /40 addresses and target shares its
 * prefix, returns true with *peer = the 5 bytes after the prefix (possibly 0). */
static bool prefix_match(const ztk_inaddr *a, uint64_t nwid, const uint8_t *target, uint64_t *peer)
{
  size_t prefix;
  if (a->family != 6)
    return false;
  if (a->port == ZTK_RFC4193_PREFIX_BITS && a->ip[0] == 0xfd && a->ip[9] == 0x99 &&
      a->ip[10] == 0x93)
    prefix = 11;
  else if (a->port == ZTK_6PLANE_PREFIX_BITS && a->ip[0] == 0xfc &&
           ztk_be_get(a->ip + 1, 4) == ztk_6plane_nwid32(nwid))
    prefix = 5;
  else
    return false;
  if (memcmp(target, a->ip, prefix) != 0)
    return false;
  *peer = ztk_be_get(target + prefix, 5);
  return true;
}

static bool is_emulated_ns(const ztk_frame *f)
{
  return ztk_mac_is_multicast(f->dst_mac) && !ztk_mac_is_broadcast(f->dst_mac) &&
         f->ethertype == ZTK_ETHERTYPE_IPV6 && f->len >= NS_MIN_FRAME &&
         ztk_frame_u8(f->data, f->len, 6) == ZTK_IPPROTO_ICMPV6 &&
         ztk_frame_u8(f->data, f->len, 40) == ZTK_ICMP6_NEIGHBOR_SOLICIT;
}

int ztk_ndp_emulate(const ztk_frame *f, uint64_t nwid, uint64_t self, const ztk_inaddr *static_ips,
                    size_t n_static_ips, ztk_ndp_reply *reply)
{
  if (!f || !reply || (!static_ips && n_static_ips) || (!f->data && f->len))
    return ZTK_EINVAL;
  if (!is_emulated_ns(f))
    return 0;
  const uint8_t *target = f->data + ZTK_IPV6_HEADER_LEN + 8;
  const ztk_inaddr *mine = NULL;
  uint64_t peer = 0;
  for (size_t i = 0; i < n_static_ips && !mine; i++)
    if (prefix_match(&static_ips[i], nwid, target, &peer))
      mine = &static_ips[i]; /* the first prefix match decides, even for address 0 */
  if (!mine || peer == 0 || peer == (self & 0xffffffffffULL))
    return 0;
  memset(reply, 0, sizeof *reply);
  reply->peer = peer;
  reply->src_mac = ztk_mac_from_address(peer, nwid);
  reply->dst_mac = f->src_mac;
  ztk_wr w = ztk_wr_make(reply->packet, sizeof reply->packet);
  ztk_ndp_write_na(&w, target, mine->ip, target, ZTK_NDP_NA_SOLICITED | ZTK_NDP_NA_OVERRIDE,
                   reply->src_mac);
  return w.err ? w.err : 1;
}

/* Walks the options after the NS target; keeps the source link-layer address. */
static int parse_ns_options(ztk_ndp_ns *ns, ztk_rd *r)
{
  for (unsigned n = 0; ztk_rd_left(r) > 0; n++) {
    if (n >= NDP_MAX_OPTIONS)
      return ZTK_EFORMAT;
    uint8_t type = ztk_rd_u8(r), units = ztk_rd_u8(r);
    if (r->err)
      return r->err;
    if (units == 0)
      return ZTK_EFORMAT;
    const uint8_t *body = ztk_rd_take(r, (size_t)units * 8 - 2);
    if (!body)
      return r->err;
    if (type == 1 && units == 1) {
      ns->has_sll = true;
      ns->sll_mac = ztk_be_get(body, 6);
    }
  }
  return 0;
}

int ztk_ndp_parse_ns(ztk_ndp_ns *ns, const uint8_t *pkt, size_t len)
{
  ztk_ipv6 h;
  ztk_icmp m;
  memset(ns, 0, sizeof *ns);
  int err = ztk_ipv6_parse(&h, pkt, len);
  if (err)
    return err;
  if (h.next != ZTK_IPPROTO_ICMPV6 || h.hop_limit != 255)
    return ZTK_EFORMAT;
  if ((err = ztk_icmp_parse(&m, h.payload, h.payload_len)) != 0)
    return err;
  if (m.type != ZTK_ICMP6_NEIGHBOR_SOLICIT || m.code != 0 || h.payload_len < 24)
    return ZTK_EFORMAT;
  if (ztk_csum_v6(h.src, h.dst, ZTK_IPPROTO_ICMPV6, h.payload, h.payload_len, 2) != m.checksum)
    return ZTK_EFORMAT;
  ztk_rd r = ztk_rd_make(m.body, m.body_len);
  ztk_rd_skip(&r, 4); /* reserved */
  ztk_rd_copy(&r, ns->target, 16);
  if (r.err)
    return r.err;
  if (ns->target[0] == 0xff)
    return ZTK_EFORMAT;
  memcpy(ns->src, h.src, 16);
  memcpy(ns->dst, h.dst, 16);
  return parse_ns_options(ns, &r);
}
