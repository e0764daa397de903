/* The in-process transport: FIFO inboxes, routing by exact virtual address, bounds, counters,
 * deterministic port allocation, and freeing with datagrams in flight. */
#include "tests/support/vectors.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "transport/mem.h"
#include "transport/udp.h"
#include "ztkit/error.h"

static struct sockaddr_storage sa(const char *ip, uint16_t port)
{
  struct sockaddr_storage ss = {0};
  if (strchr(ip, ':')) {
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(port);
    assert_int_equal(inet_pton(AF_INET6, ip, &a->sin6_addr), 1);
  } else {
    struct sockaddr_in *a = (struct sockaddr_in *)&ss;
    a->sin_family = AF_INET;
    a->sin_port = htons(port);
    assert_int_equal(inet_pton(AF_INET, ip, &a->sin_addr), 1);
  }
  return ss;
}

static socklen_t sl(const struct sockaddr_storage *ss)
{
  return ss->ss_family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
}

static uint16_t port_of(const struct sockaddr_storage *ss)
{
  return ntohs(ss->ss_family == AF_INET ? ((const struct sockaddr_in *)ss)->sin_port
                                        : ((const struct sockaddr_in6 *)ss)->sin6_port);
}

static int bind_at(ztk_transport *t, const char *ip, uint16_t port)
{
  struct sockaddr_storage ss = sa(ip, port);
  return ztk_transport_bind(t, (struct sockaddr *)&ss, sl(&ss));
}

static int send_to(ztk_transport *t, int sock, const char *ip, uint16_t port, const void *data,
                   size_t len, int ttl)
{
  struct sockaddr_storage ss = sa(ip, port);
  return ztk_transport_send(t, sock, (struct sockaddr *)&ss, sl(&ss), data, len, ttl);
}

static ztk_transport *new_tp(ztk_mem_hub *hub)
{
  ztk_transport *t = NULL;
  assert_int_equal(ztk_mem_transport_new(hub, &t), 0);
  assert_string_equal(t->kind, "mem");
  return t;
}

static ztk_mem_stats stats_of(const ztk_transport *t)
{
  ztk_mem_stats st;
  assert_int_equal(ztk_mem_transport_stats(t, &st), 0);
  return st;
}

/* 100 numbered datagrams drain in order, in uneven chunks, with the sender's address. */
static void test_fifo(void **state)
{
  ztk_mem_hub *hub;
  assert_int_equal(ztk_mem_hub_new(&hub), 0);
  ztk_transport *a = new_tp(hub), *b = new_tp(hub);
  assert_int_equal(bind_at(a, "10.0.0.1", 9993), 0);
  assert_int_equal(bind_at(b, "10.0.0.2", 9993), 0);
  for (int i = 0; i < 100; i++)
    assert_int_equal(send_to(a, 0, "10.0.0.2", 9993, &i, sizeof i, 0), 0);
  assert_int_equal(ztk_mem_hub_pending(hub), 100);
  struct sockaddr_storage la;
  assert_int_equal(ztk_transport_local_addr(a, 0, &la), 0);
  int next = 0;
  for (int round = 0; round < 100 && next < 100; round++) {
    uint8_t bufs[7][8];
    ztk_datagram d[7];
    for (int i = 0; i < 7; i++)
      d[i] = (ztk_datagram){.data = bufs[i], .cap = sizeof bufs[i]};
    int n = ztk_transport_recv(b, d, 7);
    assert_int_equal(n, next + 7 <= 100 ? 7 : 100 - next);
    for (int i = 0; i < n; i++, next++) {
      int v;
      assert_int_equal(d[i].len, sizeof v);
      memcpy(&v, d[i].data, sizeof v);
      assert_int_equal(v, next);
      assert_int_equal(d[i].sock, 0);
      assert_memory_equal(&d[i].from, &la, sizeof(struct sockaddr_in));
    }
  }
  assert_int_equal(next, 100);
  assert_int_equal(ztk_mem_hub_pending(hub), 0);
  ztk_datagram none = {0};
  assert_int_equal(ztk_transport_recv(b, &none, 1), 0);
  ztk_mem_hub_free(hub);
}

/* Three transports, several addresses each: every datagram reaches exactly its owner, on the
 * right socket id; replies go back to `from`. */
