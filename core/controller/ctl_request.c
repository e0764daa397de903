/* NETWORK_CONFIG_REQUEST processing as 1.14.1's EmbeddedNetworkController::_request, and the
 * pushes and revocations its change listeners send. */
#include <stdlib.h>
#include <string.h>

#include "core/controller/ctl_internal.h"
#include "core/identity/identity.h"
#include "core/packet/packet.h"

/* The member metadata key of an auth token ("a" = "token:<t>") and 1.14.1's read limit. */
#define META_AUTH "a"
#define AUTH_READ_MAX 512
#define TOKEN_PREFIX "token:"

static void reply_error(ztk_ctl *c, const ztk_ctl_req *rq, uint64_t request_id, int code)
{
  ztk_address to = rq->identity->address;
  if (!request_id && to != c->self.address)
    return; /* 1.14.1 sends nothing to others for a push that fails */
  c->io.send_error(c->io.ctx, rq->now, to, request_id, rq->nwid, code);
}

/* A presented "token:<t>" that the network lists, unexpired; its text goes to out. */
static bool token_valid(const ztk_ctl_network *n, const ztk_dict *meta, int64_t now,
                        char out[AUTH_READ_MAX])
{
  int len = ztk_dict_get_str(meta, META_AUTH, out, AUTH_READ_MAX);
  if (len < 0 && len != ZTK_ENOSPACE)
    return false;
  size_t plen = strlen(TOKEN_PREFIX);
  if (strlen(out) <= plen || strncmp(out, TOKEN_PREFIX, plen))
    return false;
  memmove(out, out + plen, strlen(out + plen) + 1);
  for (unsigned i = 0; i < n->token_count; i++)
    if (!strcmp(n->tokens[i].token, out))
      return n->tokens[i].expires == 0 || n->tokens[i].expires > now;
  return false;
}

/* 1.14.1's authorization: the member's flag, a public network, or a valid token (the last two
 * authorize the member record with credential type "public" / "token"). */
static bool authorize(const ztk_ctl_network *n, ztk_ctl_member *m, const ztk_ctl_req *rq)
{
  char token[AUTH_READ_MAX];
  const char *type = NULL;
  if (m->authorized)
    return true;
  token[0] = 0;
  if (!n->is_private)
    type = "public";
  else if (token_valid(n, rq->meta, rq->now, token))
    type = "token";
  if (!type)
    return false;
  m->authorized = true;
  m->last_authorized_time = rq->now;
  strcpy(m->last_auth_type, type);
  strcpy(m->last_auth_credential, type[0] == 't' ? token : "");
  return true;
}

static int64_t meta_int(const ztk_dict *meta, const char *key)
{
  uint64_t v = 0;
  if (ztk_dict_get_u64(meta, key, &v))
    v = 0;
  return (int64_t)v;
}

/* A genuine authorized request: record the member's version and remember the request. */
static void note_request(ztk_ctl *c, ztk_ctl_member *m, const ztk_ctl_req *rq)
{
  m->v_major = meta_int(rq->meta, "majv");
  m->v_minor = meta_int(rq->meta, "minv");
  m->v_rev = meta_int(rq->meta, "revv");
  m->v_proto = meta_int(rq->meta, "pv");
  ztk_ctl_status *st = ztk_ctl_status_find(&c->status, rq->nwid, m->address);
  if (st)
    (void)ztk_ctl_status_set_meta(st, rq->identity, rq->meta);
}

static void note_config_sent(ztk_ctl *c, const ztk_ctl_req *rq)
{
  ztk_ctl_status *st = ztk_ctl_status_get(&c->status, rq->nwid, rq->identity->address);
  if (st) {
    st->configured = true;
    st->last_config = rq->now;
  }
}

/* Saves the member, answers with an error, and pushes the change if the record changed. */
static void deny(ztk_ctl *c, ztk_ctl_net *net, const ztk_ctl_member *m, const ztk_ctl_req *rq,
                 uint64_t request_id, bool may_push, int code)
{
  int changed = ztk_ctl_store_member(c, rq->now, net, m, NULL);
  reply_error(c, rq, request_id, code);
  if (changed == 1 && may_push)
    ztk_ctl_push_member(c, rq->now, rq->nwid, m->address);
}

/* Builds and sends the config, then saves the member (pushing a change). */
static void configure(ztk_ctl *c, ztk_ctl_net *net, ztk_ctl_member *m, const ztk_ctl_req *rq,
                      uint64_t request_id, bool may_push)
{
  ztk_netconf *nc = malloc(sizeof *nc);
  if (!nc)
    return;
  ztk_netconf_init(nc);
  if (ztk_ctl_build_config(c, net, m, rq, nc)) {
    reply_error(c, rq, request_id, ZTK_PROTO_ERR_OBJ_NOT_FOUND); /* 1.14.1's internal error */
  } else {
    int changed = ztk_ctl_store_member(c, rq->now, net, m, NULL);
    c->io.send_config(c->io.ctx, rq->now, m->address, request_id, nc);
    note_config_sent(c, rq);
    if (changed == 1 && may_push)
      ztk_ctl_push_member(c, rq->now, rq->nwid, m->address);
  }
  ztk_netconf_free(nc);
  free(nc);
}

