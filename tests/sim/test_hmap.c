/* The bounded index: insert, find, remove with backward shift, growth and limits, checked
 * against a plain array model. */
#include "tests/support/vectors.h"

#include "sim/hmap.h"
#include "sim/rng.h"
#include "ztkit/error.h"

#define N 5000

typedef struct model {
  uint32_t keys[N];
  bool present[N];
} model;

static bool eq(const void *ctx, const void *key, uint32_t v)
{
  const model *m = ctx;
  return m->keys[v] == *(const uint32_t *)key;
}

static uint64_t h(uint32_t key)
{
  /* a deliberately poor hash (few distinct values) forces long probe runs and wrap-around */
  uint8_t b[1] = {(uint8_t)(key % 7)};
  return ztk_hmap_hash(b, 1);
}

static void test_against_model(void **state)
{
  static model m;
  ztk_hmap map;
  ztk_rng g;
  uint8_t seed[32] = {3};
  ztk_rng_seed(&g, seed);
  ztk_hmap_init(&map, N);
  for (uint32_t i = 0; i < N; i++)
    m.keys[i] = i * 2654435761u;
  for (int round = 0; round < 20000; round++) {
    uint32_t i = (uint32_t)ztk_rng_below(&g, 400); /* 400 of the entries churn */
    uint32_t found = ztk_hmap_find(&map, h(m.keys[i]), eq, &m, &m.keys[i]);
    assert_int_equal(found, m.present[i] ? i : ZTK_HMAP_NONE);
    if (m.present[i]) {
      assert_int_equal(ztk_hmap_remove(&map, h(m.keys[i]), i), 0);
      assert_int_equal(ztk_hmap_remove(&map, h(m.keys[i]), i), ZTK_ENOTFOUND);
    } else {
      assert_int_equal(ztk_hmap_insert(&map, h(m.keys[i]), i), 0);
    }
    m.present[i] = !m.present[i];
  }
  for (uint32_t i = 0; i < 400; i++)
    assert_int_equal(ztk_hmap_find(&map, h(m.keys[i]), eq, &m, &m.keys[i]),
                     m.present[i] ? i : ZTK_HMAP_NONE);
  ztk_hmap_free(&map);
}

static void test_limits(void **state)
{
  static model m;
  ztk_hmap map;
  ztk_hmap_init(&map, 100);
  assert_int_equal(ztk_hmap_find(&map, 1, eq, &m, &m.keys[0]), ZTK_HMAP_NONE);
  assert_int_equal(ztk_hmap_remove(&map, 1, 0), ZTK_ENOTFOUND);
  for (uint32_t i = 0; i < 100; i++) {
    m.keys[i] = i;
    assert_int_equal(ztk_hmap_insert(&map, ztk_hmap_hash(&i, 4), i), 0);
  }
  assert_int_equal(ztk_hmap_insert(&map, 5, 100), ZTK_ELIMIT);
  assert_int_equal(ztk_hmap_insert(&map, 5, ZTK_HMAP_NONE), ZTK_EINVAL);
  assert_true(ztk_hmap_bytes(&map) >= 200 * sizeof(ztk_hmap_slot));
  for (uint32_t i = 0; i < 100; i++)
    assert_int_equal(ztk_hmap_find(&map, ztk_hmap_hash(&i, 4), eq, &m, &i), i);
  ztk_hmap_free(&map);
  assert_int_equal(ztk_hmap_bytes(&map), 0);
  /* the hash is a fixed function */
  assert_true(ztk_hmap_hash("abc", 3) == ztk_hmap_hash("abc", 3));
  assert_true(ztk_hmap_hash("abc", 3) != ztk_hmap_hash("abd", 3));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_against_model),
      cmocka_unit_test(test_limits),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
