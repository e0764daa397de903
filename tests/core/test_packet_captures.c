/* Every ZeroTier packet of the reference captures (real ZeroTierOne 1.14.1 nodes) dearmors
 * with the keys of captures/identities, re-armors to the captured bytes, decompresses, and
 * (VL1 verbs) decodes and re-encodes; the hub captures are checked line by line against the
 * ground-truth listing in captures/README.md, and the counts stated there hold. */
#include "tests/support/capture.h"
#include "tests/support/keyring.h"
#include "tests/support/vectors.h"

#include <inttypes.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/crypto/aes_gmac_siv.h"
#include "core/packet/armor.h"
#include "core/packet/compress.h"
#include "core/packet/packet.h"
#include "core/packet/verbs.h"

#define MAX_LINES 256
#define ZT_PORT 9993

/* One line of the README's ground-truth listing. */
typedef struct truth {
  bool junk;
  char usrc[8], udst[8], zsrc[8], zdst[8], verb[32];
  unsigned ulen, hops, suite, plen;
  uint64_t id;
  bool lz4;
  char details[256];
} truth;

typedef struct keyslot {
  ztk_address a, b;
  ztk_peer_key key;
} keyslot;

static tv_keyring ring;
static keyslot keys[16];
static size_t nkeys;
static uint8_t pkt[ZTK_PROTO_MAX_PACKET_LENGTH], plain[ZTK_PROTO_MAX_PACKET_LENGTH],
    enc[ZTK_PROTO_MAX_PACKET_LENGTH];
static unsigned vl1_decoded[32];

static const struct node {
  const char *name;
  uint8_t ip4;
} nodes[] = {{"root", 1}, {"ctl", 2}, {"m1", 11}, {"m2", 12}};

static int setup(void **state)
{
  tv_keyring_from_captures(&ring);
  return 0;
}

static int teardown(void **state)
{
  for (size_t i = 0; i < nkeys; i++)
    ztk_peer_key_free(&keys[i].key);
  return 0;
}

/* The cached key of the pair (either direction). */
static ztk_peer_key *pair_key(ztk_address a, ztk_address b)
{
  for (size_t i = 0; i < nkeys; i++)
    if ((keys[i].a == a && keys[i].b == b) || (keys[i].a == b && keys[i].b == a))
      return &keys[i].key;
  assert_true(nkeys < sizeof keys / sizeof keys[0]);
  uint8_t key48[48];
  tv_keyring_key48(&ring, a, b, key48);
  keys[nkeys].a = a;
  keys[nkeys].b = b;
  ztk_peer_key_init(&keys[nkeys].key, key48);
  return &keys[nkeys++].key;
}

static const char *node_by_ip(const tv_udp *u, bool src)
{
  const uint8_t *ip = src ? u->src_ip : u->dst_ip;
  for (size_t i = 0; i < sizeof nodes / sizeof nodes[0]; i++)
    if (u->family == 4 && ip[0] == 10 && ip[1] == 250 && ip[2] == 0 && ip[3] == nodes[i].ip4)
      return nodes[i].name;
  return "?";
}

static const char *node_by_address(ztk_address a)
{
  for (size_t i = 0; i < ring.n; i++)
    if (ring.ids[i].address == a)
      return ring.names[i];
  return "?";
}

static ztk_address address_of(const char *name)
{
  const ztk_identity *id = tv_keyring_named(&ring, name);
  if (!id)
    fail_msg("unknown node %s", name);
  return id->address;
}

/* ---- ground truth from captures/README.md ---- */

static bool parse_truth(const char *line, truth *t)
{
  int n = 0;
  unsigned frame;
  double when;
  memset(t, 0, sizeof *t);
  if (sscanf(line, "%u %lf %7s > %7s %u %n", &frame, &when, t->usrc, t->udst, &t->ulen, &n) != 5)
    return false;
  const char *rest = line + n;
  if (strncmp(rest, "[short/junk", 11) == 0) {
    t->junk = true;
    return true;
  }
  char id[17];
  if (sscanf(rest, "%7[^>]>%7s %16s h%u c%u %31s %n", t->zsrc, t->zdst, id, &t->hops, &t->suite,
             t->verb, &n) != 6)
    return false;
  t->id = strtoull(id, NULL, 16);
  rest += n;
  if (strncmp(rest, "(lz4) ", 6) == 0) {
    t->lz4 = true;
    rest += 6;
  }
  if (sscanf(rest, "plen=%u %n", &t->plen, &n) != 1)
    return false;
  snprintf(t->details, sizeof t->details, "%s", rest + n);
  return true;
}

