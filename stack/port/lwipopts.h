/* lwIP configuration for ztkit. One lwIP per process, NO_SYS=1: the owner of the stack (the
 * simulator or the runtime's service thread) drives it through stack/env.h and supplies the
 * time via sys_now(). Every (node, network) pair is one Ethernet netif with a 2800-byte MTU
 * (ZeroTier's default); about 250 of them and hundreds of TCP connections share this lwIP.
 *
 * Isolation between netifs (docs/DESIGN.md "one lwIP, many hosts") rests on three settings:
 *  - every pcb is bound to its netif by the socket layer (tcp_bind_netif and friends);
 *  - IPv4 output is routed by source address and input is strong-host (the hooks below);
 *  - IPv6 uses a custom scope policy: every unicast and multicast address other than :: and
 *    ::1 is scoped to one netif (zone = netif index), so lwIP's global neighbour and
 *    destination caches, pcb matching and routing are all per netif.
 * Sizes were measured with bench/bench_stack.c; stack/env.c checks the pools for leaks. */
#ifndef ZTK_LWIPOPTS_H
#define ZTK_LWIPOPTS_H

/* ---- system ---------------------------------------------------------------------------- */
#define NO_SYS 1
#define SYS_LIGHTWEIGHT_PROT 0
#define LWIP_NETCONN 0
#define LWIP_SOCKET 0
#define LWIP_TIMERS 1
#define LWIP_CALLBACK_API 1

/* ---- protocols --------------------------------------------------------------------------- */
#define LWIP_IPV4 1
#define LWIP_IPV6 1
#define LWIP_ARP 1
#define LWIP_ETHERNET 1
#define LWIP_ICMP 1
#define LWIP_ICMP6 1
#define LWIP_RAW 1
#define LWIP_UDP 1
#define LWIP_TCP 1
#define LWIP_DHCP 0
#define LWIP_AUTOIP 0
/* lwIP's DNS client serves zts_bsd_gethostbyname (stack/dns.h). The hostname check stays on;
 * source ports and transaction ids are random (LWIP_DNS_SECURE's default). */
#define LWIP_DNS 1
/* No IGMP/MLD state machines: ZeroTier subscribes to multicast groups through the node
 * (MULTICAST_LIKE), so the netif reports its groups itself (see stack/netif.h). This also
 * keeps lwIP's timers at a 250 ms/1 s cadence instead of 100 ms. Without MLD, lwIP accepts
 * solicited-node multicast for its own addresses, which is all neighbour discovery needs. */
#define LWIP_IGMP 0
#define LWIP_IPV6_MLD 0
#define LWIP_IPV6_AUTOCONFIG 0
#define LWIP_IPV6_DHCP6 0
#define LWIP_IPV6_SEND_ROUTER_SOLICIT 0
#define LWIP_IPV6_DUP_DETECT_ATTEMPTS 0 /* managed addresses are unique by construction */
#define LWIP_IPV6_NUM_ADDRESSES 8      /* slot 0 is for link-local: 7 managed addresses */
#define LWIP_IPV6_FRAG 1
#define LWIP_IPV6_REASS 1
#define IPV6_FRAG_COPYHEADER 1 /* 64-bit pointers do not fit in the fragment header */
#define IP_REASSEMBLY 1
#define IP_FRAG 1
#define IP_FORWARD 0
#define LWIP_BROADCAST_PING 0
#define LWIP_MULTICAST_PING 0
#define IP_SOF_BROADCAST 1      /* sending to a broadcast address needs SO_BROADCAST */
#define IP_SOF_BROADCAST_RECV 0 /* receiving broadcasts does not (as on Linux) */
#define SO_REUSE 1              /* lwIP's own port checks ignore netifs; ours do not */
#define LWIP_RANDOMIZE_INITIAL_LOCAL_PORTS 1

/* ---- netifs ------------------------------------------------------------------------------ */
#define LWIP_SINGLE_NETIF 0
#define LWIP_NETIF_HWADDRHINT 1 /* per-pcb ARP/ND cache hints: no table scans per segment */
#define LWIP_NETIF_LOOPBACK 1   /* a host may connect to its own address */
#define LWIP_HAVE_LOOPIF 0
#define LWIP_LOOPBACK_MAX_PBUFS 512
#define LWIP_NETIF_TX_SINGLE_PBUF 1 /* one pbuf per frame: no copy to linearize on output */
#define LWIP_NETIF_STATUS_CALLBACK 0
#define LWIP_NETIF_LINK_CALLBACK 0
#define LWIP_NUM_NETIF_CLIENT_DATA 0
#define LWIP_CHECKSUM_CTRL_PER_NETIF 1
#define LWIP_CHKSUM_ALGORITHM 3
#define ETHARP_TABLE_MATCH_NETIF 1 /* ARP entries are per netif: same IP in two networks */
#define ARP_TABLE_SIZE 512
#define ARP_QUEUEING 1
#define ARP_QUEUE_LEN 64 /* packets waiting for one address: a fragmented datagram, a burst */
#define LWIP_ND6_QUEUEING 1
#define LWIP_ND6_NUM_NEIGHBORS 127 /* lwIP 2.1 loops over these tables with s8_t: <= 127 */
#define LWIP_ND6_NUM_DESTINATIONS 127
#define LWIP_ND6_NUM_PREFIXES 16
#define LWIP_ND6_NUM_ROUTERS 8

