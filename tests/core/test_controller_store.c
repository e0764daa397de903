/* The controller's database: records with every field survive a restart through the recording
 * state store; refused records (bit flips, truncations, other versions, wrong ids, dangling
 * index entries) are reported and skipped; revisions count real changes only; generated ids;
 * deletions erase records; the limits of every list; argument checks. */
#include "tests/support/ctlrec.h"

#include "core/controller/ctl_record.h"

#define NWID CR_NWID
#define T0 CR_T0

CR_FIXTURE_GROUP

/* A network using every field. */
static void everything(ztk_ctl_network *n)
{
  ztk_ctl_capability cap;
  memset(&cap, 0, sizeof cap);
  cap.id = 3;
  cap.rule_count = 2;
  cap.rules[0].t = ZTK_RULE_MATCH_IPV6_DEST | ZTK_RULE_NOT;
  cap.rules[0].v.ipv6.mask = 64;
  cap.rules[1].t = ZTK_RULE_ACTION_ACCEPT;
  assert_int_equal(ztk_ctl_network_add_capability(n, &cap), 0);
  ztk_ctl_tag t = {8, true, 0xffffffffu};
  assert_int_equal(ztk_ctl_network_add_tag(n, &t), 0);
  assert_int_equal(ztk_ctl_network_add_token(n, "abc", 42), 0);
  ztk_rule r;
  memset(&r, 0, sizeof r);
  r.t = ZTK_RULE_MATCH_ETHERTYPE | ZTK_RULE_OR;
  r.v.ether_type = 0x0800;
  assert_int_equal(ztk_ctl_network_add_rule(n, &r), 0);
  ztk_ctl_route rt;
  memset(&rt, 0, sizeof rt);
  ztk_inaddr_parse(&rt.target, "fd00::/8");
  ztk_inaddr_parse(&rt.via, "fd00::1");
  assert_int_equal(ztk_ctl_network_add_route(n, &rt), 0);
  n->dns.set = true;
  strcpy(n->dns.domain, "zt.example");
  n->dns.server_count = 2;
  ztk_inaddr_parse(&n->dns.servers[0], "10.147.17.1");
  ztk_inaddr_parse(&n->dns.servers[1], "fd00::53");
  n->has_trace_target = true;
  n->trace_target = 0x0102030405ull;
  n->trace_level = 20;
  n->has_ctw = true;
  n->ctw = 600000;
  n->sso_enabled = true;
  strcpy(n->client_id, "client");
  strcpy(n->authorization_endpoint, "https://sso.example/auth");
}

static void full_member(ztk_ctl_member *m)
{
  ztk_ctl_member_init(m, NWID, f->bob.address);
  m->active_bridge = m->no_auto_assign_ips = m->sso_exempt = true;
  ztk_inaddr ip;
  ztk_inaddr_parse(&ip, "10.147.17.99");
  assert_int_equal(ztk_ctl_member_add_ip(m, &ip), 0);
  ztk_inaddr_parse(&ip, "fd00::99");
  assert_int_equal(ztk_ctl_member_add_ip(m, &ip), 0);
  assert_int_equal(ztk_ctl_member_set_tag(m, 8, 1), 0);
  assert_int_equal(ztk_ctl_member_add_cap(m, 3), 0);
  m->has_name = true;
  strcpy(m->name, "bob's box");
  m->auth_expiry = 77;
  m->has_trace_target = true;
  m->trace_target = 0x0a0b0c0d0eull;
  m->trace_level = 15;
  ztk_ctl_member_set_authorized(m, true, T0 + 5);
}

static void populate(void)
{
  cr_fx_network(f, T0, everything);
  ztk_ctl_member m;
  full_member(&m);
  assert_int_equal(ztk_ctl_member_put(f->c, T0 + 5, &m, NULL), 0);
  ztk_ctl_member_free(&m);
  cr_fx_authorize(f, f->alice.address, T0 + 6, true);
  cr_fx_member(f, f->alice.address, &m);
  m.sso_exempt = true;
  assert_int_equal(ztk_ctl_member_put(f->c, T0 + 6, &m, NULL), 0);
  ztk_ctl_member_free(&m);
  ztk_ctl_request(f->c, T0 + 7, NWID, &f->alice, &f->meta, 1); /* identity, versions, IPs */
  ztk_ctl_network n;
  ztk_ctl_network_init(&n);
  n.nwid = 0;
  assert_int_equal(ztk_ctl_network_put(f->c, T0 + 8, &n, &n), 0); /* a generated id */
  ztk_ctl_network_free(&n);
}

