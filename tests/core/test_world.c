/* Worlds: the worlds.json vectors (parse, byte-identical re-serialization, signing message,
 * signatures, the update rule), the built-in planet, the captured planet, malformed input at
 * every length and position, builders and the upstream list. */
#include "tests/support/vectors.h"

#include <stdlib.h>
#include <string.h>

#include "core/identity/identity.h"
#include "core/world/default_planet.h"
#include "core/world/world.h"

static json_t *doc, *worlds;

static int setup(void **state)
{
  (void)state;
  doc = tv_load("vectors/worlds.json");
  worlds = json_object_get(doc, "worlds");
  return 0;
}

static int teardown(void **state)
{
  (void)state;
  json_decref(doc);
  return 0;
}

static const json_t *vec(const char *name)
{
  const json_t *v = json_object_get(worlds, name);
  assert_non_null(v);
  return v;
}

/* Parses the hex member `key` of v into w and checks it re-serializes to the same bytes. */
static void parse_vector(const json_t *v, const char *key, ztk_world *w)
{
  size_t len;
  uint8_t *bytes = tv_hex(v, key, &len);
  uint8_t out[ZTK_WORLD_MAX_LEN];
  assert_int_equal(ztk_world_parse(w, bytes, len), (int)len);
  ztk_wr wr = ztk_wr_make(out, sizeof out);
  assert_int_equal(ztk_world_write(&wr, w), 0);
  assert_int_equal(wr.len, len);
  assert_memory_equal(out, bytes, len);
  free(bytes);
}

/* Checks the decoded fields of a vector against w. */
static void check_fields(const json_t *v, const ztk_world *w)
{
  uint8_t key[64], sig[96];
  assert_int_equal(w->type, json_integer_value(json_object_get(v, "type")));
  assert_true(w->id == (uint64_t)json_integer_value(json_object_get(v, "id")));
  assert_true(w->timestamp == (uint64_t)json_integer_value(json_object_get(v, "timestamp")));
  tv_hex_exact(v, "updates_must_be_signed_by", key, 64);
  assert_memory_equal(w->update_key, key, 64);
  tv_hex_exact(v, "signature", sig, 96);
  assert_memory_equal(w->signature, sig, 96);
  const json_t *roots = json_object_get(v, "roots");
  assert_int_equal(w->n_roots, json_array_size(roots));
  for (size_t i = 0; i < w->n_roots; i++) {
    const json_t *r = json_array_get(roots, i);
    char idstr[ZTK_IDENTITY_STRBUF], ep[ZTK_INADDR_STRLEN];
    ztk_identity_to_string(&w->roots[i].identity, false, idstr, sizeof idstr);
    assert_string_equal(idstr, tv_str(r, "identity"));
    assert_int_equal(ztk_identity_validate(&w->roots[i].identity), 0);
    const json_t *eps = json_object_get(r, "stable_endpoints");
    assert_int_equal(w->roots[i].n_endpoints, json_array_size(eps));
    for (size_t k = 0; k < w->roots[i].n_endpoints; k++) {
      ztk_inaddr_format(&w->roots[i].endpoints[k], ep);
      assert_string_equal(ep, json_string_value(json_array_get(eps, k)));
    }
  }
}

static void check_signing_message(const json_t *v, const ztk_world *w)
{
  size_t len;
  uint8_t *want = tv_hex(v, "signing_input", &len);
  uint8_t msg[ZTK_WORLD_SIGNING_MAX_LEN];
  assert_int_equal(ztk_world_signing_message(w, msg, sizeof msg), (int)len);
  assert_memory_equal(msg, want, len);
  assert_int_equal(ztk_world_signing_message(w, msg, len - 1), ZTK_ENOSPACE);
  free(want);
}

static void test_decoded_vectors(void **state)
{
  (void)state;
  const char *names[] = {"default_planet_1_14_1", "custom_planet", "custom_planet_update", "moon"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    const json_t *v = vec(names[i]);
    ztk_world w;
    parse_vector(v, "serialized", &w);
    check_fields(v, &w);
    check_signing_message(v, &w);
    assert_true(json_is_true(json_object_get(v, "signature_verifies_with_own_key")));
    assert_int_equal(ztk_world_verify(&w, w.update_key), 0);
  }
}

