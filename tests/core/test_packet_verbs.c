/* VL1 verb codecs: the packets.json payloads decode to the documented values and re-encode to
 * the same bytes; synthetic round trips; truncated and malformed payloads are refused. */
#include "tests/support/keyring.h"
#include "tests/support/vectors.h"

#include <stdlib.h>
#include <string.h>

#include "core/packet/armor.h"
#include "core/packet/packet.h"
#include "core/packet/verbs.h"

static uint8_t enc[ZTK_PROTO_MAX_PACKET_LENGTH];

/* The vector's wire bytes, dearmored. */
static uint8_t *open_vector(const char *name, size_t *len, ztk_peer_key *k)
{
  json_t *v = tv_find(tv_packets.items, "name", name);
  uint8_t *pkt = tv_hex(v, "wire", len), key48[48];
  tv_keyring_key48(&tv_packets.ring, ztk_packet_source(pkt), ztk_packet_dest(pkt), key48);
  ztk_peer_key_init(k, key48);
  assert_int_equal(ztk_dearmor(pkt, *len, k), 0);
  return pkt;
}

static ztk_rd payload_reader(const uint8_t *pkt, size_t len)
{
  return ztk_rd_make(pkt + ZTK_PKT_IDX_PAYLOAD, len - ZTK_PKT_IDX_PAYLOAD);
}

static void assert_encoded(const ztk_wr *w, const uint8_t *want, size_t len)
{
  assert_int_equal(w->err, 0);
  assert_int_equal(w->len, len);
  assert_memory_equal(w->p, want, len);
}

/* The re-encoding must equal the vector's payload; then releases the vector. */
static void close_vector(const ztk_wr *w, uint8_t *pkt, size_t len, ztk_peer_key *k)
{
  assert_encoded(w, pkt + ZTK_PKT_IDX_PAYLOAD, len - ZTK_PKT_IDX_PAYLOAD);
  ztk_peer_key_free(k);
  free(pkt);
}

static void check_hello(const char *name, const char *dest, uint64_t ts, unsigned moons)
{
  ztk_peer_key k;
  size_t len, blen;
  ztk_hello h;
  char text[ZTK_INADDR_STRLEN];
  json_t *v = tv_find(tv_packets.items, "name", name);
  uint8_t *pkt = open_vector(name, &len, &k);
  uint8_t *before = tv_hex(v, "payload_before_cryptField", &blen);
  assert_int_equal(ztk_packet_verb(pkt), ZTK_VERB_HELLO);
  assert_int_equal(ztk_hello_decode(pkt, len, &k, &h), 0);
  assert_memory_equal(pkt + ZTK_PKT_IDX_PAYLOAD, before, blen); /* tail decrypted in place */
  assert_int_equal(h.proto_version, 12);
  assert_int_equal(h.major, 1);
  assert_int_equal(h.minor, 14);
  assert_int_equal(h.revision, 1);
  assert_int_equal(h.timestamp, ts);
  assert_true(ztk_identity_same(&h.id, tv_keyring_named(&tv_packets.ring, "alice")));
  ztk_inaddr_format(&h.dest, text);
  assert_string_equal(text, dest);
  assert_true(h.has_planet);
  assert_int_equal(h.planet_id, 149604618);
  assert_int_equal(h.planet_timestamp, 0x17ee95760cdull);
  assert_int_equal(ZTK_PKT_IDX_PAYLOAD + h.crypt_off,
                   json_integer_value(json_object_get(v, "cryptField_start_offset")));
  assert_int_equal(h.moon_count, moons);
  assert_int_equal(h.n_moons, moons);
  if (moons) {
    assert_int_equal(h.moons[0].type, ZTK_WORLD_TYPE_MOON);
    assert_int_equal(h.moons[0].id, 0xdeadbeef);
    assert_int_equal(h.moons[0].timestamp, 0);
  }
  ztk_wr w = ztk_wr_make(enc, sizeof enc);
  assert_int_equal(ztk_hello_write(&w, &h), h.crypt_off);
  assert_encoded(&w, before, blen);
  ztk_peer_key_free(&k);
  free(pkt);
  free(before);
}

static void test_hello_vectors(void **state)
{
  check_hello("hello_alice_to_bob", "192.0.2.2/9993", 1700000000000ull, 0);
  check_hello("hello_alice_to_bob_ipv6_with_wanted_moon", "2001:db8::42/21212", 0x18bcfe5687bull,
              1);
}

