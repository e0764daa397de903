/* Helpers for tests that run real services over UDP on loopback: a free port and a planet
 * whose one root listens on 127.0.0.1. */
#ifndef ZTK_TEST_SUPPORT_SVCNET_H
#define ZTK_TEST_SUPPORT_SVCNET_H

#include <stddef.h>
#include <stdint.h>

#include "ztkit/identity.h"

/* A port free for UDP on 0.0.0.0 and [::] (a service binds both); fails the test if none. */
int sn_free_udp_port(void);

/* A signed planet (timestamp 1700000000000) with one root, reachable at 127.0.0.1/port, into
 * out (ZTK_WORLD_MAX_LEN bytes); fails the test on error. */
void sn_build_planet(uint64_t id, const ztk_identity *root, int port, uint8_t *out, size_t *len);

/* Monotonic milliseconds. */
int64_t sn_mono_ms(void);

#endif
