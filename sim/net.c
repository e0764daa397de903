/* The fabric's structure: elements, realms, addresses, links, partitions and timed changes.
 * The datagram path is in fwd.c, routing in route.c. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "sim/net_impl.h"
#include "ztkit/error.h"

int ztk_net_reserve(void **items, uint32_t *cap, size_t size, uint32_t need, uint32_t max)
{
  if (need <= *cap)
    return 0;
  if (need > max)
    return ZTK_ELIMIT;
  uint64_t c = *cap ? (uint64_t)*cap * 2 : 1; /* most hosts hold one link: start small */
  while (c < need)
    c *= 2;
  if (c > max)
    c = max;
  void *p = realloc(*items, (size_t)c * size);
  if (!p)
    return ZTK_ENOMEM;
  *items = p;
  *cap = (uint32_t)c;
  return 0;
}

#define RESERVE(arr, cap, need, max)                                                               \
  ztk_net_reserve((void **)&(arr), &(cap), sizeof *(arr), (need), (max))

int ztk_net_new(ztk_net **out, ztk_evq *q, const ztk_rng_root *root, const ztk_net_config *cfg)
{
  if (!out || !q || !root)
    return ZTK_EINVAL;
  ztk_net *n = calloc(1, sizeof *n);
  if (!n)
    return ZTK_ENOMEM;
  n->q = q;
  n->root = *root;
  if (cfg)
    n->cfg = *cfg;
  if (!n->cfg.max_elements || n->cfg.max_elements >= NONE / 2)
    n->cfg.max_elements = 1u << 20;
  if (!n->cfg.max_links || n->cfg.max_links >= NONE / 2)
    n->cfg.max_links = 1u << 21;
  if (!n->cfg.max_inflight)
    n->cfg.max_inflight = 1u << 20;
  ztk_hmap_init(&n->addr_index, n->cfg.max_elements);
  ztk_part_init(&n->part);
  if (RESERVE(n->realms, n->caprealms, 1, n->cfg.max_elements)) {
    free(n);
    return ZTK_ENOMEM;
  }
  n->realms[n->nrealms++] = NONE; /* the public realm has no gateway */
  *out = n;
  return 0;
}

/* Teardown: frees whatever a pending fabric event points to. */
static void purge_one(void *ctx, ztk_ev_fn fn, void *arg)
{
  if (fn == ztk_fwd_arrive)
    ztk_fwd_free(ctx, arg);
  else
    free(arg);
}

void ztk_net_del(ztk_net *n)
{
  if (!n)
    return;
  ztk_evq_purge(n->q, n, purge_one);
  ztk_route_invalidate(n);
  free(n->rows);
  for (uint32_t i = 0; i < n->nelems; i++)
    free(n->elems[i].links);
  for (uint32_t i = 0; i < n->nlinks; i++) {
    ztk_linkdir_free(&n->links[i].dir[0]);
    ztk_linkdir_free(&n->links[i].dir[1]);
  }
  for (uint32_t i = 0; i < n->nnats; i++)
    ztk_nat_del(n->nats[i].nat);
  ztk_hmap_free(&n->addr_index);
  free(n->elems);
  free(n->hosts);
  free(n->nats);
  free(n->realms);
  free(n->addrs);
  free(n->links);
  free(n->transit);
  free(n);
}

ztk_evq *ztk_net_evq(const ztk_net *n)
{
  return n->q;
}

static bool valid_elem(const ztk_net *n, uint32_t e)
{
  return e < n->nelems;
}

static bool is_host(const ztk_net *n, uint32_t e)
{
  return valid_elem(n, e) && n->elems[e].kind == ZTK_ELEM_HOST;
}

