/* ZeroTierSockets.h: the libzt 1.8 C API (zts_*), provided by ztkit.
 *
 * Programs written for libzt compile against this header unchanged and run on ztkit's own
 * ZeroTier node and userspace TCP/IP stack: names, signatures, structure members and every
 * constant value are those of libzt 1.8 (the Central web API is not provided). The text and
 * layout of this file are ztkit's own.
 *
 * Model: one process-wide "default node". Configure it with zts_init_*, start it with
 * zts_node_start(), join networks with zts_net_join(), then use sockets (zts_bsd_* or the
 * simplified zts_* calls). Underneath, it is ztkit's runtime service (ztkit/service.h) and its
 * netstack (ztkit/socket.h); programs that need several nodes in one process use those.
 *
 * Return conventions (as libzt):
 *  - control functions return ZTS_ERR_OK (0) or a negative ZTS_ERR_* code;
 *  - socket functions return >= 0 on success; on failure ZTS_ERR_SOCKET (-1) with the reason
 *    in zts_errno (ZTS_E* values), ZTS_ERR_SERVICE when the node is not running, or ZTS_ERR_ARG
 *    for arguments rejected before reaching the stack (NULL pointers, bad lengths, bad fds;
 *    zts_errno is then set too).
 *
 * Where ztkit differs from libzt, on purpose:
 *  - zts_node_stop() returns once the node is down; zts_node_start() may follow at once;
 *  - zts_connect() returns as soon as the TCP handshake completes (no retry sleeps);
 *  - every address a network assigns is kept (IPv4, rfc4193, 6plane, several of each);
 *  - zts_stats_get_all() counts the node's real traffic;
 *  - zts_errno is per thread;
 *  - a custom planet (a `planet` file in the storage path, or zts_init_set_roots()) also lets
 *    the node use loopback paths, so private test setups work on one machine. */
#ifndef ZTS_SOCKETS_H
#define ZTS_SOCKETS_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define ZTS_API __attribute__((visibility("default")))
#else
#define ZTS_API
#endif
#define ZTCALL
#define ZTS_C_API_ONLY 1

/* ======================================================================================== */
/* Return codes, events, errno                                                              */
/* ======================================================================================== */

typedef enum {
  ZTS_ERR_OK = 0,         /* success */
  ZTS_ERR_SOCKET = -1,    /* the socket call failed: see zts_errno */
  ZTS_ERR_SERVICE = -2,   /* the node is not initialised, not running, or in the wrong state */
  ZTS_ERR_ARG = -3,       /* an argument is invalid */
  ZTS_ERR_NO_RESULT = -4, /* nothing to report (no such network, address, peer...) */
  ZTS_ERR_GENERAL = -5    /* anything else */
} zts_error_t;

/* Event codes handed to the zts_init_set_event_handler() callback (msg->event_code). */
typedef enum {
  ZTS_EVENT_NODE_UP = 200,          /* node started (msg->node) */
  ZTS_EVENT_NODE_ONLINE = 201,      /* reached a root */
  ZTS_EVENT_NODE_OFFLINE = 202,     /* lost every root */
  ZTS_EVENT_NODE_DOWN = 203,        /* node stopped (delivered before zts_node_stop returns) */
  ZTS_EVENT_NODE_FATAL_ERROR = 204, /* identity collision */
  ZTS_EVENT_NETWORK_NOT_FOUND = 210, /* msg->network for every NETWORK_* event */
  ZTS_EVENT_NETWORK_CLIENT_TOO_OLD = 211,
  ZTS_EVENT_NETWORK_REQ_CONFIG = 212,
  ZTS_EVENT_NETWORK_OK = 213,
  ZTS_EVENT_NETWORK_ACCESS_DENIED = 214,
  ZTS_EVENT_NETWORK_READY_IP4 = 215,     /* an IPv4 address is usable by sockets */
  ZTS_EVENT_NETWORK_READY_IP6 = 216,     /* an IPv6 address is usable by sockets */
  ZTS_EVENT_NETWORK_READY_IP4_IP6 = 217, /* both */
  ZTS_EVENT_NETWORK_DOWN = 218,
  ZTS_EVENT_NETWORK_UPDATE = 219,        /* a new config revision */
  ZTS_EVENT_STACK_UP = 220,
  ZTS_EVENT_STACK_DOWN = 221,
  ZTS_EVENT_NETIF_UP = 230, /* msg->netif */
  ZTS_EVENT_NETIF_DOWN = 231,
  ZTS_EVENT_NETIF_REMOVED = 232,
  ZTS_EVENT_NETIF_LINK_UP = 233,
  ZTS_EVENT_NETIF_LINK_DOWN = 234,
  ZTS_EVENT_PEER_DIRECT = 240, /* msg->peer */
  ZTS_EVENT_PEER_RELAY = 241,
  ZTS_EVENT_PEER_UNREACHABLE = 242,
  ZTS_EVENT_PEER_PATH_DISCOVERED = 243,
  ZTS_EVENT_PEER_PATH_DEAD = 244,
  ZTS_EVENT_ROUTE_ADDED = 250, /* msg->route */
  ZTS_EVENT_ROUTE_REMOVED = 251,
  ZTS_EVENT_ADDR_ADDED_IP4 = 260, /* msg->addr */
  ZTS_EVENT_ADDR_REMOVED_IP4 = 261,
  ZTS_EVENT_ADDR_ADDED_IP6 = 262,
  ZTS_EVENT_ADDR_REMOVED_IP6 = 263,
  ZTS_EVENT_STORE_IDENTITY_SECRET = 270, /* msg->cache, msg->len (not emitted by ztkit) */
  ZTS_EVENT_STORE_IDENTITY_PUBLIC = 271,
  ZTS_EVENT_STORE_PLANET = 272,
  ZTS_EVENT_STORE_PEER = 273,
  ZTS_EVENT_STORE_NETWORK = 274
} zts_event_t;

/* The reason for the last failed socket call of the calling thread (ZTS_E* values). */
ZTS_API int *zts_errno_location(void);
#define zts_errno (*zts_errno_location())

