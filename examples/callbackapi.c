/* Driven by events: the handler (on the library's callback thread) prints each event and
 * records what the program waits for; main waits for those instead of polling the node.
 *   callbackapi STORAGE NETWORK_ID SERVER_IP PORT FILE */
#include <pthread.h>

#include "example_util.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static int online, ready4;

static void on_zts_event(void *msg_ptr)
{
  zts_event_msg_t *msg = msg_ptr;
  char ip[ZTS_INET6_ADDRSTRLEN] = "";
  switch (msg->event_code) {
  case ZTS_EVENT_NODE_ONLINE:
    printf("event NODE_ONLINE %010llx\n", (unsigned long long)msg->node->node_id);
    break;
  case ZTS_EVENT_NETWORK_OK:
    printf("event NETWORK_OK %016llx \"%s\"\n", (unsigned long long)msg->network->net_id,
           msg->network->name);
    break;
  case ZTS_EVENT_NETWORK_READY_IP4:
    printf("event NETWORK_READY_IP4 %016llx\n", (unsigned long long)msg->network->net_id);
    break;
  case ZTS_EVENT_ADDR_ADDED_IP4:
    zts_inet_ntop(ZTS_AF_INET, &((struct zts_sockaddr_in *)&msg->addr->addr)->sin_addr, ip, sizeof ip);
    printf("event ADDR_ADDED_IP4 %s\n", ip);
    break;
  case ZTS_EVENT_ADDR_ADDED_IP6:
    zts_inet_ntop(ZTS_AF_INET6, &((struct zts_sockaddr_in6 *)&msg->addr->addr)->sin6_addr, ip, sizeof ip);
    printf("event ADDR_ADDED_IP6 %s\n", ip);
    break;
  default:
    printf("event %d\n", msg->event_code);
  }
  fflush(stdout);
  pthread_mutex_lock(&lock);
  online |= msg->event_code == ZTS_EVENT_NODE_ONLINE;
  ready4 |= msg->event_code == ZTS_EVENT_NETWORK_READY_IP4;
  pthread_cond_broadcast(&changed);
  pthread_mutex_unlock(&lock);
}

static void wait_flag(int *flag)
{
  pthread_mutex_lock(&lock);
  while (!*flag)
    pthread_cond_wait(&changed, &lock);
  pthread_mutex_unlock(&lock);
}

int main(int argc, char **argv)
{
  if (argc != 6) {
    printf("usage: callbackapi STORAGE NETWORK_ID SERVER_IP PORT FILE\n");
    return 2;
  }
  uint64_t net_id = strtoull(argv[2], NULL, 16);
  zts_init_from_storage(argv[1]);
  zts_init_set_event_handler(&on_zts_event);
  if (zts_node_start() != ZTS_ERR_OK)
    return 1;
  wait_flag(&online);
  zts_net_join(net_id);
  wait_flag(&ready4);
  int fd = zts_bsd_socket(ZTS_AF_INET, ZTS_SOCK_STREAM, 0);
  struct zts_sockaddr_in to = {0};
  to.sin_family = ZTS_AF_INET;
  to.sin_port = htons((uint16_t)atoi(argv[4]));
  zts_inet_pton(ZTS_AF_INET, argv[3], &to.sin_addr);
  if (zts_bsd_connect(fd, (struct zts_sockaddr *)&to, sizeof to) < 0) {
    printf("connect failed: errno %d\n", zts_errno);
    return 1;
  }
  int rc = example_exchange(fd, argv[5]);
  zts_node_stop(); /* NODE_DOWN is printed before this returns */
  printf("stopped\n");
  return rc;
}
