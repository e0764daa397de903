/* The planet built into ZeroTierOne 1.14.1: ZeroTier's public "Earth" (world id 149604618,
 * timestamp 1644592324813, four roots). A node offers it after any configured planet; being a
 * different world id, it never replaces a custom planet (ztk_world_should_replace). The bytes
 * are data copied from the test vectors (worlds.json), not derived. Internal header. */
#ifndef ZTK_CORE_WORLD_DEFAULT_PLANET_H
#define ZTK_CORE_WORLD_DEFAULT_PLANET_H

#include <stddef.h>
#include <stdint.h>

#include "core/world/world.h"

#define ZTK_DEFAULT_PLANET_ID 149604618ULL
#define ZTK_DEFAULT_PLANET_LEN 570

/* Returns the serialized planet (ZTK_DEFAULT_PLANET_LEN bytes, static storage). */
const uint8_t *ztk_default_planet_bytes(void);

/* Parses the built-in planet into w. Returns 0; a parse error code would mean corrupt data. */
int ztk_default_planet(ztk_world *w);

#endif
