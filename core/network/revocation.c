#include "core/network/revocation.h"

#include <string.h>

void ztk_revocation_init(ztk_revocation *v, uint32_t id, uint64_t nwid, uint32_t credential_id,
                         int64_t threshold, uint64_t flags, ztk_address target, ztk_cred_type type)
{
  memset(v, 0, sizeof *v);
  v->id = id;
  v->nwid = nwid;
  v->credential_id = credential_id;
  v->threshold = threshold;
  v->flags = flags;
  v->target = target;
  v->type = (uint8_t)type;
}

static void body(ztk_wr *w, const void *cred)
{
  const ztk_revocation *v = cred;
  ztk_wr_u32(w, 0);
  ztk_wr_u32(w, v->id);
  ztk_wr_u64(w, v->nwid);
  ztk_wr_u32(w, 0);
  ztk_wr_u32(w, v->credential_id);
  ztk_wr_u64(w, (uint64_t)v->threshold);
  ztk_wr_u64(w, v->flags);
  ztk_wr_u40(w, v->target);
  ztk_wr_u40(w, v->signed_by);
  ztk_wr_u8(w, v->type);
}

int ztk_revocation_read(ztk_rd *r, ztk_revocation *v)
{
  memset(v, 0, sizeof *v);
  ztk_rd_skip(r, 4);
  v->id = ztk_rd_u32(r);
  v->nwid = ztk_rd_u64(r);
  ztk_rd_skip(r, 4);
  v->credential_id = ztk_rd_u32(r);
  v->threshold = (int64_t)ztk_rd_u64(r);
  v->flags = ztk_rd_u64(r);
  v->target = ztk_rd_u40(r);
  v->signed_by = ztk_rd_u40(r);
  v->type = ztk_rd_u8(r);
  if (ztk_cred_read_trailer(r, v->signature, &v->has_signature))
    memset(v, 0, sizeof *v);
  return r->err;
}

void ztk_revocation_write(ztk_wr *w, const ztk_revocation *v)
{
  body(w, v);
  ztk_cred_write_trailer(w, v->signature);
}

void ztk_revocation_signing_input(ztk_wr *w, const ztk_revocation *v)
{
  ztk_cred_signing_input(w, body, v);
}

int ztk_revocation_sign(ztk_revocation *v, const ztk_identity *controller)
{
  return ztk_cred_sign_as(controller, &v->signed_by, body, v, v->signature, &v->has_signature);
}

int ztk_revocation_verify(const ztk_revocation *v, const ztk_identity *controller)
{
  return ztk_cred_verify_as(controller, v->nwid, v->signed_by, v->has_signature, body, v,
                            v->signature);
}
