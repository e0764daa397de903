#include "tests/support/tmpdir.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/support/vectors.h"

void td_make(char *dir, size_t cap, const char *prefix)
{
  snprintf(dir, cap, "/tmp/%s-XXXXXX", prefix);
  assert_non_null(mkdtemp(dir));
}

void td_remove(const char *dir)
{
  char cmd[TD_PATH_MAX + 16];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  assert_int_equal(system(cmd), 0);
}

void td_path(char *out, size_t cap, const char *dir, const char *rel)
{
  int n = snprintf(out, cap, "%s/%s", dir, rel);
  assert_true(n > 0 && (size_t)n < cap);
}

void td_write(const char *dir, const char *rel, const void *data, size_t len)
{
  char p[TD_PATH_MAX];
  td_path(p, sizeof p, dir, rel);
  char *slash = strrchr(p, '/');
  *slash = 0;
  mkdir(p, 0700); /* e.g. moons.d/ before the node made it */
  *slash = '/';
  FILE *f = fopen(p, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(data, 1, len, f), len);
  assert_int_equal(fclose(f), 0);
}

bool td_exists(const char *dir, const char *rel, mode_t *mode)
{
  char p[TD_PATH_MAX];
  struct stat st;
  td_path(p, sizeof p, dir, rel);
  if (stat(p, &st) != 0)
    return false;
  if (mode)
    *mode = st.st_mode & 0777;
  return true;
}
