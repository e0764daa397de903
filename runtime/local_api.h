/* The local service API's operations (api/service_api.h: /status, /peer, /network) answered
 * from a running service's node, with each joined network's local settings kept in the state
 * store (ZTK_STATE_NETWORK_SETTINGS, zerotier-one's networks.d/<nwid>.local.conf). Used by the
 * HTTP daemon (runtime/httpd.h) on the service thread with the service lock held. Internal
 * header. */
#ifndef ZTK_RUNTIME_LOCAL_API_H
#define ZTK_RUNTIME_LOCAL_API_H

#include "api/service_api.h"
#include "runtime/net_settings.h"
#include "runtime/service.h"

/* The software version reported in /status: the one the node announces in HELLO. */
#define ZTK_LOCAL_API_VERSION_MAJOR 1
#define ZTK_LOCAL_API_VERSION_MINOR 14
#define ZTK_LOCAL_API_VERSION_REV 1

typedef struct ztk_local_api {
  ztk_service *svc;
  ztk_node *node; /* set by the caller before each request (lock held) */
  int64_t now;
} ztk_local_api;

/* Fills ops with the operations over la (ops->ctx = la). */
void ztk_local_api_ops(ztk_local_api *la, ztk_api_service_ops *ops);

/* The stored settings of network nwid, or zerotier-one's defaults when none are stored or the
 * store is NULL. */
void ztk_local_api_settings(ztk_state_store *st, uint64_t nwid, ztk_net_settings *out);

#endif
