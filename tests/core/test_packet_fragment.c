/* Fragmentation: fragmentation.json split and reassembly in every order (with duplicates),
 * fragment header parsing, and the reassembly queue's limits and timeouts. */
#include "tests/support/keyring.h"
#include "tests/support/vectors.h"

#include <stdlib.h>
#include <string.h>

#include "core/crypto/csprng.h"
#include "core/packet/armor.h"
#include "core/packet/fragment.h"
#include "core/packet/packet.h"

#define MAX_DGRAMS 7

typedef struct vec {
  uint8_t *wire;
  size_t len;
  size_t n;
  uint8_t *dg[MAX_DGRAMS];
  size_t dglen[MAX_DGRAMS];
} vec;

static json_t *root, *sets;
static tv_keyring ring;
static ztk_fragq q; /* about 320 KB: static, as a node would embed it */
static uint8_t out[ZTK_PROTO_MAX_PACKET_LENGTH];

static int setup(void **state)
{
  root = tv_vectors_with_keys("fragmentation.json", "fragmented_packets", &sets, &ring);
  return 0;
}

static int teardown(void **state)
{
  json_decref(root);
  return 0;
}

static void vec_load(const json_t *v, vec *x)
{
  size_t i;
  json_t *d;
  x->wire = tv_hex(v, "assembled_wire", &x->len);
  x->n = 0;
  json_array_foreach(json_object_get(v, "udp_datagrams"), i, d)
  {
    assert_true(x->n < MAX_DGRAMS);
    json_t *wrap = json_pack("{sO}", "h", d);
    x->dg[x->n] = tv_hex(wrap, "h", &x->dglen[x->n]);
    json_decref(wrap);
    x->n++;
  }
}

static void vec_free(vec *x)
{
  free(x->wire);
  for (size_t i = 0; i < x->n; i++)
    free(x->dg[i]);
}

/* Rebuilds the packet before armor, prepares it for MTU 1432, armors it and splits it. */
static void check_split(const json_t *v, const vec *x)
{
  size_t plen;
  uint8_t *plain = tv_hex(v, "plaintext_from_verb_byte", &plen);
  uint8_t *pkt = malloc(ZTK_PKT_IDX_VERB + plen), key48[48], dg[ZTK_DEFAULT_PHYSMTU];
  assert_non_null(pkt);
  memcpy(pkt, x->wire, ZTK_PKT_IDX_VERB);
  tv_hex_exact(v, "packet_id_before_armor", pkt, 8);
  memcpy(pkt + ZTK_PKT_IDX_VERB, plain, plen);
  assert_int_equal(ZTK_PKT_IDX_VERB + plen, x->len);
  ztk_packet_set_fragmented(pkt, !ztk_packet_fragmented(pkt)); /* prepare must fix it */
  assert_int_equal(ztk_fragment_prepare(pkt, x->len, ZTK_DEFAULT_PHYSMTU), (int)x->n);
  assert_int_equal(ztk_packet_fragmented(pkt), x->n > 1);

  ztk_peer_key k;
  tv_keyring_key48(&ring, ztk_packet_source(pkt), ztk_packet_dest(pkt), key48);
  ztk_peer_key_init(&k, key48);
  assert_int_equal(ztk_armor(pkt, x->len, &k, ztk_packet_cipher(x->wire)), 0);
  assert_memory_equal(pkt, x->wire, x->len);
  for (unsigned i = 0; i < x->n; i++) {
    int n = ztk_fragment_get(pkt, x->len, ZTK_DEFAULT_PHYSMTU, i, dg, sizeof dg);
    assert_int_equal(n, (int)x->dglen[i]);
    assert_memory_equal(dg, x->dg[i], x->dglen[i]);
  }
  assert_int_equal(
      ztk_fragment_get(pkt, x->len, ZTK_DEFAULT_PHYSMTU, (unsigned)x->n, dg, sizeof dg),
      ZTK_EINVAL);

  memcpy(pkt, x->wire, x->len);
  assert_int_equal(ztk_dearmor(pkt, x->len, &k), 0);
  assert_memory_equal(pkt + ZTK_PKT_IDX_VERB, plain, plen);
  ztk_peer_key_free(&k);
  free(pkt);
  free(plain);
}

