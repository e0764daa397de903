#include "sim/transport.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "ztkit/error.h"

typedef struct sock {
  bool used;
  ztk_inaddr addr; /* ip all zero: wildcard of that family */
} sock;

typedef struct inbox_ent {
  int sock;
  ztk_inaddr from;
  uint32_t len;
  uint8_t *data;
} inbox_ent;

typedef struct simtp {
  ztk_transport base; /* first: the vtable header */
  ztk_net *net;
  uint32_t host;
  sock socks[ZTK_TRANSPORT_MAX_SOCKETS];
  uint16_t next_port;
  inbox_ent *inbox; /* ring */
  uint32_t cap, head, count;
  size_t bytes;
  uint64_t truncated;
  ztk_simtp_notify_fn notify;
  void *notify_ctx;
} simtp;

static const uint8_t ZERO16[16];

static bool wildcard(const ztk_inaddr *a)
{
  return memcmp(a->ip, ZERO16, a->family == 4 ? 4 : 16) == 0;
}

/* The socket a datagram to dst belongs to, or -1. */
static int demux(const simtp *s, const ztk_inaddr *dst)
{
  int wild = -1;
  for (int i = 0; i < ZTK_TRANSPORT_MAX_SOCKETS; i++) {
    const sock *k = &s->socks[i];
    if (!k->used || k->addr.family != dst->family || k->addr.port != dst->port)
      continue;
    if (ztk_inaddr_ip_eq(&k->addr, dst))
      return i;
    if (wild < 0 && wildcard(&k->addr))
      wild = i;
  }
  return wild;
}

static int rx(void *ctx, uint32_t host, const ztk_net_dgram *d)
{
  simtp *s = ctx;
  (void)host;
  int k = demux(s, &d->dst);
  if (k < 0)
    return ZTK_DROP_NOSOCK;
  if (s->count >= s->cap || s->bytes + d->len > ZTK_SIMTP_INBOX_BYTES)
    return ZTK_DROP_INBOX;
  uint8_t *copy = malloc(d->len ? d->len : 1);
  if (!copy)
    return ZTK_DROP_INBOX;
  memcpy(copy, d->data, d->len);
  inbox_ent *e = &s->inbox[(s->head + s->count) % s->cap];
  *e = (inbox_ent){k, d->src, d->len, copy};
  s->count++;
  s->bytes += d->len;
  if (s->notify)
    s->notify(s->notify_ctx, &s->base);
  return ZTK_DROP_NONE;
}

/* True if port is taken for an address overlapping a (same family, same IP or a wildcard). */
static bool port_taken(const simtp *s, const ztk_inaddr *a, uint16_t port)
{
  for (int i = 0; i < ZTK_TRANSPORT_MAX_SOCKETS; i++) {
    const sock *k = &s->socks[i];
    if (k->used && k->addr.family == a->family && k->addr.port == port &&
        (wildcard(&k->addr) || wildcard(a) || ztk_inaddr_ip_eq(&k->addr, a)))
      return true;
  }
  return false;
}

static uint16_t ephemeral(simtp *s, const ztk_inaddr *a)
{
  for (uint32_t i = 0; i < 65536 - ZTK_SIMTP_EPHEMERAL_MIN; i++) {
    uint16_t p = s->next_port;
    s->next_port = p == 65535 ? ZTK_SIMTP_EPHEMERAL_MIN : (uint16_t)(p + 1);
    if (!port_taken(s, a, p))
      return p;
  }
  return 0;
}

static int tp_bind(ztk_transport *t, const struct sockaddr *addr, socklen_t len)
{
  simtp *s = (simtp *)t;
  ztk_inaddr a;
  if (!addr || len < (socklen_t)sizeof(struct sockaddr_in) ||
      ztk_inaddr_from_sockaddr(&a, addr) != 0 ||
      (a.family == 6 && len < (socklen_t)sizeof(struct sockaddr_in6)))
    return ZTK_EINVAL;
  if (!wildcard(&a) &&
      ztk_net_find_addr(s->net, ztk_net_realm(s->net, s->host), &a) != (int)s->host)
    return ZTK_EINVAL; /* not one of this host's addresses */
  int slot = -1;
  for (int i = ZTK_TRANSPORT_MAX_SOCKETS - 1; i >= 0; i--)
    if (!s->socks[i].used)
      slot = i;
  if (slot < 0)
    return ZTK_ELIMIT;
  if (!a.port && !(a.port = ephemeral(s, &a)))
    return ZTK_ELIMIT;
  if (port_taken(s, &a, a.port))
    return ZTK_EEXIST;
  s->socks[slot] = (sock){true, a};
  return slot;
}

/* The source address for socket k: its own, or the host's first of that family. */
static int source_of(const simtp *s, int k, ztk_inaddr *src)
{
  *src = s->socks[k].addr;
  if (!wildcard(src))
    return 0;
  ztk_inaddr a;
  for (uint32_t i = 0; ztk_net_addr(s->net, s->host, i, &a) == 0; i++)
    if (a.family == src->family) {
      a.port = src->port;
      *src = a;
      return 0;
    }
  return ZTK_EINVAL;
}

