/* Identities: string forms, validation, proof of work, signatures, binary form, generation. */
#include "tests/support/vectors.h"

#include <stdlib.h>
#include <string.h>

#include "core/crypto/csprng.h"
#include "core/identity/identity.h"

static json_t *root, *ids;

static int setup(void **state)
{
  root = tv_load("vectors/identities.json");
  ids = json_object_get(root, "identities");
  return 0;
}

static int teardown(void **state)
{
  json_decref(root);
  return 0;
}

static void test_vector_identities(void **state)
{
  size_t i;
  json_t *v;
  assert_true(json_array_size(ids) >= 5);
  json_array_foreach(ids, i, v)
  {
    ztk_identity id;
    char buf[ZTK_IDENTITY_STRBUF];
    uint8_t digest[64], want[64], h[48], bin[200];
    assert_int_equal(ztk_identity_from_string(&id, tv_str(v, "secret")), 0);
    assert_true(id.has_private);
    assert_int_equal(ztk_identity_to_string(&id, true, buf, sizeof buf),
                     ZTK_IDENTITY_SECRET_STRLEN);
    assert_string_equal(buf, tv_str(v, "secret"));
    assert_int_equal(ztk_identity_to_string(&id, false, buf, sizeof buf),
                     ZTK_IDENTITY_PUBLIC_STRLEN);
    assert_string_equal(buf, tv_str(v, "public"));
    assert_int_equal(ztk_identity_validate(&id),
                     json_is_true(json_object_get(v, "locallyValidate")) ? 0 : ZTK_EID_INVALID);

    tv_hex_exact(v, "memory_hard_digest64", want, 64);
    assert_int_equal(ztk_identity_pow(id.pub, digest, NULL), 0);
    assert_memory_equal(digest, want, 64);

    tv_hex_exact(v, "sha384_address_and_public_key", want, 48);
    assert_int_equal(ztk_identity_hash384(&id, h), 0);
    assert_memory_equal(h, want, 48);

    size_t blen;
    uint8_t *wantbin = tv_hex(v, "binary_public", &blen);
    ztk_wr w = ztk_wr_make(bin, sizeof bin);
    ztk_identity_write(&w, &id, false);
    assert_int_equal(w.err, 0);
    assert_int_equal(w.len, blen);
    assert_memory_equal(bin, wantbin, blen);
    free(wantbin);
    wantbin = tv_hex(v, "binary_with_private", &blen);
    w = ztk_wr_make(bin, sizeof bin);
    ztk_identity_write(&w, &id, true);
    assert_memory_equal(bin, wantbin, blen);
    ztk_identity back;
    ztk_rd r = ztk_rd_make(wantbin, blen);
    assert_int_equal(ztk_identity_read(&r, &back), 0);
    assert_true(back.has_private);
    assert_true(ztk_identity_same(&id, &back));
    assert_memory_equal(back.priv, id.priv, 64);
    free(wantbin);
  }
}

static void test_validation_cases(void **state)
{
  json_t *cases = json_object_get(root, "identity_validation");
  size_t i;
  json_t *v;
  assert_true(json_array_size(cases) >= 12);
  json_array_foreach(cases, i, v)
  {
    ztk_identity id;
    int rc = ztk_identity_from_string(&id, tv_str(v, "string"));
    bool parsed = json_is_true(json_object_get(v, "fromString_ok"));
    if (!parsed) {
      assert_true(rc < 0);
      continue;
    }
    assert_int_equal(rc, 0);
    assert_int_equal(id.has_private, json_is_true(json_object_get(v, "has_private")));
    bool valid = json_is_true(json_object_get(v, "locallyValidate"));
    assert_int_equal(ztk_identity_validate(&id), valid ? 0 : ZTK_EID_INVALID);
  }
}

