/* Physical and managed IP addresses (ZeroTier's InetAddress): IPv4 or IPv6 plus a port, where
 * netconf reuses the port field for a prefix length. Wire form (§9.1 of the protocol notes):
 * type 0 = nil (1 byte), 4 = IPv4 + port (7 bytes), 6 = IPv6 + port (19 bytes); types 1/2
 * (6 bytes) and 3 (length-prefixed) are skipped on read. Internal header. */
#ifndef ZTK_CORE_UTIL_INADDR_H
#define ZTK_CORE_UTIL_INADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "core/util/cursor.h"

#define ZTK_INADDR_STRLEN 56 /* "[v6 text]/65535" and friends, with NUL */

typedef struct ztk_inaddr {
  uint8_t family; /* 0 = nil, 4 = IPv4 (ip[0..3]), 6 = IPv6 */
  uint16_t port;  /* port, or prefix bits when used as a network/static IP */
  uint8_t ip[16];
} ztk_inaddr;

/* IP scope, as ZeroTier classifies addresses when choosing and accepting paths. */
typedef enum ztk_ipscope {
  ZTK_SCOPE_NONE = 0,      /* nil, unspecified */
  ZTK_SCOPE_MULTICAST,
  ZTK_SCOPE_LOOPBACK,
  ZTK_SCOPE_PSEUDOPRIVATE, /* unassigned but privately used IPv4 blocks */
  ZTK_SCOPE_GLOBAL,
  ZTK_SCOPE_LINK_LOCAL,
  ZTK_SCOPE_SHARED,        /* reserved for parity with ZeroTier's enum; never returned */
  ZTK_SCOPE_PRIVATE,
} ztk_ipscope;

void ztk_inaddr_v4(ztk_inaddr *a, uint32_t ip_host_order, uint16_t port);
void ztk_inaddr_v6(ztk_inaddr *a, const uint8_t ip[16], uint16_t port);

/* Wire form. write: appends the serialization (nil writes a single 0). read: returns 0 with *a
 * filled (family 0 for nil and for skipped reserved types), or the cursor's error. */
void ztk_inaddr_write(ztk_wr *w, const ztk_inaddr *a);
int ztk_inaddr_read(ztk_rd *r, ztk_inaddr *a);

/* sockaddr conversion (AF_INET / AF_INET6). to_sockaddr returns the length, 0 for nil. */
int ztk_inaddr_from_sockaddr(ztk_inaddr *a, const struct sockaddr *sa);
socklen_t ztk_inaddr_to_sockaddr(const ztk_inaddr *a, struct sockaddr_storage *ss);

/* Text: "10.0.0.1/9993", "fd00::1/9993", "10.0.0.0/24" (the number is port or bits). parse
 * also accepts a bare IP (port 0). Returns 0 or ZTK_EFORMAT. */
int ztk_inaddr_parse(ztk_inaddr *a, const char *s);
void ztk_inaddr_format(const ztk_inaddr *a, char out[ZTK_INADDR_STRLEN]);
/* The IP alone, without "/port". */
void ztk_inaddr_format_ip(const ztk_inaddr *a, char out[ZTK_INADDR_STRLEN]);

/* Equality of family, IP and port / of family and IP only. */
bool ztk_inaddr_eq(const ztk_inaddr *a, const ztk_inaddr *b);
bool ztk_inaddr_ip_eq(const ztk_inaddr *a, const ztk_inaddr *b);

/* Total order (family, ip, port): iteration order that never depends on pointers. */
int ztk_inaddr_cmp(const ztk_inaddr *a, const ztk_inaddr *b);

ztk_ipscope ztk_inaddr_scope(const ztk_inaddr *a);

/* True if ip lies within net/bits (net->port holds the prefix length). */
bool ztk_inaddr_in_network(const ztk_inaddr *ip, const ztk_inaddr *net);

/* The IPv4 address as a host-order integer (0 if not IPv4). */
uint32_t ztk_inaddr_v4_u32(const ztk_inaddr *a);

#endif
