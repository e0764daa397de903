/* Socket plumbing shared by every type: allocation, the host's socket list, deferred
 * wakeups, port bookkeeping, options, netif events and the public entry points (each enters
 * lwIP, dispatches by type and leaves). */
#include "stack/socket.h"

#include <stdlib.h>
#include <string.h>

#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"

#include "stack/env.h"
#include "stack/netif_impl.h"
#include "stack/socket_impl.h"
#include "ztkit/error.h"

#define SOCK_UDP_RCVBUF (256 * 1024)
#define SOCK_MAX_RCVBUF (1024 * 1024)
#define SOCK_MIN_RCVBUF 512
#define SOCK_RCVQLEN 256
#define SOCK_MAX_RCVQLEN 4096
#define SOCK_MAX_KEEP_SECONDS (24 * 3600)

static bool addr_is_any(const ztk_inaddr *a)
{
  static const uint8_t zero[16];
  return memcmp(a->ip, zero, a->family == 4 ? 4 : 16) == 0;
}

/* ---- allocation and lists -------------------------------------------------------------------- */

ztk_sock *ztk_sock_alloc(ztk_stack_host *h, int family, int type, int *err)
{
  if (h->nsocks >= h->max_socks) {
    *err = ZTK_ELIMIT;
    return NULL;
  }
  ztk_sock *s = calloc(1, sizeof *s);
  if (s == NULL) {
    *err = ZTK_ENOMEM;
    return NULL;
  }
  s->host = h;
  s->family = (uint8_t)family;
  s->type = (uint8_t)type;
  s->local.family = (uint8_t)family;
  s->linger = -1;
  s->rcvbuf = type == ZTK_SOCK_STREAM ? TCP_WND : SOCK_UDP_RCVBUF;
  s->sndbuf = TCP_SND_BUF;
  s->rcvqlen = SOCK_RCVQLEN;
  s->keepidle = TCP_KEEPIDLE_DEFAULT / 1000;
  s->keepintvl = TCP_KEEPINTVL_DEFAULT / 1000;
  s->keepcnt = TCP_KEEPCNT_DEFAULT;
  s->ttl = TCP_TTL;
  ztk_bytebuf_init(&s->rx, 0);
  s->next = h->socks;
  if (h->socks != NULL)
    h->socks->prev = s;
  h->socks = s;
  h->nsocks++;
  return s;
}

static void sock_unpend(ztk_sock *s)
{
  ztk_stack_host *h = s->host;
  ztk_sock *prev = NULL;
  if (!s->pending)
    return;
  for (ztk_sock *it = h->pend_head; it != NULL; prev = it, it = it->pend_next) {
    if (it != s)
      continue;
    if (prev != NULL)
      prev->pend_next = it->pend_next;
    else
      h->pend_head = it->pend_next;
    if (h->pend_tail == it)
      h->pend_tail = prev;
    break;
  }
  s->pending = false;
  s->pend_next = NULL;
}

void ztk_sock_release(ztk_sock *s)
{
  ztk_stack_host *h = s->host;
  sock_unpend(s);
  if (s->prev != NULL)
    s->prev->next = s->next;
  else
    h->socks = s->next;
  if (s->next != NULL)
    s->next->prev = s->prev;
  h->nsocks--;
  ztk_bytebuf_clear(&s->rx);
  ztk_sock_dq_clear(s);
  free(s->acq);
  free(s->att);
  free(s);
}

/* ---- wakeups --------------------------------------------------------------------------------- */

void ztk_sock_notify(ztk_sock *s)
{
  ztk_stack_host *h = s->host;
  if (s->wake == NULL || s->pending || s->orphan)
    return;
  s->pending = true;
  s->pend_next = NULL;
  if (h->pend_tail != NULL)
    h->pend_tail->pend_next = s;
  else
    h->pend_head = s;
  h->pend_tail = s;
  ztk_env_host_dirty(h);
}

void ztk_sock_flush_host(ztk_stack_host *h)
{
  int budget = h->nsocks * 2 + 16;
  bool outer = !h->flushing;
  h->flushing = true;
  while (h->pend_head != NULL && !h->zombie) {
    if (budget-- <= 0) {
      ztk_env_host_dirty(h); /* a callback keeps re-arming: continue at the next leave */
      break;
    }
    ztk_sock *s = h->pend_head;
    h->pend_head = s->pend_next;
    if (h->pend_head == NULL)
      h->pend_tail = NULL;
    s->pending = false;
    s->pend_next = NULL;
    if (s->wake != NULL)
      s->wake(s->wake_user, s, ztk_sock_events(s)); /* may free s, others, or h */
  }
  if (!outer)
    return;
  h->flushing = false;
  if (h->zombie)
    free(h);
}

