/* Ad-hoc networks need no controller: the network id names a port range, and every member
 * gets its 6plane IPv6 address, which anyone can compute from the member's node id.
 *   adhoc server STORAGE PORT
 *   adhoc client STORAGE PORT SERVER_NODE_ID FILE
 * The server serves one exchange on PORT (the only port the network allows). */
#include "example_util.h"

static int run_server(uint64_t net_id, unsigned short port)
{
  int lfd = zts_socket(ZTS_AF_INET6, ZTS_SOCK_STREAM, 0);
  if (zts_bind(lfd, "::", port) < 0 || zts_listen(lfd, 1) < 0)
    return 1;
  printf("adhoc server %010llx on %016llx port %u\n", (unsigned long long)zts_node_get_id(),
         (unsigned long long)net_id, port);
  fflush(stdout);
  char ip[ZTS_INET6_ADDRSTRLEN];
  unsigned short peer_port;
  int fd = zts_accept(lfd, ip, sizeof ip, &peer_port);
  unsigned char *buf = malloc(EXAMPLE_MAX_BYTES);
  size_t got = 0;
  ssize_t n = 0;
  while (fd >= 0 && buf && (n = zts_read(fd, buf + got, EXAMPLE_MAX_BYTES - got)) > 0)
    got += (size_t)n;
  ssize_t sent = n == 0 ? zts_write(fd, buf, got) : -1;
  printf("served %s: %zd bytes back\n", ip, sent);
  example_drain(fd);
  zts_close(fd);
  zts_close(lfd);
  free(buf);
  return sent != (ssize_t)got;
}

int main(int argc, char **argv)
{
  int server = argc == 4 && strcmp(argv[1], "server") == 0;
  if (!server && !(argc == 6 && strcmp(argv[1], "client") == 0)) {
    printf("usage: adhoc server STORAGE PORT | adhoc client STORAGE PORT SERVER_NODE_ID FILE\n");
    return 2;
  }
  unsigned short port = (unsigned short)atoi(argv[3]);
  uint64_t net_id = zts_net_compute_adhoc_id(port, port);
  if (zts_init_from_storage(argv[2]) != ZTS_ERR_OK || zts_node_start() != ZTS_ERR_OK)
    return 1;
  example_join(net_id, ZTS_AF_INET6);
  int rc;
  if (server) {
    rc = run_server(net_id, port);
  } else {
    char ip[ZTS_INET6_ADDRSTRLEN];
    zts_addr_compute_6plane_str(net_id, strtoull(argv[4], NULL, 16), ip, sizeof ip);
    printf("server address %s\n", ip);
    int fd = zts_tcp_client(ip, port);
    rc = fd < 0 ? 1 : example_exchange(fd, argv[5]);
  }
  zts_node_stop();
  return rc;
}
