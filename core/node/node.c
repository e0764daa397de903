/* The public node API: creation from configuration and stored state, the input entry points,
 * the background timers (keepalives, online state, housekeeping), events and queries. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/node/node.h"
#include "core/node/vl2.h"
#include "core/packet/verbs.h"
#include "core/world/default_planet.h"

#define PEER_CACHE_VERSION 1
#define PEER_CACHE_MAX 128

void ztk_node_config_init(ztk_node_config *cfg)
{
  memset(cfg, 0, sizeof *cfg);
  cfg->peer_activity_timeout_ms = 500000;
  cfg->physical_mtu = ZTK_DEFAULT_PHYSMTU;
}

/* ---- events ---- */

void ztk_node_emit(ztk_node *n, const ztk_event *ev)
{
  if (n->cb.event)
    n->cb.event(n->user, ev);
}

void ztk_node_emit_peer(ztk_node *n, ztk_event_type type, ztk_address peer, const ztk_inaddr *addr)
{
  ztk_event ev;
  if (!n->cb.event)
    return;
  memset(&ev, 0, sizeof ev);
  ev.type = type;
  ev.peer = peer;
  if (addr)
    ztk_inaddr_to_sockaddr(addr, &ev.addr);
  n->cb.event(n->user, &ev);
}

void ztk_node_tracef(ztk_node *n, const char *fmt, ...)
{
  char line[256];
  va_list ap;
  if (!n->cfg.trace || !n->cb.event)
    return;
  va_start(ap, fmt);
  int len = vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  ztk_event ev;
  memset(&ev, 0, sizeof ev);
  ev.type = ZTK_EVENT_TRACE;
  ev.data = line;
  ev.len = len < 0 ? 0 : (size_t)len >= sizeof line ? sizeof line - 1 : (size_t)len;
  n->cb.event(n->user, &ev);
}

/* ---- state ---- */

static long state_get(ztk_node *n, ztk_state_type t, uint64_t id0, void *buf, size_t cap)
{
  uint64_t id[2] = {id0, 0};
  return n->cb.state_get ? n->cb.state_get(n->user, t, id, buf, cap) : -1;
}

static void state_put(ztk_node *n, ztk_state_type t, uint64_t id0, const void *data, size_t len)
{
  uint64_t id[2] = {id0, 0};
  if (n->cb.state_put)
    n->cb.state_put(n->user, t, id, data, len);
}

static void save_peer(ztk_node *n, const ztk_peer *p)
{
  uint8_t buf[PEER_CACHE_MAX];
  ztk_wr w = ztk_wr_make(buf, sizeof buf);
  ztk_wr_u8(&w, PEER_CACHE_VERSION);
  ztk_identity_write(&w, &p->id, false);
  ztk_wr_u8(&w, (uint8_t)(p->vproto < 0 ? 0 : p->vproto));
  ztk_wr_u8(&w, (uint8_t)(p->vmajor < 0 ? 0 : p->vmajor));
  ztk_wr_u8(&w, (uint8_t)(p->vminor < 0 ? 0 : p->vminor));
  ztk_wr_u16(&w, (uint16_t)(p->vrev < 0 ? 0 : p->vrev));
  if (!w.err)
    state_put(n, ZTK_STATE_PEER, p->id.address, buf, w.len);
}

static ztk_peer *load_peer(ztk_node *n, int64_t now, ztk_address a)
{
  uint8_t buf[PEER_CACHE_MAX];
  ztk_identity id;
  long len = state_get(n, ZTK_STATE_PEER, a, buf, sizeof buf);
  if (len <= 0)
    return NULL;
  ztk_rd r = ztk_rd_make(buf, (size_t)len);
  if (ztk_rd_u8(&r) != PEER_CACHE_VERSION || ztk_identity_read(&r, &id) || id.address != a)
    return NULL;
  int proto = ztk_rd_u8(&r), major = ztk_rd_u8(&r), minor = ztk_rd_u8(&r), rev = ztk_rd_u16(&r);
  ztk_peer *p = ztk_node_peer_add(n, now, &id);
  if (p && !r.err && proto > 0)
    ztk_peer_set_version(p, proto, major, minor, rev);
  return p;
}

