/* Capability (protocol notes §10.7): a set of rules the controller grants a member, carried with
 * a custody chain of signatures: entry 0 from the controller to the member, and each later entry
 * from the previous holder to the next, up to the max custody chain length (mccl). Every entry
 * signs the same input. The embedded controller issues mccl 1. Internal header. */
#ifndef ZTK_CORE_NETWORK_CAPABILITY_H
#define ZTK_CORE_NETWORK_CAPABILITY_H

#include <stdbool.h>
#include <stdint.h>

#include "core/network/credsig.h"
#include "core/network/rule.h"

#define ZTK_CAP_MAX_CUSTODY 7

typedef struct ztk_cap_custody {
  ztk_address to;
  ztk_address from;
  uint8_t signature[ZTK_SIGNATURE_LEN];
  bool has_signature;
} ztk_cap_custody;

typedef struct ztk_capability {
  uint64_t nwid;
  int64_t ts;
  uint32_t id;
  uint8_t mccl; /* max custody chain length, 1..7 */
  uint16_t rule_count;
  ztk_rule rules[ZTK_MAX_CAPABILITY_RULES];
  uint8_t custody_count; /* entries before the zero terminator, <= mccl */
  ztk_cap_custody custody[ZTK_CAP_MAX_CUSTODY];
} ztk_capability;

/* Finds a node's identity by address; returns NULL when it is not known. */
typedef const ztk_identity *(*ztk_identity_lookup_fn)(void *user, ztk_address addr);

/* A capability without custody entries; mccl is clamped to 1..7 as 1.14.1 does. Returns 0 or
 * ZTK_ELIMIT (more than ZTK_MAX_CAPABILITY_RULES rules). */
int ztk_capability_init(ztk_capability *c, uint32_t id, uint64_t nwid, int64_t ts, unsigned mccl,
                        const ztk_rule *rules, unsigned rule_count);

/* The member holding the capability: the last custody entry's `to` (0 if none). */
ztk_address ztk_capability_issued_to(const ztk_capability *c);

/* Reads one capability. Returns 0, or one of: ZTK_ETRUNC, ZTK_ELIMIT (more than 64 rules, or
 * more custody entries than mccl), ZTK_EFORMAT (mccl outside 1..7, bad signature length),
 * ZTK_ENET_RULES. */
int ztk_capability_read(ztk_rd *r, ztk_capability *c);

/* Appends the capability: custody entries then a zero `to`, extension length 0. */
void ztk_capability_write(ztk_wr *w, const ztk_capability *c);

/* Appends the signing input `7f×8 || nwid ts id ruleCount rules mccl || 0000 || 7f×8`. */
void ztk_capability_signing_input(ztk_wr *w, const ztk_capability *c);

/* Adds a custody entry from `from` (who signs) to `to`. Returns 0, or one of: ZTK_ELIMIT (the
 * chain is full), ZTK_EID_NOSECRET. */
int ztk_capability_sign(ztk_capability *c, const ztk_identity *from, ztk_address to);

/* Verifies the chain as 1.14.1: entry 0 present and from the network's controller, each later
 * entry from the previous `to`, every signature valid. Identities come from lookup. Returns 0,
 * ZTK_ENET_CREDENTIAL, or ZTK_ENOTFOUND with *need set to the address whose identity is not yet
 * known (ask for it and retry). */
int ztk_capability_verify(const ztk_capability *c, ztk_identity_lookup_fn lookup, void *user,
                          ztk_address *need);

#endif
