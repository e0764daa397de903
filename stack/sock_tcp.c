/* TCP sockets over lwIP's raw API.
 *
 * Receiving: every segment lwIP delivers is copied into the socket's own buffer and the pbuf
 * freed at once; the window reopens (tcp_recved) only as the application reads. So the peer
 * can never send more than the socket holds, no pbuf pool is tied up by slow readers, and a
 * FIN is a flag that cannot be lost. If the copy cannot get memory the callback refuses the
 * data, which lwIP keeps and offers again (still nothing lost).
 *
 * SO_RCVBUF below lwIP's compile-time window: the socket keeps back (TCP_WND - rcvbuf) of the
 * credit for data the application reads ("held"), so the window settles at rcvbuf once that
 * much has been read (a window is never shrunk below its announced edge: the peer may fill
 * TCP_WND first). It is given back when the option grows or before a graceful close (lwIP
 * resets connections whose window is not fully open when closed).
 *
 * Pcb lifetime: while s->pcb is set, lwIP will call tcp_on_err() before freeing the pcb, except
 * in TIME-WAIT and after tcp_close(): the socket lets go of the pcb (tcp_unhook) before either
 * can happen — when both directions are finished, or when the application closes. */
#include <stdlib.h>
#include <string.h>

#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"

#include "stack/env.h"
#include "stack/lwaddr.h"
#include "stack/netif_impl.h"
#include "stack/sock_err.h"
#include "stack/socket_impl.h"
#include "ztkit/error.h"

#define TCP_POLL_HALFSECONDS 2 /* tcp_on_poll every second */
#define TCP_ACQ_CAP 255        /* accept queue ring size (the largest backlog) */
#define TCP_WRITE_CHUNK 0xf000 /* tcp_write takes a u16_t length */

static err_t tcp_on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err);
static err_t tcp_on_sent(void *arg, struct tcp_pcb *pcb, u16_t len);
static void tcp_on_err(void *arg, err_t err);
static err_t tcp_on_poll(void *arg, struct tcp_pcb *pcb);

/* ---- pcb helpers ----------------------------------------------------------------------------- */

static void tcp_hook(ztk_sock *s, struct tcp_pcb *pcb)
{
  tcp_arg(pcb, s);
  tcp_recv(pcb, tcp_on_recv);
  tcp_sent(pcb, tcp_on_sent);
  tcp_err(pcb, tcp_on_err);
  tcp_poll(pcb, tcp_on_poll, TCP_POLL_HALFSECONDS);
}

/* Detaches a connection pcb from its socket: lwIP finishes it alone (tcp_recv_null). */
static void tcp_unhook(struct tcp_pcb *pcb)
{
  tcp_arg(pcb, NULL);
  tcp_recv(pcb, NULL);
  tcp_sent(pcb, NULL);
  tcp_err(pcb, NULL);
  tcp_poll(pcb, NULL, 0);
}

static struct tcp_pcb *tcp_new_pcb(const ztk_sock *s)
{
  struct tcp_pcb *pcb = tcp_new_ip_type(s->family == 4 ? IPADDR_TYPE_V4 : IPADDR_TYPE_V6);
  if (pcb != NULL)
    ip_set_option(pcb, SOF_REUSEADDR); /* lwIP's port checks ignore netifs: ours decide */
  return pcb;
}

/* Gives n bytes of receive window back to the peer. */
static void tcp_recved_big(struct tcp_pcb *pcb, size_t n)
{
  while (n > 0) {
    u16_t k = n > 0xffff ? 0xffff : (u16_t)n;
    tcp_recved(pcb, k);
    n -= k;
  }
}

/* The application consumed n bytes: reopen the window, minus what SO_RCVBUF keeps back. */
static void tcp_credit(ztk_sock *s, size_t n)
{
  if (s->held < s->held_want) {
    size_t take = s->held_want - s->held;
    if (take > n)
      take = n;
    s->held += (uint32_t)take;
    n -= take;
  }
  if (s->pcb != NULL)
    tcp_recved_big(s->pcb, n);
}

