/* Target Functions: socket calls on lwIP stack hosts joined to a ZeroTier network, through the
 * simulator (include/ztkit/sim.h: sim/world_sock.c, world_net.c, stack/, runtime-free stack
 * driving) and everything under them (core/node VL2 frames, multicast, the responder, the
 * embedded controller).
 *
 * A deep stateful target: a root, a core-only controller and two stack hosts (A, B) joined to
 * one private network (IPv4 pool and rfc4193) on which both are authorized. The input is a
 * program of at most 40 operations; the op byte (modulo 14) picks:
 *   0 tcp_listen(host, addr, port, mode)    1 tcp_connect(host, addr, port, mode)
 *   2 tcp_accept(sock)                      3 tcp_stream(sock, bytes, close_after)
 *   4 send(sock, len)                       5 recv(sock, cap)
 *   6 udp_bind(host, addr, port, mode)      7 sendto(sock, addr, port, len)
 *   8 recvfrom(sock, cap)                   9 close(sock)
 *   10 the clock (u16 ms, top bit: x10)     11 leave / join (host)
 *   12 crash / restart (host, kept state)   13 ping(host, addr)
 * where addr picks the wildcard, a host's own or the other host's IPv4 or IPv6 address, or
 * one nobody has, and port one of four. Invariants after every operation: every call returns
 * a value or a negative ZTK_E* code (never crashes), no SINK socket ever sees a byte that
 * differs from the stream pattern (data integrity through lwIP, ZeroTier and back), the
 * world's clock moves only forward. Liveness at the end: both hosts restarted and joined,
 * 60 s run, then a new TCP connection from A to B carries 20000 pattern bytes to a SINK
 * intact and a UDP datagram to an ECHO socket comes back, within 60 s of virtual time. Then
 * the world is freed (LeakSanitizer checks it). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util/cursor.h"
#include "ztkit/sim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define POOL ZTK_SOURCE_DIR "/scenarios/data/identities.pool"
#define MAX_OPS 40
#define MAX_SOCKS 32
#define HOSTS 4
enum { ROOT, CTL, A, B };

#define CHECK(c)                                                                                 \
  do {                                                                                           \
    if (!(c)) {                                                                                  \
      fprintf(stderr, "fuzz_sockets: check failed: %s (line %d)\n", #c, __LINE__);             \
      abort();                                                                                   \
    }                                                                                            \
  } while (0)

typedef struct prog {
  ztk_rd in;
  ztk_sim *s;
  uint64_t nwid;
  bool joined[HOSTS], down[HOSTS];
  char v4[HOSTS][ZTK_SIM_TEXT], v6[HOSTS][ZTK_SIM_TEXT];
  int socks[MAX_SOCKS];
  int nsocks;
} prog;

static uint8_t u8(prog *p) { return ztk_rd_u8(&p->in); }
static int member(prog *p) { return A + (u8(p) & 1); }

/* ---- setup ---- */

/* Copies host's first IPv4 and IPv6 address on the network (without the "/bits"). */
static bool addresses(prog *p, int h)
{
  ztk_sim_network_info ni;
  p->v4[h][0] = p->v6[h][0] = 0;
  if (ztk_sim_network(p->s, (uint32_t)h, p->nwid, &ni) || ni.status != ZTK_NETWORK_OK)
    return false;
  for (int i = 0; i < ni.addr_count; i++) {
    char *dst = strchr(ni.addrs[i], ':') ? p->v6[h] : p->v4[h];
    if (!dst[0]) {
      snprintf(dst, ZTK_SIM_TEXT, "%s", ni.addrs[i]);
      char *slash = strchr(dst, '/');
      if (slash)
        *slash = 0;
    }
  }
  return p->v4[h][0] && p->v6[h][0] && ni.netifs > 0;
}

static bool ready(prog *p)
{
  return addresses(p, A) && addresses(p, B);
}

/* Runs the clock until both members have their addresses; returns false after limit_ms. */
static bool run_until_ready(prog *p, int64_t limit_ms)
{
  for (int64_t t = 0; t < limit_ms; t += 500) {
    if (ready(p))
      return true;
    ztk_sim_run_for(p->s, 500);
  }
  return ready(p);
}

static int api(prog *p, const char *method, const char *path, const char *body)
{
  return ztk_sim_api(p->s, CTL, method, path, body, NULL, 0, NULL);
}

