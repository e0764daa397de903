/* Virtual networks over the mem transport with a manual clock: a root, a controller and
 * members join a private network, get addresses, ping each other through the core-only
 * responder, see broadcast and multicast (and ARP without broadcast), and lose access when
 * deauthorized; a rule that drops a port is enforced. The controller is managed through its
 * HTTP API handler. */
#include "tests/support/testnet.h"
#include "tests/support/vectors.h"

#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/network/ethframe.h"
#include "core/network/mac.h"
#include "core/node/node.h"

static testnet tn;
enum { ROOT = 0, CTL = 1, A = 2, B = 3, C = 4, D = 5 };
static uint64_t nwid;

static void api_call(const char *method, const char *path, const char *body, int want)
{
  ztk_api api = {ztk_node_controller(tn.h[CTL].node), "token", NULL};
  ztk_api_request req = {method, path, NULL, "token", NULL, body, body ? strlen(body) : 0};
  ztk_api_response resp;
  assert_int_equal(ztk_api_handle(&api, tn.now, &req, &resp), 0);
  if (resp.status != want)
    fail_msg("%s %s -> %d %s", method, path, resp.status, resp.body);
  ztk_api_response_free(&resp);
}

static void member(int host, bool authorized)
{
  char path[128], body[64];
  snprintf(path, sizeof path, "/controller/network/%016llx/member/%010llx",
           (unsigned long long)nwid, (unsigned long long)tn.h[host].id.address);
  snprintf(body, sizeof body, "{\"authorized\":%s}", authorized ? "true" : "false");
  api_call("POST", path, body, 200);
}

static void network(const char *rules, const char *extra)
{
  char path[64], body[1024];
  snprintf(path, sizeof path, "/controller/network/%016llx", (unsigned long long)nwid);
  snprintf(body, sizeof body,
           "{\"name\":\"vl2test\",\"private\":true,\"v4AssignMode\":{\"zt\":true},"
           "\"ipAssignmentPools\":[{\"ipRangeStart\":\"10.147.17.10\",\"ipRangeEnd\":\"10.147.17.250\"}],"
           "\"routes\":[{\"target\":\"10.147.17.0/24\",\"via\":null}],"
           "\"v6AssignMode\":{\"rfc4193\":true}%s%s%s}",
           rules ? ",\"rules\":" : "", rules ? rules : "", extra ? extra : "");
  api_call("POST", path, body, 200);
}

static bool configured(testnet *t, void *arg)
{
  const int *hosts = arg;
  for (int i = 0; hosts[i] >= 0; i++)
    if (!tn_has_config(t, hosts[i], nwid))
      return false;
  return true;
}

static void start(const char *rules, const char *extra)
{
  static const int ids[] = {5, 6, 0, 1, 2, 3}; /* rig root, rig controller, alice..dave */
  tn_init(&tn, 7);
  tn_setup(&tn, ids, 6, 1);
  tn.h[CTL].controller = true;
  for (int i = A; i <= D; i++)
    tn.h[i].responder = true;
  tn_start_all(&tn);
  nwid = (tn.h[CTL].id.address << 24) | 0x000001;
  network(rules, extra);
  member(A, true);
  member(B, true);
  member(C, true);
  assert_true(tn_run_until(&tn, tn_all_online, NULL, 30000));
  for (int i = A; i <= D; i++)
    tn_join(&tn, i, nwid);
  static int abc[] = {A, B, C, -1};
  assert_true(tn_run_until(&tn, configured, abc, 30000));
}

static int setup_plain(void **state)
{
  start(NULL, NULL);
  return 0;
}

static int setup_no_broadcast(void **state)
{
  start(NULL, ",\"enableBroadcast\":false");
  return 0;
}

static int setup_rules(void **state)
{
  /* Drop UDP to port 9999, accept everything else. */
  start("[{\"type\":\"MATCH_IP_PROTOCOL\",\"ipProtocol\":17,\"not\":false,\"or\":false},"
        "{\"type\":\"MATCH_IP_DEST_PORT_RANGE\",\"start\":9999,\"end\":9999,\"not\":false,\"or\":false},"
        "{\"type\":\"ACTION_DROP\"},{\"type\":\"ACTION_ACCEPT\"}]",
        NULL);
  return 0;
}

static int teardown(void **state)
{
  tn_free(&tn);
  return 0;
}

static void test_join_addresses_and_denial(void **state)
{
  for (int i = A; i <= C; i++) {
    uint32_t ip = tn_ipv4(&tn, i, nwid);
    assert_true((ip & 0xffffff00u) == 0x0a931100u); /* 10.147.17.x */
    assert_true(tn.h[i].events[ZTK_EVENT_ADDR_ADDED] >= 2); /* IPv4 and rfc4193 */
    assert_true(tn.h[i].events[ZTK_EVENT_NETWORK_OK] >= 1);
  }
  assert_true(tn_ipv4(&tn, A, nwid) != tn_ipv4(&tn, B, nwid));
  tn_run(&tn, 6000);
  ztk_network_info info;
  assert_int_equal(ztk_node_network(tn.h[D].node, nwid, &info), 0);
  assert_int_equal(info.status, ZTK_NETWORK_ACCESS_DENIED);
  assert_true(tn.h[D].events[ZTK_EVENT_NETWORK_ACCESS_DENIED] >= 1);
  assert_int_equal(ztk_node_network(tn.h[A].node, nwid, &info), 0);
  assert_string_equal(info.name, "vl2test");
  assert_true(info.is_private);
}