static void test_routing(void **state)
{
  ztk_mem_hub *hub;
  assert_int_equal(ztk_mem_hub_new(&hub), 0);
  ztk_transport *a = new_tp(hub), *b = new_tp(hub), *c = new_tp(hub);
  assert_int_equal(bind_at(a, "10.0.0.1", 1000), 0);
  assert_int_equal(bind_at(a, "fd00::1", 1000), 1);
  assert_int_equal(bind_at(b, "10.0.0.1", 1001), 0); /* same IP, other port, other owner */
  assert_int_equal(bind_at(b, "10.0.0.2", 1000), 1);
  assert_int_equal(bind_at(c, "fd00::3", 1000), 0);
  assert_int_equal(send_to(a, -1, "10.0.0.2", 1000, "ab", 2, 0), 0);
  assert_int_equal(send_to(a, -1, "10.0.0.1", 1001, "ab2", 3, 0), 0);
  assert_int_equal(send_to(a, -1, "fd00::3", 1000, "ac", 2, 0), 0);
  assert_int_equal(send_to(c, 0, "fd00::1", 1000, "ca", 2, 0), 0);
  assert_int_equal(send_to(a, 0, "10.0.0.1", 1000, "aa", 2, 0), 0); /* to itself */
  uint8_t buf[4][16];
  ztk_datagram d[4];
  for (int i = 0; i < 4; i++)
    d[i] = (ztk_datagram){.data = buf[i], .cap = sizeof buf[i]};
  assert_int_equal(ztk_transport_recv(b, d, 4), 2);
  assert_int_equal(d[0].sock, 1);
  assert_memory_equal(d[0].data, "ab", 2);
  assert_int_equal(d[1].sock, 0);
  assert_memory_equal(d[1].data, "ab2", 3);
  assert_int_equal(ztk_transport_recv(c, d, 4), 1);
  assert_memory_equal(d[0].data, "ac", 2);
  assert_int_equal(d[0].from.ss_family, AF_INET6);
  assert_int_equal(port_of(&d[0].from), 1000);
  /* reply to `from` */
  assert_int_equal(ztk_transport_send(c, d[0].sock, (struct sockaddr *)&d[0].from,
                                      sl(&d[0].from), "re", 2, 0),
                   0);
  assert_int_equal(ztk_transport_recv(a, d, 4), 3);
  assert_memory_equal(d[0].data, "ca", 2);
  assert_int_equal(d[0].sock, 1);
  assert_memory_equal(d[1].data, "aa", 2);
  assert_int_equal(d[1].sock, 0);
  assert_memory_equal(d[2].data, "re", 2);
  ztk_mem_hub_free(hub);
}

/* A bounded inbox: the datagram past the limit is counted and refused with ZTK_EAGAIN. */
static void test_full_inbox(void **state)
{
  ztk_mem_hub *hub;
  ztk_mem_options o = {.inbox_len = 4};
  assert_int_equal(ztk_mem_hub_new_opts(&o, &hub), 0);
  ztk_transport *a = new_tp(hub), *b = new_tp(hub);
  assert_int_equal(bind_at(a, "10.0.0.1", 1), 0);
  assert_int_equal(bind_at(b, "10.0.0.2", 1), 0);
  for (int i = 0; i < 4; i++)
    assert_int_equal(send_to(a, 0, "10.0.0.2", 1, "x", 1, 0), 0);
  assert_int_equal(send_to(a, 0, "10.0.0.2", 1, "y", 1, 0), ZTK_EAGAIN);
  ztk_mem_stats st = stats_of(a);
  assert_int_equal(st.sent, 4);
  assert_int_equal(st.dropped_full, 1);
  assert_int_equal(st.dropped, 1);
  assert_int_equal(stats_of(b).pending, 4);
  uint8_t buf[4];
  ztk_datagram d = {.data = buf, .cap = sizeof buf};
  assert_int_equal(ztk_transport_recv(b, &d, 1), 1);
  assert_int_equal(send_to(a, 0, "10.0.0.2", 1, "z", 1, 0), 0); /* room again */
  ztk_mem_stats hs;
  assert_int_equal(ztk_mem_hub_stats(hub, &hs), 0);
  assert_int_equal(hs.sent, 5);
  assert_int_equal(hs.dropped_full, 1);
  assert_int_equal(hs.pending, 4);
  ztk_mem_hub_free(hub);
}

