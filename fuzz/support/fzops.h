/* The operations of the one-node rig's programs (fzrig.h). Each reads its arguments from the
 * rig's input (layouts in fzops.c, beside each operation) and drives self: packets from its
 * peers built as they would build them, raw datagrams, replies to what self sent, config
 * pushes and credentials signed with the controller's key, frames from members and from the
 * host, self's own API calls, and the clock. Shared by the packet and vl2_frames targets,
 * which differ in the mix. Support code for fuzz/ only. */
#ifndef ZTK_FUZZ_SUPPORT_FZOPS_H
#define ZTK_FUZZ_SUPPORT_FZOPS_H

#include "fuzz/support/fzrig.h"

typedef void (*fo_op)(fr_rig *r);

void fo_craft(fr_rig *r);        /* any verb, payload from the input */
void fo_raw(fr_rig *r);          /* unauthenticated bytes */
void fo_hello(fr_rig *r);        /* a well-formed HELLO with fields from the input */
void fo_reply(fr_rig *r);        /* OK / ERROR to one of self's recent packets */
void fo_library(fr_rig *r);      /* a packet self received while the fixture was made */
void fo_creds(fr_rig *r);        /* NETWORK_CREDENTIALS, maybe with a signed revocation */
void fo_config(fr_rig *r);       /* an edited config, signed by the controller, in chunks */
void fo_node(fr_rig *r);         /* self's API: join, leave, subscribe, messages, ... */
void fo_tick(fr_rig *r);         /* the clock */
void fo_member_frame(fr_rig *r); /* FRAME / EXT_FRAME / MULTICAST_FRAME from a member */
void fo_host_frame(fr_rig *r);   /* ztk_node_frame_in from self's host */
void fo_like(fr_rig *r);         /* MULTICAST_LIKE */
void fo_gather(fr_rig *r);       /* MULTICAST_GATHER */

/* Runs the input as a program: each op byte picks ops[byte % n], until the input, FR_MAX_OPS
 * or the rig's virtual time runs out. */
void fo_run(fr_rig *r, const fo_op *ops, size_t n);

#endif
