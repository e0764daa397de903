/* Worlds at run time: a root holding a newer planet, signed with the current planet's update
 * key, hands it to members in OK(HELLO) and they install and store it; an update signed with
 * another key, or not newer, is refused. */
#include "tests/support/testnet.h"
#include "tests/support/vectors.h"

#include <string.h>

#include "core/node/node.h"
#include "core/world/world.h"

static testnet tn;
enum { ROOT = 0, A = 1 };
static uint8_t update[ZTK_WORLD_MAX_LEN];

static int setup(void **state)
{
  static const int ids[] = {5, 0};
  tn_init(&tn, 3);
  tn_setup(&tn, ids, 2, 1);
  return 0;
}

static int teardown(void **state)
{
  tn_free(&tn);
  return 0;
}

/* The planet again with a later timestamp, signed by `signer`; the root will hold it. */
static void root_gets_update(const ztk_identity *signer, uint64_t ts)
{
  ztk_world w = tn.planet_world;
  w.timestamp = ts;
  assert_int_equal(ztk_world_sign(&w, signer), 0);
  ztk_wr wr = ztk_wr_make(update, sizeof update);
  assert_int_equal(ztk_world_write(&wr, &w), 0);
  tn.h[ROOT].planet = update;
  tn.h[ROOT].planet_len = wr.len;
}

static uint64_t planet_ts(int host)
{
  ztk_node_status st;
  ztk_node_status_get(tn.h[host].node, &st);
  return st.planet_timestamp;
}

static void test_signed_update_spreads(void **state)
{
  uint64_t newer = tn.planet_world.timestamp + 1000;
  root_gets_update(&tn.planet_signer, newer);
  tn_start_all(&tn);
  assert_true(tn_run_until(&tn, tn_all_online, NULL, 30000));
  tn_run(&tn, 2000);
  assert_true(planet_ts(ROOT) == newer);
  assert_true(planet_ts(A) == newer);
  assert_int_equal(tn.h[A].events[ZTK_EVENT_NODE_PLANET_UPDATED], 1);
  /* Stored: the member restarts with the new planet even though its config names the old. */
  bool stored = false;
  for (int i = 0; i < tn.h[A].nstate; i++)
    stored |= tn.h[A].state[i].type == ZTK_STATE_PLANET && tn.h[A].state[i].data;
  assert_true(stored);
}

static void test_forged_update_refused(void **state)
{
  ztk_identity other = tn.planet_signer;
  other.priv[40] ^= 1; /* another Ed25519 key */
  root_gets_update(&other, tn.planet_world.timestamp + 1000);
  tn_start_all(&tn);
  assert_true(tn_run_until(&tn, tn_all_online, NULL, 30000));
  tn_run(&tn, 2000);
  assert_true(planet_ts(A) == tn.planet_world.timestamp);
  assert_int_equal(tn.h[A].events[ZTK_EVENT_NODE_PLANET_UPDATED], 0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_signed_update_spreads, setup, teardown),
    cmocka_unit_test_setup_teardown(test_forged_update_refused, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
