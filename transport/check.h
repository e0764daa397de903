/* Argument checks shared by the transport backends, so every backend answers bad input with
 * the same codes, and the one rule for choosing a sending socket. */
#ifndef ZTK_TRANSPORT_CHECK_H
#define ZTK_TRANSPORT_CHECK_H

#include <stddef.h>
#include <sys/socket.h>

#include "transport/transport.h"

/* Returns AF_INET or AF_INET6 when addr holds a complete address of that family within len
 * bytes, or ZTK_EINVAL (NULL, too short, or another family). */
int ztk_tp_check_addr(const struct sockaddr *addr, socklen_t len);

/* Checks send()'s arguments: destination as above, data non-NULL unless len is 0, len at most
 * ZTK_TRANSPORT_MAX_DATAGRAM, 0 <= ttl <= 255. Returns the destination's family, or one of:
 * ZTK_EINVAL (bad address, data or ttl), ZTK_ERANGE (datagram too large). */
int ztk_tp_check_send(const struct sockaddr *to, socklen_t tolen, const void *data, size_t len,
                      int ttl);

/* Checks recv()'s arguments. Returns 0 when max is 0, 1 when out[0..max) may be filled, or
 * ZTK_EINVAL (max < 0, or out NULL with max > 0). */
int ztk_tp_check_recv(const void *out, int max);

/* Chooses the local socket a datagram to an address of `family` leaves from, given the
 * families of the nsock bound sockets: sock -1 means the first of that family. Returns the
 * socket id, or one of: ZTK_EINVAL (sock is neither -1 nor a bound socket of that family),
 * ZTK_ENOTFOUND (sock -1 and no socket of that family is bound). */
int ztk_tp_pick_sock(const int *families, int nsock, int sock, int family);

#endif