/* The window SO_RCVBUF leaves open: never below two segments. lwIP moves the announced right
 * edge only in steps of at least one MSS (receiver-side silly window avoidance); after the
 * reader empties the buffer the edge can move by the window minus what is still announced and
 * unfilled (up to one MSS), so a window under two segments could stay announced as zero for
 * ever and the connection stall. */
static uint32_t tcp_rcv_window(const ztk_sock *s)
{
  return (uint32_t)s->rcvbuf > 2 * TCP_MSS ? (uint32_t)s->rcvbuf : 2 * TCP_MSS;
}

/* After the handshake: how much of the window SO_RCVBUF wants kept back. It is taken from the
 * credit of data the application reads, never by shrinking what was announced (the peer may
 * send up to the announced right edge; lwIP would trim and the sender stall). */
static void tcp_window_setup(ztk_sock *s)
{
  uint32_t max = TCP_WND_MAX(s->pcb), wnd = tcp_rcv_window(s);
  s->held = 0;
  s->held_want = wnd < max ? max - wnd : 0;
}

/* Bytes send() would accept now. */
static long tcp_space(const ztk_sock *s)
{
  const struct tcp_pcb *pcb = s->pcb;
  long queued = (long)TCP_SND_BUF - (long)pcb->snd_buf;
  long room = (long)s->sndbuf - queued;
  if (room > (long)pcb->snd_buf)
    room = (long)pcb->snd_buf;
  if (pcb->snd_queuelen + 4 >= TCP_SND_QUEUELEN)
    room = 0;
  return room > 0 ? room : 0;
}

void ztk_tcp_apply_options(ztk_sock *s)
{
  struct tcp_pcb *pcb = s->pcb;
  for (int i = 0; s->state == ZS_LISTEN && i < s->natt; i++) {
    struct tcp_pcb *l = s->att[i].pcb;
    if (s->keepalive)
      ip_set_option(l, SOF_KEEPALIVE);
    else
      ip_reset_option(l, SOF_KEEPALIVE);
  }
  if (pcb == NULL || s->state == ZS_LISTEN)
    return;
  if (s->nodelay)
    tcp_nagle_disable(pcb);
  else
    tcp_nagle_enable(pcb);
  if (s->keepalive)
    ip_set_option(pcb, SOF_KEEPALIVE);
  else
    ip_reset_option(pcb, SOF_KEEPALIVE);
  pcb->keep_idle = (u32_t)s->keepidle * 1000u;
  pcb->keep_intvl = (u32_t)s->keepintvl * 1000u;
  pcb->keep_cnt = (u32_t)s->keepcnt;
  pcb->ttl = (u8_t)s->ttl;
  pcb->tos = (u8_t)s->tos;
}

int ztk_tcp_set_rcvbuf(ztk_sock *s, int bytes)
{
  s->rcvbuf = bytes;
  if (s->pcb == NULL || s->state != ZS_CONNECTED)
    return 0; /* applied at the handshake */
  uint32_t max = TCP_WND_MAX(s->pcb), wnd = tcp_rcv_window(s);
  s->held_want = wnd < max ? max - wnd : 0;
  if (s->held > s->held_want) {
    uint32_t release = s->held - s->held_want;
    s->held = s->held_want;
    tcp_recved_big(s->pcb, release);
  }
  return 0;
}

/* Lets go of the pcb once both directions are finished: it may enter TIME-WAIT, which lwIP
 * frees without telling anyone. */
static void tcp_maybe_finish(ztk_sock *s)
{
  if (s->pcb == NULL || !s->eof || !s->wr_shut)
    return;
  tcp_unhook(s->pcb);
  s->pcb = NULL;
  s->state = ZS_CLOSED;
}

/* ---- binding, ports -------------------------------------------------------------------------- */

