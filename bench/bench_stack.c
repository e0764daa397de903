/* Userspace stack figures: TCP throughput between two hosts wired back to back (1 and 8
 * streams, no loss; 64 MiB each way over a 5%-loss, 50 ms wire, checked byte by byte) and the
 * memory one open TCP connection costs. Throughput is in MB/s of wall-clock time (the wire has
 * no bandwidth limit, so this is the CPU cost of lwIP, the socket layer and the copies). */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench.h"
#include "lwip/memp.h"
#include "lwip/priv/memp_priv.h"
#include "lwip/stats.h"
#include "stack/env.h"
#include "stack/socket.h"
#include "stack/wire.h"

#define NWID 0x8056c2e21c0000e1ull
#define BUF (64 * 1024)

typedef struct blink {
  ztk_wire *w;
  ztk_stack_host *a, *b;
  ztk_sock *l;
  int64_t now;
} blink;

static void die(const char *what, long rc)
{
  fprintf(stderr, "bench_stack: %s failed (%ld)\n", what, rc);
  exit(1);
}

static void blink_up(blink *k, int64_t delay_ms, double loss, int backlog)
{
  ztk_wire_config cfg;
  ztk_stack_netif *n;
  memset(k, 0, sizeof *k);
  memset(&cfg, 0, sizeof cfg);
  cfg.delay_ms = delay_ms;
  cfg.loss = loss;
  cfg.seed = 7;
  k->now = ztk_stack_now() + 1000;
  ztk_stack_set_now(k->now);
  if (ztk_wire_new(&k->w, &cfg) || ztk_stack_host_new(&k->a, NULL) ||
      ztk_stack_host_new(&k->b, NULL))
    die("setup", -1);
  ztk_stack_netif_config ca = {.nwid = NWID, .mac = 0x32000000e001ull},
                         cb = {.nwid = NWID, .mac = 0x32000000e002ull};
  ztk_inaddr aa, ab, any;
  ztk_inaddr_parse(&aa, "10.80.0.1/16");
  ztk_inaddr_parse(&ab, "10.80.0.2/16");
  ztk_inaddr_parse(&any, "0.0.0.0/5000");
  if (ztk_wire_attach(k->w, k->a, &ca, &n) || ztk_stack_netif_add_addr(n, &aa))
    die("netif a", -1);
  if (ztk_wire_attach(k->w, k->b, &cb, &n) || ztk_stack_netif_add_addr(n, &ab))
    die("netif b", -1);
  if (ztk_sock_new(&k->l, k->b, 4, ZTK_SOCK_STREAM) || ztk_sock_bind(k->l, &any) ||
      ztk_sock_listen(k->l, backlog))
    die("listen", -1);
}

static void blink_down(blink *k)
{
  ztk_sock_close(k->l);
  ztk_stack_host_free(k->a);
  ztk_stack_host_free(k->b);
  ztk_wire_free(k->w);
}

static void blink_step(blink *k)
{
  k->now = ztk_wire_step(&k->w, 1, k->now, k->now + 60 * 1000);
}

/* n connections a -> b; client[i] and server[i] are the two ends. */
static void blink_connect(blink *k, int n, ztk_sock **client, ztk_sock **server)
{
  ztk_inaddr dst;
  int accepted = 0;
  ztk_inaddr_parse(&dst, "10.80.0.2/5000");
  for (int i = 0; i < n; i++) {
    long rc;
    if ((rc = ztk_sock_new(&client[i], k->a, 4, ZTK_SOCK_STREAM)) != 0 ||
        (rc = ztk_sock_connect(client[i], &dst)) != ZTK_ESOCK_INPROGRESS)
      die("connect", rc);
  }
  for (int guard = 0; accepted < n && guard < 100000; guard++) {
    while (accepted < n && ztk_sock_accept(k->l, &server[accepted], NULL) == 0)
      accepted++;
    if (accepted < n)
      blink_step(k);
  }
  if (accepted < n)
    die("accept", accepted);
}

typedef struct flow {
  ztk_sock *tx, *rx;
  uint64_t total, sent, got;
  uint64_t seed;
  bool check, bad;
} flow;

static void pattern(uint64_t seed, uint64_t off, uint8_t *buf, size_t len)
{
  for (size_t i = 0; i < len; i++) {
    uint64_t o = off + i;
    buf[i] = (uint8_t)((o * 0x9e3779b1u) >> 11 ^ seed ^ (o >> 17));
  }
}

/* Moves what the sockets allow; returns true if anything moved. */
static bool flow_pump(flow *f, uint8_t *buf, uint8_t *want)
{
  bool moved = false;
  while (f->sent < f->total && (ztk_sock_events(f->tx) & ZTK_SOCK_EV_OUT)) {
    size_t n = f->total - f->sent > BUF ? BUF : (size_t)(f->total - f->sent);
    if (f->check)
      pattern(f->seed, f->sent, buf, n);
    long r = ztk_sock_send(f->tx, buf, n);
    if (r <= 0)
      break;
    f->sent += (uint64_t)r;
    moved = true;
  }
  for (;;) {
    long r = ztk_sock_recv(f->rx, buf, BUF, 0);
    if (r <= 0)
      break;
    if (f->check) {
      pattern(f->seed, f->got, want, (size_t)r);
      f->bad |= memcmp(buf, want, (size_t)r) != 0;
    }
    f->got += (uint64_t)r;
    moved = true;
  }
  return moved;
}

