/* Test support for the stack; see stack_harness.h. */
#include "tests/support/stack_harness.h"

#include <endian.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tests/support/vectors.h"

#define SH_DRAIN_MS (200 * 1000) /* past IP reassembly and ARP/ND timeouts */
#define SH_BUF (64 * 1024)

int64_t sh_now;
static ztk_stack_usage sh_base;
static uint64_t sh_rand_state;

static void sh_random(void *user, void *buf, size_t len)
{
  uint8_t *b = buf;
  (void)user;
  for (size_t i = 0; i < len; i++) {
    sh_rand_state = sh_rand_state * 6364136223846793005ull + 1442695040888963407ull;
    b[i] = (uint8_t)(sh_rand_state >> 56);
  }
}

void sh_begin(void)
{
  sh_rand_state = 42;
  ztk_stack_set_random(sh_random, NULL);
  ztk_stack_init();
  if (sh_now < 1000)
    sh_now = 1000;
  ztk_stack_set_now(sh_now);
  sh_now = ztk_stack_now();
  ztk_stack_usage_get(&sh_base);
}

void sh_advance(ztk_wire **wires, int n, int64_t ms)
{
  int64_t until = sh_now + ms;
  while (sh_now < until)
    sh_now = ztk_wire_step(wires, n, sh_now, until);
}

void sh_end(ztk_stack_host **hosts, int nhosts, ztk_wire **wires, int nwires)
{
  ztk_stack_usage now;
  char msg[512];
  for (int i = 0; i < nhosts; i++)
    ztk_stack_host_free(hosts[i]);
  for (int i = 0; i < nwires; i++)
    ztk_wire_free(wires[i]);
  sh_advance(NULL, 0, SH_DRAIN_MS);
  ztk_stack_usage_get(&now);
  if (ztk_stack_usage_diff(&sh_base, &now, msg, sizeof msg) != 0)
    fail_msg("lwIP memory not back to its baseline: %s", msg);
}

ztk_wire *sh_wire(int64_t delay_ms, double loss, uint64_t seed)
{
  ztk_wire_config cfg;
  ztk_wire *w = NULL;
  memset(&cfg, 0, sizeof cfg);
  cfg.delay_ms = delay_ms;
  cfg.loss = loss;
  cfg.seed = seed;
  assert_int_equal(ztk_wire_new(&w, &cfg), 0);
  return w;
}

ztk_inaddr sh_addr(const char *text)
{
  ztk_inaddr a;
  if (ztk_inaddr_parse(&a, text) != 0)
    fail_msg("bad address text %s", text);
  return a;
}

ztk_stack_netif *sh_netif(ztk_wire *w, ztk_stack_host *h, uint64_t nwid, uint64_t mac,
                          const char *a1, const char *a2, const char *a3)
{
  ztk_stack_netif_config cfg = {.nwid = nwid, .mac = mac};
  ztk_stack_netif *n = NULL;
  const char *addrs[3] = {a1, a2, a3};
  assert_int_equal(ztk_wire_attach(w, h, &cfg, &n), 0);
  for (int i = 0; i < 3 && addrs[i] != NULL; i++) {
    ztk_inaddr a = sh_addr(addrs[i]);
    assert_int_equal(ztk_stack_netif_add_addr(n, &a), 0);
  }
  return n;
}

void sh_two_up(sh_two *t, int64_t delay_ms, double loss, uint64_t nwid, uint64_t mac_a,
               const char *a1, const char *a2, uint64_t mac_b, const char *b1, const char *b2)
{
  memset(t, 0, sizeof *t);
  sh_begin();
  t->w = sh_wire(delay_ms, loss, 1);
  assert_int_equal(ztk_stack_host_new(&t->a, NULL), 0);
  assert_int_equal(ztk_stack_host_new(&t->b, NULL), 0);
  t->na = sh_netif(t->w, t->a, nwid, mac_a, a1, a2, NULL);
  t->nb = sh_netif(t->w, t->b, nwid, mac_b, b1, b2, NULL);
}

void sh_two_down(sh_two *t)
{
  ztk_stack_host *hosts[2] = {t->a, t->b};
  sh_end(hosts, 2, &t->w, 1);
}