/* Feeds the datagrams in the order given; exactly the step `completes_at` yields the packet. */
static void feed(const vec *x, const unsigned *order, size_t steps, size_t completes_at)
{
  ztk_fragq_init(&q, 0);
  for (size_t s = 0; s < steps; s++) {
    int rc =
        ztk_fragq_add(&q, 1000 + (int64_t)s, x->dg[order[s]], x->dglen[order[s]], out, sizeof out);
    if (s == completes_at) {
      assert_int_equal(rc, (int)x->len);
      assert_memory_equal(out, x->wire, x->len);
    } else {
      assert_int_equal(rc, 0);
    }
  }
}

static bool next_permutation(unsigned *a, size_t n)
{
  size_t i = n - 1;
  while (i > 0 && a[i - 1] >= a[i])
    i--;
  if (i == 0)
    return false;
  size_t j = n - 1;
  while (a[j] <= a[i - 1])
    j--;
  unsigned t = a[i - 1];
  a[i - 1] = a[j];
  a[j] = t;
  for (size_t l = i, r = n - 1; l < r; l++, r--) {
    t = a[l];
    a[l] = a[r];
    a[r] = t;
  }
  return true;
}

static void check_reassembly(const vec *x)
{
  unsigned perm[MAX_DGRAMS], dup[2 * MAX_DGRAMS];
  size_t perms = 0;
  for (unsigned i = 0; i < x->n; i++)
    perm[i] = i;
  do {
    feed(x, perm, x->n, x->n - 1);
    /* Each datagram repeated right away: duplicates before completion are ignored. */
    for (size_t i = 0; i < x->n; i++)
      dup[2 * i] = dup[2 * i + 1] = perm[i];
    feed(x, dup, 2 * x->n - 1, 2 * x->n - 2);
    /* Everything twice, head-first order repeated: the second round starts a new set. */
    for (size_t i = 0; i < x->n; i++)
      dup[i] = dup[x->n + i] = perm[i];
    feed(x, dup, 2 * x->n - 1, x->n - 1);
    assert_int_equal(ztk_fragq_pending(&q, 2000), 1);
    perms++;
  } while (next_permutation(perm, x->n));
  assert_true(perms >= 2);
}

static void test_vectors(void **state)
{
  size_t i, fragmented = 0;
  json_t *v;
  json_array_foreach(sets, i, v)
  {
    vec x;
    vec_load(v, &x);
    check_split(v, &x);
    if (x.n > 1) {
      check_reassembly(&x);
      fragmented++;
    } else {
      /* An unfragmented packet is not for the queue. */
      ztk_fragq_init(&q, 0);
      assert_int_equal(ztk_fragq_add(&q, 0, x.dg[0], x.dglen[0], out, sizeof out), ZTK_EINVAL);
    }
    vec_free(&x);
  }
  assert_int_equal(fragmented, 2);
}

static void test_parse(void **state)
{
  uint8_t d[40];
  ztk_fragment f;
  memset(d, 0xab, sizeof d);
  d[13] = 0xff;
  d[14] = 0x32;
  d[15] = 0x09;
  assert_int_equal(ztk_fragment_parse(d, sizeof d, &f), 0);
  assert_int_equal(f.packet_id, 0xababababababababull);
  assert_int_equal(f.dest, 0xababababab);
  assert_int_equal(f.total, 3);
  assert_int_equal(f.number, 2);
  assert_int_equal(f.hops, 1);
  assert_ptr_equal(f.chunk, d + 16);
  assert_int_equal(f.chunk_len, sizeof d - 16);
  assert_int_equal(ztk_fragment_parse(d, 17, &f), 0);
  assert_int_equal(ztk_fragment_parse(d, 16, &f), ZTK_EPKT_FRAGMENT);
  assert_int_equal(ztk_fragment_parse(d, 0, &f), ZTK_EPKT_FRAGMENT);
  static const uint8_t bad_numbers[] = {0x00, 0x10, 0x11, 0x20, 0x22, 0x23, 0x77, 0x81, 0xf1, 0x3f};
  for (size_t i = 0; i < sizeof bad_numbers; i++) {
    d[14] = bad_numbers[i];
    assert_int_equal(ztk_fragment_parse(d, sizeof d, &f), ZTK_EPKT_FRAGMENT);
  }
  static const uint8_t good_numbers[] = {0x21, 0x31, 0x32, 0x71, 0x76};
  for (size_t i = 0; i < sizeof good_numbers; i++) {
    d[14] = good_numbers[i];
    assert_int_equal(ztk_fragment_parse(d, sizeof d, &f), 0);
  }
  d[13] = 0xfe;
  assert_int_equal(ztk_fragment_parse(d, sizeof d, &f), ZTK_EPKT_FRAGMENT);
}

