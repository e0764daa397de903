/* Pushes and revocations: a network change re-runs the last authorized request of every member
 * online (a request within 120 s) and pushes the result; members gone quiet get nothing; a
 * deauthorization, the deletion of an authorized member and the deletion of a network send
 * signed fast-propagate COM revocations to every online member; pushes never recurse; the
 * controller as a member of its own network; the multicast gate window and housekeeping. */
#include "tests/support/ctlrec.h"

#include "core/packet/packet.h"

#define NWID CR_NWID
#define T0 CR_T0

CR_FIXTURE_GROUP

static void request(const ztk_identity *id, int64_t now)
{
  ztk_ctl_request(f->c, now, NWID, id, &f->meta, 0x1000 + (uint64_t)now);
}

/* vectornet with alice and bob authorized and configured at T0 + 10 s. */
static void online_pair(void)
{
  cr_fx_network(f, T0, NULL);
  cr_fx_authorize(f, f->alice.address, T0 + 1000, true);
  cr_fx_authorize(f, f->bob.address, T0 + 1000, true);
  request(&f->alice, T0 + 10000);
  request(&f->bob, T0 + 10000);
  cr_clear(&f->rec);
}

static void rename_network(int64_t now, const char *name)
{
  ztk_ctl_network n;
  memset(&n, 0, sizeof n);
  assert_int_equal(ztk_ctl_network_get(f->c, NWID, &n), 0);
  strcpy(n.name, name);
  assert_int_equal(ztk_ctl_network_put(f->c, now, &n, &n), 0);
  ztk_ctl_network_free(&n);
}

static void test_network_change(void **state)
{
  (void)state;
  online_pair();
  rename_network(T0 + 20000, "renamed");
  assert_int_equal(f->rec.n_events, 2);
  const cr_event *a = &f->rec.ev[0], *b = &f->rec.ev[1];
  assert_true(a->kind == 'C' && a->to == f->bob.address && a->request_id == 0); /* by address */
  assert_true(b->kind == 'C' && b->to == f->alice.address && b->request_id == 0);
  assert_string_equal(b->nc->name, "renamed");
  assert_true(b->nc->revision == 2 && b->nc->ts == T0 + 20000);
  cr_clear(&f->rec);
  rename_network(T0 + 21000, "renamed"); /* no change: no revision, no push */
  assert_int_equal(f->rec.n_events, 0);
  ztk_ctl_network n;
  memset(&n, 0, sizeof n);
  assert_int_equal(ztk_ctl_network_get(f->c, NWID, &n), 0);
  assert_true(n.revision == 2);
  ztk_ctl_network_free(&n);
}

static void test_offline_members(void **state)
{
  (void)state;
  online_pair();
  request(&f->alice, T0 + 100000);
  cr_clear(&f->rec);
  rename_network(T0 + 10000 + ZTK_CTL_ONLINE_WINDOW, "later");
  assert_int_equal(f->rec.n_events, 1);
  assert_true(f->rec.ev[0].to == f->alice.address);
  /* a member that was never authorized is online but has no request to re-run */
  ztk_identity carol = f->alice;
  carol.address = 0x0100000001ull;
  request(&carol, T0 + 200000);
  assert_true(cr_last(&f->rec, 'E')->to == carol.address);
  cr_clear(&f->rec);
  rename_network(T0 + 201000, "again");
  assert_int_equal(cr_count(&f->rec, 'C'), 1); /* alice only */
}

static void expect_revocation(const cr_event *e, ztk_address to, ztk_address target, int64_t now)
{
  assert_int_equal(e->kind, 'R');
  assert_true(e->to == to);
  assert_true(e->rev.target == target && e->rev.nwid == NWID && e->rev.threshold == now);
  assert_true(e->rev.flags == ZTK_REVOCATION_FLAG_FAST_PROPAGATE);
  assert_int_equal(e->rev.type, ZTK_CRED_COM);
  assert_int_equal(e->rev.credential_id, 0);
  assert_int_equal(ztk_revocation_verify(&e->rev, &f->ctl), 0);
}

static void test_deauthorize(void **state)
{
  (void)state;
  online_pair();
  cr_fx_authorize(f, f->bob.address, T0 + 30000, false);
  /* the push to bob is refused (nothing goes out), then both online members hear of it */
  assert_int_equal(f->rec.n_events, 2);
  expect_revocation(&f->rec.ev[0], f->bob.address, f->bob.address, T0 + 30000);
  expect_revocation(&f->rec.ev[1], f->alice.address, f->bob.address, T0 + 30000);
  ztk_ctl_member m;
  cr_fx_member(f, f->bob.address, &m);
  assert_true(!m.authorized && m.last_deauthorized_time == T0 + 30000);
  ztk_ctl_member_free(&m);
  cr_clear(&f->rec);
  request(&f->bob, T0 + 31000);
  assert_int_equal(cr_last(&f->rec, 'E')->code, ZTK_PROTO_ERR_NETWORK_ACCESS_DENIED);
}

