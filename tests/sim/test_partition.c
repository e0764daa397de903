/* Partitions: groups, symmetric and one-way cuts, isolation, healing, timed changes, and
 * datagrams already in flight when a cut starts. */
#include "tests/sim/fixture.h"

#include "sim/partition.h"
#include "sim/topo.h"

static void test_groups_and_cuts(void **state)
{
  ztk_partition p;
  ztk_part_init(&p);
  int a = ztk_part_group(&p, "east"), b = ztk_part_group(&p, "west");
  assert_int_equal(a, 0);
  assert_int_equal(b, 1);
  assert_int_equal(ztk_part_group(&p, "east"), 0);
  assert_int_equal(ztk_part_find(&p, "west"), 1);
  assert_int_equal(ztk_part_find(&p, "north"), ZTK_ENOTFOUND);
  assert_int_equal(ztk_part_group(&p, ""), ZTK_EINVAL);
  assert_int_equal(ztk_part_group(&p, "a-name-that-is-longer-than-31-bytes"), ZTK_EINVAL);
  uint64_t E = ztk_part_bit(a), W = ztk_part_bit(b);
  assert_false(ztk_part_blocked(&p, E, W));
  assert_int_equal(ztk_part_cut(&p, a, b, false), 0); /* east -> west only */
  assert_true(ztk_part_blocked(&p, E, W));
  assert_false(ztk_part_blocked(&p, W, E));
  assert_false(ztk_part_blocked(&p, E, E));
  assert_true(ztk_part_blocked(&p, E | W, W)); /* any group of the sender counts */
  assert_int_equal(ztk_part_cut(&p, a, b, true), 0);
  assert_true(ztk_part_blocked(&p, W, E));
  assert_int_equal(ztk_part_heal(&p, a, b, false), 0);
  assert_false(ztk_part_blocked(&p, E, W));
  assert_true(ztk_part_blocked(&p, W, E));
  ztk_part_heal_all(&p);
  assert_false(ztk_part_blocked(&p, W, E));
  /* isolation: outward only */
  assert_int_equal(ztk_part_isolate(&p, a, true, false), 0);
  assert_true(ztk_part_blocked(&p, E, 0));
  assert_true(ztk_part_blocked(&p, E, W));
  assert_false(ztk_part_blocked(&p, 0, E));
  assert_false(ztk_part_blocked(&p, E, E | W));
  assert_int_equal(ztk_part_isolate(&p, a, false, true), 0);
  assert_false(ztk_part_blocked(&p, E, 0));
  assert_true(ztk_part_blocked(&p, W, E));
  assert_int_equal(ztk_part_isolate(&p, a, false, false), 0);
  assert_int_equal(p.active, 0);
  assert_int_equal(ztk_part_cut(&p, a, 7, false), ZTK_EINVAL);
  assert_int_equal(ztk_part_isolate(&p, -1, true, true), ZTK_EINVAL);
  for (int i = 2; i < ZTK_PART_MAX_GROUPS; i++) {
    char name[16];
    snprintf(name, sizeof name, "g%d", i);
    assert_int_equal(ztk_part_group(&p, name), i);
  }
  assert_int_equal(ztk_part_group(&p, "one-too-many"), ZTK_ELIMIT);
  assert_int_equal(ztk_part_bit(64), 0);
}

/* Four hosts on a star with 10 ms links; hosts 0, 1 in "left", 2, 3 in "right". */
typedef struct world {
  fx f;
  fx_log log;
  ztk_topo t;
  int left, right;
} world;

static world *setup(void)
{
  static world w;
  fx_init(&w.f, 11);
  ztk_link_params p = {.latency_us = 10000};
  assert_int_equal(ztk_topo_star(w.f.n, 4, 0x0a000001, &p, &w.t), 0);
  w.log.n = 0;
  for (uint32_t i = 0; i < 4; i++)
    fx_listen(&w.f, &w.log, w.t.first_host + i);
  ztk_partition *part = ztk_net_partition(w.f.n);
  w.left = ztk_part_group(part, "left");
  w.right = ztk_part_group(part, "right");
  for (uint32_t i = 0; i < 4; i++)
    assert_int_equal(ztk_net_group_add(w.f.n, i < 2 ? w.left : w.right, w.t.first_host + i), 0);
  return &w;
}

static const char *IP[4] = {"10.0.0.1/1", "10.0.0.2/1", "10.0.0.3/1", "10.0.0.4/1"};

