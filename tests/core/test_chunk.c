/* Network config chunks: the live controller's chunks and the fragmentation vector's chunk
 * parse, verify and rebuild byte for byte; every live config assembles and parses; multi-chunk
 * assembly (order, duplicates, overlap, three updates at once, limits, legacy form). */
#include "tests/support/netvec.h"

#include "core/network/chunk.h"
#include "core/network/netconf.h"

static json_t *live, *frag;
static ztk_identity ctl, alice, bob;

static int setup(void **state)
{
  live = tv_load("vectors/live_session.json");
  frag = tv_load("vectors/fragmentation.json");
  tv_live_identity("ctl", &ctl);
  tv_live_public("alice", &alice);
  tv_live_public("bob", &bob);
  return 0;
}

static int teardown(void **state)
{
  json_decref(live);
  json_decref(frag);
  return 0;
}

/* Parses the chunk in `payload` (after `skip` bytes of OK header), checks it verifies, and that
 * ztk_chunk_write rebuilds it exactly. */
static void check_chunk(const uint8_t *payload, size_t len, size_t skip, ztk_chunk *c)
{
  static uint8_t out[ZTK_CHUNK_MAX_DATA + ZTK_CHUNK_OVERHEAD];
  assert_int_equal(ztk_chunk_read(c, payload + skip, len - skip), 0);
  assert_false(c->legacy);
  assert_int_equal(ztk_chunk_verify(c, &ctl), 0);
  assert_int_equal(c->signed_len, 27 + c->len);
  ztk_wr w = ztk_wr_make(out, sizeof out);
  int n = ztk_chunk_write(&w, &ctl, c->nwid, c->data - c->index, c->total, c->index, c->flags,
                          c->update_id);
  assert_int_equal(n, c->len);
  assert_int_equal(w.len, len - skip);
  assert_memory_equal(out, payload + skip, w.len);
}

static void test_live_chunk(void **state)
{
  json_t *v = json_object_get(live, "controller_netconf_to_alice");
  size_t len, dlen;
  uint8_t *p = tv_hex(v, "payload_after_verb_hex", &len);
  uint8_t *dict = tv_hex(v, "dictionary_hex", &dlen);
  ztk_chunk c;
  assert_int_equal(p[0], 0x0b); /* in-re NETWORK_CONFIG_REQUEST, then the request's id */
  check_chunk(p, len, 9, &c);
  assert_true(c.nwid == 0x89419d3fcd7cda1full);
  assert_int_equal(c.len, dlen);
  assert_int_equal(c.total, dlen);
  assert_int_equal(c.index, 0);
  assert_int_equal(c.flags, 0);
  assert_true(c.update_id == 0xb923dc5f510af940ull);
  assert_memory_equal(c.data, dict, dlen);
  tv_expect_hex(v, "signature", c.signature, 96);
  free(p);
  free(dict);
}

static void test_fragmentation_vector(void **state)
{
  json_t *v = json_array_get(json_object_get(frag, "fragmented_packets"), 0);
  size_t len;
  uint8_t *p = tv_hex(v, "uncompressed_payload_after_verb", &len);
  ztk_chunk c;
  check_chunk(p, len, 9, &c);
  tv_expect_hex(v, "chunk_signing_input", c.signed_bytes, c.signed_len);
  tv_expect_hex(v, "chunk_signature", c.signature, 96);
  free(p);
}

/* Every config chunk of the live capture assembles into a config for its recipient. */
static void test_live_transcript(void **state)
{
  json_t *tr = json_object_get(live, "transcript");
  static ztk_chunk_asm as[2];
  static ztk_netconf nc;
 ztk_netconf_init(&nc);
  const ztk_identity *who[2] = {&alice, &bob};
  size_t i;
  json_t *p;
  int done_count = 0, dup_count = 0;
  for (int k = 0; k < 2; k++)
    ztk_chunk_asm_init(&as[k], 0x89419d3fcd7cda1full);
  json_array_foreach(tr, i, p)
  {
    const char *verb = json_string_value(json_object_get(p, "verb"));
    const char *inre = json_string_value(json_object_get(p, "in_re_verb"));
    bool ok =
        verb && inre && strcmp(verb, "OK") == 0 && strcmp(inre, "NETWORK_CONFIG_REQUEST") == 0;
    if (!ok && !(verb && strcmp(verb, "NETWORK_CONFIG") == 0))
      continue;
    const int k = strcmp(tv_str(p, "zt_dst_name"), "alice") == 0 ? 0 : 1;
    size_t len;
    uint8_t *b = tv_hex(p, "payload", &len);
    ztk_chunk c;
    check_chunk(b, len, ok ? 9 : 0, &c);
    ztk_chunk_done done;
    int rc = ztk_chunk_asm_add(&as[k], &c, &ctl, true, 1, &done);
    if (rc == ZTK_EEXIST) { /* the controller sent some packets twice */
      dup_count++;
      free(b);
      continue;
    }
    assert_int_equal(rc, 1);
    ztk_dict d;
    assert_int_equal(ztk_dict_view(&d, done.data, done.len, ZTK_DICT_NETCONF_CAP), 0);
    assert_int_equal(ztk_netconf_from_dict(&nc, &d), 0);
    assert_int_equal(ztk_netconf_check(&nc, c.nwid, who[k]->address), 0);
    assert_int_equal(ztk_com_verify(&nc.com, &ctl), 0);
    done_count++;
    free(b);
  }
  assert_int_equal(done_count, 6);
  ztk_netconf_free(&nc);
  assert_int_equal(dup_count, 2);
  for (int k = 0; k < 2; k++)
    ztk_chunk_asm_free(&as[k]);
}

