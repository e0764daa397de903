/* The controller's HTTP paths (protocol notes §13.1) with 1.14.1's semantics. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_internal.h"
#include "api/ctl_json.h"

#define API_VERSION 4

typedef void (*handler_fn)(const ztk_api_call *call, const uint64_t ids[2], ztk_api_reply *r);

static void controller_get(const ztk_api_call *call, const uint64_t ids[2], ztk_api_reply *r)
{
  (void)ids;
  ztk_api_ok(r, json_pack("{s:b,s:i,s:I,s:b}", "controller", 1, "apiVersion", API_VERSION, "clock",
                          (json_int_t)call->now, "databaseReady", 1));
}

static void network_list(const ztk_api_call *call, const uint64_t ids[2], ztk_api_reply *r)
{
  (void)ids;
  uint64_t nwids[ZTK_CTL_MAX_NETWORKS];
  unsigned n = ztk_ctl_network_list(call->api->ctl, nwids, ZTK_CTL_MAX_NETWORKS);
  json_t *a = json_array();
  for (unsigned i = 0; a && i < n; i++) {
    char s[17];
    ztk_json_fmt_nwid(s, nwids[i]);
    if (json_array_append_new(a, json_string(s)))
      a = (json_decref(a), NULL);
  }
  ztk_api_ok(r, a);
}

/* A network's document with "meta": {totalMemberCount, authorizedMemberCount}. */
static json_t *network_with_meta(ztk_ctl *ctl, uint64_t nwid)
{
  ztk_ctl_network n;
  unsigned total = 0, authorized = 0;
  memset(&n, 0, sizeof n);
  if (ztk_ctl_network_get(ctl, nwid, &n))
    return NULL;
  json_t *doc = ztk_ctl_network_to_json(&n);
  ztk_ctl_network_free(&n);
  ztk_ctl_network_counts(ctl, nwid, &total, &authorized);
  if (doc && ztk_json_set(doc, "meta",
                          json_pack("{s:I,s:I}", "totalMemberCount", (json_int_t)total,
                                    "authorizedMemberCount", (json_int_t)authorized)))
    doc = (json_decref(doc), NULL);
  return doc;
}

static void network_list2(const ztk_api_call *call, const uint64_t ids[2], ztk_api_reply *r)
{
  (void)ids;
  uint64_t nwids[ZTK_CTL_MAX_NETWORKS];
  unsigned n = ztk_ctl_network_list(call->api->ctl, nwids, ZTK_CTL_MAX_NETWORKS);
  json_t *data = json_array();
  for (unsigned i = 0; data && i < n; i++)
    if (json_array_append_new(data, network_with_meta(call->api->ctl, nwids[i])))
      data = (json_decref(data), NULL);
  ztk_api_ok(r, json_pack("{s:o,s:{s:I}}", "data", data, "meta", "networkCount", (json_int_t)n));
}

/* Create-or-update network nwid (0: a new generated id) from the body. */
static void network_save(const ztk_api_call *call, uint64_t nwid, ztk_api_reply *r)
{
  ztk_ctl_network n, saved;
  ztk_json_why why = {""};
  if (ztk_api_bad_body(call, r))
    return;
  memset(&n, 0, sizeof n);
  memset(&saved, 0, sizeof saved);
  if ((!nwid || ztk_ctl_network_get(call->api->ctl, nwid, &n)) && ztk_ctl_network_init(&n)) {
    ztk_api_error(r, 500, "out of memory");
    return;
  }
  n.nwid = nwid;
  int rc = ztk_ctl_network_apply_post(&n, call->body, &why);
  if (!rc)
    rc = ztk_ctl_network_put(call->api->ctl, call->now, &n, &saved);
  if (rc == ZTK_EJSON_FIELD)
    ztk_api_error(r, 400, "%s", why.text);
  else if (rc == ZTK_ELIMIT)
    ztk_api_error(r, 503, "no room for another network");
  else if (rc)
    ztk_api_error(r, 500, "%s", ztk_strerror(rc));
  else
    ztk_api_ok(r, ztk_ctl_network_to_json(&saved));
  ztk_ctl_network_free(&n);
  ztk_ctl_network_free(&saved);
}

static void network_create(const ztk_api_call *call, const uint64_t ids[2], ztk_api_reply *r)
{
  (void)ids;
  network_save(call, 0, r);
}

