/* The runtime's stack driver (node_stack.h). One `nstack` per service that asked for a
 * netstack: service hooks keep its stack host and vnic in step with the node, and the netstack
 * driver ops let application threads call the socket layer.
 *
 * Which thread may call the node: only one holding the node's service lock. lwIP, though, is
 * shared: one service thread running lwIP's timers may make lwIP send frames on another
 * node's interfaces. Every frame lwIP sends waits in its node's queue (a copy); the thread
 * that holds the node's lock hands the queue over once it has left lwIP, so that the node's
 * work on it (encryption, the UDP send) runs outside the process-wide stack lock while other
 * threads use lwIP. Frames queued by another node's thread wake the node's own thread (an
 * eventfd in its loop) to hand them over. The queue is FIFO, so frames keep their order. */
#include "runtime/node_stack.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "transport/pages.h"
#include "runtime/service.h"
#include "runtime/stack_lock.h"
#include "stack/env.h"
#include "stack/netstack.h"
#include "stack/vnic.h"

#define DRAIN_MAX (ZTK_NODE_STACK_QUEUE * 2) /* frames handed over per flush at most */
#define DRAIN_BATCH 64                       /* frames taken out per stack lock round */
#define HELD_MAX 64 /* frames from the node held during a wire batch (then handed over) */
#define REGISTRY_MAX 256                     /* services with a netstack in one process */

typedef struct qframe {
  uint64_t nwid, src, dst;
  uint16_t ethertype;
  size_t len;
  uint8_t *data;
} qframe;

typedef struct nstack {
  ztk_service *svc;  /* NULL once the service is gone */
  ztk_netstack *ns;
  ztk_node *node;    /* while the node runs */
  ztk_stack_host *host;
  ztk_vnic *vnic;
  int wakefd;        /* watched by the service loop */
  qframe q[ZTK_NODE_STACK_QUEUE];
  unsigned qhead, qcount;
  bool draining;     /* the node-lock holder is handing the queue over (no nesting) */
  bool batching;     /* the service thread is in a wire batch: frames for lwIP are held */
  qframe held[HELD_MAX]; /* frames from the node for lwIP, one stack lock round per batch */
  unsigned nheld;
  int64_t planned;   /* monotonic time the loop will tick us at the latest */
  ztk_node_stack_counters ctr;
} nstack;

/* The stack this thread holds the node lock of (set by hooks and by enter). */
static _Thread_local nstack *tl_owner;

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static nstack *registry[REGISTRY_MAX];

/* ---- frames from lwIP to the node ---- */

static void wake(nstack *n)
{
  uint64_t one = 1;
  if (write(n->wakefd, &one, sizeof one) < 0) {
    /* counter full: a wakeup is pending anyway */
  }
}

static void to_node_now(nstack *n, uint64_t nwid, uint64_t src, uint64_t dst, uint16_t et,
                        const void *data, size_t len)
{
  int64_t next = ZTK_NEVER;
  ztk_node_frame_in(n->node, ztk_service_clock_ms(), nwid, src, dst, et, 0, data, len, &next);
  ztk_service_note_deadline(n->svc, next);
  n->ctr.frames_to_node++;
}

static void queue_frame(nstack *n, uint64_t nwid, uint64_t src, uint64_t dst, uint16_t et,
                        const void *data, size_t len)
{
  qframe *f = &n->q[(n->qhead + n->qcount) % ZTK_NODE_STACK_QUEUE];
  if (n->qcount == ZTK_NODE_STACK_QUEUE || !(f->data = malloc(len ? len : 1))) {
    n->ctr.queue_drops++;
    return;
  }
  memcpy(f->data, data, len);
  *f = (qframe){nwid, src, dst, et, len, f->data};
  n->qcount++;
  n->ctr.queued += tl_owner != n;
}

/* vnic op, inside lwIP, with the stack lock held by this thread. */
static void vnic_to_node(void *user, uint64_t nwid, uint64_t src, uint64_t dst, uint16_t et,
                         const void *data, size_t len)
{
  nstack *n = user;
  queue_frame(n, nwid, src, dst, et, data, len);
  if (tl_owner != n)
    wake(n);
}

