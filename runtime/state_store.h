/* Where a node's persistent state lives: the backend behind its state_get/state_put callbacks.
 * Two backends: a ZeroTierOne-style home directory (runtime/state_dir.h) and process memory
 * (runtime/state_mem.h, libzt's "no storage" mode). Internal header.
 *
 * Ownership: a store is created by its backend's constructor and owned by the caller until
 * ztk_state_store_free(). Not thread-safe: the service calls it under its lock. */
#ifndef ZTK_RUNTIME_STATE_STORE_H
#define ZTK_RUNTIME_STATE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "ztkit/node.h"

/* Largest object a store keeps (network configurations are the biggest, well below this). */
#define ZTK_STATE_OBJECT_MAX (1u << 20)

/* Objects of the host rather than the node (never passed to or from a node's callbacks). */
#define ZTK_STATE_NETWORK_SETTINGS ((ztk_state_type)64) /* id[0] = nwid: the local settings of a
                                                           joined network (service_net.h) */

typedef struct ztk_state_store ztk_state_store;

typedef struct ztk_state_store_ops {
  /* REQUIRED. Copies object (type, id) into buf. Returns its length, ZTK_ENOTFOUND if absent,
   * ZTK_ENOSPACE if larger than cap, or ZTK_EIO if it exists but cannot be read. */
  long (*get)(ztk_state_store *s, ztk_state_type type, const uint64_t id[2], void *buf,
              size_t cap);
  /* REQUIRED. Stores (len > 0) or deletes (data NULL, len 0) an object. Returns 0 or one of:
   * ZTK_EINVAL (unknown type, len > ZTK_STATE_OBJECT_MAX), ZTK_EIO, ZTK_ENOMEM. */
  int (*put)(ztk_state_store *s, ztk_state_type type, const uint64_t id[2], const void *data,
             size_t len);
  /* REQUIRED. Lists the ids (id[0]) of stored objects of one type in ascending order: fills
   * up to max, returns how many exist (or a negative code). */
  int (*list)(ztk_state_store *s, ztk_state_type type, uint64_t *ids, int max);
  /* REQUIRED. Frees the store (memory only: a directory's files stay). */
  void (*free)(ztk_state_store *s);
} ztk_state_store_ops;

#define ZTK_STATE_PROBLEM_LEN 320

/* Every backend's struct starts with this header. The node's callbacks cannot report errors,
 * so a backend records its last failure here as text (the service shows it to the user). */
struct ztk_state_store {
  const ztk_state_store_ops *ops;
  const char *kind;                     /* "dir", "mem" */
  uint64_t failures;                    /* failed reads and writes so far */
  char problem[ZTK_STATE_PROBLEM_LEN];  /* the last one, "" if none */
};

static inline long ztk_state_store_get(ztk_state_store *s, ztk_state_type type,
                                       const uint64_t id[2], void *buf, size_t cap)
{
  return s->ops->get(s, type, id, buf, cap);
}
static inline int ztk_state_store_put(ztk_state_store *s, ztk_state_type type,
                                      const uint64_t id[2], const void *data, size_t len)
{
  return s->ops->put(s, type, id, data, len);
}
static inline int ztk_state_store_list(ztk_state_store *s, ztk_state_type type, uint64_t *ids,
                                       int max)
{
  return s->ops->list(s, type, ids, max);
}
static inline void ztk_state_store_free(ztk_state_store *s)
{
  if (s)
    s->ops->free(s);
}

#endif
