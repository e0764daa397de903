/* Target: ztk_fragment_parse, ztk_fragment_prepare/get and the reassembly queue
 * (ztk_fragq_add, ztk_fragq_expire).
 *
 * Input: a mode byte. Even mode: the rest is a sequence of records [time step (1)][length (2,
 * big-endian)][datagram] fed to the queue with a clock that advances by the steps (a step with
 * the top bit set also runs expire). Odd mode: [mtu byte][order byte][packet]: the packet is
 * split for MTU 28 + 8 * mtu byte and its datagrams are fed in an order drawn from the order
 * byte, with one duplicate; it must come back exactly. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/packet/fragment.h"

static ztk_fragq q;
static uint8_t out[ZTK_PROTO_MAX_PACKET_LENGTH], pkt[ZTK_PROTO_MAX_PACKET_LENGTH];
static uint8_t dg[ZTK_MAX_PACKET_FRAGMENTS][ZTK_PROTO_MAX_PACKET_LENGTH];

static void check(int cond)
{
  if (!cond)
    abort();
}

static void run_sequence(const uint8_t *p, size_t n)
{
  int64_t now = 0;
  while (n >= 3) {
    uint8_t step = p[0];
    size_t len = (size_t)p[1] << 8 | p[2];
    p += 3;
    n -= 3;
    if (len > n)
      len = n;
    now += (step & 0x7f) * 100;
    if (step & 0x80) {
      int64_t next = ztk_fragq_expire(&q, now);
      check(next > now);
    }
    int rc = ztk_fragq_add(&q, now, p, len, out, sizeof out);
    check(rc <= (int)sizeof out);
    check(rc <= 0 || rc > ZTK_PROTO_MIN_PACKET_LENGTH);
    check(ztk_fragq_pending(&q, now) <= ZTK_FRAGQ_ENTRIES);
    p += len;
    n -= len;
  }
}

static void run_split(const uint8_t *p, size_t n)
{
  if (n < 2 + ZTK_PROTO_MIN_PACKET_LENGTH || n - 2 > sizeof pkt)
    return;
  size_t mtu = ZTK_PROTO_MIN_PACKET_LENGTH + 8 * (size_t)p[0], len = n - 2;
  unsigned order = p[1];
  memcpy(pkt, p + 2, len);
  pkt[13] = 0; /* a real source address never starts with 0xff */
  int count = ztk_fragment_prepare(pkt, len, mtu);
  if (count <= 1)
    return;
  size_t dglen[ZTK_MAX_PACKET_FRAGMENTS];
  unsigned idx[ZTK_MAX_PACKET_FRAGMENTS + 1];
  for (int i = 0; i < count; i++) {
    int l = ztk_fragment_get(pkt, len, mtu, (unsigned)i, dg[i], sizeof dg[i]);
    check(l > 0 && (size_t)l <= mtu);
    dglen[i] = (size_t)l;
    idx[i] = (unsigned)i;
  }
  for (int i = count - 1; i > 0; i--) { /* shuffle from the order byte */
    unsigned j = (order + 7u * (unsigned)i) % (unsigned)(i + 1), t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
  }
  idx[count] = idx[order % (unsigned)count]; /* a duplicate, possibly after completion */
  ztk_fragq_init(&q, 0);
  int done = 0;
  for (int i = 0; i <= count; i++) {
    int rc = ztk_fragq_add(&q, i, dg[idx[i]], dglen[idx[i]], out, sizeof out);
    check(rc >= 0);
    if (rc > 0) {
      check(!done && (size_t)rc == len && memcmp(out, pkt, len) == 0);
      done = 1;
    }
  }
  check(done);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 1)
    return 0;
  ztk_fragq_init(&q, 0);
  if (data[0] & 1)
    run_split(data + 1, size - 1);
  else
    run_sequence(data + 1, size - 1);
  return 0;
}
