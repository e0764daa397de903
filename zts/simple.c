/* The simplified socket API (addresses as strings) and the option helpers, all built on the
 * zts_bsd_* calls. */
#include <netinet/in.h>
#include <string.h>

#include "ZeroTierSockets.h"
#include "zts/defnode.h"
#include "zts/fdtab.h"
#include "zts/saddr.h"

#define CONNECT_DEFAULT_MS 30000

ZTS_API int zts_socket(int family, int type, int protocol)
{
  return zts_bsd_socket(family, type, protocol);
}

/* ipstr/port as a libzt address. Returns its size, or 0 (bad string). */
static zts_socklen_t str_addr(const char *ipstr, unsigned short port, struct zts_sockaddr_storage *out)
{
  struct sockaddr_storage ss;
  if (zts_sa_parse(ipstr, port, &ss))
    return 0;
  return zts_sa_out(&ss, out);
}

ZTS_API int zts_connect(int fd, const char *ipstr, unsigned short port, int timeout_ms)
{
  struct sockaddr_storage ss;
  if (timeout_ms < 0 || zts_sa_parse(ipstr, port, &ss))
    return zts_arg_fail(ZTS_EINVAL);
  zts_fd *e = zts_fd_get(fd);
  if (!e)
    return ZTS_ERR_ARG;
  int wait = e->nonblock ? 0 : timeout_ms ? timeout_ms : CONNECT_DEFAULT_MS;
  if (e->type != ZTK_SOCK_STREAM)
    wait = 0;
  int rc = ztk_socket_connect(e->s, (struct sockaddr *)&ss, sizeof ss, wait);
  zts_fd_put(e);
  return rc ? zts_sock_fail(rc) : ZTS_ERR_OK;
}

ZTS_API int zts_bind(int fd, const char *ipstr, unsigned short port)
{
  struct zts_sockaddr_storage a;
  zts_socklen_t n = str_addr(ipstr, port, &a);
  if (!n)
    return zts_arg_fail(ZTS_EINVAL);
  return zts_bsd_bind(fd, (struct zts_sockaddr *)&a, n);
}

ZTS_API int zts_listen(int fd, int backlog)
{
  return zts_bsd_listen(fd, backlog);
}

/* An address as text and port (either optional). */
static int addr_str(const struct zts_sockaddr_storage *a, zts_socklen_t len, char *dst, int cap,
                    unsigned short *port)
{
  struct sockaddr_storage ss;
  char tmp[ZTS_INET6_ADDRSTRLEN];
  if (zts_sa_in((const struct zts_sockaddr *)a, len, &ss) || zts_sa_format(&ss, tmp, sizeof tmp, port))
    return ZTS_ERR_GENERAL;
  if (dst && cap > 0) {
    strncpy(dst, tmp, (size_t)cap - 1);
    dst[cap - 1] = 0;
  }
  return ZTS_ERR_OK;
}

ZTS_API int zts_accept(int fd, char *remote_addr, int len, unsigned short *port)
{
  if (!remote_addr || len != ZTS_INET6_ADDRSTRLEN)
    return zts_arg_fail(ZTS_EINVAL);
  struct zts_sockaddr_storage a;
  zts_socklen_t alen = sizeof a;
  int nfd = zts_bsd_accept(fd, (struct zts_sockaddr *)&a, &alen);
  if (nfd >= 0)
    addr_str(&a, alen, remote_addr, len, port);
  return nfd;
}

ZTS_API ssize_t zts_send(int fd, const void *buf, size_t len, int flags)
{
  return zts_bsd_send(fd, buf, len, flags);
}

ZTS_API ssize_t zts_recv(int fd, void *buf, size_t len, int flags)
{
  return zts_bsd_recv(fd, buf, len, flags);
}

ZTS_API ssize_t zts_read(int fd, void *buf, size_t len)
{
  return zts_bsd_read(fd, buf, len);
}

ZTS_API ssize_t zts_write(int fd, const void *buf, size_t len)
{
  return zts_bsd_write(fd, buf, len);
}

ZTS_API int zts_shutdown_rd(int fd)
{
  return zts_bsd_shutdown(fd, ZTS_SHUT_RD);
}

ZTS_API int zts_shutdown_wr(int fd)
{
  return zts_bsd_shutdown(fd, ZTS_SHUT_WR);
}

ZTS_API int zts_shutdown_rdwr(int fd)
{
  return zts_bsd_shutdown(fd, ZTS_SHUT_RDWR);
}

ZTS_API int zts_close(int fd)
{
  return zts_bsd_close(fd);
}

/* zts_getpeername / zts_getsockname. */
static int name_str(int fd, char *dst, int len, unsigned short *port, bool peer)
{
  if (!dst || len < ZTS_INET_ADDRSTRLEN)
    return zts_arg_fail(ZTS_EINVAL);
  struct zts_sockaddr_storage a;
  zts_socklen_t alen = sizeof a;
  int rc = peer ? zts_bsd_getpeername(fd, (struct zts_sockaddr *)&a, &alen)
                : zts_bsd_getsockname(fd, (struct zts_sockaddr *)&a, &alen);
  return rc ? rc : addr_str(&a, alen, dst, len, port);
}

