/* ztk-idtool: zerotier-idtool's verbs with its output formats, over ztkit's core.
 *
 *   generate [<identity.secret>] [<identity.public>] [<vanity>]
 *   validate <identity.secret/public>
 *   getpublic <identity.secret>
 *   sign <identity.secret> <file>
 *   verify <identity.secret/public> <file> <signature>
 *   initmoon <identity.public of first seed>
 *   genmoon <moon json>
 *   mkplanet <planet json> [<output file>]      (ztkit addition)
 *   printworld <world file> [<previous world>]  (ztkit addition)
 *
 * As in zerotier-idtool, an identity argument is either an identity string or a file holding
 * one, and generate/getpublic/sign print without a trailing newline. World documents are
 * described in docs/worlds.md. */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "api/world_json.h"
#include "core/util/hex.h"
#include "core/world/world.h"
#include "runtime/files.h"
#include "ztkit/error.h"
#include "ztkit/identity.h"

#define JSON_MAX_BYTES (1u << 20)
#define WORLD_FILE_MAX_BYTES (1u << 16)

static void usage(FILE *out, const char *prog)
{
  fprintf(out,
          "ztk-idtool: ZeroTier identity tool (zerotier-idtool compatible)\n"
          "Usage: %s <command> [<args>]\n\n"
          "Commands:\n"
          "  generate [<identity.secret>] [<identity.public>] [<vanity>]\n"
          "  validate <identity.secret/public>\n"
          "  getpublic <identity.secret>\n"
          "  sign <identity.secret> <file>\n"
          "  verify <identity.secret/public> <file> <signature>\n"
          "  initmoon <identity.public of first seed>\n"
          "  genmoon <moon json>\n"
          "  mkplanet <planet json> [<output file, default: planet>]\n"
          "  printworld <planet or moon file> [<previous version of it>]\n"
          "  help\n\n"
          "initmoon prints a moon document for genmoon, which writes 000000<id>.moon (the\n"
          "document may add \"timestamp\": <ms>; otherwise the clock is used).\n\n"
          "mkplanet document (a planet file zerotier-one loads from its home directory):\n"
          "  {\"id\": 305419896 or \"12345678\" (hex), \"timestamp\": <ms, default now>,\n"
          "   \"roots\": [{\"identity\": \"<address>:0:<public>\",\n"
          "              \"stableEndpoints\": [\"10.0.0.1/9993\", \"fd00::1/9993\"]}],\n"
          "   \"signingKey\": <key>, \"previousSigningKey\": <key, optional>}\n"
          "  <key> is an identity secret string, a file holding one or a 128-byte pub||secret\n"
          "  key file (relative to the document), or 128 hex digits with \"<name>_SECRET\" beside\n"
          "  it. The planet carries signingKey's public half as its update key and is signed\n"
          "  by previousSigningKey (a signed update of an earlier planet) or else by signingKey.\n"
          "  Roots and endpoints keep their order; up to 4 roots of 32 endpoints.\n\n"
          "printworld decodes a planet or moon file as JSON; given the previous version, it\n"
          "also says whether a node holding that one accepts this one as an update.\n",
          prog);
}

static void sodium_random(void *user, void *buf, size_t len)
{
  (void)user;
  randombytes_buf(buf, len);
}

/* Loads an identity from a string argument or from the file it names. Prints the reason and
 * returns a negative code on failure. */
static int id_from_arg(const char *arg, ztk_identity *id)
{
  int rc;
  if (strlen(arg) > 32 && arg[10] == ':') {
    rc = ztk_identity_from_string(id, arg);
  } else {
    char *text = NULL;
    rc = ztk_read_text_file(arg, &text, 4096);
    if (rc == 0) {
      rc = ztk_identity_from_string(id, text);
      free(text);
    }
  }
  if (rc)
    fprintf(stderr, "Identity argument invalid or file unreadable: %s (%s)\n", arg,
            ztk_strerror(rc));
  return rc;
}