/* A second controller on the same store. */
static ztk_ctl *reopen(ztk_ctl_load_report *rep)
{
  ztk_ctl *c2;
  assert_int_equal(ztk_ctl_new(&c2, &f->ctl, &f->io, T0 + 100), 0);
  ztk_ctl_load_report_get(c2, rep);
  return c2;
}

static void expect_same_db(ztk_ctl *a, ztk_ctl *b)
{
  uint64_t ids_a[8], ids_b[8];
  unsigned n = ztk_ctl_network_list(a, ids_a, 8);
  assert_int_equal(ztk_ctl_network_list(b, ids_b, 8), n);
  assert_memory_equal(ids_a, ids_b, n * sizeof ids_a[0]);
  for (unsigned i = 0; i < n; i++) {
    ztk_ctl_network x, y;
    memset(&x, 0, sizeof x);
    memset(&y, 0, sizeof y);
    assert_int_equal(ztk_ctl_network_get(a, ids_a[i], &x), 0);
    assert_int_equal(ztk_ctl_network_get(b, ids_a[i], &y), 0);
    assert_true(ztk_ctl_network_same(&x, &y) && x.revision == y.revision);
    ztk_ctl_network_free(&x);
    ztk_ctl_network_free(&y);
    ztk_address ma[8], mb[8];
    long k = ztk_ctl_member_list(a, ids_a[i], ma, 8);
    assert_int_equal(ztk_ctl_member_list(b, ids_a[i], mb, 8), k);
    for (long j = 0; j < k; j++) {
      ztk_ctl_member p, q;
      memset(&p, 0, sizeof p);
      memset(&q, 0, sizeof q);
      assert_int_equal(ztk_ctl_member_get(a, ids_a[i], ma[j], &p), 0);
      assert_int_equal(ztk_ctl_member_get(b, ids_a[i], ma[j], &q), 0);
      assert_true(ztk_ctl_member_same(&p, &q) && p.revision == q.revision);
      ztk_ctl_member_free(&p);
      ztk_ctl_member_free(&q);
    }
  }
}

static void test_round_trip(void **state)
{
  (void)state;
  populate();
  ztk_ctl_load_report rep;
  ztk_ctl *c2 = reopen(&rep);
  assert_int_equal(rep.networks, 2);
  assert_int_equal(rep.members, 2);
  assert_int_equal(rep.refused, 0);
  expect_same_db(f->c, c2);
  ztk_ctl_member m;
  memset(&m, 0, sizeof m);
  assert_int_equal(ztk_ctl_member_get(c2, NWID, f->alice.address, &m), 0);
  assert_true(m.has_identity && m.v_proto == 12 && m.ip_count == 1);
  ztk_ctl_member_free(&m);
  ztk_ctl_free(c2);
}

/* Every single-byte change of the stored network record is refused, and the rest loads. */
static void test_corruption(void **state)
{
  (void)state;
  populate();
  cr_state *s = cr_state_find(&f->rec, NWID, 0);
  assert_non_null(s);
  for (size_t i = 0; i < s->len; i++) {
    s->data[i] ^= 0x20;
    ztk_ctl_load_report rep;
    ztk_ctl *c2 = reopen(&rep);
    assert_int_equal(rep.refused, 1);
    assert_true(rep.first_refused_id[0] == NWID && rep.first_refused_id[1] == 0);
    assert_int_equal(rep.first_refused_error, i == 4 ? ZTK_ECTL_VERSION : ZTK_ECTL_RECORD);
    assert_int_equal(rep.networks, 1); /* the other network */
    ztk_ctl_free(c2);
    s->data[i] ^= 0x20;
  }
  size_t len = s->len;
  s->len = len - 1;
  ztk_ctl_load_report rep;
  ztk_ctl *c2 = reopen(&rep);
  assert_int_equal(rep.first_refused_error, ZTK_ECTL_RECORD);
  ztk_ctl_free(c2);
  s->len = len;
  /* a member record stored under another member's id */
  cr_state *a = cr_state_find(&f->rec, NWID, f->alice.address);
  cr_state *b = cr_state_find(&f->rec, NWID, f->bob.address);
  uint8_t *tmp = a->data;
  size_t tl = a->len;
  a->data = b->data;
  a->len = b->len;
  b->data = tmp;
  b->len = tl;
  c2 = reopen(&rep);
  assert_int_equal(rep.refused, 2);
  assert_int_equal(rep.members, 0);
  ztk_ctl_free(c2);
}

