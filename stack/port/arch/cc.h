/* lwIP architecture glue for ztkit: a hosted Linux/glibc build with NO_SYS=1. */
#ifndef ZTK_LWIP_ARCH_CC_H
#define ZTK_LWIP_ARCH_CC_H

#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <sys/time.h>

#define LWIP_TIMEVAL_PRIVATE 0
#define LWIP_ERRNO_STDINCLUDE 1

/* lwIP's own asserts become messages plus abort: a broken lwIP invariant is a programmer bug. */
#define LWIP_PLATFORM_DIAG(x) do { printf x; } while (0)
#define LWIP_PLATFORM_ASSERT(x)                                                      \
  do {                                                                               \
    fprintf(stderr, "lwIP assertion \"%s\" failed at %s:%d\n", x, __FILE__, __LINE__); \
    abort();                                                                         \
  } while (0)

/* Randomness for lwIP (initial sequence numbers, ports) comes from the host being served, so
 * simulator runs stay deterministic; see stack/. */
unsigned int ztk_lwip_rand(void);
#define LWIP_RAND() ((u32_t)ztk_lwip_rand())

#endif
