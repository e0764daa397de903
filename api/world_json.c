#include "api/world_json.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util/hex.h"

static int fail(ztk_json_why *why, int code, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));

/* Records why a conversion failed; returns code. */
static int fail(ztk_json_why *why, int code, const char *fmt, ...)
{
  if (why) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why->text, sizeof why->text, fmt, ap);
    va_end(ap);
  }
  return code;
}

int ztk_world_json_key(const json_t *doc, const char *field, uint8_t key[ZTK_WORLD_KEY_LEN],
                       ztk_json_why *why)
{
  const json_t *v = json_object_get(doc, field);
  if (!v)
    return fail(why, ZTK_ENOTFOUND, "%s: missing", field);
  const char *s = json_string_value(v);
  if (!s || ztk_hex_decode(key, ZTK_WORLD_KEY_LEN, s, strlen(s)))
    return fail(why, ZTK_EJSON_FIELD, "%s: not %d hex digits", field, 2 * ZTK_WORLD_KEY_LEN);
  return 0;
}

static int read_type(const json_t *doc, uint8_t dflt, uint8_t *type, ztk_json_why *why)
{
  const json_t *v = json_object_get(doc, "worldType");
  const char *s = json_string_value(v);
  if (!v && dflt) {
    *type = dflt;
    return 0;
  }
  if (s && !strcmp(s, "planet"))
    *type = ZTK_WORLD_PLANET;
  else if (s && !strcmp(s, "moon"))
    *type = ZTK_WORLD_MOON;
  else
    return fail(why, ZTK_EJSON_FIELD, "worldType: must be \"planet\" or \"moon\"");
  return 0;
}

/* "id": 1..16 hex digits in a string (as zerotier-idtool), or a JSON integer; never zero. */
static int read_id(const json_t *doc, uint64_t *id, ztk_json_why *why)
{
  const json_t *v = json_object_get(doc, "id");
  const char *s = json_string_value(v);
  *id = 0;
  if (json_is_integer(v) && json_integer_value(v) > 0)
    *id = (uint64_t)json_integer_value(v);
  else if (s && !ztk_hex_u64(s, strlen(s), id) && *id)
    return 0;
  if (!*id)
    return fail(why, ZTK_EJSON_FIELD, "id: not a non-zero hex string or positive integer");
  return 0;
}

static int read_timestamp(const json_t *doc, uint64_t dflt, uint64_t *ts, ztk_json_why *why)
{
  const json_t *v = json_object_get(doc, "timestamp");
  if (!v) {
    *ts = dflt;
    return 0;
  }
  if (!json_is_integer(v) || json_integer_value(v) < 0)
    return fail(why, ZTK_EJSON_FIELD, "timestamp: not a non-negative integer (ms)");
  *ts = (uint64_t)json_integer_value(v);
  return 0;
}

static int read_root(ztk_world *w, const json_t *r, size_t i, ztk_json_why *why)
{
  ztk_identity id;
  const char *s = json_string_value(json_object_get(r, "identity"));
  int rc = s ? ztk_identity_from_string(&id, s) : ZTK_EINVAL;
  if (rc == 0)
    rc = ztk_identity_validate(&id);
  if (rc)
    return fail(why, ZTK_EJSON_FIELD, "roots[%zu].identity: %s", i,
                s ? ztk_strerror(rc) : "missing or not a string");
  int at = ztk_world_add_root(w, &id);
  if (at < 0)
    return fail(why, at, "roots: more than %d", ZTK_WORLD_MAX_ROOTS);
  const json_t *eps = json_object_get(r, "stableEndpoints");
  if (eps && !json_is_array(eps))
    return fail(why, ZTK_EJSON_FIELD, "roots[%zu].stableEndpoints: not an array", i);
  size_t k;
  const json_t *e;
  json_array_foreach(eps, k, e)
  {
    ztk_inaddr a;
    const char *t = json_string_value(e);
    if (!t || ztk_inaddr_parse(&a, t) || !a.family)
      return fail(why, ZTK_EJSON_FIELD, "roots[%zu].stableEndpoints[%zu]: not \"ip/port\"", i, k);
    rc = ztk_world_add_endpoint(w, (unsigned)at, &a);
    if (rc)
      return fail(why, rc, "roots[%zu].stableEndpoints: more than %d", i,
                  ZTK_WORLD_MAX_ENDPOINTS);
  }
  return 0;
}