ztk_peer *ztk_node_peer_get(ztk_node *n, int64_t now, ztk_address a)
{
  ztk_peer *p = ztk_topo_get(&n->topo, a);
  return p ? p : load_peer(n, now, a);
}

ztk_peer *ztk_node_peer_add(ztk_node *n, int64_t now, const ztk_identity *id)
{
  ztk_peer *p = ztk_topo_get(&n->topo, id->address);
  if (p || id->address == n->id.address)
    return p;
  if (ztk_peer_new(&p, &n->id, id, now))
    return NULL;
  if (ztk_topo_add(&n->topo, p)) {
    ztk_peer_free(p);
    return NULL;
  }
  return p;
}

bool ztk_node_path_ok(ztk_node *n, ztk_address addr, int64_t sock, const ztk_inaddr *a)
{
  if (!ztk_path_address_usable(a, n->cfg.allow_loopback_paths))
    return false;
  const ztk_upstream *up = ztk_topo_upstream(&n->topo, addr);
  if (up && !ztk_upstream_path_allowed(up, a))
    return false; /* roots are only reached at the endpoints their world lists */
  if (n->cb.path_check) {
    struct sockaddr_storage ss;
    ztk_inaddr_to_sockaddr(a, &ss);
    return n->cb.path_check(n->user, addr, sock, &ss);
  }
  return true;
}

void ztk_node_trust_path(ztk_node *n, int64_t now, int64_t sock, const ztk_inaddr *a)
{
  int slot = 0;
  for (int i = 0; i < ZTK_TRUSTED_PATHS; i++) {
    ztk_trusted_path *t = &n->trusted[i];
    if (t->local_socket == sock && ztk_inaddr_eq(&t->addr, a)) {
      t->when = now;
      return;
    }
    if (t->when < n->trusted[slot].when)
      slot = i;
  }
  n->trusted[slot] = (ztk_trusted_path){*a, sock, now};
}

/* ---- worlds ---- */

static void ensure_upstream_peers(ztk_node *n, int64_t now)
{
  for (int i = 0; i < n->topo.nup; i++)
    ztk_node_peer_add(n, now, &n->topo.up[i].identity);
}

void ztk_node_world_changed(ztk_node *n, const ztk_world *w)
{
  uint8_t buf[ZTK_WORLD_MAX_LEN];
  ztk_wr wr = ztk_wr_make(buf, sizeof buf);
  ztk_topo_refresh(&n->topo, &n->id);
  ensure_upstream_peers(n, n->last_ping_check);
  if (ztk_world_write(&wr, w) == 0)
    state_put(n, w->type == ZTK_WORLD_PLANET ? ZTK_STATE_PLANET : ZTK_STATE_MOON,
              w->type == ZTK_WORLD_PLANET ? 0 : w->id, buf, wr.len);
  ztk_event ev;
  memset(&ev, 0, sizeof ev);
  ev.type = ZTK_EVENT_NODE_PLANET_UPDATED;
  ev.user_type = w->id;
  ztk_node_emit(n, &ev);
}

static int load_planet(ztk_node *n, const ztk_node_config *cfg)
{
  uint8_t buf[ZTK_WORLD_MAX_LEN];
  ztk_world w, builtin;
  int rc;
  if (cfg->planet) {
    if ((rc = ztk_world_parse(&w, cfg->planet, cfg->planet_len)) < 0)
      return rc;
  } else {
    long len = state_get(n, ZTK_STATE_PLANET, 0, buf, sizeof buf);
    if (len <= 0 || ztk_world_parse(&w, buf, (size_t)len) < 0)
      ztk_default_planet(&w);
  }
  if (w.type != ZTK_WORLD_PLANET)
    return ZTK_EWORLD_TYPE;
  ztk_topo_add_world(&n->topo, &w, true);
  /* The built-in planet is offered too: it only replaces a same-id older planet. */
  if (ztk_default_planet(&builtin) == 0)
    ztk_topo_add_world(&n->topo, &builtin, false);
  return 0;
}

