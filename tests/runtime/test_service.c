/* The production service over real UDP on loopback: a root and two members (each its own
 * service and threads in this process) come online, exchange USER_MESSAGE and ECHO relayed and
 * then directly; stop/start cycles; the home-directory layout; the in-memory store; hooks and
 * ztk_service_call. Every wait is bounded. */
#include "tests/support/vectors.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/socket.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/world/world.h"
#include "runtime/service.h"
#include "runtime/state_dir.h"
#include "runtime/state_mem.h"
#include "tests/support/svcnet.h"
#include "tests/support/testnet.h"
#include "tests/support/tmpdir.h"

#define ONLINE_TIMEOUT_MS 20000
#define MAX_RECS 512

/* ---- events seen by one service ---- */

typedef struct rec {
  ztk_event_type type;
  ztk_address peer;
  unsigned hops;
  uint64_t user_type;
  uint8_t data[64];
  size_t len;
} rec;

typedef struct sink {
  pthread_mutex_t m;
  rec r[MAX_RECS];
  int n;
  ztk_service *stop_from_callback; /* if set: call ztk_service_stop/start on NODE_UP */
  int stop_rc, start_rc;
} sink;

static void on_event(void *user, const ztk_event *ev)
{
  sink *k = user;
  if (ev->type == ZTK_EVENT_TRACE)
    fprintf(stderr, "[%p] %.*s\n", user, (int)ev->len, (const char *)ev->data);
  if (ev->type == ZTK_EVENT_NODE_UP && k->stop_from_callback) {
    k->stop_rc = ztk_service_stop(k->stop_from_callback);
    k->start_rc = ztk_service_start(k->stop_from_callback);
  }
  pthread_mutex_lock(&k->m);
  if (k->n < MAX_RECS && ev->type != ZTK_EVENT_TRACE) {
    rec *r = &k->r[k->n++];
    r->type = ev->type;
    r->peer = ev->peer;
    r->hops = ev->hops;
    r->user_type = ev->user_type;
    r->len = ev->len < sizeof r->data ? ev->len : sizeof r->data;
    if (r->len)
      memcpy(r->data, ev->data, r->len);
  }
  pthread_mutex_unlock(&k->m);
}

/* The last event of a type carrying exactly this payload (NULL: any), copied to *out. */
static bool find_event(sink *k, ztk_event_type type, const char *payload, rec *out)
{
  bool found = false;
  pthread_mutex_lock(&k->m);
  for (int i = k->n - 1; i >= 0 && !found; i--) {
    rec *r = &k->r[i];
    if (r->type == type &&
        (!payload || (r->len == strlen(payload) && !memcmp(r->data, payload, r->len)))) {
      *out = *r;
      found = true;
    }
  }
  pthread_mutex_unlock(&k->m);
  return found;
}

static bool wait_event(sink *k, ztk_event_type type, const char *payload, rec *out, int ms)
{
  int64_t end = sn_mono_ms() + ms;
  while (!find_event(k, type, payload, out)) {
    if (sn_mono_ms() > end)
      return false;
    usleep(10000);
  }
  return true;
}

/* ---- a planet whose one root listens on 127.0.0.1 ---- */

static uint8_t planet[ZTK_WORLD_MAX_LEN];
static size_t planet_len;
static int root_port;

/* ---- services ---- */

enum { ROOT, A, B, NSVC };
static ztk_service *svc[NSVC];
static sink sinks[NSVC];
static ztk_identity ids[NSVC];

static void config_for(int i, ztk_service_config *cfg, bool with_identity)
{
  ztk_service_config_init(cfg);
  cfg->port = i == ROOT ? root_port : 0;
  cfg->planet = planet;
  cfg->planet_len = planet_len;
  cfg->allow_loopback_paths = true;
  cfg->identity = with_identity ? &ids[i] : NULL;
  cfg->event = on_event;
  cfg->user = &sinks[i];
  cfg->trace = getenv("SVC_TRACE") != NULL;
}

