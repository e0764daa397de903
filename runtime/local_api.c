#include "runtime/local_api.h"

#include <stdio.h>
#include <string.h>

#include "core/node/vl2.h"
#include "runtime/hostaddr.h"
#include "runtime/state_dir.h"

static void op_status(void *ctx, ztk_api_status *s)
{
  ztk_local_api *la = ctx;
  struct sockaddr_storage found[ZTK_API_MAX_ADDRESSES];
  int port = ztk_service_port_locked(la->svc);
  ztk_state_store *st = ztk_service_store_locked(la->svc);
  const char *home = ztk_state_dir_home(st);
  ztk_node_status_get(la->node, &s->node);
  s->version_major = ZTK_LOCAL_API_VERSION_MAJOR;
  s->version_minor = ZTK_LOCAL_API_VERSION_MINOR;
  s->version_rev = ZTK_LOCAL_API_VERSION_REV;
  s->primary_port = port > 0 ? (unsigned)port : 0;
  snprintf(s->home_dir, sizeof s->home_dir, "%s", home ? home : "");
  int n = port > 0 ? ztk_host_addresses(found, ZTK_API_MAX_ADDRESSES, (unsigned short)port, true,
                                        false)
                   : 0;
  for (int i = 0; i < n; i++)
    if (ztk_inaddr_from_sockaddr(&s->listening[s->listening_count],
                                 (const struct sockaddr *)&found[i]) == 0)
      s->listening_count++;
}

static int op_peers(void *ctx, ztk_peer_info *out, int max)
{
  ztk_local_api *la = ctx;
  return ztk_node_peers(la->node, la->now, out, max);
}

static int op_networks(void *ctx, uint64_t *nwids, int max)
{
  ztk_local_api *la = ctx;
  return ztk_node_networks(la->node, nwids, max);
}

void ztk_local_api_settings(ztk_state_store *st, uint64_t nwid, ztk_net_settings *out)
{
  char text[ZTK_NET_SETTINGS_TEXT_MAX];
  const uint64_t id[2] = {nwid, 0};
  ztk_net_settings_default(out);
  long len = st ? ztk_state_store_get(st, ZTK_STATE_NETWORK_SETTINGS, id, text, sizeof text) : -1;
  if (len > 0)
    ztk_net_settings_parse(out, text, (size_t)len);
}

/* What the config holds beyond ztk_network_info: addresses and routes in wire form, DNS, SSO
 * and the groups the host listens to. */
static void config_parts(const ztk_vnet *net, ztk_api_network_info *out)
{
  const ztk_netconf *nc = net->cfg;
  for (unsigned i = 0; i < net->nsubs && i < ZTK_API_MAX_MULTICAST; i++) {
    out->multicast[i].mac = net->subs[i].mac;
    out->multicast[i].adi = net->subs[i].adi;
    out->multicast_count++;
  }
  if (!nc)
    return;
  for (unsigned i = 0; i < nc->static_ip_count && i < ZTK_MAX_ASSIGNED_ADDRESSES; i++)
    out->assigned[out->assigned_count++] = nc->static_ips[i];
  for (unsigned i = 0; i < nc->route_count && i < ZTK_MAX_NETWORK_ROUTES; i++)
    out->routes[out->route_count++] = nc->routes[i];
  out->dns = nc->dns;
  out->sso_enabled = nc->sso_enabled;
  snprintf(out->authentication_url, sizeof out->authentication_url, "%s", nc->auth_url);
  out->authentication_expiry = (int64_t)nc->auth_expiry;
}

static int op_network(void *ctx, uint64_t nwid, ztk_api_network_info *out)
{
  ztk_local_api *la = ctx;
  ztk_network_info info;
  ztk_net_settings set;
  int rc = ztk_node_network(la->node, nwid, &info);
  const ztk_vnet *net = ztk_vnet_find(la->node, nwid);
  if (rc || !net)
    return rc ? rc : ZTK_ENOTFOUND;
  memset(out, 0, sizeof *out);
  out->nwid = nwid;
  out->mac = info.mac & 0xffffffffffffull;
  snprintf(out->name, sizeof out->name, "%s", info.name);
  out->status = (ztk_api_net_status)info.status;
  out->is_public = info.revision && !info.is_private;
  out->mtu = info.mtu;
  out->bridge = info.bridge;
  out->broadcast_enabled = info.broadcast;
  out->netconf_revision = info.revision;
  ztk_local_api_settings(ztk_service_store_locked(la->svc), nwid, &set);
  out->allow_managed = set.allow_managed;
  out->allow_global = set.allow_global;
  out->allow_default = set.allow_default;
  out->allow_dns = set.allow_dns;
  config_parts(net, out);
  return 0;
}

static void save_settings(ztk_state_store *st, uint64_t nwid, const ztk_net_settings *set)
{
  char text[64];
  const uint64_t id[2] = {nwid, 0};
  int n = ztk_net_settings_format(set, text, sizeof text);
  if (st && n > 0)
    ztk_state_store_put(st, ZTK_STATE_NETWORK_SETTINGS, id, text, (size_t)n);
}

static void apply_setting(bool *field, int given)
{
  if (given >= 0)
    *field = given != 0;
}

/* Joins (zerotier-one: POST /network/<nwid>) and stores the settings, given ones applied over
 * the stored ones. */
static int op_join(void *ctx, uint64_t nwid, const ztk_api_network_settings *given)
{
  ztk_local_api *la = ctx;
  ztk_state_store *st = ztk_service_store_locked(la->svc);
  ztk_net_settings set;
  int rc = ztk_node_join(la->node, la->now, nwid);
  if (rc)
    return rc;
  ztk_local_api_settings(st, nwid, &set);
  apply_setting(&set.allow_managed, given->allow_managed);
  apply_setting(&set.allow_global, given->allow_global);
  apply_setting(&set.allow_default, given->allow_default);
  apply_setting(&set.allow_dns, given->allow_dns);
  save_settings(st, nwid, &set);
  return 0;
}

static int op_leave(void *ctx, uint64_t nwid)
{
  ztk_local_api *la = ctx;
  ztk_state_store *st = ztk_service_store_locked(la->svc);
  const uint64_t id[2] = {nwid, 0};
  int rc = ztk_node_leave(la->node, la->now, nwid);
  if (!rc && st)
    ztk_state_store_put(st, ZTK_STATE_NETWORK_SETTINGS, id, NULL, 0);
  return rc;
}

void ztk_local_api_ops(ztk_local_api *la, ztk_api_service_ops *ops)
{
  *ops = (ztk_api_service_ops){la, op_status, op_peers, op_networks, op_network, op_join, op_leave};
}