static void test_records(void **state)
{
  (void)state;
  ztk_ctl_network n, back;
  cr_vectornet(&n);
  everything(&n);
  n.creation_time = 5;
  n.revision = 9;
  uint8_t *buf = malloc(ZTK_CTL_RECORD_MAX);
  assert_non_null(buf);
  ztk_wr w = ztk_wr_make(buf, ZTK_CTL_RECORD_MAX);
  ztk_ctl_record_write_network(&w, &n);
  assert_int_equal(w.err, 0);
  memset(&back, 0, sizeof back);
  assert_int_equal(ztk_ctl_record_read_network(buf, w.len, &back), 0);
  assert_true(ztk_ctl_network_same(&n, &back) && back.revision == 9);
  ztk_ctl_member wrong;
  memset(&wrong, 0, sizeof wrong);
  assert_int_equal(ztk_ctl_record_read_member(buf, w.len, &wrong), ZTK_ECTL_RECORD); /* kind */
  for (size_t cut = 0; cut < w.len; cut += 5)
    assert_int_equal(ztk_ctl_record_read_network(buf, cut, &back), ZTK_ECTL_RECORD);
  /* a network at every list limit still fits a record */
  while (n.rule_count < ZTK_CTL_MAX_RULES)
    assert_int_equal(ztk_ctl_network_add_rule(&n, &n.caps[0].rules[0]), 0);
  assert_int_equal(ztk_ctl_network_add_rule(&n, &n.caps[0].rules[0]), ZTK_ELIMIT);
  ztk_ctl_capability cap = n.caps[0];
  cap.rule_count = ZTK_MAX_CAPABILITY_RULES;
  for (unsigned i = 0; i < ZTK_MAX_CAPABILITY_RULES; i++)
    cap.rules[i] = n.caps[0].rules[0];
  for (uint32_t id = 0; n.cap_count < ZTK_CTL_MAX_CAPS; id++) {
    cap.id = 100 + id;
    assert_int_equal(ztk_ctl_network_add_capability(&n, &cap), 0);
  }
  char tok[ZTK_CTL_TOKEN_MAX + 1];
  memset(tok, 'x', ZTK_CTL_TOKEN_MAX);
  tok[ZTK_CTL_TOKEN_MAX] = 0;
  for (unsigned i = 0; n.token_count < ZTK_CTL_MAX_AUTH_TOKENS; i++) {
    tok[0] = (char)('A' + i % 26);
    tok[1] = (char)('A' + i / 26);
    assert_int_equal(ztk_ctl_network_add_token(&n, tok, i), 0);
  }
  w = ztk_wr_make(buf, ZTK_CTL_RECORD_MAX);
  ztk_ctl_record_write_network(&w, &n);
  assert_int_equal(w.err, 0);
  assert_int_equal(ztk_ctl_record_read_network(buf, w.len, &back), 0);
  assert_true(ztk_ctl_network_same(&n, &back));
  free(buf);
  ztk_ctl_network_free(&n);
  ztk_ctl_network_free(&back);
}

static void test_ids(void **state)
{
  (void)state;
  uint64_t ids[3] = {1, 5, 9}, *out;
  unsigned count;
  uint8_t buf[128];
  ztk_wr w = ztk_wr_make(buf, sizeof buf);
  ztk_ctl_record_write_ids(&w, ZTK_CTL_RECORD_NETWORK_INDEX, ids, 3);
  assert_int_equal(
      ztk_ctl_record_read_ids(buf, w.len, ZTK_CTL_RECORD_NETWORK_INDEX, &out, &count, 8), 0);
  assert_int_equal(count, 3);
  assert_memory_equal(out, ids, sizeof ids);
  free(out);
  assert_int_equal(
      ztk_ctl_record_read_ids(buf, w.len, ZTK_CTL_RECORD_NETWORK_INDEX, &out, &count, 2),
      ZTK_ELIMIT);
  assert_int_equal(
      ztk_ctl_record_read_ids(buf, w.len, ZTK_CTL_RECORD_MEMBER_INDEX, &out, &count, 8),
      ZTK_ECTL_RECORD);
  ids[2] = 5; /* not ascending */
  w = ztk_wr_make(buf, sizeof buf);
  ztk_ctl_record_write_ids(&w, ZTK_CTL_RECORD_NETWORK_INDEX, ids, 3);
  assert_int_equal(
      ztk_ctl_record_read_ids(buf, w.len, ZTK_CTL_RECORD_NETWORK_INDEX, &out, &count, 8),
      ZTK_ECTL_RECORD);
}