static int cmd_generate(int argc, char **argv)
{
  uint64_t vanity = 0;
  unsigned bits = 0;
  ztk_identity id;
  char buf[ZTK_IDENTITY_STRBUF];
  if (argc >= 5) {
    size_t n = strlen(argv[4]);
    if (n == 0 || n > 10 || ztk_hex_u64(argv[4], n, &vanity)) {
      fprintf(stderr, "vanity prefix must be 1 to 10 hex digits: %s\n", argv[4]);
      return 1;
    }
    bits = (unsigned)(4 * n);
    vanity <<= 40 - bits;
  }
  for (;;) {
    if (ztk_identity_generate(&id, sodium_random, NULL)) {
      fprintf(stderr, "out of memory\n");
      return 1;
    }
    if (bits == 0 || (id.address >> (40 - bits)) == (vanity >> (40 - bits)))
      break;
    fprintf(stderr, "vanity address: tried %.10llx looking for first %u bits of %.10llx\n",
            (unsigned long long)id.address, bits, (unsigned long long)vanity);
  }
  if (bits)
    fprintf(stderr, "vanity address: found %.10llx !\n", (unsigned long long)id.address);
  ztk_identity_to_string(&id, true, buf, sizeof buf);
  if (argc < 3) {
    printf("%s", buf);
    return 0;
  }
  if (ztk_write_file_atomic(argv[2], buf, strlen(buf), 0600)) {
    fprintf(stderr, "Error writing to %s\n", argv[2]);
    return 1;
  }
  printf("%s written\n", argv[2]);
  if (argc >= 4) {
    ztk_identity_to_string(&id, false, buf, sizeof buf);
    if (ztk_write_file_atomic(argv[3], buf, strlen(buf), 0644)) {
      fprintf(stderr, "Error writing to %s\n", argv[3]);
      return 1;
    }
    printf("%s written\n", argv[3]);
  }
  return 0;
}

static int cmd_validate(const char *arg)
{
  ztk_identity id;
  if (id_from_arg(arg, &id))
    return 1;
  int rc = ztk_identity_validate(&id);
  if (rc) {
    fprintf(stderr, "%s FAILED validation. (%s)\n", arg, ztk_strerror(rc));
    return 1;
  }
  printf("%s is a valid identity\n", arg);
  return 0;
}

static int cmd_getpublic(const char *arg)
{
  ztk_identity id;
  char buf[ZTK_IDENTITY_STRBUF];
  if (id_from_arg(arg, &id))
    return 1;
  ztk_identity_to_string(&id, false, buf, sizeof buf);
  printf("%s", buf);
  return 0;
}

static int cmd_sign(const char *idarg, const char *file)
{
  ztk_identity id;
  uint8_t sig[96];
  char hex[2 * sizeof sig + 1];
  size_t len = 0;
  uint8_t *data = NULL;
  if (id_from_arg(idarg, &id))
    return 1;
  if (!id.has_private) {
    fprintf(stderr, "%s does not contain a private key (must use private to sign)\n", idarg);
    return 1;
  }
  if (ztk_read_file(file, &data, &len, 1u << 30)) {
    fprintf(stderr, "%s is not readable\n", file);
    return 1;
  }
  ztk_identity_sign(&id, data, len, sig);
  free(data);
  ztk_hex_encode(hex, sig, sizeof sig);
  printf("%s", hex);
  return 0;
}

static int cmd_verify(const char *idarg, const char *file, const char *sighex)
{
  ztk_identity id;
  uint8_t sig[96];
  size_t len = 0;
  uint8_t *data = NULL;
  if (id_from_arg(idarg, &id))
    return 1;
  if (ztk_hex_decode(sig, sizeof sig, sighex, strlen(sighex))) {
    fprintf(stderr, "invalid signature: not 192 hex digits\n");
    return 1;
  }
  if (ztk_read_file(file, &data, &len, 1u << 30)) {
    fprintf(stderr, "%s is not readable\n", file);
    return 1;
  }
  int rc = ztk_identity_verify(&id, data, len, sig, sizeof sig);
  free(data);
  if (rc) {
    fprintf(stderr, "%s signature check FAILED\n", file);
    return 1;
  }
  printf("%s signature valid\n", file);
  return 0;
}

