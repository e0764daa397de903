/* Target functions: ztk_net_settings_parse / ztk_net_settings_format (networks.d/<nwid>.local.conf).
 * Invariants: parsing never fails on text within the limit; whatever it yields survives a
 * format/parse round trip unchanged. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/net_settings.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  ztk_net_settings s, back;
  char text[64];
  char *copy = malloc(size ? size : 1);
  if (!copy)
    return 0;
  memcpy(copy, data, size);
  ztk_net_settings_default(&s);
  int rc = ztk_net_settings_parse(&s, copy, size);
  free(copy);
  if (size > ZTK_NET_SETTINGS_TEXT_MAX)
    return rc == 0 ? (abort(), 0) : 0;
  if (rc)
    abort();
  int n = ztk_net_settings_format(&s, text, sizeof text);
  ztk_net_settings_default(&back);
  back.allow_managed = !s.allow_managed; /* every key must be read back */
  if (n <= 0 || ztk_net_settings_parse(&back, text, (size_t)n) || memcmp(&s, &back, sizeof s))
    abort();
  return 0;
}
