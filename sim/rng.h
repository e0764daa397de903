/* Seeded pseudo-random streams for the simulator.
 *
 * One 64-bit world seed makes a root key. Every component takes its own stream, derived from
 * the root key and a label ("link:3/0", "host:17", "workload") with keyed BLAKE2b, so adding a
 * component or drawing more numbers in one never perturbs another's stream. Roots can also be
 * derived from roots (a host's root, from which its node, stack and workload streams come).
 *
 * A stream is xoshiro256** (fast, 32 bytes of state). The distribution helpers use only IEEE
 * basic arithmetic (our own log/exp below, no libm transcendental functions) so a seed gives
 * the same numbers on every machine and libc. Not for cryptography.
 *
 * Internal header: not a stable API. */
#ifndef ZTK_SIM_RNG_H
#define ZTK_SIM_RNG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct ztk_rng_root {
  uint8_t key[32];
} ztk_rng_root;

typedef struct ztk_rng {
  uint64_t s[4];
} ztk_rng;

#define ZTK_RNG_LABEL_MAX 128

/* Root key from a world seed. */
void ztk_rng_root_init(ztk_rng_root *root, uint64_t seed);

/* A child root for `label` (e.g. "host:17"). Labels longer than ZTK_RNG_LABEL_MAX are hashed
 * whole, so any label works. */
void ztk_rng_root_child(const ztk_rng_root *parent, const char *label, ztk_rng_root *child);

/* The stream for `label`. The same (root, label) always yields the same stream. */
void ztk_rng_stream(const ztk_rng_root *root, const char *label, ztk_rng *out);

/* Stream whose label is printf-formatted (e.g. "link:%u/%u"). Returns 0, or ZTK_ERANGE if the
 * label does not fit ZTK_RNG_LABEL_MAX bytes (out is then left untouched). */
int ztk_rng_streamf(const ztk_rng_root *root, ztk_rng *out, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A stream from 32 raw seed bytes (tests). */
void ztk_rng_seed(ztk_rng *g, const uint8_t seed[32]);

uint64_t ztk_rng_u64(ztk_rng *g);

/* Uniform integer in [0, bound); bound 0 yields 0. Unbiased (Lemire's multiply-reject). */
uint64_t ztk_rng_below(ztk_rng *g, uint64_t bound);

/* Uniform double in [0, 1) with 53 random bits. */
double ztk_rng_unit(ztk_rng *g);

/* True with probability p (p <= 0: never, p >= 1: always, without drawing). */
bool ztk_rng_chance(ztk_rng *g, double p);

/* Uniform double in [lo, hi). */
double ztk_rng_uniform(ztk_rng *g, double lo, double hi);

/* Normal(mean, sd) by Marsaglia's polar method. */
double ztk_rng_normal(ztk_rng *g, double mean, double sd);

/* Exponential with the given mean (> 0). */
double ztk_rng_exponential(ztk_rng *g, double mean);

/* Pareto with scale xm > 0 and shape alpha > 0: values >= xm, heavy tail for small alpha. */
double ztk_rng_pareto(ztk_rng *g, double xm, double alpha);

/* Fills buf with stream bytes. Signature matches ztk_random_fn (user = ztk_rng *), so a node can
 * be handed a simulator stream as its injected randomness. */
void ztk_rng_fill(void *user, void *buf, size_t len);

/* Deterministic natural logarithm (x > 0; returns -inf-like -1e308 for x <= 0) and exponential
 * (saturating), accurate to a few ulps, built from + - * / only. Exposed for tests. */
double ztk_rng_ln(double x);
double ztk_rng_exp(double x);

#endif
