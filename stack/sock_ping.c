/* ICMP / ICMPv6 sockets: one raw pcb per netif used (bound to it).
 * Echo ("ping") sockets: replies matched by the socket's identifier. The first 8 payload
 * bytes carry the send time, so a reply gives its round-trip time without per-request state.
 * Raw sockets (as lwIP's, which libzt offers): the application writes the ICMP message (IPv4:
 * checksum included; ICMPv6: lwIP fills it in) and reads every ICMP packet of its family the
 * netifs receive, IP header included; the stack still handles them itself. */
#include <stdlib.h>
#include <string.h>

#include "lwip/inet_chksum.h"
#include "lwip/ip.h"
#include "lwip/raw.h"

#include "stack/env.h"
#include "stack/lwaddr.h"
#include "stack/netif_impl.h"
#include "stack/sock_err.h"
#include "stack/socket_impl.h"
#include "ztkit/error.h"

#define ICMP4_ECHO 8
#define ICMP4_ECHO_REPLY 0
#define ICMP6_ECHO 128
#define ICMP6_ECHO_REPLY 129
#define ICMP_HDR 8

static uint64_t be_get(const uint8_t *b, int n)
{
  uint64_t v = 0;
  for (int i = 0; i < n; i++)
    v = (v << 8) | b[i];
  return v;
}

static u8_t ping_on_recv(void *arg, struct raw_pcb *pcb, struct pbuf *p, const ip_addr_t *addr)
{
  ztk_sock *s = arg;
  uint8_t ip[40], icmp[ICMP_HDR + 8];
  (void)pcb;
  if (pbuf_copy_partial(p, ip, 1, 0) != 1)
    return 0;
  bool v6 = (ip[0] >> 4) == 6;
  u16_t hlen = v6 ? (u16_t)ip_current_header_tot_len() : (u16_t)((ip[0] & 0x0f) * 4);
  u16_t hdr_copy = v6 ? 40 : 20;
  if (p->tot_len < hlen + ICMP_HDR || pbuf_copy_partial(p, ip, hdr_copy, 0) != hdr_copy)
    return 0;
  u16_t got = pbuf_copy_partial(p, icmp, sizeof icmp, hlen);
  if (icmp[0] != (v6 ? ICMP6_ECHO_REPLY : ICMP4_ECHO_REPLY) || be_get(icmp + 4, 2) != s->ident)
    return 0; /* not ours: let lwIP and other sockets see it */
  ztk_sock_dgram *d = calloc(1, sizeof *d);
  if (d != NULL) {
    ztk_lwaddr_to(&d->from, addr, 0);
    d->seq = (uint16_t)be_get(icmp + 6, 2);
    d->ttl = v6 ? ip[7] : ip[8];
    d->len = (size_t)(p->tot_len - hlen - ICMP_HDR);
    d->rtt_ms = got == sizeof icmp ? ztk_stack_now() - (int64_t)be_get(icmp + ICMP_HDR, 8) : -1;
    if (ztk_sock_dq_push(s, d))
      ztk_sock_notify(s);
  } else {
    s->dq_drops++;
  }
  pbuf_free(p);
  return 1;
}

static u8_t raw_on_recv(void *arg, struct raw_pcb *pcb, struct pbuf *p, const ip_addr_t *addr)
{
  ztk_sock *s = arg;
  (void)pcb;
  ztk_sock_dgram *d = malloc(sizeof *d + p->tot_len);
  if (d == NULL) {
    s->dq_drops++;
    return 0;
  }
  memset(d, 0, sizeof *d);
  ztk_lwaddr_to(&d->from, addr, 0);
  d->len = pbuf_copy_partial(p, d->data, p->tot_len, 0);
  if (ztk_sock_dq_push(s, d))
    ztk_sock_notify(s);
  return 0; /* not eaten: lwIP answers echo requests, other sockets see it too */
}