typedef enum {
  ZTS_EPERM = 1,
  ZTS_ENOENT = 2,
  ZTS_ESRCH = 3,
  ZTS_EINTR = 4,
  ZTS_EIO = 5,
  ZTS_ENXIO = 6,
  ZTS_EBADF = 9,
  ZTS_EAGAIN = 11,
  ZTS_EWOULDBLOCK = ZTS_EAGAIN,
  ZTS_ENOMEM = 12,
  ZTS_EACCES = 13,
  ZTS_EFAULT = 14,
  ZTS_EBUSY = 16,
  ZTS_EEXIST = 17,
  ZTS_ENODEV = 19,
  ZTS_EINVAL = 22,
  ZTS_ENFILE = 23,
  ZTS_EMFILE = 24,
  ZTS_ENOSYS = 38,
  ZTS_ENOTSOCK = 88,
  ZTS_EDESTADDRREQ = 89,
  ZTS_EMSGSIZE = 90,
  ZTS_EPROTOTYPE = 91,
  ZTS_ENOPROTOOPT = 92,
  ZTS_EPROTONOSUPPORT = 93,
  ZTS_ESOCKTNOSUPPORT = 94,
  ZTS_EOPNOTSUPP = 95,
  ZTS_EPFNOSUPPORT = 96,
  ZTS_EAFNOSUPPORT = 97,
  ZTS_EADDRINUSE = 98,
  ZTS_EADDRNOTAVAIL = 99,
  ZTS_ENETDOWN = 100,
  ZTS_ENETUNREACH = 101,
  ZTS_ECONNABORTED = 103,
  ZTS_ECONNRESET = 104,
  ZTS_ENOBUFS = 105,
  ZTS_EISCONN = 106,
  ZTS_ENOTCONN = 107,
  ZTS_ETIMEDOUT = 110,
  ZTS_ECONNREFUSED = 111,
  ZTS_EHOSTUNREACH = 113,
  ZTS_EALREADY = 114,
  ZTS_EINPROGRESS = 115
} zts_errno_t;

/* ======================================================================================== */
/* Sizes                                                                                    */
/* ======================================================================================== */

#define ZTS_MAC_ADDRSTRLEN 18
#define ZTS_INET_ADDRSTRLEN 16
#define ZTS_INET6_ADDRSTRLEN 46
#define ZTS_IP_MAX_STR_LEN ZTS_INET6_ADDRSTRLEN
#define ZTS_STORE_DATA_LEN 4096
#define ZTS_MAX_NETWORK_SHORT_NAME_LENGTH 127
#define ZTS_MAX_NETWORK_ROUTES 32
#define ZTS_MAX_ASSIGNED_ADDRESSES 16
#define ZTS_MAX_PEER_NETWORK_PATHS 64
#define ZTS_MAX_MULTICAST_SUBSCRIPTIONS 1024
#define ZTS_MAX_ENDPOINT_STR_LEN (ZTS_INET6_ADDRSTRLEN + 6)
#define ZTS_ID_STR_BUF_LEN 384 /* identity strings: zts_id_new, zts_init_from_memory... */
#define ZTS_MAX_NUM_ROOTS 16
#define ZTS_MAX_ENDPOINTS_PER_ROOT 32

/* ======================================================================================== */
/* Addresses                                                                                */
/* ======================================================================================== */

#define ZTS_IPADDR_NONE ((uint32_t)0xffffffffUL)
#define ZTS_IPADDR_LOOPBACK ((uint32_t)0x7f000001UL)
#define ZTS_IPADDR_ANY ((uint32_t)0x00000000UL)
#define ZTS_IPADDR_BROADCAST ((uint32_t)0xffffffffUL)
#define ZTS_INADDR_NONE ZTS_IPADDR_NONE
#define ZTS_INADDR_LOOPBACK ZTS_IPADDR_LOOPBACK
#define ZTS_INADDR_ANY ZTS_IPADDR_ANY
#define ZTS_INADDR_BROADCAST ZTS_IPADDR_BROADCAST
#define ZTS_IN6ADDR_ANY_INIT {{{0, 0, 0, 0}}}

#define ZTS_AF_UNSPEC 0x0000
#define ZTS_AF_INET 0x0002
#define ZTS_AF_INET6 0x000a
#define ZTS_PF_UNSPEC ZTS_AF_UNSPEC
#define ZTS_PF_INET ZTS_AF_INET
#define ZTS_PF_INET6 ZTS_AF_INET6

#define ZTS_SOCK_STREAM 0x0001
#define ZTS_SOCK_DGRAM 0x0002
#define ZTS_SOCK_RAW 0x0003 /* with ZTS_IPPROTO_ICMP (IPv4) or ZTS_IPPROTO_ICMPV6 (IPv6) */

#define ZTS_IPPROTO_IP 0x0000
#define ZTS_IPPROTO_ICMP 0x0001
#define ZTS_IPPROTO_TCP 0x0006
#define ZTS_IPPROTO_UDP 0x0011
#define ZTS_IPPROTO_IPV6 0x0029
#define ZTS_IPPROTO_ICMPV6 0x003a
#define ZTS_IPPROTO_UDPLITE 0x0088
#define ZTS_IPPROTO_RAW 0x00ff

typedef uint32_t zts_socklen_t;
typedef uint32_t zts_in_addr_t;
typedef uint16_t zts_in_port_t;
typedef uint8_t zts_sa_family_t;

/* The socket address structures have a length byte before an 8-bit family (as libzt). */
struct zts_in_addr {
  zts_in_addr_t s_addr; /* network byte order */
};

struct zts_in6_addr {
  union un {
    uint32_t u32_addr[4];
    uint8_t u8_addr[16];
  } un;
};

static const struct zts_in6_addr zts_in6addr_any = ZTS_IN6ADDR_ANY_INIT;

#define SIN_ZERO_LEN 8
struct zts_sockaddr_in {
  uint8_t sin_len;
  zts_sa_family_t sin_family; /* ZTS_AF_INET */
  zts_in_port_t sin_port;     /* network byte order */
  struct zts_in_addr sin_addr;
  char sin_zero[SIN_ZERO_LEN];
};

struct zts_sockaddr_in6 {
  uint8_t sin6_len;
  zts_sa_family_t sin6_family; /* ZTS_AF_INET6 */
  zts_in_port_t sin6_port;     /* network byte order */
  uint32_t sin6_flowinfo;
  struct zts_in6_addr sin6_addr;
  uint32_t sin6_scope_id;
};

struct zts_sockaddr {
  uint8_t sa_len;
  zts_sa_family_t sa_family;
  char sa_data[14];
};

struct zts_sockaddr_storage {
  uint8_t s2_len;
  zts_sa_family_t ss_family;
  char s2_data1[2];
  uint32_t s2_data2[3];
  uint32_t s2_data3[3];
};

/* ======================================================================================== */
/* Event messages and query structures                                                      */
/* ======================================================================================== */

typedef struct {
  uint64_t node_id;
  uint16_t port_primary;
  uint16_t port_secondary; /* 0: ztkit binds one port */
  uint16_t port_tertiary;
  uint8_t ver_major;
  uint8_t ver_minor;
  uint8_t ver_rev;
} zts_node_info_t;

typedef struct {
  uint64_t net_id;
  struct zts_sockaddr_storage addr;
} zts_addr_info_t;

