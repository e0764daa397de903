/* The network side of the reference captures (real ZeroTierOne 1.14.1 nodes): every VL2
 * packet (frames, multicast, credentials, config requests, configs, their OKs and ERRORs)
 * decodes with our codecs, every credential verifies with the rig controller's identity, the
 * configs assemble from their signed chunks into the members' real settings, and the frames
 * carried between the members are exactly what their taps saw. */
#include "tests/support/capture.h"
#include "tests/support/keyring.h"
#include "tests/support/pcapframes.h"
#include "tests/support/vectors.h"

#include <stdlib.h>
#include <string.h>

#include "core/network/chunk.h"
#include "core/network/config_request.h"
#include "core/network/credentials.h"
#include "core/network/netconf.h"
#include "core/network/revocation.h"
#include "core/network/vl2wire.h"
#include "core/packet/armor.h"
#include "core/packet/compress.h"
#include "core/packet/packet.h"
#include "core/packet/verbs.h"

#define NWID 0x4b5aaf4557000001ull
#define M1 0x8ca0b051fdull
#define M2 0x063a948b95ull

static tv_keyring ring;
static const ztk_identity *ctl;
static unsigned seen[32], ok_seen[32];
static ztk_chunk_asm assembler;
static int configs_done;
static tv_pcap *taps[2];
static unsigned frames_matched, frames_total;

/* Frames m1 and m2 exchanged must appear, payload for payload, on the receiver's tap. */
static void check_frame(ztk_address dst, uint16_t ethertype, const uint8_t *d, size_t len)
{
  tv_pcap *tap = dst == M1 ? taps[0] : dst == M2 ? taps[1] : NULL;
  if (!tap)
    return;
  frames_total++;
  for (size_t i = 0; i < tap->n; i++) {
    if (tap->len[i] == len + 14 && ztk_be_get(tap->data[i] + 12, 2) == ethertype &&
        memcmp(tap->data[i] + 14, d, len) == 0) {
      frames_matched++;
      return;
    }
  }
}

static void check_creds(const uint8_t *d, size_t len)
{
  ztk_com coms[4];
  ztk_capability caps[4];
  ztk_tag tags[4];
  ztk_revocation revs[4];
  ztk_coo coos[4];
  ztk_creds c = {coms, 0, 4, caps, 0, 4, tags, 0, 4, revs, 0, 4, coos, 0, 4, 0};
  assert_int_equal(ztk_creds_read(d, len, &c), 0);
  for (unsigned i = 0; i < c.com_count; i++) {
    assert_true(ztk_com_network_id(&coms[i]) == NWID);
    assert_int_equal(ztk_com_verify(&coms[i], ctl), 0);
  }
  for (unsigned i = 0; i < c.coo_count; i++)
    assert_int_equal(ztk_coo_verify(&coos[i], ctl), 0);
  for (unsigned i = 0; i < c.rev_count; i++)
    assert_int_equal(ztk_revocation_verify(&revs[i], ctl), 0);
}

static void check_chunk(const uint8_t *d, size_t len, ztk_address to, uint64_t id)
{
  ztk_chunk ch;
  ztk_chunk_done done;
  assert_int_equal(ztk_chunk_read(&ch, d, len), 0);
  assert_true(ch.nwid == NWID);
  assert_int_equal(ztk_chunk_verify(&ch, ctl), 0);
  int rc = ztk_chunk_asm_add(&assembler, &ch, ctl, true, id, &done);
  if (rc == ZTK_EEXIST)
    return; /* the controller sends some configs twice (reply and push) */
  assert_int_equal(rc, 1);
  ztk_dict dict;
  ztk_netconf *nc = malloc(sizeof *nc);
  ztk_netconf_init(nc);
  assert_int_equal(ztk_dict_view(&dict, done.data, done.len, ZTK_DICT_NETCONF_CAP), 0);
  assert_int_equal(ztk_netconf_from_dict(nc, &dict), 0);
  assert_int_equal(ztk_netconf_check(nc, NWID, to), 0);
  assert_string_equal(nc->name, "zt-interop-rig");
  assert_int_equal(ztk_com_verify(&nc->com, ctl), 0);
  ztk_inaddr want;
  assert_int_equal(ztk_inaddr_parse(&want, to == M1 ? "10.147.17.11/24" : "10.147.17.12/24"), 0);
  bool found = false;
  for (unsigned i = 0; i < nc->static_ip_count; i++)
    found |= ztk_inaddr_eq(&nc->static_ips[i], &want);
  assert_true(found);
  assert_int_equal(nc->static_ip_count, 3); /* IPv4, rfc4193, 6plane */
  configs_done++;
  ztk_netconf_free(nc);
  free(nc);
}

static void check_ok(const uint8_t *d, size_t len, ztk_address to, uint64_t id)
{
  ztk_rd r = ztk_rd_make(d, len);
  ztk_ok_header oh;
  assert_int_equal(ztk_ok_header_read(&r, &oh), 0);
  ok_seen[oh.in_re_verb & 31]++;
  if (oh.in_re_verb == ZTK_VERB_NETWORK_CONFIG_REQUEST) {
    check_chunk(d + r.off, len - r.off, to, id);
  } else if (oh.in_re_verb == ZTK_VERB_MULTICAST_GATHER) {
    ztk_ok_gather_msg m;
    assert_int_equal(ztk_ok_gather_msg_read(&r, &m), 0);
    assert_true(m.nwid == NWID);
    assert_true(m.r.count >= 1);
  } else if (oh.in_re_verb == ZTK_VERB_MULTICAST_FRAME) {
    ztk_ok_mcframe_msg m;
    assert_int_equal(ztk_ok_mcframe_msg_read(&r, &m), 0);
    assert_true(m.nwid == NWID);
  }
}

