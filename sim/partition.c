#include "sim/partition.h"

#include <string.h>

#include "ztkit/error.h"

void ztk_part_init(ztk_partition *p)
{
  memset(p, 0, sizeof *p);
}

int ztk_part_find(const ztk_partition *p, const char *name)
{
  for (uint32_t i = 0; i < p->ngroups; i++)
    if (strcmp(p->names[i], name) == 0)
      return (int)i;
  return ZTK_ENOTFOUND;
}

int ztk_part_group(ztk_partition *p, const char *name)
{
  size_t len = name ? strlen(name) : 0;
  if (len == 0 || len >= ZTK_PART_NAME_MAX)
    return ZTK_EINVAL;
  int g = ztk_part_find(p, name);
  if (g >= 0)
    return g;
  if (p->ngroups >= ZTK_PART_MAX_GROUPS)
    return ZTK_ELIMIT;
  memcpy(p->names[p->ngroups], name, len + 1);
  return (int)p->ngroups++;
}

uint64_t ztk_part_bit(int g)
{
  return g >= 0 && g < ZTK_PART_MAX_GROUPS ? UINT64_C(1) << g : 0;
}

static bool valid(const ztk_partition *p, int g)
{
  return g >= 0 && (uint32_t)g < p->ngroups;
}

static uint32_t count_bits(uint64_t v)
{
  uint32_t n = 0;
  for (; v; v &= v - 1)
    n++;
  return n;
}

static void recount(ztk_partition *p)
{
  uint32_t n = count_bits(p->iso_out) + count_bits(p->iso_in);
  for (uint32_t i = 0; i < p->ngroups; i++)
    n += count_bits(p->cut[i]);
  p->active = n;
}

int ztk_part_cut(ztk_partition *p, int a, int b, bool both)
{
  if (!valid(p, a) || !valid(p, b))
    return ZTK_EINVAL;
  p->cut[a] |= ztk_part_bit(b);
  if (both)
    p->cut[b] |= ztk_part_bit(a);
  recount(p);
  return 0;
}

int ztk_part_heal(ztk_partition *p, int a, int b, bool both)
{
  if (!valid(p, a) || !valid(p, b))
    return ZTK_EINVAL;
  p->cut[a] &= ~ztk_part_bit(b);
  if (both)
    p->cut[b] &= ~ztk_part_bit(a);
  recount(p);
  return 0;
}

int ztk_part_isolate(ztk_partition *p, int g, bool out, bool in)
{
  if (!valid(p, g))
    return ZTK_EINVAL;
  uint64_t bit = ztk_part_bit(g);
  p->iso_out = out ? p->iso_out | bit : p->iso_out & ~bit;
  p->iso_in = in ? p->iso_in | bit : p->iso_in & ~bit;
  recount(p);
  return 0;
}

void ztk_part_heal_all(ztk_partition *p)
{
  memset(p->cut, 0, sizeof p->cut);
  p->iso_out = p->iso_in = 0;
  p->active = 0;
}

bool ztk_part_blocked(const ztk_partition *p, uint64_t from, uint64_t to)
{
  if (!p->active)
    return false;
  for (uint64_t f = from; f; f &= f - 1) {
    int a = __builtin_ctzll(f);
    if (p->cut[a] & to)
      return true;
  }
  /* isolated outward: some group of the sender that the receiver is not in */
  if (p->iso_out & from & ~to)
    return true;
  /* isolated inward: some group of the receiver that the sender is not in */
  return (p->iso_in & to & ~from) != 0;
}
