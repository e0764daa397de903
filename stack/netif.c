/* Netifs: Ethernet frames in and out of lwIP, managed addresses, routes and the multicast
 * groups a netif wants. */
#include "stack/netif.h"

#include "core/network/addressing.h"
#include "core/network/mac.h"

#include <stdlib.h>
#include <string.h>

#include "lwip/etharp.h"
#include "lwip/ethip6.h"
#include "lwip/pbuf.h"
#include "lwip/stats.h"
#include "lwip/prot/ethernet.h"
#include "netif/ethernet.h"

#include "stack/env.h"
#include "stack/lwaddr.h"
#include "stack/netif_impl.h"
#include "stack/socket_impl.h"
#include "ztkit/error.h"

#define ETH_HDR 14
#define MAC_BROADCAST 0xffffffffffffull
#define MAC_IS_MULTICAST(m) ((((m) >> 40) & 1u) != 0)


/* ---- output ---------------------------------------------------------------------------------- */

/* True if the IP source address of an outgoing packet is the netif's own (or unspecified). A
 * frame from another netif's address would mean lwIP crossed hosts: it is dropped. */
static bool netif_source_ok(const ztk_stack_netif *n, uint16_t ethertype, const uint8_t *pkt,
                            size_t len)
{
  static const uint8_t zero[16];
  ztk_inaddr src;
  memset(&src, 0, sizeof src);
  if (ethertype == ZTK_ETHERTYPE_IPV4 && len >= 20) {
    src.family = 4;
    memcpy(src.ip, pkt + 12, 4);
    return memcmp(src.ip, zero, 4) == 0 || ztk_netif_has_ip(n, &src);
  }
  if (ethertype == ZTK_ETHERTYPE_IPV6 && len >= 40) {
    src.family = 6;
    memcpy(src.ip, pkt + 8, 16);
    return memcmp(src.ip, zero, 16) == 0 || ztk_netif_has_ip(n, &src);
  }
  return true;
}

static err_t netif_linkoutput(struct netif *lw, struct pbuf *p)
{
  ztk_stack_netif *n = ztk_netif_of(lw);
  uint8_t hdr[ETH_HDR];
  if (p->tot_len < ETH_HDR || pbuf_copy_partial(p, hdr, ETH_HDR, 0) != ETH_HDR)
    return ERR_ARG;
  size_t len = (size_t)p->tot_len - ETH_HDR;
  const uint8_t *data;
  if (p->next == NULL) {
    data = (const uint8_t *)p->payload + ETH_HDR;
  } else {
    if (len > n->scratch_cap)
      return ERR_BUF;
    pbuf_copy_partial(p, n->scratch, (u16_t)len, ETH_HDR);
    data = n->scratch;
  }
  uint16_t ethertype = (uint16_t)(hdr[12] << 8 | hdr[13]);
  if (!netif_source_ok(n, ethertype, data, len)) {
    n->ctr.tx_guard++;
    LINK_STATS_INC(link.drop);
    return ERR_OK;
  }
  n->ctr.tx_frames++;
  LINK_STATS_INC(link.xmit);
  n->ctr.tx_bytes += len;
  n->cb.frame_out(n->user, n->nwid, ztk_mac_from_bytes(hdr + 6), ztk_mac_from_bytes(hdr), ethertype, 0,
                  data, len);
  return ERR_OK;
}

/* If dst lies in the rfc4193 /88 or the 6plane /40 of n's network and n holds an address of
 * that kind, the member address dst embeds. */
static bool netif_embedded_member(const ztk_stack_netif *n, const uint8_t dst[16], uint64_t *member)
{
  for (int i = 0; i < n->nv6; i++) {
    uint64_t self;
    const uint8_t *own = n->v6[i].ip;
    if ((ztk_rfc4193_address(own, n->nwid, &self) == 0 &&
         ztk_rfc4193_address(dst, n->nwid, member) == 0) ||
        (ztk_6plane_address(own, n->nwid, &self) == 0 &&
         ztk_6plane_address(dst, n->nwid, member) == 0))
      return true;
  }
  return false;
}

/* IPv6 output. Members' rfc4193 and 6plane addresses embed their ZeroTier address, hence
 * their MAC: no neighbour discovery for them (ZeroTier emulates it for the same reason, and
 * lwIP would not even solicit a 6plane neighbour outside its own /64). */
