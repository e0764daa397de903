#include "core/network/com.h"

#include <string.h>

#include "core/identity/identity.h"

#define ALL_ONES 0xffffffffffffffffull

/* The identity hash as the four big-endian words of qualifiers 3..6. */
static int hash_words(const ztk_identity *id, uint64_t words[4])
{
  uint8_t h[48];
  if (ztk_identity_hash384(id, h))
    return ZTK_ECRYPTO;
  for (int i = 0; i < 4; i++)
    words[i] = ztk_be_get(h + 8 * i, 8);
  return 0;
}

int ztk_com_init(ztk_com *c, int64_t timestamp, uint64_t max_delta, uint64_t nwid,
                 const ztk_identity *issued_to)
{
  uint64_t words[4];
  memset(c, 0, sizeof *c);
  int rc = hash_words(issued_to, words);
  if (rc)
    return rc;
  c->q[0] = (ztk_com_qualifier){ZTK_COM_QID_TIMESTAMP, (uint64_t)timestamp, max_delta};
  c->q[1] = (ztk_com_qualifier){ZTK_COM_QID_NETWORK_ID, nwid, 0};
  c->q[2] = (ztk_com_qualifier){ZTK_COM_QID_ISSUED_TO, issued_to->address, ALL_ONES};
  for (int i = 0; i < 4; i++)
    c->q[3 + i] = (ztk_com_qualifier){(uint64_t)(ZTK_COM_QID_HASH0 + i), words[i], ALL_ONES};
  c->count = 7;
  return 0;
}

int ztk_com_read(ztk_rd *r, ztk_com *c)
{
  memset(c, 0, sizeof *c);
  if (ztk_rd_u8(r) != ZTK_COM_FORMAT)
    ztk_rd_fail(r, ZTK_EFORMAT);
  const unsigned n = ztk_rd_u16(r);
  if (n > ZTK_COM_MAX_QUALIFIERS)
    ztk_rd_fail(r, ZTK_ELIMIT);
  for (unsigned i = 0; i < n && !r->err; i++) {
    ztk_com_qualifier *q = &c->q[i];
    q->id = ztk_rd_u64(r);
    q->value = ztk_rd_u64(r);
    q->max_delta = ztk_rd_u64(r);
    if (i > 0 && q->id < c->q[i - 1].id)
      ztk_rd_fail(r, ZTK_EFORMAT);
  }
  c->count = n;
  c->signed_by = ztk_rd_u40(r);
  if (c->signed_by)
    ztk_rd_copy(r, c->signature, ZTK_SIGNATURE_LEN);
  if (r->err)
    memset(c, 0, sizeof *c);
  return r->err;
}

void ztk_com_signing_input(ztk_wr *w, const ztk_com *c)
{
  for (unsigned i = 0; i < c->count && i < ZTK_COM_MAX_QUALIFIERS; i++) {
    ztk_wr_u64(w, c->q[i].id);
    ztk_wr_u64(w, c->q[i].value);
    ztk_wr_u64(w, c->q[i].max_delta);
  }
}

void ztk_com_write(ztk_wr *w, const ztk_com *c)
{
  ztk_wr_u8(w, ZTK_COM_FORMAT);
  ztk_wr_u16(w, (uint16_t)c->count);
  ztk_com_signing_input(w, c);
  ztk_wr_u40(w, c->signed_by);
  if (c->signed_by)
    ztk_wr_bytes(w, c->signature, ZTK_SIGNATURE_LEN);
}

int ztk_com_sign(ztk_com *c, const ztk_identity *controller)
{
  uint8_t buf[ZTK_COM_MAX_QUALIFIERS * 24];
  if (c->count == 0 || c->count > ZTK_COM_MAX_QUALIFIERS)
    return ZTK_EINVAL;
  ztk_wr w = ztk_wr_make(buf, sizeof buf);
  ztk_com_signing_input(&w, c);
  int rc = ztk_identity_sign(controller, buf, w.len, c->signature);
  if (rc)
    return rc;
  c->signed_by = controller->address;
  return 0;
}

int ztk_com_verify(const ztk_com *c, const ztk_identity *controller)
{
  uint8_t buf[ZTK_COM_MAX_QUALIFIERS * 24];
  if (c->count > ZTK_COM_MAX_QUALIFIERS ||
      ztk_cred_check_signer(ztk_com_network_id(c), c->signed_by, controller))
    return ZTK_ENET_CREDENTIAL;
  ztk_wr w = ztk_wr_make(buf, sizeof buf);
  ztk_com_signing_input(&w, c);
  if (ztk_identity_verify(controller, buf, w.len, c->signature, ZTK_SIGNATURE_LEN))
    return ZTK_ENET_CREDENTIAL;
  return 0;
}

/* The value of qualifier id in c; like 1.14.1's map, a repeated id yields its last value. */
static bool find_value(const ztk_com *c, uint64_t id, uint64_t *value)
{
  for (unsigned i = c->count; i-- > 0;) {
    if (c->q[i].id == id) {
      *value = c->q[i].value;
      return true;
    }
  }
  return false;
}

bool ztk_com_agrees(const ztk_com *mine, const ztk_com *theirs, const ztk_identity *their_identity)
{
  if (mine->count == 0 || theirs->count == 0 || mine->count > ZTK_COM_MAX_QUALIFIERS ||
      theirs->count > ZTK_COM_MAX_QUALIFIERS)
    return false;
  bool check_hash = false;
  for (unsigned i = 0; i < mine->count; i++) {
    const ztk_com_qualifier *q = &mine->q[i];
    uint64_t b;
    if (q->id >= ZTK_COM_QID_HASH0 && q->id <= ZTK_COM_QID_HASH0 + 3)
      check_hash = true;
    if (!find_value(theirs, q->id, &b))
      return false;
    const uint64_t diff = q->value >= b ? q->value - b : b - q->value;
    if (diff > q->max_delta)
      return false;
  }
  if (!check_hash)
    return true;
  uint64_t words[4];
  if (!their_identity || hash_words(their_identity, words))
    return false;
  for (int i = 0; i < 4; i++) {
    uint64_t v;
    if (!find_value(theirs, (uint64_t)(ZTK_COM_QID_HASH0 + i), &v) || v != words[i])
      return false;
  }
  return true;
}

/* The first qualifier with this id, as 1.14.1's accessors. */
static uint64_t first_value(const ztk_com *c, uint64_t id)
{
  for (unsigned i = 0; i < c->count && i < ZTK_COM_MAX_QUALIFIERS; i++)
    if (c->q[i].id == id)
      return c->q[i].value;
  return 0;
}

int64_t ztk_com_timestamp(const ztk_com *c)
{
  return (int64_t)first_value(c, ZTK_COM_QID_TIMESTAMP);
}

uint64_t ztk_com_network_id(const ztk_com *c)
{
  return first_value(c, ZTK_COM_QID_NETWORK_ID);
}

ztk_address ztk_com_issued_to(const ztk_com *c)
{
  return first_value(c, ZTK_COM_QID_ISSUED_TO) & 0xffffffffffull;
}
