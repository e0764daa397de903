/* The local API client: the response parser (lengths, truncation, chunked bodies, bad status
 * lines, oversized heads) and requests against a one-shot server thread on loopback (what is
 * sent, what comes back, refused connections, timeouts, bad arguments). */
#include "tests/support/vectors.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "runtime/httpc.h"
#include "ztkit/error.h"

static int parse(const char *text, int *status, size_t *off, size_t *len)
{
  return ztk_httpc_parse(text, strlen(text), status, off, len);
}

static void test_parse(void **state)
{
  (void)state;
  int status;
  size_t off, len;
  const char *ok = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\ncontent-length: 2\r\n\r\n{}xx";
  assert_int_equal(parse(ok, &status, &off, &len), 0);
  assert_int_equal(status, 200);
  assert_int_equal(len, 2);
  assert_memory_equal(ok + off, "{}", 2);
  /* no length: the body runs to the end (HTTP/1.0 close) */
  assert_int_equal(parse("HTTP/1.0 404 Not Found\r\n\r\n{\"a\":1}", &status, &off, &len), 0);
  assert_int_equal(status, 404);
  assert_int_equal(len, 7);
  assert_int_equal(parse("HTTP/1.1 401\r\n\r\n", &status, &off, &len), 0);
  assert_int_equal(len, 0);
  assert_int_equal(parse("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n{}", &status, &off, &len),
                   ZTK_ETRUNC);
  assert_int_equal(parse("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n", &status, &off, &len),
                   ZTK_ETRUNC);
  assert_int_equal(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
                         &status, &off, &len),
                   ZTK_EUNSUPPORTED);
  assert_int_equal(parse("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", &status, &off, &len),
                   ZTK_EFORMAT);
  assert_int_equal(parse("HTTP/1.1 200 OK\r\nContent-Length: 9999999999999\r\n\r\n", &status, &off,
                         &len),
                   ZTK_EFORMAT);
  assert_int_equal(parse("HTTP/2.0 200 OK\r\n\r\n", &status, &off, &len), ZTK_EFORMAT);
  assert_int_equal(parse("HTTP/1.1 2x0 OK\r\n\r\n", &status, &off, &len), ZTK_EFORMAT);
  assert_int_equal(parse("HTTP/1.1 099 OK\r\n\r\n", &status, &off, &len), ZTK_EFORMAT);
  assert_int_equal(parse("HTTP/1.1 2000 OK\r\n\r\n", &status, &off, &len), ZTK_EFORMAT);
  assert_int_equal(parse("SSH-2.0\r\n\r\n", &status, &off, &len), ZTK_EFORMAT);
  char *head = malloc(ZTK_HTTPC_MAX_HEAD + 64);
  assert_non_null(head);
  memset(head, 'a', ZTK_HTTPC_MAX_HEAD + 63);
  head[ZTK_HTTPC_MAX_HEAD + 63] = 0;
  assert_int_equal(parse(head, &status, &off, &len), ZTK_ERANGE);
  free(head);
  assert_int_equal(ztk_httpc_parse(NULL, 0, &status, &off, &len), ZTK_EINVAL);
}

/* ---- a one-shot server ---- */

typedef struct server {
  int listen_fd, port;
  const char *reply; /* NULL: accept and say nothing */
  char got[4096];    /* what the client sent */
  size_t got_len;
  pthread_t thread;
} server;

static void *serve(void *arg)
{
  server *s = arg;
  int c = accept(s->listen_fd, NULL, NULL);
  if (c < 0)
    return NULL;
  struct timeval tv = {2, 0};
  setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  for (ssize_t n; s->got_len < sizeof s->got - 1 &&
                  (n = recv(c, s->got + s->got_len, sizeof s->got - 1 - s->got_len, 0)) > 0;) {
    s->got_len += (size_t)n;
    s->got[s->got_len] = 0;
    const char *end = strstr(s->got, "\r\n\r\n");
    const char *cl = strstr(s->got, "Content-Length: ");
    if (end && cl && (size_t)(s->got + s->got_len - (end + 4)) >= (size_t)atoi(cl + 16))
      break;
  }
  if (s->reply) {
    assert_int_equal(send(c, s->reply, strlen(s->reply), 0), (ssize_t)strlen(s->reply));
  } else {
    usleep(600000); /* longer than the client waits */
  }
  close(c);
  return NULL;
}

