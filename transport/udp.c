/* The real-UDP transport backend (contract in udp.h). */
#include "transport/udp.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "transport/pages.h"
#include "transport/check.h"
#include "ztkit/error.h"

/* Room for one int of ancillary data (the TTL / hop limit), aligned as cmsg needs. */
typedef union udp_ctl {
  struct cmsghdr align;
  char buf[CMSG_SPACE(sizeof(int))];
} udp_ctl;

typedef struct udp_slot {
  struct sockaddr_storage to;
  socklen_t tolen;
  int sock;
  int ttl;
  size_t len;
  uint8_t data[ZTK_UDP_SLOT_BYTES];
} udp_slot;

typedef struct udp {
  ztk_transport base;
  ztk_udp_options opt; /* resolved: no zeros left meaning "default" */
  int epfd;
  int nsock;
  int next_rx; /* the socket recv() drains first */
  int fds[ZTK_TRANSPORT_MAX_SOCKETS];
  int families[ZTK_TRANSPORT_MAX_SOCKETS];
  udp_slot *queue; /* ring of opt.send_queue slots */
  int qhead, qcount;
  int nmm; /* entries in each scratch array below */
  struct mmsghdr *mm;
  struct iovec *iov;
  udp_ctl *ctl;
  ztk_udp_stats st;
} udp;

static const ztk_transport_ops udp_ops;

static int map_errno(int e)
{
  switch (e) {
  case EADDRINUSE:
    return ZTK_EEXIST;
  case EAGAIN:
#if EWOULDBLOCK != EAGAIN
  case EWOULDBLOCK:
#endif
  case ENOBUFS:
  case EINTR:
    return ZTK_EAGAIN;
  case EAFNOSUPPORT:
  case EPROTONOSUPPORT:
    return ZTK_EUNSUPPORTED;
  case EADDRNOTAVAIL:
    return ZTK_ENOTFOUND;
  case EMSGSIZE:
    return ZTK_ERANGE;
  case ENOMEM:
    return ZTK_ENOMEM;
  case EMFILE:
  case ENFILE:
    return ZTK_ELIMIT;
  case EINVAL:
    return ZTK_EINVAL;
  default:
    return ZTK_ESOCK;
  }
}

/* Records errno e and returns its ZTK_E* code. */
static int udp_err(udp *u, int e)
{
  u->st.last_errno = e;
  return map_errno(e);
}

static socklen_t family_len(int family)
{
  return family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
}

/* ---- bind ------------------------------------------------------------------------------ */

/* Asks for `bytes` of buffer (the privileged option first, which ignores rmem_max/wmem_max)
 * and returns the size the kernel reports afterwards. */
static int udp_buffer(int fd, int force_opt, int opt, int bytes)
{
  if (bytes > 0 && setsockopt(fd, SOL_SOCKET, force_opt, &bytes, sizeof bytes) != 0)
    (void)setsockopt(fd, SOL_SOCKET, opt, &bytes, sizeof bytes);
  int v = 0;
  socklen_t l = sizeof v;
  (void)getsockopt(fd, SOL_SOCKET, opt, &v, &l);
  return v;
}

/* Best-effort tuning: failures leave the kernel's defaults. */
static void udp_tune(udp *u, int fd, int family)
{
  u->st.rcvbuf = udp_buffer(fd, SO_RCVBUFFORCE, SO_RCVBUF, u->opt.rcvbuf);
  u->st.sndbuf = udp_buffer(fd, SO_SNDBUFFORCE, SO_SNDBUF, u->opt.sndbuf);
  if (family == AF_INET) {
    int v = IP_PMTUDISC_DONT;
    (void)setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &v, sizeof v);
  } else {
    int v = IPV6_PMTUDISC_DONT;
    (void)setsockopt(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &v, sizeof v);
  }
}

/* Binds fd and registers it with epoll. Returns 0 or a mapped error. */
static int udp_attach(udp *u, int fd, int family, const struct sockaddr *addr)
{
  int on = 1;
  if (family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on) != 0)
    return udp_err(u, errno);
  if (bind(fd, addr, family_len(family)) != 0)
    return udp_err(u, errno);
  struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)u->nsock};
  if (epoll_ctl(u->epfd, EPOLL_CTL_ADD, fd, &ev) != 0)
    return udp_err(u, errno);
  return 0;
}