static size_t load_truth(const char *section, truth *out)
{
  size_t len, n = 0;
  char *text = (char *)tv_read_file("captures/README.md", &len);
  text = realloc(text, len + 1);
  text[len] = 0;
  char *p = strstr(text, section);
  assert_non_null(p);
  p = strstr(p, "```\n");
  assert_non_null(p);
  p += 4;
  while (*p && strncmp(p, "```", 3) != 0) {
    char *eol = strchr(p, '\n');
    assert_non_null(eol);
    *eol = 0;
    assert_true(n < MAX_LINES);
    if (!parse_truth(p, &out[n]))
      fail_msg("cannot parse listing line: %s", p);
    n++;
    p = eol + 1;
  }
  free(text);
  return n;
}

/* The value following `key=` in the details, up to a space or '(' (empty if absent). */
static void detail(const truth *t, const char *key, char *out, size_t cap)
{
  const char *p = strstr(t->details, key);
  size_t n = 0;
  if (p) {
    p += strlen(key);
    while (p[n] && p[n] != ' ' && p[n] != '(' && n + 1 < cap)
      n++;
    memcpy(out, p, n);
  }
  out[n] = 0;
}

/* ---- per-packet checks ---- */

/* Suite 3 replaces the packet id with half of the SIV tag; the original id is the first half
 * of the tag decrypted with K1. */
static void siv_recover_iv(const ztk_peer_key *k, const uint8_t *wire, uint8_t iv[8])
{
  uint8_t k0[32], k1[32], tag[16], u[16];
  int outl = 0;
  memcpy(tag, wire, 8);
  memcpy(tag + 8, wire + ZTK_PKT_IDX_MAC, 8);
  assert_int_equal(ztk_aes_siv_derive(k->key, k0, k1), 0);
  EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
  assert_non_null(c);
  assert_int_equal(EVP_DecryptInit_ex(c, EVP_aes_256_ecb(), NULL, k1, NULL), 1);
  EVP_CIPHER_CTX_set_padding(c, 0);
  assert_int_equal(EVP_DecryptUpdate(c, u, &outl, tag, 16), 1);
  assert_int_equal(outl, 16);
  EVP_CIPHER_CTX_free(c);
  memcpy(iv, u, 8);
}

static void check_rearmor(ztk_peer_key *k, const uint8_t *wire, size_t len, unsigned suite)
{
  memcpy(enc, plain, len);
  if (suite == ZTK_CIPHER_AES_GMAC_SIV)
    siv_recover_iv(k, wire, enc);
  memset(enc + ZTK_PKT_IDX_MAC, 0, 8);
  assert_int_equal(ztk_armor(enc, len, k, suite), 0);
  assert_memory_equal(enc, wire, len);
}

static void assert_reencoded(const ztk_wr *w, const ztk_rd *r)
{
  assert_int_equal(w->err, 0);
  assert_int_equal(w->len, r->len);
  assert_memory_equal(w->p, r->p, r->len);
}

static void decode_hello(size_t len, ztk_peer_key *k, const truth *t)
{
  ztk_hello h;
  assert_int_equal(ztk_hello_decode(pkt, len, k, &h), 0);
  assert_int_equal(h.id.address, ztk_packet_source(pkt));
  assert_true(ztk_identity_same(&h.id, tv_keyring_find(&ring, h.id.address)));
  assert_int_equal(h.proto_version, 12);
  assert_int_equal(h.major, 1);
  assert_int_equal(h.minor, 14);
  assert_int_equal(h.revision, 1);
  assert_true(h.has_planet);
  assert_int_equal(h.planet_id, 0xdec0de01);
  assert_int_equal(h.planet_timestamp, 1767225600000ull);
  assert_int_equal(h.moon_count, 0);
  ztk_rd r = ztk_rd_make(pkt + ZTK_PKT_IDX_PAYLOAD, len - ZTK_PKT_IDX_PAYLOAD);
  ztk_wr w = ztk_wr_make(enc, sizeof enc);
  ztk_hello_write(&w, &h);
  assert_reencoded(&w, &r);
  if (t) {
    char v[32];
    detail(t, "ts=", v, sizeof v);
    assert_int_equal(h.timestamp, strtoull(v, NULL, 10));
  }
}

