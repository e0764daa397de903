/* The production driver of one node: lifecycle, the service thread's loop, and the node's
 * callbacks. Thread-safe wrappers around node calls are in service_api.c. */
#include "runtime/service_impl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "transport/pages.h"
#include "core/world/world.h"
#include "runtime/hostaddr.h"
#include "runtime/state_dir.h"
#include "runtime/state_mem.h"
#include "transport/udp.h"

#define RECV_BATCH 32
#define RECV_BUF 16384          /* larger than any ZeroTier datagram */
#define RECV_ROUNDS 16          /* batches per wakeup before timers and callers get a turn */
#define SEND_QUEUE 64           /* datagrams batched per sendmmsg */
#define RANDOM_PORT_TRIES 16
#define MOONS_MAX 16

int64_t ztk_service_clock_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void ztk_service_seterr(ztk_service *s, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(s->error, sizeof s->error, fmt, ap);
  va_end(ap);
}

/* ---- node callbacks (always called with the lock held) ---- */

static int cb_wire_send(void *user, int64_t sock, const struct sockaddr_storage *to,
                        const void *data, size_t len, unsigned ttl)
{
  ztk_service *s = user;
  socklen_t tolen = to->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                              : sizeof(struct sockaddr_in);
  int rc = ztk_transport_send(s->t, (int)sock, (const struct sockaddr *)to, tolen, data, len,
                              (int)ttl);
  if (rc == ZTK_EAGAIN)
    s->flush_pending = true;
  if (rc)
    s->stats.send_errors++;
  return rc;
}

static void cb_random(void *user, void *buf, size_t len)
{
  (void)user;
  randombytes_buf(buf, len);
}

static void cb_event(void *user, const ztk_event *ev)
{
  ztk_service *s = user;
  if (ev->type == ZTK_EVENT_NODE_ONLINE || ev->type == ZTK_EVENT_NODE_OFFLINE) {
    s->online = ev->type == ZTK_EVENT_NODE_ONLINE;
    pthread_cond_broadcast(&s->online_cv);
  }
  for (int i = 0; i < s->nhooks && s->hooks_live; i++)
    if (s->hooks[i].h->event)
      s->hooks[i].h->event(s->hooks[i].user, s->node, ev);
  if (s->cfg.event)
    ztk_evqueue_push(&s->events, ev);
}

static void cb_frame_out(void *user, ztk_nwid nwid, uint64_t src, uint64_t dst, uint16_t type,
                         uint16_t vlan, const void *data, size_t len)
{
  ztk_service *s = user;
  for (int i = 0; i < s->nhooks; i++)
    if (s->hooks[i].h->frame_out)
      s->hooks[i].h->frame_out(s->hooks[i].user, nwid, src, dst, type, vlan, data, len);
}

static void note_store_problem(ztk_service *s)
{
  if (s->store->failures != s->store_failures_seen) {
    s->store_failures_seen = s->store->failures;
    ztk_service_seterr(s, "%s", s->store->problem);
  }
}

static void cb_state_put(void *user, ztk_state_type type, const uint64_t id[2], const void *data,
                         size_t len)
{
  ztk_service *s = user;
  ztk_state_store_put(s->store, type, id, data, len);
  note_store_problem(s);
}

static long cb_state_get(void *user, ztk_state_type type, const uint64_t id[2], void *buf,
                         size_t cap)
{
  ztk_service *s = user;
  long rc = ztk_state_store_get(s->store, type, id, buf, cap);
  note_store_problem(s);
  return rc;
}

static const ztk_node_callbacks node_callbacks = {
  .wire_send = cb_wire_send,
  .random = cb_random,
  .frame_out = cb_frame_out,
  .event = cb_event,
  .state_put = cb_state_put,
  .state_get = cb_state_get,
};

/* ---- the loop ---- */

void ztk_service_flush(ztk_service *s)
{
  s->flush_pending = ztk_transport_flush(s->t) == ZTK_EAGAIN;
}

/* Gives the node the host's addresses (and the user's) with our port. */
static void refresh_local_addresses(ztk_service *s, int64_t now)
{
  struct sockaddr_storage found[ZTK_SERVICE_MAX_USER_ADDRS * 2];
  int n = ztk_host_addresses(found, (int)(sizeof found / sizeof found[0]),
                             (unsigned short)s->port, s->sock6 >= 0,
                             s->cfg.allow_loopback_paths);
  ztk_node_clear_local_addresses(s->node);
  int given = 0;
  for (int i = 0; i < s->nuser_addrs; i++)
    given += ztk_node_add_local_address(s->node, &s->user_addrs[i]) == 0;
  for (int i = 0; i < n; i++)
    given += ztk_node_add_local_address(s->node, &found[i]) == 0;
  s->stats.local_addresses = given;
  s->next_ifaddr_refresh = now + ZTK_SERVICE_IFADDR_REFRESH_MS;
}