static bool sso_blocks(const ztk_ctl_network *n, const ztk_ctl_member *m, int64_t now)
{
  return n->sso_enabled && !m->sso_exempt && m->auth_expiry <= now;
}

/* One request (request_id != 0) or a push (0). may_push: a change to the member record is
 * pushed afterwards (never from within a push, which bounds the recursion). */
static void handle(ztk_ctl *c, ztk_ctl_req *rq, uint64_t request_id, bool may_push)
{
  ztk_ctl_net *net = ztk_ctl_net_find(c, rq->nwid);
  ztk_address address = rq->identity->address;
  if (!net) {
    reply_error(c, rq, request_id, ZTK_PROTO_ERR_OBJ_NOT_FOUND);
    return;
  }
  const ztk_ctl_member *have = ztk_ctl_net_member(net, address);
  ztk_ctl_member m;
  ztk_ctl_member_init(&m, rq->nwid, address);
  if (have && ztk_ctl_member_copy(&m, have))
    return;
  rq->new_member = !have;
  if (m.has_identity && !ztk_identity_same(&m.identity, rq->identity)) {
    reply_error(c, rq, request_id, ZTK_PROTO_ERR_NETWORK_ACCESS_DENIED);
  } else {
    if (!m.has_identity) {
      m.identity = *rq->identity;
      memset(m.identity.priv, 0, sizeof m.identity.priv);
      m.identity.has_private = false;
      m.has_identity = true;
    }
    bool authorized = authorize(&net->rec, &m, rq);
    if (sso_blocks(&net->rec, &m, rq->now)) {
      deny(c, net, &m, rq, request_id, may_push, ZTK_PROTO_ERR_NETWORK_AUTHENTICATION_REQUIRED);
    } else if (!authorized) {
      deny(c, net, &m, rq, request_id, may_push, ZTK_PROTO_ERR_NETWORK_ACCESS_DENIED);
    } else {
      if (request_id)
        note_request(c, &m, rq);
      configure(c, net, &m, rq, request_id, may_push);
    }
  }
  ztk_ctl_member_free(&m);
}

void ztk_ctl_request(ztk_ctl *c, int64_t now, uint64_t nwid, const ztk_identity *requester,
                     const ztk_dict *metadata, uint64_t request_id)
{
  if (!c || !requester || !metadata || (nwid >> 24) != c->self.address)
    return;
  if (request_id) {
    ztk_ctl_status *st = ztk_ctl_status_get(&c->status, nwid, requester->address);
    if (!st || (st->requested && now - st->last_request <= ZTK_CTL_MIN_REQUEST_PERIOD))
      return;
    st->requested = true;
    st->last_request = now;
  }
  ztk_ctl_req rq = {now, nwid, requester, metadata, false};
  handle(c, &rq, request_id, true);
}

void ztk_ctl_push_member(ztk_ctl *c, int64_t now, uint64_t nwid, ztk_address address)
{
  const ztk_ctl_status *st = ztk_ctl_status_find(&c->status, nwid, address);
  if ((nwid >> 24) != c->self.address || !st || !st->has_meta || !ztk_ctl_status_online(st, now))
    return;
  /* copies: handling the push may move the status table */
  char meta[ZTK_DICT_METADATA_CAP];
  ztk_identity id = st->identity;
  memcpy(meta, st->meta, st->meta_len + 1);
  ztk_dict d;
  if (ztk_dict_view(&d, meta, st->meta_len, sizeof meta))
    return;
  ztk_ctl_req rq = {now, nwid, &id, &d, false};
  handle(c, &rq, 0, false);
}

void ztk_ctl_push_network(ztk_ctl *c, int64_t now, uint64_t nwid)
{
  unsigned first, end, n = 0;
  ztk_ctl_status_range(&c->status, nwid, &first, &end);
  if (first == end)
    return;
  ztk_address *to = malloc((end - first) * sizeof *to);
  if (!to)
    return;
  for (unsigned i = first; i < end; i++)
    if (c->status.items[i]->has_meta && ztk_ctl_status_online(c->status.items[i], now))
      to[n++] = c->status.items[i]->address;
  for (unsigned i = 0; i < n; i++)
    ztk_ctl_push_member(c, now, nwid, to[i]);
  free(to);
}

void ztk_ctl_revoke(ztk_ctl *c, int64_t now, uint64_t nwid, ztk_address target)
{
  unsigned first, end, online = 0;
  ztk_ctl_status_range(&c->status, nwid, &first, &end);
  for (unsigned i = first; i < end; i++)
    online += ztk_ctl_status_online(c->status.items[i], now) ? 1 : 0;
  if (!online)
    return;
  uint8_t r[4];
  c->io.random(c->io.ctx, r, sizeof r);
  ztk_revocation rev;
  ztk_revocation_init(&rev, (uint32_t)ztk_be_get(r, 4), nwid, 0, now,
                      ZTK_REVOCATION_FLAG_FAST_PROPAGATE, target, ZTK_CRED_COM);
  if (ztk_revocation_sign(&rev, &c->self))
    return;
  for (unsigned i = first; i < end; i++)
    if (ztk_ctl_status_online(c->status.items[i], now))
      c->io.send_revocation(c->io.ctx, now, c->status.items[i]->address, &rev);
}
