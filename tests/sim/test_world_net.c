/* Virtual networks in the simulated world through the flat API (include/ztkit/sim.h): a root, a
 * controller and two lwIP stack members on one network. Checks a 64 MiB TCP transfer, byte for
 * byte, over an access link losing 5% of the datagrams each way with 50 ms latency; and the
 * network's Ethernet pcap: its file and record headers, every frame parsed (ARP, IPv4 with a
 * good header checksum, IPv6), and the same file decoded by tshark when it is installed. */
#include "tests/support/vectors.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util/cursor.h"
#include "ztkit/sim.h"

#define POOL ZTK_SOURCE_DIR "/scenarios/data/identities.pool"
#define NET_PCAP ZTK_BINARY_DIR "/sim_test_world_net.pcap"
#define MIB (UINT64_C(1) << 20)

#define TRANSFER_MIB 64 /* 4 s of wall time in the normal build, 14 s with ASan */

typedef struct lan {
  ztk_sim *s;
  uint32_t ctl, a, b;
  uint64_t nwid;
  char ip_b[ZTK_SIM_TEXT];
} lan;

static uint32_t host(ztk_sim *s, ztk_sim_role role, bool stack, const ztk_sim_link_params *link)
{
  ztk_sim_host_opts o;
  ztk_sim_host_opts_init(&o);
  o.role = role;
  o.stack = stack;
  o.access = link;
  int h = ztk_sim_add_host(s, &o);
  assert_true(h >= 0);
  return (uint32_t)h;
}

static void api(lan *l, const char *method, const char *path, const char *body, char *out,
                size_t cap)
{
  char tmp[4096];
  int status = ztk_sim_api(l->s, l->ctl, method, path, body, out ? out : tmp,
                           out ? cap : sizeof tmp, NULL);
  assert_int_equal(status, 200);
}

static bool configured(lan *l, uint32_t h, ztk_sim_network_info *ni)
{
  return ztk_sim_network(l->s, h, l->nwid, ni) == 0 && ni->status == ZTK_NETWORK_OK &&
         ni->addr_count > 0;
}

/* The first IPv4 (v6 false) or IPv6 address of host h on the network, without its prefix. */
static void ip_of(lan *l, uint32_t h, bool v6, char out[ZTK_SIM_TEXT])
{
  ztk_sim_network_info ni;
  assert_true(configured(l, h, &ni));
  for (int i = 0; i < ni.addr_count; i++)
    if (!strchr(ni.addrs[i], ':') == !v6) {
      snprintf(out, ZTK_SIM_TEXT, "%.*s", (int)strcspn(ni.addrs[i], "/"), ni.addrs[i]);
      return;
    }
  fail_msg("no IPv%d address on the network", v6 ? 6 : 4);
}

/* Root, controller, members a (behind `a_link`) and b (20 ms), all on one network. */
static void lan_up(lan *l, const ztk_sim_link_params *a_link, const char *pcap)
{
  ztk_sim_config cfg;
  ztk_sim_config_init(&cfg);
  cfg.seed = 7;
  cfg.pool_path = POOL;
  assert_int_equal(ztk_sim_new(&l->s, &cfg), 0);
  ztk_sim_link_params near = {.latency_us = 10000}, member = {.latency_us = 20000};
  host(l->s, ZTK_SIM_ROOT, false, &near);
  l->ctl = host(l->s, ZTK_SIM_CONTROLLER, false, &near);
  l->a = host(l->s, ZTK_SIM_MEMBER, true, a_link);
  l->b = host(l->s, ZTK_SIM_MEMBER, true, &member);
  assert_true(ztk_sim_run_for(l->s, 10000) >= 0);
  ztk_sim_host_info ci;
  assert_int_equal(ztk_sim_host_info_get(l->s, l->ctl, &ci), 0);
  char path[160], out[8192];
  snprintf(path, sizeof path, "/controller/network/%010" PRIx64 "______", ci.address);
  api(l, "POST", path,
      "{\"name\":\"t\",\"private\":true,\"v4AssignMode\":{\"zt\":true},\"ipAssignmentPools\":"
      "[{\"ipRangeStart\":\"10.5.0.10\",\"ipRangeEnd\":\"10.5.0.200\"}],\"routes\":"
      "[{\"target\":\"10.5.0.0/24\",\"via\":null}],\"v6AssignMode\":{\"rfc4193\":true}}",
      out, sizeof out);
  const char *id = strstr(out, "\"id\":\"");
  assert_non_null(id);
  l->nwid = strtoull(id + 6, NULL, 16);
  if (pcap)
    assert_int_equal(ztk_sim_pcap_network(l->s, pcap, ZTK_SIM_NONE, l->nwid), 0);
  for (uint32_t h = l->a; h <= l->b; h++) {
    ztk_sim_host_info hi;
    assert_int_equal(ztk_sim_host_info_get(l->s, h, &hi), 0);
    snprintf(path, sizeof path, "/controller/network/%016" PRIx64 "/member/%010" PRIx64, l->nwid,
             hi.address);
    api(l, "POST", path, "{\"authorized\":true}", NULL, 0);
    assert_int_equal(ztk_sim_join(l->s, ZTK_SIM_NOW, h, l->nwid), 0);
  }
  ztk_sim_network_info ni;
  for (int i = 0; i < 600 && !(configured(l, l->a, &ni) && configured(l, l->b, &ni)); i++)
    assert_true(ztk_sim_run_for(l->s, 100) >= 0);
  ip_of(l, l->b, false, l->ip_b);
}

