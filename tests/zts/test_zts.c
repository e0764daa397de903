/* The libzt-compatible API (ZeroTierSockets.h) against a root + controller and a native member
 * in the same process, over real UDP on loopback: the default node starts from a storage path
 * holding a custom planet, joins, reports its network, addresses (all of them), peers, events
 * and counters; BSD and simplified sockets carry TCP and UDP byte-exact to and from the native
 * member, blocking and non-blocking (fcntl, ioctl, poll, select); argument errors give
 * ZTS_ERR_ARG with zts_errno; stop returns when stopped and stop/start/stop/start works. */
#include "tests/support/vectors.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ZeroTierSockets.h"
#include "tests/support/rtnet.h"
#include "tests/support/testnet.h"
#include "tests/support/tmpdir.h"
#include "zts/defnode.h"

#define WAIT_MS 30000
#define IO_MS 30000
#define BIG (1 << 20)
#define EVENTS_MAX 512

enum { B = 0 }; /* the native member */
static rtnet net;
static ztk_nwid nwid;
static char home[TD_PATH_MAX];
static char b_ip4[ZTS_INET6_ADDRSTRLEN];

static pthread_mutex_t ev_lock = PTHREAD_MUTEX_INITIALIZER;
static int ev_codes[EVENTS_MAX];
static int ev_n;
static char ev_addr4[ZTS_INET6_ADDRSTRLEN];
static uint64_t ev_node_id, ev_down_id;

static void on_event(void *p)
{
  zts_event_msg_t *m = p;
  pthread_mutex_lock(&ev_lock);
  if (ev_n < EVENTS_MAX)
    ev_codes[ev_n++] = m->event_code;
  if (m->event_code == ZTS_EVENT_ADDR_ADDED_IP4 && m->addr) {
    struct zts_sockaddr_in *in = (struct zts_sockaddr_in *)&m->addr->addr;
    zts_inet_ntop(ZTS_AF_INET, &in->sin_addr, ev_addr4, sizeof ev_addr4);
  }
  if (m->event_code == ZTS_EVENT_NODE_ONLINE && m->node)
    ev_node_id = m->node->node_id;
  if (m->event_code == ZTS_EVENT_NODE_DOWN && m->node)
    ev_down_id = m->node->node_id;
  pthread_mutex_unlock(&ev_lock);
}

static bool saw_event(int code)
{
  pthread_mutex_lock(&ev_lock);
  bool found = false;
  for (int i = 0; i < ev_n; i++)
    found |= ev_codes[i] == code;
  pthread_mutex_unlock(&ev_lock);
  return found;
}

static bool wait_for(int (*cond)(void), int ms)
{
  for (int64_t end = rtnet_ms() + ms; rtnet_ms() < end; zts_util_delay(20))
    if (cond())
      return true;
  return false;
}

static int ready(void)
{
  return zts_net_transport_is_ready(nwid) && zts_addr_is_assigned(nwid, ZTS_AF_INET) &&
         zts_addr_is_assigned(nwid, ZTS_AF_INET6);
}

static void start_and_join(void)
{
  assert_int_equal(zts_node_start(), ZTS_ERR_OK);
  assert_true(wait_for(zts_node_is_online, WAIT_MS));
  assert_int_equal(zts_net_join(nwid), ZTS_ERR_OK);
  assert_true(wait_for(ready, WAIT_MS));
}

static int setup(void **state)
{
  ztk_identity root_id, b_id;
  tn_identity(5, &root_id);
  tn_identity(0, &b_id);
  assert_int_equal(rtnet_start(&net, &root_id), 0);
  assert_int_equal(rtnet_add_member(&net, &b_id), B);
  assert_int_equal(rtnet_network(&net, 0x2755, "{\"private\":true,\"name\":\"ztsnet\","
                   "\"v4AssignMode\":{\"zt\":true},\"v6AssignMode\":{\"rfc4193\":true,\"6plane\":true},"
                   "\"ipAssignmentPools\":[{\"ipRangeStart\":\"10.55.0.10\",\"ipRangeEnd\":\"10.55.0.250\"}],"
                   "\"routes\":[{\"target\":\"10.55.0.0/24\"}]}", &nwid), 0);
  struct sockaddr_storage a;
  assert_int_equal(rtnet_join(&net, B, nwid, AF_INET, WAIT_MS, &a), 0);
  inet_ntop(AF_INET, &((struct sockaddr_in *)&a)->sin_addr, b_ip4, sizeof b_ip4);
  td_make(home, sizeof home, "ztk-zts");
  td_write(home, "planet", net.planet, net.planet_len);
  assert_int_equal(zts_init_from_storage(home), ZTS_ERR_OK);
  /* a fixed port, as libzt programs have: a restarted node is found where it was */
  int port = rtnet_free_udp_port();
  assert_true(port > 0);
  assert_int_equal(zts_init_set_port((unsigned short)port), ZTS_ERR_OK);
  assert_int_equal(zts_init_set_event_handler(on_event), ZTS_ERR_OK);
  /* the node's address is known once it runs: authorize it then */
  assert_int_equal(zts_node_start(), ZTS_ERR_OK);
  assert_true(wait_for(zts_node_is_online, WAIT_MS));
  assert_int_equal(rtnet_member(&net, nwid, zts_node_get_id(), "{\"authorized\":true}"), 0);
  assert_int_equal(zts_net_join(nwid), ZTS_ERR_OK);
  assert_true(wait_for(ready, WAIT_MS));
  return 0;
}

static int teardown(void **state)
{
  zts_node_free();
  rtnet_free(&net);
  td_remove(home);
  return 0;
}

/* ---- the native member's side ---- */

static ztk_socket *b_listen(int type, uint16_t port)
{
  ztk_socket *l;
  struct sockaddr_in any = {.sin_family = AF_INET, .sin_port = htons(port)};
  assert_int_equal(ztk_socket_open(&l, net.ns[B], AF_INET, type), 0);
  assert_int_equal(ztk_socket_bind(l, (struct sockaddr *)&any, sizeof any), 0);
  if (type == ZTK_SOCK_STREAM)
    assert_int_equal(ztk_socket_listen(l, 16), 0);
  return l;
}

static struct sockaddr_in zts_node_addr(uint16_t port)
{
  struct zts_sockaddr_storage a;
  assert_int_equal(zts_addr_get(nwid, ZTS_AF_INET, &a), ZTS_ERR_OK);
  struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(port)};
  sin.sin_addr.s_addr = ((struct zts_sockaddr_in *)&a)->sin_addr.s_addr;
  return sin;
}

static void fill(uint8_t *buf, size_t n, unsigned seed)
{
  for (size_t i = 0; i < n; i++)
    buf[i] = (uint8_t)((i * 131 + seed) >> 3);
}

/* Reads exactly n bytes from fd. */
static void zts_read_all(int fd, uint8_t *buf, size_t n)
{
  for (size_t got = 0; got < n;) {
    ssize_t k = zts_read(fd, buf + got, n - got);
    assert_true(k > 0);
    got += (size_t)k;
  }
}

/* ---- tests ---- */