ZTS_API int zts_getpeername(int fd, char *remote_addr_str, int len, unsigned short *port)
{
  return name_str(fd, remote_addr_str, len, port, true);
}

ZTS_API int zts_getsockname(int fd, char *local_addr_str, int len, unsigned short *port)
{
  return name_str(fd, local_addr_str, len, port, false);
}

/* A new socket of ipstr's family; negative code on error. */
static int socket_for(const char *ipstr, int type)
{
  int family = zts_util_get_ip_family(ipstr);
  if (family < 0)
    return zts_arg_fail(ZTS_EINVAL);
  return zts_bsd_socket(family, type, 0);
}

/* Closes fd keeping zts_errno as it is; returns rc. */
static int close_with(int fd, int rc)
{
  int saved = zts_errno;
  zts_bsd_close(fd);
  zts_set_errno(saved);
  return rc;
}

ZTS_API int zts_tcp_client(const char *remote_ipstr, unsigned short remote_port)
{
  int fd = socket_for(remote_ipstr, ZTS_SOCK_STREAM);
  if (fd < 0)
    return fd;
  int rc = zts_connect(fd, remote_ipstr, remote_port, 0);
  return rc < 0 ? close_with(fd, rc) : fd;
}

ZTS_API int zts_tcp_server(const char *local_ipstr, unsigned short local_port, char *remote_ipstr,
                           int len, unsigned short *remote_port)
{
  if (!remote_ipstr || len != ZTS_INET6_ADDRSTRLEN)
    return zts_arg_fail(ZTS_EINVAL);
  int fd = socket_for(local_ipstr, ZTS_SOCK_STREAM);
  if (fd < 0)
    return fd;
  int rc = zts_bind(fd, local_ipstr, local_port);
  if (rc == 0)
    rc = zts_listen(fd, 1);
  if (rc == 0)
    rc = zts_accept(fd, remote_ipstr, len, remote_port);
  return close_with(fd, rc);
}

ZTS_API int zts_udp_server(const char *local_ipstr, unsigned short local_port)
{
  int fd = socket_for(local_ipstr, ZTS_SOCK_DGRAM);
  if (fd < 0)
    return fd;
  int rc = zts_bind(fd, local_ipstr, local_port);
  return rc < 0 ? close_with(fd, rc) : fd;
}

ZTS_API int zts_udp_client(const char *remote_ipstr)
{
  return socket_for(remote_ipstr, ZTS_SOCK_DGRAM);
}

/* ---- option helpers ---- */

static int set_int(int fd, int level, int name, int v)
{
  return zts_bsd_setsockopt(fd, level, name, &v, sizeof v);
}

/* An int option's value, or the negative code. */
static int get_int(int fd, int level, int name)
{
  int v = 0;
  zts_socklen_t len = sizeof v;
  int rc = zts_bsd_getsockopt(fd, level, name, &v, &len);
  return rc < 0 ? rc : v;
}

/* A boolean option: enabled must be 0 or 1. */
static int set_bool(int fd, int level, int name, int enabled)
{
  if (enabled != 0 && enabled != 1)
    return zts_arg_fail(ZTS_EINVAL);
  return set_int(fd, level, name, enabled);
}

ZTS_API int zts_set_no_delay(int fd, int enabled)
{
  return set_bool(fd, ZTS_IPPROTO_TCP, ZTS_TCP_NODELAY, enabled);
}

ZTS_API int zts_get_no_delay(int fd)
{
  return get_int(fd, ZTS_IPPROTO_TCP, ZTS_TCP_NODELAY);
}

ZTS_API int zts_set_linger(int fd, int enabled, int value)
{
  if (value < 0 || (enabled != 0 && enabled != 1))
    return zts_arg_fail(ZTS_EINVAL);
  struct zts_linger l = {enabled, value};
  return zts_bsd_setsockopt(fd, ZTS_SOL_SOCKET, ZTS_SO_LINGER, &l, sizeof l);
}

/* The linger setting: *on and *secs. Returns 0 or the negative code. */
static int get_linger(int fd, struct zts_linger *l)
{
  zts_socklen_t len = sizeof *l;
  return zts_bsd_getsockopt(fd, ZTS_SOL_SOCKET, ZTS_SO_LINGER, l, &len);
}

ZTS_API int zts_get_linger_enabled(int fd)
{
  struct zts_linger l;
  int rc = get_linger(fd, &l);
  return rc < 0 ? rc : l.l_onoff;
}

ZTS_API int zts_get_linger_value(int fd)
{
  struct zts_linger l;
  int rc = get_linger(fd, &l);
  return rc < 0 ? rc : l.l_linger;
}

