/* Target: core/network/revocation (read, write, verify). Input: a serialized Revocation.
 * Invariant: one read with a type-1 signature, zero reserved words and no extension bytes
 * writes back the same bytes. */
#include <string.h>

#include "core/network/revocation.h"
#include "fuzz/netfuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const uint8_t zero4[4];
  ztk_revocation v;
  uint8_t out[256];
  ztk_rd r = ztk_rd_make(data, size);
  if (ztk_revocation_read(&r, &v) != 0)
    return 0;
  ztk_wr w = ztk_wr_make(out, sizeof out);
  ztk_revocation_write(&w, &v);
  NF_CHECK(w.err == 0);
  if (v.has_signature && r.off == w.len && !memcmp(data, zero4, 4) && !memcmp(data + 16, zero4, 4))
    NF_CHECK(memcmp(out, data, w.len) == 0);
  ztk_revocation_verify(&v, nf_ctl());
  return 0;
}
