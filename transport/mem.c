/* The in-process transport backend (contract in mem.h). */
#include "transport/mem.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "transport/check.h"
#include "ztkit/error.h"

#define PORT_SPAN (65536 - ZTK_MEM_PORT_FIRST)

/* A virtual address in a form with one total order. */
typedef struct mem_key {
  int family;
  uint8_t addr[16];
  uint16_t port;
} mem_key;

typedef struct mem_tp mem_tp;

typedef struct mem_binding {
  mem_key key;
  mem_tp *owner;
  int sock;
} mem_binding;

typedef struct mem_entry {
  int sock; /* the receiver's socket id */
  int ttl;
  struct sockaddr_storage from;
  uint8_t *data;
  size_t len;
} mem_entry;

struct mem_tp {
  ztk_transport base;
  ztk_mem_hub *hub;
  int nsock;
  int families[ZTK_TRANSPORT_MAX_SOCKETS];
  mem_key socks[ZTK_TRANSPORT_MAX_SOCKETS];
  mem_entry *inbox; /* ring of cap entries, grown on demand up to hub->inbox_len */
  int cap, head, count;
  ztk_mem_stats st;
};

struct ztk_mem_hub {
  int inbox_len;
  mem_binding *binds; /* sorted by key */
  int nbind, capbind;
  mem_tp **tps; /* attached transports, in attach order */
  int ntp, captp;
  int next_port; /* offset in the ephemeral range where the next port-0 search starts */
  ztk_mem_stats st;
};

static const ztk_transport_ops mem_ops;

/* ---- addresses ------------------------------------------------------------------------- */

static int key_cmp(const mem_key *a, const mem_key *b)
{
  if (a->family != b->family)
    return a->family < b->family ? -1 : 1;
  int c = memcmp(a->addr, b->addr, sizeof a->addr);
  if (c != 0)
    return c;
  return a->port < b->port ? -1 : a->port > b->port;
}

/* addr must have passed ztk_tp_check_addr (family gives its type). */
static mem_key key_of(const struct sockaddr *addr, int family)
{
  mem_key k = {.family = family};
  if (family == AF_INET) {
    const struct sockaddr_in *a = (const struct sockaddr_in *)addr;
    memcpy(k.addr, &a->sin_addr, 4);
    k.port = ntohs(a->sin_port);
  } else {
    const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)addr;
    memcpy(k.addr, &a->sin6_addr, 16);
    k.port = ntohs(a->sin6_port);
  }
  return k;
}

static void key_to_sockaddr(const mem_key *k, struct sockaddr_storage *out)
{
  memset(out, 0, sizeof *out);
  if (k->family == AF_INET) {
    struct sockaddr_in *a = (struct sockaddr_in *)out;
    a->sin_family = AF_INET;
    memcpy(&a->sin_addr, k->addr, 4);
    a->sin_port = htons(k->port);
  } else {
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)out;
    a->sin6_family = AF_INET6;
    memcpy(&a->sin6_addr, k->addr, 16);
    a->sin6_port = htons(k->port);
  }
}

static int key_unspecified(const mem_key *k)
{
  static const uint8_t zero[16];
  return memcmp(k->addr, zero, sizeof zero) == 0;
}

