/* Argument checks shared by the transport backends. */
#include "transport/check.h"

#include <netinet/in.h>

#include "ztkit/error.h"

int ztk_tp_check_addr(const struct sockaddr *addr, socklen_t len)
{
  if (!addr || len < (socklen_t)sizeof(sa_family_t))
    return ZTK_EINVAL;
  if (addr->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in))
    return AF_INET;
  if (addr->sa_family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6))
    return AF_INET6;
  return ZTK_EINVAL;
}

int ztk_tp_check_send(const struct sockaddr *to, socklen_t tolen, const void *data, size_t len,
                      int ttl)
{
  int family = ztk_tp_check_addr(to, tolen);
  if (family < 0)
    return family;
  if ((!data && len > 0) || ttl < 0 || ttl > 255)
    return ZTK_EINVAL;
  if (len > ZTK_TRANSPORT_MAX_DATAGRAM)
    return ZTK_ERANGE;
  return family;
}

int ztk_tp_check_recv(const void *out, int max)
{
  if (max < 0 || (max > 0 && !out))
    return ZTK_EINVAL;
  return max > 0;
}

int ztk_tp_pick_sock(const int *families, int nsock, int sock, int family)
{
  if (sock == -1) {
    for (int i = 0; i < nsock; i++)
      if (families[i] == family)
        return i;
    return ZTK_ENOTFOUND;
  }
  if (sock < 0 || sock >= nsock || families[sock] != family)
    return ZTK_EINVAL;
  return sock;
}
