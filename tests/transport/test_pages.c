/* Page buffers: zeroed, writable to the last byte, reusable after free, refused for size 0. */
#include "tests/support/vectors.h"

#include <stdint.h>
#include <string.h>

#include "transport/pages.h"

static void test_zeroed_writable(void **state)
{
  (void)state;
  size_t sizes[] = {1, 4095, 4096, 100000, 1u << 20};
  for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
    uint8_t *p = ztk_pages_alloc(sizes[k]);
    assert_non_null(p);
    for (size_t i = 0; i < sizes[k]; i += 997)
      assert_int_equal(p[i], 0);
    assert_int_equal(p[sizes[k] - 1], 0);
    memset(p, 0xa5, sizes[k]);
    assert_int_equal(p[sizes[k] - 1], 0xa5);
    ztk_pages_free(p, sizes[k]);
  }
}

static void test_size_zero_and_null(void **state)
{
  (void)state;
  assert_null(ztk_pages_alloc(0));
  ztk_pages_free(NULL, 0); /* nothing to give back */
  ztk_pages_free(NULL, 4096);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_zeroed_writable),
      cmocka_unit_test(test_size_zero_and_null),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