/* Runs due timers and hooks; returns how long the loop may sleep (ms). */
static int run_timers(ztk_service *s, int64_t now)
{
  if (now >= s->next_ifaddr_refresh)
    refresh_local_addresses(s, now);
  if (now >= s->deadline)
    ztk_node_tick(s->node, now, &s->deadline);
  int64_t next = s->deadline < s->next_ifaddr_refresh ? s->deadline : s->next_ifaddr_refresh;
  for (int i = 0; i < s->nhooks; i++) {
    if (!s->hooks[i].h->tick)
      continue;
    int64_t d = s->hooks[i].h->tick(s->hooks[i].user, s->node, now);
    s->stats.hook_calls++;
    if (d < next)
      next = d;
  }
  ztk_service_flush(s);
  int64_t wait = next - now;
  if (s->flush_pending && wait > 1)
    wait = 1;
  return wait < 0 ? 0 : wait > ZTK_SERVICE_MAX_WAIT_MS ? ZTK_SERVICE_MAX_WAIT_MS : (int)wait;
}

static void wire_batch(ztk_service *s, bool open)
{
  for (int i = 0; i < s->nhooks && s->hooks_live; i++)
    if (s->hooks[i].h->wire_batch)
      s->hooks[i].h->wire_batch(s->hooks[i].user, s->node, open);
}

static void receive(ztk_service *s)
{
  for (int round = 0; round < RECV_ROUNDS; round++) {
    ztk_datagram d[RECV_BATCH];
    for (int i = 0; i < RECV_BATCH; i++) {
      d[i].data = s->rxbuf + (size_t)i * RECV_BUF;
      d[i].cap = RECV_BUF;
    }
    int n = ztk_transport_recv(s->t, d, RECV_BATCH);
    if (n <= 0)
      return;
    int64_t now = ztk_service_clock_ms();
    wire_batch(s, true);
    for (int i = 0; i < n; i++)
      ztk_node_wire_in(s->node, now, d[i].sock, &d[i].from, d[i].data, d[i].len, &s->deadline);
    wire_batch(s, false);
    s->stats.datagrams_in += (uint64_t)n;
    ztk_service_flush(s);
    if (n < RECV_BATCH)
      return;
  }
}

static void drain_wakeups(ztk_service *s)
{
  uint64_t v;
  while (read(s->wakefd, &v, sizeof v) == (ssize_t)sizeof v) {
  }
}

static void dispatch(ztk_service *s, uint64_t tag)
{
  if (tag == TAG_WAKE) {
    drain_wakeups(s);
  } else if (tag == TAG_TRANSPORT) {
    receive(s);
  } else if (tag - TAG_WATCH < ZTK_SERVICE_MAX_WATCHES) {
    ztk_service_watch *w = &s->watches[tag - TAG_WATCH];
    if (w->fn) {
      w->fn(w->user, s->node, ztk_service_clock_ms());
      ztk_service_flush(s);
      s->deadline = 0; /* it may have used the node: let it recompute its deadline */
    }
  }
}

static void *service_main(void *arg)
{
  ztk_service *s = arg;
  struct epoll_event evs[ZTK_SERVICE_MAX_WATCHES + 2];
  pthread_mutex_lock(&s->lock);
  while (!s->stopping) {
    int wait = run_timers(s, ztk_service_clock_ms());
    s->stats.loops++;
    pthread_mutex_unlock(&s->lock);
    int n = epoll_wait(s->epfd, evs, ZTK_SERVICE_MAX_WATCHES + 2, wait);
    pthread_mutex_lock(&s->lock);
    for (int i = 0; i < n && !s->stopping; i++)
      dispatch(s, evs[i].data.u64);
  }
  pthread_mutex_unlock(&s->lock);
  return NULL;
}

void ztk_service_wake_locked(ztk_service *s)
{
  uint64_t one = 1;
  if (s->wakefd >= 0 && write(s->wakefd, &one, sizeof one) < 0) {
    /* the counter is full: the loop is being woken anyway */
  }
}