static err_t netif_output_ip6(struct netif *lw, struct pbuf *p, const ip6_addr_t *dst)
{
  const ztk_stack_netif *n = ztk_netif_of(lw);
  uint8_t d[16];
  uint64_t member;
  memcpy(d, dst->addr, 16);
  if (!ip6_addr_ismulticast(dst) && netif_embedded_member(n, d, &member)) {
    struct eth_addr to;
    ztk_mac_to_bytes(ztk_mac_from_address(member, n->nwid), to.addr);
    return ethernet_output(lw, p, (const struct eth_addr *)lw->hwaddr, &to, ETHTYPE_IPV6);
  }
  return ethip6_output(lw, p, dst);
}

static err_t netif_init_lwip(struct netif *lw)
{
  ztk_stack_netif *n = ztk_netif_of(lw);
  memcpy(lw->name, "zt", sizeof lw->name);
  lw->hwaddr_len = 6;
  ztk_mac_to_bytes(n->mac, lw->hwaddr);
  lw->mtu = (u16_t)(n->scratch_cap - ETH_HDR);
  lw->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
  lw->output = etharp_output;
  lw->output_ip6 = netif_output_ip6;
  lw->linkoutput = netif_linkoutput;
  return ERR_OK;
}

/* ---- lifecycle ------------------------------------------------------------------------------- */

static int netif_check_config(const ztk_stack_netif_config *cfg,
                              const ztk_stack_netif_callbacks *cb)
{
  if (cfg == NULL || cb == NULL || cb->frame_out == NULL)
    return ZTK_EINVAL;
  if (cfg->mac == 0 || cfg->mac > MAC_BROADCAST || MAC_IS_MULTICAST(cfg->mac))
    return ZTK_EINVAL;
  if (cfg->mtu != 0 && (cfg->mtu < ZTK_STACK_MIN_MTU || cfg->mtu > ZTK_STACK_MAX_MTU))
    return ZTK_EINVAL;
  return 0;
}

static ztk_stack_netif *netif_alloc(ztk_stack_host *h, const ztk_stack_netif_config *cfg,
                                    const ztk_stack_netif_callbacks *cb, void *user)
{
  ztk_stack_netif *n = calloc(1, sizeof *n);
  unsigned mtu = cfg->mtu ? cfg->mtu : ZTK_STACK_DEFAULT_MTU;
  if (n == NULL)
    return NULL;
  n->scratch_cap = mtu + ETH_HDR;
  n->scratch = malloc(n->scratch_cap);
  if (n->scratch == NULL) {
    free(n);
    return NULL;
  }
  n->host = h;
  n->nwid = cfg->nwid;
  n->mac = cfg->mac;
  n->cb = *cb;
  n->user = user;
  return n;
}

static void netif_release(ztk_stack_netif *n)
{
  free(n->scratch);
  free(n);
}

static int netif_create(ztk_stack_netif **out, ztk_stack_host *h, const ztk_stack_netif_config *cfg,
                        const ztk_stack_netif_callbacks *cb, void *user)
{
  for (int i = 0; i < h->nnetifs; i++) {
    if (h->netifs[i]->nwid == cfg->nwid)
      return ZTK_EEXIST;
  }
  if (h->nnetifs >= ZTK_STACK_HOST_MAX_NETIFS || ztk_env_netif_reserve() != 0)
    return ZTK_ELIMIT;
  ztk_stack_netif *n = netif_alloc(h, cfg, cb, user);
  if (n == NULL) {
    ztk_env_netif_release();
    return ZTK_ENOMEM;
  }
  if (netif_add(&n->lw, NULL, NULL, NULL, n, netif_init_lwip, ethernet_input) == NULL) {
    ztk_env_netif_release();
    netif_release(n);
    return ZTK_ENOMEM;
  }
  if (cfg->skip_rx_checksums)
    NETIF_SET_CHECKSUM_CTRL(&n->lw, NETIF_CHECKSUM_GEN_IP | NETIF_CHECKSUM_GEN_UDP |
                                        NETIF_CHECKSUM_GEN_TCP | NETIF_CHECKSUM_GEN_ICMP |
                                        NETIF_CHECKSUM_GEN_ICMP6);
  ztk_host_netif_link(h, n);
  netif_set_link_up(&n->lw);
  netif_set_up(&n->lw);
  ztk_sock_netif_added(h, n);
  *out = n;
  return 0;
}

