/* IPv6 with ZeroTier's managed addresses: rfc4193 (/88) and 6plane (/40). 6plane peers differ
 * within the first 64 bits, which lwIP alone would not consider on-link (the ND6 hook makes
 * the netif's prefixes on-link), and these addresses embed the member's ZeroTier address, so
 * the stack derives the MAC as ZeroTier's NDP emulation does. Neighbour discovery proper is
 * tested with a static address in test_netif. */
#include "tests/support/vectors.h"

#include <string.h>

#include "tests/support/stack_harness.h"

#define NWID 0x8056c2e21c000001ull
#define NODE_A 0x1122334455ull
#define NODE_B 0x66778899aaull

/* Big-endian bytes of v into p[0..n). */
static void put_be(uint8_t *p, uint64_t v, int n)
{
  for (int i = 0; i < n; i++)
    p[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
}

static ztk_inaddr zt_v6(uint8_t first, uint16_t port)
{
  ztk_inaddr a;
  memset(&a, 0, sizeof a);
  a.family = 6;
  a.port = port;
  a.ip[0] = first;
  return a;
}

static ztk_inaddr rfc4193(uint64_t nwid, uint64_t node, uint16_t port)
{
  ztk_inaddr a = zt_v6(0xfd, port);
  put_be(a.ip + 1, nwid, 8);
  put_be(a.ip + 9, 0x9993, 2);
  put_be(a.ip + 11, node, 5);
  return a;
}

static ztk_inaddr sixplane(uint64_t nwid, uint64_t node, uint16_t port)
{
  ztk_inaddr a = zt_v6(0xfc, port);
  put_be(a.ip + 1, (uint32_t)(nwid ^ (nwid >> 32)), 4);
  put_be(a.ip + 5, node, 5);
  a.ip[15] = 1;
  return a;
}

/* A member's MAC on a network, as ZeroTier derives it (the stack relies on it for these
 * addresses instead of neighbour discovery). */
static uint64_t member_mac(uint64_t node, uint64_t nwid)
{
  uint64_t first = (nwid & 0xfe) | 0x02;
  uint64_t m = (first == 0x52 ? 0x32 : first) << 40 | node;
  for (int i = 1; i <= 5; i++)
    m ^= ((nwid >> (8 * i)) & 0xff) << (40 - 8 * i);
  return m;
}

typedef sh_two v6_env;

static void v6_up(v6_env *e)
{
  sh_two_up(e, 3, 0, NWID, member_mac(NODE_A, NWID), NULL, NULL, member_mac(NODE_B, NWID), NULL,
            NULL);
  ztk_inaddr a1 = rfc4193(NWID, NODE_A, 88), a2 = sixplane(NWID, NODE_A, 40);
  ztk_inaddr b1 = rfc4193(NWID, NODE_B, 88), b2 = sixplane(NWID, NODE_B, 40);
  assert_int_equal(ztk_stack_netif_add_addr(e->na, &a1), 0);
  assert_int_equal(ztk_stack_netif_add_addr(e->na, &a2), 0);
  assert_int_equal(ztk_stack_netif_add_addr(e->nb, &b1), 0);
  assert_int_equal(ztk_stack_netif_add_addr(e->nb, &b2), 0);
  assert_int_equal(ztk_stack_netif_add_addr(e->nb, &b2), ZTK_EEXIST);
}

static void v6_down(v6_env *e)
{
  sh_two_down(e);
}

static void tcp_over(ztk_inaddr dst, ztk_inaddr expect_src)
{
  v6_env e;
  ztk_sock *l, *c, *s;
  ztk_inaddr any, peer;
  char buf[32];
  v6_up(&e);
  memset(&any, 0, sizeof any);
  any.family = 6;
  any.port = dst.port;
  char anytext[ZTK_INADDR_STRLEN];
  ztk_inaddr_format(&any, anytext);
  l = sh_listen(e.b, anytext, 2);
  char text[ZTK_INADDR_STRLEN];
  ztk_inaddr_format(&dst, text);
  sh_connect_pair(&e.w, 1, e.a, l, text, &c, &s);
  assert_int_equal(ztk_sock_peer(s, &peer), 0);
  assert_true(ztk_inaddr_ip_eq(&peer, &expect_src)); /* the source matches the prefix used */
  assert_int_equal(ztk_sock_send(c, "over ipv6", 9), 9);
  sh_advance(&e.w, 1, 20);
  assert_int_equal(ztk_sock_recv(s, buf, sizeof buf, 0), 9);
  assert_memory_equal(buf, "over ipv6", 9);
  sh_stream st = {.tx = s, .rx = c, .seed = 31, .total = 2 << 20, .close_when_sent = true};
  while (!st.eof) {
    sh_stream_pump(&st);
    sh_now = ztk_wire_step(&e.w, 1, sh_now, sh_now + 1000);
  }
  assert_false(st.bad);
  assert_int_equal(st.got, st.total);
  ztk_sock_close(c);
  ztk_sock_close(s);
  ztk_sock_close(l);
  v6_down(&e);
}

static void test_tcp_rfc4193(void **state)
{
  tcp_over(rfc4193(NWID, NODE_B, 8080), rfc4193(NWID, NODE_A, 0));
}

static void test_tcp_6plane(void **state)
{
  tcp_over(sixplane(NWID, NODE_B, 8080), sixplane(NWID, NODE_A, 0));
}

static void test_udp_and_ping_6plane(void **state)
{
  v6_env e;
  ztk_sock *rx, *tx, *ping;
  ztk_ping_reply r;
  char buf[8];
  v6_up(&e);
  ztk_inaddr any = sh_addr("::/9000"), dst = sixplane(NWID, NODE_B, 9000);
  assert_int_equal(ztk_sock_new(&rx, e.b, 6, ZTK_SOCK_DGRAM), 0);
  assert_int_equal(ztk_sock_bind(rx, &any), 0);
  assert_int_equal(ztk_sock_new(&tx, e.a, 6, ZTK_SOCK_DGRAM), 0);
  assert_int_equal(ztk_sock_sendto(tx, "6pl", 3, &dst), 3);
  sh_advance(&e.w, 1, 50);
  assert_int_equal(ztk_sock_recv(rx, buf, sizeof buf, 0), 3);
  assert_int_equal(ztk_sock_new(&ping, e.a, 6, ZTK_SOCK_PING), 0);
  ztk_inaddr r1 = rfc4193(NWID, NODE_B, 0);
  assert_int_equal(ztk_sock_ping_send(ping, &dst, 1, 56), 0);
  assert_int_equal(ztk_sock_ping_send(ping, &r1, 2, 100), 0);
  sh_advance(&e.w, 1, 50);
  assert_int_equal(ztk_sock_ping_recv(ping, &r), 0);
  assert_int_equal(r.seq, 1);
  assert_int_equal(r.len, 56);
  assert_int_equal(r.rtt_ms, 6);
  assert_true(ztk_inaddr_ip_eq(&r.from, &dst));
  assert_int_equal(ztk_sock_ping_recv(ping, &r), 0);
  assert_int_equal(r.seq, 2);
  assert_true(ztk_inaddr_ip_eq(&r.from, &r1));
  ztk_sock_close(rx);
  ztk_sock_close(tx);
  ztk_sock_close(ping);
  v6_down(&e);
}

/* A node's 6plane address with only its own /80 is not on-link with the peer: no route. */
static void test_prefix_decides_reach(void **state)
{
  v6_env e;
  ztk_sock *tx;
  v6_up(&e);
  ztk_inaddr own80 = sixplane(NWID, NODE_A, 40);
  assert_int_equal(ztk_stack_netif_remove_addr(e.na, &own80), 0);
  assert_int_equal(ztk_stack_netif_remove_addr(e.na, &own80), ZTK_ENOTFOUND);
  own80.port = 80;
  assert_int_equal(ztk_stack_netif_add_addr(e.na, &own80), 0);
  ztk_inaddr dst = sixplane(NWID, NODE_B, 9000);
  assert_int_equal(ztk_sock_new(&tx, e.a, 6, ZTK_SOCK_DGRAM), 0);
  assert_int_equal(ztk_sock_sendto(tx, "x", 1, &dst), ZTK_ESOCK_NETUNREACH);
  /* a managed route for the network's /40 makes it reachable again */
  ztk_inaddr net = sixplane(NWID, 0, 40);
  net.ip[15] = 0;
  assert_int_equal(ztk_stack_netif_add_route(e.na, &net, NULL), 0);
  assert_int_equal(ztk_sock_sendto(tx, "x", 1, &dst), 1);
  ztk_sock_close(tx);
  v6_down(&e);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_tcp_rfc4193),
      cmocka_unit_test(test_tcp_6plane),
      cmocka_unit_test(test_udp_and_ping_6plane),
      cmocka_unit_test(test_prefix_decides_reach),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