#define NWID 0x89419d3fcd7cda1full
#define BIG 25000

/* Writes the chunk [index, index + n) of dict (total bytes) by hand, signed by ctl. */
static size_t make_chunk(uint8_t *out, size_t cap, const uint8_t *dict, uint32_t total,
                         uint32_t index, uint16_t n, uint64_t update_id)
{
  ztk_wr w = ztk_wr_make(out, cap);
  ztk_wr_u64(&w, NWID);
  ztk_wr_u16(&w, n);
  ztk_wr_bytes(&w, dict + index, n);
  ztk_wr_u8(&w, 0);
  ztk_wr_u64(&w, update_id);
  ztk_wr_u32(&w, total);
  ztk_wr_u32(&w, index);
  uint8_t sig[96];
  assert_int_equal(ztk_identity_sign(&ctl, out, w.len, sig), 0);
  ztk_credsig_write(&w, sig);
  assert_int_equal(w.err, 0);
  return w.len;
}

static void test_multi_chunk(void **state)
{
  static uint8_t dict[BIG], bufs[3][ZTK_CHUNK_MAX_DATA + ZTK_CHUNK_OVERHEAD];
  ztk_chunk c[3];
  size_t lens[3];
  for (size_t i = 0; i < BIG; i++)
    dict[i] = (uint8_t)('a' + i % 26);
  size_t index = 0;
  for (int k = 0; k < 3; k++) {
    ztk_wr w = ztk_wr_make(bufs[k], sizeof bufs[k]);
    int n = ztk_chunk_write(&w, &ctl, NWID, dict, BIG, index, ZTK_CHUNK_FLAG_FAST_PROPAGATE, 77);
    assert_int_equal(n, k < 2 ? (int)ZTK_CHUNK_MAX_DATA : BIG - 2 * (int)ZTK_CHUNK_MAX_DATA);
    lens[k] = w.len;
    index += (size_t)n;
    assert_int_equal(ztk_chunk_read(&c[k], bufs[k], lens[k]), 0);
    assert_int_equal(c[k].flags, ZTK_CHUNK_FLAG_FAST_PROPAGATE);
  }
  ztk_wr w = ztk_wr_make(bufs[0], 10);
  assert_int_equal(ztk_chunk_write(&w, &ctl, NWID, dict, BIG, BIG, 0, 77), ZTK_EINVAL);
  assert_int_equal(ztk_chunk_write(&w, &ctl, NWID, dict, BIG, 0, 0, 0), ZTK_EINVAL);
  assert_int_equal(ztk_chunk_write(&w, &alice, NWID, dict, BIG, 0, 0, 77), ZTK_EID_NOSECRET);
  assert_int_equal(ztk_chunk_write(&w, &ctl, NWID, dict, BIG, 0, 0, 77), ZTK_ENOSPACE);
  ztk_chunk_asm a;
  ztk_chunk_done done;
  ztk_chunk_asm_init(&a, NWID);
  assert_int_equal(ztk_chunk_asm_add(&a, &c[2], &ctl, false, 0, &done), 0);
  assert_int_equal(ztk_chunk_asm_add(&a, &c[2], &ctl, false, 0, &done), ZTK_EEXIST);
  assert_int_equal(ztk_chunk_asm_add(&a, &c[0], &ctl, false, 0, &done), 0);
  assert_int_equal(ztk_chunk_asm_add(&a, &c[1], &ctl, false, 0, &done), 1);
  assert_true(done.update_id == 77);
  assert_int_equal(done.len, BIG);
  assert_memory_equal(done.data, dict, BIG);
  assert_int_equal(ztk_chunk_asm_add(&a, &c[1], &ctl, false, 0, &done), ZTK_EEXIST);
  ztk_chunk_asm_free(&a);
}

