#include "runtime/httpd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/node/node.h"
#include "runtime/authtoken.h"
#include "runtime/files.h"
#include "runtime/local_api.h"
#include "runtime/state_dir.h"

#define DAEMONS 2 /* 127.0.0.1 and ::1 */

struct ztk_httpd {
  ztk_service *svc;
  bool controller;
  int controller_rc; /* the last enable's result (node_up hook) */
  int port;
  char token[ZTK_AUTHTOKEN_MAX + 1];
  char token_path[PATH_MAX];
  struct MHD_Daemon *d[DAEMONS];
  int epfd[DAEMONS];
  bool watched[DAEMONS], hooked;
  int64_t deadline; /* when libmicrohttpd's timeouts need a run */
  ztk_local_api la;
  ztk_api_service_ops ops;
};

/* One request as it arrives: the raw URI (for the query string) and the body so far. */
typedef struct http_req {
  char *uri;
  char *body; /* up to ZTK_API_MAX_BODY + 1 bytes: more is counted, not kept */
  size_t len, kept;
  bool headers_seen;
} http_req;

/* ---- requests (service thread, lock held) ---- */

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
  (void)cls;
  (void)c;
  http_req *r = calloc(1, sizeof *r);
  if (r && !(r->uri = strdup(uri))) {
    free(r);
    r = NULL;
  }
  return r;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode code)
{
  (void)cls;
  (void)c;
  (void)code;
  http_req *r = *con_cls;
  if (r) {
    free(r->uri);
    free(r->body);
    free(r);
  }
  *con_cls = NULL;
}

static bool append_body(http_req *r, const char *data, size_t n)
{
  const size_t cap = ZTK_API_MAX_BODY + 1;
  if (!r->body && !(r->body = malloc(cap)))
    return false;
  size_t take = r->kept + n > cap ? cap - r->kept : n;
  memcpy(r->body + r->kept, data, take);
  r->kept += take;
  r->len = r->len + n > r->len ? r->len + n : SIZE_MAX;
  return true;
}

static enum MHD_Result respond(struct MHD_Connection *c, ztk_api_response *resp)
{
  static char empty[] = "{}"; /* out of memory while serializing (status 500) */
  char *body = resp->body ? resp->body : empty;
  struct MHD_Response *m =
      MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_COPY);
  if (!m)
    return MHD_NO;
  MHD_add_response_header(m, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
  enum MHD_Result rc = MHD_queue_response(c, (unsigned)resp->status, m);
  MHD_destroy_response(m);
  return rc;
}

static enum MHD_Result handle(ztk_httpd *h, struct MHD_Connection *c, const char *url,
                              const char *method, http_req *r)
{
  const char *q = strchr(r->uri, '?');
  ztk_api api = {h->controller && h->la.node ? ztk_node_controller(h->la.node) : NULL, h->token,
                 h->la.node ? &h->ops : NULL};
  ztk_api_request req = {
      method,
      url,
      q ? q + 1 : NULL,
      MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-ZT1-Auth"),
      MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION),
      r->len ? r->body : NULL,
      r->len > r->kept ? r->kept : r->len, /* over the limit: kept = MAX + 1, answered 413 */
  };
  ztk_api_response resp;
  ztk_api_handle(&api, h->la.now, &req, &resp);
  enum MHD_Result rc = respond(c, &resp);
  ztk_api_response_free(&resp);
  return rc;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
  (void)version;
  http_req *r = *con_cls;
  if (!r)
    return MHD_NO; /* out of memory at the start: the connection is closed */
  if (!r->headers_seen) {
    r->headers_seen = true;
    return MHD_YES;
  }
  if (*upload_data_size) {
    bool ok = append_body(r, upload_data, *upload_data_size);
    *upload_data_size = 0;
    return ok ? MHD_YES : MHD_NO;
  }
  return handle(cls, c, url, method, r);
}

/* ---- the loop's side ---- */

