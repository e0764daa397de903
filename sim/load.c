#include "sim/load.h"

#include "ztkit/error.h"

static void tick(ztk_evq *q, void *ctx, void *arg)
{
  ztk_load *l = ctx;
  static const uint8_t payload[ZTK_NET_MAX_PAYLOAD];
  uint16_t port = l->port ? l->port : 9993;
  for (uint32_t i = 0; i < l->per_tick; i++) {
    if (l->max_sends && l->sent + l->refused >= l->max_sends)
      return;
    uint32_t a = l->first_host + (uint32_t)ztk_rng_below(&l->rng, l->nhosts);
    uint32_t b = l->first_host + (uint32_t)ztk_rng_below(&l->rng, l->nhosts);
    size_t len = l->min_len + ztk_rng_below(&l->rng, (uint64_t)l->max_len - l->min_len + 1);
    ztk_inaddr src, dst;
    if (ztk_net_addr(l->net, a, 0, &src) || ztk_net_addr(l->net, b, 0, &dst) ||
        src.family != dst.family) {
      l->refused++;
      continue;
    }
    src.port = dst.port = port;
    if (ztk_net_send(l->net, a, &src, &dst, 0, payload, len) == 0)
      l->sent++;
    else
      l->refused++;
  }
  if (ztk_evq_after(q, l->tick_us, tick, l, NULL, &l->tick) != 0)
    l->tick = 0;
}

int ztk_load_start(ztk_load *l, int64_t at_us)
{
  if (!l || !l->net || !l->nhosts || l->tick_us <= 0 || l->min_len > l->max_len ||
      l->max_len > ZTK_NET_MAX_PAYLOAD)
    return ZTK_EINVAL;
  l->sent = l->refused = 0;
  return ztk_evq_at(ztk_net_evq(l->net), at_us, tick, l, NULL, &l->tick);
}

void ztk_load_stop(ztk_load *l)
{
  ztk_evq_cancel(ztk_net_evq(l->net), l->tick);
  l->tick = 0;
}
