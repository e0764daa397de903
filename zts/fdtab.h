/* File descriptors of the libzt-compatible API: small integers (0 .. ZTS_FD_SETSIZE-1)
 * naming ztkit sockets, with what the native socket keeps elsewhere (blocking mode,
 * timeouts). Internal header.
 *
 * A call takes a snapshot of the entry (zts_fd_get) which also marks the native socket as in
 * use, so a zts_close() from another thread at any moment wakes the call (the native close
 * wakes every call in progress) and the socket's memory stays until the call has put the
 * snapshot back (zts_fd_put). Fields the call changed in its snapshot are written back then,
 * if the number still names the same socket. */
#ifndef ZTK_ZTS_FDTAB_H
#define ZTK_ZTS_FDTAB_H

#include <stdbool.h>
#include <stdint.h>

#include "ztkit/socket.h"

typedef struct zts_fd {
  ztk_socket *s;
  int family;         /* AF_INET / AF_INET6 */
  ztk_sock_type type;
  bool nonblock;
  bool listening;
  int rcvtimeo_ms;    /* 0: none */
  int sndtimeo_ms;
} zts_fd;

/* Enters socket s under a new number. Returns it, or ZTK_ELIMIT (the table is full; s is
 * then closed). */
int zts_fd_add(ztk_socket *s, int family, ztk_sock_type type);

/* A snapshot of fd's entry for one call, or NULL with zts_errno ZTS_EBADF (or ZTS_ENOMEM). */
zts_fd *zts_fd_get(int fd);

/* Ends the call begun with zts_fd_get (writes changed fields back, frees the snapshot). */
void zts_fd_put(zts_fd *e);

/* Closes fd. Returns 0 or ZTK_ENOTFOUND. */
int zts_fd_close(int fd);

/* Closes every fd (the node is being freed). */
void zts_fd_close_all(void);

/* How long a read (want_read) or write on e may wait, for flags holding ZTS_MSG_DONTWAIT
 * or not: 0 (non-blocking), the timeout, or ZTK_WAIT_FOREVER. */
int zts_fd_wait_ms(const zts_fd *e, bool want_read, int flags);

#endif
