#include "sim/evq.h"

#include <stdlib.h>

#include "ztkit/error.h"

/* Heap entries carry their keys so sifting never touches the slot table. */
typedef struct heap_ent {
  int64_t t;
  uint64_t seq;
  uint32_t slot;
} heap_ent;

/* A slot is either pending (pos < heap size, in the heap) or free (on the free list). */
typedef struct slot {
  ztk_ev_fn fn;
  void *ctx;
  void *arg;
  uint32_t pos;  /* heap index while pending */
  uint32_t gen;  /* bumped whenever the slot is freed */
  uint32_t next; /* free-list link while free */
  bool live;
} slot;

#define NO_SLOT UINT32_MAX

struct ztk_evq {
  int64_t now;
  uint64_t seq;
  uint64_t executed;
  heap_ent *heap;
  uint32_t n;
  slot *slots;
  uint32_t nslots; /* slots ever allocated (capacity in use) */
  uint32_t cap;    /* allocated length of heap and slots */
  uint32_t max;
  uint32_t free_head;
  bool running;
};

int ztk_evq_new(ztk_evq **out, uint32_t max_events)
{
  if (!out)
    return ZTK_EINVAL;
  ztk_evq *q = calloc(1, sizeof *q);
  if (!q)
    return ZTK_ENOMEM;
  q->max = max_events ? max_events : ZTK_EVQ_DEFAULT_MAX;
  if (q->max >= NO_SLOT - 1)
    q->max = NO_SLOT - 2;
  q->free_head = NO_SLOT;
  *out = q;
  return 0;
}

void ztk_evq_del(ztk_evq *q)
{
  if (!q)
    return;
  free(q->heap);
  free(q->slots);
  free(q);
}

int64_t ztk_evq_now_us(const ztk_evq *q)
{
  return q->now;
}

int64_t ztk_evq_now_ms(const ztk_evq *q)
{
  return q->now / 1000;
}

