#include "core/network/netconf.h"

#include <stdlib.h>
#include <string.h>

#include "core/util/array.h"

#define ADDRESS_MASK 0xffffffffffull

/* Room for the largest single item written into a binary value (a capability with 64 rules
 * and a full custody chain is about 2.2 KB). */
#define ITEM_MAX 4096

void ztk_netconf_init(ztk_netconf *nc)
{
  memset(nc, 0, sizeof *nc);
  nc->type = ZTK_NETWORK_PRIVATE;
  nc->mtu = ZTK_DEFAULT_MTU;
  strcpy(nc->sso_provider, "default");
}

void ztk_netconf_free(ztk_netconf *nc)
{
  free(nc->caps);
  free(nc->tags);
  free(nc->specialists);
  free(nc->routes);
  free(nc->rules);
  ztk_netconf_init(nc);
}

int ztk_netconf_add_rule(ztk_netconf *nc, const ztk_rule *r)
{
  return ztk_array_append((void **)&nc->rules, &nc->rule_count, sizeof *r, ZTK_MAX_NETWORK_RULES,
                          r);
}

int ztk_netconf_add_capability(ztk_netconf *nc, const ztk_capability *c)
{
  return ztk_array_append((void **)&nc->caps, &nc->cap_count, sizeof *c,
                          ZTK_MAX_NETWORK_CAPABILITIES, c);
}

int ztk_netconf_add_tag(ztk_netconf *nc, const ztk_tag *t)
{
  return ztk_array_append((void **)&nc->tags, &nc->tag_count, sizeof *t, ZTK_MAX_NETWORK_TAGS, t);
}

int ztk_netconf_add_specialist(ztk_netconf *nc, uint64_t specialist)
{
  return ztk_array_append((void **)&nc->specialists, &nc->specialist_count, sizeof specialist,
                          ZTK_MAX_NETWORK_SPECIALISTS, &specialist);
}

int ztk_netconf_add_route(ztk_netconf *nc, const ztk_netconf_route *rt)
{
  return ztk_array_append((void **)&nc->routes, &nc->route_count, sizeof *rt,
                          ZTK_MAX_NETWORK_ROUTES, rt);
}

int ztk_netconf_copy(ztk_netconf *dst, const ztk_netconf *src)
{
  ztk_netconf_free(dst);
  *dst = *src;
  int rc = ztk_array_dup((void **)&dst->caps, src->caps, src->cap_count, sizeof *src->caps);
  rc |= ztk_array_dup((void **)&dst->tags, src->tags, src->tag_count, sizeof *src->tags);
  rc |= ztk_array_dup((void **)&dst->specialists, src->specialists, src->specialist_count,
                      sizeof *src->specialists);
  rc |= ztk_array_dup((void **)&dst->routes, src->routes, src->route_count, sizeof *src->routes);
  rc |= ztk_array_dup((void **)&dst->rules, src->rules, src->rule_count, sizeof *src->rules);
  if (rc) {
    ztk_netconf_free(dst);
    return ZTK_ENOMEM;
  }
  return 0;
}

/* ---- parsing ---------------------------------------------------------------------------- */

/* An integer key with a default when absent; a malformed value fails the config. */
static int get_u64(const ztk_dict *d, const char *key, uint64_t dflt, uint64_t *v)
{
  int rc = ztk_dict_get_u64(d, key, v);
  if (rc == ZTK_ENOTFOUND) {
    *v = dflt;
    return 0;
  }
  return rc ? ZTK_ENET_CONFIG : 0;
}

/* A signed key (ts, ctmd): 1.14.1 writes negative values as '-' + hex and reads every value
 * with strtoull, so both "-hex" and 64-bit hex come back as the same int64. */
static int get_i64(const ztk_dict *d, const char *key, int64_t *v)
{
  uint64_t u;
  int rc = get_u64(d, key, 0, &u);
  *v = (int64_t)u;
  if (rc && ztk_dict_get_i64(d, key, v) == 0)
    rc = 0;
  return rc;
}

