/* A virtual network as one member node sees it (VL2): the config the controller issued us,
 * what we know about other members (their credentials), multicast subscriptions and the
 * subscriber directory, and multicast frames still gathering recipients. Owned by the node
 * (ztk_node.nets); every array is bounded. Internal header. */
#ifndef ZTK_CORE_NODE_NETWORK_H
#define ZTK_CORE_NODE_NETWORK_H

#include <stdbool.h>
#include <stdint.h>

#include "core/network/addressing.h"
#include "core/network/capability.h"
#include "core/network/chunk.h"
#include "core/network/coo.h"
#include "core/network/netconf.h"
#include "core/network/tag.h"
#include "ztkit/node.h"

#define ZTK_MAX_NETWORKS 64                /* joined networks per node */
#define ZTK_NETWORK_AUTOCONF_DELAY 60000   /* re-request a config this often */
#define ZTK_CONFIG_REQUEST_RETRY 5000      /* ... or this often while we have none */
#define ZTK_MULTICAST_LIKE_EXPIRE 600000
#define ZTK_MULTICAST_ANNOUNCE_PERIOD 60000
#define ZTK_MULTICAST_EXPLICIT_GATHER_DELAY 60000
#define ZTK_MULTICAST_TRANSMIT_TIMEOUT 5000
#define ZTK_MAX_SUBSCRIPTIONS 256          /* groups the local host listens to */
#define ZTK_MAX_MEMBERS 65536              /* other members we keep credentials for */
#define ZTK_PENDING_MULTICASTS 16
#define ZTK_MEMBER_MAX_TAGS 16
#define ZTK_MEMBER_MAX_CAPS 8
#define ZTK_CREDENTIALS_RATE_LIMIT 1000
#define ZTK_CREDENTIALS_REQUEST_RATE_LIMIT 1000
#define ZTK_LOCAL_AUTH_WINDOW (3 * ZTK_NETWORK_AUTOCONF_DELAY)

/* What we know of another member: its newest valid credentials and our bookkeeping. */
typedef struct ztk_member {
  ztk_address addr;
  bool have_com;
  ztk_com com;
  int64_t com_revoked_before; /* COMs with a timestamp at or below this are refused */
  unsigned ntags;
  ztk_tag tags[ZTK_MEMBER_MAX_TAGS];
  unsigned ncaps;
  ztk_capability *caps;       /* heap, ncaps entries */
  unsigned ncoos;
  ztk_coo coos[ZTK_MAX_CERTIFICATES_OF_OWNERSHIP];
  int64_t last_pushed;        /* our credentials last pushed to it */
  int64_t last_liked;         /* our groups last announced to it */
  int64_t last_creds_in;      /* its NETWORK_CREDENTIALS last processed */
  int64_t last_creds_asked;   /* NEED_MEMBERSHIP_CERTIFICATE last sent to it */
} ztk_member;

typedef struct ztk_pending_mcast {
  uint8_t *data;        /* heap copy of the payload; NULL when the slot is free */
  size_t len;
  int64_t when;
  ztk_mcgroup g;
  uint64_t src_mac;
  uint16_t ethertype;
  unsigned limit;
  ztk_address *sent;    /* heap, sorted: members it already went to */
  unsigned nsent;
} ztk_pending_mcast;

typedef struct ztk_vnet {
  uint64_t nwid;
  int status;                  /* ztk_network_status_code */
  ztk_netconf *cfg;            /* NULL until the first config arrives */
  int64_t last_config;         /* when the current config was applied */
  int64_t last_request;
  uint64_t mac;
  ztk_chunk_asm chunks;
  ztk_mcgroup subs[ZTK_MAX_SUBSCRIPTIONS]; /* what the local host listens to, sorted */
  unsigned nsubs;
  int64_t last_announce;
  ztk_member *members;         /* heap (core/util/array), sorted by address */
  unsigned nmembers;
  ztk_pending_mcast pend[ZTK_PENDING_MULTICASTS];
  bool responder;              /* answer ARP/NDP/ping/UDP echo in the core */
  uint16_t udp_echo_port;
} ztk_vnet;

#endif
