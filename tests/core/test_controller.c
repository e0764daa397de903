/* The embedded controller's request processing: the live session replayed (the config for alice
 * byte for byte, members, revisions, the push after a change), then every authorization path:
 * not ours, unknown network, identity collision, private / public / token / SSO, old rules
 * engines, capabilities and tags, active bridges, trace settings, credential windows. */
#include "tests/support/ctlrec.h"
#include "tests/support/netvec.h"

#include "core/identity/identity.h"
#include "core/network/config_request.h"
#include "core/packet/packet.h"

#define NWID CR_NWID
#define T_CREATE 1795314236798ll
#define T_DENIED 1795314248606ll
#define T_AUTH_ALICE 1795314253298ll
#define T_AUTH_BOB 1795314253307ll
#define T_CONFIG 1795314253584ll /* the ts of the live config for alice */

static ztk_identity ctl, alice, bob;
static json_t *live;

static int setup(void **state)
{
  (void)state;
  tv_live_identity("ctl", &ctl);
  tv_live_public("alice", &alice);
  tv_live_public("bob", &bob);
  live = tv_load("vectors/live_session.json");
  return 0;
}

static int teardown(void **state)
{
  (void)state;
  json_decref(live);
  return 0;
}

static const cr_event *only(cr_fixture *f, char kind)
{
  assert_int_equal(f->rec.n_events, 1);
  assert_int_equal(f->rec.ev[0].kind, kind);
  return &f->rec.ev[0];
}

/* The config nc, as a dictionary, equals the live one for alice. */
static void expect_live_dictionary(const ztk_netconf *nc)
{
  json_t *v = json_object_get(live, "controller_netconf_to_alice");
  size_t len;
  uint8_t *want = tv_hex(v, "dictionary_hex", &len);
  char *buf = malloc(ZTK_DICT_NETCONF_CAP);
  assert_non_null(buf);
  ztk_dict d;
  ztk_dict_init(&d, buf, ZTK_DICT_NETCONF_CAP);
  assert_int_equal(ztk_netconf_to_dict(nc, &d), 0);
  assert_int_equal(d.len, len);
  assert_memory_equal(buf, want, len);
  free(buf);
  free(want);
}

static void expect_ip(const ztk_inaddr *a, const char *text)
{
  char s[ZTK_INADDR_STRLEN];
  ztk_inaddr_format(a, s);
  assert_string_equal(s, text);
}

/* The live metadata equals what cr_meta builds (so the tests send what 1.14.1 sends). */
static void test_live_metadata(void **state)
{
  (void)state;
  json_t *tr = json_object_get(live, "transcript");
  size_t i;
  json_t *p;
  json_array_foreach(tr, i, p)
  {
    const char *verb = json_string_value(json_object_get(p, "verb"));
    if (!verb || strcmp(verb, "NETWORK_CONFIG_REQUEST"))
      continue;
    size_t len;
    uint8_t *payload = tv_hex(p, "payload", &len);
    ztk_config_request q;
    assert_int_equal(ztk_config_request_read(&q, payload, len), 0);
    char buf[ZTK_DICT_METADATA_CAP];
    ztk_dict d;
    cr_meta(&d, buf, 1, NULL, NULL);
    assert_int_equal(q.meta_len, d.len);
    assert_memory_equal(q.meta, buf, d.len);
    free(payload);
    return;
  }
  fail_msg("no request in the transcript");
}

