/* Pings: ICMP / ICMPv6 echo requests from a host to an address on one of its networks. Stack
 * hosts use an lwIP ping socket; core-only hosts get the frames built here (ARP first for
 * IPv4, with a small per-host cache), sent through their node like any interface's frames, and
 * their node's replies are picked out of the frames it hands to the host. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/network/addressing.h"
#include "core/network/ethframe.h"
#include "core/network/mac.h"
#include "sim/world.h"
#include "stack/socket.h"
#include "ztkit/error.h"

#define PAYLOAD 56
#define ARP_CACHE 64
#define BROADCAST_MAC 0xffffffffffffull

typedef struct ztk_sim_pingrec {
  uint32_t host;
  ztk_inaddr to, from;  /* from: the source address (core-only) */
  uint64_t nwid, dst_mac;
  int64_t asked_us;     /* ztk_sim_ping was called (an ARP exchange counts in the rtt) */
  uint16_t seq;
  bool answered, waiting_arp;
  int64_t rtt_us;
  uint8_t ttl;
} ztk_sim_pingrec;

typedef struct arp_entry {
  uint64_t nwid, mac;
  uint32_t ip;
} arp_entry;

struct ztk_sim_pinger {
  arp_entry arp[ARP_CACHE];
  uint32_t narp, next_arp; /* filled, next slot to replace */
};

static uint16_t ident_of(uint32_t host) { return (uint16_t)(0x5a00u ^ host); }

/* ---- records ---- */

static int rec_new(ztk_sim *s, ztk_sim_pingrec **out)
{
  if (s->npings == ZTK_SIM_MAX_PINGS)
    return ZTK_ELIMIT;
  if (s->npings == s->pings_cap) {
    uint32_t cap = s->pings_cap ? s->pings_cap * 2 : 64;
    ztk_sim_pingrec *p = realloc(s->pings, cap * sizeof *p);
    if (!p)
      return ZTK_ENOMEM;
    s->pings = p;
    s->pings_cap = cap;
  }
  *out = &s->pings[s->npings];
  memset(*out, 0, sizeof **out);
  (*out)->seq = (uint16_t)s->npings;
  (*out)->rtt_us = -1;
  return (int)s->npings++;
}

void ztk_sim_ping_free_all(ztk_sim *s)
{
  free(s->pings);
  s->pings = NULL;
  s->npings = s->pings_cap = 0;
}

void ztk_sim_ping_stop(ztk_sim_host *h)
{
  free(h->pg);
  h->pg = NULL;
}

/* The newest unanswered request of host with this sequence number and family. */
static ztk_sim_pingrec *find(ztk_sim *s, uint32_t host, uint16_t seq, int family)
{
  for (uint32_t i = s->npings, n = 0; i > 0 && n < 65536; i--, n++) {
    ztk_sim_pingrec *p = &s->pings[i - 1];
    if (p->host == host && p->seq == seq && p->to.family == family && !p->answered &&
        !p->waiting_arp)
      return p;
  }
  return NULL;
}

static void answered(ztk_sim *s, ztk_sim_pingrec *p, uint8_t ttl)
{
  p->answered = true;
  p->ttl = ttl;
  p->rtt_us = ztk_evq_now_us(s->q) - p->asked_us;
  ztk_trace_printf(s->trace, ztk_evq_now_us(s->q), "ping h=%" PRIu32 " seq=%u rtt_us=%" PRId64,
                   p->host, p->seq, p->rtt_us);
}

/* ---- stack hosts ---- */

void ztk_sim_ping_sock_ready(ztk_sim_host *h, ztk_sock *sock)
{
  ztk_ping_reply r;
  for (int i = 0; i < 4096 && ztk_sock_ping_recv(sock, &r) == 0; i++) {
    ztk_sim_pingrec *p = find(h->s, h->idx, r.seq, r.from.family);
    if (p && ztk_inaddr_ip_eq(&p->to, &r.from))
      answered(h->s, p, r.ttl);
  }
}