static void test_constants(void **state)
{
  assert_int_equal(ZTS_FIONREAD, 0x4008667f);
  assert_int_equal(ZTS_FIONBIO, (long)0x8008667eUL);
  assert_int_equal(ZTS_SOL_SOCKET, 0xfff);
  assert_int_equal(ZTS_SO_RCVTIMEO, 0x1006);
  assert_int_equal(ZTS_EVENT_NETWORK_READY_IP4, 215);
  assert_int_equal(ZTS_EINPROGRESS, 115);
  assert_int_equal(sizeof(struct zts_sockaddr_in), 16);
  assert_int_equal(sizeof(struct zts_sockaddr_in6), 28);
  assert_int_equal(sizeof(zts_fd_set), 128);
  assert_int_equal(zts_net_compute_adhoc_id(27, 27), 0xff001b001b000000ULL);
}

/* A planet made with zts_util_sign_root_set names our root and verifies with its key. */
static void test_sign_root_set(void **state)
{
  char pub[ZTK_IDENTITY_STRBUF], ep[32], out[ZTK_WORLD_MAX_LEN], prev[128], curr[128];
  unsigned int out_len = sizeof out, prev_len = 0, curr_len = 0;
  assert_true(ztk_identity_to_string(&net.root_id, false, pub, sizeof pub) > 0);
  snprintf(ep, sizeof ep, "127.0.0.1/%d", net.root_port);
  zts_root_set_t spec;
  memset(&spec, 0, sizeof spec);
  spec.public_id_str[0] = pub;
  spec.endpoint_ip_str[0][0] = ep;
  assert_int_equal(zts_util_sign_root_set(out, &out_len, prev, &prev_len, curr, &curr_len, 0x1234,
                                          1700000000001ull, &spec), ZTS_ERR_OK);
  assert_int_equal(prev_len, 128);
  assert_int_equal(curr_len, 128);
  ztk_world w;
  assert_int_equal(ztk_world_parse(&w, out, out_len), (int)out_len);
  assert_int_equal(w.id, 0x1234);
  assert_int_equal(w.n_roots, 1);
  assert_int_equal(w.roots[0].identity.address, net.root_id.address);
  assert_int_equal(w.roots[0].n_endpoints, 1);
  assert_int_equal(ztk_world_verify(&w, (const uint8_t *)prev), 0);
  /* the same keys again; a damaged key pair is refused */
  out_len = sizeof out;
  assert_int_equal(zts_util_sign_root_set(out, &out_len, prev, &prev_len, curr, &curr_len, 0x1234,
                                          1700000000002ull, &spec), ZTS_ERR_OK);
  curr[3] ^= 1;
  assert_int_equal(zts_util_sign_root_set(out, &out_len, prev, &prev_len, curr, &curr_len, 0x1234,
                                          1700000000003ull, &spec), ZTS_ERR_ARG);
  assert_int_equal(zts_util_sign_root_set(out, &out_len, prev, &prev_len, curr, &curr_len, 1, 1, NULL),
                   ZTS_ERR_ARG);
}

static void test_argument_errors(void **state)
{
  char buf[64];
  zts_socklen_t len = 4;
  struct zts_sockaddr_storage ss;
  int fd = zts_bsd_socket(ZTS_AF_INET, ZTS_SOCK_STREAM, 0);
  assert_true(fd >= 0);
  int bad[] = {-1, ZTS_FD_SETSIZE, 100000, fd + 1};
  for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    zts_errno = 0;
    assert_int_equal(zts_bsd_send(bad[i], "x", 1, 0), ZTS_ERR_ARG);
    assert_int_equal(zts_errno, ZTS_EBADF);
    assert_int_equal(zts_bsd_close(bad[i]), ZTS_ERR_ARG);
    assert_int_equal(zts_bsd_listen(bad[i], 1), ZTS_ERR_ARG);
  }
  zts_errno = 0;
  assert_int_equal(zts_bsd_connect(fd, NULL, 16), ZTS_ERR_ARG);
  assert_int_equal(zts_errno, ZTS_EINVAL);
  memset(&ss, 0, sizeof ss);
  ss.ss_family = ZTS_AF_INET;
  assert_int_equal(zts_bsd_bind(fd, (struct zts_sockaddr *)&ss, 3), ZTS_ERR_ARG);
  assert_int_equal(zts_bsd_bind(fd, (struct zts_sockaddr *)&ss, 1000), ZTS_ERR_ARG);
  assert_int_equal(zts_bsd_send(fd, NULL, 5, 0), ZTS_ERR_ARG);
  assert_int_equal(zts_bsd_recv(fd, NULL, 5, 0), ZTS_ERR_ARG);
  assert_int_equal(zts_bsd_getsockname(fd, NULL, &len), ZTS_ERR_ARG);
  assert_int_equal(zts_bsd_setsockopt(fd, ZTS_IPPROTO_TCP, ZTS_TCP_NODELAY, buf, 1), ZTS_ERR_ARG);
  assert_int_equal(zts_bsd_getsockopt(fd, ZTS_SOL_SOCKET, ZTS_SO_TYPE, NULL, &len), ZTS_ERR_ARG);
  assert_int_equal(zts_bsd_readv(fd, NULL, 1), ZTS_ERR_ARG);
  assert_int_equal(zts_bsd_fcntl(fd, 99, 0), ZTS_ERR_ARG);
  assert_int_equal(zts_bsd_ioctl(fd, ZTS_FIONREAD, NULL), ZTS_ERR_ARG);
  assert_int_equal(zts_bsd_poll(NULL, 1, 0), ZTS_ERR_ARG);
  assert_int_equal(zts_bsd_select(0, NULL, NULL, NULL, NULL), ZTS_ERR_ARG);
  assert_int_equal(zts_bsd_select(ZTS_FD_SETSIZE + 1, NULL, NULL, NULL, NULL), ZTS_ERR_ARG);
  assert_int_equal(zts_bsd_shutdown(fd, 7), ZTS_ERR_ARG);
  assert_int_equal(zts_accept(fd, buf, 10, NULL), ZTS_ERR_ARG);
  assert_int_equal(zts_connect(fd, "10.55.0.1", 80, -1), ZTS_ERR_ARG);
  assert_int_equal(zts_connect(fd, "not an ip", 80, 0), ZTS_ERR_ARG);
  /* unsupported options and families are socket errors, as in libzt */
  assert_int_equal(zts_bsd_setsockopt(fd, ZTS_SOL_SOCKET, ZTS_SO_DEBUG, &len, sizeof len), ZTS_ERR_SOCKET);
  assert_int_equal(zts_errno, ZTS_ENOPROTOOPT);
  assert_int_equal(zts_bsd_socket(77, ZTS_SOCK_STREAM, 0), ZTS_ERR_SOCKET);
  assert_int_equal(zts_errno, ZTS_EAFNOSUPPORT);
  assert_int_equal(zts_bsd_close(fd), ZTS_ERR_OK);
  assert_int_equal(zts_bsd_close(fd), ZTS_ERR_ARG);
  /* control functions */
  unsigned int klen = 10;
  assert_int_equal(zts_id_new(buf, &klen), ZTS_ERR_ARG);
  assert_int_equal(zts_addr_get(nwid, ZTS_AF_INET, NULL), ZTS_ERR_ARG);
  assert_int_equal(zts_addr_get(nwid, 77, &ss), ZTS_ERR_ARG);
  assert_int_equal(zts_addr_get(0x1234, ZTS_AF_INET, &ss), ZTS_ERR_NO_RESULT);
  assert_int_equal(zts_addr_get_str(nwid, ZTS_AF_INET6, buf, 10), ZTS_ERR_ARG);
  assert_int_equal(zts_net_get_status(0x1234), ZTS_ERR_NO_RESULT);
  assert_int_equal(zts_init_set_port(1234), ZTS_ERR_SERVICE); /* running */
  assert_int_equal(zts_init_from_memory("bad", 3), ZTS_ERR_ARG);
  assert_int_equal(zts_init_set_roots("not a planet", 12), ZTS_ERR_ARG);
  assert_int_equal(zts_init_set_roots(net.planet, (unsigned)net.planet_len), ZTS_ERR_SERVICE);
  assert_int_equal(zts_util_get_ip_family("1.2.3"), ZTS_ERR_ARG);
  assert_null(zts_inet_ntop(99, buf, buf, sizeof buf));
  assert_int_equal(zts_stats_get_all(NULL), ZTS_ERR_ARG);
  assert_int_equal(zts_peer_get(NULL, 1), ZTS_ERR_ARG);
  assert_int_equal(zts_node_get_id_pair(NULL, &klen), ZTS_ERR_ARG);
  assert_int_equal(zts_moon_orbit(0, 0), ZTS_ERR_ARG);
}

