/* NETWORK_CREDENTIALS payloads: the live pushes between alice and bob decode, verify and
 * re-encode byte for byte; the controller's revocation push; legacy short forms; limits;
 * malformed input. */
#include "tests/support/netvec.h"

#include "core/network/credentials.h"

static json_t *live;
static ztk_identity ctl, alice, bob;

static int setup(void **state)
{
  live = tv_load("vectors/live_session.json");
  tv_live_public("ctl", &ctl);
  tv_live_public("alice", &alice);
  tv_live_public("bob", &bob);
  return 0;
}

static int teardown(void **state)
{
  json_decref(live);
  return 0;
}

/* Room for a few of everything (capabilities are large: static). */
static ztk_com coms[4];
static ztk_capability caps[2];
static ztk_tag tags[4];
static ztk_revocation revs[4];
static ztk_coo coos[4];

static ztk_creds room(void)
{
  ztk_creds c = {.coms = coms,
                 .com_cap = 4,
                 .caps = caps,
                 .cap_cap = 2,
                 .tags = tags,
                 .tag_cap = 4,
                 .revs = revs,
                 .rev_cap = 4,
                 .coos = coos,
                 .coo_cap = 4};
  return c;
}

/* c writes out to exactly want (len bytes). */
static void expect_written(const ztk_creds *c, const uint8_t *want, size_t len)
{
  uint8_t out[1024];
  ztk_wr w = ztk_wr_make(out, sizeof out);
  assert_int_equal(ztk_creds_write(&w, c), 0);
  assert_int_equal(w.len, len);
  assert_memory_equal(out, want, len);
}

static void test_live_pushes(void **state)
{
  json_t *tr = json_object_get(live, "transcript");
  size_t i;
  json_t *p;
  int seen = 0;
  json_array_foreach(tr, i, p)
  {
    const char *verb = json_string_value(json_object_get(p, "verb"));
    if (!verb || strcmp(verb, "NETWORK_CREDENTIALS") != 0)
      continue;
    const char *from = tv_str(p, "zt_src_name");
    const ztk_identity *sender = strcmp(from, "alice") == 0 ? &alice : &bob;
    size_t len;
    uint8_t *b = tv_hex(p, "payload", &len);
    ztk_creds c = room();
    assert_int_equal(ztk_creds_read(b, len, &c), 0);
    assert_int_equal(c.sections, 4);
    assert_int_equal(c.com_count, 1);
    assert_int_equal(c.cap_count + c.tag_count + c.rev_count, 0);
    assert_int_equal(c.coo_count, 1);
    assert_int_equal(ztk_com_verify(&coms[0], &ctl), 0);
    assert_true(ztk_com_issued_to(&coms[0]) == sender->address);
    assert_int_equal(ztk_coo_verify(&coos[0], &ctl), 0);
    assert_true(coos[0].issued_to == sender->address);
    expect_written(&c, b, len);
    free(b);
    seen++;
  }
  assert_int_equal(seen, 4);
}

static void test_revocation_push(void **state)
{
  json_t *cv = tv_load("vectors/credentials.json");
  json_t *rv = json_object_get(json_object_get(cv, "credentials"), "revocation");
  size_t rlen;
  uint8_t *rev = tv_hex(rv, "serialized", &rlen);
  uint8_t payload[512] = {0x00, 0, 0, 0, 0, 0, 1};
  memcpy(payload + 7, rev, rlen);
  const size_t len = 7 + rlen + 2; /* then a zero COO count */
  ztk_creds c = room();
  assert_int_equal(ztk_creds_read(payload, len, &c), 0);
  assert_int_equal(c.com_count, 0);
  assert_int_equal(c.rev_count, 1);
  assert_int_equal(revs[0].type, ZTK_CRED_COM);
  assert_true(revs[0].flags & ZTK_REVOCATION_FLAG_FAST_PROPAGATE);
  expect_written(&c, payload, len);
  free(rev);
  json_decref(cv);
}

