/* The stack's global environment: time, the injected random source (it decides TCP initial
 * sequence numbers), timer deadlines and pool accounting. */
#include "tests/support/vectors.h"

#include <string.h>

#include "tests/support/stack_harness.h"

unsigned int ztk_lwip_rand(void); /* lwIP's LWIP_RAND() (stack/port/arch/cc.h) */

static uint32_t fixed_next;

static void fixed_random(void *user, void *buf, size_t len)
{
  uint8_t *b = buf;
  (void)user;
  for (size_t i = 0; i < len; i++)
    b[i] = (uint8_t)(fixed_next >> (8 * (i % 4)));
}

static void test_time(void **state)
{
  sh_begin();
  int64_t t = ztk_stack_now();
  ztk_stack_set_now(t + 500);
  assert_int_equal(ztk_stack_now(), t + 500);
  ztk_stack_set_now(t); /* never backwards */
  assert_int_equal(ztk_stack_now(), t + 500);
  int64_t next = ztk_stack_tick(t + 600);
  assert_int_equal(ztk_stack_now(), t + 600);
  assert_true(next > t + 600);
  assert_true(next <= t + 600 + 1000); /* lwIP's 1 s timers at most */
  assert_int_equal(ztk_stack_next_deadline(), next);
  sh_now = ztk_stack_now();
  sh_end(NULL, 0, NULL, 0);
}

static void test_random_source(void **state)
{
  sh_begin();
  fixed_next = 0x11223344;
  ztk_stack_set_random(fixed_random, NULL);
  assert_int_equal(ztk_lwip_rand(), 0x11223344);
  ztk_stack_set_random(NULL, NULL);
  unsigned a = ztk_lwip_rand(), b = ztk_lwip_rand();
  assert_int_not_equal(a, b); /* the built-in stream moves */
  sh_end(NULL, 0, NULL, 0);
}

typedef struct syn_seen {
  uint32_t seq;
  int syns;
} syn_seen;

static void tap_syn(void *user, int port, uint64_t src, uint64_t dst, uint16_t type,
                    const void *data, size_t len)
{
  syn_seen *s = user;
  const uint8_t *ip = data;
  (void)port;
  (void)src;
  (void)dst;
  if (type != 0x0800 || len < 40 || ip[9] != 6)
    return;
  const uint8_t *tcp = ip + (ip[0] & 0x0f) * 4;
  if (tcp[13] == 0x02) { /* SYN only */
    s->seq = (uint32_t)tcp[4] << 24 | (uint32_t)tcp[5] << 16 | (uint32_t)tcp[6] << 8 | tcp[7];
    s->syns++;
  }
}

/* The initial sequence number of a connection comes from the injected source. */
static void test_isn_from_random_source(void **state)
{
  ztk_stack_host *h[2];
  ztk_wire *w;
  ztk_sock *l, *c, *s;
  syn_seen seen = {0, 0};
  ztk_wire_config cfg;
  sh_begin();
  memset(&cfg, 0, sizeof cfg);
  cfg.tap = tap_syn;
  cfg.tap_user = &seen;
  assert_int_equal(ztk_wire_new(&w, &cfg), 0);
  assert_int_equal(ztk_stack_host_new(&h[0], NULL), 0);
  assert_int_equal(ztk_stack_host_new(&h[1], NULL), 0);
  sh_netif(w, h[0], 0x8056c2e21c0000c1ull, 0x32000000d001ull, "10.70.0.1/24", NULL, NULL);
  sh_netif(w, h[1], 0x8056c2e21c0000c1ull, 0x32000000d002ull, "10.70.0.2/24", NULL, NULL);
  ztk_inaddr any = sh_addr("0.0.0.0/80");
  assert_int_equal(ztk_sock_new(&l, h[1], 4, ZTK_SOCK_STREAM), 0);
  assert_int_equal(ztk_sock_bind(l, &any), 0);
  assert_int_equal(ztk_sock_listen(l, 1), 0);
  fixed_next = 0xdeadbeef;
  ztk_stack_set_random(fixed_random, NULL);
  sh_connect_pair(&w, 1, h[0], l, "10.70.0.2/80", &c, &s);
  assert_int_equal(seen.syns, 1);
  assert_int_equal(seen.seq, 0xdeadbeef - 1); /* lwIP numbers its SYN iss - 1 */
  ztk_sock_close(c);
  ztk_sock_close(s);
  ztk_sock_close(l);
  sh_end(h, 2, &w, 1);
}

static void test_usage_diff(void **state)
{
  ztk_stack_usage a, b;
  char msg[128];
  sh_begin();
  ztk_stack_usage_get(&a);
  b = a;
  assert_int_equal(ztk_stack_usage_diff(&a, &b, msg, sizeof msg), 0);
  assert_string_equal(msg, "");
  b.pool_used[0]++;
  b.heap_used += 10;
  assert_int_equal(ztk_stack_usage_diff(&a, &b, msg, sizeof msg), 2);
  assert_non_null(strstr(msg, "heap"));
  assert_non_null(strstr(msg, a.pool_name[0]));
  assert_int_equal(ztk_stack_usage_diff(&a, &b, NULL, 0), 2);
  sh_end(NULL, 0, NULL, 0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_time),
      cmocka_unit_test(test_random_source),
      cmocka_unit_test(test_isn_from_random_source),
      cmocka_unit_test(test_usage_diff),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
