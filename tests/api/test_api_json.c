/* The controller's JSON documents: the captured and live documents read and written back
 * unchanged (field sets and values), POST merging with 1.14.1's semantics (string forms, clamps,
 * defaults, authorization stamps, sorting), refusals naming the field, and every rule type
 * through JSON and back. */
#include "tests/support/vectors.h"

#include <stdlib.h>
#include <string.h>

#include "api/ctl_json.h"
#include "api/rule_json.h"

static json_t *load_json(const char *text)
{
  json_error_t e;
  json_t *j = json_loads(text, 0, &e);
  if (!j)
    fail_msg("bad test JSON: %s", e.text);
  return j;
}

/* Every key of want is in got with an equal value (except skip), and got has no other keys. */
static void expect_same_doc(json_t *want, json_t *got, const char *skip)
{
  const char *key;
  json_t *v;
  json_object_foreach(want, key, v)
  {
    if (skip && !strcmp(key, skip))
      continue;
    if (!json_equal(v, json_object_get(got, key)))
      fail_msg("field %s differs", key);
  }
  json_object_foreach(got, key, v)
  {
    if (!json_object_get(want, key))
      fail_msg("extra field %s", key);
  }
}

static void network_round_trip(json_t *doc, const char *skip)
{
  ztk_ctl_network n;
  ztk_json_why why = {""};
  assert_int_equal(ztk_ctl_network_init(&n), 0);
  if (ztk_ctl_network_from_doc(&n, doc, &why))
    fail_msg("%s", why.text);
  json_t *out = ztk_ctl_network_to_json(&n);
  assert_non_null(out);
  expect_same_doc(doc, out, skip);
  ztk_ctl_network_free(&n);
  json_decref(out);
}

static void member_round_trip(json_t *doc)
{
  ztk_ctl_member m;
  ztk_json_why why = {""};
  ztk_ctl_member_init(&m, 0, 0);
  if (ztk_ctl_member_from_doc(&m, doc, &why))
    fail_msg("%s", why.text);
  json_t *out = ztk_ctl_member_to_json(&m);
  assert_non_null(out);
  expect_same_doc(doc, out, NULL);
  ztk_ctl_member_free(&m);
  json_decref(out);
}

static void test_captured_documents(void **state)
{
  (void)state;
  json_t *net = tv_load("captures/controller-network.json");
  network_round_trip(net, "rules"); /* written by hand without "not"/"or" */
  json_decref(net);
  static const char *const members[] = {"captures/controller-member-m1.json",
                                        "captures/controller-member-m2.json"};
  for (int i = 0; i < 2; i++) {
    json_t *m = tv_load(members[i]);
    member_round_trip(m);
    json_decref(m);
  }
}

static void test_live_documents(void **state)
{
  (void)state;
  json_t *live = tv_load("vectors/live_session.json");
  json_t *db = json_object_get(json_object_get(live, "setup"), "controller_db_after");
  const char *key;
  json_t *doc;
  int seen = 0;
  json_object_foreach(db, key, doc)
  {
    if (strstr(key, "/member/"))
      member_round_trip(doc);
    else
      network_round_trip(doc, NULL);
    seen++;
  }
  assert_int_equal(seen, 3);
  json_decref(live);
}

static int post_network(ztk_ctl_network *n, const char *body, ztk_json_why *why)
{
  json_t *b = load_json(body);
  int rc = ztk_ctl_network_apply_post(n, b, why);
  json_decref(b);
  return rc;
}

