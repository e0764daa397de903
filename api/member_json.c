/* Member documents (ctl_json.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/ctl_json.h"

#define FIELD_MAX 64

static json_t *nullable_string(const char *s)
{
  return s[0] ? json_string(s) : json_null();
}

static json_t *ips_json(const ztk_ctl_member *m)
{
  json_t *a = json_array();
  for (unsigned i = 0; a && i < m->ip_count; i++) {
    char s[ZTK_INADDR_STRLEN];
    ztk_inaddr_format_ip(&m->ips[i], s);
    if (json_array_append_new(a, json_string(s)))
      a = (json_decref(a), NULL);
  }
  return a;
}

static json_t *tags_json(const ztk_ctl_member *m)
{
  json_t *a = json_array();
  for (unsigned i = 0; a && i < m->tag_count; i++)
    if (json_array_append_new(
            a, json_pack("[I,I]", (json_int_t)m->tags[i].id, (json_int_t)m->tags[i].value)))
      a = (json_decref(a), NULL);
  return a;
}

static json_t *caps_json(const ztk_ctl_member *m)
{
  json_t *a = json_array();
  for (unsigned i = 0; a && i < m->cap_count; i++)
    if (json_array_append_new(a, json_integer(m->caps[i])))
      a = (json_decref(a), NULL);
  return a;
}

static int put_versions(json_t *o, const ztk_ctl_member *m)
{
  return ztk_json_set(o, "vMajor", json_integer(m->v_major)) |
         ztk_json_set(o, "vMinor", json_integer(m->v_minor)) |
         ztk_json_set(o, "vRev", json_integer(m->v_rev)) |
         ztk_json_set(o, "vProto", json_integer(m->v_proto));
}

static int put_identity(json_t *o, const ztk_ctl_member *m)
{
  char s[ZTK_IDENTITY_STRBUF];
  if (!m->has_identity)
    return 0; /* 1.14.1 writes "identity" once it has learned it */
  if (ztk_identity_to_string(&m->identity, false, s, sizeof s) < 0)
    return ZTK_ENOMEM;
  return ztk_json_set(o, "identity", json_string(s));
}

json_t *ztk_ctl_member_to_json(const ztk_ctl_member *m)
{
  char a[11], nw[17], tt[11];
  ztk_json_fmt_address(a, m->address);
  ztk_json_fmt_nwid(nw, m->nwid);
  ztk_json_fmt_address(tt, m->trace_target);
  json_t *o = json_object();
  if (!o)
    return NULL;
  int rc =
      ztk_json_set(o, "id", json_string(a)) | ztk_json_set(o, "address", json_string(a)) |
      ztk_json_set(o, "nwid", json_string(nw)) |
      ztk_json_set(o, "authorized", json_boolean(m->authorized)) |
      ztk_json_set(o, "activeBridge", json_boolean(m->active_bridge)) |
      ztk_json_set(o, "noAutoAssignIps", json_boolean(m->no_auto_assign_ips)) |
      ztk_json_set(o, "ssoExempt", json_boolean(m->sso_exempt)) |
      ztk_json_set(o, "ipAssignments", ips_json(m)) | ztk_json_set(o, "tags", tags_json(m)) |
      ztk_json_set(o, "capabilities", caps_json(m)) |
      ztk_json_set(o, "creationTime", json_integer(m->creation_time)) |
      ztk_json_set(o, "revision", json_integer((json_int_t)m->revision)) |
      ztk_json_set(o, "lastAuthorizedTime", json_integer(m->last_authorized_time)) |
      ztk_json_set(o, "lastDeauthorizedTime", json_integer(m->last_deauthorized_time)) |
      ztk_json_set(o, "lastAuthorizedCredentialType", nullable_string(m->last_auth_type)) |
      ztk_json_set(o, "lastAuthorizedCredential", nullable_string(m->last_auth_credential)) |
      ztk_json_set(o, "authenticationExpiryTime", json_integer(m->auth_expiry)) |
      ztk_json_set(o, "remoteTraceTarget", m->has_trace_target ? json_string(tt) : json_null()) |
      ztk_json_set(o, "remoteTraceLevel", json_integer(m->trace_level)) |
      ztk_json_set(o, "objtype", json_string("member")) | put_versions(o, m) | put_identity(o, m);
  if (m->has_name)
    rc |= ztk_json_set(o, "name", json_string(m->name));
  if (rc) {
    json_decref(o);
    return NULL;
  }
  return o;
}

/* ---- reading ------------------------------------------------------------------------------- */

