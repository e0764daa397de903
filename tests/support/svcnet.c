#include "tests/support/svcnet.h"

#include "tests/support/vectors.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/world/world.h"

int sn_free_udp_port(void)
{
  for (int tries = 0; tries < 50; tries++) {
    struct sockaddr_in a4 = {.sin_family = AF_INET};
    struct sockaddr_in6 a6 = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_ANY_INIT};
    socklen_t len = sizeof a4;
    int one = 1, s4 = socket(AF_INET, SOCK_DGRAM, 0), s6 = socket(AF_INET6, SOCK_DGRAM, 0);
    assert_true(s4 >= 0 && s6 >= 0);
    assert_int_equal(bind(s4, (struct sockaddr *)&a4, sizeof a4), 0);
    assert_int_equal(getsockname(s4, (struct sockaddr *)&a4, &len), 0);
    setsockopt(s6, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    a6.sin6_port = a4.sin_port;
    bool ok = bind(s6, (struct sockaddr *)&a6, sizeof a6) == 0;
    close(s4);
    close(s6);
    if (ok)
      return ntohs(a4.sin_port);
  }
  fail_msg("no free UDP port");
  return -1;
}

void sn_build_planet(uint64_t id, const ztk_identity *root, int port, uint8_t *out, size_t *len)
{
  ztk_world w;
  ztk_identity signer;
  ztk_inaddr ep;
  memset(&signer, 0, sizeof signer);
  tv_random(NULL, signer.priv, sizeof signer.priv);
  signer.has_private = true;
  ztk_world_key_public(signer.pub, signer.priv);
  ztk_world_init(&w, ZTK_WORLD_PLANET, id, 1700000000000ull, signer.pub);
  assert_int_equal(ztk_world_add_root(&w, root), 0);
  ztk_inaddr_v4(&ep, 0x7f000001, (uint16_t)port);
  assert_int_equal(ztk_world_add_endpoint(&w, 0, &ep), 0);
  assert_int_equal(ztk_world_sign(&w, &signer), 0);
  ztk_wr wr = ztk_wr_make(out, ZTK_WORLD_MAX_LEN);
  assert_int_equal(ztk_world_write(&wr, &w), 0);
  *len = wr.len;
}

int64_t sn_mono_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
