/* VL2 dispatch. Virtual networks are joined through core/network/; until a node has joined
 * one, VL2 verbs from peers are authenticated and counted as received, nothing more. */
#include "core/node/vl2.h"

bool ztk_vl2_handle(ztk_node *n, int64_t now, ztk_peer *p, uint8_t verb, uint64_t packet_id,
                    unsigned hops, ztk_rd *payload, bool *trusted)
{
  (void)n, (void)now, (void)p, (void)packet_id, (void)hops, (void)payload;
  *trusted = false;
  switch (verb) {
  case ZTK_VERB_FRAME:
  case ZTK_VERB_EXT_FRAME:
  case ZTK_VERB_MULTICAST_LIKE:
  case ZTK_VERB_NETWORK_CREDENTIALS:
  case ZTK_VERB_NETWORK_CONFIG_REQUEST:
  case ZTK_VERB_NETWORK_CONFIG:
  case ZTK_VERB_MULTICAST_GATHER:
  case ZTK_VERB_MULTICAST_FRAME:
    return true;
  default:
    return false;
  }
}

void ztk_vl2_ok(ztk_node *n, int64_t now, ztk_peer *p, uint8_t in_re_verb, uint64_t packet_id,
                ztk_rd *payload)
{
  (void)n, (void)now, (void)p, (void)in_re_verb, (void)packet_id, (void)payload;
}

void ztk_vl2_error(ztk_node *n, int64_t now, ztk_peer *p, const ztk_error_msg *e)
{
  (void)n, (void)now, (void)p, (void)e;
}
