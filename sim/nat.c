#include "sim/nat.h"

#include <stdlib.h>
#include <string.h>

#include "sim/hmap.h"
#include "ztkit/error.h"

#define NONE UINT32_MAX

typedef struct mapping {
  uint32_t next_free;   /* free-list link (first in both record types: see pool_take) */
  uint32_t in_ip, r_ip; /* r_* only for SYMMETRIC (the one remote of this mapping) */
  uint16_t in_port, r_port, pub_port;
  bool live;
  uint32_t gen; /* bumped on free, so stale permissions never match a reused slot */
  int64_t last_us;
} mapping;

typedef struct perm {
  uint32_t next_free;
  uint32_t map, gen, r_ip;
  uint16_t r_port; /* 0 for ADDRESS_RESTRICTED */
  bool live;
  int64_t last_us;
} perm;

/* A table of fixed-size records with a free list; grows up to max. */
typedef struct pool {
  void *items;
  uint32_t n, cap, max, free_head, live;
} pool;

struct ztk_nat {
  ztk_nat_config cfg;
  ztk_inaddr pub;
  ztk_rng rng;
  ztk_nat_counters c;
  pool maps, perms;
  ztk_hmap by_in, by_port, by_perm;
  uint32_t cursor;
};

typedef struct in_key {
  uint32_t in_ip, r_ip;
  uint16_t in_port, r_port;
} in_key;

typedef struct perm_key {
  uint32_t map, gen, r_ip;
  uint16_t r_port;
} perm_key;

static mapping *MAP(const ztk_nat *n, uint32_t i)
{
  return (mapping *)n->maps.items + i;
}
static perm *PERM(const ztk_nat *n, uint32_t i)
{
  return (perm *)n->perms.items + i;
}

/* Keys are hashed as four big-endian 32-bit fields (struct padding never reaches a hash). */
static uint64_t hash4(uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
  uint8_t buf[16];
  ztk_be_put(buf, a, 4);
  ztk_be_put(buf + 4, b, 4);
  ztk_be_put(buf + 8, c, 4);
  ztk_be_put(buf + 12, d, 4);
  return ztk_hmap_hash(buf, sizeof buf);
}

static uint64_t hash_in(const in_key *k)
{
  return hash4(k->in_ip, k->r_ip, k->in_port, k->r_port);
}

static uint64_t hash_port(uint16_t port)
{
  return hash4(port, 0, 0, 0);
}

static uint64_t hash_perm(const perm_key *k)
{
  return hash4(k->map, k->gen, k->r_ip, k->r_port);
}

static bool eq_in(const void *ctx, const void *key, uint32_t v)
{
  const mapping *m = MAP(ctx, v);
  const in_key *k = key;
  return m->in_ip == k->in_ip && m->in_port == k->in_port && m->r_ip == k->r_ip &&
         m->r_port == k->r_port;
}

static bool eq_port(const void *ctx, const void *key, uint32_t v)
{
  return MAP(ctx, v)->pub_port == *(const uint16_t *)key;
}

static bool eq_perm(const void *ctx, const void *key, uint32_t v)
{
  const perm *p = PERM(ctx, v);
  const perm_key *k = key;
  return p->map == k->map && p->gen == k->gen && p->r_ip == k->r_ip && p->r_port == k->r_port;
}

/* Returns a free record index (zeroed by the caller), or NONE if the pool is full. */
static uint32_t pool_take(pool *p, size_t size)
{
  if (p->live >= p->max)
    return NONE;
  p->live++;
  if (p->free_head != NONE) {
    uint32_t i = p->free_head;
    p->free_head = *(uint32_t *)((uint8_t *)p->items + (size_t)i * size);
    return i;
  }
  if (p->n == p->cap) {
    uint32_t cap = p->cap ? p->cap * 2 : 8;
    void *items = realloc(p->items, (size_t)cap * size);
    if (!items) {
      p->live--;
      return NONE;
    }
    p->items = items;
    p->cap = cap;
  }
  memset((uint8_t *)p->items + (size_t)p->n * size, 0, size);
  return p->n++;
}

static void pool_give(pool *p, size_t size, uint32_t i)
{
  *(uint32_t *)((uint8_t *)p->items + (size_t)i * size) = p->free_head;
  p->free_head = i;
  p->live--;
}

_Static_assert(offsetof(mapping, next_free) == 0 && offsetof(perm, next_free) == 0, "pool layout");

