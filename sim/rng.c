#include "sim/rng.h"

#include <math.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ztkit/error.h"

/* Domain-separation tags: root keys and streams never collide for the same label. */
static const uint8_t TAG_ROOT = 'R';
static const uint8_t TAG_STREAM = 'S';

static void keyed_hash(uint8_t out[32], const uint8_t key[32], uint8_t tag, const char *label)
{
  crypto_generichash_state st;
  crypto_generichash_init(&st, key, 32, 32);
  crypto_generichash_update(&st, &tag, 1);
  crypto_generichash_update(&st, (const unsigned char *)label, strlen(label));
  crypto_generichash_final(&st, out, 32);
}

void ztk_rng_root_init(ztk_rng_root *root, uint64_t seed)
{
  static const char personal[] = "ztkit simulator world seed";
  uint8_t msg[sizeof personal + 8];
  memcpy(msg, personal, sizeof personal);
  for (int i = 0; i < 8; i++)
    msg[sizeof personal + i] = (uint8_t)(seed >> (8 * i));
  crypto_generichash(root->key, 32, msg, sizeof msg, NULL, 0);
}

void ztk_rng_root_child(const ztk_rng_root *parent, const char *label, ztk_rng_root *child)
{
  uint8_t k[32];
  keyed_hash(k, parent->key, TAG_ROOT, label);
  memcpy(child->key, k, 32);
}

static uint64_t le64(const uint8_t *p)
{
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--)
    v = (v << 8) | p[i];
  return v;
}

void ztk_rng_seed(ztk_rng *g, const uint8_t seed[32])
{
  for (int i = 0; i < 4; i++)
    g->s[i] = le64(seed + 8 * i);
  if (!(g->s[0] | g->s[1] | g->s[2] | g->s[3]))
    g->s[0] = 1; /* the all-zero state is xoshiro's only fixed point */
}

void ztk_rng_stream(const ztk_rng_root *root, const char *label, ztk_rng *out)
{
  uint8_t seed[32];
  keyed_hash(seed, root->key, TAG_STREAM, label);
  ztk_rng_seed(out, seed);
}

int ztk_rng_streamf(const ztk_rng_root *root, ztk_rng *out, const char *fmt, ...)
{
  char label[ZTK_RNG_LABEL_MAX];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(label, sizeof label, fmt, ap);
  va_end(ap);
  if (n < 0 || (size_t)n >= sizeof label)
    return ZTK_ERANGE;
  ztk_rng_stream(root, label, out);
  return 0;
}

static uint64_t rotl(uint64_t x, int k)
{
  return (x << k) | (x >> (64 - k));
}

uint64_t ztk_rng_u64(ztk_rng *g)
{
  uint64_t *s = g->s;
  uint64_t result = rotl(s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

uint64_t ztk_rng_below(ztk_rng *g, uint64_t bound)
{
  if (bound == 0)
    return 0;
  unsigned __int128 m = (unsigned __int128)ztk_rng_u64(g) * bound;
  uint64_t low = (uint64_t)m;
  if (low < bound) {
    uint64_t threshold = (0 - bound) % bound;
    while (low < threshold) { /* expected < 2 rounds; each round is an independent draw */
      m = (unsigned __int128)ztk_rng_u64(g) * bound;
      low = (uint64_t)m;
    }
  }
  return (uint64_t)(m >> 64);
}

double ztk_rng_unit(ztk_rng *g)
{
  return (double)(ztk_rng_u64(g) >> 11) * 0x1.0p-53;
}

bool ztk_rng_chance(ztk_rng *g, double p)
{
  if (!(p > 0))
    return false;
  if (p >= 1)
    return true;
  return ztk_rng_unit(g) < p;
}

double ztk_rng_uniform(ztk_rng *g, double lo, double hi)
{
  return lo + (hi - lo) * ztk_rng_unit(g);
}

/* ln 2 split so that k * LN2_HI is exact for the k we use (fdlibm's constants). */
static const double LN2_HI = 6.93147180369123816490e-01;
static const double LN2_LO = 1.90821492927058770002e-10;
static const double SQRT_HALF = 0.70710678118654752440;

double ztk_rng_ln(double x)
{
  if (!(x > 0))
    return -1e308;
  if (x > 1.7976931348623157e308)
    return 709.782712893384;
  int e;
  double m = frexp(x, &e); /* exact: x = m * 2^e, m in [0.5, 1) */
  if (m < SQRT_HALF) {
    m *= 2;
    e--;
  }
  /* ln m = 2 atanh(s), s = (m-1)/(m+1), |s| <= 0.1716: 12 odd terms reach 1e-19. */
  double s = (m - 1) / (m + 1), s2 = s * s, sum = 0;
  for (int k = 23; k >= 1; k -= 2)
    sum = sum * s2 + 1.0 / k;
  return (double)e * LN2_HI + ((double)e * LN2_LO + 2 * s * sum);
}

double ztk_rng_exp(double x)
{
  if (x != x)
    return x;
  if (x > 709.78)
    return 1.7976931348623157e308;
  if (x < -745.2)
    return 0;
  double kd = x * 1.44269504088896340736 + (x >= 0 ? 0.5 : -0.5);
  int k = (int)kd;
  double r = (x - k * LN2_HI) - k * LN2_LO; /* |r| <= 0.35 */
  double sum = 1;
  for (int n = 18; n >= 1; n--) /* Horner form of sum r^n / n! */
    sum = 1 + sum * r / n;
  return ldexp(sum, k); /* exact scaling */
}

double ztk_rng_normal(ztk_rng *g, double mean, double sd)
{
  for (int tries = 0; tries < 64; tries++) { /* accepts with p = pi/4 per try */
    double u = 2 * ztk_rng_unit(g) - 1, v = 2 * ztk_rng_unit(g) - 1;
    double s = u * u + v * v;
    if (s > 0 && s < 1)
      return mean + sd * u * sqrt(-2 * ztk_rng_ln(s) / s);
  }
  return mean;
}

double ztk_rng_exponential(ztk_rng *g, double mean)
{
  return -mean * ztk_rng_ln(1 - ztk_rng_unit(g)); /* 1 - unit is in (0, 1] */
}

double ztk_rng_pareto(ztk_rng *g, double xm, double alpha)
{
  double u = 1 - ztk_rng_unit(g);
  return xm * ztk_rng_exp(-ztk_rng_ln(u) / alpha);
}

void ztk_rng_fill(void *user, void *buf, size_t len)
{
  ztk_rng *g = user;
  uint8_t *p = buf;
  while (len > 0) {
    uint64_t v = ztk_rng_u64(g);
    size_t n = len < 8 ? len : 8;
    for (size_t i = 0; i < n; i++)
      p[i] = (uint8_t)(v >> (8 * i));
    p += n;
    len -= n;
  }
}
