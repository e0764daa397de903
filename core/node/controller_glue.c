/* The node's side of the embedded controller (core/controller): requests from members go to
 * the controller, and what it decides goes out as signed config chunks, errors and
 * revocations. A node that is a member of its own network is answered locally. */
#include <stdlib.h>
#include <string.h>

#include "core/controller/controller.h"
#include "core/network/config_request.h"
#include "core/network/credentials.h"
#include "core/node/vl2.h"

static void apply_own_config(ztk_node *n, int64_t now, const ztk_netconf *nc)
{
  ztk_vnet *net = ztk_vnet_find(n, nc->nwid);
  ztk_netconf *copy = net ? malloc(sizeof *copy) : NULL;
  if (!copy)
    return;
  ztk_netconf_init(copy);
  if (ztk_netconf_copy(copy, nc)) {
    free(copy);
    return;
  }
  ztk_vnet_apply(n, now, net, copy, NULL, 0);
}

static void send_chunks(ztk_node *n, int64_t now, ztk_address member, uint64_t request_id,
                        uint64_t nwid, const uint8_t *dict, size_t len)
{
  uint8_t buf[ZTK_PROTO_MAX_PACKET_LENGTH];
  uint64_t update_id = 0;
  while (!update_id)
    update_id = ztk_csprng_u64(&n->rng);
  for (size_t index = 0; index < len;) {
    ztk_wr w = ztk_packet_begin(n, buf, member,
                                request_id ? ZTK_VERB_OK : ZTK_VERB_NETWORK_CONFIG);
    if (request_id)
      ztk_ok_header_write(&w, ZTK_VERB_NETWORK_CONFIG_REQUEST, request_id);
    int rc = ztk_chunk_write(&w, &n->id, nwid, dict, len, index, 0, update_id);
    if (rc <= 0 || w.err)
      return;
    index += (size_t)rc;
    /* A push is acknowledged with an OK, which we must recognise. */
    ztk_send(n, now, buf, w.len,
             ZTK_SEND_ENCRYPT | ZTK_SEND_COMPRESS | (request_id ? 0 : ZTK_SEND_EXPECT));
  }
}

static void io_send_config(void *ctx, int64_t now, ztk_address member, uint64_t request_id,
                           const ztk_netconf *nc)
{
  ztk_node *n = ctx;
  ztk_dict d;
  if (member == n->id.address) {
    apply_own_config(n, now, nc);
    return;
  }
  char *buf = malloc(ZTK_DICT_NETCONF_CAP);
  if (!buf)
    return;
  ztk_dict_init(&d, buf, ZTK_DICT_NETCONF_CAP);
  if (ztk_netconf_to_dict(nc, &d) == 0)
    send_chunks(n, now, member, request_id, nc->nwid, (const uint8_t *)buf, d.len);
  free(buf);
}

static void io_send_error(void *ctx, int64_t now, ztk_address member, uint64_t request_id,
                          uint64_t nwid, int code)
{
  ztk_node *n = ctx;
  uint8_t buf[ZTK_PROTO_MAX_PACKET_LENGTH];
  if (member == n->id.address) {
    ztk_vnet *net = ztk_vnet_find(n, nwid);
    if (net)
      ztk_vnet_set_status(n, net, code == ZTK_PROTO_ERR_OBJ_NOT_FOUND ? ZTK_NETWORK_NOT_FOUND
                                  : code == ZTK_PROTO_ERR_NETWORK_ACCESS_DENIED
                                      ? ZTK_NETWORK_ACCESS_DENIED
                                      : ZTK_NETWORK_AUTHENTICATION_REQUIRED);
    return;
  }
  ztk_error_msg e = {ZTK_VERB_NETWORK_CONFIG_REQUEST, request_id, (uint8_t)code, true, nwid,
                     NULL, 0};
  ztk_wr w = ztk_packet_begin(n, buf, member, ZTK_VERB_ERROR);
  ztk_error_write(&w, &e);
  ztk_send(n, now, buf, w.len, ZTK_SEND_ENCRYPT);
}

