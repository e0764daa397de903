/* The switch: how packets leave (path choice, relay, cipher suite, compression, fragments) and
 * arrive (beacons, fragments, relaying for others, reassembly), and the queues that hold
 * packets while a peer's identity is looked up. */
#include <stdlib.h>
#include <string.h>

#include "core/node/node.h"
#include "core/packet/armor.h"
#include "core/packet/compress.h"
#include "core/packet/verbs.h"

ztk_wr ztk_packet_begin(ztk_node *n, uint8_t *buf, ztk_address dest, uint8_t verb)
{
  return ztk_packet_start(buf, ZTK_PROTO_MAX_PACKET_LENGTH, dest, n->id.address, verb, &n->rng);
}

static void process(ztk_node *n, int64_t now, int64_t sock, const ztk_inaddr *from, uint8_t *pkt,
                    size_t len, bool clear);

int ztk_wire_out(ztk_node *n, int64_t local_socket, const ztk_inaddr *to, const void *data,
                 size_t len, unsigned ttl)
{
  struct sockaddr_storage ss;
  if (!ztk_inaddr_to_sockaddr(to, &ss))
    return ZTK_EINVAL;
  n->ctr.tx_datagrams++;
  n->ctr.tx_bytes += len;
  return n->cb.wire_send(n->user, local_socket, &ss, data, len, ttl);
}

static unsigned suite_for(const ztk_peer *p, unsigned flags)
{
  if (!(flags & ZTK_SEND_ENCRYPT))
    return ZTK_CIPHER_POLY1305_NONE;
  return p->vproto >= 12 ? ZTK_CIPHER_AES_GMAC_SIV : ZTK_CIPHER_POLY1305_SALSA2012;
}

int ztk_send_via(ztk_node *n, int64_t now, ztk_peer *peer, int64_t local_socket,
                 const ztk_inaddr *to, uint8_t *pkt, size_t len, unsigned flags)
{
  uint8_t dgram[ZTK_PROTO_MAX_PACKET_LENGTH];
  size_t mtu = n->cfg.physical_mtu;
  uint8_t verb = ztk_packet_verb(pkt);
  if ((flags & ZTK_SEND_COMPRESS) && ztk_packet_compress(pkt, &len, NULL))
    return ZTK_EPKT_LONG;
  int count = ztk_fragment_prepare(pkt, len, mtu);
  if (count < 0)
    return count;
  int rc = ztk_armor(pkt, len, &peer->key, suite_for(peer, flags));
  if (rc)
    return rc;
  if (flags & ZTK_SEND_EXPECT) {
    /* Two slots per peer: enough for a HELLO and one more question in flight to each. */
    ztk_reply_reserve(&n->replies, (unsigned)n->topo.n / 2);
    ztk_reply_expect(&n->replies, ztk_packet_id(pkt));
  }
  for (int i = 0; i < count; i++) {
    int dl = ztk_fragment_get(pkt, len, mtu, (unsigned)i, dgram, sizeof dgram);
    if (dl < 0)
      return dl;
    ztk_wire_out(n, local_socket, to, dgram, (size_t)dl, 0);
  }
  ztk_path *path = ztk_peer_find_path(peer, local_socket, to);
  if (path)
    path->last_out = now;
  peer->last_send_any = now;
  n->ctr.tx_verb[verb & 31]++;
  return 0;
}

/* Where a packet for peer goes now: its best direct path, else the best upstream's, else any
 * path of the peer even if expired. NULL if there is none (the packet waits). */
static ztk_path *route(ztk_node *n, int64_t now, ztk_peer *peer)
{
  ztk_path *p = ztk_peer_best_path(peer, now, false);
  if (p)
    return p;
  ztk_peer *relay = ztk_topo_best_upstream(&n->topo, now, n->cfg.peer_activity_timeout_ms);
  if (relay && relay != peer && (p = ztk_peer_best_path(relay, now, false)))
    return p;
  return ztk_peer_best_path(peer, now, true);
}