static void test_assembler_refusals(void **state)
{
  static uint8_t dict[BIG], buf[4][ZTK_CHUNK_MAX_DATA + ZTK_CHUNK_OVERHEAD];
  ztk_chunk c, d;
  ztk_chunk_done done;
  ztk_chunk_asm a;
  memset(dict, 'x', sizeof dict);
  ztk_chunk_asm_init(&a, NWID);
  size_t n = make_chunk(buf[0], sizeof buf[0], dict, 100, 0, 60, 5);
  assert_int_equal(ztk_chunk_read(&c, buf[0], n), 0);
  assert_int_equal(ztk_chunk_asm_add(&a, &c, &ctl, false, 0, &done), 0);
  /* overlapping bytes, a different total, a forged signature, the wrong network/controller */
  n = make_chunk(buf[1], sizeof buf[1], dict, 100, 50, 50, 5);
  assert_int_equal(ztk_chunk_read(&d, buf[1], n), 0);
  assert_int_equal(ztk_chunk_asm_add(&a, &d, &ctl, false, 0, &done), ZTK_ENET_CHUNK);
  n = make_chunk(buf[1], sizeof buf[1], dict, 101, 60, 40, 5);
  assert_int_equal(ztk_chunk_read(&d, buf[1], n), 0);
  assert_int_equal(ztk_chunk_asm_add(&a, &d, &ctl, false, 0, &done), ZTK_ENET_CHUNK);
  n = make_chunk(buf[1], sizeof buf[1], dict, 100, 60, 40, 5);
  buf[1][12] ^= 1;
  assert_int_equal(ztk_chunk_read(&d, buf[1], n), 0);
  assert_int_equal(ztk_chunk_asm_add(&a, &d, &ctl, false, 0, &done), ZTK_EAUTH);
  buf[1][12] ^= 1;
  assert_int_equal(ztk_chunk_read(&d, buf[1], n), 0);
  assert_int_equal(ztk_chunk_verify(&d, &alice), ZTK_EAUTH);
  assert_int_equal(ztk_chunk_asm_add(&a, &d, &alice, false, 0, &done), ZTK_EAUTH);
  assert_int_equal(ztk_chunk_asm_add(&a, &d, NULL, false, 0, &done), ZTK_EAUTH);
  ztk_chunk_asm b;
  ztk_chunk_asm_init(&b, NWID + 1);
  assert_int_equal(ztk_chunk_asm_add(&b, &d, &ctl, false, 0, &done), ZTK_ENET_CHUNK);
  ztk_chunk_asm_free(&b);
  assert_int_equal(ztk_chunk_asm_add(&a, &d, &ctl, false, 0, &done), 1);
  ztk_chunk_asm_free(&a);
}

static void test_three_updates(void **state)
{
  static uint8_t dict[200], buf[5][300];
  ztk_chunk c[5], last;
  ztk_chunk_done done;
  ztk_chunk_asm a;
  memset(dict, 'y', sizeof dict);
  ztk_chunk_asm_init(&a, NWID);
  /* first halves of updates 1..4: the fourth evicts update 1, the least recently used */
  for (int u = 0; u < 4; u++) {
    size_t n = make_chunk(buf[u], sizeof buf[u], dict, 100, 0, 50, 1 + (uint64_t)u);
    assert_int_equal(ztk_chunk_read(&c[u], buf[u], n), 0);
    assert_int_equal(ztk_chunk_asm_add(&a, &c[u], &ctl, false, 0, &done), 0);
  }
  /* slots now hold updates 2, 3, 4: their second halves complete them */
  static const uint64_t order[4] = {3, 4, 2, 1};
  for (int k = 0; k < 4; k++) {
    size_t n = make_chunk(buf[4], sizeof buf[4], dict, 100, 50, 50, order[k]);
    assert_int_equal(ztk_chunk_read(&last, buf[4], n), 0);
    /* update 1 lost its first half: its second half starts over */
    assert_int_equal(ztk_chunk_asm_add(&a, &last, &ctl, false, 0, &done), order[k] == 1 ? 0 : 1);
    assert_true(order[k] == 1 || done.update_id == order[k]);
  }
  ztk_chunk_asm_free(&a);
}

static void test_chunk_limit(void **state)
{
  static uint8_t dict[ZTK_CHUNK_MAX_PER_UPDATE + 1], buf[200];
  ztk_chunk c;
  ztk_chunk_done done;
  ztk_chunk_asm a;
  memset(dict, 'z', sizeof dict);
  ztk_chunk_asm_init(&a, NWID);
  for (uint32_t i = 0; i <= ZTK_CHUNK_MAX_PER_UPDATE; i++) {
    size_t n = make_chunk(buf, sizeof buf, dict, sizeof dict, i, 1, 9);
    assert_int_equal(ztk_chunk_read(&c, buf, n), 0);
    int rc = ztk_chunk_asm_add(&a, &c, &ctl, false, 0, &done);
    assert_int_equal(rc, i < ZTK_CHUNK_MAX_PER_UPDATE ? 0 : ZTK_ELIMIT);
  }
  ztk_chunk_asm_free(&a);
}