static void test_split_limits(void **state)
{
  static uint8_t pkt[ZTK_PROTO_MAX_PACKET_LENGTH];
  uint8_t dg[1600];
  memset(pkt, 0x5a, sizeof pkt);
  assert_int_equal(ztk_fragment_prepare(pkt, 1432, 1432), 1);
  assert_false(ztk_packet_fragmented(pkt));
  assert_int_equal(ztk_fragment_prepare(pkt, 1433, 1432), 2);
  assert_true(ztk_packet_fragmented(pkt));
  assert_int_equal(ztk_fragment_prepare(pkt, 1432 + 6 * 1416, 1432), 7);
  /* A maximum-length packet takes 8 datagrams at the default MTU: refused. */
  assert_int_equal(ztk_fragment_prepare(pkt, ZTK_PROTO_MAX_PACKET_LENGTH, 1432), ZTK_ELIMIT);
  assert_int_equal(ztk_fragment_prepare(pkt, ZTK_PROTO_MAX_PACKET_LENGTH, 1500), 7);
  assert_int_equal(ztk_fragment_prepare(pkt, 100, 27), ZTK_EINVAL);
  assert_int_equal(ztk_fragment_prepare(pkt, 27, 1432), ZTK_EPKT_SHORT);
  assert_int_equal(ztk_fragment_prepare(pkt, ZTK_PROTO_MAX_PACKET_LENGTH + 1, 1432), ZTK_EPKT_LONG);
  assert_int_equal(ztk_fragment_get(pkt, 3000, 1432, 1, dg, 100), ZTK_ENOSPACE);
  assert_int_equal(ztk_fragment_get(pkt, 3000, 1432, 3, dg, sizeof dg), ZTK_EINVAL);
  int n = ztk_fragment_get(pkt, 3000, 1432, 2, dg, sizeof dg);
  assert_int_equal(n, 16 + 3000 - 1432 - 1416);
  assert_int_equal(dg[14], 0x32);
  assert_int_equal(dg[15], 0);
  /* The smallest MTU still splits into valid datagrams. */
  assert_int_equal(ztk_fragment_prepare(pkt, 28 + 6 * 12, 28), 7);
}

/* A fragmented packet of `len` bytes with id `id`, split at MTU 1432 into dg[]. */
static size_t make_set(uint64_t id, size_t len, uint8_t *pkt, uint8_t dg[][ZTK_DEFAULT_PHYSMTU],
                       size_t *dglen)
{
  memset(pkt, 0x11, len);
  ztk_packet_set_id(pkt, id);
  ztk_packet_set_flags(pkt, ZTK_PKT_FLAG_FRAGMENTED | 0x18);
  int n = ztk_fragment_prepare(pkt, len, ZTK_DEFAULT_PHYSMTU);
  assert_true(n > 1);
  for (int i = 0; i < n; i++) {
    int l =
        ztk_fragment_get(pkt, len, ZTK_DEFAULT_PHYSMTU, (unsigned)i, dg[i], ZTK_DEFAULT_PHYSMTU);
    assert_true(l > 0);
    dglen[i] = (size_t)l;
  }
  return (size_t)n;
}

