#include "core/network/addressing.h"

#include <stdio.h>
#include <string.h>

#include "core/network/ethframe.h"
#include "core/network/filter.h"
#include "core/network/mac.h"
#include "core/util/cursor.h"

#define ADDRESS_MASK 0xffffffffffULL

void ztk_ipv6_rfc4193(uint8_t ip[16], uint64_t nwid, uint64_t address)
{
  ztk_wr w = ztk_wr_make(ip, 16);
  ztk_wr_u8(&w, 0xfd);
  ztk_wr_u64(&w, nwid);
  ztk_wr_u16(&w, 0x9993);
  ztk_wr_u40(&w, address);
}

uint32_t ztk_6plane_nwid32(uint64_t nwid) { return (uint32_t)(nwid ^ (nwid >> 32)); }

void ztk_ipv6_6plane(uint8_t ip[16], uint64_t nwid, uint64_t address)
{
  ztk_wr w = ztk_wr_make(ip, 16);
  ztk_wr_u8(&w, 0xfc);
  ztk_wr_u32(&w, ztk_6plane_nwid32(nwid));
  ztk_wr_u40(&w, address);
  ztk_wr_zero(&w, 5);
  ztk_wr_u8(&w, 0x01);
}

void ztk_inaddr_rfc4193(ztk_inaddr *a, uint64_t nwid, uint64_t address)
{
  uint8_t ip[16];
  ztk_ipv6_rfc4193(ip, nwid, address);
  ztk_inaddr_v6(a, ip, ZTK_RFC4193_PREFIX_BITS);
}

void ztk_inaddr_6plane(ztk_inaddr *a, uint64_t nwid, uint64_t address)
{
  uint8_t ip[16];
  ztk_ipv6_6plane(ip, nwid, address);
  ztk_inaddr_v6(a, ip, ZTK_6PLANE_PREFIX_BITS);
}

/* If ip starts with the first `prefix` bytes of want, stores the 5 bytes after them. */
static int address_after_prefix(const uint8_t ip[16], const uint8_t want[16], size_t prefix,
                                uint64_t *address)
{
  if (memcmp(ip, want, prefix) != 0)
    return ZTK_ENOTFOUND;
  *address = ztk_be_get(ip + prefix, 5);
  return 0;
}

int ztk_rfc4193_address(const uint8_t ip[16], uint64_t nwid, uint64_t *address)
{
  uint8_t want[16];
  ztk_ipv6_rfc4193(want, nwid, 0);
  return address_after_prefix(ip, want, 11, address);
}

int ztk_6plane_address(const uint8_t ip[16], uint64_t nwid, uint64_t *address)
{
  uint8_t want[16];
  ztk_ipv6_6plane(want, nwid, 0);
  return address_after_prefix(ip, want, 5, address);
}

/* 1.14.1 looks for the first static IP equal (family and IP) to `own`; if there is one, the
 * answer for this scheme is whether ip shares its first prefix_bytes. */
static int own_scheme_match(const uint8_t ip[16], const ztk_inaddr *own, size_t prefix_bytes,
                            const ztk_inaddr *static_ips, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (ztk_inaddr_ip_eq(&static_ips[i], own))
      return memcmp(ip, own->ip, prefix_bytes) == 0;
  return -1;
}

bool ztk_ipv6_owned_by_emulation(const uint8_t ip[16], uint64_t nwid, uint64_t self,
                                 const ztk_inaddr *static_ips, size_t n_static_ips)
{
  ztk_inaddr own;
  ztk_inaddr_6plane(&own, nwid, self);
  if (own_scheme_match(ip, &own, 5, static_ips, n_static_ips) == 1)
    return true;
  ztk_inaddr_rfc4193(&own, nwid, self);
  return own_scheme_match(ip, &own, 11, static_ips, n_static_ips) == 1;
}

ztk_mcgroup ztk_mcgroup_broadcast(void)
{
  ztk_mcgroup g = {ZTK_MAC_BROADCAST, 0};
  return g;
}

ztk_mcgroup ztk_mcgroup_arp(uint32_t ipv4)
{
  ztk_mcgroup g = {ZTK_MAC_BROADCAST, ipv4};
  return g;
}

ztk_mcgroup ztk_mcgroup_solicited_node(const uint8_t ip[16])
{
  ztk_mcgroup g = {0x3333ff000000ULL | ztk_be_get(ip + 13, 3), 0};
  return g;
}

int ztk_mcgroup_for_address(ztk_mcgroup *g, const ztk_inaddr *ip)
{
  if (ip->family == 4)
    *g = ztk_mcgroup_arp(ztk_inaddr_v4_u32(ip));
  else if (ip->family == 6)
    *g = ztk_mcgroup_solicited_node(ip->ip);
  else
    return ZTK_EINVAL;
  return 0;
}

ztk_mcgroup ztk_mcgroup_for_frame(uint64_t dst_mac, uint16_t ethertype, const uint8_t *payload,
                                  size_t len)
{
  ztk_mcgroup g = {dst_mac & ZTK_MAC_MASK, 0};
  uint32_t target;
  if (ztk_mac_is_broadcast(dst_mac) && ethertype == ZTK_ETHERTYPE_ARP &&
      ztk_arp_zt_request_target(payload, len, &target))
    g.adi = target;
  return g;
}