static void test_legacy(void **state)
{
  uint8_t buf[64] = {0x89, 0x41, 0x9d, 0x3f, 0xcd, 0x7c, 0xda, 0x1f, 0, 3, 'a', '=', '1'};
  ztk_chunk c;
  ztk_chunk_done done;
  ztk_chunk_asm a;
  assert_int_equal(ztk_chunk_read(&c, buf, 13), 0);
  assert_true(c.legacy);
  assert_int_equal(c.total, 3);
  assert_int_equal(ztk_chunk_verify(&c, &ctl), ZTK_EAUTH);
  ztk_chunk_asm_init(&a, NWID);
  assert_int_equal(ztk_chunk_asm_add(&a, &c, &ctl, false, 42, &done), ZTK_ENET_CHUNK);
  assert_int_equal(ztk_chunk_asm_add(&a, &c, &ctl, true, 42, &done), 1);
  assert_true(done.update_id == 42);
  assert_int_equal(done.len, 3);
  assert_memory_equal(done.data, "a=1", 3);
  assert_int_equal(ztk_chunk_asm_add(&a, &c, &ctl, true, 42, &done), ZTK_EEXIST);
  assert_int_equal(ztk_chunk_asm_add(&a, &c, &ctl, true, 43, &done), 1); /* another packet */
  ztk_chunk_asm_free(&a);
}

static void test_read_refusals(void **state)
{
  static uint8_t dict[200], buf[300];
  ztk_chunk c;
  memset(dict, 'q', sizeof dict);
  size_t n = make_chunk(buf, sizeof buf, dict, 100, 0, 60, 5);
  for (size_t k = 0; k < n; k++) {
    int rc = ztk_chunk_read(&c, buf, k);
    assert_int_equal(rc, k == 70 ? 0 : ZTK_ETRUNC); /* 70: the legacy form */
  }
  assert_int_equal(ztk_chunk_read(&c, buf, n + 5), 0); /* trailing bytes ignored */
  n = make_chunk(buf, sizeof buf, dict, 59, 0, 60, 5);
  assert_int_equal(ztk_chunk_read(&c, buf, n), ZTK_ENET_CHUNK); /* index + len > total */
  n = make_chunk(buf, sizeof buf, dict, 100, 41, 60, 5);
  assert_int_equal(ztk_chunk_read(&c, buf, n), ZTK_ENET_CHUNK);
  n = make_chunk(buf, sizeof buf, dict, ZTK_DICT_NETCONF_CAP, 0, 60, 5);
  assert_int_equal(ztk_chunk_read(&c, buf, n), ZTK_ENET_CHUNK); /* no room for the NUL */
  n = make_chunk(buf, sizeof buf, dict, ZTK_DICT_NETCONF_CAP - 1, 0, 60, 5);
  assert_int_equal(ztk_chunk_read(&c, buf, n), 0);
  buf[87] = 2; /* signature type */
  assert_int_equal(ztk_chunk_read(&c, buf, n), ZTK_ENET_CHUNK);
  buf[87] = 1;
  buf[89] = 95; /* signature length */
  assert_int_equal(ztk_chunk_read(&c, buf, n), ZTK_ENET_CHUNK);
}

static void mutant(const uint8_t *p, size_t n, size_t pos, int kind, void *user)
{
  ztk_chunk c;
  ztk_chunk_done done;
  ztk_chunk_asm *a = user;
  if (ztk_chunk_read(&c, p, n) == 0) {
    int rc = ztk_chunk_asm_add(a, &c, &ctl, true, pos, &done);
    /* a changed signed byte never passes; prefixes only pass as legacy chunks */
    if (kind != TV_PREFIX && pos < c.signed_len + 99 && rc >= 0)
      fail_msg("mutant at %zu kind %d accepted", pos, kind);
  }
}

static void test_mutations(void **state)
{
  json_t *v = json_object_get(live, "controller_netconf_to_alice");
  size_t len;
  uint8_t *p = tv_hex(v, "payload_after_verb_hex", &len);
  ztk_chunk_asm a;
  ztk_chunk_asm_init(&a, NWID);
  tv_mutate(p + 9, len - 9, mutant, &a);
  ztk_chunk_asm_free(&a);
  free(p);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_live_chunk),         cmocka_unit_test(test_fragmentation_vector),
      cmocka_unit_test(test_live_transcript),    cmocka_unit_test(test_multi_chunk),
      cmocka_unit_test(test_assembler_refusals), cmocka_unit_test(test_three_updates),
      cmocka_unit_test(test_chunk_limit),        cmocka_unit_test(test_legacy),
      cmocka_unit_test(test_read_refusals),      cmocka_unit_test(test_mutations),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
