/* Sockets on a ZeroTier node's own TCP/IP stack (lwIP in userspace): TCP, UDP and ICMP echo
 * ("ping") over IPv4 and IPv6, blocking with timeouts or non-blocking, with readiness polling
 * over several sockets. Nothing here touches the host's kernel network stack: addresses are
 * the node's managed addresses on the networks it has joined.
 *
 * A node's stack is a `ztk_netstack`. The production runtime gives one per service
 * (ztk_service_netstack() in ztkit/service.h: real UDP, real clock, threads); the simulator
 * can hand out the same object for its nodes (virtual clock), so programs and tests use one
 * socket API for both. Many netstacks (nodes) live in one process.
 *
 * Timeouts: every call that may wait takes timeout_ms: ZTK_WAIT_FOREVER (-1) waits without
 * limit, 0 never waits (non-blocking: ZTK_EAGAIN when nothing can be done now), > 0 waits at
 * most that long (then ZTK_ETIMEDOUT, or ZTK_EAGAIN for reads and writes). A wait ends as soon
 * as the socket's state changes (no polling loops, no sleeps).
 *
 * Errors are negative ZTK_E* codes (ztkit/error.h); ztk_socket_errno() gives the POSIX errno
 * value for each. When the node stops, its sockets fail with ZTK_ENODE_STOPPED from then on
 * (also calls blocked at that moment); they still have to be closed.
 *
 * Threads: every function is thread-safe. Closing a socket while another thread is blocked in
 * a call on it wakes that call with ZTK_ESOCK_ABORTED; the handle's memory goes when the last
 * such call has returned. */
#ifndef ZTKIT_SOCKET_H
#define ZTKIT_SOCKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "ztkit/error.h"
#include "ztkit/export.h"
#include "ztkit/types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ztk_netstack ztk_netstack;
typedef struct ztk_socket ztk_socket;

#define ZTK_WAIT_FOREVER (-1)

typedef enum ztk_sock_type {
  ZTK_SOCK_STREAM = 1, /* TCP */
  ZTK_SOCK_DGRAM = 2,  /* UDP */
  ZTK_SOCK_PING = 3,   /* ICMP / ICMPv6 echo */
  ZTK_SOCK_RAW = 4,    /* raw ICMP (IPv4) / ICMPv6 (IPv6): sendto writes an ICMP message
                          (IPv4: with its checksum; ICMPv6: the stack computes it), recvfrom
                          reads every ICMP packet of the family the node's netifs receive,
                          IP header included (as lwIP's raw sockets); no connect/send/recv
                          without an address, port ignored */
} ztk_sock_type;

/* Readiness bits (ztk_socket_events, ztk_socket_poll). */
#define ZTK_SOCK_EV_IN 0x01    /* recv/accept/recvfrom would not answer ZTK_EAGAIN */
#define ZTK_SOCK_EV_OUT 0x02   /* send would accept data (at least min(MSS, SO_SNDBUF)) */
#define ZTK_SOCK_EV_ERR 0x04   /* an error is pending (ZTK_SO_ERROR) */
#define ZTK_SOCK_EV_HUP 0x08   /* the connection is gone or closed in both directions */
#define ZTK_SOCK_EV_RDHUP 0x10 /* the peer closed its sending side (FIN received) */

/* recv flags. */
#define ZTK_MSG_PEEK 0x01    /* leave the data queued */
#define ZTK_MSG_WAITALL 0x02 /* TCP, blocking: wait for cap bytes (or end of stream, error,
                                timeout) */

#define ZTK_SHUT_RD 0
#define ZTK_SHUT_WR 1
#define ZTK_SHUT_RDWR 2