/* Appends an element; transit kinds get a transit index. Returns the id or an error. */
static int add_elem(ztk_net *n, ztk_elem_kind kind, uint32_t realm)
{
  int err = RESERVE(n->elems, n->capelems, n->nelems + 1, n->cfg.max_elements);
  bool transit = kind != ZTK_ELEM_HOST;
  if (!err && transit)
    err = RESERVE(n->transit, n->captransit, n->ntransit + 1, n->cfg.max_elements);
  if (err)
    return err;
  uint32_t id = n->nelems++;
  elem *e = &n->elems[id];
  memset(e, 0, sizeof *e);
  e->kind = (uint8_t)kind;
  e->realm = realm;
  e->aux = e->addr = e->tidx = e->row = NONE;
  if (transit) {
    e->tidx = n->ntransit;
    n->transit[n->ntransit++] = id;
    ztk_route_invalidate(n);
  }
  return (int)id;
}

int ztk_net_add_host(ztk_net *n, uint32_t realm)
{
  if (realm >= n->nrealms)
    return ZTK_EINVAL;
  int err = RESERVE(n->hosts, n->caphosts, n->nhosts + 1, n->cfg.max_elements);
  if (err)
    return err;
  int id = add_elem(n, ZTK_ELEM_HOST, realm);
  if (id < 0)
    return id;
  host *h = &n->hosts[n->nhosts];
  memset(h, 0, sizeof *h);
  ztk_hostclock_init(&h->clock, 0);
  n->elems[id].aux = n->nhosts++;
  return id;
}

int ztk_net_add_router(ztk_net *n)
{
  return add_elem(n, ZTK_ELEM_ROUTER, ZTK_NET_PUBLIC);
}

int ztk_net_add_switch(ztk_net *n)
{
  return add_elem(n, ZTK_ELEM_SWITCH, ZTK_NET_PUBLIC);
}

/* ---- addresses ---------------------------------------------------------------------------- */

typedef struct addr_key {
  uint32_t realm;
  const ztk_inaddr *ip;
} addr_key;

static uint64_t addr_hash(uint32_t realm, const ztk_inaddr *ip)
{
  uint8_t b[21];
  ztk_be_put(b, realm, 4);
  b[4] = ip->family;
  memcpy(b + 5, ip->ip, 16);
  return ztk_hmap_hash(b, ip->family == 4 ? 9 : 21);
}

static bool addr_eq(const void *ctx, const void *key, uint32_t v)
{
  const ztk_net *n = ctx;
  const addr_key *k = key;
  return n->addrs[v].realm == k->realm && ztk_inaddr_ip_eq(&n->addrs[v].ip, k->ip);
}

static uint32_t addr_realm(const ztk_net *n, uint32_t realm, const ztk_inaddr *ip)
{
  (void)n;
  return ip->family == 6 ? ZTK_NET_PUBLIC : realm;
}

int ztk_net_find_addr(const ztk_net *n, uint32_t realm, const ztk_inaddr *ip)
{
  addr_key k = {addr_realm(n, realm, ip), ip};
  uint32_t i = ztk_hmap_find(&n->addr_index, addr_hash(k.realm, ip), addr_eq, n, &k);
  return i == ZTK_HMAP_NONE ? ZTK_ENOTFOUND : (int)n->addrs[i].elem;
}

/* Registers ip (family 4 or 6) for element e in realm. */
static int register_addr(ztk_net *n, uint32_t e, uint32_t realm, const ztk_inaddr *ip)
{
  if (ip->family != 4 && ip->family != 6)
    return ZTK_EINVAL;
  realm = addr_realm(n, realm, ip);
  if (ztk_net_find_addr(n, realm, ip) >= 0)
    return ZTK_EEXIST;
  if (n->elems[e].naddr >= ZTK_NET_MAX_ADDRS)
    return ZTK_ELIMIT;
  int err = RESERVE(n->addrs, n->capaddrs, n->naddrs + 1, n->cfg.max_elements);
  if (!err)
    err = ztk_hmap_insert(&n->addr_index, addr_hash(realm, ip), n->naddrs);
  if (err)
    return err;
  addr_ent *a = &n->addrs[n->naddrs];
  a->ip = *ip;
  a->ip.port = 0;
  a->realm = realm;
  a->elem = e;
  a->next = NONE;
  /* append to the element's chain so addresses keep the order they were added in */
  uint32_t *tail = &n->elems[e].addr;
  while (*tail != NONE) /* at most ZTK_NET_MAX_ADDRS steps */
    tail = &n->addrs[*tail].next;
  *tail = n->naddrs++;
  n->elems[e].naddr++;
  return 0;
}