static void check_ok_hello(const char *name)
{
  ztk_peer_key k;
  size_t len;
  ztk_ok_header oh;
  ztk_ok_hello o;
  char text[ZTK_INADDR_STRLEN];
  uint8_t *pkt = open_vector(name, &len, &k);
  ztk_rd r = payload_reader(pkt, len);
  assert_int_equal(ztk_packet_verb(pkt), ZTK_VERB_OK);
  assert_int_equal(ztk_ok_header_read(&r, &oh), 0);
  assert_int_equal(oh.in_re_verb, ZTK_VERB_HELLO);
  assert_int_equal(oh.in_re_packet_id, 0x1122334455667788ull);
  assert_int_equal(ztk_ok_hello_read(&r, &o), 0);
  assert_int_equal(ztk_rd_left(&r), 0);
  assert_int_equal(o.timestamp, 1700000000000ull);
  assert_int_equal(o.proto_version, 12);
  assert_int_equal(o.major, 1);
  assert_int_equal(o.minor, 14);
  assert_int_equal(o.revision, 1);
  ztk_inaddr_format(&o.from, text);
  assert_string_equal(text, "198.51.100.7/40001");
  assert_null(o.worlds);
  assert_int_equal(o.worlds_len, 0);
  ztk_wr w = ztk_wr_make(enc, sizeof enc);
  ztk_ok_header_write(&w, oh.in_re_verb, oh.in_re_packet_id);
  ztk_ok_hello_write(&w, &o);
  close_vector(&w, pkt, len, &k);
}

static void test_ok_vectors(void **state)
{
  check_ok_hello("ok_hello_bob_to_alice_suite1");
  check_ok_hello("ok_hello_bob_to_alice_suite3");

  ztk_peer_key k;
  size_t len, n;
  ztk_ok_header oh;
  ztk_identity ids[4];
  uint8_t *pkt = open_vector("ok_whois_root_to_alice_suite3", &len, &k);
  ztk_rd r = payload_reader(pkt, len);
  assert_int_equal(ztk_ok_header_read(&r, &oh), 0);
  assert_int_equal(oh.in_re_verb, ZTK_VERB_WHOIS);
  assert_int_equal(ztk_ok_whois_read(&r, ids, 4, &n), 0);
  assert_int_equal(n, 1);
  assert_true(ztk_identity_same(&ids[0], tv_keyring_named(&tv_packets.ring, "bob")));
  ztk_wr w = ztk_wr_make(enc, sizeof enc);
  ztk_ok_header_write(&w, oh.in_re_verb, oh.in_re_packet_id);
  ztk_ok_whois_write(&w, ids, n);
  close_vector(&w, pkt, len, &k);

  ztk_echo e;
  pkt = open_vector("ok_echo_bob_to_alice_suite3", &len, &k);
  r = payload_reader(pkt, len);
  assert_int_equal(ztk_ok_header_read(&r, &oh), 0);
  assert_int_equal(oh.in_re_verb, ZTK_VERB_ECHO);
  assert_int_equal(oh.in_re_packet_id, 0x9999999999999990ull);
  assert_int_equal(ztk_echo_read(&r, &e), 0);
  assert_int_equal(e.len, 0);
  ztk_peer_key_free(&k);
  free(pkt);
}