void ztk_service_wake(ztk_service *s)
{
  if (!s)
    return;
  pthread_mutex_lock(&s->lock);
  ztk_service_wake_locked(s);
  pthread_mutex_unlock(&s->lock);
}

/* ---- start ---- */

static int bind_one(ztk_service *s, int family, int port)
{
  struct sockaddr_storage ss;
  memset(&ss, 0, sizeof ss);
  if (family == AF_INET) {
    struct sockaddr_in *a = (struct sockaddr_in *)&ss;
    a->sin_family = AF_INET;
    a->sin_port = htons((uint16_t)port);
    return ztk_transport_bind(s->t, (struct sockaddr *)a, sizeof *a);
  }
  struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
  a->sin6_family = AF_INET6;
  a->sin6_port = htons((uint16_t)port);
  return ztk_transport_bind(s->t, (struct sockaddr *)a, sizeof *a);
}

/* Binds IPv4 then IPv6 on one port (a host without IPv6 gets IPv4 only). */
static int bind_port(ztk_service *s, int port)
{
  struct sockaddr_storage ss;
  int rc = ztk_udp_transport_new_opts(&(ztk_udp_options){.send_queue = SEND_QUEUE}, &s->t);
  if (rc)
    return rc;
  if ((s->sock4 = bind_one(s, AF_INET, port)) < 0)
    return s->sock4;
  ztk_transport_local_addr(s->t, s->sock4, &ss);
  s->port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
  s->sock6 = bind_one(s, AF_INET6, s->port);
  if (s->sock6 == ZTK_EEXIST)
    return ZTK_EEXIST;
  return 0;
}

/* A service on a random port (cfg.port 0) takes the port of its previous run again when it
 * can: peers keep sending to the path they know until it expires (minutes), so a restart on a
 * new port would be unreachable from them until then. */
static int open_transport(ztk_service *s)
{
  int rc = ZTK_EEXIST, previous = s->port;
  for (int i = 0; i < (s->cfg.port ? 1 : RANDOM_PORT_TRIES) && rc == ZTK_EEXIST; i++) {
    ztk_transport_close(s->t);
    s->t = NULL;
    rc = bind_port(s, s->cfg.port ? s->cfg.port : (i == 0 ? previous : 0));
  }
  if (rc)
    ztk_service_seterr(s, "cannot bind UDP port %d: %s", s->cfg.port, ztk_strerror(rc));
  return rc;
}

static int open_store(ztk_service *s)
{
  if (s->store)
    return 0;
  char err[ZTK_STATE_PROBLEM_LEN];
  int rc = ztk_state_dir_open(s->home, &s->store, err, sizeof err);
  if (rc)
    ztk_service_seterr(s, "%s", err);
  else
    s->own_dir_store = true;
  s->store_failures_seen = 0;
  return rc;
}

/* Installs the moons stored in the state (zerotier-one orbits every moons.d/ file at start). */
static void load_moons(ztk_service *s, int64_t now)
{
  uint64_t ids[MOONS_MAX];
  uint8_t buf[ZTK_WORLD_MAX_LEN];
  int n = ztk_state_store_list(s->store, ZTK_STATE_MOON, ids, MOONS_MAX);
  for (int i = 0; i < n && i < MOONS_MAX; i++) {
    uint64_t id[2] = {ids[i], 0};
    long len = ztk_state_store_get(s->store, ZTK_STATE_MOON, id, buf, sizeof buf);
    int rc = len < 0 ? (int)len : ztk_node_orbit_world(s->node, now, buf, (size_t)len);
    if (rc)
      ztk_service_seterr(s, "moon %016llx in the state is ignored: %s",
                         (unsigned long long)ids[i], ztk_strerror(rc));
  }
}

static int create_node(ztk_service *s, int64_t now)
{
  ztk_node_config nc;
  ztk_node_config_init(&nc);
  nc.identity = s->has_identity ? &s->identity : NULL;
  nc.planet = s->planet;
  nc.planet_len = s->planet_len;
  nc.force_upstream = s->cfg.force_upstream;
  nc.allow_loopback_paths = s->cfg.allow_loopback_paths;
  nc.trace = s->cfg.trace;
  if (s->cfg.peer_activity_timeout_ms > 0)
    nc.peer_activity_timeout_ms = s->cfg.peer_activity_timeout_ms;
  int rc = ztk_node_new(&s->node, &nc, &node_callbacks, s, now);
  if (rc)
    ztk_service_seterr(s, "cannot create the node: %s", ztk_strerror(rc));
  return rc;
}

