/* zts_bsd_*: POSIX-style sockets over ztkit/socket.h on the default node's netstack. */
#include <stdlib.h>
#include <string.h>

#include "ZeroTierSockets.h"
#include "zts/defnode.h"
#include "zts/fdtab.h"
#include "zts/saddr.h"

#define IOV_MAX_N 1024
#define DGRAM_MAX 65535
#define STREAM_CHUNK (1 << 20) /* readv/recvmsg on TCP read at most this much at once */

/* Takes fd's entry into `e` or returns ZTS_ERR_ARG (zts_errno ZTS_EBADF). */
#define TAKE(e, fd)                                                                                \
  zts_fd *e = zts_fd_get(fd);                                                                      \
  if (!e)                                                                                          \
  return ZTS_ERR_ARG

/* A native result: >= 0 as is, else ZTS_ERR_SOCKET with zts_errno. */
static long result(long rc)
{
  return rc >= 0 ? rc : zts_sock_fail((int)rc);
}

static int native_flags(int flags)
{
  return ((flags & ZTS_MSG_PEEK) ? ZTK_MSG_PEEK : 0) | ((flags & ZTS_MSG_WAITALL) ? ZTK_MSG_WAITALL : 0);
}

ZTS_API int zts_bsd_socket(int family, int type, int protocol)
{
  ztk_netstack *ns;
  if (!zts_dn_get(NULL, &ns) || !ns)
    return ZTS_ERR_SERVICE;
  if (family != ZTS_AF_INET && family != ZTS_AF_INET6)
    return zts_sock_fail(ZTK_ESOCK_AFNOSUPPORT);
  ztk_sock_type t;
  if (type == ZTS_SOCK_STREAM && (protocol == 0 || protocol == ZTS_IPPROTO_TCP))
    t = ZTK_SOCK_STREAM;
  else if (type == ZTS_SOCK_DGRAM && (protocol == 0 || protocol == ZTS_IPPROTO_UDP))
    t = ZTK_SOCK_DGRAM;
  else if (type == ZTS_SOCK_RAW &&
           protocol == (family == ZTS_AF_INET ? ZTS_IPPROTO_ICMP : ZTS_IPPROTO_ICMPV6))
    t = ZTK_SOCK_RAW;
  else {
    bool known = type == ZTS_SOCK_STREAM || type == ZTS_SOCK_DGRAM || type == ZTS_SOCK_RAW;
    zts_set_errno(known ? ZTS_EPROTONOSUPPORT : ZTS_ESOCKTNOSUPPORT);
    return ZTS_ERR_SOCKET;
  }
  int fam = family == ZTS_AF_INET ? AF_INET : AF_INET6;
  ztk_socket *s;
  int rc = ztk_socket_open(&s, ns, fam, t);
  if (rc)
    return rc == ZTK_ESTATE || rc == ZTK_ENODE_STOPPED ? ZTS_ERR_SERVICE : zts_sock_fail(rc);
  int fd = zts_fd_add(s, fam, t);
  if (fd < 0) {
    zts_set_errno(ZTS_EMFILE);
    return ZTS_ERR_SOCKET;
  }
  return fd;
}

ZTS_API int zts_bsd_bind(int fd, const struct zts_sockaddr *addr, zts_socklen_t addrlen)
{
  struct sockaddr_storage ss;
  if (zts_sa_in(addr, addrlen, &ss))
    return zts_arg_fail(ZTS_EINVAL);
  TAKE(e, fd);
  long rc = ztk_socket_bind(e->s, (struct sockaddr *)&ss, sizeof ss);
  zts_fd_put(e);
  return (int)result(rc);
}

ZTS_API int zts_bsd_listen(int fd, int backlog)
{
  TAKE(e, fd);
  long rc = ztk_socket_listen(e->s, backlog);
  if (rc == 0)
    e->listening = true;
  zts_fd_put(e);
  return (int)result(rc);
}

ZTS_API int zts_bsd_connect(int fd, const struct zts_sockaddr *addr, zts_socklen_t addrlen)
{
  struct sockaddr_storage ss;
  if (zts_sa_in(addr, addrlen, &ss))
    return zts_arg_fail(ZTS_EINVAL);
  TAKE(e, fd);
  int wait = e->type == ZTK_SOCK_STREAM ? zts_fd_wait_ms(e, false, 0) : 0;
  long rc = ztk_socket_connect(e->s, (struct sockaddr *)&ss, sizeof ss, wait);
  zts_fd_put(e);
  return (int)result(rc);
}

