/* Shared by the packet fuzz targets: runs the VL1 verb decoders over a payload and checks
 * their invariants (never a positive return, never past the end, exact codecs re-encode to
 * the bytes they consumed). Aborts on a violated invariant, which libFuzzer reports. */
#ifndef ZTK_FUZZ_VL1_DECODE_H
#define ZTK_FUZZ_VL1_DECODE_H

#include <stdlib.h>
#include <string.h>

#include "core/packet/packet.h"
#include "core/packet/verbs.h"

enum fuzz_decoder {
  FUZZ_HELLO,
  FUZZ_OK_HELLO,
  FUZZ_OK_WHOIS,
  FUZZ_OK_ECHO,
  FUZZ_ERROR,
  FUZZ_WHOIS,
  FUZZ_RENDEZVOUS,
  FUZZ_ECHO,
  FUZZ_PUSH_PATHS,
  FUZZ_USER_MESSAGE,
  FUZZ_DECODERS
};

static uint8_t fuzz_reenc[ZTK_PROTO_MAX_PACKET_LENGTH];

static inline void fuzz_check(int cond)
{
  if (!cond)
    abort();
}

/* The re-encoding must equal the bytes the reader consumed since `start`. */
static inline void fuzz_same(const ztk_wr *w, const ztk_rd *r, size_t start)
{
  fuzz_check(w->err == 0 && w->len == r->off - start && memcmp(w->p, r->p + start, w->len) == 0);
}

static inline int fuzz_ok_body(enum fuzz_decoder d, ztk_rd *r, ztk_wr *w)
{
  ztk_ok_hello o;
  ztk_identity ids[4];
  ztk_echo e;
  size_t n;
  int rc;
  switch (d) {
  case FUZZ_OK_HELLO:
    return ztk_ok_hello_read(r, &o);
  case FUZZ_OK_WHOIS:
    return ztk_ok_whois_read(r, ids, 4, &n);
  default:
    rc = ztk_echo_read(r, &e);
    if (!rc)
      ztk_echo_write(w, &e);
    return rc;
  }
}

static inline int fuzz_simple(enum fuzz_decoder d, ztk_rd *r, ztk_wr *w)
{
  ztk_error_msg em;
  ztk_address addrs[ZTK_WHOIS_MAX_ADDRESSES];
  ztk_rendezvous z;
  ztk_path_record recs[16];
  ztk_user_message m;
  size_t n;
  int rc;
  switch (d) {
  case FUZZ_ERROR:
    if (!(rc = ztk_error_read(r, &em)))
      ztk_error_write(w, &em);
    return rc;
  case FUZZ_WHOIS:
    if (!(rc = ztk_whois_read(r, addrs, ZTK_WHOIS_MAX_ADDRESSES, &n))) {
      ztk_whois_write(w, addrs, n);
      fuzz_check(w->len == n * 5 && memcmp(w->p, r->p, w->len) == 0);
    }
    return rc;
  case FUZZ_RENDEZVOUS:
    if (!(rc = ztk_rendezvous_read(r, &z)))
      ztk_rendezvous_write(w, &z);
    return rc;
  case FUZZ_PUSH_PATHS:
    rc = ztk_push_paths_read(r, recs, 16, &n);
    fuzz_check(n <= 16);
    return rc;
  default:
    if (!(rc = ztk_user_message_read(r, &m)))
      ztk_user_message_write(w, &m);
    return rc;
  }
}

/* Runs decoder d over p[0..len). */
static inline void fuzz_decode(enum fuzz_decoder d, const uint8_t *p, size_t len)
{
  ztk_rd r = ztk_rd_make(p, len);
  ztk_wr w = ztk_wr_make(fuzz_reenc, sizeof fuzz_reenc);
  ztk_hello h;
  ztk_ok_header oh;
  int rc;
  bool exact = d != FUZZ_HELLO && d != FUZZ_PUSH_PATHS && d != FUZZ_OK_HELLO && d != FUZZ_OK_WHOIS;
  if (d == FUZZ_HELLO) {
    rc = ztk_hello_read(&r, &h);
    if (!rc)
      rc = ztk_hello_read_moons(&r, &h);
    fuzz_check(rc || h.n_moons <= ZTK_HELLO_MAX_MOONS);
  } else if (d == FUZZ_ECHO) {
    rc = fuzz_ok_body(d, &r, &w);
  } else if (d == FUZZ_OK_HELLO || d == FUZZ_OK_WHOIS || d == FUZZ_OK_ECHO) {
    rc = ztk_ok_header_read(&r, &oh);
    if (!rc) {
      ztk_ok_header_write(&w, oh.in_re_verb, oh.in_re_packet_id);
      rc = fuzz_ok_body(d, &r, &w);
    }
  } else {
    rc = fuzz_simple(d, &r, &w);
  }
  fuzz_check(rc <= 0 && r.off <= r.len);
  if (!rc && exact && d != FUZZ_WHOIS)
    fuzz_same(&w, &r, 0);
}

/* The decoder for a dearmored packet's verb (OK by its in-re verb), or FUZZ_DECODERS. */
static inline enum fuzz_decoder fuzz_decoder_for(const uint8_t *payload, size_t len, unsigned verb)
{
  switch (verb) {
  case ZTK_VERB_HELLO:
    return FUZZ_HELLO;
  case ZTK_VERB_ERROR:
    return FUZZ_ERROR;
  case ZTK_VERB_WHOIS:
    return FUZZ_WHOIS;
  case ZTK_VERB_RENDEZVOUS:
    return FUZZ_RENDEZVOUS;
  case ZTK_VERB_ECHO:
    return FUZZ_ECHO;
  case ZTK_VERB_PUSH_DIRECT_PATHS:
    return FUZZ_PUSH_PATHS;
  case ZTK_VERB_USER_MESSAGE:
    return FUZZ_USER_MESSAGE;
  case ZTK_VERB_OK:
    if (len < 1)
      return FUZZ_OK_ECHO;
    return payload[0] == ZTK_VERB_HELLO   ? FUZZ_OK_HELLO
           : payload[0] == ZTK_VERB_WHOIS ? FUZZ_OK_WHOIS
                                          : FUZZ_OK_ECHO;
  default:
    return FUZZ_DECODERS;
  }
}

#endif
