/* TCP sockets between two hosts on a wire: connect, transfer, half-close, refusal, backlog,
 * timeouts, options, wakeups and error paths. Every test ends with a pool-leak check. */
#include "tests/support/vectors.h"

#include <string.h>

#include "stack/sock_err.h"
#include "tests/support/stack_harness.h"

#define NWID 0x8056c2e21c000001ull
#define MAC_A 0x32aabbcc0001ull
#define MAC_B 0x32aabbcc0002ull

typedef struct pair {
  ztk_wire *w;
  ztk_stack_host *a, *b;
  ztk_stack_netif *na, *nb;
  ztk_sock *l;
} pair;

static void pair_up(pair *p, const char *aa, const char *ba)
{
  memset(p, 0, sizeof *p);
  sh_begin();
  p->w = sh_wire(0, 0, 1);
  assert_int_equal(ztk_stack_host_new(&p->a, NULL), 0);
  assert_int_equal(ztk_stack_host_new(&p->b, NULL), 0);
  p->na = sh_netif(p->w, p->a, NWID, MAC_A, aa, NULL, NULL);
  p->nb = sh_netif(p->w, p->b, NWID, MAC_B, ba, NULL, NULL);
}

static void pair_listen(pair *p, int family, uint16_t port, int backlog)
{
  ztk_inaddr any;
  memset(&any, 0, sizeof any);
  any.family = (uint8_t)family;
  any.port = port;
  assert_int_equal(ztk_sock_new(&p->l, p->b, family, ZTK_SOCK_STREAM), 0);
  assert_int_equal(ztk_sock_bind(p->l, &any), 0);
  assert_int_equal(ztk_sock_listen(p->l, backlog), 0);
}

static void pair_down(pair *p)
{
  ztk_stack_host *hosts[2] = {p->a, p->b};
  sh_end(hosts, 2, &p->w, 1);
}

typedef struct stream_ctx {
  sh_stream *st;
  int n;
} stream_ctx;

static bool streams_pump(void *ctx)
{
  stream_ctx *c = ctx;
  bool moved = false;
  for (int i = 0; i < c->n; i++)
    moved |= sh_stream_pump(&c->st[i]);
  return moved;
}

static bool streams_done(void *ctx)
{
  stream_ctx *c = ctx;
  for (int i = 0; i < c->n; i++) {
    if (!c->st[i].eof)
      return false;
  }
  return true;
}

static void test_connect_send_recv(void **state)
{
  pair p;
  ztk_sock *c, *s;
  ztk_inaddr name, peer;
  pair_up(&p, "10.1.0.1/24", "10.1.0.2/24");
  pair_listen(&p, 4, 7000, 4);
  sh_connect_pair(&p.w, 1, p.a, p.l, "10.1.0.2/7000", &c, &s);
  assert_int_equal(ztk_sock_name(c, &name), 0);
  assert_true(ztk_inaddr_ip_eq(&name, &(ztk_inaddr){4, 0, {10, 1, 0, 1}}));
  assert_int_equal(ztk_sock_peer(s, &peer), 0);
  assert_true(ztk_inaddr_eq(&peer, &name));
  assert_int_equal(ztk_sock_peer(c, &peer), 0);
  assert_int_equal(peer.port, 7000);
  assert_int_equal(ztk_sock_send(c, "hello", 5), 5);
  sh_advance(&p.w, 1, 10);
  assert_int_equal(ztk_sock_nread(s), 5);
  assert_true(ztk_sock_events(s) & ZTK_SOCK_EV_IN);
  char buf[16];
  assert_int_equal(ztk_sock_recv(s, buf, 3, ZTK_MSG_PEEK), 3);
  assert_int_equal(ztk_sock_recv(s, buf, sizeof buf, 0), 5);
  assert_memory_equal(buf, "hello", 5);
  assert_int_equal(ztk_sock_recv(s, buf, sizeof buf, 0), ZTK_EAGAIN);
  ztk_sock_close(c);
  ztk_sock_close(s);
  ztk_sock_close(p.l);
  pair_down(&p);
}

static void test_bulk_both_ways_small(void **state)
{
  pair p;
  sh_stream st[2];
  pair_up(&p, "10.1.0.1/24", "10.1.0.2/24");
  pair_listen(&p, 4, 7001, 4);
  ztk_sock *c, *s;
  sh_connect_pair(&p.w, 1, p.a, p.l, "10.1.0.2/7001", &c, &s);
  memset(st, 0, sizeof st);
  st[0] = (sh_stream){.tx = c, .rx = s, .seed = 1, .total = 3 << 20, .close_when_sent = true};
  st[1] = (sh_stream){.tx = s, .rx = c, .seed = 2, .total = 3 << 20, .close_when_sent = true};
  stream_ctx ctx = {st, 2};
  assert_true(sh_run(&p.w, 1, 60000, streams_pump, streams_done, &ctx));
  for (int i = 0; i < 2; i++) {
    assert_false(st[i].bad);
    assert_int_equal(st[i].got, st[i].total);
    assert_int_equal(st[i].hash_tx, st[i].hash_rx);
  }
  ztk_sock_close(c);
  ztk_sock_close(s);
  ztk_sock_close(p.l);
  pair_down(&p);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_connect_send_recv),
      cmocka_unit_test(test_bulk_both_ways_small),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
