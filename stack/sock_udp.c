/* UDP sockets (and the pcb bookkeeping datagram sockets share with ping sockets). A socket
 * bound to any address has one udp_pcb per netif of its host, each bound to that netif, so a
 * datagram is only ever seen by sockets of the host it was sent to. */
#include <stdlib.h>
#include <string.h>

#include "lwip/pbuf.h"
#include "lwip/raw.h"
#include "lwip/udp.h"

#include "stack/lwaddr.h"
#include "stack/netif_impl.h"
#include "stack/sock_err.h"
#include "stack/socket_impl.h"
#include "ztkit/error.h"

#define UDP_MAX_PAYLOAD4 65507
#define UDP_MAX_PAYLOAD6 65487 /* 65535 - IPv6 header - UDP header */

static bool udp_is_any(const ztk_inaddr *a)
{
  static const uint8_t zero[16];
  return memcmp(a->ip, zero, a->family == 4 ? 4 : 16) == 0;
}

static void udp_on_recv(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr,
                        u16_t port)
{
  ztk_sock *s = arg;
  ztk_inaddr from;
  (void)pcb;
  ztk_lwaddr_to(&from, addr, port);
  if (s->remote.family != 0 && !ztk_inaddr_eq(&from, &s->remote)) {
    pbuf_free(p);
    return;
  }
  ztk_sock_dgram *d = malloc(sizeof *d + p->tot_len);
  if (d == NULL) {
    s->dq_drops++;
    pbuf_free(p);
    return;
  }
  memset(d, 0, sizeof *d);
  d->from = from;
  d->len = pbuf_copy_partial(p, d->data, p->tot_len, 0);
  pbuf_free(p);
  if (ztk_sock_dq_push(s, d))
    ztk_sock_notify(s);
}

void ztk_dgram_apply_options(ztk_sock *s)
{
  for (int i = 0; i < s->natt; i++) {
    if (s->type == ZTK_SOCK_DGRAM) {
      struct udp_pcb *u = s->att[i].pcb;
      u->ttl = (u8_t)s->ttl;
      u->tos = (u8_t)s->tos;
      if (s->broadcast)
        ip_set_option(u, SOF_BROADCAST);
      else
        ip_reset_option(u, SOF_BROADCAST);
    } else {
      struct raw_pcb *r = s->att[i].pcb;
      r->ttl = (u8_t)s->ttl;
      r->tos = (u8_t)s->tos;
    }
  }
}

/* A udp_pcb for s on netif n, bound to s's address and port (port 0: lwIP picks one, which
 * becomes s's port). Returns 0 or an error. */
static int udp_attach_pcb(ztk_sock *s, struct ztk_stack_netif *n)
{
  ip_addr_t ip;
  struct udp_pcb *pcb = udp_new_ip_type(s->family == 4 ? IPADDR_TYPE_V4 : IPADDR_TYPE_V6);
  if (pcb == NULL)
    return ZTK_ENOMEM;
  ip_set_option(pcb, SOF_REUSEADDR); /* lwIP's port checks ignore netifs: ours decide */
  ztk_lwaddr_from(&ip, &s->local, udp_is_any(&s->local) ? NULL : &n->lw);
  udp_bind_netif(pcb, &n->lw);
  err_t err = udp_bind(pcb, &ip, s->local.port);
  if (err != ERR_OK) {
    udp_remove(pcb);
    return ztk_sock_err_from_lwip(err);
  }
  int rc = ztk_sock_att_add(s, n, pcb);
  if (rc != 0) {
    udp_remove(pcb);
    return rc;
  }
  s->local.port = pcb->local_port;
  udp_recv(pcb, udp_on_recv, s);
  ztk_dgram_apply_options(s);
  return 0;
}

void ztk_udp_attach(ztk_sock *s, struct ztk_stack_netif *n)
{
  udp_attach_pcb(s, n); /* on failure the socket just does not serve n */
}

/* Picks a free port for a socket that has no netif to hold one yet. */
static int udp_pick_port(ztk_sock *s)
{
  struct udp_pcb *pcb = udp_new_ip_type(s->family == 4 ? IPADDR_TYPE_V4 : IPADDR_TYPE_V6);
  if (pcb == NULL)
    return ZTK_ENOMEM;
  err_t err = udp_bind(pcb, s->family == 4 ? IP4_ADDR_ANY : IP6_ADDR_ANY, 0);
  if (err == ERR_OK)
    s->local.port = pcb->local_port;
  udp_remove(pcb);
  return ztk_sock_err_from_lwip(err);
}

int ztk_udp_bind(ztk_sock *s, const ztk_inaddr *local, struct ztk_stack_netif *nif)
{
  int rc = 0;
  s->local = *local;
  s->nif = nif;
  if (nif != NULL) {
    rc = udp_attach_pcb(s, nif);
  } else if (s->host->nnetifs == 0) {
    rc = local->port != 0 ? 0 : udp_pick_port(s);
  } else {
    for (int i = 0; i < s->host->nnetifs && rc == 0; i++)
      rc = udp_attach_pcb(s, s->host->netifs[i]);
  }
  if (rc != 0) {
    ztk_dgram_close(s);
    memset(&s->local, 0, sizeof s->local);
    s->local.family = s->family;
    s->nif = NULL;
    return rc;
  }
  s->state = ZS_BOUND;
  return 0;
}

