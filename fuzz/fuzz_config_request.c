/* Target: core/network/config_request (NETWORK_CONFIG_REQUEST payload, metadata view).
 * Invariant: a request that reads writes out and reads back the same fields. */
#include <string.h>

#include "core/network/config_request.h"
#include "fuzz/netfuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static uint8_t out[2048];
  ztk_config_request q, back;
  if (ztk_config_request_read(&q, data, size) != 0)
    return 0;
  ztk_dict d;
  uint64_t v;
  NF_CHECK(ztk_config_request_meta_dict(&q, &d) == 0);
  ztk_dict_get_u64(&d, "mr", &v);
  ztk_wr w = ztk_wr_make(out, sizeof out);
  NF_CHECK(ztk_config_request_write(&w, &q) == 0);
  NF_CHECK(ztk_config_request_read(&back, out, w.len) == 0);
  NF_CHECK(back.nwid == q.nwid && back.meta_len == q.meta_len &&
           back.have_revision == q.have_revision && back.have_timestamp == q.have_timestamp);
  NF_CHECK(q.meta_len == 0 || memcmp(back.meta, q.meta, q.meta_len) == 0);
  return 0;
}
