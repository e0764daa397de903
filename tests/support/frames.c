#include "tests/support/frames.h"

#include <string.h>

#include "core/network/ethframe.h"
#include "core/util/cursor.h"

void tf_log_add(tf_log *l, uint64_t nwid, uint64_t src, uint64_t dst, uint16_t ethertype,
                const void *data, size_t len)
{
  if (l->n == TF_MAX_FRAMES) {
    memmove(&l->f[0], &l->f[1], sizeof l->f[0] * (TF_MAX_FRAMES - 1));
    l->n--;
  }
  tf_frame *f = &l->f[l->n++];
  f->nwid = nwid;
  f->src_mac = src;
  f->dst_mac = dst;
  f->ethertype = ethertype;
  f->len = len < sizeof f->data ? len : sizeof f->data;
  memcpy(f->data, data, f->len);
  l->total++;
}

int tf_find(const tf_log *l, uint16_t ethertype, uint8_t proto)
{
  for (int i = l->n - 1; i >= 0; i--)
    if (l->f[i].ethertype == ethertype &&
        (!proto || (ethertype == 0x0800 && l->f[i].len > 9 && l->f[i].data[9] == proto)))
      return i;
  return -1;
}

size_t tf_arp_request(uint8_t *out, uint64_t sha, uint32_t spa, uint32_t tpa)
{
  ztk_arp a = {1, sha, {0}, 0, {0}};
  ztk_be_put(a.spa, spa, 4);
  ztk_be_put(a.tpa, tpa, 4);
  ztk_wr w = ztk_wr_make(out, 64);
  ztk_arp_write(&w, &a);
  return w.len;
}

static size_t ipv4(uint8_t *out, uint32_t src, uint32_t dst, uint8_t proto, const uint8_t *l4,
                   size_t l4len)
{
  ztk_ipv4 h;
  memset(&h, 0, sizeof h);
  h.ttl = 64;
  h.proto = proto;
  h.id = 0x1234;
  ztk_be_put(h.src, src, 4);
  ztk_be_put(h.dst, dst, 4);
  ztk_wr w = ztk_wr_make(out, 2048);
  ztk_ipv4_write(&w, &h, l4len);
  ztk_wr_bytes(&w, l4, l4len);
  return w.len;
}

size_t tf_icmp_echo(uint8_t *out, uint32_t src, uint32_t dst, uint16_t id, uint16_t seq)
{
  uint8_t icmp[8 + 32];
  memset(icmp, 0, sizeof icmp);
  icmp[0] = 8; /* echo request */
  ztk_be_put(icmp + 4, id, 2);
  ztk_be_put(icmp + 6, seq, 2);
  for (int i = 8; i < (int)sizeof icmp; i++)
    icmp[i] = (uint8_t)i;
  uint16_t c = ztk_csum_plain(icmp, sizeof icmp, 2);
  ztk_be_put(icmp + 2, c, 2);
  return ipv4(out, src, dst, 1, icmp, sizeof icmp);
}

size_t tf_udp(uint8_t *out, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
              const void *payload, size_t len)
{
  uint8_t seg[1600];
  uint8_t s[4], d[4];
  ztk_be_put(seg, sport, 2);
  ztk_be_put(seg + 2, dport, 2);
  ztk_be_put(seg + 4, 8 + len, 2);
  ztk_be_put(seg + 6, 0, 2);
  memcpy(seg + 8, payload, len);
  ztk_be_put(s, src, 4);
  ztk_be_put(d, dst, 4);
  uint16_t c = ztk_csum_v4(s, d, 17, seg, 8 + len, 6);
  ztk_be_put(seg + 6, c ? c : 0xffff, 2);
  return ipv4(out, src, dst, 17, seg, 8 + len);
}