/* Nobody owns the address: the datagram is dropped and counted, and send succeeds. */
static void test_unroutable(void **state)
{
  ztk_mem_hub *hub;
  assert_int_equal(ztk_mem_hub_new(&hub), 0);
  ztk_transport *a = new_tp(hub);
  assert_int_equal(bind_at(a, "10.0.0.1", 1), 0);
  assert_int_equal(send_to(a, 0, "10.0.0.9", 1, "x", 1, 0), 0);
  assert_int_equal(send_to(a, 0, "10.0.0.1", 2, "x", 1, 0), 0); /* right IP, wrong port */
  ztk_mem_stats st = stats_of(a);
  assert_int_equal(st.sent, 0);
  assert_int_equal(st.dropped_unroutable, 2);
  assert_int_equal(st.dropped, 2);
  assert_int_equal(ztk_mem_hub_pending(hub), 0);
  ztk_mem_hub_free(hub);
}

/* Port 0 hands out ports in one fixed order, identical for two hubs driven alike. */
static void ports_of(uint16_t out[5])
{
  ztk_mem_hub *hub;
  assert_int_equal(ztk_mem_hub_new(&hub), 0);
  ztk_transport *a = new_tp(hub), *b = new_tp(hub);
  struct sockaddr_storage got;
  assert_int_equal(bind_at(a, "fd00::1", 0), 0);
  assert_int_equal(bind_at(b, "fd00::1", 0), 0);
  assert_int_equal(bind_at(a, "fd00::2", 0), 1);
  assert_int_equal(bind_at(b, "fd00::1", ZTK_MEM_PORT_FIRST + 3), 1);
  assert_int_equal(bind_at(a, "fd00::1", 0), 2);
  assert_int_equal(ztk_transport_local_addr(a, 0, &got), 0);
  out[0] = port_of(&got);
  assert_int_equal(ztk_transport_local_addr(b, 0, &got), 0);
  out[1] = port_of(&got);
  assert_int_equal(ztk_transport_local_addr(a, 1, &got), 0);
  out[2] = port_of(&got);
  assert_int_equal(ztk_transport_local_addr(b, 1, &got), 0);
  out[3] = port_of(&got);
  assert_int_equal(ztk_transport_local_addr(a, 2, &got), 0);
  out[4] = port_of(&got);
  assert_int_equal(got.ss_family, AF_INET6);
  struct sockaddr_storage want = sa("fd00::1", out[4]);
  assert_memory_equal(&got, &want, sizeof(struct sockaddr_in6));
  ztk_mem_hub_free(hub);
}

static void test_ipv6_ports(void **state)
{
  uint16_t p1[5], p2[5];
  ports_of(p1);
  ports_of(p2);
  const uint16_t f = ZTK_MEM_PORT_FIRST;
  const uint16_t want[5] = {f, f + 1, f + 2, f + 3, f + 4}; /* f+3 was bound explicitly */
  assert_memory_equal(p1, want, sizeof want);
  assert_memory_equal(p2, p1, sizeof p1);
}

/* Counters, the pending query, TTL recording, truncation and empty datagrams. */
static void test_counters(void **state)
{
  ztk_mem_hub *hub;
  assert_int_equal(ztk_mem_hub_new(&hub), 0);
  ztk_transport *a = new_tp(hub), *b = new_tp(hub);
  assert_int_equal(bind_at(a, "fd00::1", 7), 0);
  assert_int_equal(bind_at(b, "fd00::2", 7), 0);
  static uint8_t big[2000];
  assert_int_equal(send_to(a, 0, "fd00::2", 7, "ttl", 3, 2), 0);
  assert_int_equal(send_to(a, 0, "fd00::2", 7, big, sizeof big, 0), 0);
  assert_int_equal(send_to(a, 0, "fd00::2", 7, NULL, 0, 9), 0);
  assert_int_equal(ztk_mem_hub_pending(hub), 3);
  assert_int_equal(stats_of(b).pending, 3);
  uint8_t buf[2][100];
  ztk_datagram d[2] = {{.data = buf[0], .cap = 100}, {.data = buf[1], .cap = 100}};
  assert_int_equal(ztk_transport_recv(b, d, 1), 1);
  assert_int_equal(stats_of(b).last_ttl, 2);
  assert_int_equal(ztk_transport_recv(b, d, 2), 1); /* the 2000-byte one does not fit */
  assert_int_equal(d[0].len, 0);
  ztk_mem_stats sb = stats_of(b), sa_ = stats_of(a), hs;
  assert_int_equal(sb.last_ttl, 9);
  assert_int_equal(sb.received, 2);
  assert_int_equal(sb.dropped_truncated, 1);
  assert_int_equal(sb.dropped, 1);
  assert_int_equal(sb.pending, 0);
  assert_int_equal(sa_.sent, 3);
  assert_int_equal(sa_.received, 0);
  assert_int_equal(ztk_mem_hub_stats(hub, &hs), 0);
  assert_int_equal(hs.sent, 3);
  assert_int_equal(hs.received, 2);
  assert_int_equal(hs.dropped, 1);
  assert_int_equal(hs.last_ttl, 9);
  assert_int_equal(ztk_mem_hub_pending(hub), 0);
  ztk_mem_hub_free(hub);
}

