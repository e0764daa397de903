#include "sim/stage.h"

#include <string.h>

static ztk_stage make(ztk_stage_kind kind)
{
  ztk_stage s;
  memset(&s, 0, sizeof s);
  s.kind = kind;
  return s;
}

ztk_stage ztk_stage_mtu(uint32_t max_ip_bytes)
{
  ztk_stage s = make(ZTK_STAGE_MTU);
  s.u.mtu.max = max_ip_bytes;
  return s;
}

ztk_stage ztk_stage_rate(uint64_t bits_per_sec, uint32_t queue_bytes)
{
  ztk_stage s = make(ZTK_STAGE_RATE);
  s.u.rate.bps = bits_per_sec;
  s.u.rate.queue_bytes = queue_bytes ? queue_bytes : ZTK_STAGE_DEFAULT_QUEUE;
  return s;
}

ztk_stage ztk_stage_loss(double p)
{
  ztk_stage s = make(ZTK_STAGE_LOSS);
  s.u.loss.p = p;
  return s;
}

ztk_stage ztk_stage_ge(double p_gb, double p_bg, double loss_good, double loss_bad)
{
  ztk_stage s = make(ZTK_STAGE_GE);
  s.u.ge.p_gb = p_gb;
  s.u.ge.p_bg = p_bg;
  s.u.ge.loss_good = loss_good;
  s.u.ge.loss_bad = loss_bad;
  return s;
}

ztk_stage ztk_stage_corrupt(double p, uint32_t bits)
{
  ztk_stage s = make(ZTK_STAGE_CORRUPT);
  s.u.corrupt.p = p;
  s.u.corrupt.bits = bits ? bits : 1;
  return s;
}

/* A stage that acts with probability p and delays by delay_us (duplication, reordering). */
static ztk_stage hold(ztk_stage_kind kind, double p, int64_t delay_us)
{
  ztk_stage s = make(kind);
  s.u.hold.p = p;
  s.u.hold.delay_us = delay_us > 0 ? delay_us : 0;
  return s;
}

ztk_stage ztk_stage_dup(double p, int64_t copy_delay_us)
{
  return hold(ZTK_STAGE_DUP, p, copy_delay_us);
}

ztk_stage ztk_stage_delay(int64_t base_us, ztk_dist dist)
{
  ztk_stage s = make(ZTK_STAGE_DELAY);
  s.u.delay.base_us = base_us > 0 ? base_us : 0;
  s.u.delay.dist = dist;
  return s;
}

ztk_stage ztk_stage_jitter(int64_t max_us)
{
  ztk_stage s = make(ZTK_STAGE_JITTER);
  s.u.jitter.max_us = max_us > 0 ? max_us : 0;
  return s;
}

ztk_stage ztk_stage_reorder(double p, int64_t hold_us)
{
  return hold(ZTK_STAGE_REORDER, p, hold_us);
}

ztk_stage ztk_stage_custom(ztk_stage_fn fn, void *ctx)
{
  ztk_stage s = make(ZTK_STAGE_CUSTOM);
  s.u.custom.fn = fn;
  s.u.custom.ctx = ctx;
  return s;
}

void ztk_stage_reset(ztk_stage *s)
{
  if (s->kind == ZTK_STAGE_RATE)
    s->u.rate.busy_until_ns = 0;
  else if (s->kind == ZTK_STAGE_GE)
    s->u.ge.bad = false;
  else if (s->kind == ZTK_STAGE_JITTER)
    s->u.jitter.last_us = 0;
}

/* Rounds a non-negative double of microseconds to int64, saturating. */
static int64_t to_us(double x)
{
  if (!(x > 0))
    return 0;
  if (x >= 9.0e18)
    return INT64_C(9000000000000000000);
  return (int64_t)(x + 0.5);
}

int64_t ztk_dist_draw(const ztk_dist *d, ztk_rng *g)
{
  double x = 0;
  switch (d->kind) {
  case ZTK_DIST_UNIFORM:
    x = ztk_rng_uniform(g, d->a, d->b);
    break;
  case ZTK_DIST_NORMAL:
    x = ztk_rng_normal(g, d->a, d->b);
    break;
  case ZTK_DIST_EXPONENTIAL:
    x = d->a > 0 ? ztk_rng_exponential(g, d->a) : 0;
    break;
  case ZTK_DIST_PARETO:
    x = d->a > 0 && d->b > 0 ? ztk_rng_pareto(g, d->a, d->b) - d->a : 0;
    break;
  default:
    return 0;
  }
  int64_t v = to_us(x);
  return d->cap_us > 0 && v > d->cap_us ? d->cap_us : v;
}

/* Bandwidth: a FIFO whose occupancy is the unsent backlog, kept as the time (ns) the
 * transmitter frees up; exact for a constant-rate link and needs no per-packet state. */
