/* The real-UDP transport over loopback only (127.0.0.1 and ::1). */
#include "tests/support/vectors.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "transport/udp.h"
#include "ztkit/error.h"

#define BIG 10024

static struct sockaddr_storage addr4(const char *ip, uint16_t port)
{
  struct sockaddr_storage ss = {0};
  struct sockaddr_in *a = (struct sockaddr_in *)&ss;
  a->sin_family = AF_INET;
  a->sin_port = htons(port);
  assert_int_equal(inet_pton(AF_INET, ip, &a->sin_addr), 1);
  return ss;
}

static struct sockaddr_storage addr6(const char *ip, uint16_t port)
{
  struct sockaddr_storage ss = {0};
  struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
  a->sin6_family = AF_INET6;
  a->sin6_port = htons(port);
  assert_int_equal(inet_pton(AF_INET6, ip, &a->sin6_addr), 1);
  return ss;
}

static uint16_t port_of(const struct sockaddr_storage *ss)
{
  return ntohs(ss->ss_family == AF_INET ? ((const struct sockaddr_in *)ss)->sin_port
                                        : ((const struct sockaddr_in6 *)ss)->sin6_port);
}

static socklen_t len_of(const struct sockaddr_storage *ss)
{
  return ss->ss_family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
}

/* Binds t to ip:0 and returns the socket id; *bound receives the real address. */
static int bind_any_port(ztk_transport *t, const struct sockaddr_storage *ss,
                         struct sockaddr_storage *bound)
{
  int s = ztk_transport_bind(t, (const struct sockaddr *)ss, len_of(ss));
  assert_true(s >= 0);
  assert_int_equal(ztk_transport_local_addr(t, s, bound), 0);
  assert_int_not_equal(port_of(bound), 0);
  return s;
}

static int wait_fd(int fd, int ms)
{
  struct pollfd p = {.fd = fd, .events = POLLIN};
  return poll(&p, 1, ms) == 1 && (p.revents & POLLIN);
}

/* Receives until `want` datagrams are in out (each buffer cap bytes) or 2 s pass without
 * progress. Returns the count received. */
static int recv_all(ztk_transport *t, ztk_datagram *out, int want)
{
  int got = 0;
  for (int idle = 0; got < want && idle < 20;) {
    int r = ztk_transport_recv(t, out + got, want - got);
    assert_true(r >= 0);
    got += r;
    if (r == 0 && !wait_fd(ztk_transport_fd(t), 100))
      idle++;
  }
  return got;
}

/* Allocates n datagram slots of cap bytes each. */
static ztk_datagram *slots(int n, size_t cap)
{
  ztk_datagram *d = calloc((size_t)n, sizeof *d);
  assert_non_null(d);
  for (int i = 0; i < n; i++) {
    d[i].data = malloc(cap);
    assert_non_null(d[i].data);
    d[i].cap = cap;
  }
  return d;
}

static void slots_free(ztk_datagram *d, int n)
{
  for (int i = 0; i < n; i++)
    free(d[i].data);
  free(d);
}

/* One datagram each way between two transports on `ip`; checks data, sender and socket. */
static void ping_pong(const struct sockaddr_storage *ip)
{
  ztk_transport *a, *b;
  struct sockaddr_storage la, lb;
  assert_int_equal(ztk_udp_transport_new(&a), 0);
  assert_int_equal(ztk_udp_transport_new(&b), 0);
  assert_string_equal(a->kind, "udp");
  int sa = bind_any_port(a, ip, &la);
  int sb = bind_any_port(b, ip, &lb);
  assert_int_equal(ztk_transport_send(a, sa, (struct sockaddr *)&lb, len_of(&lb), "ping", 4, 0),
                   0);
  ztk_datagram *d = slots(4, 64);
  assert_int_equal(recv_all(b, d, 1), 1);
  assert_int_equal(d[0].len, 4);
  assert_memory_equal(d[0].data, "ping", 4);
  assert_int_equal(d[0].sock, sb);
  assert_memory_equal(&d[0].from, &la, len_of(&la));
  assert_int_equal(ztk_transport_send(b, -1, (struct sockaddr *)&d[0].from, len_of(&la),
                                      "pong", 4, 0),
                   0);
  assert_int_equal(recv_all(a, d, 1), 1);
  assert_memory_equal(d[0].data, "pong", 4);
  assert_memory_equal(&d[0].from, &lb, len_of(&lb));
  assert_int_equal(ztk_transport_recv(a, d, 4), 0); /* nothing more */
  ztk_udp_stats st;
  assert_int_equal(ztk_udp_transport_stats(a, &st), 0);
  assert_int_equal(st.sent, 1);
  assert_int_equal(st.received, 1);
  assert_int_equal(ztk_transport_flush(a), 0); /* nothing queued: a no-op */
  slots_free(d, 4);
  ztk_transport_close(a);
  ztk_transport_close(b);
}

