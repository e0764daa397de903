/* The service's state, shared by runtime/service.c (lifecycle, loop, node callbacks) and
 * runtime/service_api.c (the locked wrappers). Internal header. */
#ifndef ZTK_RUNTIME_SERVICE_IMPL_H
#define ZTK_RUNTIME_SERVICE_IMPL_H

#include <pthread.h>

#include "runtime/evqueue.h"
#include "runtime/service.h"
#include "transport/transport.h"

/* epoll tags of the loop's descriptors. */
#define TAG_WAKE 0
#define TAG_TRANSPORT 1
#define TAG_WATCH 2 /* + slot */

typedef struct ztk_service_watch {
  int fd;
  ztk_service_fd_fn fn; /* NULL: free slot */
  void *user;
} ztk_service_watch;

typedef struct ztk_service_hook_slot {
  const ztk_service_hooks *h;
  void *user;
} ztk_service_hook_slot;

struct ztk_service {
  ztk_service_config cfg; /* pointers cleared: the copies below are used */
  char *home;
  uint8_t *planet;
  size_t planet_len;
  ztk_identity identity;
  bool has_identity;

  pthread_mutex_t life;   /* serializes start/stop/free */
  pthread_mutex_t lock;   /* the node, the transport and everything below */
  pthread_cond_t online_cv; /* CLOCK_MONOTONIC; signalled when `online` changes */
  pthread_t thread;
  bool running, stopping;

  ztk_state_store *store;
  bool own_mem_store, own_dir_store;
  uint64_t store_failures_seen;

  ztk_node *node;
  ztk_transport *t;
  int sock4, sock6, port;
  int epfd, wakefd;
  uint8_t *rxbuf;
  int64_t deadline;       /* the node's next deadline */
  int64_t next_ifaddr_refresh;
  bool flush_pending;     /* datagrams wait for socket buffer space */
  bool online;

  ztk_service_watch watches[ZTK_SERVICE_MAX_WATCHES];
  ztk_service_hook_slot hooks[ZTK_SERVICE_MAX_HOOKS];
  int nhooks;
  bool hooks_live;        /* between the hooks' node_up and node_down */
  struct sockaddr_storage user_addrs[ZTK_SERVICE_MAX_USER_ADDRS];
  int nuser_addrs;

  ztk_evqueue events;     /* initialised only when cfg.event is set */
  ztk_service_stats stats;
  char error[320];
};

/* Records a one-sentence error or problem (with the lock held, or before start). */
void ztk_service_seterr(ztk_service *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Adds fd to the running loop's epoll set with a tag. Returns 0 or ZTK_ESOCK. */
int ztk_service_epoll_add(ztk_service *s, int fd, uint64_t tag);

/* ztk_service_wake with the lock held. */
void ztk_service_wake_locked(ztk_service *s);

/* Hands queued datagrams to the kernel (with the lock held). */
void ztk_service_flush(ztk_service *s);

#endif
