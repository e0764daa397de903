#include "core/world/world.h"

#include <string.h>

#include "core/crypto/c25519.h"
#include "core/identity/identity.h"

#define SIGN_PREFIX 0x7f7f7f7f7f7f7f7fULL
#define SIGN_SUFFIX 0xf7f7f7f7f7f7f7f7ULL

void ztk_world_key_public(uint8_t pub[ZTK_WORLD_KEY_LEN], const uint8_t priv[ZTK_WORLD_KEY_LEN])
{
  ztk_x25519_base(pub, priv);
  ztk_ed25519_public(pub + 32, priv + 32);
}

void ztk_world_init(ztk_world *w, uint8_t type, uint64_t id, uint64_t timestamp,
                    const uint8_t update_key[ZTK_WORLD_KEY_LEN])
{
  memset(w, 0, sizeof *w);
  w->type = type;
  w->id = id;
  w->timestamp = timestamp;
  memcpy(w->update_key, update_key, ZTK_WORLD_KEY_LEN);
}

int ztk_world_add_root(ztk_world *w, const ztk_identity *id)
{
  if (w->n_roots >= ZTK_WORLD_MAX_ROOTS)
    return ZTK_EWORLD_LIMIT;
  ztk_world_root *r = &w->roots[w->n_roots];
  memset(r, 0, sizeof *r);
  r->identity.address = id->address;
  memcpy(r->identity.pub, id->pub, sizeof r->identity.pub);
  return w->n_roots++;
}

int ztk_world_add_endpoint(ztk_world *w, unsigned root, const ztk_inaddr *ep)
{
  if (root >= w->n_roots || (ep->family != 4 && ep->family != 6))
    return ZTK_EINVAL;
  ztk_world_root *r = &w->roots[root];
  if (r->n_endpoints >= ZTK_WORLD_MAX_ENDPOINTS)
    return ZTK_EWORLD_LIMIT;
  r->endpoints[r->n_endpoints++] = *ep;
  return 0;
}

/* Replaces a generic parse failure of a nested reader with the world-specific code. */
static void remap_format_error(ztk_rd *r, int code)
{
  if (r->err == ZTK_EFORMAT)
    r->err = code;
}

static int read_root(ztk_rd *r, ztk_world_root *root)
{
  ztk_identity_read(r, &root->identity);
  remap_format_error(r, ZTK_EWORLD_IDENTITY);
  /* A world never carries secrets; 1.14.1 parses a private key here but never re-emits it. */
  root->identity.has_private = false;
  memset(root->identity.priv, 0, sizeof root->identity.priv);
  uint8_t n = ztk_rd_u8(r);
  if (n > ZTK_WORLD_MAX_ENDPOINTS)
    ztk_rd_fail(r, ZTK_EWORLD_LIMIT);
  for (uint8_t i = 0; i < n && !r->err; i++) {
    ztk_inaddr_read(r, &root->endpoints[i]);
    remap_format_error(r, ZTK_EWORLD_ENDPOINT);
  }
  root->n_endpoints = r->err ? 0 : n;
  return r->err;
}

int ztk_world_read(ztk_rd *r, ztk_world *w)
{
  memset(w, 0, sizeof *w);
  w->type = ztk_rd_u8(r);
  if (!r->err && w->type != ZTK_WORLD_NULL && w->type != ZTK_WORLD_PLANET &&
      w->type != ZTK_WORLD_MOON)
    ztk_rd_fail(r, ZTK_EWORLD_TYPE);
  w->id = ztk_rd_u64(r);
  w->timestamp = ztk_rd_u64(r);
  ztk_rd_copy(r, w->update_key, sizeof w->update_key);
  ztk_rd_copy(r, w->signature, sizeof w->signature);
  uint8_t n = ztk_rd_u8(r);
  if (n > ZTK_WORLD_MAX_ROOTS)
    ztk_rd_fail(r, ZTK_EWORLD_LIMIT);
  for (uint8_t i = 0; i < n && !r->err; i++)
    read_root(r, &w->roots[i]);
  w->n_roots = r->err ? 0 : n;
  if (w->type == ZTK_WORLD_MOON)
    ztk_rd_skip(r, ztk_rd_u16(r));
  if (r->err)
    memset(w, 0, sizeof *w);
  return r->err;
}

