/* A netif: one host's interface on one ZeroTier network (an Ethernet segment with the
 * network's MTU). Frames come in through ztk_stack_netif_input() and leave through the
 * frame_out callback; both have the shape of a ZeroTier node's virtual-frame interface, so a
 * node plugs in directly: node frame_out -> ztk_stack_netif_input, netif frame_out -> the
 * node's frame input. Payloads never include the Ethernet header. Internal header (unstable). */
#ifndef ZTK_STACK_NETIF_H
#define ZTK_STACK_NETIF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/util/inaddr.h"
#include "stack/host.h"

#define ZTK_STACK_DEFAULT_MTU 2800 /* ZeroTier's default network MTU */
#define ZTK_STACK_MIN_MTU 1280     /* the IPv6 minimum */
#define ZTK_STACK_MAX_MTU 10000    /* ZeroTier's maximum */
#define ZTK_STACK_NETIF_MAX_V6 7   /* managed IPv6 addresses per netif (lwIP slots - 1) */
#define ZTK_STACK_NETIF_MAX_ROUTES 32
#define ZTK_STACK_NETIF_MAX_GROUPS 16

#define ZTK_ETHERTYPE_IPV4 0x0800
#define ZTK_ETHERTYPE_ARP 0x0806
#define ZTK_ETHERTYPE_IPV6 0x86dd

typedef struct ztk_stack_netif ztk_stack_netif;

typedef struct ztk_stack_netif_callbacks {
  /* REQUIRED. One Ethernet frame out: MACs in the low 48 bits, payload without the Ethernet
   * header, valid during the call only. Same shape as ztk_node_callbacks.frame_out. Runs
   * inside lwIP: it must not call into the stack (queue the frame instead). */
  void (*frame_out)(void *user, uint64_t nwid, uint64_t src_mac, uint64_t dst_mac,
                    uint16_t ethertype, uint16_t vlan_id, const void *data, size_t len);
  /* OPTIONAL. The netif starts (subscribe) or stops wanting an L2 multicast group, in
   * ZeroTier's terms (MAC, ADI): (ff:ff:ff:ff:ff:ff, IPv4 address) for ARP resolution of each
   * IPv4 address, (33:33:ff:xx:xx:xx, 0) for each IPv6 solicited-node group and
   * (33:33:00:00:00:01, 0) for all-nodes. Runs from address changes; same rule as frame_out. */
  void (*multicast)(void *user, uint64_t nwid, uint64_t mac, uint32_t adi, bool subscribe);
} ztk_stack_netif_callbacks;

typedef struct ztk_stack_netif_config {
  uint64_t nwid;
  uint64_t mac; /* unicast, low 48 bits */
  unsigned mtu; /* 0: ZTK_STACK_DEFAULT_MTU; else ZTK_STACK_MIN_MTU..ZTK_STACK_MAX_MTU */
  /* Do not verify IP/TCP/UDP/ICMP checksums of incoming frames (they are always generated).
   * ZeroTier authenticates every frame, so the check only costs time; fuzzing needs it off. */
  bool skip_rx_checksums;
} ztk_stack_netif_config;

typedef struct ztk_stack_group {
  uint64_t mac;
  uint32_t adi;
} ztk_stack_group;

typedef struct ztk_stack_netif_counters {
  uint64_t rx_frames, rx_bytes, tx_frames, tx_bytes;
  uint64_t rx_rejected; /* bad size, MAC or ethertype */
  uint64_t rx_nomem;    /* no buffer for the frame */
  uint64_t tx_guard;    /* frames whose source IP is not this netif's: never expected */
} ztk_stack_netif_counters;

/* Adds a netif to host h. The netif has no address yet. Returns 0 or one of: ZTK_EINVAL (bad
 * config or missing frame_out), ZTK_EEXIST (h already has a netif for nwid), ZTK_ELIMIT
 * (ZTK_STACK_MAX_NETIFS in the process or ZTK_STACK_HOST_MAX_NETIFS in h), ZTK_ENOMEM,
 * ZTK_ESTATE (called from a stack callback). Listening and unbound UDP sockets of h start
 * serving the new netif at once. */
int ztk_stack_netif_new(ztk_stack_netif **out, ztk_stack_host *h, const ztk_stack_netif_config *cfg,
                        const ztk_stack_netif_callbacks *cb, void *user);

/* Removes and frees a netif: sockets bound to it fail with ZTK_ESOCK_NETDOWN (connections are
 * aborted), listeners of the host stop serving it. No multicast callbacks are made. NULL is
 * allowed; not from a frame callback (it then does nothing). */
void ztk_stack_netif_free(ztk_stack_netif *n);

