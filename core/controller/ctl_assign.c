/* A member's static IPs, chosen exactly as 1.14.1's controller chooses them (protocol notes
 * §13.4), including its quirks: route containment compares an IPv6 route target unmasked, an
 * IPv4 /0 route only matches its own address in the automatic assignment (x86 shift
 * semantics), and the last address of an IPv4 pool is never picked unless the pool has one
 * address. */
#include <stdlib.h>
#include <string.h>

#include "core/controller/ctl_internal.h"
#include "core/network/addressing.h"

#define TRIALS 1000
#define EUI_SPAN 0xffffffffffull /* a pool's low 64 bits this wide hold an address directly */

typedef struct assign_ctx {
  ztk_netconf *nc;
  ztk_ctl_member *m;
  const ztk_ctl_ipset *index; /* every IP assigned to a member of the network, or NULL: */
  ztk_inaddr *taken;          /* the same, sorted (without an index) */
  unsigned taken_count;
  ztk_ctl *c;
} assign_ctx;

static uint64_t half(const uint8_t *p)
{
  return ztk_be_get(p, 8);
}

/* 1.14.1's InetAddress::containsAddress. */
static bool contains(const ztk_inaddr *target, const ztk_inaddr *ip)
{
  if (ip->family != target->family)
    return false;
  unsigned bits = target->port;
  if (ip->family == 4) {
    if (bits == 0)
      return true;
    uint32_t a = ztk_inaddr_v4_u32(ip), b = ztk_inaddr_v4_u32(target);
    return bits >= 32 ? a == b : (a >> (32 - bits)) == (b >> (32 - bits));
  }
  for (unsigned i = 0; i < 16; i++) {
    unsigned left = bits > i * 8 ? bits - i * 8 : 0;
    uint8_t mask = left >= 8 ? 0xff : (uint8_t)(0xff00 >> left);
    if ((ip->ip[i] & mask) != target->ip[i])
      return false;
  }
  return true;
}

static bool add_static(ztk_netconf *nc, const ztk_inaddr *ip)
{
  if (nc->static_ip_count >= ZTK_MAX_ASSIGNED_ADDRESSES)
    return false;
  nc->static_ips[nc->static_ip_count++] = *ip;
  return true;
}

static void ipv6_schemes(const ztk_ctl_network *n, const ztk_ctl_req *rq, ztk_netconf *nc)
{
  ztk_inaddr a;
  if (n->v6_rfc4193) {
    ztk_inaddr_rfc4193(&a, rq->nwid, rq->identity->address);
    if (add_static(nc, &a))
      nc->flags |= ZTK_NETCONF_FLAG_NDP_EMULATION;
  }
  if (n->v6_6plane) {
    ztk_inaddr_6plane(&a, rq->nwid, rq->identity->address);
    if (add_static(nc, &a))
      nc->flags |= ZTK_NETCONF_FLAG_NDP_EMULATION;
  }
}

/* Preset assignments inside some route (netmask: the longest such route). */
static void presets(const ztk_ctl_member *m, ztk_netconf *nc, bool *have4, bool *have6)
{
  for (unsigned i = 0; i < m->ip_count; i++) {
    ztk_inaddr ip = m->ips[i];
    int bits = -1;
    for (unsigned r = 0; r < nc->route_count; r++)
      if (contains(&nc->routes[r].target, &ip) && (int)nc->routes[r].target.port > bits)
        bits = nc->routes[r].target.port;
    if (bits < 0)
      continue;
    ip.port = (uint16_t)bits;
    (void)add_static(nc, &ip);
    *(ip.family == 4 ? have4 : have6) = true;
  }
}

static int ip_cmp(const void *a, const void *b)
{
  return ztk_inaddr_cmp(a, b);
}

/* Without an index (no memory to build one): every member's IPs, sorted. */
static int collect_taken(const ztk_ctl_net *net, assign_ctx *ax)
{
  unsigned total = 0;
  for (unsigned i = 0; i < net->member_count; i++)
    total += net->members[i]->ip_count;
  ax->taken = malloc((total ? total : 1) * sizeof *ax->taken);
  if (!ax->taken)
    return ZTK_ENOMEM;
  for (unsigned i = 0; i < net->member_count; i++)
    for (unsigned k = 0; k < net->members[i]->ip_count; k++)
      ax->taken[ax->taken_count++] = net->members[i]->ips[k];
  qsort(ax->taken, ax->taken_count, sizeof *ax->taken, ip_cmp);
  return 0;
}

/* Claims ip (port 0) for the member unless someone holds it; bits is its netmask. Returns true
 * if it was claimed. */
static bool claim(assign_ctx *ax, ztk_inaddr ip, unsigned bits, int *rc)
{
  ip.port = 0;
  if (ax->index ? ztk_ctl_ipset_has(ax->index, &ip)
                : bsearch(&ip, ax->taken, ax->taken_count, sizeof ip, ip_cmp) != NULL)
    return false;
  for (unsigned i = 0; i < ax->m->ip_count; i++)
    if (ztk_inaddr_ip_eq(&ax->m->ips[i], &ip))
      return false;
  *rc = ztk_ctl_member_add_ip(ax->m, &ip);
  if (*rc)
    return false;
  ip.port = (uint16_t)bits;
  (void)add_static(ax->nc, &ip);
  return true;
}

