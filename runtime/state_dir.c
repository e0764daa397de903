#include "runtime/state_dir.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/controller/controller.h"
#include "core/world/world.h"
#include "runtime/files.h"

#define IDENTITY_FILE_MAX 4096
#define LIST_SCAN_MAX 1000000 /* directory entries looked at by one list() */

typedef struct state_dir {
  ztk_state_store base;
  char home[PATH_MAX];
} state_dir;

static const ztk_state_store_ops dir_ops;

static void problem(ztk_state_store *s, const char *fmt, ...)
  __attribute__((format(printf, 2, 3)));

static void problem(ztk_state_store *s, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(s->problem, sizeof s->problem, fmt, ap);
  va_end(ap);
  s->failures++;
}

/* ---- paths ---- */

static int fmt_path(char *out, size_t cap, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));

static int fmt_path(char *out, size_t cap, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(out, cap, fmt, ap);
  va_end(ap);
  return n < 0 || (size_t)n >= cap ? ZTK_ENOSPACE : 0;
}

static int object_path(const state_dir *d, ztk_state_type type, const uint64_t id[2], char *out,
                       size_t cap)
{
  const char *h = d->home;
  unsigned long long a = id[0], b = id[1];
  switch ((int)type) {
  case ZTK_STATE_IDENTITY_PUBLIC:
    return fmt_path(out, cap, "%s/identity.public", h);
  case ZTK_STATE_IDENTITY_SECRET:
    return fmt_path(out, cap, "%s/identity.secret", h);
  case ZTK_STATE_PLANET:
    return fmt_path(out, cap, "%s/planet", h);
  case ZTK_STATE_MOON:
    return fmt_path(out, cap, "%s/moons.d/%016llx.moon", h, a);
  case ZTK_STATE_PEER:
    return fmt_path(out, cap, "%s/peers.d/%010llx.peer", h, a & 0xffffffffffull);
  case ZTK_STATE_NETWORK_CONFIG:
    if (!a)
      return fmt_path(out, cap, "%s/networks.d/joined.list", h);
    return fmt_path(out, cap, "%s/networks.d/%016llx.conf", h, a);
  case ZTK_STATE_NETWORK_SETTINGS:
    return fmt_path(out, cap, "%s/networks.d/%016llx.local.conf", h, a);
  case ZTK_STATE_CONTROLLER:
    if (!a && !b)
      return fmt_path(out, cap, "%s/controller.d/networks.ztkc", h);
    if (!b)
      return fmt_path(out, cap, "%s/controller.d/network/%016llx.ztkc", h, a);
    if (b == ZTK_CTL_STATE_MEMBER_INDEX)
      return fmt_path(out, cap, "%s/controller.d/network/%016llx/members.ztkc", h, a);
    return fmt_path(out, cap, "%s/controller.d/network/%016llx/member/%010llx.ztkc", h, a,
                    b & 0xffffffffffull);
  default:
    return ZTK_EINVAL;
  }
}

/* Directory whose files list() enumerates, the file name suffix and the id's hex width. */
static int list_dir(const state_dir *d, ztk_state_type type, char *out, size_t cap,
                    const char **suffix, int *digits)
{
  switch ((int)type) {
  case ZTK_STATE_MOON:
    *suffix = ".moon", *digits = 16;
    return fmt_path(out, cap, "%s/moons.d", d->home);
  case ZTK_STATE_PEER:
    *suffix = ".peer", *digits = 10;
    return fmt_path(out, cap, "%s/peers.d", d->home);
  case ZTK_STATE_NETWORK_CONFIG:
    *suffix = ".conf", *digits = 16;
    return fmt_path(out, cap, "%s/networks.d", d->home);
  case ZTK_STATE_NETWORK_SETTINGS:
    *suffix = ".local.conf", *digits = 16;
    return fmt_path(out, cap, "%s/networks.d", d->home);
  case ZTK_STATE_CONTROLLER:
    *suffix = ".ztkc", *digits = 16;
    return fmt_path(out, cap, "%s/controller.d/network", d->home);
  default:
    return ZTK_EINVAL;
  }
}