typedef enum ztk_sockopt {
  ZTK_SO_REUSEADDR = 1, /* bool: bind even while TIME-WAIT connections hold the port (TCP);
                           share a port (UDP, when every socket on it sets it) */
  ZTK_SO_KEEPALIVE,     /* bool (TCP) */
  ZTK_SO_BROADCAST,     /* bool: allow sending to broadcast addresses (UDP) */
  ZTK_SO_LINGER,        /* -1: off (default); 0: close resets; n > 0: close keeps delivering
                           for n seconds, then resets */
  ZTK_SO_RCVBUF,        /* bytes: TCP receive window (512..1 MiB; it settles there once the
                           first 1 MiB - rcvbuf bytes were read), UDP queued bytes */
  ZTK_SO_SNDBUF,        /* bytes: TCP send buffer (2*MSS..1 MiB) */
  ZTK_SO_RCVQLEN,       /* datagrams queued at most (UDP, ping), 1..4096 */
  ZTK_SO_ERROR,         /* get only: the pending error, cleared by reading it */
  ZTK_SO_TYPE,          /* get only: ztk_sock_type */
  ZTK_TCP_NODELAY,      /* bool: no Nagle */
  ZTK_TCP_KEEPIDLE,     /* seconds before the first keepalive probe */
  ZTK_TCP_KEEPINTVL,    /* seconds between probes */
  ZTK_TCP_KEEPCNT,      /* probes before the connection times out */
  ZTK_IP_TTL,           /* 1..255 (hop limit for IPv6) */
  ZTK_IP_TOS,           /* 0..255 (traffic class for IPv6) */
} ztk_sockopt;

/* ---- the node's addresses ------------------------------------------------------------------ */

/* Waits until the stack holds an address of `family` (AF_INET, AF_INET6, or AF_UNSPEC: any)
 * on network nwid, i.e. until sockets can use it; out (optional) receives the first such
 * address, its port holding the prefix length. Returns 0 or one of: ZTK_ETIMEDOUT,
 * ZTK_ENODE_STOPPED / ZTK_ESTATE (node not running), ZTK_EINVAL. */
ZTK_API int ztk_netstack_wait_address(ztk_netstack *ns, ztk_nwid nwid, int family, int timeout_ms,
                                      struct sockaddr_storage *out);

/* The addresses the stack holds on network nwid (port = prefix length), IPv4 first; fills up
 * to max and returns how many there are, or ZTK_ENODE_STOPPED / ZTK_ESTATE / ZTK_EINVAL. */
ZTK_API int ztk_netstack_addresses(ztk_netstack *ns, ztk_nwid nwid, struct sockaddr_storage *out,
                                   int max);

/* Sockets of this netstack that are open now. */
ZTK_API int ztk_netstack_socket_count(ztk_netstack *ns);

/* ---- name lookups ------------------------------------------------------------------------- */
/* Through lwIP's DNS client, which is one per process: the servers (ZTK_DNS_SERVERS of them,
 * asked in order) and the answer cache are shared by every netstack of the process, and one
 * node's lookups run at a time. Servers are reached over the node's networks. */

#define ZTK_DNS_SERVERS 2

/* Sets server index (addr NULL: clears it; else an AF_INET/AF_INET6 address, port ignored).
 * Returns 0 or one of: ZTK_EINVAL, ZTK_ENODE_STOPPED / ZTK_ESTATE (node not running). */
ZTK_API int ztk_netstack_dns_set_server(ztk_netstack *ns, int index, const struct sockaddr *addr);

/* Server index into out (ss_family AF_UNSPEC when unset). Returns 0 or as above. */
ZTK_API int ztk_netstack_dns_server(ztk_netstack *ns, int index, struct sockaddr_storage *out);

/* Looks up name: family AF_INET (A record), AF_INET6 (AAAA) or AF_UNSPEC (A, else AAAA); a
 * numeric address is answered at once. out receives the first address (port 0). Waits up to
 * timeout_ms. Returns 0 or one of: ZTK_ENOTFOUND (the server answered: no such name or
 * record), ZTK_ETIMEDOUT (no answer: from the servers, or within timeout_ms),
 * ZTK_ESOCK_NETUNREACH (no server set or reachable), ZTK_ESTATE (another node of the process
 * is looking up a name, or this node is not running), ZTK_EINVAL (NULL, empty or longer than
 * 255 bytes), ZTK_ENOMEM, ZTK_ENODE_STOPPED. */
ZTK_API int ztk_netstack_resolve(ztk_netstack *ns, const char *name, int family, int timeout_ms,
                                 struct sockaddr_storage *out);

/* ---- sockets ------------------------------------------------------------------------------- */

/* Opens a socket: family AF_INET or AF_INET6. Returns 0 or one of: ZTK_EINVAL,
 * ZTK_ESOCK_AFNOSUPPORT, ZTK_ELIMIT (too many sockets), ZTK_ENOMEM, ZTK_ENODE_STOPPED,
 * ZTK_ESTATE. *out is the caller's until ztk_socket_close(). */
