/* The service's thread-safe wrappers: each takes the lock, checks the node is running, calls
 * the node, and lets the service thread recompute its deadline when something changed. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>

#include "runtime/service_impl.h"

/* Takes the lock if the service is running (returns true); else returns false unlocked. */
static bool enter(ztk_service *s)
{
  if (!s)
    return false;
  pthread_mutex_lock(&s->lock);
  if (s->running && s->node)
    return true;
  pthread_mutex_unlock(&s->lock);
  return false;
}

/* Leaves after a call that may have sent packets or armed timers. */
static void leave_changed(ztk_service *s, int64_t now)
{
  ztk_service_flush(s);
  s->deadline = now; /* the node's timers may have moved earlier: tick on the next turn */
  ztk_service_wake_locked(s);
  pthread_mutex_unlock(&s->lock);
}

int ztk_service_call(ztk_service *s, int (*fn)(ztk_node *node, int64_t now, void *arg), void *arg)
{
  if (!fn)
    return ZTK_EINVAL;
  if (!enter(s))
    return ZTK_ESTATE;
  int64_t now = ztk_service_clock_ms();
  int rc = fn(s->node, now, arg);
  leave_changed(s, now);
  return rc;
}

ztk_node *ztk_service_lock_node(ztk_service *s, int64_t *now)
{
  if (!enter(s))
    return NULL;
  if (now)
    *now = ztk_service_clock_ms();
  return s->node;
}

void ztk_service_unlock_node(ztk_service *s)
{
  ztk_service_flush(s);
  pthread_mutex_unlock(&s->lock);
}

void ztk_service_note_deadline(ztk_service *s, int64_t deadline)
{
  if (deadline < s->deadline) {
    s->deadline = deadline;
    ztk_service_wake_locked(s);
  }
}

bool ztk_service_running(ztk_service *s)
{
  if (!enter(s))
    return false;
  pthread_mutex_unlock(&s->lock);
  return true;
}

int ztk_service_wait_online(ztk_service *s, int timeout_ms)
{
  struct timespec until;
  if (!enter(s))
    return ZTK_ESTATE;
  clock_gettime(CLOCK_MONOTONIC, &until);
  int64_t ns = until.tv_nsec + (int64_t)(timeout_ms < 0 ? 0 : timeout_ms) * 1000000;
  until.tv_sec += (time_t)(ns / 1000000000);
  until.tv_nsec = (long)(ns % 1000000000);
  int wait = 0;
  while (s->running && !s->online && wait != ETIMEDOUT)
    wait = pthread_cond_timedwait(&s->online_cv, &s->lock, &until);
  int rc = s->online ? 0 : s->running ? ZTK_ETIMEDOUT : ZTK_ESTATE;
  pthread_mutex_unlock(&s->lock);
  return rc;
}

int ztk_service_port(ztk_service *s)
{
  if (!enter(s))
    return ZTK_ESTATE;
  int port = s->port;
  pthread_mutex_unlock(&s->lock);
  return port;
}

int ztk_service_status(ztk_service *s, ztk_node_status *out)
{
  if (!out)
    return ZTK_EINVAL;
  if (!enter(s))
    return ZTK_ESTATE;
  ztk_node_status_get(s->node, out);
  pthread_mutex_unlock(&s->lock);
  return 0;
}

int ztk_service_counters(ztk_service *s, ztk_node_counters *out)
{
  if (!out)
    return ZTK_EINVAL;
  if (!enter(s))
    return ZTK_ESTATE;
  ztk_node_counters_get(s->node, out);
  pthread_mutex_unlock(&s->lock);
  return 0;
}

int ztk_service_peers(ztk_service *s, ztk_peer_info *out, int max)
{
  if (!out && max > 0)
    return ZTK_EINVAL;
  if (!enter(s))
    return ZTK_ESTATE;
  int n = ztk_node_peers(s->node, ztk_service_clock_ms(), out, max);
  pthread_mutex_unlock(&s->lock);
  return n;
}

