/* The transport vtable: how a node's UDP datagrams leave and arrive. One interface, three
 * backends: udp (real sockets, transport/udp.c), mem (in-process queues, transport/mem.c) and
 * the simulated lossy network (sim/). This room depends on nothing but libc.
 *
 * Ownership: a transport is created by its backend's constructor and owned by the caller until
 * ztk_transport_close(), which frees it. Datagram buffers passed to send() are only read during
 * the call; buffers passed to recv() belong to the caller. */
#ifndef ZTK_TRANSPORT_TRANSPORT_H
#define ZTK_TRANSPORT_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define ZTK_TRANSPORT_MAX_SOCKETS 16
/* Largest datagram send() accepts (UDP over IPv6; IPv4 carries 20 bytes less, and the udp
 * backend lets the kernel refuse those with ZTK_ERANGE). */
#define ZTK_TRANSPORT_MAX_DATAGRAM 65527

/* One received datagram. The caller sets data/cap; recv fills the rest. */
typedef struct ztk_datagram {
  int sock;                      /* local socket id it arrived on */
  struct sockaddr_storage from;  /* remote sender */
  uint8_t *data;                 /* caller's buffer */
  size_t cap;                    /* its capacity */
  size_t len;                    /* bytes received (truncated datagrams are dropped) */
} ztk_datagram;

typedef struct ztk_transport ztk_transport;

typedef struct ztk_transport_ops {
  /* REQUIRED. Binds a local endpoint (port 0 picks one). Returns a local socket id >= 0, or
   * a negative ZTK_E* code. */
  int (*bind)(ztk_transport *t, const struct sockaddr *addr, socklen_t len);
  /* REQUIRED. Sends one datagram from local socket `sock` (-1: any suitable socket). ttl > 0
   * sets the IP TTL / hop limit for this datagram only (NAT-opening probes use 2), 0 keeps
   * the default. A backend with a send queue may hold the datagram until flush (below).
   * Returns 0 or a negative ZTK_E* code (ZTK_EAGAIN when a queue is full). */
  int (*send)(ztk_transport *t, int sock, const struct sockaddr *to, socklen_t tolen,
              const void *data, size_t len, int ttl);
  /* REQUIRED. Receives up to max datagrams without blocking. Returns how many were received
   * (0 when none are waiting) or a negative ZTK_E* code. */
  int (*recv)(ztk_transport *t, ztk_datagram *out, int max);
  /* OPTIONAL. A file descriptor that polls readable when recv() has something, or -1. */
  int (*fd)(const ztk_transport *t);
  /* REQUIRED. The bound address of local socket `sock`. Returns 0 or a negative code. */
  int (*local_addr)(const ztk_transport *t, int sock, struct sockaddr_storage *out);
  /* REQUIRED. Closes every socket and frees the transport. */
  void (*close)(ztk_transport *t);
  /* OPTIONAL (NULL when the backend never queues). Backends may queue sent datagrams to hand
   * them to the network in batches (udp with a send queue, see transport/udp.h); flush hands
   * over everything queued. A caller that owns such a transport flushes after each round of
   * sends. Returns 0 when nothing stays queued, ZTK_EAGAIN when some datagrams must wait for
   * buffer space (flush again when the network drains), or a negative ZTK_E* code. */
  int (*flush)(ztk_transport *t);
} ztk_transport_ops;

/* Every backend's transport struct starts with this header. */
struct ztk_transport {
  const ztk_transport_ops *ops;
  const char *kind; /* "udp", "mem", "sim" */
};

/* Dispatch helpers. */
static inline int ztk_transport_bind(ztk_transport *t, const struct sockaddr *a, socklen_t l)
{
  return t->ops->bind(t, a, l);
}
static inline int ztk_transport_send(ztk_transport *t, int sock, const struct sockaddr *to,
                                     socklen_t tolen, const void *data, size_t len, int ttl)
{
  return t->ops->send(t, sock, to, tolen, data, len, ttl);
}
static inline int ztk_transport_recv(ztk_transport *t, ztk_datagram *out, int max)
{
  return t->ops->recv(t, out, max);
}
static inline int ztk_transport_fd(const ztk_transport *t)
{
  return t->ops->fd ? t->ops->fd(t) : -1;
}
static inline int ztk_transport_local_addr(const ztk_transport *t, int sock,
                                           struct sockaddr_storage *out)
{
  return t->ops->local_addr(t, sock, out);
}
static inline int ztk_transport_flush(ztk_transport *t)
{
  return t->ops->flush ? t->ops->flush(t) : 0;
}
static inline void ztk_transport_close(ztk_transport *t)
{
  if (t)
    t->ops->close(t);
}

#endif
