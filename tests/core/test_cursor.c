/* Bounded cursors, hex helpers and error names. */
#include "tests/support/vectors.h"

#include <string.h>

#include "core/util/cursor.h"
#include "core/util/hex.h"

static void test_reader(void **state)
{
  const uint8_t b[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19};
  ztk_rd r = ztk_rd_make(b, sizeof b);
  assert_int_equal(ztk_rd_u8(&r), 1);
  assert_int_equal(ztk_rd_u16(&r), 0x0203);
  assert_int_equal(ztk_rd_u32(&r), 0x04050607);
  assert_int_equal(ztk_rd_u40(&r), 0x08090a0b0cull);
  assert_int_equal(ztk_rd_peek(&r, 0), 13);
  assert_int_equal(ztk_rd_left(&r), 7);
  assert_int_equal(ztk_rd_u64(&r), 0); /* only 7 left: sticky error, value 0 */
  assert_int_equal(r.err, ZTK_ETRUNC);
  assert_int_equal(ztk_rd_u8(&r), 0);
  assert_int_equal(ztk_rd_left(&r), 0);
  assert_int_equal(ztk_rd_peek(&r, 0), -1);
  assert_null(ztk_rd_take(&r, 0));
  uint8_t out[4] = {9, 9, 9, 9};
  ztk_rd_copy(&r, out, 4);
  assert_int_equal(out[0], 0);
  r = ztk_rd_make(b, sizeof b);
  ztk_rd_fail(&r, ZTK_EFORMAT);
  ztk_rd_fail(&r, ZTK_ETRUNC); /* first error wins */
  assert_int_equal(r.err, ZTK_EFORMAT);
}

static void test_writer(void **state)
{
  uint8_t b[16];
  ztk_wr w = ztk_wr_make(b, sizeof b);
  ztk_wr_u8(&w, 1);
  ztk_wr_u16(&w, 0x0203);
  ztk_wr_u32(&w, 0x04050607);
  ztk_wr_u40(&w, 0x08090a0b0cull);
  ztk_wr_zero(&w, 2);
  assert_int_equal(w.len, 14);
  assert_int_equal(w.err, 0);
  ztk_wr_u32(&w, 1);
  assert_int_equal(w.err, ZTK_ENOSPACE);
  assert_int_equal(w.len, 14);
  assert_null(ztk_wr_reserve(&w, 1));
  const uint8_t want[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0, 0};
  assert_memory_equal(b, want, sizeof want);
  ztk_be_put(b, 0x1122334455ull, 5);
  assert_int_equal(ztk_be_get(b, 5), 0x1122334455ull);
}

static void test_hex(void **state)
{
  uint8_t b[3];
  char s[7];
  uint64_t v;
  assert_int_equal(ztk_hex_decode(b, 3, "0aBcFf", 6), 0);
  ztk_hex_encode(s, b, 3);
  assert_string_equal(s, "0abcff");
  assert_int_equal(ztk_hex_decode(b, 3, "0aBcF", 5), ZTK_EFORMAT);
  assert_int_equal(ztk_hex_decode(b, 3, "0aBcFg", 6), ZTK_EFORMAT);
  assert_int_equal(ztk_hex_u64("ffffffffffffffff", 16, &v), 0);
  assert_true(v == UINT64_MAX);
  assert_int_equal(ztk_hex_u64("1ffffffffffffffff", 17, &v), ZTK_EFORMAT);
  assert_int_equal(ztk_hex_u64("", 0, &v), ZTK_EFORMAT);
  assert_int_equal(ztk_hex_u64("-1", 2, &v), ZTK_EFORMAT);
}

static void test_errors(void **state)
{
  assert_string_equal(ztk_errname(ZTK_EID_TYPE), "ZTK_EID_TYPE");
  assert_string_equal(ztk_strerror(ZTK_OK), "success");
  assert_string_equal(ztk_strerror(12345), "unknown error");
  assert_string_equal(ztk_errname(-999), "ZTK_E?");
  assert_non_null(strstr(ztk_strerror(ZTK_EID_RESERVED), "reserved"));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_reader),
      cmocka_unit_test(test_writer),
      cmocka_unit_test(test_hex),
      cmocka_unit_test(test_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