static int hold(ztk_held *q, int size, int64_t now, ztk_address peer, const uint8_t *data,
                size_t len)
{
  int slot = -1;
  for (int i = 0; i < size && slot < 0; i++)
    if (!q[i].data)
      slot = i;
  if (slot < 0)
    return ZTK_ELIMIT;
  q[slot].data = malloc(len);
  if (!q[slot].data)
    return ZTK_ENOMEM;
  memcpy(q[slot].data, data, len);
  q[slot].len = len;
  q[slot].when = now;
  q[slot].peer = peer;
  return slot;
}

static void release(ztk_held *h)
{
  free(h->data);
  memset(h, 0, sizeof *h);
}

/* Sends if a peer and a route exist. Returns 1 if sent, 0 if it must wait, < 0 on error. */
static int try_send(ztk_node *n, int64_t now, uint8_t *pkt, size_t len, unsigned flags)
{
  ztk_peer *peer = ztk_node_peer_get(n, now, ztk_packet_dest(pkt));
  if (!peer)
    return 0;
  ztk_path *via = route(n, now, peer);
  if (!via)
    return 0;
  ztk_inaddr to = via->addr;
  int rc = ztk_send_via(n, now, peer, via->local_socket, &to, pkt, len, flags);
  return rc < 0 ? rc : 1;
}

int ztk_send(ztk_node *n, int64_t now, uint8_t *pkt, size_t len, unsigned flags)
{
  ztk_address dest = ztk_packet_dest(pkt);
  if (dest == n->id.address)
    return ZTK_EINVAL;
  int rc = try_send(n, now, pkt, len, flags);
  if (rc != 0)
    return rc < 0 ? rc : 0;
  int slot = hold(n->txq, ZTK_TX_QUEUE_SIZE, now, dest, pkt, len);
  if (slot < 0) {
    n->ctr.drop_queue_full++;
    return slot;
  }
  n->txq[slot].flags = flags;
  if (!ztk_topo_get(&n->topo, dest))
    ztk_whois_request(n, now, dest);
  return 0;
}

static void whois_send(ztk_node *n, int64_t now, ztk_address addr)
{
  uint8_t buf[ZTK_PROTO_MAX_PACKET_LENGTH];
  ztk_peer *up = ztk_topo_best_upstream(&n->topo, now, n->cfg.peer_activity_timeout_ms);
  if (!up)
    return;
  ztk_wr w = ztk_packet_begin(n, buf, up->id.address, ZTK_VERB_WHOIS);
  ztk_whois_write(&w, &addr, 1);
  n->ctr.whois_sent++;
  try_send(n, now, buf, w.len, ZTK_SEND_ENCRYPT | ZTK_SEND_EXPECT);
}

void ztk_whois_request(ztk_node *n, int64_t now, ztk_address addr)
{
  if (addr == n->id.address || ztk_address_reserved(addr))
    return;
  for (int i = 0; i < n->nwhois; i++)
    if (n->whois[i].addr == addr)
      return; /* already asked: the retry timer takes it from here */
  if (n->nwhois == ZTK_WHOIS_QUEUE_SIZE)
    return;
  n->whois[n->nwhois++] = (ztk_whois_entry){addr, now, 0};
  whois_send(n, now, addr);
}

void ztk_retry_held(ztk_node *n, int64_t now, ztk_address a)
{
  for (int i = 0; i < ZTK_RX_QUEUE_SIZE; i++) {
    ztk_held *h = &n->rxq[i];
    if (!h->data || h->peer != a)
      continue;
    /* Decode from a full-size buffer (decompression grows the packet); the slot is freed
     * first because decoding may hold the packet again. */
    uint8_t pkt[ZTK_PROTO_MAX_PACKET_LENGTH];
    ztk_held copy = *h;
    memset(h, 0, sizeof *h);
    memcpy(pkt, copy.data, copy.len);
    free(copy.data);
    process(n, now, copy.local_socket, &copy.from, pkt, copy.len, copy.clear);
  }
}