/* ---- identity ---- */

static int load_identity(ztk_node *n, const ztk_node_config *cfg)
{
  char buf[ZTK_IDENTITY_STRBUF + 8];
  int rc;
  if (cfg->identity) {
    if (!cfg->identity->has_private)
      return ZTK_EID_NOSECRET;
    n->id = *cfg->identity;
    return 0;
  }
  long len = state_get(n, ZTK_STATE_IDENTITY_SECRET, 0, buf, sizeof buf - 1);
  if (len > 0) {
    buf[len] = 0;
    if ((rc = ztk_identity_from_string(&n->id, buf)))
      return rc;
    return n->id.has_private ? 0 : ZTK_EID_NOSECRET;
  }
  if ((rc = ztk_identity_generate(&n->id, n->cb.random, n->user)))
    return rc;
  len = ztk_identity_to_string(&n->id, true, buf, sizeof buf);
  state_put(n, ZTK_STATE_IDENTITY_SECRET, 0, buf, (size_t)len);
  len = ztk_identity_to_string(&n->id, false, buf, sizeof buf);
  state_put(n, ZTK_STATE_IDENTITY_PUBLIC, 0, buf, (size_t)len);
  return 0;
}

/* ---- lifecycle ---- */

int ztk_node_new(ztk_node **out, const ztk_node_config *cfg, const ztk_node_callbacks *cb,
                 void *user, int64_t now)
{
  ztk_node_config defaults;
  int rc;
  if (!out || !cb || !cb->wire_send || !cb->random)
    return ZTK_EINVAL;
  *out = NULL;
  if (!cfg) {
    ztk_node_config_init(&defaults);
    cfg = &defaults;
  }
  ztk_node *n = calloc(1, sizeof *n);
  if (!n)
    return ZTK_ENOMEM;
  n->cb = *cb;
  n->user = user;
  n->cfg = *cfg;
  n->cfg.identity = NULL;
  n->cfg.planet = NULL;
  if (n->cfg.physical_mtu < 576 || n->cfg.physical_mtu > ZTK_DEFAULT_PHYSMTU * 4)
    n->cfg.physical_mtu = ZTK_DEFAULT_PHYSMTU;
  if (n->cfg.peer_activity_timeout_ms <= 0)
    n->cfg.peer_activity_timeout_ms = 500000;
  ztk_csprng_init(&n->rng, cb->random, user);
  ztk_topo_init(&n->topo);
  if ((rc = load_identity(n, cfg)) || (rc = load_planet(n, cfg)) ||
      (rc = ztk_topo_refresh(&n->topo, &n->id))) {
    ztk_topo_free(&n->topo);
    free(n);
    return rc;
  }
  ensure_upstream_peers(n, now);
  n->last_ping_check = n->last_housekeeping = now - ZTK_HOUSEKEEPING_PERIOD;
  n->last_beacon_response = ZTK_NEVER_PAST;
  *out = n;
  ztk_node_emit_peer(n, ZTK_EVENT_NODE_UP, n->id.address, NULL);
  ztk_vl2_restore(n, now);
  return 0;
}

void ztk_node_free(ztk_node *n)
{
  if (!n)
    return;
  ztk_node_emit_peer(n, ZTK_EVENT_NODE_DOWN, n->id.address, NULL);
  for (int i = 0; i < n->topo.n; i++)
    save_peer(n, n->topo.peers[i]);
  ztk_vl2_free(n);
  ztk_switch_free(n);
  ztk_reply_free(&n->replies);
  ztk_topo_free(&n->topo);
  memset(&n->id, 0, sizeof n->id);
  free(n);
}

/* ---- timers ---- */

/* Roots are contacted on their own schedule: only if silent long enough (or without a path),
 * keepalives on known paths, plus a HELLO to a stable endpoint of each family not reached. */
