/* A blocking TCP client with the simplified calls:
 *   client STORAGE NETWORK_ID SERVER_IP PORT FILE
 * Sends FILE, reads the echo to the end and writes it to FILE.back. */
#include "example_util.h"

int main(int argc, char **argv)
{
  if (argc != 6) {
    printf("usage: client STORAGE NETWORK_ID SERVER_IP PORT FILE\n");
    return 2;
  }
  uint64_t net_id = strtoull(argv[2], NULL, 16);
  const char *server = argv[3];
  unsigned short port = (unsigned short)atoi(argv[4]);
  if (zts_init_from_storage(argv[1]) != ZTS_ERR_OK || zts_node_start() != ZTS_ERR_OK) {
    printf("cannot start the node\n");
    return 1;
  }
  example_join(net_id, zts_util_get_ip_family(server));
  int fd;
  while ((fd = zts_tcp_client(server, port)) < 0) {
    printf("cannot connect yet (errno %d), again\n", zts_errno);
    zts_util_delay(500);
  }
  zts_set_no_delay(fd, 1);
  int rc = example_exchange(fd, argv[5]);
  zts_node_stop();
  return rc;
}
