#include "tools/node/cli.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/util/inaddr.h"
#include "core/world/world.h"
#include "runtime/files.h"
#include "runtime/httpd.h"

/* ---- signals ---- */

static sigset_t stop_signals;
static volatile sig_atomic_t stopped;

void cli_signals_init(void)
{
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
}

bool cli_sleep(int ms)
{
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
  if (stopped)
    return true;
  int sig = sigtimedwait(&stop_signals, NULL, &ts);
  if (sig == SIGINT || sig == SIGTERM)
    stopped = 1;
  return stopped;
}

int64_t cli_mono_us(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* ---- output ---- */

void cli_emit_json(json_t *obj)
{
  char *s = obj ? json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
  if (s) {
    /* One locked write per line: the event thread and the main thread both print, and two
     * separate calls let their lines interleave ("{...}{...}\n\n"). */
    flockfile(stdout);
    fputs(s, stdout);
    fputc('\n', stdout);
    fflush(stdout);
    funlockfile(stdout);
    free(s);
  }
  json_decref(obj);
}

void cli_printf(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  fflush(stdout);
}

void cli_format_address(ztk_address a, char out[11])
{
  snprintf(out, 11, "%010llx", (unsigned long long)(a & 0xffffffffffull));
}

void cli_format_sockaddr(const struct sockaddr_storage *ss, char *out, size_t cap)
{
  ztk_inaddr a;
  char buf[ZTK_INADDR_STRLEN];
  if (ztk_inaddr_from_sockaddr(&a, (const struct sockaddr *)ss) != 0) {
    snprintf(out, cap, "-");
    return;
  }
  ztk_inaddr_format(&a, buf);
  snprintf(out, cap, "%s", buf);
}

const char *cli_role_name(ztk_peer_role role)
{
  return role == ZTK_PEER_PLANET ? "PLANET" : role == ZTK_PEER_MOON ? "MOON" : "LEAF";
}

static void version_text(const ztk_peer_info *pi, char *out, size_t cap)
{
  if (pi->version_major < 0)
    snprintf(out, cap, "-");
  else
    snprintf(out, cap, "%d.%d.%d", pi->version_major, pi->version_minor, pi->version_rev);
}

json_t *cli_peer_json(const ztk_peer_info *pi)
{
  char addr[11], ver[32], where[ZTK_INADDR_STRLEN];
  cli_format_address(pi->address, addr);
  version_text(pi, ver, sizeof ver);
  json_t *paths = json_array();
  for (int i = 0; i < pi->path_count; i++) {
    const ztk_path_info *p = &pi->paths[i];
    cli_format_sockaddr(&p->addr, where, sizeof where);
    json_array_append_new(paths, json_pack("{s:s, s:i, s:b, s:b}", "address", where,
                                           "latency", p->latency_ms, "alive", p->alive,
                                           "preferred", p->preferred));
  }
  return json_pack("{s:s, s:s, s:s, s:i, s:b, s:o}", "address", addr, "role",
                   cli_role_name(pi->role), "version", ver, "latency", pi->latency_ms,
                   "direct", pi->direct, "paths", paths);
}

void cli_peer_text(const ztk_peer_info *pi, char *out, size_t cap)
{
  char addr[11], ver[32], where[ZTK_INADDR_STRLEN] = "-";
  cli_format_address(pi->address, addr);
  version_text(pi, ver, sizeof ver);
  for (int i = 0; i < pi->path_count; i++)
    if (pi->paths[i].preferred || i == 0)
      cli_format_sockaddr(&pi->paths[i].addr, where, sizeof where);
  snprintf(out, cap, "%s %-6s %-8s %-22s latency %d ms%s", addr, cli_role_name(pi->role), ver,
           pi->path_count ? where : "(relayed)", pi->latency_ms,
           pi->direct ? "" : " (no direct path)");
}

/* ---- argument parsing ---- */

int cli_usage_error(node_cli *cli, const char *cmd, const char *fmt, ...)
{
  va_list ap;
  fprintf(stderr, "%s %s: ", cli->prog, cmd);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\n(see '%s help')\n", cli->prog);
  return CLI_USAGE;
}

bool cli_parse_address(node_cli *cli, const char *s, ztk_address *out)
{
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 16);
  if (strlen(s) != 10 || *end || errno || ztk_address_reserved(v)) {
    fprintf(stderr, "%s: '%s' is not a ZeroTier address (10 hex digits)\n", cli->prog, s);
    return false;
  }
  *out = v;
  return true;
}

bool cli_parse_nwid(node_cli *cli, const char *s, ztk_nwid *out)
{
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 16);
  if (strlen(s) != 16 || *end || errno || !v) {
    fprintf(stderr, "%s: '%s' is not a network id (16 hex digits)\n", cli->prog, s);
    return false;
  }
  *out = v;
  return true;
}

void cli_format_nwid(ztk_nwid nwid, char out[17])
{
  snprintf(out, 17, "%016llx", (unsigned long long)nwid);
}

bool cli_parse_u64(node_cli *cli, const char *what, const char *s, uint64_t *out)
{
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 0);
  if (!*s || *end || errno || *s == '-') {
    fprintf(stderr, "%s: bad %s '%s' (a number, decimal or 0x hex)\n", cli->prog, what, s);
    return false;
  }
  *out = v;
  return true;
}

