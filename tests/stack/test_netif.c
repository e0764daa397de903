/* Netifs: configuration checks, the netif limit, addresses and the multicast groups they
 * imply, frame input validation, reentrancy, MTU, routes through gateways, and what sockets
 * see when an address or a netif goes away. */
#include "tests/support/vectors.h"

#include <string.h>

#include "tests/support/stack_harness.h"

#define NWID 0x8056c2e21c0000b1ull

typedef struct frame_log {
  int frames;
  uint64_t last_dst;
  uint16_t last_type;
  uint8_t last[64];
  int reentry; /* what a call into the stack from the callback returned */
  ztk_stack_netif *self;
  struct {
    uint64_t mac;
    uint32_t adi;
    bool on;
  } groups[16];
  int ngroups;
} frame_log;

static void log_frame(void *user, uint64_t nwid, uint64_t src, uint64_t dst, uint16_t type,
                      uint16_t vlan, const void *data, size_t len)
{
  frame_log *l = user;
  (void)nwid;
  (void)src;
  (void)vlan;
  l->frames++;
  l->last_dst = dst;
  l->last_type = type;
  memcpy(l->last, data, len < sizeof l->last ? len : sizeof l->last);
  if (l->self != NULL)
    l->reentry = ztk_stack_netif_input(l->self, src, dst, type, 0, data, len);
}

static void log_group(void *user, uint64_t nwid, uint64_t mac, uint32_t adi, bool on)
{
  frame_log *l = user;
  (void)nwid;
  if (l->ngroups < 16) {
    l->groups[l->ngroups].mac = mac;
    l->groups[l->ngroups].adi = adi;
    l->groups[l->ngroups].on = on;
    l->ngroups++;
  }
}

static const ztk_stack_netif_callbacks log_cb = {log_frame, log_group};

/* sh_begin(), a host and a netif with MAC mac whose frames and groups go to log. */
static ztk_stack_netif *log_netif(ztk_stack_host **h, frame_log *log, uint64_t mac)
{
  ztk_stack_netif *n;
  ztk_stack_netif_config cfg = {.nwid = NWID, .mac = mac};
  memset(log, 0, sizeof *log);
  sh_begin();
  assert_int_equal(ztk_stack_host_new(h, NULL), 0);
  assert_int_equal(ztk_stack_netif_new(&n, *h, &cfg, &log_cb, log), 0);
  return n;
}

static void test_config_checks(void **state)
{
  ztk_stack_host *h;
  ztk_stack_netif *n;
  frame_log log;
  ztk_stack_netif *first = log_netif(&h, &log, 0x32000000c0a1ull);
  ztk_stack_netif_config ok = {.nwid = NWID, .mac = 0x32000000c001ull};
  ztk_stack_netif_config bad_mac = {.nwid = NWID, .mac = 0x33000000c001ull}; /* multicast bit */
  ztk_stack_netif_config bad_mtu = {.nwid = NWID, .mac = 0x32000000c001ull, .mtu = 1000};
  ztk_stack_netif_callbacks none = {NULL, NULL};
  assert_int_equal(ztk_stack_netif_new(&n, h, &bad_mac, &log_cb, &log), ZTK_EINVAL);
  assert_int_equal(ztk_stack_netif_new(&n, h, &bad_mtu, &log_cb, &log), ZTK_EINVAL);
  assert_int_equal(ztk_stack_netif_new(&n, h, &ok, &none, &log), ZTK_EINVAL);
  assert_int_equal(ztk_stack_netif_new(&n, NULL, &ok, &log_cb, &log), ZTK_EINVAL);
  assert_int_equal(ztk_stack_netif_new(&n, h, &ok, &log_cb, &log), ZTK_EEXIST); /* same nwid */
  ztk_stack_netif_free(first);
  assert_int_equal(ztk_stack_netif_new(&n, h, &ok, &log_cb, &log), 0);
  assert_int_equal(ztk_stack_netif_mtu(n), ZTK_STACK_DEFAULT_MTU);
  assert_int_equal(ztk_stack_netif_nwid(n), NWID);
  assert_ptr_equal(ztk_stack_netif_host(n), h);
  ztk_stack_netif *dup;
  assert_int_equal(ztk_stack_netif_new(&dup, h, &ok, &log_cb, &log), ZTK_EEXIST);
  ztk_stack_host_config cfg;
  ztk_stack_host_config_init(&cfg);
  cfg.max_sockets = 0;
  ztk_stack_host *h2;
  assert_int_equal(ztk_stack_host_new(&h2, &cfg), ZTK_EINVAL);
  sh_end(&h, 1, NULL, 0);
}