static void contact_upstream(ztk_node *n, int64_t now, ztk_peer *p, const ztk_upstream *u)
{
  int scale = p->npaths ? 16 : 0;
  if (now - p->last_full_hello <= (int64_t)ZTK_PATH_HEARTBEAT_PERIOD * scale)
    return;
  unsigned sent = ztk_vl1_keepalive(n, now, p);
  for (int fam = 4; fam <= 6; fam += 2) {
    if (sent & (fam == 4 ? 0x1u : 0x2u))
      continue;
    int candidates[ZTK_UPSTREAM_MAX_ENDPOINTS], k = 0;
    for (int i = 0; i < u->n_endpoints; i++)
      if (u->endpoints[i].family == fam)
        candidates[k++] = i;
    if (k) {
      int pick = candidates[ztk_csprng_below(&n->rng, (uint64_t)k)];
      ztk_vl1_hello(n, now, p, -1, &u->endpoints[pick]);
      p->last_full_hello = now;
    }
  }
}

static void ping_check(ztk_node *n, int64_t now)
{
  int64_t last_upstream = ZTK_NEVER_PAST;
  for (int i = 0; i < n->topo.n; i++) {
    ztk_peer *p = n->topo.peers[i];
    const ztk_upstream *u = ztk_topo_upstream(&n->topo, p->id.address);
    if (u) {
      contact_upstream(n, now, p, u);
      if (p->last_receive > last_upstream)
        last_upstream = p->last_receive;
    } else if (now - p->last_nontrivial_receive < n->cfg.peer_activity_timeout_ms) {
      ztk_vl1_keepalive(n, now, p);
    }
  }
  ztk_vl2_ping_check(n, now);
  bool online = now - last_upstream < n->cfg.peer_activity_timeout_ms || n->topo.am_upstream;
  if (online != n->online) {
    n->online = online;
    ztk_node_emit_peer(n, online ? ZTK_EVENT_NODE_ONLINE : ZTK_EVENT_NODE_OFFLINE,
                       n->id.address, NULL);
  }
}

static void housekeeping(ztk_node *n, int64_t now)
{
  for (int i = n->topo.n - 1; i >= 0; i--) {
    ztk_peer *p = n->topo.peers[i];
    if (p->upstream || now - p->last_receive < n->cfg.peer_activity_timeout_ms ||
        now - p->created < n->cfg.peer_activity_timeout_ms)
      continue;
    save_peer(n, p);
    ztk_node_emit_peer(n, ZTK_EVENT_PEER_UNREACHABLE, p->id.address, NULL);
    ztk_peer_free(ztk_topo_take(&n->topo, i));
  }
  ztk_selfaware_clean(&n->sa, now);
  ztk_mcdir_clean(&n->mcdir, now, 0, false);
}

int ztk_node_tick(ztk_node *n, int64_t now, int64_t *next_deadline)
{
  if (!n)
    return ZTK_EINVAL;
  if (now - n->last_ping_check >= ZTK_PING_CHECK_INTERVAL) {
    n->last_ping_check = now;
    ping_check(n, now);
  }
  if (now - n->last_housekeeping >= ZTK_HOUSEKEEPING_PERIOD) {
    n->last_housekeeping = now;
    housekeeping(n, now);
  }
  int64_t next = n->last_ping_check + ZTK_PING_CHECK_INTERVAL;
  int64_t sw = ztk_switch_timers(n, now);
  if (sw < next)
    next = sw;
  int64_t v2 = ztk_vl2_timers(n, now);
  if (v2 < next)
    next = v2;
  if (next < now + ZTK_TIMER_GRANULARITY)
    next = now + ZTK_TIMER_GRANULARITY;
  if (next_deadline)
    *next_deadline = next;
  return 0;
}

int ztk_node_wire_in(ztk_node *n, int64_t now, int64_t local_socket,
                     const struct sockaddr_storage *from, const void *data, size_t len,
                     int64_t *next_deadline)
{
  ztk_inaddr a;
  if (!n || !from || (!data && len))
    return ZTK_EINVAL;
  if (ztk_inaddr_from_sockaddr(&a, (const struct sockaddr *)from) == 0)
    ztk_switch_in(n, now, local_socket, &a, data, len);
  else
    n->ctr.drop_malformed++;
  return ztk_node_tick(n, now, next_deadline);
}

