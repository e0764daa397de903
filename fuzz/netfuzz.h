/* Shared pieces of the network codec fuzz targets: the capture rig's controller and member
 * identities (throwaway test keys, also in tests/data) and an invariant check that traps. */
#ifndef ZTK_FUZZ_NETFUZZ_H
#define ZTK_FUZZ_NETFUZZ_H

#include <stdint.h>
#include <stdlib.h>

#include "ztkit/identity.h"

#define NF_CTL                                                                                     \
  "89419d3fcd:0:bce8f27d465d804d09d8f6dcbf45f16bd8bb02ee0b3d3031e76b724c33514e32dc37eb99be888d"    \
  "f6c0cb614b87a12f0bc7387fedf738c28594a1e829b28f9e8c:63d69204f02de9a697b98c1ae3da8d819a05fa79b0"  \
  "1185a9db4c5a408d9d47466043ef8ad20f50420a2348def383cbfabb02d2be70b1d9362d4fe6787beca05f"
#define NF_ALICE                                                                                   \
  "efe8197bb7:0:ea448b9edb7398d87b8e1fa4e943b152023e08ce9db767ae434778d5f30a3e4671b50ac393dec32d"  \
  "0f3503662e67c433583567cf94366a6564206b91afb94aaf"

/* An invariant of the code under test: a failure is a finding. */
#define NF_CHECK(cond)                                                                             \
  do {                                                                                             \
    if (!(cond))                                                                                   \
      __builtin_trap();                                                                            \
  } while (0)

/* The controller (with its secret key) and alice (public), parsed once. */
static inline const ztk_identity *nf_ctl(void)
{
  static ztk_identity id;
  static int done;
  if (!done)
    done = ztk_identity_from_string(&id, NF_CTL) == 0 ? 1 : (abort(), 0);
  return &id;
}

static inline const ztk_identity *nf_alice(void)
{
  static ztk_identity id;
  static int done;
  if (!done)
    done = ztk_identity_from_string(&id, NF_ALICE) == 0 ? 1 : (abort(), 0);
  return &id;
}

#endif
