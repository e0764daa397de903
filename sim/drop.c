#include "sim/drop.h"

static const char *const NAMES[ZTK_DROP_COUNT] = {
    [ZTK_DROP_NONE] = "none",
    [ZTK_DROP_DOWN] = "down",
    [ZTK_DROP_MTU] = "mtu",
    [ZTK_DROP_QUEUE] = "queue",
    [ZTK_DROP_LOSS] = "loss",
    [ZTK_DROP_BURST] = "burst",
    [ZTK_DROP_FILTER] = "filter",
    [ZTK_DROP_TTL] = "ttl",
    [ZTK_DROP_NOROUTE] = "noroute",
    [ZTK_DROP_PARTITION] = "partition",
    [ZTK_DROP_NAT_NOMAP] = "nat-nomap",
    [ZTK_DROP_NAT_FILTER] = "nat-filter",
    [ZTK_DROP_NAT_HAIRPIN] = "nat-hairpin",
    [ZTK_DROP_NAT_FULL] = "nat-full",
    [ZTK_DROP_FABRIC] = "fabric",
    [ZTK_DROP_NOSOCK] = "nosock",
    [ZTK_DROP_INBOX] = "inbox",
};

const char *ztk_drop_name(int reason)
{
  return reason >= 0 && reason < ZTK_DROP_COUNT ? NAMES[reason] : "?";
}