/* The legacy path /controller/network/<our address>______ */
static void network_create_legacy(const ztk_api_call *call, const uint64_t ids[2], ztk_api_reply *r)
{
  if (ids[0] != ztk_ctl_address(call->api->ctl))
    ztk_api_error(r, 400, "network id prefix: not this controller's address");
  else
    network_save(call, 0, r);
}

static void network_post(const ztk_api_call *call, const uint64_t ids[2], ztk_api_reply *r)
{
  if (!ids[0])
    ztk_api_error(r, 400, "network id: must not be zero");
  else
    network_save(call, ids[0], r);
}

static void network_get(const ztk_api_call *call, const uint64_t ids[2], ztk_api_reply *r)
{
  ztk_ctl_network n;
  memset(&n, 0, sizeof n);
  int rc = ztk_ctl_network_get(call->api->ctl, ids[0], &n);
  if (rc)
    ztk_api_error(r, rc == ZTK_ENOTFOUND ? 404 : 500, "network: %s", ztk_strerror(rc));
  else
    ztk_api_ok(r, ztk_ctl_network_to_json(&n));
  ztk_ctl_network_free(&n);
}

static void network_delete(const ztk_api_call *call, const uint64_t ids[2], ztk_api_reply *r)
{
  ztk_ctl_network n;
  memset(&n, 0, sizeof n);
  int rc = ztk_ctl_network_delete(call->api->ctl, call->now, ids[0], &n);
  if (rc)
    ztk_api_error(r, rc == ZTK_ENOTFOUND ? 404 : 500, "network: %s", ztk_strerror(rc));
  else
    ztk_api_ok(r, ztk_ctl_network_to_json(&n));
  ztk_ctl_network_free(&n);
}

/* ---- members ------------------------------------------------------------------------------ */

/* The member addresses of network nwid (a heap array; NULL with *count 0 when it has none). */
static int members_of(ztk_ctl *ctl, uint64_t nwid, ztk_address **addrs, unsigned *count)
{
  long n = ztk_ctl_member_list(ctl, nwid, NULL, 0);
  *addrs = NULL;
  *count = 0;
  if (n < 0)
    return (int)n;
  if (n && !(*addrs = malloc((size_t)n * sizeof **addrs)))
    return ZTK_ENOMEM;
  *count = (unsigned)ztk_ctl_member_list(ctl, nwid, *addrs, (unsigned)n);
  return 0;
}

static json_t *member_doc(ztk_ctl *ctl, uint64_t nwid, ztk_address a, bool *authorized)
{
  ztk_ctl_member m;
  memset(&m, 0, sizeof m);
  if (ztk_ctl_member_get(ctl, nwid, a, &m))
    return NULL;
  json_t *doc = ztk_ctl_member_to_json(&m);
  if (authorized)
    *authorized = m.authorized;
  ztk_ctl_member_free(&m);
  return doc;
}

/* GET .../member: {"<address>": revision, ...}; the unstable path: documents and counts. */
static void member_list_either(const ztk_api_call *call, uint64_t nwid, bool full, ztk_api_reply *r)
{
  ztk_address *addrs;
  unsigned n, authorized = 0;
  int rc = members_of(call->api->ctl, nwid, &addrs, &n);
  if (rc) {
    ztk_api_error(r, rc == ZTK_ENOTFOUND ? 404 : 500, "network: %s", ztk_strerror(rc));
    return;
  }
  json_t *out = full ? json_array() : json_object();
  for (unsigned i = 0; out && i < n; i++) {
    bool auth = false;
    json_t *doc = member_doc(call->api->ctl, nwid, addrs[i], &auth);
    authorized += auth;
    char a[11];
    ztk_json_fmt_address(a, addrs[i]);
    int fail = !doc;
    if (doc && !full)
      fail = ztk_json_set(out, a, json_incref(json_object_get(doc, "revision")));
    else if (doc)
      fail = json_array_append(out, doc);
    json_decref(doc);
    if (fail)
      out = (json_decref(out), NULL);
  }
  free(addrs);
  if (full && out)
    out = json_pack("{s:o,s:{s:I,s:I}}", "data", out, "meta", "totalCount", (json_int_t)n,
                    "authorizedCount", (json_int_t)authorized);
  ztk_api_ok(r, out);
}

static void member_list(const ztk_api_call *call, const uint64_t ids[2], ztk_api_reply *r)
{
  member_list_either(call, ids[0], false, r);
}

static void member_list2(const ztk_api_call *call, const uint64_t ids[2], ztk_api_reply *r)
{
  member_list_either(call, ids[0], true, r);
}

