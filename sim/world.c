/* The simulator world: lifecycle, underlay building, hosts and the planet. */
#include <stdlib.h>
#include <string.h>

#include "core/util/cursor.h"
#include "sim/world.h"
#include "ztkit/error.h"

#define DEFAULT_EPOCH_MS INT64_C(1700000000000)
#define DEFAULT_MAX_HOSTS 65536u
#define DEFAULT_EVENTS 65536u
#define MAX_EVENTS (1u << 24)
#define PUBLIC_BASE 0x0b000001u /* 11.0.0.1: public host k is 11.<k/256>.<k%256>.1 */
#define MAX_NET24 65536u
#define LAN_BASE 0xc0a80002u    /* 192.168.j.2 */
#define PLANET_ID UINT64_C(0x5a17e5)

void ztk_sim_config_init(ztk_sim_config *cfg)
{
  if (!cfg)
    return;
  memset(cfg, 0, sizeof *cfg);
  cfg->epoch_ms = DEFAULT_EPOCH_MS;
  cfg->max_hosts = DEFAULT_MAX_HOSTS;
  cfg->events_max = DEFAULT_EVENTS;
  cfg->trace_packets = true;
}

static bool pool_addr_eq(const void *ctx, const void *key, uint32_t val)
{
  return ztk_idpool_address(ctx, val) == *(const ztk_address *)key;
}

/* Loads the pool and indexes it by address (the first record of an address wins); public keys
 * are derived on demand (ztk_sim_pool_pub). */
static int load_pool(ztk_sim *s, const char *path)
{
  int rc = ztk_idpool_load(path, &s->pool);
  if (rc)
    return rc;
  size_t n = ztk_idpool_size(s->pool);
  if (n >= (1u << 29))
    return ZTK_ELIMIT;
  s->pool_pub = malloc(n ? n * 64 : 1);
  s->pool_have = calloc(n ? n : 1, 1);
  if (!s->pool_pub || !s->pool_have)
    return ZTK_ENOMEM;
  ztk_hmap_init(&s->pool_idx, (uint32_t)n);
  for (size_t i = 0; i < n && !rc; i++) {
    ztk_address a = ztk_idpool_address(s->pool, i);
    uint64_t hash = ztk_hmap_hash(&a, sizeof a);
    if (ztk_hmap_find(&s->pool_idx, hash, pool_addr_eq, s->pool, &a) == ZTK_HMAP_NONE)
      rc = ztk_hmap_insert(&s->pool_idx, hash, (uint32_t)i);
  }
  return rc;
}

static int world_init(ztk_sim *s, const ztk_sim_config *cfg)
{
  int rc;
  s->cfg = *cfg;
  s->cfg.pool_path = NULL;
  if (!s->cfg.epoch_ms)
    s->cfg.epoch_ms = DEFAULT_EPOCH_MS;
  if (s->cfg.start_spread_ms < 0 || s->cfg.start_spread_ms > INT64_C(86400000))
    return ZTK_EINVAL;
  if (!s->cfg.max_hosts || s->cfg.max_hosts > DEFAULT_MAX_HOSTS)
    s->cfg.max_hosts = DEFAULT_MAX_HOSTS;
  if (!s->cfg.events_max || s->cfg.events_max > MAX_EVENTS)
    s->cfg.events_max = s->cfg.events_max ? MAX_EVENTS : DEFAULT_EVENTS;
  ztk_rng_root_init(&s->root, cfg->seed);
  ztk_rng sodium;
  ztk_rng_stream(&s->root, "libsodium", &sodium);
  ztk_sim_sodium_acquire(&sodium);
  if ((rc = load_pool(s, cfg->pool_path)) || (rc = ztk_evq_new(&s->q, 0)) ||
      (rc = ztk_net_new(&s->net, s->q, &s->root, NULL)) ||
      (rc = ztk_trace_new(&s->trace, NULL, cfg->trace_retain_bytes)))
    return rc;
  if (cfg->trace_packets)
    ztk_net_set_trace(s->net, s->trace);
  int core = ztk_net_add_router(s->net);
  return core == (int)ZTK_SIM_CORE ? 0 : (core < 0 ? core : ZTK_ESTATE);
}

int ztk_sim_new(ztk_sim **out, const ztk_sim_config *cfg)
{
  if (!out || !cfg || !cfg->pool_path)
    return ZTK_EINVAL;
  *out = NULL;
  ztk_sim *s = calloc(1, sizeof *s);
  if (!s)
    return ZTK_ENOMEM;
  int rc = world_init(s, cfg);
  if (rc) {
    ztk_sim_free(s);
    return rc;
  }
  *out = s;
  return 0;
}

