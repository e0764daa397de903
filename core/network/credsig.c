#include "core/network/credsig.h"

#include <string.h>

int ztk_credsig_read(ztk_rd *r, uint8_t sig[ZTK_SIGNATURE_LEN], bool *has)
{
  *has = false;
  memset(sig, 0, ZTK_SIGNATURE_LEN);
  const uint8_t type = ztk_rd_u8(r);
  const uint16_t len = ztk_rd_u16(r);
  if (r->err)
    return r->err;
  if (type != ZTK_SIGNATURE_TYPE_ED25519) {
    ztk_rd_skip(r, len);
    return r->err;
  }
  if (len != ZTK_SIGNATURE_LEN) {
    ztk_rd_fail(r, ZTK_EFORMAT);
    return r->err;
  }
  ztk_rd_copy(r, sig, ZTK_SIGNATURE_LEN);
  *has = r->err == 0;
  return r->err;
}

void ztk_credsig_write(ztk_wr *w, const uint8_t sig[ZTK_SIGNATURE_LEN])
{
  ztk_wr_u8(w, ZTK_SIGNATURE_TYPE_ED25519);
  ztk_wr_u16(w, ZTK_SIGNATURE_LEN);
  ztk_wr_bytes(w, sig, ZTK_SIGNATURE_LEN);
}

int ztk_cred_ext_read(ztk_rd *r)
{
  ztk_rd_skip(r, ztk_rd_u16(r));
  return r->err;
}

int ztk_cred_read_trailer(ztk_rd *r, uint8_t sig[ZTK_SIGNATURE_LEN], bool *has)
{
  if (!r->err)
    ztk_credsig_read(r, sig, has);
  if (!r->err)
    ztk_cred_ext_read(r);
  return r->err;
}

void ztk_cred_write_trailer(ztk_wr *w, const uint8_t sig[ZTK_SIGNATURE_LEN])
{
  ztk_credsig_write(w, sig);
  ztk_wr_u16(w, 0);
}

void ztk_cred_signing_input(ztk_wr *w, ztk_cred_body_fn body, const void *cred)
{
  static const uint8_t bracket[8] = {0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f};
  ztk_wr_bytes(w, bracket, sizeof bracket);
  body(w, cred);
  ztk_wr_u16(w, 0); /* extension length */
  ztk_wr_bytes(w, bracket, sizeof bracket);
}

int ztk_cred_sign(const ztk_identity *signer, ztk_cred_body_fn body, const void *cred,
                  uint8_t sig[ZTK_SIGNATURE_LEN])
{
  uint8_t buf[ZTK_CRED_SIGNING_INPUT_MAX];
  ztk_wr w = ztk_wr_make(buf, sizeof buf);
  ztk_cred_signing_input(&w, body, cred);
  if (w.err)
    return w.err;
  return ztk_identity_sign(signer, buf, w.len, sig);
}

int ztk_cred_verify_sig(const ztk_identity *signer, ztk_cred_body_fn body, const void *cred,
                        const uint8_t sig[ZTK_SIGNATURE_LEN])
{
  uint8_t buf[ZTK_CRED_SIGNING_INPUT_MAX];
  ztk_wr w = ztk_wr_make(buf, sizeof buf);
  ztk_cred_signing_input(&w, body, cred);
  if (w.err || ztk_identity_verify(signer, buf, w.len, sig, ZTK_SIGNATURE_LEN))
    return ZTK_ENET_CREDENTIAL;
  return 0;
}

int ztk_cred_check_signer(uint64_t nwid, ztk_address signed_by, const ztk_identity *controller)
{
  if (!signed_by || signed_by != ztk_nwid_controller(nwid) || !controller ||
      controller->address != signed_by)
    return ZTK_ENET_CREDENTIAL;
  return 0;
}

int ztk_cred_sign_as(const ztk_identity *controller, ztk_address *signed_by, ztk_cred_body_fn body,
                     const void *cred, uint8_t sig[ZTK_SIGNATURE_LEN], bool *has)
{
  if (!controller->has_private)
    return ZTK_EID_NOSECRET;
  *signed_by = controller->address;
  int rc = ztk_cred_sign(controller, body, cred, sig);
  *has = rc == 0;
  return rc;
}

int ztk_cred_verify_as(const ztk_identity *controller, uint64_t nwid, ztk_address signed_by,
                       bool has, ztk_cred_body_fn body, const void *cred,
                       const uint8_t sig[ZTK_SIGNATURE_LEN])
{
  if (!has || ztk_cred_check_signer(nwid, signed_by, controller))
    return ZTK_ENET_CREDENTIAL;
  return ztk_cred_verify_sig(controller, body, cred, sig);
}
