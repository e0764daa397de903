/* The chunked byte FIFO behind TCP receive buffers. */
#include "tests/support/vectors.h"

#include <string.h>

#include "stack/bytebuf.h"

static void test_fifo_order_across_chunks(void **state)
{
  ztk_bytebuf b;
  uint8_t in[1000], out[1000];
  for (int i = 0; i < 1000; i++)
    in[i] = (uint8_t)(i * 7);
  ztk_bytebuf_init(&b, 64);
  assert_int_equal(ztk_bytebuf_push(&b, in, 100), 0);
  assert_int_equal(ztk_bytebuf_push(&b, in + 100, 900), 0);
  assert_int_equal(b.len, 1000);
  assert_int_equal(ztk_bytebuf_peek(&b, out, 10), 10);
  assert_memory_equal(out, in, 10);
  assert_int_equal(b.len, 1000);
  assert_int_equal(ztk_bytebuf_pop(&b, out, 333), 333);
  assert_memory_equal(out, in, 333);
  assert_int_equal(ztk_bytebuf_pop(&b, NULL, 67), 67); /* discard */
  assert_int_equal(ztk_bytebuf_pop(&b, out, 1000), 600);
  assert_memory_equal(out, in + 400, 600);
  assert_int_equal(b.len, 0);
  assert_null(b.first); /* empty buffers hold no memory */
  assert_int_equal(ztk_bytebuf_pop(&b, out, 10), 0);
  ztk_bytebuf_clear(&b);
}

static void test_interleaved(void **state)
{
  ztk_bytebuf b;
  uint8_t buf[300];
  uint64_t wrote = 0, read = 0;
  ztk_bytebuf_init(&b, 0);
  assert_int_equal(b.chunk_size, 16 * 1024);
  for (int round = 0; round < 2000; round++) {
    size_t n = (size_t)(round * 37 % 300);
    for (size_t i = 0; i < n; i++)
      buf[i] = (uint8_t)(wrote + i);
    assert_int_equal(ztk_bytebuf_reserve(&b, n), 0);
    assert_int_equal(ztk_bytebuf_push(&b, buf, n), 0);
    wrote += n;
    size_t m = ztk_bytebuf_pop(&b, buf, (size_t)(round * 53 % 280));
    for (size_t i = 0; i < m; i++)
      assert_int_equal(buf[i], (uint8_t)(read + i));
    read += m;
  }
  assert_int_equal(b.len, wrote - read);
  ztk_bytebuf_clear(&b);
  assert_int_equal(b.len, 0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_fifo_order_across_chunks),
      cmocka_unit_test(test_interleaved),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
