/* Socket error vocabulary: lwIP err_t -> ZTK_E* and ZTK_E* -> POSIX errno (for the libzt
 * layer, which must give applications errno semantics). Internal header (unstable). */
#ifndef ZTK_STACK_SOCK_ERR_H
#define ZTK_STACK_SOCK_ERR_H

/* The ZTK_E* code for an lwIP err_t value (ERR_OK gives 0). Connection events are mapped as
 * the socket layer reports them: ERR_RST -> ZTK_ESOCK_RESET, ERR_ABRT -> ZTK_ESOCK_ABORTED,
 * ERR_CLSD -> ZTK_ESOCK_NOTCONN, ERR_MEM/ERR_BUF -> ZTK_ENOMEM, ERR_RTE -> ZTK_ESOCK_HOSTUNREACH,
 * ERR_USE -> ZTK_ESOCK_ADDRINUSE, ERR_WOULDBLOCK -> ZTK_EAGAIN, ... */
int ztk_sock_err_from_lwip(int lwip_err);

/* The POSIX errno value for a ZTK_E* code (0 for 0; EIO for codes without a better match). */
int ztk_sock_errno(int ztk_err);

#endif