static void test_node_and_network(void **state)
{
  ztk_node_status st;
  char key[ZTS_ID_STR_BUF_LEN], s[ZTS_INET6_ADDRSTRLEN], expect[ZTS_INET6_ADDRSTRLEN];
  unsigned int klen = sizeof key;
  uint64_t id = zts_node_get_id();
  assert_true(id != 0 && zts_node_get_port() > 0);
  assert_int_equal(zts_node_get_id_pair(key, &klen), ZTS_ERR_OK);
  assert_int_equal(klen, strlen(key));
  assert_true(zts_id_pair_is_valid(key, sizeof key));
  assert_int_equal(strtoull(key, NULL, 16), id);
  assert_int_equal(zts_net_count(), 1);
  assert_int_equal(zts_net_get_status(nwid), ZTS_NETWORK_STATUS_OK);
  assert_int_equal(zts_net_get_type(nwid), ZTS_NETWORK_TYPE_PRIVATE);
  assert_int_equal(zts_net_get_name(nwid, s, sizeof s), ZTS_ERR_OK);
  assert_string_equal(s, "ztsnet");
  assert_true(zts_net_get_mtu(nwid) > 1000);
  assert_true(zts_net_get_mac(nwid) != 0);
  assert_int_equal(zts_net_get_mac_str(nwid, s, sizeof s), ZTS_ERR_OK);
  assert_int_equal(strlen(s), 17);
  assert_int_equal(zts_route_is_assigned(nwid, ZTS_AF_INET), 1);
  /* every address is kept: IPv4, rfc4193 and 6plane */
  struct zts_sockaddr_storage all[16];
  unsigned int n = 16;
  assert_int_equal(zts_addr_get_all(nwid, all, &n), ZTS_ERR_OK);
  assert_true(n >= 3);
  bool rfc = false, plane = false;
  assert_int_equal(zts_addr_compute_rfc4193_str(nwid, id, expect, sizeof expect), ZTS_ERR_OK);
  assert_int_equal(strncmp(expect, "fd", 2), 0);
  for (unsigned i = 0; i < n; i++) {
    if (all[i].ss_family != ZTS_AF_INET6)
      continue;
    zts_inet_ntop(ZTS_AF_INET6, &((struct zts_sockaddr_in6 *)&all[i])->sin6_addr, s, sizeof s);
    rfc |= strcmp(s, expect) == 0;
    char sp[ZTS_INET6_ADDRSTRLEN];
    zts_addr_compute_6plane_str(nwid, id, sp, sizeof sp);
    plane |= strcmp(s, sp) == 0;
  }
  assert_true(rfc && plane);
  assert_int_equal(zts_addr_get_str(nwid, ZTS_AF_INET, s, sizeof s), ZTS_ERR_OK);
  assert_int_equal(strncmp(s, "10.55.0.", 8), 0);
  /* the query sub-API */
  char target[ZTS_INET6_ADDRSTRLEN], via[ZTS_INET6_ADDRSTRLEN];
  uint16_t flags, metric;
  assert_int_equal(zts_core_lock_obtain(), ZTS_ERR_OK);
  int na = zts_core_query_addr_count(nwid);
  assert_int_equal(na, (int)n);
  for (int i = 0; i < na; i++)
    assert_int_equal(zts_core_query_addr(nwid, (unsigned)i, s, sizeof s), ZTS_ERR_OK);
  assert_int_equal(zts_core_query_addr(nwid, (unsigned)na, s, sizeof s), ZTS_ERR_ARG);
  assert_int_equal(zts_core_query_route_count(nwid), 1);
  assert_int_equal(zts_core_query_route(nwid, 0, target, via, sizeof target, &flags, &metric), ZTS_ERR_OK);
  assert_string_equal(target, "10.55.0.0/24");
  assert_string_equal(via, "");
  assert_int_equal(zts_core_query_route_count(0x1234), ZTS_ERR_NO_RESULT);
  /* multicast groups: broadcast, the ARP group of the IPv4 address (ADI = the address),
   * solicited-node groups of the IPv6 addresses */
  int nmc = zts_core_query_mc_count(nwid);
  assert_true(nmc >= 3);
  bool bcast = false, arp = false, sol = false;
  struct zts_sockaddr_storage a4;
  assert_int_equal(zts_addr_get(nwid, ZTS_AF_INET, &a4), ZTS_ERR_OK);
  uint32_t ip4 = ntohl(((struct zts_sockaddr_in *)&a4)->sin_addr.s_addr);
  for (int i = 0; i < nmc; i++) {
    uint64_t mac;
    uint32_t adi;
    assert_int_equal(zts_core_query_mc(nwid, (unsigned)i, &mac, &adi), ZTS_ERR_OK);
    bcast |= mac == 0xffffffffffffull && adi == 0;
    arp |= mac == 0xffffffffffffull && adi == ip4;
    sol |= (mac >> 24) == 0x3333ffull;
  }
  assert_true(bcast && arp && sol);
  uint64_t mac;
  uint32_t adi;
  assert_int_equal(zts_core_query_mc(nwid, (unsigned)nmc, &mac, &adi), ZTS_ERR_ARG);
  assert_int_equal(zts_core_query_mc(nwid, 0, NULL, &adi), ZTS_ERR_ARG);
  assert_int_equal(zts_core_query_mc(nwid, 0, &mac, NULL), ZTS_ERR_ARG);
  assert_int_equal(zts_core_query_mc_count(0x1234), ZTS_ERR_NO_RESULT);
  assert_int_equal(zts_core_query_mc(0x1234, 0, &mac, &adi), ZTS_ERR_NO_RESULT);
  assert_int_equal(zts_core_lock_release(), ZTS_ERR_OK);
  /* peers: the root is a PLANET */
  assert_true(zts_peer_count() >= 1);
  assert_int_equal(ztk_service_status(net.root, &st), 0);
  assert_int_equal(zts_peer_get_role(st.address), ZTS_PEER_ROLE_PLANET);
  assert_true(zts_peer_get_path_count(st.address) >= 1);
  assert_int_equal(zts_core_query_path_count(st.address), zts_peer_get_path_count(st.address));
  char path[ZTS_MAX_ENDPOINT_STR_LEN];
  assert_int_equal(zts_core_query_path(st.address, 0, path, sizeof path), ZTS_ERR_OK);
  assert_int_equal(strncmp(path, "127.0.0.1/", 10), 0);
  zts_peer_info_t *pi = calloc(1, sizeof *pi);
  assert_int_equal(zts_peer_get(pi, st.address), ZTS_ERR_OK);
  assert_int_equal(pi->peer_id, st.address);
  assert_int_equal(pi->paths[0].address.ss_family, ZTS_AF_INET);
  free(pi);
  /* events so far */
  assert_true(saw_event(ZTS_EVENT_NODE_UP) && saw_event(ZTS_EVENT_NODE_ONLINE));
  assert_true(saw_event(ZTS_EVENT_NETWORK_OK) && saw_event(ZTS_EVENT_NETWORK_READY_IP4));
  assert_true(saw_event(ZTS_EVENT_NETWORK_READY_IP6) && saw_event(ZTS_EVENT_NETWORK_READY_IP4_IP6));
  assert_true(saw_event(ZTS_EVENT_ADDR_ADDED_IP6) && saw_event(ZTS_EVENT_ROUTE_ADDED));
  pthread_mutex_lock(&ev_lock);
  assert_int_equal(zts_addr_get_str(nwid, ZTS_AF_INET, s, sizeof s), ZTS_ERR_OK);
  assert_string_equal(ev_addr4, s);
  assert_int_equal(ev_node_id, id);
  pthread_mutex_unlock(&ev_lock);
}