typedef enum {
  ZTS_NETWORK_STATUS_REQUESTING_CONFIGURATION = 0,
  ZTS_NETWORK_STATUS_OK = 1,
  ZTS_NETWORK_STATUS_ACCESS_DENIED = 2,
  ZTS_NETWORK_STATUS_NOT_FOUND = 3,
  ZTS_NETWORK_STATUS_PORT_ERROR = 4,
  ZTS_NETWORK_STATUS_CLIENT_TOO_OLD = 5
} zts_network_status_t;

typedef enum { ZTS_NETWORK_TYPE_PRIVATE = 0, ZTS_NETWORK_TYPE_PUBLIC = 1 } zts_net_info_type_t;

typedef struct {
  struct zts_sockaddr_storage target; /* port: prefix bits */
  struct zts_sockaddr_storage via;    /* family 0 when on-link */
  uint16_t flags;
  uint16_t metric;
} zts_route_info_t;

typedef struct {
  uint64_t mac;
  unsigned long adi;
} zts_multicast_group_t;

typedef enum {
  ZTS_PEER_ROLE_LEAF = 0,
  ZTS_PEER_ROLE_MOON = 1,
  ZTS_PEER_ROLE_PLANET = 2
} zts_peer_role_t;

typedef struct {
  uint64_t net_id;
  uint64_t mac;
  char name[ZTS_MAX_NETWORK_SHORT_NAME_LENGTH + 1];
  zts_network_status_t status;
  zts_net_info_type_t type;
  unsigned int mtu;
  int dhcp;
  int bridge;
  int broadcast_enabled;
  int port_error;
  unsigned long netconf_rev;
  unsigned int assigned_addr_count;
  struct zts_sockaddr_storage assigned_addrs[ZTS_MAX_ASSIGNED_ADDRESSES];
  unsigned int route_count;
  zts_route_info_t routes[ZTS_MAX_NETWORK_ROUTES];
  unsigned int multicast_sub_count;
  struct {
    uint64_t mac; /* low 48 bits */
    uint32_t adi;
  } multicast_subs[ZTS_MAX_MULTICAST_SUBSCRIPTIONS];
} zts_net_info_t;

typedef struct {
  struct zts_sockaddr_storage address;
  uint64_t last_tx;
  uint64_t last_rx;
  uint64_t trusted_path_id;
  float latency;
  float unused_0;
  float unused_1;
  float unused_2;
  float unused_3;
  float unused_4;
  uint64_t unused_5;
  uint64_t unused_6;
  float unused_7;
  char *ifname;
  int expired;
  int preferred;
} zts_path_t;

typedef struct {
  uint64_t peer_id;
  int ver_major;
  int ver_minor;
  int ver_rev;
  int latency;
  zts_peer_role_t role;
  unsigned int path_count;
  int unused_0;
  zts_path_t paths[ZTS_MAX_PEER_NETWORK_PATHS];
} zts_peer_info_t;

/* Roots for zts_util_sign_root_set(): public identity strings and "ip/port" endpoints; unused
 * entries NULL. */
typedef struct {
  char *public_id_str[ZTS_MAX_NUM_ROOTS];
  char *endpoint_ip_str[ZTS_MAX_NUM_ROOTS][ZTS_MAX_ENDPOINTS_PER_ROOT];
} zts_root_set_t;

typedef struct {
  uint64_t net_id;
  uint64_t mac;
  int mtu;
} zts_netif_info_t;

/* What the event handler receives (as void *). Only the member that fits the event code is
 * set; everything pointed to is valid during the callback only. */
typedef struct {
  int16_t event_code;
  zts_node_info_t *node;
  zts_net_info_t *network;
  zts_netif_info_t *netif;
  zts_route_info_t *route;
  zts_peer_info_t *peer;
  zts_addr_info_t *addr;
  void *cache;
  int len;
} zts_event_msg_t;

/* ======================================================================================== */
/* Initialisation (before zts_node_start)                                                   */
/* ======================================================================================== */
/* Each returns ZTS_ERR_OK, ZTS_ERR_ARG, or ZTS_ERR_SERVICE while the node is running. */

/* Keep the identity, planet and network configs in directory path (created if missing), in
 * zerotier-one's home-directory layout. A `planet` file there replaces the default roots. */
ZTS_API int ZTCALL zts_init_from_storage(const char *path);

/* Use this identity ("address:0:public:secret", as zts_id_new() writes, len its length) and
 * keep all state in memory. */
ZTS_API int ZTCALL zts_init_from_memory(const char *key, unsigned int len);

/* Events go to callback(zts_event_msg_t *) on a separate thread, in order. */
ZTS_API int ZTCALL zts_init_set_event_handler(void (*callback)(void *));

/* A serialized planet (zerotier-idtool genworld / zts_util_sign_root_set) instead of the
 * default roots. */
ZTS_API int ZTCALL zts_init_set_roots(const void *roots_data, unsigned int len);
/* The same, under the older name. */
ZTS_API int ZTCALL zts_init_set_planet(const void *planet_data, unsigned int len);

/* The UDP port (default 9993; 0 picks a free one). Without this call, a node that finds
 * 9993 taken uses a free port instead, as zerotier-one does. */
ZTS_API int ZTCALL zts_init_set_port(unsigned short port);

/* Accepted for compatibility; ztkit binds one port and has no TCP relay, port mapping or
 * interface blacklist, so these only validate their arguments. */
ZTS_API int ZTCALL zts_init_set_tcp_relay(const char *tcp_relay_addr, unsigned short tcp_relay_port);
ZTS_API int ZTCALL zts_init_allow_tcp_relay(int enabled);
ZTS_API int ZTCALL zts_init_force_tcp_relay(int enabled);
ZTS_API int ZTCALL zts_init_blacklist_if(const char *prefix, unsigned int len);
ZTS_API int ZTCALL zts_init_set_low_bandwidth_mode(int enabled);
ZTS_API int ZTCALL zts_init_set_random_port_range(unsigned short start_port, unsigned short end_port);
ZTS_API int ZTCALL zts_init_allow_secondary_port(unsigned int allowed);
ZTS_API int ZTCALL zts_init_allow_port_mapping(unsigned int allowed);

/* Accepted for compatibility (validated, no effect): with a storage path ztkit always keeps
 * the identity, planet, peers and network configs there. */
ZTS_API int ZTCALL zts_init_allow_net_cache(unsigned int allowed);
ZTS_API int ZTCALL zts_init_allow_peer_cache(unsigned int allowed);
ZTS_API int ZTCALL zts_init_allow_roots_cache(unsigned int allowed);
ZTS_API int ZTCALL zts_init_allow_id_cache(unsigned int allowed);

/* ======================================================================================== */
/* Node                                                                                     */
/* ======================================================================================== */

/* Starts the node (identity from storage, memory, or a new one). Returns ZTS_ERR_OK,
 * ZTS_ERR_SERVICE (already running, or the state or port cannot be used). */
