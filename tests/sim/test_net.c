/* The fabric: elements and addresses, sending rules, delivery timing, asymmetric links, link
 * state, routing and its tie-breaks, TTL, loopback, limits, counters, trace lines, captures. */
#include "tests/sim/fixture.h"

#include <pcap/pcap.h>

/* Two public hosts 10.0.0.1 (*a) and 10.0.0.2 (*b) on one link with params p. Returns it. */
static uint32_t pair(fx *f, uint64_t seed, const ztk_link_params *ab, const ztk_link_params *ba,
                     uint32_t *a, uint32_t *b)
{
  fx_init(f, seed);
  *a = fx_host(f, ZTK_NET_PUBLIC, "10.0.0.1");
  *b = fx_host(f, ZTK_NET_PUBLIC, "10.0.0.2");
  int l = ztk_net_link(f->n, *a, *b, ab, ba);
  assert_true(l >= 0);
  return (uint32_t)l;
}

static void test_elements_and_addresses(void **state)
{
  fx f;
  fx_init(&f, 1);
  uint32_t h = fx_host(&f, ZTK_NET_PUBLIC, "10.0.0.1");
  ztk_inaddr a = fx_ip("10.0.0.1"), v6 = fx_ip("2001:db8::1"), nil = {0};
  assert_int_equal(ztk_net_add_addr(f.n, h, &a), ZTK_EEXIST);
  assert_int_equal(ztk_net_add_addr(f.n, h, &v6), 0);
  assert_int_equal(ztk_net_add_addr(f.n, h, &nil), ZTK_EINVAL);
  for (int i = 2; i < ZTK_NET_MAX_ADDRS; i++) {
    ztk_inaddr x;
    ztk_inaddr_v4(&x, 0x0a000100u + (uint32_t)i, 0);
    assert_int_equal(ztk_net_add_addr(f.n, h, &x), 0);
  }
  ztk_inaddr more = fx_ip("10.9.9.9");
  assert_int_equal(ztk_net_add_addr(f.n, h, &more), ZTK_ELIMIT);
  ztk_inaddr got;
  assert_int_equal(ztk_net_addr(f.n, h, 1, &got), 0);
  assert_true(ztk_inaddr_eq(&got, &v6));
  assert_int_equal(ztk_net_addr(f.n, h, ZTK_NET_MAX_ADDRS, &got), ZTK_ENOTFOUND);
  int r = ztk_net_add_router(f.n), s = ztk_net_add_switch(f.n);
  assert_int_equal(ztk_net_add_addr(f.n, (uint32_t)r, &more), ZTK_EINVAL);
  assert_int_equal(ztk_net_kind(f.n, (uint32_t)s), ZTK_ELEM_SWITCH);
  assert_int_equal(ztk_net_kind(f.n, 99), 0);
  assert_int_equal(ztk_net_add_host(f.n, 5), ZTK_EINVAL); /* no such realm */
  /* a NAT's inside realm reuses addresses of the public realm; IPv6 stays public */
  ztk_nat_config cfg = {.type = ZTK_NAT_FULL_CONE};
  ztk_inaddr pub = fx_ip("203.0.113.1");
  int nat = ztk_net_add_nat(f.n, ZTK_NET_PUBLIC, &pub, &cfg);
  assert_true(nat >= 0);
  assert_int_equal(ztk_net_add_nat(f.n, ZTK_NET_PUBLIC, &pub, &cfg), ZTK_EEXIST);
  uint32_t realm = (uint32_t)ztk_net_nat_realm(f.n, (uint32_t)nat);
  assert_int_equal(realm, 1);
  assert_int_equal(ztk_net_nat_realm(f.n, h), ZTK_EINVAL);
  uint32_t inside = fx_host(&f, realm, "10.0.0.1");
  assert_int_equal(ztk_net_find_addr(f.n, realm, &a), (int)inside);
  assert_int_equal(ztk_net_find_addr(f.n, ZTK_NET_PUBLIC, &a), (int)h);
  assert_int_equal(ztk_net_find_addr(f.n, realm, &v6), (int)h);
  assert_int_equal(ztk_net_add_addr(f.n, inside, &v6), ZTK_EEXIST);
  assert_int_equal(ztk_net_find_addr(f.n, ZTK_NET_PUBLIC, &pub), nat);
  assert_int_equal(ztk_net_realm(f.n, inside), realm);
  assert_int_equal(ztk_net_link(f.n, h, h, NULL, NULL), ZTK_EINVAL);
  assert_int_equal(ztk_net_link(f.n, h, 1000, NULL, NULL), ZTK_EINVAL);
  fx_free(&f);
}

