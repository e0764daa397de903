/* Target Functions: whole nodes in a small world (fuzz/support/fzworld.h): ztk_node_* (join,
 * leave, user messages, echo, frames, multicast, responder, crash and restart from the state
 * store), the embedded controller through its HTTP API (api/, core/controller), and every
 * packet they exchange (core/node, core/packet, core/network).
 *
 * A deep stateful target: a root, a controller and two members (A, B) on one datagram queue.
 * Per input the controller gets two networks (NET1 private, NET2 public) and A and B are
 * authorized on NET1; then the input is a program of at most 48 operations, the op byte
 * (modulo 13) picking:
 *   0 join(member, net)            1 leave(member, net)       2 USER_MESSAGE(from, to, len)
 *   3 ECHO(from, to)               4 a frame from a member (ARP, ping, UDP, broadcast)
 *   5 (de)authorize(member, net)   6 a network change (privacy, broadcast, rules preset,
 *                                    delete, re-create) through the API
 *   7 the clock (u16: ms, or top bit: x100)   8 crash(host)   9 restart(host)
 *   10 cut / heal a host           11 multicast subscribe     12 responder on/off
 * where a net byte picks NET1, NET2, a network the controller does not have, or an ad-hoc
 * network. Safety invariants after every operation: every call returns what the model says
 * (a leave of a network not joined is ZTK_ENOTFOUND, API calls succeed), each running node's
 * joined networks are exactly the model's, peers and state stores stay bounded, no datagram
 * storm (a run step within its budget, datagrams sent bounded by the work asked for). Liveness
 * at the end: everything restarted and healed, the authorizations written once more through
 * the API, 250 s run: every member's network status is the one the model predicts
 * (OK, ACCESS_DENIED, NOT_FOUND), A and B answer each other's ECHO, and when both are on
 * NET1 an ARP request for B's address gets B's reply. Then everything is freed (LeakSanitizer
 * checks it). FZ_TWONODE_TRACE=1 in the environment prints the operations and the statuses. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/network/addressing.h"
#include "core/network/ethframe.h"
#include "core/network/mac.h"
#include "core/util/cursor.h"
#include "fuzz/support/fzworld.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { ROOT, CTL, A, B, HOSTS };
#define NETS 2            /* the controller's: NET1 private, NET2 public */
#define MAX_JOINED 4      /* NET1, NET2, a missing one, an ad-hoc one */
#define MAX_OPS 48
/* A restarted root knows nobody until each node's next full HELLO, which (as in ZeroTierOne)
 * comes only 16 heartbeat periods (224 s) after the last one while a path to the root exists. */
#define LIVENESS_MS 250000

static const int idents[HOSTS] = {5, 6, 0, 1}; /* rig root, rig ctl, alice, bob */

static const char *const rules[] = {
  "[{\"type\":\"ACTION_ACCEPT\"}]",
  "[{\"type\":\"MATCH_IP_PROTOCOL\",\"ipProtocol\":17},{\"type\":\"MATCH_IP_DEST_PORT_RANGE\","
  "\"start\":9999,\"end\":9999},{\"type\":\"ACTION_DROP\"},{\"type\":\"ACTION_ACCEPT\"}]",
  "[{\"type\":\"MATCH_ETHERTYPE\",\"etherType\":34525},{\"type\":\"ACTION_DROP\"},"
  "{\"type\":\"ACTION_TEE\",\"address\":\"6db275b3b2\",\"flags\":0,\"length\":32},"
  "{\"type\":\"ACTION_ACCEPT\"}]",
  "[{\"type\":\"MATCH_IP_PROTOCOL\",\"ipProtocol\":1,\"not\":true},"
  "{\"type\":\"MATCH_FRAME_SIZE_RANGE\",\"start\":1000,\"end\":9000},{\"type\":\"ACTION_DROP\"},"
  "{\"type\":\"ACTION_ACCEPT\"}]",
};
#define RULE_PRESETS (sizeof rules / sizeof rules[0])

