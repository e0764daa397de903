/* The event queue: order, copies of payloads, bounded size with counted drops, stop delivers
 * what is queued, restart. */
#include "tests/support/vectors.h"

#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "runtime/evqueue.h"

typedef struct seen {
  pthread_mutex_t m;
  pthread_mutex_t gate; /* held by the test to stall delivery */
  uint64_t types[64];
  char text[64][8];
  int n;
  bool was_current;
} seen;

static void collect(void *user, const ztk_event *ev)
{
  seen *s = user;
  pthread_mutex_lock(&s->gate);
  pthread_mutex_unlock(&s->gate);
  pthread_mutex_lock(&s->m);
  if (s->n < 64) {
    s->types[s->n] = ev->user_type;
    memcpy(s->text[s->n], ev->data, ev->len < 8 ? ev->len : 7);
    s->n++;
  }
  pthread_mutex_unlock(&s->m);
}

static void record_current(void *user, const ztk_event *ev)
{
  seen *s = user;
  s->was_current = ztk_evqueue_is_current((ztk_evqueue *)(uintptr_t)ev->user_type);
}

static void push_numbered(ztk_evqueue *q, uint64_t i)
{
  char buf[8];
  ztk_event ev;
  memset(&ev, 0, sizeof ev);
  ev.type = ZTK_EVENT_USER_MESSAGE;
  ev.user_type = i;
  snprintf(buf, sizeof buf, "m%u", (unsigned)i);
  ev.data = buf;
  ev.len = strlen(buf) + 1;
  ztk_evqueue_push(q, &ev);
  memset(buf, 'X', sizeof buf); /* the queue holds its own copy */
}

static void init_seen(seen *s)
{
  memset(s, 0, sizeof *s);
  pthread_mutex_init(&s->m, NULL);
  pthread_mutex_init(&s->gate, NULL);
}

static void test_order_and_copies(void **state)
{
  ztk_evqueue q;
  seen s;
  init_seen(&s);
  assert_int_equal(ztk_evqueue_init(&q, 16, collect, &s), 0);
  assert_int_equal(ztk_evqueue_start(&q), 0);
  assert_int_equal(ztk_evqueue_start(&q), ZTK_ESTATE);
  for (uint64_t i = 0; i < 10; i++)
    push_numbered(&q, i);
  assert_int_equal(ztk_evqueue_stop(&q), 0); /* delivers all ten first */
  assert_int_equal(s.n, 10);
  for (int i = 0; i < 10; i++) {
    char want[8];
    snprintf(want, sizeof want, "m%d", i);
    assert_int_equal(s.types[i], (uint64_t)i);
    assert_string_equal(s.text[i], want);
  }
  assert_int_equal(ztk_evqueue_stop(&q), ZTK_ESTATE);
  /* restartable */
  assert_int_equal(ztk_evqueue_start(&q), 0);
  push_numbered(&q, 10);
  assert_int_equal(ztk_evqueue_stop(&q), 0);
  assert_int_equal(s.n, 11);
  uint64_t pushed, delivered, dropped;
  ztk_evqueue_counts(&q, &pushed, &delivered, &dropped);
  assert_int_equal(pushed, 11);
  assert_int_equal(delivered, 11);
  assert_int_equal(dropped, 0);
  ztk_evqueue_destroy(&q);
}

static void test_overflow_is_counted(void **state)
{
  ztk_evqueue q;
  seen s;
  init_seen(&s);
  assert_int_equal(ztk_evqueue_init(&q, 4, collect, &s), 0);
  pthread_mutex_lock(&s.gate); /* the callback stalls on the first event */
  assert_int_equal(ztk_evqueue_start(&q), 0);
  for (uint64_t i = 0; i < 20; i++)
    push_numbered(&q, i);
  pthread_mutex_unlock(&s.gate);
  assert_int_equal(ztk_evqueue_stop(&q), 0);
  uint64_t pushed, delivered, dropped;
  ztk_evqueue_counts(&q, &pushed, &delivered, &dropped);
  assert_int_equal(pushed + dropped, 20);
  assert_true(dropped >= 15); /* at most one in the callback and four queued */
  assert_int_equal(delivered, pushed);
  for (int i = 1; i < s.n; i++)
    assert_true(s.types[i] > s.types[i - 1]); /* still in order */
  ztk_evqueue_destroy(&q);
}

static void test_current_thread_and_bad_args(void **state)
{
  ztk_evqueue q;
  seen s;
  init_seen(&s);
  assert_int_equal(ztk_evqueue_init(&q, 0, collect, &s), ZTK_EINVAL);
  assert_int_equal(ztk_evqueue_init(&q, 4, NULL, &s), ZTK_EINVAL);
  assert_int_equal(ztk_evqueue_init(&q, 4, record_current, &s), 0);
  assert_false(ztk_evqueue_is_current(&q));
  assert_int_equal(ztk_evqueue_start(&q), 0);
  ztk_event ev;
  memset(&ev, 0, sizeof ev);
  ev.user_type = (uint64_t)(uintptr_t)&q;
  assert_int_equal(ztk_evqueue_push(&q, &ev), 0);
  assert_int_equal(ztk_evqueue_stop(&q), 0);
  assert_true(s.was_current);
  assert_false(ztk_evqueue_is_current(&q));
  /* destroy with events still queued frees them */
  push_numbered(&q, 1);
  push_numbered(&q, 2);
  ztk_evqueue_destroy(&q);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_order_and_copies),
    cmocka_unit_test(test_overflow_is_counted),
    cmocka_unit_test(test_current_thread_and_bad_args),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
