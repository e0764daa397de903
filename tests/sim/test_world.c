/* The simulator world through its flat API (include/ztkit/sim.h): argument checking, nodes
 * coming online through a root (also behind a NAT), USER_MESSAGE delivery, crash and restart
 * with kept and wiped state, clocks, determinism of the trace, the libsodium hook, captures,
 * the event ring (growth, overflow), and a full proof-of-work check of a sample of the identity
 * pool. */
#include "tests/support/vectors.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "sim/idpool.h"
#include "ztkit/sim.h"

#define POOL ZTK_SOURCE_DIR "/scenarios/data/identities.pool"

static ztk_sim *world(uint64_t seed, size_t retain)
{
  ztk_sim_config cfg;
  ztk_sim *s = NULL;
  ztk_sim_config_init(&cfg);
  cfg.seed = seed;
  cfg.pool_path = POOL;
  cfg.trace_retain_bytes = retain;
  assert_int_equal(ztk_sim_new(&s, &cfg), 0);
  return s;
}

static int add(ztk_sim *s, ztk_sim_role role, uint32_t site)
{
  ztk_sim_host_opts o;
  ztk_sim_host_opts_init(&o);
  o.role = role;
  o.site = site;
  ztk_sim_link_params access = {.latency_us = 5000};
  o.access = &access;
  int h = ztk_sim_add_host(s, &o);
  assert_true(h >= 0);
  return h;
}

/* A root, two public members and one member behind a full-cone NAT. */
static ztk_sim *small_world(uint64_t seed, size_t retain)
{
  ztk_sim *s = world(seed, retain);
  ztk_sim_link_params wan = {.latency_us = 10000};
  add(s, ZTK_SIM_ROOT, ZTK_SIM_NONE);
  add(s, ZTK_SIM_MEMBER, ZTK_SIM_NONE);
  add(s, ZTK_SIM_MEMBER, ZTK_SIM_NONE);
  int site = ztk_sim_site(s, ZTK_SIM_CORE, ZTK_SIM_NAT_FULL_CONE, 0, &wan);
  assert_true(site >= 0);
  add(s, ZTK_SIM_MEMBER, (uint32_t)site);
  return s;
}

static bool online(ztk_sim *s, uint32_t h)
{
  ztk_sim_host_info i;
  assert_int_equal(ztk_sim_host_info_get(s, h, &i), 0);
  return i.online;
}

static bool all_online(ztk_sim *s)
{
  for (uint32_t h = 0; h < ztk_sim_hosts(s); h++)
    if (!online(s, h))
      return false;
  return true;
}

/* Runs in 100 ms steps until every host is online; returns the time it took. */
static int64_t run_online(ztk_sim *s, int64_t limit_ms)
{
  while (!all_online(s) && ztk_sim_now_ms(s) < limit_ms)
    assert_true(ztk_sim_run_for(s, 100) >= 0);
  assert_true(all_online(s));
  return ztk_sim_now_ms(s);
}

static int count_events(ztk_sim *s, uint32_t host, int type, ztk_sim_event *last)
{
  static ztk_sim_event ev[4096];
  int n = ztk_sim_events(s, ev, 4096, NULL), c = 0;
  for (int i = 0; i < n; i++)
    if (ev[i].host == host && ev[i].type == type) {
      c++;
      if (last)
        *last = ev[i];
    }
  return c;
}

/* A root and `members` members, events kept up to events_max. */
static ztk_sim *ring_world(uint32_t members, uint32_t events_max)
{
  ztk_sim_config cfg;
  ztk_sim *s = NULL;
  ztk_sim_config_init(&cfg);
  cfg.seed = 7;
  cfg.pool_path = POOL;
  cfg.events_max = events_max;
  cfg.start_spread_ms = 3000; /* events arrive over many steps */
  assert_int_equal(ztk_sim_new(&s, &cfg), 0);
  add(s, ZTK_SIM_ROOT, ZTK_SIM_NONE);
  for (uint32_t i = 0; i < members; i++)
    add(s, ZTK_SIM_MEMBER, ZTK_SIM_NONE);
  return s;
}