/* A text key, truncated to its buffer as 1.14.1 does; absent leaves it empty. */
static int get_text(const ztk_dict *d, const char *key, char *out, size_t cap)
{
  int rc = ztk_dict_get_str(d, key, out, cap);
  return (rc >= 0 || rc == ZTK_ENOTFOUND || rc == ZTK_ENOSPACE) ? 0 : ZTK_ENET_CONFIG;
}

static int parse_header(ztk_netconf *nc, const ztk_dict *d)
{
  uint64_t v[11] = {0};
  int rc = get_u64(d, "nwid", 0, &v[0]);
  rc = rc ? rc : get_i64(d, "ts", &nc->ts);
  rc = rc ? rc : get_i64(d, "ctmd", &nc->ctmd);
  rc = rc ? rc : get_u64(d, "r", 0, &v[3]);
  rc = rc ? rc : get_u64(d, "id", 0, &v[4]);
  rc = rc ? rc : get_u64(d, "tt", 0, &v[5]);
  rc = rc ? rc : get_u64(d, "tl", 0, &v[6]);
  rc = rc ? rc : get_u64(d, "ml", 0, &v[7]);
  rc = rc ? rc : get_u64(d, "mtu", ZTK_DEFAULT_MTU, &v[8]);
  rc = rc ? rc : get_u64(d, "f", 0, &v[9]);
  rc = rc ? rc : get_u64(d, "t", ZTK_NETWORK_PRIVATE, &v[10]);
  rc = rc ? rc : get_text(d, "n", nc->name, sizeof nc->name);
  rc = rc ? rc : get_u64(d, "v", 0, &nc->version);
  if (rc)
    return rc;
  if (!v[0] || !(v[4] & ADDRESS_MASK))
    return ZTK_ENET_CONFIG;
  if (nc->version < ZTK_NETCONF_MIN_VERSION)
    return ZTK_ENET_VERSION;
  nc->nwid = v[0];
  nc->revision = v[3];
  nc->issued_to = v[4] & ADDRESS_MASK;
  nc->trace_target = v[5] & ADDRESS_MASK;
  nc->trace_level = (uint32_t)v[6];
  nc->multicast_limit = (uint32_t)v[7];
  nc->mtu = v[8] < ZTK_MIN_MTU ? ZTK_MIN_MTU : v[8] > ZTK_MAX_MTU ? ZTK_MAX_MTU : (uint32_t)v[8];
  nc->flags = v[9];
  nc->type = (uint32_t)v[10];
  return 0;
}

/* Parsers of binary values: each must consume its reader exactly. */
typedef int (*blob_fn)(ztk_netconf *nc, ztk_rd *r);

static int blob_com(ztk_netconf *nc, ztk_rd *r)
{
  return ztk_com_read(r, &nc->com);
}

/* Stable insertion sort by id (1.14.1 sorts capabilities and tags by id). */
#define SORT_BY_ID(arr, n, type)                                                                   \
  for (unsigned i_ = 1; i_ < (n); i_++) {                                                          \
    for (unsigned j_ = i_; j_ > 0 && (arr)[j_ - 1].id > (arr)[j_].id; j_--) {                      \
      type t_ = (arr)[j_];                                                                         \
      (arr)[j_] = (arr)[j_ - 1];                                                                   \
      (arr)[j_ - 1] = t_;                                                                          \
    }                                                                                              \
  }

typedef int (*item_read_fn)(ztk_rd *r, void *item);

static int rd_cap(ztk_rd *r, void *x)
{
  return ztk_capability_read(r, x);
}
static int rd_tag(ztk_rd *r, void *x)
{
  return ztk_tag_read(r, x);
}

/* Reads items of `size` bytes until r is empty, at most max of them, into a heap array. */
static int read_items(ztk_rd *r, void **items, size_t size, unsigned *count, unsigned max,
                      item_read_fn fn)
{
  while (ztk_rd_left(r) > 0) {
    int rc = ztk_array_reserve(items, *count, size, max);
    if (rc)
      return rc;
    rc = fn(r, (uint8_t *)*items + *count * size);
    if (rc)
      return rc;
    (*count)++;
  }
  return 0;
}