static int setup_net(void **state)
{
  static const int which[NSVC] = {5, 0, 1}; /* the capture rig's root, alice, bob */
  for (int i = 0; i < NSVC; i++) {
    tn_identity(which[i], &ids[i]);
    memset(&sinks[i], 0, sizeof sinks[i]);
    pthread_mutex_init(&sinks[i].m, NULL);
  }
  planet_len = 0;
  root_port = sn_free_udp_port();
  sn_build_planet(0xdec0de01, &ids[ROOT], root_port, planet, &planet_len);
  return 0;
}

static int teardown_net(void **state)
{
  for (int i = 0; i < NSVC; i++) {
    ztk_service_free(svc[i]);
    svc[i] = NULL;
    pthread_mutex_destroy(&sinks[i].m);
  }
  return 0;
}

static void start_service(int i, bool with_identity)
{
  ztk_service_config cfg;
  config_for(i, &cfg, with_identity);
  assert_int_equal(ztk_service_new(&svc[i], &cfg), 0);
  assert_int_equal(ztk_service_start(svc[i]), 0);
}

static ztk_address address_of(ztk_service *s)
{
  ztk_node_status st;
  assert_int_equal(ztk_service_status(s, &st), 0);
  return st.address;
}

static bool wait_direct(ztk_service *s, ztk_address peer, int ms)
{
  int64_t end = sn_mono_ms() + ms;
  ztk_peer_info pi;
  while (sn_mono_ms() < end) {
    if (ztk_service_peer(s, peer, &pi) == 0 && pi.direct)
      return true;
    usleep(20000);
  }
  return false;
}

static void test_vl1_over_udp(void **state)
{
  rec r;
  start_service(ROOT, true);
  start_service(A, true);
  start_service(B, true);
  assert_int_equal(ztk_service_wait_online(svc[A], ONLINE_TIMEOUT_MS), 0);
  assert_int_equal(ztk_service_wait_online(svc[B], ONLINE_TIMEOUT_MS), 0);
  ztk_node_status st;
  assert_int_equal(ztk_service_status(svc[ROOT], &st), 0);
  assert_true(st.upstream);
  assert_int_equal(st.planet_id, 0xdec0de01);
  ztk_peer_info pi;
  assert_int_equal(ztk_service_peer(svc[A], ids[ROOT].address, &pi), 0);
  assert_int_equal(pi.role, ZTK_PEER_PLANET);
  assert_true(pi.direct);
  assert_true(pi.latency_ms >= 0);

  /* USER_MESSAGE A -> B: A learns B from the root (WHOIS), the root relays. */
  assert_int_equal(ztk_service_send_user_message(svc[A], ids[B].address, 0x1234567, "hello over udp", 14), 0);
  assert_true(wait_event(&sinks[B], ZTK_EVENT_USER_MESSAGE, "hello over udp", &r, 10000));
  assert_int_equal(r.peer, ids[A].address);
  assert_int_equal(r.user_type, 0x1234567);

  /* ECHO and its reply, carrying our payload back. */
  assert_int_equal(ztk_service_echo(svc[A], ids[B].address, "E1", 2), 0);
  assert_true(wait_event(&sinks[A], ZTK_EVENT_ECHO_REPLY, "E1", &r, 10000));
  assert_int_equal(r.peer, ids[B].address);

  /* The root introduced them: a direct path comes up, and echoes come back over it. */
  assert_true(wait_direct(svc[A], ids[B].address, 20000));
  assert_true(wait_direct(svc[B], ids[A].address, 20000));
  /* (a peer answers one ECHO per path every 166 ms: the path's own probes may use the slot) */
  bool replied = false;
  for (int tries = 0; tries < 5 && !replied; tries++) {
    usleep(200000);
    assert_int_equal(ztk_service_echo(svc[A], ids[B].address, "E2", 2), 0);
    replied = wait_event(&sinks[A], ZTK_EVENT_ECHO_REPLY, "E2", &r, 1000);
  }
  assert_true(replied);
  assert_int_equal(r.hops, 0);
  assert_true(find_event(&sinks[A], ZTK_EVENT_PEER_DIRECT, NULL, &r));

  ztk_node_counters c;
  assert_int_equal(ztk_service_counters(svc[ROOT], &c), 0);
  assert_true(c.relayed > 0);
  assert_true(c.rx_datagrams > 0);
  ztk_service_stats ss;
  ztk_service_stats_get(svc[A], &ss);
  assert_true(ss.local_addresses >= 1); /* 127.0.0.1 at least (loopback allowed) */
  assert_true(ss.datagrams_in > 0);
  assert_int_equal(ss.events_dropped, 0);
  assert_true(ztk_service_peers(svc[A], &pi, 1) >= 2);
}

