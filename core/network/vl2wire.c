#include "core/network/vl2wire.h"

#include <string.h>

#include "core/network/mac.h"
#include "ztkit/error.h"

static void mac_write(ztk_wr *w, uint64_t mac) { ztk_wr_uint(w, mac, 6); }
static uint64_t mac_read(ztk_rd *r) { return ztk_rd_uint(r, 6); }

/* The rest of the payload. */
static void rest(ztk_rd *r, const uint8_t **data, size_t *len)
{
  *len = ztk_rd_left(r);
  *data = *len ? ztk_rd_take(r, *len) : NULL;
}

void ztk_frame_msg_write(ztk_wr *w, const ztk_frame_msg *m)
{
  ztk_wr_u64(w, m->nwid);
  ztk_wr_u16(w, m->ethertype);
  ztk_wr_bytes(w, m->data, m->len);
}

int ztk_frame_msg_read(ztk_rd *r, ztk_frame_msg *m)
{
  memset(m, 0, sizeof *m);
  m->nwid = ztk_rd_u64(r);
  m->ethertype = ztk_rd_u16(r);
  rest(r, &m->data, &m->len);
  return r->err;
}

void ztk_ext_frame_msg_write(ztk_wr *w, const ztk_ext_frame_msg *m)
{
  ztk_wr_u64(w, m->nwid);
  ztk_wr_u8(w, (uint8_t)(m->has_com ? m->flags | ZTK_EXT_FRAME_FLAG_COM
                                    : m->flags & ~ZTK_EXT_FRAME_FLAG_COM));
  if (m->has_com)
    ztk_com_write(w, &m->com);
  mac_write(w, m->dst_mac);
  mac_write(w, m->src_mac);
  ztk_wr_u16(w, m->ethertype);
  ztk_wr_bytes(w, m->data, m->len);
}

int ztk_ext_frame_msg_read(ztk_rd *r, ztk_ext_frame_msg *m)
{
  memset(m, 0, sizeof *m);
  m->nwid = ztk_rd_u64(r);
  m->flags = ztk_rd_u8(r);
  if (m->flags & ZTK_EXT_FRAME_FLAG_COM) {
    int rc = ztk_com_read(r, &m->com);
    if (rc)
      return rc;
    m->has_com = true;
  }
  m->dst_mac = mac_read(r);
  m->src_mac = mac_read(r);
  m->ethertype = ztk_rd_u16(r);
  rest(r, &m->data, &m->len);
  return r->err;
}

void ztk_like_write(ztk_wr *w, uint64_t nwid, const ztk_mcgroup *g)
{
  ztk_wr_u64(w, nwid);
  mac_write(w, g->mac);
  ztk_wr_u32(w, g->adi);
}

int ztk_like_read(ztk_rd *r, uint64_t *nwid, ztk_mcgroup *g)
{
  *nwid = ztk_rd_u64(r);
  g->mac = mac_read(r);
  g->adi = ztk_rd_u32(r);
  return r->err;
}

void ztk_gather_msg_write(ztk_wr *w, const ztk_gather_msg *m)
{
  ztk_wr_u64(w, m->nwid);
  ztk_wr_u8(w, m->has_com ? ZTK_GATHER_FLAG_COM : 0);
  mac_write(w, m->g.mac);
  ztk_wr_u32(w, m->g.adi);
  ztk_wr_u32(w, m->limit);
  if (m->has_com)
    ztk_com_write(w, &m->com);
}

int ztk_gather_msg_read(ztk_rd *r, ztk_gather_msg *m)
{
  memset(m, 0, sizeof *m);
  m->nwid = ztk_rd_u64(r);
  m->flags = ztk_rd_u8(r);
  m->g.mac = mac_read(r);
  m->g.adi = ztk_rd_u32(r);
  m->limit = ztk_rd_u32(r);
  if (!r->err && (m->flags & ZTK_GATHER_FLAG_COM) && ztk_rd_left(r) > 0) {
    int rc = ztk_com_read(r, &m->com);
    if (rc)
      return rc;
    m->has_com = true;
  }
  return r->err;
}

