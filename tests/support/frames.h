/* Test helpers for virtual Ethernet: build ARP / IPv4 ICMP echo / IPv4 UDP payloads as a
 * host's stack would, and a per-host log of frames a node handed to its host. */
#ifndef ZTK_TEST_SUPPORT_FRAMES_H
#define ZTK_TEST_SUPPORT_FRAMES_H

#include <stddef.h>
#include <stdint.h>

#define TF_MAX_FRAMES 64

typedef struct tf_frame {
  uint64_t nwid, src_mac, dst_mac;
  uint16_t ethertype;
  uint8_t data[2048];
  size_t len;
} tf_frame;

typedef struct tf_log {
  tf_frame f[TF_MAX_FRAMES];
  int n;      /* frames logged (oldest dropped beyond TF_MAX_FRAMES) */
  int total;  /* all frames ever seen */
} tf_log;

void tf_log_add(tf_log *l, uint64_t nwid, uint64_t src, uint64_t dst, uint16_t ethertype,
                const void *data, size_t len);

/* Index of the newest frame with this ethertype (and, for IPv4, IP protocol proto unless 0),
 * or -1. */
int tf_find(const tf_log *l, uint16_t ethertype, uint8_t proto);

/* ARP request from (sha, spa) for tpa. Returns the payload length (28). */
size_t tf_arp_request(uint8_t *out, uint64_t sha, uint32_t spa, uint32_t tpa);

/* IPv4 ICMP echo request with id/seq and a small payload. Returns the length. */
size_t tf_icmp_echo(uint8_t *out, uint32_t src, uint32_t dst, uint16_t id, uint16_t seq);

/* IPv4 UDP datagram (checksum filled). Returns the length. */
size_t tf_udp(uint8_t *out, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
              const void *payload, size_t len);

#endif
