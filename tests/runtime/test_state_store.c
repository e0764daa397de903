/* State stores: the home-directory store (ZeroTierOne layout, atomic writes, modes, checks of
 * user-placed identity and planet files) and the in-memory store. */
#include "tests/support/vectors.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/state_dir.h"
#include "runtime/state_mem.h"
#include "tests/support/testnet.h"
#include "tests/support/tmpdir.h"

static char home[256];

static int make_home(void **state)
{
  td_make(home, sizeof home, "ztk-state");
  return 0;
}

static int remove_home(void **state)
{
  td_remove(home);
  return 0;
}

static void path_of(char *out, size_t cap, const char *rel) { td_path(out, cap, home, rel); }

static void write_rel(const char *rel, const void *data, size_t len)
{
  td_write(home, rel, data, len);
}

static mode_t mode_of(const char *rel)
{
  mode_t m = 0;
  assert_true(td_exists(home, rel, &m));
  return m;
}

static bool exists(const char *rel) { return td_exists(home, rel, NULL); }

static const uint64_t zero[2] = {0, 0};

/* ---- both stores: the contract ---- */

static void check_contract(ztk_state_store *s)
{
  uint8_t buf[64];
  uint64_t ids[8];
  const uint64_t peer_b[2] = {0xbbbbbbbbbbull, 0}, peer_a[2] = {0x0aaaaaaaaaull, 0};
  assert_int_equal(ztk_state_store_get(s, ZTK_STATE_PEER, peer_a, buf, sizeof buf), ZTK_ENOTFOUND);
  assert_int_equal(ztk_state_store_put(s, ZTK_STATE_PEER, peer_b, "bravo", 5), 0);
  assert_int_equal(ztk_state_store_put(s, ZTK_STATE_PEER, peer_a, "alpha!", 6), 0);
  assert_int_equal(ztk_state_store_get(s, ZTK_STATE_PEER, peer_a, buf, sizeof buf), 6);
  assert_memory_equal(buf, "alpha!", 6);
  assert_int_equal(ztk_state_store_get(s, ZTK_STATE_PEER, peer_a, buf, 5), ZTK_ENOSPACE);
  /* replace, list in order, delete */
  assert_int_equal(ztk_state_store_put(s, ZTK_STATE_PEER, peer_b, "BRAVO2", 6), 0);
  assert_int_equal(ztk_state_store_get(s, ZTK_STATE_PEER, peer_b, buf, sizeof buf), 6);
  assert_memory_equal(buf, "BRAVO2", 6);
  assert_int_equal(ztk_state_store_list(s, ZTK_STATE_PEER, ids, 8), 2);
  assert_true(ids[0] == peer_a[0] && ids[1] == peer_b[0]);
  assert_int_equal(ztk_state_store_list(s, ZTK_STATE_PEER, ids, 1), 2); /* count beyond max */
  assert_int_equal(ztk_state_store_list(s, ZTK_STATE_MOON, ids, 8), 0);
  assert_int_equal(ztk_state_store_put(s, ZTK_STATE_PEER, peer_a, NULL, 0), 0);
  assert_int_equal(ztk_state_store_put(s, ZTK_STATE_PEER, peer_a, NULL, 0), 0); /* twice: fine */
  assert_int_equal(ztk_state_store_get(s, ZTK_STATE_PEER, peer_a, buf, sizeof buf), ZTK_ENOTFOUND);
  assert_int_equal(ztk_state_store_list(s, ZTK_STATE_PEER, ids, 8), 1);
  /* controller records: network and member documents of one network list once */
  const uint64_t net[2] = {0x1122334455000001ull, 0}, mem[2] = {0x1122334455000001ull, 0xabcdef0123ull};
  assert_int_equal(ztk_state_store_put(s, ZTK_STATE_CONTROLLER, net, "{}", 2), 0);
  assert_int_equal(ztk_state_store_put(s, ZTK_STATE_CONTROLLER, mem, "{\"m\":1}", 7), 0);
  assert_int_equal(ztk_state_store_get(s, ZTK_STATE_CONTROLLER, mem, buf, sizeof buf), 7);
  assert_int_equal(ztk_state_store_list(s, ZTK_STATE_CONTROLLER, ids, 8), 1);
  assert_true(ids[0] == net[0]);
  /* bad arguments */
  assert_int_equal(ztk_state_store_put(s, (ztk_state_type)99, zero, "x", 1), ZTK_EINVAL);
  assert_int_equal(ztk_state_store_put(s, ZTK_STATE_PEER, peer_a, NULL, 3), ZTK_EINVAL);
}