static int udp_bind(ztk_transport *t, const struct sockaddr *addr, socklen_t len)
{
  udp *u = (udp *)t;
  int family = ztk_tp_check_addr(addr, len);
  if (family < 0)
    return family;
  if (u->nsock >= ZTK_TRANSPORT_MAX_SOCKETS)
    return ZTK_ELIMIT;
  int fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return udp_err(u, errno);
  udp_tune(u, fd, family);
  int rc = udp_attach(u, fd, family, addr);
  if (rc < 0) {
    close(fd);
    return rc;
  }
  u->fds[u->nsock] = fd;
  u->families[u->nsock] = family;
  return u->nsock++;
}

static int udp_local_addr(const ztk_transport *t, int sock, struct sockaddr_storage *out)
{
  const udp *u = (const udp *)t;
  if (!out || sock < 0 || sock >= u->nsock)
    return ZTK_EINVAL;
  memset(out, 0, sizeof *out);
  socklen_t l = sizeof *out;
  if (getsockname(u->fds[sock], (struct sockaddr *)out, &l) != 0)
    return map_errno(errno);
  return 0;
}

static int udp_fd(const ztk_transport *t)
{
  return ((const udp *)t)->epfd;
}

/* ---- send ------------------------------------------------------------------------------ */

/* Fills one outgoing message; ttl > 0 adds it as ancillary data. */
static void udp_msg(struct msghdr *m, struct iovec *iov, udp_ctl *ctl, const void *to,
                    socklen_t tolen, const void *data, size_t len, int ttl)
{
  memset(m, 0, sizeof *m);
  iov->iov_base = (void *)(uintptr_t)data;
  iov->iov_len = len;
  m->msg_name = (void *)(uintptr_t)to;
  m->msg_namelen = tolen;
  m->msg_iov = iov;
  m->msg_iovlen = 1;
  if (ttl <= 0)
    return;
  int v4 = ((const struct sockaddr *)to)->sa_family == AF_INET;
  memset(ctl, 0, sizeof *ctl);
  m->msg_control = ctl->buf;
  m->msg_controllen = sizeof ctl->buf;
  struct cmsghdr *c = CMSG_FIRSTHDR(m);
  c->cmsg_level = v4 ? IPPROTO_IP : IPPROTO_IPV6;
  c->cmsg_type = v4 ? IP_TTL : IPV6_HOPLIMIT;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &ttl, sizeof ttl);
}

/* Builds messages for the run of queued datagrams at the head that share one socket.
 * Returns the run's length (>= 1; the queue is not empty). */
static int udp_build_run(udp *u)
{
  int cap = u->opt.send_queue, sock = u->queue[u->qhead].sock, n = 0;
  while (n < u->qcount) {
    const udp_slot *s = &u->queue[(u->qhead + n) % cap];
    if (s->sock != sock)
      break;
    udp_msg(&u->mm[n].msg_hdr, &u->iov[n], &u->ctl[n], &s->to, s->tolen, s->data, s->len, s->ttl);
    n++;
  }
  return n;
}

static void udp_pop(udp *u, int n)
{
  u->qhead = (u->qhead + n) % u->opt.send_queue;
  u->qcount -= n;
}

static int udp_flush(ztk_transport *t)
{
  udp *u = (udp *)t;
  /* Each pass hands over or drops at least one datagram, except EINTR; bound it anyway. */
  for (int guard = 2 * u->opt.send_queue + 2; u->qcount > 0 && guard > 0; guard--) {
    int n = udp_build_run(u);
    int r = sendmmsg(u->fds[u->queue[u->qhead].sock], u->mm, (unsigned)n, 0);
    if (r > 0) {
      udp_pop(u, r);
      u->st.sent += (uint64_t)r;
      continue;
    }
    int e = r < 0 ? errno : EAGAIN;
    if (e == EINTR)
      continue;
    u->st.last_errno = e;
    if (e == EAGAIN || e == EWOULDBLOCK || e == ENOBUFS)
      return ZTK_EAGAIN;
    u->st.send_errors++; /* this datagram is refused for good (unreachable, too big, ...) */
    udp_pop(u, 1);
  }
  return u->qcount > 0 ? ZTK_EAGAIN : 0;
}

