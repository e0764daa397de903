#include "core/node/peer.h"

#include <stdlib.h>
#include <string.h>

#include "ztkit/error.h"

#define NEVER (INT64_MIN / 2) /* far past: keeps `now - t` from overflowing */

int ztk_peer_new(ztk_peer **out, const ztk_identity *self, const ztk_identity *id, int64_t now)
{
  uint8_t key48[48];
  *out = NULL;
  int rc = ztk_identity_agree(self, id, key48);
  if (rc)
    return rc;
  ztk_peer *p = calloc(1, sizeof *p);
  if (!p)
    return ZTK_ENOMEM;
  ztk_peer_key_init(&p->key, key48);
  memset(key48, 0, sizeof key48);
  p->id = *id;
  p->id.has_private = false;
  memset(p->id.priv, 0, sizeof p->id.priv);
  p->vproto = p->vmajor = p->vminor = p->vrev = -1;
  p->created = now;
  p->last_receive = p->last_nontrivial_receive = p->last_trust_received = NEVER;
  p->last_full_hello = p->last_direct_push_sent = p->last_whois_answered = NEVER;
  p->push_window_start = NEVER;
  for (int i = 0; i < ZTK_PEER_TRIED_PATHS; i++)
    p->tried[i].when = NEVER;
  *out = p;
  return 0;
}

void ztk_peer_free(ztk_peer *p)
{
  if (!p)
    return;
  ztk_peer_key_free(&p->key);
  free(p);
}

bool ztk_peer_version_known(const ztk_peer *p) { return p->vproto >= 0; }

void ztk_peer_set_version(ztk_peer *p, int proto, int major, int minor, int rev)
{
  p->vproto = proto;
  p->vmajor = major;
  p->vminor = minor;
  p->vrev = rev;
}

static int best_index(const ztk_peer *p, int64_t now, bool include_expired)
{
  int best = -1;
  long bestq = 0;
  for (int i = 0; i < p->npaths; i++) {
    const ztk_path *x = &p->paths[i];
    if (!include_expired && now - x->last_in >= ZTK_PEER_PATH_EXPIRATION)
      continue;
    long q = ztk_path_quality(x, now);
    if (best < 0 || q <= bestq) { /* ties go to the later slot, as ZeroTier's scan does */
      best = i;
      bestq = q;
    }
  }
  return best;
}

ztk_path *ztk_peer_best_path(ztk_peer *p, int64_t now, bool include_expired)
{
  int i = best_index(p, now, include_expired);
  return i < 0 ? NULL : &p->paths[i];
}

ztk_path *ztk_peer_find_path(ztk_peer *p, int64_t local_socket, const ztk_inaddr *addr)
{
  for (int i = 0; i < p->npaths; i++)
    if (p->paths[i].local_socket == local_socket && ztk_inaddr_eq(&p->paths[i].addr, addr))
      return &p->paths[i];
  return NULL;
}

bool ztk_peer_has_alive_path_like(const ztk_peer *p, int64_t now, int64_t local_socket,
                                  const ztk_inaddr *addr)
{
  for (int i = 0; i < p->npaths; i++) {
    const ztk_path *x = &p->paths[i];
    if (x->local_socket == local_socket && ztk_inaddr_ip_eq(&x->addr, addr) &&
        ztk_path_alive(x, now))
      return true;
  }
  return false;
}

bool ztk_peer_has_active_path_to(const ztk_peer *p, int64_t now, const ztk_inaddr *addr)
{
  for (int i = 0; i < p->npaths; i++)
    if (ztk_inaddr_eq(&p->paths[i].addr, addr) &&
        now - p->paths[i].last_in < ZTK_PEER_PATH_EXPIRATION)
      return true;
  return false;
}

ztk_path *ztk_peer_learn_path(ztk_peer *p, int64_t local_socket, const ztk_inaddr *addr,
                              int64_t now)
{
  int slot = -1, oldest = 0;
  for (int i = 0; i < p->npaths; i++) {
    ztk_path *x = &p->paths[i];
    if (x->local_socket == local_socket && ztk_inaddr_ip_eq(&x->addr, addr) &&
        !ztk_path_alive(x, now)) {
      slot = i;
      break;
    }
    if (x->last_in < p->paths[oldest].last_in)
      oldest = i;
  }
  if (slot < 0)
    slot = p->npaths < ZTK_PEER_MAX_PATHS ? p->npaths++ : oldest;
  ztk_path *x = &p->paths[slot];
  ztk_path_init(x, local_socket, addr);
  x->last_in = now;
  return x;
}

bool ztk_peer_try_path_gate(ztk_peer *p, int64_t local_socket, const ztk_inaddr *addr,
                            int64_t now)
{
  int oldest = 0;
  for (int i = 0; i < ZTK_PEER_TRIED_PATHS; i++) {
    ztk_tried_path *t = &p->tried[i];
    if (t->local_socket == local_socket && ztk_inaddr_eq(&t->addr, addr) &&
        now - t->when < ZTK_PATH_HELLO_RATE_LIMIT)
      return false;
    if (t->when < p->tried[oldest].when)
      oldest = i;
  }
  p->tried[oldest].addr = *addr;
  p->tried[oldest].local_socket = local_socket;
  p->tried[oldest].when = now;
  return true;
}

int ztk_peer_expire_paths(ztk_peer *p, int64_t now, ztk_path *dead, int max)
{
  int removed = 0, w = 0;
  for (int i = 0; i < p->npaths; i++) {
    if (now - p->paths[i].last_in >= ZTK_PEER_PATH_EXPIRATION) {
      if (removed < max)
        dead[removed] = p->paths[i];
      removed++;
      continue;
    }
    if (w != i)
      p->paths[w] = p->paths[i];
    w++;
  }
  p->npaths = w;
  return removed;
}

bool ztk_peer_direct(const ztk_peer *p, int64_t now)
{
  for (int i = 0; i < p->npaths; i++)
    if (ztk_path_alive(&p->paths[i], now))
      return true;
  return false;
}

int ztk_peer_latency(const ztk_peer *p, int64_t now)
{
  int i = best_index(p, now, false);
  return i >= 0 && p->paths[i].latency != ZTK_PATH_LATENCY_UNKNOWN ? p->paths[i].latency : -1;
}

bool ztk_peer_trusted(const ztk_peer *p, int64_t now)
{
  return now - p->last_trust_received < ZTK_TRUST_EXPIRATION;
}

bool ztk_peer_whois_gate(ztk_peer *p, int64_t now)
{
  if (now - p->last_whois_answered < ZTK_PEER_WHOIS_RATE_LIMIT)
    return false;
  p->last_whois_answered = now;
  return true;
}

bool ztk_peer_push_gate(ztk_peer *p, int64_t now)
{
  if (now - p->push_window_start >= ZTK_PUSH_DIRECT_PATHS_CUTOFF) {
    p->push_window_start = now;
    p->push_window_count = 0;
  }
  return ++p->push_window_count <= ZTK_PUSH_DIRECT_PATHS_LIMIT;
}
