#include "tests/support/vectors.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/crypto/csprng.h"
#include "core/util/hex.h"

static char *data_path(const char *relpath)
{
  size_t n = strlen(ZTK_TEST_DATA) + strlen(relpath) + 2;
  char *p = malloc(n);
  assert_non_null(p);
  snprintf(p, n, "%s/%s", ZTK_TEST_DATA, relpath);
  return p;
}

json_t *tv_load(const char *relpath)
{
  json_error_t err;
  char *p = data_path(relpath);
  json_t *j = json_load_file(p, 0, &err);
  if (!j)
    fail_msg("cannot load %s: %s (line %d)", p, err.text, err.line);
  free(p);
  return j;
}

uint8_t *tv_read_file(const char *relpath, size_t *len)
{
  char *p = data_path(relpath);
  FILE *f = fopen(p, "rb");
  if (!f)
    fail_msg("cannot open %s", p);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  uint8_t *buf = malloc(n > 0 ? (size_t)n : 1);
  assert_non_null(buf);
  assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
  fclose(f);
  free(p);
  *len = (size_t)n;
  return buf;
}

const char *tv_str(const json_t *obj, const char *key)
{
  const char *s = json_string_value(json_object_get(obj, key));
  if (!s)
    fail_msg("vector has no string member '%s'", key);
  return s;
}

uint8_t *tv_hex(const json_t *obj, const char *key, size_t *len)
{
  const char *s = tv_str(obj, key);
  size_t n = strlen(s) / 2;
  uint8_t *buf = malloc(n ? n : 1);
  assert_non_null(buf);
  if (ztk_hex_decode(buf, n, s, strlen(s)))
    fail_msg("member '%s' is not hex", key);
  *len = n;
  return buf;
}

uint64_t tv_hex_u64(const json_t *obj, const char *key)
{
  uint64_t v = 0;
  const char *s = tv_str(obj, key);
  if (ztk_hex_u64(s, strlen(s), &v) != 0)
    fail_msg("member %s is not a hex integer: %s", key, s);
  return v;
}

void tv_hex_exact(const json_t *obj, const char *key, uint8_t *out, size_t n)
{
  const char *s = tv_str(obj, key);
  if (ztk_hex_decode(out, n, s, strlen(s)))
    fail_msg("member '%s' is not %zu bytes of hex", key, n);
}

json_t *tv_find(const json_t *arr, const char *key, const char *value)
{
  size_t i;
  json_t *e;
  json_array_foreach(arr, i, e)
  {
    const char *s = json_string_value(json_object_get(e, key));
    if (s && strcmp(s, value) == 0)
      return e;
  }
  fail_msg("no element with %s == %s", key, value);
  return NULL;
}

void tv_random(void *user, void *buf, size_t len)
{
  static ztk_csprng g;
  static int seeded;
  if (user) {
    ztk_csprng_bytes(user, buf, len);
    return;
  }
  if (!seeded) {
    uint8_t seed[32] = {42};
    ztk_csprng_seed(&g, seed);
    seeded = 1;
  }
  ztk_csprng_bytes(&g, buf, len);
}