/* ---- addresses, ports, attachments ----------------------------------------------------------- */

static bool sock_addrs_overlap(const ztk_inaddr *a, const ztk_inaddr *b)
{
  return addr_is_any(a) || addr_is_any(b) || ztk_inaddr_ip_eq(a, b);
}

int ztk_sock_port_free(const ztk_sock *s, const ztk_inaddr *addr)
{
  for (const ztk_sock *o = s->host->socks; o != NULL; o = o->next) {
    if (o == s || o->type != s->type || o->family != s->family || o->child)
      continue;
    if (o->state == ZS_NEW || o->state == ZS_CLOSED || o->local.port != addr->port)
      continue;
    if (!sock_addrs_overlap(&o->local, addr))
      continue;
    if (s->reuse && o->reuse && (s->type != ZTK_SOCK_STREAM || o->state != ZS_LISTEN))
      continue;
    return ZTK_ESOCK_ADDRINUSE;
  }
  return 0;
}

ztk_sock_att *ztk_sock_att_find(ztk_sock *s, const struct ztk_stack_netif *n)
{
  for (int i = 0; i < s->natt; i++) {
    if (s->att[i].nif == n)
      return &s->att[i];
  }
  return NULL;
}

int ztk_sock_att_add(ztk_sock *s, struct ztk_stack_netif *n, void *pcb)
{
  if (s->att == NULL) {
    s->att = calloc(ZTK_STACK_HOST_MAX_NETIFS, sizeof *s->att);
    if (s->att == NULL)
      return ZTK_ENOMEM;
  }
  if (s->natt >= ZTK_STACK_HOST_MAX_NETIFS)
    return ZTK_ELIMIT;
  s->att[s->natt].nif = n;
  s->att[s->natt].pcb = pcb;
  s->natt++;
  return 0;
}

void ztk_sock_att_drop(ztk_sock *s, ztk_sock_att *a)
{
  int i = (int)(a - s->att);
  s->natt--;
  memmove(&s->att[i], &s->att[i + 1], (size_t)(s->natt - i) * sizeof s->att[0]);
}

int ztk_sock_pick_netif(const ztk_sock *s, const ztk_inaddr *dst, struct ztk_stack_netif **out)
{
  if (s->nif != NULL) {
    *out = s->nif;
    return 0;
  }
  return ztk_host_route(s->host, dst, out);
}

/* ---- datagram queue -------------------------------------------------------------------------- */

bool ztk_sock_dq_push(ztk_sock *s, ztk_sock_dgram *d)
{
  if (s->dq_count >= s->rcvqlen || s->dq_bytes + d->len > (size_t)s->rcvbuf) {
    s->dq_drops++;
    free(d);
    return false;
  }
  d->next = NULL;
  if (s->dq_tail != NULL)
    s->dq_tail->next = d;
  else
    s->dq_head = d;
  s->dq_tail = d;
  s->dq_count++;
  s->dq_bytes += d->len;
  return true;
}

ztk_sock_dgram *ztk_sock_dq_pop(ztk_sock *s)
{
  ztk_sock_dgram *d = s->dq_head;
  if (d == NULL)
    return NULL;
  s->dq_head = d->next;
  if (s->dq_head == NULL)
    s->dq_tail = NULL;
  s->dq_count--;
  s->dq_bytes -= d->len;
  return d;
}

void ztk_sock_dq_clear(ztk_sock *s)
{
  ztk_sock_dgram *d;
  while ((d = ztk_sock_dq_pop(s)) != NULL)
    free(d);
}

/* ---- host and netif events ------------------------------------------------------------------- */

/* Releases every pcb of s at once (peers of TCP connections get a reset) and frees it. */
static void sock_destroy(ztk_sock *s)
{
  if (s->type == ZTK_SOCK_STREAM)
    ztk_tcp_close(s, true);
  else
    ztk_dgram_close(s);
  ztk_sock_release(s);
}

void ztk_sock_host_teardown(ztk_stack_host *h)
{
  while (h->socks != NULL)
    sock_destroy(h->socks);
}

