/* A FIFO of bytes in fixed-size heap chunks: a TCP socket's received data, held until the
 * application reads it. Bounded by its user (the TCP window); grows and shrinks by chunks.
 * Internal header. */
#ifndef ZTK_STACK_BYTEBUF_H
#define ZTK_STACK_BYTEBUF_H

#include <stddef.h>
#include <stdint.h>

typedef struct ztk_bytebuf_chunk ztk_bytebuf_chunk;

typedef struct ztk_bytebuf {
  ztk_bytebuf_chunk *first, *last;
  size_t len;        /* bytes held */
  size_t spare;      /* free bytes at the end of the chunks already allocated */
  size_t chunk_size; /* payload bytes per chunk */
} ztk_bytebuf;

/* An empty buffer (no allocation). chunk_size 0 picks 16 KiB. */
void ztk_bytebuf_init(ztk_bytebuf *b, size_t chunk_size);

/* Frees every chunk; the buffer is empty and reusable. */
void ztk_bytebuf_clear(ztk_bytebuf *b);

/* Makes room for len more bytes, so the next pushes of up to len bytes cannot fail. Returns 0
 * or ZTK_ENOMEM (nothing changed). */
int ztk_bytebuf_reserve(ztk_bytebuf *b, size_t len);

/* Appends len bytes. Returns 0 or ZTK_ENOMEM (then nothing was appended). */
int ztk_bytebuf_push(ztk_bytebuf *b, const void *data, size_t len);

/* Removes up to cap bytes from the front into out (NULL: discard). Returns the count. */
size_t ztk_bytebuf_pop(ztk_bytebuf *b, void *out, size_t cap);

/* Copies up to cap bytes from the front without removing them. Returns the count. */
size_t ztk_bytebuf_peek(const ztk_bytebuf *b, void *out, size_t cap);

#endif
