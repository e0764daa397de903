/* Target: core/network/capability (read, write, custody verification). Input: a serialized
 * Capability. Invariant: writing and re-reading gives the same capability. */
#include <string.h>

#include "core/network/capability.h"
#include "fuzz/netfuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const ztk_identity *lookup(void *user, ztk_address addr)
{
  if (addr == nf_ctl()->address)
    return nf_ctl();
  if (addr == nf_alice()->address)
    return nf_alice();
  return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static ztk_capability c, back;
  static uint8_t out[4096];
  ztk_address need;
  ztk_rd r = ztk_rd_make(data, size);
  if (ztk_capability_read(&r, &c) != 0)
    return 0;
  NF_CHECK(c.custody_count <= c.mccl && c.rule_count <= ZTK_MAX_CAPABILITY_RULES);
  ztk_wr w = ztk_wr_make(out, sizeof out);
  ztk_capability_write(&w, &c);
  NF_CHECK(w.err == 0);
  r = ztk_rd_make(out, w.len);
  NF_CHECK(ztk_capability_read(&r, &back) == 0 && r.off == w.len);
  NF_CHECK(back.custody_count == c.custody_count && back.rule_count == c.rule_count);
  NF_CHECK(memcmp(back.rules, c.rules, c.rule_count * sizeof c.rules[0]) == 0);
  int rc = ztk_capability_verify(&c, lookup, NULL, &need);
  NF_CHECK(rc == 0 || rc == ZTK_ENET_CREDENTIAL || (rc == ZTK_ENOTFOUND && need));
  return 0;
}