int ztk_net_add_addr(ztk_net *n, uint32_t e, const ztk_inaddr *ip)
{
  if (!is_host(n, e) || !ip)
    return ZTK_EINVAL;
  return register_addr(n, e, n->elems[e].realm, ip);
}

int ztk_net_addr(const ztk_net *n, uint32_t e, uint32_t i, ztk_inaddr *out)
{
  if (!valid_elem(n, e))
    return ZTK_ENOTFOUND;
  uint32_t a = n->elems[e].addr;
  for (uint32_t k = 0; k < i && a != NONE; k++)
    a = n->addrs[a].next;
  if (a == NONE)
    return ZTK_ENOTFOUND;
  *out = n->addrs[a].ip;
  return 0;
}

uint32_t ztk_net_elements(const ztk_net *n)
{
  return n->nelems;
}

ztk_elem_kind ztk_net_kind(const ztk_net *n, uint32_t e)
{
  return valid_elem(n, e) ? (ztk_elem_kind)n->elems[e].kind : (ztk_elem_kind)0;
}

uint32_t ztk_net_realm(const ztk_net *n, uint32_t e)
{
  return valid_elem(n, e) ? n->elems[e].realm : 0;
}

/* ---- NAT boxes ---------------------------------------------------------------------------- */

int ztk_net_add_nat(ztk_net *n, uint32_t outside_realm, const ztk_inaddr *public_ip,
                    const ztk_nat_config *cfg)
{
  if (outside_realm >= n->nrealms || !public_ip || public_ip->family != 4 || !cfg)
    return ZTK_EINVAL;
  if (ztk_net_find_addr(n, outside_realm, public_ip) >= 0)
    return ZTK_EEXIST;
  int err = RESERVE(n->nats, n->capnats, n->nnats + 1, n->cfg.max_elements);
  if (!err)
    err = RESERVE(n->realms, n->caprealms, n->nrealms + 1, n->cfg.max_elements);
  if (err)
    return err;
  ztk_rng rng;
  ztk_rng_streamf(&n->root, &rng, "nat:%" PRIu32, n->nelems);
  ztk_nat *nat;
  if ((err = ztk_nat_new(&nat, cfg, public_ip, &rng)) != 0)
    return err;
  int id = add_elem(n, ZTK_ELEM_NAT, outside_realm);
  if (id >= 0 && (err = register_addr(n, (uint32_t)id, outside_realm, public_ip)) != 0) {
    n->nelems--; /* roll the fresh (linkless, addressless) element back */
    n->ntransit--;
    ztk_route_invalidate(n);
    id = err;
  }
  if (id < 0) {
    ztk_nat_del(nat);
    return id;
  }
  n->nats[n->nnats] = (natbox){(uint32_t)id, n->nrealms, nat};
  n->elems[id].aux = n->nnats++;
  n->realms[n->nrealms++] = (uint32_t)id;
  return id;
}

int64_t ztk_net_nat_realm(const ztk_net *n, uint32_t e)
{
  if (!valid_elem(n, e) || n->elems[e].kind != ZTK_ELEM_NAT)
    return ZTK_EINVAL;
  return n->nats[n->elems[e].aux].inside_realm;
}

ztk_nat *ztk_net_nat(const ztk_net *n, uint32_t e)
{
  if (!valid_elem(n, e) || n->elems[e].kind != ZTK_ELEM_NAT)
    return NULL;
  return n->nats[n->elems[e].aux].nat;
}

/* ---- links -------------------------------------------------------------------------------- */

