/* Counters: runs the exchange, then prints the stack's packet counters and the peer count.
 *   statistics STORAGE NETWORK_ID SERVER_IP PORT FILE */
#include "example_util.h"

int main(int argc, char **argv)
{
  if (argc != 6) {
    printf("usage: statistics STORAGE NETWORK_ID SERVER_IP PORT FILE\n");
    return 2;
  }
  if (zts_init_from_storage(argv[1]) != ZTS_ERR_OK || zts_node_start() != ZTS_ERR_OK)
    return 1;
  example_join(strtoull(argv[2], NULL, 16), ZTS_AF_INET);
  int fd = zts_tcp_client(argv[3], (unsigned short)atoi(argv[4]));
  int rc = fd < 0 ? 1 : example_exchange(fd, argv[5]);
  zts_stats_counter_t s;
  if (zts_stats_get_all(&s) != ZTS_ERR_OK)
    return 1;
  printf("link tx %u rx %u drop %u\n", s.link_tx, s.link_rx, s.link_drop);
  printf("etharp tx %u rx %u\n", s.etharp_tx, s.etharp_rx);
  printf("ip4 tx %u rx %u drop %u\n", s.ip4_tx, s.ip4_rx, s.ip4_drop);
  printf("ip6 tx %u rx %u drop %u\n", s.ip6_tx, s.ip6_rx, s.ip6_drop);
  printf("tcp tx %u rx %u drop %u err %u\n", s.tcp_tx, s.tcp_rx, s.tcp_drop, s.tcp_err);
  printf("udp tx %u rx %u\n", s.udp_tx, s.udp_rx);
  printf("peers %d\n", zts_peer_count());
  zts_node_stop();
  return rc;
}
