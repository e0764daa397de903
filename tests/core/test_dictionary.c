/* The netconf Dictionary: vectors from 1.14.1 (generator and live controller), escapes, integer
 * and boolean reading, capacity, iteration, malformed input. */
#include "tests/support/netvec.h"

#include "core/network/dictionary.h"
#include "core/util/hex.h"

static json_t *dvec, *live;

static int setup(void **state)
{
  dvec = tv_load("vectors/dictionary.json");
  live = tv_load("vectors/live_session.json");
  return 0;
}

static int teardown(void **state)
{
  json_decref(dvec);
  json_decref(live);
  return 0;
}

/* Every key of `values` (hex of the unescaped value) reads back as given. */
static void check_values(const ztk_dict *d, json_t *values, bool hex_values)
{
  static uint8_t got[4096], want[4096];
  const char *key;
  json_t *v;
  json_object_foreach(values, key, v)
  {
    const char *s = json_string_value(v);
    size_t n = hex_values ? strlen(s) / 2 : strlen(s);
    if (hex_values)
      assert_int_equal(ztk_hex_decode(want, n, s, strlen(s)), 0);
    else
      memcpy(want, s, n);
    assert_int_equal(ztk_dict_get_bin(d, key, got, sizeof got), (int)n);
    assert_memory_equal(got, want, n);
  }
}

/* Rebuilds the text from its iterated entries: must be byte-identical (escapes round-trip). */
static void check_rebuild(const ztk_dict *d)
{
  static char buf[8192];
  static uint8_t val[4096];
  ztk_dict out;
  ztk_dict_entry e;
  size_t pos = 0;
  int rc;
  char key[64];
  ztk_dict_init(&out, buf, sizeof buf);
  while ((rc = ztk_dict_next(d, &pos, &e)) == 1) {
    int n = ztk_dict_unescape(&e, val, sizeof val);
    assert_true(n >= 0);
    assert_true(e.key_len < sizeof key);
    memcpy(key, e.key, e.key_len);
    key[e.key_len] = 0;
    assert_int_equal(ztk_dict_add_bin(&out, key, val, (size_t)n), 0);
  }
  assert_int_equal(rc, 0);
  assert_int_equal(out.len, d->len);
  assert_memory_equal(out.text, d->text, d->len);
}

static void test_generator_vector(void **state)
{
  json_t *v = json_object_get(dvec, "netconf_dictionary");
  size_t len;
  uint8_t *text = tv_hex(v, "dictionary_hex", &len);
  ztk_dict d;
  assert_int_equal(len, json_integer_value(json_object_get(v, "dictionary_size")));
  assert_int_equal(ztk_dict_view(&d, text, len, ZTK_DICT_NETCONF_CAP), 0);
  check_values(&d, json_object_get(v, "decoded_values_hex"), true);
  check_rebuild(&d);
  char name[128];
  assert_int_equal(ztk_dict_get_str(&d, "n", name, sizeof name), 11);
  assert_string_equal(name, "testnet=1\\x");
  uint64_t u;
  assert_int_equal(ztk_dict_get_u64(&d, "nwid", &u), 0);
  assert_true(u == 0x89419d3fcd000abcull);
  assert_int_equal(ztk_dict_get_u64(&d, "id", &u), 0);
  assert_true(u == 0xefe8197bb7ull);
  bool b = true;
  assert_int_equal(ztk_dict_get_bool(&d, "ssoe", &b), 0);
  assert_false(b);
  free(text);
}

static void test_live_vector(void **state)
{
  json_t *v = json_object_get(live, "controller_netconf_to_alice");
  size_t len;
  uint8_t *text = tv_hex(v, "dictionary_hex", &len);
  ztk_dict d;
  assert_int_equal(ztk_dict_view(&d, text, len, ZTK_DICT_NETCONF_CAP), 0);
  check_values(&d, json_object_get(v, "decoded_text_values"), false);
  check_values(&d, json_object_get(v, "decoded_binary_values_hex"), true);
  check_rebuild(&d);
  json_t *keys = json_object_get(v, "dictionary_keys_in_order");
  ztk_dict_entry e;
  size_t pos = 0, i;
  json_t *k;
  json_array_foreach(keys, i, k)
  {
    assert_int_equal(ztk_dict_next(&d, &pos, &e), 1);
    assert_int_equal(e.key_len, strlen(json_string_value(k)));
    assert_memory_equal(e.key, json_string_value(k), e.key_len);
  }
  assert_int_equal(ztk_dict_next(&d, &pos, &e), 0);
  free(text);
}