static void test_network_post(void **state)
{
  (void)state;
  ztk_ctl_network n;
  ztk_json_why why = {""};
  assert_int_equal(ztk_ctl_network_init(&n), 0);
  assert_int_equal(post_network(&n,
                                "{\"v4AssignMode\":\"zt\",\"v6AssignMode\":"
                                "\"rfc4193,6plane,zt\",\"mtu\":100,\"private\":\"false\","
                                "\"enableBroadcast\":null,\"multicastLimit\":\"7\"}",
                                &why),
                   0);
  assert_true(n.v4_zt && n.v6_rfc4193 && n.v6_6plane && n.v6_zt);
  assert_true(n.mtu == ZTK_MIN_MTU && !n.is_private && !n.enable_broadcast);
  assert_int_equal(n.multicast_limit, 7);
  assert_int_equal(post_network(&n,
                                "{\"v6AssignMode\":\"zt\",\"v4AssignMode\":{},\"mtu\":1e9,"
                                "\"remoteTraceTarget\":\"0102030405\",\"remoteTraceLevel\":true}",
                                &why),
                   0);
  assert_true(!n.v6_rfc4193 && n.v6_zt && !n.v4_zt && n.mtu == ZTK_MAX_MTU);
  assert_true(n.has_trace_target && n.trace_target == 0x0102030405ull && n.trace_level == 1);
  assert_int_equal(post_network(&n,
                                "{\"remoteTraceTarget\":\"short\",\"authTokens\":{\"t1\":0,"
                                "\"t2\":99},\"tags\":[{\"id\":2,\"default\":null},{\"id\":1,"
                                "\"default\":5},{\"id\":2,\"default\":3}],\"dns\":{\"domain\":"
                                "\"x.y\",\"servers\":[\"10.0.0.53\"]},\"capabilities\":[{\"id\":"
                                "9,\"rules\":[{\"type\":\"ACTION_DROP\"}]},{\"id\":4}]}",
                                &why),
                   0);
  assert_false(n.has_trace_target);
  assert_int_equal(n.token_count, 2);
  assert_int_equal(n.tag_count, 2); /* sorted by id, the last definition wins */
  assert_true(n.tags[0].id == 1 && n.tags[0].dflt == 5 && n.tags[1].dflt == 3);
  assert_true(n.dns.set && n.dns.server_count == 1 && !strcmp(n.dns.domain, "x.y"));
  assert_true(n.cap_count == 2 && n.caps[0].id == 4 && n.caps[1].rule_count == 1);
  json_t *out = ztk_ctl_network_to_json(&n);
  json_t *tok = json_object_get(out, "authTokens");
  assert_true(json_integer_value(json_object_get(tok, "t2")) == 99);
  assert_true(json_is_null(json_object_get(json_array_get(json_object_get(out, "tags"), 1),
                                           "default")) == 0);
  json_decref(out);
  assert_int_equal(post_network(&n, "{\"authTokens\":null,\"dns\":[],\"routes\":null}", &why), 0);
  assert_int_equal(n.token_count, 0); /* cleared; "dns": [] is ignored */
  assert_true(n.dns.set);
  out = ztk_ctl_network_to_json(&n);
  assert_true(json_is_null(json_array_get(json_object_get(out, "authTokens"), 0)));
  json_decref(out);
  ztk_ctl_network_free(&n);
}

static void expect_refusal(const char *body, const char *message)
{
  ztk_ctl_network n;
  ztk_json_why why = {""};
  assert_int_equal(ztk_ctl_network_init(&n), 0);
  assert_int_equal(post_network(&n, body, &why), ZTK_EJSON_FIELD);
  if (strncmp(why.text, message, strlen(message)))
    fail_msg("got \"%s\", want \"%s...\"", why.text, message);
  ztk_ctl_network_free(&n);
}