int ztk_stack_netif_new(ztk_stack_netif **out, ztk_stack_host *h, const ztk_stack_netif_config *cfg,
                        const ztk_stack_netif_callbacks *cb, void *user)
{
  if (out == NULL || h == NULL)
    return ZTK_EINVAL;
  *out = NULL;
  int rc = netif_check_config(cfg, cb);
  if (rc != 0)
    return rc;
  if ((rc = ztk_env_enter()) != 0)
    return rc;
  rc = netif_create(out, h, cfg, cb, user);
  ztk_env_leave();
  return rc;
}

/* Frees what the netif queued to itself (the RSTs of connections to its own address that
 * were just abandoned, for one): lwIP's netif_remove leaves the loopback queue behind. The
 * queue is one pbuf chain, each pbuf allocated for it alone, so one pbuf_free releases it. */
static void drop_loopback_queue(struct netif *lw)
{
  struct pbuf *q = lw->loop_first;
  lw->loop_first = lw->loop_last = NULL;
  lw->loop_cnt_current = 0;
  if (q != NULL)
    pbuf_free(q);
}

void ztk_netif_destroy(ztk_stack_netif *n)
{
  ztk_sock_netif_removed(n->host, n);
  ztk_tcp_purge_netif(ztk_netif_index(n));
  drop_loopback_queue(&n->lw);
  netif_set_down(&n->lw);
  netif_remove(&n->lw);
  ztk_host_netif_unlink(n->host, n);
  ztk_env_netif_release();
  netif_release(n);
}

void ztk_stack_netif_free(ztk_stack_netif *n)
{
  if (n == NULL || ztk_env_enter() != 0)
    return;
  ztk_netif_destroy(n);
  ztk_env_leave();
}

/* ---- input ----------------------------------------------------------------------------------- */

static int netif_check_frame(const ztk_stack_netif *n, uint64_t dst_mac, uint16_t ethertype,
                             size_t len)
{
  size_t min;
  if (len > n->lw.mtu)
    return ZTK_ERANGE;
  if (!MAC_IS_MULTICAST(dst_mac) && dst_mac != n->mac)
    return ZTK_ENOTFOUND;
  switch (ethertype) {
  case ZTK_ETHERTYPE_IPV4:
    min = 20;
    break;
  case ZTK_ETHERTYPE_ARP:
    min = 28;
    break;
  case ZTK_ETHERTYPE_IPV6:
    min = 40;
    break;
  default:
    return ZTK_EUNSUPPORTED;
  }
  return len < min ? ZTK_ERANGE : 0;
}

/* Hands one frame to lwIP (with an Ethernet header rebuilt in front). Returns 0 or
 * ZTK_ENOMEM. */
static int netif_deliver(ztk_stack_netif *n, uint64_t src_mac, uint64_t dst_mac, uint16_t ethertype,
                         const void *data, size_t len)
{
  struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)(len + ETH_HDR), PBUF_RAM);
  if (p == NULL) {
    n->ctr.rx_nomem++;
    LINK_STATS_INC(link.memerr);
    return ZTK_ENOMEM;
  }
  uint8_t *b = p->payload;
  ztk_mac_to_bytes(dst_mac, b);
  ztk_mac_to_bytes(src_mac, b + 6);
  b[12] = (uint8_t)(ethertype >> 8);
  b[13] = (uint8_t)ethertype;
  memcpy(b + ETH_HDR, data, len);
  n->ctr.rx_frames++;
  n->ctr.rx_bytes += len;
  LINK_STATS_INC(link.recv);
  if (n->lw.input(p, &n->lw) != ERR_OK)
    pbuf_free(p);
  return 0;
}

int ztk_stack_netif_input(ztk_stack_netif *n, uint64_t src_mac, uint64_t dst_mac,
                          uint16_t ethertype, uint16_t vlan_id, const void *data, size_t len)
{
  (void)vlan_id; /* ZeroTier frames carry no VLAN tag; the id is informational */
  if (n == NULL || (data == NULL && len > 0))
    return ZTK_EINVAL;
  int rc = netif_check_frame(n, dst_mac, ethertype, len);
  if (rc != 0) {
    n->ctr.rx_rejected++;
    return rc;
  }
  if ((rc = ztk_env_enter()) != 0)
    return rc;
  rc = netif_deliver(n, src_mac, dst_mac, ethertype, data, len);
  ztk_env_leave();
  return rc;
}

/* ---- multicast groups ------------------------------------------------------------------------ */

ztk_stack_group ztk_stack_group_arp(const ztk_inaddr *ip4)
{
  ztk_stack_group g = {MAC_BROADCAST, 0};
  if (ip4->family == 4)
    g.adi = (uint32_t)ip4->ip[0] << 24 | (uint32_t)ip4->ip[1] << 16 | (uint32_t)ip4->ip[2] << 8 |
            ip4->ip[3];
  return g;
}

