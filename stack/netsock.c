/* Application sockets (ztkit/socket.h): each call enters the driver, tries the non-blocking
 * operation of stack/socket.h, and if that answers ZTK_EAGAIN registers a waiter on the socket
 * and lets the driver sleep until the socket's wakeup callback (or the deadline) ends it. */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "stack/netstack.h"
#include "stack/sock_err.h"

#define MAX_TRIES 100000000 /* bound on retries of one call (each follows a wakeup) */

typedef struct ztk_socket ztk_socket;
typedef long (*try_fn)(ztk_socket *s, void *arg);

/* ---- bookkeeping ---- */

void ztk_ns_socket_use(ztk_socket *s)
{
  s->users++;
}

bool ztk_ns_socket_unuse(ztk_socket *s)
{
  return --s->users == 0 && s->closed;
}

void ztk_ns_socket_free(ztk_socket *s)
{
  ztk_netstack *ns = s->ns;
  ns->drv->lock(ns->ctx);
  bool last = ztk_ns_unref_locked(ns);
  ns->drv->unlock(ns->ctx);
  free(s);
  if (last)
    ztk_ns_destroy(ns);
}

static void on_wakeup(void *user, ztk_sock *sk, unsigned events)
{
  ztk_socket *s = user;
  (void)sk;
  ztk_ns_fire(s->ns, s->links, events);
}

/* Wraps stack socket sk (entered). Returns the wrapper or NULL (out of memory). */
static ztk_socket *wrap(ztk_netstack *ns, ztk_sock *sk, int family, ztk_sock_type type)
{
  ztk_socket *s = calloc(1, sizeof *s);
  if (!s)
    return NULL;
  s->ns = ns;
  s->sock = sk;
  s->family = family;
  s->type = type;
  s->next = ns->socks;
  if (ns->socks)
    ns->socks->prev = s;
  ns->socks = s;
  ns->nsocks++;
  ns->refs++;
  ztk_sock_set_wakeup(sk, on_wakeup, s);
  return s;
}

static void unlink_socket(ztk_socket *s)
{
  ztk_netstack *ns = s->ns;
  if (s->prev)
    s->prev->next = s->next;
  else
    ns->socks = s->next;
  if (s->next)
    s->next->prev = s->prev;
  s->next = s->prev = NULL;
  ns->nsocks--;
}

/* What a call on a socket without a stack socket gets. */
static int dead_error(const ztk_socket *s)
{
  if (s->closed)
    return ZTK_ESOCK_ABORTED;
  return s->dead_err ? s->dead_err : s->ns->down_err ? s->ns->down_err : ZTK_ENODE_STOPPED;
}

/* ---- the call skeleton ---- */

/* Runs fn entered until it answers something other than ZTK_EAGAIN; between tries waits for
 * the socket's readiness to meet mask, until timeout_ms. Returns fn's answer, ZTK_EAGAIN when
 * the time is up, or the socket's death error. */
static long run(ztk_socket *s, try_fn fn, void *arg, unsigned mask, int timeout_ms)
{
  ztk_netstack *ns = s->ns;
  const ztk_netstack_driver *d = ns->drv;
  int64_t deadline = ztk_ns_deadline(ns, timeout_ms);
  long r = ZTK_EAGAIN;
  d->lock(ns->ctx);
  ztk_ns_socket_use(s);
  d->unlock(ns->ctx);
  for (int tries = 0; tries < MAX_TRIES; tries++) {
    if (d->enter(ns->ctx) != 0) {
      d->lock(ns->ctx);
      r = dead_error(s);
      d->unlock(ns->ctx);
      break;
    }
    r = s->sock ? fn(s, arg) : dead_error(s);
    if (r != ZTK_EAGAIN || !s->sock || d->now_ms(ns->ctx) >= deadline) {
      d->leave(ns->ctx);
      break;
    }
    ztk_ns_waiter w = {0};
    ztk_ns_link l = {&w, mask, NULL};
    ztk_ns_link_add(&s->links, &l);
    d->leave(ns->ctx);
    d->lock(ns->ctx);
    d->wait(ns->ctx, &w, deadline);
    ztk_ns_link_remove(&s->links, &l);
    d->unlock(ns->ctx);
  }
  d->lock(ns->ctx);
  bool gone = ztk_ns_socket_unuse(s);
  d->unlock(ns->ctx);
  if (gone)
    ztk_ns_socket_free(s);
  return r;
}

