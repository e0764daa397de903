/* ztk_api_handle on the controller paths: the live session's API calls replayed (responses equal
 * the recorded ones, and the database afterwards equals controller_db_after), authentication,
 * every endpoint and its errors (401, 404, 405, 400 with field messages, 413, 503). */
#include "tests/support/ctlrec.h"

#include <stdio.h>

#include "api/api.h"

#define NWID CR_NWID
#define T_CREATE 1795314236798ll
#define T_DENIED 1795314248606ll
#define T_AUTH_ALICE 1795314253298ll
#define T_AUTH_BOB 1795314253307ll
#define T_CONFIG 1795314253584ll

static cr_fixture *f;
static ztk_api api;
static json_t *live;

static int setup(void **state)
{
  (void)state;
  f = cr_fx_new(T_CREATE);
  api = (ztk_api){f->c, "secret", NULL};
  live = tv_load("vectors/live_session.json");
  return 0;
}

static int teardown(void **state)
{
  (void)state;
  cr_fx_free(f);
  json_decref(live);
  return 0;
}

/* One authenticated call; returns the parsed body (caller decrefs) and the status. */
static json_t *call(int64_t now, const char *method, const char *path, const char *body,
                    int *status)
{
  ztk_api_request rq = {method, path, NULL, "secret", NULL, body, body ? strlen(body) : 0};
  ztk_api_response resp;
  assert_int_equal(ztk_api_handle(&api, now, &rq, &resp), 0);
  *status = resp.status;
  json_error_t e;
  json_t *doc = json_loads(resp.body, JSON_DECODE_ANY, &e);
  if (!doc)
    fail_msg("response is not JSON: %s", resp.body);
  ztk_api_response_free(&resp);
  return doc;
}

static json_t *call_ok(int64_t now, const char *method, const char *path, const char *body)
{
  int status;
  json_t *doc = call(now, method, path, body, &status);
  if (status != 200) {
    char *t = json_dumps(doc, 0);
    fail_msg("%s %s: %d %s", method, path, status, t);
  }
  return doc;
}

static void expect_error(int64_t now, const char *method, const char *path, const char *body,
                         int want, const char *desc_prefix)
{
  int status;
  json_t *doc = call(now, method, path, body, &status);
  assert_int_equal(status, want);
  assert_int_equal(json_integer_value(json_object_get(doc, "error")), want);
  const char *d = json_string_value(json_object_get(doc, "description"));
  assert_non_null(d);
  if (desc_prefix && strncmp(d, desc_prefix, strlen(desc_prefix)))
    fail_msg("description \"%s\", want \"%s...\"", d, desc_prefix);
  json_decref(doc);
}

static json_t *live_call(int i, const char *what)
{
  json_t *calls = json_object_get(json_object_get(live, "setup"), "controller_api_calls");
  return json_object_get(json_array_get(calls, (size_t)i), what);
}

static json_t *live_db(const char *suffix)
{
  json_t *db = json_object_get(json_object_get(live, "setup"), "controller_db_after");
  const char *key;
  json_t *v;
  json_object_foreach(db, key, v) if (strlen(key) >= strlen(suffix) &&
                                      !strcmp(key + strlen(key) - strlen(suffix), suffix)) return v;
  fail_msg("no %s", suffix);
  return NULL;
}

static char *body_of(int i)
{
  return json_dumps(live_call(i, "body"), JSON_COMPACT);
}

