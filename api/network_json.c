/* Network documents (ctl_json.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/ctl_json.h"
#include "api/rule_json.h"

#define FIELD_MAX 96

static json_t *ip_text(const ztk_inaddr *a, bool with_bits)
{
  char s[ZTK_INADDR_STRLEN];
  if (with_bits)
    ztk_inaddr_format(a, s);
  else
    ztk_inaddr_format_ip(a, s);
  return json_string(s);
}

static json_t *trace_target(bool has, ztk_address a)
{
  char s[11];
  ztk_json_fmt_address(s, a);
  return has ? json_string(s) : json_null();
}

/* ---- rendering ------------------------------------------------------------------------------ */

static int put_assign_modes(json_t *o, const ztk_ctl_network *n)
{
  json_t *v4 = json_pack("{s:b}", "zt", n->v4_zt);
  json_t *v6 =
      json_pack("{s:b,s:b,s:b}", "rfc4193", n->v6_rfc4193, "zt", n->v6_zt, "6plane", n->v6_6plane);
  return ztk_json_set(o, "v4AssignMode", v4) | ztk_json_set(o, "v6AssignMode", v6);
}

static json_t *pools_json(const ztk_ctl_network *n)
{
  json_t *a = json_array();
  for (unsigned i = 0; a && i < n->pool_count; i++)
    if (json_array_append_new(a, json_pack("{s:o,s:o}", "ipRangeStart",
                                           ip_text(&n->pools[i].start, false), "ipRangeEnd",
                                           ip_text(&n->pools[i].end, false))))
      a = (json_decref(a), NULL);
  return a;
}

static json_t *routes_json(const ztk_ctl_network *n)
{
  json_t *a = json_array();
  for (unsigned i = 0; a && i < n->route_count; i++) {
    const ztk_ctl_route *r = &n->routes[i];
    json_t *via = r->via.family ? ip_text(&r->via, false) : json_null();
    if (json_array_append_new(
            a, json_pack("{s:o,s:o}", "target", ip_text(&r->target, true), "via", via)))
      a = (json_decref(a), NULL);
  }
  return a;
}

static json_t *caps_json(const ztk_ctl_network *n)
{
  json_t *a = json_array();
  for (unsigned i = 0; a && i < n->cap_count; i++) {
    const ztk_ctl_capability *c = &n->caps[i];
    if (json_array_append_new(a, json_pack("{s:I,s:b,s:o}", "id", (json_int_t)c->id, "default",
                                           c->dflt, "rules",
                                           ztk_rules_to_json(c->rules, c->rule_count))))
      a = (json_decref(a), NULL);
  }
  return a;
}

static json_t *tags_json(const ztk_ctl_network *n)
{
  json_t *a = json_array();
  for (unsigned i = 0; a && i < n->tag_count; i++) {
    const ztk_ctl_tag *t = &n->tags[i];
    json_t *dflt = t->has_default ? json_integer(t->dflt) : json_null();
    if (json_array_append_new(a, json_pack("{s:I,s:o}", "id", (json_int_t)t->id, "default", dflt)))
      a = (json_decref(a), NULL);
  }
  return a;
}

static json_t *dns_json(const ztk_ctl_dns *d)
{
  if (!d->set)
    return json_array();
  json_t *servers = json_array();
  for (unsigned i = 0; servers && i < d->server_count; i++)
    if (json_array_append_new(servers, ip_text(&d->servers[i], false)))
      servers = (json_decref(servers), NULL);
  return json_pack("{s:s,s:o}", "domain", d->domain, "servers", servers);
}

/* 1.14.1 writes [null] for no tokens, else {"token": expiry}. */
static json_t *tokens_json(const ztk_ctl_network *n)
{
  if (!n->token_count)
    return json_pack("[n]");
  json_t *o = json_object();
  for (unsigned i = 0; o && i < n->token_count; i++)
    if (ztk_json_set(o, n->tokens[i].token, json_integer(n->tokens[i].expires)))
      o = (json_decref(o), NULL);
  return o;
}