/* Implicit bind to any:0 before the first send or connect. */
static int udp_autobind(ztk_sock *s)
{
  ztk_inaddr any;
  if (s->state != ZS_NEW)
    return 0;
  memset(&any, 0, sizeof any);
  any.family = s->family;
  return ztk_udp_bind(s, &any, NULL);
}

/* The netif a datagram to dst leaves by: the bound one; for broadcast and multicast the
 * host's first netif with an address of the family; else the route. */
static int udp_route(const ztk_sock *s, const ztk_inaddr *dst, struct ztk_stack_netif **out)
{
  bool group = dst->family == 4 ? (dst->ip[0] >= 224) : (dst->ip[0] == 0xff);
  if (s->nif != NULL || !group)
    return ztk_sock_pick_netif(s, dst, out);
  for (int i = 0; i < s->host->nnetifs; i++) {
    ztk_inaddr a;
    if (ztk_netif_first_addr(s->host->netifs[i], s->family, &a) == 0) {
      *out = s->host->netifs[i];
      return 0;
    }
  }
  return ZTK_ESOCK_NETUNREACH;
}

int ztk_udp_connect(ztk_sock *s, const ztk_inaddr *remote)
{
  struct ztk_stack_netif *nif;
  int rc = udp_route(s, remote, &nif);
  if (rc == 0)
    rc = udp_autobind(s);
  if (rc != 0)
    return rc;
  s->remote = *remote;
  s->state = ZS_CONNECTED;
  return 0;
}

static long udp_send_on(ztk_sock *s, struct ztk_stack_netif *nif, const void *data, size_t len,
                        const ztk_inaddr *to)
{
  ip_addr_t dip;
  ztk_sock_att *a = ztk_sock_att_find(s, nif);
  if (a == NULL) {
    int rc = udp_attach_pcb(s, nif);
    if (rc != 0)
      return rc;
    a = ztk_sock_att_find(s, nif);
  }
  ztk_lwaddr_from(&dip, to, &nif->lw);
  if (IP_IS_V4(&dip) && ip4_addr_isbroadcast(ip_2_ip4(&dip), &nif->lw) && !s->broadcast)
    return ZTK_ESOCK_ACCES;
  struct pbuf *p = pbuf_alloc(PBUF_TRANSPORT, (u16_t)len, PBUF_RAM);
  if (p == NULL)
    return ZTK_ENOMEM;
  if (len > 0)
    memcpy(p->payload, data, len);
  /* A socket bound to "any" sends from the netif's address that best matches the
   * destination (e.g. its 6plane address to a 6plane peer), as TCP connections do; lwIP's own
   * choice would be the netif's first address of the family. */
  ztk_inaddr src;
  err_t err;
  if (udp_is_any(&s->local) && ztk_netif_source_for(nif, to, &src) == 0) {
    ip_addr_t sip;
    ztk_lwaddr_from(&sip, &src, &nif->lw);
    err = udp_sendto_if_src((struct udp_pcb *)a->pcb, p, &dip, to->port, &nif->lw, &sip);
  } else {
    err = udp_sendto_if((struct udp_pcb *)a->pcb, p, &dip, to->port, &nif->lw);
  }
  pbuf_free(p);
  return err == ERR_OK ? (long)len : ztk_sock_err_from_lwip(err);
}

long ztk_udp_sendto(ztk_sock *s, const void *data, size_t len, const ztk_inaddr *to)
{
  struct ztk_stack_netif *nif;
  if (s->state == ZS_CLOSED)
    return ZTK_ESOCK_NETDOWN;
  if (to == NULL) {
    if (s->remote.family == 0)
      return ZTK_ESOCK_DESTADDRREQ;
    to = &s->remote;
  }
  if (len > (s->family == 4 ? UDP_MAX_PAYLOAD4 : UDP_MAX_PAYLOAD6))
    return ZTK_ESOCK_MSGSIZE;
  int rc = udp_route(s, to, &nif);
  if (rc == 0)
    rc = udp_autobind(s);
  if (rc != 0)
    return rc;
  return udp_send_on(s, nif, data, len, to);
}

void ztk_dgram_detach(ztk_sock *s, ztk_sock_att *a)
{
  if (s->type == ZTK_SOCK_DGRAM)
    udp_remove((struct udp_pcb *)a->pcb);
  else
    raw_remove((struct raw_pcb *)a->pcb);
  ztk_sock_att_drop(s, a);
}

void ztk_dgram_close(ztk_sock *s)
{
  while (s->natt > 0)
    ztk_dgram_detach(s, &s->att[s->natt - 1]);
  ztk_sock_dq_clear(s);
}