int ztk_service_epoll_add(ztk_service *s, int fd, uint64_t tag)
{
  struct epoll_event ev = {.events = EPOLLIN, .data.u64 = tag};
  return fd >= 0 && epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) == 0 ? 0 : ZTK_ESOCK;
}

static int open_loop_fds(ztk_service *s)
{
  s->epfd = epoll_create1(EPOLL_CLOEXEC);
  s->wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (s->epfd < 0 || s->wakefd < 0)
    return ZTK_ELIMIT;
  int rc = ztk_service_epoll_add(s, s->wakefd, TAG_WAKE);
  if (!rc)
    rc = ztk_service_epoll_add(s, ztk_transport_fd(s->t), TAG_TRANSPORT);
  for (int i = 0; i < ZTK_SERVICE_MAX_WATCHES && !rc; i++)
    if (s->watches[i].fn)
      rc = ztk_service_epoll_add(s, s->watches[i].fd, TAG_WATCH + (uint64_t)i);
  return rc;
}

/* Frees what start built (with the lock held); also the end of a successful stop. */
static void teardown(ztk_service *s)
{
  if (s->node) {
    s->hooks_live = false;
    for (int i = 0; i < s->nhooks; i++)
      if (s->hooks[i].h->node_down)
        s->hooks[i].h->node_down(s->hooks[i].user, s->node);
    ztk_node_free(s->node); /* emits NODE_DOWN and saves peers */
    s->node = NULL;
  }
  if (s->t)
    ztk_transport_flush(s->t);
  ztk_transport_close(s->t);
  s->t = NULL;
  if (s->epfd >= 0)
    close(s->epfd);
  if (s->wakefd >= 0)
    close(s->wakefd);
  s->epfd = s->wakefd = -1;
  if (s->own_dir_store) {
    ztk_state_store_free(s->store);
    s->store = NULL;
    s->own_dir_store = false;
  }
  ztk_pages_free(s->rxbuf, (size_t)RECV_BATCH * RECV_BUF);
  s->rxbuf = NULL;
  s->online = false;
  pthread_cond_broadcast(&s->online_cv);
}

static int start_thread(ztk_service *s)
{
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  int rc = pthread_create(&s->thread, NULL, service_main, s);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  return rc ? ZTK_ENOMEM : 0;
}

static int start_locked(ztk_service *s)
{
  int64_t now = ztk_service_clock_ms();
  int rc;
  s->error[0] = 0;
  s->rxbuf = ztk_pages_alloc((size_t)RECV_BATCH * RECV_BUF); /* a page used per datagram */
  if (!s->rxbuf)
    return ZTK_ENOMEM;
  if ((rc = open_store(s)) || (rc = open_transport(s)) || (rc = create_node(s, now)))
    return rc;
  if ((rc = open_loop_fds(s))) {
    ztk_service_seterr(s, "cannot set up the event loop: %s", ztk_strerror(rc));
    return rc;
  }
  load_moons(s, now);
  refresh_local_addresses(s, now);
  for (int i = 0; i < s->nhooks; i++)
    if (s->hooks[i].h->node_up)
      s->hooks[i].h->node_up(s->hooks[i].user, s->node, now);
  s->hooks_live = true;
  s->deadline = now;
  s->stopping = false;
  return 0;
}

int ztk_service_start(ztk_service *s)
{
  if (!s || (s->cfg.event && ztk_evqueue_is_current(&s->events)))
    return ZTK_EINVAL;
  pthread_mutex_lock(&s->life);
  pthread_mutex_lock(&s->lock);
  int rc = ZTK_ESTATE;
  bool events = false;
  if (!s->running) {
    /* events flow from the node's creation on, also those of a start that fails */
    rc = s->cfg.event ? ztk_evqueue_start(&s->events) : 0;
    events = !rc && s->cfg.event;
    if (!rc)
      rc = start_locked(s);
    if (!rc)
      rc = start_thread(s);
    if (rc)
      teardown(s);
    s->running = !rc;
  }
  pthread_mutex_unlock(&s->lock);
  if (rc && events)
    ztk_evqueue_stop(&s->events);
  pthread_mutex_unlock(&s->life);
  return rc;
}

/* ---- stop and free ---- */