static void test_ipv4(void **state)
{
  struct sockaddr_storage ip = addr4("127.0.0.1", 0);
  ping_pong(&ip);
}

static void test_ipv6(void **state)
{
  struct sockaddr_storage ip = addr6("::1", 0);
  ping_pong(&ip);
}

static void test_local_addr(void **state)
{
  ztk_transport *t;
  struct sockaddr_storage v4 = addr4("127.0.0.1", 0), v6 = addr6("::1", 0), got;
  assert_int_equal(ztk_udp_transport_new(&t), 0);
  assert_int_equal(bind_any_port(t, &v4, &got), 0);
  assert_int_equal(got.ss_family, AF_INET);
  assert_int_equal(((struct sockaddr_in *)&got)->sin_addr.s_addr, htonl(INADDR_LOOPBACK));
  assert_int_equal(bind_any_port(t, &v6, &got), 1);
  assert_int_equal(got.ss_family, AF_INET6);
  assert_memory_equal(&((struct sockaddr_in6 *)&got)->sin6_addr, &in6addr_loopback, 16);
  assert_int_equal(ztk_transport_local_addr(t, 2, &got), ZTK_EINVAL);
  assert_int_equal(ztk_transport_local_addr(t, -1, &got), ZTK_EINVAL);
  assert_int_equal(ztk_transport_local_addr(t, 0, NULL), ZTK_EINVAL);
  ztk_transport_close(t);
}

/* 0.0.0.0:p and [::]:p together (IPv6 sockets are v6-only); a second bind of either is
 * "in use". */
static void test_port_in_use(void **state)
{
  ztk_transport *a, *b;
  struct sockaddr_storage any4 = addr4("0.0.0.0", 0), got;
  assert_int_equal(ztk_udp_transport_new(&a), 0);
  assert_int_equal(ztk_udp_transport_new(&b), 0);
  bind_any_port(a, &any4, &got);
  uint16_t port = port_of(&got);
  struct sockaddr_storage any6 = addr6("::", port), lo4 = addr4("127.0.0.1", port);
  assert_int_equal(ztk_transport_bind(a, (struct sockaddr *)&any6, len_of(&any6)), 1);
  assert_int_equal(ztk_transport_bind(b, (struct sockaddr *)&lo4, len_of(&lo4)), ZTK_EEXIST);
  assert_int_equal(ztk_transport_bind(b, (struct sockaddr *)&any6, len_of(&any6)), ZTK_EEXIST);
  ztk_udp_stats st;
  assert_int_equal(ztk_udp_transport_stats(b, &st), 0);
  assert_int_not_equal(st.last_errno, 0);
  /* b holds no socket after the failures: its first successful bind is id 0 */
  struct sockaddr_storage lo = addr4("127.0.0.1", 0);
  assert_int_equal(bind_any_port(b, &lo, &got), 0);
  /* an address this host does not have */
  struct sockaddr_storage foreign = addr4("192.0.2.1", 0);
  assert_int_equal(ztk_transport_bind(b, (struct sockaddr *)&foreign, len_of(&foreign)),
                   ZTK_ENOTFOUND);
  ztk_transport_close(a);
  ztk_transport_close(b);
}

