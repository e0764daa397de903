/* The native socket API (ztkit/socket.h) on the production runtime: two member services and a
 * root + controller in one process, over real UDP on loopback, each member with its own
 * interfaces in the process's one lwIP. TCP both ways (64 MiB each, byte-exact), 200
 * concurrent connections, UDP, IPv6 (rfc4193 and 6plane), ping, timeouts and non-blocking
 * calls, FIN after a large transfer to a slow reader, and stop/start with sockets open. */
#include "tests/support/vectors.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/node_stack.h"
#include "runtime/service.h"
#include "runtime/stack_lock.h"
#include "stack/env.h"
#include "tests/support/rtnet.h"
#include "tests/support/testnet.h"

#define JOIN_MS 30000
#define IO_MS 60000

enum { A = 0, B = 1 };
static rtnet net;
static ztk_nwid nwid;

static int setup(void **state)
{
  ztk_identity ids[3];
  for (int i = 0; i < 3; i++)
    tn_identity(i == 0 ? 5 : i - 1, &ids[i]);
  assert_int_equal(rtnet_start(&net, &ids[0]), 0);
  assert_int_equal(rtnet_add_member(&net, &ids[1]), A);
  assert_int_equal(rtnet_add_member(&net, &ids[2]), B);
  assert_int_equal(rtnet_network(&net, 0x5150, "{\"private\":true,\"v4AssignMode\":{\"zt\":true},"
                   "\"v6AssignMode\":{\"rfc4193\":true,\"6plane\":true},"
                   "\"ipAssignmentPools\":[{\"ipRangeStart\":\"10.44.0.10\",\"ipRangeEnd\":\"10.44.0.250\"}],"
                   "\"routes\":[{\"target\":\"10.44.0.0/24\"}]}", &nwid), 0);
  for (int i = A; i <= B; i++) {
    assert_int_equal(rtnet_join(&net, i, nwid, AF_INET, JOIN_MS, NULL), 0);
    assert_int_equal(ztk_netstack_wait_address(net.ns[i], nwid, AF_INET6, JOIN_MS, NULL), 0);
  }
  return 0;
}

static int teardown(void **state)
{
  rtnet_free(&net);
  return 0;
}

static struct sockaddr_storage addr_of(int i, int family, const char *prefix, uint16_t port)
{
  struct sockaddr_storage ss;
  assert_int_equal(rtnet_addr(&net, i, nwid, family, prefix, port, &ss), 0);
  return ss;
}

static socklen_t sslen(const struct sockaddr_storage *ss)
{
  return ss->ss_family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
}

static ztk_socket *listener(int i, int family, uint16_t port)
{
  ztk_socket *l;
  struct sockaddr_storage any = {0};
  any.ss_family = (sa_family_t)family;
  if (family == AF_INET)
    ((struct sockaddr_in *)&any)->sin_port = htons(port);
  else
    ((struct sockaddr_in6 *)&any)->sin6_port = htons(port);
  assert_int_equal(ztk_socket_open(&l, net.ns[i], family, ZTK_SOCK_STREAM), 0);
  assert_int_equal(ztk_socket_bind(l, (struct sockaddr *)&any, sslen(&any)), 0);
  assert_int_equal(ztk_socket_listen(l, 255), 0);
  return l;
}

static ztk_socket *connect_to(int i, const struct sockaddr_storage *to)
{
  ztk_socket *c;
  assert_int_equal(ztk_socket_open(&c, net.ns[i], to->ss_family, ZTK_SOCK_STREAM), 0);
  assert_int_equal(ztk_socket_connect(c, (const struct sockaddr *)to, sslen(to), IO_MS), 0);
  return c;
}

/* One echo round trip over a fresh connection from B to A at `to`. */
static void echo_once(const struct sockaddr_storage *to)
{
  int family = to->ss_family;
  uint16_t port = ntohs(family == AF_INET ? ((const struct sockaddr_in *)to)->sin_port
                                          : ((const struct sockaddr_in6 *)to)->sin6_port);
  ztk_socket *l = listener(A, family, port), *c = connect_to(B, to), *s;
  struct sockaddr_storage peer;
  char buf[32];
  assert_int_equal(ztk_socket_accept(l, &s, &peer, IO_MS), 0);
  assert_int_equal(peer.ss_family, family);
  assert_int_equal(ztk_socket_send(c, "ping over zt", 12, IO_MS), 12);
  assert_int_equal(ztk_socket_recv(s, buf, 12, ZTK_MSG_WAITALL, IO_MS), 12);
  assert_int_equal(ztk_socket_send(s, buf, 12, IO_MS), 12);
  memset(buf, 0, sizeof buf);
  assert_int_equal(ztk_socket_recv(c, buf, 12, ZTK_MSG_WAITALL, IO_MS), 12);
  assert_memory_equal(buf, "ping over zt", 12);
  assert_int_equal(ztk_socket_shutdown(c, ZTK_SHUT_WR), 0);
  assert_int_equal(ztk_socket_recv(s, buf, sizeof buf, 0, IO_MS), 0); /* FIN */
  ztk_socket_close(c);
  ztk_socket_close(s);
  ztk_socket_close(l);
}

