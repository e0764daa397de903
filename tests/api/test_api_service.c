/* ztk_api_handle on the local service paths, served from a fake node's operations table: the
 * documents of /status, /peer, /network with zerotier-one 1.14.1's field names, join with
 * settings, leave, unknown peers and networks, methods. */
#include "tests/support/vectors.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"

typedef struct fake {
  uint64_t joined[4];
  int joined_count;
  ztk_api_network_settings last;
  int joins, leaves;
} fake;

static fake node;

static void f_status(void *ctx, ztk_api_status *s)
{
  (void)ctx;
  s->node.address = 0xefe8197bb7ull;
  strcpy(s->node.identity_public, "efe8197bb7:0:abcd");
  s->node.online = true;
  s->node.planet_id = 0x12345678;
  s->node.planet_timestamp = 1700000000000ull;
  s->version_major = 1;
  s->version_minor = 14;
  s->version_rev = 1;
  s->primary_port = 9993;
  s->listening_count = 1;
  ztk_inaddr_parse(&s->listening[0], "10.0.0.1/9993");
}

static int f_peers(void *ctx, ztk_peer_info *out, int max)
{
  (void)ctx;
  static const ztk_address addrs[] = {0x2fe15dea2dull, 0x89419d3fcdull};
  for (int i = 0; i < 2 && i < max; i++) {
    memset(&out[i], 0, sizeof out[i]);
    out[i].address = addrs[i];
    out[i].role = i ? ZTK_PEER_PLANET : ZTK_PEER_LEAF;
    out[i].version_major = 1;
    out[i].version_minor = 14;
    out[i].version_rev = 1;
    out[i].latency_ms = 3;
    out[i].path_count = 1;
    struct sockaddr_in *sin = (struct sockaddr_in *)&out[i].paths[0].addr;
    sin->sin_family = AF_INET;
    sin->sin_port = htons(9993);
    sin->sin_addr.s_addr = htonl(0x0a000002 + (uint32_t)i);
    out[i].paths[0].alive = true;
    out[i].paths[0].last_receive = -5; /* reported as 0 */
  }
  return 2;
}

static int f_networks(void *ctx, uint64_t *nwids, int max)
{
  (void)ctx;
  for (int i = 0; i < node.joined_count && i < max; i++)
    nwids[i] = node.joined[i];
  return node.joined_count;
}

static int f_network(void *ctx, uint64_t nwid, ztk_api_network_info *out)
{
  (void)ctx;
  for (int i = 0; i < node.joined_count; i++) {
    if (node.joined[i] != nwid)
      continue;
    out->nwid = nwid;
    out->mac = 0x1e3594d4442aull;
    strcpy(out->name, "vectornet");
    out->status = ZTK_API_NET_OK;
    out->mtu = 2800;
    out->broadcast_enabled = true;
    out->allow_managed = node.last.allow_managed == 1;
    out->assigned_count = 1;
    ztk_inaddr_parse(&out->assigned[0], "10.147.17.33/24");
    out->route_count = 1;
    ztk_inaddr_parse(&out->routes[0].target, "10.147.17.0/24");
    out->multicast_count = 1;
    out->multicast[0].mac = 0xffffffffffffull;
    out->multicast[0].adi = 0x0a931121;
    strcpy(out->dns.domain, "zt.local");
    ztk_inaddr_parse(&out->dns.servers[0], "10.147.17.1");
    return 0;
  }
  return ZTK_ENOTFOUND;
}

static int f_join(void *ctx, uint64_t nwid, const ztk_api_network_settings *s)
{
  (void)ctx;
  node.joins++;
  node.last = *s;
  if (nwid == 0xbad)
    return ZTK_EINVAL;
  for (int i = 0; i < node.joined_count; i++)
    if (node.joined[i] == nwid)
      return 0;
  if (node.joined_count >= 4)
    return ZTK_ELIMIT;
  node.joined[node.joined_count++] = nwid;
  return 0;
}

static int f_leave(void *ctx, uint64_t nwid)
{
  (void)ctx;
  node.leaves++;
  for (int i = 0; i < node.joined_count; i++)
    if (node.joined[i] == nwid) {
      node.joined[i] = node.joined[--node.joined_count];
      return 0;
    }
  return ZTK_ENOTFOUND;
}

static const ztk_api_service_ops OPS = {NULL,      f_status, f_peers, f_networks,
                                        f_network, f_join,   f_leave};
static const ztk_api API = {NULL, "tok", &OPS};

static json_t *call(const char *method, const char *path, const char *body, int want)
{
  ztk_api_request rq = {method, path, "auth=tok", NULL, NULL, body, body ? strlen(body) : 0};
  ztk_api_response resp;
  assert_int_equal(ztk_api_handle(&API, 1234, &rq, &resp), 0);
  if (resp.status != want)
    fail_msg("%s %s: %d %s", method, path, resp.status, resp.body);
  json_t *doc = json_loads(resp.body, JSON_DECODE_ANY, NULL);
  assert_non_null(doc);
  ztk_api_response_free(&resp);
  return doc;
}

