/* The local service paths (service_api.h) with zerotier-one 1.14.1's documents. */
#include "api/service_api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_internal.h"
#include "api/json_field.h"

static json_t *inaddr_text(const ztk_inaddr *a, bool with_port)
{
  char s[ZTK_INADDR_STRLEN];
  if (with_port)
    ztk_inaddr_format(a, s);
  else
    ztk_inaddr_format_ip(a, s);
  return json_string(s);
}

static json_t *addr_list(const ztk_inaddr *a, unsigned n)
{
  json_t *arr = json_array();
  for (unsigned i = 0; arr && i < n; i++)
    if (json_array_append_new(arr, inaddr_text(&a[i], true)))
      arr = (json_decref(arr), NULL);
  return arr;
}

static json_t *mac_text(uint64_t mac)
{
  char s[18];
  snprintf(s, sizeof s, "%02x:%02x:%02x:%02x:%02x:%02x", (unsigned)(mac >> 40) & 0xff,
           (unsigned)(mac >> 32) & 0xff, (unsigned)(mac >> 24) & 0xff, (unsigned)(mac >> 16) & 0xff,
           (unsigned)(mac >> 8) & 0xff, (unsigned)mac & 0xff);
  return json_string(s);
}

json_t *ztk_api_status_json(const ztk_api_status *s, int64_t now)
{
  char addr[11], version[48];
  ztk_json_fmt_address(addr, s->node.address);
  snprintf(version, sizeof version, "%d.%d.%d", s->version_major, s->version_minor, s->version_rev);
  json_t *settings = json_pack(
      "{s:b,s:b,s:i,s:i,s:i,s:s,s:o,s:o,s:b}", "allowTcpFallbackRelay", s->allow_tcp_fallback_relay,
      "forceTcpRelay", 0, "primaryPort", (int)s->primary_port, "secondaryPort",
      (int)s->secondary_port, "tertiaryPort", (int)s->tertiary_port, "homeDir", s->home_dir,
      "listeningOn", addr_list(s->listening, s->listening_count), "surfaceAddresses",
      addr_list(s->surface, s->surface_count), "portMappingEnabled", s->port_mapping_enabled);
  return json_pack("{s:s,s:s,s:b,s:b,s:i,s:i,s:i,s:i,s:s,s:I,s:{s:o},s:I,s:I}", "address", addr,
                   "publicIdentity", s->node.identity_public, "online", s->node.online,
                   "tcpFallbackActive", s->tcp_fallback_active, "versionMajor", s->version_major,
                   "versionMinor", s->version_minor, "versionRev", s->version_rev, "versionBuild",
                   s->version_build, "version", version, "clock", (json_int_t)now, "config",
                   "settings", settings, "planetWorldId", (json_int_t)s->node.planet_id,
                   "planetWorldTimestamp", (json_int_t)s->node.planet_timestamp);
}

static json_t *path_json(const ztk_path_info *p)
{
  ztk_inaddr a;
  memset(&a, 0, sizeof a);
  ztk_inaddr_from_sockaddr(&a, (const struct sockaddr *)&p->addr);
  return json_pack("{s:o,s:I,s:I,s:i,s:b,s:b,s:b,s:I,s:i}", "address", inaddr_text(&a, true),
                   "lastSend", (json_int_t)(p->last_send < 0 ? 0 : p->last_send), "lastReceive",
                   (json_int_t)(p->last_receive < 0 ? 0 : p->last_receive), "trustedPathId", 0,
                   "active", p->alive, "expired", !p->alive, "preferred", p->preferred,
                   "localSocket", (json_int_t)p->local_socket, "localPort", a.port);
}

json_t *ztk_api_peer_json(const ztk_peer_info *p)
{
  static const char *const roles[] = {"LEAF", "MOON", "PLANET"};
  char addr[11], version[48];
  ztk_json_fmt_address(addr, p->address);
  snprintf(version, sizeof version, "%d.%d.%d", p->version_major, p->version_minor, p->version_rev);
  json_t *paths = json_array();
  for (int i = 0; paths && i < p->path_count && i < ZTK_PEER_INFO_MAX_PATHS; i++)
    if (json_array_append_new(paths, path_json(&p->paths[i])))
      paths = (json_decref(paths), NULL);
  return json_pack("{s:s,s:i,s:i,s:i,s:s,s:i,s:s,s:b,s:b,s:o}", "address", addr, "versionMajor",
                   p->version_major, "versionMinor", p->version_minor, "versionRev", p->version_rev,
                   "version", version, "latency", p->latency_ms, "role",
                   p->role <= ZTK_PEER_PLANET ? roles[p->role] : "LEAF", "isBonded", 0, "tunneled",
                   0, "paths", paths);
}

