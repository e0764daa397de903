/* NAT boxes: mapping and filtering per type, port allocation, timeouts, limits, hairpinning,
 * TTL-limited probes, and the classic simultaneous-open hole-punching matrix. */
#include "tests/sim/fixture.h"

#include "sim/nat.h"
#include "sim/topo.h"

static ztk_nat *new_nat(ztk_nat_type type, ztk_nat_ports ports)
{
  ztk_nat_config cfg = {.type = type,
                        .ports = ports,
                        .port_min = 40000,
                        .port_max = 40009,
                        .timeout_us = ZTK_SEC(30),
                        .max_mappings = 8};
  ztk_inaddr pub = fx_ip("203.0.113.1");
  ztk_rng g;
  uint8_t seed[32] = {1};
  ztk_rng_seed(&g, seed);
  ztk_nat *n;
  assert_int_equal(ztk_nat_new(&n, &cfg, &pub, &g), 0);
  return n;
}

/* Outbound from inside endpoint `in` to `remote`; returns the public port. */
static uint16_t out(ztk_nat *n, int64_t t, const char *in, const char *remote)
{
  ztk_inaddr i = fx_ip(in), r = fx_ip(remote), pub;
  assert_int_equal(ztk_nat_out(n, t, &i, &r, &pub), ZTK_DROP_NONE);
  assert_true(ztk_inaddr_ip_eq(&pub, ztk_nat_public_ip(n)));
  return pub.port;
}

/* Inbound from `remote` to public port; returns the verdict. */
static int in(ztk_nat *n, int64_t t, const char *remote, uint16_t port, ztk_inaddr *inside)
{
  ztk_inaddr r = fx_ip(remote), pub = *ztk_nat_public_ip(n);
  pub.port = port;
  return ztk_nat_in(n, t, &r, &pub, inside);
}

static void test_mapping_and_filtering(void **state)
{
  const ztk_nat_type types[] = {ZTK_NAT_FULL_CONE, ZTK_NAT_ADDRESS_RESTRICTED,
                                ZTK_NAT_PORT_RESTRICTED, ZTK_NAT_SYMMETRIC};
  /* expected verdicts for: same remote, same IP other port, other IP */
  const int want[4][3] = {
      {ZTK_DROP_NONE, ZTK_DROP_NONE, ZTK_DROP_NONE},
      {ZTK_DROP_NONE, ZTK_DROP_NONE, ZTK_DROP_NAT_FILTER},
      {ZTK_DROP_NONE, ZTK_DROP_NAT_FILTER, ZTK_DROP_NAT_FILTER},
      {ZTK_DROP_NONE, ZTK_DROP_NAT_FILTER, ZTK_DROP_NAT_FILTER},
  };
  for (int t = 0; t < 4; t++) {
    ztk_nat *n = new_nat(types[t], ZTK_NAT_PORTS_SEQUENTIAL);
    uint16_t p1 = out(n, 0, "192.168.1.2/9993", "198.51.100.1/7000");
    uint16_t p2 = out(n, 0, "192.168.1.2/9993", "198.51.100.2/7000");
    /* endpoint-independent mapping reuses the port; symmetric takes a new one */
    assert_int_equal(p1, 40000);
    assert_int_equal(p2, types[t] == ZTK_NAT_SYMMETRIC ? 40001 : 40000);
    ztk_inaddr inside, local = fx_ip("192.168.1.2/9993");
    assert_int_equal(in(n, 1, "198.51.100.1/7000", p1, &inside), want[t][0]);
    assert_true(ztk_inaddr_eq(&inside, &local));
    assert_int_equal(in(n, 1, "198.51.100.1/7001", p1, &inside), want[t][1]);
    assert_int_equal(in(n, 1, "198.51.100.9/7000", p1, &inside), want[t][2]);
    assert_int_equal(in(n, 1, "198.51.100.1/7000", 40005, &inside), ZTK_DROP_NAT_NOMAP);
    ztk_inaddr peek;
    ztk_inaddr i = fx_ip("192.168.1.2/9993"), r = fx_ip("198.51.100.2/7000");
    assert_int_equal(ztk_nat_peek(n, 1, &i, &r, &peek), 0);
    assert_int_equal(peek.port, p2);
    assert_int_equal(ztk_nat_mappings(n, 1), types[t] == ZTK_NAT_SYMMETRIC ? 2 : 1);
    ztk_nat_del(n);
  }
}