/* True if a TIME-WAIT connection of s's host holds local (port and overlapping address). */
static bool tcp_port_in_timewait(const ztk_sock *s, const ztk_inaddr *local)
{
  static const uint8_t zero[16];
  for (struct tcp_pcb *p = tcp_tw_pcbs; p != NULL; p = p->next) {
    if (p->local_port != local->port)
      continue;
    bool ours = false;
    for (int i = 0; i < s->host->nnetifs && !ours; i++)
      ours = ztk_netif_index(s->host->netifs[i]) == p->netif_idx;
    ztk_inaddr la;
    ztk_lwaddr_to(&la, &p->local_ip, p->local_port);
    if (!ours || la.family != s->family)
      continue;
    if (memcmp(local->ip, zero, sizeof zero) == 0 || ztk_inaddr_ip_eq(&la, local))
      return true;
  }
  return false;
}

int ztk_tcp_bind(ztk_sock *s, const ztk_inaddr *local, struct ztk_stack_netif *nif)
{
  ip_addr_t ip;
  if (local->port != 0 && !s->reuse && tcp_port_in_timewait(s, local))
    return ZTK_ESOCK_ADDRINUSE;
  struct tcp_pcb *pcb = tcp_new_pcb(s);
  if (pcb == NULL)
    return ZTK_ENOMEM;
  ztk_lwaddr_from(&ip, local, nif != NULL ? &nif->lw : NULL);
  if (nif != NULL)
    tcp_bind_netif(pcb, &nif->lw);
  err_t err = tcp_bind(pcb, &ip, local->port);
  if (err != ERR_OK) {
    tcp_close(pcb);
    return ztk_sock_err_from_lwip(err);
  }
  s->pcb = pcb; /* holds the port until listen or connect */
  s->local = *local;
  s->local.port = pcb->local_port;
  s->nif = nif;
  s->state = ZS_BOUND;
  return 0;
}

/* ---- listening ------------------------------------------------------------------------------- */

static err_t tcp_on_accept(void *arg, struct tcp_pcb *newpcb, err_t err);

void ztk_tcp_listen_attach(ztk_sock *s, struct ztk_stack_netif *n)
{
  struct tcp_pcb *pcb = s->pcb;
  ip_addr_t any;
  err_t err = ERR_OK;
  if (pcb != NULL) {
    s->pcb = NULL; /* the port holder becomes the first listening pcb */
  } else {
    if ((pcb = tcp_new_pcb(s)) == NULL)
      return;
    ztk_lwaddr_from(&any, &s->local, NULL);
    err = tcp_bind(pcb, &any, s->local.port);
  }
  tcp_bind_netif(pcb, &n->lw);
  struct tcp_pcb *l = NULL;
  if (err == ERR_OK) {
    ip_reset_option(pcb, SOF_REUSEADDR); /* lwIP's listen-time check ignores netifs */
    l = tcp_listen_with_backlog_and_err(pcb, (u8_t)s->backlog, &err);
  }
  if (l == NULL) {
    tcp_close(pcb);
    return;
  }
  ip_set_option(l, SOF_REUSEADDR);
  tcp_arg(l, s);
  tcp_accept(l, tcp_on_accept);
  if (ztk_sock_att_add(s, n, l) != 0)
    tcp_close(l);
}

void ztk_tcp_listen_detach(ztk_sock *s, ztk_sock_att *a)
{
  tcp_close((struct tcp_pcb *)a->pcb); /* a listening pcb closes at once */
  ztk_sock_att_drop(s, a);
}

