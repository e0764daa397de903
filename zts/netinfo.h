/* libzt's network and peer structures from the native ones. Internal header. */
#ifndef ZTK_ZTS_NETINFO_H
#define ZTK_ZTS_NETINFO_H

#include "ZeroTierSockets.h"
#include "ztkit/node.h"

/* Fills o (zeroed first) from i. */
void zts_ni_fill(zts_net_info_t *o, const ztk_network_info *i);
void zts_pi_fill(zts_peer_info_t *o, const ztk_peer_info *i);

#endif
