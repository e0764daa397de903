/* A host's in-memory state store: objects keyed by (type, id[0], id[1]). */
#include <stdlib.h>
#include <string.h>

#include "sim/world.h"
#include "ztkit/error.h"

typedef struct key {
  uint32_t type;
  uint64_t id0, id1;
} key;

static uint64_t key_hash(const key *k)
{
  uint8_t b[20];
  memcpy(b, &k->type, 4);
  memcpy(b + 4, &k->id0, 8);
  memcpy(b + 12, &k->id1, 8);
  return ztk_hmap_hash(b, sizeof b);
}

static bool key_eq(const void *ctx, const void *kp, uint32_t val)
{
  const ztk_sim_obj *o = &((const ztk_sim_store *)ctx)->objs[val];
  const key *k = kp;
  return o->type == k->type && o->id0 == k->id0 && o->id1 == k->id1;
}

void ztk_sim_store_init(ztk_sim_store *st)
{
  memset(st, 0, sizeof *st);
  ztk_hmap_init(&st->idx, ZTK_SIM_STORE_MAX_ENTRIES);
}

void ztk_sim_store_clear(ztk_sim_store *st)
{
  for (uint32_t i = 0; i < st->n; i++)
    free(st->objs[i].data);
  free(st->objs);
  ztk_hmap_free(&st->idx);
  ztk_sim_store_init(st);
}

static uint32_t find(const ztk_sim_store *st, const key *k)
{
  return ztk_hmap_find(&st->idx, key_hash(k), key_eq, st, k);
}

/* Removes object i, moving the last one into its slot. */
static void remove_at(ztk_sim_store *st, uint32_t i)
{
  ztk_sim_obj *o = &st->objs[i];
  key k = {o->type, o->id0, o->id1};
  ztk_hmap_remove(&st->idx, key_hash(&k), i);
  st->bytes -= o->len;
  free(o->data);
  uint32_t last = --st->n;
  if (i != last) {
    ztk_sim_obj *l = &st->objs[last];
    key lk = {l->type, l->id0, l->id1};
    uint64_t h = key_hash(&lk);
    ztk_hmap_remove(&st->idx, h, last);
    *o = *l;
    ztk_hmap_insert(&st->idx, h, i);
  }
}

static int append(ztk_sim_store *st, const key *k)
{
  if (st->n == ZTK_SIM_STORE_MAX_ENTRIES)
    return ZTK_ELIMIT;
  if (st->n == st->cap) {
    uint32_t cap = st->cap ? st->cap * 2 : 8;
    ztk_sim_obj *o = realloc(st->objs, (size_t)cap * sizeof *o);
    if (!o)
      return ZTK_ENOMEM;
    st->objs = o;
    st->cap = cap;
  }
  int rc = ztk_hmap_insert(&st->idx, key_hash(k), st->n);
  if (rc)
    return rc;
  st->objs[st->n++] = (ztk_sim_obj){k->type, k->id0, k->id1, NULL, 0};
  return 0;
}

int ztk_sim_store_put(ztk_sim_store *st, uint32_t type, const uint64_t id[2], const void *data,
                      size_t len)
{
  key k = {type, id ? id[0] : 0, id ? id[1] : 0};
  uint32_t i = find(st, &k);
  if (!data || !len) {
    if (i != ZTK_HMAP_NONE)
      remove_at(st, i);
    return 0;
  }
  size_t old = i == ZTK_HMAP_NONE ? 0 : st->objs[i].len;
  if (len > UINT32_MAX || st->bytes - old + len > ZTK_SIM_STORE_MAX_BYTES)
    return ZTK_ELIMIT;
  uint8_t *copy = malloc(len);
  if (!copy)
    return ZTK_ENOMEM;
  memcpy(copy, data, len);
  if (i == ZTK_HMAP_NONE) {
    int rc = append(st, &k);
    if (rc) {
      free(copy);
      return rc;
    }
    i = st->n - 1;
  }
  ztk_sim_obj *o = &st->objs[i];
  free(o->data);
  st->bytes = st->bytes - old + len;
  o->data = copy;
  o->len = (uint32_t)len;
  return 0;
}

long ztk_sim_store_get(const ztk_sim_store *st, uint32_t type, const uint64_t id[2], void *buf,
                       size_t cap)
{
  key k = {type, id ? id[0] : 0, id ? id[1] : 0};
  uint32_t i = find(st, &k);
  if (i == ZTK_HMAP_NONE)
    return ZTK_ENOTFOUND;
  const ztk_sim_obj *o = &st->objs[i];
  if (o->len > cap)
    return ZTK_ENOSPACE;
  memcpy(buf, o->data, o->len);
  return (long)o->len;
}
