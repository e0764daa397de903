#include "core/node/topology.h"

#include <stdlib.h>
#include <string.h>

#include "ztkit/error.h"

void ztk_topo_init(ztk_topology *t) { memset(t, 0, sizeof *t); }

void ztk_topo_free(ztk_topology *t)
{
  for (int i = 0; i < t->n; i++)
    ztk_peer_free(t->peers[i]);
  free(t->peers);
  free(t->moons);
  free(t->up);
  memset(t, 0, sizeof *t);
}

/* Index of the first peer with address >= a. */
static int lower_bound(const ztk_topology *t, ztk_address a)
{
  int lo = 0, hi = t->n;
  while (lo < hi) {
    int mid = lo + (hi - lo) / 2;
    if (t->peers[mid]->id.address < a)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

ztk_peer *ztk_topo_get(const ztk_topology *t, ztk_address a)
{
  int i = lower_bound(t, a);
  return i < t->n && t->peers[i]->id.address == a ? t->peers[i] : NULL;
}

int ztk_topo_add(ztk_topology *t, ztk_peer *p)
{
  int i = lower_bound(t, p->id.address);
  if (i < t->n && t->peers[i]->id.address == p->id.address)
    return ZTK_EEXIST;
  if (t->n == t->cap) {
    if (t->cap >= ZTK_MAX_PEERS)
      return ZTK_ELIMIT;
    int cap = t->cap ? 2 * t->cap : 16;
    ztk_peer **np = realloc(t->peers, (size_t)cap * sizeof *np);
    if (!np)
      return ZTK_ENOMEM;
    t->peers = np;
    t->cap = cap;
  }
  memmove(&t->peers[i + 1], &t->peers[i], (size_t)(t->n - i) * sizeof *t->peers);
  t->peers[i] = p;
  t->n++;
  p->upstream = ztk_topo_is_upstream(t, p->id.address);
  return 0;
}

ztk_peer *ztk_topo_take(ztk_topology *t, int i)
{
  ztk_peer *p = t->peers[i];
  memmove(&t->peers[i], &t->peers[i + 1], (size_t)(t->n - i - 1) * sizeof *t->peers);
  t->n--;
  return p;
}

int ztk_topo_refresh(ztk_topology *t, const ztk_identity *self)
{
  const ztk_world *planet = t->planet.type == ZTK_WORLD_PLANET ? &t->planet : NULL;
  ztk_upstream *all = malloc(ZTK_MAX_UPSTREAMS * sizeof *all);
  if (!all)
    return ZTK_ENOMEM;
  int n = ztk_world_upstreams(planet, t->moons, (size_t)t->nmoons, self, all, ZTK_MAX_UPSTREAMS,
                              &t->am_upstream);
  ztk_upstream *up = n > 0 ? realloc(all, (size_t)n * sizeof *all) : NULL;
  if (n > 0 && !up) {
    free(all);
    return ZTK_ENOMEM;
  }
  if (n <= 0)
    free(all);
  free(t->up);
  t->up = up;
  t->nup = n < 0 ? 0 : n;
  if (n < 0)
    return n;
  for (int i = 0; i < t->n; i++)
    t->peers[i]->upstream = ztk_topo_is_upstream(t, t->peers[i]->id.address);
  return 0;
}

const ztk_upstream *ztk_topo_upstream(const ztk_topology *t, ztk_address a)
{
  for (int i = 0; i < t->nup; i++)
    if (t->up[i].identity.address == a)
      return &t->up[i];
  return NULL;
}

bool ztk_topo_is_upstream(const ztk_topology *t, ztk_address a)
{
  return ztk_topo_upstream(t, a) != NULL;
}

/* ZeroTier's relay quality: latency times the number of ping periods since we last heard. */
static uint64_t relay_quality(const ztk_peer *p, int64_t now, int64_t activity_timeout)
{
  int64_t since = now - p->last_receive;
  if (since >= activity_timeout)
    return UINT64_MAX;
  int lat = ztk_peer_latency(p, now);
  uint64_t l = lat > 0 ? (uint64_t)lat : 0xffff;
  return l * ((uint64_t)since / (ZTK_PEER_PING_PERIOD + 1000) + 1);
}

ztk_peer *ztk_topo_best_upstream(const ztk_topology *t, int64_t now, int64_t activity_timeout)
{
  ztk_peer *best = NULL;
  uint64_t bestq = UINT64_MAX;
  for (int i = 0; i < t->nup; i++) {
    ztk_peer *p = ztk_topo_get(t, t->up[i].identity.address);
    if (!p)
      continue;
    uint64_t q = relay_quality(p, now, activity_timeout);
    if (!best || q <= bestq) {
      best = p;
      bestq = q;
    }
  }
  return best;
}

static int add_moon(ztk_topology *t, const ztk_world *w, bool trusted_initial)
{
  for (int i = 0; i < t->nmoons; i++) {
    if (t->moons[i].id != w->id)
      continue;
    int rc = ztk_world_should_replace(&t->moons[i], w);
    if (rc == 0)
      t->moons[i] = *w;
    return rc;
  }
  bool wanted = trusted_initial;
  for (int i = 0; i < t->nwanted && !wanted; i++)
    wanted = t->wanted[i].id == w->id;
  if (!wanted)
    return ZTK_EWORLD_ID;
  if (t->nmoons == ZTK_MAX_MOONS)
    return ZTK_ELIMIT;
  ztk_world *moons = realloc(t->moons, (size_t)(t->nmoons + 1) * sizeof *moons);
  if (!moons)
    return ZTK_ENOMEM;
  t->moons = moons;
  t->moons[t->nmoons++] = *w;
  for (int i = 0; i < t->nwanted; i++) {
    if (t->wanted[i].id == w->id) {
      t->wanted[i] = t->wanted[--t->nwanted];
      break;
    }
  }
  return 0;
}

int ztk_topo_add_world(ztk_topology *t, const ztk_world *w, bool trusted_initial)
{
  int rc;
  if (w->type == ZTK_WORLD_PLANET) {
    if (trusted_initial && t->planet.type != ZTK_WORLD_PLANET) {
      t->planet = *w;
      return 0;
    }
    rc = ztk_world_should_replace(&t->planet, w);
    if (rc == 0)
      t->planet = *w;
    return rc;
  }
  if (w->type == ZTK_WORLD_MOON)
    return add_moon(t, w, trusted_initial);
  return ZTK_EWORLD_TYPE;
}
