/* Network records: 1.14.1's defaults, deep copies, comparison and bounded item lists. */
#include <stdlib.h>
#include <string.h>

#include "core/controller/controller.h"
#include "core/util/array.h"

int ztk_ctl_network_init(ztk_ctl_network *n)
{
  memset(n, 0, sizeof *n);
  n->is_private = true;
  n->enable_broadcast = true;
  n->multicast_limit = 32;
  n->mtu = ZTK_DEFAULT_MTU;
  ztk_rule accept; /* a flat L2 segment: accept everything */
  memset(&accept, 0, sizeof accept);
  accept.t = ZTK_RULE_ACTION_ACCEPT;
  return ztk_ctl_network_add_rule(n, &accept);
}

static void free_arrays(ztk_ctl_network *n)
{
  free(n->pools);
  free(n->routes);
  free(n->rules);
  free(n->caps);
  free(n->tags);
  free(n->tokens);
}

void ztk_ctl_network_free(ztk_ctl_network *n)
{
  free_arrays(n);
  memset(n, 0, sizeof *n);
}

int ztk_ctl_network_copy(ztk_ctl_network *dst, const ztk_ctl_network *src)
{
  if (dst == src)
    return 0;
  free_arrays(dst);
  *dst = *src;
  int rc = ztk_array_dup((void **)&dst->pools, src->pools, src->pool_count, sizeof *src->pools);
  rc |= ztk_array_dup((void **)&dst->routes, src->routes, src->route_count, sizeof *src->routes);
  rc |= ztk_array_dup((void **)&dst->rules, src->rules, src->rule_count, sizeof *src->rules);
  rc |= ztk_array_dup((void **)&dst->caps, src->caps, src->cap_count, sizeof *src->caps);
  rc |= ztk_array_dup((void **)&dst->tags, src->tags, src->tag_count, sizeof *src->tags);
  rc |= ztk_array_dup((void **)&dst->tokens, src->tokens, src->token_count, sizeof *src->tokens);
  if (rc) {
    ztk_ctl_network_free(dst);
    return ZTK_ENOMEM;
  }
  return 0;
}

static bool pools_same(const ztk_ctl_network *a, const ztk_ctl_network *b)
{
  for (unsigned i = 0; i < a->pool_count; i++)
    if (!ztk_inaddr_eq(&a->pools[i].start, &b->pools[i].start) ||
        !ztk_inaddr_eq(&a->pools[i].end, &b->pools[i].end))
      return false;
  return true;
}

static bool routes_same(const ztk_ctl_network *a, const ztk_ctl_network *b)
{
  for (unsigned i = 0; i < a->route_count; i++)
    if (!ztk_inaddr_eq(&a->routes[i].target, &b->routes[i].target) ||
        !ztk_inaddr_eq(&a->routes[i].via, &b->routes[i].via))
      return false;
  return true;
}

/* Rules are always built from zeroed memory (parsers and readers clear them first), so their
 * bytes compare. */
static bool rules_same(const ztk_rule *a, const ztk_rule *b, unsigned n)
{
  return n == 0 || memcmp(a, b, n * sizeof *a) == 0;
}

static bool caps_same(const ztk_ctl_network *a, const ztk_ctl_network *b)
{
  for (unsigned i = 0; i < a->cap_count; i++) {
    const ztk_ctl_capability *x = &a->caps[i], *y = &b->caps[i];
    if (x->id != y->id || x->dflt != y->dflt || x->rule_count != y->rule_count ||
        !rules_same(x->rules, y->rules, x->rule_count))
      return false;
  }
  return true;
}

static bool tags_tokens_same(const ztk_ctl_network *a, const ztk_ctl_network *b)
{
  for (unsigned i = 0; i < a->tag_count; i++)
    if (a->tags[i].id != b->tags[i].id || a->tags[i].has_default != b->tags[i].has_default ||
        (a->tags[i].has_default && a->tags[i].dflt != b->tags[i].dflt))
      return false;
  for (unsigned i = 0; i < a->token_count; i++)
    if (strcmp(a->tokens[i].token, b->tokens[i].token) ||
        a->tokens[i].expires != b->tokens[i].expires)
      return false;
  return true;
}

static bool dns_same(const ztk_ctl_dns *a, const ztk_ctl_dns *b)
{
  if (a->set != b->set || strcmp(a->domain, b->domain) || a->server_count != b->server_count)
    return false;
  for (unsigned i = 0; i < a->server_count; i++)
    if (!ztk_inaddr_eq(&a->servers[i], &b->servers[i]))
      return false;
  return true;
}

static bool scalars_same(const ztk_ctl_network *a, const ztk_ctl_network *b)
{
  return a->nwid == b->nwid && !strcmp(a->name, b->name) && a->is_private == b->is_private &&
         a->enable_broadcast == b->enable_broadcast && a->multicast_limit == b->multicast_limit &&
         a->mtu == b->mtu && a->v4_zt == b->v4_zt && a->v6_rfc4193 == b->v6_rfc4193 &&
         a->v6_6plane == b->v6_6plane && a->v6_zt == b->v6_zt &&
         a->has_trace_target == b->has_trace_target &&
         (!a->has_trace_target || a->trace_target == b->trace_target) &&
         a->trace_level == b->trace_level && a->has_ctw == b->has_ctw &&
         (!a->has_ctw || a->ctw == b->ctw) && a->creation_time == b->creation_time &&
         a->sso_enabled == b->sso_enabled && !strcmp(a->client_id, b->client_id) &&
         !strcmp(a->authorization_endpoint, b->authorization_endpoint);
}