static void purge_fault(void *ctx, ztk_ev_fn fn, void *arg)
{
  (void)ctx;
  (void)fn;
  free(arg);
}

void ztk_sim_free(ztk_sim *s)
{
  if (!s)
    return;
  ztk_sim_halt(s);
  if (s->q)
    ztk_evq_purge(s->q, s, purge_fault); /* pending faults */
  for (uint32_t i = 0; i < s->nhosts; i++) {
    ztk_sim_store_clear(&s->hosts[i]->store);
    ztk_sim_net_free(s->hosts[i]);
    free(s->hosts[i]);
  }
  ztk_sim_sock_free_all(s);
  ztk_sim_ping_free_all(s);
  free(s->frames);
  for (uint32_t i = 0; i < s->nnetcaps; i++)
    ztk_pcap_close(s->netcaps[i].w);
  ztk_net_del(s->net);
  for (uint32_t i = 0; i < s->npcaps; i++)
    ztk_pcap_close(s->pcaps[i]);
  ztk_evq_del(s->q);
  ztk_trace_del(s->trace);
  if (s->trace_file)
    fclose(s->trace_file);
  ztk_idpool_free(s->pool);
  ztk_hmap_free(&s->pool_idx);
  free(s->pool_pub);
  free(s->pool_have);
  free(s->hosts);
  free(s->sites);
  free(s->site_hosts);
  free(s->ev);
  ztk_sim_sodium_release();
  free(s);
}

int ztk_sim_halt(ztk_sim *s)
{
  if (!s)
    return ZTK_EINVAL;
  s->halted = true;
  for (uint32_t i = 0; i < s->nhosts; i++)
    ztk_sim_node_stop(s->hosts[i]);
  ztk_sim_stack_release(s);
  return 0;
}

uint64_t ztk_sim_seed(const ztk_sim *s) { return s ? s->cfg.seed : 0; }

int64_t ztk_sim_us(const ztk_sim *s, int64_t at_ms)
{
  int64_t now = ztk_evq_now_us(s->q);
  if (at_ms < 0 || at_ms > INT64_MAX / 1000 || at_ms * 1000 <= now)
    return now;
  return at_ms * 1000;
}

ztk_sim_host *ztk_sim_host_get(const ztk_sim *s, uint32_t host)
{
  return s && host < s->nhosts ? s->hosts[host] : NULL;
}

/* ---- underlay ---- */

void ztk_sim_link_params_conv(const ztk_sim_link_params *in, ztk_link_params *out)
{
  memset(out, 0, sizeof *out);
  if (!in)
    return;
  out->latency_us = in->latency_us > 0 ? in->latency_us : 0;
  out->jitter_us = in->jitter_us > 0 ? in->jitter_us : 0;
  out->loss = in->loss;
  out->dup = in->dup;
  out->reorder = in->reorder;
  out->reorder_delay_us = in->reorder_us > 0 ? in->reorder_us : 0;
  out->rate_bps = in->rate_bps;
  out->queue_bytes = in->queue_bytes;
  out->mtu = in->mtu;
}

bool ztk_sim_params_ok(const ztk_sim_link_params *p)
{
  return !p || (p->loss >= 0 && p->loss <= 1 && p->dup >= 0 && p->dup <= 1 && p->reorder >= 0 &&
                p->reorder <= 1 && p->latency_us >= 0 && p->jitter_us >= 0 && p->reorder_us >= 0);
}

static bool is_fabric_node(const ztk_sim *s, uint32_t e)
{
  ztk_elem_kind k = ztk_net_kind(s->net, e);
  return e < ztk_net_elements(s->net) && (k == ZTK_ELEM_ROUTER || k == ZTK_ELEM_SWITCH);
}

int ztk_sim_router(ztk_sim *s) { return s ? ztk_net_add_router(s->net) : ZTK_EINVAL; }

int ztk_sim_connect(ztk_sim *s, uint32_t a, uint32_t b, const ztk_sim_link_params *ab,
                    const ztk_sim_link_params *ba)
{
  if (!s || !is_fabric_node(s, a) || !is_fabric_node(s, b) || a == b || !ztk_sim_params_ok(ab) ||
      !ztk_sim_params_ok(ba))
    return ZTK_EINVAL;
  ztk_link_params pab, pba;
  ztk_sim_link_params_conv(ab, &pab);
  ztk_sim_link_params_conv(ba ? ba : ab, &pba);
  return ztk_net_link(s->net, a, b, &pab, &pba);
}