static void test_other_vectors(void **state)
{
  ztk_peer_key k;
  size_t len, n;
  ztk_address addrs[4];
  uint8_t *pkt = open_vector("whois_alice_to_root_suite1", &len, &k);
  ztk_rd r = payload_reader(pkt, len);
  assert_int_equal(ztk_packet_verb(pkt), ZTK_VERB_WHOIS);
  assert_int_equal(ztk_whois_read(&r, addrs, 4, &n), 0);
  assert_int_equal(n, 1);
  assert_int_equal(addrs[0], tv_keyring_named(&tv_packets.ring, "bob")->address);
  ztk_wr w = ztk_wr_make(enc, sizeof enc);
  ztk_whois_write(&w, addrs, n);
  close_vector(&w, pkt, len, &k);

  ztk_error_msg em;
  pkt = open_vector("error_need_com_bob_to_alice_suite3", &len, &k);
  r = payload_reader(pkt, len);
  assert_int_equal(ztk_packet_verb(pkt), ZTK_VERB_ERROR);
  assert_int_equal(ztk_error_read(&r, &em), 0);
  assert_int_equal(em.in_re_verb, ZTK_VERB_FRAME);
  assert_int_equal(em.in_re_packet_id, 0xdeadbeef00000003ull);
  assert_int_equal(em.code, ZTK_PROTO_ERR_NEED_MEMBERSHIP_CERTIFICATE);
  assert_true(em.has_nwid);
  assert_int_equal(em.nwid, 0x89419d3fcd000abcull);
  assert_int_equal(em.extra_len, 0);
  w = ztk_wr_make(enc, sizeof enc);
  ztk_error_write(&w, &em);
  close_vector(&w, pkt, len, &k);

  static const char *const empty[] = {"echo_empty_alice_to_bob_suite3", "nop_alice_to_bob_suite1"};
  for (int i = 0; i < 2; i++) {
    ztk_echo e;
    pkt = open_vector(empty[i], &len, &k);
    assert_int_equal(len, ZTK_PROTO_MIN_PACKET_LENGTH);
    assert_int_equal(ztk_packet_verb(pkt), i == 0 ? ZTK_VERB_ECHO : ZTK_VERB_NOP);
    r = payload_reader(pkt, len);
    assert_int_equal(ztk_echo_read(&r, &e), 0);
    assert_int_equal(e.len, 0);
    ztk_peer_key_free(&k);
    free(pkt);
  }
}

/* Decodes every prefix of an encoding from an exact-size heap copy (so a sanitizer sees any
 * over-read); returns how many prefixes were refused. */
typedef int (*decode_fn)(ztk_rd *r);

static size_t refused_prefixes(const uint8_t *p, size_t len, decode_fn fn)
{
  size_t refused = 0;
  for (size_t cut = 0; cut < len; cut++) {
    uint8_t *copy = malloc(cut ? cut : 1);
    assert_non_null(copy);
    memcpy(copy, p, cut);
    ztk_rd r = ztk_rd_make(copy, cut);
    int rc = fn(&r);
    assert_true(rc <= 0);
    refused += rc < 0;
    free(copy);
  }
  return refused;
}

static int dec_hello(ztk_rd *r)
{
  ztk_hello h;
  int rc = ztk_hello_read(r, &h);
  return rc ? rc : ztk_hello_read_moons(r, &h);
}

static int dec_rendezvous(ztk_rd *r)
{
  ztk_rendezvous z;
  return ztk_rendezvous_read(r, &z);
}

static int dec_push_paths(ztk_rd *r)
{
  ztk_path_record recs[4];
  size_t n;
  return ztk_push_paths_read(r, recs, 4, &n);
}

static int dec_error(ztk_rd *r)
{
  ztk_error_msg e;
  return ztk_error_read(r, &e);
}

static int dec_ok_hello(ztk_rd *r)
{
  ztk_ok_hello o;
  return ztk_ok_hello_read(r, &o);
}

static int dec_user_message(ztk_rd *r)
{
  ztk_user_message m;
  return ztk_user_message_read(r, &m);
}

