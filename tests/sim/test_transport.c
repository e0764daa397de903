/* The sim transport through the transport vtable: bind rules, send/recv, notification, the
 * bounded inbox, unbound ports, truncation, IPv6 and TTL-limited probes through a NAT. */
#include "tests/sim/fixture.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include "sim/transport.h"

static socklen_t sa(const char *text, struct sockaddr_storage *ss)
{
  ztk_inaddr a = fx_ip(text);
  return ztk_inaddr_to_sockaddr(&a, ss);
}

typedef struct world {
  fx f;
  uint32_t pub, inside, nat;
  ztk_transport *tp, *ti;
  int notified;
} world;

static void on_rx(void *ctx, ztk_transport *t)
{
  ((world *)ctx)->notified++;
}

/* A public host 198.51.100.1 (+ 2001:db8::1) and a host 192.168.1.2 behind a full-cone NAT,
 * each with a sim transport. */
static world *setup(uint32_t inbox)
{
  static world w;
  memset(&w, 0, sizeof w);
  fx_init(&w.f, 21);
  ztk_link_params wan = {.latency_us = 5000};
  ztk_nat_config cfg = {.type = ZTK_NAT_FULL_CONE};
  fx_site s = fx_server_site(&w.f, &wan, &cfg, 1, &wan);
  w.pub = s.server;
  ztk_inaddr v6 = fx_ip("2001:db8::1");
  assert_int_equal(ztk_net_add_addr(w.f.n, w.pub, &v6), 0);
  w.inside = s.site.first_host;
  w.nat = s.site.nat;
  assert_int_equal(ztk_simtp_new(&w.tp, w.f.n, w.pub, inbox, on_rx, &w), 0);
  assert_int_equal(ztk_simtp_new(&w.ti, w.f.n, w.inside, 0, NULL, NULL), 0);
  return &w;
}

static void teardown(world *w)
{
  ztk_transport_close(w->tp);
  ztk_transport_close(w->ti);
  fx_free(&w->f);
}

/* Binds 0.0.0.0/9993 on both transports. */
static void bind_both(world *w)
{
  struct sockaddr_storage ss;
  socklen_t l = sa("0.0.0.0/9993", &ss);
  assert_int_equal(ztk_transport_bind(w->tp, (struct sockaddr *)&ss, l), 0);
  assert_int_equal(ztk_transport_bind(w->ti, (struct sockaddr *)&ss, l), 0);
}

static void test_bind(void **state)
{
  world *w = setup(0);
  struct sockaddr_storage ss;
  assert_string_equal(w->tp->kind, "sim");
  assert_int_equal(ztk_transport_fd(w->tp), -1);
  ztk_transport *again;
  assert_int_equal(ztk_simtp_new(&again, w->f.n, w->pub, 0, NULL, NULL), ZTK_EEXIST);
  assert_int_equal(ztk_simtp_new(&again, w->f.n, w->nat, 0, NULL, NULL), ZTK_EINVAL);
  assert_int_equal(ztk_simtp_host(w->tp), w->pub);
  assert_int_equal(ztk_transport_bind(w->tp, (struct sockaddr *)&ss, sa("198.51.100.1/9993", &ss)),
                   0);
  assert_int_equal(ztk_transport_bind(w->tp, (struct sockaddr *)&ss, sa("0.0.0.0/9993", &ss)),
                   ZTK_EEXIST);
  assert_int_equal(ztk_transport_bind(w->tp, (struct sockaddr *)&ss, sa("10.1.1.1/9993", &ss)),
                   ZTK_EINVAL); /* not this host's */
  assert_int_equal(ztk_transport_bind(w->tp, (struct sockaddr *)&ss, sa("0.0.0.0/0", &ss)), 1);
  assert_int_equal(ztk_transport_bind(w->tp, (struct sockaddr *)&ss, sa("::/0", &ss)), 2);
  assert_int_equal(ztk_transport_local_addr(w->tp, 1, &ss), 0);
  assert_int_equal(ntohs(((struct sockaddr_in *)&ss)->sin_port), ZTK_SIMTP_EPHEMERAL_MIN);
  assert_int_equal(ztk_transport_local_addr(w->tp, 2, &ss), 0);
  assert_int_equal(ss.ss_family, AF_INET6);
  assert_int_equal(ntohs(((struct sockaddr_in6 *)&ss)->sin6_port), ZTK_SIMTP_EPHEMERAL_MIN + 1);
  assert_int_equal(ztk_transport_local_addr(w->tp, 5, &ss), ZTK_EINVAL);
  assert_int_equal(ztk_transport_bind(w->tp, NULL, 0), ZTK_EINVAL);
  for (int i = 3; i < ZTK_TRANSPORT_MAX_SOCKETS; i++)
    assert_int_equal(ztk_transport_bind(w->tp, (struct sockaddr *)&ss, sa("0.0.0.0/0", &ss)), i);
  assert_int_equal(ztk_transport_bind(w->tp, (struct sockaddr *)&ss, sa("0.0.0.0/0", &ss)),
                   ZTK_ELIMIT);
  teardown(w);
}