int ztk_tcp_listen(ztk_sock *s, int backlog)
{
  if (backlog <= 0 || backlog > TCP_ACQ_CAP)
    backlog = TCP_ACQ_CAP;
  if (s->state == ZS_LISTEN) {
    s->backlog = backlog;
    for (int i = 0; i < s->natt; i++)
      tcp_backlog_set((struct tcp_pcb *)s->att[i].pcb, (u8_t)backlog);
    return 0;
  }
  if (s->state != ZS_BOUND)
    return ZTK_EINVAL;
  s->acq = calloc(TCP_ACQ_CAP, sizeof *s->acq);
  if (s->acq == NULL)
    return ZTK_ENOMEM;
  s->backlog = backlog;
  s->state = ZS_LISTEN;
  if (s->nif != NULL) {
    ztk_tcp_listen_attach(s, s->nif);
  } else {
    for (int i = 0; i < s->host->nnetifs; i++)
      ztk_tcp_listen_attach(s, s->host->netifs[i]);
  }
  if (s->natt == 0 && s->pcb == NULL) {
    free(s->acq);
    s->acq = NULL;
    s->state = ZS_CLOSED;
    return ZTK_ENOMEM;
  }
  ztk_tcp_apply_options(s);
  return 0;
}

static void tcp_child_setup(ztk_sock *c, const ztk_sock *l, struct tcp_pcb *pcb)
{
  c->child = true;
  c->state = ZS_CONNECTED;
  c->pcb = pcb;
  c->reuse = l->reuse;
  c->keepalive = l->keepalive;
  c->nodelay = l->nodelay;
  c->linger = l->linger;
  c->rcvbuf = l->rcvbuf;
  c->sndbuf = l->sndbuf;
  c->keepidle = l->keepidle;
  c->keepintvl = l->keepintvl;
  c->keepcnt = l->keepcnt;
  c->ttl = l->ttl;
  c->tos = l->tos;
  c->nif = ztk_netif_of(netif_get_by_index(pcb->netif_idx));
  ztk_lwaddr_to(&c->local, &pcb->local_ip, pcb->local_port);
  ztk_lwaddr_to(&c->remote, &pcb->remote_ip, pcb->remote_port);
  ip_set_option(pcb, SOF_REUSEADDR);
  tcp_hook(c, pcb);
  ztk_tcp_apply_options(c);
  tcp_window_setup(c);
}

static err_t tcp_on_accept(void *arg, struct tcp_pcb *newpcb, err_t err)
{
  ztk_sock *l = arg;
  ztk_sock *c = NULL;
  int e;
  if (l == NULL || newpcb == NULL || err != ERR_OK)
    return ERR_VAL;
  if (l->acq_len < TCP_ACQ_CAP)
    c = ztk_sock_alloc(l->host, l->family, ZTK_SOCK_STREAM, &e);
  if (c == NULL) {
    tcp_abort(newpcb);
    return ERR_ABRT;
  }
  tcp_child_setup(c, l, newpcb);
  /* keep counting it against the backlog until the application accepts it */
  tcp_backlog_delayed(newpcb);
  c->listener = l;
  l->acq[(l->acq_head + l->acq_len) % TCP_ACQ_CAP] = c;
  l->acq_len++;
  ztk_sock_notify(l);
  return ERR_OK;
}

static void tcp_acq_unlink(ztk_sock *c)
{
  ztk_sock *l = c->listener;
  if (l == NULL)
    return;
  int kept = 0;
  for (int i = 0; i < l->acq_len; i++) {
    ztk_sock *it = l->acq[(l->acq_head + i) % TCP_ACQ_CAP];
    if (it != c)
      l->acq[(l->acq_head + kept++) % TCP_ACQ_CAP] = it;
  }
  l->acq_len = kept;
  c->listener = NULL;
}

int ztk_tcp_accept(ztk_sock *s, ztk_sock **out, ztk_inaddr *peer)
{
  if (s->state != ZS_LISTEN)
    return ZTK_EINVAL;
  if (s->acq_len == 0)
    return ZTK_EAGAIN;
  ztk_sock *c = s->acq[s->acq_head];
  s->acq_head = (s->acq_head + 1) % TCP_ACQ_CAP;
  s->acq_len--;
  c->listener = NULL;
  if (c->pcb != NULL)
    tcp_backlog_accepted(c->pcb);
  if (peer != NULL)
    *peer = c->remote;
  *out = c;
  return 0;
}