static void test_request_metadata(void **state)
{
  const char *text = tv_str(dvec, "request_metadata_dictionary");
  static const struct {
    const char *key;
    uint64_t v;
  } want[] = {{"v", 7},      {"vend", 1},  {"pv", 12},    {"majv", 1},  {"minv", 14}, {"revv", 1},
              {"mr", 0x400}, {"mc", 0x80}, {"mcr", 0x40}, {"mt", 0x80}, {"f", 0},     {"revr", 1}};
  ztk_dict d;
  assert_int_equal(ztk_dict_view(&d, text, strlen(text), ZTK_DICT_METADATA_CAP), 0);
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
    uint64_t u = 99;
    assert_int_equal(ztk_dict_get_u64(&d, want[i].key, &u), 0);
    assert_true(u == want[i].v);
  }
  char os[32];
  assert_int_equal(ztk_dict_get_str(&d, "o", os, sizeof os), 12);
  assert_string_equal(os, "linux/x86_64");
  check_rebuild(&d);
}

static void test_escapes_and_writes(void **state)
{
  char buf[256];
  ztk_dict d;
  const uint8_t bin[] = {0, '\r', '\n', '\\', '=', 'x', 0xff};
  ztk_dict_init(&d, buf, sizeof buf);
  assert_int_equal(ztk_dict_add_str(&d, "n", "testnet=1\\x"), 0);
  assert_int_equal(ztk_dict_add_bin(&d, "B", bin, sizeof bin), 0);
  assert_int_equal(ztk_dict_add_u64(&d, "v", 7), 0);
  assert_int_equal(ztk_dict_add_i64(&d, "neg", -5), 0);
  assert_int_equal(ztk_dict_add_i64(&d, "pos", 0x1b7740), 0);
  assert_int_equal(ztk_dict_add_bool(&d, "t", true), 0);
  assert_int_equal(ztk_dict_add_address(&d, "id", 0xefe8197bb7ull), 0);
  const char want[] = "n=testnet\\e1\\\\x\nB=\\0\\r\\n\\\\\\ex\xff\nv=0000000000000007\n"
                      "neg=-0000000000000005\npos=00000000001b7740\nt=1\nid=efe8197bb7";
  assert_int_equal(d.len, strlen(want));
  assert_string_equal(buf, want);
  uint8_t got[16];
  assert_int_equal(ztk_dict_get_bin(&d, "B", got, sizeof got), (int)sizeof bin);
  assert_memory_equal(got, bin, sizeof bin);
  int64_t i;
  assert_int_equal(ztk_dict_get_i64(&d, "neg", &i), 0);
  assert_true(i == -5);
  assert_int_equal(ztk_dict_get_i64(&d, "pos", &i), 0);
  assert_true(i == 0x1b7740);
  bool b;
  assert_int_equal(ztk_dict_get_bool(&d, "t", &b), 0);
  assert_true(b);
}

/* Reads key from a dictionary made of `text`. */
static int u64_of(const char *text, const char *key, uint64_t *v)
{
  ztk_dict d;
  assert_int_equal(ztk_dict_view(&d, text, strlen(text), 1024), 0);
  return ztk_dict_get_u64(&d, key, v);
}

static void test_integers(void **state)
{
  uint64_t v;
  assert_int_equal(u64_of("a=7", "a", &v), 0);
  assert_true(v == 7);
  assert_int_equal(u64_of("a=00000000000000000000000000001F", "a", &v), 0);
  assert_true(v == 0x1f);
  assert_int_equal(u64_of("a=ffffffffffffffff", "a", &v), 0);
  assert_true(v == UINT64_MAX);
  assert_int_equal(u64_of("a=1ffffffffffffffff", "a", &v), ZTK_ERANGE);
  assert_int_equal(u64_of("a=12x", "a", &v), ZTK_ENET_DICT);
  assert_int_equal(u64_of("a=0x12", "a", &v), ZTK_ENET_DICT);
  assert_int_equal(u64_of("a= 1", "a", &v), ZTK_ENET_DICT);
  assert_int_equal(u64_of("a=-1", "a", &v), ZTK_ENET_DICT);
  assert_int_equal(u64_of("a=", "a", &v), ZTK_ENOTFOUND); /* empty counts as absent */
  assert_int_equal(u64_of("b=1", "a", &v), ZTK_ENOTFOUND);
  char longv[200] = "a=";
  memset(longv + 2, '0', 150);
  longv[152] = '1';
  longv[153] = 0;
  assert_int_equal(u64_of(longv, "a", &v), ZTK_ERANGE); /* beyond 1.14.1's 127 characters */
  ztk_dict d;
  int64_t i;
  const char *t = "p=7fffffffffffffff\nq=8000000000000000\nm=-8000000000000000\nn=-";
  assert_int_equal(ztk_dict_view(&d, t, strlen(t), 1024), 0);
  assert_int_equal(ztk_dict_get_i64(&d, "p", &i), 0);
  assert_true(i == INT64_MAX);
  assert_int_equal(ztk_dict_get_i64(&d, "q", &i), ZTK_ERANGE);
  assert_int_equal(ztk_dict_get_i64(&d, "m", &i), 0);
  assert_true(i == INT64_MIN);
  assert_int_equal(ztk_dict_get_i64(&d, "n", &i), ZTK_ENET_DICT);
}