static uint64_t now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Loads a JSON document; prints the reason and returns NULL on failure. */
static json_t *load_json(const char *path)
{
  char *text = NULL;
  json_error_t e;
  if (ztk_read_text_file(path, &text, JSON_MAX_BYTES)) {
    fprintf(stderr, "cannot read %s\n", path);
    return NULL;
  }
  json_t *doc = json_loads(text, 0, &e);
  free(text);
  if (!doc)
    fprintf(stderr, "%s: line %d: %s\n", path, e.line, e.text);
  return doc;
}

static int write_world(const char *path, const ztk_world *w, size_t *len)
{
  uint8_t buf[ZTK_WORLD_MAX_LEN];
  ztk_wr wr = ztk_wr_make(buf, sizeof buf);
  if (ztk_world_write(&wr, w) || ztk_write_file_atomic(path, buf, wr.len, 0644)) {
    fprintf(stderr, "Error writing to %s\n", path);
    return 1;
  }
  *len = wr.len;
  return 0;
}

/* Prints doc (NULL: out of memory) as zerotier-idtool does and releases it. Returns the exit
 * status. */
static int print_json(json_t *doc)
{
  char *text = doc ? ztk_world_json_dump(doc) : NULL;
  json_decref(doc);
  if (!text) {
    fprintf(stderr, "out of memory\n");
    return 1;
  }
  printf("%s", text);
  free(text);
  return 0;
}

static int cmd_initmoon(const char *arg)
{
  ztk_identity seed;
  uint8_t pub[ZTK_WORLD_KEY_LEN], priv[ZTK_WORLD_KEY_LEN];
  if (id_from_arg(arg, &seed))
    return 1;
  randombytes_buf(priv, sizeof priv);
  ztk_world_key_public(pub, priv);
  json_t *doc = ztk_world_json_moon_template(&seed, pub, priv);
  sodium_memzero(priv, sizeof priv);
  return print_json(doc);
}

/* Checks that a key pair's public half belongs to its secret half. */
static int check_pair(const ztk_identity *k, const char *what)
{
  uint8_t pub[ZTK_WORLD_KEY_LEN];
  ztk_world_key_public(pub, k->priv);
  if (memcmp(pub, k->pub, sizeof pub) == 0)
    return 0;
  fprintf(stderr, "%s: public and secret halves do not belong together\n", what);
  return ZTK_EINVAL;
}

static int cmd_genmoon(const char *path)
{
  ztk_world w;
  ztk_identity signer;
  ztk_json_why why = {""};
  ztk_world_json_opts opts = {0, now_ms(), true, 0};
  json_t *doc = load_json(path);
  if (!doc)
    return 1;
  memset(&signer, 0, sizeof signer);
  signer.has_private = true;
  int rc = ztk_world_from_json(&w, doc, &opts, &why);
  if (!rc)
    rc = ztk_world_json_key(doc, "updatesMustBeSignedBy", w.update_key, &why);
  if (!rc)
    rc = ztk_world_json_key(doc, "signingKey", signer.pub, &why);
  if (!rc)
    rc = ztk_world_json_key(doc, "signingKey_SECRET", signer.priv, &why);
  json_decref(doc);
  if (rc) {
    fprintf(stderr, "%s: %s\n", path, why.text);
    return 1;
  }
  if (check_pair(&signer, "signingKey") || ztk_world_sign(&w, &signer))
    return 1;
  sodium_memzero(&signer, sizeof signer);
  char name[32];
  size_t len;
  snprintf(name, sizeof name, "%.16llx.moon", (unsigned long long)w.id);
  if (write_world(name, &w, &len))
    return 1;
  printf("wrote %s (signed world with timestamp %llu)\n", name, (unsigned long long)w.timestamp);
  return 0;
}

