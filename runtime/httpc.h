/* A small HTTP/1.0 client for the local API of a running node (what zerotier-cli does):
 * one request per connection, bounded in size and time. Also the response parser on its own
 * (fuzzed). Internal header. */
#ifndef ZTK_RUNTIME_HTTPC_H
#define ZTK_RUNTIME_HTTPC_H

#include <stddef.h>
#include <sys/socket.h>

#define ZTK_HTTPC_MAX_RESPONSE (16 * 1024 * 1024) /* zerotier-cli's limit */
#define ZTK_HTTPC_MAX_HEAD 16384                  /* status line and headers */

typedef struct ztk_httpc_response {
  int status;
  char *body; /* NUL-terminated, malloc'd (ztk_httpc_response_free) */
  size_t len;
} ztk_httpc_response;

/* Parses a complete response in buf (status line "HTTP/1.x NNN ...", headers, body). The body
 * is what follows the headers, up to Content-Length when given. Returns 0 with *status and the
 * body's offset and length, or one of: ZTK_ETRUNC (the head or the announced body is
 * incomplete), ZTK_EFORMAT (not an HTTP/1.x response, a bad status or Content-Length),
 * ZTK_EUNSUPPORTED (a chunked body), ZTK_ERANGE (head longer than ZTK_HTTPC_MAX_HEAD). */
int ztk_httpc_parse(const char *buf, size_t len, int *status, size_t *body_off, size_t *body_len);

/* Sends one request to `to` (X-ZT1-Auth: token when token is not NULL; a body with
 * Content-Type application/json when body_len > 0) and reads the whole response within
 * timeout_ms. Returns 0 with *out filled (any status), or one of: ZTK_EINVAL,
 * ZTK_ESOCK_REFUSED (nothing listens), ZTK_ESOCK (other socket errors), ZTK_ETIMEDOUT,
 * ZTK_ERANGE (response larger than ZTK_HTTPC_MAX_RESPONSE), a ztk_httpc_parse error,
 * ZTK_ENOMEM. */
int ztk_httpc_request(const struct sockaddr *to, socklen_t tolen, const char *method,
                      const char *path, const char *token, const char *body, size_t body_len,
                      int timeout_ms, ztk_httpc_response *out);

void ztk_httpc_response_free(ztk_httpc_response *r);

#endif