static void test_send_rules(void **state)
{
  fx f;
  uint32_t a, b;
  pair(&f, 1, NULL, NULL, &a, &b);
  ztk_inaddr src = fx_ip("10.0.0.1/1"), dst = fx_ip("10.0.0.2/2"), other = fx_ip("10.0.0.2/1");
  ztk_inaddr v6 = fx_ip("2001:db8::2/2"), p0 = fx_ip("10.0.0.2/0");
  static uint8_t big[ZTK_NET_MAX_PAYLOAD + 1];
  assert_int_equal(ztk_net_send(f.n, a, &other, &dst, 0, "x", 1), ZTK_EINVAL); /* not a's */
  assert_int_equal(ztk_net_send(f.n, a, &src, &v6, 0, "x", 1), ZTK_EINVAL);
  assert_int_equal(ztk_net_send(f.n, a, &src, &p0, 0, "x", 1), ZTK_EINVAL);
  assert_int_equal(ztk_net_send(f.n, a, &src, &dst, 256, "x", 1), ZTK_EINVAL);
  assert_int_equal(ztk_net_send(f.n, 7, &src, &dst, 0, "x", 1), ZTK_EINVAL);
  assert_int_equal(ztk_net_send(f.n, a, &src, &dst, 0, big, sizeof big), ZTK_ERANGE);
  assert_int_equal(ztk_net_send(f.n, a, &src, &dst, 0, big, sizeof big - 1), 0);
  /* nobody listens on b: counted as nosock */
  fx_run(&f, 10);
  assert_int_equal(ztk_net_host_counters(f.n, a)->dropped[ZTK_DROP_NOSOCK], 1);
  /* unknown destination: no route */
  fx_send(&f, a, "10.0.0.1/1", "10.0.0.99/1", 0, 0, 4);
  assert_int_equal(ztk_net_host_counters(f.n, a)->dropped[ZTK_DROP_NOROUTE], 1);
  assert_int_equal(ztk_net_inflight(f.n), 0);
  fx_free(&f);
}

static void test_asymmetric_links(void **state)
{
  fx f;
  fx_log log = {.n = 0};
  uint32_t a, b;
  ztk_link_params ab = {.latency_us = 10000}, ba = {.latency_us = 50000, .loss = 1};
  uint32_t l = pair(&f, 2, &ab, &ba, &a, &b);
  fx_listen(&f, &log, a);
  fx_listen(&f, &log, b);
  fx_send(&f, a, "10.0.0.1/1", "10.0.0.2/2", 0, 'a', 100);
  fx_send(&f, b, "10.0.0.2/2", "10.0.0.1/1", 0, 'b', 100);
  fx_run(&f, ZTK_SEC(1));
  assert_int_equal(log.n, 1);
  assert_int_equal(log.e[0].host, b);
  assert_int_equal(log.e[0].t_us, 10000);
  const ztk_linkdir *d0 = ztk_net_linkdir(f.n, l, 0), *d1 = ztk_net_linkdir(f.n, l, 1);
  assert_int_equal(d0->c.delivered, 1);
  assert_int_equal(d0->c.bytes_delivered, 100);
  assert_int_equal(d1->c.dropped[ZTK_DROP_LOSS - ZTK_DROP_LINK_FIRST], 1);
  /* heal the b -> a direction only; it keeps its own 50 ms */
  ba.loss = 0;
  assert_int_equal(ztk_net_link_set(f.n, l, 1, &ba), 0);
  fx_send(&f, b, "10.0.0.2/2", "10.0.0.1/1", 0, 'b', 100);
  fx_run(&f, ZTK_SEC(2));
  assert_int_equal(log.n, 2);
  assert_int_equal(log.e[1].t_us, ZTK_SEC(1) + 50000);
  const ztk_host_counters *cb = ztk_net_host_counters(f.n, b);
  assert_int_equal(cb->sent, 2);
  assert_int_equal(cb->received, 1);
  assert_int_equal(cb->bytes_received, 100);
  assert_int_equal(cb->dropped[ZTK_DROP_LOSS], 1);
  fx_free(&f);
}