static void test_tcp_echo_ipv4(void **state)
{
  struct sockaddr_storage to = addr_of(A, AF_INET, NULL, 7001);
  echo_once(&to);
}

static void test_tcp_echo_rfc4193(void **state)
{
  struct sockaddr_storage to = addr_of(A, AF_INET6, "fd", 7002);
  echo_once(&to);
}

static void test_tcp_echo_6plane(void **state)
{
  struct sockaddr_storage to = addr_of(A, AF_INET6, "fc", 7003);
  echo_once(&to);
}

/* ---- bulk transfer both ways ---- */

#define BULK_TOTAL (64u << 20)
#define BULK_CHUNK (64u << 10)

static void pattern(uint8_t *buf, uint64_t off, size_t len, uint64_t seed)
{
  for (size_t j = 0; j < len; j++) {
    uint64_t x = (off + j) * 0x9e3779b97f4a7c15ull + seed * 0xd1b54a32d192ed03ull;
    buf[j] = (uint8_t)(x >> 29);
  }
}

typedef struct bulk {
  ztk_socket *s;
  uint64_t seed, total;
  long result; /* sender: bytes sent; receiver: bytes matching, or a negative code */
  int pause_us; /* receiver: sleeps before each read (a slow reader) */
} bulk;

static void *bulk_send(void *arg)
{
  bulk *b = arg;
  uint8_t *buf = malloc(BULK_CHUNK);
  b->result = 0;
  for (uint64_t off = 0; off < b->total && b->result >= 0; off += BULK_CHUNK) {
    size_t n = b->total - off < BULK_CHUNK ? (size_t)(b->total - off) : BULK_CHUNK;
    pattern(buf, off, n, b->seed);
    long r = ztk_socket_send(b->s, buf, n, IO_MS);
    b->result = r == (long)n ? b->result + r : (r < 0 ? r : ZTK_EIO);
  }
  if (b->result >= 0)
    ztk_socket_shutdown(b->s, ZTK_SHUT_WR);
  free(buf);
  return NULL;
}

static void *bulk_recv(void *arg)
{
  bulk *b = arg;
  uint8_t *buf = malloc(BULK_CHUNK), *want = malloc(BULK_CHUNK);
  uint64_t off = 0;
  for (;;) {
    if (b->pause_us)
      usleep((useconds_t)b->pause_us);
    long r = ztk_socket_recv(b->s, buf, b->pause_us ? 32768 : BULK_CHUNK, 0, IO_MS);
    if (r <= 0) {
      b->result = r < 0 ? r : (long)off;
      break;
    }
    pattern(want, off, (size_t)r, b->seed);
    if (memcmp(buf, want, (size_t)r) != 0) {
      b->result = ZTK_EFORMAT;
      break;
    }
    off += (uint64_t)r;
  }
  free(buf);
  free(want);
  return NULL;
}

static void test_tcp_64mib_both_ways(void **state)
{
  struct sockaddr_storage to = addr_of(A, AF_INET, NULL, 7010);
  ztk_socket *l = listener(A, AF_INET, 7010), *c = connect_to(B, &to), *s;
  assert_int_equal(ztk_socket_accept(l, &s, NULL, IO_MS), 0);
  bulk jobs[4] = {{s, 1, BULK_TOTAL, 0, 0}, {c, 1, BULK_TOTAL, 0, 0}, {c, 2, BULK_TOTAL, 0, 0},
                  {s, 2, BULK_TOTAL, 0, 0}};
  pthread_t t[4];
  int64_t t0 = rtnet_ms();
  pthread_create(&t[0], NULL, bulk_send, &jobs[0]); /* A -> B */
  pthread_create(&t[1], NULL, bulk_recv, &jobs[1]);
  pthread_create(&t[2], NULL, bulk_send, &jobs[2]); /* B -> A */
  pthread_create(&t[3], NULL, bulk_recv, &jobs[3]);
  for (int i = 0; i < 4; i++)
    pthread_join(t[i], NULL);
  int64_t ms = rtnet_ms() - t0;
  for (int i = 0; i < 4; i++)
    assert_int_equal(jobs[i].result, BULK_TOTAL);
  fprintf(stderr, "64 MiB each way in %lld ms (%.1f MB/s total)\n", (long long)ms,
          2.0 * BULK_TOTAL / 1e3 / (double)(ms ? ms : 1));
  ztk_socket_close(c);
  ztk_socket_close(s);
  ztk_socket_close(l);
}

