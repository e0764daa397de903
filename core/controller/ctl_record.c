#include "core/controller/ctl_record.h"

#include <stdlib.h>
#include <string.h>

#include "core/crypto/hash.h"
#include "core/identity/identity.h"

#define HEADER_LEN 6
#define CHECK_LEN 8

static const uint8_t MAGIC[4] = {'Z', 'T', 'K', 'C'};

/* ---- framing ------------------------------------------------------------------------------ */

static size_t begin(ztk_wr *w, ztk_ctl_record_kind kind)
{
  size_t start = w->len;
  ztk_wr_bytes(w, MAGIC, sizeof MAGIC);
  ztk_wr_u8(w, ZTK_CTL_RECORD_VERSION);
  ztk_wr_u8(w, (uint8_t)kind);
  return start;
}

static void finish(ztk_wr *w, size_t start)
{
  uint8_t h[64];
  if (w->err)
    return;
  ztk_sha512(h, w->p + start, w->len - start);
  ztk_wr_bytes(w, h, CHECK_LEN);
}

/* Checks magic, version, kind and check value; *body receives a reader over the body. */
static int open_record(const void *p, size_t len, ztk_ctl_record_kind kind, ztk_rd *body)
{
  const uint8_t *b = p;
  uint8_t h[64];
  if (!p || len < HEADER_LEN + CHECK_LEN || memcmp(b, MAGIC, sizeof MAGIC))
    return ZTK_ECTL_RECORD;
  if (b[4] != ZTK_CTL_RECORD_VERSION)
    return ZTK_ECTL_VERSION;
  ztk_sha512(h, b, len - CHECK_LEN);
  if (b[5] != kind || memcmp(h, b + len - CHECK_LEN, CHECK_LEN))
    return ZTK_ECTL_RECORD;
  *body = ztk_rd_make(b + HEADER_LEN, len - HEADER_LEN - CHECK_LEN);
  return 0;
}

/* The body must have been read exactly. */
static int close_record(ztk_rd *r, int rc)
{
  if (rc == ZTK_ENOMEM)
    return rc;
  return rc || r->err || ztk_rd_left(r) ? ZTK_ECTL_RECORD : 0;
}

/* ---- field helpers -------------------------------------------------------------------------- */

static void wr_bool(ztk_wr *w, bool v)
{
  ztk_wr_u8(w, v ? 1 : 0);
}

static bool rd_bool(ztk_rd *r)
{
  uint8_t v = ztk_rd_u8(r);
  if (v > 1)
    ztk_rd_fail(r, ZTK_EFORMAT);
  return v == 1;
}

static void wr_str(ztk_wr *w, const char *s)
{
  size_t n = strlen(s);
  ztk_wr_u16(w, (uint16_t)n);
  ztk_wr_bytes(w, s, n);
}

/* A string of at most max bytes without NUL into out (max + 1 bytes). */
static void rd_str(ztk_rd *r, char *out, size_t max)
{
  size_t n = ztk_rd_u16(r);
  out[0] = 0;
  if (n > max) {
    ztk_rd_fail(r, ZTK_EFORMAT);
    return;
  }
  const uint8_t *q = ztk_rd_take(r, n);
  if (!q)
    return;
  if (memchr(q, 0, n)) {
    ztk_rd_fail(r, ZTK_EFORMAT);
    return;
  }
  memcpy(out, q, n);
  out[n] = 0;
}

static void wr_i64(ztk_wr *w, int64_t v)
{
  ztk_wr_u64(w, (uint64_t)v);
}
static int64_t rd_i64(ztk_rd *r)
{
  return (int64_t)ztk_rd_u64(r);
}

static void rd_addr(ztk_rd *r, ztk_inaddr *a)
{
  ztk_inaddr_read(r, a);
}

static void wr_rules(ztk_wr *w, const ztk_rule *rules, unsigned n)
{
  ztk_wr_u16(w, (uint16_t)n);
  ztk_rules_write(w, rules, n);
}

/* ---- networks ----------------------------------------------------------------------------- */

