/* A real ZeroTier network on loopback inside one process, for runtime tests and benchmarks:
 * a root that is also the network controller (its own service, force_upstream, the embedded
 * controller) and member services with netstacks, all over real UDP on 127.0.0.1 with a planet
 * naming the root. No cmocka here: functions return ZTK_E* codes (benchmarks use it too). */
#ifndef ZTK_TEST_SUPPORT_RTNET_H
#define ZTK_TEST_SUPPORT_RTNET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "core/world/world.h"
#include "ztkit/service.h"
#include "ztkit/socket.h"

#define RTNET_MAX_MEMBERS 8

typedef struct rtnet {
  ztk_service *root;
  ztk_identity root_id;
  int root_port;
  uint8_t planet[ZTK_WORLD_MAX_LEN];
  size_t planet_len;
  ztk_service *m[RTNET_MAX_MEMBERS];
  ztk_netstack *ns[RTNET_MAX_MEMBERS];
  ztk_address addr[RTNET_MAX_MEMBERS];
  int n;
  bool trace;
} rtnet;

/* A UDP port free on 0.0.0.0 and [::] now, or a negative code. */
int rtnet_free_udp_port(void);

/* Writes a signed planet with one root (identity, 127.0.0.1/port) into out (ZTK_WORLD_MAX_LEN
 * bytes). Returns 0 or a negative code. */
int rtnet_planet(uint64_t world_id, const ztk_identity *root, int port, uint8_t *out, size_t *len);

/* Starts the root + controller (root_identity NULL: a new identity). Returns 0 or a code. */
int rtnet_start(rtnet *r, const ztk_identity *root_identity);

/* Adds a running member with a netstack (identity NULL: a new one). Returns its index or a
 * negative code. */
int rtnet_add_member(rtnet *r, const ztk_identity *identity);

/* Creates network (controller address << 24 | suffix) with the JSON body given (controller
 * API POST) and returns its id in *nwid. Returns 0, a code, or the HTTP status if not 200. */
int rtnet_network(rtnet *r, uint32_t suffix, const char *json, ztk_nwid *nwid);

/* POSTs json to /controller/network/<nwid>/member/<address>. Returns as rtnet_network. */
int rtnet_member(rtnet *r, ztk_nwid nwid, ztk_address member, const char *json);

/* Member i joins nwid (authorized first) and waits up to timeout_ms for an address of family
 * (AF_INET, AF_INET6); addr (optional) receives it (port 0). Returns 0 or a code. */
int rtnet_join(rtnet *r, int i, ztk_nwid nwid, int family, int timeout_ms,
               struct sockaddr_storage *addr);

/* The member's address on nwid of family whose text starts with prefix ("fd", "fc", NULL:
 * any), port set to `port`. Returns 0 or ZTK_ENOTFOUND. */
int rtnet_addr(rtnet *r, int i, ztk_nwid nwid, int family, const char *prefix, uint16_t port,
               struct sockaddr_storage *out);

/* Stops and frees everything. */
void rtnet_free(rtnet *r);

/* Monotonic milliseconds. */
int64_t rtnet_ms(void);

#endif