static void test_idtool_and_live_vectors(void **state)
{
  (void)state;
  ztk_world w;
  const json_t *gm = vec("idtool_genmoon");
  parse_vector(gm, "moon_file_hex", &w);
  check_signing_message(gm, &w);
  assert_int_equal(w.type, ZTK_WORLD_MOON);
  assert_true(w.id == 0xb1be945578ULL);
  assert_int_equal(ztk_world_verify(&w, w.update_key), 0);
  const json_t *in = json_object_get(gm, "input_json");
  uint8_t key[64];
  tv_hex_exact(in, "updatesMustBeSignedBy", key, 64);
  assert_memory_equal(w.update_key, key, 64);

  parse_vector(vec("live_session_planet"), "hex", &w);
  assert_int_equal(w.type, ZTK_WORLD_PLANET);
  assert_true(w.id == 0x12345678);
  assert_int_equal(w.n_roots, 1);
  assert_int_equal(ztk_world_verify(&w, w.update_key), 0);
}

/* The vector's signing key pair as a bare key "identity". */
static void vector_signer(ztk_identity *signer)
{
  const json_t *v = vec("custom_planet");
  memset(signer, 0, sizeof *signer);
  tv_hex_exact(v, "signing_keypair_public", signer->pub, 64);
  tv_hex_exact(v, "signing_keypair_private", signer->priv, 64);
  signer->has_private = true;
}

static void test_sign_reproduces_vector(void **state)
{
  (void)state;
  ztk_world w;
  ztk_identity signer;
  uint8_t want[96], pub[64];
  vector_signer(&signer);
  ztk_world_key_public(pub, signer.priv);
  assert_memory_equal(pub, signer.pub, 64);
  const char *names[] = {"custom_planet", "custom_planet_update", "moon"};
  for (size_t i = 0; i < 3; i++) {
    parse_vector(vec(names[i]), "serialized", &w);
    memcpy(want, w.signature, 96);
    memset(w.signature, 0, 96);
    assert_int_equal(ztk_world_verify(&w, w.update_key), ZTK_EWORLD_SIGNATURE);
    assert_int_equal(ztk_world_sign(&w, &signer), 0);
    assert_memory_equal(w.signature, want, 96); /* Ed25519 is deterministic */
  }
  signer.has_private = false;
  assert_int_equal(ztk_world_sign(&w, &signer), ZTK_EID_NOSECRET);
}

static void test_update_rule(void **state)
{
  (void)state;
  ztk_world cur, upd, bad, null_world;
  ztk_identity other;
  parse_vector(vec("custom_planet"), "serialized", &cur);
  parse_vector(vec("custom_planet_update"), "serialized", &upd);
  assert_true(json_is_true(json_object_get(vec("custom_planet"), "shouldBeReplacedBy_update")));
  assert_int_equal(ztk_world_should_replace(&cur, &upd), 0);
  assert_int_equal(ztk_world_should_replace(&upd, &cur), ZTK_EWORLD_OLD);
  assert_int_equal(ztk_world_should_replace(&cur, &cur), ZTK_EWORLD_OLD);

  /* Same content re-signed by a key that is not the current update key. */
  bad = upd;
  ztk_identity_generate(&other, tv_random, NULL);
  assert_int_equal(ztk_world_sign(&bad, &other), 0);
  assert_int_equal(ztk_world_verify(&bad, other.pub), 0);
  assert_int_equal(ztk_world_should_replace(&cur, &bad), ZTK_EWORLD_SIGNATURE);

  /* A changed field after signing breaks the signature. */
  bad = upd;
  bad.roots[0].endpoints[0].port++;
  assert_int_equal(ztk_world_should_replace(&cur, &bad), ZTK_EWORLD_SIGNATURE);

  bad = upd;
  bad.id++;
  assert_int_equal(ztk_world_should_replace(&cur, &bad), ZTK_EWORLD_ID);
  bad = upd;
  bad.type = ZTK_WORLD_MOON;
  assert_int_equal(ztk_world_should_replace(&cur, &bad), ZTK_EWORLD_TYPE);
  bad.type = ZTK_WORLD_NULL;
  assert_int_equal(ztk_world_should_replace(&cur, &bad), ZTK_EWORLD_TYPE);

  /* Nothing installed yet: the initial world is accepted without a signature check. */
  memset(&null_world, 0, sizeof null_world);
  bad = upd;
  memset(bad.signature, 0, 96);
  assert_int_equal(ztk_world_should_replace(&null_world, &bad), 0);
  ztk_world moon;
  parse_vector(vec("moon"), "serialized", &moon);
  assert_int_equal(ztk_world_should_replace(&null_world, &moon), 0);
}

