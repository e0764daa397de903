/* The "sim" transport backend: transport/transport.h's vtable over one host of the simulated
 * fabric, so a node talks to the simulated network exactly as it talks to real UDP.
 *
 * send() injects a datagram into the fabric at the current virtual time (the first link's
 * stages run at once; TTL is honoured hop by hop, so a TTL-2 probe opens the local NAT and dies
 * at the next router). Datagrams for the host are demultiplexed to bound sockets (exact address
 * first, then a wildcard bind of the same family and port) and queued in the transport's
 * bounded inbox; recv() drains it in arrival order. A full inbox or an unbound port drops the
 * datagram in the fabric (counted as ZTK_DROP_INBOX / ZTK_DROP_NOSOCK). The optional notify
 * callback runs after each datagram lands, so the host layer can wake the node.
 *
 * recv() fills the caller's buffers in order; a datagram larger than the buffer it would go
 * into is dropped (ztk_simtp_truncated counts it) and that buffer is offered to the next one.
 *
 * The transport takes over the host's receive callback. Close it before deleting the fabric.
 * There is no file descriptor (fd() is -1): readiness comes from notify.
 *
 * Internal header: not a stable API. */
#ifndef ZTK_SIM_TRANSPORT_H
#define ZTK_SIM_TRANSPORT_H

#include <stdint.h>

#include "sim/net.h"
#include "transport/transport.h"

#define ZTK_SIMTP_DEFAULT_INBOX 256u               /* datagrams */
#define ZTK_SIMTP_INBOX_BYTES (4u * 1024u * 1024u) /* payload bytes held at most */
#define ZTK_SIMTP_EPHEMERAL_MIN 49152u

/* Called after a datagram lands in t's inbox. */
typedef void (*ztk_simtp_notify_fn)(void *ctx, ztk_transport *t);

/* Creates a transport for host e of n with an inbox of inbox_max datagrams (0: default).
 * notify is OPTIONAL. Returns 0 or one of: ZTK_EINVAL (e is not a host), ZTK_EEXIST (the host
 * already has a receive callback, e.g. another transport), ZTK_ENOMEM. */
int ztk_simtp_new(ztk_transport **out, ztk_net *n, uint32_t e, uint32_t inbox_max,
                  ztk_simtp_notify_fn notify, void *ctx);

/* The fabric host behind a sim transport (ZTK_NET_NONE for other backends). */
uint32_t ztk_simtp_host(const ztk_transport *t);

/* Datagrams waiting in the inbox (0 for other backends). */
uint32_t ztk_simtp_pending(const ztk_transport *t);

/* Datagrams recv() dropped because the caller's buffer was too small (0 for other backends). */
uint64_t ztk_simtp_truncated(const ztk_transport *t);

#endif