/* ---- 200 concurrent connections ---- */

#define CONNS 200

typedef struct many {
  ztk_socket *l;
  int echoed;
  int rc;
} many;

/* Server: accepts CONNS connections, then echoes whatever arrives on any of them (poll) until
 * every one has reached end of stream. */
static void *many_server(void *arg)
{
  many *m = arg;
  static ztk_pollitem items[CONNS];
  int open = 0;
  for (int i = 0; i < CONNS; i++) {
    if ((m->rc = ztk_socket_accept(m->l, &items[i].s, NULL, IO_MS)) != 0)
      return NULL;
    items[i].events = ZTK_SOCK_EV_IN;
    open++;
  }
  for (int rounds = 0; open > 0 && rounds < 100000; rounds++) {
    int n = ztk_socket_poll(items, CONNS, IO_MS);
    if (n <= 0) {
      m->rc = n < 0 ? n : ZTK_ETIMEDOUT;
      break;
    }
    for (int i = 0; i < CONNS; i++) {
      char buf[128];
      if (!items[i].s || !items[i].revents)
        continue;
      long r = ztk_socket_recv(items[i].s, buf, sizeof buf, 0, 0);
      if (r > 0 && ztk_socket_send(items[i].s, buf, (size_t)r, IO_MS) == r) {
        m->echoed++;
      } else if (r != ZTK_EAGAIN) {
        ztk_socket_close(items[i].s);
        items[i].s = NULL;
        open--;
      }
    }
  }
  return NULL;
}

static void test_200_connections(void **state)
{
  struct sockaddr_storage to = addr_of(A, AF_INET, NULL, 7020);
  static ztk_pollitem cli[CONNS];
  many m = {listener(A, AF_INET, 7020), 0, 0};
  pthread_t t;
  pthread_create(&t, NULL, many_server, &m);
  for (int i = 0; i < CONNS; i++) { /* all at once: non-blocking connects */
    assert_int_equal(ztk_socket_open(&cli[i].s, net.ns[B], AF_INET, ZTK_SOCK_STREAM), 0);
    assert_int_equal(ztk_socket_connect(cli[i].s, (struct sockaddr *)&to, sslen(&to), 0),
                     ZTK_ESOCK_INPROGRESS);
    cli[i].events = ZTK_SOCK_EV_OUT;
  }
  /* a connected socket stops being watched, so each poll waits for the next completion */
  int connected = 0;
  int64_t t0 = rtnet_ms();
  for (int rounds = 0; connected < CONNS && rounds < 10 * CONNS; rounds++) {
    assert_true(ztk_socket_poll(cli, CONNS, IO_MS) > 0);
    for (int i = 0; i < CONNS; i++) {
      assert_false(cli[i].revents & ZTK_SOCK_EV_ERR);
      if (cli[i].events && (cli[i].revents & ZTK_SOCK_EV_OUT)) {
        cli[i].events = 0;
        connected++;
      }
    }
  }
  assert_int_equal(connected, CONNS);
  fprintf(stderr, "%d connections established in %lld ms\n", CONNS, (long long)(rtnet_ms() - t0));
  assert_int_equal(ztk_socket_connect(cli[0].s, (struct sockaddr *)&to, sslen(&to), 0),
                   ZTK_ESOCK_ISCONN);
  for (int i = 0; i < CONNS; i++) {
    char msg[32];
    int len = snprintf(msg, sizeof msg, "connection %d", i);
    assert_int_equal(ztk_socket_send(cli[i].s, msg, (size_t)len, IO_MS), len);
  }
  for (int i = 0; i < CONNS; i++) {
    char msg[32], back[32];
    int len = snprintf(msg, sizeof msg, "connection %d", i);
    assert_int_equal(ztk_socket_recv(cli[i].s, back, (size_t)len, ZTK_MSG_WAITALL, IO_MS), len);
    assert_memory_equal(back, msg, (size_t)len);
  }
  assert_true(ztk_netstack_socket_count(net.ns[B]) >= CONNS);
  for (int i = 0; i < CONNS; i++)
    ztk_socket_close(cli[i].s);
  pthread_join(t, NULL);
  assert_int_equal(m.rc, 0);
  assert_int_equal(m.echoed, CONNS);
  ztk_socket_close(m.l);
  assert_int_equal(ztk_netstack_socket_count(net.ns[A]), 0);
  assert_int_equal(ztk_netstack_socket_count(net.ns[B]), 0);
}

