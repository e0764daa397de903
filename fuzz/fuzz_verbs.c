/* Target: the VL1 verb decoders of core/packet/verbs.h (HELLO clear part and moon list, OK
 * header with OK(HELLO) / OK(WHOIS) / OK(ECHO), ERROR, WHOIS, RENDEZVOUS, ECHO,
 * PUSH_DIRECT_PATHS, USER_MESSAGE). Input: a selector byte (modulo the decoder count), then
 * the payload. Exact codecs must re-encode to the bytes they consumed. */
#include <stdint.h>

#include "fuzz/vl1_decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 1)
    return 0;
  fuzz_decode((enum fuzz_decoder)(data[0] % FUZZ_DECODERS), data + 1, size - 1);
  return 0;
}