static bool same_event(const ztk_sim_event *a, const ztk_sim_event *b)
{
  return a->t_ms == b->t_ms && a->host == b->host && a->type == b->type && a->peer == b->peer;
}

/* The event ring grows while events wait (unwrapping a ring whose head has moved) up to
 * events_max, then drops the oldest: the same events in the same order however it is
 * drained, and a small ring keeps exactly the newest. */
static void test_event_ring(void **state)
{
  (void)state;
  enum { MEMBERS = 100, CAP = 4096, SMALL = 64 };
  static ztk_sim_event all[CAP], got[CAP], small[CAP];
  ztk_sim *a = ring_world(MEMBERS, 1u << 20), *b = ring_world(MEMBERS, 1u << 20);
  ztk_sim *c = ring_world(MEMBERS, SMALL);
  int nb = 0;
  uint64_t lost = 0;
  for (int step = 0; step < 40; step++) {
    assert_true(ztk_sim_run_for(a, 100) >= 0 && ztk_sim_run_for(b, 100) >= 0);
    assert_true(ztk_sim_run_for(c, 100) >= 0);
    if (nb < 12) /* move b's head, then let its events pile up past the first size */
      nb += ztk_sim_events(b, got + nb, 3, NULL);
  }
  int na = ztk_sim_events(a, all, CAP, &lost);
  assert_int_equal(lost, 0);
  assert_true(na > 300 && na < CAP); /* more than the ring's first 256 */
  nb += ztk_sim_events(b, got + nb, CAP - nb, &lost);
  assert_int_equal(lost, 0);
  assert_int_equal(nb, na);
  for (int i = 0; i < na; i++)
    assert_true(same_event(&all[i], &got[i]));
  int nc = ztk_sim_events(c, small, CAP, &lost);
  assert_int_equal(nc, SMALL);
  assert_int_equal(lost, (uint64_t)(na - SMALL));
  for (int i = 0; i < SMALL; i++)
    assert_true(same_event(&all[na - SMALL + i], &small[i]));
  ztk_sim_free(a);
  ztk_sim_free(b);
  ztk_sim_free(c);
}

static void test_bad_arguments(void **state)
{
  ztk_sim_config cfg;
  ztk_sim *s = NULL;
  ztk_sim_config_init(&cfg);
  assert_int_equal(ztk_sim_new(&s, &cfg), ZTK_EINVAL); /* no pool */
  cfg.pool_path = "/nonexistent/pool";
  assert_int_equal(ztk_sim_new(&s, &cfg), ZTK_EIO);
  assert_int_equal(ztk_sim_new(NULL, &cfg), ZTK_EINVAL);
  ztk_sim_free(NULL);
  s = world(1, 0);
  ztk_sim_host_info info;
  ztk_sim_event ev;
  char hash[ZTK_SIM_HASH_HEX];
  assert_int_equal(ztk_sim_host_info_get(s, 0, &info), ZTK_EINVAL);
  assert_int_equal(ztk_sim_host_info_get(NULL, 0, &info), ZTK_EINVAL);
  assert_int_equal(ztk_sim_crash(s, ZTK_SIM_NOW, 7), ZTK_EINVAL);
  assert_int_equal(ztk_sim_send_user_message(s, 0, 1, 1, "x", 1), ZTK_EINVAL);
  assert_int_equal(ztk_sim_events(s, NULL, 1, NULL), ZTK_EINVAL);
  assert_int_equal(ztk_sim_events(NULL, &ev, 1, NULL), ZTK_EINVAL);
  assert_int_equal(ztk_sim_trace_hash(NULL, hash), ZTK_EINVAL);
  assert_int_equal(ztk_sim_connect(s, 0, 0, NULL, NULL), ZTK_EINVAL);
  assert_int_equal(ztk_sim_connect(s, 0, 999, NULL, NULL), ZTK_EINVAL);
  ztk_sim_link_params bad = {.loss = 1.5};
  assert_int_equal(ztk_sim_router(s), 1);
  assert_int_equal(ztk_sim_connect(s, 0, 1, &bad, NULL), ZTK_EINVAL);
  assert_int_equal(ztk_sim_site(s, 0, (ztk_sim_nat_type)9, 0, NULL), ZTK_EINVAL);
  assert_int_equal(ztk_sim_link_set(s, ZTK_SIM_NOW, 99, 0, NULL), ZTK_EINVAL);
  assert_int_equal(ztk_sim_partition(s, ZTK_SIM_NOW, "", NULL, 0), ZTK_EINVAL);
  ztk_sim_host_opts o;
  ztk_sim_host_opts_init(&o);
  o.identity = 1 << 30;
  assert_int_equal(ztk_sim_add_host(s, &o), ZTK_EINVAL);
  ztk_sim_host_opts_init(&o);
  o.site = 3;
  assert_int_equal(ztk_sim_add_host(s, &o), ZTK_EINVAL);
  assert_int_equal(ztk_sim_run_for(s, 10), ZTK_ESTATE); /* no root: no planet */
  assert_int_equal(ztk_sim_start(s), ZTK_ESTATE);
  for (int i = 0; i < 4; i++)
    add(s, ZTK_SIM_ROOT, ZTK_SIM_NONE);
  ztk_sim_host_opts_init(&o);
  o.role = ZTK_SIM_ROOT;
  assert_int_equal(ztk_sim_add_host(s, &o), ZTK_ESTATE); /* a fifth root */
  assert_true(ztk_sim_run_for(s, 10) >= 0);
  assert_int_equal(ztk_sim_run_until(s, 5, 0), ZTK_EINVAL); /* the past */
  assert_int_equal(ztk_sim_host_peers(s, 0, NULL, 1), ZTK_EINVAL);
  ztk_sim_free(s);
}

