/* The default node: zts_init_*, zts_node_*, zts_moon_* over one ztk_service. */
#include "zts/defnode.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ZeroTierSockets.h"
#include "core/world/world.h"
#include "zts/events.h"
#include "zts/fdtab.h"

#define PATH_CAP 4096

static struct {
  pthread_mutex_t lock;
  ztk_service *svc;   /* created at the first start, freed by zts_node_free */
  ztk_netstack *ns;   /* the service's */
  bool running;
  bool starting;      /* a zts_node_start is under way (another one is refused) */
  bool dirty;         /* configuration changed since svc was made */
  char *home;         /* storage path or NULL (memory) */
  ztk_identity id;    /* zts_init_from_memory */
  bool have_id;
  uint8_t planet[ZTK_WORLD_MAX_LEN];
  size_t planet_len;
  int port;
  bool port_set;      /* zts_init_set_port was called */
  bool port_taken;    /* the default port was in use: a free one is used instead */
  void (*handler)(void *);
} g = {.lock = PTHREAD_MUTEX_INITIALIZER, .port = ZTK_SERVICE_DEFAULT_PORT};

static _Thread_local int t_errno;

ZTS_API int *zts_errno_location(void)
{
  return &t_errno;
}

void zts_set_errno(int value)
{
  t_errno = value;
}

int zts_sock_fail(int err)
{
  t_errno = ztk_socket_errno(err);
  return ZTS_ERR_SOCKET;
}

int zts_arg_fail(int errno_value)
{
  t_errno = errno_value;
  return ZTS_ERR_ARG;
}

bool zts_dn_get(ztk_service **svc, ztk_netstack **ns)
{
  pthread_mutex_lock(&g.lock);
  bool running = g.running;
  if (svc)
    *svc = running ? g.svc : NULL;
  if (ns)
    *ns = running ? g.ns : NULL;
  pthread_mutex_unlock(&g.lock);
  return running;
}

void (*zts_dn_handler(void))(void *)
{
  pthread_mutex_lock(&g.lock);
  void (*h)(void *) = g.handler;
  pthread_mutex_unlock(&g.lock);
  return h;
}

/* Runs a configuration change under the lock unless the node runs. Returns ZTS_ERR_OK or
 * ZTS_ERR_SERVICE. */
#define CONFIGURE(stmt)                                                                            \
  do {                                                                                             \
    pthread_mutex_lock(&g.lock);                                                                   \
    if (g.running || g.starting) {                                                                 \
      pthread_mutex_unlock(&g.lock);                                                               \
      return ZTS_ERR_SERVICE;                                                                      \
    }                                                                                              \
    stmt;                                                                                          \
    g.dirty = true;                                                                                \
    pthread_mutex_unlock(&g.lock);                                                                 \
  } while (0)

ZTS_API int zts_init_from_storage(const char *path)
{
  if (!path || !*path || strlen(path) >= PATH_CAP)
    return ZTS_ERR_ARG;
  char *copy = strdup(path);
  if (!copy)
    return ZTS_ERR_GENERAL;
  int rc = ZTS_ERR_OK;
  pthread_mutex_lock(&g.lock);
  if (g.running || g.starting) {
    rc = ZTS_ERR_SERVICE;
  } else {
    free(g.home);
    g.home = copy;
    copy = NULL;
    g.have_id = false;
    g.dirty = true;
  }
  pthread_mutex_unlock(&g.lock);
  free(copy);
  return rc;
}

ZTS_API int zts_init_from_memory(const char *key, unsigned int len)
{
  if (!key || len == 0 || len > ZTS_ID_STR_BUF_LEN)
    return ZTS_ERR_ARG;
  char buf[ZTS_ID_STR_BUF_LEN + 1];
  memcpy(buf, key, len);
  buf[len] = 0;
  ztk_identity id;
  if (ztk_identity_from_string(&id, buf) != 0 || !id.has_private || ztk_identity_validate(&id))
    return ZTS_ERR_ARG;
  CONFIGURE({
    g.id = id;
    g.have_id = true;
    free(g.home);
    g.home = NULL;
  });
  return ZTS_ERR_OK;
}

ZTS_API int zts_init_set_event_handler(void (*callback)(void *))
{
  if (!callback)
    return ZTS_ERR_ARG;
  CONFIGURE(g.handler = callback);
  return ZTS_ERR_OK;
}

ZTS_API int zts_init_set_roots(const void *roots_data, unsigned int len)
{
  ztk_world w;
  if (!roots_data || len == 0 || len > ZTK_WORLD_MAX_LEN || ztk_world_parse(&w, roots_data, len) < 0)
    return ZTS_ERR_ARG;
  CONFIGURE({
    memcpy(g.planet, roots_data, len);
    g.planet_len = len;
  });
  return ZTS_ERR_OK;
}

ZTS_API int zts_init_set_planet(const void *planet_data, unsigned int len)
{
  return zts_init_set_roots(planet_data, len);
}