int ztk_service_peer(ztk_service *s, ztk_address addr, ztk_peer_info *out)
{
  if (!out)
    return ZTK_EINVAL;
  if (!enter(s))
    return ZTK_ESTATE;
  int rc = ztk_node_peer(s->node, ztk_service_clock_ms(), addr, out);
  pthread_mutex_unlock(&s->lock);
  return rc;
}

/* ---- VL1 operations ---- */

typedef struct vl1_op {
  int verb; /* 0 user message, 1 echo, 2 orbit, 3 deorbit */
  ztk_address dest;
  uint64_t value;
  const void *data;
  size_t len;
} vl1_op;

static int run_vl1(ztk_node *node, int64_t now, void *arg)
{
  const vl1_op *op = arg;
  switch (op->verb) {
  case 0:
    return ztk_node_send_user_message(node, now, op->dest, op->value, op->data, op->len);
  case 1:
    return ztk_node_echo(node, now, op->dest, op->data, op->len);
  case 2:
    return ztk_node_orbit(node, now, op->value, op->dest);
  default:
    return ztk_node_deorbit(node, op->value);
  }
}

int ztk_service_send_user_message(ztk_service *s, ztk_address dest, uint64_t type_id,
                                  const void *data, size_t len)
{
  vl1_op op = {0, dest, type_id, data, len};
  return ztk_service_call(s, run_vl1, &op);
}

int ztk_service_echo(ztk_service *s, ztk_address dest, const void *data, size_t len)
{
  vl1_op op = {1, dest, 0, data, len};
  return ztk_service_call(s, run_vl1, &op);
}

int ztk_service_orbit(ztk_service *s, uint64_t moon_id, ztk_address seed)
{
  vl1_op op = {2, seed, moon_id, NULL, 0};
  return ztk_service_call(s, run_vl1, &op);
}

int ztk_service_deorbit(ztk_service *s, uint64_t moon_id)
{
  vl1_op op = {3, 0, moon_id, NULL, 0};
  return ztk_service_call(s, run_vl1, &op);
}

/* ---- configuration while running ---- */

int ztk_service_add_local_address(ztk_service *s, const struct sockaddr_storage *addr)
{
  if (!s || !addr || (addr->ss_family != AF_INET && addr->ss_family != AF_INET6))
    return ZTK_EINVAL;
  pthread_mutex_lock(&s->lock);
  int rc = 0;
  bool dup = false;
  for (int i = 0; i < s->nuser_addrs && !dup; i++)
    dup = memcmp(&s->user_addrs[i], addr, sizeof *addr) == 0;
  if (!dup && s->nuser_addrs == ZTK_SERVICE_MAX_USER_ADDRS)
    rc = ZTK_ELIMIT;
  else if (!dup)
    s->user_addrs[s->nuser_addrs++] = *addr;
  s->next_ifaddr_refresh = 0; /* the loop hands the new list to the node */
  ztk_service_wake_locked(s);
  pthread_mutex_unlock(&s->lock);
  return rc;
}

static int find_hooks(const ztk_service *s, const ztk_service_hooks *h, void *user)
{
  for (int i = 0; i < s->nhooks; i++)
    if (s->hooks[i].h == h && s->hooks[i].user == user)
      return i;
  return -1;
}

int ztk_service_add_hooks(ztk_service *s, const ztk_service_hooks *h, void *user)
{
  if (!s || !h)
    return ZTK_EINVAL;
  pthread_mutex_lock(&s->lock);
  int rc = find_hooks(s, h, user) >= 0 ? ZTK_EEXIST
           : s->nhooks == ZTK_SERVICE_MAX_HOOKS ? ZTK_ELIMIT : 0;
  if (!rc) {
    s->hooks[s->nhooks++] = (ztk_service_hook_slot){h, user};
    if (s->running && s->node && h->node_up)
      h->node_up(user, s->node, ztk_service_clock_ms());
    ztk_service_wake_locked(s);
  }
  pthread_mutex_unlock(&s->lock);
  return rc;
}