void ztk_peer_arrived(ztk_node *n, int64_t now, ztk_peer *p)
{
  ztk_address a = p->id.address;
  for (int i = 0; i < n->nwhois; i++) {
    if (n->whois[i].addr == a) {
      n->whois[i] = n->whois[--n->nwhois];
      break;
    }
  }
  ztk_retry_held(n, now, a);
  for (int i = 0; i < ZTK_TX_QUEUE_SIZE; i++) {
    ztk_held *h = &n->txq[i];
    if (h->data && h->peer == a && try_send(n, now, h->data, h->len, h->flags) != 0)
      release(h);
  }
}

/* ---- receive ---- */

static bool path_trusted(const ztk_node *n, int64_t now, int64_t sock, const ztk_inaddr *from)
{
  for (int i = 0; i < ZTK_TRUSTED_PATHS; i++) {
    const ztk_trusted_path *t = &n->trusted[i];
    if (t->local_socket == sock && ztk_inaddr_eq(&t->addr, from) &&
        now - t->when < ZTK_TRUST_EXPIRATION)
      return true;
  }
  return false;
}

static bool may_relay(const ztk_node *n, int64_t now, int64_t sock, const ztk_inaddr *from)
{
  return n->topo.am_upstream || n->cfg.force_upstream || path_trusted(n, now, sock, from);
}

/* Sends raw bytes (a packet or fragment for someone else) on peer's best direct path. */
static bool forward_direct(ztk_node *n, int64_t now, ztk_peer *p, const uint8_t *d, size_t len)
{
  ztk_path *path = p ? ztk_peer_best_path(p, now, false) : NULL;
  if (!path)
    return false;
  ztk_inaddr to = path->addr;
  ztk_wire_out(n, path->local_socket, &to, d, len, 0);
  path->last_out = now;
  n->ctr.relayed++;
  return true;
}

static bool forward_upstream(ztk_node *n, int64_t now, ztk_address not_to, const uint8_t *d,
                             size_t len)
{
  ztk_peer *up = ztk_topo_best_upstream(&n->topo, now, n->cfg.peer_activity_timeout_ms);
  if (!up || up->id.address == not_to)
    return false;
  return forward_direct(n, now, up, d, len);
}

static bool should_unite(ztk_node *n, int64_t now, ztk_address a, ztk_address b)
{
  ztk_address lo = a < b ? a : b, hi = a < b ? b : a;
  int oldest = 0;
  for (int i = 0; i < ZTK_UNITE_SLOTS; i++) {
    ztk_unite *u = &n->unite[i];
    if (u->a == lo && u->b == hi) {
      if (now - u->when < ZTK_MIN_UNITE_INTERVAL)
        return false;
      u->when = now;
      return true;
    }
    if (u->when < n->unite[oldest].when)
      oldest = i;
  }
  n->unite[oldest] = (ztk_unite){lo, hi, now};
  return true;
}

static void relay_packet(ztk_node *n, int64_t now, int64_t sock, const ztk_inaddr *from,
                         const uint8_t *data, size_t len)
{
  uint8_t pkt[ZTK_PROTO_MAX_PACKET_LENGTH];
  if (!may_relay(n, now, sock, from) || ztk_packet_hops(data) >= ZTK_RELAY_MAX_HOPS) {
    n->ctr.drop_policy++;
    return;
  }
  memcpy(pkt, data, len);
  ztk_packet_set_hops(pkt, ztk_packet_hops(pkt) + 1);
  ztk_address src = ztk_packet_source(pkt), dst = ztk_packet_dest(pkt);
  ztk_peer *to = ztk_topo_get(&n->topo, dst);
  if (forward_direct(n, now, to, pkt, len)) {
    ztk_peer *sp = ztk_topo_get(&n->topo, src);
    if (sp && should_unite(n, now, src, dst))
      ztk_vl1_introduce(n, now, to, sp);
  } else if (!forward_upstream(n, now, src, pkt, len)) {
    n->ctr.drop_policy++;
  }
}

