#include "core/util/array.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ztkit/error.h"

static size_t capacity_for(unsigned count)
{
  size_t c = 1;
  while (c < count)
    c <<= 1;
  return c;
}

int ztk_array_reserve(void **arr, unsigned count, size_t size, unsigned max)
{
  if (count >= max)
    return ZTK_ELIMIT;
  if (count == 0 || (count & (count - 1)) == 0) {
    void *p = realloc(*arr, capacity_for(count + 1) * size);
    if (!p)
      return ZTK_ENOMEM;
    *arr = p;
  }
  return 0;
}

int ztk_array_append(void **arr, unsigned *count, size_t size, unsigned max, const void *item)
{
  unsigned n = *count;
  int rc = ztk_array_reserve(arr, n, size, max);
  if (rc)
    return rc;
  memcpy((uint8_t *)*arr + (size_t)n * size, item, size);
  *count = n + 1;
  return 0;
}

int ztk_array_dup(void **dst, const void *src, unsigned count, size_t size)
{
  *dst = NULL;
  if (!count)
    return 0;
  *dst = malloc(capacity_for(count) * size);
  if (!*dst)
    return ZTK_ENOMEM;
  memcpy(*dst, src, (size_t)count * size);
  return 0;
}

void ztk_array_remove(void *arr, unsigned *count, size_t size, unsigned i)
{
  if (i >= *count)
    return;
  uint8_t *p = arr;
  memmove(p + (size_t)i * size, p + (size_t)(i + 1) * size, (size_t)(*count - i - 1) * size);
  (*count)--;
}

unsigned ztk_array_lower_bound(const void *arr, unsigned count, size_t size, const void *key,
                               int (*cmp)(const void *key, const void *item))
{
  const uint8_t *base = arr;
  unsigned lo = 0, hi = count;
  while (lo < hi) {
    unsigned mid = lo + (hi - lo) / 2;
    if (cmp(key, base + (size_t)mid * size) > 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}