static void test_netif_limit(void **state)
{
  enum { HOSTS = 9 };
  ztk_stack_host *h[HOSTS];
  frame_log log;
  int made = 0, rc = 0;
  memset(&log, 0, sizeof log);
  sh_begin();
  for (int i = 0; i < HOSTS; i++)
    assert_int_equal(ztk_stack_host_new(&h[i], NULL), 0);
  /* 9 hosts x 32 networks would be 288 netifs: the process stops cleanly at 250 */
  for (int i = 0; i < HOSTS * ZTK_STACK_HOST_MAX_NETIFS && rc == 0; i++) {
    ztk_stack_netif_config cfg = {.nwid = NWID + (uint64_t)(i % ZTK_STACK_HOST_MAX_NETIFS),
                                  .mac = 0x320000100000ull + (uint64_t)i};
    ztk_stack_netif *n;
    rc = ztk_stack_netif_new(&n, h[i / ZTK_STACK_HOST_MAX_NETIFS], &cfg, &log_cb, &log);
    if (rc == 0) {
      made++;
      char text[32];
      snprintf(text, sizeof text, "10.%d.%d.1/24", 100 + i / 250, i % 250);
      ztk_inaddr a = sh_addr(text);
      assert_int_equal(ztk_stack_netif_add_addr(n, &a), 0);
    }
  }
  assert_int_equal(rc, ZTK_ELIMIT);
  assert_int_equal(made, ZTK_STACK_MAX_NETIFS);
  /* a host's own limit */
  ztk_stack_netif_config more = {.nwid = NWID + 999, .mac = 0x3200000fffffull};
  ztk_stack_netif *n;
  assert_int_equal(ztk_stack_netif_new(&n, h[0], &more, &log_cb, &log), ZTK_ELIMIT);
  /* freeing one host makes room again */
  ztk_stack_host_free(h[0]);
  assert_int_equal(ztk_stack_netif_new(&n, h[8], &more, &log_cb, &log), 0);
  sh_end(h + 1, HOSTS - 1, NULL, 0);
}

static bool has_group(const ztk_stack_netif *n, uint64_t mac, uint32_t adi)
{
  ztk_stack_group g[ZTK_STACK_NETIF_MAX_GROUPS];
  int count = ztk_stack_netif_groups(n, g, ZTK_STACK_NETIF_MAX_GROUPS);
  for (int i = 0; i < count; i++) {
    if (g[i].mac == mac && g[i].adi == adi)
      return true;
  }
  return false;
}