static void test_network_refusals(void **state)
{
  (void)state;
  expect_refusal("[1]", "body:");
  expect_refusal("{\"private\":[]}", "private: expected a boolean");
  expect_refusal("{\"name\":{}}", "name: expected a string");
  expect_refusal("{\"mtu\":\"big\"}", "mtu: expected a decimal integer");
  expect_refusal("{\"multicastLimit\":-1}", "multicastLimit: out of range");
  expect_refusal("{\"remoteTraceTarget\":\"zzzzzzzzzz\"}", "remoteTraceTarget:");
  expect_refusal("{\"routes\":{}}", "routes: expected an array");
  expect_refusal("{\"routes\":[{\"target\":\"bogus\"}]}", "routes[0].target:");
  expect_refusal("{\"routes\":[{\"target\":\"10.0.0.0/40\"}]}", "routes[0]:");
  expect_refusal("{\"ipAssignmentPools\":[{\"ipRangeStart\":\"10.0.0.1\",\"ipRangeEnd\":"
                 "\"fd00::1\"}]}",
                 "ipAssignmentPools[0]:");
  expect_refusal("{\"ipAssignmentPools\":[{\"ipRangeStart\":\"10.0.0.1\"}]}",
                 "ipAssignmentPools[0].ipRangeEnd:");
  expect_refusal("{\"rules\":[{\"type\":\"NOPE\"}]}", "rules[0].type: unknown rule type");
  expect_refusal("{\"rules\":[{\"type\":\"ACTION_ACCEPT\"},{\"type\":\"MATCH_VLAN_ID\","
                 "\"vlanId\":70000}]}",
                 "rules[1].vlanId: out of range");
  expect_refusal("{\"capabilities\":[{\"id\":1,\"rules\":[{}]}]}",
                 "capabilities[0].rules[0].type:");
  expect_refusal("{\"capabilities\":[7]}", "capabilities[0]: expected an object");
  expect_refusal("{\"tags\":[{\"id\":-3}]}", "tags[0].id: out of range");
  expect_refusal("{\"authTokens\":{\"a\":\"x\"}}", "authTokens.a:");
  expect_refusal("{\"authTokens\":{\"a b\":1}}", "authTokens.a b:");
  expect_refusal("{\"dns\":{\"servers\":[\"1\",\"2\",\"3\",\"4\",\"5\"]}}", "dns.servers:");
  expect_refusal("{\"dns\":{\"servers\":[\"nope\"]}}", "dns.servers[0]:");
  expect_refusal("{\"v6AssignMode\":{\"zt\":[]}}", "v6AssignMode.zt:");
}

static int post_member(ztk_ctl_member *m, const char *body, int64_t now, ztk_json_why *why)
{
  json_t *b = load_json(body);
  int rc = ztk_ctl_member_apply_post(m, b, now, why);
  json_decref(b);
  return rc;
}

static void test_member_post(void **state)
{
  (void)state;
  ztk_ctl_member m;
  ztk_json_why why = {""};
  ztk_ctl_member_init(&m, 0x89419d3fcd7cda1full, 0xefe8197bb7ull);
  assert_int_equal(post_member(&m,
                               "{\"authorized\":true,\"tags\":[[5,1],[2,9],[5,3]],"
                               "\"capabilities\":[9,1,9],\"ipAssignments\":[\"10.0.0.1/24\","
                               "\"fd00::1\"],\"name\":\"box\",\"noAutoAssignIps\":1}",
                               100, &why),
                   0);
  assert_true(m.authorized && m.last_authorized_time == 100);
  assert_string_equal(m.last_auth_type, "api");
  assert_true(m.tag_count == 2 && m.tags[0].id == 2 && m.tags[1].value == 3);
  assert_true(m.cap_count == 2 && m.caps[0] == 1 && m.caps[1] == 9);
  assert_true(m.ip_count == 2 && m.ips[0].port == 0 && m.has_name && m.no_auto_assign_ips);
  json_t *out = ztk_ctl_member_to_json(&m);
  assert_string_equal(json_string_value(json_array_get(json_object_get(out, "ipAssignments"), 0)),
                      "10.0.0.1");
  assert_string_equal(json_string_value(json_object_get(out, "name")), "box");
  assert_null(json_object_get(out, "identity")); /* not learned yet */
  json_decref(out);
  assert_int_equal(post_member(&m, "{\"authorized\":true}", 200, &why), 0);
  assert_true(m.last_authorized_time == 100); /* no change, no stamp */
  assert_int_equal(post_member(&m, "{\"authorized\":false}", 300, &why), 0);
  assert_true(!m.authorized && m.last_deauthorized_time == 300);
  assert_int_equal(post_member(&m, "{\"tags\":[[1]]}", 0, &why), ZTK_EJSON_FIELD);
  assert_string_equal(why.text, "tags[0]: expected [id, value]");
  assert_int_equal(post_member(&m, "{\"ipAssignments\":[5]}", 0, &why), ZTK_EJSON_FIELD);
  assert_int_equal(post_member(&m, "{\"capabilities\":[\"x\"]}", 0, &why), ZTK_EJSON_FIELD);
  assert_string_equal(why.text, "capabilities[0]: expected a decimal integer");
  assert_int_equal(post_member(&m, "{\"authorized\":{}}", 0, &why), ZTK_EJSON_FIELD);
  ztk_ctl_member_free(&m);
}