static int put_scalars(json_t *o, const ztk_ctl_network *n)
{
  char id[17];
  ztk_json_fmt_nwid(id, n->nwid);
  int rc =
      ztk_json_set(o, "id", json_string(id)) | ztk_json_set(o, "nwid", json_string(id)) |
      ztk_json_set(o, "name", json_string(n->name)) |
      ztk_json_set(o, "private", json_boolean(n->is_private)) |
      ztk_json_set(o, "enableBroadcast", json_boolean(n->enable_broadcast)) |
      ztk_json_set(o, "multicastLimit", json_integer(n->multicast_limit)) |
      ztk_json_set(o, "mtu", json_integer(n->mtu)) |
      ztk_json_set(o, "remoteTraceTarget", trace_target(n->has_trace_target, n->trace_target)) |
      ztk_json_set(o, "remoteTraceLevel", json_integer(n->trace_level)) |
      ztk_json_set(o, "creationTime", json_integer(n->creation_time)) |
      ztk_json_set(o, "revision", json_integer((json_int_t)n->revision)) |
      ztk_json_set(o, "objtype", json_string("network")) |
      ztk_json_set(o, "rulesSource", json_string("")) |
      ztk_json_set(o, "ssoEnabled", json_boolean(n->sso_enabled)) |
      ztk_json_set(o, "clientId", json_string(n->client_id)) |
      ztk_json_set(o, "authorizationEndpoint", json_string(n->authorization_endpoint));
  if (n->has_ctw)
    rc |= ztk_json_set(o, "certificateTimeoutWindowSize", json_integer(n->ctw));
  return rc;
}

json_t *ztk_ctl_network_to_json(const ztk_ctl_network *n)
{
  json_t *o = json_object();
  if (!o)
    return NULL;
  int rc = put_scalars(o, n) | put_assign_modes(o, n) |
           ztk_json_set(o, "ipAssignmentPools", pools_json(n)) |
           ztk_json_set(o, "routes", routes_json(n)) |
           ztk_json_set(o, "rules", ztk_rules_to_json(n->rules, n->rule_count)) |
           ztk_json_set(o, "capabilities", caps_json(n)) | ztk_json_set(o, "tags", tags_json(n)) |
           ztk_json_set(o, "dns", dns_json(&n->dns)) |
           ztk_json_set(o, "authTokens", tokens_json(n));
  if (rc) {
    json_decref(o);
    return NULL;
  }
  return o;
}

/* ---- reading ------------------------------------------------------------------------------- */

static const char *item(char buf[FIELD_MAX], const char *field, size_t i, const char *member)
{
  if (member)
    snprintf(buf, FIELD_MAX, "%s[%zu].%s", field, i, member);
  else
    snprintf(buf, FIELD_MAX, "%s[%zu]", field, i);
  return buf;
}

/* An array field: NULL when absent or null (leave the value as it is), else the array. */
static int array_field(const json_t *body, const char *field, const json_t **out, ztk_json_why *why)
{
  const json_t *v = json_object_get(body, field);
  *out = NULL;
  if (!v || json_is_null(v))
    return 0;
  if (!json_is_array(v))
    return ztk_json_fail(why, ZTK_EJSON_FIELD, field, "expected an array");
  *out = v;
  return 0;
}

static int add_result(int rc, const char *field, ztk_json_why *why)
{
  if (rc == ZTK_ELIMIT)
    return ztk_json_fail(why, ZTK_EJSON_FIELD, field, "too many entries");
  if (rc == ZTK_EINVAL)
    return ztk_json_fail(why, ZTK_EJSON_FIELD, field, "mismatched address families or bits");
  return rc;
}

static int read_pools(ztk_ctl_network *n, const json_t *body, ztk_json_why *why)
{
  const json_t *a;
  int rc = array_field(body, "ipAssignmentPools", &a, why);
  if (rc || !a)
    return rc;
  n->pool_count = 0;
  for (size_t i = 0; i < json_array_size(a); i++) {
    char b[FIELD_MAX];
    const json_t *p = json_array_get(a, i);
    ztk_ctl_pool pool;
    if (ztk_json_ip(json_object_get(p, "ipRangeStart"),
                    item(b, "ipAssignmentPools", i, "ipRangeStart"), 0, true, &pool.start, why) ||
        ztk_json_ip(json_object_get(p, "ipRangeEnd"), item(b, "ipAssignmentPools", i, "ipRangeEnd"),
                    0, true, &pool.end, why))
      return ZTK_EJSON_FIELD;
    rc = add_result(ztk_ctl_network_add_pool(n, &pool), item(b, "ipAssignmentPools", i, NULL), why);
    if (rc)
      return rc;
  }
  return 0;
}