static void groups_add(ztk_stack_group *set, int *count, ztk_stack_group g)
{
  for (int i = 0; i < *count; i++) {
    if (set[i].mac == g.mac && set[i].adi == g.adi)
      return;
  }
  if (*count < ZTK_STACK_NETIF_MAX_GROUPS)
    set[(*count)++] = g;
}

static bool groups_has(const ztk_stack_group *set, int count, ztk_stack_group g)
{
  for (int i = 0; i < count; i++) {
    if (set[i].mac == g.mac && set[i].adi == g.adi)
      return true;
  }
  return false;
}

/* Recomputes the wanted groups from the addresses and reports the changes. */
static void netif_update_groups(ztk_stack_netif *n)
{
  ztk_stack_group want[ZTK_STACK_NETIF_MAX_GROUPS];
  int nwant = 0;
  if (n->v4.family == 4)
    groups_add(want, &nwant, ztk_stack_group_arp(&n->v4));
  if (n->nv6 > 0)
    groups_add(want, &nwant, (ztk_stack_group){0x333300000001ull, 0});
  for (int i = 0; i < n->nv6; i++) {
    const uint8_t *ip = n->v6[i].ip;
    uint64_t mac = 0x3333ff000000ull | (uint64_t)ip[13] << 16 | (uint64_t)ip[14] << 8 | ip[15];
    groups_add(want, &nwant, (ztk_stack_group){mac, 0});
  }
  for (int i = 0; n->cb.multicast != NULL && i < n->ngroups; i++) {
    if (!groups_has(want, nwant, n->groups[i]))
      n->cb.multicast(n->user, n->nwid, n->groups[i].mac, n->groups[i].adi, false);
  }
  for (int i = 0; n->cb.multicast != NULL && i < nwant; i++) {
    if (!groups_has(n->groups, n->ngroups, want[i]))
      n->cb.multicast(n->user, n->nwid, want[i].mac, want[i].adi, true);
  }
  memcpy(n->groups, want, sizeof want);
  n->ngroups = nwant;
}

int ztk_stack_netif_groups(const ztk_stack_netif *n, ztk_stack_group *out, int max)
{
  for (int i = 0; out != NULL && i < n->ngroups && i < max; i++)
    out[i] = n->groups[i];
  return n->ngroups;
}

/* ---- addresses ------------------------------------------------------------------------------- */

static bool addr_usable(const ztk_inaddr *a)
{
  static const uint8_t zero[16];
  static const uint8_t loop6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  if (a->family == 4)
    return a->port >= 1 && a->port <= 32 && memcmp(a->ip, zero, 4) != 0 && a->ip[0] < 224 &&
           a->ip[0] != 127;
  if (a->family == 6)
    return a->port >= 1 && a->port <= 128 && memcmp(a->ip, zero, 16) != 0 &&
           memcmp(a->ip, loop6, 16) != 0 && a->ip[0] != 0xff;
  return false;
}

static int netif_add_v4(ztk_stack_netif *n, const ztk_inaddr *a)
{
  if (n->v4.family == 4)
    return ztk_inaddr_ip_eq(&n->v4, a) ? ZTK_EEXIST : ZTK_ELIMIT;
  ip4_addr_t ip, mask;
  uint32_t m = a->port >= 32 ? 0xffffffffu : ~(0xffffffffu >> a->port);
  memcpy(&ip.addr, a->ip, 4);
  mask.addr = lwip_htonl(m);
  netif_set_addr(&n->lw, &ip, &mask, IP4_ADDR_ANY4);
  n->v4 = *a;
  return 0;
}

static int netif_add_v6(ztk_stack_netif *n, const ztk_inaddr *a)
{
  for (int i = 0; i < n->nv6; i++) {
    if (ztk_inaddr_ip_eq(&n->v6[i], a))
      return ZTK_EEXIST;
  }
  if (n->nv6 >= ZTK_STACK_NETIF_MAX_V6)
    return ZTK_ELIMIT;
  ip_addr_t ip;
  s8_t slot = -1;
  ztk_lwaddr_from(&ip, a, &n->lw);
  if (netif_add_ip6_address(&n->lw, ip_2_ip6(&ip), &slot) != ERR_OK || slot < 0)
    return ZTK_ELIMIT;
  netif_ip6_addr_set_state(&n->lw, slot, IP6_ADDR_PREFERRED);
  n->v6[n->nv6] = *a;
  n->v6_slot[n->nv6] = slot;
  n->nv6++;
  return 0;
}