/* Runs flows to completion; returns wall seconds and virtual seconds. */
static void flows_run(blink *k, flow *f, int n, double *wall, double *virt)
{
  static uint8_t buf[BUF], want[BUF];
  double t0 = bench_now();
  int64_t v0 = k->now;
  for (;;) {
    bool done = true;
    for (int i = 0; i < n; i++) {
      while (flow_pump(&f[i], buf, want)) {
      }
      done &= f[i].got == f[i].total;
    }
    if (done)
      break;
    blink_step(k);
  }
  *wall = bench_now() - t0;
  *virt = (double)(k->now - v0) / 1000.0;
  for (int i = 0; i < n; i++) {
    if (f[i].bad)
      die("byte check", i);
  }
}

static void bench_streams(int streams, uint64_t bytes_each, bool both_ways, int64_t delay,
                          double loss, const char *name)
{
  blink k;
  ztk_sock *c[8], *s[8];
  flow f[16];
  double wall, virt;
  blink_up(&k, delay, loss, 16);
  blink_connect(&k, streams, c, s);
  memset(f, 0, sizeof f);
  int n = 0;
  for (int i = 0; i < streams; i++) {
    f[n++] = (flow){
        .tx = c[i], .rx = s[i], .total = bytes_each, .seed = 2u * (unsigned)i, .check = loss > 0};
    if (both_ways)
      f[n++] = (flow){.tx = s[i],
                      .rx = c[i],
                      .total = bytes_each,
                      .seed = 2u * (unsigned)i + 1,
                      .check = loss > 0};
  }
  flows_run(&k, f, n, &wall, &virt);
  char label[96];
  double mb = (double)bytes_each * n / 1e6;
  snprintf(label, sizeof label, "%s MB/s", name);
  bench_print(label, mb / wall, "MB/s");
  snprintf(label, sizeof label, "%s wall", name);
  bench_print(label, wall, "s");
  if (loss > 0 || delay > 1) {
    snprintf(label, sizeof label, "%s virtual time", name);
    bench_print(label, virt, "s");
  }
  for (int i = 0; i < streams; i++) {
    ztk_sock_close(c[i]);
    ztk_sock_close(s[i]);
  }
  blink_down(&k);
}

/* Bytes lwIP's pools hold in use, plus its heap. */
static size_t lwip_bytes(void)
{
  size_t total = lwip_stats.mem.used;
  for (int i = 0; i < MEMP_MAX; i++)
    total += (size_t)lwip_stats.memp[i]->used * memp_pools[i]->size;
  return total;
}

static void bench_memory_per_connection(void)
{
  enum { CONNS = 200 };
  static ztk_sock *c[CONNS], *s[CONNS];
  blink k;
  blink_up(&k, 1, 0, 255);
  ztk_sock *warm_c, *warm_s;
  blink_connect(&k, 1, &warm_c, &warm_s); /* ARP and first-use allocations */
  struct mallinfo2 m0 = mallinfo2();
  size_t l0 = lwip_bytes();
  blink_connect(&k, CONNS, c, s);
  for (int i = 0; i < 20; i++)
    blink_step(&k);
  struct mallinfo2 m1 = mallinfo2();
  size_t l1 = lwip_bytes();
  double per_end = (double)((m1.uordblks - m0.uordblks) + (l1 - l0)) / (2.0 * CONNS);
  bench_print("idle TCP connection end: total", per_end, "bytes");
  bench_print("idle TCP connection end: lwIP pools", (double)(l1 - l0) / (2.0 * CONNS), "bytes");
  bench_print("idle TCP connection end: socket",
              (double)(m1.uordblks - m0.uordblks) / (2.0 * CONNS), "bytes");
  for (int i = 0; i < CONNS; i++) {
    ztk_sock_close(c[i]);
    ztk_sock_close(s[i]);
  }
  ztk_sock_close(warm_c);
  ztk_sock_close(warm_s);
  blink_down(&k);
}

int main(void)
{
  ztk_stack_init();
  bench_streams(1, 256ull << 20, false, 0, 0, "tcp 1 stream, 256 MiB");
  bench_streams(8, 32ull << 20, false, 0, 0, "tcp 8 streams, 8x32 MiB");
  bench_streams(1, 64ull << 20, true, 0, 0, "tcp 64 MiB each way");
  bench_streams(1, 64ull << 20, true, 50, 0.05, "tcp 64 MiB each way, 5% loss, 50 ms");
  bench_memory_per_connection();
  return 0;
}
