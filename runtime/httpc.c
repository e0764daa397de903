#include "runtime/httpc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "ztkit/error.h"

#define STATUS_LINE_MIN 12 /* "HTTP/1.1 200" */
#define CONTENT_LENGTH_DIGITS 12

/* ---- parsing ---- */

static const char *find_head_end(const char *buf, size_t len)
{
  for (size_t i = 0; i + 3 < len; i++)
    if (buf[i] == '\r' && buf[i + 1] == '\n' && buf[i + 2] == '\r' && buf[i + 3] == '\n')
      return buf + i + 4;
  return NULL;
}

static int parse_status(const char *buf, size_t len, int *status)
{
  if (len < STATUS_LINE_MIN || memcmp(buf, "HTTP/1.", 7) || (buf[7] != '0' && buf[7] != '1') ||
      buf[8] != ' ')
    return ZTK_EFORMAT;
  int v = 0;
  for (int i = 9; i < 12; i++) {
    if (buf[i] < '0' || buf[i] > '9')
      return ZTK_EFORMAT;
    v = v * 10 + (buf[i] - '0');
  }
  if (v < 100 || (len > 12 && buf[12] != ' ' && buf[12] != '\r'))
    return ZTK_EFORMAT;
  *status = v;
  return 0;
}

/* The value of header `name` in head[0..len) (lines after the status line), or NULL. */
static const char *header(const char *head, size_t len, const char *name, size_t *vlen)
{
  size_t nlen = strlen(name);
  const char *end = head + len;
  for (const char *p = head; p < end;) {
    const char *eol = memchr(p, '\n', (size_t)(end - p));
    size_t line = eol ? (size_t)(eol - p) : (size_t)(end - p);
    if (line > nlen && p[nlen] == ':' && !strncasecmp(p, name, nlen)) {
      const char *v = p + nlen + 1;
      const char *ve = p + line;
      while (v < ve && (*v == ' ' || *v == '\t'))
        v++;
      while (ve > v && (ve[-1] == '\r' || ve[-1] == ' ' || ve[-1] == '\t'))
        ve--;
      *vlen = (size_t)(ve - v);
      return v;
    }
    p += line + 1;
  }
  return NULL;
}

static int content_length(const char *v, size_t vlen, size_t *out)
{
  size_t n = 0;
  if (!vlen || vlen > CONTENT_LENGTH_DIGITS)
    return ZTK_EFORMAT;
  for (size_t i = 0; i < vlen; i++) {
    if (v[i] < '0' || v[i] > '9')
      return ZTK_EFORMAT;
    n = n * 10 + (size_t)(v[i] - '0');
  }
  *out = n;
  return 0;
}

int ztk_httpc_parse(const char *buf, size_t len, int *status, size_t *body_off, size_t *body_len)
{
  if (!buf || !status || !body_off || !body_len)
    return ZTK_EINVAL;
  const char *body = find_head_end(buf, len < ZTK_HTTPC_MAX_HEAD ? len : ZTK_HTTPC_MAX_HEAD);
  if (!body)
    return len >= ZTK_HTTPC_MAX_HEAD ? ZTK_ERANGE : ZTK_ETRUNC;
  int rc = parse_status(buf, (size_t)(body - buf), status);
  if (rc)
    return rc;
  const char *first = memchr(buf, '\n', (size_t)(body - buf));
  size_t head_len = (size_t)(body - first - 1), vlen, clen;
  const char *v = header(first + 1, head_len, "Transfer-Encoding", &vlen);
  if (v && !(vlen == 8 && !strncasecmp(v, "identity", 8)))
    return ZTK_EUNSUPPORTED;
  *body_off = (size_t)(body - buf);
  *body_len = len - *body_off;
  if ((v = header(first + 1, head_len, "Content-Length", &vlen))) {
    if ((rc = content_length(v, vlen, &clen)))
      return rc;
    if (clen > *body_len)
      return ZTK_ETRUNC;
    *body_len = clen;
  }
  return 0;
}

/* ---- the request ---- */

static int64_t mono_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for fd to be ready for `events` until the deadline. Returns 0, ZTK_ETIMEDOUT, ZTK_ESOCK. */
static int wait_fd(int fd, short events, int64_t deadline)
{
  for (;;) {
    int64_t left = deadline - mono_ms();
    if (left <= 0)
      return ZTK_ETIMEDOUT;
    struct pollfd p = {fd, events, 0};
    int n = poll(&p, 1, (int)left);
    if (n > 0)
      return 0;
    if (n < 0 && errno != EINTR)
      return ZTK_ESOCK;
  }
}