int ztk_sim_line(ztk_sim *s, uint32_t from, uint32_t n, const ztk_sim_link_params *p)
{
  if (!s || !n || !is_fabric_node(s, from) || !ztk_sim_params_ok(p))
    return ZTK_EINVAL;
  int first = -1;
  uint32_t prev = from;
  for (uint32_t i = 0; i < n; i++) {
    int r = ztk_net_add_router(s->net);
    if (r < 0)
      return r;
    if (first < 0)
      first = r;
    int l = ztk_sim_connect(s, prev, (uint32_t)r, p, NULL);
    if (l < 0)
      return l;
    prev = (uint32_t)r;
  }
  return first;
}

int ztk_sim_random(ztk_sim *s, uint32_t from, uint32_t n, uint32_t extra,
                   const ztk_sim_link_params *p)
{
  if (!s || !n || !is_fabric_node(s, from) || !ztk_sim_params_ok(p))
    return ZTK_EINVAL;
  ztk_link_params lp;
  ztk_sim_link_params_conv(p, &lp);
  ztk_rng rng;
  ztk_rng_streamf(&s->root, &rng, "topo:%u", ztk_net_elements(s->net));
  ztk_topo t;
  int rc = ztk_topo_random(s->net, &rng, n, extra, 0, 0, &lp, NULL, &t);
  if (rc)
    return rc;
  int l = ztk_sim_connect(s, from, t.first_router, p, NULL);
  return l < 0 ? l : (int)t.first_router;
}

static int next_public(ztk_sim *s, uint32_t *ip)
{
  if (s->next_net24 >= MAX_NET24)
    return ZTK_ELIMIT;
  *ip = PUBLIC_BASE + (s->next_net24++ << 8);
  return 0;
}

static int grow_sites(ztk_sim *s)
{
  if (s->nsites >= ZTK_SIM_MAX_SITES)
    return ZTK_ELIMIT;
  ztk_topo_site *t = realloc(s->sites, (s->nsites + 1) * sizeof *t);
  if (t)
    s->sites = t;
  uint32_t *c = realloc(s->site_hosts, (s->nsites + 1) * sizeof *c);
  if (c)
    s->site_hosts = c;
  return t && c ? 0 : ZTK_ENOMEM;
}

int ztk_sim_site(ztk_sim *s, uint32_t uplink, ztk_sim_nat_type type, int64_t mapping_timeout_ms,
                 const ztk_sim_link_params *wan)
{
  uint32_t pub;
  int rc;
  if (!s || !is_fabric_node(s, uplink) || type < ZTK_SIM_NAT_FULL_CONE ||
      type > ZTK_SIM_NAT_SYMMETRIC || mapping_timeout_ms < 0 ||
      mapping_timeout_ms > INT64_MAX / 1000 || !ztk_sim_params_ok(wan))
    return ZTK_EINVAL;
  if ((rc = grow_sites(s)) || (rc = next_public(s, &pub)))
    return rc;
  ztk_nat_config cfg = {.type = (ztk_nat_type)type, .timeout_us = mapping_timeout_ms * 1000};
  ztk_link_params lp;
  ztk_sim_link_params_conv(wan, &lp);
  rc = ztk_topo_site_add(s->net, uplink, ZTK_NET_PUBLIC, pub, &cfg, 0, LAN_BASE, &lp, NULL,
                         &s->sites[s->nsites]);
  if (rc)
    return rc;
  s->site_hosts[s->nsites] = 0;
  return (int)s->nsites++;
}

/* ---- hosts ---- */

void ztk_sim_host_opts_init(ztk_sim_host_opts *o)
{
  if (!o)
    return;
  memset(o, 0, sizeof *o);
  o->attach = ZTK_SIM_CORE;
  o->site = ZTK_SIM_NONE;
  o->identity = -1;
  o->address_of = -1;
  o->responder = ZTK_SIM_AUTO;
  o->udp_echo_port = 7;
}