ZTS_API int zts_bsd_accept(int fd, struct zts_sockaddr *addr, zts_socklen_t *addrlen)
{
  if (addr && !addrlen)
    return zts_arg_fail(ZTS_EINVAL);
  TAKE(e, fd);
  ztk_socket *ns = NULL;
  struct sockaddr_storage peer;
  int family = e->family;
  long rc = ztk_socket_accept(e->s, &ns, &peer, zts_fd_wait_ms(e, true, 0));
  zts_fd_put(e);
  if (rc)
    return (int)result(rc);
  int nfd = zts_fd_add(ns, family, ZTK_SOCK_STREAM);
  if (nfd < 0) {
    zts_set_errno(ZTS_EMFILE);
    return ZTS_ERR_SOCKET;
  }
  if (addr)
    zts_sa_out_trunc(&peer, addr, addrlen);
  return nfd;
}

/* ---- data ---- */

/* Sends len bytes (UDP: one datagram to `to`, NULL: the connected peer). */
static long send_on(zts_fd *e, const void *buf, size_t len, int flags,
                    const struct sockaddr_storage *to)
{
  if (flags & ZTS_MSG_OOB)
    return ZTK_ESOCK_OPNOTSUPP;
  if (e->type == ZTK_SOCK_STREAM)
    return ztk_socket_send(e->s, buf, len, zts_fd_wait_ms(e, false, flags));
  return ztk_socket_sendto(e->s, buf, len, (const struct sockaddr *)to, to ? sizeof *to : 0);
}

/* Receives up to cap bytes; from (optional) gets the source (TCP: the peer). */
static long recv_on(zts_fd *e, void *buf, size_t cap, int flags, struct sockaddr_storage *from)
{
  if (flags & ZTS_MSG_OOB)
    return ZTK_ESOCK_OPNOTSUPP;
  int wait = zts_fd_wait_ms(e, true, flags);
  if (e->type != ZTK_SOCK_STREAM)
    return ztk_socket_recvfrom(e->s, buf, cap, native_flags(flags), from, wait);
  long n = ztk_socket_recv(e->s, buf, cap, native_flags(flags), wait);
  if (n >= 0 && from && ztk_socket_peer(e->s, from))
    memset(from, 0, sizeof *from);
  return n;
}

ZTS_API ssize_t zts_bsd_sendto(int fd, const void *buf, size_t len, int flags,
                               const struct zts_sockaddr *addr, zts_socklen_t addrlen)
{
  struct sockaddr_storage ss;
  if ((!buf && len) || (addr && zts_sa_in(addr, addrlen, &ss)))
    return zts_arg_fail(ZTS_EINVAL);
  TAKE(e, fd);
  long rc = send_on(e, buf, len, flags, addr ? &ss : NULL);
  zts_fd_put(e);
  return result(rc);
}

ZTS_API ssize_t zts_bsd_send(int fd, const void *buf, size_t len, int flags)
{
  return zts_bsd_sendto(fd, buf, len, flags, NULL, 0);
}

ZTS_API ssize_t zts_bsd_write(int fd, const void *buf, size_t len)
{
  return zts_bsd_sendto(fd, buf, len, 0, NULL, 0);
}

ZTS_API ssize_t zts_bsd_recvfrom(int fd, void *buf, size_t len, int flags,
                                 struct zts_sockaddr *addr, zts_socklen_t *addrlen)
{
  if ((!buf && len) || (addr && !addrlen))
    return zts_arg_fail(ZTS_EINVAL);
  TAKE(e, fd);
  struct sockaddr_storage from;
  memset(&from, 0, sizeof from);
  long rc = recv_on(e, buf, len, flags, addr ? &from : NULL);
  zts_fd_put(e);
  if (rc >= 0 && addr)
    zts_sa_out_trunc(&from, addr, addrlen);
  return result(rc);
}

