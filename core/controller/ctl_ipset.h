/* The IPs held by a network's members, as a counted set, so the automatic assignment asks "is
 * this IP taken?" in constant time. Collecting and sorting every member's IPs for each request
 * (as 1.14.1's controller does) made a burst of N joins cost N^2 log N. The same IP may be held
 * by several members (set through the API), hence the counts. Open addressing with linear
 * probing and backward-shift deletion; the set is only ever asked about one IP at a time, so
 * its layout never shows in any result. Internal header. */
#ifndef ZTK_CORE_CONTROLLER_CTL_IPSET_H
#define ZTK_CORE_CONTROLLER_CTL_IPSET_H

#include <stdbool.h>
#include <stdint.h>

#include "core/util/inaddr.h"

/* Most IPs a set holds (ZTK_CTL_MAX_MEMBERS x ZTK_CTL_MAX_MEMBER_IPS would be far more than any
 * pool hands out; a set that would grow past this is dropped and the caller falls back). */
#define ZTK_CTL_IPSET_MAX (1u << 22)

typedef struct ztk_ctl_ipslot {
  ztk_inaddr ip;
  uint32_t count; /* 0 = empty */
} ztk_ctl_ipslot;

typedef struct ztk_ctl_ipset {
  ztk_ctl_ipslot *slots;
  uint32_t mask; /* capacity - 1, 0 when unallocated */
  uint32_t used; /* distinct IPs */
} ztk_ctl_ipset;

void ztk_ctl_ipset_free(ztk_ctl_ipset *s);

/* Counts one more holder of ip (compared as ztk_inaddr_cmp compares). Returns 0 or one of:
 * ZTK_ELIMIT (ZTK_CTL_IPSET_MAX distinct IPs), ZTK_ENOMEM (the set is then unchanged). */
int ztk_ctl_ipset_add(ztk_ctl_ipset *s, const ztk_inaddr *ip);

/* Counts one holder of ip fewer. Returns 0, or ZTK_ENOTFOUND if the set does not hold ip. */
int ztk_ctl_ipset_remove(ztk_ctl_ipset *s, const ztk_inaddr *ip);

/* Returns true if some holder of ip is counted. */
bool ztk_ctl_ipset_has(const ztk_ctl_ipset *s, const ztk_inaddr *ip);

#endif
