#include "sim/pcap.h"

#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>

#include "core/util/cursor.h"
#include "ztkit/error.h"

#define ETH_HDR 14
#define IP4_HDR 20
#define IP6_HDR 40
#define UDP_HDR 8
#define PROTO_UDP 17
#define FRAME_MAX (ETH_HDR + IP6_HDR + UDP_HDR + 65535)

struct ztk_pcap {
  pcap_t *dead;
  pcap_dumper_t *dump;
  ztk_pcap_kind kind;
  int64_t epoch_us;
  uint64_t count;
  uint8_t *frame; /* FRAME_MAX bytes (underlay writers only) */
};

int ztk_pcap_open(ztk_pcap **out, const char *path, ztk_pcap_kind kind, int64_t epoch_us)
{
  if (!out || !path || (kind != ZTK_PCAP_UNDERLAY && kind != ZTK_PCAP_ETHERNET))
    return ZTK_EINVAL;
  ztk_pcap *w = calloc(1, sizeof *w);
  if (!w)
    return ZTK_ENOMEM;
  w->kind = kind;
  w->epoch_us = epoch_us;
  if (kind == ZTK_PCAP_UNDERLAY && !(w->frame = malloc(FRAME_MAX))) {
    free(w);
    return ZTK_ENOMEM;
  }
  w->dead = pcap_open_dead(DLT_EN10MB, ZTK_PCAP_SNAPLEN);
  if (w->dead)
    w->dump = pcap_dump_open(w->dead, path);
  if (!w->dump) {
    ztk_pcap_close(w);
    return ZTK_EIO;
  }
  *out = w;
  return 0;
}

void ztk_pcap_close(ztk_pcap *w)
{
  if (!w)
    return;
  if (w->dump)
    pcap_dump_close(w->dump);
  if (w->dead)
    pcap_close(w->dead);
  free(w->frame);
  free(w);
}

uint64_t ztk_pcap_count(const ztk_pcap *w)
{
  return w->count;
}

void ztk_pcap_mac(uint32_t elem, uint8_t mac[6])
{
  mac[0] = 0x02;
  mac[1] = 0x7a;
  ztk_be_put(mac + 2, elem, 4);
}

/* Sum of the big-endian 16-bit words of data (an odd last byte is padded with zero). */
static uint64_t word_sum(const void *data, size_t len)
{
  ztk_rd r = ztk_rd_make(data, len);
  uint64_t sum = 0;
  while (ztk_rd_left(&r) >= 2)
    sum += ztk_rd_u16(&r);
  if (ztk_rd_left(&r))
    sum += (uint32_t)ztk_rd_u8(&r) << 8;
  return sum;
}

uint16_t ztk_pcap_csum(uint32_t partial, const void *data, size_t len)
{
  uint64_t sum = partial + word_sum(data, len);
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return (uint16_t)~sum;
}

static void record(ztk_pcap *w, int64_t t_us, const uint8_t *frame, size_t len)
{
  int64_t t = t_us + w->epoch_us;
  struct pcap_pkthdr h;
  memset(&h, 0, sizeof h);
  h.ts.tv_sec = (time_t)(t / 1000000);
  h.ts.tv_usec = (suseconds_t)(t % 1000000);
  h.len = (bpf_u_int32)len;
  h.caplen = (bpf_u_int32)(len > ZTK_PCAP_SNAPLEN ? ZTK_PCAP_SNAPLEN : len);
  pcap_dump((u_char *)w->dump, &h, frame);
  w->count++;
}

int ztk_pcap_frame(ztk_pcap *w, int64_t t_us, const void *frame, size_t len)
{
  if (w->kind != ZTK_PCAP_ETHERNET || !frame || len < ETH_HDR)
    return ZTK_EINVAL;
  record(w, t_us, frame, len);
  return 0;
}

/* The pseudo-header part of the UDP checksum, not yet complemented. */
static uint32_t pseudo_sum(const ztk_inaddr *src, const ztk_inaddr *dst, size_t udp_len)
{
  size_t n = src->family == 4 ? 4 : 16;
  uint64_t sum = word_sum(src->ip, n) + word_sum(dst->ip, n) + PROTO_UDP + (udp_len >> 16) +
                 (udp_len & 0xffff);
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return (uint32_t)sum;
}

static void write_ip(ztk_wr *w, const ztk_inaddr *src, const ztk_inaddr *dst, int ttl,
                     uint16_t ip_id, size_t udp_len)
{
  uint8_t hops = (uint8_t)(ttl > 0 && ttl < 256 ? ttl : 64);
  if (src->family == 4) {
    ztk_wr_u8(w, 0x45); /* version 4, 5 words */
    ztk_wr_u8(w, 0);
    ztk_wr_u16(w, (uint16_t)(IP4_HDR + udp_len));
    ztk_wr_u16(w, ip_id);
    ztk_wr_u16(w, 0); /* flags, fragment offset */
    ztk_wr_u8(w, hops);
    ztk_wr_u8(w, PROTO_UDP);
    ztk_wr_u16(w, 0); /* checksum, filled in below */
    ztk_wr_bytes(w, src->ip, 4);
    ztk_wr_bytes(w, dst->ip, 4);
  } else {
    ztk_wr_u32(w, 0x60000000u); /* version 6, no class, no flow label */
    ztk_wr_u16(w, (uint16_t)udp_len);
    ztk_wr_u8(w, PROTO_UDP);
    ztk_wr_u8(w, hops);
    ztk_wr_bytes(w, src->ip, 16);
    ztk_wr_bytes(w, dst->ip, 16);
  }
}

int ztk_pcap_udp(ztk_pcap *w, int64_t t_us, uint32_t src_elem, uint32_t dst_elem,
                 const ztk_inaddr *src, const ztk_inaddr *dst, int ttl, uint16_t ip_id,
                 const void *data, size_t len)
{
  if (w->kind != ZTK_PCAP_UNDERLAY || src->family != dst->family ||
      (src->family != 4 && src->family != 6) || (len && !data))
    return ZTK_EINVAL;
  size_t iph = src->family == 4 ? IP4_HDR : IP6_HDR, udp_len = UDP_HDR + len;
  if (udp_len + (src->family == 4 ? iph : 0) > 65535)
    return ZTK_ERANGE;
  uint8_t mac[6];
  ztk_wr c = ztk_wr_make(w->frame, FRAME_MAX);
  ztk_pcap_mac(dst_elem, mac);
  ztk_wr_bytes(&c, mac, 6);
  ztk_pcap_mac(src_elem, mac);
  ztk_wr_bytes(&c, mac, 6);
  ztk_wr_u16(&c, src->family == 4 ? 0x0800 : 0x86dd);
  write_ip(&c, src, dst, ttl, ip_id, udp_len);
  ztk_wr_u16(&c, src->port);
  ztk_wr_u16(&c, dst->port);
  ztk_wr_u16(&c, (uint16_t)udp_len);
  ztk_wr_u16(&c, 0);
  ztk_wr_bytes(&c, data, len);
  if (c.err)
    return ZTK_ERANGE;
  uint8_t *ip = w->frame + ETH_HDR, *udp = ip + iph;
  if (src->family == 4)
    ztk_be_put(ip + 10, ztk_pcap_csum(0, ip, IP4_HDR), 2);
  uint16_t uc = ztk_pcap_csum(pseudo_sum(src, dst, udp_len), udp, udp_len);
  ztk_be_put(udp + 6, uc ? uc : 0xffff, 2);
  record(w, t_us, w->frame, c.len);
  return 0;
}