static const char *str(const json_t *o, const char *k)
{
  const char *s = json_string_value(json_object_get(o, k));
  if (!s)
    fail_msg("no string %s", k);
  return s;
}

static void test_status(void **state)
{
  (void)state;
  json_t *s = call("GET", "/status", NULL, 200);
  assert_string_equal(str(s, "address"), "efe8197bb7");
  assert_string_equal(str(s, "version"), "1.14.1");
  assert_true(json_is_true(json_object_get(s, "online")));
  assert_int_equal(json_integer_value(json_object_get(s, "clock")), 1234);
  assert_int_equal(json_integer_value(json_object_get(s, "planetWorldId")), 0x12345678);
  json_t *settings = json_object_get(json_object_get(s, "config"), "settings");
  assert_int_equal(json_integer_value(json_object_get(settings, "primaryPort")), 9993);
  assert_string_equal(
      json_string_value(json_array_get(json_object_get(settings, "listeningOn"), 0)),
      "10.0.0.1/9993");
  static const char *const keys[] = {"publicIdentity",      "tcpFallbackActive", "versionMajor",
                                     "versionMinor",        "versionRev",        "versionBuild",
                                     "planetWorldTimestamp"};
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
    assert_non_null(json_object_get(s, keys[i]));
  json_decref(s);
  json_decref(call("POST", "/status", NULL, 405));
}

static void test_peers(void **state)
{
  (void)state;
  json_t *a = call("GET", "/peer", NULL, 200);
  assert_int_equal(json_array_size(a), 2);
  json_t *p = json_array_get(a, 1);
  assert_string_equal(str(p, "address"), "89419d3fcd");
  assert_string_equal(str(p, "role"), "PLANET");
  assert_string_equal(str(p, "version"), "1.14.1");
  json_t *path = json_array_get(json_object_get(p, "paths"), 0);
  assert_string_equal(str(path, "address"), "10.0.0.3/9993");
  assert_int_equal(json_integer_value(json_object_get(path, "lastReceive")), 0);
  assert_true(json_is_true(json_object_get(path, "active")));
  json_decref(a);
  p = call("GET", "/peer/2FE15DEA2D", NULL, 200);
  assert_string_equal(str(p, "role"), "LEAF");
  json_decref(p);
  p = call("GET", "/peer/0102030405", NULL, 200); /* unknown: {} as 1.14.1 */
  assert_int_equal(json_object_size(p), 0);
  json_decref(p);
}

static void test_networks(void **state)
{
  (void)state;
  memset(&node, 0, sizeof node);
  json_decref(call("GET", "/network/89419d3fcd7cda1f", NULL, 404));
  json_t *n =
      call("POST", "/network/89419d3fcd7cda1f", "{\"allowManaged\":true,\"allowDNS\":1}", 200);
  assert_int_equal(node.last.allow_managed, 1);
  assert_int_equal(node.last.allow_dns, -1); /* only JSON booleans count */
  assert_string_equal(str(n, "id"), "89419d3fcd7cda1f");
  assert_string_equal(str(n, "mac"), "1e:35:94:d4:44:2a");
  assert_string_equal(str(n, "status"), "OK");
  assert_string_equal(str(n, "type"), "PRIVATE");
  assert_true(json_is_true(json_object_get(n, "allowManaged")));
  assert_string_equal(json_string_value(json_array_get(json_object_get(n, "assignedAddresses"), 0)),
                      "10.147.17.33/24");
  json_t *rt = json_array_get(json_object_get(n, "routes"), 0);
  assert_true(json_is_null(json_object_get(rt, "via")));
  assert_string_equal(str(json_array_get(json_object_get(n, "multicastSubscriptions"), 0), "mac"),
                      "ff:ff:ff:ff:ff:ff");
  assert_string_equal(str(json_object_get(n, "dns"), "domain"), "zt.local");
  assert_null(json_object_get(n, "ssoEnabled"));
  json_decref(n);
  json_decref(call("PUT", "/network/0000000000000abc", "not json", 200)); /* ignored body */
  json_t *list = call("GET", "/network", NULL, 200);
  assert_int_equal(json_array_size(list), 2);
  json_decref(list);
  json_t *r = call("DELETE", "/network/0000000000000abc", NULL, 200);
  assert_true(json_is_true(json_object_get(r, "result")));
  json_decref(r);
  r = call("DELETE", "/network/0000000000000abc", NULL, 200);
  assert_int_equal(json_object_size(r), 0);
  json_decref(r);
  json_decref(call("POST", "/network/0000000000000bad", "{}", 400));
  json_decref(call("PATCH", "/network/0000000000000bad", "{}", 405));
  json_decref(call("GET", "/controller", NULL, 404)); /* no controller here */
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_status),
      cmocka_unit_test(test_peers),
      cmocka_unit_test(test_networks),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
