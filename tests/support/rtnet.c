#include "tests/support/rtnet.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api/api.h"
#include "core/node/node.h"

#define ONLINE_MS 20000

int64_t rtnet_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int rtnet_free_udp_port(void)
{
  for (int tries = 0; tries < 50; tries++) {
    struct sockaddr_in a4 = {.sin_family = AF_INET};
    struct sockaddr_in6 a6 = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_ANY_INIT};
    socklen_t len = sizeof a4;
    int one = 1, s4 = socket(AF_INET, SOCK_DGRAM, 0), s6 = socket(AF_INET6, SOCK_DGRAM, 0);
    bool ok = s4 >= 0 && s6 >= 0 && bind(s4, (struct sockaddr *)&a4, sizeof a4) == 0 &&
              getsockname(s4, (struct sockaddr *)&a4, &len) == 0;
    if (ok) {
      setsockopt(s6, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
      a6.sin6_port = a4.sin_port;
      ok = bind(s6, (struct sockaddr *)&a6, sizeof a6) == 0;
    }
    if (s4 >= 0)
      close(s4);
    if (s6 >= 0)
      close(s6);
    if (ok)
      return ntohs(a4.sin_port);
  }
  return ZTK_ELIMIT;
}

int rtnet_planet(uint64_t world_id, const ztk_identity *root, int port, uint8_t *out, size_t *len)
{
  ztk_world w;
  ztk_identity signer;
  ztk_inaddr ep;
  memset(&signer, 0, sizeof signer);
  randombytes_buf(signer.priv, sizeof signer.priv);
  signer.has_private = true;
  ztk_world_key_public(signer.pub, signer.priv);
  ztk_world_init(&w, ZTK_WORLD_PLANET, world_id, 1700000000000ull, signer.pub);
  int rc = ztk_world_add_root(&w, root);
  if (rc < 0)
    return rc;
  ztk_inaddr_v4(&ep, 0x7f000001, (uint16_t)port);
  if ((rc = ztk_world_add_endpoint(&w, 0, &ep)) || (rc = ztk_world_sign(&w, &signer)))
    return rc;
  ztk_wr wr = ztk_wr_make(out, ZTK_WORLD_MAX_LEN);
  if ((rc = ztk_world_write(&wr, &w)))
    return rc;
  *len = wr.len;
  return 0;
}

static void sodium_random(void *user, void *buf, size_t len)
{
  (void)user;
  randombytes_buf(buf, len);
}

static int enable_controller(ztk_node *node, int64_t now, void *arg)
{
  (void)arg;
  return ztk_node_enable_controller(node, now);
}

int rtnet_start(rtnet *r, const ztk_identity *root_identity)
{
  ztk_service_config cfg;
  memset(r, 0, sizeof *r);
  r->trace = getenv("RTNET_TRACE") != NULL;
  if (sodium_init() < 0)
    return ZTK_ECRYPTO;
  int rc = root_identity ? 0 : ztk_identity_generate(&r->root_id, sodium_random, NULL);
  if (rc)
    return rc;
  if (root_identity)
    r->root_id = *root_identity;
  if ((r->root_port = rtnet_free_udp_port()) < 0)
    return r->root_port;
  if ((rc = rtnet_planet(0xdec0de55, &r->root_id, r->root_port, r->planet, &r->planet_len)))
    return rc;
  ztk_service_config_init(&cfg);
  cfg.port = r->root_port;
  cfg.planet = r->planet;
  cfg.planet_len = r->planet_len;
  cfg.identity = &r->root_id;
  cfg.allow_loopback_paths = true;
  cfg.force_upstream = true;
  if ((rc = ztk_service_new(&r->root, &cfg)) || (rc = ztk_service_start(r->root)))
    return rc;
  return ztk_service_call(r->root, enable_controller, NULL);
}