static void wr_net_lists(ztk_wr *w, const ztk_ctl_network *n)
{
  ztk_wr_u16(w, (uint16_t)n->pool_count);
  for (unsigned i = 0; i < n->pool_count; i++) {
    ztk_inaddr_write(w, &n->pools[i].start);
    ztk_inaddr_write(w, &n->pools[i].end);
  }
  ztk_wr_u16(w, (uint16_t)n->route_count);
  for (unsigned i = 0; i < n->route_count; i++) {
    ztk_inaddr_write(w, &n->routes[i].target);
    ztk_inaddr_write(w, &n->routes[i].via);
  }
  wr_rules(w, n->rules, n->rule_count);
  ztk_wr_u16(w, (uint16_t)n->cap_count);
  for (unsigned i = 0; i < n->cap_count; i++) {
    ztk_wr_u32(w, n->caps[i].id);
    wr_bool(w, n->caps[i].dflt);
    wr_rules(w, n->caps[i].rules, n->caps[i].rule_count);
  }
  ztk_wr_u16(w, (uint16_t)n->tag_count);
  for (unsigned i = 0; i < n->tag_count; i++) {
    ztk_wr_u32(w, n->tags[i].id);
    wr_bool(w, n->tags[i].has_default);
    ztk_wr_u32(w, n->tags[i].dflt);
  }
  ztk_wr_u16(w, (uint16_t)n->token_count);
  for (unsigned i = 0; i < n->token_count; i++) {
    wr_str(w, n->tokens[i].token);
    wr_i64(w, n->tokens[i].expires);
  }
}

void ztk_ctl_record_write_network(ztk_wr *w, const ztk_ctl_network *n)
{
  size_t start = begin(w, ZTK_CTL_RECORD_NETWORK);
  ztk_wr_u64(w, n->nwid);
  wr_str(w, n->name);
  wr_bool(w, n->is_private);
  wr_bool(w, n->enable_broadcast);
  ztk_wr_u32(w, n->multicast_limit);
  ztk_wr_u32(w, n->mtu);
  wr_bool(w, n->v4_zt);
  wr_bool(w, n->v6_rfc4193);
  wr_bool(w, n->v6_6plane);
  wr_bool(w, n->v6_zt);
  wr_net_lists(w, n);
  wr_bool(w, n->dns.set);
  wr_str(w, n->dns.domain);
  ztk_wr_u8(w, (uint8_t)n->dns.server_count);
  for (unsigned i = 0; i < n->dns.server_count; i++)
    ztk_inaddr_write(w, &n->dns.servers[i]);
  wr_bool(w, n->has_trace_target);
  ztk_wr_u40(w, n->trace_target);
  ztk_wr_u32(w, n->trace_level);
  wr_bool(w, n->has_ctw);
  wr_i64(w, n->ctw);
  wr_i64(w, n->creation_time);
  ztk_wr_u64(w, n->revision);
  wr_bool(w, n->sso_enabled);
  wr_str(w, n->client_id);
  wr_str(w, n->authorization_endpoint);
  finish(w, start);
}

/* Reads a rule list of at most max rules into rules (room for max). */
static int rd_rules(ztk_rd *r, ztk_rule *rules, unsigned *count, unsigned max)
{
  unsigned n = ztk_rd_u16(r);
  if (r->err)
    return r->err;
  int rc = ztk_rules_read_n(r, rules, n, max);
  *count = rc ? 0 : n;
  return rc;
}

static int rd_net_rules(ztk_rd *r, ztk_ctl_network *n)
{
  unsigned count = ztk_rd_u16(r);
  if (r->err || count > ZTK_CTL_MAX_RULES)
    return ZTK_ECTL_RECORD;
  ztk_rule *rules = calloc(count ? count : 1, sizeof *rules);
  if (!rules)
    return ZTK_ENOMEM;
  int rc = ztk_rules_read_n(r, rules, count, ZTK_CTL_MAX_RULES);
  n->rule_count = 0;
  for (unsigned i = 0; !rc && i < count; i++)
    rc = ztk_ctl_network_add_rule(n, &rules[i]);
  free(rules);
  return rc;
}