ZTS_API int ZTCALL zts_node_start(void);
/* 1 when a root has been reached, else 0. */
ZTS_API int ZTCALL zts_node_is_online(void);
/* The 40-bit node address, or 0 when not running. */
ZTS_API uint64_t ZTCALL zts_node_get_id(void);
/* The secret identity string into key (*key_dst_len: capacity in, length out). Returns
 * ZTS_ERR_OK, ZTS_ERR_ARG, ZTS_ERR_SERVICE. */
ZTS_API int ZTCALL zts_node_get_id_pair(char *key, unsigned int *key_dst_len);
/* The bound UDP port, or ZTS_ERR_SERVICE. */
ZTS_API int ZTCALL zts_node_get_port(void);
/* Stops the node; returns once it is down (sockets then fail until closed). ZTS_ERR_OK or
 * ZTS_ERR_SERVICE (not running). */
ZTS_API int ZTCALL zts_node_stop(void);
/* Stops if needed and forgets everything (configuration included). ZTS_ERR_OK. */
ZTS_API int ZTCALL zts_node_free(void);

/* Moons. Return ZTS_ERR_OK, ZTS_ERR_ARG, ZTS_ERR_SERVICE. */
ZTS_API int ZTCALL zts_moon_orbit(uint64_t moon_roots_id, uint64_t moon_seed);
ZTS_API int ZTCALL zts_moon_deorbit(uint64_t moon_roots_id);

/* ======================================================================================== */
/* Networks, addresses, routes, peers                                                       */
/* ======================================================================================== */

ZTS_API int ZTCALL zts_net_join(uint64_t net_id);
ZTS_API int ZTCALL zts_net_leave(uint64_t net_id);
/* 1 when the network has a config and sockets can use an address on it, else 0. */
ZTS_API int ZTCALL zts_net_transport_is_ready(const uint64_t net_id);
/* MAC of this node on the network (0 if unknown). */
ZTS_API uint64_t ZTCALL zts_net_get_mac(uint64_t net_id);
ZTS_API int ZTCALL zts_net_get_mac_str(uint64_t net_id, char *dst, unsigned int len);
/* 1/0, or ZTS_ERR_NO_RESULT (not joined), ZTS_ERR_SERVICE. */
ZTS_API int ZTCALL zts_net_get_broadcast(uint64_t net_id);
ZTS_API int ZTCALL zts_net_get_mtu(uint64_t net_id);
ZTS_API int ZTCALL zts_net_get_name(uint64_t net_id, char *dst, unsigned int len);
/* A zts_network_status_t, or ZTS_ERR_NO_RESULT, ZTS_ERR_SERVICE. */
ZTS_API int ZTCALL zts_net_get_status(uint64_t net_id);
/* A zts_net_info_type_t, or ZTS_ERR_NO_RESULT, ZTS_ERR_SERVICE. */
ZTS_API int ZTCALL zts_net_get_type(uint64_t net_id);
/* Joined networks, or ZTS_ERR_SERVICE. */
ZTS_API int ZTCALL zts_net_count(void);
/* The ad-hoc network id for a port range (ff + start + end + 000000). */
ZTS_API uint64_t ZTCALL zts_net_compute_adhoc_id(uint16_t start_port, uint16_t end_port);

/* 1 if the node has an address of family (ZTS_AF_INET/ZTS_AF_INET6) on the network, else 0. */
ZTS_API int ZTCALL zts_addr_is_assigned(uint64_t net_id, unsigned int family);
/* The first address of family. Return ZTS_ERR_OK, ZTS_ERR_NO_RESULT, ZTS_ERR_ARG,
 * ZTS_ERR_SERVICE. */
ZTS_API int ZTCALL zts_addr_get(uint64_t net_id, unsigned int family, struct zts_sockaddr_storage *addr);
ZTS_API int ZTCALL zts_addr_get_str(uint64_t net_id, unsigned int family, char *dst, unsigned int len);
/* Every address (*count: capacity in, number written out). */
ZTS_API int ZTCALL zts_addr_get_all(uint64_t net_id, struct zts_sockaddr_storage *addr, unsigned int *count);
/* The rfc4193 (fd..) and 6plane (fc..) addresses a node gets on a network. */
ZTS_API int ZTCALL zts_addr_compute_6plane(const uint64_t net_id, const uint64_t node_id,
                                           struct zts_sockaddr_storage *addr);
ZTS_API int ZTCALL zts_addr_compute_rfc4193(const uint64_t net_id, const uint64_t node_id,
                                            struct zts_sockaddr_storage *addr);
ZTS_API int ZTCALL zts_addr_compute_rfc4193_str(uint64_t net_id, uint64_t node_id, char *dst,
                                                unsigned int len);
ZTS_API int ZTCALL zts_addr_compute_6plane_str(uint64_t net_id, uint64_t node_id, char *dst,
                                               unsigned int len);

/* 1 if the network's config has a route of family, else 0. */
ZTS_API int ZTCALL zts_route_is_assigned(uint64_t net_id, unsigned int family);

/* Known peers. zts_peer_get returns ZTS_ERR_OK, ZTS_ERR_NO_RESULT, ZTS_ERR_ARG,
 * ZTS_ERR_SERVICE; the others the value or a negative code. */
ZTS_API int ZTCALL zts_peer_get(zts_peer_info_t *dst, uint64_t peer_id);
ZTS_API int ZTCALL zts_peer_count(void);
ZTS_API int ZTCALL zts_peer_get_role(uint64_t peer_id);
ZTS_API int ZTCALL zts_peer_get_latency(uint64_t peer_id);
ZTS_API int ZTCALL zts_peer_get_path_count(uint64_t peer_id);

/* Indexed queries for language bindings. Addresses are "ip", route targets and paths
 * "ip/n" (prefix bits, port). Counts return the number or a negative code; the others
 * ZTS_ERR_OK, ZTS_ERR_ARG (index out of range, short buffer), ZTS_ERR_NO_RESULT,
 * ZTS_ERR_SERVICE. obtain/release serialise these calls among threads; the node keeps
 * running meanwhile, so a count and the indexed reads after it can disagree if the network
 * changes in between (an index past the end then gives ZTS_ERR_ARG). */
ZTS_API int ZTCALL zts_core_lock_obtain(void);
ZTS_API int ZTCALL zts_core_lock_release(void);
ZTS_API int ZTCALL zts_core_query_addr_count(uint64_t net_id);
ZTS_API int ZTCALL zts_core_query_addr(uint64_t net_id, unsigned int idx, char *addr, unsigned int len);
ZTS_API int ZTCALL zts_core_query_route_count(uint64_t net_id);
ZTS_API int ZTCALL zts_core_query_route(uint64_t net_id, unsigned int idx, char *target, char *via,
                                        unsigned int len, uint16_t *flags, uint16_t *metric);