static int check_opts(const ztk_sim *s, const ztk_sim_host_opts *o)
{
  int64_t pool = (int64_t)ztk_idpool_size(s->pool);
  if ((o->role != ZTK_SIM_MEMBER && o->role != ZTK_SIM_ROOT && o->role != ZTK_SIM_CONTROLLER) ||
      !ztk_sim_params_ok(o->access) || o->responder < ZTK_SIM_AUTO || o->responder > 1 ||
      o->network_count > ZTK_SIM_HOST_NETWORKS || (o->network_count && !o->networks) ||
      o->identity < -1 || o->identity >= pool || o->address_of < -1 || o->address_of >= pool ||
      o->clock_drift_ppb > ZTK_HOSTCLOCK_MAX_DRIFT_PPB ||
      o->clock_drift_ppb < -ZTK_HOSTCLOCK_MAX_DRIFT_PPB || o->clock_offset_ms > INT64_MAX / 4000 ||
      o->clock_offset_ms < -(INT64_MAX / 4000) || o->inbox > ZTK_SIM_ROOT_INBOX)
    return ZTK_EINVAL;
  if (o->site != ZTK_SIM_NONE && (o->site >= s->nsites || o->role == ZTK_SIM_ROOT))
    return ZTK_EINVAL;
  if (o->site == ZTK_SIM_NONE && !is_fabric_node(s, o->attach))
    return ZTK_EINVAL;
  if (o->site != ZTK_SIM_NONE && s->site_hosts[o->site] >= ZTK_SIM_SITE_MAX_HOSTS)
    return ZTK_ELIMIT;
  if (o->role == ZTK_SIM_ROOT) {
    uint32_t roots = 0;
    for (uint32_t i = 0; i < s->nhosts; i++)
      roots += s->hosts[i]->role == ZTK_SIM_ROOT;
    if (s->started || roots >= ZTK_SIM_MAX_ROOTS)
      return ZTK_ESTATE;
  }
  if (s->nhosts >= s->cfg.max_hosts || (o->identity < 0 && s->next_identity >= pool))
    return ZTK_ELIMIT;
  if (o->stack && s->stack_netifs + o->network_count > ZTK_SIM_MAX_NETIFS)
    return ZTK_ELIMIT;
  return 0;
}

/* The fabric side of a host: element, address, access link, clock. */
static int place_host(ztk_sim *s, ztk_sim_host *h, const ztk_sim_host_opts *o)
{
  uint32_t ip, realm = ZTK_NET_PUBLIC, attach = o->attach;
  int rc;
  if (o->site != ZTK_SIM_NONE) {
    const ztk_topo_site *site = &s->sites[o->site];
    realm = site->realm;
    attach = site->sw;
    ip = LAN_BASE + (s->site_hosts[o->site] << 8);
  } else if ((rc = next_public(s, &ip))) {
    return rc;
  }
  int e = ztk_net_add_host(s->net, realm);
  if (e < 0)
    return e;
  h->elem = (uint32_t)e;
  ztk_inaddr_v4(&h->ip, ip, ZTK_SIM_PORT);
  if ((rc = ztk_net_add_addr(s->net, h->elem, &h->ip)))
    return rc;
  ztk_link_params lp;
  ztk_sim_link_params_conv(o->access, &lp);
  int l = ztk_net_link(s->net, h->elem, attach, &lp, NULL);
  if (l < 0)
    return l;
  h->link = (uint32_t)l;
  ztk_hostclock *c = ztk_net_clock(s->net, h->elem);
  ztk_hostclock_init(c, (s->cfg.epoch_ms + o->clock_offset_ms) * 1000);
  if (o->site != ZTK_SIM_NONE)
    s->site_hosts[o->site]++;
  return ztk_hostclock_set_drift(c, ztk_evq_now_us(s->q), o->clock_drift_ppb);
}

static int grow_hosts(ztk_sim *s)
{
  if (s->nhosts < s->hosts_cap)
    return 0;
  uint32_t cap = s->hosts_cap ? s->hosts_cap * 2 : 16;
  ztk_sim_host **h = realloc(s->hosts, (size_t)cap * sizeof *h);
  if (!h)
    return ZTK_ENOMEM;
  s->hosts = h;
  s->hosts_cap = cap;
  return 0;
}

