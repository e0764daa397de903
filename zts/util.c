/* Utilities, address text and identities of the libzt-compatible API. */
#include <arpa/inet.h>
#include <sodium.h>
#include <string.h>
#include <time.h>

#include "ZeroTierSockets.h"
#include "ztkit/identity.h"
#include "zts/defnode.h"
#include "zts/saddr.h"

ZTS_API void zts_util_delay(unsigned long milliseconds)
{
  struct timespec ts = {(time_t)(milliseconds / 1000), (long)(milliseconds % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) != 0) {
  }
}

ZTS_API int zts_util_get_ip_family(const char *ipstr)
{
  struct sockaddr_storage ss;
  if (zts_sa_parse(ipstr, 0, &ss))
    return ZTS_ERR_ARG;
  return ss.ss_family == AF_INET ? ZTS_AF_INET : ZTS_AF_INET6;
}

ZTS_API int zts_util_ipstr_to_saddr(const char *src_ipstr, unsigned short port,
                                   struct zts_sockaddr *dstaddr, zts_socklen_t *addrlen)
{
  struct sockaddr_storage ss;
  if (!dstaddr || !addrlen || zts_sa_parse(src_ipstr, port, &ss))
    return ZTS_ERR_ARG;
  struct zts_sockaddr_storage a;
  zts_socklen_t n = zts_sa_out(&ss, &a);
  if (*addrlen < n)
    return ZTS_ERR_ARG;
  memcpy(dstaddr, &a, n);
  *addrlen = n;
  return ZTS_ERR_OK;
}

ZTS_API int zts_util_ntop(struct zts_sockaddr *addr, zts_socklen_t addrlen, char *dst_str, int len,
                          unsigned short *port)
{
  struct sockaddr_storage ss;
  if (!dst_str || len <= 0 || zts_sa_in(addr, addrlen, &ss) ||
      zts_sa_format(&ss, dst_str, (size_t)len, port))
    return ZTS_ERR_ARG;
  return ZTS_ERR_OK;
}

ZTS_API const char *zts_inet_ntop(int family, const void *src, char *dst, zts_socklen_t size)
{
  if (!src || !dst || (family != ZTS_AF_INET && family != ZTS_AF_INET6)) {
    zts_set_errno(ZTS_EAFNOSUPPORT);
    return NULL;
  }
  const char *r = inet_ntop(family == ZTS_AF_INET ? AF_INET : AF_INET6, src, dst, size);
  if (!r)
    zts_set_errno(ZTS_EINVAL);
  return r;
}

ZTS_API int zts_inet_pton(int family, const char *src, void *dst)
{
  if (!src || !dst || (family != ZTS_AF_INET && family != ZTS_AF_INET6)) {
    zts_set_errno(ZTS_EAFNOSUPPORT);
    return -1;
  }
  return inet_pton(family == ZTS_AF_INET ? AF_INET : AF_INET6, src, dst);
}

/* ---- identities ---- */

static void sodium_random(void *user, void *buf, size_t len)
{
  (void)user;
  randombytes_buf(buf, len);
}

ZTS_API int zts_id_new(char *key, unsigned int *key_buf_len)
{
  if (!key || !key_buf_len || *key_buf_len != ZTS_ID_STR_BUF_LEN || sodium_init() < 0)
    return ZTS_ERR_ARG;
  ztk_identity id;
  if (ztk_identity_generate(&id, sodium_random, NULL))
    return ZTS_ERR_GENERAL;
  int n = ztk_identity_to_string(&id, true, key, *key_buf_len);
  sodium_memzero(&id, sizeof id);
  if (n < 0)
    return ZTS_ERR_GENERAL;
  *key_buf_len = (unsigned)n;
  return ZTS_ERR_OK;
}

ZTS_API int zts_id_pair_is_valid(const char *key, unsigned int len)
{
  if (!key || len == 0 || len > ZTS_ID_STR_BUF_LEN || !memchr(key, 0, len))
    return 0;
  ztk_identity id;
  int ok = ztk_identity_from_string(&id, key) == 0 && id.has_private && ztk_identity_validate(&id) == 0;
  sodium_memzero(&id, sizeof id);
  return ok;
}