static bool expired(const ztk_nat *n, int64_t last_us, int64_t now_us)
{
  return now_us - last_us >= n->cfg.timeout_us;
}

static in_key key_of(const mapping *m)
{
  in_key k = {m->in_ip, m->r_ip, m->in_port, m->r_port};
  return k;
}

static void free_mapping(ztk_nat *n, uint32_t i)
{
  mapping *m = MAP(n, i);
  in_key k = key_of(m);
  ztk_hmap_remove(&n->by_in, hash_in(&k), i);
  ztk_hmap_remove(&n->by_port, hash_port(m->pub_port), i);
  m->live = false;
  m->gen++;
  n->c.expired++;
  pool_give(&n->maps, sizeof(mapping), i);
}

static void free_perm(ztk_nat *n, uint32_t i)
{
  perm *p = PERM(n, i);
  perm_key k = {p->map, p->gen, p->r_ip, p->r_port};
  ztk_hmap_remove(&n->by_perm, hash_perm(&k), i);
  p->live = false;
  pool_give(&n->perms, sizeof(perm), i);
}

/* The mapping using public port `port`, expiring it on the way if its time is up. */
static uint32_t by_port(ztk_nat *n, int64_t now_us, uint16_t port)
{
  uint32_t i = ztk_hmap_find(&n->by_port, hash_port(port), eq_port, n, &port);
  if (i != NONE && expired(n, MAP(n, i)->last_us, now_us)) {
    free_mapping(n, i);
    i = NONE;
  }
  return i;
}

int ztk_nat_new(ztk_nat **out, const ztk_nat_config *cfg, const ztk_inaddr *public_ip,
                const ztk_rng *rng)
{
  if (!out || !cfg || !public_ip || public_ip->family != 4 || cfg->type < ZTK_NAT_FULL_CONE ||
      cfg->type > ZTK_NAT_SYMMETRIC || cfg->ports > ZTK_NAT_PORTS_RANDOM ||
      cfg->port_min > cfg->port_max || cfg->max_mappings > ZTK_NAT_MAX_MAPPINGS)
    return ZTK_EINVAL;
  ztk_nat *n = calloc(1, sizeof *n);
  if (!n)
    return ZTK_ENOMEM;
  n->cfg = *cfg;
  if (!n->cfg.port_min && !n->cfg.port_max) {
    n->cfg.port_min = 1024;
    n->cfg.port_max = 65535;
  }
  if (n->cfg.port_min == 0)
    n->cfg.port_min = 1;
  if (n->cfg.timeout_us <= 0)
    n->cfg.timeout_us = ZTK_NAT_DEFAULT_TIMEOUT;
  if (!n->cfg.max_mappings)
    n->cfg.max_mappings = ZTK_NAT_DEFAULT_MAPPINGS;
  n->pub = *public_ip;
  n->pub.port = 0;
  n->rng = *rng;
  n->cursor = n->cfg.port_min;
  n->maps = (pool){NULL, 0, 0, n->cfg.max_mappings, NONE, 0};
  n->perms = (pool){NULL, 0, 0, 4 * n->cfg.max_mappings, NONE, 0};
  ztk_hmap_init(&n->by_in, n->maps.max);
  ztk_hmap_init(&n->by_port, n->maps.max);
  ztk_hmap_init(&n->by_perm, n->perms.max);
  *out = n;
  return 0;
}

void ztk_nat_del(ztk_nat *n)
{
  if (!n)
    return;
  ztk_hmap_free(&n->by_in);
  ztk_hmap_free(&n->by_port);
  ztk_hmap_free(&n->by_perm);
  free(n->maps.items);
  free(n->perms.items);
  free(n);
}

const ztk_nat_config *ztk_nat_config_of(const ztk_nat *n)
{
  return &n->cfg;
}
const ztk_inaddr *ztk_nat_public_ip(const ztk_nat *n)
{
  return &n->pub;
}
const ztk_nat_counters *ztk_nat_counters_of(const ztk_nat *n)
{
  return &n->c;
}