/* zts server (BSD calls) <- native client: 1 MiB each way, byte-exact. */
static void test_tcp_bsd_server(void **state)
{
  int l = zts_bsd_socket(ZTS_AF_INET, ZTS_SOCK_STREAM, 0);
  struct zts_sockaddr_in any = {.sin_family = ZTS_AF_INET, .sin_port = htons(7101)};
  assert_int_equal(zts_bsd_bind(l, (struct zts_sockaddr *)&any, sizeof any), 0);
  assert_int_equal(zts_bsd_listen(l, 4), 0);
  ztk_socket *c;
  struct sockaddr_in to = zts_node_addr(7101);
  assert_int_equal(ztk_socket_open(&c, net.ns[B], AF_INET, ZTK_SOCK_STREAM), 0);
  assert_int_equal(ztk_socket_connect(c, (struct sockaddr *)&to, sizeof to, IO_MS), 0);
  struct zts_sockaddr_in peer;
  zts_socklen_t plen = sizeof peer;
  int s = zts_bsd_accept(l, (struct zts_sockaddr *)&peer, &plen);
  assert_true(s >= 0);
  assert_int_equal(plen, sizeof peer);
  char ip[ZTS_INET6_ADDRSTRLEN];
  unsigned short port;
  assert_int_equal(zts_getpeername(s, ip, sizeof ip, &port), 0);
  assert_string_equal(ip, b_ip4);
  assert_int_equal(port, ntohs(peer.sin_port));
  uint8_t *out = malloc(BIG), *in = malloc(BIG);
  fill(out, BIG, 1);
  assert_int_equal(ztk_socket_send(c, out, BIG, IO_MS), BIG);
  zts_read_all(s, in, BIG);
  assert_memory_equal(in, out, BIG);
  /* back, through writev */
  fill(out, BIG, 2);
  struct zts_iovec iov[2] = {{out, 1000}, {out + 1000, BIG - 1000}};
  assert_int_equal(zts_bsd_writev(s, iov, 2), BIG);
  assert_int_equal(ztk_socket_recv(c, in, BIG, ZTK_MSG_WAITALL, IO_MS), BIG);
  assert_memory_equal(in, out, BIG);
  /* FIONREAD, then readv; end of stream after the peer's shutdown */
  assert_int_equal(ztk_socket_send(c, "abcdef", 6, IO_MS), 6);
  int avail = 0;
  for (int i = 0; i < 500 && avail < 6; i++, zts_util_delay(10))
    assert_int_equal(zts_bsd_ioctl(s, ZTS_FIONREAD, &avail), 0);
  assert_int_equal(avail, 6);
  assert_int_equal(zts_get_data_available(s), 6);
  char a[2], b[8];
  struct zts_iovec riov[2] = {{a, 2}, {b, 8}};
  assert_int_equal(zts_bsd_readv(s, riov, 2), 6);
  assert_memory_equal(a, "ab", 2);
  assert_memory_equal(b, "cdef", 4);
  assert_int_equal(ztk_socket_shutdown(c, ZTK_SHUT_WR), 0);
  assert_int_equal(zts_read(s, b, sizeof b), 0);
  ztk_socket_close(c);
  assert_int_equal(zts_close(s), 0);
  assert_int_equal(zts_close(l), 0);
  free(out);
  free(in);
}

