/* Isolation between hosts sharing the process's lwIP (docs/DESIGN.md): the same IP address in
 * two networks, the same port on two hosts, a host on two networks, and traffic aimed at a
 * host through the wrong netif. A tap on each wire checks that no frame ever leaves a netif
 * that does not own its source address. */
#include "tests/support/vectors.h"

#include <string.h>

#include "tests/support/stack_harness.h"

#define NET1 0x8056c2e21c0000a1ull
#define NET2 0x8056c2e21c0000a2ull

/* Every frame seen on a wire must come from one of its own MACs. */
typedef struct tap_state {
  uint64_t macs[4];
  int nmacs;
  long frames, foreign;
} tap_state;

static void tap(void *user, int port, uint64_t src_mac, uint64_t dst_mac, uint16_t ethertype,
                const void *data, size_t len)
{
  tap_state *t = user;
  bool ok = false;
  (void)port;
  (void)dst_mac;
  (void)ethertype;
  (void)data;
  (void)len;
  for (int i = 0; i < t->nmacs; i++)
    ok |= t->macs[i] == src_mac;
  t->frames++;
  t->foreign += !ok;
}

static ztk_wire *tapped_wire(tap_state *t, uint64_t m1, uint64_t m2, uint64_t m3)
{
  ztk_wire_config cfg;
  ztk_wire *w;
  memset(&cfg, 0, sizeof cfg);
  memset(t, 0, sizeof *t);
  cfg.delay_ms = 2;
  cfg.tap = tap;
  cfg.tap_user = t;
  t->macs[t->nmacs++] = m1;
  t->macs[t->nmacs++] = m2;
  if (m3 != 0)
    t->macs[t->nmacs++] = m3;
  assert_int_equal(ztk_wire_new(&w, &cfg), 0);
  return w;
}

static ztk_stack_host *new_host(void)
{
  ztk_stack_host *h;
  assert_int_equal(ztk_stack_host_new(&h, NULL), 0);
  return h;
}

/* The server end writes its name; the client end reads it. */
static void expect_server(ztk_wire **w, int n, ztk_stack_host *client, ztk_sock *l, const char *dst,
                          const char *name)
{
  ztk_sock *c, *s;
  char buf[16];
  sh_connect_pair(w, n, client, l, dst, &c, &s);
  size_t len = strlen(name);
  assert_int_equal(ztk_sock_send(s, name, len), (long)len);
  sh_advance(w, n, 20);
  assert_int_equal(ztk_sock_recv(c, buf, sizeof buf, 0), (long)len);
  assert_memory_equal(buf, name, len);
  ztk_sock_close(c);
  ztk_sock_close(s);
}

static void expect_guard_clean(ztk_stack_host *h)
{
  ztk_stack_netif *n[4];
  int count = ztk_stack_host_netifs(h, n, 4);
  for (int i = 0; i < count; i++) {
    ztk_stack_netif_counters c;
    ztk_stack_netif_counters_get(n[i], &c);
    assert_int_equal(c.tx_guard, 0);
  }
}

