/* TEMPORARY until core/controller lands: no embedded controller. */
#include "core/node/vl2.h"

void ztk_vl2_config_request(ztk_node *n, int64_t now, ztk_peer *p, uint64_t packet_id,
                            ztk_rd *payload)
{
  uint8_t buf[ZTK_PROTO_MAX_PACKET_LENGTH];
  uint64_t nwid = ztk_rd_u64(payload);
  if (payload->err)
    return;
  ztk_error_msg e = {ZTK_VERB_NETWORK_CONFIG_REQUEST, packet_id,
                     ZTK_PROTO_ERR_UNSUPPORTED_OPERATION, true, nwid, NULL, 0};
  ztk_wr w = ztk_packet_begin(n, buf, p->id.address, ZTK_VERB_ERROR);
  ztk_error_write(&w, &e);
  ztk_send(n, now, buf, w.len, ZTK_SEND_ENCRYPT);
}

bool ztk_vl2_controller_authorized(const ztk_node *n, int64_t now, uint64_t nwid, ztk_address a)
{
  (void)n, (void)now, (void)nwid, (void)a;
  return false;
}

void ztk_vl2_local_request(ztk_node *n, int64_t now, ztk_vnet *net) { (void)n, (void)now, (void)net; }
int64_t ztk_vl2_controller_tick(ztk_node *n, int64_t now) { (void)n, (void)now; return ZTK_NEVER; }
void ztk_vl2_controller_free(ztk_node *n) { (void)n; }
int ztk_node_enable_controller(ztk_node *n, int64_t now) { (void)n, (void)now; return ZTK_EUNSUPPORTED; }