static void test_revisions_and_erasure(void **state)
{
  (void)state;
  cr_fx_network(f, T0, NULL);
  unsigned puts = f->rec.puts;
  ztk_ctl_network n;
  cr_vectornet(&n);
  n.creation_time = 0; /* keeps the stored one */
  assert_int_equal(ztk_ctl_network_put(f->c, T0 + 1, &n, &n), 0);
  assert_true(n.revision == 1 && n.creation_time == T0);
  assert_int_equal(f->rec.puts, puts); /* nothing written */
  n.mtu = 1500;
  assert_int_equal(ztk_ctl_network_put(f->c, T0 + 2, &n, &n), 0);
  assert_true(n.revision == 2);
  ztk_ctl_network_free(&n);
  cr_fx_authorize(f, f->alice.address, T0 + 3, true);
  cr_fx_authorize(f, f->alice.address, T0 + 4, true); /* no change */
  ztk_ctl_member m;
  cr_fx_member(f, f->alice.address, &m);
  assert_true(m.revision == 1 && m.creation_time == T0 + 3 && m.last_authorized_time == T0 + 3);
  ztk_ctl_member_free(&m);
  assert_non_null(cr_state_find(&f->rec, NWID, f->alice.address));
  assert_non_null(cr_state_find(&f->rec, NWID, ZTK_CTL_STATE_MEMBER_INDEX));
  assert_int_equal(ztk_ctl_network_delete(f->c, T0 + 5, NWID, NULL), 0);
  assert_null(cr_state_find(&f->rec, NWID, f->alice.address));
  assert_null(cr_state_find(&f->rec, NWID, ZTK_CTL_STATE_MEMBER_INDEX));
  assert_null(cr_state_find(&f->rec, NWID, 0));
  ztk_ctl_load_report rep;
  ztk_ctl *c2 = reopen(&rep);
  assert_int_equal(rep.networks + rep.members + rep.refused, 0);
  ztk_ctl_free(c2);
}

static void test_generated_ids(void **state)
{
  (void)state;
  ztk_ctl_network n;
  ztk_ctl_network_init(&n);
  for (unsigned i = 0; i < ZTK_CTL_MAX_NETWORKS; i++) {
    n.nwid = 0;
    assert_int_equal(ztk_ctl_network_put(f->c, T0, &n, &n), 0);
    assert_true(n.nwid >> 24 == f->ctl.address && (n.nwid & 0xffffff) != 0);
  }
  assert_int_equal(ztk_ctl_network_list(f->c, NULL, 0), ZTK_CTL_MAX_NETWORKS);
  n.nwid = 0;
  assert_int_equal(ztk_ctl_network_put(f->c, T0, &n, NULL), ZTK_ELIMIT);
  ztk_ctl_network_free(&n);
  unsigned total, authorized;
  assert_int_equal(ztk_ctl_network_counts(f->c, 1, &total, &authorized), ZTK_ENOTFOUND);
}

