/* The HTTP API of a ZeroTier service as a pure function: one request in, a status code and a
 * JSON body out. It serves ZeroTierOne 1.14.1's controller paths (protocol notes §13.1) from a
 * ztk_ctl and the local service paths (/status, /peer, /network) from an operations table the
 * host fills from its node. No sockets here: the runtime (libmicrohttpd) and the simulator call
 * ztk_api_handle. Internal header. */
#ifndef ZTK_API_API_H
#define ZTK_API_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "api/service_api.h"
#include "core/controller/controller.h"

#define ZTK_API_MAX_BODY (1024 * 1024) /* larger request bodies get 413 */

typedef struct ztk_api_request {
  const char *method;        /* "GET", "POST", "PUT", "DELETE" */
  const char *path;          /* without the query string */
  const char *query;         /* the raw query string after '?', or NULL */
  const char *x_zt1_auth;    /* the X-ZT1-Auth header, or NULL when absent */
  const char *authorization; /* the Authorization header, or NULL when absent */
  const char *body;          /* may be NULL when body_len is 0 */
  size_t body_len;
} ztk_api_request;

typedef struct ztk_api_response {
  int status;
  char *body; /* JSON text, NUL-terminated, malloc'd: release with ztk_api_response_free */
  size_t len;
} ztk_api_response;

typedef struct ztk_api {
  ztk_ctl *ctl;                       /* NULL: controller paths answer 404 */
  const char *auth_token;             /* the service's token (authtoken.secret); NULL refuses all */
  const ztk_api_service_ops *service; /* NULL: local service paths answer 404 */
} ztk_api;

/* Handles one request at time now (ms). Authentication as 1.14.1: the X-ZT1-Auth header if
 * present, else the "auth" query parameter, else "Authorization: Bearer <token>"; a missing or
 * wrong token gets 401 {}. Errors have the body {"error": status, "description": "..."}; the
 * description names the offending field for 400s. Returns 0 with *resp filled, or ZTK_ENOMEM
 * (resp->body may then be NULL, status 500). */
int ztk_api_handle(const ztk_api *api, int64_t now, const ztk_api_request *req,
                   ztk_api_response *resp);

void ztk_api_response_free(ztk_api_response *resp);

#endif
