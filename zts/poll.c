/* zts_bsd_poll and zts_bsd_select over ztk_socket_poll. */
#include <stdlib.h>
#include <string.h>

#include "ZeroTierSockets.h"
#include "zts/defnode.h"
#include "zts/fdtab.h"

#define POLL_MAX ZTS_FD_SETSIZE

static unsigned native_events(short ev)
{
  return ((ev & (ZTS_POLLIN | ZTS_POLLRDNORM)) ? ZTK_SOCK_EV_IN : 0) |
         ((ev & (ZTS_POLLOUT | ZTS_POLLWRNORM)) ? ZTK_SOCK_EV_OUT : 0);
}

static short zts_events(unsigned rev, short wanted)
{
  short r = 0;
  if (rev & (ZTK_SOCK_EV_IN | ZTK_SOCK_EV_RDHUP))
    r |= wanted & (ZTS_POLLIN | ZTS_POLLRDNORM);
  if (rev & ZTK_SOCK_EV_OUT)
    r |= wanted & (ZTS_POLLOUT | ZTS_POLLWRNORM);
  if (rev & ZTK_SOCK_EV_ERR)
    r |= ZTS_POLLERR;
  if (rev & ZTK_SOCK_EV_HUP)
    r |= ZTS_POLLHUP;
  return r;
}

/* Polls n items whose entries are taken (NULL entries are skipped); returns as
 * ztk_socket_poll. */
static int poll_entries(zts_fd **ents, ztk_pollitem *items, const unsigned *want, int n,
                        int timeout_ms)
{
  for (int i = 0; i < n; i++)
    items[i] = (ztk_pollitem){ents[i] ? ents[i]->s : NULL, want[i], 0};
  return ztk_socket_poll(items, n, timeout_ms);
}

static void put_all(zts_fd **ents, int n)
{
  for (int i = 0; i < n; i++)
    if (ents[i])
      zts_fd_put(ents[i]);
}

ZTS_API int zts_bsd_poll(struct zts_pollfd *fds, zts_nfds_t nfds, int timeout)
{
  if (!fds || nfds == 0 || nfds > POLL_MAX)
    return zts_arg_fail(ZTS_EINVAL);
  zts_fd **ents = calloc(nfds, sizeof *ents);
  ztk_pollitem *items = calloc(nfds, sizeof *items);
  unsigned *want = calloc(nfds, sizeof *want);
  int ready = 0, rc = 0;
  if (!ents || !items || !want) {
    rc = zts_sock_fail(ZTK_ENOMEM);
    goto out;
  }
  for (unsigned i = 0; i < nfds; i++) {
    fds[i].revents = 0;
    if (fds[i].fd < 0)
      continue;
    ents[i] = zts_fd_get(fds[i].fd);
    if (!ents[i]) {
      fds[i].revents = ZTS_POLLNVAL;
      ready++;
    }
    want[i] = native_events(fds[i].events);
  }
  rc = poll_entries(ents, items, want, (int)nfds, ready ? 0 : (timeout < 0 ? ZTK_WAIT_FOREVER : timeout));
  if (rc >= 0) {
    for (unsigned i = 0; i < nfds; i++)
      if (ents[i] && (fds[i].revents = zts_events(items[i].revents, fds[i].events)))
        ready++;
    rc = ready;
  } else {
    rc = zts_sock_fail(rc);
  }
  put_all(ents, (int)nfds);
out:
  free(ents);
  free(items);
  free(want);
  return rc;
}

/* Which fds of the three sets below nfds are asked about: fills fd numbers and wanted
 * events; returns how many, or -1 if one is not open. */
static int select_collect(int nfds, zts_fd_set *r, zts_fd_set *w, zts_fd_set *x, int *fdv,
                          short *ev)
{
  int n = 0;
  for (int fd = 0; fd < nfds; fd++) {
    short e = (short)((r && ZTS_FD_ISSET(fd, r) ? ZTS_POLLIN : 0) |
                      (w && ZTS_FD_ISSET(fd, w) ? ZTS_POLLOUT : 0) |
                      (x && ZTS_FD_ISSET(fd, x) ? ZTS_POLLERR : 0));
    if (e) {
      fdv[n] = fd;
      ev[n++] = e;
    }
  }
  return n;
}

ZTS_API int zts_bsd_select(int nfds, zts_fd_set *readfds, zts_fd_set *writefds,
                           zts_fd_set *exceptfds, struct zts_timeval *timeout)
{
  if (nfds < 0 || nfds > ZTS_FD_SETSIZE ||
      (timeout && (timeout->tv_sec < 0 || timeout->tv_usec < 0 || timeout->tv_usec >= 1000000)))
    return zts_arg_fail(ZTS_EINVAL);
  int fdv[ZTS_FD_SETSIZE];
  short ev[ZTS_FD_SETSIZE];
  int n = select_collect(nfds, readfds, writefds, exceptfds, fdv, ev);
  long t = -1;
  if (timeout)
    t = timeout->tv_sec > 86400000 ? 86400000000L : timeout->tv_sec * 1000 + timeout->tv_usec / 1000;
  struct zts_pollfd *p = calloc(n ? (size_t)n : 1, sizeof *p);
  if (!p)
    return zts_sock_fail(ZTK_ENOMEM);
  for (int i = 0; i < n; i++)
    p[i] = (struct zts_pollfd){fdv[i], ev[i], 0};
  int rc;
  if (n == 0 && t < 0) { /* nothing to wait for, without end */
    rc = zts_arg_fail(ZTS_EINVAL);
  } else if (n == 0) {
    zts_util_delay((unsigned long)t);
    rc = 0;
  } else {
    rc = zts_bsd_poll(p, (zts_nfds_t)n, t > 0x7fffffff ? 0x7fffffff : (int)t);
  }
  for (int i = 0; rc >= 0 && i < n; i++)
    if (p[i].revents & ZTS_POLLNVAL) {
      zts_set_errno(ZTS_EBADF);
      rc = ZTS_ERR_ARG;
    }
  if (rc >= 0) {
    rc = 0;
    for (int i = 0; i < n; i++) {
      short re = p[i].revents;
      bool rd = readfds && ZTS_FD_ISSET(fdv[i], readfds) && (re & (ZTS_POLLIN | ZTS_POLLHUP | ZTS_POLLERR));
      bool wr = writefds && ZTS_FD_ISSET(fdv[i], writefds) && (re & (ZTS_POLLOUT | ZTS_POLLERR));
      bool ex = exceptfds && ZTS_FD_ISSET(fdv[i], exceptfds) && (re & ZTS_POLLERR);
      if (readfds && !rd) ZTS_FD_CLR(fdv[i], readfds);
      if (writefds && !wr) ZTS_FD_CLR(fdv[i], writefds);
      if (exceptfds && !ex) ZTS_FD_CLR(fdv[i], exceptfds);
      rc += rd + wr + ex;
    }
  }
  free(p);
  return rc;
}
