/* The controller's persisted records: ztkit's own versioned binary format (core/ has no JSON).
 *
 *   "ZTKC" | version (1) | kind (1) | body | check (8 bytes: SHA-512 prefix of all before)
 *
 * Kinds: the list of networks and a network's member list (count(4) + ascending ids, 8 bytes
 * each), a network record and a member record (every field of ztk_ctl_network /
 * ztk_ctl_member, big-endian, strings as length(2) + bytes, rules in their wire form). Readers
 * refuse anything that does not check out: wrong magic or check value, an unknown version, a
 * field out of range, bytes left over. Internal header. */
#ifndef ZTK_CORE_CONTROLLER_CTL_RECORD_H
#define ZTK_CORE_CONTROLLER_CTL_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "core/controller/controller.h"
#include "core/util/cursor.h"

#define ZTK_CTL_RECORD_VERSION 1
/* The largest record: a network with every limit reached is under 256 KB, a member index of
 * ZTK_CTL_MAX_MEMBERS ids 512 KB and a few bytes. */
#define ZTK_CTL_RECORD_MAX (1024u * 1024u)

typedef enum ztk_ctl_record_kind {
  ZTK_CTL_RECORD_NETWORK_INDEX = 1,
  ZTK_CTL_RECORD_NETWORK = 2,
  ZTK_CTL_RECORD_MEMBER_INDEX = 3,
  ZTK_CTL_RECORD_MEMBER = 4,
} ztk_ctl_record_kind;

/* Append a whole record to w; errors are w's sticky ZTK_ENOSPACE. */
void ztk_ctl_record_write_network(ztk_wr *w, const ztk_ctl_network *n);
void ztk_ctl_record_write_member(ztk_wr *w, const ztk_ctl_member *m);
void ztk_ctl_record_write_ids(ztk_wr *w, ztk_ctl_record_kind kind, const uint64_t *ids,
                              unsigned count);

/* Read a whole record of len bytes. n / m must be initialised or zeroed (old contents are
 * freed; on error they are left zeroed). Returns 0, or one of: ZTK_ECTL_RECORD (malformed,
 * wrong kind or check value), ZTK_ECTL_VERSION, ZTK_ENOMEM. */
int ztk_ctl_record_read_network(const void *p, size_t len, ztk_ctl_network *n);
int ztk_ctl_record_read_member(const void *p, size_t len, ztk_ctl_member *m);
/* Reads an id list (strictly ascending, at most max) into a new heap array *ids (caller frees).
 * Returns as above, or ZTK_ELIMIT for more than max ids. */
int ztk_ctl_record_read_ids(const void *p, size_t len, ztk_ctl_record_kind kind, uint64_t **ids,
                            unsigned *count, unsigned max);

#endif