/* A free public port, or 0 when the whole range is taken. */
static uint16_t alloc_port(ztk_nat *n, int64_t now_us, uint16_t want)
{
  uint32_t lo = n->cfg.port_min, range = (uint32_t)n->cfg.port_max - lo + 1;
  if (n->cfg.ports == ZTK_NAT_PORTS_PRESERVE && want >= lo && want <= n->cfg.port_max &&
      by_port(n, now_us, want) == NONE)
    return want;
  uint32_t start = n->cursor;
  if (n->cfg.ports == ZTK_NAT_PORTS_RANDOM)
    start = lo + (uint32_t)ztk_rng_below(&n->rng, range);
  for (uint32_t i = 0; i < range; i++) {
    uint16_t p = (uint16_t)(lo + (start - lo + i) % range);
    if (by_port(n, now_us, p) == NONE) {
      n->cursor = lo + (p - lo + 1) % range;
      return p;
    }
  }
  return 0;
}

static in_key out_key(const ztk_nat *n, const ztk_inaddr *in, const ztk_inaddr *remote)
{
  in_key k = {ztk_inaddr_v4_u32(in), 0, in->port, 0};
  if (n->cfg.type == ZTK_NAT_SYMMETRIC) {
    k.r_ip = ztk_inaddr_v4_u32(remote);
    k.r_port = remote->port;
  }
  return k;
}

/* The live mapping for key k, or NONE (an expired one is freed). */
static uint32_t find_mapping(ztk_nat *n, int64_t now_us, const in_key *k)
{
  uint32_t i = ztk_hmap_find(&n->by_in, hash_in(k), eq_in, n, k);
  if (i != NONE && expired(n, MAP(n, i)->last_us, now_us)) {
    free_mapping(n, i);
    i = NONE;
  }
  return i;
}

static uint32_t new_mapping(ztk_nat *n, int64_t now_us, const in_key *k)
{
  uint32_t i = pool_take(&n->maps, sizeof(mapping));
  if (i == NONE && ztk_nat_expire(n, now_us) > 0)
    i = pool_take(&n->maps, sizeof(mapping));
  if (i == NONE)
    return NONE;
  uint16_t port = alloc_port(n, now_us, k->in_port);
  mapping *m = MAP(n, i);
  uint32_t gen = m->gen;
  *m = (mapping){NONE, k->in_ip, k->r_ip, k->in_port, k->r_port, port, true, gen, now_us};
  if (!port || ztk_hmap_insert(&n->by_in, hash_in(k), i) != 0) {
    m->live = false;
    pool_give(&n->maps, sizeof(mapping), i);
    return NONE;
  }
  if (ztk_hmap_insert(&n->by_port, hash_port(port), i) != 0) {
    ztk_hmap_remove(&n->by_in, hash_in(k), i);
    m->live = false;
    pool_give(&n->maps, sizeof(mapping), i);
    return NONE;
  }
  n->c.created++;
  return i;
}

/* Records that mapping i sent to remote (ADDRESS/PORT_RESTRICTED filtering). Returns
 * ZTK_DROP_NONE or ZTK_DROP_NAT_FULL. */
static int note_perm(ztk_nat *n, int64_t now_us, uint32_t i, const ztk_inaddr *remote)
{
  perm_key k = {i, MAP(n, i)->gen, ztk_inaddr_v4_u32(remote), 0};
  if (n->cfg.type == ZTK_NAT_PORT_RESTRICTED)
    k.r_port = remote->port;
  uint64_t h = hash_perm(&k);
  uint32_t p = ztk_hmap_find(&n->by_perm, h, eq_perm, n, &k);
  if (p != NONE) {
    PERM(n, p)->last_us = now_us;
    return ZTK_DROP_NONE;
  }
  p = pool_take(&n->perms, sizeof(perm));
  if (p == NONE) {
    ztk_nat_expire(n, now_us);
    p = pool_take(&n->perms, sizeof(perm));
  }
  if (p == NONE)
    return ZTK_DROP_NAT_FULL;
  *PERM(n, p) = (perm){NONE, k.map, k.gen, k.r_ip, k.r_port, true, now_us};
  if (ztk_hmap_insert(&n->by_perm, h, p) != 0) {
    PERM(n, p)->live = false;
    pool_give(&n->perms, sizeof(perm), p);
    return ZTK_DROP_NAT_FULL;
  }
  return ZTK_DROP_NONE;
}