static void test_booleans(void **state)
{
  const char *t = "a=1\nb=t\nc=True\nd=0\ne=\nf=false\ng=yes";
  const bool want[] = {true, true, true, false, false, false, false};
  ztk_dict d;
  assert_int_equal(ztk_dict_view(&d, t, strlen(t), 1024), 0);
  for (int i = 0; i < 7; i++) {
    char key[2] = {(char)('a' + i), 0};
    bool b = !want[i];
    assert_int_equal(ztk_dict_get_bool(&d, key, &b), 0);
    assert_int_equal(b, want[i]);
  }
  bool b = true;
  assert_int_equal(ztk_dict_get_bool(&d, "z", &b), ZTK_ENOTFOUND);
  assert_false(b);
}

static void test_lookup_rules(void **state)
{
  const char *t = "nwid=1\r\nn=first\n\n\nn=second\rab\nx=a=b\n=novalue\nlast=\\";
  ztk_dict d;
  char out[32];
  assert_int_equal(ztk_dict_view(&d, t, strlen(t), 1024), 0);
  assert_int_equal(ztk_dict_get_str(&d, "n", out, sizeof out), 5);
  assert_string_equal(out, "first"); /* the first match wins; "nwid" is not "n" */
  assert_int_equal(ztk_dict_get_str(&d, "nw", out, sizeof out), ZTK_ENOTFOUND);
  assert_int_equal(ztk_dict_get_str(&d, "x", out, sizeof out), 3);
  assert_string_equal(out, "a=b");
  assert_int_equal(ztk_dict_get_str(&d, "ab", out, sizeof out), ZTK_ENOTFOUND);
  assert_int_equal(ztk_dict_get_str(&d, "", out, sizeof out), ZTK_ENOTFOUND);
  assert_int_equal(ztk_dict_get_str(&d, "last", out, sizeof out), ZTK_ENET_DICT);
  assert_int_equal(ztk_dict_get_str(&d, "n", out, 3), ZTK_ENOSPACE);
  assert_string_equal(out, "fi"); /* truncated, as 1.14.1 does */
  assert_int_equal(ztk_dict_get_str(&d, "n", out, 0), ZTK_EINVAL);
  /* iteration: two good lines, "ab" without '=', "x", "=novalue" with an empty key, "last" */
  static const int want[] = {1, 1, 1, ZTK_ENET_DICT, 1, ZTK_ENET_DICT, 1, 0};
  size_t pos = 0;
  ztk_dict_entry e;
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
    assert_int_equal(ztk_dict_next(&d, &pos, &e), want[i]);
  assert_int_equal(ztk_dict_next(&d, &pos, &e), 0);
}

static void test_capacity(void **state)
{
  char buf[12];
  ztk_dict d;
  ztk_dict_init(&d, buf, sizeof buf);
  assert_int_equal(ztk_dict_add_str(&d, "ab", "cdefghij"), 0); /* 11 bytes: the most that fits */
  assert_int_equal(d.len, 11);
  assert_int_equal(ztk_dict_add_str(&d, "k", ""), ZTK_ELIMIT);
  assert_int_equal(d.len, 11);
  assert_string_equal(buf, "ab=cdefghij");
  ztk_dict_init(&d, buf, sizeof buf);
  assert_int_equal(ztk_dict_add_str(&d, "a", "12345"), 0);
  assert_int_equal(ztk_dict_add_bin(&d, "b", "\n", 1), ZTK_ELIMIT); /* its escape needs room */
  assert_string_equal(buf, "a=12345");
  assert_int_equal(d.err, ZTK_ELIMIT); /* sticky */
  assert_int_equal(ztk_dict_add_str(&d, "b", "1"), 0);
  assert_string_equal(buf, "a=12345\nb=1");
  assert_int_equal(d.err, ZTK_ELIMIT);
  /* views: length limit and NUL bytes */
  assert_int_equal(ztk_dict_view(&d, "a=1", 3, 4), 0);
  assert_int_equal(ztk_dict_view(&d, "a=1", 3, 3), ZTK_ELIMIT);
  assert_int_equal(ztk_dict_view(&d, "a=\0", 3, 10), ZTK_ENET_DICT);
  assert_int_equal(ztk_dict_view(&d, NULL, 0, 10), 0);
  assert_int_equal(ztk_dict_view(&d, NULL, 1, 10), ZTK_EINVAL);
}

