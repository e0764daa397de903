/* Target function: ztk_httpc_parse (a local API response: status line, headers, body).
 * Invariants: it fails only with its documented codes; on success the status is 100..999 and
 * the body lies inside the input, after the head. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/httpc.h"
#include "ztkit/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  int status = 0;
  size_t off = 0, len = 0;
  char *copy = malloc(size ? size : 1); /* exact size: an overread is caught */
  if (!copy)
    return 0;
  memcpy(copy, data, size);
  int rc = ztk_httpc_parse(copy, size, &status, &off, &len);
  if (rc == 0 && (status < 100 || status > 999 || off < 16 || off > size || len > size - off))
    abort();
  if (rc && rc != ZTK_ETRUNC && rc != ZTK_EFORMAT && rc != ZTK_EUNSUPPORTED && rc != ZTK_ERANGE)
    abort();
  free(copy);
  return 0;
}