/* Runs fn once, entered, without waiting. */
static long run_once(ztk_socket *s, try_fn fn, void *arg)
{
  return run(s, fn, arg, 0, 0);
}

/* Reads locked: fn must not send. */
static long run_locked(ztk_socket *s, try_fn fn, void *arg)
{
  ztk_netstack *ns = s->ns;
  ns->drv->lock(ns->ctx);
  long r = s->sock ? fn(s, arg) : dead_error(s);
  ns->drv->unlock(ns->ctx);
  return r;
}

/* ---- addresses ---- */

/* sockaddr -> ztk_inaddr for socket s. Returns 0, ZTK_EINVAL (length, NULL) or
 * ZTK_ESOCK_AFNOSUPPORT (not the socket's family). */
static int addr_in(const ztk_socket *s, const struct sockaddr *sa, socklen_t len, ztk_inaddr *out)
{
  if (!sa)
    return ZTK_EINVAL;
  if (sa->sa_family != AF_INET && sa->sa_family != AF_INET6)
    return ZTK_ESOCK_AFNOSUPPORT;
  if (len < (sa->sa_family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6)))
    return ZTK_EINVAL;
  if (sa->sa_family != s->family)
    return ZTK_ESOCK_AFNOSUPPORT;
  return ztk_inaddr_from_sockaddr(out, sa) ? ZTK_EINVAL : 0;
}

static void addr_out(const ztk_inaddr *a, struct sockaddr_storage *out)
{
  if (out) {
    memset(out, 0, sizeof *out);
    ztk_inaddr_to_sockaddr(a, out);
  }
}

/* ---- open / close ---- */

int ztk_socket_open(ztk_socket **out, ztk_netstack *ns, int family, ztk_sock_type type)
{
  if (!out || !ns || type < ZTK_SOCK_STREAM || type > ZTK_SOCK_RAW)
    return ZTK_EINVAL;
  *out = NULL;
  if (family != AF_INET && family != AF_INET6)
    return ZTK_ESOCK_AFNOSUPPORT;
  if (ns->drv->enter(ns->ctx) != 0) {
    ns->drv->lock(ns->ctx);
    int err = ns->down_err ? ns->down_err : ZTK_ESTATE;
    ns->drv->unlock(ns->ctx);
    return err;
  }
  ztk_sock *sk = NULL;
  int rc = ns->host ? ztk_sock_new(&sk, ns->host, family == AF_INET ? 4 : 6, type) : ns->down_err;
  if (rc == 0 && !(*out = wrap(ns, sk, family, type))) {
    ztk_sock_abort(sk);
    rc = ZTK_ENOMEM;
  }
  ns->drv->leave(ns->ctx);
  return rc;
}

int ztk_socket_close(ztk_socket *s)
{
  if (!s)
    return ZTK_EINVAL;
  ztk_netstack *ns = s->ns;
  bool entered = ns->drv->enter(ns->ctx) == 0;
  if (!entered)
    ns->drv->lock(ns->ctx);
  int rc = s->closed ? ZTK_EINVAL : 0;
  if (s->sock) {
    ztk_sock_set_wakeup(s->sock, NULL, NULL);
    ztk_sock_close(s->sock);
    s->sock = NULL;
  }
  bool free_now = false;
  if (!s->closed) {
    s->closed = true;
    unlink_socket(s);
    ztk_ns_fire(ns, s->links, ZTK_SOCK_EV_ERR | ZTK_SOCK_EV_HUP);
    free_now = s->users == 0;
  }
  if (entered)
    ns->drv->leave(ns->ctx);
  else
    ns->drv->unlock(ns->ctx);
  if (free_now)
    ztk_ns_socket_free(s);
  return rc;
}

/* ---- bind, listen, connect, accept ---- */

static long try_bind(ztk_socket *s, void *arg)
{
  return ztk_sock_bind(s->sock, arg);
}