static int rd_net_caps(ztk_rd *r, ztk_ctl_network *n)
{
  unsigned count = ztk_rd_u16(r);
  if (count > ZTK_CTL_MAX_CAPS)
    return ZTK_ECTL_RECORD;
  ztk_ctl_capability *cap = malloc(sizeof *cap);
  if (!cap)
    return ZTK_ENOMEM;
  int rc = 0;
  for (unsigned i = 0; !rc && !r->err && i < count; i++) {
    memset(cap, 0, sizeof *cap);
    cap->id = ztk_rd_u32(r);
    cap->dflt = rd_bool(r);
    rc = rd_rules(r, cap->rules, &cap->rule_count, ZTK_MAX_CAPABILITY_RULES);
    if (!rc && !r->err)
      rc = ztk_ctl_network_add_capability(n, cap);
  }
  free(cap);
  return rc;
}

/* Reads a list: count(2) then items, each read and stored by fn into target. */
typedef int (*item_fn)(ztk_rd *r, void *target);

static int rd_list(ztk_rd *r, void *target, item_fn fn)
{
  unsigned count = ztk_rd_u16(r);
  int rc = 0;
  for (unsigned i = 0; !rc && !r->err && i < count; i++)
    rc = fn(r, target);
  return rc ? rc : r->err;
}

static int rd_pool(ztk_rd *r, void *n)
{
  ztk_ctl_pool p;
  rd_addr(r, &p.start);
  rd_addr(r, &p.end);
  return r->err ? r->err : ztk_ctl_network_add_pool(n, &p);
}

static int rd_route(ztk_rd *r, void *n)
{
  ztk_ctl_route rt;
  rd_addr(r, &rt.target);
  rd_addr(r, &rt.via);
  return r->err ? r->err : ztk_ctl_network_add_route(n, &rt);
}

static int rd_tag(ztk_rd *r, void *n)
{
  ztk_ctl_tag t;
  t.id = ztk_rd_u32(r);
  t.has_default = rd_bool(r);
  t.dflt = ztk_rd_u32(r);
  return r->err ? r->err : ztk_ctl_network_add_tag(n, &t);
}

static int rd_token(ztk_rd *r, void *n)
{
  char token[ZTK_CTL_TOKEN_MAX + 1];
  rd_str(r, token, ZTK_CTL_TOKEN_MAX);
  int64_t expires = rd_i64(r);
  return r->err ? r->err : ztk_ctl_network_add_token(n, token, expires);
}

static void rd_net_tail(ztk_rd *r, ztk_ctl_network *n)
{
  n->dns.set = rd_bool(r);
  rd_str(r, n->dns.domain, ZTK_DNS_DOMAIN_LEN - 1);
  n->dns.server_count = ztk_rd_u8(r);
  if (n->dns.server_count > ZTK_CTL_MAX_DNS_SERVERS) {
    ztk_rd_fail(r, ZTK_EFORMAT);
    n->dns.server_count = 0;
  }
  for (unsigned i = 0; i < n->dns.server_count; i++)
    rd_addr(r, &n->dns.servers[i]);
  n->has_trace_target = rd_bool(r);
  n->trace_target = ztk_rd_u40(r);
  n->trace_level = ztk_rd_u32(r);
  n->has_ctw = rd_bool(r);
  n->ctw = rd_i64(r);
  n->creation_time = rd_i64(r);
  n->revision = ztk_rd_u64(r);
  n->sso_enabled = rd_bool(r);
  rd_str(r, n->client_id, ZTK_CTL_CLIENT_ID_MAX);
  rd_str(r, n->authorization_endpoint, ZTK_CTL_URL_MAX);
}

