/* The network config a member gets, built as 1.14.1's controller builds it (protocol notes
 * §13.4): basics, trace, active bridges, rules, capabilities, tags, routes, static IPs
 * (ctl_assign.c), DNS, a certificate of ownership for the static IPs and the COM. */
#include <stdlib.h>
#include <string.h>

#include "core/controller/ctl_internal.h"

static int64_t ctmd_of(const ztk_ctl_network *n)
{
  int64_t v = n->has_ctw ? n->ctw : ZTK_CTMD_DEFAULT;
  return v < ZTK_CTMD_MIN ? ZTK_CTMD_MIN : v > ZTK_CTMD_MAX ? ZTK_CTMD_MAX : v;
}

static void basics(const ztk_ctl_network *n, const ztk_ctl_member *m, const ztk_ctl_req *rq,
                   ztk_netconf *nc)
{
  nc->nwid = rq->nwid;
  nc->type = n->is_private ? ZTK_NETWORK_PRIVATE : ZTK_NETWORK_PUBLIC;
  nc->ts = rq->now;
  nc->ctmd = ctmd_of(n);
  nc->revision = n->revision;
  nc->issued_to = m->address;
  if (n->enable_broadcast)
    nc->flags |= ZTK_NETCONF_FLAG_ENABLE_BROADCAST;
  memcpy(nc->name, n->name, sizeof nc->name - 1);
  nc->mtu = n->mtu < ZTK_MIN_MTU ? ZTK_MIN_MTU : n->mtu > ZTK_MAX_MTU ? ZTK_MAX_MTU : n->mtu;
  nc->multicast_limit = n->multicast_limit;
  /* SSO is data only here (no identity provider): version 0, no URL. */
  nc->sso_enabled = n->sso_enabled;
  nc->sso_version = 0;
  nc->auth_expiry = (uint64_t)m->auth_expiry;
  /* The member's trace target wins (with its level); else the network's. */
  if (m->has_trace_target) {
    nc->trace_target = m->trace_target;
    nc->trace_level = m->trace_level;
  } else {
    nc->trace_target = n->has_trace_target ? n->trace_target : 0;
    nc->trace_level = n->trace_level;
  }
}

static int bridges(ztk_ctl_net *net, ztk_netconf *nc)
{
  const ztk_ctl_net_index *x = ztk_ctl_net_indexed(net);
  for (unsigned i = 0; (!x || x->bridges) && i < net->member_count; i++) {
    if (!net->members[i]->active_bridge)
      continue;
    int rc = ztk_netconf_add_specialist(nc, net->members[i]->address | ZTK_SPECIALIST_ACTIVE_BRIDGE);
    if (rc == ZTK_ENOMEM)
      return rc;
  }
  return 0;
}

static const ztk_ctl_capability *find_cap(const ztk_ctl_network *n, uint32_t id)
{
  for (unsigned i = 0; i < n->cap_count; i++)
    if (n->caps[i].id == id)
      return &n->caps[i];
  return NULL;
}

/* Default capabilities go to members created by this request; every capability the member
 * holds is issued, signed, custody controller -> member. */
static int capabilities(ztk_ctl *c, const ztk_ctl_network *n, ztk_ctl_member *m,
                        const ztk_ctl_req *rq, ztk_netconf *nc)
{
  for (unsigned i = 0; rq->new_member && i < n->cap_count; i++)
    if (n->caps[i].dflt && ztk_ctl_member_add_cap(m, n->caps[i].id) == ZTK_ENOMEM)
      return ZTK_ENOMEM;
  ztk_capability *cap = malloc(sizeof *cap);
  if (!cap)
    return ZTK_ENOMEM;
  int rc = 0;
  for (unsigned i = 0; !rc && i < m->cap_count; i++) {
    const ztk_ctl_capability *def = find_cap(n, m->caps[i]);
    if (!def ||
        ztk_capability_init(cap, def->id, rq->nwid, rq->now, 1, def->rules, def->rule_count))
      continue;
    if (ztk_capability_sign(cap, &c->self, m->address))
      continue;
    rc = ztk_netconf_add_capability(nc, cap);
  }
  free(cap);
  return rc == ZTK_ENOMEM ? rc : 0;
}

static int tag_cmp(const void *a, const void *b)
{
  uint32_t x = ((const ztk_ctl_member_tag *)a)->id, y = ((const ztk_ctl_member_tag *)b)->id;
  return x < y ? -1 : x > y;
}

static bool has_tag(const ztk_ctl_member_tag *t, unsigned n, uint32_t id)
{
  for (unsigned i = 0; i < n; i++)
    if (t[i].id == id)
      return true;
  return false;
}

/* The member's tags plus the network's defaults it lacks (which join the member record), issued
 * in ascending id order. */