static void test_member_documents(void **state)
{
  (void)state;
  ztk_ctl_member m;
  ztk_json_why why = {""};
  static const char *const bad[] = {
      "{\"objtype\":\"network\"}",
      "{\"nwid\":\"89419d3fcd7cda1f\"}",
      "{\"id\":\"efe8197bb7\",\"nwid\":\"89419d3fcd7cda1f\",\"identity\":\"nonsense\"}",
      "{\"id\":\"efe8197bb7\",\"nwid\":\"89419d3fcd7cda1f\",\"lastAuthorizedCredentialType\":"
      "\"x\"}",
      "{\"id\":\"efe8197bb7\",\"nwid\":\"89419d3fcd7cda1f\",\"vMajor\":[]}",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    ztk_ctl_member_init(&m, 0, 0);
    json_t *d = load_json(bad[i]);
    assert_int_equal(ztk_ctl_member_from_doc(&m, d, &why), ZTK_EJSON_FIELD);
    json_decref(d);
    ztk_ctl_member_free(&m);
  }
  ztk_ctl_network n;
  assert_int_equal(ztk_ctl_network_init(&n), 0);
  json_t *d = load_json("{\"objtype\":\"network\",\"id\":\"0\"}");
  assert_int_equal(ztk_ctl_network_from_doc(&n, d, &why), ZTK_EJSON_FIELD);
  json_decref(d);
  ztk_ctl_network_free(&n);
}

/* fill_rule for the IP-level and later match types. */
static void fill_match(ztk_rule *r, unsigned t)
{
  switch (t) {
  case ZTK_RULE_MATCH_IPV4_SOURCE:
  case ZTK_RULE_MATCH_IPV4_DEST:
    r->v.ipv4.ip[0] = 10;
    r->v.ipv4.mask = 16;
    break;
  case ZTK_RULE_MATCH_IPV6_SOURCE:
  case ZTK_RULE_MATCH_IPV6_DEST:
    r->v.ipv6.ip[0] = 0xfd;
    r->v.ipv6.ip[2] = 1;
    r->v.ipv6.mask = 48;
    break;
  case ZTK_RULE_MATCH_IP_TOS:
    r->v.ip_tos.mask = 0xfc;
    r->v.ip_tos.value[0] = 8;
    r->v.ip_tos.value[1] = 16;
    break;
  case ZTK_RULE_MATCH_IP_PROTOCOL:
    r->v.ip_protocol = 17;
    break;
  case ZTK_RULE_MATCH_ETHERTYPE:
    r->v.ether_type = 0x86dd;
    break;
  case ZTK_RULE_MATCH_ICMP:
    r->v.icmp.type = 8;
    r->v.icmp.flags = ZTK_RULE_ICMP_FLAG_CHECK_CODE;
    break;
  case ZTK_RULE_MATCH_IP_SOURCE_PORT_RANGE:
  case ZTK_RULE_MATCH_IP_DEST_PORT_RANGE:
    r->v.port[0] = 80;
    r->v.port[1] = 443;
    break;
  case ZTK_RULE_MATCH_CHARACTERISTICS:
    r->v.characteristics = 0x8000000000000001ull;
    break;
  case ZTK_RULE_MATCH_FRAME_SIZE_RANGE:
    r->v.frame_size[0] = 64;
    r->v.frame_size[1] = 1500;
    break;
  case ZTK_RULE_MATCH_RANDOM:
    r->v.random_probability = 0x7fffffff;
    break;
  case ZTK_RULE_MATCH_INTEGER_RANGE:
    r->v.int_range.start = 0x1000;
    r->v.int_range.end = 0x20;
    r->v.int_range.idx = 14;
    r->v.int_range.format = 0x80 | 15;
    break;
  default:
    if (t >= ZTK_RULE_MATCH_TAGS_DIFFERENCE && t <= ZTK_RULE_MATCH_TAG_RECEIVER) {
      r->v.tag.id = 77;
      r->v.tag.value = 0xfffffffeu;
    }
  }
}

