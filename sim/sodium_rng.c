/* libsodium's randomness, redirected to a deterministic stream while worlds are alive.
 *
 * randombytes_set_implementation() is process-wide, so this file holds the simulator's only
 * global state: the stream of the newest world and a count of live worlds. ztkit's core never
 * asks libsodium for randomness (it takes a ztk_random_fn), so the hook is a safety net: any
 * libsodium call that draws random bytes inside a simulation still replays from the seed. The
 * system implementation comes back when the last world is freed. Not thread-safe, like the
 * worlds themselves. */
#include <sodium.h>

#include "sim/world.h"

static ztk_rng g_stream;
static unsigned g_worlds;

static const char *impl_name(void) { return "ztkit-sim"; }

static uint32_t impl_random(void) { return (uint32_t)(ztk_rng_u64(&g_stream) >> 32); }

static void impl_buf(void *buf, size_t len) { ztk_rng_fill(&g_stream, buf, len); }

static randombytes_implementation impl = {
  .implementation_name = impl_name,
  .random = impl_random,
  .stir = NULL,
  .uniform = NULL,
  .buf = impl_buf,
  .close = NULL,
};

void ztk_sim_sodium_acquire(const ztk_rng *stream)
{
  g_stream = *stream;
  if (g_worlds++ == 0)
    randombytes_set_implementation(&impl);
}

void ztk_sim_sodium_release(void)
{
  if (g_worlds && --g_worlds == 0)
    randombytes_set_implementation(&randombytes_sysrandom_implementation);
}
