/* Target Functions: the controller's persisted records (core/controller/ctl_record.h:
 * ztk_ctl_record_read_network / _member / _ids and their writers) and loading a database at
 * start-up (ztk_ctl_new -> ztk_ctl_db_load in ctl_persist.c).
 *
 * Input: a mode byte, then bytes. Mode bit 7 set: the harness writes each record's header
 * ("ZTKC", version, the kind the mode reads) and its check value (SHA-512 prefix), so the
 * fuzzer reaches the bodies. Mode & 7:
 *   0 a network record, 1 a member record, 2 a network index, 3 a member index: what reads
 *     must write, read back equal (ztk_ctl_*_same / the same ids) and write the same bytes;
 *   4-7 a database: records [slot (1)][length (2)][bytes] stored under the ids the slot picks
 *     (the network index, two networks' records, member indexes and members), then a
 *     controller loads it: it must start, count what it loaded, serve every loaded network and
 *     member back, and free everything. */
#include <stdlib.h>
#include <string.h>

#include "core/controller/ctl_record.h"
#include "core/crypto/hash.h"
#include "fuzz/netfuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SLOTS 8
#define NWID_A 0x89419d3fcd000001ull
#define NWID_B 0x89419d3fcd000002ull
#define MEMBER_X 0xefe8197bb7ull
#define MEMBER_Y 0x2fe15dea2dull

static uint8_t rec[ZTK_CTL_RECORD_MAX], out1[ZTK_CTL_RECORD_MAX], out2[ZTK_CTL_RECORD_MAX];

/* Writes the header and check value of a record of len bytes in place (len >= 14). */
static void seal(uint8_t *p, size_t len, ztk_ctl_record_kind kind)
{
  uint8_t h[64];
  if (len < 14)
    return;
  memcpy(p, "ZTKC", 4);
  p[4] = ZTK_CTL_RECORD_VERSION;
  p[5] = (uint8_t)kind;
  ztk_sha512(h, p, len - 8);
  memcpy(p + len - 8, h, 8);
}

static void one_record(unsigned kind, const uint8_t *p, size_t len)
{
  ztk_wr w1 = ztk_wr_make(out1, sizeof out1), w2 = ztk_wr_make(out2, sizeof out2);
  if (kind == 0) {
    ztk_ctl_network a, b;
    memset(&a, 0, sizeof a), memset(&b, 0, sizeof b);
    if (ztk_ctl_record_read_network(p, len, &a) == 0) {
      ztk_ctl_record_write_network(&w1, &a);
      NF_CHECK(!w1.err && ztk_ctl_record_read_network(out1, w1.len, &b) == 0);
      NF_CHECK(ztk_ctl_network_same(&a, &b));
      ztk_ctl_record_write_network(&w2, &b);
    }
    ztk_ctl_network_free(&a), ztk_ctl_network_free(&b);
  } else if (kind == 1) {
    ztk_ctl_member a, b;
    memset(&a, 0, sizeof a), memset(&b, 0, sizeof b);
    if (ztk_ctl_record_read_member(p, len, &a) == 0) {
      ztk_ctl_record_write_member(&w1, &a);
      NF_CHECK(!w1.err && ztk_ctl_record_read_member(out1, w1.len, &b) == 0);
      NF_CHECK(ztk_ctl_member_same(&a, &b));
      ztk_ctl_record_write_member(&w2, &b);
    }
    ztk_ctl_member_free(&a), ztk_ctl_member_free(&b);
  } else {
    ztk_ctl_record_kind k = kind == 2 ? ZTK_CTL_RECORD_NETWORK_INDEX : ZTK_CTL_RECORD_MEMBER_INDEX;
    uint64_t *ids = NULL, *ids2 = NULL;
    unsigned n = 0, n2 = 0;
    if (ztk_ctl_record_read_ids(p, len, k, &ids, &n, 1u << 20) == 0) {
      for (unsigned i = 1; i < n; i++)
        NF_CHECK(ids[i - 1] < ids[i]);
      ztk_ctl_record_write_ids(&w1, k, ids, n);
      NF_CHECK(!w1.err && ztk_ctl_record_read_ids(out1, w1.len, k, &ids2, &n2, 1u << 20) == 0);
      NF_CHECK(n == n2 && (!n || memcmp(ids, ids2, n * sizeof *ids) == 0));
      ztk_ctl_record_write_ids(&w2, k, ids2, n2);
    }
    free(ids), free(ids2);
  }
  NF_CHECK(w1.len == w2.len && memcmp(out1, out2, w1.len) == 0);
}

/* ---- a database ---- */

typedef struct slot_store {
  uint8_t *data[SLOTS];
  size_t len[SLOTS];
} slot_store;

static const uint64_t slot_ids[SLOTS][2] = {
  {0, 0},           {NWID_A, 0}, {NWID_A, ZTK_CTL_STATE_MEMBER_INDEX}, {NWID_A, MEMBER_X},
  {NWID_A, MEMBER_Y}, {NWID_B, 0}, {NWID_B, ZTK_CTL_STATE_MEMBER_INDEX}, {NWID_B, MEMBER_X}};
