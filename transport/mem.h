/* The in-process transport backend: loss-free FIFO queues between transports attached to one
 * hub, for unit tests and quick multi-node tests. Deterministic: addresses are looked up in a
 * table sorted by (family, address, port), never by pointer value, and port 0 allocates ports
 * in a fixed order.
 *
 * - bind() owns an exact virtual address: a specific IPv4 or IPv6 address and port (the
 *   unspecified addresses 0.0.0.0 and :: are refused). Port 0 takes the first free port for
 *   that address in ZTK_MEM_PORT_FIRST..65535, scanning on from after the last port the hub
 *   gave out (wrapping). Binding a taken address:port gives ZTK_EEXIST.
 * - send() from socket `sock` (-1: the first of the destination's family) copies the datagram
 *   into the inbox of the transport owning the destination: its FIFO holds at most
 *   inbox_len datagrams; when it is full the datagram is dropped, counted (dropped_full) and
 *   send returns ZTK_EAGAIN. An address nobody owns drops the datagram, counts it
 *   (dropped_unroutable) and returns 0, as UDP does. The ttl is recorded with the datagram
 *   (nothing models hop limits: every datagram arrives).
 * - recv() drains the inbox in FIFO order; a datagram larger than its buffer is dropped and
 *   counted (dropped_truncated). The sender's bound address is `from`.
 * - fd() is absent (-1): poll with ztk_mem_hub_pending().
 * - close() frees the transport, its inbox and its bindings; datagrams it sent that still sit
 *   in other inboxes stay deliverable.
 *
 * Not thread-safe: the hub and its transports belong to one thread. */
#ifndef ZTK_TRANSPORT_MEM_H
#define ZTK_TRANSPORT_MEM_H

#include <stdint.h>

#include "transport/transport.h"

#define ZTK_MEM_INBOX_DEFAULT 1024    /* datagrams per inbox */
#define ZTK_MEM_INBOX_MAX 65536
#define ZTK_MEM_HUB_MAX_TRANSPORTS 4096
#define ZTK_MEM_HUB_MAX_BINDINGS 16384 /* bound addresses over all transports of a hub */
#define ZTK_MEM_PORT_FIRST 49152       /* ports handed out for port 0: 49152..65535 */

typedef struct ztk_mem_hub ztk_mem_hub;

typedef struct ztk_mem_options {
  int inbox_len; /* datagrams each inbox holds: 0 = ZTK_MEM_INBOX_DEFAULT, <= ZTK_MEM_INBOX_MAX */
} ztk_mem_options;

/* Counters of one transport (for its own sends and receives) or of a whole hub (every
 * transport it has had, closed ones included). */
typedef struct ztk_mem_stats {
  uint64_t sent;               /* datagrams delivered into an inbox */
  uint64_t received;           /* datagrams recv() returned */
  uint64_t dropped;            /* the sum of the three counters below */
  uint64_t dropped_unroutable; /* sent to an address nobody owns */
  uint64_t dropped_full;       /* sent to a full inbox (send returned ZTK_EAGAIN) */
  uint64_t dropped_truncated;  /* larger than the buffer recv() offered */
  uint64_t pending;            /* datagrams waiting in the inbox (hub: in all inboxes) */
  int last_ttl;                /* ttl given with the last datagram recv() returned (0 = default) */
} ztk_mem_stats;

/* Creates an empty hub with default options. Returns 0 or one of: ZTK_EINVAL (out NULL),
 * ZTK_ENOMEM. */
int ztk_mem_hub_new(ztk_mem_hub **out);

/* Same with options (NULL = defaults). Returns 0 or one of: ZTK_EINVAL (out NULL or
 * inbox_len out of range), ZTK_ENOMEM. */
int ztk_mem_hub_new_opts(const ztk_mem_options *opts, ztk_mem_hub **out);

/* Closes every transport still attached (their handles become invalid) and frees the hub.
 * NULL is ignored. */
void ztk_mem_hub_free(ztk_mem_hub *hub);

/* Returns how many datagrams wait in the hub's inboxes (0 for NULL): a test loop runs until
 * this is 0. */
uint64_t ztk_mem_hub_pending(const ztk_mem_hub *hub);

/* Copies the hub's counters into *out. Returns 0 or ZTK_EINVAL (NULL argument). */
int ztk_mem_hub_stats(const ztk_mem_hub *hub, ztk_mem_stats *out);

/* Creates a transport attached to hub, with no bound address yet. Returns 0 or one of:
 * ZTK_EINVAL (NULL argument), ZTK_ELIMIT (ZTK_MEM_HUB_MAX_TRANSPORTS attached), ZTK_ENOMEM. */
int ztk_mem_transport_new(ztk_mem_hub *hub, ztk_transport **out);

/* Copies the transport's counters into *out. Returns 0 or ZTK_EINVAL (NULL, or t is not a
 * mem transport). */
int ztk_mem_transport_stats(const ztk_transport *t, ztk_mem_stats *out);

#endif