ZTS_API int ZTCALL zts_core_query_path_count(uint64_t peer_id);
ZTS_API int ZTCALL zts_core_query_path(uint64_t peer_id, unsigned int idx, char *dst, unsigned int len);
/* The multicast groups the node listens to on the network (the broadcast group, ARP and
 * solicited-node groups of its addresses, groups its sockets joined): Ethernet MAC (low 48
 * bits) and ADI, ordered by (mac, adi). */
ZTS_API int ZTCALL zts_core_query_mc_count(uint64_t net_id);
ZTS_API int ZTCALL zts_core_query_mc(uint64_t net_id, unsigned int idx, uint64_t *mac, uint32_t *adi);

/* ======================================================================================== */
/* Identities, statistics, utilities                                                        */
/* ======================================================================================== */

/* A new identity's secret string into key; *key_buf_len must be ZTS_ID_STR_BUF_LEN and
 * receives the length. ZTS_ERR_OK or ZTS_ERR_ARG. */
ZTS_API int ZTCALL zts_id_new(char *key, unsigned int *key_buf_len);
/* 1 if key (len ZTS_ID_STR_BUF_LEN, NUL-terminated inside) is a valid secret identity. */
ZTS_API int ZTCALL zts_id_pair_is_valid(const char *key, unsigned int len);

/* Packet counters of the userspace TCP/IP stack (`link_*`: Ethernet frames between the stack
 * and the ZeroTier networks). The process has one stack: a program that also runs native
 * ztkit nodes with netstacks sees their packets counted here too. */
typedef struct {
  uint32_t link_tx, link_rx, link_drop, link_err;
  uint32_t etharp_tx, etharp_rx, etharp_drop, etharp_err;
  uint32_t ip4_tx, ip4_rx, ip4_drop, ip4_err;
  uint32_t ip6_tx, ip6_rx, ip6_drop, ip6_err;
  uint32_t icmp4_tx, icmp4_rx, icmp4_drop, icmp4_err;
  uint32_t icmp6_tx, icmp6_rx, icmp6_drop, icmp6_err;
  uint32_t udp_tx, udp_rx, udp_drop, udp_err;
  uint32_t tcp_tx, tcp_rx, tcp_drop, tcp_err;
  uint32_t nd6_tx, nd6_rx, nd6_drop, nd6_err;
} zts_stats_counter_t;

/* ZTS_ERR_OK, ZTS_ERR_ARG, ZTS_ERR_SERVICE. */
ZTS_API int ZTCALL zts_stats_get_all(zts_stats_counter_t *dst);

ZTS_API void ZTCALL zts_util_delay(unsigned long milliseconds);
/* ZTS_AF_INET, ZTS_AF_INET6 or ZTS_ERR_ARG for an IP address string. */
ZTS_API int ZTCALL zts_util_get_ip_family(const char *ipstr);
/* Fills a socket address from an IP string and a port (*addrlen: capacity in, size out). */
ZTS_API int ZTCALL zts_util_ipstr_to_saddr(const char *src_ipstr, unsigned short port,
                                           struct zts_sockaddr *dstaddr, zts_socklen_t *addrlen);
/* The IP string and port of a socket address. */
ZTS_API int ZTCALL zts_util_ntop(struct zts_sockaddr *addr, zts_socklen_t addrlen, char *dst_str,
                                 int len, unsigned short *port);
/* Builds and signs a planet (at most 4 roots) for zts_init_set_roots(). The keys are
 * ZeroTier's c25519 pairs (64 public then 64 private bytes): curr_key signs the next update
 * (*curr_key_len 0: a new pair is made and written there, 128 bytes), prev_key signs this
 * planet (*prev_key_len 0: the current pair, copied there). The planet goes to roots_out
 * (*roots_len: capacity in, size out). ZTS_ERR_OK, ZTS_ERR_ARG, ZTS_ERR_GENERAL. */
ZTS_API int ZTCALL zts_util_sign_root_set(char *roots_out, unsigned int *roots_len, char *prev_key,
                                          unsigned int *prev_key_len, char *curr_key,
                                          unsigned int *curr_key_len, uint64_t id, uint64_t ts,
                                          zts_root_set_t *roots_spec);

/* As inet_ntop/inet_pton for ZTS_AF_INET / ZTS_AF_INET6. */
ZTS_API const char *ZTCALL zts_inet_ntop(int family, const void *src, char *dst, zts_socklen_t size);
ZTS_API int ZTCALL zts_inet_pton(int family, const char *src, void *dst);

/* ======================================================================================== */
/* BSD-style sockets                                                                        */
/* ======================================================================================== */
/* File descriptors are small integers (0 .. ZTS_FD_SETSIZE-1) of this library, not the
 * kernel's. Sockets block unless ZTS_O_NONBLOCK is set (or MSG_DONTWAIT given). */

#define ZTS_MSG_PEEK 0x0001
#define ZTS_MSG_WAITALL 0x0002
#define ZTS_MSG_OOB 0x0004 /* refused (ZTS_EOPNOTSUPP) */
#define ZTS_MSG_DONTWAIT 0x0008
#define ZTS_MSG_MORE 0x0010 /* accepted, no effect */
#define ZTS_MSG_TRUNC 0x04  /* msg_flags: a datagram was longer than the buffer */
#define ZTS_MSG_CTRUNC 0x08

#define ZTS_IOCPARM_MASK 0x7fU
#define ZTS_IOC_VOID 0x20000000UL
#define ZTS_IOC_OUT 0x40000000UL
#define ZTS_IOC_IN 0x80000000UL
#define ZTS_IOC_INOUT (ZTS_IOC_IN | ZTS_IOC_OUT)
#define ZTS_IO(x, y) (ZTS_IOC_VOID | ((x) << 8) | (y))
#define ZTS_IOR(x, y, t) (ZTS_IOC_OUT | (((long)sizeof(t) & ZTS_IOCPARM_MASK) << 16) | ((x) << 8) | (y))
#define ZTS_IOW(x, y, t) (ZTS_IOC_IN | (((long)sizeof(t) & ZTS_IOCPARM_MASK) << 16) | ((x) << 8) | (y))
#define ZTS_FIONREAD ZTS_IOR('f', 127, unsigned long) /* argp: int *, bytes readable */
#define ZTS_FIONBIO ZTS_IOW('f', 126, unsigned long)  /* argp: int *, non-zero: non-blocking */