static int blob_caps(ztk_netconf *nc, ztk_rd *r)
{
  int rc = read_items(r, (void **)&nc->caps, sizeof nc->caps[0], &nc->cap_count,
                      ZTK_MAX_NETWORK_CAPABILITIES, rd_cap);
  SORT_BY_ID(nc->caps, nc->cap_count, ztk_capability)
  return rc;
}

static int blob_tags(ztk_netconf *nc, ztk_rd *r)
{
  int rc = read_items(r, (void **)&nc->tags, sizeof nc->tags[0], &nc->tag_count,
                      ZTK_MAX_NETWORK_TAGS, rd_tag);
  SORT_BY_ID(nc->tags, nc->tag_count, ztk_tag)
  return rc;
}

static int blob_coos(ztk_netconf *nc, ztk_rd *r)
{
  while (ztk_rd_left(r) > 0) {
    ztk_coo extra; /* 1.14.1 parses COOs beyond its limit and drops them */
    ztk_coo *c =
        nc->coo_count < ZTK_MAX_CERTIFICATES_OF_OWNERSHIP ? &nc->coos[nc->coo_count] : &extra;
    int rc = ztk_coo_read(r, c);
    if (rc)
      return rc;
    if (c != &extra)
      nc->coo_count++;
  }
  return 0;
}

static int blob_specialists(ztk_netconf *nc, ztk_rd *r)
{
  if (ztk_rd_left(r) % 8)
    return ZTK_ENET_CONFIG;
  if (ztk_rd_left(r) / 8 > ZTK_MAX_NETWORK_SPECIALISTS)
    return ZTK_ELIMIT;
  while (ztk_rd_left(r) > 0) {
    int rc = ztk_netconf_add_specialist(nc, ztk_rd_u64(r));
    if (rc)
      return rc;
  }
  return 0;
}

static int blob_routes(ztk_netconf *nc, ztk_rd *r)
{
  while (ztk_rd_left(r) > 0) {
    ztk_netconf_route rt;
    ztk_inaddr_read(r, &rt.target);
    ztk_inaddr_read(r, &rt.via);
    rt.flags = ztk_rd_u16(r);
    rt.metric = ztk_rd_u16(r);
    if (r->err)
      return r->err;
    int rc = ztk_netconf_add_route(nc, &rt);
    if (rc)
      return rc;
  }
  return r->err;
}

static int blob_static_ips(ztk_netconf *nc, ztk_rd *r)
{
  while (ztk_rd_left(r) > 0) {
    if (nc->static_ip_count >= ZTK_MAX_ASSIGNED_ADDRESSES)
      return ZTK_ELIMIT;
    ztk_inaddr_read(r, &nc->static_ips[nc->static_ip_count++]);
  }
  return r->err;
}

static int blob_rules(ztk_netconf *nc, ztk_rd *r)
{
  while (ztk_rd_left(r) > 0) {
    ztk_rule rule;
    int rc = ztk_rule_read(r, &rule);
    if (rc)
      return rc;
    if ((rc = ztk_netconf_add_rule(nc, &rule)))
      return rc;
  }
  return 0;
}

static int blob_dns(ztk_netconf *nc, ztk_rd *r)
{
  ztk_rd_copy(r, nc->dns.domain, ZTK_DNS_DOMAIN_LEN);
  nc->dns.domain[ZTK_DNS_DOMAIN_LEN - 1] = 0;
  for (int i = 0; i < ZTK_MAX_DNS_SERVERS; i++)
    ztk_inaddr_read(r, &nc->dns.servers[i]);
  return r->err;
}