ZTS_API int zts_init_set_port(unsigned short port)
{
  CONFIGURE({
    g.port = port;
    g.port_set = true;
  });
  return ZTS_ERR_OK;
}

/* Compatibility switches without an effect here: validated, and refused while running. */
#define CHECK_ONLY(valid)                                                                          \
  do {                                                                                             \
    if (!(valid))                                                                                  \
      return ZTS_ERR_ARG;                                                                          \
    pthread_mutex_lock(&g.lock);                                                                   \
    bool running_ = g.running;                                                                     \
    pthread_mutex_unlock(&g.lock);                                                                 \
    return running_ ? ZTS_ERR_SERVICE : ZTS_ERR_OK;                                                \
  } while (0)

ZTS_API int zts_init_set_tcp_relay(const char *tcp_relay_addr, unsigned short tcp_relay_port)
{
  CHECK_ONLY(tcp_relay_addr && zts_util_get_ip_family(tcp_relay_addr) > 0 && tcp_relay_port);
}

ZTS_API int zts_init_allow_tcp_relay(int enabled)
{
  CHECK_ONLY(enabled == 0 || enabled == 1);
}

ZTS_API int zts_init_force_tcp_relay(int enabled)
{
  CHECK_ONLY(enabled == 0 || enabled == 1);
}

ZTS_API int zts_init_blacklist_if(const char *prefix, unsigned int len)
{
  CHECK_ONLY(prefix && len > 0 && len <= 16);
}

ZTS_API int zts_init_set_low_bandwidth_mode(int enabled)
{
  CHECK_ONLY(enabled == 0 || enabled == 1);
}

ZTS_API int zts_init_set_random_port_range(unsigned short start_port, unsigned short end_port)
{
  CHECK_ONLY(start_port <= end_port);
}

/* The zts_init_allow_* switches without an effect here (0 or 1). */
#define ALLOW_SWITCH(name)                                                                         \
  ZTS_API int name(unsigned int allowed)                                                           \
  {                                                                                                \
    CHECK_ONLY(allowed <= 1);                                                                      \
  }

ALLOW_SWITCH(zts_init_allow_secondary_port)
ALLOW_SWITCH(zts_init_allow_port_mapping)
ALLOW_SWITCH(zts_init_allow_net_cache)
ALLOW_SWITCH(zts_init_allow_peer_cache)
ALLOW_SWITCH(zts_init_allow_roots_cache)
ALLOW_SWITCH(zts_init_allow_id_cache)

/* ---- start / stop ---- */