static int count_type(sink *k, ztk_event_type type)
{
  int c = 0;
  pthread_mutex_lock(&k->m);
  for (int i = 0; i < k->n; i++)
    c += k->r[i].type == type;
  pthread_mutex_unlock(&k->m);
  return c;
}

/* libzt returns from stop early, so a start right after gets a dead node; ours must not. */
static void test_restart_comes_back_online(void **state)
{
  start_service(ROOT, true);
  start_service(A, false); /* identity generated into the service's memory store */
  assert_int_equal(ztk_service_wait_online(svc[A], ONLINE_TIMEOUT_MS), 0);
  ztk_address first = address_of(svc[A]);
  for (int cycle = 0; cycle < 2; cycle++) {
    assert_int_equal(ztk_service_stop(svc[A]), 0);
    assert_false(ztk_service_running(svc[A]));
    assert_int_equal(ztk_service_start(svc[A]), 0);
    assert_int_equal(address_of(svc[A]), first);
    assert_int_equal(ztk_service_wait_online(svc[A], ONLINE_TIMEOUT_MS), 0);
  }
  assert_int_equal(ztk_service_stop(svc[A]), 0);
  /* NODE_UP/NODE_DOWN pairs, in order, all delivered by the time stop returned */
  int ups = 0, downs = 0;
  pthread_mutex_lock(&sinks[A].m);
  for (int i = 0; i < sinks[A].n; i++) {
    if (sinks[A].r[i].type == ZTK_EVENT_NODE_UP)
      assert_int_equal(ups++, downs);
    if (sinks[A].r[i].type == ZTK_EVENT_NODE_DOWN)
      assert_int_equal(++downs, ups);
  }
  pthread_mutex_unlock(&sinks[A].m);
  assert_int_equal(ups, 3);
  assert_int_equal(downs, 3);
  assert_true(count_type(&sinks[A], ZTK_EVENT_NODE_ONLINE) >= 3);
}

static void test_lifecycle_errors(void **state)
{
  ztk_node_status st;
  start_service(A, true);
  assert_int_equal(ztk_service_start(svc[A]), ZTK_ESTATE);
  assert_int_equal(ztk_service_stop(svc[A]), 0);
  assert_int_equal(ztk_service_stop(svc[A]), ZTK_ESTATE);
  assert_int_equal(ztk_service_status(svc[A], &st), ZTK_ESTATE);
  assert_int_equal(ztk_service_echo(svc[A], ids[B].address, "x", 1), ZTK_ESTATE);
  assert_int_equal(ztk_service_port(svc[A]), ZTK_ESTATE);
  assert_int_equal(ztk_service_wait_online(svc[A], 10), ZTK_ESTATE);
  /* stop from the callback thread is refused (it would wait for itself) */
  sinks[A].stop_from_callback = svc[A];
  assert_int_equal(ztk_service_start(svc[A]), 0);
  assert_int_equal(ztk_service_stop(svc[A]), 0);
  assert_int_equal(sinks[A].stop_rc, ZTK_EINVAL);
  assert_int_equal(sinks[A].start_rc, ZTK_EINVAL);
  sinks[A].stop_from_callback = NULL;
  /* the port is taken: a clear error */
  start_service(ROOT, true);
  ztk_service_config cfg;
  config_for(ROOT, &cfg, true);
  ztk_service *dup;
  char err[320];
  assert_int_equal(ztk_service_new(&dup, &cfg), 0);
  assert_int_equal(ztk_service_start(dup), ZTK_EEXIST);
  ztk_service_error(dup, err, sizeof err);
  assert_non_null(strstr(err, "cannot bind UDP port"));
  ztk_service_free(dup);
  /* bad configurations */
  cfg.port = 70000;
  assert_int_equal(ztk_service_new(&dup, &cfg), ZTK_EINVAL);
  config_for(ROOT, &cfg, true);
  ztk_identity pub = ids[ROOT];
  pub.has_private = false;
  cfg.identity = &pub;
  assert_int_equal(ztk_service_new(&dup, &cfg), ZTK_EINVAL);
  assert_int_equal(ztk_service_new(NULL, &cfg), ZTK_EINVAL);
}

