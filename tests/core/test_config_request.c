/* NETWORK_CONFIG_REQUEST payloads: every live request parses; the metadata 1.14.1 sends is
 * rebuilt byte for byte; short legacy forms; limits. */
#include "tests/support/netvec.h"

#include "core/network/config_request.h"

static const ztk_config_request_meta meta_1_14_1 = {.vendor = 1,
                                                    .proto_version = 12,
                                                    .major = 1,
                                                    .minor = 14,
                                                    .revision = 1,
                                                    .rules_engine_rev = 1,
                                                    .os_arch = "linux/x86_64"};

static void test_live_requests(void **state)
{
  json_t *live = tv_load("vectors/live_session.json");
  json_t *dvec = tv_load("vectors/dictionary.json");
  const char *want_meta = tv_str(dvec, "request_metadata_dictionary");
  char mbuf[ZTK_DICT_METADATA_CAP];
  ztk_dict built;
  ztk_dict_init(&built, mbuf, sizeof mbuf);
  assert_int_equal(ztk_config_request_meta_build(&built, &meta_1_14_1), 0);
  assert_string_equal(mbuf, want_meta);
  size_t i;
  json_t *p;
  int seen = 0, with_config = 0;
  json_array_foreach(json_object_get(live, "transcript"), i, p)
  {
    const char *verb = json_string_value(json_object_get(p, "verb"));
    if (!verb || strcmp(verb, "NETWORK_CONFIG_REQUEST") != 0)
      continue;
    size_t len;
    uint8_t *b = tv_hex(p, "payload", &len);
    ztk_config_request q;
    assert_int_equal(ztk_config_request_read(&q, b, len), 0);
    assert_true(q.nwid == 0x89419d3fcd7cda1full);
    assert_int_equal(q.meta_len, strlen(want_meta));
    assert_memory_equal(q.meta, want_meta, q.meta_len);
    ztk_dict d;
    assert_int_equal(ztk_config_request_meta_dict(&q, &d), 0);
    uint64_t rules = 0;
    assert_int_equal(ztk_dict_get_u64(&d, "mr", &rules), 0);
    assert_true(rules == 1024);
    with_config += q.have_revision != 0;
    uint8_t out[512];
    ztk_wr w = ztk_wr_make(out, sizeof out);
    assert_int_equal(ztk_config_request_write(&w, &q), 0);
    assert_int_equal(w.len, len);
    assert_memory_equal(out, b, len);
    free(b);
    seen++;
  }
  assert_int_equal(seen, 9);
  assert_int_equal(with_config, 2); /* the refreshes at t~94.8 carry revision and timestamp */
  json_decref(live);
  json_decref(dvec);
}

static void test_short_and_bad(void **state)
{
  uint8_t buf[2048] = {0x89, 0x41, 0x9d, 0x3f, 0xcd, 0x7c, 0xda, 0x1f, 0, 3, 'v', '=', '7'};
  ztk_config_request q;
  assert_int_equal(ztk_config_request_read(&q, buf, 8), 0); /* nwid only */
  assert_int_equal(q.meta_len, 0);
  assert_int_equal(ztk_config_request_read(&q, buf, 13), 0); /* no revision/timestamp */
  assert_int_equal(q.meta_len, 3);
  assert_true(q.have_revision == 0);
  for (size_t n = 0; n < 8; n++)
    assert_int_equal(ztk_config_request_read(&q, buf, n), ZTK_ETRUNC);
  assert_int_equal(ztk_config_request_read(&q, buf, 12), ZTK_ETRUNC);
  buf[11] = 0; /* a NUL inside the metadata */
  assert_int_equal(ztk_config_request_read(&q, buf, 13), ZTK_ENET_DICT);
  buf[8] = 0x04; /* 1024 bytes of metadata: more than 1.14.1's capacity holds */
  buf[9] = 0x00;
  memset(buf + 10, 'a', 1024);
  assert_int_equal(ztk_config_request_read(&q, buf, 10 + 1024), ZTK_ELIMIT);
  q.meta_len = 1024;
  q.meta = (const char *)buf + 10;
  uint8_t out[2048];
  ztk_wr w = ztk_wr_make(out, sizeof out);
  assert_int_equal(ztk_config_request_write(&w, &q), ZTK_ELIMIT);
  char small[20];
  ztk_dict d;
  ztk_dict_init(&d, small, sizeof small);
  assert_int_equal(ztk_config_request_meta_build(&d, &meta_1_14_1), ZTK_ELIMIT);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_live_requests),
      cmocka_unit_test(test_short_and_bad),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