static void test_addresses_and_groups(void **state)
{
  ztk_stack_host *h;
  frame_log log;
  ztk_inaddr list[10];
  ztk_stack_netif *n = log_netif(&h, &log, 0x32000000c002ull);
  ztk_inaddr v4 = sh_addr("10.20.30.40/24"), v4b = sh_addr("10.20.30.41/24");
  ztk_inaddr v6 = sh_addr("fd00:1::abcd:ef12/64"), zero = sh_addr("0.0.0.0/8");
  ztk_inaddr mc = sh_addr("224.0.0.1/4"), nobits = sh_addr("10.0.0.1");
  assert_int_equal(ztk_stack_netif_add_addr(n, &zero), ZTK_EINVAL);
  assert_int_equal(ztk_stack_netif_add_addr(n, &mc), ZTK_EINVAL);
  assert_int_equal(ztk_stack_netif_add_addr(n, &nobits), ZTK_EINVAL);
  assert_int_equal(ztk_stack_netif_add_addr(n, &v4), 0);
  assert_int_equal(ztk_stack_netif_add_addr(n, &v4), ZTK_EEXIST);
  assert_int_equal(ztk_stack_netif_add_addr(n, &v4b), ZTK_ELIMIT); /* one IPv4 per netif */
  assert_int_equal(ztk_stack_netif_add_addr(n, &v6), 0);
  /* the ARP group of the IPv4 address, solicited-node and all-nodes for IPv6 */
  assert_true(has_group(n, 0xffffffffffffull, 0x0a141e28));
  assert_true(has_group(n, 0x3333ffcdef12ull, 0));
  assert_true(has_group(n, 0x333300000001ull, 0));
  assert_int_equal(log.ngroups, 3);
  assert_true(log.groups[0].on);
  assert_int_equal(ztk_stack_netif_addrs(n, list, 10), 2);
  for (int i = 2; i < ZTK_STACK_NETIF_MAX_V6 + 1; i++) {
    char text[48];
    snprintf(text, sizeof text, "fd00:%d::1/64", i);
    ztk_inaddr a = sh_addr(text);
    assert_int_equal(ztk_stack_netif_add_addr(n, &a), 0);
  }
  ztk_inaddr extra = sh_addr("fd00:99::1/64");
  assert_int_equal(ztk_stack_netif_add_addr(n, &extra), ZTK_ELIMIT);
  assert_int_equal(ztk_stack_netif_addrs(n, NULL, 0), 1 + ZTK_STACK_NETIF_MAX_V6);
  assert_int_equal(ztk_stack_netif_remove_addr(n, &v4), 0);
  assert_false(has_group(n, 0xffffffffffffull, 0x0a141e28));
  assert_false(log.groups[log.ngroups - 1].on); /* reported as left */
  assert_int_equal(ztk_stack_netif_remove_addr(n, &v4), ZTK_ENOTFOUND);
  assert_int_equal(ztk_stack_netif_add_addr(n, &v4b), 0);
  ztk_stack_group g = ztk_stack_group_arp(&v4b);
  assert_int_equal(g.adi, 0x0a141e29);
  sh_end(&h, 1, NULL, 0);
}

static void test_frame_input_checks(void **state)
{
  ztk_stack_host *h;
  frame_log log;
  uint8_t frame[3000];
  ztk_stack_netif *n = log_netif(&h, &log, 0x32000000c003ull);
  memset(frame, 0, sizeof frame);
  uint64_t me = 0x32000000c003ull, peer = 0x32000000c0ffull;
  assert_int_equal(ztk_stack_netif_input(n, peer, me, 0x0800, 0, frame, 2801), ZTK_ERANGE);
  assert_int_equal(ztk_stack_netif_input(n, peer, me, 0x0800, 0, frame, 19), ZTK_ERANGE);
  assert_int_equal(ztk_stack_netif_input(n, peer, me, 0x0806, 0, frame, 27), ZTK_ERANGE);
  assert_int_equal(ztk_stack_netif_input(n, peer, me, 0x86dd, 0, frame, 39), ZTK_ERANGE);
  assert_int_equal(ztk_stack_netif_input(n, peer, me, 0x88cc, 0, frame, 60), ZTK_EUNSUPPORTED);
  assert_int_equal(ztk_stack_netif_input(n, peer, peer, 0x0800, 0, frame, 60), ZTK_ENOTFOUND);
  assert_int_equal(ztk_stack_netif_input(n, peer, me, 0x0800, 0, NULL, 60), ZTK_EINVAL);
  /* garbage that passes the size checks is lwIP's to drop */
  for (int i = 0; i < 60; i++)
    frame[i] = (uint8_t)(i * 37);
  frame[0] = 0x45;
  assert_int_equal(ztk_stack_netif_input(n, peer, me, 0x0800, 0, frame, 60), 0);
  frame[0] = 0x60;
  assert_int_equal(ztk_stack_netif_input(n, peer, 0x333300000001ull, 0x86dd, 0, frame, 60), 0);
  ztk_stack_netif_counters c;
  ztk_stack_netif_counters_get(n, &c);
  assert_int_equal(c.rx_rejected, 6);
  assert_int_equal(c.rx_frames, 2);
  /* MTU changes bound the input too */
  assert_int_equal(ztk_stack_netif_set_mtu(n, 1200), ZTK_EINVAL);
  assert_int_equal(ztk_stack_netif_set_mtu(n, 1500), 0);
  assert_int_equal(ztk_stack_netif_input(n, peer, me, 0x0800, 0, frame, 1501), ZTK_ERANGE);
  sh_end(&h, 1, NULL, 0);
}

