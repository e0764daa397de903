/* The controller's static IPs: 1.14.1's IPv4 trial formula (the live vectors and computed
 * cases), .255 and taken addresses skipped, single-address and two-address pools, the first
 * matching route's netmask, /0 routes, presets (longest route), noAutoAssignIps, IPv6 pools
 * (address in the low bits, random picks, on-link routes only, unmasked route targets), and the
 * 32-address / 16-thing limits. Members here are made-up addresses: the controller does not
 * check identities' proof of work (the node does). */
#include "tests/support/ctlrec.h"

#include <stdio.h>

#define NWID CR_NWID
#define T0 CR_T0

CR_FIXTURE_GROUP
static int64_t now;

static int setup_now(void **state)
{
  now = CR_T0;
  return setup(state);
}

/* Replaces vectornet's pools and routes with the given ones ("start-end", "target[@via]"). */
static void network(const char *const *pools, const char *const *routes, bool v4, bool v6,
                    bool schemes)
{
  ztk_ctl_network n;
  memset(&n, 0, sizeof n);
  if (ztk_ctl_network_get(f->c, NWID, &n) == 0)
    assert_int_equal(ztk_ctl_network_delete(f->c, now, NWID, NULL), 0);
  now += ZTK_CTL_ONLINE_WINDOW; /* nobody online: a new network gets no pushes */
  ztk_ctl_network_free(&n);
  cr_vectornet(&n);
  n.pool_count = n.route_count = 0;
  n.is_private = false;
  n.v4_zt = v4;
  n.v6_zt = v6;
  n.v6_rfc4193 = n.v6_6plane = schemes;
  for (; pools && *pools; pools++) {
    char a[64], b[64];
    assert_int_equal(sscanf(*pools, "%63[^-]-%63s", a, b), 2);
    ztk_ctl_pool p;
    assert_int_equal(ztk_inaddr_parse(&p.start, a), 0);
    assert_int_equal(ztk_inaddr_parse(&p.end, b), 0);
    assert_int_equal(ztk_ctl_network_add_pool(&n, &p), 0);
  }
  for (; routes && *routes; routes++) {
    char t[64], v[64] = "";
    ztk_ctl_route r;
    memset(&r, 0, sizeof r);
    assert_true(sscanf(*routes, "%63[^@]@%63s", t, v) >= 1);
    assert_int_equal(ztk_inaddr_parse(&r.target, t), 0);
    if (v[0])
      assert_int_equal(ztk_inaddr_parse(&r.via, v), 0);
    assert_int_equal(ztk_ctl_network_add_route(&n, &r), 0);
  }
  assert_int_equal(ztk_ctl_network_put(f->c, now, &n, NULL), 0);
  ztk_ctl_network_free(&n);
}

/* A request from address a (alice's key, another address); returns its config's static IPs as
 * text, space-separated, into out. */
static const ztk_netconf *request(ztk_address a, char *out, size_t cap)
{
  ztk_identity id = f->alice;
  id.address = a;
  now += 2000;
  cr_clear(&f->rec);
  ztk_ctl_request(f->c, now, NWID, &id, &f->meta, 1);
  const ztk_netconf *nc = cr_nth(&f->rec, 'C', 0)->nc;
  assert_non_null(nc);
  out[0] = 0;
  for (unsigned i = 0; i < nc->static_ip_count; i++) {
    char s[ZTK_INADDR_STRLEN];
    ztk_inaddr_format(&nc->static_ips[i], s);
    snprintf(out + strlen(out), cap - strlen(out), "%s%s", i ? " " : "", s);
  }
  return nc;
}

static void expect_ips(ztk_address a, const char *want)
{
  char got[2048];
  request(a, got, sizeof got);
  assert_string_equal(got, want);
}

static void preset(ztk_address a, const char *const *ips)
{
  ztk_ctl_member m;
  memset(&m, 0, sizeof m);
  if (ztk_ctl_member_get(f->c, NWID, a, &m))
    ztk_ctl_member_init(&m, NWID, a);
  m.ip_count = 0;
  for (; *ips; ips++) {
    ztk_inaddr ip;
    assert_int_equal(ztk_inaddr_parse(&ip, *ips), 0);
    assert_int_equal(ztk_ctl_member_add_ip(&m, &ip), 0);
  }
  assert_int_equal(ztk_ctl_member_put(f->c, now, &m, NULL), 0);
  ztk_ctl_member_free(&m);
}

static const char *const LIVE_POOL[] = {"10.147.17.10-10.147.17.250", NULL};
static const char *const LIVE_ROUTE[] = {"10.147.17.0/24", NULL};