/* Runs until pred(info of sock) or limit_ms of virtual time; returns the socket's info. */
static ztk_sim_sock_info run_sock(ztk_sim *s, int sock, bool (*pred)(const ztk_sim_sock_info *),
                                  int64_t limit_ms)
{
  ztk_sim_sock_info i;
  int64_t end = ztk_sim_now_ms(s) + limit_ms;
  for (;;) {
    assert_int_equal(ztk_sim_sock_info_get(s, sock, &i), 0);
    if (pred(&i) || ztk_sim_now_ms(s) >= end)
      return i;
    assert_true(ztk_sim_run_for(s, 200) >= 0);
  }
}

static bool is_connected(const ztk_sim_sock_info *i)
{
  return i->connected || i->error;
}

static bool is_done(const ztk_sim_sock_info *i)
{
  return i->eof || i->error;
}

static void test_tcp_64mib_lossy(void **state)
{
  (void)state;
  const uint64_t total = TRANSFER_MIB * MIB;
  ztk_sim_link_params bad = {.latency_us = 50000, .loss = 0.05};
  lan l;
  lan_up(&l, &bad, NULL);
  int lst = ztk_sim_tcp_listen(l.s, l.b, "0.0.0.0", 6000, ZTK_SIM_SOCK_SINK);
  assert_true(lst >= 0);
  int c = ztk_sim_tcp_connect(l.s, l.a, l.ip_b, 6000, ZTK_SIM_SOCK_MANUAL);
  assert_true(c >= 0);
  ztk_sim_sock_info ci = run_sock(l.s, c, is_connected, 60000);
  assert_true(ci.connected);
  int64_t t0 = ztk_sim_now_ms(l.s);
  assert_int_equal(ztk_sim_tcp_stream(l.s, c, total, true), 0);
  int acc[2];
  assert_int_equal(ztk_sim_tcp_accepted(l.s, lst, acc, 2), 1);
  ztk_sim_sock_info si = run_sock(l.s, acc[0], is_done, 4 * 3600 * 1000);
  assert_int_equal(si.error, 0);
  assert_true(si.eof);
  assert_false(si.mismatch);
  assert_int_equal(si.bytes_received, total);
  assert_int_equal(si.verified, total);
  ztk_sim_host_info ai;
  ztk_sim_link_counters lc0, lc1;
  assert_int_equal(ztk_sim_host_info_get(l.s, l.a, &ai), 0);
  assert_int_equal(ztk_sim_link_counters_get(l.s, ai.link, 0, &lc0), 0);
  assert_int_equal(ztk_sim_link_counters_get(l.s, ai.link, 1, &lc1), 0);
  assert_true(lc0.dropped > 0 && lc1.dropped > 0);
  double secs = (double)(si.eof_ms - t0) / 1000.0;
  print_message("%" PRIu64 " MiB byte-exact in %.1f s virtual (%.2f Mbit/s), %" PRIu64
                " + %" PRIu64 " datagrams lost of %" PRIu64 " + %" PRIu64 "\n",
                total / MIB, secs, (double)total * 8 / secs / 1e6, lc0.dropped, lc1.dropped,
                lc0.sent, lc1.sent);
  ztk_sim_free(l.s);
}

static uint16_t be16(const u_char *p)
{
  return (uint16_t)(p[0] << 8 | p[1]);
}

/* The Internet checksum of an IPv4 header: 0 when the stored checksum is right. */
static uint16_t ip_sum(const u_char *h, size_t len)
{
  uint32_t sum = 0;
  for (size_t i = 0; i + 1 < len; i += 2)
    sum += be16(h + i);
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return (uint16_t)~sum;
}

typedef struct frame_tally {
  unsigned frames, arp, ipv4, ipv6, tcp, icmp;
} frame_tally;

