/* ICMP echo (ping) sockets: replies with sequence, size, TTL and round-trip time in virtual
 * time; unanswered requests; several sockets sharing a host; misuse. */
#include "tests/support/vectors.h"

#include <string.h>

#include "tests/support/stack_harness.h"

#define NWID 0x8056c2e21c000006ull

typedef sh_two icmp_env;

static void icmp_up(icmp_env *e, int64_t delay)
{
  sh_two_up(e, delay, 0, NWID, 0x32000000a006ull, "10.6.0.1/24", "fd00:6::1/64", 0x32000000b006ull,
            "10.6.0.2/24", "fd00:6::2/64");
}

static void icmp_down(icmp_env *e)
{
  sh_two_down(e);
}

static void ping_family(int family, const char *dst_text)
{
  icmp_env e;
  ztk_sock *p;
  ztk_ping_reply r;
  icmp_up(&e, 25);
  ztk_inaddr dst = sh_addr(dst_text);
  assert_int_equal(ztk_sock_new(&p, e.a, family, ZTK_SOCK_PING), 0);
  assert_int_equal(ztk_sock_ping_recv(p, &r), ZTK_EAGAIN);
  for (uint16_t seq = 1; seq <= 3; seq++) {
    assert_int_equal(ztk_sock_ping_send(p, &dst, seq, 32 * seq), 0);
    sh_advance(&e.w, 1, 1000);
    assert_true(ztk_sock_events(p) & ZTK_SOCK_EV_IN);
    assert_int_equal(ztk_sock_ping_recv(p, &r), 0);
    assert_int_equal(r.seq, seq);
    assert_int_equal(r.len, 32 * seq);
    assert_true(r.ttl > 0);
    assert_true(ztk_inaddr_ip_eq(&r.from, &dst));
    /* the first request may wait for address resolution; then exactly one round trip */
    if (seq == 1)
      assert_true(r.rtt_ms >= 50 && r.rtt_ms <= 150);
    else
      assert_int_equal(r.rtt_ms, 50);
  }
  ztk_sock_close(p);
  icmp_down(&e);
}

static void test_ping_ipv4(void **state)
{
  ping_family(4, "10.6.0.2");
}

static void test_ping_ipv6(void **state)
{
  ping_family(6, "fd00:6::2");
}

static void test_unanswered_and_shared(void **state)
{
  icmp_env e;
  ztk_sock *p1, *p2;
  ztk_ping_reply r;
  icmp_up(&e, 1);
  ztk_inaddr nobody = sh_addr("10.6.0.77"), b = sh_addr("10.6.0.2");
  ztk_inaddr far = sh_addr("10.7.0.2"), six = sh_addr("fd00:6::2");
  assert_int_equal(ztk_sock_new(&p1, e.a, 4, ZTK_SOCK_PING), 0);
  assert_int_equal(ztk_sock_new(&p2, e.a, 4, ZTK_SOCK_PING), 0);
  assert_int_equal(ztk_sock_ping_send(p1, &nobody, 1, 8), 0);
  assert_int_equal(ztk_sock_ping_send(p2, &b, 9, 8), 0);
  sh_advance(&e.w, 1, 5000);
  assert_int_equal(ztk_sock_ping_recv(p1, &r), ZTK_EAGAIN); /* p2's reply is not p1's */
  assert_int_equal(ztk_sock_ping_recv(p2, &r), 0);
  assert_int_equal(r.seq, 9);
  assert_int_equal(ztk_sock_ping_send(p1, &far, 1, 8), ZTK_ESOCK_NETUNREACH);
  assert_int_equal(ztk_sock_ping_send(p1, &six, 1, 8), ZTK_EINVAL);
  assert_int_equal(ztk_sock_ping_send(p1, &b, 1, 7), ZTK_EINVAL);
  assert_int_equal(ztk_sock_ping_send(p1, &b, 1, 70000), ZTK_EINVAL);
  assert_int_equal(ztk_sock_connect(p1, &b), ZTK_ESOCK_OPNOTSUPP);
  assert_int_equal(ztk_sock_recv(p1, NULL, 0, 0), ZTK_ESOCK_OPNOTSUPP);
  /* a big request is fragmented and its reply reassembled */
  assert_int_equal(ztk_sock_ping_send(p1, &b, 2, 6000), 0);
  sh_advance(&e.w, 1, 100);
  assert_int_equal(ztk_sock_ping_recv(p1, &r), 0);
  assert_int_equal(r.len, 6000);
  ztk_sock_close(p1);
  ztk_sock_close(p2);
  icmp_down(&e);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ping_ipv4),
      cmocka_unit_test(test_ping_ipv6),
      cmocka_unit_test(test_unanswered_and_shared),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
