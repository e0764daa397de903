/* Sockets between two member services of a real ZeroTier network on loopback (root +
 * controller + two members in this process, real UDP): TCP throughput with 1 and 8 streams,
 * TCP round-trip latency, UDP datagrams per second, and memory per member node (RSS) and per
 * idle TCP connection (RSS and malloc'd bytes). */
#include <arpa/inet.h>
#include <malloc.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench.h"
#include "tests/support/rtnet.h"

#define JOIN_MS 30000
#define IO_MS 30000
#define CHUNK (64 * 1024)
#define STREAM_BYTES (128u << 20) /* per direction, split over the streams */
#define CONNS 200

static rtnet net;
static ztk_nwid nwid;

static long rss_kib(void)
{
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  long v = -1;
  while (f && fgets(line, sizeof line, f))
    if (sscanf(line, "VmRSS: %ld", &v) == 1)
      break;
  if (f)
    fclose(f);
  return v;
}

static socklen_t sslen(const struct sockaddr_storage *ss)
{
  return ss->ss_family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
}

static ztk_socket *open_bound(int i, int type, uint16_t port)
{
  ztk_socket *s;
  struct sockaddr_in any = {.sin_family = AF_INET, .sin_port = htons(port)};
  if (ztk_socket_open(&s, net.ns[i], AF_INET, type) ||
      ztk_socket_bind(s, (struct sockaddr *)&any, sizeof any))
    exit(1);
  if (type == ZTK_SOCK_STREAM && ztk_socket_listen(s, 0))
    exit(1);
  return s;
}

/* n connections from member 1 to member 0's port; out[2k] client, out[2k+1] server side. */
static void connect_pairs(uint16_t port, int n, ztk_socket **out)
{
  struct sockaddr_storage to;
  ztk_socket *l = open_bound(0, ZTK_SOCK_STREAM, port);
  if (rtnet_addr(&net, 0, nwid, AF_INET, NULL, port, &to))
    exit(1);
  for (int k = 0; k < n; k++) {
    if (ztk_socket_open(&out[2 * k], net.ns[1], AF_INET, ZTK_SOCK_STREAM) ||
        ztk_socket_connect(out[2 * k], (struct sockaddr *)&to, sslen(&to), IO_MS) ||
        ztk_socket_accept(l, &out[2 * k + 1], NULL, IO_MS)) {
      fprintf(stderr, "connection %d failed\n", k);
      exit(1);
    }
  }
  ztk_socket_close(l);
}

typedef struct job {
  ztk_socket *s;
  uint64_t bytes;
  bool send;
} job;

static void *run_job(void *arg)
{
  job *j = arg;
  uint8_t *buf = calloc(1, CHUNK);
  uint64_t done = 0;
  while (done < j->bytes) {
    size_t n = j->bytes - done < CHUNK ? (size_t)(j->bytes - done) : CHUNK;
    long r = j->send ? ztk_socket_send(j->s, buf, n, IO_MS) : ztk_socket_recv(j->s, buf, CHUNK, 0, IO_MS);
    if (r <= 0)
      break;
    done += (uint64_t)r;
  }
  j->bytes = done;
  free(buf);
  return NULL;
}

/* MB/s of STREAM_BYTES from member 1 to member 0 over `streams` connections. */
static double tcp_throughput(int streams, uint16_t port)
{
  ztk_socket *s[16];
  job jobs[16];
  pthread_t t[16];
  connect_pairs(port, streams, s);
  double t0 = bench_now();
  for (int k = 0; k < 2 * streams; k++) {
    jobs[k] = (job){s[k], STREAM_BYTES / (uint64_t)streams, k % 2 == 0};
    pthread_create(&t[k], NULL, run_job, &jobs[k]);
  }
  uint64_t got = 0;
  for (int k = 0; k < 2 * streams; k++) {
    pthread_join(t[k], NULL);
    got += k % 2 ? jobs[k].bytes : 0;
  }
  double secs = bench_now() - t0;
  for (int k = 0; k < 2 * streams; k++)
    ztk_socket_close(s[k]);
  return (double)got / secs / 1e6;
}

