#include "core/util/inaddr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ztk_inaddr_v4(ztk_inaddr *a, uint32_t ip, uint16_t port)
{
  memset(a, 0, sizeof *a);
  a->family = 4;
  a->port = port;
  ztk_be_put(a->ip, ip, 4);
}

void ztk_inaddr_v6(ztk_inaddr *a, const uint8_t ip[16], uint16_t port)
{
  memset(a, 0, sizeof *a);
  a->family = 6;
  a->port = port;
  memcpy(a->ip, ip, 16);
}

uint32_t ztk_inaddr_v4_u32(const ztk_inaddr *a)
{
  return a->family == 4 ? (uint32_t)ztk_be_get(a->ip, 4) : 0;
}

void ztk_inaddr_write(ztk_wr *w, const ztk_inaddr *a)
{
  if (a->family == 4) {
    ztk_wr_u8(w, 4);
    ztk_wr_bytes(w, a->ip, 4);
    ztk_wr_u16(w, a->port);
  } else if (a->family == 6) {
    ztk_wr_u8(w, 6);
    ztk_wr_bytes(w, a->ip, 16);
    ztk_wr_u16(w, a->port);
  } else {
    ztk_wr_u8(w, 0);
  }
}

int ztk_inaddr_read(ztk_rd *r, ztk_inaddr *a)
{
  memset(a, 0, sizeof *a);
  switch (ztk_rd_u8(r)) {
  case 0:
    break;
  case 4:
    a->family = 4;
    ztk_rd_copy(r, a->ip, 4);
    a->port = ztk_rd_u16(r);
    break;
  case 6:
    a->family = 6;
    ztk_rd_copy(r, a->ip, 16);
    a->port = ztk_rd_u16(r);
    break;
  case 1:
  case 2:
    ztk_rd_skip(r, 6);
    break;
  case 3:
    ztk_rd_skip(r, ztk_rd_u16(r));
    break;
  default:
    ztk_rd_fail(r, ZTK_EFORMAT);
  }
  if (r->err)
    memset(a, 0, sizeof *a);
  return r->err;
}

int ztk_inaddr_from_sockaddr(ztk_inaddr *a, const struct sockaddr *sa)
{
  memset(a, 0, sizeof *a);
  if (sa->sa_family == AF_INET) {
    const struct sockaddr_in *s4 = (const struct sockaddr_in *)(const void *)sa;
    a->family = 4;
    memcpy(a->ip, &s4->sin_addr, 4);
    a->port = ntohs(s4->sin_port);
    return 0;
  }
  if (sa->sa_family == AF_INET6) {
    const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)(const void *)sa;
    a->family = 6;
    memcpy(a->ip, &s6->sin6_addr, 16);
    a->port = ntohs(s6->sin6_port);
    return 0;
  }
  return ZTK_EINVAL;
}

socklen_t ztk_inaddr_to_sockaddr(const ztk_inaddr *a, struct sockaddr_storage *ss)
{
  memset(ss, 0, sizeof *ss);
  if (a->family == 4) {
    struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
    s4->sin_family = AF_INET;
    memcpy(&s4->sin_addr, a->ip, 4);
    s4->sin_port = htons(a->port);
    return sizeof *s4;
  }
  if (a->family == 6) {
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
    s6->sin6_family = AF_INET6;
    memcpy(&s6->sin6_addr, a->ip, 16);
    s6->sin6_port = htons(a->port);
    return sizeof *s6;
  }
  return 0;
}

int ztk_inaddr_parse(ztk_inaddr *a, const char *s)
{
  char ip[64];
  const char *slash = strchr(s, '/');
  size_t iplen = slash ? (size_t)(slash - s) : strlen(s);
  unsigned long port = 0;
  memset(a, 0, sizeof *a);
  if (iplen == 0 || iplen >= sizeof ip)
    return ZTK_EFORMAT;
  memcpy(ip, s, iplen);
  ip[iplen] = 0;
  if (slash) {
    char *end;
    if (!slash[1] || slash[1] == '-' || slash[1] == '+')
      return ZTK_EFORMAT;
    port = strtoul(slash + 1, &end, 10);
    if (*end || port > 65535)
      return ZTK_EFORMAT;
  }
  if (inet_pton(AF_INET, ip, a->ip) == 1)
    a->family = 4;
  else if (inet_pton(AF_INET6, ip, a->ip) == 1)
    a->family = 6;
  else
    return ZTK_EFORMAT;
  a->port = (uint16_t)port;
  return 0;
}

void ztk_inaddr_format_ip(const ztk_inaddr *a, char out[ZTK_INADDR_STRLEN])
{
  if (!a->family || !inet_ntop(a->family == 4 ? AF_INET : AF_INET6, a->ip, out, ZTK_INADDR_STRLEN))
    snprintf(out, ZTK_INADDR_STRLEN, "nil");
}

void ztk_inaddr_format(const ztk_inaddr *a, char out[ZTK_INADDR_STRLEN])
{
  char ip[ZTK_INADDR_STRLEN];
  if (!a->family) {
    snprintf(out, ZTK_INADDR_STRLEN, "nil");
    return;
  }
  ztk_inaddr_format_ip(a, ip);
  snprintf(out, ZTK_INADDR_STRLEN, "%.46s/%u", ip, a->port); /* IPv6 text is <= 45 bytes */
}

