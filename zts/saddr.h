/* Conversions between libzt's socket addresses (a length byte, an 8-bit family) and the
 * platform's struct sockaddr that the native API takes. Internal header. */
#ifndef ZTK_ZTS_SADDR_H
#define ZTK_ZTS_SADDR_H

#include <sys/socket.h>

#include "ZeroTierSockets.h"

/* A libzt address of len bytes into out. Returns 0 or one of: ZTK_EINVAL (NULL, too short),
 * ZTK_ESOCK_AFNOSUPPORT. */
int zts_sa_in(const struct zts_sockaddr *a, zts_socklen_t len, struct sockaddr_storage *out);

/* A platform address into out (AF_UNSPEC: zeroed). Returns the libzt address's size (0 for
 * AF_UNSPEC). */
zts_socklen_t zts_sa_out(const struct sockaddr_storage *in, struct zts_sockaddr_storage *out);

/* As zts_sa_out into a caller's buffer of *len bytes (copied up to that); *len receives the
 * full size, as getsockname() does. */
void zts_sa_out_trunc(const struct sockaddr_storage *in, struct zts_sockaddr *dst, zts_socklen_t *len);

/* An IP string and port into a platform address. Returns 0 or ZTK_EINVAL. */
int zts_sa_parse(const char *ip, unsigned short port, struct sockaddr_storage *out);

/* A platform address's IP as text (cap >= ZTS_INET6_ADDRSTRLEN) and its port (optional).
 * Returns 0 or ZTK_EINVAL. */
int zts_sa_format(const struct sockaddr_storage *in, char *dst, size_t cap, unsigned short *port);

#endif
