/* Target: api/ (ztk_api_handle, the controller documents, rule JSON) over core/controller, with
 * config requests interleaved. A fresh controller (the rig's "ctl", an in-memory state store)
 * per input; the input is a sequence of records:
 *   op(1) path '\n' body '\0'      an HTTP call: op bits 0-1 method (GET POST PUT DELETE), bit 2
 *                                  PATCH instead, bits 3-4 authentication (header, query,
 *                                  bearer, wrong token); the path may carry "?query";
 *   0xff who(1)                    a NETWORK_CONFIG_REQUEST from one of four members for the
 *                                  first network (or vectornet's id), 2 s later.
 * Invariants: every response is JSON with an expected status (never 500); a stored network
 * document reads back unchanged with GET (a member's may differ: pushes can assign addresses
 * right after it is stored, as in 1.14.1); the database survives a restart. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/crypto/csprng.h"
#include "fuzz/netfuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_OBJECTS 256
#define MAX_CALLS 64
#define NWID 0x89419d3fcd7cda1full

typedef struct store {
  unsigned n;
  bool overflow;
  uint64_t id[MAX_OBJECTS][2];
  uint8_t *data[MAX_OBJECTS];
  size_t len[MAX_OBJECTS];
} store;

static store db;
static ztk_csprng rng;

static int find(const uint64_t id[2])
{
  for (unsigned i = 0; i < db.n; i++)
    if (db.id[i][0] == id[0] && db.id[i][1] == id[1])
      return (int)i;
  return -1;
}

static void st_put(void *ctx, const uint64_t id[2], const void *data, size_t len)
{
  (void)ctx;
  int i = find(id);
  if (!data) {
    if (i >= 0) {
      free(db.data[i]);
      db.n--;
      db.id[i][0] = db.id[db.n][0], db.id[i][1] = db.id[db.n][1];
      db.data[i] = db.data[db.n], db.len[i] = db.len[db.n];
    }
    return;
  }
  if (i < 0) {
    if (db.n >= MAX_OBJECTS) {
      db.overflow = true;
      return;
    }
    i = (int)db.n++;
    db.id[i][0] = id[0], db.id[i][1] = id[1], db.data[i] = NULL;
  }
  free(db.data[i]);
  db.data[i] = malloc(len);
  NF_CHECK(db.data[i] != NULL);
  memcpy(db.data[i], data, len);
  db.len[i] = len;
}

static long st_get(void *ctx, const uint64_t id[2], void *buf, size_t cap)
{
  (void)ctx;
  int i = find(id);
  if (i < 0 || db.len[i] > cap)
    return -1;
  memcpy(buf, db.data[i], db.len[i]);
  return (long)db.len[i];
}

static void on_config(void *c, int64_t t, ztk_address m, uint64_t r, const ztk_netconf *nc)
{
  (void)c, (void)t, (void)r;
  NF_CHECK(nc->issued_to == m && nc->com.count == 7);
}
static void on_error(void *c, int64_t t, ztk_address m, uint64_t r, uint64_t nwid, int code)
{
  (void)c, (void)t, (void)m, (void)r, (void)nwid, (void)code;
}
static void on_revocation(void *c, int64_t t, ztk_address to, const ztk_revocation *rev)
{
  (void)c, (void)t, (void)to;
  NF_CHECK(rev->type == ZTK_CRED_COM);
}
static void on_random(void *c, void *buf, size_t len)
{
  (void)c;
  ztk_csprng_bytes(&rng, buf, len);
}

static const ztk_ctl_io IO = {NULL, on_config, on_error, on_revocation, st_put, st_get, on_random};

static ztk_api_response do_call(const ztk_api *api, int64_t now, const char *method,
                                const char *path, const char *body, size_t blen, unsigned auth)
{
  const char *q = strchr(path, '?');
  char p[512];
  snprintf(p, sizeof p, "%.*s", q ? (int)(q - path) : (int)strlen(path), path);
  ztk_api_request rq = {method, p, q ? q + 1 : NULL, NULL, NULL, body, blen};
  if (auth == 0)
    rq.x_zt1_auth = "tok";
  else if (auth == 1)
    rq.query = "auth=tok";
  else if (auth == 2)
    rq.authorization = "Bearer tok";
  else
    rq.x_zt1_auth = "nope";
  ztk_api_response resp;
  NF_CHECK(ztk_api_handle(api, now, &rq, &resp) == 0 && resp.body);
  static const int ok[] = {200, 400, 401, 404, 405, 413, 503};
  bool known = false;
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
    known |= resp.status == ok[i];
  NF_CHECK(known);
  json_t *doc = json_loads(resp.body, JSON_DECODE_ANY, NULL);
  NF_CHECK(doc != NULL);
  json_decref(doc);
  return resp;
}

/* A stored network document reads back unchanged. */
static void check_read_back(const ztk_api *api, int64_t now, const char *path, const char *body)
{
  json_t *doc = json_loads(body, 0, NULL);
  const char *id = json_string_value(json_object_get(doc, "id"));
  const char *nwid = json_string_value(json_object_get(doc, "nwid"));
  char p[128];
  if (!id || !nwid || strlen(id) != 16)
    goto out;
  snprintf(p, sizeof p, "/controller/network/%s", id);
  ztk_api_response r = do_call(api, now, "GET", p, NULL, 0, 0);
  json_t *again = json_loads(r.body, 0, NULL);
  NF_CHECK(r.status == 200 && json_equal(doc, again));
  json_decref(again);
  ztk_api_response_free(&r);
out:
  json_decref(doc);
}

