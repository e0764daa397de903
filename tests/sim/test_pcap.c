/* pcap writers: read back with libpcap, check headers, checksums and timestamps; decode with
 * tshark when it is installed. */
#include "tests/support/vectors.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util/cursor.h"
#include "sim/pcap.h"
#include "ztkit/error.h"

#define UNDERLAY ZTK_BINARY_DIR "/sim_test_pcap_underlay.pcap"
#define FRAMES ZTK_BINARY_DIR "/sim_test_pcap_frames.pcap"
#define EPOCH_US INT64_C(1700000000000000)

static void write_underlay(void)
{
  ztk_pcap *w;
  ztk_inaddr s4, d4, s6, d6;
  assert_int_equal(ztk_inaddr_parse(&s4, "10.0.0.11/9993"), 0);
  assert_int_equal(ztk_inaddr_parse(&d4, "203.0.113.7/9993"), 0);
  assert_int_equal(ztk_inaddr_parse(&s6, "2001:db8::1/9993"), 0);
  assert_int_equal(ztk_inaddr_parse(&d6, "2001:db8::2/40001"), 0);
  assert_int_equal(ztk_pcap_open(&w, UNDERLAY, ZTK_PCAP_UNDERLAY, EPOCH_US), 0);
  uint8_t payload[101];
  for (size_t i = 0; i < sizeof payload; i++)
    payload[i] = (uint8_t)(i * 7);
  assert_int_equal(ztk_pcap_udp(w, 1500000, 3, 4, &s4, &d4, 2, 77, payload, sizeof payload), 0);
  assert_int_equal(ztk_pcap_udp(w, 2000001, 4, 3, &s6, &d6, 0, 78, payload, 100), 0);
  assert_int_equal(ztk_pcap_udp(w, 2000002, 4, 3, &s6, &d4, 0, 79, payload, 1), ZTK_EINVAL);
  assert_int_equal(ztk_pcap_udp(w, 2000002, 4, 3, &s4, &d4, 0, 79, payload, 65508), ZTK_ERANGE);
  assert_int_equal(ztk_pcap_frame(w, 0, payload, 60), ZTK_EINVAL); /* wrong writer kind */
  assert_int_equal(ztk_pcap_count(w), 2);
  ztk_pcap_close(w);
}

/* Sum of 16-bit words with end-around carry (a valid checksummed block sums to 0xffff). */
static uint32_t fold(uint32_t sum, const uint8_t *p, size_t len)
{
  return sum + (uint32_t)(uint16_t)~ztk_pcap_csum(0, p, len);
}

static uint16_t finish(uint32_t sum)
{
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return (uint16_t)sum;
}

static void check_v4(const uint8_t *pkt, size_t len)
{
  assert_int_equal(len, 14 + 20 + 8 + 101);
  uint8_t mac[6];
  ztk_pcap_mac(4, mac);
  assert_memory_equal(pkt, mac, 6); /* destination first */
  ztk_pcap_mac(3, mac);
  assert_memory_equal(pkt + 6, mac, 6);
  assert_int_equal(ztk_be_get(pkt + 12, 2), 0x0800);
  const uint8_t *ip = pkt + 14, *udp = ip + 20;
  assert_int_equal(ip[0], 0x45);
  assert_int_equal(ztk_be_get(ip + 2, 2), 20 + 8 + 101);
  assert_int_equal(ztk_be_get(ip + 4, 2), 77);
  assert_int_equal(ip[8], 2); /* TTL */
  assert_int_equal(ip[9], 17);
  assert_int_equal(ztk_pcap_csum(0, ip, 20), 0); /* header checksum verifies */
  assert_int_equal(ztk_be_get(udp, 2), 9993);
  assert_int_equal(ztk_be_get(udp + 4, 2), 8 + 101);
  uint8_t pseudo[12] = {0};
  memcpy(pseudo, ip + 12, 8);
  pseudo[9] = 17;
  ztk_be_put(pseudo + 10, 8 + 101, 2);
  assert_int_equal(finish(fold(fold(0, pseudo, 12), udp, 8 + 101)), 0xffff);
  assert_int_equal(udp[8 + 100], (uint8_t)(100 * 7));
}