int ztk_service_remove_hooks(ztk_service *s, const ztk_service_hooks *h, void *user)
{
  if (!s)
    return ZTK_EINVAL;
  pthread_mutex_lock(&s->lock);
  int i = find_hooks(s, h, user);
  if (i >= 0) {
    if (s->running && s->node && h->node_down)
      h->node_down(user, s->node);
    memmove(&s->hooks[i], &s->hooks[i + 1], (size_t)(s->nhooks - i - 1) * sizeof s->hooks[0]);
    s->nhooks--;
  }
  pthread_mutex_unlock(&s->lock);
  return i >= 0 ? 0 : ZTK_ENOTFOUND;
}

int ztk_service_watch_fd(ztk_service *s, int fd, ztk_service_fd_fn fn, void *user)
{
  if (!s || fd < 0 || !fn)
    return ZTK_EINVAL;
  pthread_mutex_lock(&s->lock);
  int slot = -1, rc = 0;
  for (int i = 0; i < ZTK_SERVICE_MAX_WATCHES && !rc; i++) {
    if (s->watches[i].fn && s->watches[i].fd == fd)
      rc = ZTK_EEXIST;
    else if (!s->watches[i].fn && slot < 0)
      slot = i;
  }
  if (!rc && slot < 0)
    rc = ZTK_ELIMIT;
  if (!rc && s->running)
    rc = ztk_service_epoll_add(s, fd, TAG_WATCH + (uint64_t)slot);
  if (!rc)
    s->watches[slot] = (ztk_service_watch){fd, fn, user};
  pthread_mutex_unlock(&s->lock);
  return rc;
}

int ztk_service_unwatch_fd(ztk_service *s, int fd)
{
  if (!s)
    return ZTK_EINVAL;
  pthread_mutex_lock(&s->lock);
  int rc = ZTK_ENOTFOUND;
  for (int i = 0; i < ZTK_SERVICE_MAX_WATCHES && rc; i++) {
    if (s->watches[i].fn && s->watches[i].fd == fd) {
      if (s->running)
        epoll_ctl(s->epfd, EPOLL_CTL_DEL, fd, NULL);
      memset(&s->watches[i], 0, sizeof s->watches[i]);
      rc = 0;
    }
  }
  pthread_mutex_unlock(&s->lock);
  return rc;
}

/* ---- diagnostics ---- */

void ztk_service_error(ztk_service *s, char *buf, size_t cap)
{
  if (!buf || !cap)
    return;
  buf[0] = 0;
  if (!s)
    return;
  pthread_mutex_lock(&s->lock);
  snprintf(buf, cap, "%s", s->error);
  pthread_mutex_unlock(&s->lock);
}

void ztk_service_stats_get(ztk_service *s, ztk_service_stats *out)
{
  memset(out, 0, sizeof *out);
  if (!s)
    return;
  pthread_mutex_lock(&s->lock);
  *out = s->stats;
  out->state_failures = s->store ? s->store->failures : 0;
  pthread_mutex_unlock(&s->lock);
  if (s->cfg.event)
    ztk_evqueue_counts(&s->events, &out->events_queued, &out->events_delivered,
                       &out->events_dropped);
}

ztk_state_store *ztk_service_store(ztk_service *s)
{
  if (!s)
    return NULL;
  pthread_mutex_lock(&s->lock);
  ztk_state_store *st = s->store;
  pthread_mutex_unlock(&s->lock);
  return st;
}

ztk_state_store *ztk_service_store_locked(ztk_service *s)
{
  return s ? s->store : NULL;
}

int ztk_service_port_locked(ztk_service *s)
{
  return s && s->t ? s->port : ZTK_ESTATE;
}
