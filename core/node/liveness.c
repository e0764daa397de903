/* Path liveness: learning and confirming paths from what arrives, keepalives, pushing our
 * addresses to trusted peers, and introductions (RENDEZVOUS) between two peers of a relay. */
#include <string.h>

#include "core/node/node.h"
#include "core/packet/verbs.h"

static bool nontrivial(uint8_t verb)
{
  return verb == ZTK_VERB_FRAME || verb == ZTK_VERB_EXT_FRAME ||
         verb == ZTK_VERB_NETWORK_CONFIG_REQUEST || verb == ZTK_VERB_NETWORK_CONFIG ||
         verb == ZTK_VERB_MULTICAST_FRAME;
}

static void report_direct(ztk_node *n, int64_t now, ztk_peer *p)
{
  bool direct = ztk_peer_direct(p, now);
  if (p->reported && direct == p->was_direct)
    return;
  p->reported = true;
  p->was_direct = direct;
  ztk_node_emit_peer(n, direct ? ZTK_EVENT_PEER_DIRECT : ZTK_EVENT_PEER_RELAY, p->id.address,
                     NULL);
}

static void learn_or_confirm(ztk_node *n, int64_t now, ztk_peer *p, int64_t sock,
                             const ztk_inaddr *from, uint8_t verb)
{
  ztk_path *path = ztk_peer_find_path(p, sock, from);
  if (path) {
    if (!ztk_path_alive(path, now))
      ztk_node_emit_peer(n, ZTK_EVENT_PATH_ALIVE, p->id.address, from);
    path->last_in = now;
    return;
  }
  if (ztk_peer_has_alive_path_like(p, now, sock, from) ||
      !ztk_node_path_ok(n, p->id.address, sock, from))
    return;
  if (verb == ZTK_VERB_OK) {
    /* Only a reply proves the address reaches the peer and back. */
    ztk_peer_learn_path(p, sock, from, now);
    ztk_node_emit_peer(n, ZTK_EVENT_PATH_DISCOVERED, p->id.address, from);
    ztk_node_tracef(n, "path to %010llx learned", (unsigned long long)p->id.address);
  } else if (ztk_peer_try_path_gate(p, sock, from, now)) {
    ztk_vl1_hello(n, now, p, sock, from);
  }
}

/* PUSH_DIRECT_PATHS: our interface addresses and the surfaces peers report, in packets of up
 * to ~1200 bytes. */
static void push_direct_paths(ztk_node *n, int64_t now, ztk_peer *p)
{
  ztk_path_record recs[ZTK_MAX_LOCAL_ADDRS + ZTK_SELFAWARE_MAX];
  ztk_inaddr surfaces[ZTK_SELFAWARE_MAX];
  size_t count = 0;
  for (int i = 0; i < n->nlocal; i++)
    recs[count++] = (ztk_path_record){0, n->local_addrs[i]};
  int ns = ztk_selfaware_whoami(&n->sa, surfaces, ZTK_SELFAWARE_MAX);
  for (int i = 0; i < ns; i++)
    recs[count++] = (ztk_path_record){0, surfaces[i]};
  for (size_t at = 0; at < count;) {
    uint8_t buf[ZTK_PROTO_MAX_PACKET_LENGTH];
    size_t take = count - at > 48 ? 48 : count - at; /* 48 IPv6 records stay under 1200 bytes */
    ztk_wr w = ztk_packet_begin(n, buf, p->id.address, ZTK_VERB_PUSH_DIRECT_PATHS);
    ztk_push_paths_write(&w, recs + at, take);
    if (!w.err)
      ztk_send(n, now, buf, w.len, ZTK_SEND_ENCRYPT | ZTK_SEND_COMPRESS);
    at += take;
  }
}

