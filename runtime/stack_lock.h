/* The process's one lwIP in the runtime (docs/DESIGN.md "one lwIP, many hosts"): one mutex,
 * the stack lock, serialises every call into stack/ from every service and application thread
 * of the process; lwIP sees the monotonic clock and libsodium's randomness.
 *
 * Locking order (docs/sockets.md): a service's lock, then the stack lock — never the other
 * way round, and never two service locks at once. The stack lock is recursive per thread (a
 * depth counter), because the node may call back into the stack while lwIP is running (its
 * frame output answering a frame). Waiting on a condition variable with it needs depth 1.
 * Internal header. */
#ifndef ZTK_RUNTIME_STACK_LOCK_H
#define ZTK_RUNTIME_STACK_LOCK_H

#include <pthread.h>
#include <stdint.h>

/* Takes the stack lock (the first time in the process also starts lwIP with libsodium's
 * random source) and sets lwIP's time. */
void ztk_rt_stack_lock(void);

/* Releases one level. */
void ztk_rt_stack_unlock(void);

/* How deep the calling thread holds the stack lock (0: not at all). */
int ztk_rt_stack_depth(void);

/* Waits on cv with the stack lock (depth must be 1) until signalled or the monotonic clock
 * reaches deadline_ms (ZTK_NEVER: no limit). cv must use CLOCK_MONOTONIC. */
void ztk_rt_stack_wait(pthread_cond_t *cv, int64_t deadline_ms);

/* Monotonic milliseconds: lwIP's clock and the socket timeouts'. */
int64_t ztk_rt_mono_ms(void);

/* Initialises cv for ztk_rt_stack_wait (CLOCK_MONOTONIC). */
void ztk_rt_cond_init(pthread_cond_t *cv);

#endif
