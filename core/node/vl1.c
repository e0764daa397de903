/* VL1: authenticating arriving packets and the peer-to-peer verbs (HELLO, OK, ERROR, WHOIS,
 * RENDEZVOUS, ECHO, PUSH_DIRECT_PATHS, USER_MESSAGE), path learning and keepalives, with the
 * replies and rate limits a ZeroTierOne 1.14 node has. */
#include <string.h>

#include "core/node/node.h"
#include "core/node/vl2.h"
#include "core/packet/armor.h"
#include "core/packet/compress.h"
#include "core/packet/verbs.h"

#define SOFTWARE_MAJOR 1
#define SOFTWARE_MINOR 14
#define SOFTWARE_REVISION 1

/* What arrived, and how: shared by the handlers of one packet. */
typedef struct incoming {
  ztk_node *n;
  int64_t now;
  int64_t sock;
  const ztk_inaddr *from;
  uint8_t *pkt;
  size_t len;
  uint64_t id; /* wire packet id, as replies must quote it */
  unsigned hops;
  ztk_peer *peer;
  bool clear; /* authenticated and decrypted: the verb byte can be believed */
  int result; /* ZTK_DECODE_* */
} incoming;

static ztk_rd payload(const incoming *in)
{
  return ztk_rd_make(in->pkt + ZTK_PKT_IDX_PAYLOAD, in->len - ZTK_PKT_IDX_PAYLOAD);
}

static void drop(const incoming *in, uint64_t *counter, const char *why)
{
  (*counter)++;
  ztk_node_tracef(in->n, "drop %s %016llx from %010llx: %s",
                  in->clear ? ztk_verb_name(ztk_packet_verb(in->pkt)) : "packet",
                  (unsigned long long)in->id, (unsigned long long)ztk_packet_source(in->pkt), why);
}

/* Replies go back the way the request came (through the relay if it was relayed). */
static void reply(const incoming *in, uint8_t *buf, size_t len)
{
  ztk_send_via(in->n, in->now, in->peer, in->sock, in->from, buf, len, ZTK_SEND_ENCRYPT);
}

/* ---- HELLO ---- */

static void hello_moons(ztk_node *n, ztk_hello *h)
{
  h->n_moons = 0;
  for (int i = 0; i < n->topo.nmoons && h->n_moons < ZTK_HELLO_MAX_MOONS; i++)
    h->moons[h->n_moons++] = (ztk_hello_moon){ZTK_WORLD_MOON, n->topo.moons[i].id,
                                              n->topo.moons[i].timestamp};
  for (int i = 0; i < n->topo.nwanted && h->n_moons < ZTK_HELLO_MAX_MOONS; i++)
    h->moons[h->n_moons++] = (ztk_hello_moon){ZTK_WORLD_MOON, n->topo.wanted[i].id, 0};
  h->moon_count = (uint16_t)h->n_moons;
}

void ztk_vl1_hello(ztk_node *n, int64_t now, ztk_peer *p, int64_t sock, const ztk_inaddr *to)
{
  uint8_t buf[ZTK_PROTO_MAX_PACKET_LENGTH];
  ztk_hello h;
  memset(&h, 0, sizeof h);
  h.proto_version = ZTK_PROTO_VERSION;
  h.major = SOFTWARE_MAJOR;
  h.minor = SOFTWARE_MINOR;
  h.revision = SOFTWARE_REVISION;
  h.timestamp = (uint64_t)now;
  h.id = n->id;
  h.id.has_private = false;
  if (to)
    h.dest = *to;
  h.has_planet = true;
  h.planet_id = n->topo.planet.id;
  h.planet_timestamp = n->topo.planet.timestamp;
  hello_moons(n, &h);
  ztk_wr w = ztk_packet_begin(n, buf, p->id.address, ZTK_VERB_HELLO);
  size_t tail = ztk_hello_write(&w, &h);
  if (w.err)
    return;
  ztk_hello_crypt(buf, w.len, tail, &p->key); /* tail is an offset in buf */
  if (to)
    ztk_send_via(n, now, p, sock, to, buf, w.len, ZTK_SEND_EXPECT);
  else
    ztk_send(n, now, buf, w.len, ZTK_SEND_EXPECT);
}

