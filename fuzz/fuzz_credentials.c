/* Target: core/network/credentials (NETWORK_CREDENTIALS payload read/write). Input: a payload.
 * Invariant: what was read writes out and reads back with the same counts. */
#include <string.h>

#include "core/network/credentials.h"
#include "fuzz/netfuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static ztk_com coms[ZTK_CREDS_MAX_COMS];
static ztk_capability caps[8];
static ztk_tag tags[ZTK_CREDS_MAX_PER_SECTION];
static ztk_revocation revs[ZTK_CREDS_MAX_PER_SECTION];
static ztk_coo coos[ZTK_CREDS_MAX_PER_SECTION];

static ztk_creds room(void)
{
  ztk_creds c = {.coms = coms,
                 .com_cap = ZTK_CREDS_MAX_COMS,
                 .caps = caps,
                 .cap_cap = 8,
                 .tags = tags,
                 .tag_cap = ZTK_CREDS_MAX_PER_SECTION,
                 .revs = revs,
                 .rev_cap = ZTK_CREDS_MAX_PER_SECTION,
                 .coos = coos,
                 .coo_cap = ZTK_CREDS_MAX_PER_SECTION};
  return c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static uint8_t out[1 << 18];
  ztk_creds c = room(), back = room();
  if (ztk_creds_read(data, size, &c) != 0)
    return 0;
  for (unsigned i = 0; i < c.com_count; i++)
    ztk_com_verify(&coms[i], nf_ctl());
  ztk_wr w = ztk_wr_make(out, sizeof out);
  NF_CHECK(ztk_creds_write(&w, &c) == 0);
  const unsigned counts[5] = {c.com_count, c.cap_count, c.tag_count, c.rev_count, c.coo_count};
  NF_CHECK(ztk_creds_read(out, w.len, &back) == 0);
  NF_CHECK(back.com_count == counts[0] && back.cap_count == counts[1] &&
           back.tag_count == counts[2] && back.rev_count == counts[3] &&
           back.coo_count == counts[4] && back.sections == c.sections);
  return 0;
}
