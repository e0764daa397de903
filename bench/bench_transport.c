/* Transport figures: UDP datagrams/s over IPv4 loopback for 64- and 1400-byte datagrams, one
 * syscall per datagram vs sendmmsg/recvmmsg batches, and the mem transport's datagrams/s.
 * Each figure runs rounds of ROUND sends then drains the receiver, for at most `secs`
 * seconds (argv[1], default 1) and at most MAX_ROUNDS rounds. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench.h"
#include "transport/mem.h"
#include "transport/udp.h"

#define ROUND 256
#define MAX_ROUNDS 200000

typedef struct pair {
  ztk_transport *tx, *rx;
  struct sockaddr_storage to;
  socklen_t tolen;
} pair;

typedef struct result {
  double rate;    /* datagrams received per second */
  uint64_t lost;  /* sent but not received within the round */
} result;

/* Receives up to n datagrams, max per call; stops at the first empty recv. */
static int drain(ztk_transport *rx, ztk_datagram *d, int n, int max)
{
  int got = 0;
  for (int calls = 0; got < n && calls < 2 * n; calls++) {
    int want = n - got < max ? n - got : max;
    int r = ztk_transport_recv(rx, d + got, want);
    if (r <= 0)
      break;
    got += r;
  }
  return got;
}

static result run(pair *p, size_t size, int per_call, double secs)
{
  static uint8_t msg[1500];
  ztk_datagram d[ROUND];
  uint8_t *bufs = malloc((size_t)ROUND * 2048);
  result res = {0};
  if (!bufs)
    return res;
  for (int i = 0; i < ROUND; i++)
    d[i] = (ztk_datagram){.data = bufs + (size_t)i * 2048, .cap = 2048};
  uint64_t received = 0, sent = 0;
  double t0 = bench_now(), el = 0;
  for (int round = 0; round < MAX_ROUNDS && el < secs; round++) {
    for (int i = 0; i < ROUND; i++)
      sent += ztk_transport_send(p->tx, -1, (struct sockaddr *)&p->to, p->tolen, msg, size,
                                 0) == 0;
    (void)ztk_transport_flush(p->tx);
    /* the datagrams a flush could not hand over are counted lost, not retried */
    received += (uint64_t)drain(p->rx, d, ROUND, per_call);
    el = bench_now() - t0;
  }
  res.rate = (double)received / el;
  res.lost = sent - received;
  free(bufs);
  return res;
}

static int udp_pair(pair *p, int batched)
{
  ztk_udp_options o = {.send_queue = batched ? ROUND : 0, .recv_batch = batched ? ROUND : 1};
  struct sockaddr_in lo = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  if (ztk_udp_transport_new_opts(&o, &p->tx) != 0)
    return -1;
  if (ztk_udp_transport_new_opts(&o, &p->rx) != 0) {
    ztk_transport_close(p->tx);
    return -1;
  }
  if (ztk_transport_bind(p->tx, (struct sockaddr *)&lo, sizeof lo) < 0 ||
      ztk_transport_bind(p->rx, (struct sockaddr *)&lo, sizeof lo) < 0 ||
      ztk_transport_local_addr(p->rx, 0, &p->to) != 0) {
    ztk_transport_close(p->tx);
    ztk_transport_close(p->rx);
    return -1;
  }
  p->tolen = sizeof(struct sockaddr_in);
  return 0;
}

static void report(const char *name, result r)
{
  char line[96];
  snprintf(line, sizeof line, "%s (lost %llu)", name, (unsigned long long)r.lost);
  bench_print(line, r.rate, "datagrams/s");
}

static void bench_udp(double secs)
{
  static const size_t sizes[] = {64, 1400};
  for (int s = 0; s < 2; s++) {
    for (int batched = 0; batched < 2; batched++) {
      pair p;
      if (udp_pair(&p, batched) != 0) {
        printf("udp loopback unavailable\n");
        return;
      }
      char name[64];
      snprintf(name, sizeof name, "udp4 %zuB %s", sizes[s], batched ? "batched" : "single");
      report(name, run(&p, sizes[s], batched ? ROUND : 1, secs));
      ztk_transport_close(p.tx);
      ztk_transport_close(p.rx);
    }
  }
}

static void bench_mem(double secs)
{
  ztk_mem_hub *hub = NULL;
  pair p;
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(0x0a000001)};
  struct sockaddr_in b = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(0x0a000002)};
  if (ztk_mem_hub_new(&hub) != 0 || ztk_mem_transport_new(hub, &p.tx) != 0 ||
      ztk_mem_transport_new(hub, &p.rx) != 0 ||
      ztk_transport_bind(p.tx, (struct sockaddr *)&a, sizeof a) < 0 ||
      ztk_transport_bind(p.rx, (struct sockaddr *)&b, sizeof b) < 0 ||
      ztk_transport_local_addr(p.rx, 0, &p.to) != 0) {
    ztk_mem_hub_free(hub);
    return;
  }
  p.tolen = sizeof(struct sockaddr_in);
  report("mem 64B", run(&p, 64, ROUND, secs));
  report("mem 1400B", run(&p, 1400, ROUND, secs));
  ztk_mem_hub_free(hub);
}

int main(int argc, char **argv)
{
  double secs = argc > 1 ? atof(argv[1]) : 1.0;
  if (!(secs > 0 && secs <= 60))
    secs = 1.0;
  bench_udp(secs);
  bench_mem(secs);
  return 0;
}