ztk_sock *sh_listen(ztk_stack_host *h, const char *addr, int backlog)
{
  ztk_sock *l;
  ztk_inaddr a = sh_addr(addr);
  assert_int_equal(ztk_sock_new(&l, h, a.family, ZTK_SOCK_STREAM), 0);
  assert_int_equal(ztk_sock_bind(l, &a), 0);
  assert_int_equal(ztk_sock_listen(l, backlog), 0);
  return l;
}

bool sh_run(ztk_wire **wires, int n, int64_t ms, bool (*pump)(void *ctx), bool (*done)(void *ctx),
            void *ctx)
{
  int64_t until = sh_now + ms;
  for (;;) {
    if (pump != NULL)
      while (pump(ctx)) {
      }
    if (done(ctx))
      return true;
    if (sh_now >= until)
      return false;
    sh_now = ztk_wire_step(wires, n, sh_now, until);
  }
}

/* ---- streams --------------------------------------------------------------------------------- */

static uint64_t sh_mix(uint64_t z)
{
  z += 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

void sh_pattern(uint64_t seed, uint64_t off, uint8_t *buf, size_t len)
{
  size_t i = 0;
  while (i < len && ((off + i) & 7) != 0) { /* up to a word boundary of the stream */
    uint64_t o = off + i;
    buf[i++] = (uint8_t)(sh_mix(seed ^ (o >> 3)) >> (8 * (o & 7)));
  }
  for (; i + 8 <= len; i += 8) {
    uint64_t w = htole64(sh_mix(seed ^ ((off + i) >> 3)));
    memcpy(buf + i, &w, 8);
  }
  for (; i < len; i++) {
    uint64_t o = off + i;
    buf[i] = (uint8_t)(sh_mix(seed ^ (o >> 3)) >> (8 * (o & 7)));
  }
}

/* A running Fletcher-style checksum of a stream (independent of how it is cut into calls):
 * low 32 bits the sum of the bytes, high 32 bits the sum of those sums. Eight bytes are
 * loaded at a time (sanitizer builds check every load). */
static uint64_t sh_sum(uint64_t h, const uint8_t *p, size_t n)
{
  uint32_t s1 = (uint32_t)h, s2 = (uint32_t)(h >> 32);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    memcpy(&w, p + i, 8);
    w = le64toh(w);
    for (int k = 0; k < 8; k++) {
      s1 += (uint32_t)(w >> (8 * k)) & 0xff;
      s2 += s1;
    }
  }
  for (; i < n; i++) {
    s1 += p[i];
    s2 += s1;
  }
  return (uint64_t)s2 << 32 | s1;
}

static bool sh_stream_send(sh_stream *st, uint8_t *buf)
{
  bool moved = false;
  while (st->sent < st->total && (ztk_sock_events(st->tx) & ZTK_SOCK_EV_OUT)) {
    size_t want = st->total - st->sent > SH_BUF ? SH_BUF : (size_t)(st->total - st->sent);
    sh_pattern(st->seed, st->sent, buf, want);
    long n = ztk_sock_send(st->tx, buf, want);
    if (n < 0 && n != ZTK_EAGAIN && st->err == 0)
      st->err = (int)n;
    if (n <= 0)
      break;
    st->hash_tx = sh_sum(st->hash_tx, buf, (size_t)n);
    st->sent += (uint64_t)n;
    moved = true;
  }
  if (st->sent == st->total && st->close_when_sent && !st->shut) {
    assert_int_equal(ztk_sock_shutdown(st->tx, ZTK_SHUT_WR), 0);
    st->shut = true;
    moved = true;
  }
  return moved;
}

static bool sh_stream_recv(sh_stream *st, uint8_t *buf, uint8_t *want)
{
  bool moved = false;
  size_t chunk = st->rx_chunk ? st->rx_chunk : SH_BUF;
  for (int calls = 0; !st->eof; calls++) {
    if (st->rx_calls_per_pump > 0 && calls >= st->rx_calls_per_pump)
      break;
    if (!(ztk_sock_events(st->rx) & (ZTK_SOCK_EV_IN | ZTK_SOCK_EV_ERR)))
      break;
    long n = ztk_sock_recv(st->rx, buf, chunk, 0);
    if (n == 0) {
      st->eof = true;
      moved = true;
      break;
    }
    if (n < 0 && n != ZTK_EAGAIN && st->err == 0)
      st->err = (int)n;
    if (n < 0)
      break;
    sh_pattern(st->seed, st->got, want, (size_t)n);
    if (memcmp(buf, want, (size_t)n) != 0)
      st->bad = true;
    st->hash_rx = sh_sum(st->hash_rx, buf, (size_t)n);
    st->got += (uint64_t)n;
    moved = true;
  }
  return moved;
}