int ztk_socket_bind(ztk_socket *s, const struct sockaddr *addr, socklen_t len)
{
  ztk_inaddr a;
  int rc = s ? addr_in(s, addr, len, &a) : ZTK_EINVAL;
  return rc ? rc : (int)run_once(s, try_bind, &a);
}

static long try_listen(ztk_socket *s, void *arg)
{
  return ztk_sock_listen(s->sock, *(int *)arg);
}

int ztk_socket_listen(ztk_socket *s, int backlog)
{
  if (!s)
    return ZTK_EINVAL;
  if (s->type != ZTK_SOCK_STREAM)
    return ZTK_ESOCK_OPNOTSUPP;
  return (int)run_once(s, try_listen, &backlog);
}

typedef struct connect_arg {
  ztk_inaddr to;
  bool started;
} connect_arg;

/* First call: start; later calls: see how the handshake went. */
static long try_connect(ztk_socket *s, void *arg)
{
  connect_arg *c = arg;
  if (!c->started) {
    c->started = true;
    int rc = ztk_sock_connect(s->sock, &c->to);
    return rc == ZTK_ESOCK_INPROGRESS ? ZTK_EAGAIN : rc;
  }
  unsigned ev = ztk_sock_events(s->sock);
  int err = 0;
  if (ev & (ZTK_SOCK_EV_ERR | ZTK_SOCK_EV_HUP)) {
    ztk_sock_getopt(s->sock, ZTK_SO_ERROR, &err);
    return err ? err : ZTK_ESOCK_RESET;
  }
  return ev & ZTK_SOCK_EV_OUT ? 0 : ZTK_EAGAIN;
}

int ztk_socket_connect(ztk_socket *s, const struct sockaddr *addr, socklen_t len, int timeout_ms)
{
  connect_arg c = {.started = false};
  int rc = s ? addr_in(s, addr, len, &c.to) : ZTK_EINVAL;
  if (rc)
    return rc;
  if (timeout_ms == 0) {
    rc = (int)run_once(s, try_connect, &c);
    return rc == ZTK_EAGAIN ? ZTK_ESOCK_INPROGRESS : rc;
  }
  rc = (int)run(s, try_connect, &c, ZTK_SOCK_EV_OUT, timeout_ms);
  return rc == ZTK_EAGAIN ? ZTK_ETIMEDOUT : rc;
}

typedef struct accept_arg {
  ztk_socket *child;
  ztk_inaddr peer;
} accept_arg;

static long try_accept(ztk_socket *s, void *arg)
{
  accept_arg *a = arg;
  ztk_sock *sk;
  int rc = ztk_sock_accept(s->sock, &sk, &a->peer);
  if (rc)
    return rc;
  if (!(a->child = wrap(s->ns, sk, s->family, ZTK_SOCK_STREAM))) {
    ztk_sock_abort(sk);
    return ZTK_ENOMEM;
  }
  return 0;
}

int ztk_socket_accept(ztk_socket *s, ztk_socket **out, struct sockaddr_storage *peer,
                      int timeout_ms)
{
  accept_arg a = {NULL, {0}};
  if (!s || !out)
    return ZTK_EINVAL;
  *out = NULL;
  int rc = (int)run(s, try_accept, &a, ZTK_SOCK_EV_IN, timeout_ms);
  if (rc == ZTK_EAGAIN && timeout_ms != 0)
    return ZTK_ETIMEDOUT;
  if (rc == 0) {
    *out = a.child;
    addr_out(&a.peer, peer);
  }
  return rc;
}

/* ---- data ---- */

typedef struct io_arg {
  const uint8_t *out; /* send */
  uint8_t *in;        /* recv */
  size_t len, done;
  int flags;
  ztk_inaddr addr;
} io_arg;

static long try_send(ztk_socket *s, void *arg)
{
  io_arg *io = arg;
  for (int i = 0; i < 64 && io->done < io->len; i++) {
    long n = ztk_sock_send(s->sock, io->out + io->done, io->len - io->done);
    if (n <= 0)
      return io->done > 0 && n != ZTK_EAGAIN ? (long)io->done : n;
    io->done += (size_t)n;
    if (s->type != ZTK_SOCK_STREAM)
      return n;
  }
  return io->done == io->len ? (long)io->done : ZTK_EAGAIN;
}

