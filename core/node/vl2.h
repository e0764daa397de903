/* The node's VL2 side (virtual networks): verbs and replies that concern networks, the member
 * side of network configuration, membership credentials, multicast, and Ethernet frames in
 * and out. Internal header. */
#ifndef ZTK_CORE_NODE_VL2_H
#define ZTK_CORE_NODE_VL2_H

#include "core/node/node.h"
#include "core/packet/verbs.h"

/* ---- dispatch (vl2.c) ---- */

/* Handles a VL2 verb (FRAME, EXT_FRAME, MULTICAST_*, NETWORK_*). Returns 1 if handled, 0 if
 * verb is not a VL2 verb, -1 if the packet must be held and retried (a frame from a member
 * whose credentials we lack: we asked for them). *trusted is set when the packet proved shared
 * network membership, which lets the peer relay through us and get our direct paths. */
int ztk_vl2_handle(ztk_node *n, int64_t now, ztk_peer *p, uint8_t verb, uint64_t packet_id,
                   unsigned hops, ztk_rd *payload, bool *trusted);

/* An OK in reply to a VL2 verb (the reader is past the OK header). */
void ztk_vl2_ok(ztk_node *n, int64_t now, ztk_peer *p, uint8_t in_re_verb, uint64_t packet_id,
                ztk_rd *payload);

/* An ERROR about a network. */
void ztk_vl2_error(ztk_node *n, int64_t now, ztk_peer *p, const ztk_error_msg *e);

/* Config requests, from the node's ping check (every ZTK_PING_CHECK_INTERVAL, in the node's
 * own phase) as 1.14.1 makes them: a network without a config asks at every check, one with a
 * config once it is ZTK_NETWORK_AUTOCONF_DELAY old. (A timer of each network's own, started at
 * join, made members that joined in one instant retry in one instant too, so a controller
 * that could not take them all at first never could.) */
void ztk_vl2_ping_check(ztk_node *n, int64_t now);

/* VL2 timers (multicast announcements and expiry, the embedded controller). Returns the next
 * deadline. */
int64_t ztk_vl2_timers(ztk_node *n, int64_t now);

/* Frees every network (node teardown). */
void ztk_vl2_free(ztk_node *n);

/* Rejoins the networks remembered in the state store (node creation). */
void ztk_vl2_restore(ztk_node *n, int64_t now);

/* ---- networks and their configs (netconf_client.c) ---- */

ztk_vnet *ztk_vnet_find(const ztk_node *n, uint64_t nwid);
ztk_address ztk_vnet_controller(const ztk_vnet *net);
void ztk_vnet_request_config(ztk_node *n, int64_t now, ztk_vnet *net);

/* A config chunk from OK(NETWORK_CONFIG_REQUEST) (push false) or NETWORK_CONFIG (push true). */
void ztk_vnet_on_chunk(ztk_node *n, int64_t now, ztk_peer *p, uint64_t packet_id, bool push,
                      ztk_rd *payload);

/* Installs a verified config (ownership of nc passes to the network); dict (may be NULL) is
 * stored so the config survives a restart. */
void ztk_vnet_apply(ztk_node *n, int64_t now, ztk_vnet *net, ztk_netconf *nc, const uint8_t *dict,
                   size_t dict_len);

void ztk_vnet_set_status(ztk_node *n, ztk_vnet *net, int status);
void ztk_vnet_emit(ztk_node *n, ztk_event_type type, uint64_t nwid, const ztk_inaddr *addr,
                  const ztk_inaddr *via);

/* ---- membership and credentials (membership.c) ---- */

ztk_member *ztk_vnet_member(ztk_vnet *net, ztk_address a, bool create);
void ztk_vnet_members_free(ztk_vnet *net);

/* May this peer send us frames on net? (public network, or a valid COM agreeing with ours). */
bool ztk_vnet_gate(ztk_node *n, int64_t now, ztk_vnet *net, ztk_peer *p);

void ztk_vnet_push_credentials(ztk_node *n, int64_t now, ztk_vnet *net, ztk_address to);
void ztk_vnet_push_if_needed(ztk_node *n, int64_t now, ztk_vnet *net, ztk_address to);

/* Sends ERROR(NEED_MEMBERSHIP_CERTIFICATE) about net in reply to packet_id (rate-limited). */
void ztk_vnet_ask_credentials(ztk_node *n, int64_t now, ztk_vnet *net, ztk_peer *p, uint8_t verb,
                             uint64_t packet_id);

