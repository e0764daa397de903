/* In-memory Ethernet segment for tests and benchmarks; see wire.h. */
#include "stack/wire.h"

#include <stdlib.h>
#include <string.h>

#include "stack/env.h"
#include "ztkit/error.h"
#include "ztkit/types.h"

#define WIRE_DEFAULT_QUEUE 65536
#define WIRE_MAC_MULTICAST(m) ((((m) >> 40) & 1u) != 0)

typedef struct wire_frame {
  struct wire_frame *next;
  int64_t due;
  uint64_t seq;
  uint64_t src_mac, dst_mac;
  uint16_t ethertype;
  size_t len;
  uint8_t data[];
} wire_frame;

typedef struct wire_port {
  ztk_wire *wire;
  int index;
  ztk_stack_netif *netif;
  wire_frame *head, *tail; /* due times never decrease within one port */
  size_t queued;
  int64_t busy_until; /* serialisation of the last frame (rate limit) */
} wire_port;

struct ztk_wire {
  ztk_wire_config cfg;
  uint64_t rng;
  uint64_t seq;
  int nports;
  wire_port ports[ZTK_WIRE_MAX_PORTS];
  ztk_wire_stats stats;
};

int ztk_wire_new(ztk_wire **out, const ztk_wire_config *cfg)
{
  if (out == NULL)
    return ZTK_EINVAL;
  *out = NULL;
  if (cfg != NULL && (cfg->loss < 0 || cfg->loss > 1 || cfg->delay_ms < 0))
    return ZTK_EINVAL;
  ztk_wire *w = calloc(1, sizeof *w);
  if (w == NULL)
    return ZTK_ENOMEM;
  if (cfg != NULL)
    w->cfg = *cfg;
  if (w->cfg.max_queued == 0)
    w->cfg.max_queued = WIRE_DEFAULT_QUEUE;
  w->rng = w->cfg.seed ^ 0x6a09e667f3bcc909ull;
  *out = w;
  return 0;
}

void ztk_wire_free(ztk_wire *w)
{
  if (w == NULL)
    return;
  for (int i = 0; i < w->nports; i++) {
    wire_frame *f = w->ports[i].head;
    while (f != NULL) {
      wire_frame *next = f->next;
      free(f);
      f = next;
    }
  }
  free(w);
}

/* xorshift64*: uniform in [0, 1). */
static double wire_uniform(ztk_wire *w)
{
  w->rng ^= w->rng >> 12;
  w->rng ^= w->rng << 25;
  w->rng ^= w->rng >> 27;
  return (double)((w->rng * 0x2545f4914f6cdd1dull) >> 11) / 9007199254740992.0;
}

static void wire_frame_out(void *user, uint64_t nwid, uint64_t src_mac, uint64_t dst_mac,
                           uint16_t ethertype, uint16_t vlan_id, const void *data, size_t len)
{
  wire_port *p = user;
  ztk_wire *w = p->wire;
  (void)nwid;
  (void)vlan_id;
  w->stats.sent++;
  if (w->cfg.tap != NULL)
    w->cfg.tap(w->cfg.tap_user, p->index, src_mac, dst_mac, ethertype, data, len);
  if (w->cfg.loss > 0 && wire_uniform(w) < w->cfg.loss) {
    w->stats.lost++;
    return;
  }
  wire_frame *f = p->queued < w->cfg.max_queued ? malloc(sizeof *f + len) : NULL;
  if (f == NULL) {
    w->stats.overflow++;
    return;
  }
  int64_t now = ztk_stack_now();
  int64_t start = p->busy_until > now ? p->busy_until : now;
  if (w->cfg.rate_bps > 0)
    p->busy_until = start + (int64_t)((len + 14) * 8 * 1000 / w->cfg.rate_bps);
  f->next = NULL;
  f->due = (w->cfg.rate_bps > 0 ? p->busy_until : now) + w->cfg.delay_ms;
  f->seq = w->seq++;
  f->src_mac = src_mac;
  f->dst_mac = dst_mac;
  f->ethertype = ethertype;
  f->len = len;
  memcpy(f->data, data, len);
  if (p->tail != NULL)
    p->tail->next = f;
  else
    p->head = f;
  p->tail = f;
  p->queued++;
}

