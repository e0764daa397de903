/* The local HTTP API of a running service, as zerotier-one serves it: libmicrohttpd on
 * 127.0.0.1 and ::1, TCP port = the node's UDP port, token from <home>/authtoken.secret.
 * Requests are answered by ztk_api_handle (api/api.h) with the node's embedded controller (when
 * enabled) and the local service operations (runtime/local_api.h).
 *
 * libmicrohttpd runs in external-select mode (epoll) from the service's own loop: its epoll
 * descriptors are watched with ztk_service_watch_fd and its timeouts come from a tick hook, so
 * every request is handled on the service thread with the service lock held, like any other
 * node call; no thread of libmicrohttpd's touches the node. Internal header. */
#ifndef ZTK_RUNTIME_HTTPD_H
#define ZTK_RUNTIME_HTTPD_H

#include <stdbool.h>
#include <stddef.h>

#include "runtime/service.h"

#define ZTK_HTTPD_CONNECTIONS 32 /* concurrent connections per address */
#define ZTK_HTTPD_IDLE_TIMEOUT_S 30

typedef struct ztk_httpd ztk_httpd;

typedef struct ztk_httpd_config {
  /* TCP port (0: the service's UDP port, as zerotier-one does). */
  int port;
  /* The token; NULL: <home>/authtoken.secret, created (24 random characters a-z0-9, mode
   * 0600) if absent. A service without a home directory must be given one. */
  const char *auth_token;
  /* Turn the node's embedded controller on (now and at every later start of the service) and
   * serve the /controller paths; otherwise they answer 404. */
  bool controller;
} ztk_httpd_config;

/* Serves the API of a running service until ztk_httpd_stop (it keeps serving across the
 * service's stop/start). With a home directory, also writes <home>/zerotier-one.port (the TCP
 * port, as zerotier-one does: zerotier-cli -D<home> finds it there). On failure err receives a
 * sentence. Returns 0 or one of: ZTK_EINVAL (no token and no home directory, bad port),
 * ZTK_ESTATE (service not running), ZTK_EEXIST (TCP port in use on 127.0.0.1), ZTK_ESOCK
 * (cannot listen), ZTK_EIO (authtoken.secret unreadable, empty or unwritable), ZTK_ELIMIT (no
 * watch or hook slot left), ZTK_ENOMEM, or the controller's error. */
int ztk_httpd_start(ztk_httpd **out, ztk_service *svc, const ztk_httpd_config *cfg, char *err,
                    size_t errcap);

/* Stops serving and frees h (NULL is allowed). The controller stays on in the node. */
void ztk_httpd_stop(ztk_httpd *h);

/* The TCP port served. */
int ztk_httpd_port(const ztk_httpd *h);

/* The token, and the file it came from ("" when it was given). */
const char *ztk_httpd_token(const ztk_httpd *h);
const char *ztk_httpd_token_path(const ztk_httpd *h);

#endif
