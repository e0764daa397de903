/* Multi-node VL1 over the mem transport with a manual clock: coming online through roots,
 * WHOIS, USER_MESSAGE and ECHO relayed then direct, fragmentation, and bad packets dropped
 * and counted. */
#include "tests/support/testnet.h"
#include "tests/support/vectors.h"

#include <string.h>

#include "core/node/node.h"
#include "core/packet/armor.h"
#include "core/packet/packet.h"

static testnet tn;
enum { ROOT = 0, A = 1, B = 2 };

static int setup3(void **state)
{
  static const int ids[] = {5, 0, 1}; /* the capture rig's root, alice, bob */
  tn_init(&tn, 1);
  tn_setup(&tn, ids, 3, 1);
  tn_start_all(&tn);
  return 0;
}

static int teardown(void **state)
{
  tn_free(&tn);
  return 0;
}

static ztk_address addr(int i) { return tn.h[i].id.address; }

static bool got_user_message(testnet *t, void *arg)
{
  return t->h[*(int *)arg].events[ZTK_EVENT_USER_MESSAGE] > 0;
}

static bool peer_direct(testnet *t, void *arg)
{
  int *ab = arg;
  ztk_peer_info pi;
  return ztk_node_peer(t->h[ab[0]].node, t->now, addr(ab[1]), &pi) == 0 && pi.direct;
}

static void test_online(void **state)
{
  assert_true(tn_run_until(&tn, tn_all_online, NULL, 30000));
  ztk_node_status st;
  ztk_node_status_get(tn.h[ROOT].node, &st);
  assert_true(st.upstream);
  ztk_peer_info pi;
  assert_int_equal(ztk_node_peer(tn.h[A].node, tn.now, addr(ROOT), &pi), 0);
  assert_int_equal(pi.role, ZTK_PEER_PLANET);
  assert_true(pi.direct);
  assert_int_equal(pi.version_proto, 12);
  assert_int_equal(ztk_node_peer(tn.h[ROOT].node, tn.now, addr(A), &pi), 0);
  assert_int_equal(pi.role, ZTK_PEER_LEAF);
  assert_int_equal(tn.h[A].events[ZTK_EVENT_NODE_ONLINE], 1);
}

static void test_user_message_relayed_then_direct(void **state)
{
  int b = B, ab[2] = {A, B};
  assert_true(tn_run_until(&tn, tn_all_online, NULL, 30000));
  assert_int_equal(ztk_node_send_user_message(tn.h[A].node, tn.now, addr(B), 0x12345678, "hello", 5), 0);
  assert_true(tn_run_until(&tn, got_user_message, &b, 5000));
  assert_int_equal(tn.h[B].last_user_type, 0x12345678);
  assert_int_equal(tn.h[B].last_user_len, 5);
  assert_memory_equal(tn.h[B].last_user, "hello", 5);
  ztk_node_counters rc;
  ztk_node_counters_get(tn.h[ROOT].node, &rc);
  assert_true(rc.relayed > 0); /* the first message needed the root */
  ztk_node_counters ac;
  ztk_node_counters_get(tn.h[A].node, &ac);
  assert_true(ac.whois_sent > 0);

  /* The root introduced them (RENDEZVOUS): a direct path comes up. */
  assert_true(tn_run_until(&tn, peer_direct, ab, 10000));
  int ba[2] = {B, A};
  assert_true(tn_run_until(&tn, peer_direct, ba, 10000));
  assert_true(tn.h[A].events[ZTK_EVENT_PEER_DIRECT] > 0);
  ztk_node_counters_get(tn.h[ROOT].node, &rc);
  uint64_t relayed = rc.relayed;
  tn.h[B].events[ZTK_EVENT_USER_MESSAGE] = 0;
  assert_int_equal(ztk_node_send_user_message(tn.h[A].node, tn.now, addr(B), 0x10000, "direct", 6), 0);
  assert_true(tn_run_until(&tn, got_user_message, &b, 5000));
  ztk_node_counters_get(tn.h[ROOT].node, &rc);
  assert_int_equal(rc.relayed, relayed);
}

static void test_echo_and_fragments(void **state)
{
  int b = B;
  uint8_t big[6000];
  assert_true(tn_run_until(&tn, tn_all_online, NULL, 30000));
  for (size_t i = 0; i < sizeof big; i++)
    big[i] = (uint8_t)(i * 31 + 7);
  assert_int_equal(ztk_node_send_user_message(tn.h[A].node, tn.now, addr(B), 0x10001, big, sizeof big), 0);
  assert_true(tn_run_until(&tn, got_user_message, &b, 5000));
  assert_int_equal(tn.h[B].last_user_len, sizeof big > 2048 ? 2048 : sizeof big);
  assert_memory_equal(tn.h[B].last_user, big, tn.h[B].last_user_len);
  ztk_node_counters ac, bc;
  ztk_node_counters_get(tn.h[B].node, &bc);
  assert_true(bc.rx_datagrams >= 5); /* 6000 bytes need five datagrams at MTU 1432 */

  ztk_node_counters_get(tn.h[A].node, &ac);
  uint64_t ok_before = ac.rx_verb[ZTK_VERB_OK];
  int replies_before = tn.h[A].events[ZTK_EVENT_ECHO_REPLY];
  assert_int_equal(ztk_node_echo(tn.h[A].node, tn.now, addr(B), "ping", 4), 0);
  tn_run(&tn, 1000);
  ztk_node_counters_get(tn.h[A].node, &ac);
  assert_true(ac.rx_verb[ZTK_VERB_OK] > ok_before);
  assert_true(tn.h[A].events[ZTK_EVENT_ECHO_REPLY] > replies_before);
  assert_int_equal(tn.h[A].last_event_peer[ZTK_EVENT_ECHO_REPLY], addr(B));
}