static void test_link_state(void **state)
{
  fx f;
  fx_log log = {.n = 0};
  uint32_t a, b;
  uint32_t l = pair(&f, 3, NULL, NULL, &a, &b);
  fx_listen(&f, &log, b);
  ztk_net_op down = {ZTK_NET_OP_LINK_DOWN, l, 0, 0, false, 0};
  ztk_net_op up = {ZTK_NET_OP_LINK_UP, l, 0, -1, false, 0};
  assert_int_equal(ztk_net_schedule(f.n, ZTK_MS(10), &down), 0);
  assert_int_equal(ztk_net_schedule(f.n, ZTK_MS(20), &up), 0);
  for (int t = 5; t < 30; t += 10) { /* at 5, 15 and 25 ms */
    fx_run(&f, ZTK_MS(t));
    fx_send(&f, a, "10.0.0.1/1", "10.0.0.2/2", 0, (uint8_t)t, 10);
  }
  fx_run(&f, ZTK_MS(40));
  assert_int_equal(log.n, 2);
  assert_int_equal(log.e[0].first, 5);
  assert_int_equal(log.e[1].first, 25);
  assert_int_equal(ztk_net_host_counters(f.n, a)->dropped[ZTK_DROP_DOWN], 1);
  assert_int_equal(ztk_net_link_set(f.n, 99, 0, &(ztk_link_params){0}), ZTK_ENOTFOUND);
  assert_null(ztk_net_linkdir(f.n, l, 2));
  fx_free(&f);
}

static void test_routing(void **state)
{
  /* a diamond: h0 - r1 - {r2, r3} - r4 - h5, plus a longer detour r1 - r6 - r7 - r4 */
  fx f;
  fx_init(&f, 4);
  uint32_t h0 = fx_host(&f, ZTK_NET_PUBLIC, "10.0.0.1");
  uint32_t r[8];
  for (int i = 1; i <= 4; i++)
    r[i] = (uint32_t)ztk_net_add_router(f.n);
  uint32_t h5 = fx_host(&f, ZTK_NET_PUBLIC, "10.0.0.5");
  r[6] = (uint32_t)ztk_net_add_router(f.n);
  r[7] = (uint32_t)ztk_net_add_router(f.n);
  fx_link(&f, h0, r[1], NULL);
  fx_link(&f, r[1], r[3], NULL); /* older than r1 - r2: from r1 the tie goes to r3 */
  fx_link(&f, r[1], r[2], NULL);
  fx_link(&f, r[2], r[4], NULL);
  fx_link(&f, r[3], r[4], NULL);
  fx_link(&f, r[4], h5, NULL);
  fx_link(&f, r[1], r[6], NULL);
  fx_link(&f, r[6], r[7], NULL);
  fx_link(&f, r[7], r[4], NULL);
  uint32_t path[16];
  int len = ztk_net_path(f.n, h0, h5, path, 16);
  assert_int_equal(len, 5);
  const uint32_t want[] = {h0, r[1], r[3], r[4], h5};
  assert_memory_equal(path, want, sizeof want);
  len = ztk_net_path(f.n, h5, h0, path, 16);
  assert_int_equal(len, 5);
  assert_int_equal(path[2], r[2]); /* from r4 the r2 link is older than the r3 link */
  assert_int_equal(ztk_net_path(f.n, h0, h5, path, 3), ZTK_ENOSPACE);
  /* a multi-homed host picks the neighbour closer to the destination */
  uint32_t m = fx_host(&f, ZTK_NET_PUBLIC, "10.0.0.9");
  fx_link(&f, m, r[6], NULL);
  uint32_t lm = fx_link(&f, m, r[4], NULL);
  assert_int_equal(ztk_net_next_link(f.n, m, h5), lm);
  assert_int_equal(ztk_net_path(f.n, h0, m, path, 16), 4); /* h0 r1 r6 m */
  /* an unconnected host has no route */
  uint32_t lone = fx_host(&f, ZTK_NET_PUBLIC, "10.0.0.10");
  assert_int_equal(ztk_net_next_link(f.n, h0, lone), ZTK_ENOTFOUND);
  assert_int_equal(ztk_net_next_link(f.n, h0, h0), ZTK_EINVAL);
  assert_int_equal(ztk_net_find_link(f.n, r[1], r[2]), 2);
  assert_int_equal(ztk_net_find_link(f.n, h0, h5), ZTK_ENOTFOUND);
  fx_free(&f);
}