static void echo_probe(ztk_node *n, int64_t now, ztk_peer *p, int64_t sock, const ztk_inaddr *to)
{
  uint8_t buf[ZTK_PROTO_MAX_PACKET_LENGTH];
  ztk_wr w = ztk_packet_begin(n, buf, p->id.address, ZTK_VERB_ECHO);
  ztk_send_via(n, now, p, sock, to, buf, w.len, ZTK_SEND_ENCRYPT | ZTK_SEND_EXPECT);
}

void ztk_vl1_contact(ztk_node *n, int64_t now, ztk_peer *p, int64_t sock, const ztk_inaddr *to,
                     bool full)
{
  if (!full && p->vproto >= 5)
    echo_probe(n, now, p, sock, to);
  else
    ztk_vl1_hello(n, now, p, sock, to);
}

/* Worlds (planet, moons) a HELLO's sender lacks: appended to our OK(HELLO). */
static void write_world_updates(ztk_node *n, ztk_wr *w, const ztk_hello *h)
{
  uint8_t *lenp = ztk_wr_reserve(w, 2);
  size_t start = w->len;
  if (!lenp)
    return;
  if (h->has_planet && h->planet_id == n->topo.planet.id &&
      n->topo.planet.timestamp > h->planet_timestamp)
    ztk_world_write(w, &n->topo.planet);
  for (unsigned i = 0; i < h->n_moons; i++)
    for (int m = 0; m < n->topo.nmoons; m++)
      if (n->topo.moons[m].id == h->moons[i].id &&
          n->topo.moons[m].timestamp > h->moons[i].timestamp)
        ztk_world_write(w, &n->topo.moons[m]);
  ztk_be_put(lenp, w->len - start, 2);
}

static void surface_report(incoming *in, const ztk_inaddr *surface)
{
  ztk_node *n = in->n;
  if (!surface->family || in->hops)
    return;
  if (ztk_selfaware_iam(&n->sa, in->peer->id.address, in->sock, in->from, surface,
                        in->peer->upstream, in->now)) {
    /* Our address in this scope changed: re-verify every path there. */
    ztk_ipscope scope = ztk_inaddr_scope(surface);
    for (int i = 0; i < n->topo.n; i++) {
      ztk_peer *p = n->topo.peers[i];
      for (int k = 0; k < p->npaths; k++)
        if (p->paths[k].addr.family == surface->family &&
            ztk_inaddr_scope(&p->paths[k].addr) == scope)
          ztk_vl1_hello(n, in->now, p, p->paths[k].local_socket, &p->paths[k].addr);
    }
  }
}

static void hello_reply(incoming *in, const ztk_hello *h)
{
  uint8_t buf[ZTK_PROTO_MAX_PACKET_LENGTH];
  ztk_node *n = in->n;
  ztk_ok_hello ok = {h->timestamp, ZTK_PROTO_VERSION, SOFTWARE_MAJOR, SOFTWARE_MINOR,
                     SOFTWARE_REVISION, *in->from, NULL, 0};
  if (h->proto_version < 5)
    ok.from.port = 0;
  ztk_wr w = ztk_packet_begin(n, buf, in->peer->id.address, ZTK_VERB_OK);
  ztk_ok_header_write(&w, ZTK_VERB_HELLO, in->id);
  /* The world list is appended by hand below (its length prefix comes first). */
  ztk_wr_u64(&w, ok.timestamp);
  ztk_wr_u8(&w, ok.proto_version);
  ztk_wr_u8(&w, ok.major);
  ztk_wr_u8(&w, ok.minor);
  ztk_wr_u16(&w, ok.revision);
  ztk_inaddr_write(&w, &ok.from);
  write_world_updates(n, &w, h);
  if (!w.err)
    reply(in, buf, w.len);
}

/* A HELLO from someone we already know under another identity: only answer if it proves that
 * identity (its MAC verifies with the key we would share with it). */
