/* Self-awareness: what our physical address looks like from outside, as peers report it in
 * OK(HELLO) / HELLO. The reported surfaces are pushed to peers (PUSH_DIRECT_PATHS) so they can
 * reach us behind NAT, and a change reported by an upstream means our network changed.
 * Internal header. */
#ifndef ZTK_CORE_NODE_SELFAWARE_H
#define ZTK_CORE_NODE_SELFAWARE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/util/inaddr.h"
#include "ztkit/types.h"

#define ZTK_SELFAWARE_MAX 32
#define ZTK_SELFAWARE_TIMEOUT 600000

typedef struct ztk_surface {
  ztk_address reporter;
  int64_t local_socket;
  ztk_inaddr reporter_addr; /* where the reporter is, as we reach it */
  ztk_inaddr surface;       /* where the reporter says we are */
  int64_t ts;
  bool trusted;
} ztk_surface;

typedef struct ztk_selfaware {
  ztk_surface e[ZTK_SELFAWARE_MAX];
  int n;
} ztk_selfaware;

/* Records a report. Returns true if a trusted reporter says our surface in this scope changed
 * (the caller then re-verifies paths in that scope and family). */
bool ztk_selfaware_iam(ztk_selfaware *s, ztk_address reporter, int64_t local_socket,
                       const ztk_inaddr *reporter_addr, const ztk_inaddr *surface, bool trusted,
                       int64_t now);

/* Distinct surfaces currently known, in the order first reported; returns how many (<= max). */
int ztk_selfaware_whoami(const ztk_selfaware *s, ztk_inaddr *out, int max);

/* Drops entries older than the timeout. */
void ztk_selfaware_clean(ztk_selfaware *s, int64_t now);

#endif
