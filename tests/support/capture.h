/* Test support: the UDP datagrams of a pcap under tests/data (read with libpcap). */
#ifndef ZTK_TEST_SUPPORT_CAPTURE_H
#define ZTK_TEST_SUPPORT_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

typedef struct tv_udp {
  uint8_t *data; /* UDP payload */
  size_t len;
  uint8_t src_ip[16], dst_ip[16]; /* IPv4 in the first 4 bytes */
  int family;                     /* 4 or 6 */
  uint16_t sport, dport;
} tv_udp;

typedef struct tv_capture {
  int linktype;  /* DLT_* of the file */
  size_t frames; /* records in the file */
  size_t n;      /* UDP datagrams found */
  tv_udp *dg;
} tv_capture;

/* Loads every UDP datagram over IPv4/IPv6 from a LINUX_SLL2 or EN10MB capture, in file order;
 * records of other protocols are counted in frames only. Fails the test on a read error. */
void tv_capture_load(const char *relpath, tv_capture *c);
void tv_capture_free(tv_capture *c);

#endif
