/* The controller's lifecycle, its queries for the node, and housekeeping. */
#include "core/controller/controller.h"

#include <stdlib.h>
#include <string.h>

#include "core/controller/ctl_internal.h"
#include "core/controller/ctl_persist.h"

int ztk_ctl_new(ztk_ctl **out, const ztk_identity *self, const ztk_ctl_io *io, int64_t now)
{
  (void)now;
  if (!out || !self || !io || !io->send_config || !io->send_error || !io->send_revocation ||
      !io->random || !io->state_put != !io->state_get)
    return ZTK_EINVAL;
  if (!self->has_private)
    return ZTK_EID_NOSECRET;
  ztk_ctl *c = calloc(1, sizeof *c);
  if (!c)
    return ZTK_ENOMEM;
  c->self = *self;
  c->io = *io;
  int rc = ztk_ctl_db_load(c);
  if (rc) {
    ztk_ctl_free(c);
    return rc;
  }
  *out = c;
  return 0;
}

void ztk_ctl_free(ztk_ctl *c)
{
  if (!c)
    return;
  ztk_ctl_db_free(c);
  ztk_ctl_status_free(&c->status);
  memset(&c->self, 0, sizeof c->self);
  free(c);
}

void ztk_ctl_load_report_get(const ztk_ctl *c, ztk_ctl_load_report *out)
{
  *out = c->report;
}

ztk_address ztk_ctl_address(const ztk_ctl *c)
{
  return c->self.address;
}

bool ztk_ctl_recently_authorized(const ztk_ctl *c, int64_t now, uint64_t nwid, ztk_address member)
{
  const ztk_ctl_status *st = ztk_ctl_status_find(&c->status, nwid, member);
  return st && st->configured && now - st->last_config < ZTK_CTL_AUTHORIZED_WINDOW;
}

int64_t ztk_ctl_tick(ztk_ctl *c, int64_t now)
{
  /* The node ticks after every datagram; one pass over the members per period is enough (an
   * idle entry kept a little longer is never online, never recently authorized). */
  if (!c->pruned || now - c->last_prune >= ZTK_CTL_HOUSEKEEPING_PERIOD) {
    c->pruned = true;
    c->last_prune = now;
    ztk_ctl_status_prune(&c->status, now);
  }
  return c->status.count ? now + ZTK_CTL_HOUSEKEEPING_PERIOD : ZTK_NEVER;
}