/* ---- VL1 operations ---- */

int ztk_node_send_user_message(ztk_node *n, int64_t now, ztk_address dest, uint64_t type_id,
                               const void *data, size_t len)
{
  uint8_t buf[ZTK_PROTO_MAX_PACKET_LENGTH];
  if (!n || (!data && len) || len > ZTK_PROTO_MAX_PAYLOAD - 8 || dest == n->id.address ||
      ztk_address_reserved(dest))
    return ZTK_EINVAL;
  ztk_user_message m = {type_id, data, len};
  ztk_wr w = ztk_packet_begin(n, buf, dest, ZTK_VERB_USER_MESSAGE);
  ztk_user_message_write(&w, &m);
  return w.err ? ZTK_EINVAL : ztk_send(n, now, buf, w.len, ZTK_SEND_ENCRYPT);
}

int ztk_node_echo(ztk_node *n, int64_t now, ztk_address dest, const void *data, size_t len)
{
  uint8_t buf[ZTK_PROTO_MAX_PACKET_LENGTH];
  if (!n || (!data && len) || len > ZTK_PROTO_MAX_PAYLOAD || dest == n->id.address ||
      ztk_address_reserved(dest))
    return ZTK_EINVAL;
  ztk_echo e = {data, len};
  ztk_wr w = ztk_packet_begin(n, buf, dest, ZTK_VERB_ECHO);
  ztk_echo_write(&w, &e);
  return w.err ? ZTK_EINVAL : ztk_send(n, now, buf, w.len, ZTK_SEND_ENCRYPT | ZTK_SEND_EXPECT);
}

int ztk_node_add_local_address(ztk_node *n, const struct sockaddr_storage *addr)
{
  ztk_inaddr a;
  if (!n || !addr || ztk_inaddr_from_sockaddr(&a, (const struct sockaddr *)addr))
    return ZTK_EINVAL;
  for (int i = 0; i < n->nlocal; i++)
    if (ztk_inaddr_eq(&n->local_addrs[i], &a))
      return 0;
  if (n->nlocal == ZTK_MAX_LOCAL_ADDRS)
    return ZTK_ELIMIT;
  n->local_addrs[n->nlocal++] = a;
  return 0;
}

void ztk_node_clear_local_addresses(ztk_node *n)
{
  if (n)
    n->nlocal = 0;
}

int ztk_node_orbit(ztk_node *n, int64_t now, uint64_t moon_id, ztk_address seed)
{
  if (!n || !moon_id)
    return ZTK_EINVAL;
  for (int i = 0; i < n->topo.nmoons; i++)
    if (n->topo.moons[i].id == moon_id)
      return 0;
  for (int i = 0; i < n->topo.nwanted; i++)
    if (n->topo.wanted[i].id == moon_id)
      return 0;
  if (n->topo.nwanted == ZTK_MAX_MOONS)
    return ZTK_ELIMIT;
  n->topo.wanted[n->topo.nwanted++] = (ztk_moon_wanted){moon_id, seed};
  /* The seed answers our HELLO with the moon in its OK(HELLO). */
  if (seed && !ztk_address_reserved(seed)) {
    ztk_peer *p = ztk_node_peer_get(n, now, seed);
    if (p)
      ztk_vl1_hello(n, now, p, -1, NULL);
    else
      ztk_whois_request(n, now, seed);
  }
  return 0;
}

int ztk_node_orbit_world(ztk_node *n, int64_t now, const void *world, size_t len)
{
  ztk_world w;
  if (!n || !world)
    return ZTK_EINVAL;
  int rc = ztk_world_parse(&w, world, len);
  if (rc < 0)
    return rc;
  if (w.type != ZTK_WORLD_MOON)
    return ZTK_EWORLD_TYPE;
  rc = ztk_topo_add_world(&n->topo, &w, true);
  if (rc)
    return rc;
  ztk_node_world_changed(n, &w);
  ensure_upstream_peers(n, now);
  return 0;
}