static void test_default_planet(void **state)
{
  (void)state;
  const json_t *v = vec("default_planet_1_14_1");
  size_t len;
  uint8_t *want = tv_hex(v, "serialized", &len);
  assert_int_equal(len, ZTK_DEFAULT_PLANET_LEN);
  assert_memory_equal(ztk_default_planet_bytes(), want, len);
  free(want);
  ztk_world w, custom;
  assert_int_equal(ztk_default_planet(&w), 0);
  check_fields(v, &w);
  assert_true(w.id == ZTK_DEFAULT_PLANET_ID);
  assert_int_equal(ztk_world_verify(&w, w.update_key), 0);
  /* The built-in planet never replaces a custom one (different id), nor itself. */
  parse_vector(vec("custom_planet"), "serialized", &custom);
  assert_int_equal(ztk_world_should_replace(&custom, &w), ZTK_EWORLD_ID);
  assert_int_equal(ztk_world_should_replace(&w, &w), ZTK_EWORLD_OLD);
}

static void test_captured_planet(void **state)
{
  (void)state;
  size_t len;
  uint8_t *bytes = tv_read_file("captures/planet", &len);
  ztk_world w;
  char ep[ZTK_INADDR_STRLEN];
  assert_int_equal(len, 257);
  assert_int_equal(ztk_world_parse(&w, bytes, len), 257);
  assert_int_equal(w.type, ZTK_WORLD_PLANET);
  assert_true(w.id == 0xdec0de01ULL);
  assert_true(w.timestamp == 1767225600000ULL);
  assert_int_equal(w.n_roots, 1);
  assert_true(w.roots[0].identity.address == 0x6db275b3b2ULL);
  assert_int_equal(w.roots[0].n_endpoints, 1);
  ztk_inaddr_format(&w.roots[0].endpoints[0], ep);
  assert_string_equal(ep, "10.250.0.1/9993");
  assert_int_equal(ztk_world_verify(&w, w.update_key), 0);
  free(bytes);
}

/* The codes a malformed world may produce. */
static bool is_world_error(int rc)
{
  return rc == ZTK_ETRUNC || rc == ZTK_EWORLD_TYPE || rc == ZTK_EWORLD_LIMIT ||
         rc == ZTK_EWORLD_IDENTITY || rc == ZTK_EWORLD_ENDPOINT;
}

/* Every prefix is truncated; every byte changed to several values parses or fails cleanly,
 * and whatever parses re-serializes to a world that parses to the same serialization. */