static void test_live_vectors(void **state)
{
  (void)state;
  network(LIVE_POOL, LIVE_ROUTE, true, false, false);
  expect_ips(f->alice.address, "10.147.17.33/24"); /* 10 + 0xe8197bb7 % 240 */
  expect_ips(f->bob.address, "10.147.17.247/24");
  /* the assignment is recorded: the next request presents it */
  ztk_ctl_member m;
  cr_fx_member(f, f->alice.address, &m);
  assert_int_equal(m.ip_count, 1);
  ztk_ctl_member_free(&m);
  expect_ips(f->alice.address, "10.147.17.33/24");
}

static void test_formula(void **state)
{
  (void)state;
  network(LIVE_POOL, LIVE_ROUTE, true, false, false);
  static const ztk_address addrs[] = {0x0100000000ull, 0x01000000efull, 0x0123456789ull,
                                      0xfe000000f1ull};
  for (unsigned i = 0; i < 4; i++) {
    char want[64];
    snprintf(want, sizeof want, "10.147.17.%u/24", 10 + (unsigned)((addrs[i] & 0xffffffffu) % 240));
    expect_ips(addrs[i], want);
  }
}

static void test_skip_255_and_taken(void **state)
{
  (void)state;
  static const char *const pool[] = {"10.0.0.0-10.0.1.255", NULL};
  static const char *const route[] = {"10.0.0.0/23", NULL};
  network(pool, route, true, false, false);
  expect_ips(0x01000000ffull, "10.0.1.0/23"); /* counter 255 -> 10.0.0.255 skipped */
  static const char *const taken[] = {"10.0.1.2", NULL};
  preset(0x0200000000ull, taken);
  expect_ips(0x0300000102ull, "10.0.1.3/23"); /* 10.0.1.2 is someone else's */
}

/* What is taken follows every change of the members after the first assignment: an IP a member
 * gives up (its record changed, or deleted) is free again, one it takes is not. */
static void test_taken_follows_changes(void **state)
{
  (void)state;
  static const char *const pool[] = {"10.0.0.0-10.0.1.255", NULL};
  static const char *const route[] = {"10.0.0.0/23", NULL};
  static const char *const first[] = {"10.0.1.2", NULL}, *const moved[] = {"10.0.1.9", NULL};
  network(pool, route, true, false, false);
  preset(0x0200000000ull, first);
  expect_ips(0x0300000102ull, "10.0.1.3/23"); /* counter 0x102 -> 10.0.1.2: taken */
  preset(0x0200000000ull, moved);
  expect_ips(0x0400000102ull, "10.0.1.2/23"); /* given up by the change */
  expect_ips(0x0500000109ull, "10.0.1.10/23"); /* 10.0.1.9: taken by it */
  assert_int_equal(ztk_ctl_member_delete(f->c, now, NWID, 0x0400000102ull, NULL), 0);
  expect_ips(0x0600000102ull, "10.0.1.2/23"); /* given up by the deletion */
}

static void test_tiny_pools(void **state)
{
  (void)state;
  static const char *const one[] = {"10.0.0.7-10.0.0.7", NULL};
  static const char *const route[] = {"10.0.0.0/24", NULL};
  network(one, route, true, false, false);
  expect_ips(0x0100000001ull, "10.0.0.7/24");
  expect_ips(0x0100000002ull, ""); /* taken, and a one-address pool has one trial */
  static const char *const two[] = {"10.0.0.20-10.0.0.21", NULL};
  network(two, route, true, false, false);
  expect_ips(0x0100000003ull, "10.0.0.20/24");
  expect_ips(0x0100000004ull, ""); /* the last address of a pool is never picked */
}

static void test_routes(void **state)
{
  (void)state;
  static const char *const none[] = {NULL};
  network(LIVE_POOL, none, true, false, false);
  expect_ips(f->alice.address, ""); /* no route, no address */
  static const char *const zero[] = {"0.0.0.0/0", NULL};
  network(LIVE_POOL, zero, true, false, false);
  expect_ips(f->alice.address, ""); /* a /0 route matches nothing here (1.14.1 on x86) */
  static const char *const two[] = {"10.147.0.0/16", "10.147.17.0/24", NULL};
  network(LIVE_POOL, two, true, false, false);
  expect_ips(f->alice.address, "10.147.17.33/16"); /* the first matching route's netmask */
  expect_ips(f->alice.address, "10.147.17.33/24"); /* a preset takes the longest route */
}

