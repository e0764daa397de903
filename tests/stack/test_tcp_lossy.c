/* Bulk TCP over a lossy wire: 64 MiB each way at once with 5% frame loss and 50 ms one-way
 * delay, byte-exact (lwIP recovers with fast retransmit and timeouts; about 26 virtual
 * minutes, a second or two of CPU). */
#include "tests/support/vectors.h"

#include "tests/support/stack_harness.h"

static void test_64mib_each_way_lossy(void **state)
{
  sh_bulk(64ull << 20, 50, 0.05, 4 * 3600 * 1000);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_64mib_each_way_lossy),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
