/* A non-blocking TCP echo server: one thread, select() for new connections, poll() for the
 * data of each.
 *   nonblockingserver STORAGE NETWORK_ID PORT [CONNECTIONS] */
#include "example_util.h"

/* Waits (poll) until fd has what `events` asks for. Returns 0 or -1. */
static int wait_for(int fd, short events)
{
  struct zts_pollfd p = {fd, events, 0};
  int n = zts_bsd_poll(&p, 1, 30000);
  return n == 1 && !(p.revents & ZTS_POLLNVAL) ? 0 : -1;
}

static int serve(int fd, unsigned char *buf)
{
  size_t got = 0, sent = 0;
  for (;;) { /* read until the end of the stream */
    ssize_t n = zts_recv(fd, buf + got, EXAMPLE_MAX_BYTES - got, 0);
    if (n == 0)
      break;
    if (n > 0)
      got += (size_t)n;
    else if (zts_errno != ZTS_EAGAIN || wait_for(fd, ZTS_POLLIN))
      return 1;
  }
  while (sent < got) { /* and everything back */
    ssize_t n = zts_send(fd, buf + sent, got - sent, 0);
    if (n > 0)
      sent += (size_t)n;
    else if (n < 0 && (zts_errno != ZTS_EAGAIN || wait_for(fd, ZTS_POLLOUT)))
      return 1;
  }
  printf("served %zu bytes back\n", sent);
  fflush(stdout);
  return 0;
}

int main(int argc, char **argv)
{
  if (argc < 4) {
    printf("usage: nonblockingserver STORAGE NETWORK_ID PORT [CONNECTIONS]\n");
    return 2;
  }
  uint64_t net_id = strtoull(argv[2], NULL, 16);
  int count = argc > 4 ? atoi(argv[4]) : 1;
  if (zts_init_from_storage(argv[1]) != ZTS_ERR_OK || zts_node_start() != ZTS_ERR_OK)
    return 1;
  example_join(net_id, ZTS_AF_INET);
  int lfd = zts_socket(ZTS_AF_INET, ZTS_SOCK_STREAM, 0);
  if (zts_bind(lfd, "0.0.0.0", (unsigned short)atoi(argv[3])) < 0 || zts_listen(lfd, 8) < 0 ||
      zts_set_blocking(lfd, 0) < 0) {
    printf("cannot listen: errno %d\n", zts_errno);
    return 1;
  }
  printf("listening on port %s\n", argv[3]);
  fflush(stdout);
  unsigned char *buf = malloc(EXAMPLE_MAX_BYTES);
  int failures = 0;
  for (int served = 0; served < count && buf;) {
    zts_fd_set readable;
    ZTS_FD_ZERO(&readable);
    ZTS_FD_SET(lfd, &readable);
    struct zts_timeval tv = {1, 0};
    if (zts_bsd_select(lfd + 1, &readable, NULL, NULL, &tv) <= 0 || !ZTS_FD_ISSET(lfd, &readable))
      continue; /* nothing yet: a real program would do other work here */
    char ip[ZTS_INET6_ADDRSTRLEN];
    unsigned short port;
    int fd = zts_accept(lfd, ip, sizeof ip, &port);
    if (fd < 0)
      continue;
    zts_bsd_fcntl(fd, ZTS_F_SETFL, zts_bsd_fcntl(fd, ZTS_F_GETFL, 0) | ZTS_O_NONBLOCK);
    failures += serve(fd, buf);
    example_drain(fd);
    zts_close(fd);
    served++;
  }
  free(buf);
  zts_close(lfd);
  zts_node_stop();
  printf("server done, %d failures\n", failures);
  return failures != 0;
}
