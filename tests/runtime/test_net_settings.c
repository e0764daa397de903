/* networks.d/<nwid>.local.conf: zerotier-one's text form read and written, its defaults, its
 * loose parsing (whitelists, unknown keys, CRLF), and the length limit. */
#include "tests/support/vectors.h"

#include <string.h>

#include "runtime/net_settings.h"
#include "ztkit/error.h"

static ztk_net_settings parsed(const char *text)
{
  ztk_net_settings s;
  ztk_net_settings_default(&s);
  assert_int_equal(ztk_net_settings_parse(&s, text, strlen(text)), 0);
  return s;
}

static void test_defaults_and_round_trip(void **state)
{
  (void)state;
  ztk_net_settings s, back;
  char text[64];
  ztk_net_settings_default(&s);
  assert_true(s.allow_managed);
  assert_false(s.allow_global || s.allow_default || s.allow_dns);
  s.allow_dns = true;
  s.allow_managed = false;
  int n = ztk_net_settings_format(&s, text, sizeof text);
  assert_string_equal(text, "allowManaged=0\nallowGlobal=0\nallowDefault=0\nallowDNS=1\n");
  assert_int_equal(n, (int)strlen(text));
  back = parsed(text);
  assert_memory_equal(&back, &s, sizeof s);
  assert_int_equal(ztk_net_settings_format(&s, text, 10), ZTK_ENOSPACE);
}

static void test_loose_parsing(void **state)
{
  (void)state;
  /* true starts with 1, t or T; keys not given keep their values */
  ztk_net_settings s = parsed("allowGlobal=true\r\nallowDefault=T\nallowDNS=yes\n");
  assert_true(s.allow_managed && s.allow_global && s.allow_default);
  assert_false(s.allow_dns);
  /* zerotier-one's allowManaged whitelist (longer than 5 characters) counts as true */
  s = parsed("allowManaged=10.0.0.0/8,fd00::/8");
  assert_true(s.allow_managed);
  s = parsed("allowManaged=false");
  assert_false(s.allow_managed);
  /* unknown keys, lines without '=', empty values and a last line without newline */
  s = parsed("junk\nallowGlobalX=1\n=1\nallowDNS=\nallowDefault=1");
  assert_true(s.allow_default);
  assert_false(s.allow_dns || s.allow_global);
  s = parsed("");
  assert_true(s.allow_managed);
}

static void test_limits(void **state)
{
  (void)state;
  static char big[ZTK_NET_SETTINGS_TEXT_MAX + 1];
  ztk_net_settings s;
  memset(big, 'x', sizeof big);
  assert_int_equal(ztk_net_settings_parse(&s, big, sizeof big), ZTK_ERANGE);
  assert_int_equal(ztk_net_settings_parse(&s, big, sizeof big - 1), 0);
  assert_int_equal(ztk_net_settings_parse(NULL, "", 0), ZTK_EINVAL);
  assert_int_equal(ztk_net_settings_parse(&s, NULL, 3), ZTK_EINVAL);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_defaults_and_round_trip),
    cmocka_unit_test(test_loose_parsing),
    cmocka_unit_test(test_limits),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