/* ---- UDP ---- */

static void udp_exchange(int family, const char *prefix)
{
  struct sockaddr_storage to = addr_of(A, family, prefix, 9000), from, bound = {0};
  struct sockaddr_storage b_addr = addr_of(B, family, prefix, 0);
  ztk_socket *a, *b;
  static uint8_t out[8000], in[9000];
  bound.ss_family = (sa_family_t)family;
  if (family == AF_INET)
    ((struct sockaddr_in *)&bound)->sin_port = htons(9000);
  else
    ((struct sockaddr_in6 *)&bound)->sin6_port = htons(9000);
  assert_int_equal(ztk_socket_open(&a, net.ns[A], family, ZTK_SOCK_DGRAM), 0);
  assert_int_equal(ztk_socket_bind(a, (struct sockaddr *)&bound, sslen(&bound)), 0);
  assert_int_equal(ztk_socket_open(&b, net.ns[B], family, ZTK_SOCK_DGRAM), 0);
  /* nothing queued: a non-blocking read says so at once, a bounded one after its time */
  assert_int_equal(ztk_socket_recvfrom(a, in, sizeof in, 0, NULL, 0), ZTK_EAGAIN);
  int64_t t0 = rtnet_ms();
  assert_int_equal(ztk_socket_recvfrom(a, in, sizeof in, 0, NULL, 150), ZTK_EAGAIN);
  assert_true(rtnet_ms() - t0 >= 140);
  for (size_t size = 1; size <= sizeof out; size = size * 3 + 7) {
    for (size_t i = 0; i < size; i++)
      out[i] = (uint8_t)(i ^ size);
    long r = -1;
    for (int tries = 0; tries < 20 && r < 0; tries++) { /* the first may wait for ARP/NDP */
      assert_int_equal(ztk_socket_sendto(b, out, size, (struct sockaddr *)&to, sslen(&to)),
                       (long)size);
      r = ztk_socket_recvfrom(a, in, sizeof in, 0, &from, 500);
    }
    assert_int_equal(r, (long)size);
    assert_memory_equal(in, out, size);
    assert_int_equal(from.ss_family, family);
    if (family == AF_INET)
      assert_memory_equal(&((struct sockaddr_in *)&from)->sin_addr,
                          &((struct sockaddr_in *)&b_addr)->sin_addr, 4);
    else
      assert_memory_equal(&((struct sockaddr_in6 *)&from)->sin6_addr,
                          &((struct sockaddr_in6 *)&b_addr)->sin6_addr, 16);
    /* and back to where it came from */
    assert_int_equal(ztk_socket_sendto(a, in, (size_t)r, (struct sockaddr *)&from, sslen(&from)), r);
    assert_int_equal(ztk_socket_recvfrom(b, in, sizeof in, 0, NULL, IO_MS), r);
  }
  ztk_socket_close(a);
  ztk_socket_close(b);
}

static void test_udp_ipv4(void **state) { udp_exchange(AF_INET, NULL); }
static void test_udp_rfc4193(void **state) { udp_exchange(AF_INET6, "fd"); }
static void test_udp_6plane(void **state) { udp_exchange(AF_INET6, "fc"); }

/* ---- ping ---- */

static void ping(int family, const char *prefix)
{
  struct sockaddr_storage to = addr_of(A, family, prefix, 0);
  ztk_socket *p;
  ztk_ping_result res;
  assert_int_equal(ztk_socket_open(&p, net.ns[B], family, ZTK_SOCK_PING), 0);
  int got = 0;
  for (uint16_t seq = 1; seq <= 5; seq++) {
    assert_int_equal(ztk_socket_ping_send(p, (struct sockaddr *)&to, sslen(&to), seq, 56), 0);
    if (ztk_socket_ping_recv(p, &res, 2000) == 0) {
      got++;
      assert_int_equal(res.len, 56);
      assert_int_equal(res.from.ss_family, family);
      assert_true(res.rtt_ms >= 0 && res.rtt_ms < 2000);
    }
  }
  assert_true(got >= 4);
  ztk_socket_close(p);
}

