/* Target functions: ztk_identity_from_string / ztk_identity_to_string and ztk_identity_read /
 * ztk_identity_write.
 * Invariants: bad input yields an error code, never a crash; whatever parses prints and
 * re-parses (or writes and re-reads) to the same identity. The proof of work is not run: it
 * costs 2 MB and ~0.1 s per call and has no parser in it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/identity/identity.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool same(const ztk_identity *a, const ztk_identity *b)
{
  return ztk_identity_same(a, b) && a->has_private == b->has_private &&
         (!a->has_private || memcmp(a->priv, b->priv, sizeof a->priv) == 0);
}

static void string_form(const uint8_t *data, size_t size)
{
  char text[600], out[ZTK_IDENTITY_STRBUF];
  ztk_identity id, back;
  size_t n = size < sizeof text - 1 ? size : sizeof text - 1;
  memcpy(text, data, n);
  text[n] = 0;
  int rc = ztk_identity_from_string(&id, text);
  if (rc > 0 || (rc < 0 && (rc < ZTK_EID_PRIVATE || rc > ZTK_EID_FIELDS)))
    abort();
  if (rc)
    return;
  int len = ztk_identity_to_string(&id, id.has_private, out, sizeof out);
  if (len != (id.has_private ? ZTK_IDENTITY_SECRET_STRLEN : ZTK_IDENTITY_PUBLIC_STRLEN))
    abort();
  if (ztk_identity_from_string(&back, out) || !same(&id, &back))
    abort();
}

static void binary_form(const uint8_t *data, size_t size)
{
  uint8_t out[ZTK_IDENTITY_BINARY_LEN + 64];
  ztk_identity id, back;
  ztk_rd r = ztk_rd_make(data, size);
  int rc = ztk_identity_read(&r, &id);
  if (rc == ZTK_ETRUNC || rc == ZTK_EFORMAT)
    return;
  if (rc)
    abort();
  ztk_wr w = ztk_wr_make(out, sizeof out);
  ztk_identity_write(&w, &id, true);
  if (w.err || w.len != r.off || memcmp(out, data, w.len))
    abort();
  ztk_rd r2 = ztk_rd_make(out, w.len);
  if (ztk_identity_read(&r2, &back) || !same(&id, &back))
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  string_form(data, size);
  binary_form(data, size);
  return 0;
}