/* zts client (simplified API) -> native server; option helpers; connect is fast. */
static void test_tcp_simple_client(void **state)
{
  ztk_socket *l = b_listen(ZTK_SOCK_STREAM, 7102), *s;
  int64_t t0 = rtnet_ms();
  int fd = zts_tcp_client(b_ip4, 7102);
  assert_true(fd >= 0);
  assert_true(rtnet_ms() - t0 < 2000); /* no 250 ms retry sleeps: as fast as the handshake */
  assert_int_equal(ztk_socket_accept(l, &s, NULL, IO_MS), 0);
  assert_int_equal(zts_set_no_delay(fd, 1), 0);
  assert_int_equal(zts_get_no_delay(fd), 1);
  assert_int_equal(zts_set_keepalive(fd, 1), 0);
  assert_int_equal(zts_get_keepalive(fd), 1);
  assert_int_equal(zts_set_linger(fd, 1, 3), 0);
  assert_int_equal(zts_get_linger_enabled(fd), 1);
  assert_int_equal(zts_get_linger_value(fd), 3);
  assert_int_equal(zts_set_linger(fd, 0, 0), 0);
  assert_int_equal(zts_set_reuse_addr(fd, 1), 0);
  assert_int_equal(zts_set_reuse_addr(fd, 2), ZTS_ERR_ARG);
  assert_int_equal(zts_init_allow_net_cache(1), ZTS_ERR_SERVICE);
  assert_int_equal(zts_init_allow_id_cache(2), ZTS_ERR_ARG);
  assert_int_equal(zts_get_reuse_addr(fd), 1);
  assert_int_equal(zts_set_recv_timeout(fd, 2, 500000), 0);
  assert_int_equal(zts_get_recv_timeout(fd), 2);
  assert_int_equal(zts_set_send_timeout(fd, 4, 0), 0);
  assert_int_equal(zts_get_send_timeout(fd), 4);
  assert_int_equal(zts_set_send_buf_size(fd, 65536), 0);
  assert_int_equal(zts_get_send_buf_size(fd), 65536);
  assert_int_equal(zts_set_recv_buf_size(fd, 65536), 0);
  assert_int_equal(zts_get_recv_buf_size(fd), 65536);
  assert_int_equal(zts_set_ttl(fd, 33), 0);
  assert_int_equal(zts_get_ttl(fd), 33);
  assert_int_equal(zts_get_blocking(fd), 1);
  assert_int_equal(zts_get_last_socket_error(fd), 0);
  assert_true(zts_get_pending_data_size(fd) >= 0);
  char ip[ZTS_INET6_ADDRSTRLEN];
  unsigned short port = 0;
  assert_int_equal(zts_getsockname(fd, ip, sizeof ip, &port), 0);
  assert_true(port != 0);
  uint8_t *out = malloc(BIG), *in = malloc(BIG);
  fill(out, BIG, 3);
  assert_int_equal(zts_write(fd, out, BIG), BIG);
  assert_int_equal(ztk_socket_recv(s, in, BIG, ZTK_MSG_WAITALL, IO_MS), BIG);
  assert_memory_equal(in, out, BIG);
  /* the receive timeout ends a read with nothing to read */
  t0 = rtnet_ms();
  assert_int_equal(zts_recv(fd, in, 10, 0), ZTS_ERR_SOCKET);
  assert_int_equal(zts_errno, ZTS_EAGAIN);
  assert_true(rtnet_ms() - t0 >= 2400);
  ztk_socket_close(s);
  ztk_socket_close(l);
  assert_int_equal(zts_close(fd), 0);
  free(out);
  free(in);
}

static void test_udp(void **state)
{
  int fd = zts_udp_server("0.0.0.0", 7103);
  assert_true(fd >= 0);
  ztk_socket *u = b_listen(ZTK_SOCK_DGRAM, 7104);
  struct sockaddr_in to = zts_node_addr(7103);
  assert_int_equal(ztk_socket_sendto(u, "hello datagram", 14, (struct sockaddr *)&to, sizeof to), 14);
  char buf[64];
  struct zts_sockaddr_in from;
  zts_socklen_t flen = sizeof from;
  assert_int_equal(zts_bsd_recvfrom(fd, buf, sizeof buf, 0, (struct zts_sockaddr *)&from, &flen), 14);
  assert_memory_equal(buf, "hello datagram", 14);
  assert_int_equal(ntohs(from.sin_port), 7104);
  /* a short buffer: recvmsg says MSG_TRUNC */
  assert_int_equal(ztk_socket_sendto(u, "0123456789", 10, (struct sockaddr *)&to, sizeof to), 10);
  struct zts_iovec iov = {buf, 4};
  struct zts_msghdr m = {.msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &iov, .msg_iovlen = 1};
  assert_int_equal(zts_bsd_recvmsg(fd, &m, 0), 4);
  assert_true(m.msg_flags & ZTS_MSG_TRUNC);
  assert_memory_equal(buf, "0123", 4);
  /* and back with sendmsg */
  struct zts_iovec parts[2] = {{"re", 2}, {"ply", 3}};
  struct zts_msghdr sm = {.msg_name = &from, .msg_namelen = sizeof from, .msg_iov = parts, .msg_iovlen = 2};
  assert_int_equal(zts_bsd_sendmsg(fd, &sm, 0), 5);
  assert_int_equal(ztk_socket_recvfrom(u, buf, sizeof buf, 0, NULL, IO_MS), 5);
  assert_memory_equal(buf, "reply", 5);
  ztk_socket_close(u);
  assert_int_equal(zts_close(fd), 0);
}

static void test_nonblocking_poll_select(void **state)
{
  ztk_socket *l = b_listen(ZTK_SOCK_STREAM, 7105), *s;
  int fd = zts_bsd_socket(ZTS_AF_INET, ZTS_SOCK_STREAM, 0);
  int fl = zts_bsd_fcntl(fd, ZTS_F_GETFL, 0);
  assert_int_equal(zts_bsd_fcntl(fd, ZTS_F_SETFL, fl | ZTS_O_NONBLOCK), 0);
  assert_int_equal(zts_get_blocking(fd), 0);
  assert_int_equal(zts_connect(fd, b_ip4, 7105, 0), ZTS_ERR_SOCKET);
  assert_int_equal(zts_errno, ZTS_EINPROGRESS);
  struct zts_pollfd p = {fd, ZTS_POLLOUT, 0};
  assert_int_equal(zts_bsd_poll(&p, 1, IO_MS), 1);
  assert_true(p.revents & ZTS_POLLOUT);
  assert_int_equal(zts_get_last_socket_error(fd), 0);
  assert_int_equal(ztk_socket_accept(l, &s, NULL, IO_MS), 0);
  char buf[16];
  assert_int_equal(zts_recv(fd, buf, sizeof buf, 0), ZTS_ERR_SOCKET);
  assert_int_equal(zts_errno, ZTS_EAGAIN);
  /* select: not readable now, readable after the peer writes */
  zts_fd_set r;
  ZTS_FD_ZERO(&r);
  ZTS_FD_SET(fd, &r);
  struct zts_timeval tv = {0, 50000};
  assert_int_equal(zts_bsd_select(fd + 1, &r, NULL, NULL, &tv), 0);
  assert_false(ZTS_FD_ISSET(fd, &r));
  assert_int_equal(ztk_socket_send(s, "nb", 2, IO_MS), 2);
  ZTS_FD_SET(fd, &r);
  tv = (struct zts_timeval){10, 0};
  assert_int_equal(zts_bsd_select(fd + 1, &r, NULL, NULL, &tv), 1);
  assert_true(ZTS_FD_ISSET(fd, &r));
  assert_int_equal(zts_recv(fd, buf, sizeof buf, 0), 2);
  /* FIONBIO back to blocking; MSG_DONTWAIT still does not wait */
  int off = 0;
  assert_int_equal(zts_bsd_ioctl(fd, ZTS_FIONBIO, &off), 0);
  assert_int_equal(zts_get_blocking(fd), 1);
  assert_int_equal(zts_bsd_recv(fd, buf, sizeof buf, ZTS_MSG_DONTWAIT), ZTS_ERR_SOCKET);
  assert_int_equal(zts_errno, ZTS_EAGAIN);
  /* a closed fd polls as POLLNVAL */
  assert_int_equal(zts_close(fd), 0);
  p = (struct zts_pollfd){fd, ZTS_POLLIN, 0};
  assert_int_equal(zts_bsd_poll(&p, 1, 0), 1);
  assert_int_equal(p.revents, ZTS_POLLNVAL);
  ztk_socket_close(s);
  ztk_socket_close(l);
}