int ztk_nat_out(ztk_nat *n, int64_t now_us, const ztk_inaddr *in, const ztk_inaddr *remote,
                ztk_inaddr *pub)
{
  in_key k = out_key(n, in, remote);
  uint32_t i = find_mapping(n, now_us, &k);
  if (i == NONE)
    i = new_mapping(n, now_us, &k);
  if (i == NONE) {
    n->c.full++;
    return ZTK_DROP_NAT_FULL;
  }
  mapping *m = MAP(n, i);
  m->last_us = now_us;
  if ((n->cfg.type == ZTK_NAT_ADDRESS_RESTRICTED || n->cfg.type == ZTK_NAT_PORT_RESTRICTED) &&
      note_perm(n, now_us, i, remote) != ZTK_DROP_NONE) {
    n->c.full++;
    return ZTK_DROP_NAT_FULL;
  }
  *pub = n->pub;
  pub->port = MAP(n, i)->pub_port;
  n->c.out++;
  return ZTK_DROP_NONE;
}

/* Does mapping i's filter let `remote` in? Refreshes the permission if asked to. */
static bool admits(ztk_nat *n, int64_t now_us, uint32_t i, const ztk_inaddr *remote)
{
  const mapping *m = MAP(n, i);
  uint32_t rip = ztk_inaddr_v4_u32(remote);
  switch (n->cfg.type) {
  case ZTK_NAT_FULL_CONE:
    return true;
  case ZTK_NAT_SYMMETRIC:
    return m->r_ip == rip && m->r_port == remote->port;
  default:
    break;
  }
  perm_key k = {i, m->gen, rip, n->cfg.type == ZTK_NAT_PORT_RESTRICTED ? remote->port : 0};
  uint32_t p = ztk_hmap_find(&n->by_perm, hash_perm(&k), eq_perm, n, &k);
  if (p == NONE)
    return false;
  if (expired(n, PERM(n, p)->last_us, now_us)) {
    free_perm(n, p);
    return false;
  }
  if (n->cfg.inbound_refresh)
    PERM(n, p)->last_us = now_us;
  return true;
}

int ztk_nat_in(ztk_nat *n, int64_t now_us, const ztk_inaddr *remote, const ztk_inaddr *pub,
               ztk_inaddr *in)
{
  uint32_t i = pub->family == 4 && remote->family == 4 ? by_port(n, now_us, pub->port) : NONE;
  if (i == NONE) {
    n->c.nomap++;
    return ZTK_DROP_NAT_NOMAP;
  }
  if (!admits(n, now_us, i, remote)) {
    n->c.filtered++;
    return ZTK_DROP_NAT_FILTER;
  }
  mapping *m = MAP(n, i);
  if (n->cfg.inbound_refresh)
    m->last_us = now_us;
  ztk_inaddr_v4(in, m->in_ip, m->in_port);
  n->c.in++;
  return ZTK_DROP_NONE;
}

uint32_t ztk_nat_expire(ztk_nat *n, int64_t now_us)
{
  uint32_t count = 0;
  for (uint32_t i = 0; i < n->maps.n; i++)
    if (MAP(n, i)->live && expired(n, MAP(n, i)->last_us, now_us)) {
      free_mapping(n, i);
      count++;
    }
  for (uint32_t i = 0; i < n->perms.n; i++) {
    const perm *p = PERM(n, i);
    if (p->live &&
        (expired(n, p->last_us, now_us) || !MAP(n, p->map)->live || MAP(n, p->map)->gen != p->gen))
      free_perm(n, i);
  }
  return count;
}

uint32_t ztk_nat_mappings(const ztk_nat *n, int64_t now_us)
{
  uint32_t count = 0;
  for (uint32_t i = 0; i < n->maps.n; i++)
    if (MAP(n, i)->live && !expired(n, MAP(n, i)->last_us, now_us))
      count++;
  return count;
}

int ztk_nat_peek(const ztk_nat *n, int64_t now_us, const ztk_inaddr *in, const ztk_inaddr *remote,
                 ztk_inaddr *pub)
{
  in_key k = out_key(n, in, remote);
  uint32_t i = ztk_hmap_find(&n->by_in, hash_in(&k), eq_in, n, &k);
  if (i == NONE || expired(n, MAP(n, i)->last_us, now_us))
    return ZTK_ENOTFOUND;
  *pub = n->pub;
  pub->port = MAP(n, i)->pub_port;
  return 0;
}

size_t ztk_nat_bytes(const ztk_nat *n)
{
  return sizeof *n + (size_t)n->maps.cap * sizeof(mapping) + (size_t)n->perms.cap * sizeof(perm) +
         ztk_hmap_bytes(&n->by_in) + ztk_hmap_bytes(&n->by_port) + ztk_hmap_bytes(&n->by_perm);
}