static void decode_ok(ztk_rd *r, const truth *t)
{
  ztk_ok_header oh;
  ztk_wr w = ztk_wr_make(enc, sizeof enc);
  assert_int_equal(ztk_ok_header_read(r, &oh), 0);
  ztk_ok_header_write(&w, oh.in_re_verb, oh.in_re_packet_id);
  if (t) {
    char v[48], want[48];
    detail(t, "in-re=", v, sizeof v);
    snprintf(want, sizeof want, "%s", ztk_verb_name(oh.in_re_verb));
    assert_string_equal(v, want);
    assert_non_null(strstr(t->details, "("));
    assert_int_equal(strtoull(strstr(t->details, "(") + 1, NULL, 16), oh.in_re_packet_id);
  }
  if (oh.in_re_verb == ZTK_VERB_HELLO) {
    ztk_ok_hello o;
    assert_int_equal(ztk_ok_hello_read(r, &o), 0);
    assert_int_equal(o.proto_version, 12);
    assert_int_equal(o.from.family, 4);
    ztk_ok_hello_write(&w, &o);
  } else if (oh.in_re_verb == ZTK_VERB_WHOIS) {
    ztk_identity ids[4];
    size_t n;
    assert_int_equal(ztk_ok_whois_read(r, ids, 4, &n), 0);
    assert_int_equal(n, 1);
    assert_true(ztk_identity_same(&ids[0], tv_keyring_find(&ring, ids[0].address)));
    if (t) {
      char v[16];
      detail(t, "identity-of=", v, sizeof v);
      assert_int_equal(ids[0].address, address_of(v));
    }
    ztk_ok_whois_write(&w, ids, n);
  } else if (oh.in_re_verb == ZTK_VERB_ECHO) {
    ztk_echo e;
    assert_int_equal(ztk_echo_read(r, &e), 0);
    ztk_echo_write(&w, &e);
  } else {
    return; /* network-layer replies are not this module's */
  }
  assert_reencoded(&w, r);
}

static const char *error_name(unsigned code)
{
  static const char *const names[] = {"NONE",
                                      "INVALID_REQUEST",
                                      "BAD_PROTOCOL_VERSION",
                                      "OBJ_NOT_FOUND",
                                      "IDENTITY_COLLISION",
                                      "UNSUPPORTED_OPERATION",
                                      "NEED_MEMBERSHIP_CERTIFICATE",
                                      "NETWORK_ACCESS_DENIED",
                                      "UNWANTED_MULTICAST",
                                      "NETWORK_AUTHENTICATION_REQUIRED"};
  return code < 10 ? names[code] : "?";
}

static void decode_error(ztk_rd *r, const truth *t)
{
  ztk_error_msg e;
  ztk_wr w = ztk_wr_make(enc, sizeof enc);
  assert_int_equal(ztk_error_read(r, &e), 0);
  assert_true(e.has_nwid);
  assert_int_equal(e.nwid, 0x4b5aaf4557000001ull);
  ztk_error_write(&w, &e);
  assert_reencoded(&w, r);
  if (t) {
    char v[48];
    detail(t, "error=", v, sizeof v);
    assert_string_equal(v, error_name(e.code));
    detail(t, "in-re=", v, sizeof v);
    assert_string_equal(v, ztk_verb_name(e.in_re_verb));
  }
}

static void decode_whois(ztk_rd *r, const truth *t)
{
  ztk_address a[8];
  size_t n;
  ztk_wr w = ztk_wr_make(enc, sizeof enc);
  assert_int_equal(ztk_whois_read(r, a, 8, &n), 0);
  assert_int_equal(n, 1);
  ztk_whois_write(&w, a, n);
  assert_reencoded(&w, r);
  if (t) {
    char v[16];
    detail(t, "whois=", v, sizeof v);
    assert_int_equal(a[0], address_of(v));
  }
}

