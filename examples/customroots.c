/* Private roots: a `planet` file in the storage path replaces ZeroTier's public roots (as in
 * zerotier-one's home directory). Shows the root as the node sees it, then runs the exchange.
 *   customroots STORAGE NETWORK_ID SERVER_IP PORT FILE ROOT_ID */
#include "example_util.h"

/* Prints the root's role and paths. Returns 0 if it is a root (a PLANET peer). */
static int show_root(uint64_t root_id)
{
  zts_peer_info_t *peer = calloc(1, sizeof *peer);
  if (!peer || zts_peer_get(peer, root_id) != ZTS_ERR_OK) {
    printf("root %010llx unknown\n", (unsigned long long)root_id);
    free(peer);
    return 1;
  }
  printf("root %010llx role %s paths %u\n", (unsigned long long)peer->peer_id,
         peer->role == ZTS_PEER_ROLE_PLANET ? "PLANET" : "other", peer->path_count);
  for (unsigned i = 0; i < peer->path_count; i++) {
    char ip[ZTS_INET6_ADDRSTRLEN] = "";
    unsigned short port = 0;
    zts_util_ntop((struct zts_sockaddr *)&peer->paths[i].address, sizeof peer->paths[i].address, ip,
                  sizeof ip, &port);
    printf("root path %s/%u\n", ip, port);
  }
  int rc = peer->role == ZTS_PEER_ROLE_PLANET ? 0 : 1;
  free(peer);
  return rc;
}

int main(int argc, char **argv)
{
  if (argc != 7) {
    printf("usage: customroots STORAGE NETWORK_ID SERVER_IP PORT FILE ROOT_ID\n");
    return 2;
  }
  if (zts_init_from_storage(argv[1]) != ZTS_ERR_OK || zts_node_start() != ZTS_ERR_OK)
    return 1;
  example_join(strtoull(argv[2], NULL, 16), ZTS_AF_INET);
  if (show_root(strtoull(argv[6], NULL, 16)))
    return 1;
  int fd = zts_tcp_client(argv[3], (unsigned short)atoi(argv[4]));
  int rc = fd < 0 ? 1 : example_exchange(fd, argv[5]);
  zts_node_stop();
  return rc;
}
