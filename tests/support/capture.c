#include "tests/support/capture.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/support/vectors.h"

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif

static unsigned be16(const uint8_t *p) { return (unsigned)p[0] << 8 | p[1]; }

/* Offset of the network-layer header and its ethertype, or -1 if the frame is too short. */
static long l3_offset(int linktype, const uint8_t *p, size_t len, unsigned *ethertype)
{
  size_t off;
  if (linktype == DLT_EN10MB) {
    if (len < 14)
      return -1;
    off = 12;
    while (be16(p + off) == 0x8100 && off + 6 <= len)
      off += 4;
    *ethertype = be16(p + off);
    return (long)(off + 2);
  }
  if (linktype == DLT_LINUX_SLL2) {
    if (len < 20)
      return -1;
    *ethertype = be16(p);
    return 20;
  }
  if (linktype == DLT_LINUX_SLL) {
    if (len < 16)
      return -1;
    *ethertype = be16(p + 14);
    return 16;
  }
  fail_msg("unsupported pcap link type %d", linktype);
  return -1;
}

/* Fills u (except data) and returns the UDP header offset, or -1 for anything not UDP. */
static long l4_offset(const uint8_t *p, size_t len, unsigned ethertype, tv_udp *u)
{
  memset(u, 0, sizeof *u);
  if (ethertype == 0x0800 && len >= 20 && (p[0] >> 4) == 4) {
    size_t ihl = (size_t)(p[0] & 15) * 4;
    if (p[9] != 17 || ihl < 20 || len < ihl + 8 || (be16(p + 6) & 0x3fff) != 0)
      return -1;
    u->family = 4;
    memcpy(u->src_ip, p + 12, 4);
    memcpy(u->dst_ip, p + 16, 4);
    return (long)ihl;
  }
  if (ethertype == 0x86dd && len >= 48 && (p[0] >> 4) == 6 && p[6] == 17) {
    u->family = 6;
    memcpy(u->src_ip, p + 8, 16);
    memcpy(u->dst_ip, p + 24, 16);
    return 40;
  }
  return -1;
}

static void add_record(tv_capture *c, const uint8_t *p, size_t len)
{
  unsigned ethertype = 0;
  long l3 = l3_offset(c->linktype, p, len, &ethertype);
  if (l3 < 0)
    return;
  tv_udp u;
  long l4 = l4_offset(p + l3, len - (size_t)l3, ethertype, &u);
  if (l4 < 0)
    return;
  const uint8_t *udp = p + l3 + l4;
  size_t avail = len - (size_t)(l3 + l4);
  size_t ulen = be16(udp + 4);
  if (ulen < 8 || ulen > avail)
    fail_msg("truncated UDP datagram in capture");
  u.sport = (uint16_t)be16(udp);
  u.dport = (uint16_t)be16(udp + 2);
  u.len = ulen - 8;
  u.data = malloc(u.len ? u.len : 1);
  assert_non_null(u.data);
  memcpy(u.data, udp + 8, u.len);
  c->dg = realloc(c->dg, (c->n + 1) * sizeof *c->dg);
  assert_non_null(c->dg);
  c->dg[c->n++] = u;
}

void tv_capture_load(const char *relpath, tv_capture *c)
{
  char path[1024], err[PCAP_ERRBUF_SIZE];
  snprintf(path, sizeof path, "%s/%s", ZTK_TEST_DATA, relpath);
  memset(c, 0, sizeof *c);
  pcap_t *pc = pcap_open_offline(path, err);
  if (!pc)
    fail_msg("pcap_open_offline(%s): %s", path, err);
  c->linktype = pcap_datalink(pc);
  struct pcap_pkthdr *h;
  const u_char *p;
  int rc;
  while ((rc = pcap_next_ex(pc, &h, &p)) == 1) {
    c->frames++;
    add_record(c, p, h->caplen);
  }
  if (rc != PCAP_ERROR_BREAK)
    fail_msg("pcap read error in %s: %s", path, pcap_geterr(pc));
  pcap_close(pc);
}

void tv_capture_free(tv_capture *c)
{
  for (size_t i = 0; i < c->n; i++)
    free(c->dg[i].data);
  free(c->dg);
  memset(c, 0, sizeof *c);
}
