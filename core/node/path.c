#include "core/node/path.h"

#include <string.h>

#define MAX_SCOPE ZTK_SCOPE_PRIVATE

void ztk_path_init(ztk_path *p, int64_t local_socket, const ztk_inaddr *addr)
{
  memset(p, 0, sizeof *p);
  p->addr = *addr;
  p->local_socket = local_socket;
  p->latency = ZTK_PATH_LATENCY_UNKNOWN;
  /* A fresh path counts as silent until heard from; INT64_MIN/2 keeps subtraction safe. */
  p->last_in = p->last_out = p->last_trusted_in = p->last_echo_reply = INT64_MIN / 2;
}

long ztk_path_quality(const ztk_path *p, int64_t now)
{
  long lat = p->latency;
  int64_t age = now - p->last_in;
  if (age > ZTK_PATH_HEARTBEAT_PERIOD * 10)
    age = ZTK_PATH_HEARTBEAT_PERIOD * 10;
  long q = age < ZTK_PATH_ALIVE_WINDOW ? lat : lat + 0xffff + (long)age;
  return q * (long)(MAX_SCOPE - ztk_inaddr_scope(&p->addr) + 1);
}

void ztk_path_update_latency(ztk_path *p, unsigned ms)
{
  if (ms > 0xfffe)
    ms = 0xfffe;
  p->latency = p->latency == ZTK_PATH_LATENCY_UNKNOWN ? (uint16_t)ms
                                                      : (uint16_t)((p->latency + ms) / 2);
}

bool ztk_path_address_usable(const ztk_inaddr *a, bool allow_loopback)
{
  if (a->family != 4 && a->family != 6)
    return false;
  if (a->port == 0)
    return false;
  switch (ztk_inaddr_scope(a)) {
  case ZTK_SCOPE_PRIVATE:
  case ZTK_SCOPE_PSEUDOPRIVATE:
  case ZTK_SCOPE_SHARED:
  case ZTK_SCOPE_GLOBAL:
    return !(a->family == 6 && a->ip[0] == 0x20 && a->ip[1] == 0x01 && a->ip[2] == 0x04 &&
             a->ip[3] == 0x70);
  case ZTK_SCOPE_LOOPBACK:
    return allow_loopback;
  default:
    return false;
  }
}