static void test_queue_limits(void **state)
{
  static uint8_t pkt[4000], dg[MAX_DGRAMS][ZTK_DEFAULT_PHYSMTU];
  size_t dglen[MAX_DGRAMS];
  size_t n = make_set(0x1111, 3000, pkt, dg, dglen);
  assert_int_equal(n, 3);

  /* 32 other sets arriving after our head push it out of the ring. */
  ztk_fragq_init(&q, 0);
  assert_int_equal(ztk_fragq_add(&q, 0, dg[0], dglen[0], out, sizeof out), 0);
  for (uint64_t id = 1; id <= ZTK_FRAGQ_ENTRIES; id++) {
    uint8_t head[64] = {0};
    ztk_packet_set_id(head, 0x9000 + id);
    ztk_packet_set_flags(head, ZTK_PKT_FLAG_FRAGMENTED);
    assert_int_equal(ztk_fragq_add(&q, 1, head, sizeof head, out, sizeof out), 0);
  }
  assert_int_equal(q.evicted, 1);
  assert_int_equal(ztk_fragq_pending(&q, 1), ZTK_FRAGQ_ENTRIES);
  assert_int_equal(ztk_fragq_add(&q, 2, dg[1], dglen[1], out, sizeof out), 0);
  assert_int_equal(ztk_fragq_add(&q, 2, dg[2], dglen[2], out, sizeof out), 0);
  assert_int_equal(ztk_fragq_pending(&q, 2), ZTK_FRAGQ_ENTRIES);

  /* A fragment whose total disagrees with the set's is refused; the set still completes. */
  ztk_fragq_init(&q, 0);
  uint8_t liar[ZTK_DEFAULT_PHYSMTU];
  memcpy(liar, dg[2], dglen[2]);
  liar[14] = 0x22;
  assert_int_equal(ztk_fragq_add(&q, 0, dg[1], dglen[1], out, sizeof out), 0);
  assert_int_equal(ztk_fragq_add(&q, 0, liar, dglen[2], out, sizeof out), ZTK_EPKT_FRAGMENT);
  assert_int_equal(ztk_fragq_add(&q, 0, dg[0], dglen[0], out, sizeof out), 0);
  assert_int_equal(ztk_fragq_add(&q, 0, dg[2], dglen[2], out, sizeof out), 3000);
  assert_memory_equal(out, pkt, 3000);
  assert_int_equal(ztk_fragq_pending(&q, 0), 0);

  /* Too small an output buffer drops the set. */
  ztk_fragq_init(&q, 0);
  for (size_t i = 0; i < n - 1; i++)
    assert_int_equal(ztk_fragq_add(&q, 0, dg[i], dglen[i], out, sizeof out), 0);
  assert_int_equal(ztk_fragq_add(&q, 0, dg[n - 1], dglen[n - 1], out, 2999), ZTK_ENOSPACE);
  assert_int_equal(ztk_fragq_pending(&q, 0), 0);

  /* Pieces that add up to more than a packet can hold are refused. */
  static uint8_t huge[ZTK_PROTO_MAX_PACKET_LENGTH];
  memcpy(huge, dg[0], ZTK_PROTO_MIN_PACKET_LENGTH);
  ztk_fragq_init(&q, 0);
  assert_int_equal(ztk_fragq_add(&q, 0, huge, ZTK_PROTO_MAX_PACKET_LENGTH - 100, out, sizeof out),
                   0);
  assert_int_equal(ztk_fragq_add(&q, 0, dg[1], dglen[1], out, sizeof out), ZTK_EPKT_LONG);
  assert_int_equal(ztk_fragq_pending(&q, 0), 1);
  static uint8_t oversize[ZTK_PROTO_MAX_PACKET_LENGTH + 1];
  memcpy(oversize, dg[0], ZTK_PROTO_MIN_PACKET_LENGTH);
  ztk_packet_set_id(oversize, 0x7777);
  assert_int_equal(ztk_fragq_add(&q, 0, oversize, sizeof oversize, out, sizeof out), ZTK_EPKT_LONG);
  assert_int_equal(ztk_fragq_pending(&q, 0), 1); /* no slot taken */

  /* Neither a fragment nor a fragmented head. */
  uint8_t plain[40] = {0}, junk[5] = {0};
  assert_int_equal(ztk_fragq_add(&q, 0, plain, sizeof plain, out, sizeof out), ZTK_EINVAL);
  assert_int_equal(ztk_fragq_add(&q, 0, junk, sizeof junk, out, sizeof out), ZTK_EINVAL);
  uint8_t badfrag[20] = {0};
  badfrag[13] = 0xff;
  badfrag[14] = 0x11;
  assert_int_equal(ztk_fragq_add(&q, 0, badfrag, sizeof badfrag, out, sizeof out),
                   ZTK_EPKT_FRAGMENT);
}