static void test_live_replay(void **state)
{
  (void)state;
  char *body = body_of(0);
  json_t *got = call_ok(T_CREATE, "POST", "/controller/network/89419d3fcd7cda1f", body);
  assert_true(json_equal(got, live_call(0, "response")));
  json_decref(got);
  /* the members' first (denied) requests create them */
  ztk_ctl_request(f->c, T_DENIED, NWID, &f->alice, &f->meta, 1);
  ztk_ctl_request(f->c, T_DENIED, NWID, &f->bob, &f->meta, 2);
  free(body);
  body = body_of(1);
  got =
      call_ok(T_AUTH_ALICE, "POST", "/controller/network/89419d3fcd7cda1f/member/efe8197bb7", body);
  assert_true(json_equal(got, live_call(1, "response")));
  json_decref(got);
  free(body);
  body = body_of(2);
  got = call_ok(T_AUTH_BOB, "PUT", "/controller/network/89419d3fcd7cda1f/member/2fe15dea2d", body);
  assert_true(json_equal(got, live_call(2, "response")));
  json_decref(got);
  free(body);
  ztk_ctl_request(f->c, T_CONFIG, NWID, &f->alice, &f->meta, 3);
  ztk_ctl_request(f->c, T_CONFIG, NWID, &f->bob, &f->meta, 4);
  /* the database as the live controller left it */
  got = call_ok(T_CONFIG, "GET", "/controller/network/89419d3fcd7cda1f", NULL);
  assert_true(json_equal(got, live_db("89419d3fcd7cda1f.json")));
  json_decref(got);
  got = call_ok(T_CONFIG, "GET", "/controller/network/89419d3fcd7cda1f/member/efe8197bb7", NULL);
  assert_true(json_equal(got, live_db("efe8197bb7.json")));
  json_decref(got);
  got = call_ok(T_CONFIG, "GET", "/controller/network/89419D3FCD7CDA1F/member/2FE15DEA2D", NULL);
  assert_true(json_equal(got, live_db("2fe15dea2d.json")));
  json_decref(got);
  got = call_ok(T_CONFIG, "GET", "/controller/network/89419d3fcd7cda1f/member", NULL);
  json_t *want = json_pack("{s:i,s:i}", "efe8197bb7", 3, "2fe15dea2d", 3);
  assert_true(json_equal(got, want));
  json_decref(want);
  json_decref(got);
}

/* The legacy creation path generates "######" ids with this controller's prefix. */
static void test_create_paths(void **state)
{
  (void)state;
  char *body = body_of(0);
  json_t *got = call_ok(T_CREATE, "POST", "/controller/network/89419d3fcd______", body);
  json_t *want = json_deep_copy(live_call(0, "response"));
  const char *id = json_string_value(json_object_get(got, "id"));
  assert_true(id && strlen(id) == 16 && !strncmp(id, "89419d3fcd", 10) &&
              strcmp(id + 10, "000000"));
  assert_string_equal(json_string_value(json_object_get(got, "nwid")), id);
  json_object_set(want, "id", json_object_get(got, "id"));
  json_object_set(want, "nwid", json_object_get(got, "id"));
  assert_true(json_equal(got, want));
  json_decref(want);
  json_decref(got);
  got = call_ok(T_CREATE, "PUT", "/controller/network", "{\"name\":\"second\"}");
  assert_string_equal(json_string_value(json_object_get(got, "name")), "second");
  assert_true(json_is_true(json_object_get(got, "private")));
  json_decref(got);
  got = call_ok(T_CREATE, "POST", "/controller/network", NULL); /* empty body: defaults */
  json_decref(got);
  got = call_ok(T_CREATE, "GET", "/controller/network", NULL);
  assert_int_equal(json_array_size(got), 3);
  json_decref(got);
  got = call_ok(T_CREATE, "GET", "/unstable/controller/network", NULL);
  assert_int_equal(
      json_integer_value(json_object_get(json_object_get(got, "meta"), "networkCount")), 3);
  json_t *first = json_array_get(json_object_get(got, "data"), 0);
  assert_non_null(json_object_get(json_object_get(first, "meta"), "totalMemberCount"));
  json_decref(got);
  expect_error(T_CREATE, "POST", "/controller/network/1122334455______", NULL, 400,
               "network id prefix");
  free(body);
}