static int apply_rate(ztk_stage *s, ztk_flight *f)
{
  uint64_t bps = s->u.rate.bps;
  if (!bps)
    return ZTK_DROP_NONE;
  int64_t t_ns = f->t_us * 1000;
  int64_t start = s->u.rate.busy_until_ns > t_ns ? s->u.rate.busy_until_ns : t_ns;
  unsigned __int128 backlog = (unsigned __int128)(start - t_ns) * bps / 8000000000u;
  if (backlog + f->wire_len > s->u.rate.queue_bytes)
    return ZTK_DROP_QUEUE;
  f->backlog = (uint32_t)backlog;
  if (start > t_ns)
    f->flags |= ZTK_FLIGHT_QUEUED;
  int64_t tx_ns = (int64_t)(((unsigned __int128)f->wire_len * 8000000000u + bps - 1) / bps);
  s->u.rate.busy_until_ns = start + tx_ns;
  f->t_us = (s->u.rate.busy_until_ns + 999) / 1000;
  return ZTK_DROP_NONE;
}

static int apply_ge(ztk_stage *s, ztk_flight *f, ztk_rng *g)
{
  if (s->u.ge.bad) {
    if (ztk_rng_chance(g, s->u.ge.p_bg))
      s->u.ge.bad = false;
  } else if (ztk_rng_chance(g, s->u.ge.p_gb)) {
    s->u.ge.bad = true;
  }
  double p = s->u.ge.bad ? s->u.ge.loss_bad : s->u.ge.loss_good;
  return ztk_rng_chance(g, p) ? ZTK_DROP_BURST : ZTK_DROP_NONE;
}

static void apply_corrupt(ztk_stage *s, ztk_flight *f, ztk_rng *g)
{
  if (!f->len || !ztk_rng_chance(g, s->u.corrupt.p))
    return;
  for (uint32_t i = 0; i < s->u.corrupt.bits; i++) {
    uint64_t bit = ztk_rng_below(g, (uint64_t)f->len * 8);
    f->data[bit / 8] ^= (uint8_t)(1u << (bit % 8));
  }
  f->flags |= ZTK_FLIGHT_CORRUPTED;
}

static void apply_jitter(ztk_stage *s, ztk_flight *f, ztk_rng *g)
{
  f->t_us += (int64_t)ztk_rng_below(g, (uint64_t)s->u.jitter.max_us + 1);
  if (f->t_us < s->u.jitter.last_us)
    f->t_us = s->u.jitter.last_us;
  s->u.jitter.last_us = f->t_us;
}

int ztk_stage_apply(ztk_stage *s, ztk_flight *f, ztk_rng *g)
{
  switch (s->kind) {
  case ZTK_STAGE_MTU:
    return s->u.mtu.max && f->wire_len > s->u.mtu.max ? ZTK_DROP_MTU : ZTK_DROP_NONE;
  case ZTK_STAGE_RATE:
    return apply_rate(s, f);
  case ZTK_STAGE_LOSS:
    return ztk_rng_chance(g, s->u.loss.p) ? ZTK_DROP_LOSS : ZTK_DROP_NONE;
  case ZTK_STAGE_GE:
    return apply_ge(s, f, g);
  case ZTK_STAGE_CORRUPT:
    apply_corrupt(s, f, g);
    return ZTK_DROP_NONE;
  case ZTK_STAGE_DUP:
    if (ztk_rng_chance(g, s->u.hold.p)) {
      f->copies = 1;
      f->copy_delay_us = s->u.hold.delay_us;
    }
    return ZTK_DROP_NONE;
  case ZTK_STAGE_DELAY:
    f->t_us += s->u.delay.base_us + ztk_dist_draw(&s->u.delay.dist, g);
    return ZTK_DROP_NONE;
  case ZTK_STAGE_JITTER:
    apply_jitter(s, f, g);
    return ZTK_DROP_NONE;
  case ZTK_STAGE_REORDER:
    if (ztk_rng_chance(g, s->u.hold.p)) {
      f->t_us += s->u.hold.delay_us;
      f->flags |= ZTK_FLIGHT_REORDERED;
    }
    return ZTK_DROP_NONE;
  case ZTK_STAGE_CUSTOM: {
    int64_t before = f->t_us;
    int r = s->u.custom.fn ? s->u.custom.fn(s->u.custom.ctx, f, g) : ZTK_DROP_NONE;
    if (f->t_us < before)
      f->t_us = before;
    return r > 0 && r < ZTK_DROP_COUNT ? r : (r ? ZTK_DROP_FILTER : ZTK_DROP_NONE);
  }
  }
  return ZTK_DROP_NONE;
}