static void test_ping_ipv4(void **state) { ping(AF_INET, NULL); }
static void test_ping_6plane(void **state) { ping(AF_INET6, "fc"); }

/* ---- timeouts, refusals, errors ---- */

static void test_timeouts_and_errors(void **state)
{
  struct sockaddr_storage to = addr_of(A, AF_INET, NULL, 7030);
  ztk_socket *l = listener(A, AF_INET, 7030), *c, *s;
  char buf[16];
  /* accept: non-blocking, then bounded */
  assert_int_equal(ztk_socket_accept(l, &s, NULL, 0), ZTK_EAGAIN);
  int64_t t0 = rtnet_ms();
  assert_int_equal(ztk_socket_accept(l, &s, NULL, 200), ZTK_ETIMEDOUT);
  int64_t waited = rtnet_ms() - t0;
  assert_true(waited >= 190 && waited < IO_MS / 4);
  /* connect returns as soon as the handshake is done (paths are warm by now) */
  assert_int_equal(ztk_socket_open(&c, net.ns[B], AF_INET, ZTK_SOCK_STREAM), 0);
  t0 = rtnet_ms();
  assert_int_equal(ztk_socket_connect(c, (struct sockaddr *)&to, sslen(&to), IO_MS), 0);
  int64_t took = rtnet_ms() - t0;
  assert_true(took < IO_MS / 4);
  assert_int_equal(ztk_socket_accept(l, &s, NULL, IO_MS), 0);
  assert_int_equal(ztk_socket_recv(s, buf, sizeof buf, 0, 0), ZTK_EAGAIN);
  assert_int_equal(ztk_socket_recv(s, buf, sizeof buf, 0, 100), ZTK_EAGAIN);
  assert_int_equal(ztk_socket_nread(s), 0);
  assert_int_equal(ztk_socket_send(c, "abc", 3, IO_MS), 3);
  assert_int_equal(ztk_socket_recv(s, buf, 1, ZTK_MSG_PEEK, IO_MS), 1);
  for (int i = 0; i < 100 && ztk_socket_nread(s) < 3; i++)
    usleep(10000);
  assert_int_equal(ztk_socket_nread(s), 3);
  assert_true(ztk_socket_events(s) & ZTK_SOCK_EV_IN);
  /* options */
  int v = -1;
  assert_int_equal(ztk_socket_setopt(c, ZTK_TCP_NODELAY, 1), 0);
  assert_int_equal(ztk_socket_getopt(c, ZTK_TCP_NODELAY, &v), 0);
  assert_int_equal(v, 1);
  assert_int_equal(ztk_socket_getopt(c, ZTK_SO_TYPE, &v), 0);
  assert_int_equal(v, ZTK_SOCK_STREAM);
  assert_int_equal(ztk_socket_setopt(c, ZTK_SO_RCVQLEN, 5), ZTK_ESOCK_NOPROTOOPT);
  /* names */
  struct sockaddr_storage name, peer;
  assert_int_equal(ztk_socket_name(s, &name), 0);
  assert_int_equal(ztk_socket_peer(c, &peer), 0);
  assert_memory_equal(&((struct sockaddr_in *)&name)->sin_addr,
                      &((struct sockaddr_in *)&peer)->sin_addr, 4);
  assert_int_equal(((struct sockaddr_in *)&peer)->sin_port, htons(7030));
  /* refused: nobody listens on 7031 */
  struct sockaddr_storage closed_port = addr_of(A, AF_INET, NULL, 7031);
  ztk_socket *r;
  assert_int_equal(ztk_socket_open(&r, net.ns[B], AF_INET, ZTK_SOCK_STREAM), 0);
  t0 = rtnet_ms();
  assert_int_equal(ztk_socket_connect(r, (struct sockaddr *)&closed_port, sslen(&closed_port), IO_MS),
                   ZTK_ESOCK_REFUSED);
  assert_true(rtnet_ms() - t0 < IO_MS / 4);
  /* wrong family, bad arguments */
  assert_int_equal(ztk_socket_connect(r, (struct sockaddr *)&closed_port, 4, IO_MS), ZTK_EINVAL);
  ztk_socket *v6;
  assert_int_equal(ztk_socket_open(&v6, net.ns[B], AF_INET6, ZTK_SOCK_STREAM), 0);
  assert_int_equal(ztk_socket_connect(v6, (struct sockaddr *)&to, sslen(&to), IO_MS),
                   ZTK_ESOCK_AFNOSUPPORT);
  ztk_socket *none;
  assert_int_equal(ztk_socket_open(&none, net.ns[B], AF_UNIX, ZTK_SOCK_STREAM), ZTK_ESOCK_AFNOSUPPORT);
  assert_int_equal(ztk_socket_open(&none, NULL, AF_INET, ZTK_SOCK_STREAM), ZTK_EINVAL);
  assert_int_equal(ztk_socket_errno(ZTK_ESOCK_REFUSED), ECONNREFUSED);
  assert_int_equal(ztk_socket_errno(ZTK_ENODE_STOPPED), ENETDOWN);
  /* unreachable: no network of B covers 10.99.0.1 */
  struct sockaddr_in far = {.sin_family = AF_INET, .sin_port = htons(80)};
  inet_pton(AF_INET, "10.99.0.1", &far.sin_addr);
  ztk_socket *u;
  assert_int_equal(ztk_socket_open(&u, net.ns[B], AF_INET, ZTK_SOCK_STREAM), 0);
  assert_int_equal(ztk_socket_connect(u, (struct sockaddr *)&far, sizeof far, IO_MS),
                   ZTK_ESOCK_NETUNREACH);
  for (ztk_socket **p = (ztk_socket *[]){c, s, l, r, u, v6, NULL}; *p; p++)
    assert_int_equal(ztk_socket_close(*p), 0);
  assert_int_equal(ztk_socket_close(NULL), ZTK_EINVAL);
}

