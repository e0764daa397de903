/* Tiny timing helpers for the benchmark programs (real clock: bench/ is outside the
 * deterministic rooms). Each benchmark prints "name value unit" lines. */
#ifndef ZTK_BENCH_BENCH_H
#define ZTK_BENCH_BENCH_H

#include <stdio.h>
#include <time.h>

static inline double bench_now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Runs body repeatedly until at least min_seconds have passed; sets *ops/s. */
#define BENCH_LOOP(min_seconds, rate_out, body)                                           \
  do {                                                                                    \
    double t0_ = bench_now(), el_ = 0;                                                    \
    long n_ = 0;                                                                          \
    while (el_ < (min_seconds)) {                                                         \
      body;                                                                               \
      n_++;                                                                               \
      if ((n_ & 15) == 0 || (min_seconds) > 0.5)                                          \
        el_ = bench_now() - t0_;                                                          \
    }                                                                                     \
    (rate_out) = (double)n_ / (bench_now() - t0_);                                        \
  } while (0)

static inline void bench_print(const char *name, double value, const char *unit)
{
  printf("%-36s %14.2f %s\n", name, value, unit);
  fflush(stdout);
}

#endif