static void test_mem_contract(void **state)
{
  ztk_state_store *s;
  size_t objects, bytes;
  assert_int_equal(ztk_state_mem_new(NULL), ZTK_EINVAL);
  assert_int_equal(ztk_state_mem_new(&s), 0);
  assert_string_equal(s->kind, "mem");
  check_contract(s);
  assert_int_equal(ztk_state_mem_usage(s, &objects, &bytes), 0);
  assert_int_equal(objects, 3);
  assert_int_equal(bytes, 6 + 2 + 7);
  ztk_state_store_free(s);
}

static void test_dir_contract(void **state)
{
  ztk_state_store *s;
  char err[320];
  assert_int_equal(ztk_state_dir_open(home, &s, err, sizeof err), 0);
  assert_string_equal(s->kind, "dir");
  assert_string_equal(ztk_state_dir_home(s), home);
  check_contract(s);
  assert_true(exists("peers.d/bbbbbbbbbb.peer"));
  assert_false(exists("peers.d/0aaaaaaaaa.peer"));
  assert_true(exists("controller.d/network/1122334455000001.ztkc"));
  assert_true(exists("controller.d/network/1122334455000001/member/abcdef0123.ztkc"));
  assert_int_equal(mode_of("controller.d/network/1122334455000001.ztkc"), 0600);
  assert_int_equal(mode_of("peers.d/bbbbbbbbbb.peer"), 0644);
  ztk_state_store_free(s);
}

/* ---- the directory layout of zerotier-one ---- */

static void test_dir_layout_and_modes(void **state)
{
  ztk_state_store *s;
  char p[PATH_MAX];
  const uint64_t moon[2] = {0x000000b1be945578ull, 0}, nw[2] = {0x8056c2e21c000001ull, 0};
  assert_int_equal(ztk_state_dir_open(home, &s, NULL, 0), 0);
  assert_int_equal(ztk_state_store_put(s, ZTK_STATE_IDENTITY_SECRET, zero, "secret", 6), 0);
  assert_int_equal(ztk_state_store_put(s, ZTK_STATE_IDENTITY_PUBLIC, zero, "public", 6), 0);
  assert_int_equal(ztk_state_store_put(s, ZTK_STATE_PLANET, zero, "planet", 6), 0);
  assert_int_equal(ztk_state_store_put(s, ZTK_STATE_MOON, moon, "moon", 4), 0);
  assert_int_equal(ztk_state_store_put(s, ZTK_STATE_NETWORK_CONFIG, nw, "conf", 4), 0);
  assert_int_equal(mode_of("identity.secret"), 0600);
  assert_int_equal(mode_of("identity.public"), 0644);
  assert_int_equal(mode_of("planet"), 0644);
  assert_true(exists("moons.d/000000b1be945578.moon"));
  assert_true(exists("networks.d/8056c2e21c000001.conf"));
  /* the node's joined list, the host's network settings, the controller's indexes */
  const uint64_t ctl_list[2] = {0, 0}, members[2] = {nw[0], UINT64_MAX}, member[2] = {nw[0], 0x1234};
  assert_int_equal(ztk_state_store_put(s, ZTK_STATE_NETWORK_CONFIG, zero, "list", 4), 0);
  assert_int_equal(ztk_state_store_put(s, ZTK_STATE_NETWORK_SETTINGS, nw, "allowDNS=0\n", 11), 0);
  assert_int_equal(ztk_state_store_put(s, ZTK_STATE_CONTROLLER, ctl_list, "n", 1), 0);
  assert_int_equal(ztk_state_store_put(s, ZTK_STATE_CONTROLLER, members, "m", 1), 0);
  assert_int_equal(ztk_state_store_put(s, ZTK_STATE_CONTROLLER, member, "x", 1), 0);
  assert_true(exists("networks.d/joined.list"));
  assert_true(exists("networks.d/8056c2e21c000001.local.conf"));
  assert_true(exists("controller.d/networks.ztkc"));
  assert_true(exists("controller.d/network/8056c2e21c000001/members.ztkc"));
  assert_true(exists("controller.d/network/8056c2e21c000001/member/0000001234.ztkc"));
  uint64_t listed[4];
  assert_int_equal(ztk_state_store_list(s, ZTK_STATE_NETWORK_CONFIG, listed, 4), 1);
  assert_true(listed[0] == nw[0]); /* neither the joined list nor the settings */
  assert_int_equal(ztk_state_store_list(s, ZTK_STATE_NETWORK_SETTINGS, listed, 4), 1);
  assert_true(listed[0] == nw[0]);
  /* deleting a network's last records removes its emptied directories */
  assert_int_equal(ztk_state_store_put(s, ZTK_STATE_CONTROLLER, member, NULL, 0), 0);
  assert_false(exists("controller.d/network/8056c2e21c000001/member"));
  assert_true(exists("controller.d/network/8056c2e21c000001/members.ztkc"));
  assert_int_equal(ztk_state_store_put(s, ZTK_STATE_CONTROLLER, members, NULL, 0), 0);
  assert_false(exists("controller.d/network/8056c2e21c000001"));
  assert_true(exists("controller.d/networks.ztkc"));
  assert_int_equal(ztk_state_dir_path(s, ZTK_STATE_MOON, moon, p, sizeof p), 0);
  assert_true(strstr(p, "/moons.d/000000b1be945578.moon") != NULL);
  assert_int_equal(ztk_state_dir_path(s, ZTK_STATE_MOON, moon, p, 8), ZTK_ENOSPACE);
  uint64_t ids[4];
  assert_int_equal(ztk_state_store_list(s, ZTK_STATE_IDENTITY_SECRET, ids, 4), 1);
  assert_int_equal(ztk_state_store_list(s, ZTK_STATE_MOON, ids, 4), 1);
  assert_true(ids[0] == moon[0]);
  /* No temporary files are left behind by the atomic writes. */
  path_of(p, sizeof p, "");
  DIR *d = opendir(p);
  struct dirent *e;
  while ((e = readdir(d)))
    assert_null(strstr(e->d_name, ".tmp"));
  closedir(d);
  ztk_state_store_free(s);
}