static int rd_network(ztk_rd *r, ztk_ctl_network *n)
{
  n->nwid = ztk_rd_u64(r);
  rd_str(r, n->name, ZTK_CTL_NAME_MAX);
  n->is_private = rd_bool(r);
  n->enable_broadcast = rd_bool(r);
  n->multicast_limit = ztk_rd_u32(r);
  n->mtu = ztk_rd_u32(r);
  n->v4_zt = rd_bool(r);
  n->v6_rfc4193 = rd_bool(r);
  n->v6_6plane = rd_bool(r);
  n->v6_zt = rd_bool(r);
  if (n->mtu < ZTK_MIN_MTU || n->mtu > ZTK_MAX_MTU)
    ztk_rd_fail(r, ZTK_EFORMAT);
  int rc = rd_list(r, n, rd_pool);
  if (!rc)
    rc = rd_list(r, n, rd_route);
  if (!rc && !r->err)
    rc = rd_net_rules(r, n);
  if (!rc && !r->err)
    rc = rd_net_caps(r, n);
  if (!rc)
    rc = rd_list(r, n, rd_tag);
  if (!rc)
    rc = rd_list(r, n, rd_token);
  if (!rc && !r->err)
    rd_net_tail(r, n);
  return rc;
}

int ztk_ctl_record_read_network(const void *p, size_t len, ztk_ctl_network *n)
{
  ztk_ctl_network_free(n);
  ztk_rd r;
  int rc = open_record(p, len, ZTK_CTL_RECORD_NETWORK, &r);
  if (rc)
    return rc;
  rc = close_record(&r, rd_network(&r, n));
  if (rc)
    ztk_ctl_network_free(n);
  return rc;
}

/* ---- members ------------------------------------------------------------------------------ */

void ztk_ctl_record_write_member(ztk_wr *w, const ztk_ctl_member *m)
{
  size_t start = begin(w, ZTK_CTL_RECORD_MEMBER);
  ztk_wr_u64(w, m->nwid);
  ztk_wr_u40(w, m->address);
  wr_bool(w, m->authorized);
  wr_bool(w, m->active_bridge);
  wr_bool(w, m->no_auto_assign_ips);
  wr_bool(w, m->sso_exempt);
  ztk_wr_u16(w, (uint16_t)m->ip_count);
  for (unsigned i = 0; i < m->ip_count; i++)
    ztk_inaddr_write(w, &m->ips[i]);
  ztk_wr_u16(w, (uint16_t)m->tag_count);
  for (unsigned i = 0; i < m->tag_count; i++) {
    ztk_wr_u32(w, m->tags[i].id);
    ztk_wr_u32(w, m->tags[i].value);
  }
  ztk_wr_u16(w, (uint16_t)m->cap_count);
  for (unsigned i = 0; i < m->cap_count; i++)
    ztk_wr_u32(w, m->caps[i]);
  wr_bool(w, m->has_name);
  wr_str(w, m->name);
  wr_bool(w, m->has_identity);
  if (m->has_identity)
    ztk_identity_write(w, &m->identity, false);
  wr_i64(w, m->creation_time);
  ztk_wr_u64(w, m->revision);
  wr_i64(w, m->last_authorized_time);
  wr_i64(w, m->last_deauthorized_time);
  wr_str(w, m->last_auth_type);
  wr_str(w, m->last_auth_credential);
  wr_i64(w, m->v_major);
  wr_i64(w, m->v_minor);
  wr_i64(w, m->v_rev);
  wr_i64(w, m->v_proto);
  wr_i64(w, m->auth_expiry);
  wr_bool(w, m->has_trace_target);
  ztk_wr_u40(w, m->trace_target);
  ztk_wr_u32(w, m->trace_level);
  finish(w, start);
}

static int rd_member_ip(ztk_rd *r, void *m)
{
  ztk_inaddr a;
  rd_addr(r, &a);
  return r->err ? r->err : ztk_ctl_member_add_ip(m, &a);
}

static int rd_member_tag(ztk_rd *r, void *m)
{
  uint32_t id = ztk_rd_u32(r), value = ztk_rd_u32(r);
  return r->err ? r->err : ztk_ctl_member_set_tag(m, id, value);
}

static int rd_member_cap(ztk_rd *r, void *m)
{
  uint32_t id = ztk_rd_u32(r);
  return r->err ? r->err : ztk_ctl_member_add_cap(m, id);
}

