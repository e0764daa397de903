#include "runtime/authtoken.h"

#include <errno.h>
#include <limits.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "runtime/files.h"
#include "ztkit/error.h"

#define FILE_MAX 4096

static int say(char *err, size_t cap, int rc, const char *fmt, ...)
  __attribute__((format(printf, 4, 5)));

static int say(char *err, size_t cap, int rc, const char *fmt, ...)
{
  if (err && cap) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, cap, fmt, ap);
    va_end(ap);
  }
  return rc;
}

static int create_token(const char *path, char *err, size_t errcap)
{
  static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  char t[ZTK_AUTHTOKEN_LEN];
  if (sodium_init() < 0)
    return say(err, errcap, ZTK_EIO, "cannot create %s: no randomness", path);
  for (size_t i = 0; i < sizeof t; i++)
    t[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
  if (ztk_write_file_atomic(path, t, sizeof t, 0600))
    return say(err, errcap, ZTK_EIO, "cannot write %s: %s", path, strerror(errno));
  return 0;
}

/* The text without surrounding white space into token; refuses what is not a usable token. */
static int trim_into(const char *text, const char *path, char *token, size_t cap, char *err,
                     size_t errcap)
{
  const char *b = text, *e = text + strlen(text);
  while (*b == ' ' || *b == '\t' || *b == '\r' || *b == '\n')
    b++;
  while (e > b && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
    e--;
  size_t n = (size_t)(e - b);
  if (!n)
    return say(err, errcap, ZTK_EFORMAT, "%s is empty", path);
  if (n > ZTK_AUTHTOKEN_MAX || n >= cap)
    return say(err, errcap, ZTK_EFORMAT, "%s holds more than %d characters", path,
               ZTK_AUTHTOKEN_MAX);
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)b[i] < 0x20 || b[i] == 0x7f)
      return say(err, errcap, ZTK_EFORMAT, "%s holds control characters", path);
  memcpy(token, b, n);
  token[n] = 0;
  return 0;
}

int ztk_authtoken_load(const char *home, bool create, char *token, size_t cap, char *path,
                       size_t pcap, char *err, size_t errcap)
{
  char p[PATH_MAX], *text = NULL;
  struct stat st;
  if (!home || !*home || !token || cap <= 1)
    return say(err, errcap, ZTK_EINVAL, "no home directory");
  int n = snprintf(p, sizeof p, "%s/%s", home, ZTK_AUTHTOKEN_FILE);
  if (n < 0 || (size_t)n >= sizeof p)
    return say(err, errcap, ZTK_EINVAL, "home directory name too long");
  if (path && pcap)
    snprintf(path, pcap, "%s", p);
  if (stat(p, &st) != 0) {
    if (errno != ENOENT)
      return say(err, errcap, ZTK_EIO, "cannot read %s: %s", p, strerror(errno));
    if (!create)
      return say(err, errcap, ZTK_ENOTFOUND, "%s does not exist (is the node running?)", p);
    int rc = create_token(p, err, errcap);
    if (rc)
      return rc;
  } else if (create && (st.st_mode & 077)) {
    chmod(p, 0600);
  }
  int rc = ztk_read_text_file(p, &text, FILE_MAX);
  if (rc)
    return say(err, errcap, ZTK_EIO, "cannot read %s: %s", p,
               rc == ZTK_EIO ? strerror(errno ? errno : EIO) : ztk_strerror(rc));
  rc = trim_into(text, p, token, cap, err, errcap);
  free(text);
  return rc;
}