int ztk_stack_netif_add_addr(ztk_stack_netif *n, const ztk_inaddr *addr)
{
  if (n == NULL || addr == NULL || !addr_usable(addr))
    return ZTK_EINVAL;
  int rc = ztk_env_enter();
  if (rc != 0)
    return rc;
  rc = addr->family == 4 ? netif_add_v4(n, addr) : netif_add_v6(n, addr);
  if (rc == 0)
    netif_update_groups(n);
  ztk_env_leave();
  return rc;
}

static int netif_remove_ip(ztk_stack_netif *n, const ztk_inaddr *a)
{
  if (a->family == 4) {
    if (n->v4.family != 4 || !ztk_inaddr_ip_eq(&n->v4, a))
      return ZTK_ENOTFOUND;
    ztk_sock_addr_removed(n->host, n, &n->v4);
    netif_set_addr(&n->lw, IP4_ADDR_ANY4, IP4_ADDR_ANY4, IP4_ADDR_ANY4);
    memset(&n->v4, 0, sizeof n->v4);
    return 0;
  }
  for (int i = 0; i < n->nv6; i++) {
    if (!ztk_inaddr_ip_eq(&n->v6[i], a))
      continue;
    ztk_sock_addr_removed(n->host, n, &n->v6[i]);
    netif_ip6_addr_set_state(&n->lw, n->v6_slot[i], IP6_ADDR_INVALID);
    netif_ip6_addr_set(&n->lw, n->v6_slot[i], IP6_ADDR_ANY6);
    n->nv6--;
    memmove(&n->v6[i], &n->v6[i + 1], (size_t)(n->nv6 - i) * sizeof n->v6[0]);
    memmove(&n->v6_slot[i], &n->v6_slot[i + 1], (size_t)(n->nv6 - i) * sizeof n->v6_slot[0]);
    return 0;
  }
  return ZTK_ENOTFOUND;
}

int ztk_stack_netif_remove_addr(ztk_stack_netif *n, const ztk_inaddr *addr)
{
  if (n == NULL || addr == NULL || (addr->family != 4 && addr->family != 6))
    return ZTK_EINVAL;
  int rc = ztk_env_enter();
  if (rc != 0)
    return rc;
  rc = netif_remove_ip(n, addr);
  if (rc == 0)
    netif_update_groups(n);
  ztk_env_leave();
  return rc;
}

int ztk_stack_netif_addrs(const ztk_stack_netif *n, ztk_inaddr *out, int max)
{
  int count = 0;
  if (n->v4.family == 4 && out != NULL && count < max)
    out[count] = n->v4;
  if (n->v4.family == 4)
    count++;
  for (int i = 0; i < n->nv6; i++, count++) {
    if (out != NULL && count < max)
      out[count] = n->v6[i];
  }
  return count;
}

bool ztk_netif_has_ip(const ztk_stack_netif *n, const ztk_inaddr *ip)
{
  if (ip->family == 4)
    return n->v4.family == 4 && ztk_inaddr_ip_eq(&n->v4, ip);
  for (int i = 0; i < n->nv6; i++) {
    if (ztk_inaddr_ip_eq(&n->v6[i], ip))
      return true;
  }
  return false;
}

int ztk_netif_first_addr(const ztk_stack_netif *n, int family, ztk_inaddr *out)
{
  if (family == 4 && n->v4.family == 4)
    *out = n->v4;
  else if (family == 6 && n->nv6 > 0)
    *out = n->v6[0];
  else
    return ZTK_ESOCK_ADDRNOTAVAIL;
  out->port = 0;
  return 0;
}

int ztk_netif_source_for(const ztk_stack_netif *n, const ztk_inaddr *dst, ztk_inaddr *src)
{
  for (int i = 0; dst->family == 6 && i < n->nv6; i++) {
    if (ztk_inaddr_in_network(dst, &n->v6[i])) {
      *src = n->v6[i];
      src->port = 0;
      return 0;
    }
  }
  return ztk_netif_first_addr(n, dst->family, src);
}

/* ---- routes and reachability ----------------------------------------------------------------- */

/* The longest prefix of n's own networks covering dst, or -1. */
static int netif_own_prefix(const ztk_stack_netif *n, const ztk_inaddr *dst)
{
  int best = -1;
  if (dst->family == 4 && n->v4.family == 4 && ztk_inaddr_in_network(dst, &n->v4))
    best = n->v4.port;
  for (int i = 0; dst->family == 6 && i < n->nv6; i++) {
    if (ztk_inaddr_in_network(dst, &n->v6[i]) && n->v6[i].port > best)
      best = n->v6[i].port;
  }
  return best;
}