static int rd_member_lists(ztk_rd *r, ztk_ctl_member *m)
{
  int rc = rd_list(r, m, rd_member_ip);
  if (!rc)
    rc = rd_list(r, m, rd_member_tag);
  return rc ? rc : rd_list(r, m, rd_member_cap);
}

static bool known_auth_type(const char *t)
{
  return !t[0] || !strcmp(t, "api") || !strcmp(t, "public") || !strcmp(t, "token");
}

static void rd_member_tail(ztk_rd *r, ztk_ctl_member *m)
{
  m->has_name = rd_bool(r);
  rd_str(r, m->name, ZTK_CTL_NAME_MAX);
  m->has_identity = rd_bool(r);
  if (m->has_identity && (ztk_identity_read(r, &m->identity) || m->identity.has_private ||
                          m->identity.address != m->address))
    ztk_rd_fail(r, ZTK_EFORMAT);
  m->creation_time = rd_i64(r);
  m->revision = ztk_rd_u64(r);
  m->last_authorized_time = rd_i64(r);
  m->last_deauthorized_time = rd_i64(r);
  rd_str(r, m->last_auth_type, sizeof m->last_auth_type - 1);
  rd_str(r, m->last_auth_credential, ZTK_CTL_TOKEN_MAX);
  if (!known_auth_type(m->last_auth_type))
    ztk_rd_fail(r, ZTK_EFORMAT);
  m->v_major = rd_i64(r);
  m->v_minor = rd_i64(r);
  m->v_rev = rd_i64(r);
  m->v_proto = rd_i64(r);
  m->auth_expiry = rd_i64(r);
  m->has_trace_target = rd_bool(r);
  m->trace_target = ztk_rd_u40(r);
  m->trace_level = ztk_rd_u32(r);
}

int ztk_ctl_record_read_member(const void *p, size_t len, ztk_ctl_member *m)
{
  ztk_ctl_member_free(m);
  ztk_rd r;
  int rc = open_record(p, len, ZTK_CTL_RECORD_MEMBER, &r);
  if (rc)
    return rc;
  uint64_t nwid = ztk_rd_u64(&r);
  ztk_ctl_member_init(m, nwid, ztk_rd_u40(&r));
  m->authorized = rd_bool(&r);
  m->active_bridge = rd_bool(&r);
  m->no_auto_assign_ips = rd_bool(&r);
  m->sso_exempt = rd_bool(&r);
  rc = rd_member_lists(&r, m);
  if (!rc && !r.err)
    rd_member_tail(&r, m);
  rc = close_record(&r, rc);
  if (rc)
    ztk_ctl_member_free(m);
  return rc;
}

/* ---- id lists ----------------------------------------------------------------------------- */

void ztk_ctl_record_write_ids(ztk_wr *w, ztk_ctl_record_kind kind, const uint64_t *ids,
                              unsigned count)
{
  size_t start = begin(w, kind);
  ztk_wr_u32(w, count);
  for (unsigned i = 0; i < count; i++)
    ztk_wr_u64(w, ids[i]);
  finish(w, start);
}

int ztk_ctl_record_read_ids(const void *p, size_t len, ztk_ctl_record_kind kind, uint64_t **ids,
                            unsigned *count, unsigned max)
{
  *ids = NULL;
  *count = 0;
  ztk_rd r;
  int rc = open_record(p, len, kind, &r);
  if (rc)
    return rc;
  uint32_t n = ztk_rd_u32(&r);
  if (r.err || (size_t)n * 8 != ztk_rd_left(&r))
    return ZTK_ECTL_RECORD;
  if (n > max)
    return ZTK_ELIMIT;
  uint64_t *out = calloc(n ? n : 1, sizeof *out);
  if (!out)
    return ZTK_ENOMEM;
  for (uint32_t i = 0; i < n; i++) {
    out[i] = ztk_rd_u64(&r);
    if (i && out[i] <= out[i - 1]) {
      free(out);
      return ZTK_ECTL_RECORD;
    }
  }
  *ids = out;
  *count = n;
  return 0;
}