static void test_dir_skips_unchanged_writes(void **state)
{
  ztk_state_store *s;
  char p[PATH_MAX];
  struct stat a, b;
  const uint64_t peer[2] = {0x1234567890ull, 0};
  assert_int_equal(ztk_state_dir_open(home, &s, NULL, 0), 0);
  assert_int_equal(ztk_state_store_put(s, ZTK_STATE_PEER, peer, "same", 4), 0);
  path_of(p, sizeof p, "peers.d/1234567890.peer");
  assert_int_equal(stat(p, &a), 0);
  assert_int_equal(ztk_state_store_put(s, ZTK_STATE_PEER, peer, "same", 4), 0);
  assert_int_equal(stat(p, &b), 0);
  assert_int_equal(a.st_ino, b.st_ino); /* an atomic rewrite would have a new inode */
  assert_int_equal(ztk_state_store_put(s, ZTK_STATE_PEER, peer, "diff", 4), 0);
  assert_int_equal(stat(p, &b), 0);
  assert_true(a.st_ino != b.st_ino);
  ztk_state_store_free(s);
}

/* ---- what users put in the home ---- */

static void test_dir_accepts_valid_identity_and_planet(void **state)
{
  ztk_identity id;
  char text[ZTK_IDENTITY_STRBUF], pub[ZTK_IDENTITY_STRBUF];
  uint8_t buf[ZTK_IDENTITY_STRBUF];
  ztk_state_store *s;
  size_t len;
  tn_identity(0, &id);
  int n = ztk_identity_to_string(&id, true, text, sizeof text);
  strcat(text, "\n"); /* zerotier-idtool files may end with a newline */
  write_rel("identity.secret", text, (size_t)n + 1);
  char p[PATH_MAX];
  path_of(p, sizeof p, "identity.secret");
  chmod(p, 0644);
  uint8_t *planet = tv_read_file("captures/planet", &len);
  write_rel("planet", planet, len);
  free(planet);
  assert_int_equal(ztk_state_dir_open(home, &s, NULL, 0), 0);
  assert_int_equal(mode_of("identity.secret"), 0600); /* tightened */
  /* identity.public was missing: written from the secret. */
  long got = ztk_state_store_get(s, ZTK_STATE_IDENTITY_PUBLIC, zero, buf, sizeof buf);
  int publen = ztk_identity_to_string(&id, false, pub, sizeof pub);
  assert_int_equal(got, publen);
  assert_memory_equal(buf, pub, (size_t)publen);
  ztk_state_store_free(s);
}

static void expect_open_error(int want, const char *needle)
{
  ztk_state_store *s = (ztk_state_store *)1;
  char err[320];
  int rc = ztk_state_dir_open(home, &s, err, sizeof err);
  if (want)
    assert_int_equal(rc, want);
  else
    assert_true(rc < 0);
  assert_null(s);
  if (!strstr(err, needle))
    fail_msg("error '%s' does not mention '%s'", err, needle);
}