static void *blocked_accept(void *arg)
{
  int *fd = arg;
  fd[1] = zts_bsd_accept(fd[0], NULL, NULL);
  fd[2] = zts_errno;
  return NULL;
}

static void *blocked_recv(void *arg)
{
  int *fd = arg;
  char buf[16];
  fd[1] = (int)zts_bsd_recv(fd[0], buf, sizeof buf, 0);
  fd[2] = zts_errno;
  return NULL;
}

/* zts_close from another thread ends a blocked accept and a blocked UDP receive at once. */
static void test_close_wakes_blocked_calls(void **state)
{
  void *(*fn[2])(void *) = {blocked_accept, blocked_recv};
  for (int k = 0; k < 2; k++) {
    int fd[3] = {k == 0 ? zts_bsd_socket(ZTS_AF_INET, ZTS_SOCK_STREAM, 0) : zts_udp_server("0.0.0.0", 7120), 0, 0};
    assert_true(fd[0] >= 0);
    if (k == 0) {
      assert_int_equal(zts_bind(fd[0], "0.0.0.0", 7121), 0);
      assert_int_equal(zts_listen(fd[0], 1), 0);
    }
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, fn[k], fd), 0);
    zts_util_delay(200);
    int64_t t0 = rtnet_ms();
    assert_int_equal(zts_close(fd[0]), 0);
    pthread_join(t, NULL);
    assert_true(rtnet_ms() - t0 < 2000);
    assert_int_equal(fd[1], ZTS_ERR_SOCKET);
    assert_int_equal(fd[2], ZTS_ECONNABORTED);
    /* the number is free again and the next socket works */
    int again = zts_socket(ZTS_AF_INET, ZTS_SOCK_DGRAM, 0);
    assert_int_equal(again, fd[0]);
    assert_int_equal(zts_close(again), 0);
  }
}

static void test_stats(void **state)
{
  zts_stats_counter_t st;
  assert_int_equal(zts_stats_get_all(&st), ZTS_ERR_OK);
  assert_true(st.tcp_tx > 100 && st.tcp_rx > 100);
  assert_true(st.udp_tx >= 1 && st.udp_rx >= 2);
  /* lwIP's counters are the process's: the native member's stack counts here too */
  assert_true(st.link_tx > 100 && st.link_rx > 100 && st.ip4_rx > 100 && st.etharp_rx > 0);
}

/* One echo from the native member through a zts listener, after a restart. */
static void echo_through(uint16_t port)
{
  int l = zts_socket(ZTS_AF_INET, ZTS_SOCK_STREAM, 0);
  assert_int_equal(zts_bind(l, "0.0.0.0", port), 0);
  assert_int_equal(zts_listen(l, 1), 0);
  ztk_socket *c;
  struct sockaddr_in to = zts_node_addr(port);
  assert_int_equal(ztk_socket_open(&c, net.ns[B], AF_INET, ZTK_SOCK_STREAM), 0);
  assert_int_equal(ztk_socket_connect(c, (struct sockaddr *)&to, sizeof to, IO_MS), 0);
  char ip[ZTS_INET6_ADDRSTRLEN], buf[8];
  int s = zts_accept(l, ip, sizeof ip, NULL);
  assert_true(s >= 0);
  assert_int_equal(ztk_socket_send(c, "again", 5, IO_MS), 5);
  zts_read_all(s, (uint8_t *)buf, 5);
  assert_memory_equal(buf, "again", 5);
  ztk_socket_close(c);
  zts_close(s);
  zts_close(l);
}

/* ---- DNS: a tiny responder on the native member ---- */

typedef struct dns_srv {
  ztk_socket *s4, *s6;
  volatile bool stop;
  int queries;
} dns_srv;

/* Appends an answer record (pointer to the question name) of type/rdata to r at n. */
static size_t dns_answer(uint8_t *r, size_t n, int type, const uint8_t *rdata, size_t len)
{
  uint8_t rr[12] = {0xc0, 12, 0, (uint8_t)type, 0, 1, 0, 0, 0, 60, 0, (uint8_t)len};
  memcpy(r + n, rr, sizeof rr);
  memcpy(r + n + sizeof rr, rdata, len);
  r[7] = 1; /* ANCOUNT */
  return n + sizeof rr + len;
}

/* The response to query q (n bytes), 0: none. Names: host.zt / v6.zt A 10.55.0.77, six.zt
 * AAAA fd00::77, nx.zt NXDOMAIN, anything else unanswered. */
static size_t dns_respond(const uint8_t *q, size_t n, uint8_t *r)
{
  static const uint8_t a[4] = {10, 55, 0, 77};
  static const uint8_t aaaa[16] = {0xfd, [15] = 0x77};
  char name[64] = "";
  size_t at = 12, nl = 0;
  while (at < n && q[at] && q[at] < 64 && nl + q[at] + 2 < sizeof name) {
    memcpy(name + nl, q + at + 1, q[at]);
    nl += q[at];
    name[nl++] = '.';
    at += q[at] + 1u;
  }
  if (at + 5 > n || nl == 0)
    return 0;
  name[nl - 1] = 0;
  int qtype = q[at + 2];
  size_t len = at + 5; /* header and question */
  memcpy(r, q, len);
  r[2] = 0x81;
  r[3] = 0x80;
  r[6] = r[7] = r[8] = r[9] = r[10] = r[11] = 0;
  if (strcmp(name, "nx.zt") == 0)
    r[3] |= 3;
  else if ((strcmp(name, "host.zt") == 0 || strcmp(name, "v6.zt") == 0) && qtype == 1)
    len = dns_answer(r, len, 1, a, sizeof a);
  else if (strcmp(name, "six.zt") == 0 && qtype == 28)
    len = dns_answer(r, len, 28, aaaa, sizeof aaaa);
  else if (strcmp(name, "six.zt") != 0)
    return 0;
  return len;
}

static void *dns_thread(void *arg)
{
  dns_srv *d = arg;
  uint8_t q[512], r[600];
  while (!d->stop) {
    ztk_pollitem it[2] = {{d->s4, ZTK_SOCK_EV_IN, 0}, {d->s6, ZTK_SOCK_EV_IN, 0}};
    if (ztk_socket_poll(it, 2, 100) <= 0)
      continue;
    for (int i = 0; i < 2; i++) {
      struct sockaddr_storage from;
      long n = it[i].revents ? ztk_socket_recvfrom(it[i].s, q, sizeof q, 0, &from, 0) : -1;
      size_t len = n > 12 ? dns_respond(q, (size_t)n, r) : 0;
      d->queries += n > 0;
      if (len)
        ztk_socket_sendto(it[i].s, r, len, (struct sockaddr *)&from, sizeof from);
    }
  }
  return NULL;
}

static void dns_server(dns_srv *d, pthread_t *t)
{
  struct sockaddr_in6 any6 = {.sin6_family = AF_INET6, .sin6_port = htons(53)};
  memset(d, 0, sizeof *d);
  d->s4 = b_listen(ZTK_SOCK_DGRAM, 53);
  assert_int_equal(ztk_socket_open(&d->s6, net.ns[B], AF_INET6, ZTK_SOCK_DGRAM), 0);
  assert_int_equal(ztk_socket_bind(d->s6, (struct sockaddr *)&any6, sizeof any6), 0);
  assert_int_equal(pthread_create(t, NULL, dns_thread, d), 0);
}