static void test_ttl_and_loopback(void **state)
{
  fx f;
  fx_log log = {.n = 0};
  ztk_topo t;
  fx_init(&f, 5);
  assert_int_equal(ztk_topo_line(f.n, 5, 0x0a000001, NULL, NULL, &t), 0);
  uint32_t h0 = t.first_host, h4 = t.first_host + 4;
  fx_listen(&f, &log, h4);
  fx_listen(&f, &log, h0);
  /* 5 routers: as in IP, a router drops what arrives with TTL 1, so TTL 6 is needed */
  fx_send(&f, h0, "10.0.0.1/1", "10.0.0.5/1", 6, 'a', 4);
  fx_send(&f, h0, "10.0.0.1/1", "10.0.0.5/1", 5, 'b', 4);
  fx_run(&f, ZTK_MS(10));
  assert_int_equal(fx_count(&log, h4, NULL), 1);
  assert_int_equal(log.e[0].first, 'a');
  assert_int_equal(log.e[0].ttl, 1);
  assert_int_equal(ztk_net_host_counters(f.n, h0)->dropped[ZTK_DROP_TTL], 1);
  /* to its own address: delivered, no link involved */
  fx_send(&f, h0, "10.0.0.1/1", "10.0.0.1/2", 0, 'c', 4);
  fx_run(&f, ZTK_MS(20));
  assert_int_equal(fx_count(&log, h0, "10.0.0.1/1"), 1);
  fx_free(&f);
}

static void test_inflight_limit_and_teardown(void **state)
{
  ztk_evq *q;
  ztk_net *n;
  ztk_rng_root root;
  ztk_rng_root_init(&root, 6);
  ztk_net_config cfg = {.max_inflight = 3};
  assert_int_equal(ztk_evq_new(&q, 0), 0);
  assert_int_equal(ztk_net_new(&n, q, &root, &cfg), 0);
  fx f = {q, n, root};
  uint32_t a = fx_host(&f, ZTK_NET_PUBLIC, "10.0.0.1"), b = fx_host(&f, ZTK_NET_PUBLIC, "10.0.0.2");
  ztk_link_params slow = {.latency_us = ZTK_SEC(1), .dup = 1};
  fx_link(&f, a, b, &slow);
  ztk_inaddr s = fx_ip("10.0.0.1/1"), d = fx_ip("10.0.0.2/1");
  assert_int_equal(ztk_net_send(n, a, &s, &d, 0, "x", 1), 0); /* and its duplicate */
  assert_int_equal(ztk_net_send(n, a, &s, &d, 0, "x", 1), 0); /* no room for a duplicate */
  assert_int_equal(ztk_net_inflight(n), 3);
  assert_int_equal(ztk_net_send(n, a, &s, &d, 0, "x", 1), ZTK_EAGAIN);
  assert_int_equal(ztk_net_host_counters(n, a)->dropped[ZTK_DROP_FABRIC], 1);
  assert_int_equal(ztk_net_host_counters(n, a)->duplicated, 1);
  assert_true(ztk_net_bytes(n) > 0);
  /* a scheduled op and three datagrams are pending: deleting the fabric frees them */
  ztk_net_op op = {ZTK_NET_OP_HEAL_ALL, 0, 0, 0, false, 0};
  assert_int_equal(ztk_net_schedule(n, ZTK_SEC(5), &op), 0);
  assert_int_equal(ztk_evq_size(q), 4);
  ztk_net_del(n);
  assert_int_equal(ztk_evq_size(q), 0);
  ztk_evq_del(q);
}

/* A small scenario whose every trace line is pinned: send, nat, queue, dup, corrupt, recv,
 * drop and a fabric change. Any change to the line formats or the event order shows here. */
