#include "core/packet/fragment.h"

#include <string.h>

#include "ztkit/error.h"

#define IDX_INDICATOR 13
#define IDX_NUMBERS 14
#define IDX_HOPS 15
#define ID_AND_DEST_LEN 13

int ztk_fragment_parse(const uint8_t *d, size_t len, ztk_fragment *f)
{
  memset(f, 0, sizeof *f);
  ztk_rd r = ztk_rd_make(d, len);
  if (len <= ZTK_FRAGMENT_HEADER_LEN)
    return ZTK_EPKT_FRAGMENT;
  f->packet_id = ztk_rd_u64(&r);
  f->dest = ztk_rd_u40(&r);
  if (ztk_rd_u8(&r) != ZTK_FRAGMENT_INDICATOR)
    return ZTK_EPKT_FRAGMENT;
  uint8_t numbers = ztk_rd_u8(&r);
  f->total = numbers >> 4;
  f->number = numbers & 0x0f;
  f->hops = ztk_rd_u8(&r) & ZTK_PKT_HOPS_MASK;
  f->chunk_len = ztk_rd_left(&r);
  f->chunk = ztk_rd_take(&r, f->chunk_len);
  if (f->total < 2 || f->total > ZTK_MAX_PACKET_FRAGMENTS || f->number < 1 || f->number >= f->total)
    return ZTK_EPKT_FRAGMENT;
  return 0;
}

/* Datagram count for a len-byte packet over mtu, or a negative code. */
static int datagram_count(size_t len, size_t mtu)
{
  if (mtu < ZTK_PROTO_MIN_PACKET_LENGTH)
    return ZTK_EINVAL;
  int rc = ztk_packet_check_length(len);
  if (rc)
    return rc;
  if (len <= mtu)
    return 1;
  size_t room = mtu - ZTK_FRAGMENT_HEADER_LEN;
  size_t chunks = (len - mtu + room - 1) / room;
  if (chunks + 1 > ZTK_MAX_PACKET_FRAGMENTS)
    return ZTK_ELIMIT;
  return (int)(chunks + 1);
}

int ztk_fragment_prepare(uint8_t *pkt, size_t len, size_t mtu)
{
  int n = datagram_count(len, mtu);
  if (n > 0)
    ztk_packet_set_fragmented(pkt, n > 1);
  return n;
}

int ztk_fragment_get(const uint8_t *pkt, size_t len, size_t mtu, unsigned index, uint8_t *out,
                     size_t cap)
{
  int n = datagram_count(len, mtu);
  if (n < 0)
    return n;
  if (index >= (unsigned)n)
    return ZTK_EINVAL;
  ztk_wr w = ztk_wr_make(out, cap);
  if (index == 0) {
    ztk_wr_bytes(&w, pkt, len < mtu ? len : mtu);
  } else {
    size_t room = mtu - ZTK_FRAGMENT_HEADER_LEN;
    size_t start = mtu + (index - 1) * room;
    size_t chunk = len - start < room ? len - start : room;
    ztk_wr_bytes(&w, pkt, ID_AND_DEST_LEN);
    ztk_wr_u8(&w, ZTK_FRAGMENT_INDICATOR);
    ztk_wr_u8(&w, (uint8_t)((unsigned)n << 4 | index));
    ztk_wr_u8(&w, 0);
    ztk_wr_bytes(&w, pkt + start, chunk);
  }
  return w.err ? w.err : (int)w.len;
}

void ztk_fragq_init(ztk_fragq *q, int64_t timeout_ms)
{
  for (unsigned i = 0; i < ZTK_FRAGQ_ENTRIES; i++) {
    q->e[i].live = false;
    q->e[i].have = 0;
    q->e[i].packet_id = 0;
    q->e[i].first_ms = 0;
  }
  q->next = 0;
  q->timeout_ms = timeout_ms > 0 ? timeout_ms : ZTK_FRAGQ_TIMEOUT_MS;
  q->evicted = 0;
}

/* When e times out; saturates instead of overflowing for hostile or odd clocks. */
static int64_t entry_deadline(const ztk_fragq *q, const ztk_fragq_entry *e)
{
  return e->first_ms > INT64_MAX - q->timeout_ms ? INT64_MAX : e->first_ms + q->timeout_ms;
}

static bool entry_live(const ztk_fragq *q, const ztk_fragq_entry *e, int64_t now_ms)
{
  return e->live && now_ms < entry_deadline(q, e);
}