static json_t *net_routes(const ztk_api_network_info *n)
{
  json_t *a = json_array();
  for (unsigned i = 0; a && i < n->route_count && i < ZTK_MAX_NETWORK_ROUTES; i++) {
    const ztk_netconf_route *r = &n->routes[i];
    json_t *via = r->via.family == r->target.family ? inaddr_text(&r->via, false) : json_null();
    if (json_array_append_new(a, json_pack("{s:o,s:o,s:i,s:i}", "target",
                                           inaddr_text(&r->target, true), "via", via, "flags",
                                           r->flags, "metric", r->metric)))
      a = (json_decref(a), NULL);
  }
  return a;
}

static json_t *net_multicast(const ztk_api_network_info *n)
{
  json_t *a = json_array();
  for (unsigned i = 0; a && i < n->multicast_count && i < ZTK_API_MAX_MULTICAST; i++)
    if (json_array_append_new(a, json_pack("{s:o,s:I}", "mac", mac_text(n->multicast[i].mac), "adi",
                                           (json_int_t)n->multicast[i].adi)))
      a = (json_decref(a), NULL);
  return a;
}

static json_t *net_dns(const ztk_netconf_dns *d)
{
  char domain[ZTK_DNS_DOMAIN_LEN];
  memcpy(domain, d->domain, sizeof domain);
  domain[sizeof domain - 1] = 0;
  json_t *servers = json_array();
  for (unsigned i = 0; servers && i < ZTK_MAX_DNS_SERVERS; i++)
    if (d->servers[i].family && json_array_append_new(servers, inaddr_text(&d->servers[i], false)))
      servers = (json_decref(servers), NULL);
  return json_pack("{s:s,s:o}", "domain", domain, "servers", servers);
}

static const char *status_name(ztk_api_net_status s)
{
  static const char *const names[] = {"REQUESTING_CONFIGURATION",
                                      "OK",
                                      "ACCESS_DENIED",
                                      "NOT_FOUND",
                                      "PORT_ERROR",
                                      "CLIENT_TOO_OLD",
                                      "AUTHENTICATION_REQUIRED"};
  return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "";
}

json_t *ztk_api_network_json(const ztk_api_network_info *n)
{
  char id[17];
  ztk_json_fmt_nwid(id, n->nwid);
  json_t *o = json_pack("{s:s,s:s,s:o,s:s,s:s,s:s,s:i,s:b,s:b,s:b,s:i,s:I,s:s,s:b,s:b,s:b,s:b}",
                        "id", id, "nwid", id, "mac", mac_text(n->mac), "name", n->name, "status",
                        status_name(n->status), "type", n->is_public ? "PUBLIC" : "PRIVATE", "mtu",
                        (int)n->mtu, "dhcp", n->dhcp, "bridge", n->bridge, "broadcastEnabled",
                        n->broadcast_enabled, "portError", n->port_error, "netconfRevision",
                        (json_int_t)n->netconf_revision, "portDeviceName", n->port_device_name,
                        "allowManaged", n->allow_managed, "allowGlobal", n->allow_global,
                        "allowDefault", n->allow_default, "allowDNS", n->allow_dns);
  unsigned na = n->assigned_count < ZTK_MAX_ASSIGNED_ADDRESSES ? n->assigned_count
                                                               : ZTK_MAX_ASSIGNED_ADDRESSES;
  int rc = !o || ztk_json_set(o, "assignedAddresses", addr_list(n->assigned, na)) ||
           ztk_json_set(o, "routes", net_routes(n)) ||
           ztk_json_set(o, "multicastSubscriptions", net_multicast(n)) ||
           ztk_json_set(o, "dns", net_dns(&n->dns));
  if (!rc && n->sso_enabled)
    rc = ztk_json_set(o, "authenticationURL", json_string(n->authentication_url)) ||
         ztk_json_set(o, "authenticationExpiryTime", json_integer(n->authentication_expiry)) ||
         ztk_json_set(o, "ssoEnabled", json_true());
  if (rc) {
    json_decref(o);
    return NULL;
  }
  return o;
}

/* ---- handlers ------------------------------------------------------------------------------- */

static void status_get(const ztk_api_call *call, ztk_api_reply *r)
{
  ztk_api_status *s = calloc(1, sizeof *s);
  if (!s) {
    ztk_api_error(r, 500, "out of memory");
    return;
  }
  call->api->service->status(call->api->service->ctx, s);
  ztk_api_ok(r, ztk_api_status_json(s, call->now));
  free(s);
}