/* IPv6 scope policy: see the header comment. Zones are netif indexes (1..255). */
#define LWIP_IPV6_SCOPES 1
#define LWIP_IPV6_SCOPES_DEBUG 0
#define IPV6_CUSTOM_SCOPES 1
#define ip6_addr_has_scope(ip6addr, type)                                                  \
  (!ip6_addr_isany_val(*(ip6addr)) && !ip6_addr_isloopback(ip6addr))
#define ip6_addr_assign_zone(ip6addr, type, netif)                                         \
  (ip6_addr_set_zone((ip6addr),                                                            \
                     ip6_addr_has_scope((ip6addr), (type)) ? netif_get_index(netif) : 0))
#define ip6_addr_test_zone(ip6addr, netif)                                                 \
  (ip6_addr_equals_zone((ip6addr), netif_get_index(netif)))

/* ---- memory ------------------------------------------------------------------------------ */
/* The heap (TCP send data, input frames, UDP payloads) is libc malloc, bounded by the
 * per-socket buffer limits; lwIP still counts it (MEM_STATS) for the leak checks. The pools
 * are static arrays, each a hard limit. */
#define MEM_LIBC_MALLOC 1
#define MEM_ALIGNMENT 8
#define MEMP_MEM_MALLOC 0
#define MEMP_NUM_PBUF 1024
#define MEMP_NUM_RAW_PCB 64
#define MEMP_NUM_UDP_PCB 1024
#define MEMP_NUM_TCP_PCB 1024
#define MEMP_NUM_TCP_PCB_LISTEN 512
#define MEMP_NUM_TCP_SEG 16384
#define MEMP_NUM_REASSDATA 64
#define MEMP_NUM_FRAG_PBUF 256
#define MEMP_NUM_ARP_QUEUE 512
#define MEMP_NUM_ND6_QUEUE 512
#define MEMP_NUM_SYS_TIMEOUT (LWIP_NUM_SYS_TIMEOUT_INTERNAL + 4)
#define IP_REASS_MAX_PBUFS 256
#define IP_REASS_MAXAGE 15
#define IPV6_REASS_MAXAGE 15
/* Frame-sized pool pbufs (MTU 2800 + Ethernet header). Input frames use the heap; the pool
 * serves lwIP's own allocations and must cover one full window (init.c sanity check). */
#define PBUF_POOL_SIZE 400
#define PBUF_POOL_BUFSIZE 2848

/* ---- TCP ---------------------------------------------------------------------------------- */
/* A 2800-byte virtual MTU: MSS 2760 over IPv4 (lwIP derives 2740 for IPv6 per netif). Large
 * scaled windows, as ZeroTier paths often have a high bandwidth-delay product. */
#define TCP_MSS 2760
#define TCP_CALCULATE_EFF_SEND_MSS 1
#define LWIP_WND_SCALE 1
#define TCP_RCV_SCALE 5 /* window granularity 32 bytes, up to 2 MiB */
#define TCP_WND (1024 * 1024)
#define TCP_SND_BUF (1024 * 1024)
#define TCP_SND_QUEUELEN 1024 /* >= 2 * TCP_SND_BUF / TCP_MSS */
#define TCP_SNDLOWAT (16 * TCP_MSS)
#define TCP_SNDQUEUELOWAT (TCP_SND_QUEUELEN / 2)
#define TCP_OVERSIZE TCP_MSS
#define TCP_QUEUE_OOSEQ 1
#define TCP_OOSEQ_MAX_BYTES TCP_WND
#define TCP_OOSEQ_MAX_PBUFS 512
#define LWIP_TCP_SACK_OUT 1
#define LWIP_TCP_MAX_SACK_NUM 4
#define TCP_LISTEN_BACKLOG 1
#define TCP_DEFAULT_LISTEN_BACKLOG 0xff
#define LWIP_TCP_KEEPALIVE 1
#define TCP_TTL 64
#define LWIP_TCP_TIMESTAMPS 0

/* ---- hooks (stack/port/ztk_lwip_hooks.h; implemented in stack/hooks.c) ----------------- */
#define LWIP_HOOK_FILENAME "ztk_lwip_hooks.h"
#define LWIP_HOOK_IP4_ROUTE_SRC(src, dest) ztk_hook_ip4_route_src((src), (dest))
#define LWIP_HOOK_IP4_INPUT(p, inp) ztk_hook_ip4_input((p), (inp))
#define LWIP_HOOK_ETHARP_GET_GW(netif, dest) ztk_hook_etharp_get_gw((netif), (dest))
#define LWIP_HOOK_ND6_GET_GW(netif, dest) ztk_hook_nd6_get_gw((netif), (dest))
#define LWIP_HOOK_TCP_ISN(lip, lport, rip, rport) ztk_hook_tcp_isn((lip), (lport), (rip), (rport))

/* ---- statistics and debugging -------------------------------------------------------------- */
#define LWIP_STATS 1
#define LWIP_STATS_DISPLAY 0
#define MEM_STATS 1
#define MEMP_STATS 1
#define LINK_STATS 1
#define ETHARP_STATS 1
#define IP_STATS 1
#define IP6_STATS 1
#define TCP_STATS 1
#define UDP_STATS 1
#define LWIP_DEBUG 0

#endif
