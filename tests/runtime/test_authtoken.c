/* authtoken.secret: created once (24 characters a-z0-9, mode 0600) and then read back, white
 * space trimmed, loose modes tightened, and unusable files refused with a sentence. */
#include "tests/support/vectors.h"

#include <string.h>
#include <sys/stat.h>

#include "runtime/authtoken.h"
#include "tests/support/tmpdir.h"
#include "ztkit/error.h"

static char home[TD_PATH_MAX];

static int setup(void **state)
{
  (void)state;
  td_make(home, sizeof home, "ztk-token");
  return 0;
}

static int teardown(void **state)
{
  (void)state;
  td_remove(home);
  return 0;
}

static void test_created_then_kept(void **state)
{
  (void)state;
  char t1[ZTK_AUTHTOKEN_MAX + 1], t2[ZTK_AUTHTOKEN_MAX + 1], path[TD_PATH_MAX], err[256];
  mode_t mode;
  assert_int_equal(ztk_authtoken_load(home, false, t1, sizeof t1, NULL, 0, err, sizeof err),
                   ZTK_ENOTFOUND);
  assert_non_null(strstr(err, "authtoken.secret"));
  assert_int_equal(ztk_authtoken_load(home, true, t1, sizeof t1, path, sizeof path, err, sizeof err), 0);
  assert_int_equal(strlen(t1), ZTK_AUTHTOKEN_LEN);
  assert_int_equal(strspn(t1, "abcdefghijklmnopqrstuvwxyz0123456789"), ZTK_AUTHTOKEN_LEN);
  assert_true(td_exists(home, "authtoken.secret", &mode));
  assert_int_equal(mode & 0777, 0600);
  assert_string_equal(path + strlen(home), "/authtoken.secret");
  assert_int_equal(ztk_authtoken_load(home, true, t2, sizeof t2, NULL, 0, NULL, 0), 0);
  assert_string_equal(t1, t2);
  /* a user's token: trimmed; group/other permissions removed when serving */
  td_write(home, "authtoken.secret", "\t my-token \r\n", 13);
  chmod(path, 0644);
  assert_int_equal(ztk_authtoken_load(home, false, t2, sizeof t2, NULL, 0, NULL, 0), 0);
  assert_string_equal(t2, "my-token");
  assert_true(td_exists(home, "authtoken.secret", &mode));
  assert_int_equal(mode & 0777, 0644); /* a client only reads */
  assert_int_equal(ztk_authtoken_load(home, true, t2, sizeof t2, NULL, 0, NULL, 0), 0);
  assert_true(td_exists(home, "authtoken.secret", &mode));
  assert_int_equal(mode & 0777, 0600);
}

static void test_refused(void **state)
{
  (void)state;
  char t[ZTK_AUTHTOKEN_MAX + 1], err[256];
  static char long_token[ZTK_AUTHTOKEN_MAX + 2];
  td_write(home, "authtoken.secret", " \n", 2);
  assert_int_equal(ztk_authtoken_load(home, true, t, sizeof t, NULL, 0, err, sizeof err), ZTK_EFORMAT);
  assert_non_null(strstr(err, "empty"));
  td_write(home, "authtoken.secret", "ab\x01" "cd", 5);
  assert_int_equal(ztk_authtoken_load(home, true, t, sizeof t, NULL, 0, err, sizeof err), ZTK_EFORMAT);
  memset(long_token, 'a', sizeof long_token - 1);
  td_write(home, "authtoken.secret", long_token, sizeof long_token - 1);
  assert_int_equal(ztk_authtoken_load(home, true, t, sizeof t, NULL, 0, err, sizeof err), ZTK_EFORMAT);
  assert_int_equal(ztk_authtoken_load(home, true, t, 8, NULL, 0, err, sizeof err), ZTK_EFORMAT);
  assert_int_equal(ztk_authtoken_load(NULL, true, t, sizeof t, NULL, 0, NULL, 0), ZTK_EINVAL);
  assert_int_equal(ztk_authtoken_load(home, true, NULL, 0, NULL, 0, NULL, 0), ZTK_EINVAL);
  assert_int_equal(ztk_authtoken_load("/nonexistent/dir", true, t, sizeof t, NULL, 0, err, sizeof err),
                   ZTK_EIO);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_created_then_kept, setup, teardown),
    cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
