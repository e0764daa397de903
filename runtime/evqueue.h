/* A bounded FIFO of node events delivered in order on a thread of its own (libzt delivers its
 * events the same way), so a slow event callback never stalls the service thread. Events are
 * copied (with their payload) when pushed. Internal header. */
#ifndef ZTK_RUNTIME_EVQUEUE_H
#define ZTK_RUNTIME_EVQUEUE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "ztkit/node.h"

typedef void (*ztk_evqueue_fn)(void *user, const ztk_event *ev);

typedef struct ztk_evqueue {
  pthread_mutex_t lock;
  pthread_cond_t cv;
  pthread_t thread;
  pthread_t self;  /* the delivery thread as it sees itself (valid while in_thread) */
  bool in_thread;
  bool started, closing;
  ztk_event *ring; /* each slot's data points into its own malloc'd copy */
  unsigned cap, head, count;
  ztk_evqueue_fn fn;
  void *user;
  uint64_t pushed, delivered, dropped;
} ztk_evqueue;

/* Prepares a queue of cap events (at least 1) for fn. Returns 0, ZTK_EINVAL or ZTK_ENOMEM. */
int ztk_evqueue_init(ztk_evqueue *q, unsigned cap, ztk_evqueue_fn fn, void *user);

/* Starts the delivery thread. Returns 0, ZTK_ESTATE (already started) or ZTK_ENOMEM. */
int ztk_evqueue_start(ztk_evqueue *q);

/* Copies ev into the queue (any thread). Returns 0, or ZTK_ELIMIT / ZTK_ENOMEM when the event
 * was dropped (counted). */
int ztk_evqueue_push(ztk_evqueue *q, const ztk_event *ev);

/* Delivers what is queued, then ends the thread; returns once it has exited. The queue may be
 * started again. Returns 0 or ZTK_ESTATE (not started). */
int ztk_evqueue_stop(ztk_evqueue *q);

/* True if the calling thread is the delivery thread. */
bool ztk_evqueue_is_current(ztk_evqueue *q);

/* Counters under the queue's lock. */
void ztk_evqueue_counts(ztk_evqueue *q, uint64_t *pushed, uint64_t *delivered,
                        uint64_t *dropped);

/* Stops if needed and frees the queue's memory (events still queued are discarded). */
void ztk_evqueue_destroy(ztk_evqueue *q);

#endif