/* Closing a transport with a full inbox frees it; its address becomes unroutable; what it
 * sent stays deliverable; the hub frees transports still attached (ASan checks leaks). */
static void test_close_pending(void **state)
{
  ztk_mem_hub *hub;
  assert_int_equal(ztk_mem_hub_new(&hub), 0);
  ztk_transport *a = new_tp(hub), *b = new_tp(hub), *c = new_tp(hub);
  assert_int_equal(bind_at(a, "10.0.0.1", 1), 0);
  assert_int_equal(bind_at(b, "10.0.0.2", 1), 0);
  assert_int_equal(bind_at(c, "10.0.0.3", 1), 0);
  for (int i = 0; i < 10; i++) {
    assert_int_equal(send_to(a, 0, "10.0.0.2", 1, "to b", 4, 0), 0);
    assert_int_equal(send_to(a, 0, "10.0.0.3", 1, "to c", 4, 0), 0);
  }
  assert_int_equal(ztk_mem_hub_pending(hub), 20);
  ztk_transport_close(b);
  assert_int_equal(ztk_mem_hub_pending(hub), 10);
  assert_int_equal(send_to(a, 0, "10.0.0.2", 1, "gone", 4, 0), 0);
  assert_int_equal(stats_of(a).dropped_unroutable, 1);
  ztk_transport_close(a);
  uint8_t buf[8];
  ztk_datagram d = {.data = buf, .cap = sizeof buf};
  assert_int_equal(ztk_transport_recv(c, &d, 1), 1);
  assert_memory_equal(d.data, "to c", 4);
  /* the freed address can be bound again */
  ztk_transport *b2 = new_tp(hub);
  assert_int_equal(bind_at(b2, "10.0.0.2", 1), 0);
  ztk_mem_hub_free(hub); /* c (9 pending) and b2 still attached */
  ztk_mem_hub_free(NULL);
}