static void test_queue_timeout(void **state)
{
  static uint8_t pkt[4000], dg[MAX_DGRAMS][ZTK_DEFAULT_PHYSMTU];
  size_t dglen[MAX_DGRAMS];
  make_set(0x2222, 2000, pkt, dg, dglen);

  ztk_fragq_init(&q, 0);
  assert_int_equal(q.timeout_ms, ZTK_FRAGQ_TIMEOUT_MS);
  assert_int_equal(ztk_fragq_expire(&q, 0), ZTK_NEVER);
  assert_int_equal(ztk_fragq_add(&q, 10000, dg[0], dglen[0], out, sizeof out), 0);
  assert_int_equal(ztk_fragq_expire(&q, 10000), 10000 + ZTK_FRAGQ_TIMEOUT_MS);
  assert_int_equal(
      ztk_fragq_add(&q, 10000 + ZTK_FRAGQ_TIMEOUT_MS - 1, dg[1], dglen[1], out, sizeof out), 2000);

  /* The same set, completed only after the timeout: the stale head is not used. */
  assert_int_equal(ztk_fragq_add(&q, 20000, dg[0], dglen[0], out, sizeof out), 0);
  assert_int_equal(
      ztk_fragq_add(&q, 20000 + ZTK_FRAGQ_TIMEOUT_MS, dg[1], dglen[1], out, sizeof out), 0);
  assert_int_equal(ztk_fragq_pending(&q, 20000 + ZTK_FRAGQ_TIMEOUT_MS), 1);
  assert_int_equal(ztk_fragq_expire(&q, 20000 + ZTK_FRAGQ_TIMEOUT_MS),
                   20000 + 2 * ZTK_FRAGQ_TIMEOUT_MS);
  assert_int_equal(q.evicted, 1);
  assert_int_equal(ztk_fragq_expire(&q, 20000 + 2 * ZTK_FRAGQ_TIMEOUT_MS), ZTK_NEVER);
  assert_int_equal(q.evicted, 2);
  assert_int_equal(ztk_fragq_pending(&q, 0), 0);

  /* A custom timeout, and clocks at the ends of the range do not overflow. */
  ztk_fragq_init(&q, 50);
  assert_int_equal(ztk_fragq_add(&q, INT64_MAX - 10, dg[0], dglen[0], out, sizeof out), 0);
  assert_int_equal(ztk_fragq_expire(&q, INT64_MAX - 10), INT64_MAX);
  assert_int_equal(ztk_fragq_add(&q, INT64_MIN, dg[1], dglen[1], out, sizeof out), 2000);
}

static void test_queue_flood(void **state)
{
  uint8_t seed[32] = {5}, d[64];
  ztk_csprng g;
  ztk_csprng_seed(&g, seed);
  ztk_fragq_init(&q, 0);
  for (int i = 0; i < 20000; i++) {
    size_t len = 17 + ztk_csprng_below(&g, sizeof d - 17);
    ztk_csprng_bytes(&g, d, len);
    d[0] = d[1] = d[2] = d[3] = d[4] = d[5] = 0; /* ids collide often */
    d[6] &= 1;
    if (i & 1)
      d[13] = 0xff;
    else
      d[18] |= ZTK_PKT_FLAG_FRAGMENTED;
    int rc = ztk_fragq_add(&q, i / 10, d, len, out, sizeof out);
    assert_true(rc <= (int)sizeof out);
    assert_true(ztk_fragq_pending(&q, i / 10) <= ZTK_FRAGQ_ENTRIES);
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_vectors),       cmocka_unit_test(test_parse),
      cmocka_unit_test(test_split_limits),  cmocka_unit_test(test_queue_limits),
      cmocka_unit_test(test_queue_timeout), cmocka_unit_test(test_queue_flood),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