static void relay_fragment(ztk_node *n, int64_t now, int64_t sock, const ztk_inaddr *from,
                           const uint8_t *data, size_t len, const ztk_fragment *f)
{
  uint8_t d[ZTK_PROTO_MAX_PACKET_LENGTH];
  if (!may_relay(n, now, sock, from) || f->hops >= ZTK_RELAY_MAX_HOPS) {
    n->ctr.drop_policy++;
    return;
  }
  memcpy(d, data, len);
  d[15] = (uint8_t)((d[15] & 0xf8) | ((f->hops + 1) & 7));
  ztk_peer *to = ztk_topo_get(&n->topo, f->dest);
  if (!forward_direct(n, now, to, d, len) && !forward_upstream(n, now, 0, d, len))
    n->ctr.drop_policy++;
}

/* Decodes a packet; one that waits (for its sender's identity or credentials) is held. */
static void process(ztk_node *n, int64_t now, int64_t sock, const ztk_inaddr *from, uint8_t *pkt,
                    size_t len, bool clear)
{
  int rc = ztk_vl1_decode(n, now, sock, from, pkt, &len, clear);
  if (rc == ZTK_DECODE_DONE)
    return;
  int slot = hold(n->rxq, ZTK_RX_QUEUE_SIZE, now, ztk_packet_source(pkt), pkt, len);
  if (slot < 0) {
    n->ctr.drop_queue_full++;
    return;
  }
  n->rxq[slot].local_socket = sock;
  n->rxq[slot].from = *from;
  n->rxq[slot].clear = rc == ZTK_DECODE_WAIT_CREDS;
}

static int reassemble(ztk_node *n, int64_t now, const uint8_t *d, size_t len, uint8_t *out)
{
  if (!n->fragq) {
    n->fragq = malloc(sizeof *n->fragq);
    if (!n->fragq)
      return ZTK_ENOMEM;
    ztk_fragq_init(n->fragq, ZTK_QUEUE_TIMEOUT);
  }
  int rc = ztk_fragq_add(n->fragq, now, d, len, out, ZTK_PROTO_MAX_PACKET_LENGTH);
  if (rc < 0)
    n->ctr.drop_malformed++;
  return rc;
}

static void beacon(ztk_node *n, int64_t now, int64_t sock, const ztk_inaddr *from,
                   const uint8_t *data)
{
  uint8_t buf[ZTK_PROTO_MAX_PACKET_LENGTH];
  ztk_address a = ztk_be_get(data + 8, 5);
  ztk_peer *p = a == n->id.address ? NULL : ztk_topo_get(&n->topo, a);
  if (!p || !ztk_node_path_ok(n, a, sock, from) ||
      now - n->last_beacon_response < ZTK_BEACON_RESPONSE_INTERVAL)
    return;
  n->last_beacon_response = now;
  ztk_wr w = ztk_packet_begin(n, buf, a, ZTK_VERB_NOP);
  ztk_send_via(n, now, p, sock, from, buf, w.len, ZTK_SEND_ENCRYPT);
}