/* ---- connecting ------------------------------------------------------------------------------ */

static err_t tcp_on_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
  ztk_sock *s = arg;
  if (s == NULL || err != ERR_OK)
    return ERR_OK;
  s->state = ZS_CONNECTED;
  ztk_lwaddr_to(&s->local, &pcb->local_ip, pcb->local_port);
  tcp_window_setup(s);
  ztk_sock_notify(s);
  return ERR_OK;
}

/* A pcb bound on nif to src:port, hooked to s. Returns NULL and *rc on failure. */
static struct tcp_pcb *tcp_connect_pcb(ztk_sock *s, struct ztk_stack_netif *nif,
                                       const ztk_inaddr *src, int *rc)
{
  ip_addr_t lip;
  struct tcp_pcb *pcb = tcp_new_pcb(s);
  if (pcb == NULL) {
    *rc = ZTK_ENOMEM;
    return NULL;
  }
  ztk_lwaddr_from(&lip, src, &nif->lw);
  tcp_bind_netif(pcb, &nif->lw);
  err_t err = tcp_bind(pcb, &lip, s->local.port);
  if (err != ERR_OK) {
    tcp_close(pcb);
    *rc = ztk_sock_err_from_lwip(err);
    return NULL;
  }
  return pcb;
}

int ztk_tcp_connect(ztk_sock *s, const ztk_inaddr *remote)
{
  struct ztk_stack_netif *nif;
  ztk_inaddr src;
  ip_addr_t rip;
  int rc = 0;
  if (s->state == ZS_CONNECTING)
    return ZTK_ESOCK_ALREADY;
  if (s->state == ZS_CONNECTED || s->state == ZS_CLOSED)
    return ZTK_ESOCK_ISCONN;
  if (s->state == ZS_LISTEN)
    return ZTK_EINVAL;
  if ((rc = ztk_sock_pick_netif(s, remote, &nif)) != 0)
    return rc;
  if (s->nif != NULL)
    src = s->local;
  else if ((rc = ztk_netif_source_for(nif, remote, &src)) != 0)
    return rc;
  if (s->pcb != NULL) { /* the port holder makes way for the connection's pcb */
    tcp_close(s->pcb);
    s->pcb = NULL;
  }
  struct tcp_pcb *pcb = tcp_connect_pcb(s, nif, &src, &rc);
  if (pcb == NULL)
    return rc;
  ztk_lwaddr_from(&rip, remote, &nif->lw);
  err_t err = tcp_connect(pcb, &rip, remote->port, tcp_on_connected);
  if (err != ERR_OK) {
    tcp_close(pcb);
    return ztk_sock_err_from_lwip(err);
  }
  tcp_hook(s, pcb);
  s->pcb = pcb;
  s->nif = nif;
  s->remote = *remote;
  s->local = src;
  s->local.port = pcb->local_port;
  s->state = ZS_CONNECTING;
  ztk_tcp_apply_options(s);
  return ZTK_ESOCK_INPROGRESS;
}

/* ---- lwIP callbacks -------------------------------------------------------------------------- */

static err_t tcp_on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
  ztk_sock *s = arg;
  if (p == NULL) {
    s->eof = true;
    tcp_maybe_finish(s);
    ztk_sock_notify(s);
    return ERR_OK;
  }
  if (err != ERR_OK || s->rd_shut || s->orphan) {
    tcp_recved_big(pcb, p->tot_len); /* discarded by the application's choice */
    pbuf_free(p);
    return ERR_OK;
  }
  if (ztk_bytebuf_reserve(&s->rx, p->tot_len) != 0)
    return ERR_MEM; /* lwIP keeps the data and offers it again */
  for (struct pbuf *q = p; q != NULL; q = q->next)
    ztk_bytebuf_push(&s->rx, q->payload, q->len);
  pbuf_free(p);
  ztk_sock_notify(s);
  return ERR_OK;
}