static void test_hello_shapes(void **state)
{
  ztk_hello h, back;
  memset(&h, 0, sizeof h);
  h.proto_version = 12;
  h.timestamp = 42;
  h.id = *tv_keyring_named(&tv_packets.ring, "bob");
  ztk_inaddr_v4(&h.dest, 0x0a000001, 9993);
  h.planet_id = 7;
  h.n_moons = 2;
  h.moons[0] = (ztk_hello_moon){ZTK_WORLD_TYPE_MOON, 0x1234, 99};
  h.moons[1] = (ztk_hello_moon){3, 0x5678, 0};
  ztk_wr w = ztk_wr_make(enc, sizeof enc);
  size_t tail = ztk_hello_write(&w, &h);
  assert_int_equal(w.err, 0);
  assert_int_equal(tail, 5 + 8 + 71 + 7 + 16);
  assert_int_equal(w.len, tail + 2 + 2 * 17);
  ztk_rd r = ztk_rd_make(enc, w.len);
  assert_int_equal(dec_hello(&r), 0);
  r = ztk_rd_make(enc, w.len);
  assert_int_equal(ztk_hello_read(&r, &back), 0);
  assert_int_equal(ztk_hello_read_moons(&r, &back), 0);
  assert_true(ztk_identity_same(&back.id, &h.id));
  assert_false(back.id.has_private);
  assert_true(ztk_inaddr_eq(&back.dest, &h.dest));
  assert_int_equal(back.n_moons, 2);
  assert_int_equal(back.moons[1].type, h.moons[1].type); /* fields: the struct has padding */
  assert_int_equal(back.moons[1].id, h.moons[1].id);
  assert_int_equal(back.moons[1].timestamp, h.moons[1].timestamp);

  /* Everything after the identity may be missing; inside the fields it may not. */
  assert_int_equal(refused_prefixes(enc, w.len, dec_hello), 5 + 8 + 71 + 6 + 2 * 17);
  r = ztk_rd_make(enc, 5 + 8 + 71);
  assert_int_equal(ztk_hello_read(&r, &back), 0);
  assert_int_equal(back.dest.family, 0);
  assert_false(back.has_planet);
  assert_int_equal(back.crypt_off, 5 + 8 + 71);
  r = ztk_rd_make(enc, tail - 1); /* 15 bytes of planet fields: left for the tail */
  assert_int_equal(ztk_hello_read(&r, &back), 0);
  assert_false(back.has_planet);
  assert_int_equal(back.crypt_off, 5 + 8 + 71 + 7);

  /* Malformed identity and address types. */
  uint8_t bad[200];
  memcpy(bad, enc, w.len);
  bad[13 + 5] = 1;
  r = ztk_rd_make(bad, w.len);
  assert_int_equal(ztk_hello_read(&r, &back), ZTK_EFORMAT);
  memcpy(bad, enc, w.len);
  bad[13 + 71] = 9;
  r = ztk_rd_make(bad, w.len);
  assert_int_equal(ztk_hello_read(&r, &back), ZTK_EFORMAT);

  /* More moons than kept: all are checked, the first 16 kept. */
  h.n_moons = ZTK_HELLO_MAX_MOONS;
  w = ztk_wr_make(enc, sizeof enc);
  tail = ztk_hello_write(&w, &h);
  ztk_be_put(enc + tail, 20, 2);
  memset(enc + w.len, 0, 4 * 17);
  r = ztk_rd_make(enc, w.len + 4 * 17);
  assert_int_equal(dec_hello(&r), 0);
  r = ztk_rd_make(enc, w.len + 4 * 17);
  ztk_hello_read(&r, &back);
  assert_int_equal(ztk_hello_read_moons(&r, &back), 0);
  assert_int_equal(back.moon_count, 20);
  assert_int_equal(back.n_moons, ZTK_HELLO_MAX_MOONS);

  uint8_t tiny[27] = {0};
  assert_int_equal(ztk_hello_decode(tiny, sizeof tiny, NULL, &back), ZTK_EPKT_SHORT);
}

static void test_rendezvous(void **state)
{
  static const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 7};
  ztk_rendezvous z = {0, 0x063a948b95ull, {0}}, back;
  ztk_inaddr_v4(&z.at, 0x0afa000c, 9993);
  ztk_wr w = ztk_wr_make(enc, sizeof enc);
  ztk_rendezvous_write(&w, &z);
  static const uint8_t want4[] = {0, 0x06, 0x3a, 0x94, 0x8b, 0x95, 0x27, 0x09, 4, 10, 250, 0, 12};
  assert_encoded(&w, want4, sizeof want4);
  ztk_rd r = ztk_rd_make(enc, w.len);
  assert_int_equal(ztk_rendezvous_read(&r, &back), 0);
  assert_int_equal(back.with, z.with);
  assert_true(ztk_inaddr_eq(&back.at, &z.at));
  assert_int_equal(refused_prefixes(enc, w.len, dec_rendezvous), w.len);

  ztk_inaddr_v6(&z.at, v6, 1);
  w = ztk_wr_make(enc, sizeof enc);
  ztk_rendezvous_write(&w, &z);
  assert_int_equal(w.len, 9 + 16);
  r = ztk_rd_make(enc, w.len);
  assert_int_equal(ztk_rendezvous_read(&r, &back), 0);
  assert_true(ztk_inaddr_eq(&back.at, &z.at));

  enc[8] = 5;
  r = ztk_rd_make(enc, w.len);
  assert_int_equal(ztk_rendezvous_read(&r, &back), ZTK_EPKT_VERB);
  enc[8] = 16;
  enc[6] = enc[7] = 0;
  r = ztk_rd_make(enc, w.len);
  assert_int_equal(ztk_rendezvous_read(&r, &back), ZTK_EPKT_VERB);

  memset(&z.at, 0, sizeof z.at);
  w = ztk_wr_make(enc, sizeof enc);
  ztk_rendezvous_write(&w, &z);
  assert_int_equal(w.err, ZTK_EINVAL);
}

