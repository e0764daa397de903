/* A blocking TCP echo server with the BSD-style calls:
 *   server STORAGE NETWORK_ID PORT [CONNECTIONS]
 * Serves CONNECTIONS clients (default 1) one after the other: reads each to the end of its
 * stream, then sends everything back. STORAGE keeps the identity (and may hold a `planet`
 * file naming private roots). */
#include "example_util.h"

/* Reads to the end of the stream into buf; returns the length or -1. */
static long read_to_end(int fd, unsigned char *buf, size_t cap)
{
  size_t got = 0;
  for (;;) {
    ssize_t n = zts_bsd_read(fd, buf + got, cap - got);
    if (n < 0)
      return -1;
    if (n == 0)
      return (long)got;
    got += (size_t)n;
  }
}

static int serve_one(int lfd, unsigned char *buf)
{
  struct zts_sockaddr_storage peer;
  zts_socklen_t plen = sizeof peer;
  int fd = zts_bsd_accept(lfd, (struct zts_sockaddr *)&peer, &plen);
  if (fd < 0) {
    printf("accept failed: %d errno %d\n", fd, zts_errno);
    return 1;
  }
  char ip[ZTS_INET6_ADDRSTRLEN];
  unsigned short port = 0;
  zts_util_ntop((struct zts_sockaddr *)&peer, plen, ip, sizeof ip, &port);
  long n = read_to_end(fd, buf, EXAMPLE_MAX_BYTES);
  long sent = 0;
  while (n > 0 && sent < n) {
    ssize_t k = zts_bsd_write(fd, buf + sent, (size_t)(n - sent));
    if (k <= 0)
      break;
    sent += k;
  }
  printf("served %s port %u: %ld bytes back\n", ip, port, sent);
  fflush(stdout);
  example_drain(fd);
  zts_bsd_close(fd);
  return n < 0 || sent != n;
}

int main(int argc, char **argv)
{
  if (argc < 4) {
    printf("usage: server STORAGE NETWORK_ID PORT [CONNECTIONS]\n");
    return 2;
  }
  uint64_t net_id = strtoull(argv[2], NULL, 16);
  int port = atoi(argv[3]), count = argc > 4 ? atoi(argv[4]) : 1;
  if (zts_init_from_storage(argv[1]) != ZTS_ERR_OK || zts_node_start() != ZTS_ERR_OK) {
    printf("cannot start the node\n");
    return 1;
  }
  example_join(net_id, ZTS_AF_INET);
  int lfd = zts_bsd_socket(ZTS_AF_INET, ZTS_SOCK_STREAM, 0);
  struct zts_sockaddr_in addr = {0};
  addr.sin_family = ZTS_AF_INET;
  addr.sin_port = htons((uint16_t)port);
  addr.sin_addr.s_addr = ZTS_INADDR_ANY;
  if (zts_bsd_bind(lfd, (struct zts_sockaddr *)&addr, sizeof addr) < 0 || zts_bsd_listen(lfd, 8) < 0) {
    printf("cannot listen: errno %d\n", zts_errno);
    return 1;
  }
  printf("listening on port %d\n", port);
  fflush(stdout);
  unsigned char *buf = malloc(EXAMPLE_MAX_BYTES);
  int failures = 0;
  for (int i = 0; i < count && buf; i++)
    failures += serve_one(lfd, buf);
  free(buf);
  zts_bsd_close(lfd);
  zts_node_stop();
  printf("server done, %d failures\n", failures);
  return failures != 0;
}
