/* The canary: a target that must fail. It aborts when an input starts with the bytes "ZTK!",
 * which libFuzzer's comparison tracing finds within seconds; scripts/fuzz.sh requires that it
 * does, proving the fuzzing harness (build flags, sanitizers, crash detection, reporting)
 * catches a bug. Its corpus holds only harmless inputs, so its corpus-replay ctest passes, and
 * the ctest fuzz/canary_fires replays "ZTK!" (written into the build tree) and requires the
 * abort, proving the replay runner really runs inputs. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size >= 4 && data[0] == 'Z')
    if (data[1] == 'T')
      if (data[2] == 'K')
        if (data[3] == '!')
          abort();
  return 0;
}