/* The netmask of the last on-link IPv6 route containing ip, or 0. */
static unsigned ipv6_route_bits(const ztk_netconf *nc, const ztk_inaddr *ip)
{
  unsigned bits = 0;
  for (unsigned r = 0; r < nc->route_count; r++)
    if (!nc->routes[r].via.family && nc->routes[r].target.family == 6 &&
        contains(&nc->routes[r].target, ip))
      bits = nc->routes[r].target.port;
  return bits;
}

static bool ipv6_pool(assign_ctx *ax, const ztk_ctl_pool *p, ztk_address address, int *rc)
{
  uint64_t s0 = half(p->start.ip), s1 = half(p->start.ip + 8);
  uint64_t e0 = half(p->end.ip), e1 = half(p->end.ip + 8);
  for (int trial = 0; trial < TRIALS && !*rc; trial++) {
    uint64_t hi, lo;
    if (trial == 0 && e1 > s1 && e1 - s1 >= EUI_SPAN) {
      hi = s0;
      lo = s1 + address;
    } else {
      uint8_t r[16];
      ax->c->io.random(ax->c->io.ctx, r, sizeof r);
      hi = s0 + (e0 > s0 ? half(r) % (e0 - s0) : 0);
      lo = s1 + (e1 > s1 ? half(r + 8) % (e1 - s1) : 0);
    }
    ztk_inaddr ip;
    memset(&ip, 0, sizeof ip);
    ip.family = 6;
    ztk_be_put(ip.ip, hi, 8);
    ztk_be_put(ip.ip + 8, lo, 8);
    unsigned bits = ipv6_route_bits(ax->nc, &ip);
    if (bits > 0 && claim(ax, ip, bits, rc))
      return true;
  }
  return false;
}

/* The netmask of the first IPv4 route whose target equals ip under that route's mask, or -1. */
static int ipv4_route_bits(const ztk_netconf *nc, uint32_t ip)
{
  for (unsigned r = 0; r < nc->route_count; r++) {
    const ztk_inaddr *t = &nc->routes[r].target;
    if (t->family != 4)
      continue;
    unsigned bits = t->port;
    uint32_t mask = bits == 0 ? 0xffffffffu : 0xffffffffu << (32 - bits);
    if ((ip & mask) == ztk_inaddr_v4_u32(t))
      return (int)bits;
  }
  return -1;
}

static bool ipv4_pool(assign_ctx *ax, const ztk_ctl_pool *p, ztk_address address, int *rc)
{
  uint32_t start = ztk_inaddr_v4_u32(&p->start), end = ztk_inaddr_v4_u32(&p->end);
  if (end < start || start == 0)
    return false;
  uint32_t len = end - start, counter = (uint32_t)(address & 0xffffffffu);
  uint64_t k = start;
  for (int trial = 0; k <= end && trial < TRIALS && !*rc; k++, trial++) {
    uint32_t ip = len > 0 ? start + counter % len : start;
    counter++;
    if ((ip & 0xff) == 0xff)
      continue;
    int bits = ipv4_route_bits(ax->nc, ip);
    ztk_inaddr a;
    ztk_inaddr_v4(&a, ip, 0);
    if (bits > 0 && claim(ax, a, (unsigned)bits, rc))
      return true;
  }
  return false;
}

static int from_pools(assign_ctx *ax, const ztk_ctl_network *n, ztk_address address, bool have4,
                      bool have6)
{
  int rc = 0;
  for (unsigned i = 0; n->v6_zt && !have6 && !rc && i < n->pool_count; i++)
    if (n->pools[i].start.family == 6)
      have6 = ipv6_pool(ax, &n->pools[i], address, &rc);
  for (unsigned i = 0; n->v4_zt && !have4 && !rc && i < n->pool_count; i++)
    if (n->pools[i].start.family == 4)
      have4 = ipv4_pool(ax, &n->pools[i], address, &rc);
  return rc == ZTK_ENOMEM ? rc : 0; /* a full member list just ends the search */
}

int ztk_ctl_assign_ips(ztk_ctl *c, ztk_ctl_net *net, ztk_ctl_member *m, const ztk_ctl_req *rq,
                       ztk_netconf *nc)
{
  const ztk_ctl_network *n = &net->rec;
  bool have4 = false, have6 = false;
  if (!m->no_auto_assign_ips)
    ipv6_schemes(n, rq, nc);
  presets(m, nc, &have4, &have6);
  if (m->no_auto_assign_ips || !n->pool_count || !(n->v4_zt || n->v6_zt))
    return 0;
  const ztk_ctl_net_index *x = ztk_ctl_net_indexed(net);
  assign_ctx ax = {nc, m, x ? &x->ips : NULL, NULL, 0, c};
  int rc = x ? 0 : collect_taken(net, &ax);
  if (!rc)
    rc = from_pools(&ax, n, rq->identity->address, have4, have6);
  free(ax.taken);
  return rc;
}
