/* Target: core/network/tag (read, write, verify). Input: a serialized Tag. Invariant: a tag
 * read with a type-1 signature and no extension bytes writes back to the same bytes. */
#include <string.h>

#include "core/network/tag.h"
#include "fuzz/netfuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  ztk_tag t;
  uint8_t out[256];
  ztk_rd r = ztk_rd_make(data, size);
  if (ztk_tag_read(&r, &t) != 0)
    return 0;
  ztk_wr w = ztk_wr_make(out, sizeof out);
  ztk_tag_write(&w, &t);
  NF_CHECK(w.err == 0);
  if (t.has_signature && r.off == w.len)
    NF_CHECK(memcmp(out, data, w.len) == 0);
  ztk_tag_verify(&t, nf_ctl());
  return 0;
}
