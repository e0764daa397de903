#include "core/node/mcdir.h"

#include <stdlib.h>
#include <string.h>

#include "core/node/network.h"
#include "core/util/array.h"
#include "ztkit/error.h"

void ztk_mcdir_free(ztk_mcdir *d)
{
  for (unsigned i = 0; i < d->n; i++)
    free(d->groups[i].subs);
  free(d->groups);
  memset(d, 0, sizeof *d);
}

static int key_cmp(uint64_t nwid, const ztk_mcgroup *g, const ztk_mcdir_group *e)
{
  if (nwid != e->nwid)
    return nwid < e->nwid ? -1 : 1;
  return ztk_mcgroup_cmp(g, &e->g);
}

static unsigned group_bound(const ztk_mcdir *d, uint64_t nwid, const ztk_mcgroup *g)
{
  unsigned lo = 0, hi = d->n;
  while (lo < hi) {
    unsigned mid = lo + (hi - lo) / 2;
    if (key_cmp(nwid, g, &d->groups[mid]) > 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

ztk_mcdir_group *ztk_mcdir_group_get(ztk_mcdir *d, uint64_t nwid, const ztk_mcgroup *g,
                                     bool create)
{
  unsigned i = group_bound(d, nwid, g);
  if (i < d->n && key_cmp(nwid, g, &d->groups[i]) == 0)
    return &d->groups[i];
  if (!create ||
      ztk_array_reserve((void **)&d->groups, d->n, sizeof *d->groups, ZTK_MCDIR_MAX_GROUPS))
    return NULL;
  memmove(&d->groups[i + 1], &d->groups[i], (size_t)(d->n - i) * sizeof *d->groups);
  memset(&d->groups[i], 0, sizeof d->groups[i]);
  d->groups[i].nwid = nwid;
  d->groups[i].g = *g;
  d->groups[i].last_gather = INT64_MIN / 2;
  d->n++;
  return &d->groups[i];
}

static unsigned sub_bound(const ztk_mcdir_group *grp, ztk_address a)
{
  unsigned lo = 0, hi = grp->n;
  while (lo < hi) {
    unsigned mid = lo + (hi - lo) / 2;
    if (grp->subs[mid].addr < a)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

int ztk_mcdir_add(ztk_mcdir *d, uint64_t nwid, const ztk_mcgroup *g, ztk_address addr,
                  int64_t now)
{
  ztk_mcdir_group *grp = ztk_mcdir_group_get(d, nwid, g, true);
  if (!grp)
    return ZTK_ENOMEM;
  unsigned i = sub_bound(grp, addr);
  if (i < grp->n && grp->subs[i].addr == addr) {
    grp->subs[i].ts = now;
    return 0;
  }
  int rc = ztk_array_reserve((void **)&grp->subs, grp->n, sizeof *grp->subs,
                             ZTK_MCDIR_MAX_SUBSCRIBERS);
  if (rc)
    return rc;
  memmove(&grp->subs[i + 1], &grp->subs[i], (size_t)(grp->n - i) * sizeof *grp->subs);
  grp->subs[i] = (ztk_subscriber){addr, now};
  grp->n++;
  return 1;
}

void ztk_mcdir_remove(ztk_mcdir *d, uint64_t nwid, const ztk_mcgroup *g, ztk_address addr)
{
  ztk_mcdir_group *grp = ztk_mcdir_group_get(d, nwid, g, false);
  if (!grp)
    return;
  unsigned i = sub_bound(grp, addr);
  if (i < grp->n && grp->subs[i].addr == addr) {
    memmove(&grp->subs[i], &grp->subs[i + 1], (size_t)(grp->n - i - 1) * sizeof *grp->subs);
    grp->n--;
  }
}

void ztk_mcdir_clean(ztk_mcdir *d, int64_t now, uint64_t nwid, bool all)
{
  unsigned w = 0;
  for (unsigned i = 0; i < d->n; i++) {
    ztk_mcdir_group *grp = &d->groups[i];
    unsigned k = 0;
    for (unsigned j = 0; j < grp->n; j++)
      if (!(all && grp->nwid == nwid) && now - grp->subs[j].ts < ZTK_MULTICAST_LIKE_EXPIRE)
        grp->subs[k++] = grp->subs[j];
    grp->n = k;
    if (k == 0 && now - grp->last_gather >= ZTK_MULTICAST_EXPLICIT_GATHER_DELAY) {
      free(grp->subs);
      continue;
    }
    d->groups[w++] = *grp;
  }
  d->n = w;
}

unsigned ztk_mcdir_pick(const ztk_mcdir_group *grp, ztk_address except, uint64_t start,
                        ztk_address *out, unsigned max, unsigned *total)
{
  unsigned count = 0;
  *total = grp ? grp->n : 0;
  if (!grp || grp->n == 0)
    return 0;
  for (unsigned k = 0; k < grp->n && count < max; k++) {
    const ztk_subscriber *s = &grp->subs[(start + k) % grp->n];
    if (s->addr != except)
      out[count++] = s->addr;
  }
  return count;
}