static void server_start(server *s, const char *reply)
{
  struct sockaddr_in a = {.sin_family = AF_INET};
  socklen_t len = sizeof a;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  memset(s, 0, sizeof *s);
  s->reply = reply;
  s->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
  assert_int_equal(bind(s->listen_fd, (struct sockaddr *)&a, sizeof a), 0);
  assert_int_equal(listen(s->listen_fd, 1), 0);
  assert_int_equal(getsockname(s->listen_fd, (struct sockaddr *)&a, &len), 0);
  s->port = ntohs(a.sin_port);
  assert_int_equal(pthread_create(&s->thread, NULL, serve, s), 0);
}

static void server_join(server *s)
{
  pthread_join(s->thread, NULL);
  close(s->listen_fd);
}

static struct sockaddr_in loopback(int port)
{
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

static void test_request(void **state)
{
  (void)state;
  server s;
  ztk_httpc_response r;
  server_start(&s, "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n{\"ok\":true}");
  struct sockaddr_in a = loopback(s.port);
  assert_int_equal(ztk_httpc_request((struct sockaddr *)&a, sizeof a, "POST", "/network/abc",
                                     "tok123", "{\"x\":1}", 7, 2000, &r),
                   0);
  server_join(&s);
  assert_int_equal(r.status, 200);
  assert_string_equal(r.body, "{\"ok\":true}");
  assert_int_equal(r.len, 11);
  ztk_httpc_response_free(&r);
  assert_null(r.body);
  assert_non_null(strstr(s.got, "POST /network/abc HTTP/1.0\r\n"));
  assert_non_null(strstr(s.got, "\r\nX-ZT1-Auth: tok123\r\n"));
  assert_non_null(strstr(s.got, "\r\nContent-Length: 7\r\n"));
  assert_non_null(strstr(s.got, "\r\nContent-Type: application/json\r\n"));
  assert_non_null(strstr(s.got, "\r\n\r\n{\"x\":1}"));
  /* without a token nor a body */
  server_start(&s, "HTTP/1.0 401 Unauthorized\r\n\r\n{}");
  a = loopback(s.port);
  assert_int_equal(ztk_httpc_request((struct sockaddr *)&a, sizeof a, "GET", "/status", NULL,
                                     NULL, 0, 2000, &r),
                   0);
  server_join(&s);
  assert_int_equal(r.status, 401);
  assert_null(strstr(s.got, "X-ZT1-Auth"));
  ztk_httpc_response_free(&r);
}

static void test_request_failures(void **state)
{
  (void)state;
  server s;
  ztk_httpc_response r;
  /* nothing listening: a port bound for a moment, never listened on */
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = loopback(0);
  socklen_t alen = sizeof a;
  assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
  assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &alen), 0);
  close(fd);
  assert_int_equal(ztk_httpc_request((struct sockaddr *)&a, sizeof a, "GET", "/status", "t", NULL,
                                     0, 2000, &r),
                   ZTK_ESOCK_REFUSED);
  assert_null(r.body);
  /* a server that never answers */
  server_start(&s, NULL);
  a = loopback(s.port);
  assert_int_equal(ztk_httpc_request((struct sockaddr *)&a, sizeof a, "GET", "/status", "t", NULL,
                                     0, 300, &r),
                   ZTK_ETIMEDOUT);
  server_join(&s);
  /* a reply that is not HTTP */
  server_start(&s, "hello\r\n\r\n");
  a = loopback(s.port);
  assert_int_equal(ztk_httpc_request((struct sockaddr *)&a, sizeof a, "GET", "/status", "t", NULL,
                                     0, 2000, &r),
                   ZTK_EFORMAT);
  server_join(&s);
  /* arguments that would break the request line or headers */
  assert_int_equal(ztk_httpc_request((struct sockaddr *)&a, sizeof a, "GET", "status", NULL, NULL,
                                     0, 100, &r),
                   ZTK_EINVAL);
  assert_int_equal(ztk_httpc_request((struct sockaddr *)&a, sizeof a, "GET", "/a b", NULL, NULL,
                                     0, 100, &r),
                   ZTK_EINVAL);
  assert_int_equal(ztk_httpc_request((struct sockaddr *)&a, sizeof a, "GET", "/a", "x\r\nY: 1",
                                     NULL, 0, 100, &r),
                   ZTK_EINVAL);
  assert_int_equal(ztk_httpc_request((struct sockaddr *)&a, sizeof a, "GET", "/a", NULL, NULL, 3,
                                     100, &r),
                   ZTK_EINVAL);
  assert_int_equal(ztk_httpc_request(NULL, 0, "GET", "/a", NULL, NULL, 0, 100, NULL), ZTK_EINVAL);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_parse),
    cmocka_unit_test(test_request),
    cmocka_unit_test(test_request_failures),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