static void peers_get(const ztk_api_call *call, const uint64_t *want, ztk_api_reply *r)
{
  const ztk_api_service_ops *ops = call->api->service;
  ztk_peer_info *peers = calloc(ZTK_API_MAX_PEERS, sizeof *peers);
  if (!peers) {
    ztk_api_error(r, 500, "out of memory");
    return;
  }
  int n = ops->peers(ops->ctx, peers, ZTK_API_MAX_PEERS);
  n = n < 0 ? 0 : n > ZTK_API_MAX_PEERS ? ZTK_API_MAX_PEERS : n;
  json_t *out = want ? json_object() : json_array(); /* an unknown peer is {} (1.14.1) */
  for (int i = 0; out && i < n; i++) {
    if (want && peers[i].address == *want) {
      json_decref(out);
      out = ztk_api_peer_json(&peers[i]);
      break;
    }
    if (!want && json_array_append_new(out, ztk_api_peer_json(&peers[i])))
      out = (json_decref(out), NULL);
  }
  free(peers);
  ztk_api_ok(r, out);
}

static json_t *network_doc(const ztk_api_service_ops *ops, uint64_t nwid, int *rc)
{
  ztk_api_network_info *info = calloc(1, sizeof *info);
  json_t *doc = NULL;
  *rc = info ? ops->network(ops->ctx, nwid, info) : ZTK_ENOMEM;
  if (!*rc && !(doc = ztk_api_network_json(info)))
    *rc = ZTK_ENOMEM;
  free(info);
  return doc;
}

static void networks_get(const ztk_api_call *call, ztk_api_reply *r)
{
  const ztk_api_service_ops *ops = call->api->service;
  uint64_t nwids[ZTK_API_MAX_NETWORKS];
  int n = ops->networks(ops->ctx, nwids, ZTK_API_MAX_NETWORKS), rc;
  n = n < 0 ? 0 : n > ZTK_API_MAX_NETWORKS ? ZTK_API_MAX_NETWORKS : n;
  json_t *out = json_array();
  for (int i = 0; out && i < n; i++) {
    json_t *doc = network_doc(ops, nwids[i], &rc);
    if (doc && json_array_append_new(out, doc))
      out = (json_decref(out), NULL);
  }
  ztk_api_ok(r, out);
}

static int setting(const json_t *body, const char *key)
{
  const json_t *v = json_object_get(body, key);
  return json_is_boolean(v) ? json_is_true(v) : -1;
}

/* POST joins (settings that are JSON booleans apply; a malformed body is ignored, as 1.14.1
 * does) and answers with the network's document. */
static void network_join(const ztk_api_call *call, uint64_t nwid, ztk_api_reply *r)
{
  const ztk_api_service_ops *ops = call->api->service;
  ztk_api_network_settings s = {
      setting(call->body, "allowManaged"), setting(call->body, "allowGlobal"),
      setting(call->body, "allowDefault"), setting(call->body, "allowDNS")};
  int rc = ops->join(ops->ctx, nwid, &s);
  if (rc) {
    ztk_api_error(r, rc == ZTK_ELIMIT ? 503 : 400, "join: %s", ztk_strerror(rc));
    return;
  }
  json_t *doc = network_doc(ops, nwid, &rc);
  ztk_api_ok(r, doc ? doc : json_object());
}

static void network_path(const ztk_api_call *call, uint64_t nwid, ztk_api_reply *r)
{
  const ztk_api_service_ops *ops = call->api->service;
  int rc;
  if (!strcmp(call->method, "GET")) {
    json_t *doc = network_doc(ops, nwid, &rc);
    if (rc)
      ztk_api_error(r, rc == ZTK_ENOTFOUND ? 404 : 500, "network: %s", ztk_strerror(rc));
    else
      ztk_api_ok(r, doc);
  } else if (!strcmp(call->method, "POST") || !strcmp(call->method, "PUT")) {
    network_join(call, nwid, r);
  } else if (!strcmp(call->method, "DELETE")) {
    rc = ops->leave(ops->ctx, nwid);
    ztk_api_ok(r, rc ? json_object() : json_pack("{s:b}", "result", 1));
  } else {
    ztk_api_error(r, 405, "method not allowed");
  }
}

bool ztk_api_service_route(const ztk_api_call *call, ztk_api_reply *r)
{
  uint64_t ids[2] = {0, 0};
  bool get = !strcmp(call->method, "GET");
  int which = ztk_api_match(call->path, "/status", ids)        ? 1
              : ztk_api_match(call->path, "/peer", ids)        ? 2
              : ztk_api_match(call->path, "/peer/%10", ids)    ? 3
              : ztk_api_match(call->path, "/network", ids)     ? 4
              : ztk_api_match(call->path, "/network/%16", ids) ? 5
                                                               : 0;
  if (!which)
    return false;
  if (!call->api->service)
    ztk_api_error(r, 404, "no local service");
  else if (which == 5)
    network_path(call, ids[0], r);
  else if (!get)
    ztk_api_error(r, 405, "method not allowed");
  else if (which == 1)
    status_get(call, r);
  else if (which == 4)
    networks_get(call, r);
  else
    peers_get(call, which == 3 ? &ids[0] : NULL, r);
  return true;
}