int ztk_node_deorbit(ztk_node *n, uint64_t moon_id)
{
  if (!n)
    return ZTK_EINVAL;
  for (int i = 0; i < n->topo.nwanted; i++) {
    if (n->topo.wanted[i].id == moon_id) {
      n->topo.wanted[i] = n->topo.wanted[--n->topo.nwanted];
      return 0;
    }
  }
  for (int i = 0; i < n->topo.nmoons; i++) {
    if (n->topo.moons[i].id == moon_id) {
      memmove(&n->topo.moons[i], &n->topo.moons[i + 1],
              (size_t)(n->topo.nmoons - i - 1) * sizeof n->topo.moons[0]);
      n->topo.nmoons--;
      state_put(n, ZTK_STATE_MOON, moon_id, NULL, 0);
      return ztk_topo_refresh(&n->topo, &n->id);
    }
  }
  return ZTK_ENOTFOUND;
}

/* ---- queries ---- */

ztk_address ztk_node_address(const ztk_node *n) { return n ? n->id.address : 0; }

const ztk_identity *ztk_node_identity(const ztk_node *n) { return n ? &n->id : NULL; }

void ztk_node_status_get(const ztk_node *n, ztk_node_status *out)
{
  memset(out, 0, sizeof *out);
  out->address = n->id.address;
  ztk_identity_to_string(&n->id, false, out->identity_public, sizeof out->identity_public);
  out->online = n->online;
  out->upstream = n->topo.am_upstream || n->cfg.force_upstream;
  out->planet_id = n->topo.planet.id;
  out->planet_timestamp = n->topo.planet.timestamp;
  out->peer_count = n->topo.n;
}

void ztk_node_counters_get(const ztk_node *n, ztk_node_counters *out) { *out = n->ctr; }

static void peer_info(const ztk_node *n, int64_t now, const ztk_peer *p, ztk_peer_info *o)
{
  memset(o, 0, sizeof *o);
  o->address = p->id.address;
  const ztk_upstream *u = ztk_topo_upstream(&n->topo, p->id.address);
  o->role = !u ? ZTK_PEER_LEAF : u->planet ? ZTK_PEER_PLANET : ZTK_PEER_MOON;
  o->version_proto = p->vproto;
  o->version_major = p->vmajor;
  o->version_minor = p->vminor;
  o->version_rev = p->vrev;
  o->latency_ms = ztk_peer_latency(p, now);
  o->direct = ztk_peer_direct(p, now);
  o->last_receive = p->last_receive;
  ztk_path *best = ztk_peer_best_path((ztk_peer *)(uintptr_t)p, now, false);
  for (int i = 0; i < p->npaths && o->path_count < ZTK_PEER_INFO_MAX_PATHS; i++) {
    const ztk_path *x = &p->paths[i];
    ztk_path_info *pi = &o->paths[o->path_count++];
    ztk_inaddr_to_sockaddr(&x->addr, &pi->addr);
    pi->local_socket = x->local_socket;
    pi->last_send = x->last_out;
    pi->last_receive = x->last_in;
    pi->latency_ms = x->latency == ZTK_PATH_LATENCY_UNKNOWN ? -1 : x->latency;
    pi->alive = ztk_path_alive(x, now);
    pi->preferred = x == best;
  }
}

int ztk_node_peers(const ztk_node *n, int64_t now, ztk_peer_info *out, int max)
{
  for (int i = 0; i < n->topo.n && i < max; i++)
    peer_info(n, now, n->topo.peers[i], &out[i]);
  return n->topo.n;
}

int ztk_node_peer(const ztk_node *n, int64_t now, ztk_address addr, ztk_peer_info *out)
{
  const ztk_peer *p = ztk_topo_get(&n->topo, addr);
  if (!p)
    return ZTK_ENOTFOUND;
  peer_info(n, now, p, out);
  return 0;
}
