/* lwIP configuration for ztkit. One lwIP per process, NO_SYS=1: the owner of the stack (the
 * simulator or the runtime's service thread) drives it and supplies the time via sys_now(). */
#ifndef ZTK_LWIPOPTS_H
#define ZTK_LWIPOPTS_H

#define NO_SYS 1
#define SYS_LIGHTWEIGHT_PROT 0
#define LWIP_NETCONN 0
#define LWIP_SOCKET 0
#define LWIP_TIMERS 1

#define LWIP_IPV4 1
#define LWIP_IPV6 1
#define LWIP_ARP 1
#define LWIP_ETHERNET 1
#define LWIP_ICMP 1
#define LWIP_RAW 1
#define LWIP_UDP 1
#define LWIP_TCP 1
#define LWIP_DHCP 0
#define LWIP_AUTOIP 0
#define LWIP_IGMP 1
#define LWIP_DNS 0
#define LWIP_IPV6_MLD 1
#define LWIP_IPV6_AUTOCONFIG 0
#define LWIP_IPV6_DHCP6 0
#define LWIP_IPV6_FRAG 1
#define LWIP_IPV6_REASS 1
#define IP_REASSEMBLY 1
#define IP_FRAG 1
#define LWIP_IPV6_NUM_ADDRESSES 6
#define LWIP_NETIF_STATUS_CALLBACK 1
#define LWIP_NETIF_LINK_CALLBACK 1
#define LWIP_SINGLE_NETIF 0
#define LWIP_NUM_NETIF_CLIENT_DATA 1

/* Memory: the heap and pools are sized for many (node, network) netifs and large windows. */
#define MEM_ALIGNMENT 8
#define MEM_SIZE (32 * 1024 * 1024)
#define MEMP_NUM_PBUF 4096
#define MEMP_NUM_UDP_PCB 512
#define MEMP_NUM_TCP_PCB 1024
#define MEMP_NUM_TCP_PCB_LISTEN 256
#define MEMP_NUM_TCP_SEG 16384
#define MEMP_NUM_REASSDATA 64
#define IP_REASS_MAX_PBUFS 512
#define MEMP_NUM_FRAG_PBUF 256
#define MEMP_NUM_ARP_QUEUE 256
#define MEMP_NUM_ND6_QUEUE 256
#define PBUF_POOL_SIZE 8192
#define PBUF_POOL_BUFSIZE 1600
#define ARP_TABLE_SIZE 256
#define LWIP_ND6_NUM_NEIGHBORS 64
#define LWIP_ND6_NUM_DESTINATIONS 64

/* TCP tuned for throughput over a 2800-byte virtual MTU: window scaling, large windows. */
#define TCP_MSS 2760
#define LWIP_WND_SCALE 1
#define TCP_RCV_SCALE 6
#define TCP_WND (1024 * 1024)
#define TCP_SND_BUF (1024 * 1024)
#define TCP_SND_QUEUELEN 2048
#define TCP_SNDLOWAT (0xFFFF - 4 * TCP_MSS - 1)
#define TCP_QUEUE_OOSEQ 1
#define LWIP_TCP_SACK_OUT 1
#define TCP_LISTEN_BACKLOG 1
#define LWIP_TCP_KEEPALIVE 1
#define LWIP_SO_RCVBUF 1

#define LWIP_CHECKSUM_CTRL_PER_NETIF 1
#define LWIP_STATS 1
#define LWIP_STATS_DISPLAY 0
#define LWIP_DEBUG 0

#endif
