/* An in-memory state store: a node's identity, planet, moons, peers and network configs kept
 * in process memory only (libzt's "no storage" mode; also the simplest store for tests).
 * Internal header: see runtime/state_store.h for the operations. */
#ifndef ZTK_RUNTIME_STATE_MEM_H
#define ZTK_RUNTIME_STATE_MEM_H

#include "runtime/state_store.h"

/* Objects one memory store holds at most (a put beyond it fails with ZTK_ELIMIT). */
#define ZTK_STATE_MEM_MAX_OBJECTS 65536

/* Creates an empty memory store. Returns 0 or one of: ZTK_EINVAL (out NULL), ZTK_ENOMEM. */
int ztk_state_mem_new(ztk_state_store **out);

/* Objects currently held, and their total size in bytes. Returns 0 or ZTK_EINVAL (not a
 * memory store). */
int ztk_state_mem_usage(const ztk_state_store *s, size_t *objects, size_t *bytes);

#endif