static void test_online_and_user_message(void **state)
{
  ztk_sim *s = small_world(7, 0);
  int64_t t = run_online(s, 60000);
  assert_true(t < 10000);
  ztk_sim_event e;
  assert_int_equal(count_events(s, 3, ZTK_EVENT_NODE_ONLINE, NULL), 1);
  assert_int_equal(ztk_sim_send_user_message(s, 1, 3, 0x10000, "hello", 5), 0);
  assert_true(ztk_sim_run_for(s, 2000) > 0);
  assert_int_equal(count_events(s, 3, ZTK_EVENT_USER_MESSAGE, &e), 1);
  assert_int_equal(e.len, 5);
  assert_memory_equal(e.data, "hello", 5);
  assert_int_equal(e.user_type, 0x10000);
  ztk_sim_host_info a, b;
  assert_int_equal(ztk_sim_host_info_get(s, 1, &a), 0);
  assert_int_equal(ztk_sim_host_info_get(s, 3, &b), 0);
  assert_int_equal(e.peer, a.address);
  assert_string_equal(a.ip, "11.0.1.1/9993");
  assert_int_equal(b.site, 0);
  ztk_peer_info p;
  assert_int_equal(ztk_sim_host_peer(s, 3, 1, &p), 0);
  assert_int_equal(p.address, a.address);
  ztk_node_counters nc;
  ztk_sim_wire_counters wc;
  assert_int_equal(ztk_sim_host_counters(s, 3, &nc, &wc), 0);
  assert_true(nc.rx_packets > 0 && wc.received > 0 && wc.sent > 0);
  ztk_sim_link_counters lc;
  assert_int_equal(ztk_sim_link_counters_get(s, a.link, 0, &lc), 0);
  assert_true(lc.sent > 0 && lc.up);
  assert_int_equal(lc.a, a.elem);
  assert_int_equal(ztk_sim_echo(s, 1, 2), 0);
  ztk_sim_free(s);
}

