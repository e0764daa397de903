/* Shared helpers for the fabric tests: a queue + fabric pair, addresses from text, hosts with
 * one address, and a receive log. Header-only so each test stays one program. */
#ifndef ZTK_TESTS_SIM_FIXTURE_H
#define ZTK_TESTS_SIM_FIXTURE_H

#include "tests/support/vectors.h"

#include <string.h>

#include "sim/net.h"
#include "sim/topo.h"
#include "ztkit/error.h"

typedef struct fx {
  ztk_evq *q;
  ztk_net *n;
  ztk_rng_root root;
} fx;

static inline void fx_init(fx *f, uint64_t seed)
{
  ztk_rng_root_init(&f->root, seed);
  assert_int_equal(ztk_evq_new(&f->q, 0), 0);
  assert_int_equal(ztk_net_new(&f->n, f->q, &f->root, NULL), 0);
}

static inline void fx_free(fx *f)
{
  ztk_net_del(f->n);
  ztk_evq_del(f->q);
}

/* "10.0.0.1/9993" -> address (the test fails on bad text). */
static inline ztk_inaddr fx_ip(const char *s)
{
  ztk_inaddr a;
  assert_int_equal(ztk_inaddr_parse(&a, s), 0);
  return a;
}

/* A host in realm with address ip (text, no port needed). */
static inline uint32_t fx_host(fx *f, uint32_t realm, const char *ip)
{
  int h = ztk_net_add_host(f->n, realm);
  assert_true(h >= 0);
  ztk_inaddr a = fx_ip(ip);
  assert_int_equal(ztk_net_add_addr(f->n, (uint32_t)h, &a), 0);
  return (uint32_t)h;
}

static inline uint32_t fx_link(fx *f, uint32_t a, uint32_t b, const ztk_link_params *p)
{
  int l = ztk_net_link(f->n, a, b, p, NULL);
  assert_true(l >= 0);
  return (uint32_t)l;
}

/* Sends len bytes of `fill` from host h; the test fails if the fabric refuses it. */
static inline void fx_send(fx *f, uint32_t h, const char *src, const char *dst, int ttl,
                           uint8_t fill, size_t len)
{
  uint8_t buf[1500];
  memset(buf, fill, len < sizeof buf ? len : sizeof buf);
  ztk_inaddr s = fx_ip(src), d = fx_ip(dst);
  assert_int_equal(ztk_net_send(f->n, h, &s, &d, ttl, buf, len), 0);
}

static inline void fx_run(fx *f, int64_t until_us)
{
  assert_true(ztk_evq_run(f->q, until_us, 0, NULL, NULL, NULL) >= 0);
}

/* A core router, a public server 198.51.100.1 on it (over server_link), and one site behind a
 * NAT with public address 203.0.113.1 (over wan) holding nhosts hosts 192.168.1.2, .3, ...
 * Element ids: core 0, server 1, NAT 2, switch 3, hosts from 4. */
typedef struct fx_site {
  uint32_t core, server;
  ztk_topo_site site;
} fx_site;

static inline fx_site fx_server_site(fx *f, const ztk_link_params *server_link,
                                     const ztk_nat_config *cfg, uint32_t nhosts,
                                     const ztk_link_params *wan)
{
  fx_site s;
  int core = ztk_net_add_router(f->n);
  assert_true(core >= 0);
  s.core = (uint32_t)core;
  s.server = fx_host(f, ZTK_NET_PUBLIC, "198.51.100.1");
  fx_link(f, s.server, s.core, server_link);
  assert_int_equal(ztk_topo_site_add(f->n, s.core, ZTK_NET_PUBLIC, 0xcb007101, cfg, nhosts,
                                     0xc0a80102, wan, NULL, &s.site),
                   0);
  return s;
}

#define FX_LOG_MAX 20000

typedef struct fx_rx {
  uint32_t host;
  int64_t t_us;
  uint64_t id;
  ztk_inaddr src, dst;
  uint32_t len;
  uint8_t first, ttl, flags;
} fx_rx;

typedef struct fx_log {
  ztk_evq *q;
  int n;
  fx_rx e[FX_LOG_MAX];
} fx_log;

/* A receive callback that accepts everything and records it (ctx: fx_log). */
static inline int fx_record(void *ctx, uint32_t host, const ztk_net_dgram *d)
{
  fx_log *l = ctx;
  if (l->n < FX_LOG_MAX)
    l->e[l->n++] = (fx_rx){host,   ztk_evq_now_us(l->q),    d->id,  d->src,  d->dst,
                           d->len, d->len ? d->data[0] : 0, d->ttl, d->flags};
  return ZTK_DROP_NONE;
}

static inline void fx_listen(fx *f, fx_log *l, uint32_t h)
{
  l->q = f->q;
  assert_int_equal(ztk_net_set_rx(f->n, h, fx_record, l), 0);
}

/* How many logged datagrams host h received from src (text with port; NULL: any). */
static inline int fx_count(const fx_log *l, uint32_t h, const char *src)
{
  int c = 0;
  ztk_inaddr s;
  if (src)
    s = fx_ip(src);
  for (int i = 0; i < l->n; i++)
    c += l->e[i].host == h && (!src || ztk_inaddr_eq(&l->e[i].src, &s));
  return c;
}

#endif
