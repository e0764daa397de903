/* TCP sockets between two hosts on a wire: connect, transfer, half-close, refusal, backlog,
 * timeouts, resets, linger, options, ports, wakeups, loopback and error paths. Every test ends
 * with a pool-leak check. */
#include "tests/support/vectors.h"

#include <errno.h>
#include <string.h>

#include "stack/sock_err.h"
#include "tests/support/stack_harness.h"

#define NWID 0x8056c2e21c000001ull
#define MAC_A 0x32aabbcc0001ull
#define MAC_B 0x32aabbcc0002ull

typedef struct pair {
  sh_two t;
  ztk_wire *w;
  ztk_stack_host *a, *b;
  ztk_stack_netif *na, *nb;
  ztk_sock *l;     /* listener on b */
  ztk_sock *c, *s; /* client on a, server end on b */
} pair;

static void pair_up(pair *p)
{
  memset(p, 0, sizeof *p);
  sh_two_up(&p->t, 1, 0, NWID, MAC_A, "10.1.0.1/24", NULL, MAC_B, "10.1.0.2/24", NULL);
  p->w = p->t.w;
  p->a = p->t.a;
  p->b = p->t.b;
  p->na = p->t.na;
  p->nb = p->t.nb;
}

/* pair_up + a listener on b port 7000 + one established connection. */
static void pair_connected(pair *p)
{
  pair_up(p);
  p->l = sh_listen(p->b, "0.0.0.0/7000", 8);
  sh_connect_pair(&p->w, 1, p->a, p->l, "10.1.0.2/7000", &p->c, &p->s);
}

static void pair_down(pair *p)
{
  ztk_sock *socks[3] = {p->c, p->s, p->l};
  for (int i = 0; i < 3; i++) {
    if (socks[i] != NULL)
      assert_int_equal(ztk_sock_close(socks[i]), 0);
  }
  ztk_stack_host *hosts[2] = {p->a, p->b};
  sh_end(hosts, 2, &p->w, 1);
}

