/* The process's one lwIP (docs/DESIGN.md, "one lwIP, many hosts"). This module owns every
 * piece of global state the stack has: lwIP itself (NO_SYS=1), the time lwIP sees, the
 * injected random source, the queue of hosts with pending wakeups and the netif count. Nothing else
 * in stack/ keeps global state.
 *
 * Driving contract: one caller at a time for the whole process (the runtime serialises with
 * one lock, the simulator is single-threaded). Before each call into the stack the driver sets
 * the time with ztk_stack_set_now(); after it, ztk_stack_next_deadline() says when
 * ztk_stack_tick() must run next. Callbacks the stack makes (frame output) must not call back
 * into the stack: such calls fail with ZTK_ESTATE. Socket wakeups are deferred until the
 * outermost stack call returns, so wakeup callbacks may use the socket API.
 * Internal header (unstable): the runtime and the simulator wrap it. */
#ifndef ZTK_STACK_ENV_H
#define ZTK_STACK_ENV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ztkit/types.h"

/* At most this many netifs (host, network pairs) per process: lwIP numbers netifs with 8 bits
 * and hangs when all 255 are taken, so we stop well before. */
#define ZTK_STACK_MAX_NETIFS 250

/* Initialises lwIP once; later calls do nothing. Every other entry point calls it too, so
 * calling it is only needed to control when the random source is first used (initial ports).
 * Returns 0. */
int ztk_stack_init(void);

/* Sets the time lwIP sees (sys_now()). Time never goes backwards: an earlier value is
 * ignored. Any epoch; lwIP uses the low 32 bits. */
void ztk_stack_set_now(int64_t now_ms);

/* The time last set. */
int64_t ztk_stack_now(void);

/* Sets the random source behind LWIP_RAND() (TCP initial sequence numbers, initial ports,
 * neighbour discovery jitter). NULL restores the built-in deterministic stream (seed 0). */
void ztk_stack_set_random(ztk_random_fn fn, void *user);

/* Sets the time, runs lwIP's due timers and delivers pending loopback packets. Returns the
 * next deadline (absolute ms), or ZTK_NEVER. Returns ZTK_NEVER too when called from inside a
 * stack callback (then nothing runs). */
int64_t ztk_stack_tick(int64_t now_ms);

/* The time by which ztk_stack_tick() must run next (absolute ms), or ZTK_NEVER. Query it after
 * any call into the stack: sockets start timers. */
int64_t ztk_stack_next_deadline(void);

/* ---- exclusive use by one driver (a simulator world) --------------------------------------- */

/* Takes the process's lwIP for `owner` and starts it afresh at now_ms, drawing randomness from
 * fn (NULL: the built-in stream): the time is set (it may go backwards here), every timer
 * restarts from now_ms, TCP ticks, IPv4 identifications and netif numbers return to a fresh
 * process's values, the local port cursors are drawn again, stale IP reassembly data and any
 * connection lwIP still keeps are dropped. The same calls afterwards then give the same lwIP
 * behaviour whatever ran before in the process: a simulator can replay a world. Returns 0 or
 * ZTK_ESTATE (another owner holds the stack, a stack call is running, or hosts still exist). */
int ztk_stack_claim(const void *owner, int64_t now_ms, ztk_random_fn fn, void *user);

/* Gives the stack up (no-op unless owner holds it) and restores the built-in random source. */
void ztk_stack_release(const void *owner);

/* The current owner, or NULL. */
const void *ztk_stack_owner(void);

/* ---- pool accounting (leak checks) ----------------------------------------------------------- */

#define ZTK_STACK_USAGE_POOLS 40

/* A snapshot of lwIP's memory use: every memp pool's "used" count and the heap bytes; and how
 * often an allocation failed so far (pool_err, heap_err), which tests use to show nothing was
 * dropped for lack of room. The diff below compares use only. */
typedef struct ztk_stack_usage {
  int pools;
  uint32_t pool_used[ZTK_STACK_USAGE_POOLS];
  uint32_t pool_err[ZTK_STACK_USAGE_POOLS];
  uint64_t heap_err;
  uint64_t rx_checksum_errors; /* IPv4, TCP, UDP, ICMP packets dropped for a bad checksum */
  const char *pool_name[ZTK_STACK_USAGE_POOLS];
  uint64_t heap_used;
  uint32_t netifs;
} ztk_stack_usage;

void ztk_stack_usage_get(ztk_stack_usage *out);

/* Compares two snapshots. Returns the number of counters that differ; when msg is non-NULL it
 * receives a description of the first differences ("TCP_PCB 3 -> 4, ..."). */
int ztk_stack_usage_diff(const ztk_stack_usage *base, const ztk_stack_usage *now, char *msg,
                         size_t cap);

/* ---- for the other stack modules only -------------------------------------------------------- */

struct ztk_stack_host;

/* Marks entry into lwIP. Returns 0 (caller must ztk_env_leave()) or ZTK_ESTATE when called
 * from inside a stack callback. */
int ztk_env_enter(void);

/* Leaves lwIP; the outermost leave delivers loopback packets and runs deferred wakeups. */
void ztk_env_leave(void);

/* True while inside lwIP (a callback is running). */
bool ztk_env_busy(void);

/* Queues h for a wakeup flush at the outermost leave (idempotent); forget drops it from the
 * queue (host being freed). */
void ztk_env_host_dirty(struct ztk_stack_host *h);
void ztk_env_host_forget(struct ztk_stack_host *h);

/* Counts live hosts (host.c: +1 on creation, -1 when freed); a claim needs none. */
void ztk_env_host_count(int delta);

/* lwIP's DNS client is one per process (stack/dns.h): the host whose lookups are under way
 * (NULL: none) and the lookups lwIP still holds (stack/dns.c's list). */
struct ztk_dns_query;
typedef struct ztk_env_dns {
  struct ztk_stack_host *host;
  struct ztk_dns_query *queries;
} ztk_env_dns;
ztk_env_dns *ztk_env_dns_state(void);

/* Reserves / releases one of the ZTK_STACK_MAX_NETIFS slots. reserve returns 0 or
 * ZTK_ELIMIT. */
int ztk_env_netif_reserve(void);
void ztk_env_netif_release(void);

#endif
