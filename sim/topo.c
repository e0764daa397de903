#include "sim/topo.h"

#include "ztkit/error.h"

/* count hosts in realm with addresses base, base+1, ...; *first receives the first id. */
static int add_hosts(ztk_net *n, uint32_t realm, uint32_t count, uint32_t base_v4, uint32_t *first)
{
  for (uint32_t i = 0; i < count; i++) {
    int h = ztk_net_add_host(n, realm);
    if (h < 0)
      return h;
    if (i == 0)
      *first = (uint32_t)h;
    ztk_inaddr a;
    ztk_inaddr_v4(&a, base_v4 + i, 0);
    int err = ztk_net_add_addr(n, (uint32_t)h, &a);
    if (err)
      return err;
  }
  return 0;
}

static int add_routers(ztk_net *n, uint32_t count, uint32_t *first)
{
  for (uint32_t i = 0; i < count; i++) {
    int r = ztk_net_add_router(n);
    if (r < 0)
      return r;
    if (i == 0)
      *first = (uint32_t)r;
  }
  return 0;
}

/* Links hosts first_host + i to router first_router + i / per. */
static int attach_hosts(ztk_net *n, const ztk_topo *t, uint32_t per, const ztk_link_params *p)
{
  for (uint32_t i = 0; i < t->nhosts; i++) {
    int l = ztk_net_link(n, t->first_host + i, t->first_router + i / per, p, NULL);
    if (l < 0)
      return l;
  }
  return 0;
}

int ztk_topo_star(ztk_net *n, uint32_t nhosts, uint32_t base_v4, const ztk_link_params *access,
                  ztk_topo *out)
{
  ztk_topo t = {0, 1, ZTK_NET_NONE, nhosts};
  int err = add_routers(n, 1, &t.first_router);
  if (!err)
    err = add_hosts(n, ZTK_NET_PUBLIC, nhosts, base_v4, &t.first_host);
  if (!err)
    err = attach_hosts(n, &t, nhosts ? nhosts : 1, access);
  if (!err && out)
    *out = t;
  return err;
}

int ztk_topo_line(ztk_net *n, uint32_t count, uint32_t base_v4, const ztk_link_params *backbone,
                  const ztk_link_params *access, ztk_topo *out)
{
  if (!count)
    return ZTK_EINVAL;
  ztk_topo t = {0, count, 0, count};
  int err = add_routers(n, count, &t.first_router);
  if (!err)
    err = add_hosts(n, ZTK_NET_PUBLIC, count, base_v4, &t.first_host);
  for (uint32_t i = 0; !err && i + 1 < count; i++) {
    int l = ztk_net_link(n, t.first_router + i, t.first_router + i + 1, backbone, NULL);
    err = l < 0 ? l : 0;
  }
  if (!err)
    err = attach_hosts(n, &t, 1, access);
  if (!err && out)
    *out = t;
  return err;
}

int ztk_topo_random(ztk_net *n, ztk_rng *rng, uint32_t nrouters, uint32_t extra_links,
                    uint32_t hosts_per_router, uint32_t base_v4, const ztk_link_params *backbone,
                    const ztk_link_params *access, ztk_topo *out)
{
  if (!nrouters || !rng)
    return ZTK_EINVAL;
  ztk_topo t = {0, nrouters, 0, nrouters * hosts_per_router};
  int err = add_routers(n, nrouters, &t.first_router);
  for (uint32_t i = 1; !err && i < nrouters; i++) { /* random recursive tree: connected */
    uint32_t parent = (uint32_t)ztk_rng_below(rng, i);
    int l = ztk_net_link(n, t.first_router + parent, t.first_router + i, backbone, NULL);
    err = l < 0 ? l : 0;
  }
  for (uint64_t tries = 0, added = 0;
       !err && added < extra_links && nrouters > 2 && tries < 8 * (uint64_t)extra_links; tries++) {
    uint32_t a = (uint32_t)ztk_rng_below(rng, nrouters);
    uint32_t b = (uint32_t)ztk_rng_below(rng, nrouters);
    if (a == b || ztk_net_find_link(n, t.first_router + a, t.first_router + b) >= 0)
      continue;
    int l = ztk_net_link(n, t.first_router + a, t.first_router + b, backbone, NULL);
    err = l < 0 ? l : 0;
    added++;
  }
  if (!err && t.nhosts)
    err = add_hosts(n, ZTK_NET_PUBLIC, t.nhosts, base_v4, &t.first_host);
  if (!err && t.nhosts)
    err = attach_hosts(n, &t, hosts_per_router, access);
  if (!err && out)
    *out = t;
  return err;
}

int ztk_topo_site_add(ztk_net *n, uint32_t uplink, uint32_t outside_realm, uint32_t pub_v4,
                      const ztk_nat_config *cfg, uint32_t nhosts, uint32_t lan_base_v4,
                      const ztk_link_params *wan, const ztk_link_params *lan, ztk_topo_site *out)
{
  ztk_inaddr pub;
  ztk_inaddr_v4(&pub, pub_v4, 0);
  int nat = ztk_net_add_nat(n, outside_realm, &pub, cfg);
  if (nat < 0)
    return nat;
  int sw = ztk_net_add_switch(n);
  if (sw < 0)
    return sw;
  ztk_topo_site s = {(uint32_t)nat, (uint32_t)sw, (uint32_t)ztk_net_nat_realm(n, (uint32_t)nat),
                     ZTK_NET_NONE, nhosts};
  int err = add_hosts(n, s.realm, nhosts, lan_base_v4, &s.first_host);
  int l = err ? err : ztk_net_link(n, uplink, s.nat, wan, NULL);
  if (l >= 0)
    l = ztk_net_link(n, s.sw, s.nat, lan, NULL);
  for (uint32_t i = 0; l >= 0 && i < nhosts; i++)
    l = ztk_net_link(n, s.first_host + i, s.sw, lan, NULL);
  if (l < 0)
    return l;
  if (out)
    *out = s;
  return 0;
}

int ztk_topo_sites(ztk_net *n, uint32_t nsites, uint32_t hosts_per_site, uint32_t pub_base_v4,
                   uint32_t lan_base_v4, const ztk_nat_config *cfg, const ztk_link_params *wan,
                   const ztk_link_params *lan, uint32_t *core, ztk_topo_site *out)
{
  int r = ztk_net_add_router(n);
  if (r < 0)
    return r;
  if (core)
    *core = (uint32_t)r;
  for (uint32_t i = 0; i < nsites; i++) {
    int err = ztk_topo_site_add(n, (uint32_t)r, ZTK_NET_PUBLIC, pub_base_v4 + i, cfg,
                                hosts_per_site, lan_base_v4, wan, lan, out ? &out[i] : NULL);
    if (err)
      return err;
  }
  return 0;
}
