/* Temporary directories for tests that touch the file system (state directories). */
#ifndef ZTK_TEST_SUPPORT_TMPDIR_H
#define ZTK_TEST_SUPPORT_TMPDIR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define TD_PATH_MAX 512

/* Creates /tmp/<prefix>-XXXXXX into dir (cap >= 64); fails the test if it cannot. */
void td_make(char *dir, size_t cap, const char *prefix);

/* Removes dir and everything below it. */
void td_remove(const char *dir);

/* dir/rel into out. */
void td_path(char *out, size_t cap, const char *dir, const char *rel);

/* Writes dir/rel (creating its parent directory), failing the test on error. */
void td_write(const char *dir, const char *rel, const void *data, size_t len);

/* Whether dir/rel exists; its permission bits into *mode if not NULL. */
bool td_exists(const char *dir, const char *rel, mode_t *mode);

#endif
