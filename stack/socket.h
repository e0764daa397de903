/* Native sockets over lwIP's raw API: non-blocking and event-driven. TCP, UDP and ICMP echo
 * ("ping") sockets, IPv4 or IPv6 (one family per socket), each belonging to one host. A
 * socket only ever uses its host's netifs: every pcb is bound to one of them.
 *
 * Nothing blocks and nothing is lost for lack of a queue slot: received TCP data is kept in
 * the socket's own buffer and the receive window only reopens as the application reads
 * (tcp_recved), so the peer can never send more than the socket can hold, and FIN is a flag.
 * Every queue has a bound; a full one answers ZTK_EAGAIN (send) or drops and counts (UDP
 * receive, as UDP may).
 *
 * Readiness: ztk_sock_events() gives ZTK_SOCK_EV_* now; a wakeup callback (optional) hears
 * when they may have changed. Wakeups are deferred to the end of the outermost stack call, so
 * the callback may use this API (a runtime signals condition variables, a simulator marks
 * work). Errors are ZTK_E* codes; ztk_sock_errno() (stack/sock_err.h) gives errno values.
 * Same threading rule as env.h. Internal header (unstable). */
#ifndef ZTK_STACK_SOCKET_H
#define ZTK_STACK_SOCKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/util/inaddr.h"
#include "stack/host.h"
#include "ztkit/socket.h" /* types, readiness bits, flags and options shared with the public API */

typedef struct ztk_sock ztk_sock;

/* Called when a socket's readiness may have changed; events = ztk_sock_events(s) then. */
typedef void (*ztk_sock_wakeup_fn)(void *user, ztk_sock *s, unsigned events);

typedef struct ztk_ping_reply {
  ztk_inaddr from;
  uint16_t seq;
  int64_t rtt_ms; /* stack time now minus the time the request was sent */
  uint8_t ttl;    /* the reply's TTL / hop limit */
  size_t len;     /* echoed payload bytes */
} ztk_ping_reply;

/* Creates a socket on host h; family 4 or 6. Returns 0 or one of: ZTK_EINVAL,
 * ZTK_ESOCK_AFNOSUPPORT, ZTK_ELIMIT (the host's max_sockets), ZTK_ENOMEM, ZTK_ESTATE. */
int ztk_sock_new(ztk_sock **out, ztk_stack_host *h, int family, ztk_sock_type type);

/* Closes and frees the handle (invalid afterwards). TCP: pending data is still delivered and
 * a FIN follows; unread received data or SO_LINGER 0 make it a reset instead. Listeners reset
 * their unaccepted connections. Returns 0, ZTK_EINVAL or ZTK_ESTATE. */
int ztk_sock_close(ztk_sock *s);

/* Like close, but a TCP connection is reset at once. Returns as close. */
int ztk_sock_abort(ztk_sock *s);

/* Binds to a local address: IPv4/IPv6 any (all the host's netifs of this family, present and
 * future) or one of the host's addresses; port 0 picks a free port. Returns 0 or one of:
 * ZTK_EINVAL (bound already, wrong family), ZTK_ESOCK_ADDRNOTAVAIL, ZTK_ESOCK_ADDRINUSE,
 * ZTK_ENOMEM, ZTK_ESTATE. */
int ztk_sock_bind(ztk_sock *s, const ztk_inaddr *local);

/* TCP: listens (binding to any:0 first if unbound); backlog 1..255 bounds connections waiting
 * for accept (0 or more: 255). Returns 0 or one of: ZTK_ESOCK_OPNOTSUPP, ZTK_EINVAL (connected),
 * ZTK_ESOCK_ADDRINUSE, ZTK_ENOMEM, ZTK_ESTATE. */
int ztk_sock_listen(ztk_sock *s, int backlog);

/* TCP: takes one established connection; peer (optional) receives its address. Returns 0 or
 * one of: ZTK_EAGAIN, ZTK_EINVAL (not listening), ZTK_ESTATE. */
int ztk_sock_accept(ztk_sock *s, ztk_sock **out, ztk_inaddr *peer);

/* TCP: starts connecting; the socket turns writable (or gets an error: ZTK_ESOCK_REFUSED,
 * ZTK_ETIMEDOUT, ...) when done. Unbound sockets use the netif whose network (or route)
 * reaches remote. Returns ZTK_ESOCK_INPROGRESS or one of: ZTK_EINVAL, ZTK_ESOCK_ALREADY,
 * ZTK_ESOCK_ISCONN, ZTK_ESOCK_NETUNREACH, ZTK_ESOCK_ADDRNOTAVAIL, ZTK_ESOCK_ADDRINUSE,
 * ZTK_ENOMEM, ZTK_ESTATE. UDP: sets the default destination and the only accepted source;
 * returns 0 or an error as above. Ping: unsupported (ZTK_ESOCK_OPNOTSUPP). */