typedef struct model {
  uint64_t nwid[MAX_JOINED]; /* candidate networks; [0], [1] are the controller's */
  bool joined[HOSTS][MAX_JOINED];
  bool exists[NETS], is_private[NETS];
  bool auth[HOSTS][NETS];
} model;

typedef struct prog {
  ztk_rd in;
  fw_world w;
  model m;
  unsigned ops;
} prog;

static uint8_t u8(prog *p) { return ztk_rd_u8(&p->in); }
static int member(prog *p) { return A + (u8(p) & 1); }
static int host(prog *p) { return u8(p) % HOSTS; }

/* ---- the controller through its API ---- */

static void network_doc(prog *p, int k, unsigned preset, bool broadcast)
{
  char path[64], body[1024];
  snprintf(path, sizeof path, "/controller/network/%016llx", (unsigned long long)p->m.nwid[k]);
  snprintf(body, sizeof body,
           "{\"name\":\"fz%d\",\"private\":%s,\"enableBroadcast\":%s,"
           "\"v4AssignMode\":{\"zt\":true},\"v6AssignMode\":{\"rfc4193\":%s},"
           "\"ipAssignmentPools\":[{\"ipRangeStart\":\"10.%d.0.10\",\"ipRangeEnd\":\"10.%d.0.250\"}],"
           "\"routes\":[{\"target\":\"10.%d.0.0/24\",\"via\":null}],\"rules\":%s}",
           k, p->m.is_private[k] ? "true" : "false", broadcast ? "true" : "false",
           k ? "false" : "true", 150 + k, 150 + k, 150 + k, rules[preset % RULE_PRESETS]);
  FW_CHECK(fw_api(&p->w, CTL, "POST", path, body) == 200);
  p->m.exists[k] = true;
}

static void authorize(prog *p, int who, int k, bool on)
{
  FW_CHECK(fw_authorize(&p->w, CTL, p->m.nwid[k], who, on) == (p->m.exists[k] ? 200 : 404));
  if (p->m.exists[k])
    p->m.auth[who][k] = on;
}

static bool ctl_up(const prog *p) { return p->w.h[CTL].node != NULL; }

/* ---- invariants ---- */

static void check_host(prog *p, int i)
{
  fw_host *h = &p->w.h[i];
  ztk_nwid nets[MAX_JOINED + 1];
  ztk_peer_info one;
  FW_CHECK(h->store.refused == 0 && h->store.bytes < (1u << 20));
  if (!h->node)
    return;
  int n = ztk_node_networks(h->node, nets, MAX_JOINED + 1), want = 0;
  for (int k = 0; k < MAX_JOINED; k++)
    want += p->m.joined[i][k];
  FW_CHECK(n == want);
  for (int j = 0; j < n; j++) {
    int k = 0;
    while (k < MAX_JOINED && p->m.nwid[k] != nets[j])
      k++;
    FW_CHECK(k < MAX_JOINED && p->m.joined[i][k]);
  }
  FW_CHECK(ztk_node_peers(h->node, p->w.now, &one, 0) <= HOSTS - 1);
}

/* Datagrams sent must stay proportional to the work asked for (no storms). */
static void check_world(prog *p, int64_t start)
{
  int64_t secs = (p->w.now - start) / 1000;
  FW_CHECK(!p->w.storm && p->w.oversize == 0);
  FW_CHECK(p->w.sent <= 2000 + 200 * (uint64_t)p->ops + 60 * (uint64_t)secs);
  for (int i = 0; i < HOSTS; i++)
    check_host(p, i);
}

/* ---- operations ---- */

static void op_join(prog *p, bool join)
{
  int who = member(p), k = u8(p) % MAX_JOINED;
  fw_host *h = &p->w.h[who];
  if (!h->node)
    return;
  if (join) {
    FW_CHECK(ztk_node_join(h->node, p->w.now, p->m.nwid[k]) == 0);
    FW_CHECK(ztk_node_set_responder(h->node, p->m.nwid[k], true, 7) == 0);
  } else {
    int rc = ztk_node_leave(h->node, p->w.now, p->m.nwid[k]);
    FW_CHECK(rc == (p->m.joined[who][k] ? 0 : ZTK_ENOTFOUND));
  }
  p->m.joined[who][k] = join;
}

