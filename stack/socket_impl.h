/* The socket's layout and the functions the socket modules (socket.c, sock_tcp.c,
 * sock_udp.c, sock_ping.c) and the host/netif/env modules share. Not for use outside stack/. */
#ifndef ZTK_STACK_SOCKET_IMPL_H
#define ZTK_STACK_SOCKET_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "stack/bytebuf.h"
#include "stack/host.h"
#include "stack/socket.h"

struct ztk_stack_netif;
struct tcp_pcb;

enum ztk_sock_state {
  ZS_NEW = 0,    /* no address */
  ZS_BOUND,      /* local address/port chosen */
  ZS_LISTEN,     /* TCP listener */
  ZS_CONNECTING, /* TCP SYN sent */
  ZS_CONNECTED,  /* TCP established (data may still flow after FIN) / UDP connected */
  ZS_CLOSED,     /* TCP connection gone: pcb freed by lwIP or by us */
};

/* One pcb of a socket that serves several netifs: a listener or datagram socket bound to any
 * address has one per netif of its host. */
typedef struct ztk_sock_att {
  struct ztk_stack_netif *nif;
  void *pcb; /* struct tcp_pcb (listening) / udp_pcb / raw_pcb */
} ztk_sock_att;

/* A received datagram or echo reply. */
typedef struct ztk_sock_dgram {
  struct ztk_sock_dgram *next;
  ztk_inaddr from;
  size_t len;
  int64_t rtt_ms;
  uint16_t seq;
  uint8_t ttl;
  uint8_t data[];
} ztk_sock_dgram;

struct ztk_sock {
  ztk_stack_host *host;
  ztk_sock *next, *prev; /* the host's socket list */
  ztk_sock *pend_next;   /* the host's deferred-wakeup list */
  bool pending;
  uint8_t type, family, state;
  bool child;  /* accepted: shares its listener's port */
  bool orphan; /* closed by the application; lwIP is still delivering (linger) */
  bool rd_shut, wr_shut, eof;
  int err;                     /* pending error: reported once, then gone */
  ztk_inaddr local, remote;    /* remote family 0 when not connected */
  struct ztk_stack_netif *nif; /* the one netif in use; NULL: all of the host's */
  /* options */
  bool reuse, keepalive, broadcast, nodelay;
  int linger; /* -1 off */
  int rcvbuf, sndbuf, rcvqlen;
  int keepidle, keepintvl, keepcnt, ttl, tos;
  ztk_sock_wakeup_fn wake;
  void *wake_user;
  /* TCP */
  struct tcp_pcb *pcb; /* connection, or the bound pcb holding the port */
  ztk_bytebuf rx;
  uint32_t held, held_want; /* receive window kept back for SO_RCVBUF (see sock_tcp.c) */
  ztk_sock **acq;           /* accept queue (listener), backlog entries */
  int acq_head, acq_len, backlog;
  ztk_sock *listener; /* set while waiting in a listener's accept queue */
  int64_t linger_deadline;
  /* listeners, UDP and ping */
  ztk_sock_att *att; /* ZTK_STACK_HOST_MAX_NETIFS entries, allocated on first use */
  int natt;
  ztk_sock_dgram *dq_head, *dq_tail;
  int dq_count;
  size_t dq_bytes;
  uint64_t dq_drops;
  uint16_t ident; /* ping identifier */
};

/* ---- socket.c: common plumbing --------------------------------------------------------------- */

/* Allocates a socket with default options and links it into h. Returns NULL when h is at
 * max_sockets or memory is out (*err says which: ZTK_ELIMIT / ZTK_ENOMEM). */
ztk_sock *ztk_sock_alloc(ztk_stack_host *h, int family, int type, int *err);

/* Unlinks and frees a socket whose pcbs are already released. */
void ztk_sock_release(ztk_sock *s);

/* Queues a deferred wakeup for s (if it has a callback). */
void ztk_sock_notify(ztk_sock *s);

/* Runs the deferred wakeups of h (called by env at the outermost leave). */
void ztk_sock_flush_host(ztk_stack_host *h);

/* Checks that binding (family, addr, port) on h does not clash with another socket of the
 * same type. Returns 0 or ZTK_ESOCK_ADDRINUSE. */
int ztk_sock_port_free(const ztk_sock *s, const ztk_inaddr *addr);

