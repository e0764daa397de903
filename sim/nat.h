/* A NAT box's translation state (IPv4 UDP), independent of the fabric around it.
 *
 * The four classic behaviours (RFC 4787 terms in brackets):
 *   FULL_CONE           one mapping per inside endpoint [endpoint-independent mapping], any
 *                       remote may send to it [endpoint-independent filtering];
 *   ADDRESS_RESTRICTED  one mapping per inside endpoint; inbound only from remote IPs the
 *                       mapping has sent to [address-dependent filtering];
 *   PORT_RESTRICTED     one mapping per inside endpoint; inbound only from remote IP:ports it
 *                       has sent to [address-and-port-dependent filtering];
 *   SYMMETRIC           one mapping per (inside endpoint, remote IP:port), each with its own
 *                       public port [address-and-port-dependent mapping]; inbound only from
 *                       that remote.
 * Mappings and filter permissions expire after timeout_us without outbound traffic (inbound
 * traffic refreshes them too if inbound_refresh). Public ports are allocated deterministically:
 * sequentially, preserving the inside port when free, or from the NAT's own random stream.
 * Tables are bounded (max_mappings; permissions 4x that); expired entries are swept lazily.
 *
 * Internal header: not a stable API. */
#ifndef ZTK_SIM_NAT_H
#define ZTK_SIM_NAT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/util/inaddr.h"
#include "sim/drop.h"
#include "sim/rng.h"

typedef enum ztk_nat_type {
  ZTK_NAT_FULL_CONE = 1,
  ZTK_NAT_ADDRESS_RESTRICTED,
  ZTK_NAT_PORT_RESTRICTED,
  ZTK_NAT_SYMMETRIC,
} ztk_nat_type;

typedef enum ztk_nat_ports {
  ZTK_NAT_PORTS_SEQUENTIAL = 0, /* next free port after the last one given */
  ZTK_NAT_PORTS_PRESERVE,       /* the inside port if free, else sequential */
  ZTK_NAT_PORTS_RANDOM,         /* a random free port (from the NAT's stream) */
} ztk_nat_ports;

typedef struct ztk_nat_config {
  ztk_nat_type type;
  ztk_nat_ports ports;
  uint16_t port_min, port_max; /* public port range; 0, 0 = 1024 .. 65535 */
  int64_t timeout_us;          /* idle timeout; 0 = ZTK_NAT_DEFAULT_TIMEOUT */
  bool inbound_refresh;        /* inbound traffic also keeps mappings alive */
  bool hairpin;                /* inside hosts may reach each other via public mappings */
  uint32_t max_mappings;       /* 0 = ZTK_NAT_DEFAULT_MAPPINGS */
} ztk_nat_config;

#define ZTK_NAT_DEFAULT_TIMEOUT INT64_C(60000000) /* 60 s */
#define ZTK_NAT_DEFAULT_MAPPINGS 4096u
#define ZTK_NAT_MAX_MAPPINGS 65536u

typedef struct ztk_nat_counters {
  uint64_t created, expired;      /* mappings */
  uint64_t out, in;               /* datagrams translated */
  uint64_t nomap, filtered, full; /* datagrams refused */
} ztk_nat_counters;

typedef struct ztk_nat ztk_nat;

/* Creates a NAT with public IPv4 address public_ip (its port is ignored) and its own random
 * stream. Returns 0 or one of: ZTK_EINVAL (bad type, range or address), ZTK_ENOMEM. */
int ztk_nat_new(ztk_nat **out, const ztk_nat_config *cfg, const ztk_inaddr *public_ip,
                const ztk_rng *rng);
void ztk_nat_del(ztk_nat *n);

const ztk_nat_config *ztk_nat_config_of(const ztk_nat *n);
const ztk_inaddr *ztk_nat_public_ip(const ztk_nat *n);
const ztk_nat_counters *ztk_nat_counters_of(const ztk_nat *n);

/* Outbound: inside endpoint `in` sends to `remote`. Finds or creates the mapping, records the
 * permission, refreshes timers, and writes the public source endpoint to *pub. Returns
 * ZTK_DROP_NONE or ZTK_DROP_NAT_FULL. */
int ztk_nat_out(ztk_nat *n, int64_t now_us, const ztk_inaddr *in, const ztk_inaddr *remote,
                ztk_inaddr *pub);

/* Inbound: `remote` sends to public endpoint `pub`. On success writes the inside endpoint to
 * *in. Returns ZTK_DROP_NONE, ZTK_DROP_NAT_NOMAP (no live mapping on that port) or
 * ZTK_DROP_NAT_FILTER (the mapping exists but the filter refuses this remote). */
int ztk_nat_in(ztk_nat *n, int64_t now_us, const ztk_inaddr *remote, const ztk_inaddr *pub,
               ztk_inaddr *in);

/* Drops every expired mapping and permission. Returns how many mappings expired. */
uint32_t ztk_nat_expire(ztk_nat *n, int64_t now_us);

/* Live (unexpired) mappings. */
uint32_t ztk_nat_mappings(const ztk_nat *n, int64_t now_us);

/* Looks up without changing anything: the public endpoint that `in` would use towards
 * `remote` (remote matters only for SYMMETRIC). Returns 0 or ZTK_ENOTFOUND. */
int ztk_nat_peek(const ztk_nat *n, int64_t now_us, const ztk_inaddr *in, const ztk_inaddr *remote,
                 ztk_inaddr *pub);

/* Bytes of memory held. */
size_t ztk_nat_bytes(const ztk_nat *n);

#endif
