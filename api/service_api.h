/* The local service API of a ZeroTier node (the part of zerotier-one's HTTP API that is not the
 * controller): GET /status, GET /peer, GET /peer/<address>, GET /network,
 * GET|POST|PUT|DELETE /network/<nwid> (POST joins, DELETE leaves), with 1.14.1's documents.
 * The host (runtime, simulator) fills ztk_api_service_ops from its node. Internal header. */
#ifndef ZTK_API_SERVICE_API_H
#define ZTK_API_SERVICE_API_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/network/netconf.h"
#include "ztkit/node.h"

#define ZTK_API_MAX_ADDRESSES 16  /* listening / surface addresses in /status */
#define ZTK_API_MAX_MULTICAST 256 /* multicast subscriptions in a network document */
#define ZTK_API_MAX_PEERS 4096    /* peers listed by GET /peer */
#define ZTK_API_MAX_NETWORKS 256  /* networks listed by GET /network */

typedef struct ztk_api_status {
  ztk_node_status node; /* address, public identity, online, planet id and timestamp */
  int version_major, version_minor, version_rev, version_build;
  bool tcp_fallback_active;
  bool allow_tcp_fallback_relay, port_mapping_enabled;
  unsigned primary_port, secondary_port, tertiary_port;
  char home_dir[256];
  unsigned listening_count, surface_count;
  ztk_inaddr listening[ZTK_API_MAX_ADDRESSES]; /* port = UDP port */
  ztk_inaddr surface[ZTK_API_MAX_ADDRESSES];
} ztk_api_status;

typedef enum ztk_api_net_status {
  ZTK_API_NET_REQUESTING_CONFIGURATION = 0,
  ZTK_API_NET_OK,
  ZTK_API_NET_ACCESS_DENIED,
  ZTK_API_NET_NOT_FOUND,
  ZTK_API_NET_PORT_ERROR,
  ZTK_API_NET_CLIENT_TOO_OLD,
  ZTK_API_NET_AUTHENTICATION_REQUIRED,
} ztk_api_net_status;

typedef struct ztk_api_network_info {
  uint64_t nwid;
  uint64_t mac; /* low 48 bits */
  char name[ZTK_MAX_NETWORK_NAME + 1];
  ztk_api_net_status status;
  bool is_public;
  unsigned mtu;
  bool dhcp, bridge, broadcast_enabled;
  int port_error;
  uint64_t netconf_revision;
  char port_device_name[64];
  bool allow_managed, allow_global, allow_default, allow_dns;
  unsigned assigned_count;
  ztk_inaddr assigned[ZTK_MAX_ASSIGNED_ADDRESSES]; /* port = prefix bits */
  unsigned route_count;
  ztk_netconf_route routes[ZTK_MAX_NETWORK_ROUTES];
  unsigned multicast_count;
  struct {
    uint64_t mac;
    uint32_t adi;
  } multicast[ZTK_API_MAX_MULTICAST];
  ztk_netconf_dns dns;
  bool sso_enabled;
  char authentication_url[ZTK_SSO_URL_LEN];
  int64_t authentication_expiry; /* ms */
} ztk_api_network_info;

/* Settings a join (POST /network/<nwid>) may carry; -1 = not given. */
typedef struct ztk_api_network_settings {
  int allow_managed, allow_global, allow_default, allow_dns;
} ztk_api_network_settings;

/* Every operation is REQUIRED when the table is given. Counts may exceed max (then only max
 * entries were filled). */
typedef struct ztk_api_service_ops {
  void *ctx;
  void (*status)(void *ctx, ztk_api_status *out);
  int (*peers)(void *ctx, ztk_peer_info *out, int max);
  int (*networks)(void *ctx, uint64_t *nwids, int max);
  /* Returns 0 or ZTK_ENOTFOUND (not joined). */
  int (*network)(void *ctx, uint64_t nwid, ztk_api_network_info *out);
  /* Joins (or updates the settings of a joined network). Returns 0 or a negative code. */
  int (*join)(void *ctx, uint64_t nwid, const ztk_api_network_settings *settings);
  /* Returns 0, or ZTK_ENOTFOUND when the network was not joined. */
  int (*leave)(void *ctx, uint64_t nwid);
} ztk_api_service_ops;

/* 1.14.1's documents (new references, NULL if out of memory). now is the "clock" of /status. */
json_t *ztk_api_status_json(const ztk_api_status *s, int64_t now);
json_t *ztk_api_peer_json(const ztk_peer_info *p);
json_t *ztk_api_network_json(const ztk_api_network_info *n);

#endif