static void test_presets(void **state)
{
  (void)state;
  static const char *const routes[] = {"10.147.17.0/24", "fd00::/64", NULL};
  network(LIVE_POOL, routes, true, true, true);
  static const char *const ips[] = {"192.168.1.1", "10.147.17.5", "fd00::5", NULL};
  preset(f->alice.address, ips);
  expect_ips(f->alice.address, "fd89:419d:3fcd:7cda:1f99:93ef:e819:7bb7/88 "
                               "fc44:3d47:20ef:e819:7bb7::1/40 10.147.17.5/24 fd00::5/64");
  ztk_ctl_member m;
  cr_fx_member(f, f->alice.address, &m);
  m.no_auto_assign_ips = true;
  assert_int_equal(ztk_ctl_member_put(f->c, now, &m, NULL), 0);
  ztk_ctl_member_free(&m);
  expect_ips(f->alice.address, "10.147.17.5/24 fd00::5/64");
  /* no pools assignment for a member without presets either */
  ztk_ctl_member_init(&m, NWID, 0x0100000009ull);
  m.no_auto_assign_ips = true;
  assert_int_equal(ztk_ctl_member_put(f->c, now, &m, NULL), 0);
  ztk_ctl_member_free(&m);
  expect_ips(0x0100000009ull, "");
}

static void test_ipv6_pools(void **state)
{
  (void)state;
  static const char *const wide[] = {"fd00::-fd00::ffff:ffff:ffff:ffff", NULL};
  static const char *const route[] = {"fd00::/64", NULL};
  network(wide, route, false, true, false);
  expect_ips(0x0123456789ull, "fd00::1:2345:6789/64"); /* start + address */
  /* when that address is taken, random picks follow (within the pool and route) */
  static const char *const taken[] = {"fd00::2:0:0", NULL};
  preset(0x0300000000ull, taken);
  char got[256];
  const ztk_netconf *nc = request(0x0200000000ull, got, sizeof got);
  assert_int_equal(nc->static_ip_count, 1);
  assert_int_equal(nc->static_ips[0].port, 64);
  assert_string_not_equal(got, "fd00::2:0:0/64");
  assert_memory_equal(nc->static_ips[0].ip, "\xfd\0\0\0\0\0\0\0", 8);
  static const char *const small[] = {"fd00::1-fd00::100", NULL};
  network(small, route, false, true, false);
  nc = request(0x0123456789ull, got, sizeof got);
  assert_int_equal(nc->static_ip_count, 1);
  uint8_t prefix[14] = {0xfd};
  assert_memory_equal(nc->static_ips[0].ip, prefix, 14);
  unsigned low = nc->static_ips[0].ip[14] * 256u + nc->static_ips[0].ip[15];
  assert_true(low >= 1 && low < 0x100);
  static const char *const via[] = {"fd00::/64@fd00::1", NULL};
  network(small, via, false, true, false);
  expect_ips(0x0123456789ull, ""); /* only on-link routes */
  static const char *const unmasked[] = {"fd00::1/64", NULL};
  network(small, unmasked, false, true, false);
  expect_ips(0x0123456789ull, ""); /* 1.14.1 compares route targets unmasked */
}

static void test_limits(void **state)
{
  (void)state;
  static const char *const route[] = {"10.0.0.0/8", NULL};
  network(LIVE_POOL, route, true, false, true);
  ztk_ctl_member m;
  ztk_ctl_member_init(&m, NWID, 0x0100000077ull);
  for (unsigned i = 0; i < ZTK_CTL_MAX_MEMBER_IPS; i++) {
    ztk_inaddr ip;
    ztk_inaddr_v4(&ip, 0x0a000100 + i, 0);
    assert_int_equal(ztk_ctl_member_add_ip(&m, &ip), 0);
  }
  ztk_inaddr extra;
  ztk_inaddr_v4(&extra, 0x0b000000, 0);
  assert_int_equal(ztk_ctl_member_add_ip(&m, &extra), ZTK_ELIMIT);
  assert_int_equal(ztk_ctl_member_put(f->c, now, &m, NULL), 0);
  ztk_ctl_member_free(&m);
  char got[4096];
  const ztk_netconf *nc = request(0x0100000077ull, got, sizeof got);
  assert_int_equal(nc->static_ip_count, ZTK_MAX_ASSIGNED_ADDRESSES);
  assert_int_equal(nc->coos[0].thing_count, ZTK_COO_MAX_THINGS);
  assert_int_equal(ztk_coo_verify(&nc->coos[0], &f->ctl), 0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_live_vectors, setup_now, teardown),
      cmocka_unit_test_setup_teardown(test_formula, setup_now, teardown),
      cmocka_unit_test_setup_teardown(test_taken_follows_changes, setup_now, teardown),
      cmocka_unit_test_setup_teardown(test_skip_255_and_taken, setup_now, teardown),
      cmocka_unit_test_setup_teardown(test_tiny_pools, setup_now, teardown),
      cmocka_unit_test_setup_teardown(test_routes, setup_now, teardown),
      cmocka_unit_test_setup_teardown(test_presets, setup_now, teardown),
      cmocka_unit_test_setup_teardown(test_ipv6_pools, setup_now, teardown),
      cmocka_unit_test_setup_teardown(test_limits, setup_now, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
