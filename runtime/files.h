/* Whole-file reads and atomic writes for state directories and the tools. Internal header. */
#ifndef ZTK_RUNTIME_FILES_H
#define ZTK_RUNTIME_FILES_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Reads a whole file of at most max bytes into a malloc'd buffer (caller frees). Returns 0,
 * ZTK_EIO (unreadable), ZTK_ERANGE (larger than max) or ZTK_ENOMEM. */
int ztk_read_file(const char *path, uint8_t **data, size_t *len, size_t max);

/* Same, NUL-terminated. */
int ztk_read_text_file(const char *path, char **text, size_t max);

/* Writes data to path atomically (temporary file in the same directory, fsync, rename) with
 * the given mode. Returns 0 or ZTK_EIO. */
int ztk_write_file_atomic(const char *path, const void *data, size_t len, mode_t mode);

#endif
