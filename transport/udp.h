/* The real-UDP transport backend: non-blocking IPv4 and IPv6 sockets, batched receive
 * (recvmmsg) and, with a send queue, batched send (sendmmsg). Linux only.
 *
 * - bind() opens one socket per call (at most ZTK_TRANSPORT_MAX_SOCKETS). IPv6 sockets are
 *   always IPV6_V6ONLY, so "0.0.0.0:p" and "[::]:p" can both be bound on the same port p.
 *   Sockets get large buffers (SO_RCVBUFFORCE/SO_SNDBUFFORCE when permitted, else
 *   SO_RCVBUF/SO_SNDBUF, which the kernel clamps silently) and path-MTU discovery off, so
 *   datagrams larger than a link's MTU are fragmented rather than refused.
 * - send() with sock -1 uses the first bound socket of the destination's family. ttl > 0 is
 *   sent as per-datagram ancillary data (IP_TTL / IPV6_HOPLIMIT), so the socket's default is
 *   never changed and queued datagrams keep their own TTL.
 * - With options.send_queue > 0, send() copies datagrams of up to ZTK_UDP_SLOT_BYTES into a
 *   bounded queue and ztk_transport_flush() hands them to the kernel with sendmmsg (send()
 *   also flushes when the queue is full). Larger datagrams flush the queue and go at once.
 *   Errors the kernel reports for one queued datagram drop that datagram and are counted in
 *   ztk_udp_stats (send_errors, last_errno); they are not returned by flush. close() makes
 *   one flush attempt; what the kernel will not take then is lost.
 * - recv() drains the sockets in turn (the starting socket rotates between calls) with
 *   recvmmsg. A datagram larger than its buffer is dropped and counted (truncated); to keep
 *   the received ones at the front of out[], recv may exchange the data/cap pairs of entries
 *   of out[] (every buffer the caller passed stays in the array).
 * - fd() is an epoll descriptor over every bound socket (level-triggered): it polls readable
 *   while any socket has a datagram waiting.
 * - Socket errors map to: EADDRINUSE -> ZTK_EEXIST, EAGAIN/EWOULDBLOCK/ENOBUFS ->
 *   ZTK_EAGAIN, EAFNOSUPPORT -> ZTK_EUNSUPPORTED, EADDRNOTAVAIL -> ZTK_ENOTFOUND,
 *   EMSGSIZE -> ZTK_ERANGE, ENOMEM -> ZTK_ENOMEM, EMFILE/ENFILE -> ZTK_ELIMIT,
 *   EINVAL -> ZTK_EINVAL, anything else -> ZTK_ESOCK (errno kept in stats.last_errno).
 *
 * Not thread-safe: one thread owns a transport. */
#ifndef ZTK_TRANSPORT_UDP_H
#define ZTK_TRANSPORT_UDP_H

#include <stdint.h>

#include "transport/transport.h"

/* Bytes asked for SO_RCVBUF (privileged: beyond net.core.rmem_max). The receive buffer holds
 * what peers' TCP windows put in flight while the receiving thread is off the CPU: 8 streams
 * (1 MiB windows) overflowed 4 MiB on loopback (hundreds of drops per 128 MiB, a third of the
 * throughput after lwIP's loss recovery); about 2.5 KiB of kernel memory per datagram. */
#define ZTK_UDP_RCVBUF_DEFAULT (16 << 20)
#define ZTK_UDP_SNDBUF_DEFAULT (4 << 20) /* bytes asked for SO_SNDBUF */
#define ZTK_UDP_RECV_BATCH_DEFAULT 64    /* datagrams per recvmmsg call */
#define ZTK_UDP_BATCH_MAX 1024           /* the kernel's limit per recvmmsg/sendmmsg call */
#define ZTK_UDP_SLOT_BYTES 2048          /* largest datagram the send queue copies */

typedef struct ztk_udp_options {
  int rcvbuf;     /* socket receive buffer in bytes: 0 = ZTK_UDP_RCVBUF_DEFAULT, < 0 = kernel's */
  int sndbuf;     /* socket send buffer, likewise */
  int recv_batch; /* datagrams per recvmmsg call: 0 = default, at most ZTK_UDP_BATCH_MAX */
  int send_queue; /* datagrams send() may queue: 0 = none (send at once), <= ZTK_UDP_BATCH_MAX */
} ztk_udp_options;

typedef struct ztk_udp_stats {
  uint64_t sent;        /* datagrams the kernel accepted */
  uint64_t received;    /* datagrams recv() returned */
  uint64_t send_errors; /* queued datagrams the kernel refused (dropped) */
  uint64_t queue_full;  /* send() calls refused with ZTK_EAGAIN */
  uint64_t truncated;   /* received datagrams dropped for not fitting their buffer */
  int queued;           /* datagrams waiting for flush */
  int last_errno;       /* errno of the last failed socket call, 0 if none */
  int rcvbuf;           /* effective SO_RCVBUF of the last bound socket (kernel's figure) */
  int sndbuf;           /* effective SO_SNDBUF of the last bound socket */
} ztk_udp_stats;

/* Creates a udp transport with default options (no send queue). Returns 0 or one of:
 * ZTK_EINVAL (out is NULL), ZTK_ENOMEM, ZTK_ELIMIT / ZTK_ESOCK (no epoll descriptor). */
int ztk_udp_transport_new(ztk_transport **out);

/* Same with options (NULL = defaults). Returns 0 or one of: ZTK_EINVAL (out NULL, or an
 * option out of range), ZTK_ENOMEM, ZTK_ELIMIT / ZTK_ESOCK (no epoll descriptor). */
int ztk_udp_transport_new_opts(const ztk_udp_options *opts, ztk_transport **out);

/* Copies the counters of a udp transport into *out. Returns 0 or ZTK_EINVAL (NULL, or t is
 * not a udp transport). */
int ztk_udp_transport_stats(const ztk_transport *t, ztk_udp_stats *out);

#endif