int rtnet_add_member(rtnet *r, const ztk_identity *identity)
{
  ztk_service_config cfg;
  ztk_node_status st;
  if (r->n == RTNET_MAX_MEMBERS)
    return ZTK_ELIMIT;
  int i = r->n;
  ztk_service_config_init(&cfg);
  cfg.port = 0;
  cfg.planet = r->planet;
  cfg.planet_len = r->planet_len;
  cfg.identity = identity;
  cfg.allow_loopback_paths = true;
  cfg.trace = r->trace;
  int rc;
  if ((rc = ztk_service_new(&r->m[i], &cfg)))
    return rc;
  r->n++;
  if ((rc = ztk_service_netstack(r->m[i], &r->ns[i])) || (rc = ztk_service_start(r->m[i])) ||
      (rc = ztk_service_wait_online(r->m[i], ONLINE_MS)) || (rc = ztk_service_status(r->m[i], &st)))
    return rc;
  r->addr[i] = st.address;
  return i;
}

typedef struct post_arg {
  const char *path, *body;
  int status;
} post_arg;

static int do_post(ztk_node *node, int64_t now, void *arg)
{
  post_arg *p = arg;
  ztk_api api = {ztk_node_controller(node), "t", NULL};
  ztk_api_request req = {"POST", p->path, NULL, "t", NULL, p->body, strlen(p->body)};
  ztk_api_response resp;
  int rc = ztk_api_handle(&api, now, &req, &resp);
  p->status = resp.status;
  ztk_api_response_free(&resp);
  return rc;
}

static int post(rtnet *r, const char *path, const char *body)
{
  post_arg p = {path, body, 0};
  int rc = ztk_service_call(r->root, do_post, &p);
  return rc ? rc : p.status == 200 ? 0 : p.status;
}

int rtnet_network(rtnet *r, uint32_t suffix, const char *json, ztk_nwid *nwid)
{
  char path[96];
  *nwid = (r->root_id.address << 24) | (suffix & 0xffffff);
  snprintf(path, sizeof path, "/controller/network/%016llx", (unsigned long long)*nwid);
  return post(r, path, json);
}

int rtnet_member(rtnet *r, ztk_nwid nwid, ztk_address member, const char *json)
{
  char path[128];
  snprintf(path, sizeof path, "/controller/network/%016llx/member/%010llx",
           (unsigned long long)nwid, (unsigned long long)member);
  return post(r, path, json);
}

int rtnet_join(rtnet *r, int i, ztk_nwid nwid, int family, int timeout_ms,
               struct sockaddr_storage *addr)
{
  int rc;
  if ((nwid >> 56) != 0xff && (rc = rtnet_member(r, nwid, r->addr[i], "{\"authorized\":true}")))
    return rc;
  if ((rc = ztk_service_join(r->m[i], nwid)))
    return rc;
  return ztk_netstack_wait_address(r->ns[i], nwid, family, timeout_ms, addr);
}

int rtnet_addr(rtnet *r, int i, ztk_nwid nwid, int family, const char *prefix, uint16_t port,
               struct sockaddr_storage *out)
{
  struct sockaddr_storage all[16];
  int n = ztk_netstack_addresses(r->ns[i], nwid, all, 16);
  for (int k = 0; k < n && k < 16; k++) {
    char text[INET6_ADDRSTRLEN];
    const void *ip = all[k].ss_family == AF_INET
                         ? (const void *)&((struct sockaddr_in *)&all[k])->sin_addr
                         : (const void *)&((struct sockaddr_in6 *)&all[k])->sin6_addr;
    if (all[k].ss_family != family || !inet_ntop(family, ip, text, sizeof text) ||
        (prefix && strncmp(text, prefix, strlen(prefix)) != 0))
      continue;
    *out = all[k];
    if (family == AF_INET)
      ((struct sockaddr_in *)out)->sin_port = htons(port);
    else
      ((struct sockaddr_in6 *)out)->sin6_port = htons(port);
    return 0;
  }
  return ZTK_ENOTFOUND;
}

void rtnet_free(rtnet *r)
{
  for (int i = 0; i < r->n; i++)
    ztk_service_free(r->m[i]);
  ztk_service_free(r->root);
  memset(r, 0, sizeof *r);
}
