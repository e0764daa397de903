/* Zero-filled buffers straight from the OS's pages (anonymous mappings), for the large buffers
 * a node keeps for bursts (receive batches, send queues): the OS backs a page only once it is
 * written, so an idle node holds little of them, and freeing gives the pages back at once
 * instead of leaving them in the allocator's arena. Internal header. */
#ifndef ZTK_TRANSPORT_PAGES_H
#define ZTK_TRANSPORT_PAGES_H

#include <stddef.h>

/* Returns size zeroed bytes (in sanitizer builds from the heap, see pages.c), or
 * NULL if the OS refuses (or size is 0). */
void *ztk_pages_alloc(size_t size);

/* Gives back what ztk_pages_alloc(size) returned (NULL: nothing). size must be the same. */
void ztk_pages_free(void *p, size_t size);

#endif