/* mkdir -p with mode for the components it creates. Returns 0 or ZTK_EIO (errno kept). */
static int make_dirs(const char *path, mode_t mode)
{
  char tmp[PATH_MAX];
  struct stat st;
  if (fmt_path(tmp, sizeof tmp, "%s", path))
    return ZTK_EINVAL;
  for (char *p = tmp + 1;; p++) {
    bool end = *p == 0;
    if (*p == '/' || end) {
      *p = 0;
      if (mkdir(tmp, mode) != 0 && errno != EEXIST)
        return ZTK_EIO;
      if (stat(tmp, &st) != 0 || !S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return ZTK_EIO;
      }
      if (end)
        return 0;
      *p = '/';
    }
  }
}

static int make_parent(const char *path)
{
  char dir[PATH_MAX];
  if (fmt_path(dir, sizeof dir, "%s", path))
    return ZTK_EINVAL;
  char *slash = strrchr(dir, '/');
  if (!slash || slash == dir)
    return 0;
  *slash = 0;
  return make_dirs(dir, 0700);
}

/* ---- operations ---- */

static long dir_get(ztk_state_store *s, ztk_state_type type, const uint64_t id[2], void *buf,
                    size_t cap)
{
  char path[PATH_MAX];
  struct stat st;
  uint8_t *data;
  size_t len;
  if (object_path((state_dir *)s, type, id, path, sizeof path))
    return ZTK_ENOTFOUND;
  if (stat(path, &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR)
      return ZTK_ENOTFOUND;
    problem(s, "cannot read %s: %s", path, strerror(errno));
    return ZTK_EIO;
  }
  if (!S_ISREG(st.st_mode)) {
    problem(s, "cannot read %s: not a regular file", path);
    return ZTK_EIO;
  }
  if ((uint64_t)st.st_size > cap)
    return ZTK_ENOSPACE;
  int rc = ztk_read_file(path, &data, &len, cap);
  if (rc) {
    problem(s, "cannot read %s: %s", path, rc == ZTK_EIO ? strerror(errno) : ztk_strerror(rc));
    return rc == ZTK_ERANGE ? ZTK_ENOSPACE : rc;
  }
  memcpy(buf, data, len);
  free(data);
  return (long)len;
}

static bool same_content(const char *path, const void *data, size_t len)
{
  uint8_t *old;
  size_t old_len;
  if (ztk_read_file(path, &old, &old_len, len))
    return false;
  bool same = old_len == len && memcmp(old, data, len) == 0;
  free(old);
  return same;
}

/* Removes up to `levels` parent directories of path that are left empty (a deleted
 * network's member/ and <nwid>/ directories); stops at the first one that is not. */
static void prune_dirs(const char *path, int levels)
{
  char dir[PATH_MAX];
  if (fmt_path(dir, sizeof dir, "%s", path))
    return;
  for (int i = 0; i < levels; i++) {
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir)
      return;
    *slash = 0;
    if (rmdir(dir) != 0)
      return;
  }
}

static mode_t object_mode(ztk_state_type type)
{
  return type == ZTK_STATE_IDENTITY_SECRET || type == ZTK_STATE_CONTROLLER ? 0600 : 0644;
}

static int dir_put(ztk_state_store *s, ztk_state_type type, const uint64_t id[2],
                   const void *data, size_t len)
{
  char path[PATH_MAX];
  if (len > ZTK_STATE_OBJECT_MAX || (len && !data) ||
      object_path((state_dir *)s, type, id, path, sizeof path))
    return ZTK_EINVAL;
  if (!data || !len) {
    if (unlink(path) != 0 && errno != ENOENT && errno != ENOTDIR) {
      problem(s, "cannot delete %s: %s", path, strerror(errno));
      return ZTK_EIO;
    }
    if (type == ZTK_STATE_CONTROLLER && id[1])
      prune_dirs(path, 2);
    return 0;
  }
  if (same_content(path, data, len))
    return 0;
  int rc = make_parent(path);
  if (!rc)
    rc = ztk_write_file_atomic(path, data, len, object_mode(type));
  if (rc)
    problem(s, "cannot write %s: %s", path, rc == ZTK_EIO ? strerror(errno) : ztk_strerror(rc));
  return rc;
}

