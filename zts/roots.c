/* zts_util_sign_root_set: a signed planet from root identities and endpoints. The signing key
 * pairs are ZeroTier's c25519 form: 64 public bytes then 64 private bytes. As in ZeroTier, the
 * planet carries the current key's public half (which signs the next update) and is signed
 * with the previous pair. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "ZeroTierSockets.h"
#include "core/util/cursor.h"
#include "core/util/inaddr.h"
#include "core/world/world.h"

#define PAIR_LEN (2 * ZTK_WORLD_KEY_LEN)

/* A key pair from buf (*len == PAIR_LEN), or a new one written there (*len == 0; the buffer
 * must hold PAIR_LEN bytes). Returns 0 or ZTS_ERR_ARG. */
static int key_pair(char *buf, unsigned int *len, ztk_identity *out)
{
  memset(out, 0, sizeof *out);
  if (*len == 0) {
    randombytes_buf(out->priv, ZTK_WORLD_KEY_LEN);
    ztk_world_key_public(out->pub, out->priv);
    memcpy(buf, out->pub, ZTK_WORLD_KEY_LEN);
    memcpy(buf + ZTK_WORLD_KEY_LEN, out->priv, ZTK_WORLD_KEY_LEN);
    *len = PAIR_LEN;
  } else if (*len == PAIR_LEN) {
    memcpy(out->priv, buf + ZTK_WORLD_KEY_LEN, ZTK_WORLD_KEY_LEN);
    ztk_world_key_public(out->pub, out->priv);
    if (memcmp(out->pub, buf, ZTK_WORLD_KEY_LEN) != 0)
      return ZTS_ERR_ARG;
  } else {
    return ZTS_ERR_ARG;
  }
  out->has_private = true;
  return 0;
}

/* Adds the roots of spec to w. Returns 0 or ZTS_ERR_ARG. */
static int add_roots(ztk_world *w, const zts_root_set_t *spec)
{
  unsigned n = 0;
  for (int i = 0; i < ZTS_MAX_NUM_ROOTS && spec->public_id_str[i]; i++) {
    ztk_identity id;
    if (ztk_identity_from_string(&id, spec->public_id_str[i]) || ztk_identity_validate(&id))
      return ZTS_ERR_ARG;
    id.has_private = false;
    if (ztk_world_add_root(w, &id) < 0)
      return ZTS_ERR_ARG;
    for (int j = 0; j < ZTS_MAX_ENDPOINTS_PER_ROOT && spec->endpoint_ip_str[i][j]; j++) {
      ztk_inaddr ep;
      if (ztk_inaddr_parse(&ep, spec->endpoint_ip_str[i][j]) || ztk_world_add_endpoint(w, n, &ep))
        return ZTS_ERR_ARG;
    }
    n++;
  }
  return n ? 0 : ZTS_ERR_ARG;
}

ZTS_API int zts_util_sign_root_set(char *roots_out, unsigned int *roots_len, char *prev_key,
                                   unsigned int *prev_key_len, char *curr_key,
                                   unsigned int *curr_key_len, uint64_t id, uint64_t ts,
                                   zts_root_set_t *roots_spec)
{
  if (!roots_out || !roots_len || !prev_key || !prev_key_len || !curr_key || !curr_key_len ||
      !roots_spec || sodium_init() < 0)
    return ZTS_ERR_ARG;
  ztk_identity prev, curr;
  if (key_pair(curr_key, curr_key_len, &curr))
    return ZTS_ERR_ARG;
  if (*prev_key_len == 0) { /* a first planet: signed by its own key */
    memcpy(prev_key, curr_key, PAIR_LEN);
    *prev_key_len = PAIR_LEN;
  }
  if (key_pair(prev_key, prev_key_len, &prev))
    return ZTS_ERR_ARG;
  ztk_world *w = calloc(1, sizeof *w);
  int rc = w ? 0 : ZTS_ERR_GENERAL;
  if (rc == 0) {
    ztk_world_init(w, ZTK_WORLD_PLANET, id, ts, curr.pub);
    rc = add_roots(w, roots_spec);
  }
  if (rc == 0 && ztk_world_sign(w, &prev))
    rc = ZTS_ERR_GENERAL;
  if (rc == 0) {
    ztk_wr wr = ztk_wr_make((uint8_t *)roots_out, *roots_len);
    rc = ztk_world_write(&wr, w) ? ZTS_ERR_ARG : 0;
    if (rc == 0)
      *roots_len = (unsigned)wr.len;
  }
  sodium_memzero(&prev, sizeof prev);
  sodium_memzero(&curr, sizeof curr);
  free(w);
  return rc;
}
