/* Fragmentation (protocol notes §6): splitting an armored packet into a head and fragment
 * datagrams for a path MTU, parsing fragment headers, and a fixed-size reassembly queue.
 *
 * Fragment datagram: packet id (8, the armored packet's wire bytes 0..7), destination (5), 0xff,
 * total << 4 | number (total includes the head, number 1..), hops (1), then the chunk.
 * There is no per-fragment MAC: the assembled packet is authenticated as a whole afterwards.
 * Internal header. */
#ifndef ZTK_CORE_PACKET_FRAGMENT_H
#define ZTK_CORE_PACKET_FRAGMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/packet/packet.h"

#define ZTK_FRAGMENT_HEADER_LEN 16
#define ZTK_FRAGMENT_INDICATOR 0xff

/* Reassembly limits: 32 sets in flight (as 1.14.1's receive ring), each dropped if still
 * incomplete this long after its first datagram (1.14.1 only overwrites; we also time out). */
#define ZTK_FRAGQ_ENTRIES 32
#define ZTK_FRAGQ_TIMEOUT_MS 5000

typedef struct ztk_fragment {
  uint64_t packet_id;
  ztk_address dest;
  unsigned total;  /* datagrams in the set, head included: 2..7 */
  unsigned number; /* this fragment's number: 1..total-1 */
  unsigned hops;   /* low 3 bits of byte 15 */
  const uint8_t *chunk;
  size_t chunk_len; /* >= 1 */
} ztk_fragment;

/* Parses a fragment datagram. Returns 0, or ZTK_EPKT_FRAGMENT if it is 16 bytes or shorter,
 * lacks the 0xff indicator, or has a total outside 2..7 or a number outside 1..total-1. */
int ztk_fragment_parse(const uint8_t *d, size_t len, ztk_fragment *f);

/* Sender, step 1, before armor: sets (or clears) the fragmented flag of pkt for the path MTU
 * and returns how many datagrams the packet will take (1 = unfragmented, at most 7), or one
 * of: ZTK_EINVAL (mtu < 28), ZTK_EPKT_SHORT, ZTK_EPKT_LONG, ZTK_ELIMIT (more than 7). */
int ztk_fragment_prepare(uint8_t *pkt, size_t len, size_t mtu);

/* Sender, step 2, after armor: writes datagram `index` (0 = head, the first min(len, mtu)
 * bytes; 1.. = fragments) of the armored packet into out. Returns the datagram length, or one
 * of: ZTK_EINVAL (bad mtu, or index not below the datagram count), ZTK_EPKT_SHORT,
 * ZTK_EPKT_LONG, ZTK_ELIMIT, ZTK_ENOSPACE (out smaller than the datagram). */
int ztk_fragment_get(const uint8_t *pkt, size_t len, size_t mtu, unsigned index, uint8_t *out,
                     size_t cap);

/* One set being reassembled. Pieces (head = 0, fragments 1..6) are stored in arrival order in
 * a per-entry arena of ZTK_PROTO_MAX_PACKET_LENGTH bytes, so a set can never hold more bytes
 * than a whole packet. */
typedef struct ztk_fragq_entry {
  uint64_t packet_id;
  int64_t first_ms;  /* arrival of the first piece */
  bool live;
  uint8_t total;     /* 0 until a fragment has told it */
  uint8_t have;      /* bit n set when piece n is stored */
  uint16_t used;     /* arena bytes in use */
  uint16_t off[ZTK_MAX_PACKET_FRAGMENTS];
  uint16_t len[ZTK_MAX_PACKET_FRAGMENTS];
  uint8_t arena[ZTK_PROTO_MAX_PACKET_LENGTH];
} ztk_fragq_entry;

/* The reassembly queue: caller-owned (about 320 KB), fixed size, no allocation. */
typedef struct ztk_fragq {
  ztk_fragq_entry e[ZTK_FRAGQ_ENTRIES];
  unsigned next;      /* ring position reused by the next new set */
  int64_t timeout_ms;
  uint64_t evicted;   /* incomplete sets overwritten or timed out */
} ztk_fragq;

/* Empties q; timeout_ms <= 0 selects ZTK_FRAGQ_TIMEOUT_MS. */
void ztk_fragq_init(ztk_fragq *q, int64_t timeout_ms);

/* Feeds one datagram addressed to us: either a fragment (ztk_datagram_classify said FRAGMENT)
 * or the head of a fragmented packet (a PACKET with the fragmented flag). Duplicates are
 * ignored. When the set completes, the packet (head, then fragment chunks by number) is
 * written to out and its entry freed.
 * Returns the assembled length (> 0), 0 if stored or ignored as a duplicate, or one of:
 * ZTK_EINVAL (neither a fragment nor a fragmented head), ZTK_EPKT_FRAGMENT (malformed
 * fragment, or its total disagrees with the set's), ZTK_EPKT_LONG (the set would exceed
 * ZTK_PROTO_MAX_PACKET_LENGTH; the datagram is ignored), ZTK_ENOSPACE (cap too small for the
 * assembled packet; the set is dropped). */
int ztk_fragq_add(ztk_fragq *q, int64_t now_ms, const uint8_t *d, size_t len, uint8_t *out,
                  size_t cap);

/* Drops incomplete sets older than the timeout. Returns the next time an entry will expire,
 * or ZTK_NEVER if the queue is empty. */
int64_t ztk_fragq_expire(ztk_fragq *q, int64_t now_ms);

/* Number of sets currently being reassembled (expired ones not counted). */
unsigned ztk_fragq_pending(const ztk_fragq *q, int64_t now_ms);

#endif