int ztk_wire_attach(ztk_wire *w, ztk_stack_host *h, const ztk_stack_netif_config *cfg,
                    ztk_stack_netif **out)
{
  static const ztk_stack_netif_callbacks cb = {wire_frame_out, NULL};
  if (w == NULL)
    return ZTK_EINVAL;
  if (w->nports >= ZTK_WIRE_MAX_PORTS)
    return ZTK_ELIMIT;
  wire_port *p = &w->ports[w->nports];
  memset(p, 0, sizeof *p);
  p->wire = w;
  p->index = w->nports;
  int rc = ztk_stack_netif_new(out, h, cfg, &cb, p);
  if (rc != 0)
    return rc;
  p->netif = *out;
  w->nports++;
  return 0;
}

void ztk_wire_detach(ztk_wire *w, const ztk_stack_netif *n)
{
  for (int i = 0; w != NULL && i < w->nports; i++) {
    if (w->ports[i].netif == n)
      w->ports[i].netif = NULL;
  }
}

/* The port whose queue head is due first (ties: lowest sequence), or NULL. */
static wire_port *wire_next_port(ztk_wire *w)
{
  wire_port *best = NULL;
  for (int i = 0; i < w->nports; i++) {
    const wire_frame *f = w->ports[i].head;
    if (f == NULL)
      continue;
    if (best == NULL || f->due < best->head->due ||
        (f->due == best->head->due && f->seq < best->head->seq))
      best = &w->ports[i];
  }
  return best;
}

int64_t ztk_wire_next_due(const ztk_wire *w)
{
  int64_t due = ZTK_NEVER;
  for (int i = 0; i < w->nports; i++) {
    const wire_frame *f = w->ports[i].head;
    if (f != NULL && f->due < due)
      due = f->due;
  }
  return due;
}

static void wire_hand_over(ztk_wire *w, const wire_port *from, const wire_frame *f)
{
  bool found = false;
  for (int i = 0; i < w->nports; i++) {
    const wire_port *to = &w->ports[i];
    if (to == from || to->netif == NULL)
      continue;
    if (!WIRE_MAC_MULTICAST(f->dst_mac) && ztk_stack_netif_mac(to->netif) != f->dst_mac)
      continue;
    found = true;
    w->stats.delivered++;
    ztk_stack_netif_input(to->netif, f->src_mac, f->dst_mac, f->ethertype, 0, f->data, f->len);
  }
  if (!found)
    w->stats.unknown_dst++;
}

long ztk_wire_deliver(ztk_wire *w, int64_t now, long budget)
{
  long done = 0;
  wire_port *p;
  while (done < budget && (p = wire_next_port(w)) != NULL && p->head->due <= now) {
    wire_frame *f = p->head;
    p->head = f->next;
    if (p->head == NULL)
      p->tail = NULL;
    p->queued--;
    ztk_stack_set_now(now);
    wire_hand_over(w, p, f);
    free(f);
    done++;
  }
  return done;
}

void ztk_wire_stats_get(const ztk_wire *w, ztk_wire_stats *out)
{
  *out = w->stats;
}

int ztk_wire_set_loss(ztk_wire *w, double loss)
{
  if (w == NULL || loss < 0 || loss > 1)
    return ZTK_EINVAL;
  w->cfg.loss = loss;
  return 0;
}

int64_t ztk_wire_step(ztk_wire *const *wires, int n, int64_t now, int64_t limit)
{
  int64_t next = limit;
  for (int i = 0; i < n; i++) {
    int64_t due = ztk_wire_next_due(wires[i]);
    if (due < next)
      next = due;
  }
  int64_t deadline = ztk_stack_next_deadline();
  if (deadline < next)
    next = deadline;
  if (next < now)
    next = now;
  ztk_stack_set_now(next);
  ztk_stack_tick(next);
  for (int i = 0; i < n; i++)
    ztk_wire_deliver(wires[i], next, 1L << 20);
  return next;
}