static void test_push_paths(void **state)
{
  static const uint8_t v6[16] = {0xfd, 0, [15] = 1};
  ztk_path_record recs[3], back[8];
  size_t n;
  memset(recs, 0, sizeof recs);
  ztk_inaddr_v4(&recs[0].addr, 0x0afa000b, 9993);
  recs[1].flags = ZTK_PUSH_PATHS_FLAG_FORGET;
  ztk_inaddr_v6(&recs[1].addr, v6, 443);
  /* recs[2] is nil: not written */
  ztk_wr w = ztk_wr_make(enc, sizeof enc);
  ztk_push_paths_write(&w, recs, 3);
  assert_int_equal(w.err, 0);
  assert_int_equal(w.len, 2 + 11 + 23);
  ztk_rd r = ztk_rd_make(enc, w.len);
  assert_int_equal(ztk_push_paths_read(&r, back, 8, &n), 0);
  assert_int_equal(n, 2);
  assert_true(ztk_inaddr_eq(&back[0].addr, &recs[0].addr));
  assert_int_equal(back[1].flags, ZTK_PUSH_PATHS_FLAG_FORGET);
  assert_true(ztk_inaddr_eq(&back[1].addr, &recs[1].addr));
  assert_int_equal(refused_prefixes(enc, w.len, dec_push_paths), w.len);
  r = ztk_rd_make(enc, w.len);
  assert_int_equal(ztk_push_paths_read(&r, back, 1, &n), 0);
  assert_int_equal(n, 1);

  /* Extensions and unknown address types are skipped. */
  static const uint8_t odd[] = {
      0, 3,                                                /* three records */
      0, 0, 2, 0xee, 0xee, 4, 6, 1, 2, 3, 4,  0,    80,    /* 2-byte extension */
      0, 0, 0, 9,    3,    7, 7, 7,                        /* type 9: skipped */
      2, 0, 0, 4,    8,    5, 6, 7, 8, 0, 81, 0xaa, 0xbb}; /* longer field */
  r = ztk_rd_make(odd, sizeof odd);
  assert_int_equal(ztk_push_paths_read(&r, back, 8, &n), 0);
  assert_int_equal(n, 2);
  assert_int_equal(ztk_inaddr_v4_u32(&back[0].addr), 0x01020304);
  assert_int_equal(back[0].addr.port, 80);
  assert_int_equal(back[1].flags, ZTK_PUSH_PATHS_FLAG_CLUSTER_REDIRECT);
  assert_int_equal(back[1].addr.port, 81);

  static const uint8_t short_v4[] = {0, 1, 0, 0, 0, 4, 5, 1, 2, 3, 4, 0};
  r = ztk_rd_make(short_v4, sizeof short_v4);
  assert_int_equal(ztk_push_paths_read(&r, back, 8, &n), ZTK_EPKT_VERB);
  static const uint8_t too_many[] = {0xff, 0xff, 0, 0, 0, 4, 6, 1, 2, 3, 4, 0, 1};
  r = ztk_rd_make(too_many, sizeof too_many);
  assert_int_equal(ztk_push_paths_read(&r, back, 8, &n), ZTK_ETRUNC);
}