/* Binary search. Returns the index of key, or -(insertion point) - 1. */
static int hub_find(const ztk_mem_hub *h, const mem_key *k)
{
  int lo = 0, hi = h->nbind;
  while (lo < hi) {
    int mid = lo + (hi - lo) / 2, c = key_cmp(&h->binds[mid].key, k);
    if (c == 0)
      return mid;
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return -lo - 1;
}

/* Returns the capacity an array of cap elements grows to so that it holds need (doubling,
 * at most limit), or ZTK_ELIMIT. */
static int grown_cap(int cap, int need, int limit)
{
  if (need > limit)
    return ZTK_ELIMIT;
  if (need <= cap)
    return cap;
  int n = cap ? cap * 2 : 16;
  return n > limit ? limit : n;
}

/* Gives k the first free port for its address, scanning the ephemeral range from the hub's
 * cursor. Returns 0 or ZTK_ELIMIT (every port of that address taken). */
static int hub_pick_port(ztk_mem_hub *h, mem_key *k)
{
  for (int i = 0; i < PORT_SPAN; i++) {
    int off = (h->next_port + i) % PORT_SPAN;
    k->port = (uint16_t)(ZTK_MEM_PORT_FIRST + off);
    if (hub_find(h, k) < 0) {
      h->next_port = (off + 1) % PORT_SPAN;
      return 0;
    }
  }
  return ZTK_ELIMIT;
}

/* ---- bind / local_addr ----------------------------------------------------------------- */

static int mem_bind(ztk_transport *t, const struct sockaddr *addr, socklen_t len)
{
  mem_tp *m = (mem_tp *)t;
  ztk_mem_hub *h = m->hub;
  int family = ztk_tp_check_addr(addr, len);
  if (family < 0)
    return family;
  mem_key k = key_of(addr, family);
  if (key_unspecified(&k))
    return ZTK_EINVAL;
  if (m->nsock >= ZTK_TRANSPORT_MAX_SOCKETS)
    return ZTK_ELIMIT;
  int rc = k.port == 0 ? hub_pick_port(h, &k) : 0;
  if (rc < 0)
    return rc;
  int at = hub_find(h, &k);
  if (at >= 0)
    return ZTK_EEXIST;
  int cap = grown_cap(h->capbind, h->nbind + 1, ZTK_MEM_HUB_MAX_BINDINGS);
  if (cap < 0)
    return cap;
  if (cap != h->capbind) {
    mem_binding *b = realloc(h->binds, (size_t)cap * sizeof *b);
    if (!b)
      return ZTK_ENOMEM;
    h->binds = b;
    h->capbind = cap;
  }
  at = -at - 1;
  memmove(&h->binds[at + 1], &h->binds[at], (size_t)(h->nbind - at) * sizeof *h->binds);
  h->binds[at] = (mem_binding){.key = k, .owner = m, .sock = m->nsock};
  h->nbind++;
  m->socks[m->nsock] = k;
  m->families[m->nsock] = family;
  return m->nsock++;
}

static int mem_local_addr(const ztk_transport *t, int sock, struct sockaddr_storage *out)
{
  const mem_tp *m = (const mem_tp *)t;
  if (!out || sock < 0 || sock >= m->nsock)
    return ZTK_EINVAL;
  key_to_sockaddr(&m->socks[sock], out);
  return 0;
}

/* ---- send / recv ----------------------------------------------------------------------- */

/* Makes room for one more entry in dst's inbox (the caller checked the hub's limit).
 * Returns 0 or ZTK_ENOMEM. */
static int inbox_reserve(mem_tp *dst)
{
  if (dst->count < dst->cap)
    return 0;
  int cap = dst->cap ? dst->cap * 2 : 16;
  cap = cap > dst->hub->inbox_len ? dst->hub->inbox_len : cap;
  mem_entry *n = malloc((size_t)cap * sizeof *n);
  if (!n)
    return ZTK_ENOMEM;
  for (int i = 0; i < dst->count; i++) /* unwrap the ring in FIFO order */
    n[i] = dst->inbox[(dst->head + i) % dst->cap];
  free(dst->inbox);
  dst->inbox = n;
  dst->cap = cap;
  dst->head = 0;
  return 0;
}

/* Appends a copy of the datagram to dst's inbox. Returns 0 or ZTK_ENOMEM. */
static int inbox_push(mem_tp *dst, int sock, const mem_key *from, const void *data, size_t len,
                      int ttl)
{
  uint8_t *copy = malloc(len ? len : 1);
  if (!copy || inbox_reserve(dst) < 0) {
    free(copy);
    return ZTK_ENOMEM;
  }
  if (len)
    memcpy(copy, data, len);
  mem_entry *e = &dst->inbox[(dst->head + dst->count) % dst->cap];
  *e = (mem_entry){.sock = sock, .ttl = ttl, .data = copy, .len = len};
  key_to_sockaddr(from, &e->from);
  dst->count++;
  dst->hub->st.pending++;
  return 0;
}

static void count_drop(mem_tp *m, uint64_t *mine, uint64_t *hubs)
{
  (*mine)++;
  (*hubs)++;
  m->st.dropped++;
  m->hub->st.dropped++;
}

static int mem_send(ztk_transport *t, int sock, const struct sockaddr *to, socklen_t tolen,
                    const void *data, size_t len, int ttl)
{
  mem_tp *m = (mem_tp *)t;
  ztk_mem_hub *h = m->hub;
  int family = ztk_tp_check_send(to, tolen, data, len, ttl);
  if (family < 0)
    return family;
  sock = ztk_tp_pick_sock(m->families, m->nsock, sock, family);
  if (sock < 0)
    return sock;
  mem_key k = key_of(to, family);
  int at = hub_find(h, &k);
  if (at < 0) {
    count_drop(m, &m->st.dropped_unroutable, &h->st.dropped_unroutable);
    return 0;
  }
  mem_tp *dst = h->binds[at].owner;
  if (dst->count >= h->inbox_len) {
    count_drop(m, &m->st.dropped_full, &h->st.dropped_full);
    return ZTK_EAGAIN;
  }
  int rc = inbox_push(dst, h->binds[at].sock, &m->socks[sock], data, len, ttl);
  if (rc < 0)
    return rc;
  m->st.sent++;
  h->st.sent++;
  return 0;
}

/* Removes the oldest entry of m's inbox into *e. The caller checked count > 0. */
static void inbox_pop(mem_tp *m, mem_entry *e)
{
  *e = m->inbox[m->head];
  m->head = (m->head + 1) % m->cap;
  m->count--;
  m->hub->st.pending--;
}

static int mem_recv(ztk_transport *t, ztk_datagram *out, int max)
{
  mem_tp *m = (mem_tp *)t;
  int ok = ztk_tp_check_recv(out, max);
  if (ok <= 0)
    return ok;
  int n = 0;
  while (n < max && m->count > 0) {
    mem_entry e;
    inbox_pop(m, &e);
    if (e.len > out[n].cap) {
      count_drop(m, &m->st.dropped_truncated, &m->hub->st.dropped_truncated);
    } else {
      if (e.len)
        memcpy(out[n].data, e.data, e.len);
      out[n].len = e.len;
      out[n].sock = e.sock;
      out[n].from = e.from;
      m->st.last_ttl = m->hub->st.last_ttl = e.ttl;
      n++;
    }
    free(e.data);
  }
  m->st.received += (uint64_t)n;
  m->hub->st.received += (uint64_t)n;
  return n;
}

/* ---- lifetime -------------------------------------------------------------------------- */

static void mem_close(ztk_transport *t)
{
  mem_tp *m = (mem_tp *)t;
  ztk_mem_hub *h = m->hub;
  mem_entry e;
  while (m->count > 0) {
    inbox_pop(m, &e);
    free(e.data);
  }
  int w = 0;
  for (int i = 0; i < h->nbind; i++) /* keeps the sorted order */
    if (h->binds[i].owner != m)
      h->binds[w++] = h->binds[i];
  h->nbind = w;
  for (int i = 0; i < h->ntp; i++) {
    if (h->tps[i] == m) {
      memmove(&h->tps[i], &h->tps[i + 1], (size_t)(h->ntp - i - 1) * sizeof *h->tps);
      h->ntp--;
      break;
    }
  }
  free(m->inbox);
  free(m);
}

static const ztk_transport_ops mem_ops = {
  .bind = mem_bind,
  .send = mem_send,
  .recv = mem_recv,
  .fd = NULL,
  .local_addr = mem_local_addr,
  .close = mem_close,
  .flush = NULL,
};

int ztk_mem_transport_new(ztk_mem_hub *hub, ztk_transport **out)
{
  if (!hub || !out)
    return ZTK_EINVAL;
  *out = NULL;
  int cap = grown_cap(hub->captp, hub->ntp + 1, ZTK_MEM_HUB_MAX_TRANSPORTS);
  if (cap < 0)
    return cap;
  if (cap != hub->captp) {
    mem_tp **tps = realloc(hub->tps, (size_t)cap * sizeof *tps);
    if (!tps)
      return ZTK_ENOMEM;
    hub->tps = tps;
    hub->captp = cap;
  }
  mem_tp *m = calloc(1, sizeof *m);
  if (!m)
    return ZTK_ENOMEM;
  m->base = (ztk_transport){.ops = &mem_ops, .kind = "mem"};
  m->hub = hub;
  hub->tps[hub->ntp++] = m;
  *out = &m->base;
  return 0;
}

int ztk_mem_transport_stats(const ztk_transport *t, ztk_mem_stats *out)
{
  if (!t || !out || t->ops != &mem_ops)
    return ZTK_EINVAL;
  const mem_tp *m = (const mem_tp *)t;
  *out = m->st;
  out->pending = (uint64_t)m->count;
  return 0;
}

int ztk_mem_hub_new_opts(const ztk_mem_options *opts, ztk_mem_hub **out)
{
  int len = opts ? opts->inbox_len : 0;
  if (!out || len < 0 || len > ZTK_MEM_INBOX_MAX)
    return ZTK_EINVAL;
  *out = calloc(1, sizeof **out);
  if (!*out)
    return ZTK_ENOMEM;
  (*out)->inbox_len = len ? len : ZTK_MEM_INBOX_DEFAULT;
  return 0;
}

int ztk_mem_hub_new(ztk_mem_hub **out)
{
  return ztk_mem_hub_new_opts(NULL, out);
}

void ztk_mem_hub_free(ztk_mem_hub *hub)
{
  if (!hub)
    return;
  while (hub->ntp > 0) /* each close removes one entry */
    mem_close(&hub->tps[hub->ntp - 1]->base);
  free(hub->binds);
  free(hub->tps);
  free(hub);
}

uint64_t ztk_mem_hub_pending(const ztk_mem_hub *hub)
{
  return hub ? hub->st.pending : 0;
}

int ztk_mem_hub_stats(const ztk_mem_hub *hub, ztk_mem_stats *out)
{
  if (!hub || !out)
    return ZTK_EINVAL;
  *out = hub->st;
  return 0;
}