/* One frame in (from the node). Returns 0 if it was handed to lwIP, or one of: ZTK_EINVAL,
 * ZTK_ERANGE (longer than the MTU or shorter than the protocol minimum), ZTK_ENOTFOUND
 * (unicast to another MAC), ZTK_EUNSUPPORTED (ethertype), ZTK_ENOMEM, ZTK_ESTATE (from a
 * stack callback). Bad frames are only counted; lwIP drops bad packets silently. */
int ztk_stack_netif_input(ztk_stack_netif *n, uint64_t src_mac, uint64_t dst_mac,
                          uint16_t ethertype, uint16_t vlan_id, const void *data, size_t len);

/* Assigns a managed address; addr->port holds the prefix length (ZeroTier's convention):
 * e.g. 10.0.0.1/24, an rfc4193 address /88, a 6plane address /40. Everything inside the
 * prefix is on-link. Returns 0 or one of: ZTK_EINVAL (family, prefix length, unusable
 * address), ZTK_EEXIST, ZTK_ELIMIT (a second IPv4 address: lwIP holds one per netif; more than
 * ZTK_STACK_NETIF_MAX_V6 IPv6 addresses), ZTK_ESTATE. */
int ztk_stack_netif_add_addr(ztk_stack_netif *n, const ztk_inaddr *addr);

/* Removes an address (prefix length ignored); sockets using it fail with ZTK_ESOCK_NETDOWN.
 * Returns 0 or one of: ZTK_EINVAL, ZTK_ENOTFOUND, ZTK_ESTATE. */
int ztk_stack_netif_remove_addr(ztk_stack_netif *n, const ztk_inaddr *addr);

/* Adds a managed route: target (port = prefix length) via gateway `via`, or on-link when via
 * is NULL or nil. Returns 0 or one of: ZTK_EINVAL, ZTK_EEXIST, ZTK_ELIMIT, ZTK_ESTATE. */
int ztk_stack_netif_add_route(ztk_stack_netif *n, const ztk_inaddr *target, const ztk_inaddr *via);

/* Removes the route with this target and prefix length. Returns 0, ZTK_ENOTFOUND or
 * ZTK_ESTATE. */
int ztk_stack_netif_remove_route(ztk_stack_netif *n, const ztk_inaddr *target);

/* Changes the MTU (ZTK_STACK_MIN_MTU..ZTK_STACK_MAX_MTU). Returns 0, ZTK_EINVAL or
 * ZTK_ESTATE. */
int ztk_stack_netif_set_mtu(ztk_stack_netif *n, unsigned mtu);

/* The groups the netif wants now; fills up to max, returns how many there are. */
int ztk_stack_netif_groups(const ztk_stack_netif *n, ztk_stack_group *out, int max);

/* The netif's addresses (port = prefix length); fills up to max, returns how many. */
int ztk_stack_netif_addrs(const ztk_stack_netif *n, ztk_inaddr *out, int max);

void ztk_stack_netif_counters_get(const ztk_stack_netif *n, ztk_stack_netif_counters *out);
uint64_t ztk_stack_netif_nwid(const ztk_stack_netif *n);
uint64_t ztk_stack_netif_mac(const ztk_stack_netif *n);
unsigned ztk_stack_netif_mtu(const ztk_stack_netif *n);
ztk_stack_host *ztk_stack_netif_host(const ztk_stack_netif *n);

/* The (MAC, ADI) group for ARP resolution of an IPv4 address, as ZeroTier derives it. */
ztk_stack_group ztk_stack_group_arp(const ztk_inaddr *ip4);

/* ---- for the other stack modules only -------------------------------------------------------- */

/* How well n reaches dst: the longest matching prefix among its addresses and routes, or -1.
 * With a non-NULL gateway_out, a matching route's gateway is reported (family 0: on-link). */
int ztk_netif_reach(const ztk_stack_netif *n, const ztk_inaddr *dst, ztk_inaddr *gateway_out);

/* True if n holds ip (family and IP compared). */
bool ztk_netif_has_ip(const ztk_stack_netif *n, const ztk_inaddr *ip);

/* The source address n uses towards dst (same family): the address whose prefix covers dst,
 * else the first. Returns 0 or ZTK_ESOCK_ADDRNOTAVAIL. */
int ztk_netif_source_for(const ztk_stack_netif *n, const ztk_inaddr *dst, ztk_inaddr *src);

/* The first address of a family, or ZTK_ESOCK_ADDRNOTAVAIL. */
int ztk_netif_first_addr(const ztk_stack_netif *n, int family, ztk_inaddr *out);

/* lwIP's netif index of n (1..255). */
uint8_t ztk_netif_index(const ztk_stack_netif *n);

#endif