/* Reads a key pair from a file: 128 bytes pub||secret, or an identity secret string. */
static int signer_from_file(const char *path, ztk_identity *k)
{
  uint8_t *data = NULL;
  size_t len = 0;
  int rc = ztk_read_file(path, &data, &len, 4096);
  if (rc == 0 && len == 2 * ZTK_WORLD_KEY_LEN) {
    memcpy(k->pub, data, ZTK_WORLD_KEY_LEN);
    memcpy(k->priv, data + ZTK_WORLD_KEY_LEN, ZTK_WORLD_KEY_LEN);
    k->has_private = true;
  } else if (rc == 0) {
    rc = ztk_identity_from_string(k, (const char *)data);
  }
  if (data)
    sodium_memzero(data, len);
  free(data);
  return rc;
}

/* Resolves doc[field] to a key pair (see the usage text). Returns 0, ZTK_ENOTFOUND if the
 * field is absent, or another negative code after printing why. */
static int resolve_signer(const json_t *doc, const char *field, const char *docpath,
                          ztk_identity *k)
{
  const json_t *v = json_object_get(doc, field);
  const char *s = json_string_value(v);
  char secret_field[64], path[4096];
  ztk_json_why why = {""};
  int rc;
  memset(k, 0, sizeof *k);
  if (!v)
    return ZTK_ENOTFOUND;
  if (s && strlen(s) == 2 * ZTK_WORLD_KEY_LEN && !ztk_hex_decode(k->pub, ZTK_WORLD_KEY_LEN, s,
                                                                  strlen(s))) {
    snprintf(secret_field, sizeof secret_field, "%s_SECRET", field);
    rc = ztk_world_json_key(doc, secret_field, k->priv, &why);
    k->has_private = rc == 0;
  } else if (s && strchr(s, ':')) {
    rc = ztk_identity_from_string(k, s);
  } else if (s) {
    const char *slash = strrchr(docpath, '/');
    if (s[0] == '/' || !slash)
      snprintf(path, sizeof path, "%s", s);
    else
      snprintf(path, sizeof path, "%.*s/%s", (int)(slash - docpath), docpath, s);
    rc = signer_from_file(path, k);
  } else {
    rc = ZTK_EJSON_FIELD;
  }
  if (rc == 0 && !k->has_private)
    rc = ZTK_EID_NOSECRET;
  if (rc) {
    fprintf(stderr, "%s: %s: %s\n", docpath, field, why.text[0] ? why.text : ztk_strerror(rc));
    return rc < 0 ? rc : ZTK_EINVAL;
  }
  return check_pair(k, field);
}

/* Signs w for mkplanet: the update key is signingKey's (or the document's explicit
 * updatesMustBeSignedBy), and the signature is previousSigningKey's if given. */
static int sign_planet(ztk_world *w, const json_t *doc, const char *path)
{
  ztk_identity cur, prev;
  static const uint8_t zero[ZTK_WORLD_KEY_LEN];
  int rc = resolve_signer(doc, "signingKey", path, &cur);
  if (rc == ZTK_ENOTFOUND)
    fprintf(stderr, "%s: signingKey: missing\n", path);
  if (rc)
    return rc;
  int rp = resolve_signer(doc, "previousSigningKey", path, &prev);
  if (rp && rp != ZTK_ENOTFOUND)
    return rp;
  bool explicit_key = memcmp(w->update_key, zero, sizeof zero) != 0;
  if (explicit_key && rp == 0 && memcmp(w->update_key, cur.pub, sizeof cur.pub)) {
    fprintf(stderr, "%s: updatesMustBeSignedBy differs from signingKey while "
                    "previousSigningKey is given\n", path);
    return ZTK_EINVAL;
  }
  if (!explicit_key)
    memcpy(w->update_key, cur.pub, sizeof cur.pub);
  const ztk_identity *signer = rp == 0 ? &prev : &cur;
  rc = ztk_world_sign(w, signer);
  if (!rc)
    rc = ztk_world_verify(w, signer->pub);
  sodium_memzero(&cur, sizeof cur);
  sodium_memzero(&prev, sizeof prev);
  return rc;
}