void ztk_sock_netif_added(ztk_stack_host *h, struct ztk_stack_netif *n)
{
  for (ztk_sock *s = h->socks; s != NULL; s = s->next) {
    if (s->orphan || s->nif != NULL)
      continue;
    if (s->type == ZTK_SOCK_STREAM && s->state == ZS_LISTEN)
      ztk_tcp_listen_attach(s, n);
    else if (s->type == ZTK_SOCK_DGRAM && (s->state == ZS_BOUND || s->state == ZS_CONNECTED))
      ztk_udp_attach(s, n);
  }
}

/* s loses netif n (or the address it uses there): its pcbs on n go, and if it was tied to n
 * it fails with ZTK_ESOCK_NETDOWN. Returns false if s was freed (an orphan). */
static bool sock_lose_netif(ztk_sock *s, struct ztk_stack_netif *n, bool tied)
{
  ztk_sock_att *a = ztk_sock_att_find(s, n);
  if (a != NULL) {
    if (s->type == ZTK_SOCK_STREAM)
      ztk_tcp_listen_detach(s, a);
    else
      ztk_dgram_detach(s, a);
  }
  if (!tied)
    return true;
  if (s->orphan) {
    ztk_tcp_close(s, true);
    ztk_sock_release(s);
    return false;
  }
  if (s->type == ZTK_SOCK_STREAM)
    ztk_tcp_netdown(s);
  else
    s->state = ZS_CLOSED;
  s->nif = NULL;
  s->err = ZTK_ESOCK_NETDOWN;
  ztk_sock_notify(s);
  return true;
}

void ztk_sock_netif_removed(ztk_stack_host *h, struct ztk_stack_netif *n)
{
  ztk_sock *next;
  for (ztk_sock *s = h->socks; s != NULL; s = next) {
    next = s->next;
    sock_lose_netif(s, n, s->nif == n);
  }
}

void ztk_sock_addr_removed(ztk_stack_host *h, struct ztk_stack_netif *n, const ztk_inaddr *addr)
{
  ztk_sock *next;
  for (ztk_sock *s = h->socks; s != NULL; s = next) {
    next = s->next;
    if (s->nif == n && s->local.family == addr->family && ztk_inaddr_ip_eq(&s->local, addr))
      sock_lose_netif(s, n, true);
  }
}

/* ---- public entry points --------------------------------------------------------------------- */

/* The arguments of one socket call, whatever its kind. */
typedef struct sock_args {
  const ztk_inaddr *addr;
  ztk_inaddr *addr_out;
  ztk_sock **out;
  const void *data;
  void *buf;
  size_t len;
  int value; /* flags, backlog, how, option value, reset */
  int opt;
  uint16_t seq;
} sock_args;

typedef long (*sock_op_fn)(ztk_sock *s, const sock_args *a);

/* Runs op inside lwIP. Returns op's result, or ZTK_ESTATE from a stack callback. */
static long sock_call(ztk_sock *s, sock_op_fn op, const sock_args *a)
{
  long rc = ztk_env_enter();
  if (rc != 0)
    return rc;
  rc = op(s, a);
  ztk_env_leave();
  return rc;
}

int ztk_sock_new(ztk_sock **out, ztk_stack_host *h, int family, ztk_sock_type type)
{
  int rc = 0;
  if (out == NULL || h == NULL)
    return ZTK_EINVAL;
  *out = NULL;
  if (family != 4 && family != 6)
    return ZTK_ESOCK_AFNOSUPPORT;
  if (type != ZTK_SOCK_STREAM && type != ZTK_SOCK_DGRAM && type != ZTK_SOCK_PING &&
      type != ZTK_SOCK_RAW)
    return ZTK_EINVAL;
  if ((rc = ztk_env_enter()) != 0)
    return rc;
  ztk_sock *s = ztk_sock_alloc(h, family, type, &rc);
  if (s != NULL && type == ZTK_SOCK_PING) {
    s->ident = h->next_ident++;
    if (h->next_ident == 0)
      h->next_ident = 1;
  }
  ztk_env_leave();
  *out = s;
  return s != NULL ? 0 : rc;
}

static long op_close(ztk_sock *s, const sock_args *a)
{
  if (s->type == ZTK_SOCK_STREAM) {
    ztk_tcp_close(s, a->value != 0);
    if (!s->orphan)
      ztk_sock_release(s);
  } else {
    ztk_dgram_close(s);
    ztk_sock_release(s);
  }
  return 0;
}