int ztk_sim_add_host(ztk_sim *s, const ztk_sim_host_opts *opts)
{
  ztk_sim_host_opts defaults;
  int rc;
  if (!s)
    return ZTK_EINVAL;
  if (s->halted)
    return ZTK_ESTATE;
  if (!opts) {
    ztk_sim_host_opts_init(&defaults);
    opts = &defaults;
  }
  if ((rc = check_opts(s, opts)) || (rc = grow_hosts(s)))
    return rc;
  ztk_sim_host *h = calloc(1, sizeof *h);
  if (!h)
    return ZTK_ENOMEM;
  h->s = s;
  h->idx = s->nhosts;
  h->role = opts->role;
  h->site = opts->site;
  h->identity = opts->identity >= 0 ? opts->identity : s->next_identity++;
  h->address_of = opts->address_of;
  h->inbox = opts->inbox ? opts->inbox : opts->role == ZTK_SIM_ROOT ? ZTK_SIM_ROOT_INBOX : 0;
  h->address = ztk_idpool_address(s->pool, (size_t)(h->address_of >= 0 ? h->address_of
                                                                         : h->identity));
  h->controller = opts->controller || opts->role == ZTK_SIM_CONTROLLER;
  h->stack = opts->stack;
  h->responder = opts->responder == ZTK_SIM_AUTO ? !opts->stack : opts->responder;
  h->udp_echo_port = opts->udp_echo_port;
  ztk_sim_store_init(&h->store);
  if ((rc = ztk_sim_host_networks_init(h, opts->networks, opts->network_count)) ||
      (rc = place_host(s, h, opts))) {
    ztk_sim_net_forget(h);
    ztk_sim_net_free(h);
    free(h);
    return rc;
  }
  s->hosts[s->nhosts++] = h;
  if (s->started && (rc = ztk_sim_node_start(h)))
    return rc;
  return (int)h->idx;
}

uint32_t ztk_sim_hosts(const ztk_sim *s) { return s ? s->nhosts : 0; }

/* ---- start: the planet, then every node ---- */

static int build_planet(ztk_sim *s)
{
  ztk_world w;
  ztk_identity signer;
  uint8_t key[64];
  ztk_rng rng;
  ztk_rng_stream(&s->root, "planet", &rng);
  ztk_rng_fill(&rng, key, sizeof key);
  memset(&signer, 0, sizeof signer);
  memcpy(signer.priv, key, sizeof key);
  signer.has_private = true;
  ztk_world_key_public(signer.pub, key);
  ztk_world_init(&w, ZTK_WORLD_PLANET, PLANET_ID, (uint64_t)s->cfg.epoch_ms, signer.pub);
  for (uint32_t i = 0; i < s->nhosts; i++) {
    ztk_sim_host *h = s->hosts[i];
    ztk_identity id;
    if (h->role != ZTK_SIM_ROOT)
      continue;
    ztk_sim_host_identity(h, &id);
    int r = ztk_world_add_root(&w, &id);
    memset(&id, 0, sizeof id);
    if (r < 0)
      return r;
    if ((r = ztk_world_add_endpoint(&w, (unsigned)r, &h->ip)))
      return r;
  }
  if (!w.n_roots)
    return ZTK_ESTATE;
  int rc = ztk_world_sign(&w, &signer);
  memset(&signer, 0, sizeof signer);
  if (rc)
    return rc;
  ztk_wr wr = ztk_wr_make(s->planet, sizeof s->planet);
  if ((rc = ztk_world_write(&wr, &w)))
    return rc;
  s->planet_len = wr.len;
  return 0;
}

static void on_start(ztk_evq *q, void *ctx, void *arg)
{
  ztk_sim_host *h = ctx;
  (void)q;
  (void)arg;
  h->start_ev = 0;
  int rc = ztk_sim_node_start(h);
  if (rc)
    ztk_trace_printf(h->s->trace, ztk_evq_now_us(h->s->q), "start h=%u failed=%d", h->idx, rc);
}

int ztk_sim_start(ztk_sim *s)
{
  if (!s || s->started || s->halted)
    return ZTK_ESTATE;
  int rc = build_planet(s);
  if (rc)
    return rc;
  s->started = true;
  ztk_trace_printf(s->trace, ztk_evq_now_us(s->q), "world start seed=%llu hosts=%u",
                   (unsigned long long)s->cfg.seed, s->nhosts);
  ztk_rng rng;
  ztk_rng_stream(&s->root, "start", &rng);
  for (uint32_t i = 0; i < s->nhosts; i++) {
    ztk_sim_host *h = s->hosts[i];
    if (s->cfg.start_spread_ms > 0 && h->role == ZTK_SIM_MEMBER) {
      int64_t at = (int64_t)ztk_rng_below(&rng, (uint64_t)s->cfg.start_spread_ms * 1000);
      if ((rc = ztk_evq_after(s->q, at, on_start, h, NULL, &h->start_ev)))
        return rc;
    } else if ((rc = ztk_sim_node_start(h))) {
      return rc;
    }
  }
  return 0;
}