long ztk_socket_send(ztk_socket *s, const void *buf, size_t len, int timeout_ms)
{
  io_arg io = {.out = buf, .len = len};
  if (!s || (!buf && len))
    return ZTK_EINVAL;
  long r = run(s, try_send, &io, ZTK_SOCK_EV_OUT, timeout_ms);
  return r == ZTK_EAGAIN && io.done > 0 ? (long)io.done : r;
}

static long try_recv(ztk_socket *s, void *arg)
{
  io_arg *io = arg;
  for (int i = 0; i < 64; i++) {
    long n = ztk_sock_recv(s->sock, io->in + io->done, io->len - io->done, io->flags & ZTK_MSG_PEEK);
    if (n < 0)
      return io->done > 0 && n != ZTK_EAGAIN ? (long)io->done : n;
    io->done += (size_t)n;
    bool more = (io->flags & ZTK_MSG_WAITALL) && s->type == ZTK_SOCK_STREAM &&
                !(io->flags & ZTK_MSG_PEEK);
    if (n == 0 || !more || io->done == io->len)
      return (long)io->done;
  }
  return ZTK_EAGAIN;
}

long ztk_socket_recv(ztk_socket *s, void *buf, size_t cap, int flags, int timeout_ms)
{
  io_arg io = {.in = buf, .len = cap, .flags = flags};
  if (!s || (!buf && cap))
    return ZTK_EINVAL;
  long r = run(s, try_recv, &io, ZTK_SOCK_EV_IN | ZTK_SOCK_EV_RDHUP, timeout_ms);
  return r == ZTK_EAGAIN && io.done > 0 ? (long)io.done : r;
}

static long try_sendto(ztk_socket *s, void *arg)
{
  io_arg *io = arg;
  return ztk_sock_sendto(s->sock, io->out, io->len, io->addr.family ? &io->addr : NULL);
}

long ztk_socket_sendto(ztk_socket *s, const void *buf, size_t len, const struct sockaddr *to,
                       socklen_t tolen)
{
  io_arg io = {.out = buf, .len = len};
  if (!s || (!buf && len))
    return ZTK_EINVAL;
  if (to) {
    int rc = addr_in(s, to, tolen, &io.addr);
    if (rc)
      return rc;
  }
  return run_once(s, try_sendto, &io);
}

static long try_recvfrom(ztk_socket *s, void *arg)
{
  io_arg *io = arg;
  return ztk_sock_recvfrom(s->sock, io->in, io->len, &io->addr, io->flags & ZTK_MSG_PEEK);
}

long ztk_socket_recvfrom(ztk_socket *s, void *buf, size_t cap, int flags,
                         struct sockaddr_storage *from, int timeout_ms)
{
  io_arg io = {.in = buf, .len = cap, .flags = flags};
  if (!s || (!buf && cap))
    return ZTK_EINVAL;
  long r = run(s, try_recvfrom, &io, ZTK_SOCK_EV_IN, timeout_ms);
  if (r >= 0)
    addr_out(&io.addr, from);
  return r;
}

/* ---- the rest ---- */

static long try_shutdown(ztk_socket *s, void *arg)
{
  return ztk_sock_shutdown(s->sock, *(int *)arg);
}

int ztk_socket_shutdown(ztk_socket *s, int how)
{
  if (!s || how < ZTK_SHUT_RD || how > ZTK_SHUT_RDWR)
    return ZTK_EINVAL;
  return (int)run_once(s, try_shutdown, &how);
}

static long try_name(ztk_socket *s, void *arg)
{
  ztk_inaddr a;
  int rc = ztk_sock_name(s->sock, &a);
  if (!rc)
    addr_out(&a, arg);
  return rc;
}

static long try_peer(ztk_socket *s, void *arg)
{
  ztk_inaddr a;
  int rc = ztk_sock_peer(s->sock, &a);
  if (!rc)
    addr_out(&a, arg);
  return rc;
}

