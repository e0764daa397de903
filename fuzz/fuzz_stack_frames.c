/* Stateful fuzz target for the stack: a stream of Ethernet frames (IPv4, ARP, IPv6; unicast,
 * broadcast, multicast), time steps and application actions against one host that listens on
 * TCP and UDP and pings. Checksum verification is off on the netif (ZeroTier authenticates
 * frames anyway), so the fuzzer reaches TCP state machines, reassembly and ND. Every input
 * must leave lwIP's pools and heap exactly as it found them.
 *
 * Input: records of [op][len hi][len lo][len bytes]; op & 7 selects: 0 IPv4 frame, 1 ARP
 * frame, 2 IPv6 frame, 3 advance time by len * 10 ms, 4 application round (accept, read,
 * answer, maybe close), 5 IPv4 to broadcast, 6 IPv6 to a multicast MAC, 7 send a UDP datagram
 * and a ping. Seeds: fuzz/make_stack_seeds.py. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stack/env.h"
#include "stack/netif.h"
#include "stack/socket.h"

#define FZ_MAC 0x32000000f001ull
#define FZ_PEER 0x32000000f002ull
#define FZ_NWID 0x8056c2e21c0000f1ull
#define FZ_MAX_ACCEPTED 16

typedef struct fz {
  ztk_stack_host *h;
  ztk_stack_netif *n;
  ztk_sock *l4, *l6, *u, *ping;
  ztk_sock *acc[FZ_MAX_ACCEPTED];
  int nacc;
  int64_t now;
} fz;

static void fz_frame_out(void *user, uint64_t nwid, uint64_t src, uint64_t dst, uint16_t type,
                         uint16_t vlan, const void *data, size_t len)
{
  (void)user;
  (void)nwid;
  (void)src;
  (void)dst;
  (void)type;
  (void)vlan;
  (void)data;
  (void)len;
}

static void fz_random(void *user, void *buf, size_t len)
{
  memset(buf, 0x5a, len);
  (void)user;
}

static void fz_addr(ztk_stack_netif *n, const char *text)
{
  ztk_inaddr a;
  if (ztk_inaddr_parse(&a, text) != 0 || ztk_stack_netif_add_addr(n, &a) != 0)
    abort();
}

static ztk_sock *fz_sock(ztk_stack_host *h, int family, ztk_sock_type type, const char *bind)
{
  ztk_sock *s;
  ztk_inaddr a;
  if (ztk_sock_new(&s, h, family, type) != 0)
    abort();
  if (bind != NULL && (ztk_inaddr_parse(&a, bind) != 0 || ztk_sock_bind(s, &a) != 0))
    abort();
  return s;
}

static void fz_up(fz *f)
{
  static const ztk_stack_netif_callbacks cb = {fz_frame_out, NULL};
  ztk_stack_netif_config cfg = {.nwid = FZ_NWID, .mac = FZ_MAC, .skip_rx_checksums = true};
  memset(f, 0, sizeof *f);
  f->now = ztk_stack_now() + 1000;
  ztk_stack_set_now(f->now);
  if (ztk_stack_host_new(&f->h, NULL) != 0 || ztk_stack_netif_new(&f->n, f->h, &cfg, &cb, f))
    abort();
  fz_addr(f->n, "10.0.0.1/24");
  fz_addr(f->n, "fd00::1/64");
  fz_addr(f->n, "fd80:56c2:e21c:0:f199:9332:0:f001/88");
  f->l4 = fz_sock(f->h, 4, ZTK_SOCK_STREAM, "0.0.0.0/80");
  f->l6 = fz_sock(f->h, 6, ZTK_SOCK_STREAM, "::/80");
  if (ztk_sock_listen(f->l4, 4) != 0 || ztk_sock_listen(f->l6, 4) != 0)
    abort();
  f->u = fz_sock(f->h, 4, ZTK_SOCK_DGRAM, "0.0.0.0/53");
  f->ping = fz_sock(f->h, 4, ZTK_SOCK_PING, NULL);
}

/* Accepts, reads and answers; closes a connection now and then. */
static void fz_app(fz *f, uint8_t how)
{
  ztk_sock *s;
  uint8_t buf[512];
  while (f->nacc < FZ_MAX_ACCEPTED &&
         (ztk_sock_accept(f->l4, &s, NULL) == 0 || ztk_sock_accept(f->l6, &s, NULL) == 0))
    f->acc[f->nacc++] = s;
  for (int i = 0; i < f->nacc; i++) {
    long n = ztk_sock_recv(f->acc[i], buf, sizeof buf, 0);
    if (n > 0)
      ztk_sock_send(f->acc[i], buf, (size_t)n);
  }
  ztk_inaddr from;
  long n = ztk_sock_recvfrom(f->u, buf, sizeof buf, &from, 0);
  if (n >= 0)
    ztk_sock_sendto(f->u, buf, (size_t)n, &from);
  ztk_ping_reply r;
  ztk_sock_ping_recv(f->ping, &r);
  if (f->nacc == 0 || !(how & 1))
    return;
  int i = how % f->nacc;
  if (how & 2) {
    ztk_sock_shutdown(f->acc[i], ZTK_SHUT_WR);
    return;
  }
  if (how & 4)
    ztk_sock_abort(f->acc[i]);
  else
    ztk_sock_close(f->acc[i]);
  f->acc[i] = f->acc[--f->nacc];
}