ZTS_API ssize_t zts_bsd_recv(int fd, void *buf, size_t len, int flags)
{
  return zts_bsd_recvfrom(fd, buf, len, flags, NULL, NULL);
}

ZTS_API ssize_t zts_bsd_read(int fd, void *buf, size_t len)
{
  return zts_bsd_recvfrom(fd, buf, len, 0, NULL, NULL);
}

/* Total length of an iovec array, or -1 if it is invalid. */
static long iov_total(const struct zts_iovec *iov, int n)
{
  if (!iov || n <= 0 || n > IOV_MAX_N)
    return -1;
  size_t total = 0;
  for (int i = 0; i < n; i++) {
    if (!iov[i].iov_base && iov[i].iov_len)
      return -1;
    total += iov[i].iov_len;
    if (total > (size_t)1 << 30)
      return -1;
  }
  return (long)total;
}

/* Gathers a message's pieces and sends them (TCP: piece by piece). */
static long send_iov(zts_fd *e, const struct zts_iovec *iov, int n, size_t total, int flags,
                     const struct sockaddr_storage *to)
{
  if (e->type == ZTK_SOCK_STREAM) {
    long sent = 0;
    for (int i = 0; i < n; i++) {
      if (!iov[i].iov_len)
        continue;
      long rc = send_on(e, iov[i].iov_base, iov[i].iov_len, flags, NULL);
      if (rc < 0)
        return sent ? sent : rc;
      sent += rc;
      if ((size_t)rc < iov[i].iov_len)
        break;
    }
    return sent;
  }
  if (total > DGRAM_MAX)
    return ZTK_ESOCK_MSGSIZE;
  uint8_t *buf = malloc(total ? total : 1);
  if (!buf)
    return ZTK_ENOMEM;
  size_t off = 0;
  for (int i = 0; i < n; i++) {
    memcpy(buf + off, iov[i].iov_base, iov[i].iov_len);
    off += iov[i].iov_len;
  }
  long rc = send_on(e, buf, total, flags, to);
  free(buf);
  return rc;
}

/* Receives into a message's pieces; *trunc is set if a datagram did not fit. */
static long recv_iov(zts_fd *e, const struct zts_iovec *iov, int n, size_t total, int flags,
                     struct sockaddr_storage *from, bool *trunc)
{
  size_t cap = e->type == ZTK_SOCK_STREAM ? (total < STREAM_CHUNK ? total : STREAM_CHUNK) : DGRAM_MAX;
  uint8_t *buf = malloc(cap ? cap : 1);
  if (!buf)
    return ZTK_ENOMEM;
  long rc = recv_on(e, buf, cap, flags, from);
  *trunc = e->type != ZTK_SOCK_STREAM && rc > (long)total;
  if (rc > (long)total)
    rc = (long)total;
  size_t off = 0;
  for (int i = 0; i < n && rc > 0 && off < (size_t)rc; i++) {
    size_t k = (size_t)rc - off < iov[i].iov_len ? (size_t)rc - off : iov[i].iov_len;
    memcpy(iov[i].iov_base, buf + off, k);
    off += k;
  }
  free(buf);
  return rc;
}

ZTS_API ssize_t zts_bsd_sendmsg(int fd, const struct zts_msghdr *msg, int flags)
{
  struct sockaddr_storage to;
  long total = msg ? iov_total(msg->msg_iov, msg->msg_iovlen) : -1;
  if (total < 0 || (msg->msg_name && zts_sa_in(msg->msg_name, msg->msg_namelen, &to)))
    return zts_arg_fail(ZTS_EINVAL);
  TAKE(e, fd);
  long rc = send_iov(e, msg->msg_iov, msg->msg_iovlen, (size_t)total, flags,
                     msg->msg_name ? &to : NULL);
  zts_fd_put(e);
  return result(rc);
}

ZTS_API ssize_t zts_bsd_recvmsg(int fd, struct zts_msghdr *msg, int flags)
{
  long total = msg ? iov_total(msg->msg_iov, msg->msg_iovlen) : -1;
  if (total < 0)
    return zts_arg_fail(ZTS_EINVAL);
  TAKE(e, fd);
  struct sockaddr_storage from;
  memset(&from, 0, sizeof from);
  bool trunc = false;
  long rc = recv_iov(e, msg->msg_iov, msg->msg_iovlen, (size_t)total, flags, &from, &trunc);
  zts_fd_put(e);
  if (rc >= 0) {
    if (msg->msg_name)
      zts_sa_out_trunc(&from, msg->msg_name, &msg->msg_namelen);
    msg->msg_controllen = 0;
    msg->msg_flags = trunc ? ZTS_MSG_TRUNC : 0;
  }
  return result(rc);
}

