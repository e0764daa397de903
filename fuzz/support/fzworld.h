/* A small deterministic world for the node fuzz targets: up to nine nodes with the test
 * identities (tests/data), a planet whose roots are the first hosts, one FIFO of datagrams
 * between them, a manually advanced clock, an in-memory state store per host that survives a
 * crash, and the embedded controller driven through its HTTP API handler. No transport, no
 * cmocka: everything a fuzz program may do per input. Support code for fuzz/ only. */
#ifndef ZTK_FUZZ_SUPPORT_FZWORLD_H
#define ZTK_FUZZ_SUPPORT_FZWORLD_H

#include <stdbool.h>
#include <stdint.h>

#include "core/crypto/csprng.h"
#include "core/util/inaddr.h"
#include "core/world/world.h"
#include "ztkit/node.h"

#define FW_IDENTITIES 9 /* 0..4 vectors/identities.json, 5..8 the capture rig's */
#define FW_MAX_HOSTS 9
#define FW_STORE_MAX 96   /* objects per state store */
#define FW_QUEUE_MAX 512  /* datagrams in flight; more are dropped, as a full socket does */
#define FW_DGRAM_MAX 1500 /* the nodes' physical MTU is 1432 */
#define FW_EPOCH 1700000000000
#define FW_EVENT_KINDS 64
#define FW_RUN_BUDGET 50000 /* deliveries per fw_run call before it calls a storm */

/* An invariant of the code under test: a failure is a finding (libFuzzer reports the trap). */
#define FW_CHECK(cond)                                                                             \
  do {                                                                                             \
    if (!(cond))                                                                                   \
      __builtin_trap();                                                                            \
  } while (0)

/* Test identity i (0 <= i < FW_IDENTITIES) with its secret key, parsed once. */
const ztk_identity *fw_identity(int i);
/* The index of the test identity with this address, or -1. */
int fw_identity_of(ztk_address a);
/* The nodes' identity_known_valid callback: true for the test identities (valid, and skipping
 * the ~25 ms proof of work keeps the targets fast); anything else gets the real check. */
bool fw_known_valid(void *user, const ztk_identity *id);

/* ---- state stores ---- */

typedef struct fw_obj {
  int type;
  uint64_t id;
  uint8_t *data; /* owned */
  size_t len;
} fw_obj;

typedef struct fw_store {
  fw_obj o[FW_STORE_MAX];
  unsigned n;
  size_t bytes;     /* sum of the objects' lengths */
  unsigned refused; /* puts refused because the store was full */
} fw_store;

void fw_store_put(fw_store *s, int type, uint64_t id, const void *data, size_t len);
/* Returns the object's length, or -1 if absent or longer than cap. */
long fw_store_get(const fw_store *s, int type, uint64_t id, void *buf, size_t cap);
/* dst (empty or cleared) becomes a deep copy of src. */
void fw_store_clone(fw_store *dst, const fw_store *src);
void fw_store_clear(fw_store *s);

/* ---- the world ---- */

struct fw_world;

typedef struct fw_host {
  struct fw_world *w;
  int idx;
  int ident;       /* test identity index */
  ztk_node *node;  /* NULL while down */
  ztk_inaddr addr; /* 10.0.<idx+1>.1/9993 */
  fw_store store;
  int64_t deadline;
  bool controller; /* enable the embedded controller on every start */
  bool cut;        /* partitioned: nothing in or out */
  uint64_t events[FW_EVENT_KINDS];
  uint64_t frames; /* frames handed to the host */
  uint64_t echo_replies, user_messages;
} fw_host;

typedef struct fw_dgram {
  int from;
  ztk_inaddr to;
  uint16_t len;
  uint8_t data[FW_DGRAM_MAX];
} fw_dgram;

/* Sees every datagram when it is sent (return false to drop it) and every frame. */
typedef struct fw_taps {
  void *user;
  bool (*wire)(void *user, int from, const ztk_inaddr *to, const uint8_t *data, size_t len);
  void (*frame)(void *user, int host, ztk_nwid nwid, uint64_t src_mac, uint64_t dst_mac,
                uint16_t ethertype, const uint8_t *data, size_t len);
} fw_taps;

typedef struct fw_world {
  fw_host h[FW_MAX_HOSTS];
  int n;
  int64_t now;
  ztk_csprng rng;
  uint8_t planet[ZTK_WORLD_MAX_LEN];
  size_t planet_len;
  fw_dgram *q; /* ring of FW_QUEUE_MAX */
  unsigned qhead, qlen;
  uint64_t sent, delivered, dropped_full, oversize;
  bool storm; /* a fw_run call exhausted its budget */
  fw_taps taps;
} fw_world;

/* Sets up hosts with the given test identities (not started) and a planet whose roots are
 * the first nroots hosts. */
void fw_init(fw_world *w, uint64_t seed, const int *idents, int n, int nroots);
/* Frees the nodes, the stores and the queue. */
void fw_free(fw_world *w);

/* Creates host i's node from its store (no-op if it is up). Returns 0 or the node's error. */
int fw_start(fw_world *w, int i);
/* Frees host i's node; its store stays (a crash with state kept). */
void fw_crash(fw_world *w, int i);

/* Delivers what is in flight and runs due timers, advancing the clock by ms. */
void fw_run(fw_world *w, int64_t ms);
/* A fw_run_until predicate: every running host's node is online (arg unused). */
bool fw_all_online(fw_world *w, void *arg);
/* Runs in 100 ms steps until pred holds or timeout_ms pass; returns pred's last value. */
bool fw_run_until(fw_world *w, bool (*pred)(fw_world *, void *), void *arg, int64_t timeout_ms);

/* Host i's network status for nwid, or -1 if it is down or not joined. */
int fw_net_status(const fw_world *w, int i, uint64_t nwid);

/* An HTTP call to the controller of host ctl (which must be up with its controller on).
 * Returns the HTTP status, or -1 if there is no controller. */
int fw_api(fw_world *w, int ctl, const char *method, const char *path, const char *body);

/* Authorizes or deauthorizes host member on nwid through the controller at host ctl. */
int fw_authorize(fw_world *w, int ctl, uint64_t nwid, int member, bool on);

#endif
