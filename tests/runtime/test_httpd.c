/* The local HTTP API of running services over loopback: a root that is also the network
 * controller (home directory, generated token) and two members (one with a home, one in
 * memory with a given token). Authentication, the /status /peer /network /controller documents,
 * a network created and members authorized through HTTP, both members joining through their
 * own API and getting their addresses, settings kept in networks.d, leave, malformed bodies,
 * and everything still served after stop/start. Every wait is bounded. */
#include "tests/support/vectors.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/api.h"
#include "runtime/httpc.h"
#include "runtime/httpd.h"
#include "runtime/local_api.h"
#include "tests/support/svcnet.h"
#include "tests/support/testnet.h"
#include "tests/support/tmpdir.h"

#define WAIT_MS 20000
#define HTTP_TIMEOUT_MS 5000
#define MEMBER_TOKEN "memory-member-token"

enum { CTL, M1, M2, NSVC };

static ztk_service *svc[NSVC];
static ztk_httpd *api[NSVC];
static ztk_identity ids[NSVC];
static char homes[NSVC][TD_PATH_MAX];
static uint8_t planet[ZTK_WORLD_MAX_LEN];
static size_t planet_len;
static int root_port;
static uint64_t nwid;

/* ---- HTTP ---- */

static json_t *call_at(int family, int port, const char *method, const char *path,
                       const char *token, const char *body, int *status)
{
  struct sockaddr_in a4 = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  struct sockaddr_in6 a6 = {.sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port),
                            .sin6_addr = IN6ADDR_LOOPBACK_INIT};
  a4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const struct sockaddr *sa = family == AF_INET ? (struct sockaddr *)&a4 : (struct sockaddr *)&a6;
  socklen_t len = family == AF_INET ? sizeof a4 : sizeof a6;
  ztk_httpc_response r;
  int rc = ztk_httpc_request(sa, len, method, path, token, body, body ? strlen(body) : 0,
                             HTTP_TIMEOUT_MS, &r);
  if (rc)
    fail_msg("%s %s: %s", method, path, ztk_strerror(rc));
  *status = r.status;
  json_error_t e;
  json_t *doc = json_loads(r.body, JSON_DECODE_ANY, &e);
  if (!doc)
    fail_msg("%s %s: not JSON: %s", method, path, r.body);
  ztk_httpc_response_free(&r);
  return doc;
}

static const char *token_of(int i) { return ztk_httpd_token(api[i]); }

/* A request to service i with its token; fails unless the status is `want`. */
static json_t *call(int i, const char *method, const char *path, const char *body, int want)
{
  int status;
  json_t *doc = call_at(AF_INET, ztk_httpd_port(api[i]), method, path, token_of(i), body, &status);
  if (status != want)
    fail_msg("%s %s: status %d, not %d: %s", method, path, status, want,
             json_dumps(doc, JSON_ENCODE_ANY));
  return doc;
}