static void test_send_recv(void **state)
{
  world *w = setup(0);
  struct sockaddr_storage to;
  bind_both(w);
  socklen_t tl = sa("198.51.100.1/9993", &to);
  assert_int_equal(ztk_transport_send(w->ti, -1, (struct sockaddr *)&to, tl, "hello", 5, 0), 0);
  fx_run(&w->f, ZTK_MS(100));
  assert_int_equal(w->notified, 1);
  assert_int_equal(ztk_simtp_pending(w->tp), 1);
  uint8_t buf[64];
  ztk_datagram d = {.data = buf, .cap = sizeof buf};
  assert_int_equal(ztk_transport_recv(w->tp, &d, 1), 1);
  assert_int_equal(d.sock, 0);
  assert_int_equal(d.len, 5);
  assert_memory_equal(buf, "hello", 5);
  ztk_inaddr from;
  assert_int_equal(ztk_inaddr_from_sockaddr(&from, (struct sockaddr *)&d.from), 0);
  ztk_inaddr nat_pub = fx_ip("203.0.113.1/9993");
  assert_true(ztk_inaddr_ip_eq(&from, &nat_pub));
  assert_int_equal(ztk_transport_recv(w->tp, &d, 1), 0);
  /* reply to where it came from: through the NAT mapping back to the inside host */
  assert_int_equal(ztk_transport_send(w->tp, 0, (struct sockaddr *)&d.from,
                                      sizeof(struct sockaddr_in), "world", 5, 0),
                   0);
  fx_run(&w->f, ZTK_MS(200));
  assert_int_equal(ztk_transport_recv(w->ti, &d, 1), 1);
  assert_memory_equal(buf, "world", 5);
  assert_int_equal(ztk_inaddr_from_sockaddr(&from, (struct sockaddr *)&d.from), 0);
  ztk_inaddr server = fx_ip("198.51.100.1/9993");
  assert_true(ztk_inaddr_eq(&from, &server));
  /* errors */
  assert_int_equal(ztk_transport_send(w->tp, 7, (struct sockaddr *)&to, tl, "x", 1, 0), ZTK_EINVAL);
  assert_int_equal(ztk_transport_send(w->tp, 0, NULL, 0, "x", 1, 0), ZTK_EINVAL);
  socklen_t l6 = sa("2001:db8::9/9993", &to);
  assert_int_equal(ztk_transport_send(w->tp, 0, (struct sockaddr *)&to, l6, "x", 1, 0),
                   ZTK_EINVAL); /* socket 0 is IPv4 */
  teardown(w);
}

static void test_ipv6(void **state)
{
  /* IPv6 addresses are public: the NAT box forwards them untouched, as a router */
  world *w = setup(0);
  ztk_inaddr v6 = fx_ip("2001:db8::2");
  assert_int_equal(ztk_net_add_addr(w->f.n, w->inside, &v6), 0);
  struct sockaddr_storage ss, to;
  assert_int_equal(ztk_transport_bind(w->tp, (struct sockaddr *)&ss, sa("::/9993", &ss)), 0);
  assert_int_equal(ztk_transport_bind(w->ti, (struct sockaddr *)&ss, sa("::/9993", &ss)), 0);
  assert_int_equal(ztk_transport_send(w->tp, -1, (struct sockaddr *)&to,
                                      sa("2001:db8::2/9993", &to), "six", 3, 0),
                   0);
  fx_run(&w->f, ZTK_MS(100));
  uint8_t buf[8];
  ztk_datagram d = {.data = buf, .cap = sizeof buf};
  assert_int_equal(ztk_transport_recv(w->ti, &d, 1), 1);
  assert_int_equal(d.from.ss_family, AF_INET6);
  ztk_inaddr from, want = fx_ip("2001:db8::1/9993");
  assert_int_equal(ztk_inaddr_from_sockaddr(&from, (struct sockaddr *)&d.from), 0);
  assert_true(ztk_inaddr_eq(&from, &want));
  assert_memory_equal(buf, "six", 3);
  assert_int_equal(ztk_nat_counters_of(ztk_net_nat(w->f.n, w->nat))->in, 0);
  teardown(w);
}