/* The live entry for packet_id, or the next ring slot reset for it. */
static ztk_fragq_entry *entry_for(ztk_fragq *q, uint64_t packet_id, int64_t now_ms)
{
  for (unsigned i = 0; i < ZTK_FRAGQ_ENTRIES; i++) {
    ztk_fragq_entry *e = &q->e[i];
    if (entry_live(q, e, now_ms) && e->packet_id == packet_id) /* a dead slot's id is stale */
      return e;
  }
  ztk_fragq_entry *e = &q->e[q->next];
  q->next = (q->next + 1) % ZTK_FRAGQ_ENTRIES;
  if (e->live)
    q->evicted++;
  e->live = true;
  e->packet_id = packet_id;
  e->first_ms = now_ms;
  e->total = 0;
  e->have = 0;
  e->used = 0;
  return e;
}

/* Stores piece n; 0 when stored or a duplicate, ZTK_EPKT_LONG when it does not fit. */
static int entry_store(ztk_fragq_entry *e, unsigned n, const uint8_t *p, size_t len)
{
  if (e->have & (1u << n))
    return 0;
  if (len > sizeof e->arena - e->used)
    return ZTK_EPKT_LONG;
  memcpy(e->arena + e->used, p, len);
  e->off[n] = e->used;
  e->len[n] = (uint16_t)len;
  e->used = (uint16_t)(e->used + len);
  e->have |= (uint8_t)(1u << n);
  return 0;
}

/* Writes the packet if every piece is present; > 0 length, 0 not yet, or ZTK_ENOSPACE. */
static int entry_assemble(ztk_fragq_entry *e, uint8_t *out, size_t cap)
{
  if (e->total < 2 || e->have != (uint8_t)((1u << e->total) - 1))
    return 0;
  e->live = false;
  ztk_wr w = ztk_wr_make(out, cap);
  for (unsigned n = 0; n < e->total; n++)
    ztk_wr_bytes(&w, e->arena + e->off[n], e->len[n]);
  return w.err ? w.err : (int)w.len;
}

static int add_fragment(ztk_fragq *q, int64_t now_ms, const uint8_t *d, size_t len, uint8_t *out,
                        size_t cap)
{
  ztk_fragment f;
  int rc = ztk_fragment_parse(d, len, &f);
  if (rc)
    return rc;
  ztk_fragq_entry *e = entry_for(q, f.packet_id, now_ms);
  if (e->total && e->total != f.total)
    return ZTK_EPKT_FRAGMENT;
  rc = entry_store(e, f.number, f.chunk, f.chunk_len);
  if (rc)
    return rc;
  e->total = (uint8_t)f.total;
  return entry_assemble(e, out, cap);
}

static int add_head(ztk_fragq *q, int64_t now_ms, const uint8_t *d, size_t len, uint8_t *out,
                    size_t cap)
{
  ztk_fragq_entry *e = entry_for(q, ztk_packet_id(d), now_ms);
  int rc = entry_store(e, 0, d, len);
  return rc ? rc : entry_assemble(e, out, cap);
}

int ztk_fragq_add(ztk_fragq *q, int64_t now_ms, const uint8_t *d, size_t len, uint8_t *out,
                  size_t cap)
{
  if (len > ZTK_PROTO_MAX_PACKET_LENGTH)
    return ZTK_EPKT_LONG; /* before taking a ring slot for it */
  switch (ztk_datagram_classify(d, len)) {
  case ZTK_DGRAM_FRAGMENT:
    return add_fragment(q, now_ms, d, len, out, cap);
  case ZTK_DGRAM_PACKET:
    if (ztk_packet_fragmented(d))
      return add_head(q, now_ms, d, len, out, cap);
    return ZTK_EINVAL;
  default:
    return ZTK_EINVAL;
  }
}

int64_t ztk_fragq_expire(ztk_fragq *q, int64_t now_ms)
{
  int64_t next = ZTK_NEVER;
  for (unsigned i = 0; i < ZTK_FRAGQ_ENTRIES; i++) {
    ztk_fragq_entry *e = &q->e[i];
    if (!e->live)
      continue;
    if (!entry_live(q, e, now_ms)) {
      e->live = false;
      q->evicted++;
    } else if (entry_deadline(q, e) < next) {
      next = entry_deadline(q, e);
    }
  }
  return next;
}

unsigned ztk_fragq_pending(const ztk_fragq *q, int64_t now_ms)
{
  unsigned n = 0;
  for (unsigned i = 0; i < ZTK_FRAGQ_ENTRIES; i++)
    n += entry_live(q, &q->e[i], now_ms);
  return n;
}