/* A message header around an iovec array (msghdr's member is not const; it is only read). */
static struct zts_msghdr iov_msg(const struct zts_iovec *iov, int iovcnt)
{
  struct zts_msghdr m = {.msg_iovlen = iovcnt};
  memcpy(&m.msg_iov, &iov, sizeof iov);
  return m;
}

ZTS_API ssize_t zts_bsd_writev(int fd, const struct zts_iovec *iov, int iovcnt)
{
  struct zts_msghdr m = iov_msg(iov, iovcnt);
  return zts_bsd_sendmsg(fd, &m, 0);
}

ZTS_API ssize_t zts_bsd_readv(int fd, const struct zts_iovec *iov, int iovcnt)
{
  struct zts_msghdr m = iov_msg(iov, iovcnt);
  return zts_bsd_recvmsg(fd, &m, 0);
}

/* ---- the rest ---- */

ZTS_API int zts_bsd_shutdown(int fd, int how)
{
  if (how != ZTS_SHUT_RD && how != ZTS_SHUT_WR && how != ZTS_SHUT_RDWR)
    return zts_arg_fail(ZTS_EINVAL);
  TAKE(e, fd);
  long rc = ztk_socket_shutdown(e->s, how);
  zts_fd_put(e);
  return (int)result(rc);
}

ZTS_API int zts_bsd_close(int fd)
{
  if (zts_fd_close(fd)) {
    zts_set_errno(ZTS_EBADF);
    return ZTS_ERR_ARG;
  }
  return ZTS_ERR_OK;
}

/* getsockname / getpeername. */
static int sock_addr(int fd, struct zts_sockaddr *addr, zts_socklen_t *addrlen, bool peer)
{
  if (!addr || !addrlen)
    return zts_arg_fail(ZTS_EINVAL);
  TAKE(e, fd);
  struct sockaddr_storage ss;
  long rc = peer ? ztk_socket_peer(e->s, &ss) : ztk_socket_name(e->s, &ss);
  zts_fd_put(e);
  if (rc == 0)
    zts_sa_out_trunc(&ss, addr, addrlen);
  return (int)result(rc);
}

ZTS_API int zts_bsd_getsockname(int fd, struct zts_sockaddr *addr, zts_socklen_t *addrlen)
{
  return sock_addr(fd, addr, addrlen, false);
}

ZTS_API int zts_bsd_getpeername(int fd, struct zts_sockaddr *addr, zts_socklen_t *addrlen)
{
  return sock_addr(fd, addr, addrlen, true);
}

ZTS_API int zts_bsd_fcntl(int fd, int cmd, int flags)
{
  if (cmd != ZTS_F_GETFL && cmd != ZTS_F_SETFL)
    return zts_arg_fail(ZTS_EINVAL);
  TAKE(e, fd);
  int rc = 0;
  if (cmd == ZTS_F_GETFL)
    rc = (e->nonblock ? ZTS_O_NONBLOCK : 0) | ZTS_O_RDWR;
  else
    e->nonblock = (flags & ZTS_O_NONBLOCK) != 0; /* access-mode bits are ignored */
  zts_fd_put(e);
  return rc;
}

ZTS_API int zts_bsd_ioctl(int fd, unsigned long request, void *argp)
{
  if (!argp || (request != ZTS_FIONREAD && request != ZTS_FIONBIO))
    return zts_arg_fail(ZTS_EINVAL);
  TAKE(e, fd);
  long rc = 0;
  if (request == ZTS_FIONBIO) {
    e->nonblock = *(int *)argp != 0;
  } else {
    rc = ztk_socket_nread(e->s);
    if (rc >= 0) {
      *(int *)argp = rc > 0x7fffffff ? 0x7fffffff : (int)rc;
      rc = 0;
    }
  }
  zts_fd_put(e);
  return (int)result(rc);
}