static void test_small_verbs(void **state)
{
  ztk_address addrs[3] = {0x1111111111, 0x2222222222, 0x3333333333}, back[3];
  size_t n;
  ztk_wr w = ztk_wr_make(enc, sizeof enc);
  ztk_whois_write(&w, addrs, 3);
  ztk_wr_bytes(&w, "xyz", 3); /* a partial address is ignored */
  ztk_rd r = ztk_rd_make(enc, w.len);
  assert_int_equal(ztk_whois_read(&r, back, 3, &n), 0);
  assert_int_equal(n, 3);
  assert_memory_equal(back, addrs, sizeof addrs);
  r = ztk_rd_make(enc, w.len);
  assert_int_equal(ztk_whois_read(&r, back, 2, &n), ZTK_ELIMIT);
  r = ztk_rd_make(enc, 4);
  assert_int_equal(ztk_whois_read(&r, back, 3, &n), ZTK_ETRUNC);

  ztk_user_message m = {0x10000, (const uint8_t *)"hi", 2}, mb;
  w = ztk_wr_make(enc, sizeof enc);
  ztk_user_message_write(&w, &m);
  r = ztk_rd_make(enc, w.len);
  assert_int_equal(ztk_user_message_read(&r, &mb), 0);
  assert_int_equal(mb.type_id, 0x10000);
  assert_int_equal(mb.len, 2);
  assert_memory_equal(mb.data, "hi", 2);
  assert_int_equal(refused_prefixes(enc, w.len, dec_user_message), 8);

  ztk_echo e = {(const uint8_t *)"ping", 4}, eb;
  w = ztk_wr_make(enc, sizeof enc);
  ztk_echo_write(&w, &e);
  r = ztk_rd_make(enc, w.len);
  assert_int_equal(ztk_echo_read(&r, &eb), 0);
  assert_int_equal(eb.len, 4);

  ztk_ok_hello o = {1, 12, 1, 14, 1, {0}, (const uint8_t *)"WORLD", 5}, ob;
  w = ztk_wr_make(enc, sizeof enc);
  ztk_ok_hello_write(&w, &o);
  assert_int_equal(w.len, 13 + 1 + 2 + 5);
  r = ztk_rd_make(enc, w.len);
  assert_int_equal(ztk_ok_hello_read(&r, &ob), 0);
  assert_int_equal(ob.worlds_len, 5);
  assert_memory_equal(ob.worlds, "WORLD", 5);
  /* Address and world list may be absent; a world list cut short may not. */
  assert_int_equal(refused_prefixes(enc, w.len, dec_ok_hello), 13 + 5);
  ztk_ok_header oh;
  r = ztk_rd_make(enc, 8);
  assert_int_equal(ztk_ok_header_read(&r, &oh), ZTK_ETRUNC);

  ztk_identity ids[2];
  uint8_t idbuf[300];
  w = ztk_wr_make(idbuf, sizeof idbuf);
  ztk_identity_write(&w, tv_keyring_named(&tv_packets.ring, "alice"), true);
  ztk_wr_bytes(&w, "garbage", 7);
  r = ztk_rd_make(idbuf, w.len);
  assert_int_equal(ztk_ok_whois_read(&r, ids, 2, &n), 0);
  assert_int_equal(n, 1);
  assert_false(ids[0].has_private); /* a private key on the wire is not kept */
  assert_true(ztk_identity_same(&ids[0], tv_keyring_named(&tv_packets.ring, "alice")));
  r = ztk_rd_make(idbuf, 70);
  assert_int_equal(ztk_ok_whois_read(&r, ids, 2, &n), ZTK_ETRUNC);
  assert_int_equal(ztk_ok_whois_read(&r, ids, 0, &n), ZTK_EINVAL);
}

static void test_error_codes(void **state)
{
  for (unsigned code = 0; code < 12; code++) {
    for (unsigned in_re = ZTK_VERB_FRAME; in_re <= ZTK_VERB_NETWORK_CONFIG_REQUEST; in_re += 5) {
      bool nwid = code >= 6 ? code <= 9
                            : (code == 3 || code == 5) && in_re == ZTK_VERB_NETWORK_CONFIG_REQUEST;
      ztk_error_msg e = {(uint8_t)in_re,
                         77,
                         (uint8_t)code,
                         nwid,
                         0x4b5aaf4557000001ull,
                         (const uint8_t *)"\x01\x02",
                         2},
                    back;
      ztk_wr w = ztk_wr_make(enc, sizeof enc);
      ztk_error_write(&w, &e);
      assert_int_equal(w.len, 10 + (nwid ? 8 : 0) + 2);
      ztk_rd r = ztk_rd_make(enc, w.len);
      assert_int_equal(ztk_error_read(&r, &back), 0);
      assert_int_equal(back.has_nwid, nwid);
      assert_int_equal(back.nwid, nwid ? e.nwid : 0);
      assert_int_equal(back.extra_len, 2);
      assert_int_equal(refused_prefixes(enc, w.len, dec_error), nwid ? 18 : 10);
    }
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_hello_vectors), cmocka_unit_test(test_ok_vectors),
      cmocka_unit_test(test_other_vectors), cmocka_unit_test(test_hello_shapes),
      cmocka_unit_test(test_rendezvous),    cmocka_unit_test(test_push_paths),
      cmocka_unit_test(test_small_verbs),   cmocka_unit_test(test_error_codes),
  };
  return cmocka_run_group_tests(tests, tv_packets_setup, tv_packets_teardown);
}