static void run_ms(pair *p, int64_t ms)
{
  sh_advance(&p->w, 1, ms);
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

static int pending_error(ztk_sock *s)
{
  int v = 1;
  assert_int_equal(ztk_sock_getopt(s, ZTK_SO_ERROR, &v), 0);
  return v;
}

/* ---- basics ---------------------------------------------------------------------------------- */

static void test_connect_send_recv(void **state)
{
  pair p;
  ztk_inaddr name, peer;
  char buf[16];
  pair_connected(&p);
  assert_int_equal(ztk_sock_name(p.c, &name), 0);
  assert_true(ztk_inaddr_ip_eq(&name, &(ztk_inaddr){4, 0, {10, 1, 0, 1}}));
  assert_int_equal(ztk_sock_peer(p.s, &peer), 0);
  assert_true(ztk_inaddr_eq(&peer, &name));
  assert_int_equal(ztk_sock_peer(p.c, &peer), 0);
  assert_int_equal(peer.port, 7000);
  assert_int_equal(ztk_sock_peer(p.l, &peer), ZTK_ESOCK_NOTCONN);
  assert_int_equal(ztk_sock_send(p.c, "hello", 5), 5);
  run_ms(&p, 10);
  assert_int_equal(ztk_sock_nread(p.s), 5);
  assert_true(ztk_sock_events(p.s) & ZTK_SOCK_EV_IN);
  assert_int_equal(ztk_sock_recv(p.s, buf, 3, ZTK_MSG_PEEK), 3);
  assert_int_equal(ztk_sock_recv(p.s, buf, sizeof buf, 0), 5);
  assert_memory_equal(buf, "hello", 5);
  assert_int_equal(ztk_sock_recv(p.s, buf, sizeof buf, 0), ZTK_EAGAIN);
  assert_false(ztk_sock_events(p.s) & ZTK_SOCK_EV_IN);
  assert_int_equal(ztk_sock_send(p.c, "x", 0), 0);
  pair_down(&p);
}

static void test_bulk_both_ways(void **state)
{
  pair p;
  sh_stream st[2];
  pair_connected(&p);
  memset(st, 0, sizeof st);
  st[0] = (sh_stream){.tx = p.c, .rx = p.s, .seed = 1, .total = 3 << 20, .close_when_sent = true};
  st[1] = (sh_stream){.tx = p.s, .rx = p.c, .seed = 2, .total = 3 << 20, .close_when_sent = true};
  stream_ctx ctx = {st, 2};
  assert_true(sh_run(&p.w, 1, 60000, streams_pump, streams_done, &ctx));
  for (int i = 0; i < 2; i++) {
    assert_false(st[i].bad);
    assert_int_equal(st[i].got, st[i].total);
    assert_int_equal(st[i].hash_tx, st[i].hash_rx);
  }
  assert_true(ztk_sock_events(p.c) & ZTK_SOCK_EV_HUP);
  pair_down(&p);
}

static void test_half_close(void **state)
{
  pair p;
  char buf[16];
  pair_connected(&p);
  assert_int_equal(ztk_sock_send(p.c, "abc", 3), 3);
  assert_int_equal(ztk_sock_shutdown(p.c, ZTK_SHUT_WR), 0);
  assert_int_equal(ztk_sock_send(p.c, "d", 1), ZTK_ESOCK_PIPE);
  run_ms(&p, 50);
  assert_true(ztk_sock_events(p.s) & ZTK_SOCK_EV_RDHUP);
  assert_int_equal(ztk_sock_recv(p.s, buf, sizeof buf, 0), 3);
  assert_int_equal(ztk_sock_recv(p.s, buf, sizeof buf, 0), 0);
  /* the other direction still works */
  assert_int_equal(ztk_sock_send(p.s, "xyz", 3), 3);
  run_ms(&p, 50);
  assert_int_equal(ztk_sock_recv(p.c, buf, sizeof buf, 0), 3);
  assert_memory_equal(buf, "xyz", 3);
  assert_int_equal(ztk_sock_recv(p.c, buf, sizeof buf, 0), ZTK_EAGAIN);
  assert_int_equal(ztk_sock_close(p.s), 0);
  p.s = NULL;
  run_ms(&p, 50);
  assert_int_equal(ztk_sock_recv(p.c, buf, sizeof buf, 0), 0);
  assert_true(ztk_sock_events(p.c) & ZTK_SOCK_EV_HUP);
  assert_int_equal(pending_error(p.c), 0);
  pair_down(&p);
}

static void test_shutdown_read_discards(void **state)
{
  pair p;
  char buf[8];
  pair_connected(&p);
  assert_int_equal(ztk_sock_send(p.c, "abc", 3), 3);
  run_ms(&p, 20);
  assert_int_equal(ztk_sock_shutdown(p.s, ZTK_SHUT_RD), 0);
  assert_int_equal(ztk_sock_recv(p.s, buf, sizeof buf, 0), 0);
  assert_int_equal(ztk_sock_send(p.c, "def", 3), 3);
  run_ms(&p, 20);
  assert_int_equal(ztk_sock_nread(p.s), 0);
  assert_int_equal(ztk_sock_send(p.s, "ok", 2), 2); /* writing still works */
  run_ms(&p, 20);
  assert_int_equal(ztk_sock_recv(p.c, buf, sizeof buf, 0), 2);
  pair_down(&p);
}

/* ---- failures -------------------------------------------------------------------------------- */

static void test_refused(void **state)
{
  pair p;
  ztk_sock *c;
  ztk_inaddr dst = sh_addr("10.1.0.2/7999");
  pair_up(&p);
  assert_int_equal(ztk_sock_new(&c, p.a, 4, ZTK_SOCK_STREAM), 0);
  assert_int_equal(ztk_sock_connect(c, &dst), ZTK_ESOCK_INPROGRESS);
  assert_int_equal(ztk_sock_connect(c, &dst), ZTK_ESOCK_ALREADY);
  assert_int_equal(ztk_sock_send(c, "x", 1), ZTK_EAGAIN);
  run_ms(&p, 100);
  assert_true(ztk_sock_events(c) & ZTK_SOCK_EV_ERR);
  int err = pending_error(c);
  assert_int_equal(err, ZTK_ESOCK_REFUSED);
  assert_int_equal(ztk_sock_errno(err), ECONNREFUSED);
  assert_false(ztk_sock_events(c) & ZTK_SOCK_EV_ERR);
  assert_int_equal(ztk_sock_connect(c, &dst), ZTK_ESOCK_ISCONN);
  ztk_sock_close(c);
  pair_down(&p);
}

static void test_connect_timeout(void **state)
{
  pair p;
  ztk_sock *c;
  ztk_inaddr dst = sh_addr("10.1.0.2/7000");
  pair_up(&p);
  ztk_wire_set_loss(p.w, 1.0);
  assert_int_equal(ztk_sock_new(&c, p.a, 4, ZTK_SOCK_STREAM), 0);
  assert_int_equal(ztk_sock_connect(c, &dst), ZTK_ESOCK_INPROGRESS);
  run_ms(&p, 10 * 1000);
  assert_int_equal(ztk_sock_events(c) & ZTK_SOCK_EV_ERR, 0); /* still trying */
  run_ms(&p, 60 * 1000); /* lwIP gives up after 6 SYN retries, about 20 s */
  assert_int_equal(ztk_sock_recv(c, NULL, 0, 0), ZTK_ETIMEDOUT);
  assert_int_equal(ztk_sock_errno(ZTK_ETIMEDOUT), ETIMEDOUT);
  ztk_sock_close(c);
  pair_down(&p);
}

static void test_unreachable_network(void **state)
{
  pair p;
  ztk_sock *c;
  ztk_inaddr dst = sh_addr("10.9.0.2/7000");
  pair_up(&p);
  assert_int_equal(ztk_sock_new(&c, p.a, 4, ZTK_SOCK_STREAM), 0);
  assert_int_equal(ztk_sock_connect(c, &dst), ZTK_ESOCK_NETUNREACH);
  assert_int_equal(ztk_sock_errno(ZTK_ESOCK_NETUNREACH), ENETUNREACH);
  ztk_sock_close(c);
  pair_down(&p);
}

static void test_abort_resets_peer(void **state)
{
  pair p;
  char buf[4];
  pair_connected(&p);
  assert_int_equal(ztk_sock_abort(p.c), 0);
  p.c = NULL;
  run_ms(&p, 20);
  assert_true(ztk_sock_events(p.s) & ZTK_SOCK_EV_HUP);
  long n = ztk_sock_recv(p.s, buf, sizeof buf, 0);
  assert_int_equal(n, ZTK_ESOCK_RESET);
  assert_int_equal(ztk_sock_errno((int)n), ECONNRESET);
  assert_int_equal(ztk_sock_recv(p.s, buf, sizeof buf, 0), 0); /* reported once */
  assert_int_equal(ztk_sock_send(p.s, "x", 1), ZTK_ESOCK_PIPE);
  pair_down(&p);
}

static void test_close_with_unread_data_resets(void **state)
{
  pair p;
  char buf[4];
  pair_connected(&p);
  assert_int_equal(ztk_sock_send(p.c, "data", 4), 4);
  run_ms(&p, 20);
  assert_int_equal(ztk_sock_close(p.s), 0); /* 4 bytes unread */
  p.s = NULL;
  run_ms(&p, 20);
  assert_int_equal(ztk_sock_recv(p.c, buf, sizeof buf, 0), ZTK_ESOCK_RESET);
  pair_down(&p);
}

static void test_linger_zero_resets(void **state)
{
  pair p;
  char buf[4];
  pair_connected(&p);
  assert_int_equal(ztk_sock_setopt(p.c, ZTK_SO_LINGER, 0), 0);
  assert_int_equal(ztk_sock_close(p.c), 0);
  p.c = NULL;
  run_ms(&p, 20);
  assert_int_equal(ztk_sock_recv(p.s, buf, sizeof buf, 0), ZTK_ESOCK_RESET);
  pair_down(&p);
}

/* Closing right after a big send still delivers everything, then FIN (with and without
 * SO_LINGER); the lingering socket is gone once its data is acknowledged. */
static void close_after_send(int linger)
{
  pair p;
  sh_stream st;
  pair_connected(&p);
  int base = ztk_stack_host_sockets(p.a);
  assert_int_equal(ztk_sock_setopt(p.c, ZTK_SO_LINGER, linger), 0);
  memset(&st, 0, sizeof st);
  st = (sh_stream){.tx = p.c, .seed = 7, .total = 512 * 1024};
  while (sh_stream_pump(&st) && st.sent < st.total) {
  }
  assert_int_equal(ztk_sock_close(p.c), 0);
  p.c = NULL;
  st.tx = NULL;
  st.total = st.sent;
  st.rx = p.s;
  stream_ctx ctx = {&st, 1};
  assert_true(sh_run(&p.w, 1, 60000, streams_pump, streams_done, &ctx));
  assert_int_equal(st.got, st.sent);
  assert_false(st.bad);
  run_ms(&p, 100); /* the last ACK reaches the closed socket */
  assert_int_equal(ztk_stack_host_sockets(p.a), base - 1);
  pair_down(&p);
}

static void test_close_delivers_pending(void **state)
{
  close_after_send(-1);
}

static void test_linger_delivers_pending(void **state)
{
  close_after_send(5);
}

static void test_linger_expires(void **state)
{
  pair p;
  static uint8_t big[200 * 1024];
  pair_connected(&p);
  int base = ztk_stack_host_sockets(p.a);
  assert_int_equal(ztk_sock_setopt(p.c, ZTK_SO_LINGER, 2), 0);
  ztk_wire_set_loss(p.w, 1.0);
  assert_true(ztk_sock_send(p.c, big, sizeof big) > 0);
  assert_int_equal(ztk_sock_close(p.c), 0);
  p.c = NULL;
  run_ms(&p, 1000);
  assert_int_equal(ztk_stack_host_sockets(p.a), base); /* still lingering */
  run_ms(&p, 3000);
  assert_int_equal(ztk_stack_host_sockets(p.a), base - 1);
  ztk_wire_set_loss(p.w, 0);
  /* the reset was lost with the rest; the peer learns when it next sends */
  assert_int_equal(ztk_sock_send(p.s, "x", 1), 1);
  run_ms(&p, 1000);
  char buf[16];
  long n;
  while ((n = ztk_sock_recv(p.s, buf, sizeof buf, 0)) > 0) {
  }
  assert_int_equal(n, ZTK_ESOCK_RESET);
  pair_down(&p);
}

static void test_keepalive_timeout(void **state)
{
  pair p;
  pair_connected(&p);
  assert_int_equal(ztk_sock_setopt(p.c, ZTK_TCP_KEEPIDLE, 2), 0);
  assert_int_equal(ztk_sock_setopt(p.c, ZTK_TCP_KEEPINTVL, 1), 0);
  assert_int_equal(ztk_sock_setopt(p.c, ZTK_TCP_KEEPCNT, 3), 0);
  assert_int_equal(ztk_sock_setopt(p.c, ZTK_SO_KEEPALIVE, 1), 0);
  run_ms(&p, 10000); /* probes answered: still fine */
  assert_int_equal(ztk_sock_events(p.c) & ZTK_SOCK_EV_ERR, 0);
  ztk_wire_set_loss(p.w, 1.0);
  run_ms(&p, 10000);
  assert_int_equal(pending_error(p.c), ZTK_ETIMEDOUT);
  ztk_wire_set_loss(p.w, 0);
  pair_down(&p);
}

/* ---- listening ------------------------------------------------------------------------------- */

static void test_backlog(void **state)
{
  pair p;
  ztk_sock *c[4], *acc[4];
  ztk_inaddr dst = sh_addr("10.1.0.2/7100");
  pair_up(&p);
  p.l = sh_listen(p.b, "10.1.0.2/7100", 2);
  for (int i = 0; i < 4; i++) {
    assert_int_equal(ztk_sock_new(&c[i], p.a, 4, ZTK_SOCK_STREAM), 0);
    assert_int_equal(ztk_sock_connect(c[i], &dst), ZTK_ESOCK_INPROGRESS);
  }
  run_ms(&p, 500);
  int connected = 0;
  for (int i = 0; i < 4; i++)
    connected += (ztk_sock_events(c[i]) & ZTK_SOCK_EV_OUT) != 0;
  assert_int_equal(connected, 2);
  assert_int_equal(ztk_sock_accept(p.l, &acc[0], NULL), 0);
  assert_int_equal(ztk_sock_accept(p.l, &acc[1], NULL), 0);
  assert_int_equal(ztk_sock_accept(p.l, &acc[2], NULL), ZTK_EAGAIN);
  run_ms(&p, 20000); /* the refused SYNs are sent again */
  assert_int_equal(ztk_sock_accept(p.l, &acc[2], NULL), 0);
  assert_int_equal(ztk_sock_accept(p.l, &acc[3], NULL), 0);
  for (int i = 0; i < 4; i++) {
    assert_true(ztk_sock_events(c[i]) & ZTK_SOCK_EV_OUT);
    ztk_sock_close(c[i]);
    ztk_sock_close(acc[i]);
  }
  pair_down(&p);
}

static void test_listener_close_resets_queued(void **state)
{
  pair p;
  ztk_sock *c;
  char buf[4];
  ztk_inaddr dst = sh_addr("10.1.0.2/7200");
  pair_up(&p);
  p.l = sh_listen(p.b, "0.0.0.0/7200", 4);
  assert_int_equal(ztk_sock_new(&c, p.a, 4, ZTK_SOCK_STREAM), 0);
  assert_int_equal(ztk_sock_connect(c, &dst), ZTK_ESOCK_INPROGRESS);
  run_ms(&p, 100);
  assert_true(ztk_sock_events(p.l) & ZTK_SOCK_EV_IN);
  assert_int_equal(ztk_sock_close(p.l), 0);
  p.l = NULL;
  run_ms(&p, 100);
  assert_int_equal(ztk_sock_recv(c, buf, sizeof buf, 0), ZTK_ESOCK_RESET);
  ztk_sock_close(c);
  pair_down(&p);
}

static void test_ports(void **state)
{
  pair p;
  ztk_sock *x, *y;
  ztk_inaddr a = sh_addr("10.1.0.2/7300"), any = sh_addr("0.0.0.0/7300");
  ztk_inaddr other = sh_addr("10.1.0.77/7300"), six = sh_addr("::/7300");
  pair_up(&p);
  p.l = sh_listen(p.b, "10.1.0.2/7300", 4);
  assert_int_equal(ztk_sock_new(&x, p.b, 4, ZTK_SOCK_STREAM), 0);
  assert_int_equal(ztk_sock_bind(x, &a), ZTK_ESOCK_ADDRINUSE);
  assert_int_equal(ztk_sock_bind(x, &any), ZTK_ESOCK_ADDRINUSE);
  assert_int_equal(ztk_sock_setopt(x, ZTK_SO_REUSEADDR, 1), 0);
  assert_int_equal(ztk_sock_bind(x, &any), ZTK_ESOCK_ADDRINUSE); /* a listener holds it */
  assert_int_equal(ztk_sock_bind(x, &other), ZTK_ESOCK_ADDRNOTAVAIL);
  assert_int_equal(ztk_sock_bind(x, &six), ZTK_EINVAL);
  assert_int_equal(ztk_sock_errno(ZTK_ESOCK_ADDRINUSE), EADDRINUSE);
  /* another host may use the same port */
  assert_int_equal(ztk_sock_new(&y, p.a, 4, ZTK_SOCK_STREAM), 0);
  assert_int_equal(ztk_sock_bind(y, &any), 0);
  assert_int_equal(ztk_sock_listen(y, 1), 0);
  assert_int_equal(ztk_sock_bind(y, &any), ZTK_EINVAL);
  ztk_sock_close(x);
  ztk_sock_close(y);
  pair_down(&p);
}

static void test_reuseaddr_time_wait(void **state)
{
  pair p;
  ztk_sock *x;
  ztk_inaddr any = sh_addr("0.0.0.0/7000");
  char buf[4];
  pair_connected(&p);
  assert_int_equal(ztk_sock_close(p.s), 0); /* the server closes first: TIME-WAIT on b */
  p.s = NULL;
  run_ms(&p, 50);
  assert_int_equal(ztk_sock_recv(p.c, buf, sizeof buf, 0), 0);
  assert_int_equal(ztk_sock_close(p.c), 0);
  p.c = NULL;
  assert_int_equal(ztk_sock_close(p.l), 0);
  p.l = NULL;
  run_ms(&p, 50);
  assert_int_equal(ztk_sock_new(&x, p.b, 4, ZTK_SOCK_STREAM), 0);
  assert_int_equal(ztk_sock_bind(x, &any), ZTK_ESOCK_ADDRINUSE);
  assert_int_equal(ztk_sock_setopt(x, ZTK_SO_REUSEADDR, 1), 0);
  assert_int_equal(ztk_sock_bind(x, &any), 0);
  ztk_sock_close(x);
  pair_down(&p);
}

/* ---- options, wakeups, misuse ---------------------------------------------------------------- */

static void test_options(void **state)
{
  pair p;
  int v;
  pair_connected(&p);
  assert_int_equal(ztk_sock_setopt(p.c, ZTK_TCP_NODELAY, 1), 0);
  assert_int_equal(ztk_sock_getopt(p.c, ZTK_TCP_NODELAY, &v), 0);
  assert_int_equal(v, 1);
  assert_int_equal(ztk_sock_setopt(p.c, ZTK_SO_RCVBUF, 100), ZTK_ERANGE);
  assert_int_equal(ztk_sock_setopt(p.c, ZTK_SO_RCVBUF, 8192), 0);
  assert_int_equal(ztk_sock_getopt(p.c, ZTK_SO_RCVBUF, &v), 0);
  assert_int_equal(v, 8192);
  assert_int_equal(ztk_sock_setopt(p.c, ZTK_SO_SNDBUF, 1), ZTK_ERANGE);
  assert_int_equal(ztk_sock_setopt(p.c, ZTK_SO_SNDBUF, 65536), 0);
  assert_int_equal(ztk_sock_setopt(p.c, ZTK_SO_LINGER, -2), ZTK_ERANGE);
  assert_int_equal(ztk_sock_setopt(p.c, ZTK_TCP_KEEPCNT, 0), ZTK_ERANGE);
  assert_int_equal(ztk_sock_setopt(p.c, ZTK_IP_TTL, 0), ZTK_ERANGE);
  assert_int_equal(ztk_sock_setopt(p.c, ZTK_IP_TTL, 9), 0);
  assert_int_equal(ztk_sock_setopt(p.c, ZTK_IP_TOS, 0x10), 0);
  assert_int_equal(ztk_sock_setopt(p.c, ZTK_SO_BROADCAST, 1), ZTK_ESOCK_NOPROTOOPT);
  assert_int_equal(ztk_sock_setopt(p.c, ZTK_SO_ERROR, 1), ZTK_EINVAL);
  assert_int_equal(ztk_sock_setopt(p.c, (ztk_sockopt)999, 1), ZTK_ESOCK_NOPROTOOPT);
  assert_int_equal(ztk_sock_getopt(p.c, ZTK_SO_TYPE, &v), 0);
  assert_int_equal(v, ZTK_SOCK_STREAM);
  assert_int_equal(ztk_sock_getopt(p.c, ZTK_SO_RCVQLEN, &v), ZTK_ESOCK_NOPROTOOPT);
  /* the smaller window still carries a stream */
  sh_stream st = {.tx = p.s, .rx = p.c, .seed = 3, .total = 300000, .close_when_sent = true};
  stream_ctx ctx = {&st, 1};
  assert_true(sh_run(&p.w, 1, 60000, streams_pump, streams_done, &ctx));
  assert_int_equal(st.got, st.total);
  assert_false(st.bad);
  pair_down(&p);
}

static void test_misuse(void **state)
{
  pair p;
  ztk_sock *x, *acc;
  char buf[4];
  ztk_inaddr dst = sh_addr("10.1.0.2/7000");
  pair_connected(&p);
  assert_int_equal(ztk_sock_recv(p.l, buf, sizeof buf, 0), ZTK_ESOCK_NOTCONN);
  assert_int_equal(ztk_sock_send(p.l, buf, 1), ZTK_ESOCK_NOTCONN);
  assert_int_equal(ztk_sock_accept(p.c, &acc, NULL), ZTK_EINVAL);
  assert_int_equal(ztk_sock_connect(p.l, &dst), ZTK_EINVAL);
  assert_int_equal(ztk_sock_connect(p.c, &dst), ZTK_ESOCK_ISCONN);
  assert_int_equal(ztk_sock_shutdown(p.l, ZTK_SHUT_WR), ZTK_ESOCK_NOTCONN);
  assert_int_equal(ztk_sock_shutdown(p.c, 7), ZTK_EINVAL);
  assert_int_equal(ztk_sock_new(&x, p.a, 5, ZTK_SOCK_STREAM), ZTK_ESOCK_AFNOSUPPORT);
  assert_int_equal(ztk_sock_new(&x, p.a, 4, (ztk_sock_type)9), ZTK_EINVAL);
  assert_int_equal(ztk_sock_new(&x, p.a, 4, ZTK_SOCK_STREAM), 0);
  assert_int_equal(ztk_sock_recv(x, buf, sizeof buf, 0), ZTK_ESOCK_NOTCONN);
  assert_int_equal(ztk_sock_send(x, buf, 1), ZTK_ESOCK_NOTCONN);
  assert_int_equal(ztk_sock_sendto(x, buf, 1, &dst), ZTK_ESOCK_OPNOTSUPP);
  assert_int_equal(ztk_sock_ping_send(x, &dst, 1, 8), ZTK_ESOCK_OPNOTSUPP);
  ztk_inaddr bad = dst;
  bad.port = 0;
  assert_int_equal(ztk_sock_connect(x, &bad), ZTK_EINVAL);
  assert_int_equal(ztk_sock_close(x), 0);
  assert_int_equal(ztk_sock_close(NULL), ZTK_EINVAL);
  pair_down(&p);
}

typedef struct wake_log {
  int calls;
  long got;
  unsigned last;
} wake_log;

/* Wakeups run after the stack call that caused them, so they may call the socket API. */
static void on_wake(void *user, ztk_sock *s, unsigned events)
{
  wake_log *log = user;
  char buf[64];
  log->calls++;
  log->last = events;
  long n = ztk_sock_recv(s, buf, sizeof buf, 0);
  if (n > 0)
    log->got += n;
}

static void test_wakeups(void **state)
{
  pair p;
  wake_log log = {0, 0, 0};
  pair_connected(&p);
  ztk_sock_set_wakeup(p.s, on_wake, &log);
  assert_int_equal(ztk_sock_send(p.c, "0123456789", 10), 10);
  run_ms(&p, 20);
  assert_true(log.calls >= 1);
  assert_int_equal(log.got, 10);
  assert_int_equal(ztk_sock_shutdown(p.c, ZTK_SHUT_WR), 0);
  run_ms(&p, 20);
  assert_true(log.last & ZTK_SOCK_EV_RDHUP);
  ztk_sock_set_wakeup(p.s, NULL, NULL);
  pair_down(&p);
}

static void free_host_on_wake(void *user, ztk_sock *s, unsigned events)
{
  pair *p = user;
  (void)s;
  (void)events;
  ztk_wire_detach(p->w, p->nb);
  ztk_stack_host_free(p->b); /* frees s and the host itself */
  p->b = NULL;
}

/* A wakeup callback may free the host its socket belongs to. */
static void test_free_host_from_wakeup(void **state)
{
  pair p;
  pair_connected(&p);
  ztk_sock_set_wakeup(p.s, free_host_on_wake, &p);
  assert_int_equal(ztk_sock_send(p.c, "bye", 3), 3);
  run_ms(&p, 20);
  assert_null(p.b);
  p.s = p.l = NULL; /* gone with their host */
  run_ms(&p, 20);
  assert_true(ztk_sock_events(p.c) & ZTK_SOCK_EV_HUP); /* the reset arrived */
  ztk_sock_close(p.c);
  p.c = NULL;
  ztk_stack_host *hosts[1] = {p.a};
  sh_end(hosts, 1, &p.w, 1);
}

static void test_loopback_to_self(void **state)
{
  pair p;
  ztk_sock *c, *s;
  char buf[8];
  pair_up(&p);
  ztk_wire_stats before, after;
  ztk_wire_stats_get(p.w, &before);
  p.l = sh_listen(p.a, "0.0.0.0/7400", 2);
  sh_connect_pair(&p.w, 1, p.a, p.l, "10.1.0.1/7400", &c, &s);
  assert_int_equal(ztk_sock_send(c, "self", 4), 4);
  run_ms(&p, 5);
  assert_int_equal(ztk_sock_recv(s, buf, sizeof buf, 0), 4);
  assert_memory_equal(buf, "self", 4);
  ztk_wire_stats_get(p.w, &after);
  assert_int_equal(after.sent, before.sent); /* never left the host */
  ztk_sock_close(c);
  ztk_sock_close(s);
  pair_down(&p);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_connect_send_recv),
      cmocka_unit_test(test_bulk_both_ways),
      cmocka_unit_test(test_half_close),
      cmocka_unit_test(test_shutdown_read_discards),
      cmocka_unit_test(test_refused),
      cmocka_unit_test(test_connect_timeout),
      cmocka_unit_test(test_unreachable_network),
      cmocka_unit_test(test_abort_resets_peer),
      cmocka_unit_test(test_close_with_unread_data_resets),
      cmocka_unit_test(test_linger_zero_resets),
      cmocka_unit_test(test_close_delivers_pending),
      cmocka_unit_test(test_linger_delivers_pending),
      cmocka_unit_test(test_linger_expires),
      cmocka_unit_test(test_keepalive_timeout),
      cmocka_unit_test(test_backlog),
      cmocka_unit_test(test_listener_close_resets_queued),
      cmocka_unit_test(test_ports),
      cmocka_unit_test(test_reuseaddr_time_wait),
      cmocka_unit_test(test_options),
      cmocka_unit_test(test_misuse),
      cmocka_unit_test(test_wakeups),
      cmocka_unit_test(test_free_host_from_wakeup),
      cmocka_unit_test(test_loopback_to_self),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