static double tcp_rtt_us(uint16_t port)
{
  ztk_socket *s[2];
  char b[64] = "ping";
  connect_pairs(port, 1, s);
  ztk_socket_setopt(s[0], ZTK_TCP_NODELAY, 1);
  ztk_socket_setopt(s[1], ZTK_TCP_NODELAY, 1);
  int n = 0;
  double t0 = bench_now();
  for (; n < 2000 && bench_now() - t0 < 3.0; n++) {
    if (ztk_socket_send(s[0], b, 64, IO_MS) != 64 || ztk_socket_recv(s[1], b, 64, ZTK_MSG_WAITALL, IO_MS) != 64 ||
        ztk_socket_send(s[1], b, 64, IO_MS) != 64 || ztk_socket_recv(s[0], b, 64, ZTK_MSG_WAITALL, IO_MS) != 64)
      break;
  }
  double us = (bench_now() - t0) / (n ? n : 1) * 1e6;
  ztk_socket_close(s[0]);
  ztk_socket_close(s[1]);
  return us;
}

/* Datagrams of 1000 bytes per second received by member 0 (sent as fast as accepted). */
static double udp_pps(uint16_t port)
{
  ztk_socket *rx = open_bound(0, ZTK_SOCK_DGRAM, port), *tx = open_bound(1, ZTK_SOCK_DGRAM, 0);
  struct sockaddr_storage to;
  static uint8_t buf[2000];
  rtnet_addr(&net, 0, nwid, AF_INET, NULL, port, &to);
  ztk_socket_setopt(rx, ZTK_SO_RCVQLEN, 4096);
  long got = 0;
  double t0 = bench_now();
  while (bench_now() - t0 < 2.0) {
    for (int i = 0; i < 64; i++)
      ztk_socket_sendto(tx, buf, 1000, (struct sockaddr *)&to, sslen(&to));
    while (ztk_socket_recvfrom(rx, buf, sizeof buf, 0, NULL, got ? 0 : 1000) > 0)
      got++;
  }
  double secs = bench_now() - t0;
  while (ztk_socket_recvfrom(rx, buf, sizeof buf, 0, NULL, 100) > 0)
    got++;
  ztk_socket_close(rx);
  ztk_socket_close(tx);
  return (double)got / secs;
}

static int setup(void)
{
  long before = rss_kib();
  if (rtnet_start(&net, NULL) || rtnet_add_member(&net, NULL) != 0 || rtnet_add_member(&net, NULL) != 1)
    return 1;
  if (rtnet_network(&net, 0x5151, "{\"private\":true,\"v4AssignMode\":{\"zt\":true},"
                    "\"ipAssignmentPools\":[{\"ipRangeStart\":\"10.45.0.10\",\"ipRangeEnd\":\"10.45.0.250\"}],"
                    "\"routes\":[{\"target\":\"10.45.0.0/24\"}]}", &nwid))
    return 1;
  for (int i = 0; i < 2; i++)
    if (rtnet_join(&net, i, nwid, AF_INET, JOIN_MS, NULL))
      return 1;
  bench_print("sockets.rss_3_services_joined", (double)(rss_kib() - before) / 3.0, "KiB per service");
  return 0;
}

/* With arguments, only the figures named (e.g. `bench_sockets tcp_1_stream`) are taken. */
static bool wanted(int argc, char **argv, const char *name)
{
  for (int i = 1; i < argc; i++)
    if (strcmp(argv[i], name) == 0)
      return true;
  return argc < 2;
}

int main(int argc, char **argv)
{
  if (setup()) {
    fprintf(stderr, "bench_sockets: the loopback network did not come up\n");
    return 1;
  }
  if (wanted(argc, argv, "tcp_1_stream"))
    bench_print("sockets.tcp_1_stream", tcp_throughput(1, 8001), "MB/s");
  if (wanted(argc, argv, "tcp_8_streams"))
    bench_print("sockets.tcp_8_streams", tcp_throughput(8, 8002), "MB/s");
  if (wanted(argc, argv, "tcp_rtt_64B"))
    bench_print("sockets.tcp_rtt_64B", tcp_rtt_us(8003), "us");
  if (wanted(argc, argv, "udp_1000B"))
    bench_print("sockets.udp_1000B", udp_pps(8004), "datagrams/s");
  if (!wanted(argc, argv, "per_connection")) {
    rtnet_free(&net);
    return 0;
  }
  static ztk_socket *s[2 * CONNS];
  long before = rss_kib();
  size_t heap = mallinfo2().uordblks;
  connect_pairs(8005, CONNS, s);
  bench_print("sockets.rss_per_tcp_connection", (double)(rss_kib() - before) * 1024.0 / CONNS,
              "bytes (both ends, idle; lwIP pcbs are static pools)");
  bench_print("sockets.heap_per_tcp_connection", (double)(mallinfo2().uordblks - heap) / CONNS,
              "bytes (both ends, idle)");
  for (int k = 0; k < 2 * CONNS; k++)
    ztk_socket_close(s[k]);
  rtnet_free(&net);
  return 0;
}