static void test_malformed_strings(void **state)
{
  const char *pub = tv_str(json_array_get(ids, 0), "public");
  char buf[400];
  ztk_identity id;
  struct {
    const char *edit;
    int want;
  } cases[] = {{"", ZTK_EID_FIELDS},
               {"abc", ZTK_EID_FIELDS},
               {"a:b", ZTK_EID_FIELDS},
               {"efe8197bb7:0:00:11:22", ZTK_EID_FIELDS},
               {"efe8197bz7:0:00", ZTK_EID_ADDRESS},
               {"efe8197b:0:00", ZTK_EID_ADDRESS},
               {"ff00000001:0:00", ZTK_EID_RESERVED},
               {"0000000000:0:00", ZTK_EID_RESERVED},
               {"efe8197bb7:00:00", ZTK_EID_TYPE},
               {"efe8197bb7:x:00", ZTK_EID_TYPE},
               {"efe8197bb7:0:00", ZTK_EID_PUBLIC}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    assert_int_equal(ztk_identity_from_string(&id, cases[i].edit), cases[i].want);
  assert_int_equal(ztk_identity_from_string(NULL, pub), ZTK_EINVAL);
  assert_int_equal(ztk_identity_from_string(&id, NULL), ZTK_EINVAL);
  snprintf(buf, sizeof buf, "%s:zz", pub);
  assert_int_equal(ztk_identity_from_string(&id, buf), ZTK_EID_PRIVATE);
  snprintf(buf, sizeof buf, "%.140sg", pub);
  assert_int_equal(ztk_identity_from_string(&id, buf), ZTK_EID_PUBLIC);
  snprintf(buf, sizeof buf, "%s\n", pub); /* files may end with a newline */
  assert_int_equal(ztk_identity_from_string(&id, buf), 0);
  assert_int_equal(ztk_identity_to_string(&id, true, buf, sizeof buf), ZTK_EID_NOSECRET);
  assert_int_equal(ztk_identity_to_string(&id, false, buf, 100), ZTK_ENOSPACE);
  uint8_t key[48], sig[96];
  assert_int_equal(ztk_identity_agree(&id, &id, key), ZTK_EID_NOSECRET);
  assert_int_equal(ztk_identity_sign(&id, "x", 1, sig), ZTK_EID_NOSECRET);
}

static void test_binary_malformed(void **state)
{
  uint8_t bin[71 + 64];
  ztk_identity id;
  size_t blen;
  uint8_t *good = tv_hex(json_array_get(ids, 0), "binary_public", &blen);
  for (size_t cut = 0; cut < blen; cut++) {
    ztk_rd r = ztk_rd_make(good, cut);
    assert_int_equal(ztk_identity_read(&r, &id), ZTK_ETRUNC);
  }
  memcpy(bin, good, blen);
  bin[5] = 1; /* type */
  ztk_rd r = ztk_rd_make(bin, blen);
  assert_int_equal(ztk_identity_read(&r, &id), ZTK_EFORMAT);
  memcpy(bin, good, blen);
  bin[70] = 32; /* private length */
  r = ztk_rd_make(bin, sizeof bin);
  assert_int_equal(ztk_identity_read(&r, &id), ZTK_EFORMAT);
  memcpy(bin, good, blen);
  bin[0] = 0xff; /* reserved address */
  r = ztk_rd_make(bin, blen);
  assert_int_equal(ztk_identity_read(&r, &id), ZTK_EFORMAT);
  free(good);
}

static void test_signatures(void **state)
{
  json_t *sroot = tv_load("vectors/signatures.json");
  json_t *arr = json_object_get(sroot, "signatures");
  size_t i;
  json_t *v;
  assert_true(json_array_size(arr) >= 6);
  json_array_foreach(arr, i, v)
  {
    ztk_identity id;
    size_t mlen;
    uint8_t sig[96], want[96];
    uint8_t *msg = tv_hex(v, "message", &mlen);
    assert_int_equal(
        ztk_identity_from_string(&id, tv_str(tv_find(ids, "name", tv_str(v, "signer")), "secret")),
        0);
    tv_hex_exact(v, "signature96", want, 96);
    assert_int_equal(ztk_identity_sign(&id, msg, mlen, sig), 0);
    assert_memory_equal(sig, want, 96);
    assert_int_equal(ztk_identity_verify(&id, msg, mlen, want, 96), 0);
    assert_int_equal(ztk_identity_verify(&id, msg, mlen, want, 95), ZTK_EAUTH);
    uint8_t *longer = malloc(mlen + 1);
    memcpy(longer, msg, mlen);
    longer[mlen] = 'x';
    assert_int_equal(ztk_identity_verify(&id, longer, mlen + 1, want, 96), ZTK_EAUTH);
    want[5] ^= 1;
    assert_int_equal(ztk_identity_verify(&id, msg, mlen, want, 96), ZTK_EAUTH);
    free(longer);
    free(msg);
  }
  json_decref(sroot);
}

static void test_generate(void **state)
{
  ztk_csprng g;
  uint8_t seed[32] = {1, 2, 3};
  ztk_identity a, b, parsed;
  char buf[ZTK_IDENTITY_STRBUF];
  ztk_csprng_seed(&g, seed);
  assert_int_equal(ztk_identity_generate(&a, tv_random, &g), 0);
  assert_true(a.has_private);
  assert_int_equal(ztk_identity_validate(&a), 0);
  assert_int_equal(ztk_identity_to_string(&a, true, buf, sizeof buf), ZTK_IDENTITY_SECRET_STRLEN);
  assert_int_equal(ztk_identity_from_string(&parsed, buf), 0);
  assert_true(ztk_identity_same(&a, &parsed));
  /* Same seed, same identity: generation is deterministic under an injected RNG. */
  ztk_csprng_seed(&g, seed);
  assert_int_equal(ztk_identity_generate(&b, tv_random, &g), 0);
  assert_true(ztk_identity_same(&a, &b));
  /* A generated identity agrees and signs with a vector identity. */
  ztk_identity alice;
  uint8_t k1[48], k2[48], sig[96];
  assert_int_equal(ztk_identity_from_string(&alice, tv_str(json_array_get(ids, 0), "secret")), 0);
  assert_int_equal(ztk_identity_agree(&a, &alice, k1), 0);
  assert_int_equal(ztk_identity_agree(&alice, &a, k2), 0);
  assert_memory_equal(k1, k2, 48);
  assert_int_equal(ztk_identity_sign(&a, "hello", 5, sig), 0);
  assert_int_equal(ztk_identity_verify(&a, "hello", 5, sig, 96), 0);
  /* Tampering with the public key breaks the proof of work. */
  a.pub[0] ^= 1;
  assert_int_equal(ztk_identity_validate(&a), ZTK_EID_INVALID);
  a.address |= 0xff00000000ull;
  assert_int_equal(ztk_identity_validate(&a), ZTK_EID_RESERVED);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_vector_identities), cmocka_unit_test(test_validation_cases),
      cmocka_unit_test(test_malformed_strings), cmocka_unit_test(test_binary_malformed),
      cmocka_unit_test(test_signatures),        cmocka_unit_test(test_generate),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
