/* Target: core/network/rule (ztk_rules_read_all, ztk_rules_write). Input: a binary rule table.
 * Invariant: what was read, written and read again is the same table. */
#include <string.h>

#include "core/network/rule.h"
#include "fuzz/netfuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static ztk_rule a[ZTK_MAX_NETWORK_RULES], b[ZTK_MAX_NETWORK_RULES];
  static uint8_t out[ZTK_MAX_NETWORK_RULES * 21];
  unsigned n = 0, m = 0;
  ztk_rd r = ztk_rd_make(data, size);
  if (ztk_rules_read_all(&r, a, ZTK_MAX_NETWORK_RULES, &n) != 0)
    return 0;
  ztk_wr w = ztk_wr_make(out, sizeof out);
  ztk_rules_write(&w, a, n);
  NF_CHECK(w.err == 0 && w.len <= size);
  r = ztk_rd_make(out, w.len);
  NF_CHECK(ztk_rules_read_all(&r, b, ZTK_MAX_NETWORK_RULES, &m) == 0 && m == n);
  NF_CHECK(memcmp(a, b, n * sizeof a[0]) == 0);
  return 0;
}