static int udp_enqueue(udp *u, int sock, const struct sockaddr *to, socklen_t tolen,
                       const void *data, size_t len, int ttl)
{
  if (u->qcount == u->opt.send_queue) {
    (void)udp_flush(&u->base);
    if (u->qcount == u->opt.send_queue) {
      u->st.queue_full++;
      return ZTK_EAGAIN;
    }
  }
  udp_slot *s = &u->queue[(u->qhead + u->qcount) % u->opt.send_queue];
  memcpy(&s->to, to, tolen);
  s->tolen = tolen;
  s->sock = sock;
  s->ttl = ttl;
  s->len = len;
  if (len)
    memcpy(s->data, data, len);
  u->qcount++;
  return 0;
}

static int udp_send(ztk_transport *t, int sock, const struct sockaddr *to, socklen_t tolen,
                    const void *data, size_t len, int ttl)
{
  udp *u = (udp *)t;
  int family = ztk_tp_check_send(to, tolen, data, len, ttl);
  if (family < 0)
    return family;
  sock = ztk_tp_pick_sock(u->families, u->nsock, sock, family);
  if (sock < 0)
    return sock;
  tolen = family_len(family);
  if (u->opt.send_queue > 0 && len <= ZTK_UDP_SLOT_BYTES)
    return udp_enqueue(u, sock, to, tolen, data, len, ttl);
  if (u->qcount > 0)
    (void)udp_flush(t); /* keep the order of queued datagrams before this one */
  struct msghdr m;
  struct iovec iov;
  udp_ctl ctl;
  udp_msg(&m, &iov, &ctl, to, tolen, data, len, ttl);
  if (sendmsg(u->fds[sock], &m, 0) < 0)
    return udp_err(u, errno);
  u->st.sent++;
  return 0;
}

/* ---- recv ------------------------------------------------------------------------------ */

static void udp_rx_msg(struct mmsghdr *mm, struct iovec *iov, ztk_datagram *d)
{
  memset(&mm->msg_hdr, 0, sizeof mm->msg_hdr);
  iov->iov_base = d->data;
  iov->iov_len = d->cap;
  mm->msg_hdr.msg_name = &d->from;
  mm->msg_hdr.msg_namelen = sizeof d->from;
  mm->msg_hdr.msg_iov = iov;
  mm->msg_hdr.msg_iovlen = 1;
}

/* Completes the r datagrams received into out[base..base+r): drops the truncated ones,
 * moving the buffers of later ones down. Returns the new count of filled entries. */
static int udp_keep(udp *u, int sock, ztk_datagram *out, int base, int r)
{
  int w = base;
  for (int i = 0; i < r; i++) {
    ztk_datagram *d = &out[base + i];
    if (u->mm[i].msg_hdr.msg_flags & MSG_TRUNC) {
      u->st.truncated++;
      continue;
    }
    if (d != &out[w]) {
      uint8_t *data = out[w].data;
      size_t cap = out[w].cap;
      out[w].data = d->data;
      out[w].cap = d->cap;
      out[w].from = d->from;
      d->data = data;
      d->cap = cap;
    }
    out[w].sock = sock;
    out[w].len = u->mm[i].msg_len;
    w++;
  }
  u->st.received += (uint64_t)(w - base);
  return w;
}

/* Receives from one socket into out[got..max). Returns the new count; *err receives the
 * mapped error of a failing recvmmsg. */
static int udp_drain(udp *u, int sock, ztk_datagram *out, int got, int max, int *err)
{
  int batch = u->opt.recv_batch;
  for (int rounds = max / batch + 2; got < max && rounds > 0; rounds--) {
    int want = max - got < batch ? max - got : batch;
    for (int i = 0; i < want; i++)
      udp_rx_msg(&u->mm[i], &u->iov[i], &out[got + i]);
    int r = recvmmsg(u->fds[sock], u->mm, (unsigned)want, MSG_DONTWAIT, NULL);
    if (r < 0) {
      if (errno == EINTR)
        continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK)
        *err = udp_err(u, errno);
      break;
    }
    got = udp_keep(u, sock, out, got, r);
    if (r < want)
      break;
  }
  return got;
}