/* A COM sent inline (EXT_FRAME, MULTICAST_GATHER/FRAME): verified and stored like a pushed one.
 * Returns true if it is valid. */
bool ztk_vnet_learn_com(ztk_node *n, int64_t now, ztk_vnet *net, ztk_peer *p, const ztk_com *com);

/* NETWORK_CREDENTIALS. Returns true if anything in it was valid for a network we are in. */
bool ztk_vl2_credentials(ztk_node *n, int64_t now, ztk_peer *p, ztk_rd *payload);

/* ---- multicast (multicast.c) ---- */

/* Recomputes the automatic subscriptions (broadcast, ARP and solicited-node groups of our
 * addresses) and announces new ones. */
void ztk_vnet_auto_subscribe(ztk_node *n, int64_t now, ztk_vnet *net);
int ztk_vnet_subscribe(ztk_node *n, int64_t now, ztk_vnet *net, const ztk_mcgroup *g);

/* Announces groups (all of ours, or just g) to one member / upstreams and controller. */
void ztk_vnet_announce_to(ztk_node *n, int64_t now, ztk_vnet *net, ztk_address to,
                         const ztk_mcgroup *only);
void ztk_vnet_announce(ztk_node *n, int64_t now, ztk_vnet *net, const ztk_mcgroup *only);

void ztk_vl2_like(ztk_node *n, int64_t now, ztk_peer *p, ztk_rd *payload);
void ztk_vl2_gather(ztk_node *n, int64_t now, ztk_peer *p, uint64_t packet_id, ztk_rd *payload);
void ztk_vl2_ok_gather(ztk_node *n, int64_t now, ztk_peer *p, ztk_rd *payload);
void ztk_vl2_ok_mcframe(ztk_node *n, int64_t now, ztk_peer *p, ztk_rd *payload);

/* Sends a multicast frame from the local host. */
void ztk_vnet_multicast(ztk_node *n, int64_t now, ztk_vnet *net, const ztk_mcgroup *g,
                       uint64_t src_mac, uint16_t ethertype, const uint8_t *data, size_t len);

/* A member newly found subscribed to g: frames still pending for g go to it as well. */
void ztk_vnet_pending_new_member(ztk_node *n, int64_t now, uint64_t nwid, const ztk_mcgroup *g,
                                ztk_address a);

void ztk_vnet_pending_free(ztk_vnet *net);
int64_t ztk_vnet_pending_timers(ztk_node *n, int64_t now, ztk_vnet *net);

/* ---- frames (frames.c) ---- */

/* FRAME / EXT_FRAME / MULTICAST_FRAME from a peer. Return as ztk_vl2_handle. */
int ztk_vl2_frame(ztk_node *n, int64_t now, ztk_peer *p, uint64_t packet_id, ztk_rd *payload,
                  bool *trusted);
int ztk_vl2_ext_frame(ztk_node *n, int64_t now, ztk_peer *p, uint64_t packet_id,
                      ztk_rd *payload, bool *trusted);
int ztk_vl2_mcframe(ztk_node *n, int64_t now, ztk_peer *p, uint64_t packet_id, ztk_rd *payload,
                    bool *trusted);

/* A frame for the local host: filter, responder, then the host's frame_out. */
void ztk_vnet_deliver(ztk_node *n, int64_t now, ztk_vnet *net, uint64_t src_mac, uint64_t dst_mac,
                     uint16_t ethertype, const uint8_t *data, size_t len);

/* ---- the embedded controller's side (controller_glue.c) ---- */

/* A NETWORK_CONFIG_REQUEST addressed to us. */
void ztk_vl2_config_request(ztk_node *n, int64_t now, ztk_peer *p, uint64_t packet_id,
                            ztk_rd *payload);

/* Whether our controller authorized member on nwid recently (multicast gates). */
bool ztk_vl2_controller_authorized(const ztk_node *n, int64_t now, uint64_t nwid, ztk_address a);

/* Asks our own controller for a config of a network we are a member of. */
void ztk_vl2_local_request(ztk_node *n, int64_t now, ztk_vnet *net);

int64_t ztk_vl2_controller_tick(ztk_node *n, int64_t now);
void ztk_vl2_controller_free(ztk_node *n);

#endif
