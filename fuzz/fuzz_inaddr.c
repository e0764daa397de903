/* Target functions: ztk_inaddr_read / ztk_inaddr_write (wire form) and ztk_inaddr_parse /
 * ztk_inaddr_format (text form).
 * Invariants: reading never overruns and fails only with ZTK_ETRUNC or ZTK_EFORMAT; every
 * address read or parsed survives a write/read and a format/parse round trip unchanged. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/util/inaddr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void round_trip(const ztk_inaddr *a)
{
  uint8_t buf[32];
  char text[ZTK_INADDR_STRLEN];
  ztk_inaddr b;
  ztk_wr w = ztk_wr_make(buf, sizeof buf);
  ztk_inaddr_write(&w, a);
  ztk_rd r = ztk_rd_make(buf, w.len);
  if (w.err || ztk_inaddr_read(&r, &b) || r.off != w.len || !ztk_inaddr_eq(a, &b))
    abort();
  if (!a->family)
    return;
  ztk_inaddr_format(a, text);
  if (ztk_inaddr_parse(&b, text) || !ztk_inaddr_eq(a, &b) || ztk_inaddr_cmp(a, &b) != 0)
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  ztk_inaddr a;
  ztk_rd r = ztk_rd_make(data, size);
  /* Wire form: a sequence of addresses; each read consumes at least one byte. */
  for (size_t n = 0; n < size && ztk_rd_left(&r) > 0; n++) {
    int rc = ztk_inaddr_read(&r, &a);
    if (rc == ZTK_ETRUNC || rc == ZTK_EFORMAT)
      break;
    if (rc != 0 || r.off > size)
      abort();
    round_trip(&a);
  }
  /* Text form: the input as a C string. */
  char text[128];
  size_t n = size < sizeof text - 1 ? size : sizeof text - 1;
  memcpy(text, data, n);
  text[n] = 0;
  if (ztk_inaddr_parse(&a, text) == 0) {
    if (a.family != 4 && a.family != 6)
      abort();
    round_trip(&a);
  }
  return 0;
}
