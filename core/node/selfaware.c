#include "core/node/selfaware.h"

#include <string.h>

static bool scope_reportable(ztk_ipscope s)
{
  return s != ZTK_SCOPE_NONE && s != ZTK_SCOPE_LOOPBACK && s != ZTK_SCOPE_MULTICAST;
}

static void remove_at(ztk_selfaware *s, int i)
{
  memmove(&s->e[i], &s->e[i + 1], (size_t)(s->n - i - 1) * sizeof s->e[0]);
  s->n--;
}

static int find_or_add(ztk_selfaware *s, ztk_address reporter, int64_t local_socket,
                       const ztk_inaddr *reporter_addr)
{
  int oldest = 0;
  for (int i = 0; i < s->n; i++) {
    ztk_surface *e = &s->e[i];
    if (e->reporter == reporter && e->local_socket == local_socket &&
        ztk_inaddr_eq(&e->reporter_addr, reporter_addr))
      return i;
    if (e->ts < s->e[oldest].ts)
      oldest = i;
  }
  if (s->n == ZTK_SELFAWARE_MAX)
    remove_at(s, oldest);
  ztk_surface *e = &s->e[s->n++];
  memset(e, 0, sizeof *e);
  e->reporter = reporter;
  e->local_socket = local_socket;
  e->reporter_addr = *reporter_addr;
  e->ts = INT64_MIN / 2;
  return s->n - 1;
}

bool ztk_selfaware_iam(ztk_selfaware *s, ztk_address reporter, int64_t local_socket,
                       const ztk_inaddr *reporter_addr, const ztk_inaddr *surface, bool trusted,
                       int64_t now)
{
  ztk_ipscope scope = ztk_inaddr_scope(surface);
  if (scope != ztk_inaddr_scope(reporter_addr) || !scope_reportable(scope))
    return false;
  int i = find_or_add(s, reporter, local_socket, reporter_addr);
  ztk_surface *e = &s->e[i];
  bool changed = trusted && now - e->ts < ZTK_SELFAWARE_TIMEOUT &&
                 !ztk_inaddr_ip_eq(&e->surface, surface);
  e->surface = *surface;
  e->ts = now;
  e->trusted = trusted;
  if (changed) {
    /* Other reporters' views of this scope are stale now. */
    for (int j = s->n - 1; j >= 0; j--)
      if (ztk_inaddr_scope(&s->e[j].surface) == scope &&
          !ztk_inaddr_eq(&s->e[j].reporter_addr, reporter_addr))
        remove_at(s, j);
  }
  return changed;
}

int ztk_selfaware_whoami(const ztk_selfaware *s, ztk_inaddr *out, int max)
{
  int n = 0;
  for (int i = 0; i < s->n && n < max; i++) {
    bool seen = false;
    for (int j = 0; j < n && !seen; j++)
      seen = ztk_inaddr_eq(&out[j], &s->e[i].surface);
    if (!seen)
      out[n++] = s->e[i].surface;
  }
  return n;
}

void ztk_selfaware_clean(ztk_selfaware *s, int64_t now)
{
  for (int i = s->n - 1; i >= 0; i--)
    if (now - s->e[i].ts >= ZTK_SELFAWARE_TIMEOUT)
      remove_at(s, i);
}
