/* DNS of the libzt-compatible API: the servers and zts_bsd_gethostbyname over the default
 * node's netstack (ztk_netstack_resolve: lwIP's DNS client under the runtime's stack lock). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "ZeroTierSockets.h"
#include "zts/defnode.h"

#define RESOLVE_MS 20000 /* longer than lwIP's own retries to both servers (about 14 s) */

_Static_assert(ZTS_DNS_MAX_SERVERS == ZTK_DNS_SERVERS, "DNS server count");

/* The zts_hostent of the calling thread and what it points to. */
typedef struct host_entry {
  struct zts_hostent h;
  char name[256];
  char *aliases[1];
  uint8_t addr[4];
  char *addrs[2];
} host_entry;

static _Thread_local host_entry t_host;
static _Thread_local zts_ip_addr t_server;

ZTS_API int zts_dns_set_server(uint8_t index, const zts_ip_addr *addr)
{
  ztk_netstack *ns;
  struct sockaddr_storage ss;
  memset(&ss, 0, sizeof ss);
  if (!addr || index >= ZTS_DNS_MAX_SERVERS)
    return ZTS_ERR_ARG;
  if (addr->type == ZTS_IPADDR_TYPE_V4) {
    struct sockaddr_in *in = (struct sockaddr_in *)&ss;
    in->sin_family = AF_INET;
    in->sin_addr.s_addr = addr->u_addr.ip4.addr;
  } else if (addr->type == ZTS_IPADDR_TYPE_V6) {
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
    in6->sin6_family = AF_INET6;
    memcpy(&in6->sin6_addr, addr->u_addr.ip6.addr, 16);
  } else {
    return ZTS_ERR_ARG;
  }
  if (!zts_dn_get(NULL, &ns) || !ns)
    return ZTS_ERR_SERVICE;
  int rc = ztk_netstack_dns_set_server(ns, index, (struct sockaddr *)&ss);
  return rc == 0 ? ZTS_ERR_OK : rc == ZTK_EINVAL ? ZTS_ERR_ARG : ZTS_ERR_SERVICE;
}

ZTS_API const zts_ip_addr *zts_dns_get_server(uint8_t index)
{
  ztk_netstack *ns;
  struct sockaddr_storage ss;
  if (index >= ZTS_DNS_MAX_SERVERS || !zts_dn_get(NULL, &ns) || !ns ||
      ztk_netstack_dns_server(ns, index, &ss) != 0)
    return NULL;
  memset(&t_server, 0, sizeof t_server);
  t_server.type = ZTS_IPADDR_TYPE_ANY;
  if (ss.ss_family == AF_INET) {
    t_server.type = ZTS_IPADDR_TYPE_V4;
    t_server.u_addr.ip4.addr = ((struct sockaddr_in *)&ss)->sin_addr.s_addr;
  } else if (ss.ss_family == AF_INET6) {
    t_server.type = ZTS_IPADDR_TYPE_V6;
    memcpy(t_server.u_addr.ip6.addr, &((struct sockaddr_in6 *)&ss)->sin6_addr, 16);
  }
  return &t_server;
}

/* The zts_errno value for a lookup's ZTK_E* failure. */
static int lookup_errno(int err)
{
  switch (err) {
  case ZTK_ENOTFOUND:
    return ZTS_ENOENT;
  case ZTK_ETIMEDOUT:
    return ZTS_ETIMEDOUT;
  case ZTK_ESOCK_NETUNREACH:
    return ZTS_ENETUNREACH;
  case ZTK_ENOMEM:
    return ZTS_ENOMEM;
  case ZTK_EINVAL:
    return ZTS_EINVAL;
  default:
    return ZTS_EBUSY; /* ZTK_ESTATE: another node's lookup, or the node stopped meanwhile */
  }
}

/* Fills the thread's entry for name with one IPv4 address (network byte order). */
static struct zts_hostent *entry(const char *name, const void *ip4)
{
  host_entry *e = &t_host;
  memset(e, 0, sizeof *e);
  strncpy(e->name, name, sizeof e->name - 1);
  memcpy(e->addr, ip4, 4);
  e->addrs[0] = (char *)e->addr;
  e->h.h_name = e->name;
  e->h.h_aliases = e->aliases;
  e->h.h_addrtype = ZTS_AF_INET;
  e->h.h_length = 4;
  e->h.h_addr_list = e->addrs;
  return &e->h;
}

ZTS_API struct zts_hostent *zts_bsd_gethostbyname(const char *name)
{
  ztk_netstack *ns;
  struct in_addr ip4;
  if (!name || !*name || strnlen(name, 256) > 255) {
    zts_set_errno(ZTS_EINVAL);
    return NULL;
  }
  if (inet_pton(AF_INET, name, &ip4) == 1)
    return entry(name, &ip4);
  if (!zts_dn_get(NULL, &ns) || !ns) {
    zts_set_errno(ZTS_ENETDOWN);
    return NULL;
  }
  struct sockaddr_storage ss;
  int rc = ztk_netstack_resolve(ns, name, AF_INET, RESOLVE_MS, &ss);
  if (rc == ZTK_ENODE_STOPPED)
    rc = ZTK_ESTATE;
  if (rc) {
    zts_set_errno(rc == ZTK_ESTATE && !zts_dn_get(NULL, NULL) ? ZTS_ENETDOWN : lookup_errno(rc));
    return NULL;
  }
  return entry(name, &((struct sockaddr_in *)&ss)->sin_addr);
}
