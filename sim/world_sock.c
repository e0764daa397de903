/* Sockets of stack hosts (stack/socket.h) behind integer ids, driven in virtual time. Besides
 * plain send/recv, a socket can work by itself from lwIP's wakeups: stream the world's byte
 * pattern, sink (read and check it), or echo. Every call sets lwIP's time first and re-arms
 * the world's stack event afterwards (ztk_sim_stack_enter/leave). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "sim/world.h"
#include "stack/socket.h"
#include "ztkit/error.h"

#define CHUNK 65536
#define PUMP_ROUNDS 1024 /* reads or writes per wakeup; the socket's buffers bound them anyway */

typedef struct ztk_sim_sockrec {
  ztk_sim *s;
  int id;
  ztk_sock *sock; /* NULL once closed or dead */
  ztk_sim_sock_info info;
  uint64_t rx_off;                 /* SINK: pattern offset of the next byte */
  uint64_t stream_total, stream_sent;
  bool streaming, stream_close, shut_sent;
  bool listener;
  bool queued; /* waiting in the world's pump queue */
  struct ztk_sim_sockrec *qnext;
  uint8_t *pend;                   /* ECHO: bytes read, not yet sent back */
  size_t pend_len, pend_off;
} ztk_sim_sockrec;

/* ---- the pattern: byte i of every stream is a function of i only ---- */

