#include "runtime/files.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ztkit/error.h"

int ztk_read_file(const char *path, uint8_t **data, size_t *len, size_t max)
{
  struct stat st;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  *data = NULL;
  *len = 0;
  if (fd < 0)
    return ZTK_EIO;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return ZTK_EIO;
  }
  if ((uint64_t)st.st_size > max) {
    close(fd);
    return ZTK_ERANGE;
  }
  size_t n = (size_t)st.st_size;
  uint8_t *buf = malloc(n + 1);
  if (!buf) {
    close(fd);
    return ZTK_ENOMEM;
  }
  size_t got = 0;
  while (got < n) {
    ssize_t r = read(fd, buf + got, n - got);
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0)
      break;
    got += (size_t)r;
  }
  close(fd);
  if (got != n) {
    free(buf);
    return ZTK_EIO;
  }
  buf[n] = 0;
  *data = buf;
  *len = n;
  return 0;
}

int ztk_read_text_file(const char *path, char **text, size_t max)
{
  uint8_t *data;
  size_t len;
  int rc = ztk_read_file(path, &data, &len, max);
  *text = rc ? NULL : (char *)data; /* ztk_read_file always leaves a NUL after the data */
  return rc;
}

int ztk_write_file_atomic(const char *path, const void *data, size_t len, mode_t mode)
{
  size_t plen = strlen(path);
  char *tmp = malloc(plen + 16);
  if (!tmp)
    return ZTK_ENOMEM;
  snprintf(tmp, plen + 16, "%s.tmpXXXXXX", path);
  int fd = mkstemp(tmp);
  if (fd < 0) {
    free(tmp);
    return ZTK_EIO;
  }
  int ok = fchmod(fd, mode) == 0;
  const uint8_t *p = data;
  size_t done = 0;
  while (ok && done < len) {
    ssize_t w = write(fd, p + done, len - done);
    if (w < 0 && errno == EINTR)
      continue;
    ok = w > 0;
    if (ok)
      done += (size_t)w;
  }
  ok = ok && fsync(fd) == 0;
  ok = (close(fd) == 0) && ok;
  ok = ok && rename(tmp, path) == 0;
  if (!ok)
    unlink(tmp);
  free(tmp);
  return ok ? 0 : ZTK_EIO;
}