/* The frame callback runs inside lwIP: calls back into the stack are refused. */
static void test_no_reentry_from_frame_out(void **state)
{
  ztk_stack_host *h;
  frame_log log;
  ztk_stack_netif *n = log_netif(&h, &log, 0x32000000c004ull);
  log.self = n;
  ztk_inaddr a = sh_addr("10.40.0.1/24");
  assert_int_equal(ztk_stack_netif_add_addr(n, &a), 0); /* sends a gratuitous ARP */
  assert_true(log.frames >= 1);
  assert_int_equal(log.reentry, ZTK_ESTATE);
  log.self = NULL;
  sh_end(&h, 1, NULL, 0);
}

/* A route through a gateway: frames for the far network go to the gateway's MAC. */
static void test_route_via_gateway(void **state)
{
  ztk_stack_host *a, *g;
  frame_log seen;
  memset(&seen, 0, sizeof seen);
  sh_begin();
  ztk_wire *w = sh_wire(1, 0, 2);
  assert_int_equal(ztk_stack_host_new(&a, NULL), 0);
  assert_int_equal(ztk_stack_host_new(&g, NULL), 0);
  ztk_stack_netif *na = sh_netif(w, a, NWID, 0x32000000c005ull, "10.50.0.1/24", "fd50::1/64", NULL);
  sh_netif(w, g, NWID, 0x32000000c006ull, "10.50.0.254/24", "fd50::fe/64", NULL);
  ztk_inaddr far4 = sh_addr("192.168.0.0/16"), gw4 = sh_addr("10.50.0.254");
  ztk_inaddr far6 = sh_addr("2001:db8::/32"), gw6 = sh_addr("fd50::fe");
  ztk_inaddr bad = sh_addr("10.0.0.0/40");
  assert_int_equal(ztk_stack_netif_add_route(na, &bad, NULL), ZTK_EINVAL);
  assert_int_equal(ztk_stack_netif_add_route(na, &far4, &gw6), ZTK_EINVAL);
  assert_int_equal(ztk_stack_netif_add_route(na, &far4, &gw4), 0);
  assert_int_equal(ztk_stack_netif_add_route(na, &far4, &gw4), ZTK_EEXIST);
  assert_int_equal(ztk_stack_netif_add_route(na, &far6, &gw6), 0);
  ztk_sock *u4, *u6;
  ztk_inaddr d4 = sh_addr("192.168.7.7/9"), d6 = sh_addr("2001:db8::7/9");
  assert_int_equal(ztk_sock_new(&u4, a, 4, ZTK_SOCK_DGRAM), 0);
  assert_int_equal(ztk_sock_new(&u6, a, 6, ZTK_SOCK_DGRAM), 0);
  assert_int_equal(ztk_sock_sendto(u4, "x", 1, &d4), 1);
  assert_int_equal(ztk_sock_sendto(u6, "x", 1, &d6), 1);
  sh_advance(&w, 1, 100);
  ztk_wire_stats ws;
  ztk_wire_stats_get(w, &ws);
  assert_int_equal(ws.unknown_dst, 0); /* every unicast frame went to a MAC on the wire */
  assert_true(ws.delivered >= 6);      /* ARP, NS/NA and the two datagrams to the gateway */
  assert_int_equal(ztk_stack_netif_remove_route(na, &far4), 0);
  assert_int_equal(ztk_stack_netif_remove_route(na, &far4), ZTK_ENOTFOUND);
  assert_int_equal(ztk_sock_sendto(u4, "x", 1, &d4), ZTK_ESOCK_NETUNREACH);
  ztk_sock_close(u4);
  ztk_sock_close(u6);
  ztk_stack_host *hosts[2] = {a, g};
  sh_end(hosts, 2, &w, 1);
}