/* ---- the home directory ---- */

static char home[256];

static ztk_service *home_service(bool with_planet)
{
  ztk_service_config cfg;
  ztk_service *s;
  config_for(A, &cfg, false);
  cfg.home = home;
  if (!with_planet) {
    cfg.planet = NULL;
    cfg.planet_len = 0;
  }
  assert_int_equal(ztk_service_new(&s, &cfg), 0);
  return s;
}

static void test_home_directory(void **state)
{
  mode_t mode;
  char peer_file[64], err[320];
  td_make(home, sizeof home, "ztk-svc");
  ztk_service *s = home_service(true);
  assert_int_equal(ztk_service_start(s), 0);
  ztk_address addr = address_of(s);
  assert_true(td_exists(home, "identity.secret", &mode));
  assert_int_equal(mode, 0600);
  assert_true(td_exists(home, "identity.public", &mode));
  assert_int_equal(ztk_service_stop(s), 0);
  snprintf(peer_file, sizeof peer_file, "peers.d/%010llx.peer", (unsigned long long)ids[ROOT].address);
  assert_true(td_exists(home, peer_file, NULL)); /* the node saved its root peer when freed */
  assert_int_equal(ztk_service_start(s), 0);
  assert_int_equal(address_of(s), addr);
  assert_int_equal(ztk_service_stop(s), 0);

  /* A planet file the user puts in the home is used, and moons.d/ files are orbited. */
  ztk_identity moon_root;
  tn_identity(6, &moon_root);
  uint8_t other[ZTK_WORLD_MAX_LEN], moon[ZTK_WORLD_MAX_LEN];
  size_t other_len, moon_len;
  sn_build_planet(0xdec0de77, &ids[ROOT], root_port, other, &other_len);
  td_write(home, "planet", other, other_len);
  ztk_world w;
  assert_true(ztk_world_parse(&w, other, other_len) > 0);
  w.type = ZTK_WORLD_MOON;
  w.id = moon_root.address;
  w.roots[0].identity = moon_root;
  w.roots[0].identity.has_private = false;
  ztk_wr wr = ztk_wr_make(moon, sizeof moon);
  assert_int_equal(ztk_world_write(&wr, &w), 0); /* unsigned is fine: stored moons are trusted */
  moon_len = wr.len;
  char moon_file[64];
  snprintf(moon_file, sizeof moon_file, "moons.d/%016llx.moon", (unsigned long long)w.id);
  td_write(home, moon_file, moon, moon_len);
  ztk_service_free(s);
  s = home_service(false);
  assert_int_equal(ztk_service_start(s), 0);
  ztk_node_status st;
  assert_int_equal(ztk_service_status(s, &st), 0);
  assert_int_equal(st.planet_id, 0xdec0de77);
  ztk_peer_info pi;
  assert_int_equal(ztk_service_peer(s, moon_root.address, &pi), 0);
  assert_int_equal(pi.role, ZTK_PEER_MOON);
  assert_int_equal(ztk_service_stop(s), 0);

  /* A damaged identity stops the start with a clear error instead of a new identity. */
  td_write(home, "identity.secret", "garbage", 7);
  assert_true(ztk_service_start(s) < 0);
  ztk_service_error(s, err, sizeof err);
  assert_non_null(strstr(err, "identity.secret is not a valid identity"));
  assert_false(ztk_service_running(s));
  ztk_service_free(s);
  td_remove(home);
}

/* ---- the in-memory store owned by the caller ---- */

