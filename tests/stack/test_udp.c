/* UDP sockets over IPv4 and IPv6: datagrams with their source address, connected sockets,
 * implicit binding, queue bounds, broadcast permission, size limits and misuse. */
#include "tests/support/vectors.h"

#include <errno.h>
#include <string.h>

#include "stack/sock_err.h"
#include "tests/support/stack_harness.h"

#define NWID 0x8056c2e21c000005ull

typedef sh_two udp_env;

static void udp_up(udp_env *e)
{
  sh_two_up(e, 2, 0, NWID, 0x32000000a005ull, "10.5.0.1/24", "fd80:56c2:e21c:0:5::1/64",
            0x32000000b005ull, "10.5.0.2/24", "fd80:56c2:e21c:0:5::2/64");
}

static void udp_down(udp_env *e)
{
  sh_two_down(e);
}

static ztk_sock *udp_bound(ztk_stack_host *h, const char *addr)
{
  ztk_sock *s;
  ztk_inaddr a = sh_addr(addr);
  assert_int_equal(ztk_sock_new(&s, h, a.family, ZTK_SOCK_DGRAM), 0);
  assert_int_equal(ztk_sock_bind(s, &a), 0);
  return s;
}

static void exchange(const char *any_b, const char *dst_b, const char *src_a)
{
  udp_env e;
  ztk_sock *rx, *tx;
  ztk_inaddr from, dst = sh_addr(dst_b), name;
  char buf[64];
  udp_up(&e);
  rx = udp_bound(e.b, any_b);
  assert_int_equal(ztk_sock_new(&tx, e.a, dst.family, ZTK_SOCK_DGRAM), 0);
  assert_int_equal(ztk_sock_sendto(tx, "one", 3, &dst), 3); /* binds implicitly */
  assert_int_equal(ztk_sock_sendto(tx, "two!", 4, &dst), 4);
  assert_int_equal(ztk_sock_name(tx, &name), 0);
  assert_int_not_equal(name.port, 0);
  sh_advance(&e.w, 1, 20);
  assert_true(ztk_sock_events(rx) & ZTK_SOCK_EV_IN);
  assert_int_equal(ztk_sock_nread(rx), 3);
  assert_int_equal(ztk_sock_recvfrom(rx, buf, sizeof buf, &from, ZTK_MSG_PEEK), 3);
  assert_int_equal(ztk_sock_recvfrom(rx, buf, sizeof buf, &from, 0), 3);
  assert_memory_equal(buf, "one", 3);
  ztk_inaddr want = sh_addr(src_a);
  want.port = name.port;
  assert_true(ztk_inaddr_eq(&from, &want));
  assert_int_equal(ztk_sock_recvfrom(rx, buf, 2, NULL, 0), 2); /* truncated, rest dropped */
  assert_int_equal(ztk_sock_recvfrom(rx, buf, sizeof buf, NULL, 0), ZTK_EAGAIN);
  /* reply to the source address */
  assert_int_equal(ztk_sock_sendto(rx, "back", 4, &from), 4);
  sh_advance(&e.w, 1, 20);
  assert_int_equal(ztk_sock_recv(tx, buf, sizeof buf, 0), 4);
  assert_memory_equal(buf, "back", 4);
  ztk_sock_close(rx);
  ztk_sock_close(tx);
  udp_down(&e);
}

static void test_ipv4_datagrams(void **state)
{
  exchange("0.0.0.0/5353", "10.5.0.2/5353", "10.5.0.1");
}

static void test_ipv6_datagrams(void **state)
{
  exchange("::/5353", "fd80:56c2:e21c:0:5::2/5353", "fd80:56c2:e21c:0:5::1");
}

static void test_connected_filter(void **state)
{
  udp_env e;
  ztk_sock *rx, *peer, *other;
  char buf[8];
  udp_up(&e);
  rx = udp_bound(e.b, "10.5.0.2/6000");
  peer = udp_bound(e.a, "10.5.0.1/6001");
  other = udp_bound(e.a, "0.0.0.0/6002");
  ztk_inaddr to_peer = sh_addr("10.5.0.1/6001"), to_rx = sh_addr("10.5.0.2/6000");
  assert_int_equal(ztk_sock_send(rx, "x", 1), ZTK_ESOCK_DESTADDRREQ);
  assert_int_equal(ztk_sock_connect(rx, &to_peer), 0);
  assert_int_equal(ztk_sock_sendto(other, "bad", 3, &to_rx), 3);
  assert_int_equal(ztk_sock_sendto(peer, "good", 4, &to_rx), 4);
  sh_advance(&e.w, 1, 20);
  assert_int_equal(ztk_sock_recv(rx, buf, sizeof buf, 0), 4); /* only the connected peer */
  assert_int_equal(ztk_sock_recv(rx, buf, sizeof buf, 0), ZTK_EAGAIN);
  assert_int_equal(ztk_sock_send(rx, "re", 2), 2);
  sh_advance(&e.w, 1, 20);
  assert_int_equal(ztk_sock_recv(peer, buf, sizeof buf, 0), 2);
  ztk_sock_close(rx);
  ztk_sock_close(peer);
  ztk_sock_close(other);
  udp_down(&e);
}