static void mangle_all(const uint8_t *bytes, size_t len)
{
  ztk_world w, w2;
  uint8_t *buf = malloc(len);
  uint8_t out[ZTK_WORLD_MAX_LEN], out2[ZTK_WORLD_MAX_LEN];
  for (size_t n = 0; n < len; n++)
    assert_int_equal(ztk_world_parse(&w, bytes, n), ZTK_ETRUNC);
  const uint8_t values[] = {0x00, 0x01, 0x03, 0x04, 0x06, 0x21, 0x40, 0x7f, 0xff};
  for (size_t pos = 0; pos < len; pos++) {
    for (size_t k = 0; k < sizeof values; k++) {
      memcpy(buf, bytes, len);
      buf[pos] = values[k];
      int rc = ztk_world_parse(&w, buf, len);
      if (rc < 0) {
        assert_true(is_world_error(rc));
        continue;
      }
      assert_true(rc <= (int)len);
      ztk_wr wr = ztk_wr_make(out, sizeof out);
      assert_int_equal(ztk_world_write(&wr, &w), 0);
      assert_int_equal(ztk_world_parse(&w2, out, wr.len), (int)wr.len);
      ztk_wr wr2 = ztk_wr_make(out2, sizeof out2);
      assert_int_equal(ztk_world_write(&wr2, &w2), 0);
      assert_int_equal(wr2.len, wr.len);
      assert_memory_equal(out, out2, wr.len);
    }
  }
  free(buf);
}

static void test_truncated_and_corrupt(void **state)
{
  (void)state;
  const char *names[] = {"default_planet_1_14_1", "moon"};
  for (size_t i = 0; i < 2; i++) {
    size_t len;
    uint8_t *bytes = tv_hex(vec(names[i]), "serialized", &len);
    mangle_all(bytes, len);
    free(bytes);
  }
}

/* A moon with one root and one IPv4 endpoint, serialized into buf; returns its length. */
static size_t small_moon(uint8_t *buf, size_t cap)
{
  ztk_world w;
  parse_vector(vec("moon"), "serialized", &w);
  w.roots[0].n_endpoints = 1;
  ztk_wr wr = ztk_wr_make(buf, cap);
  assert_int_equal(ztk_world_write(&wr, &w), 0);
  return wr.len;
}

static void test_specific_errors(void **state)
{
  (void)state;
  uint8_t b[600];
  ztk_world w;
  size_t len = small_moon(b, sizeof b);
  const size_t id_at = ZTK_WORLD_ROOTS_OFFSET + 1, ep_count_at = id_at + 71, ep_at = ep_count_at + 1;
  assert_int_equal(len, ep_at + 7 + 2);
  assert_int_equal(ztk_world_parse(&w, b, len), (int)len);

  struct { size_t at; uint8_t value; int want; } cases[] = {
    {0, 0x02, ZTK_EWORLD_TYPE},          {0, 0x80, ZTK_EWORLD_TYPE},
    {ZTK_WORLD_ROOTS_OFFSET, 5, ZTK_EWORLD_LIMIT},
    {ZTK_WORLD_ROOTS_OFFSET, 0xff, ZTK_EWORLD_LIMIT},
    {ep_count_at, 33, ZTK_EWORLD_LIMIT}, {id_at + 5, 1, ZTK_EWORLD_IDENTITY},
    {id_at + 70, 5, ZTK_EWORLD_IDENTITY}, {id_at, 0xff, ZTK_EWORLD_IDENTITY},
    {ep_at, 0x05, ZTK_EWORLD_ENDPOINT},  {ep_at, 0x09, ZTK_EWORLD_ENDPOINT},
    {ep_count_at, 2, ZTK_ETRUNC},        {len - 1, 1, ZTK_ETRUNC},
    {id_at + 70, 64, ZTK_ETRUNC},        {ZTK_WORLD_ROOTS_OFFSET, 2, ZTK_ETRUNC},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    uint8_t c[600];
    memcpy(c, b, len);
    c[cases[i].at] = cases[i].value;
    assert_int_equal(ztk_world_parse(&w, c, len), cases[i].want);
    assert_int_equal(w.n_roots, 0); /* nothing half-parsed is left behind */
  }
  /* Trailing bytes belong to the caller; the moon extension is skipped. */
  assert_int_equal(ztk_world_parse(&w, b, len + 3), (int)len);
  uint8_t ext[600];
  memcpy(ext, b, len);
  ext[len - 1] = 3;
  memcpy(ext + len, "abc", 3);
  assert_int_equal(ztk_world_parse(&w, ext, len + 3), (int)len + 3);
  assert_int_equal(ztk_world_parse(&w, NULL, 0), ZTK_ETRUNC);
}