/* Every host sends one datagram to every other host; returns a 4x4 delivery bitmap. */
static unsigned all_pairs(world *w, int64_t t)
{
  int before = w->log.n;
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 4; j++)
      if (i != j)
        fx_send(&w->f, w->t.first_host + (uint32_t)i, IP[i], IP[j], 0, (uint8_t)(i * 4 + j), 8);
  fx_run(&w->f, t);
  unsigned bits = 0;
  for (int k = before; k < w->log.n; k++)
    bits |= 1u << w->log.e[k].first;
  return bits;
}

#define PAIR(i, j) (1u << ((i)*4 + (j)))
#define ALL (0xffffu & ~(PAIR(0, 0) | PAIR(1, 1) | PAIR(2, 2) | PAIR(3, 3)))
#define CROSS_LR (PAIR(0, 2) | PAIR(0, 3) | PAIR(1, 2) | PAIR(1, 3))
#define CROSS_RL (PAIR(2, 0) | PAIR(3, 0) | PAIR(2, 1) | PAIR(3, 1))

static void test_fabric_cuts(void **state)
{
  world *w = setup();
  ztk_partition *p = ztk_net_partition(w->f.n);
  assert_int_equal(all_pairs(w, ZTK_MS(100)), ALL);
  ztk_part_cut(p, w->left, w->right, true); /* symmetric */
  assert_int_equal(all_pairs(w, ZTK_MS(200)), ALL & ~CROSS_LR & ~CROSS_RL);
  ztk_part_heal(p, w->left, w->right, false); /* left -> right open again, right -> left cut */
  assert_int_equal(all_pairs(w, ZTK_MS(300)), ALL & ~CROSS_RL);
  ztk_part_heal_all(p);
  assert_int_equal(all_pairs(w, ZTK_MS(400)), ALL);
  ztk_part_isolate(p, w->left, true, true);
  assert_int_equal(all_pairs(w, ZTK_MS(500)), ALL & ~CROSS_LR & ~CROSS_RL);
  assert_int_equal(ztk_net_group_remove(w->f.n, w->left, w->t.first_host + 1), 0);
  /* host 1 left the group: now it is outside the isolated left side */
  unsigned got = all_pairs(w, ZTK_MS(600));
  assert_true(got & PAIR(1, 2));
  assert_false(got & PAIR(0, 1));
  assert_false(got & PAIR(1, 0));
  const ztk_host_counters *c = ztk_net_host_counters(w->f.n, w->t.first_host);
  assert_true(c->dropped[ZTK_DROP_PARTITION] > 0);
  fx_free(&w->f);
}

static void test_timed_and_in_flight(void **state)
{
  world *w = setup();
  ztk_net_op cut = {ZTK_NET_OP_CUT, (uint32_t)w->left, (uint32_t)w->right, 0, true, 0};
  ztk_net_op heal = {ZTK_NET_OP_HEAL_ALL, 0, 0, 0, false, 0};
  assert_int_equal(ztk_net_schedule(w->f.n, ZTK_MS(1005), &cut), 0);
  assert_int_equal(ztk_net_schedule(w->f.n, ZTK_MS(2000), &heal), 0);
  /* sent at 1000 ms, would arrive at 1020 ms: the cut at 1005 ms catches it in flight */
  fx_run(&w->f, ZTK_MS(1000));
  fx_send(&w->f, w->t.first_host, IP[0], IP[2], 0, 1, 8);
  fx_send(&w->f, w->t.first_host, IP[0], IP[1], 0, 2, 8);
  fx_run(&w->f, ZTK_MS(1500));
  assert_int_equal(fx_count(&w->log, w->t.first_host + 2, NULL), 0);
  assert_int_equal(fx_count(&w->log, w->t.first_host + 1, NULL), 1);
  assert_int_equal(all_pairs(w, ZTK_MS(1900)), ALL & ~CROSS_LR & ~CROSS_RL);
  fx_run(&w->f, ZTK_MS(2000));
  assert_int_equal(all_pairs(w, ZTK_MS(2100)), ALL);
  ztk_net_op bad = {ZTK_NET_OP_CUT, 40, 41, 0, true, 0};
  assert_int_equal(ztk_net_apply(w->f.n, &bad), ZTK_EINVAL);
  assert_int_equal(ztk_net_group_add(w->f.n, 50, 0), ZTK_EINVAL);
  fx_free(&w->f);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_groups_and_cuts),
      cmocka_unit_test(test_fabric_cuts),
      cmocka_unit_test(test_timed_and_in_flight),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
