/* The runtime's stack driver: gives a service's node its own stack host and virtual NICs in
 * the process's one lwIP, keeps them in step with the node (hooks on the service loop: lwIP
 * ticks, node frames and events in, lwIP frames out), and implements the netstack driver
 * (stack/netstack.h) that makes socket calls block on condition variables. Public entry:
 * ztk_service_netstack() (ztkit/service.h). Locking: docs/sockets.md. Internal header. */
#ifndef ZTK_RUNTIME_NODE_STACK_H
#define ZTK_RUNTIME_NODE_STACK_H

#include <stdint.h>

#include "ztkit/service.h"

/* Frames lwIP sent for a node while another node's thread ran lwIP (its timers), waiting for
 * the node's own thread; more are dropped (and counted). */
#define ZTK_NODE_STACK_QUEUE 4096

typedef struct ztk_node_stack_counters {
  uint64_t frames_to_node;   /* frames lwIP handed to the node */
  uint64_t frames_from_node; /* frames the node handed to lwIP */
  uint64_t queued;           /* of frames_to_node: those sent while another node ran lwIP */
  uint64_t queue_drops;
  uint64_t lost_subscriptions; /* multicast (un)subscriptions made off the node's thread */
  uint64_t ticks;
} ztk_node_stack_counters;

/* The counters of svc's stack (zeros if it has none). */
void ztk_node_stack_counters_get(ztk_service *svc, ztk_node_stack_counters *out);

#endif
