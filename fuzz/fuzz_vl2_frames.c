/* Target Functions: ztk_node_frame_in (unicast, multicast, broadcast, bridging, the rules
 * engine with tags and capabilities, TEE/WATCH copies, NDP emulation, the core-only responder)
 * and the receiving side of FRAME, EXT_FRAME and MULTICAST_FRAME (membership gates, inline
 * COMs, credential requests, multicast gather and replication), over the one-node rig
 * (fuzz/support/fzrig.h): self has joined NET1 (private: rules, tags, capabilities, a bridge
 * member) and NET2 (public) with the responder on (UDP echo on port 7).
 *
 * The input is a program (layouts in fuzz/support/fzops.c); the op byte picks:
 *   0-2 a frame from self's host: ARP, ICMP/UDP/TCP over IPv4, ICMPv6/NS/UDP over IPv6 with
 *       right checksums, or raw; any destination MAC
 *   3-5 a frame from a member as FRAME / EXT_FRAME / MULTICAST_FRAME (flags, inline COM)
 *   6 a member's credentials   7 MULTICAST_LIKE   8 MULTICAST_GATHER   9 OK/ERROR to self
 *   10 the clock               11 self's API calls (subscribe, responder, join, leave ...)
 * Invariants as the packet target's. */
#include "fuzz/support/fzops.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const fo_op ops[] = {fo_host_frame,   fo_host_frame,   fo_host_frame, fo_member_frame,
                              fo_member_frame, fo_member_frame, fo_creds,      fo_like,
                              fo_gather,       fo_reply,        fo_tick,       fo_node};
  fr_rig r;
  fr_begin(&r, data, size);
  fo_run(&r, ops, sizeof ops / sizeof ops[0]);
  fr_end(&r);
  return 0;
}