static void test_short_forms(void **state)
{
  json_t *p = json_array_get(json_object_get(live, "transcript"), 154);
  size_t len;
  uint8_t *b = tv_hex(p, "payload", &len);
  ztk_creds c = room();
  /* COMs only, with and without the 0x00 */
  assert_int_equal(ztk_creds_read(b, 272, &c), 0);
  assert_int_equal(c.com_count, 1);
  assert_int_equal(c.sections, 0);
  assert_int_equal(ztk_creds_read(b, 273, &c), 0);
  assert_int_equal(c.sections, 0);
  /* ending after each counted section */
  for (unsigned s = 1; s <= 3; s++) {
    assert_int_equal(ztk_creds_read(b, 273 + 2 * s, &c), 0);
    assert_int_equal(c.sections, s);
    expect_written(&c, b, 273 + 2 * s);
  }
  /* an empty payload and a lone terminator */
  assert_int_equal(ztk_creds_read(b, 0, &c), 0);
  assert_int_equal(c.com_count + c.sections, 0);
  const uint8_t zero = 0;
  assert_int_equal(ztk_creds_read(&zero, 1, &c), 0);
  free(b);
}

static void test_limits(void **state)
{
  json_t *p = json_array_get(json_object_get(live, "transcript"), 154);
  size_t len;
  uint8_t *b = tv_hex(p, "payload", &len);
  ztk_creds c = room();
  c.coo_cap = 0; /* no room for the COO */
  assert_int_equal(ztk_creds_read(b, len, &c), ZTK_ELIMIT);
  c = room();
  c.com_cap = 0;
  assert_int_equal(ztk_creds_read(b, len, &c), ZTK_ELIMIT);
  /* 17 COMs exceed the ceiling whatever the room */
  static ztk_com many[20];
  static uint8_t big[20 * 272 + 1];
  for (int i = 0; i < 17; i++)
    memcpy(big + 272 * i, b, 272);
  c = room();
  c.coms = many;
  c.com_cap = 20;
  assert_int_equal(ztk_creds_read(big, 17 * 272 + 1, &c), ZTK_ELIMIT);
  big[16 * 272] = 0; /* 16 COMs, then the terminator */
  assert_int_equal(ztk_creds_read(big, 16 * 272 + 1, &c), 0);
  assert_int_equal(c.com_count, 16);
  c.com_count = 17;
  uint8_t out[64];
  ztk_wr w = ztk_wr_make(out, sizeof out);
  assert_int_equal(ztk_creds_write(&w, &c), ZTK_ELIMIT);
  c = room();
  c.sections = 5;
  assert_int_equal(ztk_creds_write(&w, &c), ZTK_ELIMIT);
  c.sections = 4;
  c.tag_count = ZTK_CREDS_MAX_PER_SECTION + 1;
  assert_int_equal(ztk_creds_write(&w, &c), ZTK_ELIMIT);
  c = room();
  c.coms = coms;
  c.com_count = 1;
  w = ztk_wr_make(out, sizeof out);
  assert_int_equal(ztk_creds_write(&w, &c), ZTK_ENOSPACE);
  /* a COM not starting with 1, a truncated section count */
  const uint8_t bad[] = {2, 0, 0};
  assert_int_equal(ztk_creds_read(bad, sizeof bad, &c), ZTK_EFORMAT);
  const uint8_t cut[] = {0, 0};
  assert_int_equal(ztk_creds_read(cut, sizeof cut, &c), ZTK_ETRUNC);
  free(b);
}

static void mutant(const uint8_t *p, size_t n, size_t pos, int kind, void *user)
{
  ztk_creds c = room();
  int rc = ztk_creds_read(p, n, &c);
  assert_true(rc <= 0);
  assert_true(c.com_count <= c.com_cap && c.coo_count <= c.coo_cap);
}

static void test_mutations(void **state)
{
  json_t *p = json_array_get(json_object_get(live, "transcript"), 170);
  size_t len;
  uint8_t *b = tv_hex(p, "payload", &len);
  tv_mutate(b, len, mutant, NULL);
  free(b);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_live_pushes), cmocka_unit_test(test_revocation_push),
      cmocka_unit_test(test_short_forms), cmocka_unit_test(test_limits),
      cmocka_unit_test(test_mutations),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