/* Finds key; if present, unescapes it into scratch and runs fn over all of it. */
static int parse_blob(ztk_netconf *nc, const ztk_dict *d, const char *key, blob_fn fn,
                      uint8_t *scratch, size_t cap)
{
  ztk_dict_entry e;
  if (ztk_dict_find(d, key, &e))
    return 0;
  int n = ztk_dict_unescape(&e, scratch, cap);
  if (n < 0)
    return ZTK_ENET_CONFIG;
  ztk_rd r = ztk_rd_make(scratch, (size_t)n);
  int rc = fn(nc, &r);
  if (!rc && ztk_rd_left(&r))
    rc = ZTK_ENET_CONFIG; /* bytes left over */
  if (rc == ZTK_ETRUNC || rc == ZTK_EFORMAT)
    rc = ZTK_ENET_CONFIG;
  return rc;
}

static int parse_blobs(ztk_netconf *nc, const ztk_dict *d)
{
  static const struct {
    const char *key;
    blob_fn fn;
  } blobs[] = {{"C", blob_com},        {"CAP", blob_caps},      {"TAG", blob_tags},
               {"COO", blob_coos},     {"S", blob_specialists}, {"RT", blob_routes},
               {"I", blob_static_ips}, {"R", blob_rules},       {"DNS", blob_dns}};
  const size_t cap = d->len ? d->len : 1; /* a value unescapes to at most its raw length */
  uint8_t *scratch = malloc(cap);
  if (!scratch)
    return ZTK_ENOMEM;
  int rc = 0;
  for (size_t i = 0; i < sizeof blobs / sizeof blobs[0] && !rc; i++)
    rc = parse_blob(nc, d, blobs[i].key, blobs[i].fn, scratch, cap);
  free(scratch);
  return rc;
}

static int parse_sso(ztk_netconf *nc, const ztk_dict *d)
{
  int rc = get_u64(d, "ssov", 0, &nc->sso_version);
  ztk_dict_get_bool(d, "ssoe", &nc->sso_enabled);
  if (rc || !nc->sso_enabled || nc->sso_version > 1) {
    if (nc->sso_version == 1)
      nc->sso_provider[0] = 0; /* 1.14.1 clears it for a disabled version-1 SSO */
    return rc;
  }
  rc = get_text(d, "aurl", nc->auth_url, sizeof nc->auth_url);
  if (nc->sso_version == 0) {
    int64_t expiry = 0;
    int e = ztk_dict_get_i64(d, "aexpt", &expiry);
    nc->auth_expiry = (uint64_t)expiry;
    return rc ? rc : (e && e != ZTK_ENOTFOUND) ? ZTK_ENET_CONFIG : 0;
  }
  rc = rc ? rc : get_text(d, "iurl", nc->issuer_url, sizeof nc->issuer_url);
  rc = rc ? rc : get_text(d, "ssoce", nc->central_url, sizeof nc->central_url);
  rc = rc ? rc : get_text(d, "sson", nc->sso_nonce, sizeof nc->sso_nonce);
  rc = rc ? rc : get_text(d, "ssos", nc->sso_state, sizeof nc->sso_state);
  rc = rc ? rc : get_text(d, "ssocid", nc->sso_client_id, sizeof nc->sso_client_id);
  rc = rc ? rc : get_text(d, "ssop", nc->sso_provider, sizeof nc->sso_provider);
  if (!rc && !nc->sso_provider[0])
    strcpy(nc->sso_provider, "default");
  return rc;
}

int ztk_netconf_from_dict(ztk_netconf *nc, const ztk_dict *d)
{
  ztk_netconf_free(nc);
  int rc = parse_header(nc, d);
  rc = rc ? rc : parse_blobs(nc, d);
  rc = rc ? rc : parse_sso(nc, d);
  if (rc)
    ztk_netconf_free(nc);
  return rc;
}

int ztk_netconf_check(const ztk_netconf *nc, uint64_t nwid, ztk_address self)
{
  return (nc->nwid == nwid && nc->issued_to == self && nwid && self) ? 0 : ZTK_ENET_CONFIG;
}

/* ---- building --------------------------------------------------------------------------- */

typedef void (*item_fn)(ztk_wr *w, const void *item);