static const char *const GOLDEN[] = {
    "0.000000 send p=0 h=4 192.168.1.2/9993>198.51.100.1/7000 len=100 ttl=64",
    "0.000000 nat p=0 n=2 192.168.1.2/9993>198.51.100.1/7000 => 203.0.113.1/1024>198.51.100.1/7000",
    "0.001128 recv p=0 h=1 203.0.113.1/1024>198.51.100.1/7000 len=100 ttl=62",
    "0.010000 send p=1 h=1 198.51.100.1/7000>203.0.113.1/1024 len=100 ttl=64",
    "0.010000 send p=2 h=1 198.51.100.1/7000>203.0.113.1/1024 len=100 ttl=64",
    "0.010000 queue p=2 l=0/0 backlog=128",
    "0.010000 send p=3 h=1 198.51.100.1/7000>203.0.113.1/2000 len=100 ttl=64",
    "0.010000 queue p=3 l=0/0 backlog=256",
    "0.011128 dup p=1 copy=4 l=1/0",
    "0.011128 corrupt p=4 l=1/0",
    "0.011128 corrupt p=1 l=1/0",
    "0.011128 nat p=1 n=2 198.51.100.1/7000>203.0.113.1/1024 => 198.51.100.1/7000>192.168.1.2/9993",
    "0.011128 recv p=1 h=4 198.51.100.1/7000>192.168.1.2/9993 len=100 ttl=62",
    "0.011178 nat p=4 n=2 198.51.100.1/7000>203.0.113.1/1024 => 198.51.100.1/7000>192.168.1.2/9993",
    "0.011178 recv p=4 h=4 198.51.100.1/7000>192.168.1.2/9993 len=100 ttl=62",
    "0.011256 dup p=2 copy=5 l=1/0",
    "0.011256 corrupt p=5 l=1/0",
    "0.011256 corrupt p=2 l=1/0",
    "0.011256 nat p=2 n=2 198.51.100.1/7000>203.0.113.1/1024 => 198.51.100.1/7000>192.168.1.2/9993",
    "0.011256 recv p=2 h=4 198.51.100.1/7000>192.168.1.2/9993 len=100 ttl=62",
    "0.011306 nat p=5 n=2 198.51.100.1/7000>203.0.113.1/1024 => 198.51.100.1/7000>192.168.1.2/9993",
    "0.011306 recv p=5 h=4 198.51.100.1/7000>192.168.1.2/9993 len=100 ttl=62",
    "0.011384 dup p=3 copy=6 l=1/0",
    "0.011384 corrupt p=6 l=1/0",
    "0.011384 corrupt p=3 l=1/0",
    "0.011384 drop p=3 at=2 reason=nat-nomap",
    "0.011434 drop p=6 at=2 reason=nat-nomap",
    "0.050000 net link-down a=99 b=0 dir=0 both=0 v=0 err=ZTK_ENOTFOUND",
};

