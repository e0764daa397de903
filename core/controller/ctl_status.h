/* What the controller remembers about members that talk to it (1.14.1's _memberStatus and the
 * node's local-controller authorizations): when each last sent a genuine request (de-dup and
 * the "online" window for pushes and revocations), the metadata and identity of its last
 * authorized request (to re-run it for pushes), and when it was last sent a config (the
 * multicast gate). Kept sorted by (network id, address) so iteration order is deterministic.
 * Internal header. */
#ifndef ZTK_CORE_CONTROLLER_CTL_STATUS_H
#define ZTK_CORE_CONTROLLER_CTL_STATUS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/network/dictionary.h"
#include "ztkit/identity.h"

typedef struct ztk_ctl_status {
  uint64_t nwid;
  ztk_address address;
  bool requested;
  int64_t last_request;
  bool configured;
  int64_t last_config;
  bool has_meta; /* identity and meta hold the last authorized genuine request */
  ztk_identity identity;
  char *meta; /* heap, NUL-terminated, < ZTK_DICT_METADATA_CAP bytes */
  size_t meta_len;
} ztk_ctl_status;

typedef struct ztk_ctl_status_table {
  unsigned count;
  ztk_ctl_status **items; /* sorted by (nwid, address), each owned (pointers: inserting into
                             tens of thousands of ~200-byte entries moved them all) */
} ztk_ctl_status_table;

void ztk_ctl_status_free(ztk_ctl_status_table *t);

/* The entry of (nwid, address), or NULL. */
ztk_ctl_status *ztk_ctl_status_find(const ztk_ctl_status_table *t, uint64_t nwid,
                                    ztk_address address);

/* The entry of (nwid, address), created if absent; NULL when the table is full
 * (ZTK_CTL_MAX_STATUS) or out of memory. Pointers stay valid until the next insertion or prune. */
ztk_ctl_status *ztk_ctl_status_get(ztk_ctl_status_table *t, uint64_t nwid, ztk_address address);

/* Remembers an authorized request for pushes. Returns 0, ZTK_ELIMIT (metadata longer than a
 * request can carry) or ZTK_ENOMEM. */
int ztk_ctl_status_set_meta(ztk_ctl_status *s, const ztk_identity *id, const ztk_dict *meta);

/* 1.14.1's "online": a genuine request within ZTK_CTL_ONLINE_WINDOW. */
bool ztk_ctl_status_online(const ztk_ctl_status *s, int64_t now);

/* The index range [*first, *end) of network nwid's entries. */
void ztk_ctl_status_range(const ztk_ctl_status_table *t, uint64_t nwid, unsigned *first,
                          unsigned *end);

/* Forgets entries with no request and no config within every window (nothing observable
 * depends on them any more). Returns the number left. */
unsigned ztk_ctl_status_prune(ztk_ctl_status_table *t, int64_t now);

#endif