/* The attachment of s for netif n, or NULL. */
ztk_sock_att *ztk_sock_att_find(ztk_sock *s, const struct ztk_stack_netif *n);

/* Records pcb as s's attachment for n. Returns 0 or ZTK_ENOMEM. */
int ztk_sock_att_add(ztk_sock *s, struct ztk_stack_netif *n, void *pcb);

/* Removes attachment a from s (the pcb must already be released). */
void ztk_sock_att_drop(ztk_sock *s, ztk_sock_att *a);

/* Chooses the netif s uses to reach dst: the bound one, else the host's route. Returns 0 or
 * ZTK_ESOCK_NETUNREACH. */
int ztk_sock_pick_netif(const ztk_sock *s, const ztk_inaddr *dst, struct ztk_stack_netif **out);

/* Host and netif events (called by host.c / netif.c inside lwIP). */
void ztk_sock_host_teardown(ztk_stack_host *h);
void ztk_sock_netif_added(ztk_stack_host *h, struct ztk_stack_netif *n);
void ztk_sock_netif_removed(ztk_stack_host *h, struct ztk_stack_netif *n);
void ztk_sock_addr_removed(ztk_stack_host *h, struct ztk_stack_netif *n, const ztk_inaddr *addr);

/* Datagram queue (UDP, ping): append (bounded by SO_RCVQLEN and SO_RCVBUF bytes; returns
 * false and counts a drop when full) and pop. */
bool ztk_sock_dq_push(ztk_sock *s, ztk_sock_dgram *d);
ztk_sock_dgram *ztk_sock_dq_pop(ztk_sock *s);
void ztk_sock_dq_clear(ztk_sock *s);

/* ---- per type (sock_tcp.c, sock_udp.c, sock_ping.c) ------------------------------------------ */

int ztk_tcp_bind(ztk_sock *s, const ztk_inaddr *local, struct ztk_stack_netif *nif);
int ztk_tcp_listen(ztk_sock *s, int backlog);
int ztk_tcp_accept(ztk_sock *s, ztk_sock **out, ztk_inaddr *peer);
int ztk_tcp_connect(ztk_sock *s, const ztk_inaddr *remote);
long ztk_tcp_send(ztk_sock *s, const void *data, size_t len);
long ztk_tcp_recv(ztk_sock *s, void *buf, size_t cap, int flags);
int ztk_tcp_shutdown(ztk_sock *s, int how);
void ztk_tcp_close(ztk_sock *s, bool reset);
unsigned ztk_tcp_events(const ztk_sock *s);
long ztk_tcp_outq(const ztk_sock *s);
void ztk_tcp_apply_options(ztk_sock *s);
int ztk_tcp_set_rcvbuf(ztk_sock *s, int bytes);
/* The connection on netif n (or using address addr, when non-NULL) is gone: fail s. */
void ztk_tcp_netdown(ztk_sock *s);
/* Resets the connections lwIP still runs on a netif that goes away (closed by their sockets
 * already, or in TIME-WAIT): the netif index may be reused by another host. */
void ztk_tcp_purge_netif(uint8_t netif_index);
/* A listener gains / loses netif n. */
void ztk_tcp_listen_attach(ztk_sock *s, struct ztk_stack_netif *n);
void ztk_tcp_listen_detach(ztk_sock *s, ztk_sock_att *a);

int ztk_udp_bind(ztk_sock *s, const ztk_inaddr *local, struct ztk_stack_netif *nif);
int ztk_udp_connect(ztk_sock *s, const ztk_inaddr *remote);
long ztk_udp_sendto(ztk_sock *s, const void *data, size_t len, const ztk_inaddr *to);
void ztk_udp_attach(ztk_sock *s, struct ztk_stack_netif *n);
void ztk_dgram_detach(ztk_sock *s, ztk_sock_att *a);
void ztk_dgram_close(ztk_sock *s);
void ztk_dgram_apply_options(ztk_sock *s);

int ztk_ping_send(ztk_sock *s, const ztk_inaddr *to, uint16_t seq, size_t payload_len);
/* Raw ICMP sockets: one ICMP message to `to`. Returns len or a ZTK_E* code. */
long ztk_raw_sendto(ztk_sock *s, const void *data, size_t len, const ztk_inaddr *to);

#endif