/* A thread blocked in recv wakes when another thread closes the socket. */
static void *blocked_recv(void *arg)
{
  char buf[8];
  long *r = arg;
  *r = ztk_socket_recv(*(ztk_socket **)(r + 1), buf, sizeof buf, 0, IO_MS);
  return NULL;
}

static void test_close_wakes_blocked_reader(void **state)
{
  struct sockaddr_storage to = addr_of(A, AF_INET, NULL, 7040);
  ztk_socket *l = listener(A, AF_INET, 7040), *c = connect_to(B, &to), *s;
  assert_int_equal(ztk_socket_accept(l, &s, NULL, IO_MS), 0);
  long arg[2] = {1};
  memcpy(&arg[1], &c, sizeof c);
  pthread_t t;
  pthread_create(&t, NULL, blocked_recv, arg);
  usleep(100000);
  int64_t t0 = rtnet_ms();
  ztk_socket_close(c);
  pthread_join(t, NULL);
  assert_true(rtnet_ms() - t0 < IO_MS / 4);
  assert_int_equal(arg[0], ZTK_ESOCK_ABORTED);
  ztk_socket_close(s);
  ztk_socket_close(l);
}

/* ---- FIN after a large transfer to a slow reader ---- */

#define FIN_TOTAL (8u << 20)

static void test_fin_after_bulk_to_slow_reader(void **state)
{
  struct sockaddr_storage to = addr_of(A, AF_INET6, "fd", 7050);
  ztk_socket *l = listener(A, AF_INET6, 7050), *c = connect_to(B, &to), *s;
  assert_int_equal(ztk_socket_accept(l, &s, NULL, IO_MS), 0);
  bulk rd = {s, 7, FIN_TOTAL, 0, 1000};
  pthread_t t;
  pthread_create(&t, NULL, bulk_recv, &rd);
  uint8_t *buf = malloc(FIN_TOTAL);
  pattern(buf, 0, FIN_TOTAL, 7);
  assert_int_equal(ztk_socket_send(c, buf, FIN_TOTAL, IO_MS), FIN_TOTAL);
  free(buf);
  ztk_socket_close(c); /* at once: the queued megabytes and then the FIN must all arrive */
  pthread_join(t, NULL);
  assert_int_equal(rd.result, FIN_TOTAL);
  ztk_socket_close(s);
  ztk_socket_close(l);
}

/* ---- many streams with large windows: nothing dropped for lack of a queue slot ---- */

#define STREAMS 24
#define STREAM_TOTAL (2u << 20)

typedef struct stream_end {
  ztk_socket *s;
  uint64_t out_seed, in_seed, sent, got;
  bool shut, eof, bad;
} stream_end;