const ztk_netif_route *ztk_netif_route_for(const ztk_stack_netif *n, const ztk_inaddr *dst,
                                           int *bits)
{
  const ztk_netif_route *best = NULL;
  *bits = netif_own_prefix(n, dst);
  for (int i = 0; i < n->nroutes; i++) {
    const ztk_netif_route *r = &n->routes[i];
    if (ztk_inaddr_in_network(dst, &r->target) && (int)r->target.port > *bits) {
      *bits = r->target.port;
      best = r;
    }
  }
  return best;
}

int ztk_netif_reach(const ztk_stack_netif *n, const ztk_inaddr *dst, ztk_inaddr *gateway_out)
{
  int bits;
  const ztk_netif_route *r = ztk_netif_route_for(n, dst, &bits);
  if (gateway_out != NULL) {
    memset(gateway_out, 0, sizeof *gateway_out);
    if (r != NULL)
      *gateway_out = r->via;
  }
  return bits;
}

int ztk_stack_netif_add_route(ztk_stack_netif *n, const ztk_inaddr *target, const ztk_inaddr *via)
{
  if (n == NULL || target == NULL || (target->family != 4 && target->family != 6))
    return ZTK_EINVAL;
  if (target->port > (target->family == 4 ? 32 : 128))
    return ZTK_EINVAL;
  if (via != NULL && via->family != 0 && via->family != target->family)
    return ZTK_EINVAL;
  if (ztk_env_busy())
    return ZTK_ESTATE;
  for (int i = 0; i < n->nroutes; i++) {
    if (ztk_inaddr_eq(&n->routes[i].target, target))
      return ZTK_EEXIST;
  }
  if (n->nroutes >= ZTK_STACK_NETIF_MAX_ROUTES)
    return ZTK_ELIMIT;
  ztk_netif_route *r = &n->routes[n->nroutes++];
  memset(r, 0, sizeof *r);
  r->target = *target;
  if (via != NULL && via->family != 0) {
    r->via = *via;
    r->via.port = 0;
    ztk_lwaddr_from(&r->via_lw, via, &n->lw);
  }
  return 0;
}

int ztk_stack_netif_remove_route(ztk_stack_netif *n, const ztk_inaddr *target)
{
  if (n == NULL || target == NULL)
    return ZTK_EINVAL;
  if (ztk_env_busy())
    return ZTK_ESTATE;
  for (int i = 0; i < n->nroutes; i++) {
    if (!ztk_inaddr_eq(&n->routes[i].target, target))
      continue;
    n->nroutes--;
    memmove(&n->routes[i], &n->routes[i + 1], (size_t)(n->nroutes - i) * sizeof n->routes[0]);
    return 0;
  }
  return ZTK_ENOTFOUND;
}

/* ---- small accessors ------------------------------------------------------------------------- */

int ztk_stack_netif_set_mtu(ztk_stack_netif *n, unsigned mtu)
{
  if (n == NULL || mtu < ZTK_STACK_MIN_MTU || mtu > ZTK_STACK_MAX_MTU)
    return ZTK_EINVAL;
  if (ztk_env_busy())
    return ZTK_ESTATE;
  uint8_t *s = realloc(n->scratch, mtu + ETH_HDR);
  if (s == NULL)
    return ZTK_ENOMEM;
  n->scratch = s;
  n->scratch_cap = mtu + ETH_HDR;
  n->lw.mtu = (u16_t)mtu;
  n->lw.mtu6 = (u16_t)mtu;
  return 0;
}

void ztk_stack_netif_counters_get(const ztk_stack_netif *n, ztk_stack_netif_counters *out)
{
  *out = n->ctr;
}

uint64_t ztk_stack_netif_nwid(const ztk_stack_netif *n)
{
  return n->nwid;
}

uint64_t ztk_stack_netif_mac(const ztk_stack_netif *n)
{
  return n->mac;
}

unsigned ztk_stack_netif_mtu(const ztk_stack_netif *n)
{
  return n->lw.mtu;
}

ztk_stack_host *ztk_stack_netif_host(const ztk_stack_netif *n)
{
  return n->host;
}

uint8_t ztk_netif_index(const ztk_stack_netif *n)
{
  return netif_get_index(&n->lw);
}