static void test_memory_store(void **state)
{
  ztk_state_store *store;
  ztk_service_config cfg;
  ztk_service *s;
  uint8_t buf[ZTK_IDENTITY_STRBUF];
  const uint64_t zero[2] = {0, 0};
  assert_int_equal(ztk_state_mem_new(&store), 0);
  config_for(A, &cfg, false);
  assert_int_equal(ztk_service_new_with_store(&s, &cfg, store), 0);
  assert_ptr_equal(ztk_service_store(s), store);
  assert_int_equal(ztk_service_start(s), 0);
  ztk_address addr = address_of(s);
  ztk_service_free(s);
  long len = ztk_state_store_get(store, ZTK_STATE_IDENTITY_SECRET, zero, buf, sizeof buf - 1);
  assert_true(len > 0);
  buf[len] = 0;
  ztk_identity id;
  assert_int_equal(ztk_identity_from_string(&id, (char *)buf), 0);
  assert_int_equal(id.address, addr);
  /* another service on the same store is the same node */
  assert_int_equal(ztk_service_new_with_store(&s, &cfg, store), 0);
  assert_int_equal(ztk_service_start(s), 0);
  assert_int_equal(address_of(s), addr);
  ztk_service_free(s);
  size_t objects;
  assert_int_equal(ztk_state_mem_usage(store, &objects, NULL), 0);
  assert_true(objects >= 3); /* identity secret + public, the root peer */
  ztk_state_store_free(store);
}

/* ---- hooks and ztk_service_call ---- */

typedef struct hook_log {
  int ups, downs, ticks, events;
  ztk_node *node;
} hook_log;

static void h_up(void *user, ztk_node *node, int64_t now)
{
  hook_log *l = user;
  l->ups++;
  l->node = node;
}

static int64_t h_tick(void *user, ztk_node *node, int64_t now)
{
  hook_log *l = user;
  assert_ptr_equal(node, l->node);
  l->ticks++;
  return now + 20;
}

static void h_event(void *user, ztk_node *node, const ztk_event *ev)
{
  ((hook_log *)user)->events++;
}

static void h_down(void *user, ztk_node *node)
{
  hook_log *l = user;
  assert_ptr_equal(node, l->node);
  l->downs++;
  l->node = NULL;
}

static const ztk_service_hooks hooks = {.node_up = h_up, .tick = h_tick, .event = h_event,
                                        .node_down = h_down};

static int call_fn(ztk_node *node, int64_t now, void *arg)
{
  int64_t clock = ztk_service_clock_ms();
  assert_true(now <= clock && now > clock - 5000);
  *(ztk_address *)arg = ztk_node_address(node);
  return 42;
}

static int read_ticks(ztk_node *node, int64_t now, void *arg)
{
  return ((hook_log *)arg)->ticks; /* under the lock: no race with the service thread */
}

static void test_hooks_and_call(void **state)
{
  hook_log log = {0}, late = {0};
  ztk_address seen = 0;
  ztk_service_config cfg;
  start_service(ROOT, true);
  config_for(A, &cfg, true);
  assert_int_equal(ztk_service_new(&svc[A], &cfg), 0);
  assert_int_equal(ztk_service_call(svc[A], call_fn, &seen), ZTK_ESTATE);
  assert_int_equal(ztk_service_add_hooks(svc[A], &hooks, &log), 0);
  assert_int_equal(ztk_service_add_hooks(svc[A], &hooks, &log), ZTK_EEXIST);
  assert_int_equal(ztk_service_start(svc[A]), 0);
  assert_int_equal(ztk_service_call(svc[A], call_fn, &seen), 42);
  assert_int_equal(seen, ids[A].address);
  assert_int_equal(ztk_service_call(svc[A], NULL, NULL), ZTK_EINVAL);
  /* hooks added to a running service see the node at once */
  assert_int_equal(ztk_service_add_hooks(svc[A], &hooks, &late), 0);
  assert_int_equal(ztk_service_call(svc[A], read_ticks, &late) >= 0, 1);
  usleep(400000);
  int ticks = ztk_service_call(svc[A], read_ticks, &log);
  assert_true(ticks >= 5); /* asked every 20 ms */
  assert_int_equal(ztk_service_wait_online(svc[A], ONLINE_TIMEOUT_MS), 0);
  assert_int_equal(ztk_service_remove_hooks(svc[A], &hooks, &late), 0);
  assert_int_equal(ztk_service_remove_hooks(svc[A], &hooks, &late), ZTK_ENOTFOUND);
  assert_int_equal(late.ups, 1);
  assert_int_equal(late.downs, 1);
  assert_int_equal(ztk_service_stop(svc[A]), 0);
  assert_int_equal(log.ups, 1);
  assert_int_equal(log.downs, 1);
  assert_true(log.events >= 1); /* NODE_ONLINE at least, seen synchronously */
  ztk_service_stats ss;
  ztk_service_stats_get(svc[A], &ss);
  assert_true(ss.hook_calls >= (uint64_t)ticks);
  assert_true(ss.loops > 0);
  /* hooks stay registered across stop/start */
  assert_int_equal(ztk_service_start(svc[A]), 0);
  assert_int_equal(log.ups, 2);
  assert_int_equal(ztk_service_stop(svc[A]), 0);
  assert_int_equal(log.downs, 2);
}

