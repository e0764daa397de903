#include "sim/idpool.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/crypto/c25519.h"
#include "core/util/cursor.h"
#include "ztkit/error.h"

struct ztk_idpool {
  size_t n;
  uint8_t *rec; /* n records, owned */
};

int ztk_idpool_from_bytes(const uint8_t *data, size_t len, ztk_idpool **out)
{
  *out = NULL;
  if (len % ZTK_IDPOOL_RECORD_LEN)
    return ZTK_EFORMAT;
  for (size_t off = 0; off < len; off += ZTK_IDPOOL_RECORD_LEN)
    if (ztk_address_reserved(ztk_be_get(data + off, 5)))
      return ZTK_EFORMAT;
  ztk_idpool *p = calloc(1, sizeof *p);
  if (!p)
    return ZTK_ENOMEM;
  p->rec = malloc(len ? len : 1);
  if (!p->rec) {
    free(p);
    return ZTK_ENOMEM;
  }
  memcpy(p->rec, data, len);
  p->n = len / ZTK_IDPOOL_RECORD_LEN;
  *out = p;
  return 0;
}

int ztk_idpool_load(const char *path, ztk_idpool **out)
{
  FILE *f = fopen(path, "rb");
  *out = NULL;
  if (!f)
    return ZTK_EIO;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  uint8_t *buf = malloc(n > 0 ? (size_t)n : 1);
  int rc = ZTK_ENOMEM;
  if (buf) {
    rc = fread(buf, 1, (size_t)n, f) == (size_t)n ? ztk_idpool_from_bytes(buf, (size_t)n, out)
                                                 : ZTK_EIO;
    free(buf);
  }
  fclose(f);
  return rc;
}

void ztk_idpool_free(ztk_idpool *p)
{
  if (p) {
    free(p->rec);
    free(p);
  }
}

size_t ztk_idpool_size(const ztk_idpool *p) { return p->n; }

void ztk_idpool_get(const ztk_idpool *p, size_t i, ztk_identity *id)
{
  const uint8_t *r = p->rec + i * ZTK_IDPOOL_RECORD_LEN;
  memset(id, 0, sizeof *id);
  id->address = ztk_be_get(r, 5);
  memcpy(id->priv, r + 5, 64);
  ztk_x25519_base(id->pub, id->priv);
  ztk_ed25519_public(id->pub + 32, id->priv + 32);
  id->has_private = true;
}

ztk_address ztk_idpool_address(const ztk_idpool *p, size_t i)
{
  return ztk_be_get(p->rec + i * ZTK_IDPOOL_RECORD_LEN, 5);
}

void ztk_idpool_encode(const ztk_identity *id, uint8_t rec[ZTK_IDPOOL_RECORD_LEN])
{
  ztk_be_put(rec, id->address, 5);
  memcpy(rec + 5, id->priv, 64);
}