static int read_routes(ztk_ctl_network *n, const json_t *body, ztk_json_why *why)
{
  const json_t *a;
  int rc = array_field(body, "routes", &a, why);
  if (rc || !a)
    return rc;
  n->route_count = 0;
  for (size_t i = 0; i < json_array_size(a); i++) {
    char b[FIELD_MAX];
    const json_t *r = json_array_get(a, i);
    const json_t *via = json_object_get(r, "via");
    ztk_ctl_route rt;
    memset(&rt, 0, sizeof rt);
    if (ztk_json_ip(json_object_get(r, "target"), item(b, "routes", i, "target"), 0, true,
                    &rt.target, why))
      return ZTK_EJSON_FIELD;
    if (via && !json_is_null(via) &&
        ztk_json_ip(via, item(b, "routes", i, "via"), 0, true, &rt.via, why))
      return ZTK_EJSON_FIELD;
    rc = add_result(ztk_ctl_network_add_route(n, &rt), item(b, "routes", i, NULL), why);
    if (rc)
      return rc;
  }
  return 0;
}

static int read_rules(ztk_ctl_network *n, const json_t *body, ztk_json_why *why)
{
  const json_t *a;
  int rc = array_field(body, "rules", &a, why);
  if (rc || !a)
    return rc;
  ztk_rule *rules = calloc(ZTK_CTL_MAX_RULES, sizeof *rules);
  unsigned count;
  if (!rules)
    return ZTK_ENOMEM;
  rc = ztk_rules_from_json(a, "rules", rules, ZTK_CTL_MAX_RULES, &count, why);
  n->rule_count = 0;
  for (unsigned i = 0; !rc && i < count; i++)
    rc = ztk_ctl_network_add_rule(n, &rules[i]);
  free(rules);
  return rc;
}

static int read_caps(ztk_ctl_network *n, const json_t *body, ztk_json_why *why)
{
  const json_t *a;
  int rc = array_field(body, "capabilities", &a, why);
  if (rc || !a)
    return rc;
  ztk_ctl_capability *cap = malloc(sizeof *cap);
  if (!cap)
    return ZTK_ENOMEM;
  n->cap_count = 0;
  for (size_t i = 0; !rc && i < json_array_size(a); i++) {
    char b[FIELD_MAX];
    const json_t *c = json_array_get(a, i);
    uint64_t id = 0;
    memset(cap, 0, sizeof *cap);
    if (!json_is_object(c))
      rc = ztk_json_fail(why, ZTK_EJSON_FIELD, item(b, "capabilities", i, NULL),
                         "expected an object");
    if (!rc)
      rc = ztk_json_uint(json_object_get(c, "id"), item(b, "capabilities", i, "id"), 0, UINT32_MAX,
                         &id, why);
    if (!rc)
      rc = ztk_json_bool(json_object_get(c, "default"), item(b, "capabilities", i, "default"),
                         false, &cap->dflt, why);
    const json_t *rules = json_object_get(c, "rules");
    if (!rc && rules && !json_is_null(rules))
      rc = ztk_rules_from_json(rules, item(b, "capabilities", i, "rules"), cap->rules,
                               ZTK_MAX_CAPABILITY_RULES, &cap->rule_count, why);
    cap->id = (uint32_t)id;
    if (!rc)
      rc = add_result(ztk_ctl_network_add_capability(n, cap), "capabilities", why);
  }
  free(cap);
  return rc;
}

static int read_tags(ztk_ctl_network *n, const json_t *body, ztk_json_why *why)
{
  const json_t *a;
  int rc = array_field(body, "tags", &a, why);
  if (rc || !a)
    return rc;
  n->tag_count = 0;
  for (size_t i = 0; !rc && i < json_array_size(a); i++) {
    char b[FIELD_MAX];
    const json_t *t = json_array_get(a, i), *d = json_object_get(t, "default");
    uint64_t id = 0, dflt = 0;
    if (!json_is_object(t))
      return ztk_json_fail(why, ZTK_EJSON_FIELD, item(b, "tags", i, NULL), "expected an object");
    rc = ztk_json_uint(json_object_get(t, "id"), item(b, "tags", i, "id"), 0, UINT32_MAX, &id, why);
    if (!rc)
      rc = ztk_json_uint(d, item(b, "tags", i, "default"), 0, UINT32_MAX, &dflt, why);
    ztk_ctl_tag tag = {(uint32_t)id, d && !json_is_null(d), (uint32_t)dflt};
    if (!rc)
      rc = add_result(ztk_ctl_network_add_tag(n, &tag), "tags", why);
  }
  return rc;
}