int ztk_sock_close(ztk_sock *s)
{
  sock_args a = {.value = 0};
  return s == NULL || s->orphan ? ZTK_EINVAL : (int)sock_call(s, op_close, &a);
}

int ztk_sock_abort(ztk_sock *s)
{
  sock_args a = {.value = 1};
  return s == NULL || s->orphan ? ZTK_EINVAL : (int)sock_call(s, op_close, &a);
}

static long op_bind(ztk_sock *s, const sock_args *a)
{
  struct ztk_stack_netif *nif = NULL;
  const ztk_inaddr *local = a->addr;
  if (s->state != ZS_NEW)
    return ZTK_EINVAL;
  if (!addr_is_any(local)) {
    nif = ztk_host_netif_with_ip(s->host, local, NULL);
    if (nif == NULL)
      return ZTK_ESOCK_ADDRNOTAVAIL;
  }
  if (local->port != 0 && ztk_sock_port_free(s, local) != 0)
    return ZTK_ESOCK_ADDRINUSE;
  switch (s->type) {
  case ZTK_SOCK_STREAM:
    return ztk_tcp_bind(s, local, nif);
  case ZTK_SOCK_DGRAM:
    return ztk_udp_bind(s, local, nif);
  default:
    s->local = *local;
    s->nif = nif;
    s->state = ZS_BOUND;
    return 0;
  }
}

int ztk_sock_bind(ztk_sock *s, const ztk_inaddr *local)
{
  sock_args a = {.addr = local};
  if (s == NULL || local == NULL || s->orphan || local->family != s->family)
    return ZTK_EINVAL;
  return (int)sock_call(s, op_bind, &a);
}

static long op_listen(ztk_sock *s, const sock_args *a)
{
  if (s->state == ZS_NEW) { /* listening binds to any:0 first */
    ztk_inaddr any;
    sock_args b = {.addr = &any};
    memset(&any, 0, sizeof any);
    any.family = s->family;
    long rc = op_bind(s, &b);
    if (rc != 0)
      return rc;
  }
  return ztk_tcp_listen(s, a->value);
}

int ztk_sock_listen(ztk_sock *s, int backlog)
{
  sock_args a = {.value = backlog};
  if (s == NULL || s->orphan)
    return ZTK_EINVAL;
  return s->type != ZTK_SOCK_STREAM ? ZTK_ESOCK_OPNOTSUPP : (int)sock_call(s, op_listen, &a);
}

static long op_accept(ztk_sock *s, const sock_args *a)
{
  return ztk_tcp_accept(s, a->out, a->addr_out);
}

int ztk_sock_accept(ztk_sock *s, ztk_sock **out, ztk_inaddr *peer)
{
  sock_args a = {.out = out, .addr_out = peer};
  if (s == NULL || out == NULL || s->orphan)
    return ZTK_EINVAL;
  *out = NULL;
  return s->type != ZTK_SOCK_STREAM ? ZTK_ESOCK_OPNOTSUPP : (int)sock_call(s, op_accept, &a);
}

static long op_connect(ztk_sock *s, const sock_args *a)
{
  return s->type == ZTK_SOCK_STREAM ? ztk_tcp_connect(s, a->addr) : ztk_udp_connect(s, a->addr);
}

int ztk_sock_connect(ztk_sock *s, const ztk_inaddr *remote)
{
  sock_args a = {.addr = remote};
  if (s == NULL || remote == NULL || s->orphan || remote->family != s->family)
    return ZTK_EINVAL;
  if (s->type == ZTK_SOCK_PING || s->type == ZTK_SOCK_RAW)
    return ZTK_ESOCK_OPNOTSUPP;
  if (remote->port == 0 || addr_is_any(remote))
    return ZTK_EINVAL;
  return (int)sock_call(s, op_connect, &a);
}

static long op_send(ztk_sock *s, const sock_args *a)
{
  if (s->type == ZTK_SOCK_RAW)
    return ztk_raw_sendto(s, a->data, a->len, a->addr);
  return s->type == ZTK_SOCK_STREAM ? ztk_tcp_send(s, a->data, a->len)
                                    : ztk_udp_sendto(s, a->data, a->len, a->addr);
}

long ztk_sock_send(ztk_sock *s, const void *data, size_t len)
{
  sock_args a = {.data = data, .len = len};
  if (s == NULL || (data == NULL && len > 0) || s->orphan)
    return ZTK_EINVAL;
  if (s->type == ZTK_SOCK_RAW)
    return ZTK_ESOCK_DESTADDRREQ;
  return s->type == ZTK_SOCK_PING ? ZTK_ESOCK_OPNOTSUPP : sock_call(s, op_send, &a);
}