static void test_bad_args(void **state)
{
  ztk_mem_hub *hub;
  ztk_transport *t, *u;
  ztk_mem_options bad = {.inbox_len = -1};
  assert_int_equal(ztk_mem_hub_new(NULL), ZTK_EINVAL);
  assert_int_equal(ztk_mem_hub_new_opts(&bad, &hub), ZTK_EINVAL);
  bad.inbox_len = ZTK_MEM_INBOX_MAX + 1;
  assert_int_equal(ztk_mem_hub_new_opts(&bad, &hub), ZTK_EINVAL);
  assert_int_equal(ztk_mem_hub_new(&hub), 0);
  assert_int_equal(ztk_mem_transport_new(NULL, &t), ZTK_EINVAL);
  assert_int_equal(ztk_mem_transport_new(hub, NULL), ZTK_EINVAL);
  t = new_tp(hub);
  assert_int_equal(ztk_transport_fd(t), -1);
  assert_int_equal(ztk_transport_flush(t), 0);
  assert_int_equal(bind_at(t, "0.0.0.0", 1), ZTK_EINVAL);
  assert_int_equal(bind_at(t, "::", 1), ZTK_EINVAL);
  struct sockaddr_storage unix_addr = {.ss_family = AF_UNIX};
  assert_int_equal(ztk_transport_bind(t, (struct sockaddr *)&unix_addr, sizeof unix_addr),
                   ZTK_EINVAL);
  assert_int_equal(ztk_transport_bind(t, NULL, 0), ZTK_EINVAL);
  assert_int_equal(bind_at(t, "10.0.0.1", 5), 0);
  assert_int_equal(bind_at(t, "10.0.0.1", 5), ZTK_EEXIST);
  for (int i = 1; i < ZTK_TRANSPORT_MAX_SOCKETS; i++)
    assert_int_equal(bind_at(t, "10.0.0.1", 0), i);
  assert_int_equal(bind_at(t, "10.0.0.1", 0), ZTK_ELIMIT);
  static uint8_t huge[ZTK_TRANSPORT_MAX_DATAGRAM + 1];
  assert_int_equal(send_to(t, 0, "10.0.0.1", 5, "x", 1, 256), ZTK_EINVAL);
  assert_int_equal(send_to(t, 0, "10.0.0.1", 5, NULL, 1, 0), ZTK_EINVAL);
  assert_int_equal(send_to(t, 0, "10.0.0.1", 5, huge, sizeof huge, 0), ZTK_ERANGE);
  assert_int_equal(send_to(t, 99, "10.0.0.1", 5, "x", 1, 0), ZTK_EINVAL);
  assert_int_equal(send_to(t, 0, "fd00::1", 5, "x", 1, 0), ZTK_EINVAL);
  assert_int_equal(send_to(t, -1, "fd00::1", 5, "x", 1, 0), ZTK_ENOTFOUND);
  ztk_datagram d = {0};
  assert_int_equal(ztk_transport_recv(t, &d, -1), ZTK_EINVAL);
  assert_int_equal(ztk_transport_recv(t, NULL, 1), ZTK_EINVAL);
  assert_int_equal(ztk_transport_recv(t, &d, 0), 0);
  struct sockaddr_storage got;
  assert_int_equal(ztk_transport_local_addr(t, ZTK_TRANSPORT_MAX_SOCKETS, &got), ZTK_EINVAL);
  assert_int_equal(ztk_transport_local_addr(t, 0, NULL), ZTK_EINVAL);
  ztk_mem_stats st;
  assert_int_equal(ztk_mem_transport_stats(NULL, &st), ZTK_EINVAL);
  assert_int_equal(ztk_mem_transport_stats(t, NULL), ZTK_EINVAL);
  assert_int_equal(ztk_mem_hub_stats(NULL, &st), ZTK_EINVAL);
  assert_int_equal(ztk_mem_hub_pending(NULL), 0);
  assert_int_equal(ztk_udp_transport_new(&u), 0);
  assert_int_equal(ztk_mem_transport_stats(u, &st), ZTK_EINVAL); /* not a mem transport */
  ztk_udp_stats us;
  assert_int_equal(ztk_udp_transport_stats(t, &us), ZTK_EINVAL);
  ztk_transport_close(u);
  ztk_mem_hub_free(hub);
}

/* The hub's fixed limits: transports, and bound addresses (which here also exhaust every
 * ephemeral port of one IP). */
static void test_limits(void **state)
{
  ztk_mem_hub *hub;
  ztk_transport *t;
  assert_int_equal(ztk_mem_hub_new(&hub), 0);
  for (int i = 0; i < ZTK_MEM_HUB_MAX_TRANSPORTS; i++)
    assert_int_equal(ztk_mem_transport_new(hub, &t), 0);
  assert_int_equal(ztk_mem_transport_new(hub, &t), ZTK_ELIMIT);
  ztk_mem_hub_free(hub);

  assert_int_equal(ztk_mem_hub_new(&hub), 0);
  int per = ZTK_TRANSPORT_MAX_SOCKETS, n = ZTK_MEM_HUB_MAX_BINDINGS / per;
  for (int i = 0; i < n; i++) {
    t = new_tp(hub);
    for (int s = 0; s < per; s++)
      assert_int_equal(bind_at(t, "10.9.9.9", 0), s);
  }
  t = new_tp(hub);
  assert_int_equal(bind_at(t, "10.9.9.9", 0), ZTK_ELIMIT); /* no port left */
  assert_int_equal(bind_at(t, "10.9.9.8", 1), ZTK_ELIMIT); /* no binding left */
  ztk_mem_hub_free(hub);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_fifo),          cmocka_unit_test(test_routing),
    cmocka_unit_test(test_full_inbox),    cmocka_unit_test(test_unroutable),
    cmocka_unit_test(test_ipv6_ports),    cmocka_unit_test(test_counters),
    cmocka_unit_test(test_close_pending), cmocka_unit_test(test_bad_args),
    cmocka_unit_test(test_limits),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