/* Checks one Ethernet frame of the capture and counts what it carries. */
static void tally_frame(frame_tally *t, const u_char *f, uint32_t len)
{
  assert_true(len >= 14);
  t->frames++;
  uint16_t type = be16(f + 12);
  const u_char *p = f + 14;
  assert_true(f[6] & 0x02);     /* ZeroTier MACs are locally administered */
  if (type == 0x0806) {
    assert_true(len >= 14 + 28);
    assert_int_equal(be16(p), 1); /* hardware type Ethernet */
    t->arp++;
  } else if (type == 0x0800) {
    size_t ihl = (size_t)(p[0] & 15) * 4;
    assert_int_equal(p[0] >> 4, 4);
    assert_true(len >= 14 + ihl && be16(p + 2) <= len - 14);
    assert_int_equal(ip_sum(p, ihl), 0);
    t->ipv4++;
    t->tcp += p[9] == 6;
    t->icmp += p[9] == 1;
  } else {
    assert_int_equal(type, 0x86dd);
    assert_int_equal(p[0] >> 4, 6);
    assert_true(len >= 14 + 40 + (size_t)be16(p + 4));
    t->ipv6++;
  }
}

static void test_network_pcap(void **state)
{
  (void)state;
  ztk_sim_link_params link = {.latency_us = 15000};
  lan l;
  remove(NET_PCAP);
  lan_up(&l, &link, NET_PCAP);
  int lst = ztk_sim_tcp_listen(l.s, l.b, "0.0.0.0", 6001, ZTK_SIM_SOCK_SINK);
  int c = ztk_sim_tcp_connect(l.s, l.a, l.ip_b, 6001, ZTK_SIM_SOCK_MANUAL);
  assert_true(lst >= 0 && c >= 0);
  assert_true(run_sock(l.s, c, is_connected, 20000).connected);
  assert_int_equal(ztk_sim_tcp_stream(l.s, c, 65536, true), 0);
  char ip6[ZTK_SIM_TEXT];
  ip_of(&l, l.b, true, ip6);
  int ping = ztk_sim_ping(l.s, l.a, l.ip_b), ping6 = ztk_sim_ping(l.s, l.a, ip6);
  assert_true(ping >= 0 && ping6 >= 0);
  assert_true(ztk_sim_run_for(l.s, 5000) >= 0);
  ztk_sim_ping_info pi;
  assert_int_equal(ztk_sim_ping_result(l.s, ping, &pi), 1);
  assert_int_equal(ztk_sim_ping_result(l.s, ping6, &pi), 1);
  ztk_sim_free(l.s); /* flushes and closes the capture */

  char err[PCAP_ERRBUF_SIZE];
  pcap_t *p = pcap_open_offline(NET_PCAP, err);
  assert_non_null(p);
  assert_int_equal(pcap_datalink(p), DLT_EN10MB);
  struct pcap_pkthdr *h;
  const u_char *data;
  frame_tally t = {0};
  double last = 0;
  while (pcap_next_ex(p, &h, &data) == 1) {
    double ts = (double)h->ts.tv_sec + (double)h->ts.tv_usec / 1e6;
    assert_true(ts >= last);
    last = ts;
    assert_int_equal(h->caplen, h->len);
    tally_frame(&t, data, h->caplen);
  }
  pcap_close(p);
  print_message("%u frames: %u ARP, %u IPv4 (%u TCP, %u ICMP), %u IPv6\n", t.frames, t.arp,
                t.ipv4, t.tcp, t.icmp, t.ipv6);
  /* both ends log each frame: ARP both ways, the handshake, 64 KiB in 24 full segments and
   * their ACKs, the pings (ICMPv6 with the neighbour solicitation lwIP sends first) */
  assert_true(t.arp >= 4 && t.tcp >= 2 * 24 && t.icmp >= 4 && t.ipv6 >= 4);
  if (system("command -v tshark >/dev/null 2>&1") != 0) {
    print_message("tshark not on PATH: decoding by tshark not checked\n");
    return;
  }
  FILE *ts = popen("tshark -n -r " NET_PCAP " -o ip.check_checksum:TRUE -T fields"
                   " -e frame.protocols -e ip.checksum.status -e _ws.malformed 2>/dev/null", "r");
  assert_non_null(ts);
  char line[256];
  unsigned lines = 0, tcp = 0, icmp = 0, arp = 0;
  while (fgets(line, sizeof line, ts)) {
    lines++;
    assert_int_equal(line[strlen(line) - 2], '\t'); /* no _ws.malformed field */
    if (strncmp(line, "eth:ethertype:ip:", 17) == 0)
      assert_non_null(strstr(line, "\t1\t")); /* tshark finds the IPv4 checksum good */
    tcp += strncmp(line, "eth:ethertype:ip:tcp", 20) == 0;
    icmp += strncmp(line, "eth:ethertype:ip:icmp", 21) == 0;
    arp += strncmp(line, "eth:ethertype:arp", 17) == 0;
  }
  pclose(ts);
  assert_int_equal(lines, t.frames);
  assert_int_equal(tcp, t.tcp);
  assert_int_equal(arp, t.arp);
  assert_int_equal(icmp, t.icmp);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_network_pcap),
      cmocka_unit_test(test_tcp_64mib_lossy),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
