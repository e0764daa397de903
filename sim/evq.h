/* The simulator's discrete-event queue and virtual clock.
 *
 * Virtual time is an int64_t count of microseconds since the start of the run (sub-millisecond
 * resolution is needed for link serialisation delays); hosts see milliseconds through
 * ztk_evq_now_ms(). Events sit in a binary min-heap ordered by (time, sequence number): the
 * sequence number is the order of scheduling, so two events due at the same instant always run
 * in the order they were scheduled and a run replays exactly. Nothing depends on pointer values.
 *
 * Handles are (generation, slot) pairs: a handle stays safe to use after its event has run or
 * was cancelled (cancel then reports ZTK_ENOTFOUND), because freeing a slot bumps its
 * generation. The queue never holds more than its max_events pending events.
 *
 * Internal header: not a stable API. */
#ifndef ZTK_SIM_EVQ_H
#define ZTK_SIM_EVQ_H

#include <stdbool.h>
#include <stdint.h>

#include "ztkit/types.h"

typedef struct ztk_evq ztk_evq;

/* An event handle; 0 is never a valid handle. */
typedef uint64_t ztk_evh;

/* An event's action. It runs with ztk_evq_now_us(q) equal to the event's time and may schedule
 * and cancel events (but not call ztk_evq_run). */
typedef void (*ztk_ev_fn)(ztk_evq *q, void *ctx, void *arg);

/* A run's stop predicate, checked after every event: true stops the run. */
typedef bool (*ztk_evq_stop_fn)(void *ctx);

/* Why ztk_evq_run() returned. */
typedef enum ztk_evq_why {
  ZTK_EVQ_IDLE = 0, /* no event left at all (and until was ZTK_NEVER) */
  ZTK_EVQ_REACHED,  /* the next event is later than `until`; now == until */
  ZTK_EVQ_BUDGET,   /* the event budget is spent */
  ZTK_EVQ_STOPPED,  /* the predicate asked to stop */
} ztk_evq_why;

#define ZTK_EVQ_DEFAULT_MAX (1u << 24)

/* Creates an empty queue at time 0 holding at most max_events pending events (0 picks
 * ZTK_EVQ_DEFAULT_MAX). Returns 0 or ZTK_ENOMEM / ZTK_EINVAL. */
int ztk_evq_new(ztk_evq **out, uint32_t max_events);

/* Frees the queue. Pending events are dropped without running; their owners must have purged
 * them first if their args own memory (see ztk_evq_purge). */
void ztk_evq_del(ztk_evq *q);

int64_t ztk_evq_now_us(const ztk_evq *q);
/* Virtual time in whole milliseconds (floor). */
int64_t ztk_evq_now_ms(const ztk_evq *q);

/* Schedules fn(q, ctx, arg) at absolute time at_us (>= now). *out (optional) receives the
 * handle. Returns 0 or one of: ZTK_EINVAL (fn NULL or at_us in the past), ZTK_ELIMIT (queue
 * full), ZTK_ENOMEM. */
int ztk_evq_at(ztk_evq *q, int64_t at_us, ztk_ev_fn fn, void *ctx, void *arg, ztk_evh *out);

/* Same, delay_us (>= 0) after now. Returns as ztk_evq_at. */
int ztk_evq_after(ztk_evq *q, int64_t delay_us, ztk_ev_fn fn, void *ctx, void *arg, ztk_evh *out);

/* Cancels a pending event. Returns 0, or ZTK_ENOTFOUND if the handle is 0, has already run or
 * was already cancelled. */
int ztk_evq_cancel(ztk_evq *q, ztk_evh h);

/* True if h names an event that is still pending. */
bool ztk_evq_pending(const ztk_evq *q, ztk_evh h);

/* Time of the earliest pending event, or ZTK_NEVER. */
int64_t ztk_evq_next_us(const ztk_evq *q);

/* Number of pending events, and of events run since creation. */
uint32_t ztk_evq_size(const ztk_evq *q);
uint64_t ztk_evq_executed(const ztk_evq *q);

/* Runs events in (time, seq) order while the next one is due at or before until_us (ZTK_NEVER:
 * no time limit), at most `budget` events (0: no limit), stopping early when stop (optional)
 * returns true. If the run ends because of time, now advances to until_us (unless ZTK_NEVER).
 * *why (optional) tells why it returned. Returns the number of events run (>= 0), or
 * ZTK_ESTATE if called from inside an event, or ZTK_EINVAL if until_us is in the past. */
int64_t ztk_evq_run(ztk_evq *q, int64_t until_us, uint64_t budget, ztk_evq_stop_fn stop,
                    void *stop_ctx, ztk_evq_why *why);

/* Cancels every pending event whose ctx equals `ctx`, calling dtor(ctx, fn, arg) (optional) for
 * each (in slot order, which is deterministic), so an owner going away can free what its events
 * point to. The dtor must not schedule events.
 * Returns how many events were removed. */
uint32_t ztk_evq_purge(ztk_evq *q, void *ctx, void (*dtor)(void *ctx, ztk_ev_fn fn, void *arg));

#endif
