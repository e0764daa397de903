/* ztk-idpool: pools of pre-generated identities for large simulations.
 *
 * An identity's proof of work costs about 0.4 s to generate, so worlds of thousands of nodes
 * draw identities from a pool made ahead of time. A pool file is a sequence of 69-byte
 * records: address (5, big-endian) || X25519 private (32) || Ed25519 seed (32). Public keys are
 * derived when loaded; `verify` re-runs the full proof of work of every record.
 *
 *   ztk-idpool generate FILE COUNT   append identities until FILE holds COUNT
 *   ztk-idpool verify FILE [N]       full validation of the first N (default all) records
 *   ztk-idpool count FILE */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/util/cursor.h"
#include "sim/idpool.h"
#include "ztkit/error.h"
#include "ztkit/identity.h"

static void sodium_random(void *user, void *buf, size_t len)
{
  (void)user;
  randombytes_buf(buf, len);
}

static long pool_count(const char *path)
{
  struct stat st;
  if (stat(path, &st) != 0)
    return 0;
  return (long)(st.st_size / ZTK_IDPOOL_RECORD_LEN);
}

static int cmd_generate(const char *path, long want)
{
  long have = pool_count(path);
  FILE *f = fopen(path, "ab");
  if (!f) {
    fprintf(stderr, "cannot open %s\n", path);
    return 1;
  }
  while (have < want) {
    ztk_identity id;
    uint8_t rec[ZTK_IDPOOL_RECORD_LEN];
    if (ztk_identity_generate(&id, sodium_random, NULL)) {
      fclose(f);
      return 1;
    }
    ztk_idpool_encode(&id, rec);
    if (fwrite(rec, 1, sizeof rec, f) != sizeof rec || fflush(f) != 0) {
      fprintf(stderr, "write to %s failed\n", path);
      fclose(f);
      return 1;
    }
    have++;
    if (have % 100 == 0)
      fprintf(stderr, "%ld/%ld\n", have, want);
  }
  fclose(f);
  return 0;
}

static int cmd_verify(const char *path, long limit)
{
  ztk_idpool *pool = NULL;
  int rc = ztk_idpool_load(path, &pool);
  if (rc) {
    fprintf(stderr, "cannot load %s: %s\n", path, ztk_strerror(rc));
    return 1;
  }
  long n = (long)ztk_idpool_size(pool), bad = 0;
  if (limit > 0 && limit < n)
    n = limit;
  for (long i = 0; i < n; i++) {
    ztk_identity id;
    ztk_idpool_get(pool, (size_t)i, &id);
    if (ztk_identity_validate(&id) != 0) {
      fprintf(stderr, "record %ld (%010llx) FAILED validation\n", i,
              (unsigned long long)id.address);
      bad++;
    }
  }
  ztk_idpool_free(pool);
  printf("%ld identities checked, %ld invalid\n", n, bad);
  return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
  if (sodium_init() < 0)
    return 1;
  if (argc >= 4 && !strcmp(argv[1], "generate"))
    return cmd_generate(argv[2], atol(argv[3]));
  if (argc >= 3 && !strcmp(argv[1], "verify"))
    return cmd_verify(argv[2], argc >= 4 ? atol(argv[3]) : 0);
  if (argc >= 3 && !strcmp(argv[1], "count")) {
    printf("%ld\n", pool_count(argv[2]));
    return 0;
  }
  fprintf(stderr, "usage: %s generate FILE COUNT | verify FILE [N] | count FILE\n", argv[0]);
  return 2;
}