static void test_port_allocation(void **state)
{
  ztk_nat *seq = new_nat(ZTK_NAT_FULL_CONE, ZTK_NAT_PORTS_SEQUENTIAL);
  ztk_nat *pre = new_nat(ZTK_NAT_FULL_CONE, ZTK_NAT_PORTS_PRESERVE);
  ztk_nat *rnd = new_nat(ZTK_NAT_FULL_CONE, ZTK_NAT_PORTS_RANDOM);
  ztk_nat *rnd2 = new_nat(ZTK_NAT_FULL_CONE, ZTK_NAT_PORTS_RANDOM);
  assert_int_equal(out(seq, 0, "10.0.0.2/40003", "1.2.3.4/1"), 40000);
  assert_int_equal(out(seq, 0, "10.0.0.3/40003", "1.2.3.4/1"), 40001);
  assert_int_equal(out(pre, 0, "10.0.0.2/40003", "1.2.3.4/1"), 40003); /* preserved */
  assert_int_equal(out(pre, 0, "10.0.0.3/40003", "1.2.3.4/1"), 40000); /* taken: sequential */
  assert_int_equal(out(pre, 0, "10.0.0.4/9993", "1.2.3.4/1"), 40001);  /* outside the range */
  for (int i = 0; i < 5; i++) { /* random, but the same seed gives the same ports */
    char src[32];
    snprintf(src, sizeof src, "10.0.0.%d/9993", i + 2);
    uint16_t a = out(rnd, 0, src, "1.2.3.4/1"), b = out(rnd2, 0, src, "1.2.3.4/1");
    assert_int_equal(a, b);
    assert_true(a >= 40000 && a <= 40009);
  }
  ztk_nat_del(seq);
  ztk_nat_del(pre);
  ztk_nat_del(rnd);
  ztk_nat_del(rnd2);
}

static void test_timeouts_and_limits(void **state)
{
  ztk_nat *n = new_nat(ZTK_NAT_PORT_RESTRICTED, ZTK_NAT_PORTS_SEQUENTIAL);
  ztk_inaddr inside, pub;
  uint16_t p = out(n, 0, "10.0.0.2/9993", "1.2.3.4/80");
  assert_int_equal(in(n, ZTK_SEC(29), "1.2.3.4/80", p, &inside), ZTK_DROP_NONE);
  /* inbound traffic does not refresh by default: 30 s after the last outbound it is gone */
  assert_int_equal(in(n, ZTK_SEC(30), "1.2.3.4/80", p, &inside), ZTK_DROP_NAT_NOMAP);
  assert_int_equal(ztk_nat_counters_of(n)->expired, 1);
  /* the table holds 8 mappings; expired ones make room */
  for (int i = 0; i < 8; i++) {
    char src[32];
    snprintf(src, sizeof src, "10.0.0.%d/9993", i + 10);
    out(n, ZTK_SEC(40), src, "1.2.3.4/80");
  }
  ztk_inaddr x = fx_ip("10.0.0.99/1"), r = fx_ip("1.2.3.4/80");
  assert_int_equal(ztk_nat_out(n, ZTK_SEC(41), &x, &r, &pub), ZTK_DROP_NAT_FULL);
  assert_int_equal(ztk_nat_out(n, ZTK_SEC(71), &x, &r, &pub), ZTK_DROP_NONE);
  assert_int_equal(ztk_nat_mappings(n, ZTK_SEC(71)), 1);
  assert_int_equal(ztk_nat_expire(n, ZTK_SEC(71)), 0); /* already swept while allocating */
  assert_int_equal(ztk_nat_counters_of(n)->full, 1);
  ztk_nat_del(n);
  /* with inbound refresh, steady inbound traffic keeps the mapping */
  ztk_nat_config cfg = {
      .type = ZTK_NAT_ADDRESS_RESTRICTED, .timeout_us = ZTK_SEC(10), .inbound_refresh = true};
  ztk_rng g = {{1, 2, 3, 4}};
  ztk_inaddr pubip = fx_ip("203.0.113.9");
  assert_int_equal(ztk_nat_new(&n, &cfg, &pubip, &g), 0);
  p = out(n, 0, "10.0.0.2/9993", "1.2.3.4/80");
  for (int64_t t = ZTK_SEC(9); t < ZTK_SEC(60); t += ZTK_SEC(9))
    assert_int_equal(in(n, t, "1.2.3.4/81", p, &inside), ZTK_DROP_NONE);
  assert_true(ztk_nat_bytes(n) > 0);
  ztk_nat_del(n);
  /* bad configurations */
  cfg.type = (ztk_nat_type)0;
  assert_int_equal(ztk_nat_new(&n, &cfg, &pubip, &g), ZTK_EINVAL);
  cfg.type = ZTK_NAT_FULL_CONE;
  pubip = fx_ip("2001:db8::1");
  assert_int_equal(ztk_nat_new(&n, &cfg, &pubip, &g), ZTK_EINVAL);
}