void ztk_switch_in(ztk_node *n, int64_t now, int64_t sock, const ztk_inaddr *from,
                   const uint8_t *data, size_t len)
{
  uint8_t pkt[ZTK_PROTO_MAX_PACKET_LENGTH];
  ztk_fragment f;
  n->ctr.rx_datagrams++;
  n->ctr.rx_bytes += len;
  if (len > ZTK_PROTO_MAX_PACKET_LENGTH) {
    n->ctr.drop_malformed++;
    return;
  }
  switch (ztk_datagram_classify(data, len)) {
  case ZTK_DGRAM_BEACON:
    beacon(n, now, sock, from, data);
    return;
  case ZTK_DGRAM_FRAGMENT:
    if (ztk_fragment_parse(data, len, &f)) {
      n->ctr.drop_malformed++;
    } else if (f.dest != n->id.address) {
      relay_fragment(n, now, sock, from, data, len, &f);
    } else {
      int alen = reassemble(n, now, data, len, pkt);
      if (alen > 0)
        process(n, now, sock, from, pkt, (size_t)alen, false);
    }
    return;
  case ZTK_DGRAM_PACKET:
    break;
  default:
    return; /* NAT-opening junk and other short datagrams are normal: ignore */
  }
  if (ztk_packet_source(data) == n->id.address) {
    n->ctr.drop_policy++;
  } else if (ztk_packet_dest(data) != n->id.address) {
    relay_packet(n, now, sock, from, data, len);
  } else if (ztk_packet_fragmented(data)) {
    int alen = reassemble(n, now, data, len, pkt);
    if (alen > 0)
      process(n, now, sock, from, pkt, (size_t)alen, false);
  } else {
    memcpy(pkt, data, len);
    process(n, now, sock, from, pkt, len, false);
  }
}

/* ---- timers ---- */

static int64_t whois_timers(ztk_node *n, int64_t now)
{
  int64_t next = ZTK_NEVER;
  for (int i = n->nwhois - 1; i >= 0; i--) {
    ztk_whois_entry *e = &n->whois[i];
    if (now - e->last_sent >= ZTK_WHOIS_RETRY_DELAY) {
      if (e->retries >= ZTK_WHOIS_MAX_RETRIES) {
        ztk_node_emit_peer(n, ZTK_EVENT_PEER_UNREACHABLE, e->addr, NULL);
        *e = n->whois[--n->nwhois];
        continue;
      }
      e->retries++;
      e->last_sent = now;
      whois_send(n, now, e->addr);
    }
    if (e->last_sent + ZTK_WHOIS_RETRY_DELAY < next)
      next = e->last_sent + ZTK_WHOIS_RETRY_DELAY;
  }
  return next;
}

static int64_t queue_timers(ztk_node *n, int64_t now)
{
  int64_t next = ZTK_NEVER;
  for (int i = 0; i < ZTK_TX_QUEUE_SIZE; i++) {
    ztk_held *h = &n->txq[i];
    if (!h->data)
      continue;
    if (try_send(n, now, h->data, h->len, h->flags) != 0) {
      release(h);
    } else if (now - h->when >= ZTK_QUEUE_TIMEOUT) {
      n->ctr.drop_unknown_peer++;
      release(h);
    } else if (now + ZTK_TIMER_GRANULARITY < next) {
      next = now + ZTK_TIMER_GRANULARITY; /* retry while a path may appear */
    }
  }
  for (int i = 0; i < ZTK_RX_QUEUE_SIZE; i++) {
    ztk_held *h = &n->rxq[i];
    if (!h->data)
      continue;
    if (now - h->when >= ZTK_QUEUE_TIMEOUT) {
      n->ctr.drop_unknown_peer++;
      release(h);
    } else if (h->when + ZTK_QUEUE_TIMEOUT < next) {
      next = h->when + ZTK_QUEUE_TIMEOUT;
    }
  }
  return next;
}

int64_t ztk_switch_timers(ztk_node *n, int64_t now)
{
  int64_t next = whois_timers(n, now);
  int64_t q = queue_timers(n, now);
  if (q < next)
    next = q;
  if (n->fragq) {
    int64_t f = ztk_fragq_expire(n->fragq, now);
    if (f < next)
      next = f;
  }
  return next;
}

void ztk_switch_free(ztk_node *n)
{
  for (int i = 0; i < ZTK_TX_QUEUE_SIZE; i++)
    release(&n->txq[i]);
  for (int i = 0; i < ZTK_RX_QUEUE_SIZE; i++)
    release(&n->rxq[i]);
  free(n->fragq);
  n->fragq = NULL;
}