static void decode_rendezvous(ztk_rd *r, const truth *t)
{
  ztk_rendezvous z;
  ztk_wr w = ztk_wr_make(enc, sizeof enc);
  assert_int_equal(ztk_rendezvous_read(r, &z), 0);
  ztk_rendezvous_write(&w, &z);
  assert_reencoded(&w, r);
  if (t) {
    char v[64], at[ZTK_INADDR_STRLEN];
    detail(t, "with=", v, sizeof v);
    assert_int_equal(z.with, address_of(v));
    detail(t, "at=", v, sizeof v);
    ztk_inaddr_format(&z.at, at);
    assert_string_equal(at, v);
  }
}

static void decode_push_paths(ztk_rd *r)
{
  ztk_path_record recs[16];
  size_t n;
  ztk_wr w = ztk_wr_make(enc, sizeof enc);
  assert_int_equal(ztk_push_paths_read(r, recs, 16, &n), 0);
  assert_true(n >= 1);
  for (size_t i = 0; i < n; i++)
    assert_int_equal(ztk_inaddr_scope(&recs[i].addr), ZTK_SCOPE_PRIVATE);
  ztk_push_paths_write(&w, recs, n);
  assert_reencoded(&w, r);
}

/* Decodes the VL1 verbs; the others belong to the network layer. */
static void decode_verb(size_t len, ztk_peer_key *k, const truth *t)
{
  unsigned verb = ztk_packet_verb(pkt);
  ztk_rd r = ztk_rd_make(pkt + ZTK_PKT_IDX_PAYLOAD, len - ZTK_PKT_IDX_PAYLOAD);
  ztk_echo e;
  ztk_user_message m;
  switch (verb) {
  case ZTK_VERB_HELLO:
    decode_hello(len, k, t);
    break;
  case ZTK_VERB_OK:
    decode_ok(&r, t);
    break;
  case ZTK_VERB_ERROR:
    decode_error(&r, t);
    break;
  case ZTK_VERB_WHOIS:
    decode_whois(&r, t);
    break;
  case ZTK_VERB_RENDEZVOUS:
    decode_rendezvous(&r, t);
    break;
  case ZTK_VERB_PUSH_DIRECT_PATHS:
    decode_push_paths(&r);
    break;
  case ZTK_VERB_NOP:
  case ZTK_VERB_ECHO:
    assert_int_equal(ztk_echo_read(&r, &e), 0);
    break;
  case ZTK_VERB_USER_MESSAGE:
    assert_int_equal(ztk_user_message_read(&r, &m), 0);
    break;
  default:
    return;
  }
  vl1_decoded[verb]++;
}

/* One ZeroTier datagram: dearmor, re-armor, decompress, decode; compared with t if given. */
static void check_packet(const tv_udp *u, const truth *t)
{
  size_t len = u->len;
  assert_int_equal(ztk_datagram_classify(u->data, len), ZTK_DGRAM_PACKET);
  assert_false(ztk_packet_fragmented(u->data));
  unsigned suite = ztk_packet_cipher(u->data);
  ztk_peer_key *k = pair_key(ztk_packet_source(u->data), ztk_packet_dest(u->data));
  memcpy(pkt, u->data, len);
  assert_int_equal(ztk_dearmor(pkt, len, k), 0);
  memcpy(plain, pkt, len);
  check_rearmor(k, u->data, len, suite);
  bool lz4 = ztk_packet_compressed(pkt);
  assert_int_equal(ztk_packet_decompress(pkt, &len, sizeof pkt), 0);
  if (t) {
    assert_false(t->junk);
    assert_string_equal(node_by_ip(u, true), t->usrc);
    assert_string_equal(node_by_ip(u, false), t->udst);
    assert_int_equal(u->len, t->ulen);
    assert_string_equal(node_by_address(ztk_packet_source(pkt)), t->zsrc);
    assert_string_equal(node_by_address(ztk_packet_dest(pkt)), t->zdst);
    assert_int_equal(ztk_packet_id(u->data), t->id);
    assert_int_equal(ztk_packet_hops(pkt), t->hops);
    assert_int_equal(suite, t->suite);
    assert_string_equal(ztk_verb_name(ztk_packet_verb(pkt)), t->verb);
    assert_int_equal(lz4, t->lz4);
    assert_int_equal(len - ZTK_PKT_IDX_PAYLOAD, t->plen);
  }
  decode_verb(len, k, t);
}

static bool is_zerotier(const tv_udp *u)
{
  return (u->sport == ZT_PORT || u->dport == ZT_PORT) && u->len >= ZTK_PROTO_MIN_PACKET_LENGTH;
}

