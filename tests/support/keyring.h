/* Test support: the secret identities of the test data (vectors/identities.json and
 * captures/identities/) and the peer keys they agree on. */
#ifndef ZTK_TEST_SUPPORT_KEYRING_H
#define ZTK_TEST_SUPPORT_KEYRING_H

#include <stddef.h>
#include <stdint.h>

#include "ztkit/identity.h"

#define TV_KEYRING_MAX 16

typedef struct tv_keyring {
  size_t n;
  ztk_identity ids[TV_KEYRING_MAX];
  char names[TV_KEYRING_MAX][16];
} tv_keyring;

/* Loads the identities of vectors/identities.json (alice, bob, controller, root, ...). */
void tv_keyring_from_vectors(tv_keyring *k);

/* Loads captures/identities/{root,ctl,m1,m2}.identity.secret. */
void tv_keyring_from_captures(tv_keyring *k);

/* The identity with this address / name, or NULL. */
const ztk_identity *tv_keyring_find(const tv_keyring *k, ztk_address a);
const ztk_identity *tv_keyring_named(const tv_keyring *k, const char *name);

/* The 48-byte key agreed between a and b (fails the test if either is unknown). */
void tv_keyring_key48(const tv_keyring *k, ztk_address a, ztk_address b, uint8_t key48[48]);

#endif