bool cli_parse_int(node_cli *cli, const char *what, const char *s, long min, long max, long *out)
{
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (!*s || *end || errno || v < min || v > max) {
    fprintf(stderr, "%s: bad %s '%s' (a number from %ld to %ld)\n", cli->prog, what, s, min,
            max);
    return false;
  }
  *out = v;
  return true;
}

int cli_option_int(node_cli *cli, int argc, char **argv, int *i, const char *name, long min,
                   long max, long *out)
{
  if (strcmp(argv[*i], name) != 0)
    return 0;
  if (*i + 1 >= argc) {
    fprintf(stderr, "%s: %s needs a value\n", cli->prog, name);
    return -1;
  }
  (*i)++;
  return cli_parse_int(cli, name, argv[*i], min, max, out) ? 1 : -1;
}

/* ---- the service ---- */

static void on_service_event(void *user, const ztk_event *ev)
{
  node_cli *cli = user;
  if (ev->type == ZTK_EVENT_TRACE) {
    char line[512];
    int n = snprintf(line, sizeof line, "trace: %.*s\n", (int)ev->len, (const char *)ev->data);
    fwrite(line, 1, n < (int)sizeof line ? (size_t)n : sizeof line - 1, stderr); /* one write */
    return;
  }
  if (cli->on_event)
    cli->on_event(cli, ev);
}

static int load_planet(node_cli *cli, uint8_t **data, size_t *len)
{
  ztk_world w;
  int rc = ztk_read_file(cli->planet_file, data, len, ZTK_WORLD_MAX_LEN);
  if (rc) {
    fprintf(stderr, "%s: cannot read planet file %s: %s\n", cli->prog, cli->planet_file,
            rc == ZTK_ERANGE ? "too large" : strerror(errno ? errno : EIO));
    return CLI_ERROR;
  }
  rc = ztk_world_parse(&w, *data, *len);
  if (rc >= 0 && w.type != ZTK_WORLD_PLANET)
    rc = ZTK_EWORLD_TYPE;
  if (rc < 0) {
    fprintf(stderr, "%s: %s is not a valid planet: %s\n", cli->prog, cli->planet_file,
            ztk_strerror(rc));
    free(*data);
    *data = NULL;
    return CLI_ERROR;
  }
  return CLI_OK;
}

static int start_api(node_cli *cli)
{
  char err[512];
  ztk_httpd_config hc = {0, NULL, cli->controller};
  int rc = ztk_httpd_start(&cli->api, cli->svc, &hc, err, sizeof err);
  if (rc && cli->api_required) {
    fprintf(stderr, "%s: %s\n", cli->prog, err[0] ? err : ztk_strerror(rc));
    cli_stop(cli);
    return CLI_ERROR;
  }
  if (rc)
    fprintf(stderr, "%s: warning: the local API is not served: %s\n", cli->prog,
            err[0] ? err : ztk_strerror(rc));
  return CLI_OK;
}

int cli_start(node_cli *cli, bool force_upstream)
{
  ztk_service_config cfg;
  uint8_t *planet = NULL;
  size_t planet_len = 0;
  char err[512];
  if (cli->planet_file && load_planet(cli, &planet, &planet_len))
    return CLI_ERROR;
  ztk_service_config_init(&cfg);
  cfg.home = cli->home;
  cfg.port = cli->port;
  cfg.planet = planet;
  cfg.planet_len = planet_len;
  cfg.allow_loopback_paths = cli->allow_loopback;
  cfg.force_upstream = force_upstream;
  cfg.trace = cli->trace;
  cfg.event = on_service_event;
  cfg.user = cli;
  int rc = ztk_service_new(&cli->svc, &cfg);
  free(planet);
  if (rc == 0 && (rc = ztk_service_start(cli->svc)) != 0) {
    ztk_service_error(cli->svc, err, sizeof err);
    fprintf(stderr, "%s: cannot start the node: %s\n", cli->prog, err[0] ? err : ztk_strerror(rc));
    return CLI_ERROR;
  }
  if (rc) {
    fprintf(stderr, "%s: cannot create the service: %s\n", cli->prog, ztk_strerror(rc));
    return CLI_ERROR;
  }
  ztk_service_error(cli->svc, err, sizeof err);
  if (err[0])
    fprintf(stderr, "%s: warning: %s\n", cli->prog, err);
  return start_api(cli);
}

int cli_start_as(node_cli *cli, bool force_upstream,
                 void (*on_event)(node_cli *cli, const ztk_event *ev), void *cmd,
                 ztk_node_status *st, char addr[11])
{
  cli->on_event = on_event;
  cli->cmd = cmd;
  int rc = cli_start(cli, force_upstream);
  if (rc)
    return rc;
  ztk_service_status(cli->svc, st);
  cli_format_address(st->address, addr);
  return CLI_OK;
}

void cli_stop(node_cli *cli)
{
  ztk_httpd_stop(cli->api);
  cli->api = NULL;
  ztk_service_free(cli->svc); /* stops first: the last events are delivered */
  cli->svc = NULL;
}

int cli_wait_online(node_cli *cli, int timeout_ms)
{
  int64_t end = cli_mono_us() + (int64_t)timeout_ms * 1000;
  for (;;) {
    if (ztk_service_wait_online(cli->svc, 200) == 0)
      return 1;
    if (cli_sleep(0))
      return -1;
    if (cli_mono_us() >= end)
      return 0;
  }
}