static bool before(const heap_ent *a, const heap_ent *b)
{
  return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

static void place(ztk_evq *q, uint32_t i, heap_ent e)
{
  q->heap[i] = e;
  q->slots[e.slot].pos = i;
}

static void sift_up(ztk_evq *q, uint32_t i)
{
  heap_ent e = q->heap[i];
  while (i > 0) {
    uint32_t parent = (i - 1) / 2;
    if (!before(&e, &q->heap[parent]))
      break;
    place(q, i, q->heap[parent]);
    i = parent;
  }
  place(q, i, e);
}

static void sift_down(ztk_evq *q, uint32_t i)
{
  heap_ent e = q->heap[i];
  for (;;) {
    uint32_t c = 2 * i + 1;
    if (c >= q->n)
      break;
    if (c + 1 < q->n && before(&q->heap[c + 1], &q->heap[c]))
      c++;
    if (!before(&q->heap[c], &e))
      break;
    place(q, i, q->heap[c]);
    i = c;
  }
  place(q, i, e);
}

static int grow(ztk_evq *q)
{
  uint32_t cap = q->cap ? q->cap * 2 : 64;
  if (cap > q->max)
    cap = q->max;
  heap_ent *h = realloc(q->heap, (size_t)cap * sizeof *h);
  if (!h)
    return ZTK_ENOMEM;
  q->heap = h;
  slot *s = realloc(q->slots, (size_t)cap * sizeof *s);
  if (!s)
    return ZTK_ENOMEM;
  q->slots = s;
  q->cap = cap;
  return 0;
}

/* Returns a free slot index, or NO_SLOT with *err set. */
static uint32_t take_slot(ztk_evq *q, int *err)
{
  if (q->free_head != NO_SLOT) {
    uint32_t i = q->free_head;
    q->free_head = q->slots[i].next;
    return i;
  }
  if (q->nslots >= q->max) {
    *err = ZTK_ELIMIT;
    return NO_SLOT;
  }
  if (q->nslots == q->cap && (*err = grow(q)) != 0)
    return NO_SLOT;
  q->slots[q->nslots].gen = 1;
  return q->nslots++;
}

static void free_slot(ztk_evq *q, uint32_t i)
{
  slot *s = &q->slots[i];
  s->live = false;
  s->gen++;
  if (s->gen == 0)
    s->gen = 1;
  s->next = q->free_head;
  q->free_head = i;
}

static ztk_evh make_handle(const ztk_evq *q, uint32_t i)
{
  return ((uint64_t)q->slots[i].gen << 32) | ((uint64_t)i + 1);
}

int ztk_evq_at(ztk_evq *q, int64_t at_us, ztk_ev_fn fn, void *ctx, void *arg, ztk_evh *out)
{
  if (!fn || at_us < q->now)
    return ZTK_EINVAL;
  int err = 0;
  uint32_t i = take_slot(q, &err);
  if (i == NO_SLOT)
    return err;
  slot *s = &q->slots[i];
  s->fn = fn;
  s->ctx = ctx;
  s->arg = arg;
  s->live = true;
  heap_ent e = {at_us, q->seq++, i};
  q->heap[q->n] = e;
  q->slots[i].pos = q->n;
  sift_up(q, q->n++);
  if (out)
    *out = make_handle(q, i);
  return 0;
}

int ztk_evq_after(ztk_evq *q, int64_t delay_us, ztk_ev_fn fn, void *ctx, void *arg, ztk_evh *out)
{
  if (delay_us < 0 || delay_us > INT64_MAX - q->now)
    return ZTK_EINVAL;
  return ztk_evq_at(q, q->now + delay_us, fn, ctx, arg, out);
}

/* Returns the slot of a pending handle, or NO_SLOT. */
static uint32_t lookup(const ztk_evq *q, ztk_evh h)
{
  uint64_t low = h & 0xffffffffu;
  if (low == 0 || low > q->nslots)
    return NO_SLOT;
  uint32_t i = (uint32_t)(low - 1);
  const slot *s = &q->slots[i];
  return s->live && s->gen == (uint32_t)(h >> 32) ? i : NO_SLOT;
}

bool ztk_evq_pending(const ztk_evq *q, ztk_evh h)
{
  return lookup(q, h) != NO_SLOT;
}

/* Removes heap entry at position pos and frees its slot. */
static void remove_at(ztk_evq *q, uint32_t pos)
{
  uint32_t i = q->heap[pos].slot;
  q->n--;
  if (pos != q->n) {
    heap_ent last = q->heap[q->n];
    place(q, pos, last);
    if (pos > 0 && before(&last, &q->heap[(pos - 1) / 2]))
      sift_up(q, pos);
    else
      sift_down(q, pos);
  }
  free_slot(q, i);
}

int ztk_evq_cancel(ztk_evq *q, ztk_evh h)
{
  uint32_t i = lookup(q, h);
  if (i == NO_SLOT)
    return ZTK_ENOTFOUND;
  remove_at(q, q->slots[i].pos);
  return 0;
}

int64_t ztk_evq_next_us(const ztk_evq *q)
{
  return q->n ? q->heap[0].t : ZTK_NEVER;
}

uint32_t ztk_evq_size(const ztk_evq *q)
{
  return q->n;
}

uint64_t ztk_evq_executed(const ztk_evq *q)
{
  return q->executed;
}

/* Pops and runs the earliest event. */
static void run_one(ztk_evq *q)
{
  heap_ent top = q->heap[0];
  slot s = q->slots[top.slot];
  remove_at(q, 0);
  q->now = top.t;
  q->executed++;
  s.fn(q, s.ctx, s.arg);
}

int64_t ztk_evq_run(ztk_evq *q, int64_t until_us, uint64_t budget, ztk_evq_stop_fn stop,
                    void *stop_ctx, ztk_evq_why *why)
{
  if (q->running)
    return ZTK_ESTATE;
  if (until_us < q->now)
    return ZTK_EINVAL;
  ztk_evq_why w;
  int64_t count = 0;
  q->running = true;
  for (;;) {
    if (q->n == 0 || q->heap[0].t > until_us) {
      w = until_us == ZTK_NEVER ? ZTK_EVQ_IDLE : ZTK_EVQ_REACHED;
      if (until_us != ZTK_NEVER)
        q->now = until_us;
      break;
    }
    if (budget && (uint64_t)count >= budget) {
      w = ZTK_EVQ_BUDGET;
      break;
    }
    run_one(q);
    count++;
    if (stop && stop(stop_ctx)) {
      w = ZTK_EVQ_STOPPED;
      break;
    }
  }
  q->running = false;
  if (why)
    *why = w;
  return count;
}

uint32_t ztk_evq_purge(ztk_evq *q, void *ctx, void (*dtor)(void *ctx, ztk_ev_fn fn, void *arg))
{
  uint32_t removed = 0;
  for (uint32_t i = 0; i < q->nslots; i++) {
    slot *s = &q->slots[i];
    if (!s->live || s->ctx != ctx)
      continue;
    ztk_ev_fn fn = s->fn;
    void *arg = s->arg;
    remove_at(q, s->pos);
    removed++;
    if (dtor)
      dtor(ctx, fn, arg);
  }
  return removed;
}
