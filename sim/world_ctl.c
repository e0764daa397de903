/* The embedded network controller of controller hosts: turned on in every node the host starts
 * (its database persists in the host's state store, so a restart with kept state keeps it),
 * managed through the same HTTP API function the runtime serves (api/api.h). */
#include <inttypes.h>
#include <string.h>

#include "api/api.h"
#include "core/node/node.h"
#include "sim/world.h"
#include "ztkit/error.h"

#define API_TOKEN "ztk-sim"

int ztk_sim_ctl_start(ztk_sim_host *h)
{
  return ztk_node_enable_controller(h->node, ztk_sim_local_ms(h));
}

static bool method_ok(const char *m)
{
  return !strcmp(m, "GET") || !strcmp(m, "POST") || !strcmp(m, "PUT") || !strcmp(m, "DELETE");
}

int ztk_sim_api(ztk_sim *s, uint32_t host, const char *method, const char *path,
                const char *body, char *out, size_t cap, size_t *len)
{
  ztk_sim_host *h = ztk_sim_host_get(s, host);
  if (!h || !method || !path || !method_ok(method) || (cap && !out))
    return ZTK_EINVAL;
  struct ztk_ctl *ctl = h->node ? ztk_node_controller(h->node) : NULL;
  if (!ctl)
    return ZTK_ESTATE;
  const char *q = strchr(path, '?');
  char p[1024];
  size_t plen = q ? (size_t)(q - path) : strlen(path);
  if (plen >= sizeof p)
    return ZTK_EINVAL;
  memcpy(p, path, plen);
  p[plen] = 0;
  ztk_api api = {ctl, API_TOKEN, NULL};
  ztk_api_request req = {method, p, q ? q + 1 : NULL, API_TOKEN, NULL, body,
                         body ? strlen(body) : 0};
  ztk_api_response resp;
  int64_t now = ztk_sim_local_ms(h);
  int rc = ztk_api_handle(&api, now, &req, &resp);
  if (rc) {
    ztk_api_response_free(&resp);
    return rc;
  }
  ztk_trace_printf(s->trace, ztk_evq_now_us(s->q), "api h=%" PRIu32 " %s %s status=%d", h->idx,
                   method, p, resp.status);
  size_t n = resp.body ? resp.len : 0;
  if (len)
    *len = n;
  if (cap) {
    size_t k = n < cap - 1 ? n : cap - 1;
    if (k)
      memcpy(out, resp.body, k);
    out[k] = 0;
  }
  int status = resp.status;
  ztk_api_response_free(&resp);
  ztk_sim_node_schedule(h, now); /* pushed configs and revocations go out now */
  return status;
}