static void test_controller_and_members(void **state)
{
  (void)state;
  json_t *got = call_ok(7, "GET", "/controller", NULL);
  json_t *want = json_pack("{s:b,s:i,s:i,s:b}", "controller", 1, "apiVersion", 4, "clock", 7,
                           "databaseReady", 1);
  assert_true(json_equal(got, want));
  json_decref(want);
  json_decref(got);
  cr_fx_network(f, T_CREATE, NULL);
  /* a document posted back as it was read changes nothing */
  got = call_ok(T_CREATE, "GET", "/controller/network/89419d3fcd7cda1f", NULL);
  char *text = json_dumps(got, JSON_COMPACT);
  json_t *again = call_ok(T_CREATE + 5, "POST", "/controller/network/89419d3fcd7cda1f", text);
  assert_true(json_equal(got, again));
  free(text);
  json_decref(again);
  json_decref(got);
  const char *m = "/controller/network/89419d3fcd7cda1f/member/0100000001";
  got = call_ok(T_CREATE, "POST", m, "{\"name\":\"n1\",\"authorized\":1,\"tags\":[[1,2]]}");
  assert_true(json_integer_value(json_object_get(got, "revision")) == 1);
  assert_true(json_integer_value(json_object_get(got, "lastAuthorizedTime")) == T_CREATE);
  json_decref(got);
  got = call_ok(T_CREATE, "POST", "/controller/network/89419d3fcd7cda1f/member/0100000002", "{}");
  text = json_dumps(got, JSON_COMPACT);
  again =
      call_ok(T_CREATE + 5, "POST", "/controller/network/89419d3fcd7cda1f/member/0100000002", text);
  assert_true(json_equal(got, again)); /* revision 1 still */
  free(text);
  json_decref(again);
  json_decref(got);
  got = call_ok(T_CREATE, "GET", "/unstable/controller/network/89419d3fcd7cda1f/member", NULL);
  json_t *meta = json_object_get(got, "meta");
  assert_int_equal(json_integer_value(json_object_get(meta, "totalCount")), 2);
  assert_int_equal(json_integer_value(json_object_get(meta, "authorizedCount")), 1);
  assert_int_equal(json_array_size(json_object_get(got, "data")), 2);
  json_decref(got);
  got = call_ok(T_CREATE, "DELETE", m, NULL);
  assert_string_equal(json_string_value(json_object_get(got, "name")), "n1");
  json_decref(got);
  expect_error(T_CREATE, "GET", m, NULL, 404, "member");
  expect_error(T_CREATE, "DELETE", m, NULL, 404, "member");
  got = call_ok(T_CREATE, "DELETE", "/controller/network/89419d3fcd7cda1f", NULL);
  assert_string_equal(json_string_value(json_object_get(got, "name")), "vectornet");
  json_decref(got);
  expect_error(T_CREATE, "GET", "/controller/network/89419d3fcd7cda1f", NULL, 404, "network");
  expect_error(T_CREATE, "GET", "/controller/network/89419d3fcd7cda1f/member", NULL, 404, NULL);
  expect_error(T_CREATE, "GET", "/unstable/controller/network/89419d3fcd7cda1f/member", NULL, 404,
               NULL);
  expect_error(T_CREATE, "POST", m, "{}", 404, "network");
}