typedef struct want_frame {
  int host;
  uint16_t ethertype;
  uint8_t proto;
} want_frame;

static bool got_frame(testnet *t, void *arg)
{
  want_frame *w = arg;
  return tf_find(&t->h[w->host].frames, w->ethertype, w->proto) >= 0;
}

/* ARP for the other's IPv4 address, then an ICMP echo: both answered by the responder. */
static bool ping(int from, int to)
{
  uint8_t buf[128];
  uint32_t src = tn_ipv4(&tn, from, nwid), dst = tn_ipv4(&tn, to, nwid);
  memset(&tn.h[from].frames, 0, sizeof tn.h[from].frames);
  size_t len = tf_arp_request(buf, tn_mac(&tn, from, nwid), src, dst);
  assert_int_equal(tn_frame(&tn, from, nwid, 0xffffffffffffull, 0x0806, buf, len), 0);
  want_frame arp = {from, 0x0806, 0};
  if (!tn_run_until(&tn, got_frame, &arp, 10000))
    return false;
  ztk_arp reply;
  tf_frame *f = &tn.h[from].frames.f[tf_find(&tn.h[from].frames, 0x0806, 0)];
  assert_int_equal(ztk_arp_parse(&reply, f->data, f->len), 0);
  assert_int_equal(reply.op, 2);
  assert_true(reply.sha == tn_mac(&tn, to, nwid));
  len = tf_icmp_echo(buf, src, dst, 77, 1);
  tn_frame(&tn, from, nwid, reply.sha, 0x0800, buf, len);
  want_frame echo = {from, 0x0800, 1};
  if (!tn_run_until(&tn, got_frame, &echo, 10000))
    return false;
  f = &tn.h[from].frames.f[tf_find(&tn.h[from].frames, 0x0800, 1)];
  ztk_ipv4 ip;
  ztk_icmp icmp;
  assert_int_equal(ztk_ipv4_parse(&ip, f->data, f->len), 0);
  assert_int_equal(ztk_icmp_parse(&icmp, ip.payload, ip.payload_len), 0);
  assert_int_equal(icmp.type, ZTK_ICMP_ECHO_REPLY);
  return ztk_be_get(ip.src, 4) == dst;
}

static void test_ping_through_responder(void **state)
{
  assert_true(ping(A, B));
  assert_true(ping(B, C));
  assert_true(ping(C, A));
}

static void test_broadcast_and_multicast(void **state)
{
  uint8_t buf[256];
  /* Let everyone's subscriptions reach the directory. */
  tn_run(&tn, 2000);
  for (int i = A; i <= D; i++)
    memset(&tn.h[i].frames, 0, sizeof tn.h[i].frames);
  size_t len = tf_udp(buf, tn_ipv4(&tn, A, nwid), 0x0a9311ffu, 5000, 5001, "bcast", 5);
  assert_int_equal(tn_frame(&tn, A, nwid, 0xffffffffffffull, 0x0800, buf, len), 0);
  tn_run(&tn, 8000);
  assert_true(tf_find(&tn.h[B].frames, 0x0800, 17) >= 0);
  assert_true(tf_find(&tn.h[C].frames, 0x0800, 17) >= 0);
  assert_int_equal(tf_find(&tn.h[D].frames, 0x0800, 17), -1); /* not authorized */
  assert_int_equal(tf_find(&tn.h[A].frames, 0x0800, 17), -1); /* not echoed to the sender */

  /* A multicast group only C listens to. */
  uint64_t group = 0x01005e010203ull;
  assert_int_equal(ztk_node_multicast_subscribe(tn.h[C].node, tn.now, nwid, group, 0), 0);
  tn_run(&tn, 2000);
  for (int i = A; i <= D; i++)
    memset(&tn.h[i].frames, 0, sizeof tn.h[i].frames);
  len = tf_udp(buf, tn_ipv4(&tn, A, nwid), 0xe0010203u, 5000, 5002, "mcast", 5);
  assert_int_equal(tn_frame(&tn, A, nwid, group, 0x0800, buf, len), 0);
  tn_run(&tn, 8000);
  assert_true(tf_find(&tn.h[C].frames, 0x0800, 17) >= 0);
  assert_int_equal(tf_find(&tn.h[B].frames, 0x0800, 17), -1);
}

/* The listing of a network's groups: the automatic ones (broadcast, the ARP group of the
 * IPv4 address) plus a subscribed one, ordered, bounded by max; bad arguments refused. */