static void op_message(prog *p, bool echo)
{
  uint8_t data[600];
  int from = host(p), to = host(p);
  size_t len = u8(p) * 2u;
  fw_host *h = &p->w.h[from];
  ztk_address dest = fw_identity(idents[to])->address;
  memset(data, 0x5a, sizeof data);
  if (!h->node)
    return;
  int rc = echo ? ztk_node_echo(h->node, p->w.now, dest, data, len)
                : ztk_node_send_user_message(h->node, p->w.now, dest, 0x10000, data, len);
  FW_CHECK(from == to ? rc == ZTK_EINVAL : rc == 0 || rc == ZTK_ELIMIT);
}

static uint32_t ipv4_of(fw_world *w, int i, uint64_t nwid)
{
  static ztk_network_info info;
  if (!w->h[i].node || ztk_node_network(w->h[i].node, nwid, &info))
    return 0;
  for (int k = 0; k < info.addr_count; k++) {
    ztk_inaddr a;
    ztk_inaddr_from_sockaddr(&a, (const struct sockaddr *)&info.addrs[k]);
    if (a.family == 4)
      return ztk_inaddr_v4_u32(&a);
  }
  return 0;
}

/* An ARP request, an ICMP echo, UDP to port 7 / 9999 / any, or a broadcast, from member who
 * to the other member. Returns the frame_in result. */
static int send_frame(fw_world *w, int who, uint64_t nwid, unsigned kind, uint16_t port)
{
  uint8_t buf[1200];
  int other = who == A ? B : A;
  uint64_t smac = ztk_mac_from_address(fw_identity(idents[who])->address, nwid);
  uint64_t dmac = ztk_mac_from_address(fw_identity(idents[other])->address, nwid);
  uint32_t src = ipv4_of(w, who, nwid), dst = ipv4_of(w, other, nwid);
  ztk_wr wr = ztk_wr_make(buf, sizeof buf);
  uint16_t et = ZTK_ETHERTYPE_IPV4;
  if (kind % 4 == 0) {
    ztk_arp a = {ZTK_ARP_REQUEST, smac, {0}, 0, {0}};
    ztk_be_put(a.spa, src, 4);
    ztk_be_put(a.tpa, dst, 4);
    ztk_arp_write(&wr, &a);
    et = ZTK_ETHERTYPE_ARP, dmac = ZTK_MAC_BROADCAST;
  } else {
    ztk_ipv4 ip = {.ttl = 64, .proto = kind % 4 == 1 ? ZTK_IPPROTO_ICMP : ZTK_IPPROTO_UDP};
    uint8_t l4[16 + 100] = {ZTK_ICMP_ECHO_REQUEST};
    size_t l4len = 16 + (kind / 4) % 100;
    if (kind % 4 == 3)
      dst |= 0xff, dmac = ZTK_MAC_BROADCAST;
    ztk_be_put(ip.src, src, 4);
    ztk_be_put(ip.dst, dst, 4);
    if (ip.proto == ZTK_IPPROTO_ICMP) {
      ztk_be_put(l4 + 2, ztk_csum_plain(l4, l4len, 2), 2);
    } else {
      ztk_be_put(l4, 40000, 2);
      ztk_be_put(l4 + 2, port, 2);
      ztk_be_put(l4 + 4, l4len, 2);
      ztk_be_put(l4 + 6, ztk_csum_v4(ip.src, ip.dst, ip.proto, l4, l4len, 6), 2);
    }
    ztk_ipv4_write(&wr, &ip, l4len);
    ztk_wr_bytes(&wr, l4, l4len);
  }
  fw_host *h = &w->h[who];
  return ztk_node_frame_in(h->node, w->now, nwid, smac, dmac, et, 0, buf, wr.len, &h->deadline);
}