static void wr_com(ztk_wr *w, const void *x)
{
  ztk_com_write(w, x);
}
static void wr_cap(ztk_wr *w, const void *x)
{
  ztk_capability_write(w, x);
}
static void wr_tag(ztk_wr *w, const void *x)
{
  ztk_tag_write(w, x);
}
static void wr_coo(ztk_wr *w, const void *x)
{
  ztk_coo_write(w, x);
}
static void wr_u64(ztk_wr *w, const void *x)
{
  ztk_wr_u64(w, *(const uint64_t *)x);
}
static void wr_inaddr(ztk_wr *w, const void *x)
{
  ztk_inaddr_write(w, x);
}
static void wr_rule(ztk_wr *w, const void *x)
{
  ztk_rule_write(w, x);
}

static void wr_route(ztk_wr *w, const void *x)
{
  const ztk_netconf_route *rt = x;
  ztk_inaddr_write(w, &rt->target);
  ztk_inaddr_write(w, &rt->via);
  ztk_wr_u16(w, rt->flags);
  ztk_wr_u16(w, rt->metric);
}

static void wr_dns(ztk_wr *w, const void *x)
{
  const ztk_netconf_dns *dns = x;
  ztk_wr_bytes(w, dns->domain, ZTK_DNS_DOMAIN_LEN);
  for (int i = 0; i < ZTK_MAX_DNS_SERVERS; i++)
    ztk_inaddr_write(w, &dns->servers[i]);
}

/* Adds key with the concatenation of n items (nothing if n is 0), each serialized by fn. */
static int add_items(ztk_dict *d, const char *key, const void *items, size_t size, unsigned n,
                     item_fn fn)
{
  uint8_t buf[ITEM_MAX];
  if (n == 0)
    return 0;
  ztk_dict_add_begin(d, key);
  for (unsigned i = 0; i < n; i++) {
    ztk_wr w = ztk_wr_make(buf, sizeof buf);
    fn(&w, (const uint8_t *)items + i * size);
    ztk_dict_add_bytes(d, buf, w.len);
  }
  return ztk_dict_add_end(d);
}

static int build_header(const ztk_netconf *nc, ztk_dict *d)
{
  int rc = ztk_dict_add_u64(d, "v", ZTK_NETCONF_VERSION);
  rc = rc ? rc : ztk_dict_add_u64(d, "nwid", nc->nwid);
  rc = rc ? rc : ztk_dict_add_i64(d, "ts", nc->ts);
  rc = rc ? rc : ztk_dict_add_i64(d, "ctmd", nc->ctmd);
  rc = rc ? rc : ztk_dict_add_u64(d, "r", nc->revision);
  rc = rc ? rc : ztk_dict_add_address(d, "id", nc->issued_to);
  rc = rc ? rc : ztk_dict_add_address(d, "tt", nc->trace_target);
  rc = rc ? rc : ztk_dict_add_u64(d, "tl", nc->trace_level);
  rc = rc ? rc : ztk_dict_add_u64(d, "f", nc->flags);
  rc = rc ? rc : ztk_dict_add_u64(d, "ml", nc->multicast_limit);
  rc = rc ? rc : ztk_dict_add_u64(d, "t", nc->type);
  rc = rc ? rc : ztk_dict_add_bin(d, "n", nc->name, strnlen(nc->name, sizeof nc->name));
  rc = rc ? rc : ztk_dict_add_u64(d, "mtu", nc->mtu);
  return rc;
}

static int build_blobs(const ztk_netconf *nc, ztk_dict *d)
{
  int rc = add_items(d, "C", &nc->com, sizeof nc->com, nc->com.count ? 1 : 0, wr_com);
  rc = rc ? rc : add_items(d, "CAP", nc->caps, sizeof nc->caps[0], nc->cap_count, wr_cap);
  rc = rc ? rc : add_items(d, "TAG", nc->tags, sizeof nc->tags[0], nc->tag_count, wr_tag);
  rc = rc ? rc : add_items(d, "COO", nc->coos, sizeof nc->coos[0], nc->coo_count, wr_coo);
  rc = rc ? rc
          : add_items(d, "S", nc->specialists, sizeof nc->specialists[0], nc->specialist_count,
                      wr_u64);
  rc = rc ? rc : add_items(d, "RT", nc->routes, sizeof nc->routes[0], nc->route_count, wr_route);
  rc = rc ? rc
          : add_items(d, "I", nc->static_ips, sizeof nc->static_ips[0], nc->static_ip_count,
                      wr_inaddr);
  rc = rc ? rc : add_items(d, "R", nc->rules, sizeof nc->rules[0], nc->rule_count, wr_rule);
  rc = rc ? rc : add_items(d, "DNS", &nc->dns, sizeof nc->dns, 1, wr_dns);
  return rc;
}