static void check_vl2(uint8_t verb, const uint8_t *d, size_t len, ztk_address to, uint64_t id)
{
  ztk_rd r = ztk_rd_make(d, len);
  switch (verb) {
  case ZTK_VERB_FRAME: {
    ztk_frame_msg m;
    assert_int_equal(ztk_frame_msg_read(&r, &m), 0);
    assert_true(m.nwid == NWID);
    check_frame(to, m.ethertype, m.data, m.len);
    break;
  }
  case ZTK_VERB_MULTICAST_LIKE:
    while (ztk_rd_left(&r) > 0) {
      uint64_t nwid;
      ztk_mcgroup g;
      assert_int_equal(ztk_like_read(&r, &nwid, &g), 0);
      assert_true(nwid == NWID);
    }
    break;
  case ZTK_VERB_MULTICAST_GATHER: {
    ztk_gather_msg m;
    assert_int_equal(ztk_gather_msg_read(&r, &m), 0);
    assert_true(m.nwid == NWID);
    if (m.has_com)
      assert_int_equal(ztk_com_verify(&m.com, ctl), 0);
    break;
  }
  case ZTK_VERB_MULTICAST_FRAME: {
    ztk_mcframe_msg m;
    assert_int_equal(ztk_mcframe_msg_read(&r, &m), 0);
    assert_true(m.nwid == NWID);
    check_frame(to, m.ethertype, m.data, m.len);
    break;
  }
  case ZTK_VERB_NETWORK_CREDENTIALS:
    check_creds(d, len);
    break;
  case ZTK_VERB_NETWORK_CONFIG_REQUEST: {
    ztk_config_request q;
    assert_int_equal(ztk_config_request_read(&q, d, len), 0);
    assert_true(q.nwid == NWID);
    break;
  }
  case ZTK_VERB_NETWORK_CONFIG:
    check_chunk(d, len, to, id);
    break;
  case ZTK_VERB_OK:
    check_ok(d, len, to, id);
    break;
  case ZTK_VERB_ERROR: {
    ztk_error_msg e;
    assert_int_equal(ztk_error_read(&r, &e), 0);
    break;
  }
  default:
    break;
  }
}

static void run_capture(const char *file)
{
  tv_capture cap;
  static uint8_t pkt[ZTK_PROTO_MAX_PACKET_LENGTH];
  tv_capture_load(file, &cap);
  for (size_t i = 0; i < cap.n; i++) {
    size_t len = cap.dg[i].len;
    if (len < ZTK_PROTO_MIN_PACKET_LENGTH || ztk_datagram_classify(cap.dg[i].data, len) != ZTK_DGRAM_PACKET)
      continue;
    memcpy(pkt, cap.dg[i].data, len);
    ztk_address src = ztk_packet_source(pkt), dst = ztk_packet_dest(pkt);
    uint64_t id = ztk_packet_id(pkt);
    uint8_t key48[48];
    ztk_peer_key key;
    tv_keyring_key48(&ring, src, dst, key48);
    ztk_peer_key_init(&key, key48);
    assert_int_equal(ztk_dearmor(pkt, len, &key), 0);
    ztk_peer_key_free(&key);
    assert_int_equal(ztk_packet_decompress(pkt, &len, sizeof pkt), 0);
    uint8_t verb = ztk_packet_verb(pkt);
    seen[verb & 31]++;
    check_vl2(verb, pkt + ZTK_PKT_IDX_PAYLOAD, len - ZTK_PKT_IDX_PAYLOAD, dst, id);
  }
  tv_capture_free(&cap);
}

static void test_captured_network_traffic(void **state)
{
  tv_keyring_from_captures(&ring);
  ctl = tv_keyring_named(&ring, "ctl");
  assert_non_null(ctl);
  ztk_chunk_asm_init(&assembler, NWID);
  taps[0] = tv_pcap_load("captures/A-m1-zt.pcap");
  taps[1] = tv_pcap_load("captures/A-m2-zt.pcap");
  run_capture("captures/A-hub.pcap");
  /* Scenario A: both members got their config, the multicast and credential machinery ran. */
  assert_true(configs_done >= 2);
  assert_true(seen[ZTK_VERB_FRAME] > 0 && seen[ZTK_VERB_MULTICAST_FRAME] > 0);
  assert_true(seen[ZTK_VERB_MULTICAST_LIKE] > 0 && seen[ZTK_VERB_MULTICAST_GATHER] > 0);
  assert_true(seen[ZTK_VERB_NETWORK_CREDENTIALS] > 0 && seen[ZTK_VERB_NETWORK_CONFIG_REQUEST] > 0);
  assert_true(ok_seen[ZTK_VERB_MULTICAST_GATHER] > 0 && ok_seen[ZTK_VERB_MULTICAST_FRAME] > 0);
  /* Every frame between the members is on the receiving tap, byte for byte. */
  print_message("frames between members: %u, all on the receiving tap: %u; configs: %d\n",
                frames_total, frames_matched, configs_done);
  assert_true(frames_total >= 10);
  assert_int_equal(frames_matched, frames_total);
  tv_pcap_free(taps[0]);
  tv_pcap_free(taps[1]);
  taps[0] = taps[1] = NULL;
  /* Scenario B: access denied, then a pushed config after authorization. */
  memset(seen, 0, sizeof seen);
  run_capture("captures/B-hub.pcap");
  assert_true(seen[ZTK_VERB_ERROR] > 0);
  assert_true(seen[ZTK_VERB_NETWORK_CONFIG] > 0);
  ztk_chunk_asm_free(&assembler);
}

int main(void)
{
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_captured_network_traffic)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
