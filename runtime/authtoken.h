/* The local API's secret: <home>/authtoken.secret, as zerotier-one keeps it (the token is the
 * file's text without surrounding white space; a new one is 24 random characters a-z0-9,
 * written with mode 0600). Internal header. */
#ifndef ZTK_RUNTIME_AUTHTOKEN_H
#define ZTK_RUNTIME_AUTHTOKEN_H

#include <stdbool.h>
#include <stddef.h>

#define ZTK_AUTHTOKEN_LEN 24   /* characters of a generated token */
#define ZTK_AUTHTOKEN_MAX 255  /* longest token accepted from the file */
#define ZTK_AUTHTOKEN_FILE "authtoken.secret"

/* Reads the token of home into token (cap > ZTK_AUTHTOKEN_MAX); with create, a missing file is
 * created first (and a readable one with group or other permissions is tightened to 0600).
 * path (optional, cap pcap) receives the file's path. err (optional) receives a sentence on
 * failure. Returns 0 or one of: ZTK_EINVAL (bad arguments), ZTK_ENOTFOUND (no file, create
 * false), ZTK_EIO (unreadable or unwritable), ZTK_EFORMAT (empty, too long, or holding control
 * characters inside). */
int ztk_authtoken_load(const char *home, bool create, char *token, size_t cap, char *path,
                       size_t pcap, char *err, size_t errcap);

#endif