static void identity_collision(incoming *in, const ztk_hello *h)
{
  uint8_t key48[48], buf[ZTK_PROTO_MAX_PACKET_LENGTH];
  ztk_peer_key key;
  if (!ztk_identity_gate_pass(&in->n->idgate, in->from, in->now)) {
    drop(in, &in->n->ctr.drop_rate_limited, "identity check rate limit");
    return;
  }
  if (ztk_identity_agree(&in->n->id, &h->id, key48))
    return;
  ztk_peer_key_init(&key, key48);
  if (ztk_dearmor(in->pkt, in->len, &key) == 0) {
    ztk_error_msg e = {ZTK_VERB_HELLO, in->id, ZTK_PROTO_ERR_IDENTITY_COLLISION, false, 0, NULL, 0};
    ztk_wr w = ztk_packet_begin(in->n, buf, h->id.address, ZTK_VERB_ERROR);
    ztk_error_write(&w, &e);
    ztk_armor(buf, w.len, &key, ZTK_CIPHER_POLY1305_SALSA2012);
    ztk_wire_out(in->n, in->sock, in->from, buf, w.len, 0);
    drop(in, &in->n->ctr.drop_policy, "address collision");
  } else {
    drop(in, &in->n->ctr.drop_auth, "invalid MAC");
  }
  ztk_peer_key_free(&key);
}

static bool identity_valid(ztk_node *n, const ztk_identity *id)
{
  if (n->cb.identity_known_valid && n->cb.identity_known_valid(n->user, id))
    return true;
  return ztk_identity_validate(id) == 0;
}

/* A HELLO from an unknown identity: rate gate, key, MAC, proof of work, then a new peer. */
static ztk_peer *hello_new_peer(incoming *in, const ztk_hello *h)
{
  ztk_node *n = in->n;
  ztk_peer *p;
  if (!ztk_identity_gate_pass(&n->idgate, in->from, in->now)) {
    drop(in, &n->ctr.drop_rate_limited, "identity check rate limit");
    return NULL;
  }
  if (ztk_peer_new(&p, &n->id, &h->id, in->now))
    return NULL;
  if (ztk_dearmor(in->pkt, in->len, &p->key)) {
    drop(in, &n->ctr.drop_auth, "invalid MAC");
    ztk_peer_free(p);
    return NULL;
  }
  if (!identity_valid(n, &h->id)) {
    drop(in, &n->ctr.drop_auth, "invalid identity");
    ztk_peer_free(p);
    return NULL;
  }
  if (ztk_topo_add(&n->topo, p)) {
    ztk_peer_free(p);
    return NULL;
  }
  return p;
}

static void do_hello(incoming *in, bool authenticated)
{
  ztk_node *n = in->n;
  ztk_hello h;
  ztk_rd r = payload(in);
  if (ztk_hello_read(&r, &h) || h.proto_version < ZTK_PROTO_VERSION_MIN ||
      h.id.address != ztk_packet_source(in->pkt)) {
    drop(in, &n->ctr.drop_malformed, "bad HELLO");
    return;
  }
  ztk_peer *p = in->peer ? in->peer : ztk_node_peer_get(n, in->now, h.id.address);
  bool fresh = false;
  if (p && !authenticated) {
    if (!ztk_identity_same(&p->id, &h.id)) {
      identity_collision(in, &h);
      return;
    }
    if (ztk_dearmor(in->pkt, in->len, &p->key)) {
      drop(in, &n->ctr.drop_auth, "invalid MAC");
      return;
    }
    if (!ztk_replay_check(&p->replay, in->id)) {
      drop(in, &n->ctr.drop_replay, "replayed packet id");
      return;
    }
  } else if (!p) {
    if (authenticated || !(p = hello_new_peer(in, &h)))
      return;
    ztk_replay_check(&p->replay, in->id);
    fresh = true;
  }
  in->peer = p;
  if (!authenticated) {
    n->ctr.rx_packets++;
    n->ctr.rx_verb[ZTK_VERB_HELLO]++;
  }
  if (ztk_hello_decode(in->pkt, in->len, &p->key, &h)) {
    drop(in, &n->ctr.drop_malformed, "bad HELLO tail");
    return;
  }
  surface_report(in, &h.dest);
  hello_reply(in, &h); /* suite chosen before the version is recorded, as 1.14.1 does */
  ztk_peer_set_version(p, h.proto_version, h.major, h.minor, h.revision);
  ztk_vl1_received(n, in->now, p, in->sock, in->from, in->hops, ZTK_VERB_HELLO, false);
  if (fresh)
    ztk_peer_arrived(n, in->now, p);
}

/* ---- OK ---- */

static void apply_worlds(incoming *in, const uint8_t *data, size_t len)
{
  ztk_node *n = in->n;
  ztk_rd r = ztk_rd_make(data, len);
  while (ztk_rd_left(&r) > 0) {
    ztk_world w;
    if (ztk_world_read(&r, &w))
      return;
    if (ztk_topo_add_world(&n->topo, &w, false) == 0)
      ztk_node_world_changed(n, &w);
  }
}