static void test_bad_bind(void **state)
{
  ztk_transport *t;
  ztk_udp_options bad = {.send_queue = ZTK_UDP_BATCH_MAX + 1};
  assert_int_equal(ztk_udp_transport_new(NULL), ZTK_EINVAL);
  assert_int_equal(ztk_udp_transport_new_opts(&bad, &t), ZTK_EINVAL);
  bad = (ztk_udp_options){.recv_batch = -1};
  assert_int_equal(ztk_udp_transport_new_opts(&bad, &t), ZTK_EINVAL);
  assert_int_equal(ztk_udp_transport_new(&t), 0);
  struct sockaddr_storage lo = addr4("127.0.0.1", 0);
  struct sockaddr_storage unix_addr = {.ss_family = AF_UNIX};
  assert_int_equal(ztk_transport_bind(t, NULL, 16), ZTK_EINVAL);
  assert_int_equal(ztk_transport_bind(t, (struct sockaddr *)&lo, 4), ZTK_EINVAL);
  assert_int_equal(ztk_transport_bind(t, (struct sockaddr *)&unix_addr, sizeof unix_addr),
                   ZTK_EINVAL);
  for (int i = 0; i < ZTK_TRANSPORT_MAX_SOCKETS; i++)
    assert_int_equal(ztk_transport_bind(t, (struct sockaddr *)&lo, len_of(&lo)), i);
  assert_int_equal(ztk_transport_bind(t, (struct sockaddr *)&lo, len_of(&lo)), ZTK_ELIMIT);
  ztk_udp_stats st;
  assert_int_equal(ztk_udp_transport_stats(NULL, &st), ZTK_EINVAL);
  assert_int_equal(ztk_udp_transport_stats(t, NULL), ZTK_EINVAL);
  assert_int_equal(ztk_udp_transport_stats(t, &st), 0);
  assert_true(st.rcvbuf > 0 && st.sndbuf > 0);
  ztk_transport_close(t);
  ztk_transport_close(NULL);
}

static void test_bad_send_recv(void **state)
{
  ztk_transport *t;
  assert_int_equal(ztk_udp_transport_new(&t), 0);
  struct sockaddr_storage lo = addr4("127.0.0.1", 0), got, v6 = addr6("::1", 9);
  bind_any_port(t, &lo, &got);
  const struct sockaddr *to = (struct sockaddr *)&got;
  socklen_t tl = len_of(&got);
  static uint8_t huge[ZTK_TRANSPORT_MAX_DATAGRAM + 1];
  assert_int_equal(ztk_transport_send(t, 0, NULL, tl, "x", 1, 0), ZTK_EINVAL);
  assert_int_equal(ztk_transport_send(t, 0, to, 3, "x", 1, 0), ZTK_EINVAL);
  assert_int_equal(ztk_transport_send(t, 0, to, tl, NULL, 1, 0), ZTK_EINVAL);
  assert_int_equal(ztk_transport_send(t, 0, to, tl, "x", 1, -1), ZTK_EINVAL);
  assert_int_equal(ztk_transport_send(t, 0, to, tl, "x", 1, 256), ZTK_EINVAL);
  assert_int_equal(ztk_transport_send(t, 1, to, tl, "x", 1, 0), ZTK_EINVAL);
  assert_int_equal(ztk_transport_send(t, -2, to, tl, "x", 1, 0), ZTK_EINVAL);
  assert_int_equal(ztk_transport_send(t, 0, to, tl, huge, sizeof huge, 0), ZTK_ERANGE);
  /* IPv4 carries 20 bytes less than the limit checked up front: the kernel refuses it */
  assert_int_equal(ztk_transport_send(t, 0, to, tl, huge, sizeof huge - 1, 0), ZTK_ERANGE);
  /* a v6 destination: socket 0 is IPv4, and no IPv6 socket is bound */
  assert_int_equal(ztk_transport_send(t, 0, (struct sockaddr *)&v6, len_of(&v6), "x", 1, 0),
                   ZTK_EINVAL);
  assert_int_equal(ztk_transport_send(t, -1, (struct sockaddr *)&v6, len_of(&v6), "x", 1, 0),
                   ZTK_ENOTFOUND);
  ztk_datagram d[1] = {{0}};
  assert_int_equal(ztk_transport_recv(t, d, -1), ZTK_EINVAL);
  assert_int_equal(ztk_transport_recv(t, NULL, 1), ZTK_EINVAL);
  assert_int_equal(ztk_transport_recv(t, d, 0), 0);
  /* an empty datagram into an empty buffer */
  assert_int_equal(ztk_transport_send(t, 0, to, tl, NULL, 0, 0), 0);
  assert_int_equal(recv_all(t, d, 1), 1);
  assert_int_equal(d[0].len, 0);
  ztk_transport_close(t);
}

