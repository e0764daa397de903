/* Test support: the packets of a capture under tests/data, read with libpcap. */
#ifndef ZTK_TEST_SUPPORT_PCAPFRAMES_H
#define ZTK_TEST_SUPPORT_PCAPFRAMES_H

#include <stddef.h>
#include <stdint.h>

#define TV_PCAP_MAX_PACKETS 4096

typedef struct tv_pcap {
  size_t n;
  uint8_t *data[TV_PCAP_MAX_PACKETS];
  size_t len[TV_PCAP_MAX_PACKETS];
} tv_pcap;

/* Loads every packet of tests/data/<relpath> (whole captured bytes) into a malloc'd tv_pcap;
 * fails the test if the file cannot be read. Packet k of Wireshark's numbering is data[k-1]. */
tv_pcap *tv_pcap_load(const char *relpath);
void tv_pcap_free(tv_pcap *p);

#endif
