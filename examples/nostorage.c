/* No storage: a new identity made in memory (zts_id_new), roots from a planet file given on
 * the command line, nothing written to disk.
 *   nostorage PLANET_FILE NETWORK_ID SERVER_IP PORT FILE */
#include "example_util.h"

int main(int argc, char **argv)
{
  if (argc != 6) {
    printf("usage: nostorage PLANET_FILE NETWORK_ID SERVER_IP PORT FILE\n");
    return 2;
  }
  char key[ZTS_ID_STR_BUF_LEN] = {0};
  unsigned int key_len = ZTS_ID_STR_BUF_LEN;
  if (zts_id_new(key, &key_len) != ZTS_ERR_OK || !zts_id_pair_is_valid(key, ZTS_ID_STR_BUF_LEN)) {
    printf("cannot make an identity\n");
    return 1;
  }
  printf("identity %.10s (%u characters)\n", key, key_len);
  size_t planet_len;
  unsigned char *planet = example_read_file(argv[1], &planet_len);
  if (zts_init_from_memory(key, key_len) != ZTS_ERR_OK ||
      zts_init_set_roots(planet, (unsigned int)planet_len) != ZTS_ERR_OK || zts_node_start() != ZTS_ERR_OK) {
    printf("cannot start the node\n");
    return 1;
  }
  free(planet);
  example_join(strtoull(argv[2], NULL, 16), ZTS_AF_INET);
  if (zts_node_get_id() != strtoull(key, NULL, 16)) {
    printf("the node does not use the given identity\n");
    return 1;
  }
  int fd = zts_tcp_client(argv[3], (unsigned short)atoi(argv[4]));
  if (fd < 0) {
    printf("cannot connect: errno %d\n", zts_errno);
    return 1;
  }
  int rc = example_exchange(fd, argv[5]);
  zts_node_stop();
  zts_node_free();
  return rc;
}
