#include "sim/hmap.h"

#include <stdlib.h>

#include "ztkit/error.h"

#define MIN_CAP 16u
#define MAX_ENTRIES (1u << 30)

uint64_t ztk_hmap_hash(const void *data, size_t len)
{
  const uint8_t *p = data;
  uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a, then a splitmix64 finaliser */
  for (size_t i = 0; i < len; i++)
    h = (h ^ p[i]) * 0x100000001b3ull;
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  h ^= h >> 31;
  return h;
}

void ztk_hmap_init(ztk_hmap *m, uint32_t max)
{
  m->slots = NULL;
  m->mask = 0;
  m->count = 0;
  m->max = max < MAX_ENTRIES ? max : MAX_ENTRIES;
}

void ztk_hmap_free(ztk_hmap *m)
{
  free(m->slots);
  m->slots = NULL;
  m->mask = 0;
  m->count = 0;
}

size_t ztk_hmap_bytes(const ztk_hmap *m)
{
  return m->slots ? ((size_t)m->mask + 1) * sizeof *m->slots : 0;
}

uint32_t ztk_hmap_find(const ztk_hmap *m, uint64_t hash, ztk_hmap_eq_fn eq, const void *ctx,
                       const void *key)
{
  if (!m->slots)
    return ZTK_HMAP_NONE;
  for (uint32_t i = (uint32_t)hash & m->mask, n = 0; n <= m->mask; i = (i + 1) & m->mask, n++) {
    const ztk_hmap_slot *s = &m->slots[i];
    if (!s->val)
      return ZTK_HMAP_NONE;
    if (s->hash == hash && eq(ctx, key, s->val - 1))
      return s->val - 1;
  }
  return ZTK_HMAP_NONE;
}

static void put(ztk_hmap_slot *slots, uint32_t mask, uint64_t hash, uint32_t val1)
{
  uint32_t i = (uint32_t)hash & mask;
  while (slots[i].val)
    i = (i + 1) & mask; /* terminates: the table is at most half full */
  slots[i].hash = hash;
  slots[i].val = val1;
}

static int grow(ztk_hmap *m)
{
  uint32_t cap = m->slots ? (m->mask + 1) * 2 : MIN_CAP;
  ztk_hmap_slot *s = calloc(cap, sizeof *s);
  if (!s)
    return ZTK_ENOMEM;
  if (m->slots)
    for (uint32_t i = 0; i <= m->mask; i++)
      if (m->slots[i].val)
        put(s, cap - 1, m->slots[i].hash, m->slots[i].val);
  free(m->slots);
  m->slots = s;
  m->mask = cap - 1;
  return 0;
}

int ztk_hmap_insert(ztk_hmap *m, uint64_t hash, uint32_t val)
{
  if (val >= ZTK_HMAP_NONE - 1)
    return ZTK_EINVAL;
  if (m->count >= m->max)
    return ZTK_ELIMIT;
  if (!m->slots || (m->count + 1) * 2 > m->mask + 1) {
    int err = grow(m);
    if (err)
      return err;
  }
  put(m->slots, m->mask, hash, val + 1);
  m->count++;
  return 0;
}

/* True if the entry whose home is k may move from j back to the hole at i. */
static bool may_fill(uint32_t i, uint32_t j, uint32_t k)
{
  if (j > i)
    return k <= i || k > j;
  return k <= i && k > j;
}

int ztk_hmap_remove(ztk_hmap *m, uint64_t hash, uint32_t val)
{
  if (!m->slots)
    return ZTK_ENOTFOUND;
  uint32_t i = (uint32_t)hash & m->mask, n = 0;
  while (m->slots[i].val && !(m->slots[i].hash == hash && m->slots[i].val == val + 1)) {
    if (++n > m->mask)
      return ZTK_ENOTFOUND;
    i = (i + 1) & m->mask;
  }
  if (!m->slots[i].val)
    return ZTK_ENOTFOUND;
  for (uint32_t j = (i + 1) & m->mask; m->slots[j].val; j = (j + 1) & m->mask) {
    uint32_t k = (uint32_t)m->slots[j].hash & m->mask;
    if (may_fill(i, j, k)) {
      m->slots[i] = m->slots[j];
      i = j;
    }
  }
  m->slots[i].val = 0;
  m->count--;
  return 0;
}
