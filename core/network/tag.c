#include "core/network/tag.h"

#include <string.h>

void ztk_tag_init(ztk_tag *t, uint64_t nwid, int64_t ts, ztk_address issued_to, uint32_t id,
                  uint32_t value)
{
  memset(t, 0, sizeof *t);
  t->nwid = nwid;
  t->ts = ts;
  t->issued_to = issued_to;
  t->id = id;
  t->value = value;
}

static void body(ztk_wr *w, const void *cred)
{
  const ztk_tag *t = cred;
  ztk_wr_u64(w, t->nwid);
  ztk_wr_u64(w, (uint64_t)t->ts);
  ztk_wr_u32(w, t->id);
  ztk_wr_u32(w, t->value);
  ztk_wr_u40(w, t->issued_to);
  ztk_wr_u40(w, t->signed_by);
}

int ztk_tag_read(ztk_rd *r, ztk_tag *t)
{
  memset(t, 0, sizeof *t);
  t->nwid = ztk_rd_u64(r);
  t->ts = (int64_t)ztk_rd_u64(r);
  t->id = ztk_rd_u32(r);
  t->value = ztk_rd_u32(r);
  t->issued_to = ztk_rd_u40(r);
  t->signed_by = ztk_rd_u40(r);
  if (ztk_cred_read_trailer(r, t->signature, &t->has_signature))
    memset(t, 0, sizeof *t);
  return r->err;
}

void ztk_tag_write(ztk_wr *w, const ztk_tag *t)
{
  body(w, t);
  ztk_cred_write_trailer(w, t->signature);
}

void ztk_tag_signing_input(ztk_wr *w, const ztk_tag *t)
{
  ztk_cred_signing_input(w, body, t);
}

int ztk_tag_sign(ztk_tag *t, const ztk_identity *controller)
{
  return ztk_cred_sign_as(controller, &t->signed_by, body, t, t->signature, &t->has_signature);
}

int ztk_tag_verify(const ztk_tag *t, const ztk_identity *controller)
{
  return ztk_cred_verify_as(controller, t->nwid, t->signed_by, t->has_signature, body, t,
                            t->signature);
}
