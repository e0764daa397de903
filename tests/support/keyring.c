#include "tests/support/keyring.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/support/vectors.h"

static void add(tv_keyring *k, const char *name, const char *secret)
{
  assert_true(k->n < TV_KEYRING_MAX);
  assert_int_equal(ztk_identity_from_string(&k->ids[k->n], secret), 0);
  assert_true(k->ids[k->n].has_private);
  snprintf(k->names[k->n], sizeof k->names[k->n], "%s", name);
  k->n++;
}

void tv_keyring_from_vectors(tv_keyring *k)
{
  json_t *root = tv_load("vectors/identities.json");
  json_t *ids = json_object_get(root, "identities"), *v;
  size_t i;
  k->n = 0;
  json_array_foreach(ids, i, v) add(k, tv_str(v, "name"), tv_str(v, "secret"));
  json_decref(root);
}

void tv_keyring_from_captures(tv_keyring *k)
{
  static const char *const names[] = {"root", "ctl", "m1", "m2"};
  k->n = 0;
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    char rel[96];
    size_t len;
    snprintf(rel, sizeof rel, "captures/identities/%s.identity.secret", names[i]);
    uint8_t *text = tv_read_file(rel, &len);
    char *s = malloc(len + 1);
    assert_non_null(s);
    memcpy(s, text, len);
    s[len] = 0;
    add(k, names[i], s);
    free(s);
    free(text);
  }
}

const ztk_identity *tv_keyring_find(const tv_keyring *k, ztk_address a)
{
  for (size_t i = 0; i < k->n; i++)
    if (k->ids[i].address == a)
      return &k->ids[i];
  return NULL;
}

const ztk_identity *tv_keyring_named(const tv_keyring *k, const char *name)
{
  for (size_t i = 0; i < k->n; i++)
    if (strcmp(k->names[i], name) == 0)
      return &k->ids[i];
  return NULL;
}

void tv_keyring_key48(const tv_keyring *k, ztk_address a, ztk_address b, uint8_t key48[48])
{
  const ztk_identity *ia = tv_keyring_find(k, a), *ib = tv_keyring_find(k, b);
  if (!ia || !ib)
    fail_msg("no test identity for %010llx or %010llx", (unsigned long long)a,
             (unsigned long long)b);
  assert_int_equal(ztk_identity_agree(ia, ib, key48), 0);
}
