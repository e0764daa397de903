/* lwIP hosts over ZeroTier nodes: two members of a private network (a root and a controller
 * beside them, all on the mem transport) talk TCP and UDP through their nodes' virtual
 * interfaces, over IPv4 and rfc4193 IPv6. */
#include "tests/support/testnet.h"
#include "tests/support/vectors.h"

#include <string.h>

#include "api/api.h"
#include "core/node/node.h"
#include "stack/socket.h"
#include "stack/vnic.h"

static testnet tn;
enum { ROOT = 0, CTL = 1, A = 2, B = 3 };
static uint64_t nwid;

static void api_post(const char *path, const char *body)
{
  ztk_api api = {ztk_node_controller(tn.h[CTL].node), "t", NULL};
  ztk_api_request req = {"POST", path, NULL, "t", NULL, body, strlen(body)};
  ztk_api_response resp;
  assert_int_equal(ztk_api_handle(&api, tn.now, &req, &resp), 0);
  assert_int_equal(resp.status, 200);
  ztk_api_response_free(&resp);
}

static bool configured(testnet *t, void *arg)
{
  (void)arg;
  return tn_ipv4(t, A, nwid) && tn_ipv4(t, B, nwid);
}

static int setup(void **state)
{
  static const int ids[] = {5, 6, 0, 1};
  char path[128];
  tn_init(&tn, 11);
  tn_setup(&tn, ids, 4, 1);
  tn.h[CTL].controller = true;
  tn.h[A].stack = tn.h[B].stack = true;
  tn_start_all(&tn);
  nwid = (tn.h[CTL].id.address << 24) | 0x000042;
  snprintf(path, sizeof path, "/controller/network/%016llx", (unsigned long long)nwid);
  api_post(path, "{\"private\":true,\"v4AssignMode\":{\"zt\":true},\"v6AssignMode\":{\"rfc4193\":true},"
                 "\"ipAssignmentPools\":[{\"ipRangeStart\":\"10.9.0.10\",\"ipRangeEnd\":\"10.9.0.200\"}],"
                 "\"routes\":[{\"target\":\"10.9.0.0/24\"}]}");
  for (int h = A; h <= B; h++) {
    snprintf(path, sizeof path, "/controller/network/%016llx/member/%010llx",
             (unsigned long long)nwid, (unsigned long long)tn.h[h].id.address);
    api_post(path, "{\"authorized\":true}");
  }
  assert_true(tn_run_until(&tn, tn_all_online, NULL, 30000));
  tn_join(&tn, A, nwid);
  tn_join(&tn, B, nwid);
  assert_true(tn_run_until(&tn, configured, NULL, 30000));
  return 0;
}

static int teardown(void **state)
{
  tn_free(&tn);
  return 0;
}

/* B's rfc4193 address on the network. */
static ztk_inaddr v6_of(int host)
{
  ztk_network_info info;
  ztk_inaddr a = {0};
  assert_int_equal(ztk_node_network(tn.h[host].node, nwid, &info), 0);
  for (int i = 0; i < info.addr_count; i++) {
    ztk_inaddr_from_sockaddr(&a, (const struct sockaddr *)&info.addrs[i]);
    if (a.family == 6)
      return a;
  }
  fail_msg("no IPv6 address");
  return a;
}

static void exchange(int family)
{
  enum { TOTAL = 1 << 20 };
  static uint8_t sent[TOTAL], echoed[TOTAL];
  ztk_sock *lst, *cli, *srv = NULL;
  ztk_inaddr any = {0}, to;
  size_t out = 0, back = 0;
  for (size_t i = 0; i < TOTAL; i++)
    sent[i] = (uint8_t)(i * 131 + (i >> 11));
  any.family = (uint8_t)family;
  any.port = 7000;
  if (family == 4)
    ztk_inaddr_v4(&to, tn_ipv4(&tn, A, nwid), 7000);
  else {
    to = v6_of(A);
    to.port = 7000;
  }
  tn_stack_enter(&tn);
  assert_int_equal(ztk_sock_new(&lst, tn.h[A].sh, family, ZTK_SOCK_STREAM), 0);
  assert_int_equal(ztk_sock_bind(lst, &any), 0);
  assert_int_equal(ztk_sock_listen(lst, 4), 0);
  assert_int_equal(ztk_sock_new(&cli, tn.h[B].sh, family, ZTK_SOCK_STREAM), 0);
  int rc = ztk_sock_connect(cli, &to);
  assert_true(rc == 0 || rc == ZTK_ESOCK_INPROGRESS);
  for (int step = 0; step < 200000 && back < TOTAL; step++) {
    tn_run(&tn, 5);
    tn_stack_enter(&tn);
    if (!srv)
      ztk_sock_accept(lst, &srv, NULL);
    if (out < TOTAL) {
      long n = ztk_sock_send(cli, sent + out, TOTAL - out);
      if (n > 0)
        out += (size_t)n;
    }
    if (srv) { /* echo what arrives */
      uint8_t buf[65536];
      long n = ztk_sock_recv(srv, buf, sizeof buf, 0);
      if (n > 0)
        assert_int_equal(ztk_sock_send(srv, buf, (size_t)n), n);
    }
    long n = ztk_sock_recv(cli, echoed + back, TOTAL - back, 0);
    if (n > 0)
      back += (size_t)n;
  }
  assert_int_equal(back, TOTAL);
  assert_memory_equal(sent, echoed, TOTAL);
  tn_stack_enter(&tn);
  ztk_sock_close(cli);
  ztk_sock_close(srv);
  ztk_sock_close(lst);
}

static void test_tcp_ipv4(void **state) { exchange(4); }
static void test_tcp_ipv6_rfc4193(void **state) { exchange(6); }

static void test_udp(void **state)
{
  ztk_sock *a, *b;
  ztk_inaddr any = {0}, to, from;
  char buf[64];
  any.family = 4;
  any.port = 5353;
  ztk_inaddr_v4(&to, tn_ipv4(&tn, A, nwid), 5353);
  tn_stack_enter(&tn);
  assert_int_equal(ztk_sock_new(&a, tn.h[A].sh, 4, ZTK_SOCK_DGRAM), 0);
  assert_int_equal(ztk_sock_bind(a, &any), 0);
  assert_int_equal(ztk_sock_new(&b, tn.h[B].sh, 4, ZTK_SOCK_DGRAM), 0);
  long got = -1;
  for (int tries = 0; tries < 50 && got < 0; tries++) {
    tn_stack_enter(&tn);
    ztk_sock_sendto(b, "datagram", 8, &to);
    tn_run(&tn, 200);
    tn_stack_enter(&tn);
    got = ztk_sock_recvfrom(a, buf, sizeof buf, &from, 0);
  }
  assert_int_equal(got, 8);
  assert_memory_equal(buf, "datagram", 8);
  assert_int_equal(ztk_inaddr_v4_u32(&from), tn_ipv4(&tn, B, nwid));
  ztk_sock_close(a);
  ztk_sock_close(b);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_tcp_ipv4, setup, teardown),
    cmocka_unit_test_setup_teardown(test_tcp_ipv6_rfc4193, setup, teardown),
    cmocka_unit_test_setup_teardown(test_udp, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