/* A request written by hand (for headers the client does not send); returns the status. */
static int raw_status(int port, const char *request)
{
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int fd = socket(AF_INET, SOCK_STREAM, 0), status = -1;
  struct timeval tv = {5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
  assert_int_equal(send(fd, request, strlen(request), 0), (ssize_t)strlen(request));
  char buf[8192];
  size_t len = 0, off, blen;
  for (ssize_t n; len < sizeof buf && (n = recv(fd, buf + len, sizeof buf - len, 0)) > 0;)
    len += (size_t)n;
  close(fd);
  assert_int_equal(ztk_httpc_parse(buf, len, &status, &off, &blen), 0);
  return status;
}

static const char *str(const json_t *o, const char *key)
{
  const json_t *v = json_object_get(o, key);
  if (!json_is_string(v))
    fail_msg("no string %s", key);
  return json_string_value(v);
}

static bool has_string(const json_t *arr, const char *prefix)
{
  size_t i;
  const json_t *v;
  json_array_foreach(arr, i, v)
  {
    if (json_is_string(v) && !strncmp(json_string_value(v), prefix, strlen(prefix)))
      return true;
  }
  return false;
}

/* Polls GET /network/<nwid> on service i until its status is `want`; returns the document. */
static json_t *wait_network_status(int i, const char *want)
{
  char path[64];
  snprintf(path, sizeof path, "/network/%016llx", (unsigned long long)nwid);
  for (int64_t end = sn_mono_ms() + WAIT_MS; sn_mono_ms() < end; usleep(50000)) {
    json_t *doc = call(i, "GET", path, NULL, 200);
    if (!strcmp(str(doc, "status"), want))
      return doc;
    json_decref(doc);
  }
  fail_msg("service %d: network status never became %s", i, want);
  return NULL;
}

/* ---- services ---- */

static void start(int i)
{
  ztk_service_config cfg;
  ztk_service_config_init(&cfg);
  cfg.port = i == CTL ? root_port : 0;
  cfg.planet = planet;
  cfg.planet_len = planet_len;
  cfg.allow_loopback_paths = true;
  cfg.force_upstream = i == CTL;
  cfg.identity = &ids[i];
  cfg.home = i == M2 ? NULL : homes[i];
  if (!svc[i])
    assert_int_equal(ztk_service_new(&svc[i], &cfg), 0);
  if (!ztk_service_running(svc[i]))
    assert_int_equal(ztk_service_start(svc[i]), 0);
  if (!api[i]) {
    ztk_httpd_config hc = {0, i == M2 ? MEMBER_TOKEN : NULL, i == CTL};
    char err[256];
    int rc = ztk_httpd_start(&api[i], svc[i], &hc, err, sizeof err);
    if (rc)
      fail_msg("httpd %d: %s (%s)", i, err, ztk_strerror(rc));
  }
}

static int setup(void **state)
{
  static const int which[NSVC] = {5, 0, 1};
  (void)state;
  for (int i = 0; i < NSVC; i++) {
    tn_identity(which[i], &ids[i]);
    if (i != M2)
      td_make(homes[i], sizeof homes[i], "ztk-httpd");
  }
  root_port = sn_free_udp_port();
  sn_build_planet(0xdec0de05, &ids[CTL], root_port, planet, &planet_len);
  for (int i = 0; i < NSVC; i++)
    start(i);
  return 0;
}

static int teardown(void **state)
{
  (void)state;
  for (int i = 0; i < NSVC; i++) {
    ztk_httpd_stop(api[i]);
    ztk_service_free(svc[i]);
    if (i != M2)
      td_remove(homes[i]);
  }
  return 0;
}

/* ---- tests ---- */

static void test_token_and_port_files(void **state)
{
  (void)state;
  mode_t mode;
  char path[TD_PATH_MAX], text[64] = "";
  assert_true(td_exists(homes[CTL], "authtoken.secret", &mode));
  assert_int_equal(mode & 0777, 0600);
  const char *t = token_of(CTL);
  assert_int_equal(strlen(t), 24);
  for (const char *p = t; *p; p++)
    assert_true((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'));
  assert_string_equal(ztk_httpd_token_path(api[CTL]) + strlen(homes[CTL]), "/authtoken.secret");
  assert_string_equal(ztk_httpd_token_path(api[M2]), ""); /* given, not from a file */
  /* zerotier-cli -D<home> finds the port here */
  td_path(path, sizeof path, homes[CTL], "zerotier-one.port");
  FILE *f = fopen(path, "r");
  assert_non_null(f);
  assert_non_null(fgets(text, sizeof text, f));
  fclose(f);
  assert_int_equal(atoi(text), root_port);
  assert_int_equal(ztk_httpd_port(api[CTL]), root_port); /* TCP port = UDP port */
  assert_int_equal(ztk_httpd_port(api[M1]), ztk_service_port(svc[M1]));
  /* an existing token file is used as it is (white space trimmed) */
  td_write(homes[M1], "authtoken.secret", "  given-by-user\n", 16);
  ztk_httpd_stop(api[M1]);
  api[M1] = NULL;
  start(M1);
  assert_string_equal(token_of(M1), "given-by-user");
}

static void test_authentication(void **state)
{
  (void)state;
  int status, port = ztk_httpd_port(api[CTL]);
  char path[128], req[512];
  json_t *doc = call_at(AF_INET, port, "GET", "/status", NULL, NULL, &status);
  assert_int_equal(status, 401);
  assert_int_equal(json_object_size(doc), 0); /* 401 {} */
  json_decref(doc);
  doc = call_at(AF_INET, port, "GET", "/status", "wrong", NULL, &status);
  assert_int_equal(status, 401);
  json_decref(doc);
  doc = call_at(AF_INET, port, "GET", "/controller", "wrong", NULL, &status);
  assert_int_equal(status, 401);
  json_decref(doc);
  snprintf(path, sizeof path, "/status?auth=%s", token_of(CTL));
  doc = call_at(AF_INET, port, "GET", path, NULL, NULL, &status);
  assert_int_equal(status, 200);
  json_decref(doc);
  snprintf(req, sizeof req, "GET /status HTTP/1.0\r\nAuthorization: Bearer %s\r\n\r\n", token_of(CTL));
  assert_int_equal(raw_status(port, req), 200);
  snprintf(req, sizeof req, "GET /status HTTP/1.0\r\nAuthorization: Bearer nope\r\n\r\n");
  assert_int_equal(raw_status(port, req), 401);
  /* ::1 too, when the host has IPv6 */
  int s6 = socket(AF_INET6, SOCK_STREAM, 0);
  struct sockaddr_in6 probe = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
  bool v6 = s6 >= 0 && bind(s6, (struct sockaddr *)&probe, sizeof probe) == 0;
  if (s6 >= 0)
    close(s6);
  if (v6) {
    doc = call_at(AF_INET6, port, "GET", "/status", token_of(CTL), NULL, &status);
    assert_int_equal(status, 200);
    json_decref(doc);
  }
  /* the memory service's given token */
  doc = call(M2, "GET", "/status", NULL, 200);
  json_decref(doc);
}

static void test_status_and_peers(void **state)
{
  (void)state;
  char addr[11];
  assert_int_equal(ztk_service_wait_online(svc[M1], WAIT_MS), 0);
  assert_int_equal(ztk_service_wait_online(svc[M2], WAIT_MS), 0);
  json_t *st = call(M1, "GET", "/status", NULL, 200);
  snprintf(addr, sizeof addr, "%010llx", (unsigned long long)ids[M1].address);
  assert_string_equal(str(st, "address"), addr);
  assert_string_equal(str(st, "version"), "1.14.1");
  assert_true(json_is_true(json_object_get(st, "online")));
  assert_true(!strncmp(str(st, "publicIdentity"), addr, 10));
  assert_int_equal(json_integer_value(json_object_get(st, "planetWorldId")), 0xdec0de05);
  json_t *settings = json_object_get(json_object_get(st, "config"), "settings");
  assert_int_equal(json_integer_value(json_object_get(settings, "primaryPort")),
                   ztk_service_port(svc[M1]));
  assert_string_equal(str(settings, "homeDir"), homes[M1]);
  json_decref(st);
  /* the root is listed as PLANET with a path, in 1.14.1's shape */
  json_t *peers = call(M1, "GET", "/peer", NULL, 200);
  assert_true(json_is_array(peers));
  snprintf(addr, sizeof addr, "%010llx", (unsigned long long)ids[CTL].address);
  size_t i;
  json_t *p, *root = NULL;
  json_array_foreach(peers, i, p)
  {
    if (!strcmp(str(p, "address"), addr))
      root = p;
  }
  assert_non_null(root);
  assert_string_equal(str(root, "role"), "PLANET");
  assert_string_equal(str(root, "version"), "1.14.1");
  json_t *path = json_array_get(json_object_get(root, "paths"), 0);
  assert_non_null(path);
  char where[32];
  snprintf(where, sizeof where, "127.0.0.1/%d", root_port);
  assert_string_equal(str(path, "address"), where);
  assert_true(json_is_true(json_object_get(path, "preferred")));
  json_decref(peers);
  char one[32];
  snprintf(one, sizeof one, "/peer/%s", addr);
  json_t *single = call(M1, "GET", one, NULL, 200);
  assert_string_equal(str(single, "role"), "PLANET");
  json_decref(single);
  json_t *ctl = call(CTL, "GET", "/controller", NULL, 200);
  assert_true(json_is_true(json_object_get(ctl, "controller")));
  json_decref(ctl);
  /* a member without a controller: /controller is not served */
  json_decref(call(M1, "GET", "/controller", NULL, 404));
}

static void test_network_through_http(void **state)
{
  (void)state;
  char path[128], m1[11], m2[11];
  snprintf(path, sizeof path, "/controller/network/%010llx______",
           (unsigned long long)ids[CTL].address);
  json_t *net = call(CTL, "POST", path,
                     "{\"name\":\"httpnet\",\"private\":true,\"v4AssignMode\":{\"zt\":true},"
                     "\"v6AssignMode\":{\"rfc4193\":true,\"6plane\":false,\"zt\":false},"
                     "\"ipAssignmentPools\":[{\"ipRangeStart\":\"10.77.0.10\","
                     "\"ipRangeEnd\":\"10.77.0.50\"}],"
                     "\"routes\":[{\"target\":\"10.77.0.0/24\",\"via\":null}]}",
                     200);
  nwid = strtoull(str(net, "id"), NULL, 16);
  assert_int_equal(nwid >> 24, ids[CTL].address);
  json_decref(net);
  /* malformed JSON: 400 with a reason */
  snprintf(path, sizeof path, "/controller/network/%016llx", (unsigned long long)nwid);
  json_t *bad = call(CTL, "POST", path, "{\"name\": ", 400);
  assert_non_null(strstr(str(bad, "description"), "malformed JSON"));
  json_decref(bad);
  bad = call(CTL, "POST", path, "{\"mtu\": \"big\"}", 400);
  assert_non_null(strstr(str(bad, "description"), "mtu"));
  json_decref(bad);

  /* M1 joins through its own API with a setting; the controller does not know it yet */
  snprintf(path, sizeof path, "/network/%016llx", (unsigned long long)nwid);
  json_t *joined = call(M1, "POST", path, "{\"allowDNS\":true}", 200);
  assert_true(json_is_true(json_object_get(joined, "allowDNS")));
  assert_true(json_is_true(json_object_get(joined, "allowManaged")));
  json_decref(joined);
  json_decref(wait_network_status(M1, "ACCESS_DENIED"));
  json_decref(call(M2, "POST", path, "{}", 200));
  json_decref(wait_network_status(M2, "ACCESS_DENIED"));
  snprintf(m1, sizeof m1, "%010llx", (unsigned long long)ids[M1].address);
  snprintf(m2, sizeof m2, "%010llx", (unsigned long long)ids[M2].address);
  snprintf(path, sizeof path, "/controller/network/%016llx/member", (unsigned long long)nwid);
  json_t *members = call(CTL, "GET", path, NULL, 200);
  assert_non_null(json_object_get(members, m1)); /* the request created the record */
  json_decref(members);

  /* authorized through the controller's API: both get their addresses */
  for (int i = M1; i <= M2; i++) {
    snprintf(path, sizeof path, "/controller/network/%016llx/member/%s", (unsigned long long)nwid,
             i == M1 ? m1 : m2);
    json_t *m = call(CTL, "POST", path, "{\"authorized\":true}", 200);
    assert_true(json_is_true(json_object_get(m, "authorized")));
    json_decref(m);
  }
  json_t *d1 = wait_network_status(M1, "OK"), *d2 = wait_network_status(M2, "OK");
  json_t *a1 = json_object_get(d1, "assignedAddresses"), *a2 = json_object_get(d2, "assignedAddresses");
  assert_true(has_string(a1, "10.77.0.") && has_string(a1, "fd"));
  assert_true(has_string(a2, "10.77.0.") && has_string(a2, "fd"));
  assert_false(json_equal(json_array_get(a1, 0), json_array_get(a2, 0)));
  assert_string_equal(str(d1, "name"), "httpnet");
  assert_string_equal(str(d1, "type"), "PRIVATE");
  assert_int_equal(json_integer_value(json_object_get(d1, "mtu")), 2800);
  json_t *route = json_array_get(json_object_get(d1, "routes"), 0);
  assert_string_equal(str(route, "target"), "10.77.0.0/24");
  assert_true(json_is_null(json_object_get(route, "via")));
  assert_true(json_array_size(json_object_get(d1, "multicastSubscriptions")) >= 2);
  assert_true(json_is_true(json_object_get(d1, "allowDNS")));
  assert_false(json_is_true(json_object_get(d2, "allowDNS")));
  json_decref(d1);
  json_decref(d2);
  /* the list form, and the settings file in zerotier-one's format */
  json_t *list = call(M1, "GET", "/network", NULL, 200);
  assert_int_equal(json_array_size(list), 1);
  json_decref(list);
  char rel[64], file[TD_PATH_MAX], text[128] = "";
  snprintf(rel, sizeof rel, "networks.d/%016llx.local.conf", (unsigned long long)nwid);
  td_path(file, sizeof file, homes[M1], rel);
  FILE *f = fopen(file, "r");
  assert_non_null(f);
  assert_int_equal(fread(text, 1, sizeof text - 1, f) > 0, 1);
  fclose(f);
  assert_string_equal(text, "allowManaged=1\nallowGlobal=0\nallowDefault=0\nallowDNS=1\n");
  assert_true(td_exists(homes[M1], "networks.d/joined.list", NULL));
}

static void test_leave_and_restart(void **state)
{
  (void)state;
  char path[64], rel[96];
  snprintf(path, sizeof path, "/network/%016llx", (unsigned long long)nwid);
  json_t *r = call(M2, "DELETE", path, NULL, 200);
  assert_true(json_is_true(json_object_get(r, "result")));
  json_decref(r);
  json_decref(call(M2, "GET", path, NULL, 404));
  json_t *list = call(M2, "GET", "/network", NULL, 200);
  assert_int_equal(json_array_size(list), 0);
  json_decref(list);
  r = call(M2, "DELETE", path, NULL, 200); /* not joined: {} as zerotier-one answers */
  assert_int_equal(json_object_size(r), 0);
  json_decref(r);
  json_decref(call(M2, "PATCH", path, NULL, 405));

  /* the controller's records and the member's membership survive restarts; the API keeps
   * being served and the controller comes back on */
  snprintf(rel, sizeof rel, "controller.d/network/%016llx.ztkc", (unsigned long long)nwid);
  assert_true(td_exists(homes[CTL], rel, NULL));
  assert_true(td_exists(homes[CTL], "controller.d/networks.ztkc", NULL));
  for (int i = CTL; i <= M1; i++) {
    assert_int_equal(ztk_service_stop(svc[i]), 0);
    start(i);
  }
  json_t *nets = call(CTL, "GET", "/controller/network", NULL, 200);
  assert_int_equal(json_array_size(nets), 1);
  json_decref(nets);
  assert_int_equal(ztk_service_wait_online(svc[M1], WAIT_MS), 0);
  json_t *d = wait_network_status(M1, "OK");
  assert_true(json_is_true(json_object_get(d, "allowDNS")));
  json_decref(d);
}

static void test_body_limits(void **state)
{
  (void)state;
  size_t n = ZTK_API_MAX_BODY + 10;
  char *big = malloc(n + 1);
  assert_non_null(big);
  memset(big, ' ', n);
  big[n] = 0;
  char path[64];
  snprintf(path, sizeof path, "/controller/network/%016llx", (unsigned long long)nwid);
  json_t *r = call(CTL, "POST", path, big, 413);
  json_decref(r);
  free(big);
  json_decref(call(CTL, "GET", "/nowhere", NULL, 404));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_token_and_port_files),
    cmocka_unit_test(test_authentication),
    cmocka_unit_test(test_status_and_peers),
    cmocka_unit_test(test_network_through_http),
    cmocka_unit_test(test_leave_and_restart),
    cmocka_unit_test(test_body_limits),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