static void test_errors(void **state)
{
  (void)state;
  const char *net = "/controller/network/89419d3fcd7cda1f";
  expect_error(0, "POST", net, "{\"name\":", 400, "body: malformed JSON");
  expect_error(0, "POST", net, "[]", 400, "body: expected an object");
  expect_error(0, "POST", net, "{\"private\":{}}", 400, "private: expected a boolean");
  expect_error(0, "POST", net, "{\"rules\":[{\"type\":\"MATCH_X\"}]}", 400, "rules[0].type");
  expect_error(0, "POST", "/controller/network/0000000000000000", "{}", 400, "network id");
  cr_fx_network(f, T_CREATE, NULL);
  expect_error(0, "POST", "/controller/network/89419d3fcd7cda1f/member/0000000000", "{}", 400,
               "member address");
  expect_error(0, "POST", "/controller/network/89419d3fcd7cda1f/member/0100000001",
               "{\"ipAssignments\":[\"x\"]}", 400, "ipAssignments[0]");
  expect_error(0, "PATCH", net, "{}", 405, "method");
  expect_error(0, "DELETE", "/controller", NULL, 405, "method");
  expect_error(0, "GET", "/controller/network/89419d3fcd7cda1f/", NULL, 404, "not found");
  expect_error(0, "GET", "/controller/network/89419d3fcd7cda1", NULL, 404, NULL);
  expect_error(0, "GET", "/controller/network/89419d3fcd7cda1g", NULL, 404, NULL);
  expect_error(0, "GET", "/status", NULL, 404, "no local service");
  char *big = malloc(ZTK_API_MAX_BODY + 2);
  memset(big, ' ', ZTK_API_MAX_BODY + 1);
  big[ZTK_API_MAX_BODY + 1] = 0;
  expect_error(0, "POST", net, big, 413, "body");
  free(big);
  ztk_api no_ctl = {NULL, "secret", NULL};
  ztk_api_request rq = {"GET", "/controller", NULL, "secret", NULL, NULL, 0};
  ztk_api_response resp;
  assert_int_equal(ztk_api_handle(&no_ctl, 0, &rq, &resp), 0);
  assert_int_equal(resp.status, 404);
  ztk_api_response_free(&resp);
  rq.path = NULL;
  assert_int_equal(ztk_api_handle(&no_ctl, 0, &rq, &resp), 0);
  assert_int_equal(resp.status, 400);
  ztk_api_response_free(&resp);
}

/* Generated ids run out: 503. */
static void test_full(void **state)
{
  (void)state;
  int status;
  for (unsigned i = 0; i < ZTK_CTL_MAX_NETWORKS; i++)
    json_decref(call(0, "POST", "/controller/network", "{}", &status));
  expect_error(0, "POST", "/controller/network", "{}", 503, NULL);
}

static int auth_status(const char *x_auth, const char *query, const char *authorization)
{
  ztk_api_request rq = {"GET", "/controller", query, x_auth, authorization, NULL, 0};
  ztk_api_response resp;
  assert_int_equal(ztk_api_handle(&api, 0, &rq, &resp), 0);
  int status = resp.status;
  if (status == 401)
    assert_string_equal(resp.body, "{}");
  ztk_api_response_free(&resp);
  return status;
}

static void test_authentication(void **state)
{
  (void)state;
  assert_int_equal(auth_status(NULL, NULL, NULL), 401);
  assert_int_equal(auth_status("secret", NULL, NULL), 200);
  assert_int_equal(auth_status("Secret", NULL, NULL), 401);
  assert_int_equal(auth_status("wrong", "auth=secret", NULL), 401); /* the header decides */
  assert_int_equal(auth_status(NULL, "x=1&auth=secret", NULL), 200);
  assert_int_equal(auth_status(NULL, "auth=sec%72et&y", NULL), 200);
  assert_int_equal(auth_status(NULL, "auth=secre", "Bearer secret"), 401);
  assert_int_equal(auth_status(NULL, "authx=secret", "bearer secret"), 200);
  assert_int_equal(auth_status(NULL, NULL, "BEARER secret"), 200);
  assert_int_equal(auth_status(NULL, NULL, "Basic secret"), 401);
  assert_int_equal(auth_status(NULL, NULL, "Bearer secret more"), 401);
  assert_int_equal(auth_status(NULL, NULL, "Bearer"), 401);
  assert_int_equal(auth_status(NULL, "auth=%", NULL), 401);
  api.auth_token = NULL;
  assert_int_equal(auth_status("secret", NULL, NULL), 401);
  api.auth_token = "";
  assert_int_equal(auth_status("", NULL, NULL), 401);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_live_replay, setup, teardown),
      cmocka_unit_test_setup_teardown(test_create_paths, setup, teardown),
      cmocka_unit_test_setup_teardown(test_controller_and_members, setup, teardown),
      cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
      cmocka_unit_test_setup_teardown(test_full, setup, teardown),
      cmocka_unit_test_setup_teardown(test_authentication, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