static int read_ips(ztk_ctl_member *m, const json_t *a, ztk_json_why *why)
{
  if (!json_is_array(a))
    return ztk_json_fail(why, ZTK_EJSON_FIELD, "ipAssignments", "expected an array");
  m->ip_count = 0;
  for (size_t i = 0; i < json_array_size(a); i++) {
    char b[FIELD_MAX];
    ztk_inaddr ip;
    snprintf(b, sizeof b, "ipAssignments[%zu]", i);
    if (ztk_json_ip(json_array_get(a, i), b, 0, true, &ip, why))
      return ZTK_EJSON_FIELD;
    int rc = ztk_ctl_member_add_ip(m, &ip);
    if (rc)
      return rc == ZTK_ENOMEM ? rc
                              : ztk_json_fail(why, ZTK_EJSON_FIELD, "ipAssignments",
                                              "more than %d addresses", ZTK_CTL_MAX_MEMBER_IPS);
  }
  return 0;
}

static int tag_cmp(const void *a, const void *b)
{
  uint32_t x = ((const ztk_ctl_member_tag *)a)->id, y = ((const ztk_ctl_member_tag *)b)->id;
  return x < y ? -1 : x > y;
}

/* [[id, value], ...]: kept sorted by id, a repeated id keeps its last value (1.14.1). */
static int read_tags(ztk_ctl_member *m, const json_t *a, ztk_json_why *why)
{
  if (!json_is_array(a))
    return ztk_json_fail(why, ZTK_EJSON_FIELD, "tags", "expected an array");
  m->tag_count = 0;
  for (size_t i = 0; i < json_array_size(a); i++) {
    char b[FIELD_MAX];
    const json_t *t = json_array_get(a, i);
    uint64_t id = 0, value = 0;
    snprintf(b, sizeof b, "tags[%zu]", i);
    if (!json_is_array(t) || json_array_size(t) != 2)
      return ztk_json_fail(why, ZTK_EJSON_FIELD, b, "expected [id, value]");
    if (ztk_json_uint(json_array_get(t, 0), b, 0, UINT32_MAX, &id, why) ||
        ztk_json_uint(json_array_get(t, 1), b, 0, UINT32_MAX, &value, why))
      return ZTK_EJSON_FIELD;
    int rc = ztk_ctl_member_set_tag(m, (uint32_t)id, (uint32_t)value);
    if (rc)
      return rc == ZTK_ENOMEM ? rc : ztk_json_fail(why, ZTK_EJSON_FIELD, "tags", "too many");
  }
  if (m->tag_count)
    qsort(m->tags, m->tag_count, sizeof *m->tags, tag_cmp);
  return 0;
}

static int read_caps(ztk_ctl_member *m, const json_t *a, ztk_json_why *why)
{
  if (!json_is_array(a))
    return ztk_json_fail(why, ZTK_EJSON_FIELD, "capabilities", "expected an array");
  m->cap_count = 0;
  for (size_t i = 0; i < json_array_size(a); i++) {
    char b[FIELD_MAX];
    uint64_t id = 0;
    snprintf(b, sizeof b, "capabilities[%zu]", i);
    if (ztk_json_uint(json_array_get(a, i), b, 0, UINT32_MAX, &id, why))
      return ZTK_EJSON_FIELD;
    int rc = ztk_ctl_member_add_cap(m, (uint32_t)id);
    if (rc)
      return rc == ZTK_ENOMEM ? rc
                              : ztk_json_fail(why, ZTK_EJSON_FIELD, "capabilities", "too many");
  }
  return 0;
}

static int read_lists(ztk_ctl_member *m, const json_t *body, ztk_json_why *why)
{
  const json_t *v;
  int rc = 0;
  if ((v = json_object_get(body, "ipAssignments")) && !json_is_null(v))
    rc = read_ips(m, v, why);
  if (!rc && (v = json_object_get(body, "tags")) && !json_is_null(v))
    rc = read_tags(m, v, why);
  if (!rc && (v = json_object_get(body, "capabilities")) && !json_is_null(v))
    rc = read_caps(m, v, why);
  return rc;
}

static int read_flags(ztk_ctl_member *m, const json_t *body, ztk_json_why *why)
{
  const json_t *v;
  int rc = 0;
  uint64_t u = 0;
  if ((v = json_object_get(body, "activeBridge")))
    rc |= ztk_json_bool(v, "activeBridge", false, &m->active_bridge, why);
  if (!rc && (v = json_object_get(body, "noAutoAssignIps")))
    rc |= ztk_json_bool(v, "noAutoAssignIps", false, &m->no_auto_assign_ips, why);
  if (!rc && (v = json_object_get(body, "ssoExempt")))
    rc |= ztk_json_bool(v, "ssoExempt", false, &m->sso_exempt, why);
  if (!rc && (v = json_object_get(body, "authenticationExpiryTime")))
    rc |= ztk_json_int(v, "authenticationExpiryTime", 0, &m->auth_expiry, why);
  if (!rc && (v = json_object_get(body, "name")) &&
      !(rc |= ztk_json_str(v, "name", "", m->name, sizeof m->name, why)))
    m->has_name = true;
  if (!rc && (v = json_object_get(body, "remoteTraceLevel")) &&
      !(rc |= ztk_json_uint(v, "remoteTraceLevel", 0, UINT32_MAX, &u, why)))
    m->trace_level = (uint32_t)u;
  if (!rc)
    rc = ztk_json_trace_target(body, &m->has_trace_target, &m->trace_target, why);
  return rc ? ZTK_EJSON_FIELD : 0;
}