ZTK_API int ztk_socket_open(ztk_socket **out, ztk_netstack *ns, int family, ztk_sock_type type);

/* Closes and frees the socket (TCP: queued data is still delivered, then FIN; unread received
 * data or SO_LINGER 0 make it a reset). Threads blocked on it wake with ZTK_ESOCK_ABORTED.
 * Returns 0 or ZTK_EINVAL. NULL is allowed (ZTK_EINVAL). */
ZTK_API int ztk_socket_close(ztk_socket *s);

/* Binds a local address (any, or one of the node's; port 0 picks one). Returns 0 or one of:
 * ZTK_EINVAL, ZTK_ESOCK_ADDRNOTAVAIL, ZTK_ESOCK_ADDRINUSE, ZTK_ESOCK_AFNOSUPPORT,
 * ZTK_ENOMEM, ZTK_ENODE_STOPPED. */
ZTK_API int ztk_socket_bind(ztk_socket *s, const struct sockaddr *addr, socklen_t len);

/* TCP: listens (backlog 1..255; 0 or less: 255). Returns 0 or as ztk_socket_bind, or
 * ZTK_ESOCK_OPNOTSUPP. */
ZTK_API int ztk_socket_listen(ztk_socket *s, int backlog);

/* TCP: waits for a connection and returns it as a new socket; peer (optional) receives its
 * address. Returns 0 or one of: ZTK_EAGAIN (timeout_ms 0, none waiting), ZTK_ETIMEDOUT,
 * ZTK_EINVAL (not listening), ZTK_ESOCK_ABORTED, ZTK_ENODE_STOPPED. */
ZTK_API int ztk_socket_accept(ztk_socket *s, ztk_socket **out, struct sockaddr_storage *peer,
                              int timeout_ms);

/* TCP: connects and waits until the handshake completes (returns 0 at that moment), fails
 * (ZTK_ESOCK_REFUSED, ZTK_ESOCK_RESET, ZTK_ETIMEDOUT...) or timeout_ms passes (ZTK_ETIMEDOUT;
 * the attempt is abandoned). timeout_ms 0: starts and returns ZTK_ESOCK_INPROGRESS; the
 * socket turns writable (or gets ZTK_SO_ERROR) when done. UDP: sets the default destination.
 * Other errors: ZTK_EINVAL, ZTK_ESOCK_ALREADY, ZTK_ESOCK_ISCONN, ZTK_ESOCK_NETUNREACH,
 * ZTK_ESOCK_ADDRNOTAVAIL, ZTK_ESOCK_ADDRINUSE, ZTK_ENOMEM, ZTK_ENODE_STOPPED. */
ZTK_API int ztk_socket_connect(ztk_socket *s, const struct sockaddr *addr, socklen_t len,
                               int timeout_ms);

/* TCP: queues data, waiting for buffer space until all of it is queued or timeout_ms passes.
 * Returns the bytes queued (> 0; fewer than len only after a timeout or error), or one of:
 * ZTK_EAGAIN (nothing could be queued in time), ZTK_ESOCK_NOTCONN, ZTK_ESOCK_PIPE,
 * ZTK_ESOCK_RESET, ZTK_EINVAL, ZTK_ENODE_STOPPED. UDP: one datagram to the connected peer. */
ZTK_API long ztk_socket_send(ztk_socket *s, const void *buf, size_t len, int timeout_ms);

/* TCP: waits until data, end of stream or an error; returns the bytes read (0: end of
 * stream) or one of: ZTK_EAGAIN (nothing within timeout_ms), ZTK_ESOCK_NOTCONN,
 * ZTK_ESOCK_RESET, ZTK_EINVAL, ZTK_ENODE_STOPPED. flags: ZTK_MSG_PEEK, ZTK_MSG_WAITALL.
 * UDP/ping: as ztk_socket_recvfrom without the address. */
ZTK_API long ztk_socket_recv(ztk_socket *s, void *buf, size_t cap, int flags, int timeout_ms);

/* UDP: sends one datagram (to NULL: the connected peer). Returns len or one of: ZTK_EINVAL,
 * ZTK_ESOCK_DESTADDRREQ, ZTK_ESOCK_MSGSIZE, ZTK_ESOCK_NETUNREACH, ZTK_ESOCK_ACCES,
 * ZTK_ENOMEM, ZTK_ENODE_STOPPED. */