/* 1000+ datagrams queued, flushed with sendmmsg and drained with recvmmsg, in order. When the
 * kernel caps the receive buffer below what the burst needs, the flushes come in chunks. */
static void test_batch(void **state)
{
  enum { N = 1200 };
  ztk_transport *tx, *rx;
  ztk_udp_options o = {.send_queue = ZTK_UDP_BATCH_MAX, .recv_batch = 256};
  assert_int_equal(ztk_udp_transport_new_opts(&o, &tx), 0);
  assert_int_equal(ztk_udp_transport_new_opts(&o, &rx), 0);
  struct sockaddr_storage lo = addr4("127.0.0.1", 0), la, lb;
  bind_any_port(tx, &lo, &la);
  bind_any_port(rx, &lo, &lb);
  ztk_udp_stats st;
  assert_int_equal(ztk_udp_transport_stats(rx, &st), 0);
  int chunk = st.rcvbuf >= (4 << 20) ? ZTK_UDP_BATCH_MAX : 128;
  ztk_datagram *d = slots(N, 64);
  int got = 0;
  for (int i = 0; i < N; i++) {
    uint8_t msg[64];
    memset(msg, (uint8_t)i, sizeof msg);
    memcpy(msg, &i, sizeof i);
    assert_int_equal(ztk_transport_send(tx, 0, (struct sockaddr *)&lb, len_of(&lb), msg, 64, 0),
                     0);
    if ((i + 1) % chunk == 0 || i == N - 1) {
      assert_int_equal(ztk_udp_transport_stats(tx, &st), 0);
      assert_int_equal(st.queued, i % chunk + 1);
      assert_int_equal(ztk_transport_flush(tx), 0);
      got += recv_all(rx, d + got, i + 1 - got);
    }
  }
  assert_int_equal(got, N);
  for (int i = 0; i < N; i++) {
    int v;
    memcpy(&v, d[i].data, sizeof v);
    assert_int_equal(v, i);
    assert_int_equal(d[i].len, 64);
  }
  assert_int_equal(ztk_udp_transport_stats(tx, &st), 0);
  assert_int_equal(st.sent, N);
  assert_int_equal(st.queued, 0);
  assert_int_equal(ztk_udp_transport_stats(rx, &st), 0);
  assert_int_equal(st.received, N);
  slots_free(d, N);
  ztk_transport_close(tx);
  ztk_transport_close(rx);
}

/* A full queue flushes itself; a datagram too large for a queue slot flushes the queue first,
 * so order holds; close hands over what is still queued. */
static void test_queue_order(void **state)
{
  ztk_transport *tx, *rx;
  ztk_udp_options o = {.send_queue = 4};
  assert_int_equal(ztk_udp_transport_new_opts(&o, &tx), 0);
  assert_int_equal(ztk_udp_transport_new(&rx), 0);
  struct sockaddr_storage lo = addr6("::1", 0), la, lb;
  bind_any_port(tx, &lo, &la);
  bind_any_port(rx, &lo, &lb);
  static uint8_t big[3000];
  for (int i = 0; i < 10; i++) {
    big[0] = (uint8_t)i;
    size_t len = i == 6 ? sizeof big : 1; /* #6 bypasses the queue */
    assert_int_equal(ztk_transport_send(tx, -1, (struct sockaddr *)&lb, len_of(&lb), big, len, 0),
                     0);
  }
  ztk_udp_stats st;
  assert_int_equal(ztk_udp_transport_stats(tx, &st), 0);
  assert_int_equal(st.sent, 7); /* 0..3 by the full queue, 4..5 before #6, #6 itself */
  assert_int_equal(st.queued, 3);
  ztk_transport_close(tx); /* flushes 7..9 */
  ztk_datagram *d = slots(10, sizeof big);
  assert_int_equal(recv_all(rx, d, 10), 10);
  for (int i = 0; i < 10; i++) {
    assert_int_equal(d[i].data[0], i);
    assert_int_equal(d[i].len, i == 6 ? sizeof big : 1);
  }
  slots_free(d, 10);
  ztk_transport_close(rx);
}

