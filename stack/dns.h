/* Name lookups through lwIP's DNS client (NO_SYS callback API). lwIP has one client per
 * process, with process-wide servers and answer cache, so lookups of one host at a time are
 * under way: while a host has one pending, another host's lookup is refused (ZTK_ESTATE).
 * lwIP's DNS pcbs are bound to no netif; while lookups run, IPv4 queries leave by the netif
 * the resolving host routes the server through (stack/hooks.c), IPv6 servers get that netif's
 * zone. Called entered (stack/env.h) unless said otherwise. Internal header (unstable). */
#ifndef ZTK_STACK_DNS_H
#define ZTK_STACK_DNS_H

#include "core/util/inaddr.h"
#include "stack/host.h"

#define ZTK_DNS_MAX_SERVERS 2 /* lwIP's DNS_MAX_SERVERS */
#define ZTK_DNS_MAX_NAME 255

typedef struct ztk_dns_query ztk_dns_query;

/* Called (entered, inside lwIP) when a query's result is in. */
typedef void (*ztk_dns_wake_fn)(void *user);

/* Sets server `index` (addr NULL or family 0: clears it). Returns 0 or ZTK_EINVAL. */
int ztk_dns_set_server(int index, const ztk_inaddr *addr);

/* Server `index` into out (family 0 when unset). Returns 0 or ZTK_EINVAL. */
int ztk_dns_server(int index, ztk_inaddr *out);

/* Starts looking up name for host h: family 4 (A), 6 (AAAA) or 0 (A, else AAAA). A numeric
 * or cached name is answered at once. *out is the caller's until ztk_dns_drop(); wake(user)
 * runs when its result comes in later. Returns 0 or one of: ZTK_EINVAL (bad name or family),
 * ZTK_ESOCK_NETUNREACH (no server set, none routable from h), ZTK_ESTATE (another host's
 * lookup is under way), ZTK_ENOMEM (lwIP's table of lookups is full, or no memory). */
int ztk_dns_start(ztk_stack_host *h, const char *name, int family, ztk_dns_wake_fn wake,
                  void *user, ztk_dns_query **out);

/* Locked level suffices. The answer into out (port 0). Returns 0, ZTK_EAGAIN (not yet), or
 * ZTK_ENOTFOUND (the server answered: no such name or record), ZTK_ETIMEDOUT (no server
 * answered), ZTK_ENODE_STOPPED (the host went away). */
int ztk_dns_result(const ztk_dns_query *q, ztk_inaddr *out);

/* Locked level suffices. The caller no longer waits for q (wake is not called again); its
 * memory goes once lwIP is done with it. NULL is allowed. */
void ztk_dns_drop(ztk_dns_query *q);

/* Host h goes away: its lookups end with ZTK_ENODE_STOPPED (their wakes run). */
void ztk_dns_host_gone(ztk_stack_host *h);

/* The netif an IPv4 packet from lwIP's DNS client to dst leaves by, or NULL (no lookup under
 * way, or its host does not reach dst). */
struct netif *ztk_dns_route4(const ztk_inaddr *dst);

#endif