static void test_same_ip_two_networks(void **state)
{
  tap_state t1, t2;
  sh_begin();
  ztk_wire *w[2] = {tapped_wire(&t1, 0x32000001a001ull, 0x32000001b001ull, 0),
                    tapped_wire(&t2, 0x32000002a001ull, 0x32000002b001ull, 0)};
  ztk_stack_host *h[4] = {new_host(), new_host(), new_host(), new_host()};
  /* A1, B1 on network 1; A2, B2 on network 2; same addresses (v4 and v6) in both */
  sh_netif(w[0], h[0], NET1, 0x32000001a001ull, "10.9.0.1/24", "fd09::1/64", NULL);
  sh_netif(w[0], h[1], NET1, 0x32000001b001ull, "10.9.0.2/24", "fd09::2/64", NULL);
  sh_netif(w[1], h[2], NET2, 0x32000002a001ull, "10.9.0.1/24", "fd09::1/64", NULL);
  sh_netif(w[1], h[3], NET2, 0x32000002b001ull, "10.9.0.2/24", "fd09::2/64", NULL);
  ztk_sock *l1 = sh_listen(h[1], "0.0.0.0/80", 4), *l2 = sh_listen(h[3], "0.0.0.0/80", 4);
  ztk_sock *m1 = sh_listen(h[1], "::/81", 4), *m2 = sh_listen(h[3], "::/81", 4);
  for (int round = 0; round < 2; round++) {
    expect_server(w, 2, h[0], l1, "10.9.0.2/80", "B1");
    expect_server(w, 2, h[2], l2, "10.9.0.2/80", "B2");
    expect_server(w, 2, h[0], m1, "fd09::2/81", "B1v6");
    expect_server(w, 2, h[2], m2, "fd09::2/81", "B2v6");
  }
  /* datagrams too */
  ztk_sock *u1, *u2, *tx;
  ztk_inaddr any = sh_addr("0.0.0.0/53"), dst = sh_addr("10.9.0.2/53");
  char buf[8];
  assert_int_equal(ztk_sock_new(&u1, h[1], 4, ZTK_SOCK_DGRAM), 0);
  assert_int_equal(ztk_sock_new(&u2, h[3], 4, ZTK_SOCK_DGRAM), 0);
  assert_int_equal(ztk_sock_bind(u1, &any), 0);
  assert_int_equal(ztk_sock_bind(u2, &any), 0);
  assert_int_equal(ztk_sock_new(&tx, h[2], 4, ZTK_SOCK_DGRAM), 0);
  assert_int_equal(ztk_sock_sendto(tx, "to-B2", 5, &dst), 5);
  sh_advance(w, 2, 50);
  assert_int_equal(ztk_sock_recv(u1, buf, sizeof buf, 0), ZTK_EAGAIN);
  assert_int_equal(ztk_sock_recv(u2, buf, sizeof buf, 0), 5);
  assert_true(t1.frames > 0 && t2.frames > 0);
  assert_int_equal(t1.foreign, 0);
  assert_int_equal(t2.foreign, 0);
  for (int i = 0; i < 4; i++)
    expect_guard_clean(h[i]);
  ztk_sock *all[7] = {l1, l2, m1, m2, u1, u2, tx};
  for (int i = 0; i < 7; i++)
    ztk_sock_close(all[i]);
  sh_end(h, 4, w, 2);
}

/* Host Z on network 1 routes 10.2.0.0/16 through X's address: frames for Y's address arrive on
 * X's netif. X must not accept them for Y (lwIP's weak-host default would), and Y, on network
 * 2, must never answer on its own wire. */
static void test_wrong_netif_is_dropped(void **state)
{
  tap_state t1, t2;
  ztk_sock *l, *c;
  sh_begin();
  ztk_wire *w[2] = {tapped_wire(&t1, 0x32000003a001ull, 0x32000003b001ull, 0),
                    tapped_wire(&t2, 0x32000004a001ull, 0x32000004b001ull, 0)};
  ztk_stack_host *h[3] = {new_host(), new_host(), new_host()}; /* X, Y, Z */
  sh_netif(w[0], h[0], NET1, 0x32000003a001ull, "10.1.0.1/24", NULL, NULL);
  ztk_stack_netif *nz = sh_netif(w[0], h[2], NET1, 0x32000003b001ull, "10.1.0.9/24", NULL, NULL);
  ztk_stack_netif *ny = sh_netif(w[1], h[1], NET2, 0x32000004a001ull, "10.2.0.1/24", NULL, NULL);
  sh_netif(w[1], h[0], NET2, 0x32000004b001ull, "10.2.0.7/24", NULL, NULL); /* X is on both */
  ztk_inaddr net = sh_addr("10.2.0.0/16"), gw = sh_addr("10.1.0.1");
  assert_int_equal(ztk_stack_netif_add_route(nz, &net, &gw), 0);
  /* Y could answer Z through a gateway on network 2: any answer would show on wire 2 */
  ztk_inaddr back = sh_addr("10.1.0.0/16"), gw2 = sh_addr("10.2.0.254");
  assert_int_equal(ztk_stack_netif_add_route(ny, &back, &gw2), 0);
  l = sh_listen(h[1], "0.0.0.0/80", 4);
  ztk_inaddr y = sh_addr("10.2.0.1/80");
  assert_int_equal(ztk_sock_new(&c, h[2], 4, ZTK_SOCK_STREAM), 0);
  assert_int_equal(ztk_sock_connect(c, &y), ZTK_ESOCK_INPROGRESS);
  long before = t2.frames;
  sh_advance(w, 2, 5000);
  assert_int_equal(ztk_sock_events(c) & (ZTK_SOCK_EV_OUT | ZTK_SOCK_EV_ERR), 0); /* no answer */
  assert_int_equal(t2.frames, before); /* nothing on network 2 */
  assert_int_equal(ztk_sock_events(l) & ZTK_SOCK_EV_IN, 0);
  ztk_sock_close(c);
  ztk_sock_close(l);
  sh_end(h, 3, w, 2);
}