/* "dns": an object replaces the settings; anything else is ignored, as 1.14.1 does. */
static int read_dns(ztk_ctl_network *n, const json_t *body, ztk_json_why *why)
{
  const json_t *d = json_object_get(body, "dns");
  if (!json_is_object(d))
    return 0;
  ztk_ctl_dns dns;
  memset(&dns, 0, sizeof dns);
  dns.set = true;
  if (ztk_json_str(json_object_get(d, "domain"), "dns.domain", "", dns.domain, sizeof dns.domain,
                   why))
    return ZTK_EJSON_FIELD;
  const json_t *s = json_object_get(d, "servers");
  if (s && !json_is_null(s)) {
    if (!json_is_array(s) || json_array_size(s) > ZTK_CTL_MAX_DNS_SERVERS)
      return ztk_json_fail(why, ZTK_EJSON_FIELD, "dns.servers", "expected up to %d addresses",
                           ZTK_CTL_MAX_DNS_SERVERS);
    for (size_t i = 0; i < json_array_size(s); i++) {
      char b[FIELD_MAX];
      if (ztk_json_ip(json_array_get(s, i), item(b, "dns.servers", i, NULL), 0, false,
                      &dns.servers[i], why))
        return ZTK_EJSON_FIELD;
    }
    dns.server_count = (unsigned)json_array_size(s);
  }
  n->dns = dns;
  return 0;
}

/* "authTokens": an object of token -> expiry replaces the tokens; anything else clears them. */
static int read_tokens(ztk_ctl_network *n, const json_t *body, ztk_json_why *why)
{
  json_t *t = json_object_get(body, "authTokens");
  if (!t)
    return 0;
  n->token_count = 0;
  if (!json_is_object(t))
    return 0;
  const char *key;
  json_t *v;
  json_object_foreach(t, key, v)
  {
    char b[FIELD_MAX];
    int64_t expires;
    snprintf(b, sizeof b, "authTokens.%.60s", key);
    if (!json_is_number(v) || ztk_json_int(v, b, 0, &expires, why) || expires < 0)
      return ztk_json_fail(why, ZTK_EJSON_FIELD, b, "expected an expiry time >= 0");
    int rc = ztk_ctl_network_add_token(n, key, expires);
    if (rc)
      return rc == ZTK_ENOMEM ? rc
                              : ztk_json_fail(why, ZTK_EJSON_FIELD, b, "bad token or too many");
  }
  return 0;
}

int ztk_json_trace_target(const json_t *body, bool *has, ztk_address *target, ztk_json_why *why)
{
  const json_t *v = json_object_get(body, "remoteTraceTarget");
  char s[64];
  if (!v)
    return 0;
  if (ztk_json_str(v, "remoteTraceTarget", "", s, sizeof s, why))
    return ZTK_EJSON_FIELD;
  *has = strlen(s) == 10;
  *target = 0;
  if (*has && ztk_json_hex(json_object_get(body, "remoteTraceTarget"), "remoteTraceTarget", 0, 10,
                           target, why))
    return ZTK_EJSON_FIELD;
  return 0;
}

static int read_assign_modes(ztk_ctl_network *n, const json_t *body, ztk_json_why *why)
{
  const json_t *v4 = json_object_get(body, "v4AssignMode"), *v6;
  if (json_is_string(v4))
    n->v4_zt = !strcmp(json_string_value(v4), "zt");
  else if (json_is_object(v4) &&
           ztk_json_bool(json_object_get(v4, "zt"), "v4AssignMode.zt", false, &n->v4_zt, why))
    return ZTK_EJSON_FIELD;
  else if (v4 && !json_is_object(v4))
    n->v4_zt = false;
  v6 = json_object_get(body, "v6AssignMode");
  if (json_is_string(v6)) {
    const char *s = json_string_value(v6);
    n->v6_rfc4193 = n->v6_zt = n->v6_6plane = false;
    for (const char *p = s; *p;) {
      size_t len = strcspn(p, ",");
      n->v6_rfc4193 |= len == 7 && !strncmp(p, "rfc4193", 7);
      n->v6_zt |= len == 2 && !strncmp(p, "zt", 2);
      n->v6_6plane |= len == 6 && !strncmp(p, "6plane", 6);
      p += len + (p[len] == ',');
    }
  } else if (json_is_object(v6)) {
    bool a = false, b = false, c = false;
    if (ztk_json_bool(json_object_get(v6, "rfc4193"), "v6AssignMode.rfc4193", false, &a, why) ||
        ztk_json_bool(json_object_get(v6, "zt"), "v6AssignMode.zt", false, &b, why) ||
        ztk_json_bool(json_object_get(v6, "6plane"), "v6AssignMode.6plane", false, &c, why))
      return ZTK_EJSON_FIELD;
    n->v6_rfc4193 = a, n->v6_zt = b, n->v6_6plane = c;
  } else if (v6) {
    n->v6_rfc4193 = n->v6_zt = n->v6_6plane = false;
  }
  return 0;
}