ZTK_API long ztk_socket_sendto(ztk_socket *s, const void *buf, size_t len,
                               const struct sockaddr *to, socklen_t tolen);

/* UDP: waits for a datagram, copies up to cap bytes (the rest is dropped unless ZTK_MSG_PEEK)
 * and its source into from (optional). Returns the bytes copied or ZTK_EAGAIN, ZTK_EINVAL,
 * ZTK_ENODE_STOPPED. */
ZTK_API long ztk_socket_recvfrom(ztk_socket *s, void *buf, size_t cap, int flags,
                                 struct sockaddr_storage *from, int timeout_ms);

/* TCP half-close (ZTK_SHUT_*). Returns 0 or ZTK_ESOCK_NOTCONN, ZTK_EINVAL, ZTK_ENODE_STOPPED. */
ZTK_API int ztk_socket_shutdown(ztk_socket *s, int how);

/* Local / peer address. Return 0 or ZTK_ESOCK_NOTCONN, ZTK_EINVAL, ZTK_ENODE_STOPPED. */
ZTK_API int ztk_socket_name(ztk_socket *s, struct sockaddr_storage *out);
ZTK_API int ztk_socket_peer(ztk_socket *s, struct sockaddr_storage *out);

/* Options (ztk_sockopt). Return 0 or ZTK_ESOCK_NOPROTOOPT, ZTK_ERANGE, ZTK_EINVAL,
 * ZTK_ENODE_STOPPED. */
ZTK_API int ztk_socket_setopt(ztk_socket *s, ztk_sockopt opt, int value);
ZTK_API int ztk_socket_getopt(ztk_socket *s, ztk_sockopt opt, int *value);

/* Readiness now (ZTK_SOCK_EV_*); a stopped node's sockets show ERR|HUP. */
ZTK_API unsigned ztk_socket_events(ztk_socket *s);

/* Bytes readable now (TCP buffered bytes; UDP: the next datagram's size), or an error. */
ZTK_API long ztk_socket_nread(ztk_socket *s);

/* TCP bytes queued but not yet acknowledged by the peer, or an error. */
ZTK_API long ztk_socket_outq(ztk_socket *s);

typedef struct ztk_pollitem {
  ztk_socket *s;     /* NULL: ignored */
  unsigned events;   /* ZTK_SOCK_EV_IN / ZTK_SOCK_EV_OUT wanted */
  unsigned revents;  /* out: ready bits (ERR, HUP and RDHUP are always reported) */
} ztk_pollitem;

#define ZTK_POLL_MAX 4096

/* Waits until one of the sockets is ready or timeout_ms passes. The sockets must belong to
 * netstacks of one driver (all of one process's runtime, or all of one simulated world).
 * Returns how many items have revents != 0 (0 after the timeout), or ZTK_EINVAL (n outside
 * 0..ZTK_POLL_MAX, mixed drivers). */
ZTK_API int ztk_socket_poll(ztk_pollitem *items, int n, int timeout_ms);

typedef struct ztk_ping_result {
  struct sockaddr_storage from;
  uint16_t seq;
  int64_t rtt_ms; /* from the request's send time */
  uint8_t ttl;    /* the reply's TTL / hop limit */
  size_t len;     /* echoed payload bytes */
} ztk_ping_result;

/* Ping sockets: sends one echo request (payload_len 8..65000). Returns 0 or ZTK_EINVAL,
 * ZTK_ESOCK_OPNOTSUPP, ZTK_ESOCK_NETUNREACH, ZTK_ENOMEM, ZTK_ENODE_STOPPED. */
ZTK_API int ztk_socket_ping_send(ztk_socket *s, const struct sockaddr *to, socklen_t tolen,
                                 uint16_t seq, size_t payload_len);

/* Ping sockets: waits for the next reply. Returns 0 or ZTK_EAGAIN, ZTK_ESOCK_OPNOTSUPP,
 * ZTK_EINVAL, ZTK_ENODE_STOPPED. */
ZTK_API int ztk_socket_ping_recv(ztk_socket *s, ztk_ping_result *out, int timeout_ms);

/* The POSIX errno value for a ZTK_E* code (0 for 0, EIO when nothing fits better). */
ZTK_API int ztk_socket_errno(int err);

#ifdef __cplusplus
}
#endif
#endif