static void test_port_exhaustion(void **state)
{
  /* four public ports, room for eight mappings: the fifth symmetric mapping finds no port */
  ztk_nat_config cfg = {
      .type = ZTK_NAT_SYMMETRIC, .port_min = 40000, .port_max = 40003, .max_mappings = 8};
  ztk_inaddr pubip = fx_ip("203.0.113.1"), i = fx_ip("10.0.0.2/9993"), pub;
  ztk_rng g = {{1, 2, 3, 4}};
  ztk_nat *n;
  assert_int_equal(ztk_nat_new(&n, &cfg, &pubip, &g), 0);
  for (int k = 0; k < 4; k++) {
    ztk_inaddr r;
    ztk_inaddr_v4(&r, 0x01020300u + (uint32_t)k, 80);
    assert_int_equal(ztk_nat_out(n, 0, &i, &r, &pub), ZTK_DROP_NONE);
    assert_int_equal(pub.port, 40000 + k);
  }
  ztk_inaddr r = fx_ip("9.9.9.9/9");
  assert_int_equal(ztk_nat_out(n, 0, &i, &r, &pub), ZTK_DROP_NAT_FULL);
  assert_int_equal(ztk_nat_mappings(n, 0), 4);
  ztk_nat_del(n);
}

/* ---- through the fabric ------------------------------------------------------------------ */

typedef struct punch {
  fx f;
  fx_log log;
  uint32_t server, a, b;
  ztk_topo_site sa, sb;
} punch;

static const ztk_link_params WAN = {.latency_us = 5000};

/* Rendezvous server S on a core router, sites A and B behind NATs of the given types; both
 * sites use the same private address for their host. */
static void punch_setup(punch *p, ztk_nat_type ta, ztk_nat_type tb)
{
  fx_init(&p->f, 7);
  int core = ztk_net_add_router(p->f.n);
  p->server = fx_host(&p->f, ZTK_NET_PUBLIC, "198.51.100.1");
  fx_link(&p->f, p->server, (uint32_t)core, &WAN);
  ztk_nat_config ca = {.type = ta}, cb = {.type = tb};
  assert_int_equal(ztk_topo_site_add(p->f.n, (uint32_t)core, ZTK_NET_PUBLIC, 0xcb007101, &ca, 1,
                                     0xc0a80102, &WAN, NULL, &p->sa),
                   0);
  assert_int_equal(ztk_topo_site_add(p->f.n, (uint32_t)core, ZTK_NET_PUBLIC, 0xcb007102, &cb, 1,
                                     0xc0a80102, &WAN, NULL, &p->sb),
                   0);
  p->a = p->sa.first_host;
  p->b = p->sb.first_host;
  p->log.n = 0;
  fx_listen(&p->f, &p->log, p->server);
}

/* Replies to every probe it gets, from the port it arrived on, to where it came from. */
static int echo_rx(void *ctx, uint32_t host, const ztk_net_dgram *d)
{
  punch *p = ctx;
  fx_record(&p->log, host, d);
  if (d->len && d->data[0] == 'P') {
    uint8_t r = 'R';
    ztk_net_send(p->f.n, host, &d->dst, &d->src, 0, &r, 1);
  }
  return ZTK_DROP_NONE;
}