static int read_scalars(ztk_ctl_network *n, const json_t *body, ztk_json_why *why)
{
  const json_t *v;
  uint64_t u = 0;
  int rc = 0;
  if ((v = json_object_get(body, "name")))
    rc |= ztk_json_str(v, "name", "", n->name, sizeof n->name, why);
  if (!rc && (v = json_object_get(body, "private")))
    rc |= ztk_json_bool(v, "private", true, &n->is_private, why);
  if (!rc && (v = json_object_get(body, "enableBroadcast")))
    rc |= ztk_json_bool(v, "enableBroadcast", false, &n->enable_broadcast, why);
  if (!rc && (v = json_object_get(body, "multicastLimit")) &&
      !(rc |= ztk_json_uint(v, "multicastLimit", 32, UINT32_MAX, &u, why)))
    n->multicast_limit = (uint32_t)u;
  if (!rc && (v = json_object_get(body, "mtu")) &&
      !(rc |= ztk_json_uint(v, "mtu", ZTK_DEFAULT_MTU, UINT64_MAX, &u, why)))
    n->mtu = u < ZTK_MIN_MTU ? ZTK_MIN_MTU : u > ZTK_MAX_MTU ? ZTK_MAX_MTU : (uint32_t)u;
  if (!rc && (v = json_object_get(body, "remoteTraceLevel")) &&
      !(rc |= ztk_json_uint(v, "remoteTraceLevel", 0, UINT32_MAX, &u, why)))
    n->trace_level = (uint32_t)u;
  if (!rc)
    rc = ztk_json_trace_target(body, &n->has_trace_target, &n->trace_target, why);
  return rc ? ZTK_EJSON_FIELD : 0;
}

/* Fields 1.14.1 keeps in its files but does not take in POST. */
static int read_extensions(ztk_ctl_network *n, const json_t *body, ztk_json_why *why)
{
  const json_t *v;
  int rc = 0;
  if ((v = json_object_get(body, "certificateTimeoutWindowSize"))) {
    n->has_ctw = !json_is_null(v);
    rc |= ztk_json_int(v, "certificateTimeoutWindowSize", 0, &n->ctw, why);
  }
  if (!rc && (v = json_object_get(body, "ssoEnabled")))
    rc |= ztk_json_bool(v, "ssoEnabled", false, &n->sso_enabled, why);
  if (!rc && (v = json_object_get(body, "clientId")))
    rc |= ztk_json_str(v, "clientId", "", n->client_id, sizeof n->client_id, why);
  if (!rc && (v = json_object_get(body, "authorizationEndpoint")))
    rc |= ztk_json_str(v, "authorizationEndpoint", "", n->authorization_endpoint,
                       sizeof n->authorization_endpoint, why);
  return rc ? ZTK_EJSON_FIELD : 0;
}

int ztk_ctl_network_apply_post(ztk_ctl_network *n, const json_t *body, ztk_json_why *why)
{
  if (!json_is_object(body))
    return ztk_json_fail(why, ZTK_EJSON_FIELD, "body", "expected an object");
  int rc = read_scalars(n, body, why);
  if (!rc)
    rc = read_assign_modes(n, body, why);
  if (!rc)
    rc = read_routes(n, body, why);
  if (!rc)
    rc = read_pools(n, body, why);
  if (!rc)
    rc = read_rules(n, body, why);
  if (!rc)
    rc = read_tokens(n, body, why);
  if (!rc)
    rc = read_caps(n, body, why);
  if (!rc)
    rc = read_tags(n, body, why);
  if (!rc)
    rc = read_dns(n, body, why);
  if (!rc)
    rc = read_extensions(n, body, why);
  return rc;
}

int ztk_ctl_network_from_doc(ztk_ctl_network *n, const json_t *doc, ztk_json_why *why)
{
  const char *objtype = json_string_value(json_object_get(doc, "objtype"));
  uint64_t revision = 0;
  if (!json_is_object(doc) || (objtype && strcmp(objtype, "network")))
    return ztk_json_fail(why, ZTK_EJSON_FIELD, "objtype", "not a network document");
  int rc = ztk_json_hex(json_object_get(doc, "id"), "id", 0, 16, &n->nwid, why);
  if (!rc && !n->nwid)
    rc = ztk_json_fail(why, ZTK_EJSON_FIELD, "id", "missing");
  if (!rc)
    rc = ztk_json_int(json_object_get(doc, "creationTime"), "creationTime", 0, &n->creation_time,
                      why);
  if (!rc)
    rc = ztk_json_uint(json_object_get(doc, "revision"), "revision", 0, UINT64_MAX, &revision, why);
  n->revision = revision;
  return rc ? rc : ztk_ctl_network_apply_post(n, doc, why);
}
