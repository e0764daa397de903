/* Target: core/network/com (read, write, verify, agreement). Input: a serialized COM.
 * Invariants: a COM that reads writes back to exactly the bytes it used; agreement with itself
 * under its own identity hash holds only if the hash qualifiers match that identity. */
#include <string.h>

#include "core/network/com.h"
#include "fuzz/netfuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  ztk_com c, alice_com;
  uint8_t out[512];
  ztk_rd r = ztk_rd_make(data, size);
  if (ztk_com_read(&r, &c) != 0)
    return 0;
  NF_CHECK(c.count <= ZTK_COM_MAX_QUALIFIERS);
  ztk_wr w = ztk_wr_make(out, sizeof out);
  ztk_com_write(&w, &c);
  NF_CHECK(w.err == 0 && w.len == r.off && memcmp(out, data, w.len) == 0);
  ztk_com_verify(&c, nf_ctl());
  NF_CHECK(ztk_com_init(&alice_com, 1700000000000ll, 1800000, 0x89419d3fcd000abcull, nf_alice()) ==
           0);
  ztk_com_agrees(&c, &alice_com, nf_alice());
  ztk_com_agrees(&alice_com, &c, nf_alice());
  return 0;
}
