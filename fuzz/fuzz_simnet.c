/* Target Functions: the simulated underlay as a whole (sim/net, fwd, route, link, stage, nat,
 * partition, evq, transport).
 *
 * A deep stateful target: the input is a program of small operations (add hosts, routers, NAT
 * boxes and links with random impairments, send datagrams, cut and heal, flap links, step
 * clocks, bind and use sim transports, run the clock). Everything is bounded, so an input
 * always finishes; after each run the books must balance (sent + duplicated == received +
 * dropped + in flight) and everything must be freed. */
#include <stdlib.h>
#include <string.h>

#include "core/util/cursor.h"
#include "sim/net.h"
#include "sim/transport.h"

#define MAX_OPS 256
#define MAX_TP 8

typedef struct prog {
  ztk_rd in;
  ztk_evq *q;
  ztk_net *n;
  ztk_transport *tp[MAX_TP];
  int ntp;
  uint32_t next_ip;
} prog;

static uint8_t u8(prog *p)
{
  return ztk_rd_u8(&p->in);
}

/* An existing element id (or 0 when there are none). */
static uint32_t pick(prog *p)
{
  uint32_t n = ztk_net_elements(p->n);
  return n ? ztk_rd_u8(&p->in) % n : 0;
}

static void op_host(prog *p)
{
  uint32_t realms = 1;
  for (uint32_t e = 0; e < ztk_net_elements(p->n); e++)
    realms += ztk_net_kind(p->n, e) == ZTK_ELEM_NAT;
  int h = ztk_net_add_host(p->n, u8(p) % realms);
  if (h < 0)
    return;
  ztk_inaddr a;
  ztk_inaddr_v4(&a, 0x0a000000u + (p->next_ip++ % 8), 0); /* few addresses: collisions too */
  ztk_net_add_addr(p->n, (uint32_t)h, &a);
  if (u8(p) & 1) {
    uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8};
    v6[15] = (uint8_t)p->next_ip;
    ztk_inaddr_v6(&a, v6, 0);
    ztk_net_add_addr(p->n, (uint32_t)h, &a);
  }
}

static void op_nat(prog *p)
{
  ztk_nat_config cfg = {.type = (ztk_nat_type)(u8(p) % 5),
                        .ports = (ztk_nat_ports)(u8(p) % 3),
                        .port_min = 1000,
                        .port_max = (uint16_t)(1000 + u8(p) % 8),
                        .timeout_us = (int64_t)u8(p) * 1000,
                        .hairpin = u8(p) & 1,
                        .inbound_refresh = u8(p) & 1,
                        .max_mappings = 1 + u8(p) % 6};
  ztk_inaddr pub;
  ztk_inaddr_v4(&pub, 0xcb007100u + (p->next_ip++ % 8), 0);
  ztk_net_add_nat(p->n, u8(p) % 2, &pub, &cfg);
}

static void read_params(prog *p, ztk_link_params *lp)
{
  memset(lp, 0, sizeof *lp);
  uint8_t mask = u8(p);
  lp->latency_us = (int64_t)u8(p) * 100;
  if (mask & 1)
    lp->delay = (ztk_dist){(ztk_dist_kind)(u8(p) % 5), u8(p) * 10.0, u8(p) / 10.0, 100000};
  lp->jitter_us = mask & 2 ? u8(p) * 10 : 0;
  lp->loss = mask & 4 ? u8(p) / 255.0 : 0;
  if (mask & 8) {
    lp->ge_p_gb = u8(p) / 255.0;
    lp->ge_p_bg = u8(p) / 255.0;
    lp->ge_loss_bad = u8(p) / 255.0;
  }
  lp->dup = mask & 16 ? u8(p) / 255.0 : 0;
  lp->reorder = mask & 32 ? u8(p) / 255.0 : 0;
  lp->reorder_delay_us = u8(p) * 50;
  lp->corrupt = mask & 64 ? u8(p) / 255.0 : 0;
  lp->corrupt_bits = u8(p) % 4;
  if (mask & 128) {
    lp->rate_bps = 1000 + (uint64_t)u8(p) * 10000;
    lp->queue_bytes = (uint32_t)u8(p) * 64;
    lp->mtu = 28 + (uint32_t)u8(p) * 4;
  }
}

static void op_link(prog *p)
{
  ztk_link_params ab, ba;
  uint32_t a = pick(p), b = pick(p);
  read_params(p, &ab);
  read_params(p, &ba);
  if (ztk_net_links(p->n) < 128)
    ztk_net_link(p->n, a, b, &ab, u8(p) & 1 ? &ba : NULL);
}