static void vnic_subscribe(void *user, uint64_t nwid, uint64_t mac, uint32_t adi, bool on)
{
  nstack *n = user;
  if (tl_owner != n) {
    n->ctr.lost_subscriptions++;
    return;
  }
  if (on)
    ztk_node_multicast_subscribe(n->node, ztk_service_clock_ms(), nwid, mac, adi);
  else
    ztk_node_multicast_unsubscribe(n->node, nwid, mac, adi);
}

static const ztk_vnic_ops vnic_ops = {vnic_to_node, vnic_subscribe};

static void drop_queue(nstack *n)
{
  for (unsigned i = 0; i < n->nheld; i++)
    free(n->held[i].data);
  n->nheld = 0;
  while (n->qcount) {
    free(n->q[n->qhead].data);
    n->qhead = (n->qhead + 1) % ZTK_NODE_STACK_QUEUE;
    n->qcount--;
  }
}

/* With the node lock and the stack lock (outermost level): hands lwIP what the node queued
 * for it and plans the next lwIP tick. */
static void flush_stack(nstack *n)
{
  if (!n->vnic || ztk_rt_stack_depth() != 1)
    return;
  ztk_vnic_flush(n->vnic);
  int64_t next = ztk_stack_next_deadline();
  if (next < n->planned) {
    n->planned = next;
    wake(n);
  }
}

/* With the node lock and without the stack lock: hands the node what lwIP queued for it, a
 * batch per stack lock round. The node may answer into lwIP (hooks nest): the frames lwIP
 * sends then join the queue and this loop hands them over too. */
static void drain_to_node(nstack *n)
{
  if (n->draining || ztk_rt_stack_depth() != 0)
    return;
  n->draining = true;
  qframe batch[DRAIN_BATCH];
  for (int done = 0;; done += DRAIN_BATCH) {
    ztk_rt_stack_lock();
    int k = 0;
    for (; k < DRAIN_BATCH && n->qcount && n->node && done < DRAIN_MAX; k++) {
      batch[k] = n->q[n->qhead];
      n->qhead = (n->qhead + 1) % ZTK_NODE_STACK_QUEUE;
      n->qcount--;
    }
    if (k == 0 && n->qcount)
      wake(n); /* more than one round's worth: continue on the next turn */
    ztk_rt_stack_unlock();
    if (k == 0)
      break;
    for (int i = 0; i < k; i++) {
      to_node_now(n, batch[i].nwid, batch[i].src, batch[i].dst, batch[i].ethertype,
                  batch[i].data, batch[i].len);
      free(batch[i].data);
    }
  }
  n->draining = false;
}

/* Enters the stack for node n (its node lock held); returns the previous owner, for
 * hook_leave: hooks also run nested (the node answering a frame it was handed). */
static nstack *hook_enter(nstack *n)
{
  nstack *prev = tl_owner;
  tl_owner = n;
  ztk_rt_stack_lock();
  return prev;
}

static void hook_leave(nstack *n, nstack *prev)
{
  flush_stack(n);
  ztk_rt_stack_unlock();
  drain_to_node(n);
  tl_owner = prev;
}

/* ---- service hooks ---- */

static void hk_node_up(void *user, ztk_node *node, int64_t now)
{
  nstack *n = user;
  (void)now;
  nstack *prev = hook_enter(n);
  n->node = node;
  if (ztk_stack_host_new(&n->host, NULL) == 0 &&
      ztk_vnic_new(&n->vnic, n->host, node, &vnic_ops, n) == 0) {
    ztk_netstack_attach(n->ns, n->host);
    ztk_vnic_sync(n->vnic);
    ztk_netstack_notify(n->ns);
  }
  hook_leave(n, prev);
}

static void hk_node_down(void *user, ztk_node *node)
{
  nstack *n = user;
  (void)node;
  nstack *prev = hook_enter(n);
  ztk_netstack_detach(n->ns, ZTK_ENODE_STOPPED);
  ztk_vnic_free(n->vnic); /* connections get their resets out while the node still runs */
  ztk_stack_host_free(n->host);
  n->vnic = NULL;
  n->host = NULL;
  ztk_rt_stack_unlock();
  drain_to_node(n); /* the resets */
  ztk_rt_stack_lock();
  drop_queue(n);
  ztk_rt_stack_unlock();
  n->node = NULL;
  tl_owner = prev;
}