/* setsockopt levels and options. */
#define ZTS_SOL_SOCKET 0x0fff
#define ZTS_SO_DEBUG 0x0001 /* not supported */
#define ZTS_SO_ACCEPTCONN 0x0002
#define ZTS_SO_REUSEADDR 0x0004
#define ZTS_SO_KEEPALIVE 0x0008
#define ZTS_SO_DONTROUTE 0x0010 /* not supported */
#define ZTS_SO_BROADCAST 0x0020
#define ZTS_SO_USELOOPBACK 0x0040 /* not supported */
#define ZTS_SO_LINGER 0x0080      /* struct zts_linger */
#define ZTS_SO_DONTLINGER ((int)(~ZTS_SO_LINGER))
#define ZTS_SO_OOBINLINE 0x0100 /* not supported */
#define ZTS_SO_REUSEPORT 0x0200 /* not supported */
#define ZTS_SO_SNDBUF 0x1001
#define ZTS_SO_RCVBUF 0x1002
#define ZTS_SO_SNDLOWAT 0x1003 /* not supported */
#define ZTS_SO_RCVLOWAT 0x1004 /* not supported */
#define ZTS_SO_SNDTIMEO 0x1005 /* struct zts_timeval (or int milliseconds) */
#define ZTS_SO_RCVTIMEO 0x1006
#define ZTS_SO_ERROR 0x1007 /* get: pending ZTS_E* value, cleared */
#define ZTS_SO_TYPE 0x1008
#define ZTS_SO_CONTIMEO 0x1009 /* not supported */
#define ZTS_SO_NO_CHECK 0x100a /* not supported */
#define ZTS_SO_BINDTODEVICE 0x100b /* not supported */

#define ZTS_IP_TOS 0x0001
#define ZTS_IP_TTL 0x0002
#define ZTS_IP_PKTINFO 0x0008 /* not supported */

#define ZTS_TCP_NODELAY 0x0001
#define ZTS_TCP_KEEPALIVE 0x0002 /* same as ZTS_TCP_KEEPIDLE, in seconds */
#define ZTS_TCP_KEEPIDLE 0x0003
#define ZTS_TCP_KEEPINTVL 0x0004
#define ZTS_TCP_KEEPCNT 0x0005

#define ZTS_IPV6_CHECKSUM 0x0007 /* not supported */
#define ZTS_IPV6_V6ONLY 0x001b   /* IPv6 sockets are always IPv6-only here */
#define ZTS_UDPLITE_SEND_CSCOV 0x01
#define ZTS_UDPLITE_RECV_CSCOV 0x02
#define ZTS_IP_MULTICAST_TTL 5
#define ZTS_IP_MULTICAST_IF 6
#define ZTS_IP_MULTICAST_LOOP 7
#define ZTS_IP_ADD_MEMBERSHIP 3
#define ZTS_IP_DROP_MEMBERSHIP 4
#define ZTS_IPV6_JOIN_GROUP 12
#define ZTS_IPV6_ADD_MEMBERSHIP ZTS_IPV6_JOIN_GROUP
#define ZTS_IPV6_LEAVE_GROUP 13
#define ZTS_IPV6_DROP_MEMBERSHIP ZTS_IPV6_LEAVE_GROUP

#define ZTS_IPTOS_TOS_MASK 0x1E
#define ZTS_IPTOS_TOS(tos) ((tos) & ZTS_IPTOS_TOS_MASK)
#define ZTS_IPTOS_LOWDELAY 0x10
#define ZTS_IPTOS_THROUGHPUT 0x08
#define ZTS_IPTOS_RELIABILITY 0x04
#define ZTS_IPTOS_LOWCOST 0x02
#define ZTS_IPTOS_MINCOST ZTS_IPTOS_LOWCOST
#define ZTS_IPTOS_PREC_MASK 0xe0
#define ZTS_IPTOS_PREC(tos) ((tos) & ZTS_IPTOS_PREC_MASK)
#define ZTS_IPTOS_PREC_NETCONTROL 0xe0
#define ZTS_IPTOS_PREC_INTERNETCONTROL 0xc0
#define ZTS_IPTOS_PREC_CRITIC_ECP 0xa0
#define ZTS_IPTOS_PREC_FLASHOVERRIDE 0x80
#define ZTS_IPTOS_PREC_FLASH 0x60
#define ZTS_IPTOS_PREC_IMMEDIATE 0x40
#define ZTS_IPTOS_PREC_PRIORITY 0x20
#define ZTS_IPTOS_PREC_ROUTINE 0x00

typedef struct zts_ip_mreq {
  struct zts_in_addr imr_multiaddr;
  struct zts_in_addr imr_interface;
} zts_ip_mreq;

struct zts_in_pktinfo {
  unsigned int ipi_ifindex;
  struct zts_in_addr ipi_addr;
};

typedef struct zts_ipv6_mreq {
  struct zts_in6_addr ipv6mr_multiaddr;
  unsigned int ipv6mr_interface;
} zts_ipv6_mreq;

struct zts_linger {
  int l_onoff;  /* non-zero: linger on close */
  int l_linger; /* seconds */
};

typedef struct zts_timeval {
  long tv_sec;
  long tv_usec;
} zts_timeval;

/* fcntl */
#define ZTS_F_GETFL 0x0003
#define ZTS_F_SETFL 0x0004
#define ZTS_O_NONBLOCK 1
#define ZTS_O_NDELAY ZTS_O_NONBLOCK
#define ZTS_O_RDONLY 2
#define ZTS_O_WRONLY 4
#define ZTS_O_RDWR (ZTS_O_RDONLY | ZTS_O_WRONLY)

/* poll */
#define ZTS_POLLIN 0x001
#define ZTS_POLLOUT 0x002
#define ZTS_POLLERR 0x004
#define ZTS_POLLNVAL 0x008
#define ZTS_POLLRDNORM 0x010
#define ZTS_POLLRDBAND 0x020
#define ZTS_POLLPRI 0x040
#define ZTS_POLLWRNORM 0x080
#define ZTS_POLLWRBAND 0x100
#define ZTS_POLLHUP 0x200

typedef unsigned int zts_nfds_t;
struct zts_pollfd {
  int fd;
  short events;
  short revents;
};

/* select: one bit per fd. */
#define LWIP_SOCKET_OFFSET 0
#define MEMP_NUM_NETCONN 1024
#define ZTS_FD_SETSIZE 1024
typedef struct zts_fd_set {
  unsigned char fd_bits[(ZTS_FD_SETSIZE + 7) / 8];
} zts_fd_set;
#define ZTS_FD_IN_RANGE_(n) ((int)(n) >= 0 && (int)(n) < ZTS_FD_SETSIZE)
#define ZTS_FD_SET(n, p)                                                                           \
  do {                                                                                             \
    if (ZTS_FD_IN_RANGE_(n))                                                                       \
      (p)->fd_bits[(n) / 8] |= (unsigned char)(1u << ((n) & 7));                                   \
  } while (0)