/* True once a closed-with-linger connection has had all its data acknowledged. */
static bool tcp_orphan_done(const struct tcp_pcb *pcb)
{
  return pcb->unsent == NULL &&
         (pcb->unacked == NULL || (pcb->unacked->next == NULL && pcb->unacked->len == 0));
}

static void tcp_orphan_release(ztk_sock *s)
{
  if (s->pcb != NULL)
    tcp_unhook(s->pcb);
  s->pcb = NULL;
  ztk_sock_release(s);
}

static err_t tcp_on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
  ztk_sock *s = arg;
  (void)len;
  if (s->orphan) {
    if (tcp_orphan_done(pcb))
      tcp_orphan_release(s);
    return ERR_OK;
  }
  ztk_sock_notify(s);
  return ERR_OK;
}

static err_t tcp_on_poll(void *arg, struct tcp_pcb *pcb)
{
  ztk_sock *s = arg;
  if (!s->orphan)
    return ERR_OK;
  if (tcp_orphan_done(pcb)) {
    tcp_orphan_release(s);
    return ERR_OK;
  }
  if (ztk_stack_now() < s->linger_deadline)
    return ERR_OK;
  tcp_unhook(pcb);
  tcp_abort(pcb); /* linger time is over: reset */
  s->pcb = NULL;
  ztk_sock_release(s);
  return ERR_ABRT;
}

static void tcp_on_err(void *arg, err_t err)
{
  ztk_sock *s = arg;
  int e;
  if (s == NULL)
    return;
  s->pcb = NULL; /* lwIP has freed it */
  if (s->orphan) {
    ztk_sock_release(s);
    return;
  }
  if (err == ERR_CLSD)
    e = 0; /* both sides closed gracefully */
  else if (err == ERR_RST)
    e = s->state == ZS_CONNECTING ? ZTK_ESOCK_REFUSED : ZTK_ESOCK_RESET;
  else if (err == ERR_ABRT)
    e = ZTK_ETIMEDOUT; /* lwIP gives up on retransmissions, SYNs or keepalives */
  else
    e = ztk_sock_err_from_lwip(err);
  s->state = ZS_CLOSED;
  if (e != 0)
    s->err = e;
  ztk_sock_notify(s);
}

/* ---- data ------------------------------------------------------------------------------------ */

/* The pending error, reported once. */
static int tcp_take_err(ztk_sock *s)
{
  int e = s->err;
  s->err = 0;
  return e;
}

long ztk_tcp_send(ztk_sock *s, const void *data, size_t len)
{
  const uint8_t *p = data;
  if (s->err != 0)
    return tcp_take_err(s);
  if (s->state == ZS_CONNECTING)
    return ZTK_EAGAIN;
  if (s->state == ZS_CLOSED || s->wr_shut)
    return ZTK_ESOCK_PIPE;
  if (s->state != ZS_CONNECTED || s->pcb == NULL)
    return ZTK_ESOCK_NOTCONN;
  long room = tcp_space(s);
  size_t n = len < (size_t)room ? len : (size_t)room;
  size_t done = 0;
  while (done < n) {
    size_t k = n - done > TCP_WRITE_CHUNK ? TCP_WRITE_CHUNK : n - done;
    err_t err = tcp_write(s->pcb, p + done, (u16_t)k, TCP_WRITE_FLAG_COPY);
    if (err != ERR_OK) {
      if (done == 0 && err != ERR_MEM)
        return ztk_sock_err_from_lwip(err);
      break;
    }
    done += k;
  }
  if (done == 0)
    return len == 0 ? 0 : ZTK_EAGAIN;
  tcp_output(s->pcb);
  return (long)done;
}

