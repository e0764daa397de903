/* Test support for the controller: a ztk_ctl_io that records what the controller sends
 * (configs, errors, revocations, in order) and keeps its persisted records in memory, with a
 * seeded random stream. */
#ifndef ZTK_TEST_SUPPORT_CTLREC_H
#define ZTK_TEST_SUPPORT_CTLREC_H

#include <stdbool.h>
#include <stdint.h>

#include "core/controller/controller.h"
#include "core/crypto/csprng.h"
#include "core/network/config_request.h"
#include "tests/support/vectors.h"

#define CR_MAX_EVENTS 128
#define CR_MAX_STATE 512

typedef struct cr_event {
  char kind; /* 'C' config, 'E' error, 'R' revocation */
  int64_t now;
  ztk_address to;
  uint64_t request_id; /* C, E */
  uint64_t nwid;       /* E */
  int code;            /* E */
  ztk_netconf *nc;     /* C: heap copy */
  ztk_revocation rev;  /* R */
} cr_event;

typedef struct cr_state {
  uint64_t id[2];
  uint8_t *data;
  size_t len;
} cr_state;

typedef struct ctlrec {
  unsigned n_events, dropped;
  cr_event ev[CR_MAX_EVENTS];
  unsigned n_state;
  cr_state state[CR_MAX_STATE];
  unsigned puts, deletes;
  ztk_csprng rng;
} ctlrec;

/* Sets up r (seeded with seed) and fills io with its callbacks (persistence included unless
 * with_state is false). */
void cr_init(ctlrec *r, uint8_t seed, ztk_ctl_io *io, bool with_state);
/* Forgets the recorded events (keeps the state store). */
void cr_clear(ctlrec *r);
/* Frees everything. */
void cr_free(ctlrec *r);
/* How many events of one kind were recorded; the nth of them (from 0) or NULL. */
unsigned cr_count(const ctlrec *r, char kind);
const cr_event *cr_nth(const ctlrec *r, char kind, unsigned n);
/* The stored object id, or NULL. */
cr_state *cr_state_find(ctlrec *r, uint64_t id0, uint64_t id1);

#endif

/* The live session's network "vectornet" (89419d3fcd7cda1f) as its POST created it: private,
 * IPv4 pool 10.147.17.10-250 with auto-assignment, route 10.147.17.0/24, rfc4193 and 6plane. */
void cr_vectornet(ztk_ctl_network *n);

/* The metadata 1.14.1 sends in its requests (revr as given; revr 1 is 1.14.1's), written into
 * buf (ZTK_DICT_METADATA_CAP bytes); d becomes a view of it. extra_key/extra_value (optional)
 * are appended, e.g. "a" = "token:...". */
void cr_meta(ztk_dict *d, char *buf, uint64_t revr, const char *extra_key, const char *extra_value);

/* A controller signing as the live session's "ctl", with a recording io, 1.14.1's request
 * metadata, and the live identities (alice and bob public). */
typedef struct cr_fixture {
  ctlrec rec;
  ztk_ctl_io io;
  ztk_ctl *c;
  char meta_buf[ZTK_DICT_METADATA_CAP];
  ztk_dict meta;
  ztk_identity ctl, alice, bob;
} cr_fixture;

#define CR_NWID 0x89419d3fcd7cda1full
#define CR_T0 1795314236798ll /* vectornet's creation time in the live session */

/* A file-level fixture `f` made at CR_T0, with the cmocka setup and teardown for it. */
#define CR_FIXTURE_GROUP                                                                           \
  static cr_fixture *f;                                                                            \
  static int setup(void **state)                                                                   \
  {                                                                                                \
    (void)state;                                                                                   \
    f = cr_fx_new(CR_T0);                                                                          \
    return 0;                                                                                      \
  }                                                                                                \
  static int teardown(void **state)                                                                \
  {                                                                                                \
    (void)state;                                                                                   \
    cr_fx_free(f);                                                                                 \
    return 0;                                                                                      \
  }

cr_fixture *cr_fx_new(int64_t now);
void cr_fx_free(cr_fixture *f);
/* Creates vectornet at now, after edit (optional) changed it; asserts revision 1. */
void cr_fx_network(cr_fixture *f, int64_t now, void (*edit)(ztk_ctl_network *));
/* Sets a member's "authorized" as the API does (creating the member if needed). */
void cr_fx_authorize(cr_fixture *f, ztk_address a, int64_t now, bool yes);
/* A copy of a member of vectornet (asserts that it exists); free it with ztk_ctl_member_free. */
void cr_fx_member(cr_fixture *f, ztk_address a, ztk_ctl_member *m);
/* The last event of a kind (fails the test if none). */
const cr_event *cr_last(const ctlrec *r, char kind);
