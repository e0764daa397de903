/* Target functions: ztk_world_read/parse, ztk_world_write, ztk_world_signing_message,
 * ztk_world_should_replace, ztk_world_upstreams.
 * Invariants: any input parses or fails with a world error; what parses re-serializes to a
 * canonical form no longer than the input, which parses back to the identical form. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/world/default_planet.h"
#include "core/world/world.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_canonical(const ztk_world *w, size_t consumed)
{
  static uint8_t out[ZTK_WORLD_MAX_LEN], out2[ZTK_WORLD_MAX_LEN], msg[ZTK_WORLD_SIGNING_MAX_LEN];
  ztk_world w2;
  ztk_wr wr = ztk_wr_make(out, sizeof out);
  if (ztk_world_write(&wr, w) || wr.len > consumed)
    abort();
  if (ztk_world_parse(&w2, out, wr.len) != (int)wr.len)
    abort();
  ztk_wr wr2 = ztk_wr_make(out2, sizeof out2);
  if (ztk_world_write(&wr2, &w2) || wr2.len != wr.len || memcmp(out, out2, wr.len))
    abort();
  int mlen = ztk_world_signing_message(w, msg, sizeof msg);
  if (mlen != (int)wr.len - ZTK_WORLD_SIGNATURE_LEN + 16)
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static ztk_world w, planet;
  static ztk_upstream ups[2 * ZTK_WORLD_MAX_ROOTS];
  int rc = ztk_world_parse(&w, data, size);
  if (rc < 0) {
    if (rc != ZTK_ETRUNC && rc != ZTK_EWORLD_TYPE && rc != ZTK_EWORLD_LIMIT &&
        rc != ZTK_EWORLD_IDENTITY && rc != ZTK_EWORLD_ENDPOINT)
      abort();
    return 0;
  }
  if ((size_t)rc > size)
    abort();
  check_canonical(&w, (size_t)rc);
  if (ztk_default_planet(&planet))
    abort();
  rc = ztk_world_should_replace(&planet, &w);
  if (rc != 0 && rc != ZTK_EWORLD_TYPE && rc != ZTK_EWORLD_ID && rc != ZTK_EWORLD_OLD &&
      rc != ZTK_EWORLD_SIGNATURE)
    abort();
  rc = ztk_world_upstreams(&planet, &w, 1, NULL, ups, sizeof ups / sizeof ups[0], NULL);
  if (rc < ZTK_WORLD_MAX_ROOTS || rc > 2 * ZTK_WORLD_MAX_ROOTS)
    abort();
  return 0;
}