static int attach(ztk_net *n, uint32_t e, uint32_t l)
{
  elem *x = &n->elems[e];
  int err = RESERVE(x->links, x->caplinks, x->nlinks + 1, n->cfg.max_links);
  if (!err)
    x->links[x->nlinks++] = l;
  return err;
}

static int init_dir(ztk_net *n, uint32_t l, int d, const ztk_link_params *p)
{
  ztk_rng rng;
  ztk_rng_streamf(&n->root, &rng, "link:%" PRIu32 "/%d", l, d);
  ztk_linkdir_init(&n->links[l].dir[d], &rng);
  return p ? ztk_linkdir_set_params(&n->links[l].dir[d], p) : 0;
}

int ztk_net_link(ztk_net *n, uint32_t a, uint32_t b, const ztk_link_params *ab,
                 const ztk_link_params *ba)
{
  if (!valid_elem(n, a) || !valid_elem(n, b) || a == b)
    return ZTK_EINVAL;
  int err = RESERVE(n->links, n->caplinks, n->nlinks + 1, n->cfg.max_links);
  if (err)
    return err;
  uint32_t l = n->nlinks;
  n->links[l].a = a;
  n->links[l].b = b;
  memset(n->links[l].dir, 0, sizeof n->links[l].dir);
  if ((err = init_dir(n, l, 0, ab)) == 0)
    err = init_dir(n, l, 1, ba ? ba : ab);
  if (!err && (err = attach(n, a, l)) == 0 && (err = attach(n, b, l)) != 0)
    n->elems[a].nlinks--;
  if (err) {
    ztk_linkdir_free(&n->links[l].dir[0]);
    ztk_linkdir_free(&n->links[l].dir[1]);
    return err;
  }
  n->nlinks++;
  ztk_route_invalidate(n);
  return (int)l;
}

uint32_t ztk_net_links(const ztk_net *n)
{
  return n->nlinks;
}

int64_t ztk_net_find_link(const ztk_net *n, uint32_t a, uint32_t b)
{
  if (!valid_elem(n, a) || !valid_elem(n, b))
    return ZTK_ENOTFOUND;
  const elem *e = &n->elems[a];
  for (uint32_t i = 0; i < e->nlinks; i++)
    if (ztk_net_other(n, e->links[i], a) == b)
      return e->links[i];
  return ZTK_ENOTFOUND;
}

int ztk_net_link_ends(const ztk_net *n, uint32_t link, uint32_t *a, uint32_t *b)
{
  if (link >= n->nlinks)
    return ZTK_ENOTFOUND;
  *a = n->links[link].a;
  *b = n->links[link].b;
  return 0;
}

ztk_linkdir *ztk_net_linkdir(ztk_net *n, uint32_t link, int dir)
{
  return link < n->nlinks && (dir == 0 || dir == 1) ? &n->links[link].dir[dir] : NULL;
}

int ztk_net_link_set(ztk_net *n, uint32_t link, int dir, const ztk_link_params *p)
{
  if (link >= n->nlinks || dir < -1 || dir > 1 || !p)
    return ZTK_ENOTFOUND;
  for (int d = 0; d < 2; d++)
    if (dir == -1 || dir == d) {
      int err = ztk_linkdir_set_params(&n->links[link].dir[d], p);
      if (err)
        return err;
    }
  return 0;
}

/* ---- hosts -------------------------------------------------------------------------------- */

int ztk_net_set_rx(ztk_net *n, uint32_t e, ztk_net_rx_fn fn, void *ctx)
{
  if (!is_host(n, e))
    return ZTK_EINVAL;
  host *h = &n->hosts[n->elems[e].aux];
  h->rx = fn;
  h->rx_ctx = ctx;
  return 0;
}

int ztk_net_get_rx(const ztk_net *n, uint32_t e, ztk_net_rx_fn *fn, void **ctx)
{
  if (!is_host(n, e))
    return ZTK_EINVAL;
  const host *h = &n->hosts[n->elems[e].aux];
  *fn = h->rx;
  *ctx = h->rx_ctx;
  return 0;
}