static void setup(prog *p, const uint8_t *data, size_t size)
{
  ztk_sim_config cfg;
  ztk_sim_host_opts o;
  ztk_sim_host_info hi;
  char path[96];
  memset(p, 0, sizeof *p);
  p->in = ztk_rd_make(data, size);
  ztk_sim_config_init(&cfg);
  cfg.seed = 7;
  cfg.pool_path = POOL;
  cfg.trace_packets = false;
  CHECK(ztk_sim_new(&p->s, &cfg) == 0);
  for (int i = 0; i < HOSTS; i++) {
    ztk_sim_host_opts_init(&o);
    o.role = i == ROOT ? ZTK_SIM_ROOT : i == CTL ? ZTK_SIM_CONTROLLER : ZTK_SIM_MEMBER;
    o.stack = i >= A;
    CHECK(ztk_sim_add_host(p->s, &o) == i);
  }
  CHECK(ztk_sim_start(p->s) == 0);
  ztk_sim_run_for(p->s, 5000);
  CHECK(ztk_sim_host_info_get(p->s, CTL, &hi) == 0);
  p->nwid = (uint64_t)hi.address << 24 | 1;
  snprintf(path, sizeof path, "/controller/network/%016llx", (unsigned long long)p->nwid);
  CHECK(api(p, "POST", path,
            "{\"private\":true,\"v4AssignMode\":{\"zt\":true},\"v6AssignMode\":{\"rfc4193\":true},"
            "\"ipAssignmentPools\":[{\"ipRangeStart\":\"10.77.0.10\",\"ipRangeEnd\":"
            "\"10.77.0.250\"}],\"routes\":[{\"target\":\"10.77.0.0/24\",\"via\":null}],"
            "\"rules\":[{\"type\":\"ACTION_ACCEPT\"}]}") == 200);
  for (int h = A; h <= B; h++) {
    CHECK(ztk_sim_host_info_get(p->s, (uint32_t)h, &hi) == 0);
    snprintf(path, sizeof path, "/controller/network/%016llx/member/%010llx",
             (unsigned long long)p->nwid, (unsigned long long)hi.address);
    CHECK(api(p, "POST", path, "{\"authorized\":true}") == 200);
    CHECK(ztk_sim_join(p->s, ZTK_SIM_NOW, (uint32_t)h, p->nwid) == 0);
    p->joined[h] = true;
  }
  CHECK(run_until_ready(p, 60000));
  if (getenv("FZ_SOCKETS_TRACE"))
    fprintf(stderr, "ready at %lld: A %s %s, B %s %s\n", (long long)ztk_sim_now_ms(p->s), p->v4[A],
            p->v6[A], p->v4[B], p->v6[B]);
}

/* ---- operations ---- */

static const char *pick_addr(prog *p, int self)
{
  int other = self == A ? B : A;
  switch (u8(p) % 7) {
  case 0:
    return "0.0.0.0";
  case 1:
    return "::";
  case 2:
    return p->v4[self][0] ? p->v4[self] : "10.77.0.9";
  case 3:
    return p->v6[self][0] ? p->v6[self] : "fd00::9";
  case 4:
    return p->v4[other][0] ? p->v4[other] : "10.77.0.9";
  case 5:
    return p->v6[other][0] ? p->v6[other] : "fd00::9";
  default:
    return "10.77.0.251";
  }
}

static uint16_t pick_port(prog *p)
{
  static const uint16_t ports[4] = {4000, 4001, 7, 0};
  return ports[u8(p) % 4];
}

static void keep(prog *p, int rc)
{
  if (rc >= 0 && p->nsocks < MAX_SOCKS)
    p->socks[p->nsocks++] = rc;
}

static int sock(prog *p)
{
  uint8_t b = u8(p);
  return p->nsocks ? p->socks[b % p->nsocks] : (int)b - 1; /* also ids that do not exist */
}

static void op_open(prog *p, unsigned op)
{
  int h = member(p);
  const char *addr = pick_addr(p, h);
  uint16_t port = pick_port(p);
  int mode = u8(p) % 3, rc;
  if (op == 0)
    rc = ztk_sim_tcp_listen(p->s, (uint32_t)h, addr, port, mode);
  else if (op == 1)
    rc = ztk_sim_tcp_connect(p->s, (uint32_t)h, addr, port, mode);
  else
    rc = ztk_sim_udp_bind(p->s, (uint32_t)h, addr, port, mode);
  CHECK(!p->down[h] || rc < 0);
  keep(p, rc);
}

static void op_data(prog *p, unsigned op)
{
  static uint8_t buf[4096];
  int s = sock(p);
  size_t len = (size_t)u8(p) * 16;
  long rc;
  char from[ZTK_SIM_TEXT];
  uint16_t port = 0;
  memset(buf, 0x33, len);
  switch (op) {
  case 2:
    keep(p, ztk_sim_tcp_accept(p->s, s));
    return;
  case 3:
    rc = ztk_sim_tcp_stream(p->s, s, (uint64_t)len * 64, u8(p) & 1);
    break;
  case 4:
    rc = ztk_sim_send(p->s, s, buf, len);
    break;
  case 5:
    rc = ztk_sim_recv(p->s, s, buf, len);
    break;
  case 7: {
    int h = member(p);
    const char *addr = pick_addr(p, h);
    rc = ztk_sim_sendto(p->s, s, addr, pick_port(p), buf, len);
    CHECK(rc < 0 || (size_t)rc == len);
    break;
  }
  case 8:
    rc = ztk_sim_recvfrom(p->s, s, buf, len, from, &port);
    break;
  default:
    rc = ztk_sim_close(p->s, s);
    CHECK(rc == 0 || rc == ZTK_EINVAL);
  }
  CHECK(rc <= (long)len * 64);
}

