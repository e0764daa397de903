/* The topology: every peer we know (sorted by address, so iteration never depends on
 * pointers), and the worlds (planet and moons) that name our upstreams. Owns its peers.
 * Internal header. */
#ifndef ZTK_CORE_NODE_TOPOLOGY_H
#define ZTK_CORE_NODE_TOPOLOGY_H

#include "core/node/peer.h"
#include "core/world/world.h"

#define ZTK_MAX_MOONS 8
#define ZTK_MAX_UPSTREAMS (ZTK_WORLD_MAX_ROOTS * (1 + ZTK_MAX_MOONS))
#define ZTK_MAX_PEERS 1000000

typedef struct ztk_moon_wanted {
  uint64_t id;
  ztk_address seed;
} ztk_moon_wanted;

typedef struct ztk_topology {
  ztk_peer **peers; /* sorted by address; owned */
  int n, cap;
  ztk_world planet;
  ztk_world *moons; /* heap, nmoons entries (worlds are ~3 KB: most nodes orbit none) */
  int nmoons;
  ztk_moon_wanted wanted[ZTK_MAX_MOONS];
  int nwanted;
  ztk_upstream *up; /* heap, exactly nup entries (each ~1.5 KB) */
  int nup;
  bool am_upstream;
} ztk_topology;

void ztk_topo_init(ztk_topology *t);
void ztk_topo_free(ztk_topology *t);

ztk_peer *ztk_topo_get(const ztk_topology *t, ztk_address a);

/* Inserts p (ownership moves to the topology). Returns 0, ZTK_EEXIST (p not taken) or
 * ZTK_ENOMEM / ZTK_ELIMIT. */
int ztk_topo_add(ztk_topology *t, ztk_peer *p);

/* Removes and returns the peer at index i (the caller owns it). */
ztk_peer *ztk_topo_take(ztk_topology *t, int i);

/* Recomputes the upstream list from the worlds for our identity. Returns 0 or ZTK_ELIMIT. */
int ztk_topo_refresh(ztk_topology *t, const ztk_identity *self);

const ztk_upstream *ztk_topo_upstream(const ztk_topology *t, ztk_address a);
bool ztk_topo_is_upstream(const ztk_topology *t, ztk_address a);

/* Best upstream to relay through: lowest latency x missed-ping factor among upstream peers
 * heard within activity_timeout; NULL if no upstream peer exists. */
ztk_peer *ztk_topo_best_upstream(const ztk_topology *t, int64_t now, int64_t activity_timeout);

/* Installs a world received from an upstream (or configured): replaces the planet or a moon
 * of the same id when the update rule allows, or adds a moon we want. Returns 0 if installed,
 * else the reason (ZTK_EWORLD_*) or ZTK_ELIMIT. */
int ztk_topo_add_world(ztk_topology *t, const ztk_world *w, bool trusted_initial);

#endif