static void test_misuse(void **state)
{
  char buf[64];
  ztk_dict d;
  ztk_dict_init(&d, buf, sizeof buf);
  assert_int_equal(ztk_dict_add_str(&d, "", "x"), ZTK_EINVAL);
  assert_int_equal(ztk_dict_add_str(&d, "a=b", "x"), ZTK_EINVAL);
  assert_int_equal(ztk_dict_add_str(&d, "a\nb", "x"), ZTK_EINVAL);
  assert_int_equal(ztk_dict_add_str(&d, NULL, "x"), ZTK_EINVAL);
  assert_int_equal(ztk_dict_add_bin(&d, "a", NULL, 1), ZTK_EINVAL);
  assert_int_equal(d.len, 0);
  assert_int_equal(ztk_dict_add_end(&d), ZTK_ESTATE);
  ztk_dict_add_bytes(&d, "x", 1);
  assert_int_equal(ztk_dict_add_end(&d), ZTK_ESTATE);
  ztk_dict_add_begin(&d, "a");
  ztk_dict_add_begin(&d, "b");
  assert_int_equal(ztk_dict_add_end(&d), ZTK_ESTATE);
  assert_int_equal(d.len, 0);
  assert_int_equal(ztk_dict_remove(&d, "a"), 0);
  ztk_dict_add_begin(&d, "a");
  assert_int_equal(ztk_dict_remove(&d, "a"), ZTK_ESTATE);
  assert_int_equal(ztk_dict_add_end(&d), 0);
  ztk_dict v;
  assert_int_equal(ztk_dict_view(&v, "a=1", 3, 10), 0);
  assert_int_equal(ztk_dict_add_str(&v, "b", "2"), ZTK_ESTATE);
  assert_int_equal(ztk_dict_remove(&v, "a"), ZTK_ESTATE);
  ztk_dict_init(&v, buf, 0);
  assert_int_equal(ztk_dict_add_str(&v, "b", "2"), ZTK_ESTATE);
}

static void test_remove(void **state)
{
  char buf[64];
  ztk_dict d;
  ztk_dict_init(&d, buf, sizeof buf);
  ztk_dict_add_str(&d, "a", "1");
  ztk_dict_add_str(&d, "b", "2");
  ztk_dict_add_str(&d, "a", "3");
  ztk_dict_add_str(&d, "c", "4");
  assert_int_equal(ztk_dict_remove(&d, "a"), 2);
  assert_string_equal(buf, "b=2\nc=4");
  assert_int_equal(ztk_dict_remove(&d, "c"), 1);
  assert_int_equal(ztk_dict_add_str(&d, "c", "5"), 0);
  assert_string_equal(buf, "b=2\nc=5");
  assert_int_equal(ztk_dict_remove(&d, "b"), 1);
  assert_int_equal(ztk_dict_remove(&d, "c"), 1);
  assert_int_equal(d.len, 0);
  assert_string_equal(buf, "");
}

/* Reading every key of a mutated dictionary must never crash or read out of bounds. */
static void read_all(const uint8_t *p, size_t n, size_t pos, int kind, void *user)
{
  static uint8_t out[2048];
  json_t *keys = user;
  ztk_dict d;
  if (ztk_dict_view(&d, p, n, ZTK_DICT_NETCONF_CAP))
    return;
  size_t i, it = 0;
  json_t *k;
  json_array_foreach(keys, i, k)
  {
    uint64_t u;
    ztk_dict_get_bin(&d, json_string_value(k), out, sizeof out);
    ztk_dict_get_u64(&d, json_string_value(k), &u);
  }
  ztk_dict_entry e;
  int rc;
  size_t guard = 0;
  while ((rc = ztk_dict_next(&d, &it, &e)) != 0 && guard++ < n + 1)
    if (rc == 1)
      ztk_dict_unescape(&e, out, sizeof out);
  assert_int_equal(rc, 0);
}

static void test_mutations(void **state)
{
  json_t *v = json_object_get(live, "controller_netconf_to_alice");
  size_t len;
  uint8_t *text = tv_hex(v, "dictionary_hex", &len);
  tv_mutate(text, len, read_all, json_object_get(v, "dictionary_keys_in_order"));
  free(text);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_generator_vector), cmocka_unit_test(test_live_vector),
      cmocka_unit_test(test_request_metadata), cmocka_unit_test(test_escapes_and_writes),
      cmocka_unit_test(test_integers),         cmocka_unit_test(test_booleans),
      cmocka_unit_test(test_lookup_rules),     cmocka_unit_test(test_capacity),
      cmocka_unit_test(test_misuse),           cmocka_unit_test(test_remove),
      cmocka_unit_test(test_mutations),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