void ztk_vl1_received(ztk_node *n, int64_t now, ztk_peer *p, int64_t sock, const ztk_inaddr *from,
                      unsigned hops, uint8_t verb, bool trusted)
{
  p->last_receive = now;
  if (nontrivial(verb))
    p->last_nontrivial_receive = now;
  if (trusted) {
    p->last_trust_received = now;
    ztk_node_trust_path(n, now, sock, from);
  }
  if (hops == 0)
    learn_or_confirm(n, now, p, sock, from, verb);
  if (ztk_peer_trusted(p, now)) {
    int64_t period = hops == 0 ? ZTK_DIRECT_PATH_PUSH_INTERVAL_HAVEPATH : ZTK_DIRECT_PATH_PUSH_INTERVAL;
    if (now - p->last_direct_push_sent >= period) {
      p->last_direct_push_sent = now;
      push_direct_paths(n, now, p);
    }
  }
  report_direct(n, now, p);
}

unsigned ztk_vl1_keepalive(ztk_node *n, int64_t now, ztk_peer *p)
{
  ztk_path dead[ZTK_PEER_MAX_PATHS];
  unsigned sent = 0;
  bool full = now - p->last_full_hello >= ZTK_PEER_PING_PERIOD;
  if (full)
    p->last_full_hello = now;
  int ndead = ztk_peer_expire_paths(p, now, dead, ZTK_PEER_MAX_PATHS);
  for (int i = 0; i < ndead && i < ZTK_PEER_MAX_PATHS; i++)
    ztk_node_emit_peer(n, ZTK_EVENT_PATH_DEAD, p->id.address, &dead[i].addr);
  for (int i = 0; i < p->npaths; i++) {
    ztk_path *path = &p->paths[i];
    if (!full && !ztk_path_needs_heartbeat(path, now))
      continue;
    ztk_inaddr to = path->addr;
    ztk_vl1_contact(n, now, p, path->local_socket, &to, full);
    path->last_out = now;
    sent |= to.family == 4 ? 0x1u : 0x2u;
  }
  report_direct(n, now, p);
  return sent;
}

/* The best path of a peer per (scope, family), as ZeroTier picks what to tell the other side. */
static int best_in_scope(ztk_peer *p, int64_t now, ztk_ipscope scope, int family)
{
  int best = -1;
  long bestq = 0;
  for (int i = 0; i < p->npaths; i++) {
    if (p->paths[i].addr.family != family || ztk_inaddr_scope(&p->paths[i].addr) != scope)
      continue;
    long q = ztk_path_quality(&p->paths[i], now);
    if (best < 0 || q <= bestq) {
      best = i;
      bestq = q;
    }
  }
  return best;
}

static void send_rendezvous(ztk_node *n, int64_t now, ztk_peer *to, const ztk_path *to_path,
                            ztk_peer *about, const ztk_path *about_path)
{
  uint8_t buf[ZTK_PROTO_MAX_PACKET_LENGTH];
  ztk_rendezvous z = {0, about->id.address, about_path->addr};
  ztk_wr w = ztk_packet_begin(n, buf, to->id.address, ZTK_VERB_RENDEZVOUS);
  ztk_rendezvous_write(&w, &z);
  if (!w.err)
    ztk_send_via(n, now, to, to_path->local_socket, &to_path->addr, buf, w.len, ZTK_SEND_ENCRYPT);
}

void ztk_vl1_introduce(ztk_node *n, int64_t now, ztk_peer *a, ztk_peer *b)
{
  int ia = -1, ib = -1;
  /* Most specific scope first, IPv6 preferred within a scope. */
  for (int s = ZTK_SCOPE_PRIVATE; s >= 0 && ia < 0; s--) {
    static const int fams[2] = {6, 4};
    for (int f = 0; f < 2 && ia < 0; f++) {
      int x = best_in_scope(a, now, (ztk_ipscope)s, fams[f]);
      int y = best_in_scope(b, now, (ztk_ipscope)s, fams[f]);
      if (x >= 0 && y >= 0) {
        ia = x;
        ib = y;
      }
    }
  }
  if (ia < 0)
    return;
  /* Which side hears first is randomised, as ZeroTier does, so neither NAT always loses. */
  bool first_a = (ztk_csprng_u64(&n->rng) & 1) == 0;
  ztk_path pa = a->paths[ia], pb = b->paths[ib];
  if (first_a)
    send_rendezvous(n, now, a, &pa, b, &pb);
  send_rendezvous(n, now, b, &pb, a, &pa);
  if (!first_a)
    send_rendezvous(n, now, a, &pa, b, &pb);
}
