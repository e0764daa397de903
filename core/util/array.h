/* Growable heap arrays of fixed-size items with an explicit limit. The capacity is implicit:
 * the count rounded up to a power of two, so an array only reallocates when its count reaches a
 * power of two and a struct needs no capacity field. Internal header. */
#ifndef ZTK_CORE_UTIL_ARRAY_H
#define ZTK_CORE_UTIL_ARRAY_H

#include <stddef.h>

/* Makes room for item number count (0-based) of *arr, which holds count items, without
 * changing the count. Returns 0, or one of: ZTK_ELIMIT (count is already max), ZTK_ENOMEM. */
int ztk_array_reserve(void **arr, unsigned count, size_t size, unsigned max);

/* Appends a copy of item (size bytes) to *arr, which holds *count items. Returns 0, or one of:
 * ZTK_ELIMIT (*count is already max), ZTK_ENOMEM. */
int ztk_array_append(void **arr, unsigned *count, size_t size, unsigned max, const void *item);

/* Makes *dst a new heap copy of count items of src (NULL when count is 0). Returns 0 or
 * ZTK_ENOMEM (then *dst is NULL). */
int ztk_array_dup(void **dst, const void *src, unsigned count, size_t size);

/* Removes item i of *count (the later items move down; the allocation is kept). */
void ztk_array_remove(void *arr, unsigned *count, size_t size, unsigned i);

/* Binary search in an array of count items sorted by cmp: the index of the first item that is
 * not below key (count if none). cmp(key, item) returns <0, 0 or >0 as key sorts before, with
 * or after the item. */
unsigned ztk_array_lower_bound(const void *arr, unsigned count, size_t size, const void *key,
                               int (*cmp)(const void *key, const void *item));

#endif
