/* Target: core/network/netconf (dictionary -> config parse, build) and core/network/chunk
 * (chunk parse and the assembler). The first byte picks the mode:
 *   even: the rest is a dictionary; a config that parses must build, and building what the
 *         build parses back to must give the same text (the build is canonical), except for
 *         an unknown SSO version, which writes no SSO keys and so reads back as version 0;
 *   1 mod 4: the rest is chunk records the harness signs with the rig's controller, so the
 *         fuzzer drives the assembler past the signature check: flags(1: bit0 legacy form,
 *         bit1 sender is the controller, bit2 fast propagate, bit3 spoil the signature,
 *         bit4 another network) update(1) total(2) index(2) len(2) then len data bytes;
 *   3 mod 4: the rest is raw chunk payloads, each prefixed by a 2-byte length. */
#include <stdlib.h>
#include <string.h>

#include "core/network/chunk.h"
#include "core/network/netconf.h"
#include "fuzz/netfuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NWID 0x89419d3fcd7cda1full
#define MAX_RECORDS 64

static ztk_netconf nc, nc2;
static char text1[ZTK_DICT_NETCONF_CAP], text2[ZTK_DICT_NETCONF_CAP];

static void parse_dict(const uint8_t *p, size_t n)
{
  ztk_dict d, out, again;
  if (ztk_dict_view(&d, p, n, ZTK_DICT_NETCONF_CAP) || ztk_netconf_from_dict(&nc, &d))
    return;
  NF_CHECK(nc.nwid && nc.issued_to && nc.version >= ZTK_NETCONF_MIN_VERSION);
  ztk_dict_init(&out, text1, sizeof text1);
  int rc = ztk_netconf_to_dict(&nc, &out);
  if (rc == ZTK_ELIMIT)
    return; /* canonical integers are longer: a config near the capacity may not fit */
  NF_CHECK(rc == 0);
  NF_CHECK(ztk_netconf_from_dict(&nc2, &out) == 0);
  ztk_dict_init(&again, text2, sizeof text2);
  NF_CHECK(ztk_netconf_to_dict(&nc2, &again) == 0);
  if (nc.sso_version <= 1)
    NF_CHECK(out.len == again.len && memcmp(text1, text2, out.len) == 0);
  else
    NF_CHECK(nc2.sso_version == 0);
}

/* A completed update: the assembled text goes through the config parser. */
static void on_done(const ztk_chunk_done *done)
{
  NF_CHECK(done->data != NULL || done->len == 0);
  parse_dict(done->data, done->len);
}

/* Builds one chunk from a record (signed unless spoiled) and feeds it to the assembler. */
static size_t signed_record(ztk_chunk_asm *a, const uint8_t *p, size_t n)
{
  static uint8_t buf[65536 + ZTK_CHUNK_OVERHEAD];
  if (n < 9)
    return n;
  const uint8_t flags = p[0];
  const uint32_t total = (uint32_t)ztk_be_get(p + 2, 2), index = (uint32_t)ztk_be_get(p + 4, 2);
  size_t len = (size_t)ztk_be_get(p + 6, 2), used = 8;
  len = len < n - used ? len : n - used;
  ztk_wr w = ztk_wr_make(buf, sizeof buf);
  ztk_wr_u64(&w, (flags & 16) ? NWID + 1 : NWID);
  ztk_wr_u16(&w, (uint16_t)len);
  ztk_wr_bytes(&w, p + used, len);
  if (!(flags & 1)) {
    ztk_wr_u8(&w, (flags & 4) ? ZTK_CHUNK_FLAG_FAST_PROPAGATE : 0);
    ztk_wr_u64(&w, p[1]);
    ztk_wr_u32(&w, total);
    ztk_wr_u32(&w, index);
    uint8_t sig[96];
    NF_CHECK(ztk_identity_sign(nf_ctl(), buf, w.len, sig) == 0);
    sig[0] ^= (flags & 8) ? 1 : 0;
    ztk_credsig_write(&w, sig);
  }
  ztk_chunk c;
  ztk_chunk_done done;
  if (ztk_chunk_read(&c, buf, w.len) == 0 &&
      ztk_chunk_asm_add(a, &c, nf_ctl(), (flags & 2) != 0, p[1], &done) == 1)
    on_done(&done);
  return used + len;
}

static size_t raw_record(ztk_chunk_asm *a, const uint8_t *p, size_t n)
{
  if (n < 2)
    return n;
  size_t len = (size_t)ztk_be_get(p, 2);
  len = len < n - 2 ? len : n - 2;
  ztk_chunk c;
  ztk_chunk_done done;
  if (ztk_chunk_read(&c, p + 2, len) == 0) {
    ztk_chunk_verify(&c, nf_ctl());
    if (ztk_chunk_asm_add(a, &c, nf_ctl(), true, len, &done) == 1)
      on_done(&done);
  }
  return 2 + len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size == 0)
    return 0;
  if ((data[0] & 1) == 0) {
    parse_dict(data + 1, size - 1);
    return 0;
  }
  ztk_chunk_asm a;
  ztk_chunk_asm_init(&a, NWID);
  size_t off = 1;
  for (int i = 0; i < MAX_RECORDS && off < size; i++)
    off += (data[0] & 2) ? raw_record(&a, data + off, size - off)
                         : signed_record(&a, data + off, size - off);
  ztk_chunk_asm_free(&a);
  return 0;
}