#define ZTS_FD_CLR(n, p)                                                                           \
  do {                                                                                             \
    if (ZTS_FD_IN_RANGE_(n))                                                                       \
      (p)->fd_bits[(n) / 8] &= (unsigned char)~(1u << ((n) & 7));                                  \
  } while (0)
#define ZTS_FD_ISSET(n, p) (ZTS_FD_IN_RANGE_(n) ? ((p)->fd_bits[(n) / 8] >> ((n) & 7)) & 1 : 0)
#define ZTS_FD_ZERO(p) memset((void *)(p), 0, sizeof(*(p)))

struct zts_iovec {
  void *iov_base;
  size_t iov_len;
};

struct zts_msghdr {
  void *msg_name; /* struct zts_sockaddr_* */
  zts_socklen_t msg_namelen;
  struct zts_iovec *msg_iov;
  int msg_iovlen;
  void *msg_control; /* ignored; msg_controllen is set to 0 */
  zts_socklen_t msg_controllen;
  int msg_flags;
};

#define ZTS_SHUT_RD 0x0
#define ZTS_SHUT_WR 0x1
#define ZTS_SHUT_RDWR 0x2

/* family ZTS_AF_INET/ZTS_AF_INET6; type ZTS_SOCK_STREAM/DGRAM (protocol 0 or the matching
 * one), or ZTS_SOCK_RAW with ZTS_IPPROTO_ICMP / ZTS_IPPROTO_ICMPV6 (as libzt's lwIP: sendto
 * takes an ICMP message, IPv4 with its checksum, ICMPv6 without; recvfrom returns every ICMP
 * packet the node receives, IP header included, while the stack still answers echo requests;
 * connect, send and recv without an address are not supported on them). Returns the new fd,
 * ZTS_ERR_SERVICE (node not running) or ZTS_ERR_SOCKET (ZTS_EPROTONOSUPPORT for another
 * protocol, ZTS_ESOCKTNOSUPPORT for another type). */
ZTS_API int ZTCALL zts_bsd_socket(int family, int type, int protocol);
ZTS_API int ZTCALL zts_bsd_connect(int fd, const struct zts_sockaddr *addr, zts_socklen_t addrlen);
ZTS_API int ZTCALL zts_bsd_bind(int fd, const struct zts_sockaddr *addr, zts_socklen_t addrlen);
ZTS_API int ZTCALL zts_bsd_listen(int fd, int backlog);
ZTS_API int ZTCALL zts_bsd_accept(int fd, struct zts_sockaddr *addr, zts_socklen_t *addrlen);
ZTS_API int ZTCALL zts_bsd_setsockopt(int fd, int level, int optname, const void *optval,
                                      zts_socklen_t optlen);
ZTS_API int ZTCALL zts_bsd_getsockopt(int fd, int level, int optname, void *optval,
                                      zts_socklen_t *optlen);
ZTS_API int ZTCALL zts_bsd_getsockname(int fd, struct zts_sockaddr *addr, zts_socklen_t *addrlen);
ZTS_API int ZTCALL zts_bsd_getpeername(int fd, struct zts_sockaddr *addr, zts_socklen_t *addrlen);
ZTS_API int ZTCALL zts_bsd_close(int fd);
/* nfds: highest fd + 1; timeout NULL: wait forever (ZTS_ERR_ARG if no fd is asked about).
 * Returns the number of ready fds. */
ZTS_API int ZTCALL zts_bsd_select(int nfds, zts_fd_set *readfds, zts_fd_set *writefds,
                                  zts_fd_set *exceptfds, struct zts_timeval *timeout);
/* ZTS_F_GETFL / ZTS_F_SETFL with ZTS_O_NONBLOCK. */
ZTS_API int ZTCALL zts_bsd_fcntl(int fd, int cmd, int flags);
/* timeout in ms (-1: forever). Returns the number of entries with revents set. */
ZTS_API int ZTCALL zts_bsd_poll(struct zts_pollfd *fds, zts_nfds_t nfds, int timeout);
/* ZTS_FIONREAD, ZTS_FIONBIO. */
ZTS_API int ZTCALL zts_bsd_ioctl(int fd, unsigned long request, void *argp);
ZTS_API ssize_t ZTCALL zts_bsd_send(int fd, const void *buf, size_t len, int flags);
ZTS_API ssize_t ZTCALL zts_bsd_sendto(int fd, const void *buf, size_t len, int flags,
                                      const struct zts_sockaddr *addr, zts_socklen_t addrlen);
ZTS_API ssize_t ZTCALL zts_bsd_sendmsg(int fd, const struct zts_msghdr *msg, int flags);
ZTS_API ssize_t ZTCALL zts_bsd_recv(int fd, void *buf, size_t len, int flags);
ZTS_API ssize_t ZTCALL zts_bsd_recvfrom(int fd, void *buf, size_t len, int flags,
                                        struct zts_sockaddr *addr, zts_socklen_t *addrlen);
ZTS_API ssize_t ZTCALL zts_bsd_recvmsg(int fd, struct zts_msghdr *msg, int flags);
ZTS_API ssize_t ZTCALL zts_bsd_read(int fd, void *buf, size_t len);
ZTS_API ssize_t ZTCALL zts_bsd_readv(int fd, const struct zts_iovec *iov, int iovcnt);
ZTS_API ssize_t ZTCALL zts_bsd_write(int fd, const void *buf, size_t len);
ZTS_API ssize_t ZTCALL zts_bsd_writev(int fd, const struct zts_iovec *iov, int iovcnt);
ZTS_API int ZTCALL zts_bsd_shutdown(int fd, int how);

/* An IP address of either version, laid out as lwIP's ip_addr_t without the IPv6 zone (as in
 * libzt): addresses in network byte order, type ZTS_IPADDR_TYPE_V4 or ZTS_IPADDR_TYPE_V6. */
#define ZTS_IPADDR_TYPE_V4 0U
#define ZTS_IPADDR_TYPE_V6 6U
#define ZTS_IPADDR_TYPE_ANY 46U
struct zts_ip4_addr {
  uint32_t addr;
};
struct zts_ip6_addr {
  uint32_t addr[4];
};
typedef struct zts_ip_addr {
  union {
    struct zts_ip6_addr ip6;
    struct zts_ip4_addr ip4;
  } u_addr;
  uint8_t type;
} zts_ip_addr;

/* addr as text in a buffer of the calling thread (valid until its next call), or NULL for a
 * NULL addr or an unknown type. */
ZTS_API char *ZTCALL zts_ipaddr_ntoa(const zts_ip_addr *addr);
/* Parses an IPv4 (dotted, as inet_aton) or IPv6 text address into addr (NULL: only checks
 * it). Returns 1, or 0 if cp is not an address. */