static void member_get(const ztk_api_call *call, const uint64_t ids[2], ztk_api_reply *r)
{
  ztk_ctl_member m;
  memset(&m, 0, sizeof m);
  int rc = ztk_ctl_member_get(call->api->ctl, ids[0], ids[1], &m);
  if (rc)
    ztk_api_error(r, rc == ZTK_ENOTFOUND ? 404 : 500, "member: %s", ztk_strerror(rc));
  else
    ztk_api_ok(r, ztk_ctl_member_to_json(&m));
  ztk_ctl_member_free(&m);
}

static void member_post(const ztk_api_call *call, const uint64_t ids[2], ztk_api_reply *r)
{
  ztk_ctl *ctl = call->api->ctl;
  ztk_ctl_member m, saved;
  ztk_json_why why = {""};
  if (ztk_api_bad_body(call, r))
    return;
  if (ztk_ctl_network_counts(ctl, ids[0], &(unsigned){0}, &(unsigned){0})) {
    ztk_api_error(r, 404, "network: not found");
    return;
  }
  if (ztk_address_reserved(ids[1])) {
    ztk_api_error(r, 400, "member address: reserved");
    return;
  }
  memset(&m, 0, sizeof m);
  memset(&saved, 0, sizeof saved);
  if (ztk_ctl_member_get(ctl, ids[0], ids[1], &m))
    ztk_ctl_member_init(&m, ids[0], ids[1]);
  int rc = ztk_ctl_member_apply_post(&m, call->body, call->now, &why);
  if (!rc)
    rc = ztk_ctl_member_put(ctl, call->now, &m, &saved);
  if (rc == ZTK_EJSON_FIELD)
    ztk_api_error(r, 400, "%s", why.text);
  else if (rc == ZTK_ELIMIT)
    ztk_api_error(r, 503, "no room for another member");
  else if (rc)
    ztk_api_error(r, rc == ZTK_ENOTFOUND ? 404 : 500, "member: %s", ztk_strerror(rc));
  else
    ztk_api_ok(r, ztk_ctl_member_to_json(&saved));
  ztk_ctl_member_free(&m);
  ztk_ctl_member_free(&saved);
}

static void member_delete(const ztk_api_call *call, const uint64_t ids[2], ztk_api_reply *r)
{
  ztk_ctl_member m;
  memset(&m, 0, sizeof m);
  int rc = ztk_ctl_member_delete(call->api->ctl, call->now, ids[0], ids[1], &m);
  if (rc)
    ztk_api_error(r, rc == ZTK_ENOTFOUND ? 404 : 500, "member: %s", ztk_strerror(rc));
  else
    ztk_api_ok(r, ztk_ctl_member_to_json(&m));
  ztk_ctl_member_free(&m);
}

/* ---- routing ------------------------------------------------------------------------------ */

static const struct ctl_route {
  const char *pattern;
  handler_fn get, post, del; /* post also serves PUT */
} ROUTES[] = {
    {"/controller", controller_get, NULL, NULL},
    {"/controller/network", network_list, network_create, NULL},
    {"/unstable/controller/network", network_list2, NULL, NULL},
    {"/controller/network/%10______", NULL, network_create_legacy, NULL},
    {"/controller/network/%16", network_get, network_post, network_delete},
    {"/controller/network/%16/member", member_list, NULL, NULL},
    {"/unstable/controller/network/%16/member", member_list2, NULL, NULL},
    {"/controller/network/%16/member/%10", member_get, member_post, member_delete},
};

bool ztk_api_controller_route(const ztk_api_call *call, ztk_api_reply *r)
{
  for (size_t i = 0; i < sizeof ROUTES / sizeof ROUTES[0]; i++) {
    uint64_t ids[2] = {0, 0};
    if (!ztk_api_match(call->path, ROUTES[i].pattern, ids))
      continue;
    const char *m = call->method;
    handler_fn h = !strcmp(m, "GET")                         ? ROUTES[i].get
                   : !strcmp(m, "POST") || !strcmp(m, "PUT") ? ROUTES[i].post
                   : !strcmp(m, "DELETE")                    ? ROUTES[i].del
                                                             : NULL;
    if (!call->api->ctl)
      ztk_api_error(r, 404, "not a controller");
    else if (!h)
      ztk_api_error(r, 405, "method not allowed");
    else
      h(call, ids, r);
    return true;
  }
  return false;
}
