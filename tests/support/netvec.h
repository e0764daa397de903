/* Test support for the network codecs: the live rig's identities and input mutation loops.
 * Header-only (static inline) so each test program takes what it uses. */
#ifndef ZTK_TEST_SUPPORT_NETVEC_H
#define ZTK_TEST_SUPPORT_NETVEC_H

#include <stdlib.h>
#include <string.h>

#include "tests/support/vectors.h"
#include "ztkit/identity.h"

/* The secret identity `name` (root, ctl, alice, bob) of the live capture rig; ctl is also the
 * controller that signed credentials.json and dictionary.json. */
static inline void tv_live_identity(const char *name, ztk_identity *id)
{
  json_t *root = tv_load("vectors/live_session.json");
  json_t *ids = json_object_get(json_object_get(root, "setup"), "identities_secret");
  const char *s = json_string_value(json_object_get(ids, name));
  if (!s)
    fail_msg("no identity %s", name);
  assert_int_equal(ztk_identity_from_string(id, s), 0);
  json_decref(root);
}

/* The same identity without its private key. */
static inline void tv_live_public(const char *name, ztk_identity *id)
{
  tv_live_identity(name, id);
  memset(id->priv, 0, sizeof id->priv);
  id->has_private = false;
}

/* The vector credentials.json "credentials"/<name>; *root must be json_decref'd at the end. */
static inline json_t *tv_cred_vector(const char *name, json_t **root)
{
  *root = tv_load("vectors/credentials.json");
  json_t *v = json_object_get(json_object_get(*root, "credentials"), name);
  if (!v)
    fail_msg("no credential vector %s", name);
  return v;
}

/* Defines a credential test's fixture: `vec` (credentials.json "credentials"/name), `ctl` (the
 * controller, with its secret key), `alice` (public), and the group's setup and teardown. */
#define TV_CRED_FIXTURE(name)                                                                      \
  static json_t *tv_root_, *vec;                                                                   \
  static ztk_identity ctl, alice;                                                                  \
  static int setup(void **state)                                                                   \
  {                                                                                                \
    vec = tv_cred_vector(name, &tv_root_);                                                         \
    tv_live_identity("ctl", &ctl);                                                                 \
    tv_live_public("alice", &alice);                                                               \
    return 0;                                                                                      \
  }                                                                                                \
  static int teardown(void **state)                                                                \
  {                                                                                                \
    json_decref(tv_root_);                                                                         \
    return 0;                                                                                      \
  }

/* The bytes of binary key `key` of the live controller's config for alice (caller frees). */
static inline uint8_t *tv_live_binary(const char *key, size_t *len)
{
  json_t *live = tv_load("vectors/live_session.json");
  json_t *bin = json_object_get(json_object_get(live, "controller_netconf_to_alice"),
                                "decoded_binary_values_hex");
  uint8_t *b = tv_hex(bin, key, len);
  json_decref(live);
  return b;
}

/* Asserts that got (n bytes) equals the hex member `key` of obj. */
static inline void tv_expect_hex(const json_t *obj, const char *key, const uint8_t *got, size_t n)
{
  size_t len;
  uint8_t *want = tv_hex(obj, key, &len);
  assert_int_equal(n, len);
  assert_memory_equal(got, want, len);
  free(want);
}

/* Calls fn on every proper prefix of buf, then on buf with each byte flipped (xor 0xff) in turn
 * and with each byte set to 0x00 and 0x01 (where that changes it): the caller's fn must not crash
 * and may check that decoding fails where it must. Uses a heap copy so ASan sees reads past the
 * end. */
typedef void (*tv_mutant_fn)(const uint8_t *p, size_t n, size_t pos, int kind, void *user);
enum { TV_PREFIX = 0, TV_FLIP = 1, TV_ZERO = 2, TV_ONE = 3 };

static inline void tv_mutate(const uint8_t *buf, size_t len, tv_mutant_fn fn, void *user)
{
  for (size_t n = 0; n < len; n++) {
    uint8_t *p = malloc(n ? n : 1);
    assert_non_null(p);
    memcpy(p, buf, n);
    fn(p, n, n, TV_PREFIX, user);
    free(p);
  }
  uint8_t *p = malloc(len ? len : 1);
  assert_non_null(p);
  for (size_t i = 0; i < len; i++) {
    static const int kinds[3] = {TV_FLIP, TV_ZERO, TV_ONE};
    for (int k = 0; k < 3; k++) {
      memcpy(p, buf, len);
      p[i] = kinds[k] == TV_FLIP ? (uint8_t)~buf[i] : kinds[k] == TV_ZERO ? 0 : 1;
      if (p[i] != buf[i]) /* only real changes */
        fn(p, len, i, kinds[k], user);
    }
  }
  free(p);
}

/* tv_mutate over the bytes of hex member `key` of obj. */
static inline void tv_mutate_hex(const json_t *obj, const char *key, tv_mutant_fn fn, void *user)
{
  size_t len;
  uint8_t *b = tv_hex(obj, key, &len);
  tv_mutate(b, len, fn, user);
  free(b);
}

#endif
