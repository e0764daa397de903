/* ztk_api_handle: authentication, body parsing, routing and serialization. */
#include "api/api.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_internal.h"
#include "core/util/hex.h"

#define TOKEN_MAX 512

void ztk_api_error(ztk_api_reply *r, int status, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(r->desc, sizeof r->desc, fmt, ap);
  va_end(ap);
  json_decref(r->doc);
  r->doc = NULL;
  r->status = status;
}

void ztk_api_ok(ztk_api_reply *r, json_t *doc)
{
  if (!doc) {
    ztk_api_error(r, 500, "out of memory");
    return;
  }
  json_decref(r->doc);
  r->doc = doc;
  r->status = 200;
}

bool ztk_api_bad_body(const ztk_api_call *call, ztk_api_reply *r)
{
  if (!call->body_error)
    return false;
  ztk_api_error(r, 400, "body: %s", call->body_error);
  return true;
}

bool ztk_api_match(const char *path, const char *pattern, uint64_t ids[2])
{
  unsigned n = 0;
  while (*pattern) {
    if (pattern[0] == '%' && (pattern[1] == '1') && (pattern[2] == '6' || pattern[2] == '0')) {
      size_t digits = pattern[2] == '6' ? 16 : 10;
      for (size_t i = 0; i < digits; i++)
        if (!isxdigit((unsigned char)path[i]))
          return false;
      if (n < 2 && ztk_hex_u64(path, digits, &ids[n]))
        return false;
      n++;
      path += digits;
      pattern += 3;
    } else if (*path++ != *pattern++) {
      return false;
    }
  }
  return *path == 0;
}

/* ---- authentication ------------------------------------------------------------------------ */

static bool same_token(const char *given, const char *token)
{
  size_t n = strlen(token);
  if (strlen(given) != n)
    return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < n; i++)
    diff |= (unsigned char)(given[i] ^ token[i]);
  return diff == 0;
}

static int hexval(char c)
{
  return c >= '0' && c <= '9'   ? c - '0'
         : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                : -1;
}

/* The first "key=value" of a query string, percent-decoded, into out. */
static bool query_param(const char *query, const char *key, char *out, size_t cap)
{
  size_t klen = strlen(key);
  for (const char *p = query; p && *p;) {
    size_t len = strcspn(p, "&");
    if (len > klen && !strncmp(p, key, klen) && p[klen] == '=') {
      size_t o = 0;
      for (const char *v = p + klen + 1; v < p + len && o + 1 < cap; v++) {
        int hi = v[0] == '%' && v + 2 < p + len ? hexval(v[1]) : -1;
        int lo = hi >= 0 ? hexval(v[2]) : -1;
        if (hi >= 0 && lo >= 0) {
          out[o++] = (char)(hi * 16 + lo);
          v += 2;
        } else {
          out[o++] = *v == '+' ? ' ' : *v;
        }
      }
      out[o] = 0;
      return true;
    }
    p += len + (p[len] == '&');
  }
  return false;
}

/* "Bearer <token>": exactly two space-separated words, the first "bearer" in any case. */
static bool bearer_ok(const char *header, const char *token)
{
  char words[2][TOKEN_MAX];
  unsigned n = 0;
  for (const char *p = header; *p;) {
    while (*p == ' ')
      p++;
    size_t len = strcspn(p, " ");
    if (!len)
      break;
    if (n >= 2 || len >= TOKEN_MAX)
      return false;
    memcpy(words[n], p, len);
    words[n++][len] = 0;
    p += len;
  }
  return n == 2 && !strcasecmp(words[0], "bearer") && same_token(words[1], token);
}

static bool authenticated(const ztk_api *api, const ztk_api_request *req)
{
  char given[TOKEN_MAX];
  if (!api->auth_token || !api->auth_token[0])
    return false;
  if (req->x_zt1_auth)
    return same_token(req->x_zt1_auth, api->auth_token);
  if (query_param(req->query, "auth", given, sizeof given))
    return same_token(given, api->auth_token);
  if (req->authorization)
    return bearer_ok(req->authorization, api->auth_token);
  return false;
}

/* ---- the handler --------------------------------------------------------------------------- */

static int finish(ztk_api_response *resp, ztk_api_reply *r)
{
  json_t *out = r->doc;
  if (!out && r->status == 401)
    out = json_object();
  else if (!out)
    out = json_pack("{s:i,s:s}", "error", r->status, "description", r->desc);
  resp->status = r->status;
  resp->body = out ? json_dumps(out, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY) : NULL;
  if (out != r->doc)
    json_decref(out);
  json_decref(r->doc);
  r->doc = NULL;
  if (!resp->body) {
    resp->status = 500;
    return ZTK_ENOMEM;
  }
  resp->len = strlen(resp->body);
  return 0;
}

static json_t *parse_body(const ztk_api_request *req, char *err, size_t cap)
{
  json_error_t e;
  if (!req->body_len)
    return json_object();
  json_t *doc = json_loadb(req->body, req->body_len, JSON_DECODE_ANY, &e);
  if (!doc)
    snprintf(err, cap, "malformed JSON (line %d column %d: %.80s)", e.line, e.column, e.text);
  return doc;
}

static void route(const ztk_api_call *call, ztk_api_reply *r)
{
  if (ztk_api_controller_route(call, r) || ztk_api_service_route(call, r))
    return;
  ztk_api_error(r, 404, "not found");
}

int ztk_api_handle(const ztk_api *api, int64_t now, const ztk_api_request *req,
                   ztk_api_response *resp)
{
  ztk_api_reply r = {0, NULL, ""};
  char err[160] = "";
  memset(resp, 0, sizeof *resp);
  if (!api || !req || !req->method || !req->path || (req->body_len && !req->body)) {
    ztk_api_error(&r, 400, "bad request");
    return finish(resp, &r);
  }
  if (!authenticated(api, req)) {
    r.status = 401;
    return finish(resp, &r);
  }
  if (req->body_len > ZTK_API_MAX_BODY) {
    ztk_api_error(&r, 413, "body: larger than %d bytes", ZTK_API_MAX_BODY);
    return finish(resp, &r);
  }
  json_t *body = NULL;
  bool with_body = !strcmp(req->method, "POST") || !strcmp(req->method, "PUT");
  if (with_body && !(body = parse_body(req, err, sizeof err)) && !err[0])
    snprintf(err, sizeof err, "out of memory");
  ztk_api_call call = {api, now, req->method, req->path, body, err[0] ? err : NULL};
  route(&call, &r);
  json_decref(body);
  return finish(resp, &r);
}

void ztk_api_response_free(ztk_api_response *resp)
{
  if (!resp)
    return;
  free(resp->body);
  resp->body = NULL;
  resp->len = 0;
}
