/* libzt <-> platform socket addresses. */
#include "zts/saddr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "ztkit/error.h"

int zts_sa_in(const struct zts_sockaddr *a, zts_socklen_t len, struct sockaddr_storage *out)
{
  if (!a || len < 2 || len > sizeof(struct zts_sockaddr_storage))
    return ZTK_EINVAL;
  memset(out, 0, sizeof *out);
  if (a->sa_family == ZTS_AF_INET) {
    const struct zts_sockaddr_in *in = (const void *)a;
    if (len < sizeof *in)
      return ZTK_EINVAL;
    struct sockaddr_in *o = (void *)out;
    o->sin_family = AF_INET;
    o->sin_port = in->sin_port;
    o->sin_addr.s_addr = in->sin_addr.s_addr;
    return 0;
  }
  if (a->sa_family == ZTS_AF_INET6) {
    const struct zts_sockaddr_in6 *in6 = (const void *)a;
    if (len < sizeof *in6)
      return ZTK_EINVAL;
    struct sockaddr_in6 *o = (void *)out;
    o->sin6_family = AF_INET6;
    o->sin6_port = in6->sin6_port;
    o->sin6_flowinfo = in6->sin6_flowinfo;
    memcpy(&o->sin6_addr, in6->sin6_addr.un.u8_addr, 16);
    o->sin6_scope_id = in6->sin6_scope_id;
    return 0;
  }
  return ZTK_ESOCK_AFNOSUPPORT;
}

zts_socklen_t zts_sa_out(const struct sockaddr_storage *in, struct zts_sockaddr_storage *out)
{
  memset(out, 0, sizeof *out);
  if (in->ss_family == AF_INET) {
    const struct sockaddr_in *i = (const void *)in;
    struct zts_sockaddr_in *o = (void *)out;
    o->sin_len = sizeof *o;
    o->sin_family = ZTS_AF_INET;
    o->sin_port = i->sin_port;
    o->sin_addr.s_addr = i->sin_addr.s_addr;
    return sizeof *o;
  }
  if (in->ss_family == AF_INET6) {
    const struct sockaddr_in6 *i = (const void *)in;
    struct zts_sockaddr_in6 *o = (void *)out;
    o->sin6_len = sizeof *o;
    o->sin6_family = ZTS_AF_INET6;
    o->sin6_port = i->sin6_port;
    o->sin6_flowinfo = i->sin6_flowinfo;
    memcpy(o->sin6_addr.un.u8_addr, &i->sin6_addr, 16);
    o->sin6_scope_id = i->sin6_scope_id;
    return sizeof *o;
  }
  return 0;
}

void zts_sa_out_trunc(const struct sockaddr_storage *in, struct zts_sockaddr *dst, zts_socklen_t *len)
{
  struct zts_sockaddr_storage tmp;
  zts_socklen_t n = zts_sa_out(in, &tmp);
  if (dst && len)
    memcpy(dst, &tmp, *len < n ? *len : n);
  if (len)
    *len = n;
}

int zts_sa_parse(const char *ip, unsigned short port, struct sockaddr_storage *out)
{
  if (!ip)
    return ZTK_EINVAL;
  memset(out, 0, sizeof *out);
  struct sockaddr_in *v4 = (void *)out;
  struct sockaddr_in6 *v6 = (void *)out;
  if (inet_pton(AF_INET, ip, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    return 0;
  }
  if (inet_pton(AF_INET6, ip, &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    return 0;
  }
  return ZTK_EINVAL;
}

int zts_sa_format(const struct sockaddr_storage *in, char *dst, size_t cap, unsigned short *port)
{
  if (!dst || cap == 0)
    return ZTK_EINVAL;
  const void *ip;
  uint16_t p;
  if (in->ss_family == AF_INET) {
    ip = &((const struct sockaddr_in *)(const void *)in)->sin_addr;
    p = ((const struct sockaddr_in *)(const void *)in)->sin_port;
  } else if (in->ss_family == AF_INET6) {
    ip = &((const struct sockaddr_in6 *)(const void *)in)->sin6_addr;
    p = ((const struct sockaddr_in6 *)(const void *)in)->sin6_port;
  } else {
    return ZTK_EINVAL;
  }
  if (!inet_ntop(in->ss_family, ip, dst, (socklen_t)cap))
    return ZTK_EINVAL;
  if (port)
    *port = ntohs(p);
  return 0;
}