/* Sets the fields of a rule of type t to something other than zero. */
static void fill_rule(ztk_rule *r, unsigned t)
{
  memset(r, 0, sizeof *r);
  r->t = (uint8_t)(t | (t & 1 ? ZTK_RULE_NOT : 0) | (t & 2 ? ZTK_RULE_OR : 0));
  switch (t) {
  case ZTK_RULE_ACTION_TEE:
  case ZTK_RULE_ACTION_WATCH:
    r->v.fwd.length = 1500; /* fall through */
  case ZTK_RULE_ACTION_REDIRECT:
    r->v.fwd.address = 0x0102030405ull;
    r->v.fwd.flags = 7;
    break;
  case ZTK_RULE_MATCH_SOURCE_ZEROTIER_ADDRESS:
  case ZTK_RULE_MATCH_DEST_ZEROTIER_ADDRESS:
    r->v.zt = 0xefe8197bb7ull;
    break;
  case ZTK_RULE_MATCH_VLAN_ID:
    r->v.vlan_id = 4000;
    break;
  case ZTK_RULE_MATCH_VLAN_PCP:
    r->v.vlan_pcp = 5;
    break;
  case ZTK_RULE_MATCH_VLAN_DEI:
    r->v.vlan_dei = 1;
    break;
  case ZTK_RULE_MATCH_MAC_SOURCE:
  case ZTK_RULE_MATCH_MAC_DEST:
    memcpy(r->v.mac, "\x02\x11\x22\x33\x44\x55", 6);
    break;
  default:
    fill_match(r, t);
  }
}

/* Every rule type (with fields set) goes to JSON and back unchanged. */
static void test_rules_round_trip(void **state)
{
  (void)state;
  unsigned kinds = 0;
  for (unsigned t = 0; t <= ZTK_RULE_MATCH_MAX_ID; t++) {
    ztk_rule r, back;
    fill_rule(&r, t);
    json_t *j = ztk_rule_to_json(&r);
    if (!j)
      continue; /* types 1.14.1 does not render */
    kinds++;
    ztk_json_why why = {""};
    if (ztk_rule_from_json(j, "r", &back, &why))
      fail_msg("type %u: %s", t, why.text);
    if (memcmp(&r, &back, sizeof r))
      fail_msg("type %u differs after JSON", t);
    json_decref(j);
  }
  assert_int_equal(kinds, 34);
}

static void expect_rule_json(const char *in, const char *want)
{
  json_t *j = load_json(in);
  ztk_rule r;
  ztk_json_why why = {""};
  if (ztk_rule_from_json(j, "r", &r, &why))
    fail_msg("%s", why.text);
  json_t *out = ztk_rule_to_json(&r);
  char *text = json_dumps(out, JSON_COMPACT | JSON_SORT_KEYS);
  assert_string_equal(text, want);
  free(text);
  json_decref(out);
  json_decref(j);
}

