/* A node's virtual network interfaces: the lwIP netifs of one ZeroTier node, kept in step with
 * the networks it has joined (one netif per network with a config, plus one more per extra
 * IPv4 address, since an lwIP netif holds a single IPv4 address and ztkit keeps every managed
 * address), and the Ethernet frames between the node and lwIP.
 *
 * The host (runtime service or simulator) wires it in: the node's frame_out callback goes to
 * ztk_vnic_from_node, node events to ztk_vnic_event, and frames lwIP sends come out of the
 * ops' to_node, which the host hands to ztk_node_frame_in. Frames for lwIP that arrive while
 * lwIP itself is running (the node answering synchronously, e.g. emulated neighbour
 * advertisements) are queued and delivered by ztk_vnic_flush, which the host calls after every
 * call into the node or the stack. Internal header. */
#ifndef ZTK_STACK_VNIC_H
#define ZTK_STACK_VNIC_H

#include <stdbool.h>
#include <stdint.h>

#include "stack/host.h"
#include "ztkit/node.h"

#define ZTK_VNIC_MAX_NETWORKS 64
#define ZTK_VNIC_MAX_V4 8          /* IPv4 addresses (netifs) per network */
#define ZTK_VNIC_QUEUE 1024        /* frames waiting for lwIP to be free */

typedef struct ztk_vnic ztk_vnic;

typedef struct ztk_vnic_ops {
  /* REQUIRED. A frame lwIP sends on network nwid: hand it to ztk_node_frame_in. */
  void (*to_node)(void *user, uint64_t nwid, uint64_t src_mac, uint64_t dst_mac,
                  uint16_t ethertype, const void *data, size_t len);
  /* OPTIONAL. lwIP wants (or no longer wants) a multicast group on nwid. */
  void (*subscribe)(void *user, uint64_t nwid, uint64_t mac, uint32_t adi, bool on);
} ztk_vnic_ops;

typedef struct ztk_vnic_counters {
  uint64_t to_stack, to_node, queued, queue_drops, no_netif;
} ztk_vnic_counters;

/* Creates the interfaces of `node` on stack host `host` (neither is owned). Returns 0,
 * ZTK_EINVAL or ZTK_ENOMEM. */
int ztk_vnic_new(ztk_vnic **out, ztk_stack_host *host, ztk_node *node, const ztk_vnic_ops *ops,
                 void *user);

/* Frees every netif it made, and itself. */
void ztk_vnic_free(ztk_vnic *v);

/* Reconciles netifs, addresses and routes with the node's networks now. Returns 0 or the first
 * error met (e.g. ZTK_ELIMIT: no netif slot left in this process). */
int ztk_vnic_sync(ztk_vnic *v);

/* A node event: network, address and route events trigger ztk_vnic_sync. */
void ztk_vnic_event(ztk_vnic *v, const ztk_event *ev);

/* A frame the node hands to the host (its frame_out callback). */
void ztk_vnic_from_node(ztk_vnic *v, uint64_t nwid, uint64_t src_mac, uint64_t dst_mac,
                        uint16_t ethertype, const void *data, size_t len);

/* Delivers queued frames (no-op while lwIP is running). */
void ztk_vnic_flush(ztk_vnic *v);

void ztk_vnic_counters_get(const ztk_vnic *v, ztk_vnic_counters *out);

#endif
