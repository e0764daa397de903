/* Target Functions: ztk_node_wire_in and everything behind it (core/node switch.c, vl1.c, vl2.c,
 * frames.c, membership.c, multicast.c, netconf_client.c; core/packet armor, compress,
 * fragment, verbs; core/network codecs), with ztk_node_tick and self's own API calls.
 *
 * A deep stateful target over the one-node rig (fuzz/support/fzrig.h): self (alice) has
 * joined a private and a public network of the rig's controller and knows its peers. The
 * input is a program (fuzz/support/fzops.c gives each operation's layout); the op byte picks:
 *   0-3 a packet from a peer built as that peer would (any verb, suite 0/1/3, optional LZ4,
 *       fragmentation, hops, replayed ids, other source addresses), armored with the real key
 *   4   raw, unauthenticated bytes        5   a well-formed HELLO
 *   6-7 OK / ERROR to a recent packet of self's (WHOIS, HELLO, GATHER answered right)
 *   8   a packet self received while the fixture was made, maybe mutated
 *   9   NETWORK_CREDENTIALS (maybe a signed revocation)
 *   10  a config update signed by the controller       11 self's API calls
 *   12  the clock          13 MULTICAST_LIKE     14 MULTICAST_GATHER     15 a member's frame
 * Invariants (fzrig.h): self's packets authenticate and decompress, frames to the host are
 * well addressed, the peer table and the state store stay bounded, nothing leaks. */
#include "fuzz/support/fzops.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const fo_op ops[] = {fo_craft, fo_craft, fo_craft,   fo_craft,       fo_raw,    fo_hello,
                              fo_reply, fo_reply, fo_library, fo_creds,       fo_config, fo_node,
                              fo_tick,  fo_like,  fo_gather,  fo_member_frame};
  fr_rig r;
  fr_begin(&r, data, size);
  fo_run(&r, ops, sizeof ops / sizeof ops[0]);
  fr_end(&r);
  return 0;
}