static void test_live_session(void **state)
{
  (void)state;
  cr_fixture *f = cr_fx_new(T_CREATE);
  cr_fx_network(f, T_CREATE, NULL);
  /* First requests: not authorized; the members are created with their identities. */
  ztk_ctl_request(f->c, T_DENIED, NWID, &alice, &f->meta, 0x30b425d7f0594381ull);
  const cr_event *e = only(f, 'E');
  assert_true(e->to == alice.address && e->request_id == 0x30b425d7f0594381ull);
  assert_true(e->nwid == NWID);
  assert_int_equal(e->code, ZTK_PROTO_ERR_NETWORK_ACCESS_DENIED);
  cr_clear(&f->rec);
  ztk_ctl_request(f->c, T_DENIED, NWID, &bob, &f->meta, 0x41b8bf546b45ed7eull);
  assert_int_equal(only(f, 'E')->to, bob.address);
  cr_clear(&f->rec);
  ztk_ctl_member m;
  cr_fx_member(f, alice.address, &m);
  assert_true(m.revision == 1 && m.creation_time == T_DENIED && !m.authorized);
  assert_true(m.has_identity && ztk_identity_same(&m.identity, &alice));
  assert_true(m.v_major == -1 && m.ip_count == 0);
  ztk_ctl_member_free(&m);
  /* Authorized through the API: no push (no authorized request yet). */
  cr_fx_authorize(f, alice.address, T_AUTH_ALICE, true);
  cr_fx_authorize(f, bob.address, T_AUTH_BOB, true);
  assert_int_equal(f->rec.n_events, 0);
  cr_fx_member(f, alice.address, &m);
  assert_true(m.revision == 2 && m.last_authorized_time == T_AUTH_ALICE);
  assert_string_equal(m.last_auth_type, "api");
  ztk_ctl_member_free(&m);
  /* The next request gets the live config; the member changed, so a push follows. */
  ztk_ctl_request(f->c, T_CONFIG, NWID, &alice, &f->meta, 0xa8063cecc5218525ull);
  assert_int_equal(f->rec.n_events, 2);
  assert_true(f->rec.ev[0].kind == 'C' && f->rec.ev[0].request_id == 0xa8063cecc5218525ull);
  assert_true(f->rec.ev[1].kind == 'C' && f->rec.ev[1].request_id == 0);
  expect_live_dictionary(f->rec.ev[0].nc);
  assert_int_equal(ztk_netconf_check(f->rec.ev[1].nc, NWID, alice.address), 0);
  cr_fx_member(f, alice.address, &m);
  assert_true(m.revision == 3 && m.ip_count == 1);
  expect_ip(&m.ips[0], "10.147.17.33/0");
  assert_true(m.v_major == 1 && m.v_minor == 14 && m.v_rev == 1 && m.v_proto == 12);
  ztk_ctl_member_free(&m);
  cr_clear(&f->rec);
  ztk_ctl_request(f->c, T_CONFIG + 2, NWID, &bob, &f->meta, 0x0017674021622f94ull);
  assert_int_equal(cr_count(&f->rec, 'C'), 2);
  const ztk_netconf *nc = cr_nth(&f->rec, 'C', 0)->nc;
  assert_int_equal(nc->static_ip_count, 3);
  expect_ip(&nc->static_ips[0], "fd89:419d:3fcd:7cda:1f99:932f:e15d:ea2d/88");
  expect_ip(&nc->static_ips[1], "fc44:3d47:202f:e15d:ea2d::1/40");
  expect_ip(&nc->static_ips[2], "10.147.17.247/24");
  cr_clear(&f->rec);
  /* A repeat within 1 s is ignored; a later one is answered without a push (no change). */
  ztk_ctl_request(f->c, T_CONFIG + 1000, NWID, &alice, &f->meta, 1);
  assert_int_equal(f->rec.n_events, 0);
  ztk_ctl_request(f->c, T_CONFIG + 65000, NWID, &alice, &f->meta, 2);
  assert_int_equal(only(f, 'C')->request_id, 2);
  cr_fx_member(f, alice.address, &m);
  assert_true(m.revision == 3);
  ztk_ctl_member_free(&m);
  cr_fx_free(f);
}

static void test_not_ours_and_not_found(void **state)
{
  (void)state;
  cr_fixture *f = cr_fx_new(T_CREATE);
  ztk_ctl_request(f->c, T_CONFIG, 0x1122334455000001ull, &alice, &f->meta, 7);
  assert_int_equal(f->rec.n_events, 0);
  ztk_ctl_request(f->c, T_CONFIG, NWID, &alice, &f->meta, 7);
  const cr_event *e = only(f, 'E');
  assert_int_equal(e->code, ZTK_PROTO_ERR_OBJ_NOT_FOUND);
  assert_true(e->nwid == NWID && e->request_id == 7);
  cr_fx_free(f);
}

