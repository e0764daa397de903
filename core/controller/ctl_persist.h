/* Writing the controller's records through io->state_put and loading them back at start-up
 * (record formats in ctl_record.h). Without persistence callbacks these do nothing.
 * Internal header. */
#ifndef ZTK_CORE_CONTROLLER_CTL_PERSIST_H
#define ZTK_CORE_CONTROLLER_CTL_PERSIST_H

#include "core/controller/ctl_internal.h"

void ztk_ctl_save_network(ztk_ctl *c, const ztk_ctl_network *n);
void ztk_ctl_save_member(ztk_ctl *c, const ztk_ctl_member *m);
void ztk_ctl_save_member_index(ztk_ctl *c, const ztk_ctl_net *net);
void ztk_ctl_save_network_index(ztk_ctl *c);
/* Loads the persisted database into an empty controller (ztk_ctl_new); refused records are
 * counted in c->report. Returns 0 or ZTK_ENOMEM. */
int ztk_ctl_db_load(ztk_ctl *c);

/* Deletes state object {nwid, id1}. */
void ztk_ctl_erase(ztk_ctl *c, uint64_t nwid, uint64_t id1);

#endif
