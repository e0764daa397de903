#include "core/controller/ctl_status.h"

#include <stdlib.h>
#include <string.h>

#include "core/controller/controller.h"
#include "core/util/array.h"

void ztk_ctl_status_free(ztk_ctl_status_table *t)
{
  for (unsigned i = 0; i < t->count; i++) {
    free(t->items[i]->meta);
    free(t->items[i]);
  }
  free(t->items);
  t->items = NULL;
  t->count = 0;
}

static int key_cmp(const ztk_ctl_status *s, uint64_t nwid, ztk_address address)
{
  if (s->nwid != nwid)
    return s->nwid < nwid ? -1 : 1;
  if (s->address != address)
    return s->address < address ? -1 : 1;
  return 0;
}

typedef struct status_key {
  uint64_t nwid;
  ztk_address address;
} status_key;

static int search_cmp(const void *key, const void *item)
{
  const status_key *k = key;
  return -key_cmp(*(ztk_ctl_status *const *)item, k->nwid, k->address);
}

/* The index of the first entry not below (nwid, address). */
static unsigned lower_bound(const ztk_ctl_status_table *t, uint64_t nwid, ztk_address address)
{
  status_key k = {nwid, address};
  return ztk_array_lower_bound(t->items, t->count, sizeof *t->items, &k, search_cmp);
}

ztk_ctl_status *ztk_ctl_status_find(const ztk_ctl_status_table *t, uint64_t nwid,
                                    ztk_address address)
{
  unsigned i = lower_bound(t, nwid, address);
  if (i < t->count && key_cmp(t->items[i], nwid, address) == 0)
    return t->items[i];
  return NULL;
}

ztk_ctl_status *ztk_ctl_status_get(ztk_ctl_status_table *t, uint64_t nwid, ztk_address address)
{
  unsigned i = lower_bound(t, nwid, address);
  if (i < t->count && key_cmp(t->items[i], nwid, address) == 0)
    return t->items[i];
  ztk_ctl_status *s;
  if (ztk_array_reserve((void **)&t->items, t->count, sizeof *t->items, ZTK_CTL_MAX_STATUS) ||
      !(s = calloc(1, sizeof *s)))
    return NULL;
  memmove(&t->items[i + 1], &t->items[i], (t->count - i) * sizeof *t->items);
  t->count++;
  t->items[i] = s;
  s->nwid = nwid;
  s->address = address;
  return s;
}

int ztk_ctl_status_set_meta(ztk_ctl_status *s, const ztk_identity *id, const ztk_dict *meta)
{
  if (meta->len >= ZTK_DICT_METADATA_CAP)
    return ZTK_ELIMIT;
  char *copy = malloc(meta->len + 1);
  if (!copy)
    return ZTK_ENOMEM;
  memcpy(copy, meta->text, meta->len);
  copy[meta->len] = 0;
  free(s->meta);
  s->meta = copy;
  s->meta_len = meta->len;
  s->identity = *id;
  memset(s->identity.priv, 0, sizeof s->identity.priv);
  s->identity.has_private = false;
  s->has_meta = true;
  return 0;
}

bool ztk_ctl_status_online(const ztk_ctl_status *s, int64_t now)
{
  return s->requested && now - s->last_request < ZTK_CTL_ONLINE_WINDOW;
}

void ztk_ctl_status_range(const ztk_ctl_status_table *t, uint64_t nwid, unsigned *first,
                          unsigned *end)
{
  *first = lower_bound(t, nwid, 0);
  unsigned e = *first;
  while (e < t->count && t->items[e]->nwid == nwid)
    e++;
  *end = e;
}

static bool idle(const ztk_ctl_status *s, int64_t now)
{
  bool req_recent = s->requested && now - s->last_request < ZTK_CTL_AUTHORIZED_WINDOW;
  bool cfg_recent = s->configured && now - s->last_config < ZTK_CTL_AUTHORIZED_WINDOW;
  return !req_recent && !cfg_recent;
}

unsigned ztk_ctl_status_prune(ztk_ctl_status_table *t, int64_t now)
{
  unsigned out = 0;
  for (unsigned i = 0; i < t->count; i++) {
    if (idle(t->items[i], now)) {
      free(t->items[i]->meta);
      free(t->items[i]);
      continue;
    }
    t->items[out++] = t->items[i];
  }
  t->count = out;
  return out;
}