static void test_queue_bound(void **state)
{
  udp_env e;
  ztk_sock *rx, *tx;
  int v;
  udp_up(&e);
  rx = udp_bound(e.b, "0.0.0.0/6100");
  assert_int_equal(ztk_sock_setopt(rx, ZTK_SO_RCVQLEN, 0), ZTK_ERANGE);
  assert_int_equal(ztk_sock_setopt(rx, ZTK_SO_RCVQLEN, 5), 0);
  assert_int_equal(ztk_sock_getopt(rx, ZTK_SO_RCVQLEN, &v), 0);
  assert_int_equal(v, 5);
  assert_int_equal(ztk_sock_new(&tx, e.a, 4, ZTK_SOCK_DGRAM), 0);
  ztk_inaddr dst = sh_addr("10.5.0.2/6100");
  for (int i = 0; i < 8; i++)
    assert_int_equal(ztk_sock_sendto(tx, "d", 1, &dst), 1);
  sh_advance(&e.w, 1, 20);
  assert_int_equal(ztk_sock_drops(rx), 3);
  int got = 0;
  char c;
  while (ztk_sock_recv(rx, &c, 1, 0) == 1)
    got++;
  assert_int_equal(got, 5);
  /* the byte bound */
  static uint8_t big[4000];
  assert_int_equal(ztk_sock_setopt(rx, ZTK_SO_RCVBUF, 10000), 0);
  for (int i = 0; i < 4; i++)
    assert_int_equal(ztk_sock_sendto(tx, big, sizeof big, &dst), (long)sizeof big);
  sh_advance(&e.w, 1, 20);
  assert_int_equal(ztk_sock_drops(rx), 5);
  ztk_sock_close(rx);
  ztk_sock_close(tx);
  udp_down(&e);
}

static void test_broadcast_and_limits(void **state)
{
  udp_env e;
  ztk_sock *rx, *tx;
  char buf[8];
  static uint8_t huge[65600];
  udp_up(&e);
  rx = udp_bound(e.b, "0.0.0.0/6200");
  assert_int_equal(ztk_sock_new(&tx, e.a, 4, ZTK_SOCK_DGRAM), 0);
  ztk_inaddr bcast = sh_addr("10.5.0.255/6200"), dst = sh_addr("10.5.0.2/6200");
  assert_int_equal(ztk_sock_sendto(tx, "b", 1, &bcast), ZTK_ESOCK_ACCES);
  assert_int_equal(ztk_sock_errno(ZTK_ESOCK_ACCES), EACCES);
  assert_int_equal(ztk_sock_setopt(tx, ZTK_SO_BROADCAST, 1), 0);
  assert_int_equal(ztk_sock_sendto(tx, "b", 1, &bcast), 1);
  sh_advance(&e.w, 1, 20);
  assert_int_equal(ztk_sock_recv(rx, buf, sizeof buf, 0), 1);
  assert_int_equal(ztk_sock_sendto(tx, huge, sizeof huge, &dst), ZTK_ESOCK_MSGSIZE);
  /* a datagram larger than the MTU is fragmented and reassembled */
  assert_int_equal(ztk_sock_sendto(tx, huge, 9000, &dst), 9000);
  sh_advance(&e.w, 1, 20);
  assert_int_equal(ztk_sock_nread(rx), 9000);
  assert_int_equal(ztk_sock_recv(rx, huge, sizeof huge, 0), 9000);
  ztk_inaddr far = sh_addr("10.99.0.2/6200"), v6 = sh_addr("::1/1");
  assert_int_equal(ztk_sock_sendto(tx, "x", 1, &far), ZTK_ESOCK_NETUNREACH);
  assert_int_equal(ztk_sock_sendto(tx, "x", 1, &v6), ZTK_EINVAL);
  assert_int_equal(ztk_sock_listen(tx, 1), ZTK_ESOCK_OPNOTSUPP);
  assert_int_equal(ztk_sock_shutdown(tx, ZTK_SHUT_WR), ZTK_ESOCK_OPNOTSUPP);
  assert_int_equal(ztk_sock_setopt(tx, ZTK_TCP_NODELAY, 1), ZTK_ESOCK_NOPROTOOPT);
  ztk_sock_close(rx);
  ztk_sock_close(tx);
  udp_down(&e);
}

static void test_port_sharing(void **state)
{
  udp_env e;
  ztk_sock *x, *y, *z;
  ztk_inaddr p = sh_addr("0.0.0.0/6300");
  udp_up(&e);
  assert_int_equal(ztk_sock_new(&x, e.b, 4, ZTK_SOCK_DGRAM), 0);
  assert_int_equal(ztk_sock_new(&y, e.b, 4, ZTK_SOCK_DGRAM), 0);
  assert_int_equal(ztk_sock_bind(x, &p), 0);
  assert_int_equal(ztk_sock_bind(y, &p), ZTK_ESOCK_ADDRINUSE);
  ztk_sock_close(x);
  assert_int_equal(ztk_sock_new(&x, e.b, 4, ZTK_SOCK_DGRAM), 0);
  assert_int_equal(ztk_sock_setopt(x, ZTK_SO_REUSEADDR, 1), 0);
  assert_int_equal(ztk_sock_setopt(y, ZTK_SO_REUSEADDR, 1), 0);
  assert_int_equal(ztk_sock_bind(x, &p), 0);
  assert_int_equal(ztk_sock_bind(y, &p), 0);
  /* the same port on another host is no conflict */
  assert_int_equal(ztk_sock_new(&z, e.a, 4, ZTK_SOCK_DGRAM), 0);
  assert_int_equal(ztk_sock_bind(z, &p), 0);
  ztk_sock_close(x);
  ztk_sock_close(y);
  ztk_sock_close(z);
  udp_down(&e);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ipv4_datagrams),       cmocka_unit_test(test_ipv6_datagrams),
      cmocka_unit_test(test_connected_filter),     cmocka_unit_test(test_queue_bound),
      cmocka_unit_test(test_broadcast_and_limits), cmocka_unit_test(test_port_sharing),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