static int ping_stack(ztk_sim_host *h, ztk_sim_pingrec *p)
{
  int err;
  ztk_sim_stack_enter(h->s);
  ztk_sock *sock = ztk_sim_stack_ping_sock(h, p->to.family, &err);
  if (sock)
    err = ztk_sock_ping_send(sock, &p->to, p->seq, PAYLOAD);
  ztk_sim_stack_leave(h->s);
  return err;
}

/* ---- core-only hosts: frames ---- */

/* The network of h whose managed address of to's family covers to: its id, our address on it,
 * our MAC. Returns 0 or ZTK_ESOCK_NETUNREACH. */
static int route(ztk_sim_host *h, const ztk_inaddr *to, uint64_t *nwid, ztk_inaddr *from,
                 uint64_t *mac)
{
  ztk_nwid ids[ZTK_SIM_HOST_NETWORKS];
  ztk_network_info info;
  int n = ztk_node_networks(h->node, ids, ZTK_SIM_HOST_NETWORKS);
  for (int i = 0; i < n && i < ZTK_SIM_HOST_NETWORKS; i++) {
    if (ztk_node_network(h->node, ids[i], &info) || !info.revision)
      continue;
    for (int k = 0; k < info.addr_count; k++) {
      ztk_inaddr a;
      if (ztk_inaddr_from_sockaddr(&a, (const struct sockaddr *)&info.addrs[k]) ||
          a.family != to->family || !ztk_inaddr_in_network(to, &a))
        continue;
      *nwid = ids[i];
      *from = a;
      *mac = info.mac;
      return 0;
    }
  }
  return ZTK_ESOCK_NETUNREACH;
}

/* The 64-byte ICMP / ICMPv6 echo request of p (checksum filled in). */
static void build_icmp(const ztk_sim_pingrec *p, uint16_t id, uint8_t icmp[8 + PAYLOAD])
{
  ztk_wr w = ztk_wr_make(icmp, 8 + PAYLOAD);
  ztk_wr_u8(&w, p->to.family == 4 ? ZTK_ICMP_ECHO_REQUEST : ZTK_ICMP6_ECHO_REQUEST);
  ztk_wr_u8(&w, 0);
  ztk_wr_u16(&w, 0); /* checksum, below */
  ztk_wr_u16(&w, id);
  ztk_wr_u16(&w, p->seq);
  for (int i = 0; i < PAYLOAD; i++)
    ztk_wr_u8(&w, (uint8_t)(0x20 + i));
  uint16_t c = p->to.family == 4
                   ? ztk_csum_plain(icmp, 8 + PAYLOAD, 2)
                   : ztk_csum_v6(p->from.ip, p->to.ip, ZTK_IPPROTO_ICMPV6, icmp, 8 + PAYLOAD, 2);
  ztk_wr cw = ztk_wr_make(icmp + 2, 2);
  ztk_wr_u16(&cw, c);
}

static void send_echo(ztk_sim_host *h, ztk_sim_pingrec *p, uint64_t src_mac)
{
  uint8_t buf[128], icmp[8 + PAYLOAD];
  ztk_wr w = ztk_wr_make(buf, sizeof buf);
  build_icmp(p, ident_of(h->idx), icmp);
  if (p->to.family == 4) {
    ztk_ipv4 ip = {.id = p->seq, .ttl = 64, .proto = ZTK_IPPROTO_ICMP};
    memcpy(ip.src, p->from.ip, 4);
    memcpy(ip.dst, p->to.ip, 4);
    ztk_ipv4_write(&w, &ip, sizeof icmp);
  } else {
    ztk_ipv6 ip = {.next = ZTK_IPPROTO_ICMPV6, .hop_limit = 64};
    memcpy(ip.src, p->from.ip, 16);
    memcpy(ip.dst, p->to.ip, 16);
    ztk_ipv6_write(&w, &ip, sizeof icmp);
  }
  ztk_wr_bytes(&w, icmp, sizeof icmp);
  if (w.err)
    return;
  p->waiting_arp = false;
  ztk_sim_net_frame_out(h, p->nwid, src_mac, p->dst_mac,
                        p->to.family == 4 ? ZTK_ETHERTYPE_IPV4 : ZTK_ETHERTYPE_IPV6, buf, w.len);
}

