/* The trace: line format, running hash, file output, retention and comparison. */
#include "tests/support/vectors.h"

#include <sodium.h>
#include <string.h>

#include "core/util/hex.h"
#include "sim/trace.h"
#include "ztkit/error.h"

static void test_format_and_hash(void **state)
{
  ztk_trace *t;
  FILE *f = tmpfile();
  assert_non_null(f);
  assert_int_equal(ztk_trace_new(&t, f, 1 << 20), 0);
  assert_int_equal(ztk_trace_printf(t, 12004500, "send p=%d len=%u", 17, 120u), 0);
  assert_int_equal(ztk_trace_event(t, 1, "node:3", "joined nwid=%s", "8056c2e21c000001"), 0);
  assert_int_equal(ztk_trace_printf(t, 0, "start"), 0);
  assert_int_equal(ztk_trace_lines(t), 3);
  const char *want = "12.004500 send p=17 len=120\n"
                     "0.000001 ev node:3 joined nwid=8056c2e21c000001\n"
                     "0.000000 start\n";
  /* the file got exactly the lines */
  char buf[256] = {0};
  rewind(f);
  assert_int_equal(fread(buf, 1, sizeof buf - 1, f), strlen(want));
  assert_string_equal(buf, want);
  /* the hash is BLAKE2b-256 over the lines as written */
  uint8_t h[32];
  char hex[ZTK_TRACE_HASH_HEX], got[ZTK_TRACE_HASH_HEX];
  crypto_generichash(h, 32, (const unsigned char *)want, strlen(want), NULL, 0);
  ztk_hex_encode(hex, h, 32);
  ztk_trace_hash_hex(t, got);
  assert_string_equal(got, hex);
  /* reading the hash does not disturb the running state */
  ztk_trace_printf(t, 5, "more");
  char again[ZTK_TRACE_HASH_HEX];
  ztk_trace_hash_hex(t, again);
  assert_string_not_equal(again, got);
  size_t len;
  const char *line = ztk_trace_line(t, 1, &len);
  assert_int_equal(len, strlen("0.000001 ev node:3 joined nwid=8056c2e21c000001"));
  assert_memory_equal(line, "0.000001 ev node:3", 18);
  assert_null(ztk_trace_line(t, 4, &len));
  assert_true(ztk_trace_retained_all(t));
  ztk_trace_del(t);
  fclose(f); /* the trace writes to it until deleted */
}

static void test_long_line(void **state)
{
  ztk_trace *t;
  char big[2000];
  memset(big, 'a', sizeof big - 1);
  big[sizeof big - 1] = 0;
  assert_int_equal(ztk_trace_new(&t, NULL, 4096), 0);
  ztk_trace_printf(t, 0, "%s", big);
  size_t len;
  const char *line = ztk_trace_line(t, 0, &len);
  assert_int_equal(len, ZTK_TRACE_LINE_MAX - 1);
  assert_memory_equal(line + len - 3, "...", 3);
  ztk_trace_del(t);
}

static ztk_trace *run(int diverge_at, size_t retain)
{
  ztk_trace *t;
  assert_int_equal(ztk_trace_new(&t, NULL, retain), 0);
  for (int i = 0; i < 50; i++)
    ztk_trace_printf(t, i * 1000, "step %d%s", i, i == diverge_at ? " changed" : "");
  return t;
}

static void test_compare(void **state)
{
  uint64_t line = 99;
  ztk_trace *a = run(-1, 1 << 16), *b = run(-1, 1 << 16), *c = run(31, 1 << 16);
  assert_int_equal(ztk_trace_compare(a, b, &line), 0);
  assert_int_equal(ztk_trace_compare(a, c, &line), 1);
  assert_int_equal(line, 31);
  ztk_trace_printf(b, 60000, "extra");
  assert_int_equal(ztk_trace_compare(a, b, &line), 1);
  assert_int_equal(line, 50);
  /* divergence past the retention limit: only the hash tells */
  ztk_trace *d = run(45, 200), *e = run(-1, 200);
  assert_false(ztk_trace_retained_all(d));
  assert_int_equal(ztk_trace_compare(d, e, &line), ZTK_ELIMIT);
  ztk_trace *f = run(-1, 200);
  assert_int_equal(ztk_trace_compare(e, f, &line), 0);
  ztk_trace_del(a);
  ztk_trace_del(b);
  ztk_trace_del(c);
  ztk_trace_del(d);
  ztk_trace_del(e);
  ztk_trace_del(f);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_format_and_hash),
      cmocka_unit_test(test_long_line),
      cmocka_unit_test(test_compare),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
