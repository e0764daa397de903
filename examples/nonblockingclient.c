/* A non-blocking TCP client: connect() answers EINPROGRESS, poll() says when it is done, and
 * one poll() loop then sends and receives at the same time.
 *   nonblockingclient STORAGE NETWORK_ID SERVER_IP PORT FILE */
#include "example_util.h"

int main(int argc, char **argv)
{
  if (argc != 6) {
    printf("usage: nonblockingclient STORAGE NETWORK_ID SERVER_IP PORT FILE\n");
    return 2;
  }
  uint64_t net_id = strtoull(argv[2], NULL, 16);
  if (zts_init_from_storage(argv[1]) != ZTS_ERR_OK || zts_node_start() != ZTS_ERR_OK)
    return 1;
  example_join(net_id, ZTS_AF_INET);
  size_t len, sent = 0, got = 0;
  unsigned char *data = example_read_file(argv[5], &len), *back = malloc(EXAMPLE_MAX_BYTES);
  struct zts_sockaddr_storage to;
  zts_socklen_t tolen = sizeof to;
  zts_util_ipstr_to_saddr(argv[3], (unsigned short)atoi(argv[4]), (struct zts_sockaddr *)&to, &tolen);
  int fd = zts_bsd_socket(ZTS_AF_INET, ZTS_SOCK_STREAM, 0);
  zts_bsd_fcntl(fd, ZTS_F_SETFL, ZTS_O_NONBLOCK);
  if (zts_bsd_connect(fd, (struct zts_sockaddr *)&to, tolen) != ZTS_ERR_SOCKET || zts_errno != ZTS_EINPROGRESS) {
    printf("connect did not start: errno %d\n", zts_errno);
    return 1;
  }
  struct zts_pollfd p = {fd, ZTS_POLLOUT, 0};
  if (zts_bsd_poll(&p, 1, 30000) != 1 || zts_get_last_socket_error(fd) != 0) {
    printf("connect failed\n");
    return 1;
  }
  printf("connected\n");
  if (len == 0)
    zts_bsd_shutdown(fd, ZTS_SHUT_WR);
  for (int done = 0; !done && back;) {
    p.events = (short)(ZTS_POLLIN | (sent < len ? ZTS_POLLOUT : 0));
    if (zts_bsd_poll(&p, 1, 30000) <= 0)
      break;
    if ((p.revents & ZTS_POLLOUT) && sent < len) {
      ssize_t n = zts_bsd_send(fd, data + sent, len - sent, 0);
      sent += n > 0 ? (size_t)n : 0;
      if (sent == len)
        zts_bsd_shutdown(fd, ZTS_SHUT_WR);
    }
    if (p.revents & (ZTS_POLLIN | ZTS_POLLHUP | ZTS_POLLERR)) {
      ssize_t n = zts_bsd_recv(fd, back + got, EXAMPLE_MAX_BYTES - got, 0);
      if (n > 0)
        got += (size_t)n;
      else if (n == 0 || zts_errno != ZTS_EAGAIN)
        done = 1;
    }
  }
  zts_bsd_close(fd);
  int rc = example_write_back(argv[5], data, len, back, got);
  free(data);
  free(back);
  zts_node_stop();
  return rc;
}
