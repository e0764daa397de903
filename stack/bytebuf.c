/* Chunked byte FIFO; see bytebuf.h. */
#include "stack/bytebuf.h"

#include <stdlib.h>
#include <string.h>

#include "ztkit/error.h"

#define BYTEBUF_DEFAULT_CHUNK (16 * 1024)

struct ztk_bytebuf_chunk {
  ztk_bytebuf_chunk *next;
  size_t head, tail; /* live bytes are data[head..tail) */
  uint8_t data[];
};

void ztk_bytebuf_init(ztk_bytebuf *b, size_t chunk_size)
{
  memset(b, 0, sizeof *b);
  b->chunk_size = chunk_size ? chunk_size : BYTEBUF_DEFAULT_CHUNK;
}

void ztk_bytebuf_clear(ztk_bytebuf *b)
{
  ztk_bytebuf_chunk *c = b->first;
  while (c != NULL) {
    ztk_bytebuf_chunk *next = c->next;
    free(c);
    c = next;
  }
  b->first = b->last = NULL;
  b->len = 0;
  b->spare = 0;
}

int ztk_bytebuf_reserve(ztk_bytebuf *b, size_t len)
{
  ztk_bytebuf_chunk *head = NULL, *tail = NULL;
  size_t got = b->spare;
  while (got < len) {
    ztk_bytebuf_chunk *c = malloc(sizeof *c + b->chunk_size);
    if (c == NULL) {
      while (head != NULL) {
        ztk_bytebuf_chunk *next = head->next;
        free(head);
        head = next;
      }
      return ZTK_ENOMEM;
    }
    c->next = NULL;
    c->head = c->tail = 0;
    if (tail != NULL)
      tail->next = c;
    else
      head = c;
    tail = c;
    got += b->chunk_size;
  }
  if (head == NULL)
    return 0;
  if (b->last != NULL)
    b->last->next = head;
  else
    b->first = head;
  b->last = tail;
  b->spare = got;
  return 0;
}

/* The first chunk with free space at its end (reserve() guarantees it exists). */
static ztk_bytebuf_chunk *bytebuf_fill_chunk(ztk_bytebuf *b)
{
  ztk_bytebuf_chunk *c = b->first;
  while (c != NULL && c->tail == b->chunk_size)
    c = c->next;
  return c;
}

int ztk_bytebuf_push(ztk_bytebuf *b, const void *data, size_t len)
{
  const uint8_t *src = data;
  if (ztk_bytebuf_reserve(b, len) != 0)
    return ZTK_ENOMEM;
  ztk_bytebuf_chunk *c = bytebuf_fill_chunk(b);
  while (len > 0 && c != NULL) {
    size_t n = b->chunk_size - c->tail;
    if (n > len)
      n = len;
    memcpy(c->data + c->tail, src, n);
    c->tail += n;
    src += n;
    len -= n;
    b->len += n;
    b->spare -= n;
    c = c->next;
  }
  return 0;
}

size_t ztk_bytebuf_pop(ztk_bytebuf *b, void *out, size_t cap)
{
  uint8_t *dst = out;
  size_t done = 0;
  while (done < cap && b->len > 0) {
    ztk_bytebuf_chunk *c = b->first;
    size_t n = c->tail - c->head;
    if (n > cap - done)
      n = cap - done;
    if (dst != NULL)
      memcpy(dst + done, c->data + c->head, n);
    c->head += n;
    done += n;
    b->len -= n;
    if (c->head == c->tail && c->tail == b->chunk_size) {
      b->first = c->next;
      if (b->first == NULL)
        b->last = NULL;
      free(c);
    }
  }
  if (b->len == 0)
    ztk_bytebuf_clear(b); /* an idle socket holds no memory */
  return done;
}

size_t ztk_bytebuf_peek(const ztk_bytebuf *b, void *out, size_t cap)
{
  uint8_t *dst = out;
  size_t done = 0;
  for (const ztk_bytebuf_chunk *c = b->first; c != NULL && done < cap; c = c->next) {
    size_t n = c->tail - c->head;
    if (n > cap - done)
      n = cap - done;
    memcpy(dst + done, c->data + c->head, n);
    done += n;
  }
  return done;
}