/* Removing an address or the whole netif fails the sockets that used it. */
static void test_address_and_netif_removal(void **state)
{
  ztk_stack_host *a, *b;
  ztk_sock *l, *c, *s, *u;
  char buf[4];
  sh_begin();
  ztk_wire *w = sh_wire(1, 0, 3);
  assert_int_equal(ztk_stack_host_new(&a, NULL), 0);
  assert_int_equal(ztk_stack_host_new(&b, NULL), 0);
  ztk_stack_netif *na = sh_netif(w, a, NWID, 0x32000000c007ull, "10.60.0.1/24", NULL, NULL);
  ztk_stack_netif *nb = sh_netif(w, b, NWID, 0x32000000c008ull, "10.60.0.2/24", NULL, NULL);
  ztk_inaddr any = sh_addr("0.0.0.0/80"), ua = sh_addr("10.60.0.1/99");
  assert_int_equal(ztk_sock_new(&l, b, 4, ZTK_SOCK_STREAM), 0);
  assert_int_equal(ztk_sock_bind(l, &any), 0);
  assert_int_equal(ztk_sock_listen(l, 2), 0);
  sh_connect_pair(&w, 1, a, l, "10.60.0.2/80", &c, &s);
  assert_int_equal(ztk_sock_new(&u, a, 4, ZTK_SOCK_DGRAM), 0);
  assert_int_equal(ztk_sock_bind(u, &ua), 0);
  ztk_inaddr addr_a = sh_addr("10.60.0.1/24");
  assert_int_equal(ztk_stack_netif_remove_addr(na, &addr_a), 0);
  assert_int_equal(ztk_sock_recv(c, buf, sizeof buf, 0), ZTK_ESOCK_NETDOWN);
  assert_int_equal(ztk_sock_sendto(u, "x", 1, &ua), ZTK_ESOCK_NETDOWN);
  sh_advance(&w, 1, 50);
  assert_int_equal(ztk_sock_recv(s, buf, sizeof buf, 0), ZTK_ESOCK_RESET); /* peer told */
  ztk_sock_close(c);
  ztk_sock_close(s);
  /* the listener's netif goes: the listener fails, the host keeps its other state */
  ztk_wire_detach(w, nb);
  ztk_stack_netif_free(nb);
  int err = 0;
  assert_int_equal(ztk_sock_getopt(l, ZTK_SO_ERROR, &err), 0);
  assert_int_equal(err, 0); /* listening on any address: it just serves no netif now */
  assert_int_equal(ztk_stack_host_netifs(b, NULL, 0), 0);
  ztk_sock_close(l);
  ztk_sock_close(u);
  ztk_stack_host *hosts[2] = {a, b};
  sh_end(hosts, 2, &w, 1);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_config_checks),
      cmocka_unit_test(test_netif_limit),
      cmocka_unit_test(test_addresses_and_groups),
      cmocka_unit_test(test_frame_input_checks),
      cmocka_unit_test(test_no_reentry_from_frame_out),
      cmocka_unit_test(test_route_via_gateway),
      cmocka_unit_test(test_address_and_netif_removal),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