long ztk_sock_sendto(ztk_sock *s, const void *data, size_t len, const ztk_inaddr *to)
{
  sock_args a = {.data = data, .len = len, .addr = to};
  if (s == NULL || (data == NULL && len > 0) || s->orphan)
    return ZTK_EINVAL;
  if (s->type == ZTK_SOCK_RAW) {
    if (to == NULL)
      return ZTK_ESOCK_DESTADDRREQ;
    return to->family != s->family || addr_is_any(to) ? ZTK_EINVAL : sock_call(s, op_send, &a);
  }
  if (s->type != ZTK_SOCK_DGRAM)
    return s->type == ZTK_SOCK_STREAM && to == NULL ? sock_call(s, op_send, &a)
                                                    : ZTK_ESOCK_OPNOTSUPP;
  if (to != NULL && (to->family != s->family || to->port == 0))
    return ZTK_EINVAL;
  return sock_call(s, op_send, &a);
}

static long op_recv(ztk_sock *s, const sock_args *a)
{
  return ztk_tcp_recv(s, a->buf, a->len, a->value);
}

/* A datagram socket's oldest datagram (no lwIP involved). */
static long sock_dgram_recv(ztk_sock *s, void *buf, size_t cap, ztk_inaddr *from, int flags)
{
  if (ztk_env_busy())
    return ZTK_ESTATE;
  ztk_sock_dgram *d = s->dq_head;
  if (d == NULL)
    return ZTK_EAGAIN;
  size_t n = d->len < cap ? d->len : cap;
  if (n > 0)
    memcpy(buf, d->data, n);
  if (from != NULL)
    *from = d->from;
  if (!(flags & ZTK_MSG_PEEK))
    free(ztk_sock_dq_pop(s));
  return (long)n;
}

long ztk_sock_recvfrom(ztk_sock *s, void *buf, size_t cap, ztk_inaddr *from, int flags)
{
  sock_args a = {.buf = buf, .len = cap, .value = flags};
  if (s == NULL || (buf == NULL && cap > 0) || s->orphan)
    return ZTK_EINVAL;
  switch (s->type) {
  case ZTK_SOCK_STREAM:
    if (from != NULL && ztk_sock_peer(s, from) != 0)
      memset(from, 0, sizeof *from);
    return sock_call(s, op_recv, &a);
  case ZTK_SOCK_DGRAM:
  case ZTK_SOCK_RAW:
    return sock_dgram_recv(s, buf, cap, from, flags);
  default:
    return ZTK_ESOCK_OPNOTSUPP; /* ztk_sock_ping_recv() */
  }
}

long ztk_sock_recv(ztk_sock *s, void *buf, size_t cap, int flags)
{
  return ztk_sock_recvfrom(s, buf, cap, NULL, flags);
}

static long op_shutdown(ztk_sock *s, const sock_args *a)
{
  return ztk_tcp_shutdown(s, a->value);
}

int ztk_sock_shutdown(ztk_sock *s, int how)
{
  sock_args a = {.value = how};
  if (s == NULL || s->orphan || how < ZTK_SHUT_RD || how > ZTK_SHUT_RDWR)
    return ZTK_EINVAL;
  return s->type != ZTK_SOCK_STREAM ? ZTK_ESOCK_OPNOTSUPP : (int)sock_call(s, op_shutdown, &a);
}

int ztk_sock_name(const ztk_sock *s, ztk_inaddr *out)
{
  if (s == NULL || out == NULL)
    return ZTK_EINVAL;
  *out = s->local;
  return 0;
}

int ztk_sock_peer(const ztk_sock *s, ztk_inaddr *out)
{
  if (s == NULL || out == NULL)
    return ZTK_EINVAL;
  if (s->remote.family == 0)
    return ZTK_ESOCK_NOTCONN;
  *out = s->remote;
  return 0;
}

/* ---- options --------------------------------------------------------------------------------- */