const ztk_host_counters *ztk_net_host_counters(const ztk_net *n, uint32_t e)
{
  return is_host(n, e) ? &n->hosts[n->elems[e].aux].c : NULL;
}

ztk_hostclock *ztk_net_clock(ztk_net *n, uint32_t e)
{
  return is_host(n, e) ? &n->hosts[n->elems[e].aux].clock : NULL;
}

int64_t ztk_net_local_ms(const ztk_net *n, uint32_t e)
{
  if (!is_host(n, e))
    return ztk_evq_now_ms(n->q);
  return ztk_hostclock_local_ms(&n->hosts[n->elems[e].aux].clock, ztk_evq_now_us(n->q));
}

/* ---- partitions --------------------------------------------------------------------------- */

ztk_partition *ztk_net_partition(ztk_net *n)
{
  return &n->part;
}

int ztk_net_group_add(ztk_net *n, int g, uint32_t e)
{
  if (!valid_elem(n, e) || g < 0 || (uint32_t)g >= n->part.ngroups)
    return ZTK_EINVAL;
  n->elems[e].groups |= ztk_part_bit(g);
  return 0;
}

int ztk_net_group_remove(ztk_net *n, int g, uint32_t e)
{
  if (!valid_elem(n, e) || g < 0 || (uint32_t)g >= n->part.ngroups)
    return ZTK_EINVAL;
  n->elems[e].groups &= ~ztk_part_bit(g);
  return 0;
}

/* ---- timed changes ------------------------------------------------------------------------ */

static const char *const OP_NAMES[] = {"?",       "link-up",  "link-down",  "cut",        "heal",
                                       "isolate", "heal-all", "clock-step", "clock-drift"};

static int set_link_up(ztk_net *n, uint32_t link, int dir, bool up)
{
  if (link >= n->nlinks || dir < -1 || dir > 1)
    return ZTK_ENOTFOUND;
  for (int d = 0; d < 2; d++)
    if (dir == -1 || dir == d)
      n->links[link].dir[d].up = up;
  return 0;
}

static int apply_op(ztk_net *n, const ztk_net_op *op)
{
  int64_t now = ztk_evq_now_us(n->q);
  switch (op->kind) {
  case ZTK_NET_OP_LINK_UP:
  case ZTK_NET_OP_LINK_DOWN:
    return set_link_up(n, op->a, op->dir, op->kind == ZTK_NET_OP_LINK_UP);
  case ZTK_NET_OP_CUT:
    return ztk_part_cut(&n->part, (int)op->a, (int)op->b, op->both);
  case ZTK_NET_OP_HEAL:
    return ztk_part_heal(&n->part, (int)op->a, (int)op->b, op->both);
  case ZTK_NET_OP_ISOLATE:
    return ztk_part_isolate(&n->part, (int)op->a, op->dir & 1, op->dir & 2);
  case ZTK_NET_OP_HEAL_ALL:
    ztk_part_heal_all(&n->part);
    return 0;
  case ZTK_NET_OP_CLOCK_STEP:
    if (!is_host(n, op->a))
      return ZTK_ENOTFOUND;
    ztk_hostclock_step(ztk_net_clock(n, op->a), now, op->value);
    return 0;
  case ZTK_NET_OP_CLOCK_DRIFT:
    if (!is_host(n, op->a))
      return ZTK_ENOTFOUND;
    return ztk_hostclock_set_drift(ztk_net_clock(n, op->a), now, op->value);
  }
  return ZTK_EINVAL;
}

int ztk_net_apply(ztk_net *n, const ztk_net_op *op)
{
  if (!op)
    return ZTK_EINVAL;
  int err = apply_op(n, op);
  if (n->trace) {
    unsigned k = op->kind <= ZTK_NET_OP_CLOCK_DRIFT ? (unsigned)op->kind : 0;
    ztk_trace_printf(n->trace, ztk_evq_now_us(n->q),
                     "net %s a=%" PRIu32 " b=%" PRIu32 " dir=%d both=%d v=%" PRId64 "%s%s",
                     OP_NAMES[k], op->a, op->b, op->dir, op->both ? 1 : 0, op->value,
                     err ? " err=" : "", err ? ztk_errname(err) : "");
  }
  return err;
}