static void ok_hello(incoming *in, ztk_rd *r)
{
  ztk_ok_hello ok;
  if (ztk_ok_hello_read(r, &ok) || ok.proto_version < ZTK_PROTO_VERSION_MIN)
    return;
  ztk_vl1_received(in->n, in->now, in->peer, in->sock, in->from, in->hops, ZTK_VERB_OK, false);
  if (!in->hops) {
    ztk_path *path = ztk_peer_find_path(in->peer, in->sock, in->from);
    if (path && in->now >= (int64_t)ok.timestamp)
      ztk_path_update_latency(path, (unsigned)(in->now - (int64_t)ok.timestamp));
  }
  if (ok.worlds && in->peer->upstream)
    apply_worlds(in, ok.worlds, ok.worlds_len);
  ztk_peer_set_version(in->peer, ok.proto_version, ok.major, ok.minor, ok.revision);
  surface_report(in, &ok.from);
}

static void ok_whois(incoming *in, ztk_rd *r)
{
  ztk_identity ids[1];
  size_t count = 0;
  ztk_vl1_received(in->n, in->now, in->peer, in->sock, in->from, in->hops, ZTK_VERB_OK, false);
  if (!in->peer->upstream || ztk_ok_whois_read(r, ids, 1, &count) || count == 0)
    return;
  if (ztk_topo_get(&in->n->topo, ids[0].address))
    return;
  if (!identity_valid(in->n, &ids[0])) {
    drop(in, &in->n->ctr.drop_auth, "WHOIS answer fails proof of work");
    return;
  }
  ztk_peer *p = ztk_node_peer_add(in->n, in->now, &ids[0]);
  if (p)
    ztk_peer_arrived(in->n, in->now, p);
}

/* Tells the host an ECHO came back (keepalive probes too: their payload is empty), and how. */
static void ok_echo(incoming *in, ztk_rd *r)
{
  ztk_event ev;
  ztk_vl1_received(in->n, in->now, in->peer, in->sock, in->from, in->hops, ZTK_VERB_OK, false);
  memset(&ev, 0, sizeof ev);
  ev.type = ZTK_EVENT_ECHO_REPLY;
  ev.peer = in->peer->id.address;
  ev.len = ztk_rd_left(r);
  ev.data = ev.len ? ztk_rd_take(r, ev.len) : NULL;
  ev.hops = in->hops;
  ztk_inaddr_to_sockaddr(in->from, &ev.addr);
  ztk_node_emit(in->n, &ev);
}

static void do_ok(incoming *in)
{
  ztk_ok_header oh;
  ztk_rd r = payload(in);
  if (ztk_ok_header_read(&r, &oh)) {
    drop(in, &in->n->ctr.drop_malformed, "bad OK");
    return;
  }
  if (!ztk_reply_expected(&in->n->replies, oh.in_re_packet_id)) {
    drop(in, &in->n->ctr.drop_policy, "OK to a packet we did not send");
    return;
  }
  switch (oh.in_re_verb) {
  case ZTK_VERB_HELLO:
    ok_hello(in, &r);
    return;
  case ZTK_VERB_WHOIS:
    ok_whois(in, &r);
    return;
  case ZTK_VERB_ECHO:
    ok_echo(in, &r);
    return;
  default:
    ztk_vl1_received(in->n, in->now, in->peer, in->sock, in->from, in->hops, ZTK_VERB_OK, false);
    ztk_vl2_ok(in->n, in->now, in->peer, oh.in_re_verb, in->id, &r);
  }
}

/* ---- the other VL1 verbs ---- */

static void do_error(incoming *in)
{
  ztk_error_msg e;
  ztk_rd r = payload(in);
  ztk_vl1_received(in->n, in->now, in->peer, in->sock, in->from, in->hops, ZTK_VERB_ERROR, false);
  if (ztk_error_read(&r, &e))
    return;
  if (e.code == ZTK_PROTO_ERR_IDENTITY_COLLISION) {
    if (in->peer->upstream)
      ztk_node_emit_peer(in->n, ZTK_EVENT_NODE_IDENTITY_COLLISION, in->peer->id.address, NULL);
    return;
  }
  ztk_vl2_error(in->n, in->now, in->peer, &e);
}