/* Sends what fits now; shuts the sending side once everything is queued. */
static void stream_send(stream_end *e, uint8_t *buf)
{
  while (e->sent < STREAM_TOTAL) {
    size_t n = STREAM_TOTAL - e->sent < BULK_CHUNK ? (size_t)(STREAM_TOTAL - e->sent) : BULK_CHUNK;
    pattern(buf, e->sent, n, e->out_seed);
    long r = ztk_socket_send(e->s, buf, n, 0);
    if (r <= 0)
      return;
    e->sent += (uint64_t)r;
  }
  if (!e->shut)
    e->shut = ztk_socket_shutdown(e->s, ZTK_SHUT_WR) == 0;
}

static void stream_recv(stream_end *e, uint8_t *buf, uint8_t *want)
{
  for (;;) {
    long r = ztk_socket_recv(e->s, buf, BULK_CHUNK, 0, 0);
    if (r == 0)
      e->eof = true;
    if (r <= 0) {
      e->bad |= r < 0 && r != ZTK_EAGAIN;
      return;
    }
    pattern(want, e->got, (size_t)r, e->in_seed);
    e->bad |= memcmp(buf, want, (size_t)r) != 0;
    e->got += (uint64_t)r;
  }
}

/* One thread drives both ends of every stream without blocking: each end sends STREAM_TOTAL
 * bytes and its FIN while reading the other's. Returns the ends that finished. */
static int drive_streams(stream_end *ends, int n)
{
  static ztk_pollitem items[2 * STREAMS];
  uint8_t *buf = malloc(BULK_CHUNK), *want = malloc(BULK_CHUNK);
  int finished = 0;
  for (int round = 0; finished < n && round < 100000; round++) {
    finished = 0;
    for (int i = 0; i < n; i++) {
      items[i] = (ztk_pollitem){ends[i].s, (ends[i].eof ? 0 : ZTK_SOCK_EV_IN) |
                                             (ends[i].shut ? 0 : ZTK_SOCK_EV_OUT), 0};
      finished += ends[i].eof && ends[i].shut;
    }
    if (finished == n || ztk_socket_poll(items, n, IO_MS) <= 0)
      break;
    for (int i = 0; i < n; i++) {
      if (items[i].revents & (ZTK_SOCK_EV_OUT | ZTK_SOCK_EV_ERR))
        stream_send(&ends[i], buf);
      if (items[i].revents & (ZTK_SOCK_EV_IN | ZTK_SOCK_EV_RDHUP | ZTK_SOCK_EV_HUP | ZTK_SOCK_EV_ERR))
        stream_recv(&ends[i], buf, want);
    }
  }
  free(buf);
  free(want);
  return finished;
}

static void test_many_streams_nothing_dropped(void **state)
{
  struct sockaddr_storage to = addr_of(A, AF_INET6, "fc", 7070);
  ztk_socket *l = listener(A, AF_INET6, 7070);
  static stream_end ends[2 * STREAMS];
  for (int i = 0; i < STREAMS; i++) { /* ends[2i] at B (client), ends[2i+1] at A */
    ends[2 * i] = (stream_end){.s = connect_to(B, &to), .out_seed = 100 + (uint64_t)i,
                               .in_seed = 200 + (uint64_t)i};
    ends[2 * i + 1] = (stream_end){.out_seed = 200 + (uint64_t)i, .in_seed = 100 + (uint64_t)i};
    assert_int_equal(ztk_socket_accept(l, &ends[2 * i + 1].s, NULL, IO_MS), 0);
  }
  /* each connection was accepted before the next was made: ends[2i] and ends[2i+1] pair up */
  assert_int_equal(drive_streams(ends, 2 * STREAMS), 2 * STREAMS);
  for (int i = 0; i < 2 * STREAMS; i++) {
    assert_false(ends[i].bad);
    assert_true(ends[i].eof && ends[i].shut);
    assert_int_equal(ends[i].sent, STREAM_TOTAL);
    assert_int_equal(ends[i].got, STREAM_TOTAL);
    assert_int_equal(ztk_socket_close(ends[i].s), 0);
  }
  ztk_socket_close(l);
  ztk_stack_usage u;
  ztk_rt_stack_lock();
  ztk_stack_usage_get(&u);
  ztk_rt_stack_unlock();
  for (int i = 0; i < u.pools; i++)
    if (u.pool_err[i] != 0)
      fail_msg("lwIP pool %s ran out %u times", u.pool_name[i], u.pool_err[i]);
  assert_int_equal(u.heap_err, 0);
  assert_int_equal(u.rx_checksum_errors, 0);
  for (int i = A; i <= B; i++) {
    ztk_node_stack_counters ctr;
    ztk_service_stats st;
    ztk_node_stack_counters_get(net.m[i], &ctr);
    ztk_service_stats_get(net.m[i], &st);
    assert_int_equal(ctr.queue_drops, 0);
    assert_int_equal(st.send_errors, 0);
  }
}

