#include "sim/clock.h"

#include "ztkit/error.h"

static const int64_t BILLION = 1000000000;

void ztk_hostclock_init(ztk_hostclock *c, int64_t offset_us)
{
  c->anchor_virtual = 0;
  c->anchor_local = offset_us;
  c->drift_ppb = 0;
}

/* d * ppb / 1e9 without overflow for any d and |ppb| <= 1e8. */
static int64_t scaled(int64_t d, int64_t ppb)
{
  int64_t q = d / BILLION, r = d % BILLION;
  return q * ppb + r * ppb / BILLION;
}

int64_t ztk_hostclock_local_us(const ztk_hostclock *c, int64_t t_us)
{
  int64_t d = t_us - c->anchor_virtual;
  return c->anchor_local + d + scaled(d, c->drift_ppb);
}

int64_t ztk_hostclock_local_ms(const ztk_hostclock *c, int64_t t_us)
{
  int64_t l = ztk_hostclock_local_us(c, t_us);
  int64_t q = l / ZTK_US_PER_MS;
  return (l % ZTK_US_PER_MS < 0) ? q - 1 : q;
}

int ztk_hostclock_set_drift(ztk_hostclock *c, int64_t now_us, int64_t drift_ppb)
{
  if (drift_ppb > ZTK_HOSTCLOCK_MAX_DRIFT_PPB || drift_ppb < -ZTK_HOSTCLOCK_MAX_DRIFT_PPB)
    return ZTK_ERANGE;
  c->anchor_local = ztk_hostclock_local_us(c, now_us);
  c->anchor_virtual = now_us;
  c->drift_ppb = drift_ppb;
  return 0;
}

void ztk_hostclock_step(ztk_hostclock *c, int64_t now_us, int64_t delta_us)
{
  c->anchor_local = ztk_hostclock_local_us(c, now_us) + delta_us;
  c->anchor_virtual = now_us;
}

int64_t ztk_hostclock_virtual_us(const ztk_hostclock *c, int64_t local_us, int64_t not_before_us)
{
  if (ztk_hostclock_local_us(c, not_before_us) >= local_us)
    return not_before_us;
  /* Invert the linear map, then correct the integer truncation by a step or two. */
  __int128 dl = (__int128)local_us - c->anchor_local;
  int64_t d = (int64_t)(dl * BILLION / (BILLION + c->drift_ppb));
  int64_t v = c->anchor_virtual + d;
  for (int i = 0; i < 8 && ztk_hostclock_local_us(c, v) < local_us; i++)
    v++;
  for (int i = 0; i < 8 && v > not_before_us && ztk_hostclock_local_us(c, v - 1) >= local_us; i++)
    v--;
  return v < not_before_us ? not_before_us : v;
}