int ztk_sock_connect(ztk_sock *s, const ztk_inaddr *remote);

/* TCP: queues up to len bytes; returns how many (> 0) or one of: ZTK_EAGAIN (buffer full or
 * still connecting), ZTK_ESOCK_NOTCONN, ZTK_ESOCK_PIPE (shut down or closed), a pending
 * connection error (once), ZTK_EINVAL, ZTK_ESTATE. UDP: sends one datagram to the connected
 * peer (see sendto). */
long ztk_sock_send(ztk_sock *s, const void *data, size_t len);

/* TCP: reads up to cap bytes; returns the count, 0 at end of stream, or one of: ZTK_EAGAIN,
 * ZTK_ESOCK_NOTCONN, a pending connection error (once), ZTK_EINVAL, ZTK_ESTATE. UDP/ping: as
 * recvfrom without the address. */
long ztk_sock_recv(ztk_sock *s, void *buf, size_t cap, int flags);

/* UDP: sends one datagram (to NULL: the connected peer). Returns len or one of: ZTK_EINVAL,
 * ZTK_ESOCK_DESTADDRREQ, ZTK_ESOCK_MSGSIZE (over 65507 bytes), ZTK_ESOCK_NETUNREACH,
 * ZTK_ESOCK_ACCES (broadcast without SO_BROADCAST), ZTK_ENOMEM, ZTK_ESTATE. */
long ztk_sock_sendto(ztk_sock *s, const void *data, size_t len, const ztk_inaddr *to);

/* UDP: takes the oldest datagram, copying up to cap bytes (the rest is discarded unless
 * ZTK_MSG_PEEK); from (optional) receives the source. Returns the bytes copied or ZTK_EAGAIN,
 * ZTK_EINVAL, ZTK_ESTATE. */
long ztk_sock_recvfrom(ztk_sock *s, void *buf, size_t cap, ztk_inaddr *from, int flags);

/* TCP half-close: ZTK_SHUT_WR sends FIN after the queued data; ZTK_SHUT_RD discards what
 * arrives from now on (the peer is not told). Returns 0 or ZTK_ESOCK_NOTCONN, ZTK_EINVAL,
 * ZTK_ESTATE. */
int ztk_sock_shutdown(ztk_sock *s, int how);

/* Local / peer address (port included). Returns 0 or ZTK_ESOCK_NOTCONN (peer of an
 * unconnected socket), ZTK_EINVAL. */
int ztk_sock_name(const ztk_sock *s, ztk_inaddr *out);
int ztk_sock_peer(const ztk_sock *s, ztk_inaddr *out);

/* Options (see ztk_sockopt). Return 0 or ZTK_ESOCK_NOPROTOOPT (not for this socket type),
 * ZTK_ERANGE (value), ZTK_EINVAL, ZTK_ESTATE. */
int ztk_sock_setopt(ztk_sock *s, ztk_sockopt opt, int value);
int ztk_sock_getopt(ztk_sock *s, ztk_sockopt opt, int *value);

/* Readiness now (ZTK_SOCK_EV_*). */
unsigned ztk_sock_events(const ztk_sock *s);

/* Bytes readable now (FIONREAD): TCP buffered bytes; UDP the size of the next datagram. */
long ztk_sock_nread(const ztk_sock *s);

/* TCP bytes sent but not yet acknowledged plus bytes not yet sent (SIOCOUTQ). */
long ztk_sock_outq(const ztk_sock *s);

/* UDP datagrams dropped because the queue was full. */
uint64_t ztk_sock_drops(const ztk_sock *s);

/* Sets (fn NULL: removes) the wakeup callback. */
void ztk_sock_set_wakeup(ztk_sock *s, ztk_sock_wakeup_fn fn, void *user);

ztk_stack_host *ztk_sock_host(const ztk_sock *s);
ztk_sock_type ztk_sock_type_of(const ztk_sock *s);

/* Ping: sends one echo request to `to` with this sequence number and payload_len payload
 * bytes (8..65000; the first 8 carry the send time). Returns 0 or one of: ZTK_EINVAL,
 * ZTK_ESOCK_OPNOTSUPP (not a ping socket), ZTK_ESOCK_NETUNREACH, ZTK_ENOMEM, ZTK_ESTATE. */
int ztk_sock_ping_send(ztk_sock *s, const ztk_inaddr *to, uint16_t seq, size_t payload_len);

/* Ping: takes the oldest reply. Returns 0 or ZTK_EAGAIN, ZTK_ESOCK_OPNOTSUPP, ZTK_EINVAL. */
int ztk_sock_ping_recv(ztk_sock *s, ztk_ping_reply *out);

#endif