void ztk_gather_results_write(ztk_wr *w, uint32_t total, const ztk_address *addrs, uint16_t n)
{
  ztk_wr_u32(w, total);
  ztk_wr_u16(w, n);
  for (uint16_t i = 0; i < n; i++)
    ztk_wr_u40(w, addrs[i]);
}

int ztk_gather_results_read(ztk_rd *r, ztk_gather_results *res)
{
  res->total = ztk_rd_u32(r);
  res->count = ztk_rd_u16(r);
  res->addresses = ztk_rd_take(r, (size_t)res->count * 5);
  return r->err;
}

ztk_address ztk_gather_results_at(const ztk_gather_results *res, unsigned i)
{
  return ztk_be_get(res->addresses + 5 * (size_t)i, 5);
}

int ztk_ok_gather_msg_read(ztk_rd *r, ztk_ok_gather_msg *m)
{
  memset(m, 0, sizeof *m);
  m->nwid = ztk_rd_u64(r);
  m->g.mac = mac_read(r);
  m->g.adi = ztk_rd_u32(r);
  return ztk_gather_results_read(r, &m->r);
}

void ztk_mcframe_msg_write(ztk_wr *w, const ztk_mcframe_msg *m)
{
  uint8_t flags = m->flags & ~(ZTK_MCFRAME_FLAG_COM | ZTK_MCFRAME_FLAG_GATHER |
                               ZTK_MCFRAME_FLAG_SRC_MAC);
  flags |= (m->has_com ? ZTK_MCFRAME_FLAG_COM : 0) | (m->gather_limit ? ZTK_MCFRAME_FLAG_GATHER : 0) |
           (m->src_mac ? ZTK_MCFRAME_FLAG_SRC_MAC : 0);
  ztk_wr_u64(w, m->nwid);
  ztk_wr_u8(w, flags);
  if (m->has_com)
    ztk_com_write(w, &m->com);
  if (m->gather_limit)
    ztk_wr_u32(w, m->gather_limit);
  if (m->src_mac)
    mac_write(w, m->src_mac);
  mac_write(w, m->g.mac);
  ztk_wr_u32(w, m->g.adi);
  ztk_wr_u16(w, m->ethertype);
  ztk_wr_bytes(w, m->data, m->len);
}

int ztk_mcframe_msg_read(ztk_rd *r, ztk_mcframe_msg *m)
{
  memset(m, 0, sizeof *m);
  m->nwid = ztk_rd_u64(r);
  m->flags = ztk_rd_u8(r);
  if (!r->err && (m->flags & ZTK_MCFRAME_FLAG_COM)) {
    int rc = ztk_com_read(r, &m->com);
    if (rc)
      return rc;
    m->has_com = true;
  }
  if (m->flags & ZTK_MCFRAME_FLAG_GATHER)
    m->gather_limit = ztk_rd_u32(r);
  if (m->flags & ZTK_MCFRAME_FLAG_SRC_MAC)
    m->src_mac = mac_read(r);
  m->g.mac = mac_read(r);
  m->g.adi = ztk_rd_u32(r);
  m->ethertype = ztk_rd_u16(r);
  rest(r, &m->data, &m->len);
  if (!r->err && m->len > ZTK_PROTO_MAX_FRAME_PAYLOAD)
    ztk_rd_fail(r, ZTK_EPKT_VERB);
  return r->err;
}

int ztk_ok_mcframe_msg_read(ztk_rd *r, ztk_ok_mcframe_msg *m)
{
  memset(m, 0, sizeof *m);
  m->nwid = ztk_rd_u64(r);
  m->g.mac = mac_read(r);
  m->g.adi = ztk_rd_u32(r);
  m->flags = ztk_rd_u8(r);
  if (!r->err && (m->flags & 0x01)) {
    int rc = ztk_com_read(r, &m->com);
    if (rc)
      return rc;
    m->has_com = true;
  }
  if (!r->err && (m->flags & 0x02)) {
    int rc = ztk_gather_results_read(r, &m->r);
    if (rc)
      return rc;
    m->has_results = true;
  }
  return r->err;
}
