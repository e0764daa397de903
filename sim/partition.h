/* Network partitions: named groups of fabric elements and the cuts between them.
 *
 * A group is a name and a bit (at most ZTK_PART_MAX_GROUPS groups); each element carries a
 * 64-bit membership mask, so an element can be in several groups. Cuts are directional:
 *   - cut(a, b): datagrams originating from a member of a are not delivered to members of b
 *     (asymmetric: b -> a stays open unless cut too);
 *   - isolate(g, out, in): g's members cannot reach anyone outside g (out) and/or cannot be
 *     reached from outside (in).
 * The fabric asks ztk_part_blocked(origin mask, element mask) whenever a datagram reaches a
 * host or NAT box, so a cut also stops datagrams already in flight, and healing lets new ones
 * through at once. Routers and switches are never checked (a partitioned site's own traffic
 * still crosses its switch).
 *
 * Internal header: not a stable API. */
#ifndef ZTK_SIM_PARTITION_H
#define ZTK_SIM_PARTITION_H

#include <stdbool.h>
#include <stdint.h>

#define ZTK_PART_MAX_GROUPS 64
#define ZTK_PART_NAME_MAX 32 /* including NUL */

typedef struct ztk_partition {
  char names[ZTK_PART_MAX_GROUPS][ZTK_PART_NAME_MAX];
  uint32_t ngroups;
  uint64_t cut[ZTK_PART_MAX_GROUPS]; /* cut[a] has bit b: a -> b is cut */
  uint64_t iso_out, iso_in;          /* bit g: g isolated outward / inward */
  uint32_t active;                   /* number of cuts and isolations in force */
} ztk_partition;

/* No groups, nothing cut. */
void ztk_part_init(ztk_partition *p);

/* The group called name, created if new. Returns its id (0 .. 63) or one of: ZTK_EINVAL (empty
 * or too long a name), ZTK_ELIMIT (64 groups exist). */
int ztk_part_group(ztk_partition *p, const char *name);

/* The id of an existing group, or ZTK_ENOTFOUND. */
int ztk_part_find(const ztk_partition *p, const char *name);

/* Mask bit of group g (0 for an invalid id). */
uint64_t ztk_part_bit(int g);

/* Cuts a -> b (and b -> a if both). Returns 0 or ZTK_EINVAL (unknown group). */
int ztk_part_cut(ztk_partition *p, int a, int b, bool both);

/* Reopens a -> b (and b -> a if both). Returns 0 or ZTK_EINVAL. */
int ztk_part_heal(ztk_partition *p, int a, int b, bool both);

/* Sets g's isolation (out: members cannot reach non-members; in: non-members cannot reach
 * members); false, false lifts it. Returns 0 or ZTK_EINVAL. */
int ztk_part_isolate(ztk_partition *p, int g, bool out, bool in);

/* Lifts every cut and isolation (groups stay). */
void ztk_part_heal_all(ztk_partition *p);

/* True if a datagram from an element with membership `from` may not reach an element with
 * membership `to`. */
bool ztk_part_blocked(const ztk_partition *p, uint64_t from, uint64_t to);

#endif