static void send_arp(ztk_sim_host *h, const ztk_sim_pingrec *p, uint64_t src_mac)
{
  uint8_t buf[ZTK_ARP_LEN];
  ztk_wr w = ztk_wr_make(buf, sizeof buf);
  ztk_arp a = {.op = ZTK_ARP_REQUEST, .sha = src_mac, .tha = 0};
  memcpy(a.spa, p->from.ip, 4);
  memcpy(a.tpa, p->to.ip, 4);
  ztk_arp_write(&w, &a);
  if (!w.err)
    ztk_sim_net_frame_out(h, p->nwid, src_mac, BROADCAST_MAC, ZTK_ETHERTYPE_ARP, buf, w.len);
}

static arp_entry *arp_find(struct ztk_sim_pinger *pg, uint64_t nwid, uint32_t ip)
{
  for (uint32_t i = 0; i < pg->narp; i++)
    if (pg->arp[i].nwid == nwid && pg->arp[i].ip == ip)
      return &pg->arp[i];
  return NULL;
}

/* The MAC of an rfc4193 (fd, nwid, 99 93, address) or 6plane (fc, nwid32, address) address of
 * nwid, or 0. */
static uint64_t v6_mac(const ztk_inaddr *to, uint64_t nwid)
{
  ztk_rd r = ztk_rd_make(to->ip, 16);
  uint8_t kind = ztk_rd_u8(&r);
  uint64_t addr;
  if (kind == 0xfd && ztk_rd_u64(&r) == nwid && ztk_rd_u16(&r) == 0x9993)
    addr = ztk_rd_u40(&r);
  else if (kind == 0xfc && ztk_rd_u32(&r) == ztk_6plane_nwid32(nwid))
    addr = ztk_rd_u40(&r);
  else
    return 0;
  return r.err ? 0 : ztk_mac_from_address(addr, nwid);
}

static int ping_core(ztk_sim_host *h, ztk_sim_pingrec *p)
{
  uint64_t src_mac;
  int rc = route(h, &p->to, &p->nwid, &p->from, &src_mac);
  if (rc)
    return rc;
  if (!h->pg && !(h->pg = calloc(1, sizeof *h->pg)))
    return ZTK_ENOMEM;
  if (p->to.family == 6) {
    if (!(p->dst_mac = v6_mac(&p->to, p->nwid)))
      return ZTK_EUNSUPPORTED;
    send_echo(h, p, src_mac);
    return 0;
  }
  const arp_entry *e = arp_find(h->pg, p->nwid, ztk_inaddr_v4_u32(&p->to));
  if (e) {
    p->dst_mac = e->mac;
    send_echo(h, p, src_mac);
  } else {
    p->waiting_arp = true;
    send_arp(h, p, src_mac);
  }
  return 0;
}

int ztk_sim_ping(ztk_sim *s, uint32_t host, const char *ip)
{
  ztk_sim_host *h = ztk_sim_host_get(s, host);
  ztk_inaddr to;
  ztk_sim_pingrec *p;
  if (!h || !ip || ztk_inaddr_parse(&to, ip) || to.port)
    return ZTK_EINVAL;
  if (!h->node)
    return ZTK_ESTATE;
  int id = rec_new(s, &p);
  if (id < 0)
    return id;
  p->host = host;
  p->to = to;
  p->asked_us = ztk_evq_now_us(s->q);
  int rc = h->st ? ping_stack(h, p) : ping_core(h, p);
  if (rc) {
    s->npings--; /* never sent: the id is not handed out */
    return rc;
  }
  return id;
}

/* ---- core-only hosts: replies ---- */