long ztk_tcp_recv(ztk_sock *s, void *buf, size_t cap, int flags)
{
  if (s->state == ZS_NEW || s->state == ZS_BOUND || s->state == ZS_LISTEN)
    return ZTK_ESOCK_NOTCONN;
  if (s->state == ZS_CONNECTING)
    return s->err != 0 ? tcp_take_err(s) : ZTK_EAGAIN;
  if (s->rx.len > 0 && cap > 0) {
    if (flags & ZTK_MSG_PEEK)
      return (long)ztk_bytebuf_peek(&s->rx, buf, cap);
    size_t n = ztk_bytebuf_pop(&s->rx, buf, cap);
    tcp_credit(s, n);
    return (long)n;
  }
  if (s->rx.len > 0)
    return 0; /* cap 0 */
  if (s->err != 0)
    return tcp_take_err(s);
  if (s->eof || s->rd_shut || s->state == ZS_CLOSED)
    return 0;
  return ZTK_EAGAIN;
}

/* Ends the sending direction: a FIN after the queued data, in a segment of its own.
 *
 * lwIP 2.1.3 would set the FIN on the last queued data segment. When the peer's window is
 * smaller than the first unsent segment and nothing is in flight, its persist timer splits that
 * segment (tcp_split_unsent_seg) and leaves the FIN on the first part too: the peer sees the
 * stream end early and the second part's bytes are lost, with a clean EOF. An empty FIN segment
 * is never split. Returns ERR_MEM when that segment cannot be queued now (nothing changed). */
static err_t tcp_fin_alone(struct tcp_pcb *pcb)
{
  enum tcp_state next = pcb->state == ESTABLISHED ? FIN_WAIT_1
                        : pcb->state == CLOSE_WAIT ? LAST_ACK
                                                   : CLOSED;
  if (next == CLOSED)
    return tcp_shutdown(pcb, 0, 1); /* other states: lwIP knows what is left to do */
  err_t err = tcp_enqueue_flags(pcb, TCP_FIN);
  if (err != ERR_OK)
    return err;
  pcb->state = next;
  tcp_output(pcb);
  return ERR_OK;
}

int ztk_tcp_shutdown(ztk_sock *s, int how)
{
  if (s->state != ZS_CONNECTED && s->state != ZS_CLOSED)
    return ZTK_ESOCK_NOTCONN;
  if (how != ZTK_SHUT_WR && !s->rd_shut) {
    s->rd_shut = true;
    tcp_credit(s, ztk_bytebuf_pop(&s->rx, NULL, s->rx.len));
  }
  if (how != ZTK_SHUT_RD && !s->wr_shut) {
    if (s->pcb != NULL) {
      err_t err = tcp_fin_alone(s->pcb);
      if (err != ERR_OK)
        return ztk_sock_err_from_lwip(err); /* ZTK_ENOMEM: nothing changed, may be retried */
    }
    s->wr_shut = true;
  }
  tcp_maybe_finish(s);
  ztk_sock_notify(s);
  return 0;
}

/* ---- closing --------------------------------------------------------------------------------- */

static void tcp_reset_pcb(ztk_sock *s)
{
  if (s->pcb == NULL)
    return;
  tcp_unhook(s->pcb);
  tcp_abort(s->pcb);
  s->pcb = NULL;
}

static void tcp_close_listener(ztk_sock *s)
{
  while (s->natt > 0)
    ztk_tcp_listen_detach(s, &s->att[s->natt - 1]);
  while (s->acq_len > 0) {
    ztk_sock *c = s->acq[s->acq_head];
    tcp_acq_unlink(c);
    tcp_reset_pcb(c);
    ztk_sock_release(c);
  }
}

/* Graceful close of an established connection: FIN after the queued data, or an orphan that
 * keeps watching for SO_LINGER. */