static void test_deletions(void **state)
{
  (void)state;
  online_pair();
  ztk_ctl_member gone;
  memset(&gone, 0, sizeof gone);
  assert_int_equal(ztk_ctl_member_delete(f->c, T0 + 20000, NWID, f->alice.address, &gone), 0);
  assert_true(gone.address == f->alice.address && gone.authorized);
  ztk_ctl_member_free(&gone);
  assert_int_equal(cr_count(&f->rec, 'R'), 2);
  assert_int_equal(ztk_ctl_member_delete(f->c, T0 + 20000, NWID, f->alice.address, NULL),
                   ZTK_ENOTFOUND);
  cr_clear(&f->rec);
  ztk_ctl_member m;
  ztk_ctl_member_init(&m, NWID, 0x0100000001ull);
  assert_int_equal(ztk_ctl_member_put(f->c, T0 + 20000, &m, NULL), 0);
  assert_int_equal(ztk_ctl_member_delete(f->c, T0 + 20000, NWID, m.address, NULL), 0);
  assert_int_equal(f->rec.n_events, 0); /* not authorized: nothing to revoke */
  ztk_ctl_member_free(&m);
  /* deleting the network revokes every member to every online member */
  request(&f->alice, T0 + 25000); /* alice is back (as a new, unauthorized member) */
  cr_clear(&f->rec);
  ztk_ctl_network n;
  memset(&n, 0, sizeof n);
  assert_int_equal(ztk_ctl_network_delete(f->c, T0 + 26000, NWID, &n), 0);
  assert_true(n.nwid == NWID && n.revision == 1);
  ztk_ctl_network_free(&n);
  assert_int_equal(cr_count(&f->rec, 'R'), 4);
  expect_revocation(&f->rec.ev[0], f->bob.address, f->bob.address, T0 + 26000);
  expect_revocation(&f->rec.ev[3], f->alice.address, f->alice.address, T0 + 26000);
  assert_int_equal(ztk_ctl_network_delete(f->c, T0 + 26000, NWID, NULL), ZTK_ENOTFOUND);
  cr_clear(&f->rec);
  request(&f->bob, T0 + 27000);
  assert_int_equal(cr_last(&f->rec, 'E')->code, ZTK_PROTO_ERR_OBJ_NOT_FOUND);
}

static void default_tag(ztk_ctl_network *n)
{
  ztk_ctl_tag t = {9, true, 1};
  assert_int_equal(ztk_ctl_network_add_tag(n, &t), 0);
}

/* A push that changes the member (a new default tag joins it) is not pushed again. */
static void test_push_does_not_recurse(void **state)
{
  (void)state;
  online_pair();
  ztk_ctl_network n;
  memset(&n, 0, sizeof n);
  assert_int_equal(ztk_ctl_network_get(f->c, NWID, &n), 0);
  default_tag(&n);
  assert_int_equal(ztk_ctl_network_put(f->c, T0 + 20000, &n, NULL), 0);
  ztk_ctl_network_free(&n);
  assert_int_equal(f->rec.n_events, 2);
  assert_int_equal(f->rec.ev[1].nc->tag_count, 1);
  ztk_ctl_member m;
  cr_fx_member(f, f->alice.address, &m);
  assert_int_equal(m.tag_count, 1);
  assert_true(m.revision == 3); /* created authorized, first config, default tag */
  ztk_ctl_member_free(&m);
}

/* The controller is a member of its own network: errors for failed pushes reach it too. */
static void test_self_member(void **state)
{
  (void)state;
  cr_fx_network(f, T0, NULL);
  cr_fx_authorize(f, f->ctl.address, T0 + 1000, true);
  ztk_ctl_request(f->c, T0 + 2000, NWID, &f->ctl, &f->meta, 5);
  assert_true(cr_nth(&f->rec, 'C', 0)->to == f->ctl.address);
  assert_true(cr_nth(&f->rec, 'C', 0)->nc->issued_to == f->ctl.address);
  cr_clear(&f->rec);
  cr_fx_authorize(f, f->ctl.address, T0 + 3000, false);
  const cr_event *e = cr_nth(&f->rec, 'E', 0);
  assert_non_null(e);
  assert_true(e->to == f->ctl.address && e->request_id == 0);
  assert_int_equal(cr_count(&f->rec, 'R'), 1);
}

static void test_gate_and_housekeeping(void **state)
{
  (void)state;
  online_pair();
  int64_t t = T0 + 10000;
  assert_true(ztk_ctl_recently_authorized(f->c, t + 179999, NWID, f->alice.address));
  assert_false(ztk_ctl_recently_authorized(f->c, t + 180000, NWID, f->alice.address));
  assert_false(ztk_ctl_recently_authorized(f->c, t, NWID + 1, f->alice.address));
  assert_false(ztk_ctl_recently_authorized(f->c, t, NWID, 0x0100000001ull));
  ztk_identity carol = f->alice;
  carol.address = 0x0100000001ull;
  request(&carol, t); /* denied: tracked, but never authorized */
  assert_false(ztk_ctl_recently_authorized(f->c, t, NWID, carol.address));
  assert_true(ztk_ctl_tick(f->c, t + 1000) == t + 1000 + ZTK_CTL_HOUSEKEEPING_PERIOD);
  assert_true(ztk_ctl_tick(f->c, t + 180000) == ZTK_NEVER);
  /* forgotten entries change nothing observable: a request is answered as usual */
  request(&f->alice, t + 181000);
  assert_int_equal(cr_last(&f->rec, 'C')->request_id, 0x1000 + (uint64_t)(t + 181000));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_network_change, setup, teardown),
      cmocka_unit_test_setup_teardown(test_offline_members, setup, teardown),
      cmocka_unit_test_setup_teardown(test_deauthorize, setup, teardown),
      cmocka_unit_test_setup_teardown(test_deletions, setup, teardown),
      cmocka_unit_test_setup_teardown(test_push_does_not_recurse, setup, teardown),
      cmocka_unit_test_setup_teardown(test_self_member, setup, teardown),
      cmocka_unit_test_setup_teardown(test_gate_and_housekeeping, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