static void test_inbox_and_drops(void **state)
{
  world *w = setup(4);
  struct sockaddr_storage to;
  bind_both(w);
  socklen_t tl = sa("198.51.100.1/9993", &to);
  for (int i = 0; i < 6; i++)
    assert_int_equal(ztk_transport_send(w->ti, 0, (struct sockaddr *)&to, tl, "abcdefgh", 8, 0), 0);
  tl = sa("198.51.100.1/4444", &to);
  assert_int_equal(ztk_transport_send(w->ti, 0, (struct sockaddr *)&to, tl, "x", 1, 0), 0);
  fx_run(&w->f, ZTK_MS(100));
  const ztk_host_counters *c = ztk_net_host_counters(w->f.n, w->inside);
  assert_int_equal(c->dropped[ZTK_DROP_INBOX], 2);
  assert_int_equal(c->dropped[ZTK_DROP_NOSOCK], 1);
  assert_int_equal(ztk_simtp_pending(w->tp), 4);
  /* datagrams that do not fit the buffer offered are dropped; the buffer goes to the next */
  uint8_t small[4], big[2][16];
  ztk_datagram d[2] = {{.data = big[0], .cap = 16}, {.data = small, .cap = sizeof small}};
  assert_int_equal(ztk_transport_recv(w->tp, d, 2), 1);
  assert_int_equal(d[0].len, 8);
  assert_int_equal(ztk_simtp_truncated(w->tp), 3);
  assert_int_equal(ztk_simtp_pending(w->tp), 0);
  tl = sa("198.51.100.1/9993", &to);
  assert_int_equal(ztk_transport_send(w->ti, 0, (struct sockaddr *)&to, tl, "12345678", 8, 0), 0);
  assert_int_equal(ztk_transport_send(w->ti, 0, (struct sockaddr *)&to, tl, "abc", 3, 0), 0);
  fx_run(&w->f, ZTK_MS(150));
  d[1].data = big[1];
  d[1].cap = 16;
  assert_int_equal(ztk_transport_recv(w->tp, d, 2), 2);
  assert_int_equal(d[1].len, 3);
  assert_memory_equal(big[1], "abc", 3);
  assert_int_equal(ztk_transport_recv(w->tp, d, -1), ZTK_EINVAL);
  /* closing hands the host back: datagrams are refused as nosock */
  ztk_transport_close(w->tp);
  w->tp = NULL;
  tl = sa("198.51.100.1/9993", &to);
  assert_int_equal(ztk_transport_send(w->ti, 0, (struct sockaddr *)&to, tl, "x", 1, 0), 0);
  fx_run(&w->f, ZTK_MS(200));
  assert_int_equal(c->dropped[ZTK_DROP_NOSOCK], 2);
  assert_int_equal(ztk_simtp_host(w->ti), w->inside);
  teardown(w);
}

static void test_ttl_probe(void **state)
{
  world *w = setup(0);
  struct sockaddr_storage to;
  bind_both(w);
  socklen_t tl = sa("198.51.100.1/9993", &to);
  /* the NAT-opening junk packet: TTL 2 passes the NAT (creating the mapping), dies after */
  assert_int_equal(ztk_transport_send(w->ti, 0, (struct sockaddr *)&to, tl, "j", 1, 2), 0);
  fx_run(&w->f, ZTK_MS(100));
  assert_int_equal(ztk_simtp_pending(w->tp), 0);
  assert_int_equal(ztk_net_host_counters(w->f.n, w->inside)->dropped[ZTK_DROP_TTL], 1);
  ztk_inaddr in = fx_ip("192.168.1.2/9993"), rem = fx_ip("198.51.100.1/9993"), pub;
  assert_int_equal(ztk_nat_peek(ztk_net_nat(w->f.n, w->nat), ZTK_MS(100), &in, &rem, &pub), 0);
  /* the mapping is open: the server reaches the inside host through it */
  ztk_inaddr_to_sockaddr(&pub, &to);
  assert_int_equal(
      ztk_transport_send(w->tp, 0, (struct sockaddr *)&to, sizeof(struct sockaddr_in), "in", 2, 0),
      0);
  fx_run(&w->f, ZTK_MS(200));
  assert_int_equal(ztk_simtp_pending(w->ti), 1);
  teardown(w);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_bind),      cmocka_unit_test(test_send_recv),
      cmocka_unit_test(test_ipv6),      cmocka_unit_test(test_inbox_and_drops),
      cmocka_unit_test(test_ttl_probe),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