static const char *lookup(const char *name)
{
  static char text[ZTS_INET6_ADDRSTRLEN];
  struct zts_hostent *h = zts_bsd_gethostbyname(name);
  if (!h)
    return NULL;
  assert_int_equal(h->h_addrtype, ZTS_AF_INET);
  assert_int_equal(h->h_length, 4);
  assert_string_equal(h->h_name, name);
  assert_null(h->h_addr_list[1]);
  assert_null(h->h_aliases[0]);
  return zts_inet_ntop(ZTS_AF_INET, h->h_addr, text, sizeof text);
}

static void test_ipaddr_text(void **state)
{
  zts_ip_addr a;
  assert_int_equal(zts_ipaddr_aton("10.55.0.1", &a), 1);
  assert_int_equal(a.type, ZTS_IPADDR_TYPE_V4);
  assert_int_equal(a.u_addr.ip4.addr, htonl(0x0a370001));
  assert_string_equal(zts_ipaddr_ntoa(&a), "10.55.0.1");
  assert_int_equal(zts_ipaddr_aton("fd00::1:2", &a), 1);
  assert_int_equal(a.type, ZTS_IPADDR_TYPE_V6);
  assert_int_equal(a.u_addr.ip6.addr[0], htonl(0xfd000000));
  assert_int_equal(a.u_addr.ip6.addr[3], htonl(0x00010002));
  assert_string_equal(zts_ipaddr_ntoa(&a), "FD00::1:2"); /* lwIP writes hex in capitals */
  assert_int_equal(zts_ipaddr_aton("10.1", &a), 1);      /* inet_aton forms, as lwIP */
  assert_string_equal(zts_ipaddr_ntoa(&a), "10.0.0.1");
  assert_int_equal(zts_ipaddr_aton("example", &a), 0);
  assert_int_equal(zts_ipaddr_aton("1.2.3.4.5", &a), 0);
  assert_int_equal(zts_ipaddr_aton(NULL, &a), 0);
  assert_int_equal(zts_ipaddr_aton("1.2.3.4", NULL), 1);
  assert_null(zts_ipaddr_ntoa(NULL));
  a.type = 99;
  assert_null(zts_ipaddr_ntoa(&a));
}

static void test_dns(void **state)
{
  dns_srv d;
  pthread_t t;
  zts_ip_addr srv;
  struct sockaddr_storage ss;
  /* bad arguments; nothing set yet */
  assert_int_equal(zts_dns_set_server(0, NULL), ZTS_ERR_ARG);
  assert_int_equal(zts_dns_set_server(ZTS_DNS_MAX_SERVERS, &srv), ZTS_ERR_ARG);
  srv.type = 99;
  assert_int_equal(zts_dns_set_server(0, &srv), ZTS_ERR_ARG);
  assert_null(zts_dns_get_server(ZTS_DNS_MAX_SERVERS));
  assert_int_equal(zts_dns_get_server(0)->type, ZTS_IPADDR_TYPE_ANY);
  assert_null(zts_bsd_gethostbyname(NULL));
  assert_int_equal(zts_errno, ZTS_EINVAL);
  assert_null(zts_bsd_gethostbyname(""));
  assert_int_equal(zts_errno, ZTS_EINVAL);
  assert_null(zts_bsd_gethostbyname("host.zt"));
  assert_int_equal(zts_errno, ZTS_ENETUNREACH);
  /* numeric: answered directly */
  assert_string_equal(lookup("10.1.2.3"), "10.1.2.3");
  dns_server(&d, &t);
  assert_int_equal(zts_ipaddr_aton(b_ip4, &srv), 1);
  assert_int_equal(zts_dns_set_server(0, &srv), ZTS_ERR_OK);
  assert_string_equal(zts_ipaddr_ntoa(zts_dns_get_server(0)), b_ip4);
  assert_string_equal(lookup("host.zt"), "10.55.0.77");
  assert_null(lookup("nx.zt"));
  assert_int_equal(zts_errno, ZTS_ENOENT);
  assert_null(lookup("six.zt")); /* no A record */
  assert_int_equal(zts_errno, ZTS_ENOENT);
  /* the native call: AAAA; a wait that ends before lwIP's retries, and meanwhile another
   * node of the process cannot use lwIP's DNS client */
  ztk_netstack *ns = NULL;
  assert_true(zts_dn_get(NULL, &ns));
  assert_int_equal(ztk_netstack_resolve(ns, "six.zt", AF_INET6, IO_MS, &ss), 0);
  char text[ZTS_INET6_ADDRSTRLEN];
  inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, text, sizeof text);
  assert_string_equal(text, "fd00::77");
  assert_int_equal(ztk_netstack_resolve(ns, "quiet.zt", AF_INET, 300, &ss), ZTK_ETIMEDOUT);
  assert_int_equal(ztk_netstack_resolve(net.ns[B], "host.zt", AF_INET, 100, &ss), ZTK_ESTATE);
  assert_int_equal(ztk_netstack_resolve(ns, "x.zt", 12345, 100, &ss), ZTK_EINVAL);
  assert_int_equal(ztk_netstack_dns_set_server(ns, 5, NULL), ZTK_EINVAL);
  int64_t t0 = rtnet_ms();
  assert_null(lookup("silent.zt")); /* lwIP gives up after its retries */
  assert_int_equal(zts_errno, ZTS_ETIMEDOUT);
  assert_true(rtnet_ms() - t0 < 15000);
  /* an IPv6 server */
  assert_int_equal(rtnet_addr(&net, B, nwid, AF_INET6, "fd", 0, &ss), 0);
  char b6[ZTS_INET6_ADDRSTRLEN];
  inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, b6, sizeof b6);
  assert_int_equal(zts_ipaddr_aton(b6, &srv), 1);
  assert_int_equal(zts_dns_set_server(0, &srv), ZTS_ERR_OK);
  assert_int_equal(zts_dns_get_server(0)->type, ZTS_IPADDR_TYPE_V6);
  assert_string_equal(lookup("v6.zt"), "10.55.0.77");
  assert_true(d.queries >= 5);
  d.stop = true;
  pthread_join(t, NULL);
  ztk_socket_close(d.s4);
  ztk_socket_close(d.s6);
  srv.type = ZTS_IPADDR_TYPE_V4;
  srv.u_addr.ip4.addr = 0;
  assert_int_equal(zts_dns_set_server(0, &srv), ZTS_ERR_OK); /* cleared */
}

/* Raw ICMP sockets: an echo request written by hand gets the member's echo reply (read with
 * its IP header); IPv6 likewise with the checksum left to the stack; bad uses refused. */
static uint16_t csum(const uint8_t *b, size_t n)
{
  uint32_t sum = 0;
  for (size_t i = 0; i + 1 < n; i += 2)
    sum += (uint32_t)(b[i] << 8 | b[i + 1]);
  if (n & 1)
    sum += (uint32_t)b[n - 1] << 8;
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return (uint16_t)~sum;
}