/* Parses "<digits hex><suffix>" into *id. */
static bool parse_name(const char *name, const char *suffix, int digits, uint64_t *id)
{
  uint64_t v = 0;
  for (int i = 0; i < digits; i++) {
    char c = name[i];
    int x = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                           : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (x < 0)
      return false;
    v = (v << 4) | (uint64_t)x;
  }
  if (strcmp(name + digits, suffix) != 0)
    return false;
  *id = v;
  return true;
}

static int cmp_u64(const void *a, const void *b)
{
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

static int list_singleton(ztk_state_store *s, ztk_state_type type, uint64_t *ids, int max)
{
  char path[PATH_MAX];
  uint64_t id[2] = {0, 0};
  if (object_path((state_dir *)s, type, id, path, sizeof path))
    return ZTK_EINVAL;
  if (access(path, F_OK) != 0)
    return 0;
  if (max > 0)
    ids[0] = 0;
  return 1;
}

static int dir_list(ztk_state_store *s, ztk_state_type type, uint64_t *ids, int max)
{
  char path[PATH_MAX];
  const char *suffix;
  int digits, count = 0;
  if (type == ZTK_STATE_IDENTITY_PUBLIC || type == ZTK_STATE_IDENTITY_SECRET ||
      type == ZTK_STATE_PLANET)
    return list_singleton(s, type, ids, max);
  if (list_dir((state_dir *)s, type, path, sizeof path, &suffix, &digits))
    return ZTK_EINVAL;
  DIR *dir = opendir(path);
  if (!dir)
    return errno == ENOENT ? 0 : ZTK_EIO;
  struct dirent *e;
  for (long scanned = 0; scanned < LIST_SCAN_MAX && (e = readdir(dir)); scanned++) {
    uint64_t id;
    if (!parse_name(e->d_name, suffix, digits, &id))
      continue;
    if (count < max)
      ids[count] = id;
    count++;
  }
  closedir(dir);
  qsort(ids, (size_t)(count < max ? count : max), sizeof *ids, cmp_u64);
  return count;
}

static void dir_free(ztk_state_store *s) { free(s); }

static const ztk_state_store_ops dir_ops = {dir_get, dir_put, dir_list, dir_free};

/* ---- opening: checks of what the user may have put there ---- */

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

/* Reads a file the user may have placed; *data NULL when it does not exist. */
static int read_user_file(const char *path, uint8_t **data, size_t *len, size_t max, char *err,
                          size_t cap)
{
  struct stat st;
  *data = NULL;
  *len = 0;
  if (stat(path, &st) != 0 && (errno == ENOENT || errno == ENOTDIR))
    return 0;
  int rc = ztk_read_file(path, data, len, max);
  if (rc == ZTK_ERANGE)
    return say(err, cap, rc, "%s is too large (more than %zu bytes)", path, max);
  if (rc)
    return say(err, cap, rc, "cannot read %s: %s", path,
               rc == ZTK_EIO ? strerror(errno ? errno : EIO) : ztk_strerror(rc));
  return 0;
}

/* Writes identity.public when it is missing or does not match identity.secret. */
static int sync_public(state_dir *d, const ztk_identity *id, char *err, size_t cap)
{
  char want[ZTK_IDENTITY_STRBUF], path[PATH_MAX];
  uint8_t *have;
  size_t have_len;
  static const uint64_t zero[2] = {0, 0};
  int n = ztk_identity_to_string(id, false, want, sizeof want);
  object_path(d, ZTK_STATE_IDENTITY_PUBLIC, zero, path, sizeof path);
  if (read_user_file(path, &have, &have_len, IDENTITY_FILE_MAX, NULL, 0) == 0 && have) {
    bool same = have_len >= (size_t)n && memcmp(have, want, (size_t)n) == 0;
    free(have);
    if (same)
      return 0;
  }
  int rc = dir_put(&d->base, ZTK_STATE_IDENTITY_PUBLIC, zero, want, (size_t)n);
  return rc ? say(err, cap, rc, "%s", d->base.problem) : 0;
}

/* Reads a singleton object the user may have placed (identity, planet) and its path. */
static int read_singleton(state_dir *d, ztk_state_type type, size_t max, char *path,
                          uint8_t **data, size_t *len, char *err, size_t cap)
{
  static const uint64_t zero[2] = {0, 0};
  object_path(d, type, zero, path, PATH_MAX);
  return read_user_file(path, data, len, max, err, cap);
}

static int check_identity(state_dir *d, char *err, size_t cap)
{
  char path[PATH_MAX];
  uint8_t *data;
  size_t len;
  ztk_identity id;
  int rc = read_singleton(d, ZTK_STATE_IDENTITY_SECRET, IDENTITY_FILE_MAX, path, &data, &len,
                          err, cap);
  if (rc || !data)
    return rc;
  rc = ztk_identity_from_string(&id, (const char *)data); /* read_file NUL-terminates */
  free(data);
  if (rc)
    return say(err, cap, rc, "%s is not a valid identity: %s", path, ztk_strerror(rc));
  if (!id.has_private)
    return say(err, cap, ZTK_EID_NOSECRET, "%s holds no private key", path);
  if ((rc = ztk_identity_validate(&id)))
    return say(err, cap, rc, "%s is not a valid identity: %s", path, ztk_strerror(rc));
  struct stat st;
  if (stat(path, &st) == 0 && (st.st_mode & 077))
    chmod(path, 0600);
  rc = sync_public(d, &id, err, cap);
  memset(&id, 0, sizeof id);
  return rc;
}

static int check_planet(state_dir *d, char *err, size_t cap)
{
  char path[PATH_MAX];
  uint8_t *data;
  size_t len;
  ztk_world w;
  int rc = read_singleton(d, ZTK_STATE_PLANET, ZTK_WORLD_MAX_LEN, path, &data, &len, err, cap);
  if (rc || !data)
    return rc;
  rc = ztk_world_parse(&w, data, len);
  free(data);
  if (rc < 0)
    return say(err, cap, rc, "%s is not a valid planet file: %s", path, ztk_strerror(rc));
  if (w.type != ZTK_WORLD_PLANET)
    return say(err, cap, ZTK_EWORLD_TYPE, "%s is not a planet (world type %u)", path,
               (unsigned)w.type);
  return 0;
}

static int open_home(const char *home, char *err, size_t cap)
{
  struct stat st;
  if (make_dirs(home, 0700))
    return say(err, cap, ZTK_EIO, "cannot create home directory %s: %s", home, strerror(errno));
  if (stat(home, &st) != 0 || !S_ISDIR(st.st_mode))
    return say(err, cap, ZTK_EIO, "%s is not a directory", home);
  if (access(home, R_OK | W_OK | X_OK) != 0)
    return say(err, cap, ZTK_EIO, "home directory %s is not writable: %s", home,
               strerror(errno));
  return 0;
}

int ztk_state_dir_open(const char *home, ztk_state_store **out, char *err, size_t errcap)
{
  if (err && errcap)
    err[0] = 0;
  if (!out)
    return ZTK_EINVAL;
  *out = NULL;
  if (!home || !*home || strlen(home) > PATH_MAX - 96)
    return say(err, errcap, ZTK_EINVAL, "bad home directory name");
  int rc = open_home(home, err, errcap);
  if (rc)
    return rc;
  state_dir *d = calloc(1, sizeof *d);
  if (!d)
    return say(err, errcap, ZTK_ENOMEM, "out of memory");
  d->base.ops = &dir_ops;
  d->base.kind = "dir";
  size_t n = strlen(home);
  while (n > 1 && home[n - 1] == '/')
    n--;
  memcpy(d->home, home, n);
  if ((rc = check_identity(d, err, errcap)) || (rc = check_planet(d, err, errcap))) {
    free(d);
    return rc;
  }
  *out = &d->base;
  return 0;
}

int ztk_state_dir_path(const ztk_state_store *s, ztk_state_type type, const uint64_t id[2],
                       char *out, size_t cap)
{
  if (!s || s->ops != &dir_ops || !id || !out)
    return ZTK_EINVAL;
  return object_path((const state_dir *)s, type, id, out, cap);
}

const char *ztk_state_dir_home(const ztk_state_store *s)
{
  return s && s->ops == &dir_ops ? ((const state_dir *)s)->home : NULL;
}