/* Sizes around the queue slot and up to 10024 bytes, queued and unqueued, both families. */
static void large_on(const struct sockaddr_storage *ip, int queue)
{
  static const size_t sizes[] = {1, 1400, ZTK_UDP_SLOT_BYTES, ZTK_UDP_SLOT_BYTES + 1, 8000, BIG};
  enum { NS = sizeof sizes / sizeof sizes[0] };
  ztk_transport *tx, *rx;
  ztk_udp_options o = {.send_queue = queue};
  assert_int_equal(ztk_udp_transport_new_opts(&o, &tx), 0);
  assert_int_equal(ztk_udp_transport_new(&rx), 0);
  struct sockaddr_storage la, lb;
  bind_any_port(tx, ip, &la);
  bind_any_port(rx, ip, &lb);
  static uint8_t msg[BIG];
  for (size_t i = 0; i < sizeof msg; i++)
    msg[i] = (uint8_t)(i * 7 + 3);
  for (int i = 0; i < NS; i++)
    assert_int_equal(
        ztk_transport_send(tx, 0, (struct sockaddr *)&lb, len_of(&lb), msg, sizes[i], 0), 0);
  assert_int_equal(ztk_transport_flush(tx), 0);
  ztk_datagram *d = slots(NS, BIG);
  assert_int_equal(recv_all(rx, d, NS), NS);
  for (int i = 0; i < NS; i++) {
    assert_int_equal(d[i].len, sizes[i]);
    assert_memory_equal(d[i].data, msg, sizes[i]);
  }
  slots_free(d, NS);
  ztk_transport_close(tx);
  ztk_transport_close(rx);
}

static void test_large(void **state)
{
  struct sockaddr_storage v4 = addr4("127.0.0.1", 0), v6 = addr6("::1", 0);
  large_on(&v4, 0);
  large_on(&v4, 16);
  large_on(&v6, 0);
  large_on(&v6, 16);
}

/* A datagram larger than its buffer is dropped; the next one moves to the front. */
static void test_truncated(void **state)
{
  ztk_transport *t;
  assert_int_equal(ztk_udp_transport_new(&t), 0);
  struct sockaddr_storage lo = addr4("127.0.0.1", 0), got;
  bind_any_port(t, &lo, &got);
  static uint8_t msg[1400];
  assert_int_equal(ztk_transport_send(t, 0, (struct sockaddr *)&got, len_of(&got), msg, 1400, 0),
                   0);
  assert_int_equal(ztk_transport_send(t, 0, (struct sockaddr *)&got, len_of(&got), "ok", 2, 0),
                   0);
  uint8_t small[100], large[2000];
  ztk_datagram d[2] = {{.data = small, .cap = sizeof small}, {.data = large, .cap = sizeof large}};
  assert_true(wait_fd(ztk_transport_fd(t), 2000));
  assert_int_equal(ztk_transport_recv(t, d, 2), 1);
  assert_ptr_equal(d[0].data, large);
  assert_int_equal(d[0].cap, sizeof large);
  assert_ptr_equal(d[1].data, small);
  assert_int_equal(d[0].len, 2);
  assert_memory_equal(d[0].data, "ok", 2);
  ztk_udp_stats st;
  assert_int_equal(ztk_udp_transport_stats(t, &st), 0);
  assert_int_equal(st.truncated, 1);
  assert_int_equal(st.received, 1);
  ztk_transport_close(t);
}