static void op_frame(prog *p)
{
  static const uint16_t ports[4] = {7, 9999, 5000, 53};
  int who = member(p), k = u8(p) % MAX_JOINED;
  uint8_t kind = u8(p);
  if (!p->w.h[who].node)
    return;
  int rc = send_frame(&p->w, who, p->m.nwid[k], kind, ports[kind >> 6]);
  FW_CHECK(rc == 0 || rc == ZTK_ENET_NOTJOINED);
  FW_CHECK(rc == 0 || !p->m.joined[who][k] || fw_net_status(&p->w, who, p->m.nwid[k]) != 1);
}

static void op_authorize(prog *p)
{
  int who = member(p), k = u8(p) % NETS;
  bool on = u8(p) & 1;
  if (ctl_up(p))
    authorize(p, who, k, on);
}

static void op_network(prog *p)
{
  int k = u8(p) % NETS;
  uint8_t f = u8(p);
  char path[64];
  if (!ctl_up(p))
    return;
  if ((f & 3) == 3) {
    snprintf(path, sizeof path, "/controller/network/%016llx", (unsigned long long)p->m.nwid[k]);
    FW_CHECK(fw_api(&p->w, CTL, "DELETE", path, NULL) == (p->m.exists[k] ? 200 : 404));
    p->m.exists[k] = false;
    for (int i = 0; i < HOSTS; i++)
      p->m.auth[i][k] = false;
    return;
  }
  p->m.is_private[k] = (f & 4) != 0;
  network_doc(p, k, f >> 4, f & 8);
}

static void op_time(prog *p)
{
  uint16_t v = ztk_rd_u16(&p->in);
  fw_run(&p->w, (v & 0x8000) ? (int64_t)(v & 0x7fff) * 100 : v);
}

static void op_restart(prog *p)
{
  int i = host(p);
  FW_CHECK(fw_start(&p->w, i) == 0);
}

static void op_subscribe(prog *p)
{
  int who = member(p), k = u8(p) % MAX_JOINED;
  uint8_t b = u8(p);
  fw_host *h = &p->w.h[who];
  if (!h->node)
    return;
  uint64_t mac = (b & 0x80) ? 0x01005e000000ull | b : 0x333300000000ull | b;
  int rc = (b & 0x40) ? ztk_node_multicast_unsubscribe(h->node, p->m.nwid[k], mac, 0)
                      : ztk_node_multicast_subscribe(h->node, p->w.now, p->m.nwid[k], mac, 0);
  FW_CHECK(rc <= 0);
  FW_CHECK(rc != ZTK_ENET_NOTJOINED || !p->m.joined[who][k]);
}

static void op_responder(prog *p)
{
  int who = member(p), k = u8(p) % MAX_JOINED;
  bool on = u8(p) & 1;
  if (p->w.h[who].node)
    FW_CHECK(ztk_node_set_responder(p->w.h[who].node, p->m.nwid[k], on, 7) ==
             (p->m.joined[who][k] ? 0 : ZTK_ENET_NOTJOINED));
}

static void run_op(prog *p, uint8_t op)
{
  switch (op % 13) {
  case 0:
  case 1:
    op_join(p, op % 13 == 0);
    break;
  case 2:
  case 3:
    op_message(p, op % 13 == 3);
    break;
  case 4:
    op_frame(p);
    break;
  case 5:
    op_authorize(p);
    break;
  case 6:
    op_network(p);
    break;
  case 7:
    op_time(p);
    break;
  case 8:
    fw_crash(&p->w, host(p));
    break;
  case 9:
    op_restart(p);
    break;
  case 10: {
    int i = host(p);
    p->w.h[i].cut = !p->w.h[i].cut;
    break;
  }
  case 11:
    op_subscribe(p);
    break;
  default:
    op_responder(p);
  }
}

/* ---- setup and liveness ---- */