static void arp_learn(ztk_sim_host *h, uint64_t nwid, const ztk_arp *a)
{
  struct ztk_sim_pinger *pg = h->pg;
  ztk_rd r = ztk_rd_make(a->spa, 4);
  uint32_t ip = ztk_rd_u32(&r);
  arp_entry *e = arp_find(pg, nwid, ip);
  if (!e) {
    e = &pg->arp[pg->narp < ARP_CACHE ? pg->narp++ : pg->next_arp++ % ARP_CACHE];
    e->nwid = nwid;
    e->ip = ip;
  }
  e->mac = a->sha;
  ztk_sim_work_soon(h); /* pings waiting for it go out from the work event */
}

static void echo_reply(ztk_sim_host *h, int family, const uint8_t *pkt, size_t len, uint8_t ttl,
                       const uint8_t *src)
{
  ztk_rd r = ztk_rd_make(pkt, len);
  uint8_t type = ztk_rd_u8(&r);
  ztk_rd_skip(&r, 3); /* code, checksum (the node checked what it delivers) */
  uint16_t id = ztk_rd_u16(&r), seq = ztk_rd_u16(&r);
  if (r.err || type != (family == 4 ? ZTK_ICMP_ECHO_REPLY : ZTK_ICMP6_ECHO_REPLY) ||
      id != ident_of(h->idx))
    return;
  ztk_sim_pingrec *p = find(h->s, h->idx, seq, family);
  if (p && !memcmp(p->to.ip, src, family == 4 ? 4 : 16))
    answered(h->s, p, ttl);
}

void ztk_sim_ping_frame(ztk_sim_host *h, uint64_t nwid, uint64_t src, uint64_t dst,
                        uint16_t ethertype, const uint8_t *data, size_t len)
{
  (void)src;
  if (!h->pg) /* this host never pinged */
    return;
  ztk_ipv4 v4;
  ztk_ipv6 v6;
  ztk_arp a;
  if (ethertype == ZTK_ETHERTYPE_ARP && ztk_arp_parse(&a, data, len) == 0 &&
      a.op == ZTK_ARP_REPLY)
    arp_learn(h, nwid, &a);
  else if (ethertype == ZTK_ETHERTYPE_IPV4 && !ztk_mac_is_multicast(dst) &&
           ztk_ipv4_parse(&v4, data, len) == 0 && v4.proto == ZTK_IPPROTO_ICMP)
    echo_reply(h, 4, v4.payload, v4.payload_len, v4.ttl, v4.src);
  else if (ethertype == ZTK_ETHERTYPE_IPV6 && ztk_ipv6_parse(&v6, data, len) == 0 &&
           v6.next == ZTK_IPPROTO_ICMPV6)
    echo_reply(h, 6, v6.payload, v6.payload_len, v6.hop_limit, v6.src);
}

void ztk_sim_ping_work(ztk_sim_host *h)
{
  ztk_sim *s = h->s;
  if (!h->pg)
    return;
  for (uint32_t i = s->npings, n = 0; i > 0 && n < 65536; i--, n++) {
    ztk_sim_pingrec *p = &s->pings[i - 1];
    if (p->host != h->idx || !p->waiting_arp)
      continue;
    const arp_entry *e = arp_find(h->pg, p->nwid, ztk_inaddr_v4_u32(&p->to));
    uint64_t src_mac;
    ztk_inaddr from;
    uint64_t nwid;
    if (!e || route(h, &p->to, &nwid, &from, &src_mac))
      continue;
    p->dst_mac = e->mac;
    send_echo(h, p, src_mac);
  }
}

int ztk_sim_ping_result(const ztk_sim *s, int id, ztk_sim_ping_info *out)
{
  if (!s || id < 0 || (uint32_t)id >= s->npings || !out)
    return s && out ? ZTK_ENOTFOUND : ZTK_EINVAL;
  const ztk_sim_pingrec *p = &s->pings[id];
  memset(out, 0, sizeof *out);
  out->host = p->host;
  char text[ZTK_INADDR_STRLEN];
  ztk_inaddr_format_ip(&p->to, text);
  memcpy(out->to, text, ZTK_SIM_TEXT);
  out->sent_ms = p->asked_us / 1000;
  out->answered = p->answered;
  out->rtt_us = p->rtt_us;
  out->ttl = p->ttl;
  return p->answered ? 1 : 0;
}
