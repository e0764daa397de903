#include "core/controller/ctl_ipset.h"

#include <stdlib.h>
#include <string.h>

#include "ztkit/error.h"

/* FNV-1a over the fields ztk_inaddr_cmp compares. */
static uint32_t ip_hash(const ztk_inaddr *ip)
{
  uint64_t h = 0xcbf29ce484222325ull;
  uint8_t head[3] = {ip->family, (uint8_t)(ip->port >> 8), (uint8_t)ip->port};
  size_t n = ip->family == 4 ? 4 : ip->family == 6 ? 16 : 0;
  for (size_t i = 0; i < sizeof head; i++)
    h = (h ^ head[i]) * 0x100000001b3ull;
  for (size_t i = 0; i < n; i++)
    h = (h ^ ip->ip[i]) * 0x100000001b3ull;
  return (uint32_t)(h ^ (h >> 32));
}

/* The slot holding ip, or the empty slot where it would go. */
static uint32_t probe(const ztk_ctl_ipset *s, const ztk_inaddr *ip)
{
  uint32_t i = ip_hash(ip) & s->mask;
  while (s->slots[i].count && ztk_inaddr_cmp(&s->slots[i].ip, ip) != 0)
    i = (i + 1) & s->mask;
  return i;
}

void ztk_ctl_ipset_free(ztk_ctl_ipset *s)
{
  free(s->slots);
  memset(s, 0, sizeof *s);
}

/* Rehashes into twice the capacity (at least 64 slots). Returns 0 or ZTK_ENOMEM. */
static int grow(ztk_ctl_ipset *s)
{
  uint32_t cap = s->mask ? 2 * (s->mask + 1) : 64;
  ztk_ctl_ipset n = {calloc(cap, sizeof *n.slots), cap - 1, s->used};
  if (!n.slots)
    return ZTK_ENOMEM;
  for (uint32_t i = 0; s->mask && i <= s->mask; i++)
    if (s->slots[i].count)
      n.slots[probe(&n, &s->slots[i].ip)] = s->slots[i];
  free(s->slots);
  *s = n;
  return 0;
}

int ztk_ctl_ipset_add(ztk_ctl_ipset *s, const ztk_inaddr *ip)
{
  if (s->mask) {
    uint32_t i = probe(s, ip);
    if (s->slots[i].count) {
      s->slots[i].count++;
      return 0;
    }
  }
  if (s->used >= ZTK_CTL_IPSET_MAX)
    return ZTK_ELIMIT;
  if (!s->mask || 2 * (s->used + 1) > s->mask + 1) {
    int rc = grow(s);
    if (rc)
      return rc;
  }
  uint32_t i = probe(s, ip);
  s->slots[i].ip = *ip;
  s->slots[i].count = 1;
  s->used++;
  return 0;
}

int ztk_ctl_ipset_remove(ztk_ctl_ipset *s, const ztk_inaddr *ip)
{
  if (!s->mask)
    return ZTK_ENOTFOUND;
  uint32_t i = probe(s, ip);
  if (!s->slots[i].count)
    return ZTK_ENOTFOUND;
  if (--s->slots[i].count)
    return 0;
  s->used--;
  /* backward shift: pull later members of the cluster into the hole when their home allows */
  for (uint32_t j = (i + 1) & s->mask; s->slots[j].count; j = (j + 1) & s->mask) {
    uint32_t home = ip_hash(&s->slots[j].ip) & s->mask;
    if (((j - home) & s->mask) >= ((j - i) & s->mask)) {
      s->slots[i] = s->slots[j];
      s->slots[j].count = 0;
      i = j;
    }
  }
  return 0;
}

bool ztk_ctl_ipset_has(const ztk_ctl_ipset *s, const ztk_inaddr *ip)
{
  return s->mask && s->slots[probe(s, ip)].count;
}