static void setup(prog *p, const uint8_t *data, size_t size)
{
  memset(&p->m, 0, sizeof p->m);
  p->in = ztk_rd_make(data, size);
  fw_init(&p->w, 7, idents, HOSTS, 1);
  p->w.h[CTL].controller = true;
  for (int i = 0; i < HOSTS; i++)
    FW_CHECK(fw_start(&p->w, i) == 0);
  uint64_t ctl = fw_identity(idents[CTL])->address;
  p->m.nwid[0] = ctl << 24 | 0x000001;
  p->m.nwid[1] = ctl << 24 | 0x000002;
  p->m.nwid[2] = ctl << 24 | 0x0000ee; /* never created */
  p->m.nwid[3] = ztk_adhoc_nwid(9999, 9999);
  p->m.is_private[0] = true;
  network_doc(p, 0, 0, true);
  network_doc(p, 1, 0, true);
  authorize(p, A, 0, true);
  authorize(p, B, 0, true);
  FW_CHECK(fw_run_until(&p->w, fw_all_online, NULL, 30000));
}

/* What a member's status on controller network k must be once things have settled: -1 when
 * the member has not joined it. */
static int expected_status(const prog *p, int who, int k)
{
  if (!p->m.joined[who][k])
    return -1;
  if (!p->m.exists[k])
    return ZTK_NETWORK_NOT_FOUND;
  if (!p->m.is_private[k] || p->m.auth[who][k])
    return ZTK_NETWORK_OK;
  return ZTK_NETWORK_ACCESS_DENIED;
}

static bool echoed(fw_world *w, void *arg)
{
  const uint64_t *before = arg;
  return w->h[A].echo_replies > before[0] && w->h[B].echo_replies > before[1];
}

static bool arp_answered(fw_world *w, void *arg)
{
  const uint64_t *before = arg;
  return w->h[A].frames > *before;
}

static void liveness(prog *p)
{
  for (int i = 0; i < HOSTS; i++) {
    p->w.h[i].cut = false;
    FW_CHECK(fw_start(&p->w, i) == 0);
  }
  FW_CHECK(fw_run_until(&p->w, fw_all_online, NULL, 30000));
  for (int k = 0; k < NETS; k++)
    for (int who = A; who <= B && p->m.exists[k]; who++)
      authorize(p, who, k, p->m.auth[who][k]);
  fw_run(&p->w, LIVENESS_MS);
  for (int k = 0; k < NETS; k++)
    for (int who = A; who <= B; who++) {
      if (getenv("FZ_TWONODE_TRACE"))
        fprintf(stderr, "liveness: host %d net %d status %d expected %d\n", who, k,
                fw_net_status(&p->w, who, p->m.nwid[k]), expected_status(p, who, k));
      FW_CHECK(fw_net_status(&p->w, who, p->m.nwid[k]) == expected_status(p, who, k));
    }
  uint64_t before[2] = {p->w.h[A].echo_replies, p->w.h[B].echo_replies};
  FW_CHECK(ztk_node_echo(p->w.h[A].node, p->w.now, fw_identity(idents[B])->address, "a", 1) == 0);
  FW_CHECK(ztk_node_echo(p->w.h[B].node, p->w.now, fw_identity(idents[A])->address, "b", 1) == 0);
  FW_CHECK(fw_run_until(&p->w, echoed, before, 10000));
  if (expected_status(p, A, 0) == ZTK_NETWORK_OK && expected_status(p, B, 0) == ZTK_NETWORK_OK) {
    FW_CHECK(ztk_node_set_responder(p->w.h[B].node, p->m.nwid[0], true, 7) == 0);
    uint64_t frames = p->w.h[A].frames;
    FW_CHECK(send_frame(&p->w, A, p->m.nwid[0], 0, 0) == 0);
    FW_CHECK(fw_run_until(&p->w, arp_answered, &frames, 10000));
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static prog p;
  setup(&p, data, size);
  int64_t start = p.w.now;
  uint64_t sent0 = p.w.sent;
  p.w.sent = 0;
  for (p.ops = 0; p.ops < MAX_OPS && ztk_rd_left(&p.in) > 0; p.ops++) {
    uint8_t op = u8(&p);
    if (getenv("FZ_TWONODE_TRACE"))
      fprintf(stderr, "[%lld] op %d\n", (long long)(p.w.now - start), op % 13);
    run_op(&p, op);
    check_world(&p, start);
  }
  p.w.sent += sent0;
  liveness(&p);
  fw_free(&p.w);
  return 0;
}