int ztk_ctl_member_apply_post(ztk_ctl_member *m, const json_t *body, int64_t now, ztk_json_why *why)
{
  if (!json_is_object(body))
    return ztk_json_fail(why, ZTK_EJSON_FIELD, "body", "expected an object");
  int rc = read_flags(m, body, why);
  const json_t *v = json_object_get(body, "authorized");
  if (!rc && v) {
    bool yes;
    rc = ztk_json_bool(v, "authorized", false, &yes, why);
    if (!rc)
      ztk_ctl_member_set_authorized(m, yes, now);
  }
  return rc ? rc : read_lists(m, body, why);
}

/* ---- whole documents ------------------------------------------------------------------------ */

static int read_identity(ztk_ctl_member *m, const json_t *doc, ztk_json_why *why)
{
  const json_t *v = json_object_get(doc, "identity");
  if (!v || json_is_null(v) || (json_is_string(v) && !json_string_length(v)))
    return 0;
  const char *s = json_string_value(v);
  if (!s || ztk_identity_from_string(&m->identity, s) || m->identity.has_private ||
      m->identity.address != m->address) {
    memset(&m->identity, 0, sizeof m->identity);
    return ztk_json_fail(why, ZTK_EJSON_FIELD, "identity",
                         "expected this member's public identity");
  }
  m->has_identity = true;
  return 0;
}

static int read_auth_record(ztk_ctl_member *m, const json_t *doc, ztk_json_why *why)
{
  int rc =
      ztk_json_bool(json_object_get(doc, "authorized"), "authorized", false, &m->authorized, why);
  if (!rc)
    rc = ztk_json_str(json_object_get(doc, "lastAuthorizedCredentialType"),
                      "lastAuthorizedCredentialType", "", m->last_auth_type,
                      sizeof m->last_auth_type, why);
  if (!rc && m->last_auth_type[0] && strcmp(m->last_auth_type, "api") &&
      strcmp(m->last_auth_type, "public") && strcmp(m->last_auth_type, "token"))
    rc = ztk_json_fail(why, ZTK_EJSON_FIELD, "lastAuthorizedCredentialType",
                       "expected null, \"api\", \"public\" or \"token\"");
  if (!rc)
    rc = ztk_json_str(json_object_get(doc, "lastAuthorizedCredential"), "lastAuthorizedCredential",
                      "", m->last_auth_credential, sizeof m->last_auth_credential, why);
  return rc;
}

static int read_bookkeeping(ztk_ctl_member *m, const json_t *doc, ztk_json_why *why)
{
  static const char *const names[] = {
      "creationTime", "lastAuthorizedTime", "lastDeauthorizedTime", "vMajor", "vMinor", "vRev",
      "vProto"};
  int64_t *fields[] = {&m->creation_time,
                       &m->last_authorized_time,
                       &m->last_deauthorized_time,
                       &m->v_major,
                       &m->v_minor,
                       &m->v_rev,
                       &m->v_proto};
  uint64_t revision = 0;
  int rc = 0;
  for (size_t i = 0; !rc && i < sizeof names / sizeof names[0]; i++)
    rc = ztk_json_int(json_object_get(doc, names[i]), names[i], *fields[i], fields[i], why);
  if (!rc)
    rc = ztk_json_uint(json_object_get(doc, "revision"), "revision", 0, UINT64_MAX, &revision, why);
  m->revision = revision;
  return rc;
}

int ztk_ctl_member_from_doc(ztk_ctl_member *m, const json_t *doc, ztk_json_why *why)
{
  const char *objtype = json_string_value(json_object_get(doc, "objtype"));
  const json_t *id = json_object_get(doc, "id");
  uint64_t nwid = 0, address = 0;
  if (!json_is_object(doc) || (objtype && strcmp(objtype, "member")))
    return ztk_json_fail(why, ZTK_EJSON_FIELD, "objtype", "not a member document");
  int rc = ztk_json_hex(id ? id : json_object_get(doc, "address"), "id", 0, 10, &address, why);
  if (!rc)
    rc = ztk_json_hex(json_object_get(doc, "nwid"), "nwid", 0, 16, &nwid, why);
  if (!rc && (!address || !nwid))
    rc = ztk_json_fail(why, ZTK_EJSON_FIELD, address ? "nwid" : "id", "missing");
  if (rc)
    return rc;
  m->nwid = nwid;
  m->address = address;
  rc = read_identity(m, doc, why);
  if (!rc)
    rc = read_auth_record(m, doc, why);
  if (!rc)
    rc = read_bookkeeping(m, doc, why);
  if (!rc)
    rc = read_flags(m, doc, why);
  return rc ? rc : read_lists(m, doc, why);
}