static int sock_set_bool_or_range(ztk_sock *s, ztk_sockopt opt, int v)
{
  switch (opt) {
  case ZTK_SO_REUSEADDR:
    s->reuse = v != 0;
    return 0;
  case ZTK_SO_KEEPALIVE:
    s->keepalive = v != 0;
    return 0;
  case ZTK_SO_BROADCAST:
    s->broadcast = v != 0;
    return 0;
  case ZTK_TCP_NODELAY:
    s->nodelay = v != 0;
    return 0;
  case ZTK_SO_LINGER:
    if (v < -1 || v > 3600)
      return ZTK_ERANGE;
    s->linger = v;
    return 0;
  case ZTK_TCP_KEEPIDLE:
  case ZTK_TCP_KEEPINTVL:
    if (v < 1 || v > SOCK_MAX_KEEP_SECONDS)
      return ZTK_ERANGE;
    *(opt == ZTK_TCP_KEEPIDLE ? &s->keepidle : &s->keepintvl) = v;
    return 0;
  case ZTK_TCP_KEEPCNT:
    if (v < 1 || v > 255)
      return ZTK_ERANGE;
    s->keepcnt = v;
    return 0;
  case ZTK_IP_TTL:
  case ZTK_IP_TOS:
    if (v < (opt == ZTK_IP_TTL ? 1 : 0) || v > 255)
      return ZTK_ERANGE;
    *(opt == ZTK_IP_TTL ? &s->ttl : &s->tos) = v;
    return 0;
  default:
    return ZTK_ESOCK_NOPROTOOPT;
  }
}

static bool sock_opt_fits_type(const ztk_sock *s, ztk_sockopt opt)
{
  bool tcp = s->type == ZTK_SOCK_STREAM;
  switch (opt) {
  case ZTK_SO_KEEPALIVE:
  case ZTK_SO_LINGER:
  case ZTK_SO_SNDBUF:
  case ZTK_TCP_NODELAY:
  case ZTK_TCP_KEEPIDLE:
  case ZTK_TCP_KEEPINTVL:
  case ZTK_TCP_KEEPCNT:
    return tcp;
  case ZTK_SO_BROADCAST:
  case ZTK_SO_RCVQLEN:
    return !tcp;
  default:
    return true;
  }
}

static int sock_setopt_locked(ztk_sock *s, ztk_sockopt opt, int v)
{
  int rc;
  if (!sock_opt_fits_type(s, opt))
    return ZTK_ESOCK_NOPROTOOPT;
  switch (opt) {
  case ZTK_SO_RCVBUF:
    if (v < SOCK_MIN_RCVBUF || v > SOCK_MAX_RCVBUF)
      return ZTK_ERANGE;
    if (s->type == ZTK_SOCK_STREAM)
      return ztk_tcp_set_rcvbuf(s, v);
    s->rcvbuf = v;
    return 0;
  case ZTK_SO_SNDBUF:
    if (v < 2 * TCP_MSS || v > TCP_SND_BUF)
      return ZTK_ERANGE;
    s->sndbuf = v;
    return 0;
  case ZTK_SO_RCVQLEN:
    if (v < 1 || v > SOCK_MAX_RCVQLEN)
      return ZTK_ERANGE;
    s->rcvqlen = v;
    return 0;
  case ZTK_SO_ERROR:
  case ZTK_SO_TYPE:
    return ZTK_EINVAL;
  default:
    if ((rc = sock_set_bool_or_range(s, opt, v)) != 0)
      return rc;
    if (s->type == ZTK_SOCK_STREAM)
      ztk_tcp_apply_options(s);
    else
      ztk_dgram_apply_options(s);
    return 0;
  }
}

static long op_setopt(ztk_sock *s, const sock_args *a)
{
  return sock_setopt_locked(s, (ztk_sockopt)a->opt, a->value);
}

int ztk_sock_setopt(ztk_sock *s, ztk_sockopt opt, int value)
{
  sock_args a = {.opt = (int)opt, .value = value};
  return s == NULL || s->orphan ? ZTK_EINVAL : (int)sock_call(s, op_setopt, &a);
}