static void test_trace_lines(void **state)
{
  fx f;
  fx_log log = {.n = 0};
  ztk_trace *tr;
  fx_init(&f, 8);
  assert_int_equal(ztk_trace_new(&tr, NULL, 1 << 16), 0);
  ztk_net_set_trace(f.n, tr);
  assert_ptr_equal(ztk_net_trace(f.n), tr);
  ztk_link_params access = {.latency_us = 1000, .rate_bps = 8000000};
  ztk_nat_config cfg = {.type = ZTK_NAT_PORT_RESTRICTED};
  fx_site w = fx_server_site(&f, &access, &cfg, 1, NULL);
  uint32_t s = w.server;
  ztk_topo_site site = w.site;
  ztk_link_params noisy = {.dup = 1, .dup_delay_us = 50, .corrupt = 1};
  int64_t wan = ztk_net_find_link(f.n, w.core, site.nat);
  assert_int_equal(ztk_net_link_set(f.n, (uint32_t)wan, 0, &noisy), 0); /* core -> NAT only */
  fx_listen(&f, &log, s);
  fx_listen(&f, &log, site.first_host);
  fx_send(&f, site.first_host, "192.168.1.2/9993", "198.51.100.1/7000", 0, 'x', 100);
  fx_run(&f, ZTK_MS(10));
  fx_send(&f, s, "198.51.100.1/7000", "203.0.113.1/1024", 0, 'y', 100);
  fx_send(&f, s, "198.51.100.1/7000", "203.0.113.1/1024", 0, 'z', 100);
  fx_send(&f, s, "198.51.100.1/7000", "203.0.113.1/2000", 0, 'w', 100);
  fx_run(&f, ZTK_MS(50));
  ztk_net_op op = {ZTK_NET_OP_LINK_DOWN, 99, 0, 0, false, 0};
  assert_int_equal(ztk_net_apply(f.n, &op), ZTK_ENOTFOUND);
  size_t len;
  assert_int_equal(ztk_trace_lines(tr), sizeof GOLDEN / sizeof GOLDEN[0]);
  for (uint64_t i = 0; i < ztk_trace_lines(tr); i++) {
    const char *l = ztk_trace_line(tr, i, &len);
    assert_int_equal(len, strlen(GOLDEN[i]));
    assert_memory_equal(l, GOLDEN[i], len);
  }
  char hex[ZTK_TRACE_HASH_HEX];
  ztk_trace_hash_hex(tr, hex);
  assert_string_equal(hex, "89618805678bede2c89611eb58aec5c3d18fb1171806c919a389436155d835f8");
  assert_int_equal(fx_count(&log, site.first_host, "198.51.100.1/7000"), 4);
  ztk_net_set_trace(f.n, NULL);
  ztk_trace_del(tr);
  fx_free(&f);
}

#define WIRE ZTK_BINARY_DIR "/sim_test_net_wire.pcap"
#define HOSTCAP ZTK_BINARY_DIR "/sim_test_net_host.pcap"

static int count_records(const char *path)
{
  char err[PCAP_ERRBUF_SIZE];
  pcap_t *p = pcap_open_offline(path, err);
  assert_non_null(p);
  struct pcap_pkthdr *h;
  const u_char *d;
  int n = 0;
  while (pcap_next_ex(p, &h, &d) == 1)
    n++;
  pcap_close(p);
  return n;
}

static void test_captures(void **state)
{
  fx f;
  fx_log log = {.n = 0};
  ztk_pcap *wire, *hc;
  fx_init(&f, 9);
  ztk_nat_config cfg = {.type = ZTK_NAT_FULL_CONE};
  fx_site w = fx_server_site(&f, NULL, &cfg, 1, NULL);
  uint32_t s = w.server;
  ztk_topo_site site = w.site;
  assert_int_equal(ztk_pcap_open(&wire, WIRE, ZTK_PCAP_UNDERLAY, 0), 0);
  assert_int_equal(ztk_pcap_open(&hc, HOSTCAP, ZTK_PCAP_UNDERLAY, 0), 0);
  assert_int_equal(ztk_net_capture(f.n, ZTK_NET_NONE, wire), 0);
  assert_int_equal(ztk_net_capture(f.n, s, hc), 0);
  assert_int_equal(ztk_net_capture(f.n, 1000, hc), ZTK_EINVAL);
  fx_listen(&f, &log, s);
  fx_listen(&f, &log, site.first_host);
  fx_send(&f, site.first_host, "192.168.1.2/9993", "198.51.100.1/7000", 0, 'x', 100);
  fx_run(&f, ZTK_MS(10));
  fx_send(&f, s, "198.51.100.1/7000", "203.0.113.1/1024", 0, 'y', 100);
  fx_run(&f, ZTK_MS(20));
  assert_int_equal(log.n, 2);
  ztk_pcap_close(wire);
  ztk_pcap_close(hc);
  /* wire view: each datagram as sent and once more after its NAT rewrite */
  assert_int_equal(count_records(WIRE), 4);
  /* the server's own view: what it received and what it sent */
  assert_int_equal(count_records(HOSTCAP), 2);
  fx_free(&f);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_elements_and_addresses),
      cmocka_unit_test(test_send_rules),
      cmocka_unit_test(test_asymmetric_links),
      cmocka_unit_test(test_link_state),
      cmocka_unit_test(test_routing),
      cmocka_unit_test(test_ttl_and_loopback),
      cmocka_unit_test(test_inflight_limit_and_teardown),
      cmocka_unit_test(test_trace_lines),
      cmocka_unit_test(test_captures),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
