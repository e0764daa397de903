/* MAC <-> (address, network id), the 0x52 quirk, classification, text and byte forms. */
#include "tests/support/vectors.h"

#include <stdlib.h>
#include <string.h>

#include "core/network/mac.h"

static void test_vectors(void **state)
{
  json_t *root = tv_load("vectors/addressing.json");
  json_t *arr = json_object_get(root, "addressing"), *v;
  size_t i;
  assert_true(json_array_size(arr) >= 10);
  json_array_foreach(arr, i, v)
  {
    uint64_t addr = tv_hex_u64(v, "address"), nwid = tv_hex_u64(v, "network_id"), want;
    char buf[ZTK_MAC_STRLEN];
    assert_int_equal(ztk_mac_parse(&want, tv_str(v, "mac")), 0);
    uint64_t mac = ztk_mac_from_address(addr, nwid);
    assert_int_equal(mac, want);
    ztk_mac_format(mac, buf);
    assert_string_equal(buf, tv_str(v, "mac"));
    assert_int_equal(ztk_mac_to_address(mac, nwid), tv_hex_u64(v, "mac_back_to_address"));
    assert_int_equal(ztk_mac_first_octet(nwid),
                     json_integer_value(json_object_get(v, "first_octet_for_network")));
    assert_true(ztk_mac_is_member(mac, nwid));
    assert_false(ztk_mac_is_multicast(mac));
  }
  json_decref(root);
}

static void test_first_octet_quirk(void **state)
{
  /* 0x50 | 0x02 = 0x52 is reserved by hypervisors: ZeroTier uses 0x32 instead */
  assert_int_equal(ztk_mac_first_octet(0x50), 0x32);
  assert_int_equal(ztk_mac_first_octet(0x52), 0x32);
  assert_int_equal(ztk_mac_first_octet(0x53), 0x32);
  assert_int_equal(ztk_mac_first_octet(0x51), 0x32); /* 0x50 | 0x02 after clearing bit 0 */
  assert_int_equal(ztk_mac_first_octet(0x54), 0x56);
  assert_int_equal(ztk_mac_first_octet(0x01), 0x02); /* multicast bit cleared */
  assert_int_equal(ztk_mac_first_octet(0x4b5aaf4557000001ULL), 0x02);
  uint64_t mac = ztk_mac_from_address(0x8ca0b051fdULL, 0x4b5aaf4557000052ULL);
  assert_int_equal(mac >> 40, 0x32);
  assert_int_equal(ztk_mac_to_address(mac, 0x4b5aaf4557000052ULL), 0x8ca0b051fdULL);
  /* a MAC with the plain 0x52 octet is not a member of that network */
  assert_false(ztk_mac_is_member(0x520000000001ULL, 0x4b5aaf4557000052ULL));
}

static void test_rig_macs(void **state)
{
  /* the interop rig's members (tests/data/captures/README.md) */
  const uint64_t nwid = 0x4b5aaf4557000001ULL;
  assert_int_equal(ztk_mac_from_address(0x8ca0b051fdULL, nwid), 0x028ca0e71452ULL);
  assert_int_equal(ztk_mac_from_address(0x063a948b95ULL, nwid), 0x02063ac3ce3aULL);
  assert_false(ztk_mac_is_member(0x0a0000000001ULL, nwid));
  /* the address is masked to 40 bits */
  assert_int_equal(ztk_mac_from_address(0xff8ca0b051fdULL, nwid), 0x028ca0e71452ULL);
}

static void test_classes_and_bytes(void **state)
{
  assert_true(ztk_mac_is_multicast(0x333300000001ULL));
  assert_true(ztk_mac_is_multicast(ZTK_MAC_BROADCAST));
  assert_true(ztk_mac_is_broadcast(ZTK_MAC_BROADCAST));
  assert_false(ztk_mac_is_broadcast(0x3333ffffffffULL));
  assert_false(ztk_mac_is_multicast(0x028ca0e71452ULL));
  uint8_t b[6];
  ztk_mac_to_bytes(0x028ca0e71452ULL, b);
  const uint8_t want[6] = {0x02, 0x8c, 0xa0, 0xe7, 0x14, 0x52};
  assert_memory_equal(b, want, 6);
  assert_int_equal(ztk_mac_from_bytes(want), 0x028ca0e71452ULL);
}

static void test_parse(void **state)
{
  uint64_t m = 7;
  assert_int_equal(ztk_mac_parse(&m, "02:8C:a0:e7:14:52"), 0);
  assert_int_equal(m, 0x028ca0e71452ULL);
  assert_int_equal(ztk_mac_parse(&m, "02:8c:a0:e7:14"), ZTK_EFORMAT);
  assert_int_equal(ztk_mac_parse(&m, "02:8c:a0:e7:14:5g"), ZTK_EFORMAT);
  assert_int_equal(ztk_mac_parse(&m, "02-8c-a0-e7-14-52"), ZTK_EFORMAT);
  assert_int_equal(ztk_mac_parse(&m, "02:8c:a0:e7:14:521"), ZTK_EFORMAT);
  assert_int_equal(ztk_mac_parse(&m, ""), ZTK_EFORMAT);
  assert_int_equal(m, 0x028ca0e71452ULL);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_vectors),          cmocka_unit_test(test_first_octet_quirk),
      cmocka_unit_test(test_rig_macs),         cmocka_unit_test(test_classes_and_bytes),
      cmocka_unit_test(test_parse),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
