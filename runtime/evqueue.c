#include "runtime/evqueue.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

int ztk_evqueue_init(ztk_evqueue *q, unsigned cap, ztk_evqueue_fn fn, void *user)
{
  if (!q || !fn || !cap)
    return ZTK_EINVAL;
  memset(q, 0, sizeof *q);
  q->ring = calloc(cap, sizeof *q->ring);
  if (!q->ring)
    return ZTK_ENOMEM;
  q->cap = cap;
  q->fn = fn;
  q->user = user;
  pthread_mutex_init(&q->lock, NULL);
  pthread_cond_init(&q->cv, NULL);
  return 0;
}

static void *deliver_main(void *arg)
{
  ztk_evqueue *q = arg;
  pthread_mutex_lock(&q->lock);
  q->self = pthread_self();
  q->in_thread = true;
  for (;;) {
    while (!q->count && !q->closing)
      pthread_cond_wait(&q->cv, &q->lock);
    if (!q->count)
      break;
    ztk_event ev = q->ring[q->head];
    q->head = (q->head + 1) % q->cap;
    q->count--;
    pthread_mutex_unlock(&q->lock);
    q->fn(q->user, &ev);
    free((void *)(uintptr_t)ev.data);
    pthread_mutex_lock(&q->lock);
    q->delivered++;
  }
  q->in_thread = false;
  pthread_mutex_unlock(&q->lock);
  return NULL;
}

int ztk_evqueue_start(ztk_evqueue *q)
{
  sigset_t all, old;
  if (q->started)
    return ZTK_ESTATE;
  q->closing = false;
  /* The thread inherits a mask blocking every signal: signals stay with the application. */
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  int rc = pthread_create(&q->thread, NULL, deliver_main, q);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (rc)
    return ZTK_ENOMEM;
  q->started = true;
  return 0;
}

int ztk_evqueue_push(ztk_evqueue *q, const ztk_event *ev)
{
  void *copy = NULL;
  if (ev->len) {
    copy = malloc(ev->len);
    if (!copy) {
      pthread_mutex_lock(&q->lock);
      q->dropped++;
      pthread_mutex_unlock(&q->lock);
      return ZTK_ENOMEM;
    }
    memcpy(copy, ev->data, ev->len);
  }
  pthread_mutex_lock(&q->lock);
  if (q->count == q->cap) {
    q->dropped++;
    pthread_mutex_unlock(&q->lock);
    free(copy);
    return ZTK_ELIMIT;
  }
  ztk_event *slot = &q->ring[(q->head + q->count) % q->cap];
  *slot = *ev;
  slot->data = copy;
  q->count++;
  q->pushed++;
  pthread_cond_signal(&q->cv);
  pthread_mutex_unlock(&q->lock);
  return 0;
}

int ztk_evqueue_stop(ztk_evqueue *q)
{
  if (!q->started)
    return ZTK_ESTATE;
  pthread_mutex_lock(&q->lock);
  q->closing = true;
  pthread_cond_signal(&q->cv);
  pthread_mutex_unlock(&q->lock);
  pthread_join(q->thread, NULL);
  q->started = false;
  return 0;
}

bool ztk_evqueue_is_current(ztk_evqueue *q)
{
  pthread_mutex_lock(&q->lock);
  bool current = q->in_thread && pthread_equal(pthread_self(), q->self);
  pthread_mutex_unlock(&q->lock);
  return current;
}

void ztk_evqueue_counts(ztk_evqueue *q, uint64_t *pushed, uint64_t *delivered,
                        uint64_t *dropped)
{
  pthread_mutex_lock(&q->lock);
  if (pushed)
    *pushed = q->pushed;
  if (delivered)
    *delivered = q->delivered;
  if (dropped)
    *dropped = q->dropped;
  pthread_mutex_unlock(&q->lock);
}

void ztk_evqueue_destroy(ztk_evqueue *q)
{
  if (!q || !q->ring)
    return;
  ztk_evqueue_stop(q);
  for (unsigned i = 0; i < q->count; i++)
    free((void *)(uintptr_t)q->ring[(q->head + i) % q->cap].data);
  free(q->ring);
  q->ring = NULL;
  pthread_cond_destroy(&q->cv);
  pthread_mutex_destroy(&q->lock);
}