static int connect_to(const struct sockaddr *to, socklen_t tolen, int64_t deadline, int *out)
{
  int fd = socket(to->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return ZTK_ESOCK;
  int rc = 0, err = 0;
  socklen_t elen = sizeof err;
  if (connect(fd, to, tolen) != 0) {
    if (errno != EINPROGRESS)
      rc = errno == ECONNREFUSED ? ZTK_ESOCK_REFUSED : ZTK_ESOCK;
    else if (!(rc = wait_fd(fd, POLLOUT, deadline)) &&
             (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) != 0 || err))
      rc = err == ECONNREFUSED ? ZTK_ESOCK_REFUSED : ZTK_ESOCK;
  }
  if (rc) {
    close(fd);
    return rc;
  }
  *out = fd;
  return 0;
}

static int send_all(int fd, const char *data, size_t len, int64_t deadline)
{
  while (len) {
    ssize_t n = send(fd, data, len, MSG_NOSIGNAL);
    if (n > 0) {
      data += n;
      len -= (size_t)n;
    } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      int rc = wait_fd(fd, POLLOUT, deadline);
      if (rc)
        return rc;
    } else {
      return ZTK_ESOCK;
    }
  }
  return 0;
}

/* Reads until the peer closes (HTTP/1.0), into a growing buffer. */
static int read_all(int fd, int64_t deadline, char **buf, size_t *len)
{
  size_t cap = 4096;
  *len = 0;
  if (!(*buf = malloc(cap + 1)))
    return ZTK_ENOMEM;
  for (;;) {
    if (*len == cap) {
      if (cap >= ZTK_HTTPC_MAX_RESPONSE)
        return ZTK_ERANGE;
      char *bigger = realloc(*buf, cap * 2 + 1);
      if (!bigger)
        return ZTK_ENOMEM;
      *buf = bigger;
      cap *= 2;
    }
    ssize_t n = recv(fd, *buf + *len, cap - *len, 0);
    if (n > 0) {
      *len += (size_t)n;
    } else if (n == 0) {
      return 0;
    } else if (errno == EAGAIN || errno == EINTR) {
      int rc = wait_fd(fd, POLLIN, deadline);
      if (rc)
        return rc;
    } else {
      return errno == ECONNRESET ? ZTK_ESOCK_RESET : ZTK_ESOCK;
    }
  }
}

static int take_body(char *buf, size_t len, ztk_httpc_response *out)
{
  size_t off, blen;
  int rc = ztk_httpc_parse(buf, len, &out->status, &off, &blen);
  if (rc)
    return rc;
  if (!(out->body = malloc(blen + 1)))
    return ZTK_ENOMEM;
  memcpy(out->body, buf + off, blen);
  out->body[blen] = 0;
  out->len = blen;
  return 0;
}

int ztk_httpc_request(const struct sockaddr *to, socklen_t tolen, const char *method,
                      const char *path, const char *token, const char *body, size_t body_len,
                      int timeout_ms, ztk_httpc_response *out)
{
  if (!out)
    return ZTK_EINVAL;
  memset(out, 0, sizeof *out);
  if (!to || !method || !path || path[0] != '/' || (body_len && !body) || timeout_ms < 0 ||
      strpbrk(path, "\r\n ") || (token && strpbrk(token, "\r\n")))
    return ZTK_EINVAL;
  char head[1024];
  int n = snprintf(head, sizeof head,
                   "%s %s HTTP/1.0\r\nHost: localhost\r\n%s%s%sContent-Length: %zu\r\n%s\r\n",
                   method, path, token ? "X-ZT1-Auth: " : "", token ? token : "",
                   token ? "\r\n" : "", body_len,
                   body_len ? "Content-Type: application/json\r\n" : "");
  if (n < 0 || (size_t)n >= sizeof head)
    return ZTK_EINVAL;
  int64_t deadline = mono_ms() + timeout_ms;
  int fd, rc = connect_to(to, tolen, deadline, &fd);
  if (rc)
    return rc;
  char *buf = NULL;
  size_t len = 0;
  if (!(rc = send_all(fd, head, (size_t)n, deadline)) &&
      !(rc = send_all(fd, body, body_len, deadline)) && !(rc = read_all(fd, deadline, &buf, &len)))
    rc = take_body(buf, len, out);
  free(buf);
  close(fd);
  if (rc)
    ztk_httpc_response_free(out);
  return rc;
}

void ztk_httpc_response_free(ztk_httpc_response *r)
{
  if (!r)
    return;
  free(r->body);
  r->body = NULL;
  r->len = 0;
}