static void check_v6(const uint8_t *pkt, size_t len)
{
  assert_int_equal(len, 14 + 40 + 8 + 100);
  assert_int_equal(ztk_be_get(pkt + 12, 2), 0x86dd);
  const uint8_t *ip = pkt + 14, *udp = ip + 40;
  assert_int_equal(ip[0] >> 4, 6);
  assert_int_equal(ztk_be_get(ip + 4, 2), 108);
  assert_int_equal(ip[6], 17);
  assert_int_equal(ip[7], 64);
  assert_int_equal(ztk_be_get(udp + 2, 2), 40001);
  uint8_t pseudo[40] = {0};
  memcpy(pseudo, ip + 8, 32);
  ztk_be_put(pseudo + 32, 108, 4);
  pseudo[39] = 17;
  assert_int_equal(finish(fold(fold(0, pseudo, 40), udp, 108)), 0xffff);
}

/* Opens a capture, checks it is Ethernet and reads its first record. */
static pcap_t *open_first(const char *path, struct pcap_pkthdr **h, const u_char **data)
{
  char err[PCAP_ERRBUF_SIZE];
  pcap_t *p = pcap_open_offline(path, err);
  assert_non_null(p);
  assert_int_equal(pcap_datalink(p), DLT_EN10MB);
  assert_int_equal(pcap_next_ex(p, h, data), 1);
  return p;
}

static void test_underlay_readback(void **state)
{
  write_underlay();
  struct pcap_pkthdr *h;
  const u_char *data;
  pcap_t *p = open_first(UNDERLAY, &h, &data);
  assert_int_equal(h->ts.tv_sec, 1700000001);
  assert_int_equal(h->ts.tv_usec, 500000);
  check_v4(data, h->caplen);
  assert_int_equal(pcap_next_ex(p, &h, &data), 1);
  assert_int_equal(h->ts.tv_sec, 1700000002);
  assert_int_equal(h->ts.tv_usec, 1);
  check_v6(data, h->caplen);
  assert_int_equal(pcap_next_ex(p, &h, &data), PCAP_ERROR_BREAK); /* end of file */
  pcap_close(p);
}

static void test_frames(void **state)
{
  ztk_pcap *w;
  uint8_t frame[80];
  memset(frame, 0xab, sizeof frame);
  assert_int_equal(ztk_pcap_open(&w, FRAMES, ZTK_PCAP_ETHERNET, 0), 0);
  assert_int_equal(ztk_pcap_frame(w, 42, frame, sizeof frame), 0);
  assert_int_equal(ztk_pcap_frame(w, 43, frame, 10), ZTK_EINVAL);
  ztk_inaddr a;
  ztk_inaddr_parse(&a, "10.0.0.1/1");
  assert_int_equal(ztk_pcap_udp(w, 0, 0, 0, &a, &a, 0, 0, frame, 1), ZTK_EINVAL);
  ztk_pcap_close(w);
  struct pcap_pkthdr *h;
  const u_char *data;
  pcap_t *p = open_first(FRAMES, &h, &data);
  assert_int_equal(h->ts.tv_usec, 42);
  assert_int_equal(h->caplen, sizeof frame);
  assert_memory_equal(data, frame, sizeof frame);
  pcap_close(p);
  assert_int_equal(ztk_pcap_open(&w, "/nonexistent-dir/x.pcap", ZTK_PCAP_ETHERNET, 0), ZTK_EIO);
  assert_int_equal(ztk_pcap_open(&w, FRAMES, (ztk_pcap_kind)9, 0), ZTK_EINVAL);
}

static void test_tshark(void **state)
{
  write_underlay();
  if (system("command -v tshark >/dev/null 2>&1") != 0) {
    print_message("tshark not on PATH: decoding assertion not run\n");
    return;
  }
  FILE *p = popen("tshark -n -r " UNDERLAY " -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE"
                  " -T fields -E separator=, -e ip.src -e ipv6.dst -e udp.dstport"
                  " -e ip.checksum.status -e udp.checksum.status -e frame.protocols 2>/dev/null",
                  "r");
  assert_non_null(p);
  char l1[256] = {0}, l2[256] = {0};
  assert_non_null(fgets(l1, sizeof l1, p));
  assert_non_null(fgets(l2, sizeof l2, p));
  pclose(p);
  /* checksum status 1 = "Good" */
  assert_string_equal(l1, "10.0.0.11,,9993,1,1,eth:ethertype:ip:udp:data\n");
  assert_string_equal(l2, ",2001:db8::2,40001,,1,eth:ethertype:ipv6:udp:data\n");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_underlay_readback),
      cmocka_unit_test(test_frames),
      cmocka_unit_test(test_tshark),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