static void op_join(prog *p)
{
  int h = member(p);
  int rc = p->joined[h] ? ztk_sim_leave(p->s, ZTK_SIM_NOW, (uint32_t)h, p->nwid)
                        : ztk_sim_join(p->s, ZTK_SIM_NOW, (uint32_t)h, p->nwid);
  CHECK(rc == 0);
  p->joined[h] = !p->joined[h];
}

static void op_crash(prog *p)
{
  int h = member(p);
  int rc = p->down[h] ? ztk_sim_restart(p->s, ZTK_SIM_NOW, (uint32_t)h, false)
                      : ztk_sim_crash(p->s, ZTK_SIM_NOW, (uint32_t)h);
  CHECK(rc == 0);
  p->down[h] = !p->down[h];
}

static void op_clock(prog *p)
{
  uint16_t v = ztk_rd_u16(&p->in);
  int64_t before = ztk_sim_now_ms(p->s);
  ztk_sim_run_for(p->s, (v & 0x8000) ? (int64_t)(v & 0x7fff) * 10 : v);
  CHECK(ztk_sim_now_ms(p->s) >= before);
}

static void run_op(prog *p, uint8_t op)
{
  switch (op % 14) {
  case 0:
  case 1:
  case 6:
    op_open(p, op % 14);
    break;
  case 10:
    op_clock(p);
    break;
  case 11:
    op_join(p);
    break;
  case 12:
    op_crash(p);
    break;
  case 13: {
    int h = member(p);
    int rc = ztk_sim_ping(p->s, (uint32_t)h, pick_addr(p, h));
    CHECK(!p->down[h] || rc == ZTK_ESTATE);
    break;
  }
  default:
    op_data(p, op % 14);
  }
}

/* No SINK socket ever received a byte out of the pattern. */
static void check_sinks(prog *p)
{
  for (int id = 0; id < 4096; id++) {
    ztk_sim_sock_info si;
    if (ztk_sim_sock_info_get(p->s, id, &si))
      break;
    CHECK(!si.mismatch);
  }
}

/* ---- liveness ---- */

static bool sunk(prog *p, int listener, uint64_t want)
{
  int acc[4];
  ztk_sim_sock_info si;
  int n = ztk_sim_tcp_accepted(p->s, listener, acc, 4);
  for (int i = 0; i < n && i < 4; i++)
    if (ztk_sim_sock_info_get(p->s, acc[i], &si) == 0 && si.verified >= want)
      return true;
  return false;
}

static void liveness(prog *p)
{
  char buf[64];
  for (int h = A; h <= B; h++) {
    if (p->down[h])
      CHECK(ztk_sim_restart(p->s, ZTK_SIM_NOW, (uint32_t)h, false) == 0);
    if (!p->joined[h])
      CHECK(ztk_sim_join(p->s, ZTK_SIM_NOW, (uint32_t)h, p->nwid) == 0);
  }
  ztk_sim_run_for(p->s, 60000);
  CHECK(run_until_ready(p, 60000));
  int l = ztk_sim_tcp_listen(p->s, B, "0.0.0.0", 5555, ZTK_SIM_SOCK_SINK);
  int c = ztk_sim_tcp_connect(p->s, A, p->v4[B], 5555, ZTK_SIM_SOCK_MANUAL);
  int e = ztk_sim_udp_bind(p->s, B, "::", 5556, ZTK_SIM_SOCK_ECHO);
  int u = ztk_sim_udp_bind(p->s, A, "::", 5557, ZTK_SIM_SOCK_MANUAL);
  CHECK(l >= 0 && c >= 0 && e >= 0 && u >= 0);
  CHECK(ztk_sim_tcp_stream(p->s, c, 20000, true) == 0);
  CHECK(ztk_sim_sendto(p->s, u, p->v6[B], 5556, "ping", 4) == 4);
  long got = ZTK_EAGAIN;
  for (int64_t t = 0; t < 60000 && (got < 0 || !sunk(p, l, 20000)); t += 100) {
    ztk_sim_run_for(p->s, 100);
    if (got < 0)
      got = ztk_sim_recvfrom(p->s, u, buf, sizeof buf, NULL, NULL);
  }
  CHECK(sunk(p, l, 20000));
  CHECK(got == 4 && memcmp(buf, "ping", 4) == 0);
  check_sinks(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static prog p;
  setup(&p, data, size);
  for (unsigned ops = 0; ops < MAX_OPS && ztk_rd_left(&p.in) > 0; ops++) {
    run_op(&p, u8(&p));
    check_sinks(&p);
  }
  liveness(&p);
  ztk_sim_free(p.s);
  return 0;
}