/* The public endpoint S saw for host h. */
static ztk_inaddr observed(const punch *p, uint32_t site_nat)
{
  const ztk_inaddr *pub = ztk_nat_public_ip(ztk_net_nat(p->f.n, site_nat));
  for (int i = 0; i < p->log.n; i++)
    if (p->log.e[i].host == p->server && ztk_inaddr_ip_eq(&p->log.e[i].src, pub))
      return p->log.e[i].src;
  fail_msg("server saw nothing from that site");
  return (ztk_inaddr){0};
}

/* Both hosts learn each other's mapping via S, then probe each other at the same instants.
 * Returns true if each received something directly from the other site. */
static bool punch_run(ztk_nat_type ta, ztk_nat_type tb)
{
  static punch p;
  punch_setup(&p, ta, tb);
  ztk_inaddr local = fx_ip("192.168.1.2/9993"), s = fx_ip("198.51.100.1/7000");
  assert_int_equal(ztk_net_send(p.f.n, p.a, &local, &s, 0, "H", 1), 0);
  assert_int_equal(ztk_net_send(p.f.n, p.b, &local, &s, 0, "H", 1), 0);
  fx_run(&p.f, ZTK_MS(100));
  ztk_inaddr a_pub = observed(&p, p.sa.nat), b_pub = observed(&p, p.sb.nat);
  assert_int_equal(ztk_net_set_rx(p.f.n, p.a, echo_rx, &p), 0);
  assert_int_equal(ztk_net_set_rx(p.f.n, p.b, echo_rx, &p), 0);
  for (int k = 0; k < 5; k++) {
    fx_run(&p.f, ZTK_MS(200 + 50 * k));
    assert_int_equal(ztk_net_send(p.f.n, p.a, &local, &b_pub, 0, "P", 1), 0);
    assert_int_equal(ztk_net_send(p.f.n, p.b, &local, &a_pub, 0, "P", 1), 0);
  }
  fx_run(&p.f, ZTK_SEC(1));
  const ztk_inaddr *bip = ztk_nat_public_ip(ztk_net_nat(p.f.n, p.sb.nat));
  const ztk_inaddr *aip = ztk_nat_public_ip(ztk_net_nat(p.f.n, p.sa.nat));
  int a_got = 0, b_got = 0;
  for (int i = 0; i < p.log.n; i++) {
    a_got += p.log.e[i].host == p.a && ztk_inaddr_ip_eq(&p.log.e[i].src, bip);
    b_got += p.log.e[i].host == p.b && ztk_inaddr_ip_eq(&p.log.e[i].src, aip);
  }
  fx_free(&p.f);
  return a_got > 0 && b_got > 0;
}

static void test_hole_punching_matrix(void **state)
{
  const ztk_nat_type t[] = {ZTK_NAT_FULL_CONE, ZTK_NAT_ADDRESS_RESTRICTED, ZTK_NAT_PORT_RESTRICTED,
                            ZTK_NAT_SYMMETRIC};
  /* FC, AR, PR, SYM: only symmetric <-> port-restricted and symmetric <-> symmetric fail */
  const bool works[4][4] = {
      {true, true, true, true},
      {true, true, true, true},
      {true, true, true, false},
      {true, true, false, false},
  };
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 4; j++) {
      bool got = punch_run(t[i], t[j]);
      if (got != works[i][j])
        fail_msg("NAT types %d <-> %d: direct exchange %s", t[i], t[j],
                 got ? "worked, should fail" : "failed, should work");
    }
}