static void test_crash_restart(void **state)
{
  ztk_sim *s = small_world(8, 0);
  run_online(s, 60000);
  ztk_sim_host_info before, info;
  ztk_sim_wire_counters info_w;
  ztk_sim_host_info_get(s, 2, &before);
  assert_int_equal(ztk_sim_crash(s, ZTK_SIM_NOW, 2), 0);
  ztk_sim_host_info_get(s, 2, &info);
  assert_false(info.running);
  assert_false(info.online);
  assert_int_equal(ztk_sim_send_user_message(s, 2, 1, 1, "x", 1), ZTK_ESTATE);
  assert_int_equal(ztk_sim_host_peers(s, 2, NULL, 0), ZTK_ESTATE);
  /* its endpoint stops answering: what the root relays to it is dropped at its host */
  ztk_sim_wire_counters before_w, after_w, at_b;
  ztk_sim_host_counters(s, 0, NULL, &before_w);
  ztk_sim_host_counters(s, 2, NULL, &at_b);
  assert_int_equal(ztk_sim_send_user_message(s, 1, 2, 0x10000, "x", 1), 0);
  assert_true(ztk_sim_run_for(s, 1000) >= 0);
  ztk_sim_host_counters(s, 0, NULL, &after_w);
  assert_true(after_w.dropped > before_w.dropped);
  ztk_sim_host_counters(s, 2, NULL, &info_w);
  assert_int_equal(info_w.received, at_b.received);
  /* scheduled restart with state kept: same identity, online again */
  assert_int_equal(ztk_sim_restart(s, ztk_sim_now_ms(s) + 5000, 2, false), 0);
  assert_true(ztk_sim_run_for(s, 4000) >= 0);
  ztk_sim_host_info_get(s, 2, &info);
  assert_false(info.running);
  run_online(s, ztk_sim_now_ms(s) + 60000);
  ztk_sim_host_info_get(s, 2, &info);
  assert_true(info.running);
  assert_int_equal(info.address, before.address);
  assert_int_equal(info.restarts, 1);
  assert_int_equal(count_events(s, 2, ZTK_SIM_EVENT_RESTART, NULL), 1);
  /* wiped: a new identity from the pool */
  assert_int_equal(ztk_sim_restart(s, ZTK_SIM_NOW, 2, true), 0);
  run_online(s, ztk_sim_now_ms(s) + 60000);
  ztk_sim_host_info_get(s, 2, &info);
  assert_true(info.address != before.address);
  assert_int_equal(info.identity, 4);
  ztk_sim_free(s);
}

static void test_clocks(void **state)
{
  ztk_sim *s = world(3, 0);
  ztk_sim_host_opts o;
  ztk_sim_host_opts_init(&o);
  o.role = ZTK_SIM_ROOT;
  add(s, ZTK_SIM_ROOT, ZTK_SIM_NONE);
  ztk_sim_host_opts_init(&o);
  o.clock_offset_ms = -250000; /* four minutes behind */
  assert_int_equal(ztk_sim_add_host(s, &o), 1);
  ztk_sim_host_info a, b;
  ztk_sim_host_info_get(s, 0, &a);
  ztk_sim_host_info_get(s, 1, &b);
  assert_int_equal(a.local_ms - b.local_ms, 250000);
  assert_int_equal(ztk_sim_clock_step(s, 1000, 1, 250000), 0);
  run_online(s, 60000);
  ztk_sim_host_info_get(s, 0, &a);
  ztk_sim_host_info_get(s, 1, &b);
  assert_int_equal(a.local_ms, b.local_ms);
  ztk_sim_free(s);
}

static void run_fixed(ztk_sim *s)
{
  assert_true(ztk_sim_run_for(s, 20000) > 0);
  assert_int_equal(ztk_sim_send_user_message(s, 1, 2, 0x10001, "d", 1), 0);
  assert_int_equal(ztk_sim_crash(s, 25000, 3), 0);
  assert_int_equal(ztk_sim_restart(s, 30000, 3, false), 0);
  uint32_t side[] = {1};
  assert_int_equal(ztk_sim_partition(s, 32000, "a", side, 1), 0);
  assert_int_equal(ztk_sim_heal(s, 40000), 0);
  assert_true(ztk_sim_run_until(s, 60000, 0) > 0);
}