bool sh_stream_pump(sh_stream *st)
{
  static uint8_t buf[SH_BUF], want[SH_BUF];
  bool a = st->tx != NULL && sh_stream_send(st, buf);
  bool b = st->rx != NULL && sh_stream_recv(st, buf, want);
  return a || b;
}

/* ---- connection setup ------------------------------------------------------------------------ */

typedef struct sh_pair_ctx {
  ztk_sock *client, *listener, *server;
} sh_pair_ctx;

static bool sh_pair_done(void *ctx)
{
  sh_pair_ctx *p = ctx;
  if (p->server == NULL)
    ztk_sock_accept(p->listener, &p->server, NULL);
  return p->server != NULL && (ztk_sock_events(p->client) & ZTK_SOCK_EV_OUT) != 0;
}

void sh_connect_pair(ztk_wire **wires, int n, ztk_stack_host *c, ztk_sock *l, const char *srv,
                     ztk_sock **client, ztk_sock **server)
{
  ztk_inaddr a = sh_addr(srv);
  sh_pair_ctx p = {NULL, l, NULL};
  assert_int_equal(ztk_sock_new(&p.client, c, a.family, ZTK_SOCK_STREAM), 0);
  assert_int_equal(ztk_sock_connect(p.client, &a), ZTK_ESOCK_INPROGRESS);
  assert_true(sh_run(wires, n, 10000, NULL, sh_pair_done, &p));
  *client = p.client;
  *server = p.server;
}

/* ---- bulk transfers -------------------------------------------------------------------------- */

typedef struct bulk_ctx {
  sh_stream st[2];
} bulk_ctx;

static bool bulk_pump(void *ctx)
{
  bulk_ctx *c = ctx;
  bool a = sh_stream_pump(&c->st[0]);
  bool b = sh_stream_pump(&c->st[1]);
  return a || b;
}

static bool bulk_done(void *ctx)
{
  bulk_ctx *c = ctx;
  return c->st[0].eof && c->st[1].eof;
}

static double wall(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void sh_bulk(uint64_t bytes, int64_t delay_ms, double loss, int64_t limit_ms)
{
  sh_two t;
  ztk_sock *l, *c, *s;
  sh_two_up(&t, delay_ms, loss, 0x8056c2e21c000002ull, 0x32000000a001ull, "10.2.0.1/16", NULL,
            0x32000000b001ull, "10.2.0.2/16", NULL);
  l = sh_listen(t.b, "0.0.0.0/5001", 4);
  sh_connect_pair(&t.w, 1, t.a, l, "10.2.0.2/5001", &c, &s);
  bulk_ctx ctx;
  memset(&ctx, 0, sizeof ctx);
  ctx.st[0] = (sh_stream){.tx = c, .rx = s, .seed = 11, .total = bytes, .close_when_sent = true};
  ctx.st[1] = (sh_stream){.tx = s, .rx = c, .seed = 12, .total = bytes, .close_when_sent = true};
  int64_t t0 = sh_now;
  double w0 = wall();
  assert_true(sh_run(&t.w, 1, limit_ms, bulk_pump, bulk_done, &ctx));
  for (int i = 0; i < 2; i++) {
    assert_false(ctx.st[i].bad);
    assert_int_equal(ctx.st[i].got, bytes);
    assert_int_equal(ctx.st[i].hash_rx, ctx.st[i].hash_tx);
  }
  ztk_wire_stats ws;
  ztk_wire_stats_get(t.w, &ws);
  printf("# %llu MiB each way, delay %lld ms, loss %.0f%%: %.1f s virtual, %.2f s wall, "
         "%llu frames, %llu lost\n",
         (unsigned long long)(bytes >> 20), (long long)delay_ms, loss * 100,
         (double)(sh_now - t0) / 1000.0, wall() - w0, (unsigned long long)ws.sent,
         (unsigned long long)ws.lost);
  ztk_sock_close(c);
  ztk_sock_close(s);
  ztk_sock_close(l);
  sh_two_down(&t);
}
