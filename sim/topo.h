/* Topology builders: common shapes of underlay, built through the public ztk_net calls.
 *
 * Every builder creates its elements in a fixed order so that the ids it hands out are
 * consecutive: hosts first_host .. first_host + nhosts - 1, routers likewise. Host i of a
 * builder gets IPv4 address base + i (host-order integer), and the same seed and arguments always
 * give the same graph, ids, addresses and link ids.
 *
 * Internal header: not a stable API. */
#ifndef ZTK_SIM_TOPO_H
#define ZTK_SIM_TOPO_H

#include <stdint.h>

#include "sim/net.h"

typedef struct ztk_topo {
  uint32_t first_router, nrouters; /* the hub / chain / graph routers */
  uint32_t first_host, nhosts;
} ztk_topo;

typedef struct ztk_topo_site {
  uint32_t nat;   /* the gateway NAT box */
  uint32_t sw;    /* the site's LAN switch */
  uint32_t realm; /* the site's address realm */
  uint32_t first_host, nhosts;
} ztk_topo_site;

/* A router hub with nhosts public hosts, each on its own access link (NULL: perfect). Returns 0
 * or an error from the ztk_net calls (ZTK_ELIMIT, ZTK_ENOMEM, ZTK_EEXIST for taken addresses). */
int ztk_topo_star(ztk_net *n, uint32_t nhosts, uint32_t base_v4, const ztk_link_params *access,
                  ztk_topo *out);

/* count routers in a chain over backbone links, one public host on each router. Host 0 and
 * host count-1 are count-1 router hops apart. Returns as ztk_topo_star (ZTK_EINVAL for 0). */
int ztk_topo_line(ztk_net *n, uint32_t count, uint32_t base_v4, const ztk_link_params *backbone,
                  const ztk_link_params *access, ztk_topo *out);

/* nrouters routers joined into a random connected graph (a random recursive tree plus up to
 * extra_links more distinct router pairs, drawn from rng), with hosts_per_router public hosts
 * on each (host i sits on router i / hosts_per_router). Returns as ztk_topo_star. */
int ztk_topo_random(ztk_net *n, ztk_rng *rng, uint32_t nrouters, uint32_t extra_links,
                    uint32_t hosts_per_router, uint32_t base_v4, const ztk_link_params *backbone,
                    const ztk_link_params *access, ztk_topo *out);

/* A site behind a gateway: a NAT box with public address pub_v4 in outside_realm, linked to
 * element `uplink` over wan; a switch inside; nhosts hosts with private addresses
 * lan_base_v4 + i on lan links to the switch. Returns as ztk_topo_star. */
int ztk_topo_site_add(ztk_net *n, uint32_t uplink, uint32_t outside_realm, uint32_t pub_v4,
                      const ztk_nat_config *cfg, uint32_t nhosts, uint32_t lan_base_v4,
                      const ztk_link_params *wan, const ztk_link_params *lan, ztk_topo_site *out);

/* A core router with nsites sites (site i: public address pub_base_v4 + i), all using the same
 * private range lan_base_v4 (realms keep them apart). *core receives the router; out[nsites]
 * the sites. Returns as ztk_topo_star. */
int ztk_topo_sites(ztk_net *n, uint32_t nsites, uint32_t hosts_per_site, uint32_t pub_base_v4,
                   uint32_t lan_base_v4, const ztk_nat_config *cfg, const ztk_link_params *wan,
                   const ztk_link_params *lan, uint32_t *core, ztk_topo_site *out);

#endif