static int build_sso(const ztk_netconf *nc, ztk_dict *d)
{
  if (nc->sso_version > 1)
    return 0;
  int rc = ztk_dict_add_u64(d, "ssov", nc->sso_version);
  rc = rc ? rc : ztk_dict_add_bool(d, "ssoe", nc->sso_enabled);
  if (nc->sso_version == 0) {
    if (!nc->sso_enabled || rc)
      return rc;
    if (nc->auth_url[0])
      rc = ztk_dict_add_str(d, "aurl", nc->auth_url);
    return rc ? rc : ztk_dict_add_u64(d, "aexpt", nc->auth_expiry);
  }
  rc = rc ? rc : ztk_dict_add_str(d, "iurl", nc->issuer_url);
  rc = rc ? rc : ztk_dict_add_str(d, "ssoce", nc->central_url);
  rc = rc ? rc : ztk_dict_add_str(d, "sson", nc->sso_nonce);
  rc = rc ? rc : ztk_dict_add_str(d, "ssos", nc->sso_state);
  rc = rc ? rc : ztk_dict_add_str(d, "ssocid", nc->sso_client_id);
  rc = rc ? rc : ztk_dict_add_str(d, "ssop", nc->sso_provider);
  return rc;
}

static bool counts_ok(const ztk_netconf *nc)
{
  return nc->cap_count <= ZTK_MAX_NETWORK_CAPABILITIES && nc->tag_count <= ZTK_MAX_NETWORK_TAGS &&
         nc->coo_count <= ZTK_MAX_CERTIFICATES_OF_OWNERSHIP &&
         nc->specialist_count <= ZTK_MAX_NETWORK_SPECIALISTS &&
         nc->route_count <= ZTK_MAX_NETWORK_ROUTES &&
         nc->static_ip_count <= ZTK_MAX_ASSIGNED_ADDRESSES &&
         nc->rule_count <= ZTK_MAX_NETWORK_RULES && nc->com.count <= ZTK_COM_MAX_QUALIFIERS;
}

int ztk_netconf_to_dict(const ztk_netconf *nc, ztk_dict *d)
{
  if (!counts_ok(nc))
    return ZTK_EINVAL;
  if (!d->buf)
    return ZTK_ESTATE;
  int rc = build_header(nc, d);
  rc = rc ? rc : build_blobs(nc, d);
  rc = rc ? rc : build_sso(nc, d);
  return rc;
}

/* ---- queries ---------------------------------------------------------------------------- */

bool ztk_netconf_is_specialist(const ztk_netconf *nc, ztk_address addr, uint64_t role)
{
  for (unsigned i = 0; i < nc->specialist_count && i < ZTK_MAX_NETWORK_SPECIALISTS; i++)
    if ((nc->specialists[i] & ADDRESS_MASK) == addr && (nc->specialists[i] & role))
      return true;
  return false;
}

const ztk_capability *ztk_netconf_capability(const ztk_netconf *nc, uint32_t id)
{
  for (unsigned i = 0; i < nc->cap_count && i < ZTK_MAX_NETWORK_CAPABILITIES; i++)
    if (nc->caps[i].id == id)
      return &nc->caps[i];
  return NULL;
}

const ztk_tag *ztk_netconf_tag(const ztk_netconf *nc, uint32_t id)
{
  for (unsigned i = 0; i < nc->tag_count && i < ZTK_MAX_NETWORK_TAGS; i++)
    if (nc->tags[i].id == id)
      return &nc->tags[i];
  return NULL;
}
