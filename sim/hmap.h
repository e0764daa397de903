/* A bounded open-addressing index from 64-bit key hashes to uint32_t entry numbers.
 *
 * The owner keeps its entries in its own array; the index only maps a hash to candidate entry
 * numbers, and the owner's equality callback settles collisions. Hashes come from
 * ztk_hmap_hash() (fixed, unseeded) so the table layout is a pure function of the insert and
 * remove sequence: no pointer values, no per-process seeds. Linear probing, backward-shift
 * deletion (no tombstones), load factor at most 1/2. Nobody iterates the table, so lookups are
 * its only observable behaviour.
 *
 * Internal header: not a stable API. */
#ifndef ZTK_SIM_HMAP_H
#define ZTK_SIM_HMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ZTK_HMAP_NONE UINT32_MAX

typedef struct ztk_hmap_slot {
  uint64_t hash;
  uint32_t val; /* entry number + 1; 0 = empty */
} ztk_hmap_slot;

typedef struct ztk_hmap {
  ztk_hmap_slot *slots;
  uint32_t mask; /* capacity - 1 (capacity is a power of two), 0 when unallocated */
  uint32_t count;
  uint32_t max; /* most entries ever held */
} ztk_hmap;

/* Equality callback: does entry `val` have the key `key`? */
typedef bool (*ztk_hmap_eq_fn)(const void *ctx, const void *key, uint32_t val);

/* A 64-bit hash of len bytes (deterministic everywhere). */
uint64_t ztk_hmap_hash(const void *data, size_t len);

/* An empty index that will hold at most max entries (max < 2^30). */
void ztk_hmap_init(ztk_hmap *m, uint32_t max);
void ztk_hmap_free(ztk_hmap *m);

/* Bytes of memory the index holds. */
size_t ztk_hmap_bytes(const ztk_hmap *m);

/* Returns the first entry with this hash for which eq(ctx, key, entry) holds, or
 * ZTK_HMAP_NONE. */
uint32_t ztk_hmap_find(const ztk_hmap *m, uint64_t hash, ztk_hmap_eq_fn eq, const void *ctx,
                       const void *key);

/* Adds entry val (< ZTK_HMAP_NONE) under hash; the caller makes sure it is not a duplicate.
 * Returns 0 or one of: ZTK_ELIMIT (max entries reached), ZTK_ENOMEM, ZTK_EINVAL. */
int ztk_hmap_insert(ztk_hmap *m, uint64_t hash, uint32_t val);

/* Removes entry val stored under hash. Returns 0 or ZTK_ENOTFOUND. */
int ztk_hmap_remove(ztk_hmap *m, uint64_t hash, uint32_t val);

#endif