int ztk_sock_getopt(ztk_sock *s, ztk_sockopt opt, int *value)
{
  if (s == NULL || value == NULL || s->orphan)
    return ZTK_EINVAL;
  if (!sock_opt_fits_type(s, opt))
    return ZTK_ESOCK_NOPROTOOPT;
  switch (opt) {
  case ZTK_SO_REUSEADDR:
    *value = s->reuse;
    return 0;
  case ZTK_SO_KEEPALIVE:
    *value = s->keepalive;
    return 0;
  case ZTK_SO_BROADCAST:
    *value = s->broadcast;
    return 0;
  case ZTK_SO_LINGER:
    *value = s->linger;
    return 0;
  case ZTK_SO_RCVBUF:
    *value = s->rcvbuf;
    return 0;
  case ZTK_SO_SNDBUF:
    *value = s->sndbuf;
    return 0;
  case ZTK_SO_RCVQLEN:
    *value = s->rcvqlen;
    return 0;
  case ZTK_SO_TYPE:
    *value = s->type;
    return 0;
  case ZTK_TCP_NODELAY:
    *value = s->nodelay;
    return 0;
  case ZTK_TCP_KEEPIDLE:
    *value = s->keepidle;
    return 0;
  case ZTK_TCP_KEEPINTVL:
    *value = s->keepintvl;
    return 0;
  case ZTK_TCP_KEEPCNT:
    *value = s->keepcnt;
    return 0;
  case ZTK_IP_TTL:
    *value = s->ttl;
    return 0;
  case ZTK_IP_TOS:
    *value = s->tos;
    return 0;
  case ZTK_SO_ERROR:
    *value = s->err;
    s->err = 0;
    return 0;
  default:
    return ZTK_ESOCK_NOPROTOOPT;
  }
}

/* ---- readiness ------------------------------------------------------------------------------- */

unsigned ztk_sock_events(const ztk_sock *s)
{
  unsigned ev = 0;
  if (s == NULL)
    return 0;
  if (s->type == ZTK_SOCK_STREAM)
    return ztk_tcp_events(s);
  if (s->dq_head != NULL)
    ev |= ZTK_SOCK_EV_IN;
  if (s->state != ZS_CLOSED)
    ev |= ZTK_SOCK_EV_OUT;
  if (s->err != 0)
    ev |= ZTK_SOCK_EV_ERR;
  return ev;
}

long ztk_sock_nread(const ztk_sock *s)
{
  if (s == NULL)
    return ZTK_EINVAL;
  if (s->type == ZTK_SOCK_STREAM)
    return (long)s->rx.len;
  return s->dq_head != NULL ? (long)s->dq_head->len : 0;
}

long ztk_sock_outq(const ztk_sock *s)
{
  if (s == NULL)
    return ZTK_EINVAL;
  return s->type == ZTK_SOCK_STREAM ? ztk_tcp_outq(s) : 0;
}

uint64_t ztk_sock_drops(const ztk_sock *s)
{
  return s != NULL ? s->dq_drops : 0;
}

void ztk_sock_set_wakeup(ztk_sock *s, ztk_sock_wakeup_fn fn, void *user)
{
  if (s == NULL)
    return;
  s->wake = fn;
  s->wake_user = user;
  if (fn == NULL)
    sock_unpend(s);
}

ztk_stack_host *ztk_sock_host(const ztk_sock *s)
{
  return s != NULL ? s->host : NULL;
}

ztk_sock_type ztk_sock_type_of(const ztk_sock *s)
{
  return s != NULL ? (ztk_sock_type)s->type : 0;
}

/* ---- ping ------------------------------------------------------------------------------------ */

static long op_ping(ztk_sock *s, const sock_args *a)
{
  return ztk_ping_send(s, a->addr, a->seq, a->len);
}

int ztk_sock_ping_send(ztk_sock *s, const ztk_inaddr *to, uint16_t seq, size_t payload_len)
{
  sock_args a = {.addr = to, .seq = seq, .len = payload_len};
  if (s == NULL || to == NULL || s->orphan || to->family != s->family)
    return ZTK_EINVAL;
  if (s->type != ZTK_SOCK_PING)
    return ZTK_ESOCK_OPNOTSUPP;
  if (payload_len < 8 || payload_len > 65000 || addr_is_any(to))
    return ZTK_EINVAL;
  return (int)sock_call(s, op_ping, &a);
}

int ztk_sock_ping_recv(ztk_sock *s, ztk_ping_reply *out)
{
  if (s == NULL || out == NULL || s->orphan)
    return ZTK_EINVAL;
  if (s->type != ZTK_SOCK_PING)
    return ZTK_ESOCK_OPNOTSUPP;
  ztk_sock_dgram *d = ztk_sock_dq_pop(s);
  if (d == NULL)
    return ZTK_EAGAIN;
  out->from = d->from;
  out->seq = d->seq;
  out->rtt_ms = d->rtt_ms;
  out->ttl = d->ttl;
  out->len = d->len;
  free(d);
  return 0;
}