static void test_limits_and_arguments(void **state)
{
  (void)state;
  ztk_ctl_network n;
  ztk_ctl_network_init(&n);
  ztk_ctl_pool p;
  ztk_inaddr_parse(&p.start, "10.0.0.1");
  ztk_inaddr_parse(&p.end, "fd00::1");
  assert_int_equal(ztk_ctl_network_add_pool(&n, &p), ZTK_EINVAL);
  p.end = p.start;
  for (unsigned i = 0; i < ZTK_CTL_MAX_POOLS; i++)
    assert_int_equal(ztk_ctl_network_add_pool(&n, &p), 0);
  assert_int_equal(ztk_ctl_network_add_pool(&n, &p), ZTK_ELIMIT);
  ztk_ctl_route r;
  memset(&r, 0, sizeof r);
  assert_int_equal(ztk_ctl_network_add_route(&n, &r), ZTK_EINVAL);
  ztk_inaddr_parse(&r.target, "10.0.0.0/33");
  assert_int_equal(ztk_ctl_network_add_route(&n, &r), ZTK_EINVAL);
  assert_int_equal(ztk_ctl_network_add_token(&n, "", 0), ZTK_EINVAL);
  assert_int_equal(ztk_ctl_network_add_token(&n, "a b", 0), ZTK_EINVAL);
  assert_int_equal(ztk_ctl_network_add_token(&n, "ok", -1), ZTK_EINVAL);
  assert_int_equal(ztk_ctl_network_add_token(&n, "ok", 5), 0);
  assert_int_equal(ztk_ctl_network_add_token(&n, "ok", 6), 0); /* replaces */
  assert_int_equal(n.token_count, 1);
  ztk_ctl_network_free(&n);
  ztk_ctl_member m;
  ztk_ctl_member_init(&m, NWID, f->alice.address);
  assert_int_equal(ztk_ctl_member_put(f->c, T0, &m, NULL), ZTK_ENOTFOUND);
  cr_fx_network(f, T0, NULL);
  m.address = 0;
  assert_int_equal(ztk_ctl_member_put(f->c, T0, &m, NULL), ZTK_EINVAL);
  m.address = 0xff00000001ull;
  assert_int_equal(ztk_ctl_member_put(f->c, T0, &m, NULL), ZTK_EINVAL);
  m.address = f->alice.address;
  strcpy(m.last_auth_type, "bogus");
  assert_int_equal(ztk_ctl_member_put(f->c, T0, &m, NULL), ZTK_EINVAL);
  m.last_auth_type[0] = 0;
  m.has_identity = true;
  m.identity = f->bob; /* another member's identity */
  assert_int_equal(ztk_ctl_member_put(f->c, T0, &m, NULL), ZTK_EINVAL);
  m.identity = f->ctl;
  m.identity.address = m.address;
  m.trace_target = 0xff0102030405ull;
  assert_int_equal(ztk_ctl_member_put(f->c, T0, &m, &m), 0);
  assert_false(m.identity.has_private); /* secrets are not stored */
  assert_true(m.trace_target == 0x0102030405ull);
  m.has_identity = false;
  ztk_ctl_network bad;
  cr_vectornet(&bad);
  bad.mtu = 100;
  strcpy(bad.name, "x");
  assert_int_equal(ztk_ctl_network_put(f->c, T0, &bad, &bad), 0);
  assert_int_equal(bad.mtu, ZTK_MIN_MTU);
  bad.dns.server_count = 9;
  assert_int_equal(ztk_ctl_network_put(f->c, T0, &bad, NULL), ZTK_EINVAL);
  ztk_ctl_network_free(&bad);
  ztk_inaddr none = {0};
  assert_int_equal(ztk_ctl_member_add_ip(&m, &none), ZTK_EINVAL);
  for (uint32_t i = 0; i < ZTK_CTL_MAX_MEMBER_CAPS; i++)
    assert_int_equal(ztk_ctl_member_add_cap(&m, 1000 - i), 0);
  assert_int_equal(ztk_ctl_member_add_cap(&m, 5), ZTK_ELIMIT);
  assert_int_equal(ztk_ctl_member_add_cap(&m, 1000), 0); /* already there */
  assert_true(m.caps[0] == 1000 - ZTK_CTL_MAX_MEMBER_CAPS + 1);
  for (uint32_t i = 0; i < ZTK_CTL_MAX_MEMBER_TAGS; i++)
    assert_int_equal(ztk_ctl_member_set_tag(&m, i, i), 0);
  assert_int_equal(ztk_ctl_member_set_tag(&m, 9999, 1), ZTK_ELIMIT);
  ztk_ctl_member_free(&m);
  ztk_ctl *c2;
  ztk_ctl_io io = f->io;
  io.send_config = NULL;
  assert_int_equal(ztk_ctl_new(&c2, &f->ctl, &io, T0), ZTK_EINVAL);
  io = f->io;
  io.state_get = NULL;
  assert_int_equal(ztk_ctl_new(&c2, &f->ctl, &io, T0), ZTK_EINVAL);
  assert_int_equal(ztk_ctl_new(&c2, &f->alice, &f->io, T0), ZTK_EID_NOSECRET);
  assert_int_equal(ztk_ctl_address(f->c), f->ctl.address);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
      cmocka_unit_test_setup_teardown(test_corruption, setup, teardown),
      cmocka_unit_test_setup_teardown(test_records, setup, teardown),
      cmocka_unit_test_setup_teardown(test_ids, setup, teardown),
      cmocka_unit_test_setup_teardown(test_revisions_and_erasure, setup, teardown),
      cmocka_unit_test_setup_teardown(test_generated_ids, setup, teardown),
      cmocka_unit_test_setup_teardown(test_limits_and_arguments, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