int ztk_world_parse(ztk_world *w, const void *buf, size_t len)
{
  ztk_rd r = ztk_rd_make(buf, len);
  int rc = ztk_world_read(&r, w);
  return rc ? rc : (int)r.off;
}

/* A world built by hand can exceed the wire limits; such a world has no serialization. */
static bool within_limits(const ztk_world *w)
{
  if (w->n_roots > ZTK_WORLD_MAX_ROOTS)
    return false;
  for (uint8_t i = 0; i < w->n_roots; i++)
    if (w->roots[i].n_endpoints > ZTK_WORLD_MAX_ENDPOINTS)
      return false;
  return true;
}

static void write_body(ztk_wr *wr, const ztk_world *w, bool for_signing)
{
  if (!within_limits(w)) {
    if (!wr->err)
      wr->err = ZTK_EWORLD_LIMIT;
    return;
  }
  if (for_signing)
    ztk_wr_u64(wr, SIGN_PREFIX);
  ztk_wr_u8(wr, w->type);
  ztk_wr_u64(wr, w->id);
  ztk_wr_u64(wr, w->timestamp);
  ztk_wr_bytes(wr, w->update_key, sizeof w->update_key);
  if (!for_signing)
    ztk_wr_bytes(wr, w->signature, sizeof w->signature);
  ztk_wr_u8(wr, w->n_roots);
  for (uint8_t i = 0; i < w->n_roots; i++) {
    const ztk_world_root *root = &w->roots[i];
    ztk_identity_write(wr, &root->identity, false);
    ztk_wr_u8(wr, root->n_endpoints);
    for (uint8_t k = 0; k < root->n_endpoints; k++)
      ztk_inaddr_write(wr, &root->endpoints[k]);
  }
  if (w->type == ZTK_WORLD_MOON)
    ztk_wr_u16(wr, 0);
  if (for_signing)
    ztk_wr_u64(wr, SIGN_SUFFIX);
}

int ztk_world_write(ztk_wr *wr, const ztk_world *w)
{
  write_body(wr, w, false);
  return wr->err;
}

int ztk_world_signing_message(const ztk_world *w, uint8_t *out, size_t cap)
{
  ztk_wr wr = ztk_wr_make(out, cap);
  write_body(&wr, w, true);
  return wr.err ? wr.err : (int)wr.len;
}

int ztk_world_sign(ztk_world *w, const ztk_identity *signer)
{
  uint8_t msg[ZTK_WORLD_SIGNING_MAX_LEN];
  if (!signer->has_private)
    return ZTK_EID_NOSECRET;
  int len = ztk_world_signing_message(w, msg, sizeof msg);
  if (len < 0)
    return len;
  return ztk_identity_sign(signer, msg, (size_t)len, w->signature);
}

int ztk_world_verify(const ztk_world *w, const uint8_t key[ZTK_WORLD_KEY_LEN])
{
  uint8_t msg[ZTK_WORLD_SIGNING_MAX_LEN];
  ztk_identity signer;
  int len = ztk_world_signing_message(w, msg, sizeof msg);
  if (len < 0)
    return len;
  memset(&signer, 0, sizeof signer);
  memcpy(signer.pub, key, ZTK_WORLD_KEY_LEN);
  if (ztk_identity_verify(&signer, msg, (size_t)len, w->signature, sizeof w->signature))
    return ZTK_EWORLD_SIGNATURE;
  return 0;
}

