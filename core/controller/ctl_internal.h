/* The controller's state and the functions its modules share (not for other rooms).
 * Internal header. */
#ifndef ZTK_CORE_CONTROLLER_CTL_INTERNAL_H
#define ZTK_CORE_CONTROLLER_CTL_INTERNAL_H

#include "core/controller/controller.h"
#include "core/controller/ctl_ipset.h"
#include "core/controller/ctl_status.h"

/* What config requests ask about all members of a network, kept instead of recomputed per
 * request (which made N joins cost N^2): built on first use (ztk_ctl_net_indexed), updated by
 * every member change (ztk_ctl_net_changed), dropped and rebuilt later if an update fails. */
typedef struct ztk_ctl_net_index {
  bool ready;
  ztk_ctl_ipset ips; /* every member's "ipAssignments" */
  unsigned bridges;  /* members with activeBridge */
} ztk_ctl_net_index;

/* A network with its members, sorted by address (pointers: a member record is ~1 KB, and a
 * burst of N new members moved N^2/2 of them). */
typedef struct ztk_ctl_net {
  ztk_ctl_network rec;
  unsigned member_count;
  ztk_ctl_member **members; /* each owned */
  ztk_ctl_net_index index;
} ztk_ctl_net;

struct ztk_ctl {
  ztk_identity self;
  ztk_ctl_io io;
  unsigned net_count;
  ztk_ctl_net *nets; /* sorted by network id */
  ztk_ctl_status_table status;
  bool pruned; /* last_prune is set */
  int64_t last_prune;
  ztk_ctl_load_report report;
};

/* ---- database (ctl_db.c) ------------------------------------------------------------------ */

ztk_ctl_net *ztk_ctl_net_find(const ztk_ctl *c, uint64_t nwid);
ztk_ctl_member *ztk_ctl_net_member(const ztk_ctl_net *net, ztk_address address);

/* Stores member m of net (copying it) without notifying anyone: a new record gets now as its
 * creation time (if unset) and revision 1, a changed one the stored revision + 1; it is
 * persisted. *was_authorized (optional) tells whether the stored record was authorized.
 * Returns 1 if something changed, 0 if not, or one of: ZTK_EINVAL (ztk_ctl_member_check),
 * ZTK_ELIMIT, ZTK_ENOMEM. */
int ztk_ctl_store_member(ztk_ctl *c, int64_t now, ztk_ctl_net *net, const ztk_ctl_member *m,
                         bool *was_authorized);

/* The network's index, built now if needed. Returns it, or NULL (ZTK_ENOMEM / ZTK_ELIMIT while
 * building: the caller then looks at the members themselves). */
const ztk_ctl_net_index *ztk_ctl_net_indexed(ztk_ctl_net *net);

/* Tells the index that member record `gone` (NULL: none) was replaced by `came` (NULL: none);
 * call it before `gone` is freed. */
void ztk_ctl_net_changed(ztk_ctl_net *net, const ztk_ctl_member *gone, const ztk_ctl_member *came);

/* Frees every network and member. */
void ztk_ctl_db_free(ztk_ctl *c);

/* ---- requests and pushes (ctl_request.c) -------------------------------------------------- */

/* Re-runs the last authorized request of member (nwid, address) if it is online and sends the
 * result as a push. */
void ztk_ctl_push_member(ztk_ctl *c, int64_t now, uint64_t nwid, ztk_address address);
/* The same for every online member of the network. */
void ztk_ctl_push_network(ztk_ctl *c, int64_t now, uint64_t nwid);
/* Signs a fast-propagate COM revocation of target (threshold now) and sends it to every
 * online member of the network. */
void ztk_ctl_revoke(ztk_ctl *c, int64_t now, uint64_t nwid, ztk_address target);

/* ---- configs (ctl_config.c, ctl_assign.c) ------------------------------------------------- */

/* What a request brings to the config builder. */
typedef struct ztk_ctl_req {
  int64_t now;
  uint64_t nwid;
  const ztk_identity *identity; /* the requester */
  const ztk_dict *meta;
  bool new_member; /* the member record did not exist before this request */
} ztk_ctl_req;

/* Builds the member's config as 1.14.1's controller does; m is updated where 1.14.1 updates
 * the member document (default capabilities and tags, assigned IPs). nc must be initialised.
 * Returns 0 or one of: ZTK_ENOMEM, ZTK_EID_NOSECRET, ZTK_ECRYPTO. */
int ztk_ctl_build_config(ztk_ctl *c, ztk_ctl_net *net, ztk_ctl_member *m,
                         const ztk_ctl_req *rq, ztk_netconf *nc);

/* Adds the member's static IPs to nc (after its routes): rfc4193 and 6plane addresses, preset
 * assignments inside a route, then automatic IPv6 and IPv4 assignments from the pools, which
 * are recorded in m. Returns 0 or ZTK_ENOMEM. */
int ztk_ctl_assign_ips(ztk_ctl *c, ztk_ctl_net *net, ztk_ctl_member *m, const ztk_ctl_req *rq,
                       ztk_netconf *nc);

#endif