static void do_whois(incoming *in)
{
  uint8_t buf[ZTK_PROTO_MAX_PACKET_LENGTH];
  ztk_address addrs[64];
  size_t count = 0;
  ztk_node *n = in->n;
  ztk_rd r = payload(in);
  ztk_vl1_received(n, in->now, in->peer, in->sock, in->from, in->hops, ZTK_VERB_WHOIS, false);
  if (!n->topo.am_upstream && !n->cfg.force_upstream && !ztk_peer_whois_gate(in->peer, in->now))
    return;
  int rc = ztk_whois_read(&r, addrs, 64, &count);
  if (rc && rc != ZTK_ELIMIT)
    return;
  ztk_wr w = ztk_packet_begin(n, buf, in->peer->id.address, ZTK_VERB_OK);
  ztk_ok_header_write(&w, ZTK_VERB_WHOIS, in->id);
  int known = 0;
  for (size_t i = 0; i < count; i++) {
    const ztk_identity *id = NULL;
    if (addrs[i] == n->id.address) {
      id = &n->id;
    } else {
      ztk_peer *p = ztk_node_peer_get(n, in->now, addrs[i]);
      if (p)
        id = &p->id;
      else
        ztk_whois_request(n, in->now, addrs[i]);
    }
    if (id) {
      ztk_identity_write(&w, id, false);
      known++;
    }
  }
  if (known && !w.err)
    reply(in, buf, w.len);
}

static void do_rendezvous(incoming *in)
{
  ztk_node *n = in->n;
  ztk_rendezvous z;
  ztk_rd r = payload(in);
  if (in->peer->upstream && ztk_rendezvous_read(&r, &z) == 0) {
    ztk_peer *with = ztk_topo_get(&n->topo, z.with);
    if (with && ztk_node_path_ok(n, z.with, in->sock, &z.at)) {
      uint8_t junk[4];
      ztk_csprng_bytes(&n->rng, junk, sizeof junk);
      ztk_wire_out(n, in->sock, &z.at, junk, sizeof junk, 2); /* opens our NAT's mapping */
      ztk_vl1_contact(n, in->now, with, in->sock, &z.at, false);
    }
  }
  ztk_vl1_received(n, in->now, in->peer, in->sock, in->from, in->hops, ZTK_VERB_RENDEZVOUS, false);
}

static void do_echo(incoming *in)
{
  uint8_t buf[ZTK_PROTO_MAX_PACKET_LENGTH];
  ztk_echo e;
  ztk_rd r = payload(in);
  ztk_path *path = ztk_peer_find_path(in->peer, in->sock, in->from);
  int64_t *gate = path ? &path->last_echo_reply : &in->peer->last_echo_reply;
  ztk_vl1_received(in->n, in->now, in->peer, in->sock, in->from, in->hops, ZTK_VERB_ECHO, false);
  if (in->now - *gate < ZTK_ECHO_RATE_LIMIT || ztk_echo_read(&r, &e)) {
    in->n->ctr.drop_rate_limited++;
    return;
  }
  *gate = in->now;
  ztk_wr w = ztk_packet_begin(in->n, buf, in->peer->id.address, ZTK_VERB_OK);
  ztk_ok_header_write(&w, ZTK_VERB_ECHO, in->id);
  ztk_echo_write(&w, &e);
  if (!w.err)
    reply(in, buf, w.len);
}

static void do_push_direct_paths(incoming *in)
{
  ztk_node *n = in->n;
  ztk_path_record recs[64];
  uint8_t per_scope[ZTK_SCOPE_PRIVATE + 1][2];
  size_t count = 0;
  ztk_rd r = payload(in);
  memset(per_scope, 0, sizeof per_scope);
  if (ztk_peer_push_gate(in->peer, in->now) && ztk_push_paths_read(&r, recs, 64, &count) == 0) {
    for (size_t i = 0; i < count; i++) {
      const ztk_inaddr *a = &recs[i].addr;
      if ((recs[i].flags & ZTK_PUSH_PATHS_FLAG_FORGET) ||
          ztk_peer_has_active_path_to(in->peer, in->now, a) ||
          !ztk_node_path_ok(n, in->peer->id.address, -1, a))
        continue;
      uint8_t *c = &per_scope[ztk_inaddr_scope(a)][a->family == 6];
      if (++*c <= ZTK_PUSH_PATHS_MAX_PER_SCOPE)
        ztk_vl1_contact(n, in->now, in->peer, -1, a, false);
    }
  }
  ztk_vl1_received(n, in->now, in->peer, in->sock, in->from, in->hops, ZTK_VERB_PUSH_DIRECT_PATHS,
                   false);
}

