/* Encoders and decoders of the VL2 verb payloads (protocol notes §8.7, 8.8, 8.10, 8.15, 8.16,
 * and the OK forms of §8.4): FRAME, EXT_FRAME, MULTICAST_LIKE, MULTICAST_GATHER and its OK,
 * MULTICAST_FRAME and its OK. Pure codecs over bounded cursors; no policy. Pointers in decoded
 * structs point into the reader's buffer. Readers return 0 or a negative code (the cursor's
 * ZTK_ETRUNC, ZTK_EPKT_VERB for a forbidden field value, or a COM decoding error). Internal
 * header. */
#ifndef ZTK_CORE_NETWORK_VL2WIRE_H
#define ZTK_CORE_NETWORK_VL2WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/network/addressing.h"
#include "core/network/com.h"
#include "core/util/cursor.h"

#define ZTK_EXT_FRAME_FLAG_COM 0x01
#define ZTK_EXT_FRAME_FLAG_ACK 0x10
#define ZTK_EXT_FRAME_SUBTYPE_MASK 0x0e
#define ZTK_MCFRAME_FLAG_COM 0x01
#define ZTK_MCFRAME_FLAG_GATHER 0x02
#define ZTK_MCFRAME_FLAG_SRC_MAC 0x04
#define ZTK_MCFRAME_FLAG_REPLICATE 0x08
#define ZTK_GATHER_FLAG_COM 0x01
#define ZTK_MC_LIKE_RECORD_LEN 18
#define ZTK_PROTO_MAX_FRAME_PAYLOAD 10000 /* a MULTICAST_FRAME carries at most this */

typedef struct ztk_frame_msg {
  uint64_t nwid;
  uint16_t ethertype;
  const uint8_t *data;
  size_t len;
} ztk_frame_msg;

typedef struct ztk_ext_frame_msg {
  uint64_t nwid;
  uint8_t flags;
  bool has_com;
  ztk_com com;
  uint64_t dst_mac, src_mac;
  uint16_t ethertype;
  const uint8_t *data;
  size_t len;
} ztk_ext_frame_msg;

typedef struct ztk_gather_msg {
  uint64_t nwid;
  uint8_t flags;
  ztk_mcgroup g;
  uint32_t limit;
  bool has_com;
  ztk_com com;
} ztk_gather_msg;

/* Gather results (in OK(MULTICAST_GATHER) and OK(MULTICAST_FRAME)). */
typedef struct ztk_gather_results {
  uint32_t total;          /* members the responder knows */
  uint16_t count;
  const uint8_t *addresses; /* count 5-byte addresses */
} ztk_gather_results;

typedef struct ztk_ok_gather_msg {
  uint64_t nwid;
  ztk_mcgroup g;
  ztk_gather_results r;
} ztk_ok_gather_msg;

typedef struct ztk_mcframe_msg {
  uint64_t nwid;
  uint8_t flags;
  bool has_com;
  ztk_com com;
  uint32_t gather_limit;   /* 0 unless flags & ZTK_MCFRAME_FLAG_GATHER */
  uint64_t src_mac;        /* 0 unless flags & ZTK_MCFRAME_FLAG_SRC_MAC */
  ztk_mcgroup g;
  uint16_t ethertype;
  const uint8_t *data;
  size_t len;
} ztk_mcframe_msg;

typedef struct ztk_ok_mcframe_msg {
  uint64_t nwid;
  ztk_mcgroup g;
  uint8_t flags;
  bool has_com;
  ztk_com com;
  bool has_results;
  ztk_gather_results r;
} ztk_ok_mcframe_msg;

void ztk_frame_msg_write(ztk_wr *w, const ztk_frame_msg *m);
int ztk_frame_msg_read(ztk_rd *r, ztk_frame_msg *m);

void ztk_ext_frame_msg_write(ztk_wr *w, const ztk_ext_frame_msg *m);
int ztk_ext_frame_msg_read(ztk_rd *r, ztk_ext_frame_msg *m);

/* MULTICAST_LIKE: one record. Read returns 0 with *nwid and *g filled, ZTK_ETRUNC at the end of
 * a well-formed list is signalled by ztk_rd_left() == 0 before the call. */
void ztk_like_write(ztk_wr *w, uint64_t nwid, const ztk_mcgroup *g);
int ztk_like_read(ztk_rd *r, uint64_t *nwid, ztk_mcgroup *g);

void ztk_gather_msg_write(ztk_wr *w, const ztk_gather_msg *m);
int ztk_gather_msg_read(ztk_rd *r, ztk_gather_msg *m);

/* Gather results: total, count, then the addresses. */
void ztk_gather_results_write(ztk_wr *w, uint32_t total, const ztk_address *addrs, uint16_t n);
int ztk_gather_results_read(ztk_rd *r, ztk_gather_results *res);
ztk_address ztk_gather_results_at(const ztk_gather_results *res, unsigned i);

int ztk_ok_gather_msg_read(ztk_rd *r, ztk_ok_gather_msg *m);

void ztk_mcframe_msg_write(ztk_wr *w, const ztk_mcframe_msg *m);
int ztk_mcframe_msg_read(ztk_rd *r, ztk_mcframe_msg *m);

int ztk_ok_mcframe_msg_read(ztk_rd *r, ztk_ok_mcframe_msg *m);

#endif