/* A host on two networks: one listener serves both, outgoing connections pick the netif by
 * destination, a datagram socket answers each peer through the right netif. */
static void test_host_on_two_networks(void **state)
{
  tap_state t1, t2;
  sh_begin();
  ztk_wire *w[2] = {tapped_wire(&t1, 0x32000005a001ull, 0x32000005b001ull, 0),
                    tapped_wire(&t2, 0x32000006a001ull, 0x32000006b001ull, 0)};
  ztk_stack_host *h[3] = {new_host(), new_host(), new_host()}; /* H, P1, P2 */
  sh_netif(w[0], h[0], NET1, 0x32000005a001ull, "10.1.0.5/24", NULL, NULL);
  sh_netif(w[1], h[0], NET2, 0x32000006a001ull, "10.2.0.5/24", NULL, NULL);
  sh_netif(w[0], h[1], NET1, 0x32000005b001ull, "10.1.0.9/24", NULL, NULL);
  sh_netif(w[1], h[2], NET2, 0x32000006b001ull, "10.2.0.9/24", NULL, NULL);
  ztk_sock *l = sh_listen(h[0], "0.0.0.0/80", 4);
  expect_server(w, 2, h[1], l, "10.1.0.5/80", "via1");
  expect_server(w, 2, h[2], l, "10.2.0.5/80", "via2");
  ztk_sock *p1 = sh_listen(h[1], "0.0.0.0/90", 4), *p2 = sh_listen(h[2], "0.0.0.0/90", 4);
  expect_server(w, 2, h[0], p1, "10.1.0.9/90", "P1");
  expect_server(w, 2, h[0], p2, "10.2.0.9/90", "P2");
  ztk_sock *u, *c1, *c2;
  ztk_inaddr any = sh_addr("0.0.0.0/7"), from;
  char buf[8];
  assert_int_equal(ztk_sock_new(&u, h[0], 4, ZTK_SOCK_DGRAM), 0);
  assert_int_equal(ztk_sock_bind(u, &any), 0);
  assert_int_equal(ztk_sock_new(&c1, h[1], 4, ZTK_SOCK_DGRAM), 0);
  assert_int_equal(ztk_sock_new(&c2, h[2], 4, ZTK_SOCK_DGRAM), 0);
  ztk_inaddr d1 = sh_addr("10.1.0.5/7"), d2 = sh_addr("10.2.0.5/7");
  assert_int_equal(ztk_sock_sendto(c1, "1", 1, &d1), 1);
  assert_int_equal(ztk_sock_sendto(c2, "2", 1, &d2), 1);
  sh_advance(w, 2, 50);
  for (int i = 0; i < 2; i++) {
    assert_int_equal(ztk_sock_recvfrom(u, buf, sizeof buf, &from, 0), 1);
    assert_int_equal(ztk_sock_sendto(u, buf, 1, &from), 1);
  }
  sh_advance(w, 2, 50);
  assert_int_equal(ztk_sock_recv(c1, buf, sizeof buf, 0), 1);
  assert_int_equal(buf[0], '1');
  assert_int_equal(ztk_sock_recv(c2, buf, sizeof buf, 0), 1);
  assert_int_equal(buf[0], '2');
  assert_int_equal(t1.foreign + t2.foreign, 0);
  ztk_sock *all[6] = {l, p1, p2, u, c1, c2};
  for (int i = 0; i < 6; i++)
    ztk_sock_close(all[i]);
  sh_end(h, 3, w, 2);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_same_ip_two_networks),
      cmocka_unit_test(test_wrong_netif_is_dropped),
      cmocka_unit_test(test_host_on_two_networks),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