static int tp_send(ztk_transport *t, int k, const struct sockaddr *to, socklen_t tolen,
                   const void *data, size_t len, int ttl)
{
  simtp *s = (simtp *)t;
  ztk_inaddr dst, src;
  if (!to || tolen < (socklen_t)sizeof(struct sockaddr_in) ||
      ztk_inaddr_from_sockaddr(&dst, to) != 0)
    return ZTK_EINVAL;
  if (k < 0)
    for (int i = 0; i < ZTK_TRANSPORT_MAX_SOCKETS && k < 0; i++)
      if (s->socks[i].used && s->socks[i].addr.family == dst.family)
        k = i;
  if (k < 0 || k >= ZTK_TRANSPORT_MAX_SOCKETS || !s->socks[k].used ||
      s->socks[k].addr.family != dst.family)
    return ZTK_EINVAL;
  int err = source_of(s, k, &src);
  if (err)
    return err;
  return ztk_net_send(s->net, s->host, &src, &dst, ttl, data, len);
}

static int tp_recv(ztk_transport *t, ztk_datagram *out, int max)
{
  simtp *s = (simtp *)t;
  if (max < 0 || (max > 0 && !out))
    return ZTK_EINVAL;
  int got = 0;
  while (got < max && s->count > 0) {
    inbox_ent *e = &s->inbox[s->head];
    s->head = (s->head + 1) % s->cap;
    s->count--;
    s->bytes -= e->len;
    ztk_datagram *d = &out[got];
    if (e->len > d->cap || (e->len && !d->data)) {
      s->truncated++; /* per the vtable contract, truncated datagrams are dropped */
    } else {
      d->sock = e->sock;
      ztk_inaddr_to_sockaddr(&e->from, &d->from);
      memcpy(d->data, e->data, e->len);
      d->len = e->len;
      got++;
    }
    free(e->data);
  }
  return got;
}

static int tp_local_addr(const ztk_transport *t, int k, struct sockaddr_storage *out)
{
  const simtp *s = (const simtp *)t;
  if (k < 0 || k >= ZTK_TRANSPORT_MAX_SOCKETS || !s->socks[k].used || !out)
    return ZTK_EINVAL;
  ztk_inaddr_to_sockaddr(&s->socks[k].addr, out);
  return 0;
}

static void tp_close(ztk_transport *t)
{
  simtp *s = (simtp *)t;
  ztk_net_rx_fn fn;
  void *ctx;
  if (ztk_net_get_rx(s->net, s->host, &fn, &ctx) == 0 && ctx == s)
    ztk_net_set_rx(s->net, s->host, NULL, NULL);
  for (uint32_t i = 0; i < s->count; i++)
    free(s->inbox[(s->head + i) % s->cap].data);
  free(s->inbox);
  free(s);
}

static const ztk_transport_ops OPS = {
  .bind = tp_bind,
  .send = tp_send,
  .recv = tp_recv,
  .local_addr = tp_local_addr,
  .close = tp_close,
};

int ztk_simtp_new(ztk_transport **out, ztk_net *n, uint32_t e, uint32_t inbox_max,
                  ztk_simtp_notify_fn notify, void *ctx)
{
  ztk_net_rx_fn fn;
  void *ctx0;
  if (!out || !n || ztk_net_get_rx(n, e, &fn, &ctx0) != 0)
    return ZTK_EINVAL;
  if (fn)
    return ZTK_EEXIST; /* the host already has a receiver (another transport?) */
  simtp *s = calloc(1, sizeof *s);
  if (!s)
    return ZTK_ENOMEM;
  s->cap = inbox_max ? inbox_max : ZTK_SIMTP_DEFAULT_INBOX;
  if (!(s->inbox = calloc(s->cap, sizeof *s->inbox))) {
    free(s);
    return ZTK_ENOMEM;
  }
  s->base.ops = &OPS;
  s->base.kind = "sim";
  s->net = n;
  s->host = e;
  s->next_port = ZTK_SIMTP_EPHEMERAL_MIN;
  s->notify = notify;
  s->notify_ctx = ctx;
  ztk_net_set_rx(n, e, rx, s);
  *out = &s->base;
  return 0;
}

/* The sim transport behind t, or NULL if t is another backend. */
static const simtp *as_sim(const ztk_transport *t)
{
  return t && t->ops == &OPS ? (const simtp *)t : NULL;
}

uint32_t ztk_simtp_host(const ztk_transport *t)
{
  const simtp *s = as_sim(t);
  return s ? s->host : ZTK_NET_NONE;
}

uint32_t ztk_simtp_pending(const ztk_transport *t)
{
  const simtp *s = as_sim(t);
  return s ? s->count : 0;
}

uint64_t ztk_simtp_truncated(const ztk_transport *t)
{
  const simtp *s = as_sim(t);
  return s ? s->truncated : 0;
}
