#include "runtime/hostaddr.h"

#include <ifaddrs.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include "core/util/inaddr.h"
#include "ztkit/error.h"

static bool wanted(const ztk_inaddr *a, bool ipv6, bool loopback)
{
  if (a->family == 6 && !ipv6)
    return false;
  switch (ztk_inaddr_scope(a)) {
  case ZTK_SCOPE_LOOPBACK:
    return loopback;
  case ZTK_SCOPE_PRIVATE:
  case ZTK_SCOPE_PSEUDOPRIVATE:
  case ZTK_SCOPE_SHARED:
  case ZTK_SCOPE_GLOBAL:
    return true;
  default:
    return false;
  }
}

static int cmp_addr(const void *x, const void *y)
{
  return ztk_inaddr_cmp(x, y);
}

int ztk_host_addresses(struct sockaddr_storage *out, int max, unsigned short port, bool ipv6,
                       bool loopback)
{
  struct ifaddrs *list;
  ztk_inaddr found[64];
  int n = 0;
  if (getifaddrs(&list) != 0)
    return ZTK_EIO;
  for (struct ifaddrs *i = list; i && n < (int)(sizeof found / sizeof found[0]); i = i->ifa_next) {
    ztk_inaddr a;
    if (!i->ifa_addr || !(i->ifa_flags & IFF_UP) || (i->ifa_name && !strncmp(i->ifa_name, "zt", 2)))
      continue;
    if (ztk_inaddr_from_sockaddr(&a, i->ifa_addr) != 0)
      continue;
    a.port = port;
    if (!wanted(&a, ipv6, loopback))
      continue;
    bool dup = false;
    for (int k = 0; k < n && !dup; k++)
      dup = ztk_inaddr_eq(&found[k], &a);
    if (!dup)
      found[n++] = a;
  }
  freeifaddrs(list);
  qsort(found, (size_t)n, sizeof found[0], cmp_addr);
  int filled = n < max ? n : max;
  for (int k = 0; k < filled; k++)
    ztk_inaddr_to_sockaddr(&found[k], &out[k]);
  return filled;
}