/* ---- stop / start with sockets open ---- */

static void stop_with_open_connection(void)
{
  struct sockaddr_storage to = addr_of(A, AF_INET, NULL, 7060);
  ztk_socket *l = listener(A, AF_INET, 7060), *c = connect_to(B, &to), *s;
  assert_int_equal(ztk_socket_accept(l, &s, NULL, IO_MS), 0);
  long arg[2] = {1};
  memcpy(&arg[1], &s, sizeof s);
  pthread_t t;
  pthread_create(&t, NULL, blocked_recv, arg); /* A's side blocks in recv */
  usleep(100000);
  int64_t t0 = rtnet_ms();
  assert_int_equal(ztk_service_stop(net.m[A]), 0);
  pthread_join(t, NULL);
  assert_true(rtnet_ms() - t0 < IO_MS / 4);
  assert_int_equal(arg[0], ZTK_ENODE_STOPPED);
  /* every call on A's sockets now says so; new sockets cannot be opened */
  char buf[4];
  assert_int_equal(ztk_socket_send(s, "x", 1, IO_MS), ZTK_ENODE_STOPPED);
  ztk_socket *n;
  assert_int_equal(ztk_socket_accept(l, &n, NULL, 0), ZTK_ENODE_STOPPED);
  assert_int_equal(ztk_socket_events(s), ZTK_SOCK_EV_ERR | ZTK_SOCK_EV_HUP);
  assert_int_equal(ztk_socket_open(&n, net.ns[A], AF_INET, ZTK_SOCK_STREAM), ZTK_ENODE_STOPPED);
  assert_int_equal(ztk_netstack_wait_address(net.ns[A], nwid, AF_INET, 0, NULL), ZTK_ENODE_STOPPED);
  /* B's end was reset by A's stack on its way down */
  assert_int_equal(ztk_socket_recv(c, buf, sizeof buf, 0, 10000), ZTK_ESOCK_RESET);
  assert_int_equal(ztk_socket_close(s), 0);
  assert_int_equal(ztk_socket_close(l), 0);
  assert_int_equal(ztk_socket_close(c), 0);
  /* start again: the network is rejoined from the stored state, sockets work again */
  assert_int_equal(ztk_service_start(net.m[A]), 0);
  assert_int_equal(ztk_netstack_wait_address(net.ns[A], nwid, AF_INET, JOIN_MS, NULL), 0);
  assert_int_equal(ztk_netstack_wait_address(net.ns[A], nwid, AF_INET6, JOIN_MS, NULL), 0);
  struct sockaddr_storage again = addr_of(A, AF_INET, NULL, 7061);
  echo_once(&again);
}

static void test_stop_start_twice_with_sockets(void **state)
{
  stop_with_open_connection();
  stop_with_open_connection();
  ztk_node_stack_counters ctr;
  ztk_node_stack_counters_get(net.m[A], &ctr);
  assert_true(ctr.frames_to_node > 0 && ctr.frames_from_node > 0 && ctr.ticks > 0);
  assert_int_equal(ctr.queue_drops, 0);
  assert_int_equal(ctr.lost_subscriptions, 0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_tcp_echo_ipv4),
    cmocka_unit_test(test_tcp_echo_rfc4193),
    cmocka_unit_test(test_tcp_echo_6plane),
    cmocka_unit_test(test_tcp_64mib_both_ways),
    cmocka_unit_test(test_200_connections),
    cmocka_unit_test(test_udp_ipv4),
    cmocka_unit_test(test_udp_rfc4193),
    cmocka_unit_test(test_udp_6plane),
    cmocka_unit_test(test_ping_ipv4),
    cmocka_unit_test(test_ping_6plane),
    cmocka_unit_test(test_timeouts_and_errors),
    cmocka_unit_test(test_close_wakes_blocked_reader),
    cmocka_unit_test(test_fin_after_bulk_to_slow_reader),
    cmocka_unit_test(test_many_streams_nothing_dropped),
    cmocka_unit_test(test_stop_start_twice_with_sockets),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