static void fz_advance(fz *f, int64_t ms)
{
  int64_t until = f->now + ms;
  while (f->now < until) {
    int64_t next = ztk_stack_next_deadline();
    f->now = next < until ? (next > f->now ? next : f->now + 1) : until;
    ztk_stack_tick(f->now);
  }
}

static void fz_send(fz *f, const uint8_t *d, size_t len)
{
  ztk_inaddr to;
  ztk_inaddr_parse(&to, "10.0.0.2/53");
  if (len > 0)
    to.ip[3] = d[0];
  ztk_sock_sendto(f->u, d, len, &to);
  ztk_sock_ping_send(f->ping, &to, (uint16_t)len, 8 + len % 64);
}

static void fz_record(fz *f, uint8_t op, const uint8_t *d, size_t len)
{
  switch (op & 7) {
  case 0:
    ztk_stack_netif_input(f->n, FZ_PEER, FZ_MAC, 0x0800, 0, d, len);
    break;
  case 1:
    ztk_stack_netif_input(f->n, FZ_PEER, 0xffffffffffffull, 0x0806, 0, d, len);
    break;
  case 2:
    ztk_stack_netif_input(f->n, FZ_PEER, FZ_MAC, 0x86dd, 0, d, len);
    break;
  case 3:
    fz_advance(f, (int64_t)len * 10);
    break;
  case 4:
    fz_app(f, len > 0 ? d[0] : 0);
    break;
  case 5:
    ztk_stack_netif_input(f->n, FZ_PEER, 0xffffffffffffull, 0x0800, 0, d, len);
    break;
  case 6:
    ztk_stack_netif_input(f->n, FZ_PEER, 0x3333ff000001ull, 0x86dd, 0, d, len);
    break;
  default:
    fz_send(f, d, len);
    break;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static ztk_stack_usage base;
  static int ready;
  ztk_stack_usage now;
  char msg[256];
  fz f;
  if (!ready) {
    ztk_stack_set_random(fz_random, NULL);
    ztk_stack_usage_get(&base);
    ready = 1;
  }
  fz_up(&f);
  for (int records = 0; size >= 3 && records < 256; records++) {
    size_t len = (size_t)data[1] << 8 | data[2];
    uint8_t op = data[0];
    data += 3;
    size -= 3;
    if (len > size)
      len = size;
    fz_record(&f, op, data, len);
    data += len;
    size -= len;
  }
  ztk_stack_host_free(f.h); /* closes every socket, resets connections */
  fz_advance(&f, 120 * 1000);
  ztk_stack_usage_get(&now);
  if (ztk_stack_usage_diff(&base, &now, msg, sizeof msg) != 0) {
    fprintf(stderr, "fuzz_stack_frames: lwIP memory leaked: %s\n", msg);
    abort();
  }
  return 0;
}
