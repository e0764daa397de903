/* The NETWORK_CREDENTIALS payload (protocol notes §8.11): COMs (each starting with byte 1)
 * ended by a 0x00 byte, then counted (u16) capabilities, tags, revocations and certificates of
 * ownership. Older senders stop early: after the COMs, or after any counted section. Bytes after
 * the last section are ignored, as 1.14.1 does. Internal header. */
#ifndef ZTK_CORE_NETWORK_CREDENTIALS_H
#define ZTK_CORE_NETWORK_CREDENTIALS_H

#include "core/network/capability.h"
#include "core/network/com.h"
#include "core/network/coo.h"
#include "core/network/revocation.h"
#include "core/network/tag.h"

/* Hard ceilings per section, whatever room the caller gives (a 10 KB packet holds fewer). */
#define ZTK_CREDS_MAX_COMS 16
#define ZTK_CREDS_MAX_PER_SECTION 128

/* The counted sections, in wire order. */
#define ZTK_CREDS_SECTIONS 4

/* Caller-owned arrays: *_cap is the room in each array (the reader fills *_count). */
typedef struct ztk_creds {
  ztk_com *coms;
  unsigned com_count, com_cap;
  ztk_capability *caps;
  unsigned cap_count, cap_cap;
  ztk_tag *tags;
  unsigned tag_count, tag_cap;
  ztk_revocation *revs;
  unsigned rev_count, rev_cap;
  ztk_coo *coos;
  unsigned coo_count, coo_cap;
  unsigned sections; /* counted sections present (read) / to write: 0..4; senders write 4 */
} ztk_creds;

/* Decodes a payload into c's arrays (counts reset first). Returns 0, or one of: ZTK_ETRUNC,
 * ZTK_EFORMAT, ZTK_ENET_RULES (a credential is malformed), ZTK_ELIMIT (more items than the
 * array's room or the ceiling). */
int ztk_creds_read(const void *payload, size_t len, ztk_creds *c);

/* Appends the payload: all COMs, 0x00, then the first c->sections counted sections. Returns 0
 * or one of: ZTK_ENOSPACE, ZTK_ELIMIT (a count above the ceilings). */
int ztk_creds_write(ztk_wr *w, const ztk_creds *c);

#endif