ZTS_API int ZTCALL zts_ipaddr_aton(const char *cp, zts_ip_addr *addr);

/* DNS servers (index < ZTS_DNS_MAX_SERVERS) that zts_bsd_gethostbyname() asks, in order; they
 * are reached over the node's networks and kept for the process's life. set: ZTS_ERR_OK,
 * ZTS_ERR_ARG (index, NULL, type not V4/V6), ZTS_ERR_SERVICE (node not running). get: the server, an address of type ZTS_IPADDR_TYPE_ANY and value 0 when none is
 * set, NULL when the index is out of range or the node is not running; the pointer is to a
 * buffer of the calling thread. */
#define ZTS_DNS_MAX_SERVERS 2
ZTS_API int ZTCALL zts_dns_set_server(uint8_t index, const zts_ip_addr *addr);
ZTS_API const zts_ip_addr *ZTCALL zts_dns_get_server(uint8_t index);

/* Resolves name to IPv4 addresses through the DNS servers above (an A query; a numeric IPv4
 * address is answered directly). Blocks up to 20 s. Returns an entry valid until the calling
 * thread's next call (h_addrtype ZTS_AF_INET, h_length 4, one address in network byte order),
 * or NULL with zts_errno: ZTS_EINVAL (NULL, empty or too long a name), ZTS_ENOENT (the
 * server says the name does not exist or has no A record), ZTS_ETIMEDOUT (no server
 * answered), ZTS_ENETUNREACH (no server set, or none reachable), ZTS_ENETDOWN (the node is
 * not running), ZTS_ENOMEM, and ZTS_EBUSY (a native node of this process is resolving: lwIP's
 * DNS client, servers and answer cache are per process). */
struct zts_hostent {
  char *h_name;
  char **h_aliases;
  int h_addrtype;
  int h_length;
  char **h_addr_list;
#define h_addr h_addr_list[0]
};
ZTS_API struct zts_hostent *zts_bsd_gethostbyname(const char *name);

/* ======================================================================================== */
/* Simplified sockets: addresses as strings                                                 */
/* ======================================================================================== */

ZTS_API int ZTCALL zts_socket(int family, int type, int protocol);
/* timeout_ms 0: 30 s. Returns as soon as the connection is established; on a non-blocking
 * socket it starts the connection and fails with zts_errno ZTS_EINPROGRESS. */
ZTS_API int ZTCALL zts_connect(int fd, const char *ipstr, unsigned short port, int timeout_ms);
ZTS_API int ZTCALL zts_bind(int fd, const char *ipstr, unsigned short port);
ZTS_API int ZTCALL zts_listen(int fd, int backlog);
/* remote_addr: ZTS_INET6_ADDRSTRLEN bytes (len must be that). Returns the new fd. */
ZTS_API int ZTCALL zts_accept(int fd, char *remote_addr, int len, unsigned short *port);
ZTS_API ssize_t ZTCALL zts_send(int fd, const void *buf, size_t len, int flags);
ZTS_API ssize_t ZTCALL zts_recv(int fd, void *buf, size_t len, int flags);
ZTS_API ssize_t ZTCALL zts_read(int fd, void *buf, size_t len);
ZTS_API ssize_t ZTCALL zts_write(int fd, const void *buf, size_t len);
ZTS_API int ZTCALL zts_shutdown_rd(int fd);
ZTS_API int ZTCALL zts_shutdown_wr(int fd);
ZTS_API int ZTCALL zts_shutdown_rdwr(int fd);
ZTS_API int ZTCALL zts_close(int fd);
ZTS_API int ZTCALL zts_getpeername(int fd, char *remote_addr_str, int len, unsigned short *port);
ZTS_API int ZTCALL zts_getsockname(int fd, char *local_addr_str, int len, unsigned short *port);
/* A connected TCP socket (blocking), or a negative code. */
ZTS_API int ZTCALL zts_tcp_client(const char *remote_ipstr, unsigned short remote_port);
/* Listens on local address/port and returns the first accepted connection (the listening
 * socket is closed); remote_ipstr (len ZTS_INET6_ADDRSTRLEN) and remote_port get its peer. */
ZTS_API int ZTCALL zts_tcp_server(const char *local_ipstr, unsigned short local_port,
                                  char *remote_ipstr, int len, unsigned short *remote_port);
/* A UDP socket bound to local address/port. */
ZTS_API int ZTCALL zts_udp_server(const char *local_ipstr, unsigned short local_port);
/* A UDP socket of remote_ipstr's family (connect it, or use sendto). */
ZTS_API int ZTCALL zts_udp_client(const char *remote_ipstr);

/* Option helpers: set returns ZTS_ERR_OK or a negative code; get returns the value. */
ZTS_API int ZTCALL zts_set_no_delay(int fd, int enabled);
ZTS_API int ZTCALL zts_get_no_delay(int fd);
ZTS_API int ZTCALL zts_set_linger(int fd, int enabled, int value);
ZTS_API int ZTCALL zts_get_linger_enabled(int fd);
ZTS_API int ZTCALL zts_get_linger_value(int fd);
ZTS_API int ZTCALL zts_get_pending_data_size(int fd); /* TCP bytes sent, not yet acknowledged */
ZTS_API int ZTCALL zts_set_reuse_addr(int fd, int enabled);
ZTS_API int ZTCALL zts_get_reuse_addr(int fd);
ZTS_API int ZTCALL zts_set_recv_timeout(int fd, int seconds, int microseconds);
ZTS_API int ZTCALL zts_get_recv_timeout(int fd); /* seconds */
ZTS_API int ZTCALL zts_set_send_timeout(int fd, int seconds, int microseconds);
ZTS_API int ZTCALL zts_get_send_timeout(int fd);
ZTS_API int ZTCALL zts_set_send_buf_size(int fd, int size);
ZTS_API int ZTCALL zts_get_send_buf_size(int fd);
ZTS_API int ZTCALL zts_set_recv_buf_size(int fd, int size);
ZTS_API int ZTCALL zts_get_recv_buf_size(int fd);
ZTS_API int ZTCALL zts_set_ttl(int fd, int ttl);
ZTS_API int ZTCALL zts_get_ttl(int fd);
ZTS_API int ZTCALL zts_set_blocking(int fd, int enabled);
ZTS_API int ZTCALL zts_get_blocking(int fd);
ZTS_API int ZTCALL zts_set_keepalive(int fd, int enabled);
ZTS_API int ZTCALL zts_get_keepalive(int fd);
/* The pending socket error (ZTS_E* value, cleared), or a negative code. */
ZTS_API int ZTCALL zts_get_last_socket_error(int fd);
/* Bytes readable now (0 also on error). */
ZTS_API size_t ZTCALL zts_get_data_available(int fd);

#ifdef __cplusplus
}
#endif
#endif