static void test_identity_collision(void **state)
{
  (void)state;
  cr_fixture *f = cr_fx_new(T_CREATE);
  cr_fx_network(f, T_CREATE, NULL);
  ztk_ctl_request(f->c, T_CONFIG, NWID, &alice, &f->meta, 1);
  cr_fx_authorize(f, alice.address, T_CONFIG, true);
  cr_clear(&f->rec);
  ztk_identity fake = bob;
  fake.address = alice.address; /* same address, another key */
  ztk_ctl_request(f->c, T_CONFIG + 5000, NWID, &fake, &f->meta, 2);
  assert_int_equal(only(f, 'E')->code, ZTK_PROTO_ERR_NETWORK_ACCESS_DENIED);
  cr_fx_free(f);
}

static void make_public(ztk_ctl_network *n)
{
  n->is_private = false;
}

static void test_public_network(void **state)
{
  (void)state;
  cr_fixture *f = cr_fx_new(T_CREATE);
  cr_fx_network(f, T_CREATE, make_public);
  ztk_ctl_request(f->c, T_CONFIG, NWID, &alice, &f->meta, 1);
  /* the new member record is a change: pushed right after the answer, as 1.14.1 does */
  assert_int_equal(cr_count(&f->rec, 'C'), 2);
  assert_true(cr_nth(&f->rec, 'C', 1)->request_id == 0);
  assert_int_equal(cr_nth(&f->rec, 'C', 0)->nc->type, ZTK_NETWORK_PUBLIC);
  ztk_ctl_member m;
  cr_fx_member(f, alice.address, &m);
  assert_true(m.authorized && m.last_authorized_time == T_CONFIG);
  assert_string_equal(m.last_auth_type, "public");
  assert_string_equal(m.last_auth_credential, "");
  ztk_ctl_member_free(&m);
  cr_fx_free(f);
}

static void add_tokens(ztk_ctl_network *n)
{
  assert_int_equal(ztk_ctl_network_add_token(n, "forever", 0), 0);
  assert_int_equal(ztk_ctl_network_add_token(n, "until", T_CONFIG + 10000), 0);
}

static void test_tokens(void **state)
{
  (void)state;
  cr_fixture *f = cr_fx_new(T_CREATE);
  cr_fx_network(f, T_CREATE, add_tokens);
  char buf[ZTK_DICT_METADATA_CAP];
  ztk_dict d;
  static const struct {
    const char *value;
    bool ok;
  } cases[] = {{"token:nope", false},
               {"token:", false},
               {"forever", false},
               {"token:until", true},
               {"token:forever", true}};
  for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    ztk_identity who = i % 2 ? alice : bob;
    ztk_ctl_member_delete(f->c, T_CONFIG, NWID, who.address, NULL);
    cr_clear(&f->rec);
    cr_meta(&d, buf, 1, "a", cases[i].value);
    ztk_ctl_request(f->c, T_CONFIG + 2000 * i, NWID, &who, &d, 1 + i);
    assert_int_equal(cr_count(&f->rec, 'C'), cases[i].ok ? 2 : 0); /* answer + push */
    ztk_ctl_member m;
    cr_fx_member(f, who.address, &m);
    assert_int_equal(m.authorized, cases[i].ok);
    if (cases[i].ok) {
      assert_string_equal(m.last_auth_type, "token");
      assert_string_equal(m.last_auth_credential, cases[i].value + 6);
    }
    ztk_ctl_member_free(&m);
  }
  /* expired */
  ztk_ctl_member_delete(f->c, T_CONFIG, NWID, alice.address, NULL);
  cr_clear(&f->rec);
  cr_meta(&d, buf, 1, "a", "token:until");
  ztk_ctl_request(f->c, T_CONFIG + 20000, NWID, &alice, &d, 99);
  assert_int_equal(only(f, 'E')->code, ZTK_PROTO_ERR_NETWORK_ACCESS_DENIED);
  cr_fx_free(f);
}

static void enable_sso(ztk_ctl_network *n)
{
  n->sso_enabled = true;
}