static void op_event(ztk_evq *q, void *ctx, void *arg)
{
  (void)q;
  ztk_net_apply(ctx, arg);
  free(arg);
}

int ztk_net_schedule(ztk_net *n, int64_t at_us, const ztk_net_op *op)
{
  if (!op)
    return ZTK_EINVAL;
  ztk_net_op *copy = malloc(sizeof *copy);
  if (!copy)
    return ZTK_ENOMEM;
  *copy = *op;
  int err = ztk_evq_at(n->q, at_us, op_event, n, copy, NULL);
  if (err)
    free(copy);
  return err;
}

/* ---- routing queries ---------------------------------------------------------------------- */

int64_t ztk_net_next_link(ztk_net *n, uint32_t from, uint32_t to)
{
  if (!valid_elem(n, from) || !valid_elem(n, to) || from == to)
    return ZTK_EINVAL;
  int err = 0;
  uint32_t l = ztk_route_next(n, from, to, &err);
  if (err)
    return err;
  return l == NONE ? ZTK_ENOTFOUND : (int64_t)l;
}

int ztk_net_path(ztk_net *n, uint32_t from, uint32_t to, uint32_t *out, int max)
{
  if (!valid_elem(n, from) || !valid_elem(n, to) || max < 1)
    return ZTK_EINVAL;
  int count = 0;
  out[count++] = from;
  for (uint32_t x = from; x != to;) {
    if (count > ZTK_NET_MAX_HOPS)
      return ZTK_ENOTFOUND;
    int64_t l = ztk_net_next_link(n, x, to);
    if (l < 0)
      return (int)l;
    if (count >= max)
      return ZTK_ENOSPACE;
    x = ztk_net_other(n, (uint32_t)l, x);
    out[count++] = x;
  }
  return count;
}

/* ---- observation -------------------------------------------------------------------------- */

void ztk_net_set_trace(ztk_net *n, ztk_trace *t)
{
  n->trace = t;
}

ztk_trace *ztk_net_trace(const ztk_net *n)
{
  return n->trace;
}

int ztk_net_capture(ztk_net *n, uint32_t e, ztk_pcap *w)
{
  if (!w || (e != ZTK_NET_NONE && !valid_elem(n, e)))
    return ZTK_EINVAL;
  if (n->ncaps >= ZTK_NET_MAX_CAPTURES)
    return ZTK_ELIMIT;
  n->caps[n->ncaps++] = (capture){e, w};
  return 0;
}

uint32_t ztk_net_inflight(const ztk_net *n)
{
  return n->inflight;
}

uint64_t ztk_net_datagrams(const ztk_net *n)
{
  return n->next_id;
}

size_t ztk_net_bytes(const ztk_net *n)
{
  size_t b = sizeof *n + (size_t)n->capelems * sizeof(elem) + (size_t)n->caphosts * sizeof(host) +
             (size_t)n->capnats * sizeof(natbox) + (size_t)n->caprealms * 4 +
             (size_t)n->capaddrs * sizeof(addr_ent) + ztk_hmap_bytes(&n->addr_index) +
             (size_t)n->caplinks * sizeof(fab_link) + (size_t)n->captransit * 4 +
             ztk_route_bytes(n) + n->inflight_bytes;
  for (uint32_t i = 0; i < n->nelems; i++)
    b += (size_t)n->elems[i].caplinks * 4;
  for (uint32_t i = 0; i < n->nlinks; i++)
    b += ((size_t)n->links[i].dir[0].nstages + n->links[i].dir[1].nstages) * sizeof(ztk_stage);
  for (uint32_t i = 0; i < n->nnats; i++)
    b += ztk_nat_bytes(n->nats[i].nat);
  return b;
}