/* Checks a capture; returns its number of ZeroTier packets. truth may be NULL. With a hub
 * capture, counts in *beyond_hub the packets missing from it, which must all come after the
 * last one found (a member capture may outlive the hub capture). */
static size_t check_capture(const char *file, size_t frames, const truth *lines, size_t nlines,
                            const tv_capture *hub, size_t *beyond_hub)
{
  char rel[128];
  tv_capture c;
  size_t zt = 0, missing = 0;
  snprintf(rel, sizeof rel, "captures/%s", file);
  tv_capture_load(rel, &c);
  assert_int_equal(c.frames, frames);
  if (lines)
    assert_int_equal(c.n, nlines);
  for (size_t i = 0; i < c.n; i++) {
    const tv_udp *u = &c.dg[i];
    if (!is_zerotier(u)) {
      assert_int_equal(u->len, 4); /* the NAT-opening junk, nothing else */
      if (lines)
        assert_true(lines[i].junk);
      continue;
    }
    check_packet(u, lines ? &lines[i] : NULL);
    zt++;
    if (hub) { /* member captures are subsets of the hub capture, byte for byte */
      bool found = false;
      for (size_t j = 0; j < hub->n && !found; j++)
        found = hub->dg[j].len == u->len && memcmp(hub->dg[j].data, u->data, u->len) == 0;
      if (found)
        assert_int_equal(missing, 0);
      missing += !found;
    }
  }
  tv_capture_free(&c);
  if (beyond_hub)
    *beyond_hub = missing;
  return zt;
}

static void test_hub_captures(void **state)
{
  static truth lines[MAX_LINES];
  size_t n = load_truth("### A-hub.pcap", lines);
  assert_int_equal(n, 193);
  size_t a = check_capture("A-hub.pcap", 193, lines, n, NULL, NULL);
  n = load_truth("### B-hub.pcap", lines);
  assert_int_equal(n, 43);
  size_t b = check_capture("B-hub.pcap", 43, lines, n, NULL, NULL);
  assert_int_equal(a, 190);
  assert_int_equal(b, 43);
  assert_int_equal(a + b, 233);
  /* Every VL1 verb of the captures went through its decoder. */
  assert_int_equal(vl1_decoded[ZTK_VERB_HELLO], 17);
  assert_int_equal(vl1_decoded[ZTK_VERB_WHOIS], 23);
  assert_int_equal(vl1_decoded[ZTK_VERB_RENDEZVOUS], 6);
  assert_int_equal(vl1_decoded[ZTK_VERB_PUSH_DIRECT_PATHS], 3);
  assert_int_equal(vl1_decoded[ZTK_VERB_ERROR], 2);
  assert_int_equal(vl1_decoded[ZTK_VERB_OK], 57);
}

static void test_member_captures(void **state)
{
  tv_capture hub_a, hub_b;
  tv_capture_load("captures/A-hub.pcap", &hub_a);
  tv_capture_load("captures/B-hub.pcap", &hub_b);
  size_t beyond;
  assert_int_equal(check_capture("A-m1-eth0.pcap", 102, NULL, 0, &hub_a, &beyond), 100);
  assert_int_equal(beyond, 0);
  /* m2's capture ran a little longer than the hub's: its last 4 packets (a HELLO exchange with
   * m1 and a WHOIS to the root) are not in A-hub.pcap. */
  assert_int_equal(check_capture("A-m2-eth0.pcap", 100, NULL, 0, &hub_a, &beyond), 98);
  assert_int_equal(beyond, 4);
  assert_int_equal(check_capture("B-m1-eth0.pcap", 39, NULL, 0, &hub_b, &beyond), 39);
  assert_int_equal(beyond, 0);
  /* The tap captures hold plaintext Ethernet frames, no ZeroTier packets. */
  assert_int_equal(check_capture("A-m1-zt.pcap", 42, NULL, 0, NULL, NULL), 0);
  assert_int_equal(check_capture("A-m2-zt.pcap", 43, NULL, 0, NULL, NULL), 0);
  assert_int_equal(check_capture("B-m1-zt.pcap", 17, NULL, 0, NULL, NULL), 0);
  tv_capture_free(&hub_a);
  tv_capture_free(&hub_b);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_hub_captures),
      cmocka_unit_test(test_member_captures),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