static void do_user_message(incoming *in)
{
  ztk_user_message m;
  ztk_rd r = payload(in);
  ztk_vl1_received(in->n, in->now, in->peer, in->sock, in->from, in->hops, ZTK_VERB_USER_MESSAGE,
                   false);
  if (ztk_user_message_read(&r, &m)) {
    drop(in, &in->n->ctr.drop_malformed, "bad USER_MESSAGE");
    return;
  }
  ztk_event ev;
  memset(&ev, 0, sizeof ev);
  ev.type = ZTK_EVENT_USER_MESSAGE;
  ev.peer = in->peer->id.address;
  ev.user_type = m.type_id;
  ev.data = m.data;
  ev.len = m.len;
  ztk_node_emit(in->n, &ev);
}

static void dispatch(incoming *in, uint8_t verb)
{
  switch (verb) {
  case ZTK_VERB_HELLO:
    do_hello(in, true);
    break;
  case ZTK_VERB_OK:
    do_ok(in);
    break;
  case ZTK_VERB_ERROR:
    do_error(in);
    break;
  case ZTK_VERB_WHOIS:
    do_whois(in);
    break;
  case ZTK_VERB_RENDEZVOUS:
    do_rendezvous(in);
    break;
  case ZTK_VERB_ECHO:
    do_echo(in);
    break;
  case ZTK_VERB_PUSH_DIRECT_PATHS:
    do_push_direct_paths(in);
    break;
  case ZTK_VERB_USER_MESSAGE:
    do_user_message(in);
    break;
  default: {
    ztk_rd r = payload(in);
    bool trusted = false;
    int h = ztk_vl2_handle(in->n, in->now, in->peer, verb, in->id, in->hops, &r, &trusted);
    if (h < 0) {
      in->result = ZTK_DECODE_WAIT_CREDS; /* held until the sender's credentials arrive */
      return;
    }
    /* Handled, or not a VL2 verb either: authenticated, so at least "received". */
    ztk_vl1_received(in->n, in->now, in->peer, in->sock, in->from, in->hops, verb, trusted);
  }
  }
}

static bool authenticate(incoming *in)
{
  ztk_node *n = in->n;
  if (ztk_dearmor(in->pkt, in->len, &in->peer->key)) {
    drop(in, &n->ctr.drop_auth, "invalid MAC or refused cipher suite");
    return false;
  }
  if (!ztk_replay_check(&in->peer->replay, in->id)) {
    drop(in, &n->ctr.drop_replay, "replayed packet id");
    return false;
  }
  in->clear = true;
  if (ztk_packet_decompress(in->pkt, &in->len, ZTK_PROTO_MAX_PACKET_LENGTH)) {
    drop(in, &n->ctr.drop_malformed, "LZ4 decompression failed");
    return false;
  }
  n->ctr.rx_packets++;
  n->ctr.rx_verb[ztk_packet_verb(in->pkt) & 31]++;
  return true;
}

int ztk_vl1_decode(ztk_node *n, int64_t now, int64_t sock, const ztk_inaddr *from, uint8_t *pkt,
                   size_t *len, bool clear)
{
  incoming in = {n, now, sock, from, pkt, *len, ztk_packet_id(pkt), ztk_packet_hops(pkt), NULL,
                 clear, ZTK_DECODE_DONE};
  if (!clear && ztk_packet_cipher(pkt) == ZTK_CIPHER_POLY1305_NONE &&
      ztk_packet_verb(pkt) == ZTK_VERB_HELLO) {
    do_hello(&in, false);
    return ZTK_DECODE_DONE;
  }
  in.peer = ztk_node_peer_get(n, now, ztk_packet_source(pkt));
  if (!in.peer) {
    ztk_whois_request(n, now, ztk_packet_source(pkt));
    return ZTK_DECODE_WAIT_PEER;
  }
  if (!clear && !authenticate(&in))
    return ZTK_DECODE_DONE;
  dispatch(&in, ztk_packet_verb(pkt));
  *len = in.len;
  return in.result;
}