/* Whether the storage path holds a planet file. */
static bool home_has_planet(const char *home)
{
  char path[PATH_CAP + 16];
  struct stat st;
  snprintf(path, sizeof path, "%s/planet", home);
  return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Creates g.svc from the configuration (lock held). Returns 0 or a ZTK_E* code. */
static int make_service(void)
{
  ztk_service_config cfg;
  ztk_service_config_init(&cfg);
  cfg.home = g.home;
  cfg.identity = g.have_id ? &g.id : NULL;
  cfg.planet = g.planet_len ? g.planet : NULL;
  cfg.planet_len = g.planet_len;
  cfg.port = g.port_taken ? 0 : g.port;
  /* A private planet means a private setup: let it work on one machine too. */
  cfg.allow_loopback_paths = g.planet_len > 0 || (g.home && home_has_planet(g.home));
  /* libzt's activity window (30 s) rather than ZeroTier's. */
  cfg.peer_activity_timeout_ms = 30000;
  cfg.event = zts_ev_deliver;
  cfg.event_queue_max = 4096;
  return ztk_service_new(&g.svc, &cfg);
}

/* Frees the service (not running, lock held; released meanwhile). */
static void drop_service(void)
{
  ztk_service *svc = g.svc;
  g.svc = NULL;
  g.ns = NULL;
  pthread_mutex_unlock(&g.lock);
  zts_fd_close_all();
  ztk_service_free(svc);
  pthread_mutex_lock(&g.lock);
}

/* Starts svc (netstack first). On failure the node is marked not running again. Returns 0
 * or a ZTK_E* code. */
static int start_service(ztk_service *svc)
{
  ztk_netstack *ns = NULL;
  int rc = ztk_service_netstack(svc, &ns);
  if (rc)
    return rc;
  /* Running from here, so the event handler can query the node from its first event. */
  pthread_mutex_lock(&g.lock);
  g.ns = ns;
  g.running = true;
  pthread_mutex_unlock(&g.lock);
  rc = ztk_service_start(svc);
  if (rc) {
    pthread_mutex_lock(&g.lock);
    g.running = false;
    pthread_mutex_unlock(&g.lock);
  }
  return rc;
}

ZTS_API int zts_node_start(void)
{
  pthread_mutex_lock(&g.lock);
  if (g.running || g.starting) {
    pthread_mutex_unlock(&g.lock);
    return ZTS_ERR_SERVICE;
  }
  g.starting = true;
  if (g.svc && g.dirty)
    drop_service();
  int rc = g.svc ? 0 : make_service();
  g.dirty = false;
  ztk_service *svc = g.svc;
  pthread_mutex_unlock(&g.lock);
  zts_ev_reset();
  if (rc == 0)
    rc = start_service(svc);
  if (rc == ZTK_EEXIST) {
    /* As zerotier-one: the default port is taken, so take a free one (kept from now on). */
    pthread_mutex_lock(&g.lock);
    if (!g.port_set && !g.port_taken) {
      g.port_taken = true;
      drop_service();
      rc = make_service();
    }
    svc = g.svc;
    pthread_mutex_unlock(&g.lock);
    if (rc == 0 && svc)
      rc = start_service(svc);
  }
  pthread_mutex_lock(&g.lock);
  g.starting = false;
  pthread_mutex_unlock(&g.lock);
  return rc ? ZTS_ERR_SERVICE : ZTS_ERR_OK;
}

ZTS_API int zts_node_stop(void)
{
  pthread_mutex_lock(&g.lock);
  ztk_service *svc = g.running ? g.svc : NULL;
  g.running = false;
  pthread_mutex_unlock(&g.lock);
  if (!svc)
    return ZTS_ERR_SERVICE;
  int rc = ztk_service_stop(svc);
  if (rc == ZTK_EINVAL) { /* from the event handler: it cannot wait for itself */
    pthread_mutex_lock(&g.lock);
    g.running = true;
    pthread_mutex_unlock(&g.lock);
    return ZTS_ERR_SERVICE;
  }
  return ZTS_ERR_OK;
}

ZTS_API int zts_node_free(void)
{
  zts_node_stop();
  pthread_mutex_lock(&g.lock);
  if (g.svc)
    drop_service();
  free(g.home);
  g.home = NULL;
  g.have_id = false;
  memset(&g.id, 0, sizeof g.id);
  g.planet_len = 0;
  g.port = ZTK_SERVICE_DEFAULT_PORT;
  g.port_set = g.port_taken = false;
  g.handler = NULL;
  g.dirty = false;
  pthread_mutex_unlock(&g.lock);
  return ZTS_ERR_OK;
}

ZTS_API int zts_node_is_online(void)
{
  ztk_service *svc;
  if (!zts_dn_get(&svc, NULL))
    return 0;
  ztk_node_status st;
  return ztk_service_status(svc, &st) == 0 && st.online;
}

ZTS_API uint64_t zts_node_get_id(void)
{
  ztk_service *svc;
  ztk_node_status st;
  if (!zts_dn_get(&svc, NULL) || ztk_service_status(svc, &st))
    return 0;
  return st.address;
}

/* The running node's identity with its secret (fn runs under the service lock). */
static int copy_identity(ztk_node *node, int64_t now, void *arg)
{
  (void)now;
  *(ztk_identity *)arg = *ztk_node_identity(node);
  return 0;
}

ZTS_API int zts_node_get_id_pair(char *key, unsigned int *key_dst_len)
{
  if (!key || !key_dst_len || *key_dst_len == 0)
    return ZTS_ERR_ARG;
  ztk_service *svc;
  if (!zts_dn_get(&svc, NULL))
    return ZTS_ERR_SERVICE;
  ztk_identity id;
  if (ztk_service_call(svc, copy_identity, &id))
    return ZTS_ERR_SERVICE;
  int n = ztk_identity_to_string(&id, true, key, *key_dst_len);
  memset(&id, 0, sizeof id);
  if (n < 0)
    return ZTS_ERR_ARG;
  *key_dst_len = (unsigned)n;
  return ZTS_ERR_OK;
}

ZTS_API int zts_node_get_port(void)
{
  ztk_service *svc;
  if (!zts_dn_get(&svc, NULL))
    return ZTS_ERR_SERVICE;
  int port = ztk_service_port(svc);
  return port < 0 ? ZTS_ERR_SERVICE : port;
}

ZTS_API int zts_moon_orbit(uint64_t moon_roots_id, uint64_t moon_seed)
{
  ztk_service *svc;
  if (moon_roots_id == 0)
    return ZTS_ERR_ARG;
  if (!zts_dn_get(&svc, NULL))
    return ZTS_ERR_SERVICE;
  int rc = ztk_service_orbit(svc, moon_roots_id, moon_seed);
  return rc == 0 ? ZTS_ERR_OK : rc == ZTK_ESTATE ? ZTS_ERR_SERVICE : ZTS_ERR_ARG;
}

ZTS_API int zts_moon_deorbit(uint64_t moon_roots_id)
{
  ztk_service *svc;
  if (moon_roots_id == 0)
    return ZTS_ERR_ARG;
  if (!zts_dn_get(&svc, NULL))
    return ZTS_ERR_SERVICE;
  int rc = ztk_service_deorbit(svc, moon_roots_id);
  return rc == 0 ? ZTS_ERR_OK : rc == ZTK_ESTATE ? ZTS_ERR_SERVICE : ZTS_ERR_NO_RESULT;
}