int ztk_socket_name(ztk_socket *s, struct sockaddr_storage *out)
{
  return s && out ? (int)run_locked(s, try_name, out) : ZTK_EINVAL;
}

int ztk_socket_peer(ztk_socket *s, struct sockaddr_storage *out)
{
  return s && out ? (int)run_locked(s, try_peer, out) : ZTK_EINVAL;
}

typedef struct opt_arg {
  ztk_sockopt opt;
  int value;
} opt_arg;

static long try_setopt(ztk_socket *s, void *arg)
{
  opt_arg *o = arg;
  return ztk_sock_setopt(s->sock, o->opt, o->value);
}

static long try_getopt(ztk_socket *s, void *arg)
{
  opt_arg *o = arg;
  return ztk_sock_getopt(s->sock, o->opt, &o->value);
}

int ztk_socket_setopt(ztk_socket *s, ztk_sockopt opt, int value)
{
  opt_arg o = {opt, value};
  return s ? (int)run_once(s, try_setopt, &o) : ZTK_EINVAL;
}

int ztk_socket_getopt(ztk_socket *s, ztk_sockopt opt, int *value)
{
  opt_arg o = {opt, 0};
  if (!s || !value)
    return ZTK_EINVAL;
  int rc = (int)run_locked(s, try_getopt, &o);
  if (!rc)
    *value = o.value;
  return rc;
}

static long try_events(ztk_socket *s, void *arg)
{
  (void)arg;
  return (long)ztk_sock_events(s->sock);
}

unsigned ztk_socket_events(ztk_socket *s)
{
  if (!s)
    return ZTK_SOCK_EV_ERR | ZTK_SOCK_EV_HUP;
  long r = run_locked(s, try_events, NULL);
  return r < 0 ? ZTK_SOCK_EV_ERR | ZTK_SOCK_EV_HUP : (unsigned)r;
}

static long try_nread(ztk_socket *s, void *arg)
{
  (void)arg;
  return ztk_sock_nread(s->sock);
}

static long try_outq(ztk_socket *s, void *arg)
{
  (void)arg;
  return ztk_sock_outq(s->sock);
}

long ztk_socket_nread(ztk_socket *s)
{
  return s ? run_locked(s, try_nread, NULL) : ZTK_EINVAL;
}

long ztk_socket_outq(ztk_socket *s)
{
  return s ? run_locked(s, try_outq, NULL) : ZTK_EINVAL;
}

/* ---- ping ---- */

typedef struct ping_arg {
  ztk_inaddr to;
  uint16_t seq;
  size_t len;
  ztk_ping_reply reply;
} ping_arg;

static long try_ping_send(ztk_socket *s, void *arg)
{
  ping_arg *p = arg;
  return ztk_sock_ping_send(s->sock, &p->to, p->seq, p->len);
}

static long try_ping_recv(ztk_socket *s, void *arg)
{
  ping_arg *p = arg;
  return ztk_sock_ping_recv(s->sock, &p->reply);
}

int ztk_socket_ping_send(ztk_socket *s, const struct sockaddr *to, socklen_t tolen, uint16_t seq,
                         size_t payload_len)
{
  ping_arg p = {.seq = seq, .len = payload_len};
  int rc = s ? addr_in(s, to, tolen, &p.to) : ZTK_EINVAL;
  return rc ? rc : (int)run_once(s, try_ping_send, &p);
}

int ztk_socket_ping_recv(ztk_socket *s, ztk_ping_result *out, int timeout_ms)
{
  ping_arg p;
  if (!s || !out)
    return ZTK_EINVAL;
  memset(&p, 0, sizeof p);
  int rc = (int)run(s, try_ping_recv, &p, ZTK_SOCK_EV_IN, timeout_ms);
  if (rc == 0) {
    memset(out, 0, sizeof *out);
    addr_out(&p.reply.from, &out->from);
    out->seq = p.reply.seq;
    out->rtt_ms = p.reply.rtt_ms;
    out->ttl = p.reply.ttl;
    out->len = p.reply.len;
  }
  return rc;
}

int ztk_socket_errno(int err)
{
  return ztk_sock_errno(err);
}