static int tags(ztk_ctl *c, const ztk_ctl_network *n, ztk_ctl_member *m, const ztk_ctl_req *rq,
                ztk_netconf *nc)
{
  unsigned count = 0;
  ztk_ctl_member_tag *all = malloc((m->tag_count + n->tag_count + 1) * sizeof *all);
  if (!all)
    return ZTK_ENOMEM;
  for (unsigned i = 0; i < m->tag_count; i++)
    if (!has_tag(all, count, m->tags[i].id))
      all[count++] = m->tags[i];
  for (unsigned i = 0; i < n->tag_count; i++) {
    if (!n->tags[i].has_default || has_tag(all, count, n->tags[i].id))
      continue;
    all[count++] = (ztk_ctl_member_tag){n->tags[i].id, n->tags[i].dflt};
    (void)ztk_ctl_member_set_tag(m, n->tags[i].id, n->tags[i].dflt);
  }
  qsort(all, count, sizeof *all, tag_cmp);
  int rc = 0;
  for (unsigned i = 0; !rc && i < count; i++) {
    ztk_tag t;
    ztk_tag_init(&t, rq->nwid, rq->now, m->address, all[i].id, all[i].value);
    if (!ztk_tag_sign(&t, &c->self))
      rc = ztk_netconf_add_tag(nc, &t);
  }
  free(all);
  return rc == ZTK_ENOMEM ? rc : 0;
}

/* Rules, capabilities and tags; a member whose rules engine revision is 0 (or unknown) gets a
 * single ACCEPT and nothing else, as 1.14.1 does for old clients. */
static int rules_caps_tags(ztk_ctl *c, const ztk_ctl_network *n, ztk_ctl_member *m,
                           const ztk_ctl_req *rq, ztk_netconf *nc)
{
  uint64_t revr = 0;
  if (ztk_dict_get_u64(rq->meta, "revr", &revr) || revr == 0) {
    ztk_rule accept;
    memset(&accept, 0, sizeof accept);
    accept.t = ZTK_RULE_ACTION_ACCEPT;
    return ztk_netconf_add_rule(nc, &accept);
  }
  for (unsigned i = 0; i < n->rule_count; i++) {
    int rc = ztk_netconf_add_rule(nc, &n->rules[i]);
    if (rc)
      return rc == ZTK_ENOMEM ? rc : 0;
  }
  int rc = capabilities(c, n, m, rq, nc);
  return rc ? rc : tags(c, n, m, rq, nc);
}

static int routes(const ztk_ctl_network *n, ztk_netconf *nc)
{
  for (unsigned i = 0; i < n->route_count; i++) {
    ztk_netconf_route rt;
    memset(&rt, 0, sizeof rt);
    rt.target = n->routes[i].target;
    rt.via = n->routes[i].via;
    int rc = ztk_netconf_add_route(nc, &rt);
    if (rc)
      return rc == ZTK_ENOMEM ? rc : 0;
  }
  return 0;
}

static void dns(const ztk_ctl_network *n, ztk_netconf *nc)
{
  if (!n->dns.set)
    return;
  memcpy(nc->dns.domain, n->dns.domain, sizeof nc->dns.domain - 1);
  for (unsigned i = 0; i < n->dns.server_count && i < ZTK_MAX_DNS_SERVERS; i++)
    nc->dns.servers[i] = n->dns.servers[i];
}

/* One certificate of ownership (id 1) for the static IPs (the first 16 fit), then the COM. */
static int credentials(ztk_ctl *c, const ztk_ctl_req *rq, ztk_netconf *nc)
{
  if (nc->static_ip_count) {
    ztk_coo *coo = &nc->coos[0];
    ztk_coo_init(coo, rq->nwid, rq->now, rq->identity->address, 1);
    for (unsigned i = 0; i < nc->static_ip_count; i++)
      (void)ztk_coo_add_ip(coo, &nc->static_ips[i]);
    int rc = ztk_coo_sign(coo, &c->self);
    if (rc)
      return rc;
    nc->coo_count = 1;
  }
  int rc = ztk_com_init(&nc->com, rq->now, (uint64_t)nc->ctmd, rq->nwid, rq->identity);
  return rc ? rc : ztk_com_sign(&nc->com, &c->self);
}

int ztk_ctl_build_config(ztk_ctl *c, ztk_ctl_net *net, ztk_ctl_member *m,
                         const ztk_ctl_req *rq, ztk_netconf *nc)
{
  const ztk_ctl_network *n = &net->rec;
  basics(n, m, rq, nc);
  int rc = bridges(net, nc);
  if (!rc)
    rc = rules_caps_tags(c, n, m, rq, nc);
  if (!rc)
    rc = routes(n, nc);
  if (!rc)
    rc = ztk_ctl_assign_ips(c, net, m, rq, nc);
  if (rc)
    return rc;
  dns(n, nc);
  return credentials(c, rq, nc);
}