static void test_sso(void **state)
{
  (void)state;
  cr_fixture *f = cr_fx_new(T_CREATE);
  cr_fx_network(f, T_CREATE, enable_sso);
  cr_fx_authorize(f, alice.address, T_CONFIG, true);
  ztk_ctl_request(f->c, T_CONFIG, NWID, &alice, &f->meta, 1);
  assert_int_equal(only(f, 'E')->code, ZTK_PROTO_ERR_NETWORK_AUTHENTICATION_REQUIRED);
  cr_clear(&f->rec);
  ztk_ctl_member m;
  cr_fx_member(f, alice.address, &m);
  m.auth_expiry = T_CONFIG + 100000;
  assert_int_equal(ztk_ctl_member_put(f->c, T_CONFIG, &m, NULL), 0);
  ztk_ctl_request(f->c, T_CONFIG + 5000, NWID, &alice, &f->meta, 2);
  const ztk_netconf *nc = cr_nth(&f->rec, 'C', 0)->nc;
  assert_true(nc->sso_enabled && nc->auth_expiry == (uint64_t)(T_CONFIG + 100000));
  ztk_ctl_member_free(&m);
  cr_fx_member(f, alice.address, &m);
  m.auth_expiry = 0;
  m.sso_exempt = true;
  assert_int_equal(ztk_ctl_member_put(f->c, T_CONFIG + 6000, &m, NULL), 0);
  cr_clear(&f->rec);
  ztk_ctl_request(f->c, T_CONFIG + 10000, NWID, &alice, &f->meta, 3);
  assert_int_equal(only(f, 'C')->request_id, 3);
  ztk_ctl_member_free(&m);
  cr_fx_free(f);
}

static void caps_and_tags(ztk_ctl_network *n)
{
  ztk_ctl_capability cap;
  memset(&cap, 0, sizeof cap);
  cap.id = 1;
  cap.dflt = true;
  cap.rule_count = 1;
  cap.rules[0].t = ZTK_RULE_ACTION_DROP;
  assert_int_equal(ztk_ctl_network_add_capability(n, &cap), 0);
  cap.id = 2;
  cap.dflt = false;
  assert_int_equal(ztk_ctl_network_add_capability(n, &cap), 0);
  ztk_ctl_tag t = {5, true, 7};
  assert_int_equal(ztk_ctl_network_add_tag(n, &t), 0);
  t = (ztk_ctl_tag){6, false, 0};
  assert_int_equal(ztk_ctl_network_add_tag(n, &t), 0);
  n->is_private = false;
}

static void test_capabilities_and_tags(void **state)
{
  (void)state;
  cr_fixture *f = cr_fx_new(T_CREATE);
  cr_fx_network(f, T_CREATE, caps_and_tags);
  ztk_ctl_request(f->c, T_CONFIG, NWID, &alice, &f->meta, 1);
  const ztk_netconf *nc = cr_nth(&f->rec, 'C', 0)->nc;
  assert_int_equal(nc->cap_count, 1);
  assert_int_equal(nc->caps[0].id, 1);
  assert_int_equal(nc->caps[0].rule_count, 1);
  assert_int_equal(ztk_capability_issued_to(&nc->caps[0]), alice.address);
  assert_true(nc->caps[0].custody[0].from == ctl.address);
  assert_int_equal(nc->tag_count, 1);
  assert_true(nc->tags[0].id == 5 && nc->tags[0].value == 7);
  assert_int_equal(ztk_tag_verify(&nc->tags[0], &ctl), 0);
  ztk_ctl_member m;
  cr_fx_member(f, alice.address, &m);
  assert_int_equal(m.cap_count, 1);
  assert_int_equal(m.tag_count, 1);
  /* Granting cap 2 and tag 6 (ids below and above the default) */
  assert_int_equal(ztk_ctl_member_add_cap(&m, 2), 0);
  assert_int_equal(ztk_ctl_member_set_tag(&m, 6, 3), 0);
  assert_int_equal(ztk_ctl_member_set_tag(&m, 4, 9), 0);
  assert_int_equal(ztk_ctl_member_put(f->c, T_CONFIG, &m, NULL), 0);
  ztk_ctl_member_free(&m);
  cr_clear(&f->rec);
  ztk_ctl_request(f->c, T_CONFIG + 5000, NWID, &alice, &f->meta, 2);
  nc = only(f, 'C')->nc;
  assert_int_equal(nc->cap_count, 2);
  assert_int_equal(nc->tag_count, 3);
  assert_true(nc->tags[0].id == 4 && nc->tags[1].id == 5 && nc->tags[2].id == 6);
  assert_true(nc->tags[2].value == 3);
  /* An old rules engine gets one ACCEPT and nothing else. */
  cr_clear(&f->rec);
  char buf[ZTK_DICT_METADATA_CAP];
  ztk_dict d;
  cr_meta(&d, buf, 0, NULL, NULL);
  ztk_ctl_request(f->c, T_CONFIG + 10000, NWID, &alice, &d, 3);
  nc = only(f, 'C')->nc;
  assert_true(nc->rule_count == 1 && nc->rules[0].t == ZTK_RULE_ACTION_ACCEPT);
  assert_int_equal(nc->cap_count + nc->tag_count, 0);
  cr_fx_free(f);
}