/* 1.14.1's defaults and renderings. */
static void test_rule_renderings(void **state)
{
  (void)state;
  expect_rule_json("{\"type\":\"ACTION_ACCEPT\"}",
                   "{\"not\":false,\"or\":false,\"type\":\"ACTION_ACCEPT\"}");
  expect_rule_json("{\"type\":\"MATCH_ICMP\",\"icmpType\":3}",
                   "{\"icmpCode\":null,\"icmpType\":3,\"not\":false,\"or\":false,\"type\":"
                   "\"MATCH_ICMP\"}");
  expect_rule_json("{\"type\":\"MATCH_IP_DEST_PORT_RANGE\",\"start\":22,\"not\":true}",
                   "{\"end\":22,\"not\":true,\"or\":false,\"start\":22,\"type\":"
                   "\"MATCH_IP_DEST_PORT_RANGE\"}");
  expect_rule_json("{\"type\":\"MATCH_CHARACTERISTICS\",\"mask\":\"10\"}",
                   "{\"mask\":\"0000000000000010\",\"not\":false,\"or\":false,\"type\":"
                   "\"MATCH_CHARACTERISTICS\"}");
  expect_rule_json("{\"type\":\"MATCH_MAC_SOURCE\",\"mac\":\"02-AA-bb-00-00-01\"}",
                   "{\"mac\":\"02:aa:bb:00:00:01\",\"not\":false,\"or\":false,\"type\":"
                   "\"MATCH_MAC_SOURCE\"}");
  expect_rule_json("{\"type\":\"MATCH_IPV4_DEST\",\"ip\":\"10.0.0.0/300\"}",
                   "{\"ip\":\"10.0.0.0/32\",\"not\":false,\"or\":false,\"type\":"
                   "\"MATCH_IPV4_DEST\"}");
  expect_rule_json("{\"type\":\"MATCH_INTEGER_RANGE\",\"start\":5,\"end\":\"10\"}",
                   "{\"bits\":1,\"end\":\"0000000000000010\",\"idx\":0,\"little\":false,\"not\":"
                   "false,\"or\":false,\"start\":\"0000000000000005\",\"type\":\"INTEGER_RANGE\"}");
  expect_rule_json("{\"type\":\"ACTION_REDIRECT\",\"address\":\"abc\",\"length\":5}",
                   "{\"address\":\"0000000abc\",\"flags\":0,\"not\":false,\"or\":false,\"type\":"
                   "\"ACTION_REDIRECT\"}");
  ztk_rule r;
  ztk_json_why why = {""};
  json_t *j = load_json("{\"type\":\"MATCH_IPV4_DEST\",\"ip\":\"fd00::1\"}");
  assert_int_equal(ztk_rule_from_json(j, "r", &r, &why), ZTK_EJSON_FIELD);
  json_decref(j);
  j = load_json("{\"type\":\"MATCH_MAC_DEST\",\"mac\":\"02:00\"}");
  assert_int_equal(ztk_rule_from_json(j, "r", &r, &why), ZTK_EJSON_FIELD);
  assert_string_equal(why.text, "r.mac: expected a MAC address");
  json_decref(j);
  j = load_json("{\"type\":\"INTEGER_RANGE\",\"start\":10,\"end\":5}");
  assert_int_equal(ztk_rule_from_json(j, "r", &r, &why), ZTK_EJSON_FIELD);
  json_decref(j);
  memset(&r, 0, sizeof r);
  r.t = ZTK_RULE_ACTION_PRIORITY;
  assert_null(ztk_rule_to_json(&r)); /* 1.14.1 has no JSON for it */
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_captured_documents), cmocka_unit_test(test_live_documents),
      cmocka_unit_test(test_network_post),       cmocka_unit_test(test_network_refusals),
      cmocka_unit_test(test_member_post),        cmocka_unit_test(test_member_documents),
      cmocka_unit_test(test_rules_round_trip),   cmocka_unit_test(test_rule_renderings),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
