/* The node's VL2 side (virtual networks): verbs and replies that concern networks. VL1 hands
 * them over after authentication. Internal header. */
#ifndef ZTK_CORE_NODE_VL2_H
#define ZTK_CORE_NODE_VL2_H

#include "core/node/node.h"
#include "core/packet/verbs.h"

/* Handles a VL2 verb (FRAME, EXT_FRAME, MULTICAST_*, NETWORK_*). Returns false if verb is not a
 * VL2 verb. *trusted is set when the packet proved shared network membership (frames,
 * credentials), which lets the peer relay through us and get our direct paths. */
bool ztk_vl2_handle(ztk_node *n, int64_t now, ztk_peer *p, uint8_t verb, uint64_t packet_id,
                    unsigned hops, ztk_rd *payload, bool *trusted);

/* An OK in reply to a VL2 verb (the reader is past the OK header). */
void ztk_vl2_ok(ztk_node *n, int64_t now, ztk_peer *p, uint8_t in_re_verb, uint64_t packet_id,
                ztk_rd *payload);

/* An ERROR about a network. */
void ztk_vl2_error(ztk_node *n, int64_t now, ztk_peer *p, const ztk_error_msg *e);

#endif
