/* A state store in a directory laid out like ZeroTierOne's home directory, so a home can move
 * between zerotier-one and ztkit (identity and planet files are byte-compatible):
 *
 *   identity.secret                   ZTK_STATE_IDENTITY_SECRET (mode 0600)
 *   identity.public                   ZTK_STATE_IDENTITY_PUBLIC
 *   planet                            ZTK_STATE_PLANET (a file the user puts here is honoured)
 *   moons.d/<id, 16 hex>.moon         ZTK_STATE_MOON
 *   peers.d/<address, 10 hex>.peer    ZTK_STATE_PEER (ztkit's own peer cache format)
 *   networks.d/<nwid, 16 hex>.conf    ZTK_STATE_NETWORK_CONFIG, id = {nwid, 0}
 *   networks.d/joined.list            ZTK_STATE_NETWORK_CONFIG, id = {0, 0}: the node's list of
 *                                     joined networks (8-byte big-endian ids)
 *   networks.d/<nwid>.local.conf      ZTK_STATE_NETWORK_SETTINGS (zerotier-one's text form:
 *                                     allowManaged=1 ...)
 *   controller.d/networks.ztkc                       ZTK_STATE_CONTROLLER {0, 0}: network list
 *   controller.d/network/<nwid>.ztkc                 {nwid, 0}: a network
 *   controller.d/network/<nwid>/members.ztkc         {nwid, UINT64_MAX}: its member list
 *   controller.d/network/<nwid>/member/<addr>.ztkc   {nwid, address}: a member
 *
 * Controller records are ztkit's own binary records (core/controller, magic "ZTKC"), mode
 * 0600, not zerotier-one's JSON files (hence the suffix: zerotier-one ignores them); deleting
 * a network's last records removes its emptied directories.
 *
 * Every write is atomic (temporary file, fsync, rename) and skipped when the file already
 * holds the same bytes; subdirectories are created when first needed. Internal header. */
#ifndef ZTK_RUNTIME_STATE_DIR_H
#define ZTK_RUNTIME_STATE_DIR_H

#include "runtime/state_store.h"

/* Opens the home directory `home`, creating it (mode 0700, with missing parents) if needed,
 * and checks what a node would otherwise silently replace: an existing identity.secret must be
 * readable, hold a private key and pass the proof of work (identity.public is rewritten if
 * missing or different, identity.secret's mode tightened to 0600); an existing planet must be a
 * valid planet. On failure err (if not NULL) receives a sentence naming the file and reason.
 * Returns 0 or one of: ZTK_EINVAL (home NULL/empty/too long), ZTK_EIO (cannot create, read or
 * write), ZTK_ENOMEM, ZTK_EID_* (bad identity.secret), ZTK_ETRUNC / ZTK_EWORLD_* (bad planet),
 * ZTK_ERANGE (a file too large for what it should hold). */
int ztk_state_dir_open(const char *home, ztk_state_store **out, char *err, size_t errcap);

/* The file that holds object (type, id). Returns 0 or one of: ZTK_EINVAL (not a directory
 * store, unknown type), ZTK_ENOSPACE (cap too small). */
int ztk_state_dir_path(const ztk_state_store *s, ztk_state_type type, const uint64_t id[2],
                       char *out, size_t cap);

/* The home directory of a directory store (NULL for another kind of store). */
const char *ztk_state_dir_home(const ztk_state_store *s);

#endif