static int udp_recv(ztk_transport *t, ztk_datagram *out, int max)
{
  udp *u = (udp *)t;
  int ok = ztk_tp_check_recv(out, max);
  if (ok <= 0)
    return ok;
  int got = 0, err = 0;
  for (int k = 0; k < u->nsock && got < max; k++)
    got = udp_drain(u, (u->next_rx + k) % u->nsock, out, got, max, &err);
  if (u->nsock > 0)
    u->next_rx = (u->next_rx + 1) % u->nsock;
  return got > 0 ? got : err;
}

/* ---- lifetime -------------------------------------------------------------------------- */

static void udp_close(ztk_transport *t)
{
  udp *u = (udp *)t;
  if (u->qcount > 0)
    (void)udp_flush(t); /* best effort: whatever the kernel will not take is lost */
  for (int i = 0; i < u->nsock; i++)
    close(u->fds[i]);
  if (u->epfd >= 0)
    close(u->epfd);
  ztk_pages_free(u->queue, (size_t)u->opt.send_queue * sizeof *u->queue);
  free(u->mm);
  free(u->iov);
  free(u->ctl);
  free(u);
}

static const ztk_transport_ops udp_ops = {
    .bind = udp_bind,
    .send = udp_send,
    .recv = udp_recv,
    .fd = udp_fd,
    .local_addr = udp_local_addr,
    .close = udp_close,
    .flush = udp_flush,
};

/* Fills in defaults. Returns 0 or ZTK_EINVAL for an out-of-range option. */
static int udp_resolve(const ztk_udp_options *in, ztk_udp_options *o)
{
  *o = in ? *in : (ztk_udp_options){0};
  if (o->recv_batch < 0 || o->recv_batch > ZTK_UDP_BATCH_MAX || o->send_queue < 0 ||
      o->send_queue > ZTK_UDP_BATCH_MAX)
    return ZTK_EINVAL;
  if (o->recv_batch == 0)
    o->recv_batch = ZTK_UDP_RECV_BATCH_DEFAULT;
  if (o->rcvbuf == 0)
    o->rcvbuf = ZTK_UDP_RCVBUF_DEFAULT;
  if (o->sndbuf == 0)
    o->sndbuf = ZTK_UDP_SNDBUF_DEFAULT;
  return 0;
}

int ztk_udp_transport_new_opts(const ztk_udp_options *opts, ztk_transport **out)
{
  ztk_udp_options o;
  if (!out || udp_resolve(opts, &o) != 0)
    return ZTK_EINVAL;
  *out = NULL;
  udp *u = calloc(1, sizeof *u);
  if (!u)
    return ZTK_ENOMEM;
  u->base = (ztk_transport){.ops = &udp_ops, .kind = "udp"};
  u->opt = o;
  u->nmm = o.recv_batch > o.send_queue ? o.recv_batch : o.send_queue;
  u->mm = calloc((size_t)u->nmm, sizeof *u->mm);
  u->iov = calloc((size_t)u->nmm, sizeof *u->iov);
  u->ctl = calloc((size_t)u->nmm, sizeof *u->ctl);
  u->queue = ztk_pages_alloc((size_t)o.send_queue * sizeof *u->queue); /* written in bursts */
  u->epfd = epoll_create1(EPOLL_CLOEXEC);
  int rc = u->epfd < 0 ? udp_err(u, errno) : 0;
  if (rc == 0 && (!u->mm || !u->iov || !u->ctl || (o.send_queue && !u->queue)))
    rc = ZTK_ENOMEM;
  if (rc < 0) {
    udp_close(&u->base);
    return rc;
  }
  *out = &u->base;
  return 0;
}

int ztk_udp_transport_new(ztk_transport **out)
{
  return ztk_udp_transport_new_opts(NULL, out);
}

int ztk_udp_transport_stats(const ztk_transport *t, ztk_udp_stats *out)
{
  if (!t || !out || t->ops != &udp_ops)
    return ZTK_EINVAL;
  const udp *u = (const udp *)t;
  *out = u->st;
  out->queued = u->qcount;
  return 0;
}
