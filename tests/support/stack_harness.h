/* Test support for the stack: hosts on in-memory wires in virtual time, bulk streams with a
 * verifiable byte pattern, and lwIP pool-leak checks. */
#ifndef ZTK_TEST_SUPPORT_STACK_HARNESS_H
#define ZTK_TEST_SUPPORT_STACK_HARNESS_H

#include <stdbool.h>
#include <stdint.h>

#include "stack/env.h"
#include "stack/host.h"
#include "stack/netif.h"
#include "stack/socket.h"
#include "stack/wire.h"

#define SH_MAX_WIRES 8

/* Virtual time of the current test. */
extern int64_t sh_now;

/* Starts a test: deterministic random source, clock at 1000 ms, baseline pool usage. */
void sh_begin(void);

/* Ends a test: frees the listed hosts, then the wires, lets lwIP's timers drain and fails the
 * test if any pool or the heap differs from the baseline. */
void sh_end(ztk_stack_host **hosts, int nhosts, ztk_wire **wires, int nwires);

/* A wire with the given delay (ms), loss probability and seed. */
ztk_wire *sh_wire(int64_t delay_ms, double loss, uint64_t seed);

/* A netif for host h on wire w: network nwid, MAC mac, and up to three addresses given as
 * text ("10.0.0.1/24", "fd00::1/88"; NULL ends the list). */
ztk_stack_netif *sh_netif(ztk_wire *w, ztk_stack_host *h, uint64_t nwid, uint64_t mac,
                          const char *a1, const char *a2, const char *a3);

/* Two hosts a and b, one netif each on one wire (network nwid), set up after sh_begin(). */
typedef struct sh_two {
  ztk_wire *w;
  ztk_stack_host *a, *b;
  ztk_stack_netif *na, *nb;
} sh_two;

/* sh_begin(), a wire (delay_ms, loss, seed 1) and the two hosts: MACs mac_a / mac_b and up to
 * two addresses each (NULL: fewer). */
void sh_two_up(sh_two *t, int64_t delay_ms, double loss, uint64_t nwid, uint64_t mac_a,
               const char *a1, const char *a2, uint64_t mac_b, const char *b1, const char *b2);

/* Frees both hosts and the wire and checks for leaks (sh_end). */
void sh_two_down(sh_two *t);

/* A TCP listener on host h bound to addr ("0.0.0.0/80"). */
ztk_sock *sh_listen(ztk_stack_host *h, const char *addr, int backlog);

/* Parses "10.0.0.1/80" style text into an address (port = number after '/'). */
ztk_inaddr sh_addr(const char *text);

/* Runs the virtual-time loop over wires until done(ctx) returns true (checked after every
 * pump(ctx), which may be NULL) or `ms` of virtual time passed. Returns done(ctx). */
bool sh_run(ztk_wire **wires, int n, int64_t ms, bool (*pump)(void *ctx), bool (*done)(void *ctx),
            void *ctx);

/* Advances virtual time by ms, delivering frames and running timers. */
void sh_advance(ztk_wire **wires, int n, int64_t ms);

/* A one-way byte stream from tx to rx with a deterministic pattern, checked byte by byte. */
typedef struct sh_stream {
  ztk_sock *tx, *rx;
  uint64_t seed;
  uint64_t total;            /* bytes to send */
  uint64_t sent, got;        /* bytes sent / received and verified */
  uint64_t hash_tx, hash_rx; /* a Fletcher-style checksum of the stream, both ends */
  size_t rx_chunk;           /* bytes per recv call (0: 64 KiB) */
  int rx_calls_per_pump;     /* recv calls per pump (0: unlimited) */
  bool close_when_sent;      /* shutdown(WR) after the last byte */
  bool shut, eof, bad;       /* FIN sent / EOF seen / a byte differed */
  int err;                   /* the first error send or recv reported (not ZTK_EAGAIN) */
} sh_stream;

/* Moves data both ways as far as the sockets allow. Returns true if anything moved. */
bool sh_stream_pump(sh_stream *st);

/* Fills buf with the pattern bytes [off, off + len) of seed. */
void sh_pattern(uint64_t seed, uint64_t off, uint8_t *buf, size_t len);

/* Connects a client socket of family fam on host c to server address srv (which must be
 * listening on l, a listener on host s) and returns both ends once established. */
void sh_connect_pair(ztk_wire **wires, int n, ztk_stack_host *c, ztk_sock *l, const char *srv,
                     ztk_sock **client, ztk_sock **server);

/* Two hosts on one wire (delay, loss) exchange `bytes` in each direction at once over one TCP
 * connection, checked byte by byte; prints the virtual and wall time. Fails the test on any
 * difference or if it takes more than limit_ms of virtual time. */
void sh_bulk(uint64_t bytes, int64_t delay_ms, double loss, int64_t limit_ms);

#endif
