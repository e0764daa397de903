/* Target: core/network/coo (read, write, verify, ownership). Input: a serialized COO.
 * Invariant: a COO read with a type-1 signature and no extension bytes writes back the same. */
#include <string.h>

#include "core/network/coo.h"
#include "fuzz/netfuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  ztk_coo c;
  uint8_t out[1024];
  ztk_rd r = ztk_rd_make(data, size);
  if (ztk_coo_read(&r, &c) != 0)
    return 0;
  NF_CHECK(c.thing_count <= ZTK_COO_MAX_THINGS);
  ztk_wr w = ztk_wr_make(out, sizeof out);
  ztk_coo_write(&w, &c);
  NF_CHECK(w.err == 0);
  if (c.has_signature && r.off == w.len)
    NF_CHECK(memcmp(out, data, w.len) == 0);
  ztk_coo_verify(&c, nf_ctl());
  for (unsigned i = 0; i < c.thing_count; i++) {
    ztk_inaddr ip;
    ztk_inaddr_v6(&ip, c.thing_value[i], 0);
    if (c.thing_type[i] == ZTK_COO_THING_IPV6)
      NF_CHECK(ztk_coo_owns_ip(&c, &ip));
    if (c.thing_type[i] == ZTK_COO_THING_MAC)
      NF_CHECK(ztk_coo_owns_mac(&c, c.thing_value[i]));
  }
  return 0;
}