static size_t iplen(const ztk_inaddr *a) { return a->family == 4 ? 4 : a->family == 6 ? 16 : 0; }

bool ztk_inaddr_ip_eq(const ztk_inaddr *a, const ztk_inaddr *b)
{
  return a->family == b->family && memcmp(a->ip, b->ip, iplen(a)) == 0;
}

bool ztk_inaddr_eq(const ztk_inaddr *a, const ztk_inaddr *b)
{
  return ztk_inaddr_ip_eq(a, b) && (a->family == 0 || a->port == b->port);
}

int ztk_inaddr_cmp(const ztk_inaddr *a, const ztk_inaddr *b)
{
  if (a->family != b->family)
    return a->family < b->family ? -1 : 1;
  int c = memcmp(a->ip, b->ip, iplen(a));
  if (c)
    return c < 0 ? -1 : 1;
  if (a->port != b->port)
    return a->port < b->port ? -1 : 1;
  return 0;
}

/* IPv4 blocks ZeroTier does not treat as global, most specific first. */
static const struct {
  uint32_t net, mask;
  ztk_ipscope scope;
} v4_blocks[] = {
  {0x00000000, 0xff000000, ZTK_SCOPE_NONE},      {0xff000000, 0xff000000, ZTK_SCOPE_NONE},
  {0x0a000000, 0xff000000, ZTK_SCOPE_PRIVATE},   {0x64400000, 0xffc00000, ZTK_SCOPE_PRIVATE},
  {0xac100000, 0xfff00000, ZTK_SCOPE_PRIVATE},   {0xc0a80000, 0xffff0000, ZTK_SCOPE_PRIVATE},
  {0xc0000200, 0xffffff00, ZTK_SCOPE_PRIVATE},   {0xc6120000, 0xfffe0000, ZTK_SCOPE_PRIVATE},
  {0xc6336400, 0xffffff00, ZTK_SCOPE_PRIVATE},   {0xcb007100, 0xffffff00, ZTK_SCOPE_PRIVATE},
  {0x7f000000, 0xff000000, ZTK_SCOPE_LOOPBACK},  {0xa9fe0000, 0xffff0000, ZTK_SCOPE_LINK_LOCAL},
  {0xe0000000, 0xf0000000, ZTK_SCOPE_MULTICAST}, {0xf0000000, 0xf0000000, ZTK_SCOPE_PSEUDOPRIVATE},
};
/* Whole /8s held by organisations that do not route them publicly, so seen in private use. */
static const uint8_t v4_pseudoprivate[] = {6, 11, 21, 22, 25, 26, 28, 29, 30, 51, 55, 56};

static ztk_ipscope scope4(uint32_t ip)
{
  for (size_t i = 0; i < sizeof v4_blocks / sizeof v4_blocks[0]; i++)
    if ((ip & v4_blocks[i].mask) == v4_blocks[i].net)
      return v4_blocks[i].scope;
  for (size_t i = 0; i < sizeof v4_pseudoprivate; i++)
    if ((ip >> 24) == v4_pseudoprivate[i])
      return ZTK_SCOPE_PSEUDOPRIVATE;
  return ZTK_SCOPE_GLOBAL;
}

static bool zero_run(const uint8_t *p, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (p[i])
      return false;
  return true;
}

static ztk_ipscope scope6(const uint8_t *ip)
{
  if (ip[0] == 0xff)
    return ZTK_SCOPE_MULTICAST;
  if (ip[0] == 0xfe && (ip[1] & 0xc0) == 0x80)
    return zero_run(ip + 2, 13) && ip[15] == 1 ? ZTK_SCOPE_LOOPBACK : ZTK_SCOPE_LINK_LOCAL;
  if ((ip[0] & 0xfe) == 0xfc)
    return ZTK_SCOPE_PRIVATE;
  if (zero_run(ip, 10) && ip[10] == 0xff && ip[11] == 0xff && ip[12] == 0x7f)
    return ZTK_SCOPE_LOOPBACK; /* IPv4-mapped 127/8 */
  if (zero_run(ip, 15) && ip[15] <= 1)
    return ip[15] == 1 ? ZTK_SCOPE_LOOPBACK : ZTK_SCOPE_NONE;
  return ZTK_SCOPE_GLOBAL;
}

ztk_ipscope ztk_inaddr_scope(const ztk_inaddr *a)
{
  if (a->family == 4)
    return scope4((uint32_t)ztk_be_get(a->ip, 4));
  if (a->family == 6)
    return scope6(a->ip);
  return ZTK_SCOPE_NONE;
}

bool ztk_inaddr_in_network(const ztk_inaddr *ip, const ztk_inaddr *net)
{
  size_t n = iplen(net);
  unsigned bits = net->port;
  if (ip->family != net->family || n == 0 || bits > n * 8)
    return false;
  size_t full = bits / 8;
  if (memcmp(ip->ip, net->ip, full) != 0)
    return false;
  unsigned rest = bits % 8;
  if (rest == 0)
    return true;
  uint8_t mask = (uint8_t)(0xff << (8 - rest));
  return (ip->ip[full] & mask) == (net->ip[full] & mask);
}
