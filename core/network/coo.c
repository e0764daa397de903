#include "core/network/coo.h"

#include <string.h>

void ztk_coo_init(ztk_coo *c, uint64_t nwid, int64_t ts, ztk_address issued_to, uint32_t id)
{
  memset(c, 0, sizeof *c);
  c->nwid = nwid;
  c->ts = ts;
  c->issued_to = issued_to;
  c->id = id;
}

static int add_thing(ztk_coo *c, ztk_coo_thing type, const uint8_t *value, size_t len)
{
  if (c->thing_count >= ZTK_COO_MAX_THINGS)
    return ZTK_ELIMIT;
  c->thing_type[c->thing_count] = (uint8_t)type;
  memset(c->thing_value[c->thing_count], 0, ZTK_COO_THING_LEN);
  memcpy(c->thing_value[c->thing_count], value, len);
  c->thing_count++;
  return 0;
}

int ztk_coo_add_ip(ztk_coo *c, const ztk_inaddr *ip)
{
  if (ip->family == 4)
    return add_thing(c, ZTK_COO_THING_IPV4, ip->ip, 4);
  if (ip->family == 6)
    return add_thing(c, ZTK_COO_THING_IPV6, ip->ip, 16);
  return ZTK_EINVAL;
}

int ztk_coo_add_mac(ztk_coo *c, const uint8_t mac[6])
{
  return add_thing(c, ZTK_COO_THING_MAC, mac, 6);
}

static bool owns(const ztk_coo *c, ztk_coo_thing type, const uint8_t *value, size_t len)
{
  for (unsigned i = 0; i < c->thing_count && i < ZTK_COO_MAX_THINGS; i++)
    if (c->thing_type[i] == type && memcmp(c->thing_value[i], value, len) == 0)
      return true;
  return false;
}

bool ztk_coo_owns_ip(const ztk_coo *c, const ztk_inaddr *ip)
{
  if (ip->family == 4)
    return owns(c, ZTK_COO_THING_IPV4, ip->ip, 4);
  if (ip->family == 6)
    return owns(c, ZTK_COO_THING_IPV6, ip->ip, 16);
  return false;
}

bool ztk_coo_owns_mac(const ztk_coo *c, const uint8_t mac[6])
{
  return owns(c, ZTK_COO_THING_MAC, mac, 6);
}

static void body(ztk_wr *w, const void *cred)
{
  const ztk_coo *c = cred;
  ztk_wr_u64(w, c->nwid);
  ztk_wr_u64(w, (uint64_t)c->ts);
  ztk_wr_u64(w, c->flags);
  ztk_wr_u32(w, c->id);
  ztk_wr_u16(w, c->thing_count);
  for (unsigned i = 0; i < c->thing_count && i < ZTK_COO_MAX_THINGS; i++) {
    ztk_wr_u8(w, c->thing_type[i]);
    ztk_wr_bytes(w, c->thing_value[i], ZTK_COO_THING_LEN);
  }
  ztk_wr_u40(w, c->issued_to);
  ztk_wr_u40(w, c->signed_by);
}

int ztk_coo_read(ztk_rd *r, ztk_coo *c)
{
  memset(c, 0, sizeof *c);
  c->nwid = ztk_rd_u64(r);
  c->ts = (int64_t)ztk_rd_u64(r);
  c->flags = ztk_rd_u64(r);
  c->id = ztk_rd_u32(r);
  c->thing_count = ztk_rd_u16(r);
  if (c->thing_count > ZTK_COO_MAX_THINGS)
    ztk_rd_fail(r, ZTK_ELIMIT);
  for (unsigned i = 0; i < c->thing_count && !r->err; i++) {
    c->thing_type[i] = ztk_rd_u8(r);
    ztk_rd_copy(r, c->thing_value[i], ZTK_COO_THING_LEN);
  }
  c->issued_to = ztk_rd_u40(r);
  c->signed_by = ztk_rd_u40(r);
  if (ztk_cred_read_trailer(r, c->signature, &c->has_signature))
    memset(c, 0, sizeof *c);
  return r->err;
}

void ztk_coo_write(ztk_wr *w, const ztk_coo *c)
{
  body(w, c);
  ztk_cred_write_trailer(w, c->signature);
}

void ztk_coo_signing_input(ztk_wr *w, const ztk_coo *c)
{
  ztk_cred_signing_input(w, body, c);
}

int ztk_coo_sign(ztk_coo *c, const ztk_identity *controller)
{
  return ztk_cred_sign_as(controller, &c->signed_by, body, c, c->signature, &c->has_signature);
}

int ztk_coo_verify(const ztk_coo *c, const ztk_identity *controller)
{
  return ztk_cred_verify_as(controller, c->nwid, c->signed_by, c->has_signature, body, c,
                            c->signature);
}
