#include "transport/pages.h"

#include <stdlib.h>
#include <sys/mman.h>

/* Under AddressSanitizer the buffers come from calloc so that overruns are still caught
 * (ASan does not watch anonymous mappings). */
#if defined(__SANITIZE_ADDRESS__)
#define PAGES_FROM_HEAP 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PAGES_FROM_HEAP 1
#endif
#endif

void *ztk_pages_alloc(size_t size)
{
  if (size == 0)
    return NULL;
#ifdef PAGES_FROM_HEAP
  return calloc(1, size);
#else
  void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return p == MAP_FAILED ? NULL : p;
#endif
}

void ztk_pages_free(void *p, size_t size)
{
#ifdef PAGES_FROM_HEAP
  (void)size;
  free(p);
#else
  if (p != NULL)
    munmap(p, size);
#endif
}