static void io_send_revocation(void *ctx, int64_t now, ztk_address to, const ztk_revocation *r)
{
  ztk_node *n = ctx;
  uint8_t buf[ZTK_PROTO_MAX_PACKET_LENGTH];
  if (to == n->id.address)
    return; /* a controller that is also a member learns it from its own records */
  ztk_revocation rev = *r;
  ztk_creds c;
  memset(&c, 0, sizeof c);
  c.revs = &rev;
  c.rev_count = c.rev_cap = 1;
  c.sections = 4;
  ztk_wr w = ztk_packet_begin(n, buf, to, ZTK_VERB_NETWORK_CREDENTIALS);
  if (ztk_creds_write(&w, &c) == 0 && !w.err)
    ztk_send(n, now, buf, w.len, ZTK_SEND_ENCRYPT | ZTK_SEND_COMPRESS);
}

static void io_state_put(void *ctx, const uint64_t id[2], const void *data, size_t len)
{
  ztk_node *n = ctx;
  if (n->cb.state_put)
    n->cb.state_put(n->user, ZTK_STATE_CONTROLLER, id, data, len);
}

static long io_state_get(void *ctx, const uint64_t id[2], void *buf, size_t cap)
{
  ztk_node *n = ctx;
  return n->cb.state_get ? n->cb.state_get(n->user, ZTK_STATE_CONTROLLER, id, buf, cap) : -1;
}

static void io_random(void *ctx, void *buf, size_t len)
{
  ztk_node *n = ctx;
  ztk_csprng_bytes(&n->rng, buf, len);
}

struct ztk_ctl *ztk_node_controller(ztk_node *n) { return n ? n->ctl : NULL; }

int ztk_node_enable_controller(ztk_node *n, int64_t now)
{
  if (!n)
    return ZTK_EINVAL;
  if (n->ctl)
    return 0;
  ztk_ctl_io io = {.ctx = n,
                   .send_config = io_send_config,
                   .send_error = io_send_error,
                   .send_revocation = io_send_revocation,
                   .state_put = io_state_put,
                   .state_get = io_state_get,
                   .random = io_random};
  return ztk_ctl_new(&n->ctl, &n->id, &io, now);
}

void ztk_vl2_config_request(ztk_node *n, int64_t now, ztk_peer *p, uint64_t packet_id,
                            ztk_rd *payload)
{
  uint8_t buf[ZTK_PROTO_MAX_PACKET_LENGTH];
  ztk_config_request q;
  ztk_dict meta;
  size_t len = ztk_rd_left(payload);
  const uint8_t *data = ztk_rd_take(payload, len);
  if (!data || ztk_config_request_read(&q, data, len))
    return;
  if (n->ctl && (q.nwid >> 24) == n->id.address) {
    if (ztk_config_request_meta_dict(&q, &meta) == 0)
      ztk_ctl_request(n->ctl, now, q.nwid, &p->id, &meta, packet_id);
    return;
  }
  ztk_error_msg e = {ZTK_VERB_NETWORK_CONFIG_REQUEST, packet_id,
                     ZTK_PROTO_ERR_UNSUPPORTED_OPERATION, true, q.nwid, NULL, 0};
  ztk_wr w = ztk_packet_begin(n, buf, p->id.address, ZTK_VERB_ERROR);
  ztk_error_write(&w, &e);
  ztk_send(n, now, buf, w.len, ZTK_SEND_ENCRYPT);
}

void ztk_vl2_local_request(ztk_node *n, int64_t now, ztk_vnet *net)
{
  char meta[1024];
  ztk_dict d;
  if (!n->ctl)
    return;
  ztk_dict_init(&d, meta, sizeof meta);
  ztk_config_request_meta m = {1, ZTK_PROTO_VERSION, 1, 14, 1, 1, "linux/x86_64"};
  if (ztk_config_request_meta_build(&d, &m) == 0)
    ztk_ctl_request(n->ctl, now, net->nwid, &n->id, &d, 0);
}

bool ztk_vl2_controller_authorized(const ztk_node *n, int64_t now, uint64_t nwid, ztk_address a)
{
  return n->ctl && ztk_ctl_recently_authorized(n->ctl, now, nwid, a);
}

int64_t ztk_vl2_controller_tick(ztk_node *n, int64_t now)
{
  return n->ctl ? ztk_ctl_tick(n->ctl, now) : ZTK_NEVER;
}

void ztk_vl2_controller_free(ztk_node *n)
{
  ztk_ctl_free(n->ctl);
  n->ctl = NULL;
}