static void test_multicast_groups_listing(void **state)
{
  ztk_node *c = tn.h[C].node;
  uint64_t mac[8];
  uint32_t adi[8];
  int before = ztk_node_multicast_groups(c, nwid, mac, adi, 8);
  assert_true(before >= 2 && before < 8);
  assert_int_equal(ztk_node_multicast_subscribe(c, tn.now, nwid, 0x01005e010203ull, 7), 0);
  int n = ztk_node_multicast_groups(c, nwid, mac, adi, 8);
  assert_int_equal(n, before + 1);
  bool found = false, bcast = false;
  for (int i = 0; i < n; i++) {
    found |= mac[i] == 0x01005e010203ull && adi[i] == 7;
    bcast |= mac[i] == 0xffffffffffffull;
    if (i > 0)
      assert_true(mac[i - 1] < mac[i] || (mac[i - 1] == mac[i] && adi[i - 1] < adi[i]));
  }
  assert_true(found && bcast);
  assert_int_equal(ztk_node_multicast_groups(c, nwid, NULL, NULL, 0), n);
  assert_int_equal(ztk_node_multicast_groups(c, nwid, mac, adi, 1), n);
  assert_int_equal(ztk_node_multicast_groups(c, nwid, NULL, adi, 1), ZTK_EINVAL);
  assert_int_equal(ztk_node_multicast_groups(c, nwid, mac, adi, -1), ZTK_EINVAL);
  assert_int_equal(ztk_node_multicast_groups(NULL, nwid, mac, adi, 1), ZTK_EINVAL);
  assert_int_equal(ztk_node_multicast_groups(c, nwid + 1, mac, adi, 8), ZTK_ENET_NOTJOINED);
  assert_int_equal(ztk_node_multicast_unsubscribe(c, nwid, 0x01005e010203ull, 7), 0);
  assert_int_equal(ztk_node_multicast_groups(c, nwid, mac, adi, 8), before);
}

/* With broadcast disabled a broadcast frame reaches nobody, but IPv4 ARP requests still go out
 * as their ADI multicast group (as in ZeroTierOne), so members ping each other. */
static void test_arp_without_broadcast(void **state)
{
  uint8_t buf[256];
  assert_true(ping(A, B));
  assert_true(ping(C, A));
  for (int i = A; i <= D; i++)
    memset(&tn.h[i].frames, 0, sizeof tn.h[i].frames);
  size_t len = tf_udp(buf, tn_ipv4(&tn, A, nwid), 0x0a9311ffu, 5000, 5001, "bcast", 5);
  assert_int_equal(tn_frame(&tn, A, nwid, 0xffffffffffffull, 0x0800, buf, len), 0);
  tn_run(&tn, 8000);
  assert_int_equal(tf_find(&tn.h[B].frames, 0x0800, 17), -1);
  assert_int_equal(tf_find(&tn.h[C].frames, 0x0800, 17), -1);
}

static void test_deauthorization_cuts_a_member_off(void **state)
{
  assert_true(ping(A, B));
  member(B, false);
  tn_run(&tn, 3000); /* the revocation reaches A */
  assert_false(ping(B, A));
  tn_run(&tn, 65000); /* B's next config request is refused */
  ztk_network_info info;
  assert_int_equal(ztk_node_network(tn.h[B].node, nwid, &info), 0);
  assert_int_equal(info.status, ZTK_NETWORK_ACCESS_DENIED);
  assert_true(ping(A, C)); /* the others are unaffected */
}

static void test_rule_drops_a_port(void **state)
{
  uint8_t buf[256];
  assert_true(ping(A, B)); /* ARP and ICMP are allowed */
  uint64_t bmac = tn_mac(&tn, B, nwid);
  memset(&tn.h[B].frames, 0, sizeof tn.h[B].frames);
  size_t len = tf_udp(buf, tn_ipv4(&tn, A, nwid), tn_ipv4(&tn, B, nwid), 4000, 9999, "no", 2);
  tn_frame(&tn, A, nwid, bmac, 0x0800, buf, len);
  tn_run(&tn, 2000);
  assert_int_equal(tf_find(&tn.h[B].frames, 0x0800, 17), -1);
  len = tf_udp(buf, tn_ipv4(&tn, A, nwid), tn_ipv4(&tn, B, nwid), 4000, 9998, "yes", 3);
  tn_frame(&tn, A, nwid, bmac, 0x0800, buf, len);
  tn_run(&tn, 2000);
  assert_true(tf_find(&tn.h[B].frames, 0x0800, 17) >= 0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_join_addresses_and_denial, setup_plain, teardown),
    cmocka_unit_test_setup_teardown(test_ping_through_responder, setup_plain, teardown),
    cmocka_unit_test_setup_teardown(test_broadcast_and_multicast, setup_plain, teardown),
    cmocka_unit_test_setup_teardown(test_multicast_groups_listing, setup_plain, teardown),
    cmocka_unit_test_setup_teardown(test_arp_without_broadcast, setup_no_broadcast, teardown),
    cmocka_unit_test_setup_teardown(test_deauthorization_cuts_a_member_off, setup_plain, teardown),
    cmocka_unit_test_setup_teardown(test_rule_drops_a_port, setup_rules, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