static int64_t hk_tick(void *user, ztk_node *node, int64_t now)
{
  nstack *n = user;
  (void)node;
  if (!n->vnic)
    return ZTK_NEVER;
  nstack *prev = hook_enter(n);
  int64_t mono = ztk_rt_mono_ms();
  ztk_stack_tick(mono);
  n->ctr.ticks++;
  flush_stack(n);
  int64_t next = ztk_stack_next_deadline();
  n->planned = next;
  ztk_rt_stack_unlock();
  drain_to_node(n);
  tl_owner = prev;
  return next == ZTK_NEVER ? ZTK_NEVER : now + (next > mono ? next - mono : 0);
}

static void hk_event(void *user, ztk_node *node, const ztk_event *ev)
{
  nstack *n = user;
  (void)node;
  bool relevant = ev->type == ZTK_EVENT_NETWORK_OK || ev->type == ZTK_EVENT_NETWORK_DOWN ||
                  ev->type == ZTK_EVENT_ADDR_ADDED || ev->type == ZTK_EVENT_ADDR_REMOVED ||
                  ev->type == ZTK_EVENT_ROUTE_ADDED || ev->type == ZTK_EVENT_ROUTE_REMOVED;
  if (!n->vnic || !relevant)
    return;
  nstack *prev = hook_enter(n);
  ztk_vnic_event(n->vnic, ev);
  ztk_netstack_notify(n->ns);
  hook_leave(n, prev);
}

/* Hands lwIP the frames held during a wire batch, under one stack lock round. */
static void release_held(nstack *n)
{
  if (!n->nheld)
    return;
  nstack *prev = hook_enter(n);
  for (unsigned i = 0; i < n->nheld; i++) {
    qframe *f = &n->held[i];
    if (n->vnic)
      ztk_vnic_from_node(n->vnic, f->nwid, f->src, f->dst, f->ethertype, f->data, f->len);
    free(f->data);
  }
  n->ctr.frames_from_node += n->nheld;
  n->nheld = 0;
  hook_leave(n, prev);
}

static void hk_frame_out(void *user, ztk_nwid nwid, uint64_t src, uint64_t dst, uint16_t et,
                         uint16_t vlan, const void *data, size_t len)
{
  nstack *n = user;
  (void)vlan;
  if (!n->vnic)
    return;
  if (n->batching && tl_owner == NULL) {
    qframe *f = &n->held[n->nheld];
    if ((f->data = malloc(len ? len : 1)) != NULL) {
      memcpy(f->data, data, len);
      *f = (qframe){nwid, src, dst, et, len, f->data};
      if (++n->nheld == HELD_MAX)
        release_held(n);
      return;
    }
  }
  nstack *prev = hook_enter(n);
  ztk_vnic_from_node(n->vnic, nwid, src, dst, et, data, len);
  n->ctr.frames_from_node++;
  hook_leave(n, prev);
}

static void hk_wire_batch(void *user, ztk_node *node, bool open)
{
  nstack *n = user;
  (void)node;
  if (!open)
    release_held(n);
  n->batching = open;
}

static void on_wake_fd(void *user, ztk_node *node, int64_t now)
{
  nstack *n = user;
  uint64_t v;
  (void)node;
  (void)now;
  while (read(n->wakefd, &v, sizeof v) == (ssize_t)sizeof v) {
  }
  if (!n->vnic)
    return;
  hook_leave(n, hook_enter(n));
}

static void hk_service_gone(void *user)
{
  nstack *n = user;
  pthread_mutex_lock(&registry_lock);
  for (int i = 0; i < REGISTRY_MAX; i++)
    if (registry[i] == n)
      registry[i] = NULL;
  pthread_mutex_unlock(&registry_lock);
  ztk_rt_stack_lock();
  n->svc = NULL;
  ztk_rt_stack_unlock();
  ztk_netstack_unref(n->ns); /* n goes with the netstack (release) */
}

static const ztk_service_hooks hooks = {
  .node_up = hk_node_up,
  .tick = hk_tick,
  .event = hk_event,
  .frame_out = hk_frame_out,
  .wire_batch = hk_wire_batch,
  .node_down = hk_node_down,
  .service_gone = hk_service_gone,
};

/* ---- the netstack driver ---- */