/* zerotier-idtool sorts with the C++ operator< of its InetAddress, which compares the raw
 * sockaddr fields as host integers: on the little-endian hosts it ships for, the network-order
 * port and IPv4 address compare byte-swapped. We reproduce that order so genmoon output is
 * byte-identical. */
static uint32_t swapped(const uint8_t *p, size_t n)
{
  uint32_t v = 0;
  for (size_t i = n; i-- > 0;)
    v = (v << 8) | p[i];
  return v;
}

static int idtool_endpoint_cmp(const ztk_inaddr *a, const ztk_inaddr *b)
{
  static const int af[7] = {0, 0, 0, 0, 2, 0, 10}; /* family 4 -> AF_INET, 6 -> AF_INET6 */
  int fa = af[a->family % 7], fb = af[b->family % 7];
  if (fa != fb)
    return fa < fb ? -1 : 1;
  uint8_t pa[2] = {(uint8_t)(a->port >> 8), (uint8_t)a->port};
  uint8_t pb[2] = {(uint8_t)(b->port >> 8), (uint8_t)b->port};
  uint32_t ka = swapped(pa, 2), kb = swapped(pb, 2);
  if (ka != kb)
    return ka < kb ? -1 : 1;
  if (a->family == 4) {
    ka = swapped(a->ip, 4);
    kb = swapped(b->ip, 4);
    return ka < kb ? -1 : ka > kb;
  }
  return a->family == 6 ? memcmp(a->ip, b->ip, 16) : 0;
}

static int idtool_root_cmp(const ztk_world_root *a, const ztk_world_root *b)
{
  if (a->identity.address != b->identity.address)
    return a->identity.address < b->identity.address ? -1 : 1;
  return memcmp(a->identity.pub, b->identity.pub, sizeof a->identity.pub);
}

/* Insertion sorts over at most 32 endpoints and 4 roots. */
static void idtool_sort(ztk_world *w)
{
  for (uint8_t r = 0; r < w->n_roots; r++) {
    ztk_inaddr *e = w->roots[r].endpoints;
    for (int i = 1; i < w->roots[r].n_endpoints; i++) {
      ztk_inaddr tmp = e[i];
      int j = i - 1;
      for (; j >= 0 && idtool_endpoint_cmp(&e[j], &tmp) > 0; j--)
        e[j + 1] = e[j];
      e[j + 1] = tmp;
    }
  }
  for (int i = 1; i < w->n_roots; i++) {
    ztk_world_root tmp = w->roots[i];
    int j = i - 1;
    for (; j >= 0 && idtool_root_cmp(&w->roots[j], &tmp) > 0; j--)
      w->roots[j + 1] = w->roots[j];
    w->roots[j + 1] = tmp;
  }
}

int ztk_world_from_json(ztk_world *w, const json_t *doc, const ztk_world_json_opts *opts,
                        ztk_json_why *why)
{
  uint8_t type = 0, key[ZTK_WORLD_KEY_LEN] = {0};
  uint64_t id = 0, ts = 0;
  memset(w, 0, sizeof *w);
  if (!json_is_object(doc))
    return fail(why, ZTK_EJSON_FIELD, "document: not a JSON object");
  int rc = read_type(doc, opts->default_type, &type, why);
  if (!rc)
    rc = read_id(doc, &id, why);
  if (!rc)
    rc = read_timestamp(doc, opts->default_timestamp, &ts, why);
  if (!rc && json_object_get(doc, "updatesMustBeSignedBy"))
    rc = ztk_world_json_key(doc, "updatesMustBeSignedBy", key, why);
  if (rc)
    return rc;
  ztk_world_init(w, type, id, ts, key);
  const json_t *roots = json_object_get(doc, "roots"), *r;
  size_t i;
  if (roots && !json_is_array(roots))
    return fail(why, ZTK_EJSON_FIELD, "roots: not an array");
  if (json_array_size(roots) < opts->min_roots)
    return fail(why, ZTK_EJSON_FIELD, "roots: at least %u needed", opts->min_roots);
  json_array_foreach(roots, i, r)
  {
    if (!json_is_object(r))
      return fail(why, ZTK_EJSON_FIELD, "roots[%zu]: not an object", i);
    rc = read_root(w, r, i, why);
    if (rc)
      return rc;
  }
  if (opts->idtool_order)
    idtool_sort(w);
  return 0;
}

