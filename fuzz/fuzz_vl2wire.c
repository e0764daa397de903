/* Target Functions: the VL2 payload codecs of core/network/vl2wire.h: ztk_frame_msg_read/write,
 * ztk_ext_frame_msg_read/write, ztk_like_read/write, ztk_gather_msg_read/write,
 * ztk_gather_results_read/write/at, ztk_ok_gather_msg_read, ztk_mcframe_msg_read/write,
 * ztk_ok_mcframe_msg_read (and the COM codec inside them).
 *
 * Input: a selector byte (modulo 8), then a payload. Invariants: a reader never returns a
 * positive value nor reads past the end; what it accepts re-encodes to a canonical form that
 * reads back and re-encodes to the same bytes; the exact codecs (FRAME, EXT_FRAME, LIKE,
 * gather results, OK(MULTICAST_GATHER)) re-encode to exactly the bytes they consumed. */
#include <stdlib.h>
#include <string.h>

#include "core/network/vl2wire.h"
#include "core/packet/packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t out1[ZTK_PROTO_MAX_PACKET_LENGTH * 2], out2[sizeof out1];

static void check(int cond)
{
  if (!cond)
    abort();
}

/* Writes what the reader decoded (sel picks the codec). Returns false if it read nothing. */
static bool decode_encode(unsigned sel, ztk_rd *r, ztk_wr *w)
{
  ztk_frame_msg f;
  ztk_ext_frame_msg e;
  ztk_gather_msg g;
  ztk_gather_results res;
  ztk_ok_gather_msg og;
  ztk_mcframe_msg mf;
  ztk_ok_mcframe_msg om;
  ztk_address addrs[64];
  uint64_t nwid;
  ztk_mcgroup grp;
  int rc;
  switch (sel) {
  case 0:
    if ((rc = ztk_frame_msg_read(r, &f)) == 0)
      ztk_frame_msg_write(w, &f);
    break;
  case 1:
    if ((rc = ztk_ext_frame_msg_read(r, &e)) == 0)
      ztk_ext_frame_msg_write(w, &e);
    break;
  case 2: /* a list of records, as in one MULTICAST_LIKE */
    rc = 0;
    while (!rc && ztk_rd_left(r) > 0)
      if ((rc = ztk_like_read(r, &nwid, &grp)) == 0)
        ztk_like_write(w, nwid, &grp);
    break;
  case 3:
    if ((rc = ztk_gather_msg_read(r, &g)) == 0)
      ztk_gather_msg_write(w, &g);
    break;
  case 4:
    if ((rc = ztk_gather_results_read(r, &res)) == 0 && res.count <= 64) {
      for (unsigned i = 0; i < res.count; i++)
        addrs[i] = ztk_gather_results_at(&res, i);
      ztk_gather_results_write(w, res.total, addrs, res.count);
    } else if (rc == 0) {
      return false;
    }
    break;
  case 5:
    if ((rc = ztk_ok_gather_msg_read(r, &og)) == 0) {
      ztk_like_write(w, og.nwid, &og.g);
      ztk_wr_u32(w, og.r.total);
      ztk_wr_u16(w, og.r.count);
      ztk_wr_bytes(w, og.r.addresses, (size_t)og.r.count * 5);
    }
    break;
  case 6:
    if ((rc = ztk_mcframe_msg_read(r, &mf)) == 0)
      ztk_mcframe_msg_write(w, &mf);
    break;
  default:
    if ((rc = ztk_ok_mcframe_msg_read(r, &om)) == 0) {
      ztk_like_write(w, om.nwid, &om.g);
      ztk_wr_u8(w, (uint8_t)((om.has_com ? 1 : 0) | (om.has_results ? 2 : 0)));
      if (om.has_com)
        ztk_com_write(w, &om.com);
      if (om.has_results) {
        ztk_wr_u32(w, om.r.total);
        ztk_wr_u16(w, om.r.count);
        ztk_wr_bytes(w, om.r.addresses, (size_t)om.r.count * 5);
      }
    }
  }
  check(rc <= 0 && r->off <= r->len);
  return rc == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 1 || size > ZTK_PROTO_MAX_PACKET_LENGTH)
    return 0;
  unsigned sel = data[0] % 8;
  ztk_rd r = ztk_rd_make(data + 1, size - 1);
  ztk_wr w = ztk_wr_make(out1, sizeof out1);
  if (!decode_encode(sel, &r, &w))
    return 0;
  check(w.err == 0);
  bool exact = sel <= 2 || sel == 4 || sel == 5;
  if (exact)
    check(w.len == r.off && memcmp(out1, data + 1, w.len) == 0);
  ztk_rd r2 = ztk_rd_make(out1, w.len);
  ztk_wr w2 = ztk_wr_make(out2, sizeof out2);
  check(decode_encode(sel, &r2, &w2) && w2.err == 0);
  check(r2.off == w.len && w2.len == w.len && memcmp(out1, out2, w.len) == 0);
  return 0;
}