static void test_hairpin_and_ttl(void **state)
{
  for (int hp = 0; hp < 2; hp++) {
    fx f;
    fx_log log = {.n = 0};
    fx_init(&f, 3);
    ztk_nat_config cfg = {.type = ZTK_NAT_FULL_CONE, .hairpin = hp == 1};
    fx_site w = fx_server_site(&f, &WAN, &cfg, 2, &WAN);
    ztk_topo_site site = w.site;
    uint32_t s = w.server;
    uint32_t a = site.first_host, b = a + 1;
    fx_listen(&f, &log, a);
    fx_listen(&f, &log, b);
    fx_listen(&f, &log, s);
    /* b opens a mapping; a (same site) sends to b's public endpoint */
    fx_send(&f, b, "192.168.1.3/9993", "198.51.100.1/7000", 0, 'x', 10);
    fx_run(&f, ZTK_MS(50));
    assert_int_equal(log.n, 1);
    char bpub[64];
    ztk_inaddr_format(&log.e[0].src, bpub);
    fx_send(&f, a, "192.168.1.2/9993", bpub, 0, 'y', 10);
    fx_run(&f, ZTK_MS(100));
    const ztk_host_counters *c = ztk_net_host_counters(f.n, a);
    if (hp) {
      assert_int_equal(fx_count(&log, b, NULL), 1); /* via the NAT, from a's public mapping */
      assert_true(ztk_inaddr_ip_eq(&log.e[1].src, ztk_nat_public_ip(ztk_net_nat(f.n, site.nat))));
    } else {
      assert_int_equal(c->dropped[ZTK_DROP_NAT_HAIRPIN], 1);
      assert_int_equal(fx_count(&log, b, NULL), 0);
    }
    /* TTL 2 opens a's NAT mapping toward S and dies at the core router; TTL 1 dies in the NAT */
    ztk_nat *nat = ztk_net_nat(f.n, site.nat);
    ztk_inaddr src = fx_ip("192.168.1.2/5000"), dst = fx_ip("198.51.100.1/7000"), pub;
    fx_send(&f, a, "192.168.1.2/5000", "198.51.100.1/7000", 1, 'z', 10);
    fx_run(&f, ZTK_MS(200));
    assert_int_equal(ztk_nat_peek(nat, ZTK_MS(200), &src, &dst, &pub), ZTK_ENOTFOUND);
    fx_send(&f, a, "192.168.1.2/5000", "198.51.100.1/7000", 2, 'z', 10);
    fx_run(&f, ZTK_MS(300));
    assert_int_equal(ztk_nat_peek(nat, ZTK_MS(300), &src, &dst, &pub), 0);
    assert_int_equal(c->dropped[ZTK_DROP_TTL], 2);
    assert_int_equal(fx_count(&log, s, NULL), 1); /* only b's first datagram ever reached S */
    fx_free(&f);
  }
}

static void test_mapping_timeout_in_fabric(void **state)
{
  fx f;
  fx_log log = {.n = 0};
  fx_init(&f, 5);
  ztk_nat_config cfg = {.type = ZTK_NAT_FULL_CONE, .timeout_us = ZTK_SEC(10)};
  fx_site w = fx_server_site(&f, &WAN, &cfg, 1, &WAN);
  ztk_topo_site site = w.site;
  uint32_t s = w.server;
  fx_listen(&f, &log, site.first_host);
  fx_listen(&f, &log, s);
  fx_send(&f, site.first_host, "192.168.1.2/9993", "198.51.100.1/7000", 0, 'a', 4);
  fx_run(&f, ZTK_SEC(1));
  char pub[64];
  ztk_inaddr_format(&log.e[0].src, pub);
  fx_send(&f, s, "198.51.100.1/7000", pub, 0, 'b', 4); /* within the timeout: delivered */
  fx_run(&f, ZTK_SEC(12));
  fx_send(&f, s, "198.51.100.1/7000", pub, 0, 'c', 4); /* 12 s after the last outbound */
  fx_run(&f, ZTK_SEC(13));
  assert_int_equal(fx_count(&log, site.first_host, NULL), 1);
  assert_int_equal(ztk_net_host_counters(f.n, s)->dropped[ZTK_DROP_NAT_NOMAP], 1);
  fx_free(&f);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_mapping_and_filtering),     cmocka_unit_test(test_port_allocation),
      cmocka_unit_test(test_timeouts_and_limits),       cmocka_unit_test(test_port_exhaustion),
      cmocka_unit_test(test_hole_punching_matrix),      cmocka_unit_test(test_hairpin_and_ttl),
      cmocka_unit_test(test_mapping_timeout_in_fabric),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