static void test_dir_refuses_bad_identity(void **state)
{
  ztk_identity id;
  char text[ZTK_IDENTITY_STRBUF];
  write_rel("identity.secret", "not an identity", 15);
  expect_open_error(0, "identity.secret is not a valid identity");
  /* a public identity where the secret one belongs */
  tn_identity(1, &id);
  int n = ztk_identity_to_string(&id, false, text, sizeof text);
  write_rel("identity.secret", text, (size_t)n);
  expect_open_error(ZTK_EID_NOSECRET, "holds no private key");
  /* a secret identity whose address does not match its keys (proof of work) */
  n = ztk_identity_to_string(&id, true, text, sizeof text);
  text[0] = text[0] == '1' ? '2' : '1';
  write_rel("identity.secret", text, (size_t)n);
  expect_open_error(0, "identity.secret");
  /* unreadable: a directory where the file should be */
  char p[PATH_MAX];
  path_of(p, sizeof p, "identity.secret");
  unlink(p);
  assert_int_equal(mkdir(p, 0700), 0);
  expect_open_error(ZTK_EIO, "cannot read");
  rmdir(p);
  /* far too large */
  uint8_t big[5000];
  memset(big, 'a', sizeof big);
  write_rel("identity.secret", big, sizeof big);
  expect_open_error(ZTK_ERANGE, "too large");
}

static void test_dir_refuses_bad_planet(void **state)
{
  size_t len;
  write_rel("planet", "\x01garbage", 8);
  expect_open_error(0, "planet is not a valid planet file");
  json_t *v = tv_load("vectors/worlds.json");
  uint8_t *moon = tv_hex(json_object_get(json_object_get(v, "worlds"), "moon"), "serialized", &len);
  write_rel("planet", moon, len);
  free(moon);
  json_decref(v);
  expect_open_error(ZTK_EWORLD_TYPE, "is not a planet");
}

static void test_dir_bad_home(void **state)
{
  ztk_state_store *s;
  char err[320], p[PATH_MAX];
  assert_int_equal(ztk_state_dir_open(NULL, &s, err, sizeof err), ZTK_EINVAL);
  assert_int_equal(ztk_state_dir_open("", &s, err, sizeof err), ZTK_EINVAL);
  assert_int_equal(ztk_state_dir_open(home, NULL, err, sizeof err), ZTK_EINVAL);
  write_rel("file", "x", 1);
  path_of(p, sizeof p, "file/sub");
  assert_int_equal(ztk_state_dir_open(p, &s, err, sizeof err), ZTK_EIO);
  assert_non_null(strstr(err, "cannot create home directory"));
  /* missing parents are created */
  path_of(p, sizeof p, "a/b/c");
  assert_int_equal(ztk_state_dir_open(p, &s, err, sizeof err), 0);
  ztk_state_store_free(s);
  assert_true(exists("a/b/c"));
}

static void test_dir_read_problems_are_reported(void **state)
{
  ztk_state_store *s;
  char p[PATH_MAX];
  uint8_t buf[16];
  const uint64_t peer[2] = {0x1111111111ull, 0};
  assert_int_equal(ztk_state_dir_open(home, &s, NULL, 0), 0);
  /* a directory in place of a peer file: unreadable, reported, no crash */
  path_of(p, sizeof p, "peers.d");
  mkdir(p, 0700);
  path_of(p, sizeof p, "peers.d/1111111111.peer");
  assert_int_equal(mkdir(p, 0700), 0);
  assert_int_equal(ztk_state_store_get(s, ZTK_STATE_PEER, peer, buf, sizeof buf), ZTK_EIO);
  assert_true(s->failures > 0);
  assert_non_null(strstr(s->problem, "1111111111.peer"));
  assert_int_equal(ztk_state_store_put(s, ZTK_STATE_PEER, peer, "x", 1), ZTK_EIO);
  assert_non_null(strstr(s->problem, "cannot write"));
  ztk_state_store_free(s);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_mem_contract),
    cmocka_unit_test_setup_teardown(test_dir_contract, make_home, remove_home),
    cmocka_unit_test_setup_teardown(test_dir_layout_and_modes, make_home, remove_home),
    cmocka_unit_test_setup_teardown(test_dir_skips_unchanged_writes, make_home, remove_home),
    cmocka_unit_test_setup_teardown(test_dir_accepts_valid_identity_and_planet, make_home, remove_home),
    cmocka_unit_test_setup_teardown(test_dir_refuses_bad_identity, make_home, remove_home),
    cmocka_unit_test_setup_teardown(test_dir_refuses_bad_planet, make_home, remove_home),
    cmocka_unit_test_setup_teardown(test_dir_bad_home, make_home, remove_home),
    cmocka_unit_test_setup_teardown(test_dir_read_problems_are_reported, make_home, remove_home),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
