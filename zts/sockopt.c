/* zts_bsd_setsockopt / zts_bsd_getsockopt: libzt's levels and option numbers mapped onto
 * ztk_sockopt, plus the options this layer keeps itself (timeouts, SO_ACCEPTCONN). */
#include <string.h>

#include "ZeroTierSockets.h"
#include "zts/defnode.h"
#include "zts/fdtab.h"

#define NO_OPT (-1)
#define OPT_TIMEO_RCV (-2)
#define OPT_TIMEO_SND (-3)
#define OPT_ACCEPTCONN (-4)
#define OPT_V6ONLY (-5)

/* The native option for (level, name), or one of the OPT_* markers above. */
static int map_opt(int level, int name)
{
  if (level == ZTS_SOL_SOCKET) {
    switch (name) {
    case ZTS_SO_REUSEADDR: return ZTK_SO_REUSEADDR;
    case ZTS_SO_KEEPALIVE: return ZTK_SO_KEEPALIVE;
    case ZTS_SO_BROADCAST: return ZTK_SO_BROADCAST;
    case ZTS_SO_LINGER: return ZTK_SO_LINGER;
    case ZTS_SO_SNDBUF: return ZTK_SO_SNDBUF;
    case ZTS_SO_RCVBUF: return ZTK_SO_RCVBUF;
    case ZTS_SO_ERROR: return ZTK_SO_ERROR;
    case ZTS_SO_TYPE: return ZTK_SO_TYPE;
    case ZTS_SO_RCVTIMEO: return OPT_TIMEO_RCV;
    case ZTS_SO_SNDTIMEO: return OPT_TIMEO_SND;
    case ZTS_SO_ACCEPTCONN: return OPT_ACCEPTCONN;
    default: return NO_OPT;
    }
  }
  if (level == ZTS_IPPROTO_TCP) {
    switch (name) {
    case ZTS_TCP_NODELAY: return ZTK_TCP_NODELAY;
    case ZTS_TCP_KEEPALIVE:
    case ZTS_TCP_KEEPIDLE: return ZTK_TCP_KEEPIDLE;
    case ZTS_TCP_KEEPINTVL: return ZTK_TCP_KEEPINTVL;
    case ZTS_TCP_KEEPCNT: return ZTK_TCP_KEEPCNT;
    default: return NO_OPT;
    }
  }
  if (level == ZTS_IPPROTO_IP)
    return name == ZTS_IP_TTL ? ZTK_IP_TTL : name == ZTS_IP_TOS ? ZTK_IP_TOS : NO_OPT;
  if (level == ZTS_IPPROTO_IPV6 && name == ZTS_IPV6_V6ONLY)
    return OPT_V6ONLY;
  return NO_OPT;
}

/* The value to set, read from optval: int, struct zts_linger or struct zts_timeval (ms).
 * Returns 0 or ZTK_EINVAL (too short). */
static int read_value(int opt, const void *optval, zts_socklen_t optlen, int *v)
{
  if (opt == ZTK_SO_LINGER) {
    struct zts_linger l;
    if (optlen < sizeof l)
      return ZTK_EINVAL;
    memcpy(&l, optval, sizeof l);
    *v = l.l_onoff ? (l.l_linger < 0 ? 0 : l.l_linger) : -1;
    return 0;
  }
  if ((opt == OPT_TIMEO_RCV || opt == OPT_TIMEO_SND) && optlen >= sizeof(struct zts_timeval)) {
    struct zts_timeval tv;
    memcpy(&tv, optval, sizeof tv);
    if (tv.tv_sec < 0 || tv.tv_usec < 0 || tv.tv_sec > 2000000)
      return ZTK_EINVAL;
    *v = (int)(tv.tv_sec * 1000 + tv.tv_usec / 1000);
    if (*v == 0 && tv.tv_usec > 0)
      *v = 1;
    return 0;
  }
  if (optlen < sizeof(int))
    return ZTK_EINVAL;
  memcpy(v, optval, sizeof *v);
  return 0;
}