static json_t *hex_string(const uint8_t *p, size_t n)
{
  char buf[2 * ZTK_WORLD_SIGNATURE_LEN + 1];
  ztk_hex_encode(buf, p, n);
  return json_string(buf);
}

static json_t *root_json(const ztk_identity *id, const ztk_inaddr *eps, size_t n)
{
  char idstr[ZTK_IDENTITY_STRBUF], ep[ZTK_INADDR_STRLEN];
  json_t *arr = json_array();
  for (size_t k = 0; arr && k < n; k++) {
    ztk_inaddr_format(&eps[k], ep);
    json_array_append_new(arr, eps[k].family ? json_string(ep) : json_null());
  }
  ztk_identity_to_string(id, false, idstr, sizeof idstr);
  return json_pack("{s:s, s:o*}", "identity", idstr, "stableEndpoints", arr);
}

json_t *ztk_world_json_moon_template(const ztk_identity *seed, const uint8_t pub[ZTK_WORLD_KEY_LEN],
                                     const uint8_t priv[ZTK_WORLD_KEY_LEN])
{
  char addr[11];
  snprintf(addr, sizeof addr, "%.10llx", (unsigned long long)seed->address);
  return json_pack("{s:s, s:s, s:s, s:[o*], s:o*, s:o*, s:o*}", "objtype", "world", "worldType",
                   "moon", "id", addr, "roots", root_json(seed, NULL, 0), "signingKey",
                   hex_string(pub, ZTK_WORLD_KEY_LEN), "signingKey_SECRET",
                   hex_string(priv, ZTK_WORLD_KEY_LEN), "updatesMustBeSignedBy",
                   hex_string(pub, ZTK_WORLD_KEY_LEN));
}

static const char *type_name(uint8_t type)
{
  return type == ZTK_WORLD_PLANET ? "planet" : type == ZTK_WORLD_MOON ? "moon" : "null";
}

json_t *ztk_world_to_json(const ztk_world *w)
{
  char id[17];
  snprintf(id, sizeof id, "%.16llx", (unsigned long long)w->id);
  json_t *roots = json_array();
  for (uint8_t i = 0; roots && i < w->n_roots && i < ZTK_WORLD_MAX_ROOTS; i++)
    json_array_append_new(roots, root_json(&w->roots[i].identity, w->roots[i].endpoints,
                                           w->roots[i].n_endpoints));
  return json_pack("{s:s, s:s, s:s, s:I, s:o*, s:o*, s:b, s:o*}", "objtype", "world",
                   "worldType", type_name(w->type), "id", id, "timestamp",
                   (json_int_t)w->timestamp, "updatesMustBeSignedBy",
                   hex_string(w->update_key, ZTK_WORLD_KEY_LEN), "signature",
                   hex_string(w->signature, ZTK_WORLD_SIGNATURE_LEN),
                   "signatureValidWithOwnKey", ztk_world_verify(w, w->update_key) == 0, "roots",
                   roots);
}

char *ztk_world_json_dump(const json_t *doc)
{
  char *text = json_dumps(doc, JSON_INDENT(1) | JSON_SORT_KEYS);
  if (!text)
    return NULL;
  size_t n = strlen(text);
  char *out = realloc(text, n + 2);
  if (!out) {
    free(text);
    return NULL;
  }
  memcpy(out + n, "\n", 2);
  return out;
}
