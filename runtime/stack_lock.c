/* The runtime's stack lock; see stack_lock.h. */
#include "runtime/stack_lock.h"

#include <sodium.h>
#include <time.h>

#include "stack/env.h"

static pthread_mutex_t stack_mutex = PTHREAD_MUTEX_INITIALIZER;
static _Thread_local int depth;
static int started; /* under stack_mutex */

static void rt_random(void *user, void *buf, size_t len)
{
  (void)user;
  randombytes_buf(buf, len);
}

int64_t ztk_rt_mono_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void ztk_rt_cond_init(pthread_cond_t *cv)
{
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_init(cv, &ca);
  pthread_condattr_destroy(&ca);
}

void ztk_rt_stack_lock(void)
{
  if (depth++ > 0)
    return;
  pthread_mutex_lock(&stack_mutex);
  if (!started) {
    started = 1;
    if (sodium_init() < 0) {
      /* libsodium cannot start: lwIP keeps its built-in stream (ports, ISNs less random) */
    } else {
      ztk_stack_set_random(rt_random, NULL);
    }
    ztk_stack_init();
  }
  ztk_stack_set_now(ztk_rt_mono_ms());
}

void ztk_rt_stack_unlock(void)
{
  if (--depth == 0)
    pthread_mutex_unlock(&stack_mutex);
}

int ztk_rt_stack_depth(void)
{
  return depth;
}

void ztk_rt_stack_wait(pthread_cond_t *cv, int64_t deadline_ms)
{
  if (deadline_ms == INT64_MAX) {
    pthread_cond_wait(cv, &stack_mutex);
  } else {
    struct timespec until = {(time_t)(deadline_ms / 1000), (long)(deadline_ms % 1000) * 1000000};
    pthread_cond_timedwait(cv, &stack_mutex, &until);
  }
  ztk_stack_set_now(ztk_rt_mono_ms());
}
