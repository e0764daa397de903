#include "core/node/gates.h"

#include <stdlib.h>
#include <string.h>

#include "ztkit/error.h"

static void put(uint32_t *ids, uint8_t *next, unsigned nbuckets, uint32_t top)
{
  unsigned b = top & (nbuckets - 1);
  ids[b * ZTK_REPLY_SLOTS + next[b]] = top;
  next[b] = (uint8_t)((next[b] + 1) % ZTK_REPLY_SLOTS);
}

int ztk_reply_reserve(ztk_reply_table *t, unsigned buckets)
{
  unsigned nb = ZTK_REPLY_MIN_BUCKETS;
  while (nb < buckets && nb < ZTK_REPLY_MAX_BUCKETS)
    nb <<= 1;
  if (nb <= t->nbuckets)
    return 0;
  uint32_t *ids = calloc((size_t)nb * ZTK_REPLY_SLOTS, sizeof *ids);
  uint8_t *next = calloc(nb, 1);
  if (!ids || !next) {
    free(ids);
    free(next);
    return ZTK_ENOMEM;
  }
  for (unsigned i = 0; i < t->nbuckets * ZTK_REPLY_SLOTS; i++)
    if (t->ids[i])
      put(ids, next, nb, t->ids[i]);
  free(t->ids);
  free(t->next);
  t->ids = ids;
  t->next = next;
  t->nbuckets = nb;
  return 0;
}

void ztk_reply_free(ztk_reply_table *t)
{
  free(t->ids);
  free(t->next);
  memset(t, 0, sizeof *t);
}

void ztk_reply_expect(ztk_reply_table *t, uint64_t packet_id)
{
  uint32_t top = (uint32_t)(packet_id >> 32);
  if ((t->nbuckets || ztk_reply_reserve(t, ZTK_REPLY_MIN_BUCKETS) == 0) && top)
    put(t->ids, t->next, t->nbuckets, top);
}

bool ztk_reply_expected(const ztk_reply_table *t, uint64_t packet_id)
{
  uint32_t top = (uint32_t)(packet_id >> 32);
  if (top == 0 || !t->nbuckets)
    return false; /* empty slots hold 0 */
  const uint32_t *slot = t->ids + (top & (t->nbuckets - 1)) * ZTK_REPLY_SLOTS;
  for (unsigned i = 0; i < ZTK_REPLY_SLOTS; i++)
    if (slot[i] == top)
      return true;
  return false;
}

bool ztk_replay_check(ztk_replay_window *w, uint64_t id)
{
  for (unsigned i = 0; i < w->used; i++)
    if (w->ids[i] == id)
      return false;
  w->ids[w->next] = id;
  w->next = (uint8_t)((w->next + 1) % ZTK_REPLAY_WINDOW);
  if (w->used < ZTK_REPLAY_WINDOW)
    w->used++;
  return true;
}

unsigned ztk_identity_gate_bucket(const ztk_inaddr *from)
{
  unsigned long h = 0;
  if (from->family == 4) {
    h = (ztk_inaddr_v4_u32(from) & 0xffffff00u) >> 8;
    h ^= h >> 14;
  } else if (from->family == 6) {
    for (int i = 0; i < 6; i++)
      h = (h << 1) + from->ip[i];
  }
  return (unsigned)(h & (ZTK_IDENTITY_GATE_BUCKETS - 1));
}

bool ztk_identity_gate_pass(ztk_identity_gate *g, const ztk_inaddr *from, int64_t now)
{
  uint16_t b = (uint16_t)ztk_identity_gate_bucket(from);
  unsigned oldest = 0;
  for (unsigned i = 0; i < g->used; i++) {
    if (g->bucket[i] == b) {
      if (now - g->when[i] < ZTK_IDENTITY_GATE_INTERVAL)
        return false;
      g->when[i] = now;
      return true;
    }
    if (g->when[i] < g->when[oldest])
      oldest = i;
  }
  unsigned slot = g->used < ZTK_IDENTITY_GATE_SLOTS ? g->used++ : oldest;
  g->bucket[slot] = b;
  g->when[slot] = now;
  return true;
}
