/* The fd table: a fixed array guarded by one mutex. Lock order: the table's mutex, then the
 * netstack driver's lock (taken to mark a native socket in use). */
#include "zts/fdtab.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ZeroTierSockets.h"
#include "stack/netstack.h"
#include "zts/defnode.h"

typedef struct slot {
  zts_fd fd;
  uint32_t gen; /* changes whenever the number is given to another socket */
} slot;

/* What a call holds: its working copy, the values it started from, and where they came from. */
typedef struct snapshot {
  zts_fd cur; /* first: callers see a zts_fd * */
  zts_fd orig;
  int num;
  uint32_t gen;
} snapshot;

static slot table[ZTS_FD_SETSIZE];
static uint32_t next_gen = 1;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

int zts_fd_add(ztk_socket *s, int family, ztk_sock_type type)
{
  pthread_mutex_lock(&lock);
  for (int i = 0; i < ZTS_FD_SETSIZE; i++) {
    if (!table[i].fd.s) {
      memset(&table[i], 0, sizeof table[i]);
      table[i].fd = (zts_fd){.s = s, .family = family, .type = type};
      table[i].gen = next_gen++;
      pthread_mutex_unlock(&lock);
      return i;
    }
  }
  pthread_mutex_unlock(&lock);
  ztk_socket_close(s);
  return ZTK_ELIMIT;
}

/* Marks / unmarks a native socket as in use by a call (the driver's lock level). */
static void native_use(ztk_socket *s)
{
  s->ns->drv->lock(s->ns->ctx);
  ztk_ns_socket_use(s);
  s->ns->drv->unlock(s->ns->ctx);
}

static void native_unuse(ztk_socket *s)
{
  s->ns->drv->lock(s->ns->ctx);
  bool gone = ztk_ns_socket_unuse(s);
  s->ns->drv->unlock(s->ns->ctx);
  if (gone)
    ztk_ns_socket_free(s);
}

zts_fd *zts_fd_get(int fd)
{
  snapshot *sn = malloc(sizeof *sn);
  if (!sn) {
    zts_set_errno(ZTS_ENOMEM);
    return NULL;
  }
  pthread_mutex_lock(&lock);
  bool ok = fd >= 0 && fd < ZTS_FD_SETSIZE && table[fd].fd.s;
  if (ok) {
    sn->cur = sn->orig = table[fd].fd;
    sn->num = fd;
    sn->gen = table[fd].gen;
    native_use(sn->cur.s);
  }
  pthread_mutex_unlock(&lock);
  if (!ok) {
    free(sn);
    zts_set_errno(ZTS_EBADF);
    return NULL;
  }
  return &sn->cur;
}

void zts_fd_put(zts_fd *e)
{
  snapshot *sn = (snapshot *)(void *)e;
  pthread_mutex_lock(&lock);
  zts_fd *t = &table[sn->num].fd;
  if (table[sn->num].gen == sn->gen && t->s == sn->cur.s) {
    if (sn->cur.nonblock != sn->orig.nonblock)
      t->nonblock = sn->cur.nonblock;
    if (sn->cur.listening != sn->orig.listening)
      t->listening = sn->cur.listening;
    if (sn->cur.rcvtimeo_ms != sn->orig.rcvtimeo_ms)
      t->rcvtimeo_ms = sn->cur.rcvtimeo_ms;
    if (sn->cur.sndtimeo_ms != sn->orig.sndtimeo_ms)
      t->sndtimeo_ms = sn->cur.sndtimeo_ms;
  }
  pthread_mutex_unlock(&lock);
  native_unuse(sn->cur.s);
  free(sn);
}

int zts_fd_close(int fd)
{
  ztk_socket *s = NULL;
  pthread_mutex_lock(&lock);
  if (fd >= 0 && fd < ZTS_FD_SETSIZE && table[fd].fd.s) {
    s = table[fd].fd.s;
    memset(&table[fd].fd, 0, sizeof table[fd].fd);
  }
  pthread_mutex_unlock(&lock);
  if (!s)
    return ZTK_ENOTFOUND;
  ztk_socket_close(s); /* wakes the calls in progress; the last of them frees it */
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
