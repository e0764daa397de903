/* The multicast directory: who subscribed to which (network, group), learned from
 * MULTICAST_LIKE and gather replies, each entry expiring ZTK_MULTICAST_LIKE_EXPIRE after it
 * was last confirmed. Kept per node (not per joined network) because roots and controllers
 * answer gathers for networks they are not members of. Sorted arrays: lookups by binary search,
 * iteration in (nwid, group, address) order. Internal header. */
#ifndef ZTK_CORE_NODE_MCDIR_H
#define ZTK_CORE_NODE_MCDIR_H

#include <stdbool.h>
#include <stdint.h>

#include "core/network/addressing.h"
#include "ztkit/types.h"

#define ZTK_MCDIR_MAX_GROUPS 262144
#define ZTK_MCDIR_MAX_SUBSCRIBERS 65536 /* per group */

typedef struct ztk_subscriber {
  ztk_address addr;
  int64_t ts;
} ztk_subscriber;

typedef struct ztk_mcdir_group {
  uint64_t nwid;
  ztk_mcgroup g;
  ztk_subscriber *subs; /* heap (core/util/array), sorted by address */
  unsigned n;
  int64_t last_gather;  /* our own explicit gathers for this group */
} ztk_mcdir_group;

typedef struct ztk_mcdir {
  ztk_mcdir_group *groups; /* heap (core/util/array), sorted by (nwid, group) */
  unsigned n;
} ztk_mcdir;

void ztk_mcdir_free(ztk_mcdir *d);

/* The group's entry, or NULL (create: add an empty one; NULL only when out of memory or
 * the limit is reached). */
ztk_mcdir_group *ztk_mcdir_group_get(ztk_mcdir *d, uint64_t nwid, const ztk_mcgroup *g,
                                     bool create);

/* Adds or refreshes a subscriber. Returns 1 if it was new, 0 if refreshed, or ZTK_ENOMEM /
 * ZTK_ELIMIT. */
int ztk_mcdir_add(ztk_mcdir *d, uint64_t nwid, const ztk_mcgroup *g, ztk_address addr,
                  int64_t now);

/* Removes a subscriber (an UNWANTED_MULTICAST error). */
void ztk_mcdir_remove(ztk_mcdir *d, uint64_t nwid, const ztk_mcgroup *g, ztk_address addr);

/* Drops subscribers older than the expiry and groups left empty; drops everything of nwid
 * when all is true. */
void ztk_mcdir_clean(ztk_mcdir *d, int64_t now, uint64_t nwid, bool all);

/* Copies up to max subscribers of a group (excluding `except`) into out, starting at a
 * rotating offset `start` so repeated gathers spread over large groups. Returns the count;
 * *total receives how many are known. */
unsigned ztk_mcdir_pick(const ztk_mcdir_group *grp, ztk_address except, uint64_t start,
                        ztk_address *out, unsigned max, unsigned *total);

#endif