static void test_lenient_forms(void **state)
{
  (void)state;
  uint8_t b[700], out[700];
  ztk_world w;
  size_t len = small_moon(b, sizeof b);
  const size_t id_at = ZTK_WORLD_ROOTS_OFFSET + 1, ep_at = id_at + 72;
  /* A private key in a root identity is accepted and dropped. */
  uint8_t p[700];
  memcpy(p, b, id_at + 70);
  p[id_at + 70] = 64;
  memset(p + id_at + 71, 0xaa, 64);
  memcpy(p + id_at + 135, b + id_at + 71, len - (id_at + 71));
  assert_int_equal(ztk_world_parse(&w, p, len + 64), (int)len + 64);
  assert_false(w.roots[0].identity.has_private);
  ztk_wr wr = ztk_wr_make(out, sizeof out);
  assert_int_equal(ztk_world_write(&wr, &w), 0);
  assert_int_equal(wr.len, len);
  assert_memory_equal(out, b, len);
  /* Reserved address types are skipped (read as nil), as 1.14.1 does. */
  uint8_t r[700];
  memcpy(r, b, ep_at);
  const uint8_t other[] = {0x03, 0x00, 0x04, 1, 2, 3, 4, 0x01, 1, 2, 3, 4, 5, 6};
  r[ep_at - 1] = 2;
  memcpy(r + ep_at, other, sizeof other);
  memcpy(r + ep_at + sizeof other, b + len - 2, 2);
  assert_int_equal(ztk_world_parse(&w, r, ep_at + sizeof other + 2), (int)(ep_at + sizeof other + 2));
  assert_int_equal(w.roots[0].n_endpoints, 2);
  assert_int_equal(w.roots[0].endpoints[0].family, 0);
  assert_int_equal(w.roots[0].endpoints[1].family, 0);
  /* A null world is legal on the wire but is never installed. */
  ztk_world null_world;
  memset(b, 0, ZTK_WORLD_ROOTS_OFFSET + 1);
  assert_int_equal(ztk_world_parse(&w, b, ZTK_WORLD_ROOTS_OFFSET + 1), ZTK_WORLD_ROOTS_OFFSET + 1);
  memset(&null_world, 0, sizeof null_world);
  assert_int_equal(ztk_world_should_replace(&null_world, &w), ZTK_EWORLD_TYPE);
}

static void test_builders_and_limits(void **state)
{
  (void)state;
  ztk_world w, back;
  ztk_identity signer, root;
  ztk_inaddr ep, nil;
  uint8_t out[ZTK_WORLD_MAX_LEN];
  vector_signer(&signer);
  parse_vector(vec("custom_planet"), "serialized", &back);
  root = back.roots[0].identity;
  root.has_private = true; /* a private key never reaches the wire */
  ztk_world_init(&w, ZTK_WORLD_PLANET, 42, 1000, signer.pub);
  for (int i = 0; i < ZTK_WORLD_MAX_ROOTS; i++)
    assert_int_equal(ztk_world_add_root(&w, &root), i);
  assert_int_equal(ztk_world_add_root(&w, &root), ZTK_EWORLD_LIMIT);
  assert_false(w.roots[0].identity.has_private);
  memset(&nil, 0, sizeof nil);
  assert_int_equal(ztk_world_add_endpoint(&w, 0, &nil), ZTK_EINVAL);
  assert_int_equal(ztk_inaddr_parse(&ep, "fd00::1/9993"), 0);
  assert_int_equal(ztk_world_add_endpoint(&w, 4, &ep), ZTK_EINVAL);
  for (unsigned r = 0; r < ZTK_WORLD_MAX_ROOTS; r++)
    for (int k = 0; k < ZTK_WORLD_MAX_ENDPOINTS; k++)
      assert_int_equal(ztk_world_add_endpoint(&w, r, &ep), 0);
  assert_int_equal(ztk_world_add_endpoint(&w, 0, &ep), ZTK_EWORLD_LIMIT);
  assert_int_equal(ztk_world_sign(&w, &signer), 0);
  ztk_wr wr = ztk_wr_make(out, sizeof out);
  assert_int_equal(ztk_world_write(&wr, &w), 0);
  assert_int_equal(wr.len, ZTK_WORLD_MAX_LEN - 2); /* planets have no extension field */
  assert_int_equal(ztk_world_parse(&back, out, wr.len), (int)wr.len);
  assert_int_equal(ztk_world_verify(&back, signer.pub), 0);
  wr = ztk_wr_make(out, 100);
  assert_int_equal(ztk_world_write(&wr, &w), ZTK_ENOSPACE);
  w.roots[1].n_endpoints = ZTK_WORLD_MAX_ENDPOINTS + 1;
  wr = ztk_wr_make(out, sizeof out);
  assert_int_equal(ztk_world_write(&wr, &w), ZTK_EWORLD_LIMIT);
  assert_int_equal(ztk_world_verify(&w, signer.pub), ZTK_EWORLD_LIMIT);
  w.roots[1].n_endpoints = 0;
  w.n_roots = ZTK_WORLD_MAX_ROOTS + 1;
  assert_int_equal(ztk_world_sign(&w, &signer), ZTK_EWORLD_LIMIT);
}

