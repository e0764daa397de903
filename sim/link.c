#include "sim/link.h"

#include <stdlib.h>
#include <string.h>

#include "ztkit/error.h"

int ztk_link_params_stages(const ztk_link_params *p, ztk_stage out[ZTK_LINK_MAX_STAGES])
{
  int n = 0;
  if (p->mtu)
    out[n++] = ztk_stage_mtu(p->mtu);
  if (p->rate_bps)
    out[n++] = ztk_stage_rate(p->rate_bps, p->queue_bytes);
  if (p->loss > 0)
    out[n++] = ztk_stage_loss(p->loss);
  if (p->ge_p_gb > 0)
    out[n++] = ztk_stage_ge(p->ge_p_gb, p->ge_p_bg, p->ge_loss_good, p->ge_loss_bad);
  if (p->corrupt > 0)
    out[n++] = ztk_stage_corrupt(p->corrupt, p->corrupt_bits);
  if (p->dup > 0)
    out[n++] = ztk_stage_dup(p->dup, p->dup_delay_us);
  if (p->latency_us > 0 || p->delay.kind != ZTK_DIST_NONE)
    out[n++] = ztk_stage_delay(p->latency_us, p->delay);
  if (p->jitter_us > 0)
    out[n++] = ztk_stage_jitter(p->jitter_us);
  if (p->reorder > 0)
    out[n++] = ztk_stage_reorder(p->reorder, p->reorder_delay_us);
  return n;
}

void ztk_linkdir_init(ztk_linkdir *d, const ztk_rng *rng)
{
  memset(d, 0, sizeof *d);
  d->up = true;
  d->rng = *rng;
}

void ztk_linkdir_free(ztk_linkdir *d)
{
  free(d->stages);
  d->stages = NULL;
  d->nstages = 0;
}

int ztk_linkdir_set_stages(ztk_linkdir *d, const ztk_stage *stages, int n)
{
  if (n < 0 || n > ZTK_LINK_MAX_STAGES || (n && !stages))
    return ZTK_ERANGE;
  ztk_stage *s = NULL;
  if (n) {
    s = malloc((size_t)n * sizeof *s);
    if (!s)
      return ZTK_ENOMEM;
    memcpy(s, stages, (size_t)n * sizeof *s);
    for (int i = 0; i < n; i++)
      ztk_stage_reset(&s[i]);
  }
  free(d->stages);
  d->stages = s;
  d->nstages = (uint8_t)n;
  return 0;
}

int ztk_linkdir_set_params(ztk_linkdir *d, const ztk_link_params *p)
{
  ztk_stage chain[ZTK_LINK_MAX_STAGES];
  int n = ztk_link_params_stages(p, chain);
  return ztk_linkdir_set_stages(d, chain, n);
}

/* Counts what a stage just did to a flight (flags it newly set). */
static void note_flags(ztk_linkdir *d, uint8_t fresh)
{
  if (fresh & ZTK_FLIGHT_CORRUPTED)
    d->c.corrupted++;
  if (fresh & ZTK_FLIGHT_REORDERED)
    d->c.reordered++;
  if (fresh & ZTK_FLIGHT_QUEUED)
    d->c.queued++;
}

/* Runs stages [from, n) on f. A duplication spawns a copy that runs the rest of the chain on
 * its own; recursion depth is bounded by the chain length. */
static void run_from(ztk_linkdir *d, ztk_flight *f, int from, const ztk_flight_sink *sink)
{
  for (int i = from; i < d->nstages; i++) {
    uint8_t before = f->flags;
    f->copies = 0;
    int verdict = ztk_stage_apply(&d->stages[i], f, &d->rng);
    note_flags(d, (uint8_t)(f->flags & ~before));
    if (d->stages[i].kind == ZTK_STAGE_RATE && verdict == ZTK_DROP_NONE &&
        f->backlog + f->wire_len > d->c.queue_hwm)
      d->c.queue_hwm = f->backlog + f->wire_len;
    if (verdict != ZTK_DROP_NONE) {
      if (verdict >= ZTK_DROP_LINK_FIRST && verdict < ZTK_DROP_LINK_FIRST + ZTK_DROP_LINK_COUNT)
        d->c.dropped[verdict - ZTK_DROP_LINK_FIRST]++;
      sink->done(sink->ctx, f, verdict);
      return;
    }
    if (f->copies) {
      ztk_flight copy;
      if (sink->clone(sink->ctx, f, &copy) == 0) {
        d->c.duplicated++;
        copy.t_us = f->t_us + f->copy_delay_us;
        copy.copies = 0;
        copy.flags = (uint8_t)(f->flags | ZTK_FLIGHT_COPY);
        run_from(d, &copy, i + 1, sink);
      }
      f->copies = 0;
    }
  }
  sink->done(sink->ctx, f, ZTK_DROP_NONE);
}

void ztk_linkdir_run(ztk_linkdir *d, ztk_flight *f, const ztk_flight_sink *sink)
{
  d->c.sent++;
  d->c.bytes_sent += f->len;
  if (!d->up) {
    d->c.dropped[ZTK_DROP_DOWN - ZTK_DROP_LINK_FIRST]++;
    sink->done(sink->ctx, f, ZTK_DROP_DOWN);
    return;
  }
  run_from(d, f, 0, sink);
}