static void run_daemons(ztk_httpd *h, ztk_node *node, int64_t now)
{
  h->la.node = node;
  h->la.now = now;
  h->deadline = ZTK_NEVER;
  for (int i = 0; i < DAEMONS; i++) {
    MHD_UNSIGNED_LONG_LONG t;
    if (!h->d[i])
      continue;
    MHD_run(h->d[i]);
    if (MHD_get_timeout(h->d[i], &t) == MHD_YES) {
      int64_t at = now + (t > (MHD_UNSIGNED_LONG_LONG)INT32_MAX ? INT32_MAX : (int64_t)t);
      h->deadline = at < h->deadline ? at : h->deadline;
    }
  }
}

static void on_ready(void *user, ztk_node *node, int64_t now) { run_daemons(user, node, now); }

static int64_t on_tick(void *user, ztk_node *node, int64_t now)
{
  ztk_httpd *h = user;
  if (now >= h->deadline)
    run_daemons(h, node, now);
  return h->deadline;
}

static void on_node_up(void *user, ztk_node *node, int64_t now)
{
  ztk_httpd *h = user;
  h->la.node = node;
  if (h->controller)
    h->controller_rc = ztk_node_enable_controller(node, now);
}

static void on_node_down(void *user, ztk_node *node)
{
  ztk_httpd *h = user;
  (void)node;
  h->la.node = NULL;
}

static const ztk_service_hooks httpd_hooks = {
    .node_up = on_node_up, .tick = on_tick, .node_down = on_node_down};

/* ---- start and stop ---- */

static struct MHD_Daemon *listen_on(ztk_httpd *h, int family)
{
  struct sockaddr_in a4 = {.sin_family = AF_INET, .sin_port = htons((uint16_t)h->port)};
  struct sockaddr_in6 a6 = {.sin6_family = AF_INET6, .sin6_port = htons((uint16_t)h->port),
                            .sin6_addr = IN6ADDR_LOOPBACK_INIT};
  a4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const struct sockaddr *sa = family == AF_INET ? (const struct sockaddr *)&a4
                                                : (const struct sockaddr *)&a6;
  unsigned flags = MHD_USE_EPOLL | (family == AF_INET6 ? MHD_USE_IPv6 : 0);
  return MHD_start_daemon(flags, (uint16_t)h->port, NULL, NULL, on_request, h,
                          MHD_OPTION_SOCK_ADDR, sa, MHD_OPTION_URI_LOG_CALLBACK, on_uri, h,
                          MHD_OPTION_NOTIFY_COMPLETED, on_completed, h,
                          MHD_OPTION_CONNECTION_LIMIT, (unsigned)ZTK_HTTPD_CONNECTIONS,
                          MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)ZTK_HTTPD_IDLE_TIMEOUT_S,
                          MHD_OPTION_END);
}

/* Listens on 127.0.0.1 (required) and ::1 (when the host has IPv6). */
static int open_daemons(ztk_httpd *h, char *err, size_t errcap)
{
  errno = 0;
  if (!(h->d[0] = listen_on(h, AF_INET))) {
    int e = errno;
    snprintf(err, errcap, "cannot serve the API on 127.0.0.1 TCP port %d: %s", h->port,
             e ? strerror(e) : "libmicrohttpd refused");
    return e == EADDRINUSE ? ZTK_EEXIST : ZTK_ESOCK;
  }
  h->d[1] = listen_on(h, AF_INET6);
  for (int i = 0; i < DAEMONS; i++) {
    const union MHD_DaemonInfo *info =
        h->d[i] ? MHD_get_daemon_info(h->d[i], MHD_DAEMON_INFO_EPOLL_FD) : NULL;
    h->epfd[i] = info ? info->epoll_fd : -1;
    if (h->d[i] && h->epfd[i] < 0) {
      snprintf(err, errcap, "libmicrohttpd gives no epoll descriptor");
      return ZTK_ESOCK;
    }
  }
  return 0;
}

static void write_port_file(const char *home, int port)
{
  char path[PATH_MAX], text[16];
  int n = snprintf(path, sizeof path, "%s/zerotier-one.port", home);
  int len = snprintf(text, sizeof text, "%d", port);
  if (n > 0 && (size_t)n < sizeof path)
    ztk_write_file_atomic(path, text, (size_t)len, 0644);
}