static void test_upstreams(void **state)
{
  (void)state;
  ztk_world planet, moons[2];
  ztk_upstream ups[8];
  bool am = true;
  ztk_inaddr a;
  parse_vector(vec("custom_planet"), "serialized", &planet);  /* b1be945578, 8285376e4c */
  parse_vector(vec("moon"), "serialized", &moons[0]);         /* b1be945578 */
  moons[1] = moons[0];
  moons[1].roots[0].n_endpoints = 0;
  const ztk_identity *b1 = &planet.roots[0].identity, *r82 = &planet.roots[1].identity;

  assert_int_equal(ztk_world_upstreams(&planet, moons, 1, NULL, ups, 8, &am), 2);
  assert_false(am);
  assert_true(ups[0].identity.address == r82->address); /* sorted by address */
  assert_true(ups[1].identity.address == b1->address);
  assert_true(ups[0].planet && ups[1].planet);
  assert_int_equal(ups[1].n_endpoints, 2); /* the moon's endpoints are the same: merged */
  assert_false(ups[1].any_path);
  assert_int_equal(ztk_inaddr_parse(&a, "10.99.0.1/12345"), 0);
  assert_true(ztk_upstream_path_allowed(&ups[1], &a)); /* port does not matter */
  assert_false(ztk_upstream_path_allowed(&ups[0], &a));
  assert_int_equal(ztk_inaddr_parse(&a, "10.99.0.2/9993"), 0);
  assert_true(ztk_upstream_path_allowed(&ups[0], &a));

  /* A node that is a planet root lists only the others; a moon without endpoints opens paths. */
  assert_int_equal(ztk_world_upstreams(&planet, moons, 2, r82, ups, 8, &am), 1);
  assert_true(am);
  assert_true(ups[0].any_path);
  assert_true(ztk_upstream_path_allowed(&ups[0], &a));

  /* Moon roots only: role MOON. Too small an output table is an error. */
  assert_int_equal(ztk_world_upstreams(NULL, moons, 1, NULL, ups, 8, NULL), 1);
  assert_false(ups[0].planet);
  assert_int_equal(ztk_world_upstreams(&planet, NULL, 0, NULL, ups, 1, &am), ZTK_ELIMIT);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_decoded_vectors),
    cmocka_unit_test(test_idtool_and_live_vectors),
    cmocka_unit_test(test_sign_reproduces_vector),
    cmocka_unit_test(test_update_rule),
    cmocka_unit_test(test_default_planet),
    cmocka_unit_test(test_captured_planet),
    cmocka_unit_test(test_truncated_and_corrupt),
    cmocka_unit_test(test_specific_errors),
    cmocka_unit_test(test_lenient_forms),
    cmocka_unit_test(test_builders_and_limits),
    cmocka_unit_test(test_upstreams),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
