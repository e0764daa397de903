/* The host's own IP addresses (getifaddrs), as candidates the node pushes to peers for direct
 * paths. Internal header. */
#ifndef ZTK_RUNTIME_HOSTADDR_H
#define ZTK_RUNTIME_HOSTADDR_H

#include <stdbool.h>
#include <sys/socket.h>

/* Fills up to max addresses of interfaces that are up, each with `port`: IPv4 always, IPv6 if
 * ipv6 is set, loopback addresses only if loopback is set; never link-local, multicast or
 * unspecified addresses, nor addresses of ZeroTier interfaces (names starting "zt"), whose
 * traffic must not carry ZeroTier itself. Sorted (IPv4 first, then by address) so the node
 * sees a stable order. Returns how many were filled, or ZTK_EIO if the interfaces cannot be
 * listed. */
int ztk_host_addresses(struct sockaddr_storage *out, int max, unsigned short port, bool ipv6,
                       bool loopback);

#endif