int ztk_world_should_replace(const ztk_world *current, const ztk_world *candidate)
{
  if (candidate->type != ZTK_WORLD_PLANET && candidate->type != ZTK_WORLD_MOON)
    return ZTK_EWORLD_TYPE;
  if (current->type == ZTK_WORLD_NULL || current->id == 0)
    return 0;
  if (candidate->type != current->type)
    return ZTK_EWORLD_TYPE;
  if (candidate->id != current->id)
    return ZTK_EWORLD_ID;
  if (candidate->timestamp <= current->timestamp)
    return ZTK_EWORLD_OLD;
  return ztk_world_verify(candidate, current->update_key);
}

/* Finds the upstream entry for address a among out[0..n), or NULL. */
static ztk_upstream *find_upstream(ztk_upstream *out, size_t n, ztk_address a)
{
  for (size_t i = 0; i < n; i++)
    if (out[i].identity.address == a)
      return &out[i];
  return NULL;
}

static void merge_endpoints(ztk_upstream *u, const ztk_world_root *root)
{
  if (root->n_endpoints == 0)
    u->any_path = true;
  for (uint8_t k = 0; k < root->n_endpoints && k < ZTK_WORLD_MAX_ENDPOINTS; k++) {
    bool seen = false;
    for (uint8_t j = 0; j < u->n_endpoints && !seen; j++)
      seen = ztk_inaddr_eq(&u->endpoints[j], &root->endpoints[k]);
    if (!seen && u->n_endpoints < ZTK_UPSTREAM_MAX_ENDPOINTS)
      u->endpoints[u->n_endpoints++] = root->endpoints[k];
  }
}

/* Adds the roots of one world to out (n entries so far). Returns the new count or ZTK_ELIMIT. */
static int add_world_roots(const ztk_world *w, bool planet, const ztk_identity *self,
                           ztk_upstream *out, size_t n, size_t cap, bool *self_is_upstream)
{
  for (uint8_t i = 0; i < w->n_roots && i < ZTK_WORLD_MAX_ROOTS; i++) {
    const ztk_world_root *root = &w->roots[i];
    if (self && ztk_identity_same(&root->identity, self)) {
      *self_is_upstream = true;
      continue;
    }
    ztk_upstream *u = find_upstream(out, n, root->identity.address);
    if (!u) {
      if (n >= cap)
        return ZTK_ELIMIT;
      u = &out[n++];
      memset(u, 0, sizeof *u);
      u->identity = root->identity;
      u->planet = planet;
    }
    merge_endpoints(u, root);
  }
  return (int)n;
}

int ztk_world_upstreams(const ztk_world *planet, const ztk_world *moons, size_t n_moons,
                        const ztk_identity *self, ztk_upstream *out, size_t cap,
                        bool *self_is_upstream)
{
  bool am = false;
  int n = 0;
  if (planet)
    n = add_world_roots(planet, true, self, out, 0, cap, &am);
  for (size_t m = 0; m < n_moons && n >= 0; m++)
    n = add_world_roots(&moons[m], false, self, out, (size_t)n, cap, &am);
  if (self_is_upstream)
    *self_is_upstream = am;
  if (n < 0)
    return n;
  /* Insertion sort by address: at most a few dozen entries, and a stable order. */
  for (int i = 1; i < n; i++) {
    ztk_upstream tmp = out[i];
    int j = i - 1;
    for (; j >= 0 && out[j].identity.address > tmp.identity.address; j--)
      out[j + 1] = out[j];
    out[j + 1] = tmp;
  }
  return n;
}

bool ztk_upstream_path_allowed(const ztk_upstream *u, const ztk_inaddr *from)
{
  if (u->any_path)
    return true;
  for (uint8_t i = 0; i < u->n_endpoints && i < ZTK_UPSTREAM_MAX_ENDPOINTS; i++)
    if (ztk_inaddr_ip_eq(&u->endpoints[i], from))
      return true;
  return false;
}