static int icmp_attach(ztk_sock *s, struct ztk_stack_netif *n, ztk_sock_att **out)
{
  bool v6 = s->family == 6;
  struct raw_pcb *pcb =
      raw_new_ip_type(v6 ? IPADDR_TYPE_V6 : IPADDR_TYPE_V4, v6 ? IP6_NEXTH_ICMP6 : IP_PROTO_ICMP);
  if (pcb == NULL)
    return ZTK_ENOMEM;
  raw_bind_netif(pcb, &n->lw);
  if (v6) {
    pcb->chksum_reqd = 1; /* lwIP adds the ICMPv6 pseudo-header checksum */
    pcb->chksum_offset = 2;
  }
  int rc = ztk_sock_att_add(s, n, pcb);
  if (rc != 0) {
    raw_remove(pcb);
    return rc;
  }
  raw_recv(pcb, s->type == ZTK_SOCK_RAW ? raw_on_recv : ping_on_recv, s);
  ztk_dgram_apply_options(s);
  *out = ztk_sock_att_find(s, n);
  return 0;
}

/* The echo request: header, send time, then a byte pattern. */
static void ping_fill(const ztk_sock *s, uint8_t *b, size_t len, uint16_t seq)
{
  uint64_t now = (uint64_t)ztk_stack_now();
  memset(b, 0, ICMP_HDR);
  b[0] = s->family == 6 ? ICMP6_ECHO : ICMP4_ECHO;
  b[4] = (uint8_t)(s->ident >> 8);
  b[5] = (uint8_t)s->ident;
  b[6] = (uint8_t)(seq >> 8);
  b[7] = (uint8_t)seq;
  for (int i = 0; i < 8; i++)
    b[ICMP_HDR + i] = (uint8_t)(now >> (56 - 8 * i));
  for (size_t i = ICMP_HDR + 8; i < len; i++)
    b[i] = (uint8_t)i;
  if (s->family == 4) {
    u16_t ck = inet_chksum(b, (u16_t)len);
    memcpy(b + 2, &ck, 2);
  }
}

/* The raw pcb s sends to `to` with (attached on first use) and `to` in lwIP's form. Returns 0
 * or ZTK_ESOCK_NETUNREACH, ZTK_ENOMEM. */
static int icmp_route(ztk_sock *s, const ztk_inaddr *to, struct raw_pcb **pcb, ip_addr_t *dip)
{
  struct ztk_stack_netif *nif;
  ztk_sock_att *a;
  int rc = ztk_sock_pick_netif(s, to, &nif);
  if (rc != 0)
    return rc;
  a = ztk_sock_att_find(s, nif);
  if (a == NULL && (rc = icmp_attach(s, nif, &a)) != 0)
    return rc;
  *pcb = a->pcb;
  ztk_lwaddr_from(dip, to, &nif->lw);
  return 0;
}

int ztk_ping_send(ztk_sock *s, const ztk_inaddr *to, uint16_t seq, size_t payload_len)
{
  struct raw_pcb *pcb;
  ip_addr_t dip;
  int rc = icmp_route(s, to, &pcb, &dip);
  if (rc != 0)
    return rc;
  size_t len = ICMP_HDR + payload_len;
  struct pbuf *p = pbuf_alloc(PBUF_IP, (u16_t)len, PBUF_RAM);
  if (p == NULL)
    return ZTK_ENOMEM;
  ping_fill(s, p->payload, len, seq);
  err_t err = raw_sendto(pcb, p, &dip);
  pbuf_free(p);
  return ztk_sock_err_from_lwip(err);
}

long ztk_raw_sendto(ztk_sock *s, const void *data, size_t len, const ztk_inaddr *to)
{
  struct raw_pcb *pcb;
  ip_addr_t dip;
  if (len > 65000)
    return ZTK_ESOCK_MSGSIZE;
  int rc = icmp_route(s, to, &pcb, &dip);
  if (rc != 0)
    return rc;
  struct pbuf *p = pbuf_alloc(PBUF_IP, (u16_t)len, PBUF_RAM);
  if (p == NULL)
    return ZTK_ENOMEM;
  if (len > 0)
    memcpy(p->payload, data, len);
  err_t err = raw_sendto(pcb, p, &dip);
  pbuf_free(p);
  rc = ztk_sock_err_from_lwip(err);
  return rc != 0 ? rc : (long)len;
}