ZTS_API int zts_get_pending_data_size(int fd)
{
  zts_fd *e = zts_fd_get(fd);
  if (!e)
    return ZTS_ERR_ARG;
  long n = ztk_socket_outq(e->s);
  zts_fd_put(e);
  return n < 0 ? zts_sock_fail((int)n) : (int)(n > 0x7fffffff ? 0x7fffffff : n);
}

ZTS_API int zts_set_reuse_addr(int fd, int enabled)
{
  return set_bool(fd, ZTS_SOL_SOCKET, ZTS_SO_REUSEADDR, enabled);
}

ZTS_API int zts_get_reuse_addr(int fd)
{
  return get_int(fd, ZTS_SOL_SOCKET, ZTS_SO_REUSEADDR);
}

/* SO_RCVTIMEO / SO_SNDTIMEO from seconds and microseconds. */
static int set_timeo(int fd, int name, int seconds, int microseconds)
{
  if (seconds < 0 || microseconds < 0 || microseconds >= 1000000)
    return zts_arg_fail(ZTS_EINVAL);
  struct zts_timeval tv = {seconds, microseconds};
  return zts_bsd_setsockopt(fd, ZTS_SOL_SOCKET, name, &tv, sizeof tv);
}

/* A timeout in whole seconds, or the negative code. */
static int get_timeo(int fd, int name)
{
  struct zts_timeval tv;
  zts_socklen_t len = sizeof tv;
  int rc = zts_bsd_getsockopt(fd, ZTS_SOL_SOCKET, name, &tv, &len);
  return rc < 0 ? rc : (int)tv.tv_sec;
}

ZTS_API int zts_set_recv_timeout(int fd, int seconds, int microseconds)
{
  return set_timeo(fd, ZTS_SO_RCVTIMEO, seconds, microseconds);
}

ZTS_API int zts_get_recv_timeout(int fd)
{
  return get_timeo(fd, ZTS_SO_RCVTIMEO);
}

ZTS_API int zts_set_send_timeout(int fd, int seconds, int microseconds)
{
  return set_timeo(fd, ZTS_SO_SNDTIMEO, seconds, microseconds);
}

ZTS_API int zts_get_send_timeout(int fd)
{
  return get_timeo(fd, ZTS_SO_SNDTIMEO);
}

ZTS_API int zts_set_send_buf_size(int fd, int size)
{
  return size < 0 ? zts_arg_fail(ZTS_EINVAL) : set_int(fd, ZTS_SOL_SOCKET, ZTS_SO_SNDBUF, size);
}

ZTS_API int zts_get_send_buf_size(int fd)
{
  return get_int(fd, ZTS_SOL_SOCKET, ZTS_SO_SNDBUF);
}

ZTS_API int zts_set_recv_buf_size(int fd, int size)
{
  return size < 0 ? zts_arg_fail(ZTS_EINVAL) : set_int(fd, ZTS_SOL_SOCKET, ZTS_SO_RCVBUF, size);
}

ZTS_API int zts_get_recv_buf_size(int fd)
{
  return get_int(fd, ZTS_SOL_SOCKET, ZTS_SO_RCVBUF);
}

ZTS_API int zts_set_ttl(int fd, int ttl)
{
  return ttl < 0 || ttl > 255 ? zts_arg_fail(ZTS_EINVAL) : set_int(fd, ZTS_IPPROTO_IP, ZTS_IP_TTL, ttl);
}

ZTS_API int zts_get_ttl(int fd)
{
  return get_int(fd, ZTS_IPPROTO_IP, ZTS_IP_TTL);
}

ZTS_API int zts_set_blocking(int fd, int enabled)
{
  if (enabled != 0 && enabled != 1)
    return zts_arg_fail(ZTS_EINVAL);
  int fl = zts_bsd_fcntl(fd, ZTS_F_GETFL, 0);
  if (fl < 0)
    return fl;
  return zts_bsd_fcntl(fd, ZTS_F_SETFL, enabled ? fl & ~ZTS_O_NONBLOCK : fl | ZTS_O_NONBLOCK) < 0
           ? ZTS_ERR_SOCKET
           : ZTS_ERR_OK;
}

ZTS_API int zts_get_blocking(int fd)
{
  int fl = zts_bsd_fcntl(fd, ZTS_F_GETFL, 0);
  return fl < 0 ? fl : !(fl & ZTS_O_NONBLOCK);
}

ZTS_API int zts_set_keepalive(int fd, int enabled)
{
  return set_bool(fd, ZTS_SOL_SOCKET, ZTS_SO_KEEPALIVE, enabled);
}

ZTS_API int zts_get_keepalive(int fd)
{
  return get_int(fd, ZTS_SOL_SOCKET, ZTS_SO_KEEPALIVE);
}

ZTS_API int zts_get_last_socket_error(int fd)
{
  return get_int(fd, ZTS_SOL_SOCKET, ZTS_SO_ERROR);
}

ZTS_API size_t zts_get_data_available(int fd)
{
  int n = 0;
  return zts_bsd_ioctl(fd, ZTS_FIONREAD, &n) < 0 ? 0 : (size_t)n;
}
