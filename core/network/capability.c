#include "core/network/capability.h"

#include <string.h>

int ztk_capability_init(ztk_capability *c, uint32_t id, uint64_t nwid, int64_t ts, unsigned mccl,
                        const ztk_rule *rules, unsigned rule_count)
{
  memset(c, 0, sizeof *c);
  if (rule_count > ZTK_MAX_CAPABILITY_RULES)
    return ZTK_ELIMIT;
  c->id = id;
  c->nwid = nwid;
  c->ts = ts;
  c->mccl = (uint8_t)(mccl == 0 ? 1 : mccl > ZTK_CAP_MAX_CUSTODY ? ZTK_CAP_MAX_CUSTODY : mccl);
  c->rule_count = (uint16_t)rule_count;
  if (rule_count)
    memcpy(c->rules, rules, rule_count * sizeof *rules);
  return 0;
}

ztk_address ztk_capability_issued_to(const ztk_capability *c)
{
  unsigned n = c->custody_count < ZTK_CAP_MAX_CUSTODY ? c->custody_count : ZTK_CAP_MAX_CUSTODY;
  return n ? c->custody[n - 1].to : 0;
}

static void body(ztk_wr *w, const void *cred)
{
  const ztk_capability *c = cred;
  const unsigned n =
      c->rule_count < ZTK_MAX_CAPABILITY_RULES ? c->rule_count : ZTK_MAX_CAPABILITY_RULES;
  ztk_wr_u64(w, c->nwid);
  ztk_wr_u64(w, (uint64_t)c->ts);
  ztk_wr_u32(w, c->id);
  ztk_wr_u16(w, (uint16_t)n);
  ztk_rules_write(w, c->rules, n);
  ztk_wr_u8(w, c->mccl);
}

static void read_custody(ztk_rd *r, ztk_capability *c)
{
  for (unsigned i = 0; !r->err; i++) {
    const ztk_address to = ztk_rd_u40(r);
    if (!to || r->err)
      break;
    if (i >= c->mccl) {
      ztk_rd_fail(r, ZTK_ELIMIT);
      break;
    }
    ztk_cap_custody *e = &c->custody[i];
    e->to = to;
    e->from = ztk_rd_u40(r);
    if (ztk_credsig_read(r, e->signature, &e->has_signature) == 0)
      c->custody_count = (uint8_t)(i + 1);
  }
}

int ztk_capability_read(ztk_rd *r, ztk_capability *c)
{
  memset(c, 0, sizeof *c);
  c->nwid = ztk_rd_u64(r);
  c->ts = (int64_t)ztk_rd_u64(r);
  c->id = ztk_rd_u32(r);
  c->rule_count = ztk_rd_u16(r);
  if (!r->err) {
    int rc = ztk_rules_read_n(r, c->rules, c->rule_count, ZTK_MAX_CAPABILITY_RULES);
    if (rc)
      ztk_rd_fail(r, rc);
  }
  c->mccl = ztk_rd_u8(r);
  if (!r->err && (c->mccl < 1 || c->mccl > ZTK_CAP_MAX_CUSTODY))
    ztk_rd_fail(r, ZTK_EFORMAT);
  read_custody(r, c);
  if (!r->err)
    ztk_cred_ext_read(r);
  if (r->err)
    memset(c, 0, sizeof *c);
  return r->err;
}

void ztk_capability_write(ztk_wr *w, const ztk_capability *c)
{
  body(w, c);
  for (unsigned i = 0; i < c->custody_count && i < c->mccl && i < ZTK_CAP_MAX_CUSTODY; i++) {
    if (!c->custody[i].to)
      break;
    ztk_wr_u40(w, c->custody[i].to);
    ztk_wr_u40(w, c->custody[i].from);
    ztk_credsig_write(w, c->custody[i].signature);
  }
  ztk_wr_zero(w, 5); /* a zero `to` ends the chain */
  ztk_wr_u16(w, 0);
}

void ztk_capability_signing_input(ztk_wr *w, const ztk_capability *c)
{
  ztk_cred_signing_input(w, body, c);
}

int ztk_capability_sign(ztk_capability *c, const ztk_identity *from, ztk_address to)
{
  const unsigned i = c->custody_count;
  if (i >= c->mccl || i >= ZTK_CAP_MAX_CUSTODY)
    return ZTK_ELIMIT;
  ztk_cap_custody *e = &c->custody[i];
  int rc = ztk_cred_sign(from, body, c, e->signature);
  if (rc)
    return rc;
  e->to = to;
  e->from = from->address;
  e->has_signature = true;
  c->custody_count = (uint8_t)(i + 1);
  return 0;
}

/* Checks the link rule of entry i (who may sign it). */
static bool link_ok(const ztk_capability *c, unsigned i)
{
  const ztk_cap_custody *e = &c->custody[i];
  if (!e->to || !e->from)
    return false;
  return i == 0 ? e->from == ztk_nwid_controller(c->nwid) : e->from == c->custody[i - 1].to;
}

int ztk_capability_verify(const ztk_capability *c, ztk_identity_lookup_fn lookup, void *user,
                          ztk_address *need)
{
  *need = 0;
  if (c->mccl < 1 || c->mccl > ZTK_CAP_MAX_CUSTODY || c->custody_count == 0 ||
      c->custody_count > c->mccl)
    return ZTK_ENET_CREDENTIAL;
  for (unsigned i = 0; i < c->custody_count; i++) {
    const ztk_cap_custody *e = &c->custody[i];
    if (!link_ok(c, i) || !e->has_signature)
      return ZTK_ENET_CREDENTIAL;
    const ztk_identity *id = lookup(user, e->from);
    if (!id) {
      *need = e->from;
      return ZTK_ENOTFOUND;
    }
    if (id->address != e->from || ztk_cred_verify_sig(id, body, c, e->signature))
      return ZTK_ENET_CREDENTIAL;
  }
  return 0;
}