static int load_token(ztk_httpd *h, const ztk_httpd_config *cfg, const char *home, char *err,
                      size_t errcap)
{
  if (cfg->auth_token) {
    int n = snprintf(h->token, sizeof h->token, "%s", cfg->auth_token);
    if (n <= 0 || (size_t)n >= sizeof h->token) {
      snprintf(err, errcap, "the API token must have 1 to %d characters", ZTK_AUTHTOKEN_MAX);
      return ZTK_EINVAL;
    }
    return 0;
  }
  if (!home) {
    snprintf(err, errcap, "a service without a home directory needs an API token");
    return ZTK_EINVAL;
  }
  int rc = ztk_authtoken_load(home, true, h->token, sizeof h->token, h->token_path,
                              sizeof h->token_path, err, errcap);
  return rc == ZTK_EFORMAT ? ZTK_EIO : rc;
}

/* Hooks the loop up: the node_up hook (enabling the controller) runs at once. */
static int attach(ztk_httpd *h, char *err, size_t errcap)
{
  int rc = ztk_service_add_hooks(h->svc, &httpd_hooks, h);
  h->hooked = rc == 0;
  for (int i = 0; i < DAEMONS && !rc; i++)
    if (h->d[i] && !(rc = ztk_service_watch_fd(h->svc, h->epfd[i], on_ready, h)))
      h->watched[i] = true;
  if (rc)
    snprintf(err, errcap, "cannot add the API to the service loop: %s", ztk_strerror(rc));
  else if ((rc = h->controller_rc))
    snprintf(err, errcap, "cannot enable the controller: %s", ztk_strerror(rc));
  return rc;
}

int ztk_httpd_start(ztk_httpd **out, ztk_service *svc, const ztk_httpd_config *cfg, char *err,
                    size_t errcap)
{
  char dummy[8];
  if (!err || !errcap)
    err = dummy, errcap = sizeof dummy;
  err[0] = 0;
  if (!out || !svc || !cfg || cfg->port < 0 || cfg->port > 65535)
    return ZTK_EINVAL;
  *out = NULL;
  int udp_port = ztk_service_port(svc);
  if (udp_port < 0) {
    snprintf(err, errcap, "the service is not running");
    return ZTK_ESTATE;
  }
  const char *home = ztk_state_dir_home(ztk_service_store(svc));
  ztk_httpd *h = calloc(1, sizeof *h);
  if (!h)
    return ZTK_ENOMEM;
  h->svc = svc;
  h->controller = cfg->controller;
  h->port = cfg->port ? cfg->port : udp_port;
  h->la.svc = svc;
  h->deadline = 0;
  ztk_local_api_ops(&h->la, &h->ops);
  int rc = load_token(h, cfg, home, err, errcap);
  if (!rc)
    rc = open_daemons(h, err, errcap);
  if (!rc)
    rc = attach(h, err, errcap);
  if (rc) {
    ztk_httpd_stop(h);
    return rc;
  }
  if (home)
    write_port_file(home, h->port);
  *out = h;
  return 0;
}

void ztk_httpd_stop(ztk_httpd *h)
{
  if (!h)
    return;
  for (int i = 0; i < DAEMONS; i++)
    if (h->watched[i])
      ztk_service_unwatch_fd(h->svc, h->epfd[i]);
  if (h->hooked)
    ztk_service_remove_hooks(h->svc, &httpd_hooks, h);
  /* from here on the service thread no longer calls into the daemons */
  for (int i = 0; i < DAEMONS; i++)
    if (h->d[i])
      MHD_stop_daemon(h->d[i]);
  free(h);
}

int ztk_httpd_port(const ztk_httpd *h) { return h ? h->port : ZTK_EINVAL; }

const char *ztk_httpd_token(const ztk_httpd *h) { return h ? h->token : ""; }

const char *ztk_httpd_token_path(const ztk_httpd *h) { return h ? h->token_path : ""; }