int ztk_mcgroup_cmp(const ztk_mcgroup *a, const ztk_mcgroup *b)
{
  if (a->mac != b->mac)
    return a->mac < b->mac ? -1 : 1;
  if (a->adi != b->adi)
    return a->adi < b->adi ? -1 : 1;
  return 0;
}

uint64_t ztk_adhoc_nwid(uint16_t start_port, uint16_t end_port)
{
  return (0xffULL << 56) | ((uint64_t)start_port << 40) | ((uint64_t)end_port << 24);
}

uint64_t ztk_adhoc_hub_nwid(uint8_t ipv4_first_octet, uint64_t hub)
{
  return (0xffULL << 56) | ((uint64_t)ipv4_first_octet << 48) | ((hub & ADDRESS_MASK) << 8) |
         0x01;
}

bool ztk_nwid_is_adhoc(uint64_t nwid) { return (nwid >> 56) == 0xff; }

/* The port-range rule set: IPv6 only; ICMPv6; UDP or TCP to ports start..end; anything that
 * is not a TCP SYN (so also UDP to any port); SYN+ACK; nothing else. */
static void adhoc_port_rules(ztk_adhoc_config *c, uint16_t start, uint16_t end)
{
  const ztk_rule rules[ZTK_ADHOC_MAX_RULES] = {
      {.t = ZTK_RULE_MATCH_ETHERTYPE | ZTK_RULE_NOT, .v.ether_type = ZTK_ETHERTYPE_IPV6},
      {.t = ZTK_RULE_ACTION_DROP},
      {.t = ZTK_RULE_MATCH_IP_PROTOCOL, .v.ip_protocol = ZTK_IPPROTO_ICMPV6},
      {.t = ZTK_RULE_ACTION_ACCEPT},
      {.t = ZTK_RULE_MATCH_IP_PROTOCOL, .v.ip_protocol = ZTK_IPPROTO_UDP},
      {.t = ZTK_RULE_MATCH_IP_PROTOCOL | ZTK_RULE_OR, .v.ip_protocol = ZTK_IPPROTO_TCP},
      {.t = ZTK_RULE_MATCH_IP_DEST_PORT_RANGE, .v.port = {start, end}},
      {.t = ZTK_RULE_ACTION_ACCEPT},
      {.t = ZTK_RULE_MATCH_CHARACTERISTICS | ZTK_RULE_NOT, .v.characteristics = ZTK_CHAR_TCP_SYN},
      {.t = ZTK_RULE_ACTION_ACCEPT},
      {.t = ZTK_RULE_MATCH_CHARACTERISTICS, .v.characteristics = ZTK_CHAR_TCP_SYN},
      {.t = ZTK_RULE_MATCH_CHARACTERISTICS, .v.characteristics = ZTK_CHAR_TCP_ACK},
      {.t = ZTK_RULE_ACTION_ACCEPT},
      {.t = ZTK_RULE_ACTION_DROP},
  };
  memcpy(c->rules, rules, sizeof rules);
  c->n_rules = ZTK_ADHOC_MAX_RULES;
}

static void adhoc_common(ztk_adhoc_config *c, uint64_t nwid, uint64_t self, int64_t now_ms)
{
  memset(c, 0, sizeof *c);
  c->nwid = nwid;
  c->timestamp_ms = now_ms;
  c->credential_time_max_delta = ZTK_NETCONF_DEFAULT_CREDENTIAL_MAX_DELTA_MS;
  c->revision = 1;
  c->issued_to = self & ADDRESS_MASK;
  c->flags = ZTK_NETCONF_FLAG_NDP_EMULATION;
  c->type = ZTK_NETWORK_TYPE_PUBLIC;
  c->mtu = ZTK_DEFAULT_MTU;
  ztk_inaddr_6plane(&c->static_ips[0], nwid, self);
  c->n_static_ips = 1;
}

int ztk_adhoc_config_make(ztk_adhoc_config *c, uint64_t nwid, uint64_t self, int64_t now_ms)
{
  if (!ztk_nwid_is_adhoc(nwid))
    return ZTK_EINVAL;
  if ((nwid & 0xffffff) == 0) {
    uint16_t start = (uint16_t)(nwid >> 40), end = (uint16_t)(nwid >> 24);
    if (end < start)
      return ZTK_ENOTFOUND;
    adhoc_common(c, nwid, self, now_ms);
    adhoc_port_rules(c, start, end);
    snprintf(c->name, sizeof c->name, "adhoc-%04x-%04x", start, end);
    return 0;
  }
  if ((nwid & 0xff) != 0x01)
    return ZTK_EINVAL;
  uint64_t hub = (nwid >> 8) & ADDRESS_MASK;
  uint8_t first = (uint8_t)(nwid >> 48);
  adhoc_common(c, nwid, self, now_ms);
  c->multicast_limit = 1024;
  ztk_inaddr_v4(&c->static_ips[1], ((uint32_t)first << 24) | (uint32_t)(self & 0xffffff), 8);
  c->n_static_ips = 2;
  if (hub != 0)
    c->specialists[c->n_specialists++] = hub;
  c->rules[c->n_rules++].t = ZTK_RULE_ACTION_ACCEPT;
  snprintf(c->name, sizeof c->name, "adhoc-%u.0.0.0", (unsigned)first);
  return 0;
}