/* Sends with ttl to a plain socket that reports each datagram's TTL / hop limit. */
static void ttl_on(int family, int queue)
{
  int v6 = family == AF_INET6, on = 1;
  int fd = socket(family, SOCK_DGRAM, 0);
  assert_true(fd >= 0);
  struct sockaddr_storage lo = v6 ? addr6("::1", 0) : addr4("127.0.0.1", 0), peer;
  assert_int_equal(bind(fd, (struct sockaddr *)&lo, len_of(&lo)), 0);
  socklen_t pl = sizeof peer;
  assert_int_equal(getsockname(fd, (struct sockaddr *)&peer, &pl), 0);
  assert_int_equal(setsockopt(fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP,
                              v6 ? IPV6_RECVHOPLIMIT : IP_RECVTTL, &on, sizeof on),
                   0);
  ztk_transport *t;
  ztk_udp_options o = {.send_queue = queue};
  assert_int_equal(ztk_udp_transport_new_opts(&o, &t), 0);
  struct sockaddr_storage mine;
  bind_any_port(t, &lo, &mine);
  static const int ttls[] = {2, 0, 5, 2};
  for (int i = 0; i < 4; i++)
    assert_int_equal(ztk_transport_send(t, 0, (struct sockaddr *)&peer, len_of(&peer), "t", 1,
                                        ttls[i]),
                     0);
  assert_int_equal(ztk_transport_flush(t), 0);
  for (int i = 0; i < 4; i++) {
    char data[8], ctl[256];
    struct iovec iov = {data, sizeof data};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl,
                       .msg_controllen = sizeof ctl};
    assert_true(wait_fd(fd, 2000));
    assert_int_equal(recvmsg(fd, &m, MSG_DONTWAIT), 1);
    int ttl = -1;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
      if (c->cmsg_type == (v6 ? IPV6_HOPLIMIT : IP_TTL))
        memcpy(&ttl, CMSG_DATA(c), sizeof ttl);
    if (ttls[i])
      assert_int_equal(ttl, ttls[i]);
    else
      assert_true(ttl > 5); /* the system default, untouched by the earlier datagram */
  }
  ztk_transport_close(t);
  close(fd);
}

static void test_ttl(void **state)
{
  ttl_on(AF_INET, 0);
  ttl_on(AF_INET, 8);
  ttl_on(AF_INET6, 0);
  ttl_on(AF_INET6, 8);
}

/* The epoll descriptor covers every bound socket and stays readable until drained. */
static void test_readiness(void **state)
{
  ztk_transport *t;
  assert_int_equal(ztk_udp_transport_new(&t), 0);
  int fd = ztk_transport_fd(t);
  assert_true(fd >= 0);
  struct sockaddr_storage v4 = addr4("127.0.0.1", 0), v6 = addr6("::1", 0), l4, l6;
  bind_any_port(t, &v4, &l4);
  bind_any_port(t, &v6, &l6);
  assert_false(wait_fd(fd, 0));
  assert_int_equal(ztk_transport_send(t, 1, (struct sockaddr *)&l6, len_of(&l6), "a", 1, 0), 0);
  assert_true(wait_fd(fd, 2000));
  assert_true(wait_fd(fd, 0)); /* level-triggered: still readable */
  assert_int_equal(ztk_transport_send(t, 0, (struct sockaddr *)&l4, len_of(&l4), "b", 1, 0), 0);
  ztk_datagram *d = slots(4, 16);
  assert_int_equal(recv_all(t, d, 2), 2);
  int from6 = d[0].sock == 1 ? 0 : 1;
  assert_int_equal(d[from6].sock, 1);
  assert_int_equal(d[from6].from.ss_family, AF_INET6);
  assert_int_equal(d[!from6].sock, 0);
  assert_false(wait_fd(fd, 0));
  slots_free(d, 4);
  ztk_transport_close(t);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_ipv4),        cmocka_unit_test(test_ipv6),
    cmocka_unit_test(test_local_addr),  cmocka_unit_test(test_port_in_use),
    cmocka_unit_test(test_bad_bind),    cmocka_unit_test(test_bad_send_recv),
    cmocka_unit_test(test_batch),       cmocka_unit_test(test_queue_order),
    cmocka_unit_test(test_large),       cmocka_unit_test(test_truncated),
    cmocka_unit_test(test_ttl),         cmocka_unit_test(test_readiness),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
