/* The default node of the libzt-compatible API: one ztkit runtime service per process, its
 * configuration (from the zts_init_* calls) and its netstack. Internal header.
 *
 * Locking: one mutex guards the configuration and the service pointer; it is never held
 * while calling into the service (which may wait for its callback thread, which may call
 * zts_* functions). The service object lives from the first start to zts_node_free(). */
#ifndef ZTK_ZTS_DEFNODE_H
#define ZTK_ZTS_DEFNODE_H

#include <stdbool.h>

#include "ztkit/service.h"
#include "ztkit/socket.h"

/* The running service and its netstack (both NULL if the node is not running): *svc and
 * *ns receive them. Returns true if running. Either pointer may be NULL. */
bool zts_dn_get(ztk_service **svc, ztk_netstack **ns);

/* The user's event handler (NULL: none). */
void (*zts_dn_handler(void))(void *);

/* Sets the calling thread's zts_errno. */
void zts_set_errno(int value);

/* zts_errno = the POSIX value of ZTK_E* code err; returns ZTS_ERR_SOCKET. */
int zts_sock_fail(int err);

/* zts_errno = errno_value; returns ZTS_ERR_ARG. */
int zts_arg_fail(int errno_value);

#endif