static void test_determinism(void **state)
{
  char h1[ZTK_SIM_HASH_HEX], h2[ZTK_SIM_HASH_HEX], h3[ZTK_SIM_HASH_HEX];
  ztk_sim *a = small_world(11, 64 << 20), *b = small_world(11, 64 << 20);
  run_fixed(a);
  run_fixed(b);
  ztk_sim_trace_hash(a, h1);
  ztk_sim_trace_hash(b, h2);
  assert_string_equal(h1, h2);
  uint64_t line = 99;
  assert_int_equal(ztk_sim_trace_compare(a, b, &line), 0);
  assert_true(ztk_sim_trace_lines(a) > 100);
  char buf[600];
  assert_true(ztk_sim_trace_line(a, 0, buf, sizeof buf) > 0);
  assert_non_null(strstr(buf, "world start seed=11"));
  assert_int_equal(ztk_sim_trace_line(a, 1u << 30, buf, sizeof buf), ZTK_ENOTFOUND);
  ztk_sim_free(b);
  ztk_sim *c = small_world(12, 64 << 20);
  run_fixed(c);
  ztk_sim_trace_hash(c, h3);
  assert_string_not_equal(h1, h3);
  assert_int_equal(ztk_sim_trace_compare(a, c, &line), 1);
  assert_int_equal(line, 0); /* "world start seed=..." */
  ztk_sim_free(a);
  ztk_sim_free(c);
}

static void test_sodium_hook(void **state)
{
  uint8_t x[16], y[16], z[16];
  ztk_sim *s = world(5, 0);
  assert_string_equal(randombytes_implementation_name(), "ztkit-sim");
  randombytes_buf(x, sizeof x);
  ztk_sim_free(s);
  assert_string_not_equal(randombytes_implementation_name(), "ztkit-sim");
  s = world(5, 0);
  randombytes_buf(y, sizeof y);
  ztk_sim_free(s);
  s = world(6, 0);
  randombytes_buf(z, sizeof z);
  ztk_sim_free(s);
  assert_memory_equal(x, y, sizeof x);
  assert_memory_not_equal(x, z, sizeof x);
}

static void test_captures(void **state)
{
  const char *tp = ZTK_BINARY_DIR "/test_world_trace.txt", *pp = ZTK_BINARY_DIR "/test_world.pcap";
  ztk_sim *s = small_world(13, 0);
  assert_int_equal(ztk_sim_trace_file(s, tp), 0);
  assert_int_equal(ztk_sim_trace_file(s, tp), ZTK_ESTATE);
  assert_int_equal(ztk_sim_pcap_file(s, pp, ZTK_SIM_NONE), 0);
  assert_int_equal(ztk_sim_pcap_file(s, pp, 77), ZTK_EINVAL);
  assert_int_equal(ztk_sim_trace_note(s, "hello trace"), 0);
  run_online(s, 60000);
  uint64_t lines = ztk_sim_trace_lines(s);
  ztk_sim_free(s);
  struct stat st;
  assert_int_equal(stat(pp, &st), 0);
  assert_true(st.st_size > 1000);
  FILE *f = fopen(tp, "r");
  assert_non_null(f);
  char line[600];
  uint64_t n = 0;
  bool note = false;
  while (fgets(line, sizeof line, f)) {
    n++;
    note |= strstr(line, " note hello trace") != NULL;
  }
  fclose(f);
  assert_true(note);
  assert_int_equal(n, lines + 4); /* and the four nodes going down */
}

/* The pool's records skip the proof of work inside worlds; check a sample of them fully. */
static void test_pool_sample(void **state)
{
  ztk_idpool *p;
  assert_int_equal(ztk_idpool_load(POOL, &p), 0);
  size_t n = ztk_idpool_size(p);
  assert_int_equal(n, 2000);
  for (size_t i = 0; i < n; i += 333) {
    ztk_identity id;
    ztk_idpool_get(p, i, &id);
    assert_int_equal(ztk_identity_validate(&id), 0);
    assert_int_equal(ztk_idpool_address(p, i), id.address);
  }
  ztk_idpool_free(p);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_bad_arguments),  cmocka_unit_test(test_online_and_user_message),
    cmocka_unit_test(test_event_ring),
    cmocka_unit_test(test_crash_restart),  cmocka_unit_test(test_clocks),
    cmocka_unit_test(test_determinism),    cmocka_unit_test(test_sodium_hook),
    cmocka_unit_test(test_captures),       cmocka_unit_test(test_pool_sample),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