/* Captures the last datagram A sends to B for the bad-packet tests. */
static uint8_t captured[ZTK_PROTO_MAX_PACKET_LENGTH];
static size_t captured_len;

static bool capture_hook(testnet *t, int from, const ztk_inaddr *to, const uint8_t *d, size_t len)
{
  if (from == A && ztk_inaddr_eq(to, &t->h[B].addr) && len >= 28 && len <= sizeof captured &&
      ztk_packet_dest(d) == t->h[B].id.address) {
    memcpy(captured, d, len);
    captured_len = len;
  }
  return true;
}

static void test_bad_packets_dropped_and_counted(void **state)
{
  int ab[2] = {A, B}, b = B;
  ztk_node_counters c0, c1;
  assert_true(tn_run_until(&tn, tn_all_online, NULL, 30000));
  ztk_node_send_user_message(tn.h[A].node, tn.now, addr(B), 0x10000, "x", 1);
  assert_true(tn_run_until(&tn, peer_direct, ab, 20000));
  tn.hook = capture_hook;
  tn.h[B].events[ZTK_EVENT_USER_MESSAGE] = 0;
  ztk_node_send_user_message(tn.h[A].node, tn.now, addr(B), 0x10000, "authentic", 9);
  assert_true(tn_run_until(&tn, got_user_message, &b, 5000));
  assert_true(captured_len > 28);
  tn.h[B].events[ZTK_EVENT_USER_MESSAGE] = 0;
  ztk_node_counters_get(tn.h[B].node, &c0);

  tn_inject(&tn, B, A, captured, captured_len); /* replay */
  ztk_node_counters_get(tn.h[B].node, &c1);
  assert_int_equal(c1.drop_replay, c0.drop_replay + 1);

  uint8_t bad[ZTK_PROTO_MAX_PACKET_LENGTH];
  memcpy(bad, captured, captured_len);
  bad[captured_len - 1] ^= 0x40; /* corrupted payload */
  bad[0] ^= 1;                   /* and a fresh id so it is not a replay */
  tn_inject(&tn, B, A, bad, captured_len);
  ztk_node_counters_get(tn.h[B].node, &c0);
  assert_int_equal(c0.drop_auth, c1.drop_auth + 1);

  for (size_t cut = 0; cut < captured_len; cut += 3) /* truncated at every length */
    tn_inject(&tn, B, A, captured, cut);
  ztk_node_counters_get(tn.h[B].node, &c1);
  assert_true(c1.drop_auth + c1.drop_malformed > c0.drop_auth + c0.drop_malformed);

  /* Armored with a key B does not share with A: refused. */
  ztk_peer_key wrong;
  uint8_t k[48];
  memset(k, 0x5a, sizeof k);
  ztk_peer_key_init(&wrong, k);
  memcpy(bad, captured, 28);
  ztk_packet_set_verb(bad, ZTK_VERB_USER_MESSAGE);
  memset(bad + 28, 0, 16);
  bad[1] ^= 2;
  assert_int_equal(ztk_armor(bad, 44, &wrong, ZTK_CIPHER_AES_GMAC_SIV), 0);
  ztk_peer_key_free(&wrong);
  tn_inject(&tn, B, A, bad, 44);
  ztk_node_counters_get(tn.h[B].node, &c0);
  assert_int_equal(c0.drop_auth, c1.drop_auth + 1);
  tn_run(&tn, 1000);
  assert_int_equal(tn.h[B].events[ZTK_EVENT_USER_MESSAGE], 0); /* nothing bad got through */
  tn.hook = NULL;
}

static void test_unknown_destination_times_out(void **state)
{
  assert_true(tn_run_until(&tn, tn_all_online, NULL, 30000));
  assert_int_equal(ztk_node_send_user_message(tn.h[A].node, tn.now, 0x1122334455ull, 0x10000, "?", 1), 0);
  tn_run(&tn, 10000);
  ztk_node_counters c;
  ztk_node_counters_get(tn.h[A].node, &c);
  assert_true(c.drop_unknown_peer >= 1);
  assert_true(tn.h[A].events[ZTK_EVENT_PEER_UNREACHABLE] >= 1);
  assert_int_equal(ztk_node_send_user_message(tn.h[A].node, tn.now, 0, 1, "?", 1), ZTK_EINVAL);
  assert_int_equal(ztk_node_send_user_message(tn.h[A].node, tn.now, addr(A), 1, "?", 1), ZTK_EINVAL);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_online, setup3, teardown),
    cmocka_unit_test_setup_teardown(test_user_message_relayed_then_direct, setup3, teardown),
    cmocka_unit_test_setup_teardown(test_echo_and_fragments, setup3, teardown),
    cmocka_unit_test_setup_teardown(test_bad_packets_dropped_and_counted, setup3, teardown),
    cmocka_unit_test_setup_teardown(test_unknown_destination_times_out, setup3, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