bool ztk_ctl_network_same(const ztk_ctl_network *a, const ztk_ctl_network *b)
{
  if (!scalars_same(a, b) || a->pool_count != b->pool_count || a->route_count != b->route_count ||
      a->rule_count != b->rule_count || a->cap_count != b->cap_count ||
      a->tag_count != b->tag_count || a->token_count != b->token_count ||
      !dns_same(&a->dns, &b->dns))
    return false;
  return pools_same(a, b) && routes_same(a, b) && rules_same(a->rules, b->rules, a->rule_count) &&
         caps_same(a, b) && tags_tokens_same(a, b);
}

static unsigned family_bits(const ztk_inaddr *a)
{
  return a->family == 4 ? 32 : a->family == 6 ? 128 : 0;
}

int ztk_ctl_network_add_pool(ztk_ctl_network *n, const ztk_ctl_pool *p)
{
  if (!family_bits(&p->start) || p->start.family != p->end.family)
    return ZTK_EINVAL;
  ztk_ctl_pool q = *p;
  q.start.port = q.end.port = 0;
  return ztk_array_append((void **)&n->pools, &n->pool_count, sizeof q, ZTK_CTL_MAX_POOLS, &q);
}

int ztk_ctl_network_add_route(ztk_ctl_network *n, const ztk_ctl_route *r)
{
  if (!family_bits(&r->target) || r->target.port > family_bits(&r->target))
    return ZTK_EINVAL;
  ztk_ctl_route q = *r;
  if (q.via.family != q.target.family) /* 1.14.1 keeps a gateway of the target's family only */
    memset(&q.via, 0, sizeof q.via);
  q.via.port = 0;
  return ztk_array_append((void **)&n->routes, &n->route_count, sizeof q, ZTK_CTL_MAX_ROUTES, &q);
}

int ztk_ctl_network_add_rule(ztk_ctl_network *n, const ztk_rule *r)
{
  return ztk_array_append((void **)&n->rules, &n->rule_count, sizeof *r, ZTK_CTL_MAX_RULES, r);
}

/* Inserts item (whose first member is a uint32_t id) into a sorted array, replacing the entry
 * with the same id. */
static int put_by_id(void **arr, unsigned *count, size_t size, unsigned max, const void *item)
{
  uint32_t id;
  memcpy(&id, item, sizeof id);
  uint8_t *base = *arr;
  unsigned i = 0;
  for (; i < *count; i++) {
    uint32_t have;
    memcpy(&have, base + i * size, sizeof have);
    if (have == id) {
      memcpy(base + i * size, item, size);
      return 0;
    }
    if (have > id)
      break;
  }
  int rc = ztk_array_reserve(arr, *count, size, max);
  if (rc)
    return rc;
  base = *arr;
  memmove(base + (i + 1) * size, base + i * size, (*count - i) * size);
  memcpy(base + i * size, item, size);
  (*count)++;
  return 0;
}

int ztk_ctl_network_add_capability(ztk_ctl_network *n, const ztk_ctl_capability *c)
{
  if (c->rule_count > ZTK_MAX_CAPABILITY_RULES)
    return ZTK_ELIMIT;
  return put_by_id((void **)&n->caps, &n->cap_count, sizeof *c, ZTK_CTL_MAX_CAPS, c);
}

int ztk_ctl_network_add_tag(ztk_ctl_network *n, const ztk_ctl_tag *t)
{
  ztk_ctl_tag q = *t;
  if (!q.has_default)
    q.dflt = 0;
  return put_by_id((void **)&n->tags, &n->tag_count, sizeof q, ZTK_CTL_MAX_TAGS, &q);
}

int ztk_ctl_network_add_token(ztk_ctl_network *n, const char *token, int64_t expires)
{
  size_t len = token ? strnlen(token, ZTK_CTL_TOKEN_MAX + 1) : 0;
  if (len == 0 || len > ZTK_CTL_TOKEN_MAX || expires < 0)
    return ZTK_EINVAL;
  for (size_t i = 0; i < len; i++)
    if ((unsigned char)token[i] <= 0x20 || token[i] == 0x7f)
      return ZTK_EINVAL;
  for (unsigned i = 0; i < n->token_count; i++)
    if (!strcmp(n->tokens[i].token, token)) {
      n->tokens[i].expires = expires;
      return 0;
    }
  ztk_ctl_token t;
  memset(&t, 0, sizeof t);
  memcpy(t.token, token, len);
  t.expires = expires;
  return ztk_array_append((void **)&n->tokens, &n->token_count, sizeof t, ZTK_CTL_MAX_AUTH_TOKENS,
                          &t);
}

int ztk_ctl_network_check(ztk_ctl_network *n)
{
  if (n->pool_count > ZTK_CTL_MAX_POOLS || n->route_count > ZTK_CTL_MAX_ROUTES ||
      n->rule_count > ZTK_CTL_MAX_RULES || n->cap_count > ZTK_CTL_MAX_CAPS ||
      n->tag_count > ZTK_CTL_MAX_TAGS || n->token_count > ZTK_CTL_MAX_AUTH_TOKENS ||
      n->dns.server_count > ZTK_CTL_MAX_DNS_SERVERS)
    return ZTK_EINVAL;
  for (unsigned i = 0; i < n->cap_count; i++)
    if (n->caps[i].rule_count > ZTK_MAX_CAPABILITY_RULES)
      return ZTK_EINVAL;
  n->mtu = n->mtu < ZTK_MIN_MTU ? ZTK_MIN_MTU : n->mtu > ZTK_MAX_MTU ? ZTK_MAX_MTU : n->mtu;
  n->name[sizeof n->name - 1] = 0;
  n->dns.domain[sizeof n->dns.domain - 1] = 0;
  n->client_id[sizeof n->client_id - 1] = 0;
  n->authorization_endpoint[sizeof n->authorization_endpoint - 1] = 0;
  n->trace_target &= 0xffffffffffull;
  return 0;
}