static void trace_and_window(ztk_ctl_network *n)
{
  n->has_trace_target = true;
  n->trace_target = 0x1122334455ull;
  n->trace_level = 10;
  n->has_ctw = true;
  n->ctw = 1000; /* below the minimum */
  n->mtu = 9000;
  n->multicast_limit = 5;
  n->enable_broadcast = false;
}

static void test_trace_window_and_bridges(void **state)
{
  (void)state;
  cr_fixture *f = cr_fx_new(T_CREATE);
  cr_fx_network(f, T_CREATE, trace_and_window);
  cr_fx_authorize(f, alice.address, T_CONFIG, true);
  ztk_ctl_member b;
  ztk_ctl_member_init(&b, NWID, bob.address);
  b.active_bridge = true;
  assert_int_equal(ztk_ctl_member_put(f->c, T_CONFIG, &b, NULL), 0);
  ztk_ctl_request(f->c, T_CONFIG, NWID, &alice, &f->meta, 1);
  const ztk_netconf *nc = cr_nth(&f->rec, 'C', 0)->nc;
  assert_true(nc->trace_target == 0x1122334455ull && nc->trace_level == 10);
  assert_true(nc->ctmd == ZTK_CTMD_MIN && nc->com.q[0].max_delta == ZTK_CTMD_MIN);
  assert_true(nc->mtu == 9000 && nc->multicast_limit == 5);
  assert_true(nc->flags == ZTK_NETCONF_FLAG_NDP_EMULATION);
  assert_true(ztk_netconf_is_specialist(nc, bob.address, ZTK_SPECIALIST_ACTIVE_BRIDGE));
  assert_int_equal(nc->specialist_count, 1);
  assert_int_equal(ztk_com_verify(&nc->com, &ctl), 0);
  assert_int_equal(ztk_coo_verify(&nc->coos[0], &ctl), 0);
  /* The member's trace target wins, with its own level. */
  ztk_ctl_member m;
  cr_fx_member(f, alice.address, &m);
  m.has_trace_target = true;
  m.trace_target = 0x99;
  m.trace_level = 30;
  assert_int_equal(ztk_ctl_member_put(f->c, T_CONFIG, &m, NULL), 0);
  ztk_ctl_member_free(&m);
  cr_clear(&f->rec);
  ztk_ctl_request(f->c, T_CONFIG + 5000, NWID, &alice, &f->meta, 2);
  nc = cr_nth(&f->rec, 'C', 0)->nc;
  assert_true(nc->trace_target == 0x99 && nc->trace_level == 30);
  ztk_ctl_member_free(&b);
  cr_fx_free(f);
}

static void long_window(ztk_ctl_network *n)
{
  n->has_ctw = true;
  n->ctw = 10ll * 3600 * 1000;
}

static void test_window_maximum(void **state)
{
  (void)state;
  cr_fixture *f = cr_fx_new(T_CREATE);
  cr_fx_network(f, T_CREATE, long_window);
  cr_fx_authorize(f, alice.address, T_CONFIG, true);
  ztk_ctl_request(f->c, T_CONFIG, NWID, &alice, &f->meta, 1);
  assert_true(cr_nth(&f->rec, 'C', 0)->nc->ctmd == ZTK_CTMD_MAX);
  cr_fx_free(f);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_live_metadata),
      cmocka_unit_test(test_live_session),
      cmocka_unit_test(test_not_ours_and_not_found),
      cmocka_unit_test(test_identity_collision),
      cmocka_unit_test(test_public_network),
      cmocka_unit_test(test_tokens),
      cmocka_unit_test(test_sso),
      cmocka_unit_test(test_capabilities_and_tags),
      cmocka_unit_test(test_trace_window_and_bridges),
      cmocka_unit_test(test_window_maximum),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
