/* Routing for the fabric: hop-count shortest paths, one row per destination key, computed by
 * breadth-first search when first needed. A row gives every transit element its next link
 * toward the key: among the neighbours one hop closer, the one behind the lowest link id.
 * Hosts hanging off a single transit element share that element's row, so a star of 50,000
 * hosts needs one row, not 50,000. */
#include <stdlib.h>

#include "sim/net_impl.h"
#include "ztkit/error.h"

void ztk_route_invalidate(ztk_net *n)
{
  for (uint32_t i = 0; i < n->nrows; i++) {
    n->elems[n->rows[i].key].row = NONE;
    free(n->rows[i].ents);
  }
  n->nrows = 0;
  free(n->bfs); /* sized for the old number of transit elements */
  n->bfs = NULL;
}

size_t ztk_route_bytes(const ztk_net *n)
{
  return (size_t)n->caprows * sizeof(route_row) +
         (size_t)n->nrows * n->ntransit * sizeof(route_ent) + (size_t)n->ntransit * 4;
}

/* The element whose row serves destination d: d itself if it is transit or multi-homed, the
 * one transit neighbour of a single-homed host, NONE for a host with no transit neighbour
 * (reachable only over a direct link). */
static uint32_t key_of(const ztk_net *n, uint32_t d)
{
  if (ztk_net_is_transit(n, d))
    return d;
  uint32_t only = NONE;
  const elem *e = &n->elems[d];
  for (uint32_t i = 0; i < e->nlinks; i++) {
    uint32_t y = ztk_net_other(n, e->links[i], d);
    if (!ztk_net_is_transit(n, y))
      continue;
    if (only != NONE && only != y)
      return d;
    only = y;
  }
  return only;
}

/* Labels the unseen transit neighbours of u with distance dist and queues them. */
static void expand(ztk_net *n, route_ent *r, uint32_t u, uint32_t dist, uint32_t *tail)
{
  const elem *e = &n->elems[u];
  for (uint32_t i = 0; i < e->nlinks; i++) {
    uint32_t v = ztk_net_other(n, e->links[i], u);
    uint32_t t = n->elems[v].tidx;
    if (t == NONE || r[t].dist != UINT32_MAX)
      continue;
    r[t].dist = dist;
    n->bfs[(*tail)++] = v;
  }
}

/* Hops from element y to the row's key (0 for the key itself), UINT32_MAX if not transit. */
static uint32_t dist_of(const ztk_net *n, const route_ent *r, uint32_t key, uint32_t y)
{
  if (y == key)
    return 0;
  uint32_t t = n->elems[y].tidx;
  return t == NONE ? UINT32_MAX : r[t].dist;
}

/* Every transit element's next link: the lowest-id link to a neighbour one hop closer. */
static void pick_links(ztk_net *n, route_ent *r, uint32_t key)
{
  for (uint32_t t = 0; t < n->ntransit; t++) {
    uint32_t x = n->transit[t];
    if (r[t].dist == UINT32_MAX || x == key)
      continue;
    const elem *e = &n->elems[x];
    for (uint32_t i = 0; i < e->nlinks && r[t].link == NONE; i++)
      if (dist_of(n, r, key, ztk_net_other(n, e->links[i], x)) == r[t].dist - 1)
        r[t].link = e->links[i];
  }
}

static route_ent *compute(ztk_net *n, uint32_t key)
{
  if (!n->bfs && n->ntransit && !(n->bfs = malloc((size_t)n->ntransit * sizeof *n->bfs)))
    return NULL;
  route_ent *r = malloc((size_t)(n->ntransit ? n->ntransit : 1) * sizeof *r);
  if (!r)
    return NULL;
  for (uint32_t i = 0; i < n->ntransit; i++)
    r[i] = (route_ent){NONE, UINT32_MAX};
  uint32_t head = 0, tail = 0;
  if (ztk_net_is_transit(n, key)) {
    r[n->elems[key].tidx].dist = 0;
    n->bfs[tail++] = key;
  } else {
    expand(n, r, key, 1, &tail);
  }
  while (head < tail) { /* each transit element enters the queue at most once */
    uint32_t u = n->bfs[head++];
    expand(n, r, u, r[n->elems[u].tidx].dist + 1, &tail);
  }
  pick_links(n, r, key);
  return r;
}

static const route_ent *row_for(ztk_net *n, uint32_t key, int *err)
{
  elem *k = &n->elems[key];
  if (k->row != NONE)
    return n->rows[k->row].ents;
  int e = ztk_net_reserve((void **)&n->rows, &n->caprows, sizeof *n->rows, n->nrows + 1, n->nelems);
  route_ent *r = e ? NULL : compute(n, key);
  if (!r) {
    *err = ZTK_ENOMEM;
    return NULL;
  }
  n->rows[n->nrows] = (route_row){key, r};
  k->row = n->nrows++;
  return r;
}

uint32_t ztk_route_next(ztk_net *n, uint32_t x, uint32_t d, int *err)
{
  if (!ztk_net_is_transit(n, d)) { /* a direct link to a host wins */
    const elem *de = &n->elems[d];
    for (uint32_t i = 0; i < de->nlinks; i++)
      if (ztk_net_other(n, de->links[i], d) == x)
        return de->links[i];
  }
  uint32_t key = key_of(n, d);
  if (key == NONE)
    return NONE;
  const route_ent *r = row_for(n, key, err);
  if (!r)
    return NONE;
  if (ztk_net_is_transit(n, x))
    return r[n->elems[x].tidx].link;
  /* a host picks the neighbour closest to the destination, lowest link id on ties */
  const elem *xe = &n->elems[x];
  uint32_t best = NONE, bestd = UINT32_MAX;
  for (uint32_t i = 0; i < xe->nlinks; i++) {
    uint32_t l = xe->links[i], y = ztk_net_other(n, l, x);
    if (y == d)
      return l;
    if (ztk_net_is_transit(n, y) && r[n->elems[y].tidx].dist < bestd) {
      bestd = r[n->elems[y].tidx].dist;
      best = l;
    }
  }
  return best;
}
