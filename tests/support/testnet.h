/* A small multi-node test network: ztkit nodes on mem transports of one hub, a planet whose
 * roots are some of them, a manually advanced virtual clock, and per-host records of events
 * and an in-memory state store. Deterministic. */
#ifndef ZTK_TEST_SUPPORT_TESTNET_H
#define ZTK_TEST_SUPPORT_TESTNET_H

#include <stdbool.h>
#include <stdint.h>

#include "core/crypto/csprng.h"
#include "core/util/inaddr.h"
#include "core/world/world.h"
#include "tests/support/frames.h"
#include "transport/transport.h"
#include "ztkit/node.h"

#define TN_MAX_HOSTS 16
#define TN_MAX_STATE 32
#define TN_EVENT_KINDS 64

typedef struct tn_state {
  int type;
  uint64_t id;
  uint8_t *data;
  size_t len;
} tn_state;

struct testnet;

typedef struct tn_host {
  struct testnet *net;
  int idx;
  ztk_node *node;
  ztk_transport *t;
  int sock;
  ztk_inaddr addr;
  int64_t deadline;
  bool up;                       /* false between tn_crash and tn_restart */
  ztk_identity id;
  int events[TN_EVENT_KINDS];    /* count per ztk_event_type */
  ztk_address last_event_peer[TN_EVENT_KINDS];
  uint64_t last_user_type;
  uint8_t last_user[2048];
  size_t last_user_len;
  tn_state state[TN_MAX_STATE];
  int nstate;
  tf_log frames;                 /* frames the node handed to this host */
  const uint8_t *planet;         /* overrides the network's planet when set */
  size_t planet_len;
  bool controller;               /* host runs the embedded controller */
  bool stack;                    /* host has an lwIP stack on its networks (vnic) */
  struct ztk_stack_host *sh;
  struct ztk_vnic *vnic;
  bool responder;                /* joined networks get the core-only responder */
} tn_host;

/* Hook on every datagram as it is sent (before delivery): return false to drop it. */
typedef bool (*tn_wire_hook)(struct testnet *tn, int from_host, const ztk_inaddr *to,
                             const uint8_t *data, size_t len);

typedef struct testnet {
  void *hub; /* ztk_mem_hub */
  tn_host h[TN_MAX_HOSTS];
  int n;
  int64_t now;
  ztk_csprng rng;
  uint8_t planet[ZTK_WORLD_MAX_LEN];
  size_t planet_len;
  tn_wire_hook hook;
  bool trace;
  ztk_identity planet_signer;    /* key pair the planet is signed with */
  ztk_world planet_world;
} testnet;

void tn_init(testnet *tn, uint64_t seed);
void tn_free(testnet *tn);

/* Test identities with secrets: 0..4 from vectors/identities.json, 5..8 from the captures. */
#define TN_IDENTITIES 9
void tn_identity(int i, ztk_identity *out);

/* Reserves host slots for ids (hosts are created by tn_start) and builds the planet whose
 * roots are the first nroots of them. Returns the number of hosts. */
int tn_setup(testnet *tn, const int *identity_idx, int n, int nroots);

/* Creates (or re-creates after tn_crash) the node of host i. */
void tn_start(testnet *tn, int i);
void tn_start_all(testnet *tn);

/* Frees host i's node, keeping its state store and address (a crash with state kept). */
void tn_crash(testnet *tn, int i);

/* Delivers everything in flight and runs due timers, advancing the clock by at most ms. */
void tn_run(testnet *tn, int64_t ms);

/* Runs until pred returns true or timeout_ms of virtual time pass. Returns pred's last value. */
bool tn_run_until(testnet *tn, bool (*pred)(testnet *, void *), void *arg, int64_t timeout_ms);

/* Feeds a raw datagram into host i as if it came from host `from`. */
void tn_inject(testnet *tn, int i, int from, const uint8_t *data, size_t len);

bool tn_all_online(testnet *tn, void *unused);

/* Joins host i to nwid (the responder is turned on if the host asks for it). */
void tn_join(testnet *tn, int i, uint64_t nwid);

/* True when host i has a config for nwid (status OK). */
bool tn_has_config(testnet *tn, int i, uint64_t nwid);

/* Host i's first managed IPv4 address on nwid (host order), or 0. */
uint32_t tn_ipv4(testnet *tn, int i, uint64_t nwid);

/* Host i's MAC on nwid. */
uint64_t tn_mac(testnet *tn, int i, uint64_t nwid);

/* Calls into host i's stack must be bracketed by these (lwIP's clock is the test's). */
void tn_stack_enter(testnet *tn);

/* Sends a frame from host i's virtual interface. */
int tn_frame(testnet *tn, int i, uint64_t nwid, uint64_t dst_mac, uint16_t ethertype,
             const void *data, size_t len);

#endif
