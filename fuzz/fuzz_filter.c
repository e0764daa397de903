/* Target Functions: ztk_filter_evaluate, ztk_filter_owner_ip.
 *
 * Input layout (our own, simple, so any bytes decode to something):
 *   u8 flags   bit0 inbound, bit1 unsupported-match result, bit2 owns IP, bit3 owns MAC,
 *              bit4 random source present, bit5 dest = 0 (multicast)
 *   u8 counts  low 2 bits: capabilities (0..3), bits 2-3: local tags, bits 4-5: remote tags
 *   u8 n_rules base rules (mod 48); then per capability one u8 rule count (mod 16)
 *   tags       (id u32, value u32) each
 *   rules      each: type byte, then 24 bytes copied over the union (zero-filled if short)
 *   u16 ethertype, 6+6 bytes MACs, then the frame payload (the rest). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/network/filter.h"
#include "core/util/cursor.h"

#define MAX_RULES 48
#define MAX_CAP_RULES 16
#define MAX_CAPS 3
#define MAX_TAGS 3

typedef struct fuzz_ctx {
  uint8_t flags;
  uint64_t rnd_state;
} fuzz_ctx;

static bool owns_ip(void *user, const ztk_inaddr *ip)
{
  return (((const fuzz_ctx *)user)->flags & 4) && ip->family != 0;
}

static bool owns_mac(void *user, uint64_t mac)
{
  return (((const fuzz_ctx *)user)->flags & 8) && (mac & 1) == 0;
}

static void rnd(void *user, void *buf, size_t len)
{
  fuzz_ctx *c = user;
  uint8_t *b = buf;
  for (size_t i = 0; i < len; i++) {
    c->rnd_state ^= c->rnd_state << 13;
    c->rnd_state ^= c->rnd_state >> 7;
    c->rnd_state ^= c->rnd_state << 17;
    b[i] = (uint8_t)c->rnd_state;
  }
}

static void read_rules(ztk_rd *r, ztk_rule *rules, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    memset(&rules[i], 0, sizeof rules[i]);
    rules[i].t = ztk_rd_u8(r);
    size_t take = ztk_rd_left(r) < sizeof rules[i].v ? ztk_rd_left(r) : sizeof rules[i].v;
    ztk_rd_copy(r, &rules[i].v, take);
  }
}

static void read_tags(ztk_rd *r, ztk_tag_value *t, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    t[i].id = ztk_rd_u32(r);
    t[i].value = ztk_rd_u32(r);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static ztk_rule base[MAX_RULES], caps_rules[MAX_CAPS][MAX_CAP_RULES];
  ztk_rd r = ztk_rd_make(data, size);
  fuzz_ctx ctx = {ztk_rd_u8(&r), 0x9e3779b97f4a7c15ULL ^ size};
  uint8_t counts = ztk_rd_u8(&r);
  size_t n_base = ztk_rd_u8(&r) % MAX_RULES, n_caps = counts & 3;
  size_t n_local = (counts >> 2) & 3, n_remote = (counts >> 4) & 3;
  ztk_ruleset caps[MAX_CAPS];
  ztk_tag_value local[MAX_TAGS], remote[MAX_TAGS];
  for (size_t c = 0; c < n_caps; c++)
    caps[c].n = ztk_rd_u8(&r) % MAX_CAP_RULES;
  read_tags(&r, local, n_local);
  read_tags(&r, remote, n_remote);
  read_rules(&r, base, n_base);
  for (size_t c = 0; c < n_caps; c++) {
    read_rules(&r, caps_rules[c], caps[c].n);
    caps[c].rules = caps_rules[c];
  }

  ztk_filter_input in;
  memset(&in, 0, sizeof in);
  in.inbound = ctx.flags & 1;
  in.unsupported_match_result = (ctx.flags & 2) != 0;
  in.self = 0x8ca0b051fdULL;
  in.source = in.inbound ? 0x063a948b95ULL : in.self;
  in.dest = (ctx.flags & 0x20) ? 0 : in.inbound ? in.self : 0x063a948b95ULL;
  in.ethertype = ztk_rd_u16(&r);
  in.dst_mac = ztk_rd_uint(&r, 6);
  in.src_mac = ztk_rd_uint(&r, 6);
  size_t len = ztk_rd_left(&r);
  uint8_t *frame = malloc(len ? len : 1); /* exact size, so overreads are caught */
  if (!frame)
    return 0;
  ztk_rd_copy(&r, frame, len);
  in.data = frame;
  in.len = len;
  in.rules.rules = base;
  in.rules.n = n_base;
  in.caps = caps;
  in.n_caps = n_caps;
  in.local_tags = local, in.n_local_tags = n_local;
  in.remote_tags = remote, in.n_remote_tags = n_remote;
  static const ztk_filter_owner_ops ops = {owns_ip, owns_mac};
  in.owner = &ops;
  in.owner_user = &ctx;
  if (ctx.flags & 0x10) {
    in.rnd = rnd;
    in.rnd_user = &ctx;
  }

  ztk_filter_result res;
  int rc = ztk_filter_evaluate(&in, &res);
  if (rc == 0) {
    if (res.n_copies > 2 || (res.deliver && res.verdict == ZTK_FILTER_DROP) ||
        (res.redirect && res.deliver))
      abort();
    for (unsigned i = 0; i < res.n_copies; i++)
      if (res.copies[i].length > len || res.copies[i].address == 0)
        abort();
  } else if (rc != ZTK_EINVAL) {
    abort();
  }
  ztk_inaddr ip;
  (void)ztk_filter_owner_ip(in.ethertype, frame, len, &ip);
  free(frame);
  return 0;
}
