/* Bulk TCP, byte-exact in both directions at once: 64 MiB each way over a clean wire
 * (test_tcp_lossy does the same over a lossy one). */
#include "tests/support/vectors.h"

#include "tests/support/stack_harness.h"

static void test_64mib_each_way(void **state)
{
  sh_bulk(64ull << 20, 1, 0, 600 * 1000);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_64mib_each_way),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
