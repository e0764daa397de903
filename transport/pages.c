#include "transport/pages.h"

#include <sys/mman.h>

void *ztk_pages_alloc(size_t size)
{
  if (size == 0)
    return NULL;
  void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return p == MAP_FAILED ? NULL : p;
}

void ztk_pages_free(void *p, size_t size)
{
  if (p != NULL)
    munmap(p, size);
}