static size_t http_record(const ztk_api *api, int64_t now, const uint8_t *p, size_t n)
{
  static const char *const methods[] = {"GET", "POST", "PUT", "DELETE"};
  uint8_t op = p[0];
  const uint8_t *nl = memchr(p + 1, '\n', n - 1);
  size_t plen = nl ? (size_t)(nl - p - 1) : n - 1;
  char path[512];
  snprintf(path, sizeof path, "%.*s", (int)(plen < 500 ? plen : 500), (const char *)p + 1);
  size_t used = 1 + plen + (nl ? 1 : 0);
  const uint8_t *body = p + used, *end = memchr(body, 0, n - used);
  size_t blen = end ? (size_t)(end - body) : n - used;
  used += blen + (end ? 1 : 0);
  const char *method = op & 4 ? "PATCH" : methods[op & 3];
  ztk_api_response r = do_call(api, now, method, path, (const char *)body, blen, (op >> 3) & 3);
  if (r.status == 200 && (!strcmp(method, "POST") || !strcmp(method, "PUT")))
    check_read_back(api, now, path, r.body);
  ztk_api_response_free(&r);
  return used;
}

static void request(ztk_ctl *c, int64_t now, uint8_t who)
{
  static const ztk_address members[] = {0xefe8197bb7ull, 0x2fe15dea2dull, 0x0100000001ull,
                                        0x89419d3fcdull};
  ztk_identity id = *nf_alice();
  id.address = members[who & 3];
  uint64_t nwid = NWID;
  ztk_ctl_network_list(c, &nwid, 1);
  char meta[ZTK_DICT_METADATA_CAP];
  ztk_dict d;
  ztk_dict_init(&d, meta, sizeof meta);
  ztk_dict_add_u64(&d, "revr", who >> 2 & 1);
  ztk_dict_add_u64(&d, "majv", 1);
  ztk_ctl_request(c, now, nwid, &id, &d, 1 + who);
}

/* The database survives a restart: the same networks and members. */
static void check_restart(ztk_ctl *c, int64_t now)
{
  ztk_ctl *c2;
  NF_CHECK(ztk_ctl_new(&c2, nf_ctl(), &IO, now) == 0);
  ztk_ctl_load_report rep;
  ztk_ctl_load_report_get(c2, &rep);
  NF_CHECK(rep.refused == 0);
  uint64_t a[ZTK_CTL_MAX_NETWORKS], b[ZTK_CTL_MAX_NETWORKS];
  unsigned n = ztk_ctl_network_list(c, a, ZTK_CTL_MAX_NETWORKS);
  NF_CHECK(ztk_ctl_network_list(c2, b, ZTK_CTL_MAX_NETWORKS) == n);
  NF_CHECK(memcmp(a, b, n * sizeof a[0]) == 0);
  for (unsigned i = 0; i < n; i++) {
    ztk_ctl_network x, y;
    memset(&x, 0, sizeof x);
    memset(&y, 0, sizeof y);
    NF_CHECK(!ztk_ctl_network_get(c, a[i], &x) && !ztk_ctl_network_get(c2, a[i], &y));
    NF_CHECK(ztk_ctl_network_same(&x, &y) && x.revision == y.revision);
    ztk_ctl_network_free(&x);
    ztk_ctl_network_free(&y);
    NF_CHECK(ztk_ctl_member_list(c, a[i], NULL, 0) == ztk_ctl_member_list(c2, a[i], NULL, 0));
  }
  ztk_ctl_free(c2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  uint8_t seed[32] = {7};
  ztk_csprng_seed(&rng, seed);
  memset(&db, 0, sizeof db);
  ztk_ctl *c;
  int64_t now = 1795314236798ll;
  NF_CHECK(ztk_ctl_new(&c, nf_ctl(), &IO, now) == 0);
  ztk_api api = {c, "tok", NULL};
  size_t off = 0;
  for (int calls = 0; off < size && calls < MAX_CALLS; calls++) {
    if (data[off] == 0xff) {
      if (off + 1 < size)
        request(c, now += 2000, data[off + 1]);
      off += 2;
    } else {
      off += http_record(&api, now += 10, data + off, size - off);
    }
  }
  if (!db.overflow)
    check_restart(c, now);
  ztk_ctl_free(c);
  for (unsigned i = 0; i < db.n; i++)
    free(db.data[i]);
  return 0;
}