static int cmd_mkplanet(const char *path, const char *out)
{
  ztk_world w;
  ztk_json_why why = {""};
  ztk_world_json_opts opts = {ZTK_WORLD_PLANET, now_ms(), false, 1};
  size_t len;
  json_t *doc = load_json(path);
  if (!doc)
    return 1;
  int rc = ztk_world_from_json(&w, doc, &opts, &why);
  if (rc)
    fprintf(stderr, "%s: %s\n", path, why.text);
  else
    rc = sign_planet(&w, doc, path);
  json_decref(doc);
  if (rc || write_world(out, &w, &len))
    return 1;
  printf("wrote %s (%s %.16llx, timestamp %llu, %u roots, %zu bytes)\n", out,
         w.type == ZTK_WORLD_MOON ? "moon" : "planet", (unsigned long long)w.id,
         (unsigned long long)w.timestamp, w.n_roots, len);
  return 0;
}

/* Reads and parses a world file; prints why and returns a negative code on failure. */
static int load_world(const char *path, ztk_world *w)
{
  uint8_t *data = NULL;
  size_t len = 0;
  if (ztk_read_file(path, &data, &len, WORLD_FILE_MAX_BYTES)) {
    fprintf(stderr, "cannot read %s\n", path);
    return ZTK_EIO;
  }
  int rc = ztk_world_parse(w, data, len);
  free(data);
  if (rc < 0)
    fprintf(stderr, "%s is not a valid world: %s\n", path, ztk_strerror(rc));
  else if ((size_t)rc < len)
    fprintf(stderr, "%s: %zu bytes after the world ignored\n", path, len - (size_t)rc);
  return rc < 0 ? rc : 0;
}

/* Prints w as JSON; with a previous world, adds whether w would replace it as an update. */
static int cmd_printworld(const char *path, const char *previous)
{
  ztk_world w, prev;
  if (load_world(path, &w) || (previous && load_world(previous, &prev)))
    return 1;
  json_t *doc = ztk_world_to_json(&w);
  if (doc && previous) {
    int rc = ztk_world_should_replace(&prev, &w);
    json_object_set_new(doc, "updateOfPrevious", json_string(rc ? ztk_errname(rc) : "accepted"));
  }
  return print_json(doc);
}

int main(int argc, char **argv)
{
  if (sodium_init() < 0) {
    fprintf(stderr, "libsodium initialisation failed\n");
    return 1;
  }
  if (argc < 2) {
    usage(stdout, argv[0]);
    return 1;
  }
  const char *cmd = argv[1];
  if (!strcmp(cmd, "help") || !strcmp(cmd, "-h") || !strcmp(cmd, "--help")) {
    usage(stdout, argv[0]);
    return 0;
  }
  if (!strcmp(cmd, "generate"))
    return cmd_generate(argc, argv);
  if (!strcmp(cmd, "validate") && argc >= 3)
    return cmd_validate(argv[2]);
  if (!strcmp(cmd, "getpublic") && argc >= 3)
    return cmd_getpublic(argv[2]);
  if (!strcmp(cmd, "sign") && argc >= 4)
    return cmd_sign(argv[2], argv[3]);
  if (!strcmp(cmd, "verify") && argc >= 5)
    return cmd_verify(argv[2], argv[3], argv[4]);
  if (!strcmp(cmd, "initmoon") && argc >= 3)
    return cmd_initmoon(argv[2]);
  if (!strcmp(cmd, "genmoon") && argc >= 3)
    return cmd_genmoon(argv[2]);
  if (!strcmp(cmd, "mkplanet") && argc >= 3)
    return cmd_mkplanet(argv[2], argc >= 4 ? argv[3] : "planet");
  if (!strcmp(cmd, "printworld") && argc >= 3)
    return cmd_printworld(argv[2], argc >= 4 ? argv[3] : NULL);
  usage(stdout, argv[0]);
  return 1;
}