static uint64_t mix(uint64_t z)
{
  z += 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static void pattern(uint64_t off, uint8_t *buf, size_t len)
{
  for (size_t i = 0; i < len;) {
    uint64_t k = (off + i) / 8, v = mix(k);
    for (unsigned b = (unsigned)((off + i) % 8); b < 8 && i < len; b++)
      buf[i++] = (uint8_t)(v >> (8 * b));
  }
}

/* Index of the first byte of buf that differs from the pattern at off, or len. */
static size_t pattern_check(uint64_t off, const uint8_t *buf, size_t len)
{
  uint8_t want[256];
  for (size_t i = 0; i < len; i += sizeof want) {
    size_t n = len - i < sizeof want ? len - i : sizeof want;
    pattern(off + i, want, n);
    if (memcmp(want, buf + i, n))
      for (size_t k = 0; k < n; k++)
        if (want[k] != buf[i + k])
          return i + k;
  }
  return len;
}

/* ---- records ---- */

static ztk_sim_sockrec *rec_get(const ztk_sim *s, int id)
{
  return s && id >= 0 && (uint32_t)id < s->nsocks ? ((ztk_sim_sockrec **)s->socks)[id] : NULL;
}

static void trace_sock(ztk_sim_sockrec *r, const char *what, int64_t value)
{
  ztk_trace_printf(r->s->trace, ztk_evq_now_us(r->s->q), "sock s=%d h=%" PRIu32 " %s %" PRId64,
                   r->id, r->info.host, what, value);
}

static void note_error(ztk_sim_sockrec *r, int err)
{
  if (err < 0 && err != ZTK_EAGAIN && !r->info.error) {
    r->info.error = err;
    trace_sock(r, "error", err);
  }
}

static void fill_names(ztk_sim_sockrec *r)
{
  ztk_inaddr a;
  char text[ZTK_INADDR_STRLEN];
  if (r->sock && ztk_sock_name(r->sock, &a) == 0) {
    ztk_inaddr_format(&a, text);
    memcpy(r->info.local, text, ZTK_SIM_TEXT);
  }
  if (r->sock && ztk_sock_peer(r->sock, &a) == 0) {
    ztk_inaddr_format(&a, text);
    memcpy(r->info.remote, text, ZTK_SIM_TEXT);
  }
}

static void wakeup(void *user, ztk_sock *sock, unsigned events);
static void kick(ztk_sim_sockrec *r);

static int rec_new(ztk_sim *s, uint32_t host, ztk_sock *sock, int type, int mode, int parent)
{
  if (s->nsocks == ZTK_SIM_MAX_SOCKETS)
    return ZTK_ELIMIT;
  if (s->nsocks == s->socks_cap) {
    uint32_t cap = s->socks_cap ? s->socks_cap * 2 : 16;
    ztk_sim_sockrec **t = realloc(s->socks, cap * sizeof *t);
    if (!t)
      return ZTK_ENOMEM;
    s->socks = (struct ztk_sim_sockrec *)t;
    s->socks_cap = cap;
  }
  ztk_sim_sockrec *r = calloc(1, sizeof *r);
  if (!r)
    return ZTK_ENOMEM;
  r->s = s;
  r->id = (int)s->nsocks;
  r->sock = sock;
  r->info.host = host;
  r->info.type = type;
  r->info.mode = mode;
  r->info.parent = parent;
  r->info.connected_ms = r->info.eof_ms = r->info.first_rx_ms = r->info.last_rx_ms = -1;
  ((ztk_sim_sockrec **)s->socks)[s->nsocks++] = r;
  ztk_sock_set_wakeup(sock, wakeup, r);
  return r->id;
}

void ztk_sim_sock_host_down(ztk_sim *s, uint32_t host)
{
  for (uint32_t i = 0; i < s->nsocks; i++) {
    ztk_sim_sockrec *r = ((ztk_sim_sockrec **)s->socks)[i];
    if (r->info.host != host || !r->sock)
      continue;
    ztk_sock_set_wakeup(r->sock, NULL, NULL);
    r->sock = NULL; /* freed with the stack host */
    r->info.closed = true;
    r->info.events = 0;
    note_error(r, ZTK_ESOCK_NETDOWN);
  }
}

void ztk_sim_sock_free_all(ztk_sim *s)
{
  for (uint32_t i = 0; i < s->nsocks; i++) {
    ztk_sim_sockrec *r = ((ztk_sim_sockrec **)s->socks)[i];
    free(r->pend);
    free(r);
  }
  free(s->socks);
  s->socks = NULL;
  s->nsocks = s->socks_cap = 0;
}

/* ---- what sockets do by themselves ---- */

static int64_t now_ms(const ztk_sim_sockrec *r) { return ztk_evq_now_ms(r->s->q); }

static void got_bytes(ztk_sim_sockrec *r, size_t n)
{
  r->info.bytes_received += n;
  if (r->info.first_rx_ms < 0)
    r->info.first_rx_ms = now_ms(r);
  r->info.last_rx_ms = now_ms(r);
}

static void got_eof(ztk_sim_sockrec *r)
{
  if (r->info.eof)
    return;
  r->info.eof = true;
  r->info.eof_ms = now_ms(r);
  trace_sock(r, "eof", (int64_t)r->info.bytes_received);
}

static void sink_tcp(ztk_sim_sockrec *r)
{
  for (int i = 0; i < PUMP_ROUNDS && r->sock; i++) {
    long n = ztk_sock_recv(r->sock, r->s->sockbuf, sizeof r->s->sockbuf, 0);
    if (n == 0)
      got_eof(r);
    if (n <= 0) {
      note_error(r, (int)n);
      return;
    }
    size_t bad = pattern_check(r->rx_off, r->s->sockbuf, (size_t)n);
    if (bad < (size_t)n && !r->info.mismatch) {
      r->info.mismatch = true;
      r->info.mismatch_at = r->rx_off + bad;
      trace_sock(r, "mismatch", (int64_t)r->info.mismatch_at);
    }
    r->info.verified += r->info.mismatch ? 0 : (uint64_t)n;
    r->rx_off += (uint64_t)n;
    got_bytes(r, (size_t)n);
  }
}

static void echo_tcp(ztk_sim_sockrec *r)
{
  if (!r->pend && !(r->pend = malloc(CHUNK)))
    return;
  for (int i = 0; i < PUMP_ROUNDS && r->sock; i++) {
    if (r->pend_off == r->pend_len) {
      long n = ztk_sock_recv(r->sock, r->pend, CHUNK, 0);
      if (n == 0)
        got_eof(r);
      if (n <= 0) {
        note_error(r, (int)n);
        break;
      }
      got_bytes(r, (size_t)n);
      r->pend_off = 0;
      r->pend_len = (size_t)n;
    }
    long m = ztk_sock_send(r->sock, r->pend + r->pend_off, r->pend_len - r->pend_off);
    if (m <= 0) {
      note_error(r, (int)m);
      return;
    }
    r->pend_off += (size_t)m;
    r->info.bytes_sent += (uint64_t)m;
  }
  if (r->sock && r->info.eof && r->pend_off == r->pend_len && !r->shut_sent) {
    r->shut_sent = true;
    ztk_sock_shutdown(r->sock, ZTK_SHUT_WR);
  }
}

static void stream_tcp(ztk_sim_sockrec *r)
{
  for (int i = 0; i < PUMP_ROUNDS && r->sock && r->stream_sent < r->stream_total; i++) {
    uint64_t left = r->stream_total - r->stream_sent;
    size_t n = left < sizeof r->s->sockbuf ? (size_t)left : sizeof r->s->sockbuf;
    pattern(r->stream_sent, r->s->sockbuf, n);
    long m = ztk_sock_send(r->sock, r->s->sockbuf, n);
    if (m <= 0) {
      note_error(r, (int)m);
      break;
    }
    r->stream_sent += (uint64_t)m;
    r->info.bytes_sent += (uint64_t)m;
  }
  r->info.stream_left = r->stream_total - r->stream_sent;
  if (r->sock && r->stream_close && !r->info.stream_left && !r->shut_sent) {
    r->shut_sent = true;
    ztk_sock_shutdown(r->sock, ZTK_SHUT_WR);
  }
}

static void udp_auto(ztk_sim_sockrec *r)
{
  ztk_inaddr from;
  for (int i = 0; i < PUMP_ROUNDS && r->sock; i++) {
    long n = ztk_sock_recvfrom(r->sock, r->s->sockbuf, sizeof r->s->sockbuf, &from, 0);
    if (n < 0)
      return;
    r->info.datagrams_received++;
    got_bytes(r, (size_t)n);
    if (r->info.mode == ZTK_SIM_SOCK_ECHO &&
        ztk_sock_sendto(r->sock, r->s->sockbuf, (size_t)n, &from) == n) {
      r->info.datagrams_sent++;
      r->info.bytes_sent += (uint64_t)n;
    }
  }
}

static void accept_all(ztk_sim_sockrec *l)
{
  for (int i = 0; i < PUMP_ROUNDS && l->sock; i++) {
    ztk_sock *c;
    if (ztk_sock_accept(l->sock, &c, NULL))
      return;
    int id = rec_new(l->s, l->info.host, c, ZTK_SIM_TCP, l->info.mode, l->id);
    if (id < 0) {
      ztk_sock_abort(c);
      return;
    }
    l->info.accepted++;
    kick(rec_get(l->s, id));
  }
}

static void track_state(ztk_sim_sockrec *r, unsigned ev)
{
  if (!r->info.connected && (ev & ZTK_SOCK_EV_OUT) && !(ev & ZTK_SOCK_EV_ERR)) {
    r->info.connected = true;
    r->info.connected_ms = now_ms(r);
    fill_names(r);
    trace_sock(r, "connected", r->info.parent);
  }
  if (ev & ZTK_SOCK_EV_ERR) {
    int err = 0;
    if (ztk_sock_getopt(r->sock, ZTK_SO_ERROR, &err) == 0 && err)
      note_error(r, err);
  }
}

static void pump(ztk_sim_sockrec *r)
{
  if (!r->sock)
    return;
  int t = ztk_sock_type_of(r->sock);
  if (t == ZTK_SOCK_DGRAM) {
    if (r->info.mode != ZTK_SIM_SOCK_MANUAL)
      udp_auto(r);
    return;
  }
  if (r->listener) {
    if (r->info.mode != ZTK_SIM_SOCK_MANUAL)
      accept_all(r);
    return;
  }
  track_state(r, ztk_sock_events(r->sock));
  if (!r->info.connected)
    return;
  if (r->info.mode == ZTK_SIM_SOCK_SINK)
    sink_tcp(r);
  else if (r->info.mode == ZTK_SIM_SOCK_ECHO)
    echo_tcp(r);
  if (r->streaming)
    stream_tcp(r);
}

/* Runs r's pump, and every pump asked for meanwhile: a wakeup can come while another socket
 * is being pumped (the socket layer runs them at the end of the outermost stack call, which a
 * pump makes), and pumps share the world's buffer, so they run one after another. */
static void kick(ztk_sim_sockrec *r)
{
  ztk_sim *s = r->s;
  if (!r->queued) {
    r->queued = true;
    r->qnext = NULL;
    if (s->pq_tail)
      s->pq_tail->qnext = r;
    else
      s->pq_head = r;
    s->pq_tail = r;
  }
  if (s->pumping)
    return;
  s->pumping = true;
  for (uint32_t guard = 0; s->pq_head && guard < 16 * ZTK_SIM_MAX_SOCKETS; guard++) {
    ztk_sim_sockrec *p = s->pq_head;
    s->pq_head = p->qnext;
    if (!s->pq_head)
      s->pq_tail = NULL;
    p->queued = false;
    pump(p);
  }
  s->pumping = false;
}

static void wakeup(void *user, ztk_sock *sock, unsigned events)
{
  (void)sock;
  (void)events;
  kick(user);
}

/* ---- the public calls ---- */

static ztk_sim_host *stack_host(ztk_sim *s, uint32_t host, int *err)
{
  ztk_sim_host *h = ztk_sim_host_get(s, host);
  *err = !h ? ZTK_EINVAL : !h->st ? ZTK_ESTATE : 0;
  return *err ? NULL : h;
}

/* addr text + port into an address; any: "" means the family's any address. */
static int parse_addr(const char *text, uint16_t port, ztk_inaddr *a)
{
  if (!text || ztk_inaddr_parse(a, text) || a->port)
    return ZTK_EINVAL;
  a->port = port;
  return 0;
}

/* A new socket on host of the family of addr, bound to it. */
static int open_bound(ztk_sim *s, uint32_t host, ztk_sock_type type, const char *addr,
                      uint16_t port, ztk_sock **out)
{
  int rc;
  ztk_inaddr a;
  ztk_sim_host *h = stack_host(s, host, &rc);
  if (!h)
    return rc;
  if ((rc = parse_addr(addr, port, &a)))
    return rc;
  if ((rc = ztk_sock_new(out, ztk_sim_stack_host(h), a.family, type)))
    return rc;
  if ((rc = ztk_sock_bind(*out, &a))) {
    ztk_sock_close(*out);
    *out = NULL;
  }
  return rc;
}

static bool mode_ok(int mode)
{
  return mode == ZTK_SIM_SOCK_MANUAL || mode == ZTK_SIM_SOCK_SINK || mode == ZTK_SIM_SOCK_ECHO;
}

/* Registers a new socket, or closes it if there is no room. */
static int adopt(ztk_sim *s, uint32_t host, ztk_sock *sock, int type, int mode)
{
  int id = rec_new(s, host, sock, type, mode, -1);
  if (id < 0)
    ztk_sock_close(sock);
  return id;
}

int ztk_sim_tcp_listen(ztk_sim *s, uint32_t host, const char *addr, uint16_t port, int mode)
{
  ztk_sock *l = NULL;
  if (!s || !mode_ok(mode))
    return ZTK_EINVAL;
  ztk_sim_stack_enter(s);
  int rc = open_bound(s, host, ZTK_SOCK_STREAM, addr, port, &l);
  if (!rc && (rc = ztk_sock_listen(l, 0)))
    ztk_sock_close(l);
  if (!rc && (rc = adopt(s, host, l, ZTK_SIM_TCP, mode)) >= 0) {
    ztk_sim_sockrec *r = rec_get(s, rc);
    r->listener = true;
    fill_names(r);
  }
  ztk_sim_stack_leave(s);
  return rc;
}

int ztk_sim_tcp_connect(ztk_sim *s, uint32_t host, const char *ip, uint16_t port, int mode)
{
  ztk_sock *c;
  ztk_inaddr a;
  int rc;
  if (!s || !mode_ok(mode) || !port)
    return ZTK_EINVAL;
  ztk_sim_host *h = stack_host(s, host, &rc);
  if (!h)
    return rc;
  if ((rc = parse_addr(ip, port, &a)))
    return rc;
  ztk_sim_stack_enter(s);
  if (!(rc = ztk_sock_new(&c, ztk_sim_stack_host(h), a.family, ZTK_SOCK_STREAM))) {
    rc = ztk_sock_connect(c, &a);
    if (rc == ZTK_ESOCK_INPROGRESS || rc == 0)
      rc = adopt(s, host, c, ZTK_SIM_TCP, mode);
    else
      ztk_sock_close(c);
  }
  if (rc >= 0) {
    ztk_sim_sockrec *r = rec_get(s, rc);
    char text[ZTK_INADDR_STRLEN];
    ztk_inaddr_format(&a, text);
    memcpy(r->info.remote, text, ZTK_SIM_TEXT);
    trace_sock(r, "connect", port);
  }
  ztk_sim_stack_leave(s);
  return rc;
}

int ztk_sim_tcp_accept(ztk_sim *s, int listener)
{
  ztk_sim_sockrec *l = rec_get(s, listener);
  ztk_sock *c;
  if (!l || !l->listener)
    return ZTK_EINVAL;
  if (!l->sock)
    return ZTK_ESOCK_NETDOWN;
  ztk_sim_stack_enter(s);
  int rc = ztk_sock_accept(l->sock, &c, NULL);
  if (!rc && (rc = rec_new(s, l->info.host, c, ZTK_SIM_TCP, ZTK_SIM_SOCK_MANUAL, l->id)) < 0)
    ztk_sock_abort(c);
  if (rc >= 0) {
    l->info.accepted++;
    kick(rec_get(s, rc));
  }
  ztk_sim_stack_leave(s);
  return rc;
}

int ztk_sim_tcp_accepted(const ztk_sim *s, int listener, int *out, int max)
{
  ztk_sim_sockrec *l = rec_get(s, listener);
  if (!l || max < 0 || (max && !out))
    return ZTK_EINVAL;
  int n = 0;
  for (uint32_t i = 0; i < s->nsocks; i++) {
    const ztk_sim_sockrec *r = ((ztk_sim_sockrec **)s->socks)[i];
    if (r->info.parent != listener)
      continue;
    if (n < max)
      out[n] = r->id;
    n++;
  }
  return n;
}

int ztk_sim_tcp_stream(ztk_sim *s, int sock, uint64_t bytes, bool close_after)
{
  ztk_sim_sockrec *r = rec_get(s, sock);
  if (!r || r->info.type != ZTK_SIM_TCP || r->listener || r->streaming)
    return ZTK_EINVAL;
  if (!r->sock)
    return ZTK_ESOCK_NETDOWN;
  r->streaming = true;
  r->stream_total = bytes;
  r->stream_close = close_after;
  r->info.stream_left = bytes;
  ztk_sim_stack_enter(s);
  kick(r);
  ztk_sim_stack_leave(s);
  return 0;
}

int ztk_sim_udp_bind(ztk_sim *s, uint32_t host, const char *addr, uint16_t port, int mode)
{
  ztk_sock *u = NULL;
  if (!s || !mode_ok(mode))
    return ZTK_EINVAL;
  ztk_sim_stack_enter(s);
  int rc = open_bound(s, host, ZTK_SOCK_DGRAM, addr, port, &u);
  if (!rc && (rc = adopt(s, host, u, ZTK_SIM_UDP, mode)) >= 0) {
    ztk_sock_setopt(u, ZTK_SO_BROADCAST, 1);
    fill_names(rec_get(s, rc));
  }
  ztk_sim_stack_leave(s);
  return rc;
}

/* The live socket of a record of the given type, or NULL with *err. */
static ztk_sim_sockrec *live(ztk_sim *s, int sock, int type, int *err)
{
  ztk_sim_sockrec *r = rec_get(s, sock);
  *err = !r || r->info.type != type || r->listener ? ZTK_EINVAL
                                                     : !r->sock ? ZTK_ESOCK_NETDOWN : 0;
  return *err ? NULL : r;
}

long ztk_sim_send(ztk_sim *s, int sock, const void *data, size_t len)
{
  int err;
  ztk_sim_sockrec *r = live(s, sock, ZTK_SIM_TCP, &err);
  if (!r || (len && !data))
    return r ? ZTK_EINVAL : err;
  ztk_sim_stack_enter(s);
  long n = ztk_sock_send(r->sock, data ? data : "", len);
  if (n > 0)
    r->info.bytes_sent += (uint64_t)n;
  note_error(r, (int)(n < 0 ? n : 0));
  ztk_sim_stack_leave(s);
  return n;
}

long ztk_sim_recv(ztk_sim *s, int sock, void *buf, size_t cap)
{
  int err;
  ztk_sim_sockrec *r = live(s, sock, ZTK_SIM_TCP, &err);
  if (!r || (cap && !buf))
    return r ? ZTK_EINVAL : err;
  ztk_sim_stack_enter(s);
  long n = ztk_sock_recv(r->sock, buf, cap, 0);
  if (n > 0)
    got_bytes(r, (size_t)n);
  else if (n == 0 && cap)
    got_eof(r);
  ztk_sim_stack_leave(s);
  return n;
}

long ztk_sim_sendto(ztk_sim *s, int sock, const char *ip, uint16_t port, const void *data,
                    size_t len)
{
  int err;
  ztk_inaddr to;
  ztk_sim_sockrec *r = live(s, sock, ZTK_SIM_UDP, &err);
  if (!r || (len && !data) || parse_addr(ip, port, &to))
    return r ? ZTK_EINVAL : err;
  ztk_sim_stack_enter(s);
  long n = ztk_sock_sendto(r->sock, data ? data : "", len, &to);
  if (n >= 0) {
    r->info.datagrams_sent++;
    r->info.bytes_sent += (uint64_t)n;
  }
  ztk_sim_stack_leave(s);
  return n;
}

long ztk_sim_recvfrom(ztk_sim *s, int sock, void *buf, size_t cap, char from[ZTK_SIM_TEXT],
                      uint16_t *port)
{
  int err;
  ztk_inaddr a;
  ztk_sim_sockrec *r = live(s, sock, ZTK_SIM_UDP, &err);
  if (!r || (cap && !buf))
    return r ? ZTK_EINVAL : err;
  ztk_sim_stack_enter(s);
  long n = ztk_sock_recvfrom(r->sock, buf, cap, &a, 0);
  ztk_sim_stack_leave(s);
  if (n < 0)
    return n;
  r->info.datagrams_received++;
  got_bytes(r, (size_t)n);
  if (from) {
    char text[ZTK_INADDR_STRLEN];
    ztk_inaddr_format_ip(&a, text);
    memcpy(from, text, ZTK_SIM_TEXT);
  }
  if (port)
    *port = a.port;
  return n;
}

int ztk_sim_close(ztk_sim *s, int sock)
{
  ztk_sim_sockrec *r = rec_get(s, sock);
  if (!r)
    return ZTK_EINVAL;
  if (r->sock) {
    ztk_sim_stack_enter(s);
    fill_names(r);
    ztk_sock_set_wakeup(r->sock, NULL, NULL);
    ztk_sock_close(r->sock);
    r->sock = NULL;
    ztk_sim_stack_leave(s);
  }
  r->info.closed = true;
  r->info.events = 0;
  return 0;
}

int ztk_sim_sock_info_get(const ztk_sim *s, int sock, ztk_sim_sock_info *out)
{
  ztk_sim_sockrec *r = rec_get(s, sock);
  if (!r || !out)
    return ZTK_EINVAL;
  if (r->sock) {
    r->info.events = ztk_sock_events(r->sock);
    r->info.drops = ztk_sock_drops(r->sock);
    fill_names(r);
  }
  *out = r->info;
  return 0;
}