static const ztk_ctl_record_kind slot_kinds[SLOTS] = {
  ZTK_CTL_RECORD_NETWORK_INDEX, ZTK_CTL_RECORD_NETWORK, ZTK_CTL_RECORD_MEMBER_INDEX,
  ZTK_CTL_RECORD_MEMBER,        ZTK_CTL_RECORD_MEMBER,  ZTK_CTL_RECORD_NETWORK,
  ZTK_CTL_RECORD_MEMBER_INDEX,  ZTK_CTL_RECORD_MEMBER};

static int slot_of(const uint64_t id[2])
{
  for (int i = 0; i < SLOTS; i++)
    if (slot_ids[i][0] == id[0] && slot_ids[i][1] == id[1])
      return i;
  return -1;
}

static long st_get(void *ctx, const uint64_t id[2], void *buf, size_t cap)
{
  slot_store *s = ctx;
  int i = slot_of(id);
  if (i < 0 || !s->data[i] || s->len[i] > cap)
    return -1;
  memcpy(buf, s->data[i], s->len[i]);
  return (long)s->len[i];
}

static void st_put(void *ctx, const uint64_t id[2], const void *data, size_t len)
{
  (void)ctx, (void)id, (void)data, (void)len; /* the loaded database is not written back */
}

static void no_config(void *c, int64_t t, ztk_address m, uint64_t r, const ztk_netconf *nc)
{
  (void)c, (void)t, (void)m, (void)r, (void)nc;
}
static void no_error(void *c, int64_t t, ztk_address m, uint64_t r, uint64_t nwid, int code)
{
  (void)c, (void)t, (void)m, (void)r, (void)nwid, (void)code;
}
static void no_revocation(void *c, int64_t t, ztk_address to, const ztk_revocation *rev)
{
  (void)c, (void)t, (void)to, (void)rev;
}
static void fixed_random(void *c, void *buf, size_t len)
{
  (void)c;
  memset(buf, 0x42, len);
}

/* Every network and member the controller says it loaded can be read back. */
static void check_loaded(ztk_ctl *c)
{
  uint64_t ids[4];
  ztk_address addrs[4];
  ztk_ctl_load_report rep;
  ztk_ctl_load_report_get(c, &rep);
  unsigned nets = ztk_ctl_network_list(c, ids, 4), members = 0;
  NF_CHECK(nets == rep.networks && nets <= 2);
  for (unsigned i = 0; i < nets; i++) {
    ztk_ctl_network n;
    memset(&n, 0, sizeof n);
    NF_CHECK(ztk_ctl_network_get(c, ids[i], &n) == 0 && n.nwid == ids[i]);
    ztk_ctl_network_free(&n);
    long k = ztk_ctl_member_list(c, ids[i], addrs, 4);
    NF_CHECK(k >= 0 && k <= 2);
    for (long j = 0; j < k; j++) {
      ztk_ctl_member m;
      memset(&m, 0, sizeof m);
      NF_CHECK(ztk_ctl_member_get(c, ids[i], addrs[j], &m) == 0 && m.address == addrs[j]);
      ztk_ctl_member_free(&m);
    }
    members += (unsigned)k;
  }
  NF_CHECK(members == rep.members);
}

static void database(bool sealed, const uint8_t *p, size_t n)
{
  slot_store s;
  memset(&s, 0, sizeof s);
  ztk_rd r = ztk_rd_make(p, n);
  while (ztk_rd_left(&r) >= 3) {
    unsigned slot = ztk_rd_u8(&r) % SLOTS;
    size_t len = ztk_rd_u16(&r);
    if (len > ztk_rd_left(&r))
      len = ztk_rd_left(&r);
    free(s.data[slot]);
    s.data[slot] = malloc(len ? len : 1);
    NF_CHECK(s.data[slot] != NULL);
    ztk_rd_copy(&r, s.data[slot], len);
    s.len[slot] = len;
    if (sealed)
      seal(s.data[slot], len, slot_kinds[slot]);
  }
  ztk_ctl_io io = {&s, no_config, no_error, no_revocation, st_put, st_get, fixed_random};
  ztk_ctl *c = NULL;
  NF_CHECK(ztk_ctl_new(&c, nf_ctl(), &io, 1700000000000) == 0);
  check_loaded(c);
  ztk_ctl_free(c);
  for (int i = 0; i < SLOTS; i++)
    free(s.data[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const ztk_ctl_record_kind kinds[4] = {
    ZTK_CTL_RECORD_NETWORK, ZTK_CTL_RECORD_MEMBER, ZTK_CTL_RECORD_NETWORK_INDEX,
    ZTK_CTL_RECORD_MEMBER_INDEX};
  if (size < 1 || size - 1 > sizeof rec)
    return 0;
  unsigned mode = data[0] & 7;
  bool sealed = (data[0] & 0x80) != 0;
  if (mode >= 4) {
    database(sealed, data + 1, size - 1);
    return 0;
  }
  memcpy(rec, data + 1, size - 1);
  if (sealed)
    seal(rec, size - 1, kinds[mode]);
  one_record(mode, rec, size - 1);
  return 0;
}
