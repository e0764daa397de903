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

/* ---- claim: a replayable lwIP ---- */

typedef struct frame_hash {
  uint64_t h;
  int frames;
} frame_hash;

static void tap_hash(void *user, int port, uint64_t src, uint64_t dst, uint16_t type,
                     const void *data, size_t len)
{
  frame_hash *f = user;
  const uint8_t *b = data;
  uint64_t h = f->h ^ (uint64_t)sh_now ^ ((uint64_t)port << 48) ^ src ^ (dst << 1) ^ type;
  for (size_t i = 0; i < len; i++)
    h = (h ^ b[i]) * 0x100000001b3ull;
  f->h = h;
  f->frames++;
}

static uint64_t claim_rand_state;

static void claim_random(void *user, void *buf, size_t len)
{
  uint8_t *b = buf;
  (void)user;
  for (size_t i = 0; i < len; i++) {
    claim_rand_state = claim_rand_state * 6364136223846793005ull + 1442695040888963407ull;
    b[i] = (uint8_t)(claim_rand_state >> 56);
  }
}

/* Claims the stack at 50 s and runs the same small workload: a TCP transfer (its connection
 * left in TIME-WAIT), a datagram, a ping. Returns a hash of every frame with its time. */
static frame_hash claimed_run(const void *owner)
{
  ztk_stack_host *h[2];
  ztk_wire *w;
  ztk_wire_config cfg;
  frame_hash fh = {0xcbf29ce484222325ull, 0};
  ztk_sock *l, *c, *s, *u, *p;
  claim_rand_state = 7;
  assert_int_equal(ztk_stack_claim(owner, 50000, claim_random, NULL), 0);
  sh_now = 50000;
  memset(&cfg, 0, sizeof cfg);
  cfg.delay_ms = 3;
  cfg.loss = 0.3; /* retransmissions: the TCP timer's phase shows in the frames */
  cfg.seed = 8;
  cfg.tap = tap_hash;
  cfg.tap_user = &fh;
  assert_int_equal(ztk_wire_new(&w, &cfg), 0);
  assert_int_equal(ztk_stack_host_new(&h[0], NULL), 0);
  assert_int_equal(ztk_stack_host_new(&h[1], NULL), 0);
  sh_netif(w, h[0], 0x8056c2e21c0000c2ull, 0x32000000e001ull, "10.71.0.1/24", "fd00::1/88", NULL);
  sh_netif(w, h[1], 0x8056c2e21c0000c2ull, 0x32000000e002ull, "10.71.0.2/24", "fd00::2/88", NULL);
  l = sh_listen(h[1], "0.0.0.0/80", 1);
  sh_connect_pair(&w, 1, h[0], l, "10.71.0.2/80", &c, &s);
  uint8_t buf[20000];
  memset(buf, 0x5a, sizeof buf);
  assert_int_equal(ztk_sock_send(c, buf, sizeof buf), (long)sizeof buf);
  long got = 0;
  for (int i = 0; i < 200 && got < (long)sizeof buf; i++) {
    sh_advance(&w, 1, 100);
    long n = ztk_sock_recv(s, buf, sizeof buf, 0);
    got += n > 0 ? n : 0;
  }
  assert_int_equal(got, (long)sizeof buf);
  ztk_sock_close(c); /* the active closer keeps TIME-WAIT */
  ztk_sock_close(s);
  ztk_sock_close(l);
  ztk_inaddr to = sh_addr("10.71.0.2/9"), v6 = sh_addr("fd00::2/0");
  assert_int_equal(ztk_sock_new(&u, h[0], 4, ZTK_SOCK_DGRAM), 0);
  assert_int_equal(ztk_sock_sendto(u, "x", 1, &to), 1);
  assert_int_equal(ztk_sock_new(&p, h[0], 6, ZTK_SOCK_PING), 0);
  assert_int_equal(ztk_sock_ping_send(p, &v6, 1, 16), 0);
  sh_advance(&w, 1, 1300);
  ztk_sock_close(u);
  ztk_sock_close(p);
  ztk_stack_host_free(h[0]);
  ztk_stack_host_free(h[1]);
  ztk_wire_free(w);
  ztk_stack_release(owner);
  return fh;
}

/* After a claim, the same calls give the same frames at the same times, whatever lwIP did
 * before: timer phases, TCP ticks, IP ids, ports and netif numbers start afresh. */
static void test_claim_replays(void **state)
{
  static const int owner_a = 1, owner_b = 2;
  ztk_stack_host *h;
  sh_begin();
  frame_hash first = claimed_run(&owner_a);
  assert_true(first.frames > 10);
  /* disturb everything a claim must put back: time, timer phases (a connection attempt arms
   * the TCP timer), ids, netif numbers */
  ztk_stack_set_now(ztk_stack_now() + 333);
  assert_int_equal(ztk_stack_host_new(&h, NULL), 0);
  ztk_wire *w = sh_wire(1, 0, 3);
  sh_netif(w, h, 0x8056c2e21c0000c3ull, 0x32000000f001ull, "10.72.0.1/24", NULL, NULL);
  ztk_sock *c;
  ztk_inaddr nowhere = sh_addr("10.72.0.9/80");
  assert_int_equal(ztk_sock_new(&c, h, 4, ZTK_SOCK_STREAM), 0);
  assert_int_equal(ztk_sock_connect(c, &nowhere), ZTK_ESOCK_INPROGRESS);
  ztk_stack_tick(ztk_stack_now() + 125);
  assert_int_equal(ztk_stack_claim(&owner_a, 50000, NULL, NULL), ZTK_ESTATE); /* a host lives */
  ztk_stack_host_free(h);
  ztk_wire_free(w);
  frame_hash second = claimed_run(&owner_b);
  assert_int_equal(second.frames, first.frames);
  assert_true(second.h == first.h);
  /* one owner at a time */
  assert_int_equal(ztk_stack_claim(&owner_a, 60000, NULL, NULL), 0);
  assert_ptr_equal(ztk_stack_owner(), &owner_a);
  assert_int_equal(ztk_stack_claim(&owner_b, 60000, NULL, NULL), ZTK_ESTATE);
  ztk_stack_release(&owner_b); /* not the owner: nothing happens */
  assert_ptr_equal(ztk_stack_owner(), &owner_a);
  ztk_stack_release(&owner_a);
  assert_null(ztk_stack_owner());
  sh_now = ztk_stack_now();
  sh_end(NULL, 0, NULL, 0); /* the claim dropped the second run's TIME-WAIT: no leak */
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_time),
      cmocka_unit_test(test_random_source),
      cmocka_unit_test(test_isn_from_random_source),
      cmocka_unit_test(test_usage_diff),
      cmocka_unit_test(test_claim_replays),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
