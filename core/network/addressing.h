/* Addresses derived from (network id, member address): the rfc4193 and 6plane IPv6 schemes
 * (protocol notes §11.4) and their reverse, the multicast groups used for address resolution
 * (§11.3), and the ad-hoc networks whose config a node synthesizes itself (§10.1).
 * Internal header. */
#ifndef ZTK_CORE_NETWORK_ADDRESSING_H
#define ZTK_CORE_NETWORK_ADDRESSING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/network/rule.h"
#include "core/util/inaddr.h"

#define ZTK_RFC4193_PREFIX_BITS 88
#define ZTK_6PLANE_PREFIX_BITS 40

/* rfc4193: fd || nwid (8 bytes) || 99 93 || address (5 bytes). */
void ztk_ipv6_rfc4193(uint8_t ip[16], uint64_t nwid, uint64_t address);
/* 6plane: fc || nwid32 (4 bytes) || address (5 bytes) || 0 (5 bytes) || 01. */
void ztk_ipv6_6plane(uint8_t ip[16], uint64_t nwid, uint64_t address);
/* The 32 bits 6plane puts after 0xfc: the network id's two halves XORed. */
uint32_t ztk_6plane_nwid32(uint64_t nwid);

/* The same as a ztk_inaddr with the prefix length in the port field (/88 and /40), as the
 * controller assigns them and as they sit in a network config's static IPs. */
void ztk_inaddr_rfc4193(ztk_inaddr *a, uint64_t nwid, uint64_t address);
void ztk_inaddr_6plane(ztk_inaddr *a, uint64_t nwid, uint64_t address);

/* Reverse: if ip lies in nwid's rfc4193 /88 (first 11 bytes) or 6plane /40 (first 5 bytes),
 * store the member address it embeds (bytes 11..15, resp. 5..9; anything in a member's 6plane
 * /80 belongs to it) and return 0; otherwise return ZTK_ENOTFOUND. */
int ztk_rfc4193_address(const uint8_t ip[16], uint64_t nwid, uint64_t *address);
int ztk_6plane_address(const uint8_t ip[16], uint64_t nwid, uint64_t *address);

/* Whether 1.14.1 counts an IPv6 source address as owned although no certificate of ownership
 * covers it: on a network with NDP emulation (flag 0x04, the caller checks), if our own 6plane
 * address (self = our address, i.e. the config's issuedTo) is among the config's static IPs and
 * ip shares its /40, or else our rfc4193 address is among them and ip shares its /88. */
bool ztk_ipv6_owned_by_emulation(const uint8_t ip[16], uint64_t nwid, uint64_t self,
                                 const ztk_inaddr *static_ips, size_t n_static_ips);

/* A multicast group: a multicast MAC plus 32 bits of additional distinguishing information. */
typedef struct ztk_mcgroup {
  uint64_t mac;
  uint32_t adi;
} ztk_mcgroup;

/* Returns ff:ff:ff:ff:ff:ff / 0. */
ztk_mcgroup ztk_mcgroup_broadcast(void);
/* Returns the ARP group of an IPv4 address: broadcast MAC, ADI = the address (host order). */
ztk_mcgroup ztk_mcgroup_arp(uint32_t ipv4);
/* Returns the IPv6 solicited-node group 33:33:ff:xx:yy:zz (last 3 address bytes) / 0. */
ztk_mcgroup ztk_mcgroup_solicited_node(const uint8_t ip[16]);
/* The group a node subscribes to so others can resolve ip (ARP group for IPv4, solicited-node
 * group for IPv6). Returns 0, or ZTK_EINVAL for a nil address. */
int ztk_mcgroup_for_address(ztk_mcgroup *g, const ztk_inaddr *ip);
/* The group an outgoing multicast frame goes to: (dst_mac, 0), except that a broadcast ARP
 * request (ztk_arp_zt_request_target) goes to the ARP group of its target address. */
ztk_mcgroup ztk_mcgroup_for_frame(uint64_t dst_mac, uint16_t ethertype, const uint8_t *payload,
                                  size_t len);
/* Total order by (mac, adi), as ZeroTier sorts groups. Returns <0, 0 or >0. */
int ztk_mcgroup_cmp(const ztk_mcgroup *a, const ztk_mcgroup *b);

/* Ad-hoc networks (controller-less, config synthesized locally). Port-range form:
 * ff SSSS EEEE 000000; hub form: ff AA <40-bit hub address> 01. */
uint64_t ztk_adhoc_nwid(uint16_t start_port, uint16_t end_port);
uint64_t ztk_adhoc_hub_nwid(uint8_t ipv4_first_octet, uint64_t hub);
/* Returns true if nwid's top byte is 0xff (1.14.1 never asks a controller for these). */
bool ztk_nwid_is_adhoc(uint64_t nwid);

#define ZTK_ADHOC_MAX_RULES 14
#define ZTK_ADHOC_NAME_MAX 32
#define ZTK_NETCONF_FLAG_ENABLE_BROADCAST 0x02ull
#define ZTK_NETCONF_FLAG_NDP_EMULATION 0x04ull
#define ZTK_NETCONF_FLAG_UNSUPPORTED_MATCH_RESULT 0x08
#define ZTK_NETWORK_TYPE_PRIVATE 0
#define ZTK_NETWORK_TYPE_PUBLIC 1
#define ZTK_DEFAULT_MTU 2800
#define ZTK_NETCONF_DEFAULT_CREDENTIAL_MAX_DELTA_MS (2 * 60 * 60 * 1000)

/* The network config 1.14.1 synthesizes for an ad-hoc network id. It is rebuilt (with a new
 * timestamp) whenever a config request would go out, i.e. at the normal config cadence (§12.3).
 * Everything a controller would otherwise send; fields not listed are zero/empty. */
typedef struct ztk_adhoc_config {
  uint64_t nwid;
  int64_t timestamp_ms;              /* now */
  int64_t credential_time_max_delta; /* ZTK_NETCONF_DEFAULT_CREDENTIAL_MAX_DELTA_MS */
  uint64_t revision;                 /* 1 */
  uint64_t issued_to;                /* our address */
  uint64_t flags;                    /* ZTK_NETCONF_FLAG_NDP_EMULATION */
  unsigned type;                     /* ZTK_NETWORK_TYPE_PUBLIC */
  unsigned mtu;                      /* ZTK_DEFAULT_MTU */
  unsigned multicast_limit;          /* 0 (port-range form) or 1024 (hub form) */
  char name[ZTK_ADHOC_NAME_MAX];     /* "adhoc-SSSS-EEEE" (hex) or "adhoc-AA.0.0.0" (decimal) */
  ztk_inaddr static_ips[2];          /* 6plane /40, then (hub form) AA.x.y.z/8 */
  unsigned n_static_ips;
  uint64_t specialists[1];           /* hub form: the hub address (no role bits), if not 0 */
  unsigned n_specialists;
  ztk_rule rules[ZTK_ADHOC_MAX_RULES];
  unsigned n_rules;
} ztk_adhoc_config;

/* Synthesizes the config of ad-hoc network nwid for the member with address self. Returns 0,
 * ZTK_ENOTFOUND for a port-range id whose end port is below its start port (1.14.1 reports the
 * network as not found), or ZTK_EINVAL if nwid is not one of the two ad-hoc forms (1.14.1 then
 * leaves the network without a config). */
int ztk_adhoc_config_make(ztk_adhoc_config *c, uint64_t nwid, uint64_t self, int64_t now_ms);

#endif
