/* ztk-idtool: zerotier-idtool's verbs with its output formats, over ztkit's core.
 *
 *   generate [<identity.secret>] [<identity.public>] [<vanity>]
 *   validate <identity.secret/public>
 *   getpublic <identity.secret>
 *   sign <identity.secret> <file>
 *   verify <identity.secret/public> <file> <signature>
 *
 * As in zerotier-idtool, an identity argument is either an identity string or a file holding
 * one, and generate/getpublic/sign print without a trailing newline. */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/util/hex.h"
#include "runtime/files.h"
#include "ztkit/error.h"
#include "ztkit/identity.h"

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
          "  help\n",
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
  usage(stdout, argv[0]);
  return 1;
}
