/* Target: core/network/dictionary (view, find, get_*, iteration, unescape, add, remove).
 * Input: dictionary text. Invariant: every iterated entry re-added to a fresh dictionary reads
 * back with the same value. */
#include <string.h>

#include "core/network/dictionary.h"
#include "fuzz/netfuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const keys[] = {"v", "nwid", "ts", "n", "C", "R", "ssoe", "x", "="};

static void probe(const ztk_dict *d)
{
  static uint8_t out[4096];
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
    uint64_t u;
    int64_t s;
    bool b;
    char str[16];
    int n = ztk_dict_get_bin(d, keys[i], out, sizeof out);
    NF_CHECK(n <= (int)sizeof out);
    ztk_dict_get_u64(d, keys[i], &u);
    ztk_dict_get_i64(d, keys[i], &s);
    ztk_dict_get_bool(d, keys[i], &b);
    n = ztk_dict_get_str(d, keys[i], str, sizeof str);
    NF_CHECK(strlen(str) < sizeof str);
  }
}

/* Copies every well-formed entry (with its key) into a writable dictionary and reads it back. */
static void rebuild(const ztk_dict *d)
{
  static char buf[8192], key[64];
  static uint8_t val[4096], again[4096];
  ztk_dict out;
  ztk_dict_entry e;
  size_t pos = 0, guard = 0;
  int rc;
  ztk_dict_init(&out, buf, sizeof buf);
  while ((rc = ztk_dict_next(d, &pos, &e)) != 0 && guard++ <= d->len) {
    if (rc < 0 || e.key_len >= sizeof key || memchr(e.key, '\\', e.key_len))
      continue;
    int n = ztk_dict_unescape(&e, val, sizeof val);
    if (n < 0)
      continue;
    memcpy(key, e.key, e.key_len);
    key[e.key_len] = 0;
    ztk_dict_remove(&out, key); /* so the value read back is this one */
    if (ztk_dict_add_bin(&out, key, val, (size_t)n) != 0)
      continue;
    NF_CHECK(ztk_dict_get_bin(&out, key, again, sizeof again) == n);
    NF_CHECK(memcmp(val, again, (size_t)n) == 0);
  }
  NF_CHECK(rc == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  ztk_dict d;
  if (ztk_dict_view(&d, data, size, ZTK_DICT_NETCONF_CAP) != 0)
    return 0;
  probe(&d);
  rebuild(&d);
  return 0;
}