/* ---- descriptors of other layers in the service loop ---- */

typedef struct pipe_log {
  int fd;
  int reads;
} pipe_log;

static void on_readable(void *user, ztk_node *node, int64_t now)
{
  pipe_log *l = user;
  char buf[64];
  assert_non_null(node);
  while (read(l->fd, buf, sizeof buf) > 0)
    l->reads++;
}

static int read_count(ztk_node *node, int64_t now, void *arg)
{
  return ((pipe_log *)arg)->reads;
}

static bool wait_reads(ztk_service *s, pipe_log *l, int want)
{
  for (int i = 0; i < 100; i++) {
    if (ztk_service_call(s, read_count, l) >= want)
      return true;
    usleep(10000);
  }
  return false;
}

static void test_watched_fd(void **state)
{
  int p[2];
  pipe_log log = {0};
  ztk_service_config cfg;
  assert_int_equal(pipe2(p, O_NONBLOCK | O_CLOEXEC), 0);
  log.fd = p[0];
  config_for(A, &cfg, true);
  assert_int_equal(ztk_service_new(&svc[A], &cfg), 0);
  assert_int_equal(ztk_service_watch_fd(svc[A], p[0], on_readable, &log), 0); /* before start */
  assert_int_equal(ztk_service_watch_fd(svc[A], p[0], on_readable, &log), ZTK_EEXIST);
  assert_int_equal(ztk_service_watch_fd(svc[A], -1, on_readable, &log), ZTK_EINVAL);
  assert_int_equal(ztk_service_start(svc[A]), 0);
  assert_int_equal(write(p[1], "x", 1), 1);
  assert_true(wait_reads(svc[A], &log, 1));
  /* kept across stop/start */
  assert_int_equal(ztk_service_stop(svc[A]), 0);
  assert_int_equal(ztk_service_start(svc[A]), 0);
  assert_int_equal(write(p[1], "y", 1), 1);
  assert_true(wait_reads(svc[A], &log, 2));
  assert_int_equal(ztk_service_unwatch_fd(svc[A], p[0]), 0);
  assert_int_equal(ztk_service_unwatch_fd(svc[A], p[0]), ZTK_ENOTFOUND);
  assert_int_equal(write(p[1], "z", 1), 1);
  usleep(100000);
  assert_int_equal(ztk_service_call(svc[A], read_count, &log), 2);
  /* watched while running */
  assert_int_equal(ztk_service_watch_fd(svc[A], p[0], on_readable, &log), 0);
  assert_true(wait_reads(svc[A], &log, 3));
  assert_int_equal(ztk_service_stop(svc[A]), 0);
  close(p[0]);
  close(p[1]);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_vl1_over_udp, setup_net, teardown_net),
    cmocka_unit_test_setup_teardown(test_restart_comes_back_online, setup_net, teardown_net),
    cmocka_unit_test_setup_teardown(test_lifecycle_errors, setup_net, teardown_net),
    cmocka_unit_test_setup_teardown(test_home_directory, setup_net, teardown_net),
    cmocka_unit_test_setup_teardown(test_memory_store, setup_net, teardown_net),
    cmocka_unit_test_setup_teardown(test_hooks_and_call, setup_net, teardown_net),
    cmocka_unit_test_setup_teardown(test_watched_fd, setup_net, teardown_net),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
