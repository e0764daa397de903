/* Hundreds of concurrent connections on one host: 240 clients on host A talk to one listener
 * on host B at the same time, each stream checked byte by byte in both directions. */
#include "tests/support/vectors.h"

#include <stdlib.h>
#include <string.h>

#include "tests/support/stack_harness.h"

#define NWID 0x8056c2e21c000004ull
#define CONNS 240
#define BYTES (48 * 1024)

typedef struct many {
  ztk_sock *l;
  ztk_sock *client[CONNS], *server[CONNS];
  sh_stream up[CONNS], down[CONNS];
  int accepted;
} many;

static bool many_pump(void *ctx)
{
  many *m = ctx;
  bool moved = false;
  ztk_sock *s;
  while (m->accepted < CONNS && ztk_sock_accept(m->l, &s, NULL) == 0) {
    /* the client's identity travels in its first bytes: match by peer port instead */
    ztk_inaddr peer;
    assert_int_equal(ztk_sock_peer(s, &peer), 0);
    for (int i = 0; i < CONNS; i++) {
      ztk_inaddr name;
      ztk_sock_name(m->client[i], &name);
      if (name.port == peer.port) {
        m->server[i] = s;
        m->up[i].rx = s;
        m->down[i].tx = s;
      }
    }
    m->accepted++;
    moved = true;
  }
  for (int i = 0; i < CONNS; i++) {
    moved |= sh_stream_pump(&m->up[i]);
    moved |= sh_stream_pump(&m->down[i]);
  }
  return moved;
}

static bool many_done(void *ctx)
{
  many *m = ctx;
  for (int i = 0; i < CONNS; i++) {
    if (!m->up[i].eof || !m->down[i].eof)
      return false;
  }
  return true;
}

static void test_240_connections(void **state)
{
  ztk_stack_host *a, *b;
  many *m = calloc(1, sizeof *m);
  assert_non_null(m);
  sh_begin();
  ztk_wire *w = sh_wire(5, 0, 3);
  assert_int_equal(ztk_stack_host_new(&a, NULL), 0);
  assert_int_equal(ztk_stack_host_new(&b, NULL), 0);
  sh_netif(w, a, NWID, 0x32000000a004ull, "10.4.0.1/24", NULL, NULL);
  sh_netif(w, b, NWID, 0x32000000b004ull, "10.4.0.2/24", NULL, NULL);
  ztk_inaddr any = sh_addr("0.0.0.0/4000"), dst = sh_addr("10.4.0.2/4000");
  assert_int_equal(ztk_sock_new(&m->l, b, 4, ZTK_SOCK_STREAM), 0);
  assert_int_equal(ztk_sock_bind(m->l, &any), 0);
  assert_int_equal(ztk_sock_listen(m->l, 255), 0);
  for (int i = 0; i < CONNS; i++) {
    assert_int_equal(ztk_sock_new(&m->client[i], a, 4, ZTK_SOCK_STREAM), 0);
    assert_int_equal(ztk_sock_connect(m->client[i], &dst), ZTK_ESOCK_INPROGRESS);
    m->up[i] = (sh_stream){
        .tx = m->client[i], .seed = 1000u + (unsigned)i, .total = BYTES, .close_when_sent = true};
    m->down[i] = (sh_stream){
        .rx = m->client[i], .seed = 5000u + (unsigned)i, .total = BYTES, .close_when_sent = true};
  }
  assert_int_equal(ztk_stack_host_sockets(a), CONNS);
  assert_true(sh_run(&w, 1, 120 * 1000, many_pump, many_done, m));
  assert_int_equal(m->accepted, CONNS);
  assert_int_equal(ztk_stack_host_sockets(b), CONNS + 1);
  for (int i = 0; i < CONNS; i++) {
    assert_false(m->up[i].bad || m->down[i].bad);
    assert_int_equal(m->up[i].got, BYTES);
    assert_int_equal(m->down[i].got, BYTES);
    assert_int_equal(m->up[i].hash_rx, m->up[i].hash_tx);
    ztk_sock_close(m->client[i]);
    ztk_sock_close(m->server[i]);
  }
  ztk_sock_close(m->l);
  ztk_stack_host *hosts[2] = {a, b};
  sh_end(hosts, 2, &w, 1);
  free(m);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_240_connections),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
