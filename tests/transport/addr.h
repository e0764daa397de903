/* Socket-address helpers shared by the transport tests. */
#ifndef ZTK_TESTS_TRANSPORT_ADDR_H
#define ZTK_TESTS_TRANSPORT_ADDR_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "tests/support/vectors.h"

/* ip (IPv6 when it holds a ':') and port as a sockaddr; fails the test on a bad literal. */
static inline struct sockaddr_storage tp_addr(const char *ip, uint16_t port)
{
  struct sockaddr_storage ss = {0};
  if (strchr(ip, ':')) {
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(port);
    assert_int_equal(inet_pton(AF_INET6, ip, &a->sin6_addr), 1);
  } else {
    struct sockaddr_in *a = (struct sockaddr_in *)&ss;
    a->sin_family = AF_INET;
    a->sin_port = htons(port);
    assert_int_equal(inet_pton(AF_INET, ip, &a->sin_addr), 1);
  }
  return ss;
}

static inline socklen_t tp_addr_len(const struct sockaddr_storage *ss)
{
  return ss->ss_family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
}

static inline uint16_t tp_addr_port(const struct sockaddr_storage *ss)
{
  return ntohs(ss->ss_family == AF_INET ? ((const struct sockaddr_in *)ss)->sin_port
                                        : ((const struct sockaddr_in6 *)ss)->sin6_port);
}

#endif
