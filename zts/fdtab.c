/* The fd table: a fixed array guarded by one mutex. */
#include "zts/fdtab.h"

#include <pthread.h>
#include <string.h>

#include "ZeroTierSockets.h"
#include "zts/defnode.h"

static zts_fd table[ZTS_FD_SETSIZE];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

int zts_fd_add(ztk_socket *s, int family, ztk_sock_type type)
{
  pthread_mutex_lock(&lock);
  for (int i = 0; i < ZTS_FD_SETSIZE; i++) {
    if (!table[i].s) {
      memset(&table[i], 0, sizeof table[i]);
      table[i].s = s;
      table[i].family = family;
      table[i].type = type;
      pthread_mutex_unlock(&lock);
      return i;
    }
  }
  pthread_mutex_unlock(&lock);
  ztk_socket_close(s);
  return ZTK_ELIMIT;
}

zts_fd *zts_fd_get(int fd)
{
  zts_fd *e = NULL;
  pthread_mutex_lock(&lock);
  if (fd >= 0 && fd < ZTS_FD_SETSIZE && table[fd].s && !table[fd].closing) {
    e = &table[fd];
    e->users++;
  }
  pthread_mutex_unlock(&lock);
  if (!e)
    zts_set_errno(ZTS_EBADF);
  return e;
}

void zts_fd_put(zts_fd *e)
{
  ztk_socket *close_now = NULL;
  pthread_mutex_lock(&lock);
  if (--e->users == 0 && e->closing) {
    close_now = e->s;
    memset(e, 0, sizeof *e);
  }
  pthread_mutex_unlock(&lock);
  if (close_now)
    ztk_socket_close(close_now);
}

int zts_fd_close(int fd)
{
  ztk_socket *close_now = NULL, *shut = NULL;
  pthread_mutex_lock(&lock);
  if (fd < 0 || fd >= ZTS_FD_SETSIZE || !table[fd].s || table[fd].closing) {
    pthread_mutex_unlock(&lock);
    return ZTK_ENOTFOUND;
  }
  zts_fd *e = &table[fd];
  if (e->users == 0) {
    close_now = e->s;
    memset(e, 0, sizeof *e);
  } else {
    e->closing = true;
    e->users++; /* keeps the socket while it is shut down below */
    shut = e->s;
  }
  pthread_mutex_unlock(&lock);
  if (close_now)
    ztk_socket_close(close_now);
  if (shut) {
    if (e->type == ZTK_SOCK_STREAM && !e->listening)
      ztk_socket_shutdown(shut, ZTK_SHUT_RDWR);
    zts_fd_put(e);
  }
  return 0;
}

void zts_fd_close_all(void)
{
  for (int i = 0; i < ZTS_FD_SETSIZE; i++)
    zts_fd_close(i);
}

int zts_fd_wait_ms(const zts_fd *e, bool want_read, int flags)
{
  if (e->nonblock || (flags & ZTS_MSG_DONTWAIT))
    return 0;
  int t = want_read ? e->rcvtimeo_ms : e->sndtimeo_ms;
  return t > 0 ? t : ZTK_WAIT_FOREVER;
}