/* A datagram from host a's address i to some element's address j. */
static void op_send(prog *p)
{
  uint32_t a = pick(p), b = pick(p);
  ztk_inaddr src, dst;
  if (ztk_net_addr(p->n, a, u8(p) % 2, &src) || ztk_net_addr(p->n, b, u8(p) % 2, &dst))
    return;
  src.port = (uint16_t)(1 + u8(p) % 4);
  dst.port = (uint16_t)(u8(p) & 1 ? 1000 + u8(p) % 8 : 1 + u8(p) % 4);
  static uint8_t buf[600];
  size_t len = (size_t)u8(p) * 2;
  memset(buf, u8(p), len);
  ztk_net_send(p->n, a, &src, &dst, u8(p) % 4, buf, len);
}

static void op_change(prog *p)
{
  ztk_partition *part = ztk_net_partition(p->n);
  ztk_net_op op = {(ztk_net_op_kind)(1 + u8(p) % 8), pick(p), pick(p), u8(p) % 4 - 1, u8(p) & 1,
                   (int64_t)(int8_t)u8(p) * 1000};
  char name[8] = {'g', (char)('a' + u8(p) % 6), 0};
  int g = ztk_part_group(part, name);
  if (g >= 0) {
    ztk_net_group_add(p->n, g, pick(p));
    if (op.kind >= ZTK_NET_OP_CUT && op.kind <= ZTK_NET_OP_ISOLATE) {
      op.a %= part->ngroups;
      op.b %= part->ngroups;
    }
  }
  if (u8(p) & 1)
    ztk_net_apply(p->n, &op);
  else
    ztk_net_schedule(p->n, ztk_evq_now_us(p->q) + (int64_t)u8(p) * 1000, &op);
}

static void op_transport(prog *p)
{
  uint8_t which = u8(p);
  if (which & 1 && p->ntp < MAX_TP) {
    uint32_t h = pick(p);
    if (ztk_simtp_new(&p->tp[p->ntp], p->n, h, 1 + u8(p) % 4, NULL, NULL) == 0) {
      struct sockaddr_storage ss;
      ztk_inaddr any = {.family = 4, .port = (uint16_t)(u8(p) % 3)};
      socklen_t len = ztk_inaddr_to_sockaddr(&any, &ss);
      ztk_transport_bind(p->tp[p->ntp++], (struct sockaddr *)&ss, len);
    }
    return;
  }
  if (!p->ntp)
    return;
  ztk_transport *t = p->tp[u8(p) % p->ntp];
  uint8_t buf[64];
  ztk_datagram d[2] = {{.data = buf, .cap = u8(p) % 64}, {.data = buf, .cap = sizeof buf}};
  ztk_transport_recv(t, d, 2);
  struct sockaddr_storage to;
  ztk_inaddr dst;
  if (ztk_net_addr(p->n, pick(p), 0, &dst) == 0) {
    dst.port = (uint16_t)(u8(p) % 3 ? 49152 : 1);
    socklen_t len = ztk_inaddr_to_sockaddr(&dst, &to);
    ztk_transport_send(t, -1, (struct sockaddr *)&to, len, buf, u8(p) % 64, u8(p) % 3);
  }
}

static void check_books(prog *p)
{
  uint64_t sent = 0, dup = 0, got = 0, dropped = 0;
  for (uint32_t e = 0; e < ztk_net_elements(p->n); e++) {
    const ztk_host_counters *c = ztk_net_host_counters(p->n, e);
    if (!c)
      continue;
    sent += c->sent;
    dup += c->duplicated;
    got += c->received;
    for (int r = 0; r < ZTK_DROP_COUNT; r++)
      dropped += c->dropped[r];
  }
  if (sent + dup != got + dropped + ztk_net_inflight(p->n))
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  prog p = {.in = ztk_rd_make(data, size)};
  ztk_rng_root root;
  ztk_rng_root_init(&root, size);
  ztk_net_config cfg = {.max_elements = 48, .max_links = 128, .max_inflight = 256};
  if (ztk_evq_new(&p.q, 4096) || ztk_net_new(&p.n, p.q, &root, &cfg))
    abort();
  for (int i = 0; i < MAX_OPS && ztk_rd_left(&p.in) > 0; i++) {
    switch (u8(&p) % 9) {
    case 0:
      op_host(&p);
      break;
    case 1:
      ztk_net_add_router(p.n);
      break;
    case 2:
      ztk_net_add_switch(p.n);
      break;
    case 3:
      op_nat(&p);
      break;
    case 4:
      op_link(&p);
      break;
    case 5:
      op_send(&p);
      break;
    case 6:
      op_change(&p);
      break;
    case 7:
      op_transport(&p);
      break;
    default:
      ztk_evq_run(p.q, ztk_evq_now_us(p.q) + (int64_t)u8(&p) * 1000, 2000, NULL, NULL, NULL);
    }
    check_books(&p);
  }
  ztk_evq_run(p.q, ZTK_NEVER, 20000, NULL, NULL, NULL);
  check_books(&p);
  for (int i = 0; i < p.ntp; i++)
    ztk_transport_close(p.tp[i]);
  ztk_net_del(p.n);
  if (ztk_evq_size(p.q) != 0)
    abort();
  ztk_evq_del(p.q);
  return 0;
}