static void tcp_close_graceful(ztk_sock *s)
{
  struct tcp_pcb *pcb = s->pcb;
  tcp_recved_big(pcb, s->held); /* a fully open window, or lwIP would reset */
  s->held = s->held_want = 0;
  if (pcb->refused_data != NULL || pcb->rcv_wnd != TCP_WND_MAX(pcb)) {
    tcp_reset_pcb(s);
    return;
  }
  bool linger = s->linger > 0 && !tcp_orphan_done(pcb);
  if (!linger) {
    tcp_unhook(pcb);
    s->pcb = NULL;
  }
  /* the FIN first (see tcp_fin_alone), then tcp_close only marks the pcb closed by us; without
   * memory for it now, tcp_close queues the FIN itself (with the data, or later) */
  if (!s->wr_shut)
    (void)tcp_fin_alone(pcb);
  if (tcp_close(pcb) != ERR_OK) {
    if (linger)
      tcp_unhook(pcb);
    tcp_abort(pcb);
    s->pcb = NULL;
    return;
  }
  if (linger) {
    s->orphan = true;
    s->linger_deadline = ztk_stack_now() + (int64_t)s->linger * 1000;
  }
}

void ztk_tcp_close(ztk_sock *s, bool reset)
{
  tcp_acq_unlink(s);
  if (s->orphan) { /* host teardown of a lingering connection */
    tcp_reset_pcb(s);
    return;
  }
  switch (s->state) {
  case ZS_LISTEN:
    tcp_close_listener(s);
    break;
  case ZS_CONNECTED:
    if (s->pcb == NULL)
      break;
    if (reset || s->linger == 0 || s->rx.len > 0)
      tcp_reset_pcb(s);
    else
      tcp_close_graceful(s);
    break;
  case ZS_CONNECTING:
    tcp_reset_pcb(s);
    break;
  default:
    break;
  }
  if (s->pcb != NULL && !s->orphan) { /* a port holder */
    tcp_close(s->pcb);
    s->pcb = NULL;
  }
}

void ztk_tcp_netdown(ztk_sock *s)
{
  if (s->state == ZS_LISTEN)
    tcp_close_listener(s);
  else
    tcp_reset_pcb(s);
  s->state = ZS_CLOSED;
}

/* ---- readiness ------------------------------------------------------------------------------- */

unsigned ztk_tcp_events(const ztk_sock *s)
{
  unsigned ev = s->err != 0 ? ZTK_SOCK_EV_ERR : 0;
  switch (s->state) {
  case ZS_LISTEN:
    return ev | (s->acq_len > 0 ? ZTK_SOCK_EV_IN : 0);
  case ZS_CONNECTED:
    if (s->rx.len > 0 || s->eof || s->rd_shut)
      ev |= ZTK_SOCK_EV_IN;
    if (s->eof)
      ev |= ZTK_SOCK_EV_RDHUP;
    if (s->pcb != NULL && !s->wr_shut) {
      long want = (long)tcp_mss(s->pcb) < s->sndbuf ? (long)tcp_mss(s->pcb) : s->sndbuf;
      if (tcp_space(s) >= want)
        ev |= ZTK_SOCK_EV_OUT;
    }
    return ev;
  case ZS_CLOSED:
    return ev | ZTK_SOCK_EV_IN | ZTK_SOCK_EV_OUT | ZTK_SOCK_EV_HUP |
           (s->eof ? ZTK_SOCK_EV_RDHUP : 0);
  default:
    return ev;
  }
}

long ztk_tcp_outq(const ztk_sock *s)
{
  if (s->pcb == NULL || s->state == ZS_LISTEN || s->state == ZS_BOUND)
    return 0;
  return (long)TCP_SND_BUF - (long)s->pcb->snd_buf;
}

void ztk_tcp_purge_netif(uint8_t netif_index)
{
  for (int l = 0; l < 2; l++) {
    struct tcp_pcb *next;
    for (struct tcp_pcb *pcb = l == 0 ? tcp_active_pcbs : tcp_tw_pcbs; pcb != NULL; pcb = next) {
      next = pcb->next;
      if (pcb->netif_idx == netif_index) {
        tcp_unhook(pcb);
        tcp_abort(pcb);
      }
    }
  }
}