ZTS_API int zts_bsd_setsockopt(int fd, int level, int optname, const void *optval,
                               zts_socklen_t optlen)
{
  int opt = map_opt(level, optname), v = 0;
  if (!optval || (opt != NO_OPT && read_value(opt, optval, optlen, &v)))
    return zts_arg_fail(ZTS_EINVAL);
  zts_fd *e = zts_fd_get(fd);
  if (!e)
    return ZTS_ERR_ARG;
  int rc = 0;
  if (opt == NO_OPT || opt == OPT_ACCEPTCONN || opt == ZTK_SO_ERROR || opt == ZTK_SO_TYPE)
    rc = ZTK_ESOCK_NOPROTOOPT;
  else if (opt == OPT_TIMEO_RCV)
    e->rcvtimeo_ms = v;
  else if (opt == OPT_TIMEO_SND)
    e->sndtimeo_ms = v;
  else if (opt == OPT_V6ONLY)
    rc = e->family == AF_INET6 && v ? 0 : ZTK_ESOCK_NOPROTOOPT; /* always IPv6-only */
  else
    rc = ztk_socket_setopt(e->s, (ztk_sockopt)opt, v);
  zts_fd_put(e);
  return rc ? zts_sock_fail(rc) : ZTS_ERR_OK;
}

/* Writes an option's value in libzt's form; *optlen gets its size. */
static int write_value(int opt, int v, void *optval, zts_socklen_t *optlen)
{
  if (opt == ZTK_SO_LINGER) {
    struct zts_linger l = {v >= 0, v >= 0 ? v : 0};
    if (*optlen < sizeof l)
      return ZTK_EINVAL;
    memcpy(optval, &l, sizeof l);
    *optlen = sizeof l;
  } else if ((opt == OPT_TIMEO_RCV || opt == OPT_TIMEO_SND) && *optlen >= sizeof(struct zts_timeval)) {
    struct zts_timeval tv = {v / 1000, (v % 1000) * 1000};
    memcpy(optval, &tv, sizeof tv);
    *optlen = sizeof tv;
  } else {
    if (*optlen < sizeof(int))
      return ZTK_EINVAL;
    memcpy(optval, &v, sizeof v);
    *optlen = sizeof v;
  }
  return 0;
}

/* The current value of opt on e. Returns 0 or a ZTK_E* code. */
static int get_value(zts_fd *e, int opt, int *v)
{
  switch (opt) {
  case OPT_TIMEO_RCV: *v = e->rcvtimeo_ms; return 0;
  case OPT_TIMEO_SND: *v = e->sndtimeo_ms; return 0;
  case OPT_ACCEPTCONN: *v = e->listening; return 0;
  case OPT_V6ONLY: *v = e->family == AF_INET6; return 0;
  case NO_OPT: return ZTK_ESOCK_NOPROTOOPT;
  default: break;
  }
  int rc = ztk_socket_getopt(e->s, (ztk_sockopt)opt, v);
  if (rc == 0 && opt == ZTK_SO_ERROR)
    *v = ztk_socket_errno(*v);
  if (rc == 0 && opt == ZTK_SO_TYPE)
    *v = *v == ZTK_SOCK_STREAM ? ZTS_SOCK_STREAM : *v == ZTK_SOCK_DGRAM ? ZTS_SOCK_DGRAM : ZTS_SOCK_RAW;
  return rc;
}

ZTS_API int zts_bsd_getsockopt(int fd, int level, int optname, void *optval, zts_socklen_t *optlen)
{
  if (!optval || !optlen || *optlen < sizeof(int))
    return zts_arg_fail(ZTS_EINVAL);
  int opt = map_opt(level, optname), v = 0;
  zts_fd *e = zts_fd_get(fd);
  if (!e)
    return ZTS_ERR_ARG;
  int rc = get_value(e, opt, &v);
  zts_fd_put(e);
  if (rc)
    return zts_sock_fail(rc);
  if (write_value(opt, v, optval, optlen))
    return zts_arg_fail(ZTS_EINVAL);
  return ZTS_ERR_OK;
}