int ztk_service_stop(ztk_service *s)
{
  if (!s || (s->cfg.event && ztk_evqueue_is_current(&s->events)))
    return ZTK_EINVAL;
  pthread_mutex_lock(&s->life);
  pthread_mutex_lock(&s->lock);
  if (!s->running) {
    pthread_mutex_unlock(&s->lock);
    pthread_mutex_unlock(&s->life);
    return ZTK_ESTATE;
  }
  s->stopping = true;
  ztk_service_wake_locked(s);
  pthread_mutex_unlock(&s->lock);
  pthread_join(s->thread, NULL);
  pthread_mutex_lock(&s->lock);
  teardown(s);
  s->running = false;
  pthread_mutex_unlock(&s->lock);
  if (s->cfg.event)
    ztk_evqueue_stop(&s->events); /* delivers NODE_DOWN and whatever came before */
  pthread_mutex_unlock(&s->life);
  return 0;
}

void ztk_service_free(ztk_service *s)
{
  if (!s || (s->cfg.event && ztk_evqueue_is_current(&s->events)))
    return; /* never from the callback thread: it would free what it runs on */
  ztk_service_stop(s);
  for (int i = 0; i < s->nhooks; i++)
    if (s->hooks[i].h->service_gone)
      s->hooks[i].h->service_gone(s->hooks[i].user);
  if (s->cfg.event)
    ztk_evqueue_destroy(&s->events);
  if (s->own_mem_store)
    ztk_state_store_free(s->store);
  sodium_memzero(&s->identity, sizeof s->identity);
  free(s->home);
  free(s->planet);
  pthread_cond_destroy(&s->online_cv);
  pthread_mutex_destroy(&s->lock);
  pthread_mutex_destroy(&s->life);
  free(s);
}

/* ---- creation ---- */

void ztk_service_config_init(ztk_service_config *cfg)
{
  memset(cfg, 0, sizeof *cfg);
  cfg->port = ZTK_SERVICE_DEFAULT_PORT;
}

static int copy_config(ztk_service *s, const ztk_service_config *cfg)
{
  s->cfg = *cfg;
  s->cfg.home = NULL;
  s->cfg.identity = NULL;
  s->cfg.planet = NULL;
  if (cfg->port < 0 || cfg->port > 65535 || (cfg->planet && !cfg->planet_len) ||
      cfg->planet_len > ZTK_WORLD_MAX_LEN || (cfg->identity && !cfg->identity->has_private))
    return ZTK_EINVAL;
  if (cfg->home && !(s->home = strdup(cfg->home)))
    return ZTK_ENOMEM;
  if (cfg->planet) {
    if (!(s->planet = malloc(cfg->planet_len)))
      return ZTK_ENOMEM;
    memcpy(s->planet, cfg->planet, cfg->planet_len);
    s->planet_len = cfg->planet_len;
  }
  if (cfg->identity) {
    s->identity = *cfg->identity;
    s->has_identity = true;
  }
  if (!cfg->event)
    return 0;
  return ztk_evqueue_init(&s->events, cfg->event_queue_max ? cfg->event_queue_max : 1024,
                          cfg->event, cfg->user);
}

static ztk_service *alloc_service(void)
{
  pthread_condattr_t ca;
  ztk_service *s = calloc(1, sizeof *s);
  if (!s)
    return NULL;
  pthread_mutex_init(&s->lock, NULL);
  pthread_mutex_init(&s->life, NULL);
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_init(&s->online_cv, &ca);
  pthread_condattr_destroy(&ca);
  s->epfd = s->wakefd = -1;
  s->sock4 = s->sock6 = -1;
  return s;
}

int ztk_service_new_with_store(ztk_service **out, const ztk_service_config *cfg,
                               ztk_state_store *store)
{
  if (!out || !cfg)
    return ZTK_EINVAL;
  *out = NULL;
  if (sodium_init() < 0)
    return ZTK_ECRYPTO;
  ztk_service *s = alloc_service();
  if (!s)
    return ZTK_ENOMEM;
  int rc = copy_config(s, cfg);
  if (!rc && store) {
    s->store = store;
  } else if (!rc && !s->home) {
    rc = ztk_state_mem_new(&s->store);
    s->own_mem_store = !rc;
  }
  if (rc) {
    ztk_service_free(s);
    return rc;
  }
  *out = s;
  return 0;
}

int ztk_service_new(ztk_service **out, const ztk_service_config *cfg)
{
  return ztk_service_new_with_store(out, cfg, NULL);
}
