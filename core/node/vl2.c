/* VL2 dispatch: which network verb goes where, and the timers of joined networks. */
#include "core/node/vl2.h"

#include <stdlib.h>

int ztk_vl2_handle(ztk_node *n, int64_t now, ztk_peer *p, uint8_t verb, uint64_t packet_id,
                   unsigned hops, ztk_rd *payload, bool *trusted)
{
  (void)hops;
  *trusted = false;
  switch (verb) {
  case ZTK_VERB_FRAME:
    return ztk_vl2_frame(n, now, p, packet_id, payload, trusted);
  case ZTK_VERB_EXT_FRAME:
    return ztk_vl2_ext_frame(n, now, p, packet_id, payload, trusted);
  case ZTK_VERB_MULTICAST_FRAME:
    return ztk_vl2_mcframe(n, now, p, packet_id, payload, trusted);
  case ZTK_VERB_MULTICAST_LIKE:
    ztk_vl2_like(n, now, p, payload);
    return 1;
  case ZTK_VERB_MULTICAST_GATHER:
    ztk_vl2_gather(n, now, p, packet_id, payload);
    return 1;
  case ZTK_VERB_NETWORK_CREDENTIALS:
    *trusted = ztk_vl2_credentials(n, now, p, payload);
    ztk_retry_held(n, now, p->id.address); /* frames that waited for these credentials */
    return 1;
  case ZTK_VERB_NETWORK_CONFIG_REQUEST:
    ztk_vl2_config_request(n, now, p, packet_id, payload);
    return 1;
  case ZTK_VERB_NETWORK_CONFIG:
    ztk_vnet_on_chunk(n, now, p, packet_id, true, payload);
    return 1;
  default:
    return 0;
  }
}

void ztk_vl2_ok(ztk_node *n, int64_t now, ztk_peer *p, uint8_t in_re_verb, uint64_t packet_id,
                ztk_rd *payload)
{
  switch (in_re_verb) {
  case ZTK_VERB_NETWORK_CONFIG_REQUEST:
    ztk_vnet_on_chunk(n, now, p, packet_id, false, payload);
    break;
  case ZTK_VERB_MULTICAST_GATHER:
    ztk_vl2_ok_gather(n, now, p, payload);
    break;
  case ZTK_VERB_MULTICAST_FRAME:
    ztk_vl2_ok_mcframe(n, now, p, payload);
    break;
  default:
    break; /* OK(EXT_FRAME) and the config-push acknowledgement carry nothing we need */
  }
}

void ztk_vl2_error(ztk_node *n, int64_t now, ztk_peer *p, const ztk_error_msg *e)
{
  if (!e->has_nwid)
    return;
  ztk_vnet *net = ztk_vnet_find(n, e->nwid);
  if (!net)
    return;
  bool from_controller = p->id.address == ztk_vnet_controller(net);
  switch (e->code) {
  case ZTK_PROTO_ERR_OBJ_NOT_FOUND:
  case ZTK_PROTO_ERR_UNSUPPORTED_OPERATION:
    if (from_controller && e->in_re_verb == ZTK_VERB_NETWORK_CONFIG_REQUEST)
      ztk_vnet_set_status(n, net, ZTK_NETWORK_NOT_FOUND);
    break;
  case ZTK_PROTO_ERR_NETWORK_ACCESS_DENIED:
    if (from_controller)
      ztk_vnet_set_status(n, net, ZTK_NETWORK_ACCESS_DENIED);
    break;
  case ZTK_PROTO_ERR_NETWORK_AUTHENTICATION_REQUIRED:
    if (from_controller)
      ztk_vnet_set_status(n, net, ZTK_NETWORK_AUTHENTICATION_REQUIRED);
    break;
  case ZTK_PROTO_ERR_NEED_MEMBERSHIP_CERTIFICATE: {
    ztk_member *m = ztk_vnet_member(net, p->id.address, true);
    if (m && now - m->last_pushed >= ZTK_CREDENTIALS_RATE_LIMIT)
      ztk_vnet_push_credentials(n, now, net, p->id.address);
    break;
  }
  case ZTK_PROTO_ERR_UNWANTED_MULTICAST:
    if (e->extra_len >= 10) {
      ztk_mcgroup g = {ztk_be_get(e->extra, 6), (uint32_t)ztk_be_get(e->extra + 6, 4)};
      ztk_mcdir_remove(&n->mcdir, e->nwid, &g, p->id.address);
    }
    break;
  default:
    break;
  }
}

void ztk_vl2_ping_check(ztk_node *n, int64_t now)
{
  for (int i = 0; i < n->nnets; i++) {
    ztk_vnet *net = n->nets[i];
    if (!net->cfg || now - net->last_config >= ZTK_NETWORK_AUTOCONF_DELAY)
      ztk_vnet_request_config(n, now, net);
  }
}

int64_t ztk_vl2_timers(ztk_node *n, int64_t now)
{
  int64_t next = ZTK_NEVER;
  for (int i = 0; i < n->nnets; i++) {
    ztk_vnet *net = n->nets[i];
    if (net->cfg && now - net->last_announce >= ZTK_MULTICAST_ANNOUNCE_PERIOD) {
      net->last_announce = now;
      ztk_vnet_announce(n, now, net, NULL);
    }
    int64_t p = ztk_vnet_pending_timers(n, now, net);
    if (p < next)
      next = p;
  }
  int64_t c = ztk_vl2_controller_tick(n, now);
  return c < next ? c : next;
}