static int drv_enter(void *ctx)
{
  nstack *n = ctx;
  ztk_service *svc = n->svc;
  if (!svc || !ztk_service_lock_node(svc, NULL))
    return ZTK_ESTATE;
  hook_enter(n); /* application threads own no node before */
  return 0;
}

static void drv_leave(void *ctx)
{
  nstack *n = ctx;
  hook_leave(n, NULL);
  ztk_service_unlock_node(n->svc);
}

static void drv_lock(void *ctx)
{
  (void)ctx;
  ztk_rt_stack_lock();
}

static void drv_unlock(void *ctx)
{
  (void)ctx;
  ztk_rt_stack_unlock();
}

static void drv_wait(void *ctx, ztk_ns_waiter *w, int64_t deadline)
{
  pthread_cond_t cv;
  (void)ctx;
  ztk_rt_cond_init(&cv);
  w->cookie = &cv;
  while (!w->fired && ztk_rt_mono_ms() < deadline)
    ztk_rt_stack_wait(&cv, deadline);
  w->cookie = NULL;
  pthread_cond_destroy(&cv);
}

static void drv_signal(void *ctx, ztk_ns_waiter *w)
{
  (void)ctx;
  if (w->cookie)
    pthread_cond_signal(w->cookie);
}

static int64_t drv_now(void *ctx)
{
  (void)ctx;
  return ztk_rt_mono_ms();
}

static void drv_release(void *ctx)
{
  nstack *n = ctx;
  drop_queue(n);
  close(n->wakefd);
  ztk_pages_free(n, sizeof *n);
}

static const ztk_netstack_driver driver = {
  drv_enter, drv_leave, drv_lock, drv_unlock, drv_wait, drv_signal, drv_now, drv_release,
};

/* ---- public entry ---- */

static nstack *find(ztk_service *svc)
{
  for (int i = 0; i < REGISTRY_MAX; i++)
    if (registry[i] && registry[i]->svc == svc)
      return registry[i];
  return NULL;
}

static int create(ztk_service *svc, nstack **out)
{
  int slot = -1;
  for (int i = 0; i < REGISTRY_MAX && slot < 0; i++)
    if (!registry[i])
      slot = i;
  if (slot < 0)
    return ZTK_ELIMIT;
  nstack *n = ztk_pages_alloc(sizeof *n); /* mostly the frame queue, written only in bursts */
  if (!n)
    return ZTK_ENOMEM;
  n->svc = svc;
  n->planned = ZTK_NEVER;
  n->wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (n->wakefd < 0) {
    ztk_pages_free(n, sizeof *n);
    return ZTK_ELIMIT;
  }
  int rc = ztk_netstack_new(&n->ns, &driver, n);
  if (rc) {
    close(n->wakefd);
    ztk_pages_free(n, sizeof *n);
    return rc;
  }
  if ((rc = ztk_service_watch_fd(svc, n->wakefd, on_wake_fd, n)) != 0) {
    ztk_netstack_unref(n->ns); /* releases n */
    return rc;
  }
  registry[slot] = n;
  *out = n;
  return 0;
}

int ztk_service_netstack(ztk_service *svc, ztk_netstack **out)
{
  if (!svc || !out)
    return ZTK_EINVAL;
  *out = NULL;
  pthread_mutex_lock(&registry_lock);
  nstack *n = find(svc);
  int rc = 0;
  if (!n && !(rc = create(svc, &n)) && (rc = ztk_service_add_hooks(svc, &hooks, n)) != 0) {
    ztk_service_unwatch_fd(svc, n->wakefd);
    for (int i = 0; i < REGISTRY_MAX; i++)
      if (registry[i] == n)
        registry[i] = NULL;
    ztk_netstack_unref(n->ns);
    n = NULL;
  }
  pthread_mutex_unlock(&registry_lock);
  if (n)
    *out = n->ns;
  return rc;
}

void ztk_node_stack_counters_get(ztk_service *svc, ztk_node_stack_counters *out)
{
  memset(out, 0, sizeof *out);
  pthread_mutex_lock(&registry_lock);
  nstack *n = find(svc);
  if (n) {
    ztk_rt_stack_lock();
    *out = n->ctr;
    ztk_rt_stack_unlock();
  }
  pthread_mutex_unlock(&registry_lock);
}