/* Sends an echo request (type, id 0x5a5a) to `to` on fd and waits for the matching reply
 * (type reply_type) whose ICMP part starts `skip` bytes after the IP header's start. */
static void raw_echo(int fd, const struct zts_sockaddr *to, zts_socklen_t tolen, int type,
                     int reply_type, bool v4)
{
  uint8_t req[24] = {(uint8_t)type, 0, 0, 0, 0x5a, 0x5a, 0, 1};
  memcpy(req + 8, "raw-icmp-payload", 16);
  if (v4) {
    uint16_t c = csum(req, sizeof req);
    req[2] = (uint8_t)(c >> 8);
    req[3] = (uint8_t)c;
  }
  assert_int_equal(zts_bsd_sendto(fd, req, sizeof req, 0, to, tolen), (ssize_t)sizeof req);
  struct zts_pollfd pfd = {fd, ZTS_POLLIN, 0};
  for (int tries = 0; tries < 50; tries++) {
    assert_int_equal(zts_bsd_poll(&pfd, 1, IO_MS), 1);
    uint8_t pkt[256];
    struct zts_sockaddr_storage from;
    zts_socklen_t fl = sizeof from;
    ssize_t n = zts_bsd_recvfrom(fd, pkt, sizeof pkt, 0, (struct zts_sockaddr *)&from, &fl);
    assert_true(n > 0);
    assert_int_equal(pkt[0] >> 4, v4 ? 4 : 6);
    size_t hl = v4 ? (size_t)(pkt[0] & 15) * 4 : 40;
    if ((size_t)n < hl + sizeof req || pkt[hl] != reply_type || pkt[hl + 4] != 0x5a)
      continue; /* our own request, seen on the way out, or something else */
    assert_memory_equal(pkt + hl + 8, "raw-icmp-payload", 16);
    assert_int_equal(from.ss_family, v4 ? ZTS_AF_INET : ZTS_AF_INET6);
    return;
  }
  fail_msg("no echo reply");
}

static void test_raw_icmp(void **state)
{
  struct zts_sockaddr_in to4;
  zts_socklen_t len = sizeof to4;
  assert_int_equal(zts_util_ipstr_to_saddr(b_ip4, 0, (struct zts_sockaddr *)&to4, &len), ZTS_ERR_OK);
  int fd = zts_bsd_socket(ZTS_AF_INET, ZTS_SOCK_RAW, ZTS_IPPROTO_ICMP);
  assert_true(fd >= 0);
  int type = 0;
  zts_socklen_t tl = sizeof type;
  assert_int_equal(zts_bsd_getsockopt(fd, ZTS_SOL_SOCKET, ZTS_SO_TYPE, &type, &tl), 0);
  assert_int_equal(type, ZTS_SOCK_RAW);
  raw_echo(fd, (struct zts_sockaddr *)&to4, sizeof to4, 8, 0, true);
  assert_int_equal(zts_bsd_send(fd, "x", 1, 0), ZTS_ERR_SOCKET);
  assert_int_equal(zts_errno, ZTS_EDESTADDRREQ);
  assert_int_equal(zts_bsd_connect(fd, (struct zts_sockaddr *)&to4, sizeof to4), ZTS_ERR_SOCKET);
  assert_int_equal(zts_errno, ZTS_EOPNOTSUPP);
  assert_int_equal(zts_bsd_close(fd), 0);
  /* IPv6: the checksum is the stack's */
  struct sockaddr_storage b6;
  assert_int_equal(rtnet_addr(&net, B, nwid, AF_INET6, "fd", 0, &b6), 0);
  char text[ZTS_INET6_ADDRSTRLEN];
  inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&b6)->sin6_addr, text, sizeof text);
  struct zts_sockaddr_in6 to6;
  len = sizeof to6;
  assert_int_equal(zts_util_ipstr_to_saddr(text, 0, (struct zts_sockaddr *)&to6, &len), ZTS_ERR_OK);
  fd = zts_bsd_socket(ZTS_AF_INET6, ZTS_SOCK_RAW, ZTS_IPPROTO_ICMPV6);
  assert_true(fd >= 0);
  raw_echo(fd, (struct zts_sockaddr *)&to6, sizeof to6, 128, 129, false);
  assert_int_equal(zts_bsd_close(fd), 0);
  /* protocols other than ICMP / ICMPv6 */
  assert_int_equal(zts_bsd_socket(ZTS_AF_INET, ZTS_SOCK_RAW, ZTS_IPPROTO_UDP), ZTS_ERR_SOCKET);
  assert_int_equal(zts_errno, ZTS_EPROTONOSUPPORT);
  assert_int_equal(zts_bsd_socket(ZTS_AF_INET6, ZTS_SOCK_RAW, ZTS_IPPROTO_ICMP), ZTS_ERR_SOCKET);
  assert_int_equal(zts_errno, ZTS_EPROTONOSUPPORT);
  assert_int_equal(zts_bsd_socket(ZTS_AF_INET, 9, 0), ZTS_ERR_SOCKET);
  assert_int_equal(zts_errno, ZTS_ESOCKTNOSUPPORT);
}

static void test_stop_start_twice(void **state)
{
  uint64_t id = zts_node_get_id();
  int fd = zts_socket(ZTS_AF_INET, ZTS_SOCK_STREAM, 0);
  for (int round = 0; round < 2; round++) {
    assert_int_equal(zts_node_stop(), ZTS_ERR_OK);
    assert_true(saw_event(ZTS_EVENT_NODE_DOWN)); /* delivered before stop returned */
    pthread_mutex_lock(&ev_lock);
    assert_int_equal(ev_down_id, id);
    pthread_mutex_unlock(&ev_lock);
    assert_int_equal(zts_node_is_online(), 0);
    assert_int_equal(zts_node_stop(), ZTS_ERR_SERVICE);
    assert_int_equal(zts_bsd_socket(ZTS_AF_INET, ZTS_SOCK_STREAM, 0), ZTS_ERR_SERVICE);
    assert_int_equal(zts_bsd_listen(fd, 1), ZTS_ERR_SOCKET); /* the old socket is dead */
    start_and_join(); /* the same storage: same identity, network remembered */
    assert_int_equal(zts_node_get_id(), id);
    echo_through((uint16_t)(7110 + round));
  }
  assert_int_equal(zts_close(fd), 0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_constants),
    cmocka_unit_test(test_argument_errors),
    cmocka_unit_test(test_sign_root_set),
    cmocka_unit_test(test_node_and_network),
    cmocka_unit_test(test_tcp_bsd_server),
    cmocka_unit_test(test_tcp_simple_client),
    cmocka_unit_test(test_udp),
    cmocka_unit_test(test_nonblocking_poll_select),
    cmocka_unit_test(test_close_wakes_blocked_calls),
    cmocka_unit_test(test_stats),
    cmocka_unit_test(test_ipaddr_text),
    cmocka_unit_test(test_dns),
    cmocka_unit_test(test_raw_icmp),
    cmocka_unit_test(test_stop_start_twice),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
