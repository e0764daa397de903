/* Topology builders: shapes, ids, addresses, connectivity and seeded reproducibility. */
#include "tests/sim/fixture.h"

#include "sim/topo.h"

static void test_star(void **state)
{
  fx f;
  ztk_topo t;
  fx_init(&f, 1);
  assert_int_equal(ztk_topo_star(f.n, 100, 0x0a000001, NULL, &t), 0);
  assert_int_equal(t.nrouters, 1);
  assert_int_equal(t.nhosts, 100);
  assert_int_equal(ztk_net_kind(f.n, t.first_router), ZTK_ELEM_ROUTER);
  assert_int_equal(ztk_net_links(f.n), 100);
  for (uint32_t i = 0; i < 100; i++) {
    ztk_inaddr a, want;
    assert_int_equal(ztk_net_kind(f.n, t.first_host + i), ZTK_ELEM_HOST);
    assert_int_equal(ztk_net_addr(f.n, t.first_host + i, 0, &a), 0);
    ztk_inaddr_v4(&want, 0x0a000001 + i, 0);
    assert_true(ztk_inaddr_eq(&a, &want));
  }
  uint32_t path[8];
  assert_int_equal(ztk_net_path(f.n, t.first_host + 3, t.first_host + 97, path, 8), 3);
  assert_int_equal(path[1], t.first_router);
  /* a second star reusing addresses is refused */
  assert_int_equal(ztk_topo_star(f.n, 2, 0x0a000001, NULL, NULL), ZTK_EEXIST);
  fx_free(&f);
}

static void test_line(void **state)
{
  fx f;
  ztk_topo t;
  fx_init(&f, 1);
  ztk_link_params bb = {.latency_us = 1000};
  assert_int_equal(ztk_topo_line(f.n, 6, 0x0a000001, &bb, NULL, &t), 0);
  uint32_t path[16];
  assert_int_equal(ztk_net_path(f.n, t.first_host, t.first_host + 5, path, 16), 8);
  for (int i = 0; i < 6; i++)
    assert_int_equal(path[1 + i], t.first_router + (uint32_t)i);
  assert_int_equal(ztk_topo_line(f.n, 0, 0x0b000001, NULL, NULL, &t), ZTK_EINVAL);
  fx_free(&f);
}

/* Builds a seeded random graph and returns a fingerprint of its links. */
static uint64_t random_graph(uint64_t seed, ztk_topo *t, uint32_t *links)
{
  fx f;
  ztk_rng g;
  fx_init(&f, seed);
  ztk_rng_stream(&f.root, "topo", &g);
  assert_int_equal(ztk_topo_random(f.n, &g, 60, 40, 2, 0x0a000001, NULL, NULL, t), 0);
  uint64_t h = 0;
  for (uint32_t l = 0; l < ztk_net_links(f.n); l++) {
    uint32_t a, b;
    assert_int_equal(ztk_net_link_ends(f.n, l, &a, &b), 0);
    h = h * 1000003 + a * 4099 + b;
  }
  *links = ztk_net_links(f.n);
  /* connected: every host reaches every other host */
  uint32_t path[128];
  for (uint32_t i = 0; i < t->nhosts; i += 7)
    for (uint32_t j = 0; j < t->nhosts; j += 11)
      if (i != j)
        assert_true(ztk_net_path(f.n, t->first_host + i, t->first_host + j, path, 128) >= 3);
  fx_free(&f);
  return h;
}

static void test_random(void **state)
{
  ztk_topo t;
  uint32_t links1, links2, links3;
  uint64_t a = random_graph(5, &t, &links1), b = random_graph(5, &t, &links2);
  uint64_t c = random_graph(6, &t, &links3);
  assert_true(a == b);
  assert_int_equal(links1, links2);
  assert_true(a != c);
  assert_int_equal(t.nrouters, 60);
  assert_int_equal(t.nhosts, 120);
  /* 59 tree links + 40 extra router pairs + 120 host links */
  assert_int_equal(links1, 59 + 40 + 120);
  fx f;
  fx_init(&f, 1);
  ztk_rng g = {{1, 2, 3, 4}};
  assert_int_equal(ztk_topo_random(f.n, &g, 0, 0, 1, 0, NULL, NULL, &t), ZTK_EINVAL);
  assert_int_equal(ztk_topo_random(f.n, NULL, 3, 0, 1, 0, NULL, NULL, &t), ZTK_EINVAL);
  fx_free(&f);
}

static void test_sites(void **state)
{
  fx f;
  fx_log log = {.n = 0};
  ztk_topo_site s[3];
  uint32_t core;
  fx_init(&f, 2);
  ztk_nat_config cfg = {.type = ZTK_NAT_PORT_RESTRICTED};
  ztk_link_params wan = {.latency_us = 20000}, lan = {.latency_us = 100};
  assert_int_equal(ztk_topo_sites(f.n, 3, 4, 0xcb007101, 0xc0a80002, &cfg, &wan, &lan, &core, s),
                   0);
  uint32_t server = fx_host(&f, ZTK_NET_PUBLIC, "198.51.100.1");
  fx_link(&f, server, core, &wan);
  fx_listen(&f, &log, server);
  for (int i = 0; i < 3; i++) {
    assert_int_equal(ztk_net_kind(f.n, s[i].nat), ZTK_ELEM_NAT);
    assert_int_equal(ztk_net_kind(f.n, s[i].sw), ZTK_ELEM_SWITCH);
    assert_int_equal(s[i].realm, (uint32_t)i + 1);
    assert_int_equal(s[i].nhosts, 4);
    /* every site's first host has the same private address, each in its own realm */
    ztk_inaddr a;
    assert_int_equal(ztk_net_addr(f.n, s[i].first_host, 0, &a), 0);
    assert_int_equal(ztk_net_find_addr(f.n, s[i].realm, &a), (int)s[i].first_host);
    fx_send(&f, s[i].first_host, "192.168.0.2/9993", "198.51.100.1/9993", 0, (uint8_t)i, 10);
  }
  fx_run(&f, ZTK_SEC(1));
  assert_int_equal(log.n, 3);
  for (int i = 0; i < 3; i++) {
    ztk_inaddr pub;
    ztk_inaddr_v4(&pub, 0xcb007101 + (uint32_t)i, 0);
    assert_true(ztk_inaddr_ip_eq(&log.e[i].src, &pub)); /* seen from each site's public IP */
    assert_int_equal(log.e[i].t_us, 40000 + 200);
  }
  fx_free(&f);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_star),
      cmocka_unit_test(test_line),
      cmocka_unit_test(test_random),
      cmocka_unit_test(test_sites),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
