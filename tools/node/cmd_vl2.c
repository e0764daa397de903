/* ztk-node's virtual-network and service commands: controller, join (a member with the core
 * responder), and networks / peers (clients of a running node's local API, like zerotier-cli). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util/inaddr.h"
#include "runtime/authtoken.h"
#include "runtime/files.h"
#include "runtime/httpc.h"
#include "runtime/httpd.h"
#include "tools/node/cli.h"

#define API_TIMEOUT_MS 10000
#define DEFAULT_UDP_ECHO_PORT 7
#define JOIN_MAX_NETWORKS 64 /* the node's limit (core/node/network.h) */

/* ---- shared ---- */

static void format_nwid(ztk_nwid nwid, char out[17])
{
  snprintf(out, 17, "%016llx", (unsigned long long)nwid);
}

static bool parse_nwid(node_cli *cli, const char *s, ztk_nwid *out)
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

/* The start line of a long-running command: address, ports, where the API's token is. */
static void start_line(node_cli *cli, const char *what, const ztk_node_status *st, json_t *extra)
{
  char addr[11];
  cli_format_address(st->address, addr);
  int port = ztk_service_port(cli->svc), api = cli->api ? ztk_httpd_port(cli->api) : -1;
  const char *token = cli->api ? ztk_httpd_token_path(cli->api) : "";
  if (cli->json) {
    json_t *o = json_pack("{s:s, s:s, s:i, s:i, s:s, s:b}", "event", "start", "address", addr,
                          "port", port, "apiPort", api, "authtoken", token, "online", st->online);
    json_object_update(o, extra);
    cli_emit_json(o);
  } else {
    cli_printf("%s %s on UDP port %d; local API on 127.0.0.1:%d (token in %s)\n", what, addr, port,
               api, token);
  }
  json_decref(extra);
}

static void simple_event(node_cli *cli, const char *what)
{
  if (cli->json)
    cli_emit_json(json_pack("{s:s}", "event", what));
  else
    cli_printf("%s\n", what);
}

/* Runs until SIGINT/SIGTERM. */
static void serve_until_signal(void)
{
  while (!cli_sleep(1000)) {
  }
}

/* ---- controller ---- */

static void controller_event(node_cli *cli, const ztk_event *ev)
{
  if (ev->type == ZTK_EVENT_NODE_ONLINE || ev->type == ZTK_EVENT_NODE_OFFLINE)
    simple_event(cli, ev->type == ZTK_EVENT_NODE_ONLINE ? "online" : "offline");
}

static int cmd_controller(node_cli *cli, int argc, char **argv)
{
  if (argc > 1)
    return cli_usage_error(cli, argv[0], "unexpected argument '%s'", argv[1]);
  ztk_node_status st;
  char addr[11];
  cli->controller = cli->api_required = true;
  int rc = cli_start_as(cli, false, controller_event, NULL, &st, addr);
  if (rc)
    return rc;
  start_line(cli, "controller", &st, json_pack("{s:b}", "controller", 1));
  serve_until_signal();
  cli_stop(cli);
  simple_event(cli, "stop");
  return CLI_OK;
}

/* ---- join ---- */

typedef struct join_state {
  ztk_nwid nwid;
  uint16_t echo_port;
  bool responder_pending; /* service thread only (hooks) */
  pthread_mutex_t m;
  bool ok;                /* a config arrived */
  struct {                /* the addresses last printed per network (callback thread) */
    ztk_nwid nwid;
    char addrs[1024];
  } printed[JOIN_MAX_NETWORKS];
  int nprinted;
} join_state;

/* The addresses last printed for nwid (a new slot when there is room, else the last one). */
static char *printed_addrs(join_state *j, ztk_nwid nwid)
{
  for (int i = 0; i < j->nprinted; i++)
    if (j->printed[i].nwid == nwid)
      return j->printed[i].addrs;
  int i = j->nprinted < JOIN_MAX_NETWORKS ? j->nprinted++ : JOIN_MAX_NETWORKS - 1;
  j->printed[i].nwid = nwid;
  j->printed[i].addrs[0] = 0;
  return j->printed[i].addrs;
}

/* Hooks: every joined network gets the core responder (also those joined through the API). */
static void join_node_up(void *user, ztk_node *node, int64_t now)
{
  (void)node, (void)now;
  ((join_state *)user)->responder_pending = true;
}

static void join_hook_event(void *user, ztk_node *node, const ztk_event *ev)
{
  (void)node;
  if (ev->type == ZTK_EVENT_NETWORK_REQUESTING_CONFIG)
    ((join_state *)user)->responder_pending = true;
}

static int64_t join_tick(void *user, ztk_node *node, int64_t now)
{
  join_state *j = user;
  ztk_nwid nets[JOIN_MAX_NETWORKS];
  (void)now;
  if (j->responder_pending) {
    int n = ztk_node_networks(node, nets, JOIN_MAX_NETWORKS);
    for (int i = 0; i < n && i < JOIN_MAX_NETWORKS; i++)
      ztk_node_set_responder(node, nets[i], true, j->echo_port);
    j->responder_pending = false;
  }
  return ZTK_NEVER;
}

static const ztk_service_hooks join_hooks = {
    .node_up = join_node_up, .tick = join_tick, .event = join_hook_event};

typedef struct net_query {
  ztk_nwid nwid;
  ztk_network_info info;
} net_query;

static int query_network(ztk_node *node, int64_t now, void *arg)
{
  net_query *q = arg;
  (void)now;
  return ztk_node_network(node, q->nwid, &q->info);
}

static int join_network(ztk_node *node, int64_t now, void *arg)
{
  return ztk_node_join(node, now, *(const ztk_nwid *)arg);
}

static int leave_network(ztk_node *node, int64_t now, void *arg)
{
  return ztk_node_leave(node, now, *(const ztk_nwid *)arg);
}

static const char *status_name(ztk_event_type t)
{
  switch (t) {
  case ZTK_EVENT_NETWORK_REQUESTING_CONFIG: return "REQUESTING_CONFIGURATION";
  case ZTK_EVENT_NETWORK_OK: return "OK";
  case ZTK_EVENT_NETWORK_ACCESS_DENIED: return "ACCESS_DENIED";
  case ZTK_EVENT_NETWORK_NOT_FOUND: return "NOT_FOUND";
  case ZTK_EVENT_NETWORK_CLIENT_TOO_OLD: return "CLIENT_TOO_OLD";
  case ZTK_EVENT_NETWORK_DOWN: return "DOWN";
  case ZTK_EVENT_NETWORK_AUTH_REQUIRED: return "AUTHENTICATION_REQUIRED";
  default: return NULL;
  }
}

/* The managed addresses once a config is in, printed again only when they change. */
static void print_ready(node_cli *cli, join_state *j, ztk_nwid nwid)
{
  net_query *q = calloc(1, sizeof *q);
  char id[17], text[ZTK_INADDR_STRLEN], joined[sizeof j->printed[0].addrs] = "";
  char *last = printed_addrs(j, nwid);
  if (!q)
    return;
  q->nwid = nwid;
  if (ztk_service_call(cli->svc, query_network, q) == 0) {
    json_t *addrs = json_array();
    for (int i = 0; i < q->info.addr_count; i++) {
      cli_format_sockaddr(&q->info.addrs[i], text, sizeof text);
      json_array_append_new(addrs, json_string(text));
      size_t used = strlen(joined);
      snprintf(joined + used, sizeof joined - used, "%s%s", used ? " " : "", text);
    }
    format_nwid(nwid, id);
    if (strcmp(joined, last) && cli->json)
      cli_emit_json(json_pack("{s:s, s:s, s:s, s:o}", "event", "ready", "nwid", id, "name",
                              q->info.name, "addresses", addrs));
    else if (strcmp(joined, last))
      cli_printf("ready %s (%s): %s\n", id, q->info.name, joined[0] ? joined : "no addresses");
    if (!cli->json || !strcmp(joined, last))
      json_decref(addrs);
    snprintf(last, sizeof j->printed[0].addrs, "%s", joined);
  }
  free(q);
}

static void print_address_event(node_cli *cli, const ztk_event *ev, const char *id)
{
  bool route = ev->type == ZTK_EVENT_ROUTE_ADDED || ev->type == ZTK_EVENT_ROUTE_REMOVED;
  bool added = ev->type == ZTK_EVENT_ADDR_ADDED || ev->type == ZTK_EVENT_ROUTE_ADDED;
  char what[32], a[ZTK_INADDR_STRLEN], via[ZTK_INADDR_STRLEN] = "";
  snprintf(what, sizeof what, "%s-%s", route ? "route" : "address", added ? "added" : "removed");
  cli_format_sockaddr(&ev->addr, a, sizeof a);
  if (route && ev->via.ss_family)
    cli_format_sockaddr(&ev->via, via, sizeof via);
  char *slash = strrchr(via, '/'); /* a gateway has no port */
  if (slash)
    *slash = 0;
  if (cli->json) {
    json_t *o = json_pack("{s:s, s:s, s:s}", "event", what, "nwid", id, route ? "target" : "address", a);
    if (route)
      json_object_set_new(o, "via", via[0] ? json_string(via) : json_null());
    cli_emit_json(o);
  } else {
    cli_printf("%s %s %s%s%s\n", what, id, a, via[0] ? " via " : "", via);
  }
}

static void print_message(node_cli *cli, const ztk_event *ev)
{
  char addr[11];
  cli_format_address(ev->peer, addr);
  if (cli->json) {
    json_t *o = json_pack("{s:s, s:s, s:I, s:i}", "event", "message", "peer", addr, "type",
                          (json_int_t)ev->user_type, "len", (int)ev->len);
    json_t *text = json_stringn(ev->data, ev->len); /* NULL unless UTF-8 */
    json_object_set_new(o, "text", text ? text : json_null());
    cli_emit_json(o);
  } else
    cli_printf("message from %s type 0x%llx: %.*s\n", addr, (unsigned long long)ev->user_type,
               (int)ev->len, (const char *)ev->data);
}

static void join_event(node_cli *cli, const ztk_event *ev)
{
  join_state *j = cli->cmd;
  char id[17];
  format_nwid(ev->nwid, id);
  const char *status = status_name(ev->type);
  if (status && cli->json)
    cli_emit_json(json_pack("{s:s, s:s, s:s}", "event", "network", "nwid", id, "status", status));
  else if (status)
    cli_printf("network %s %s\n", id, status);
  if (ev->type >= ZTK_EVENT_ADDR_ADDED && ev->type <= ZTK_EVENT_ROUTE_REMOVED)
    print_address_event(cli, ev, id);
  else if (ev->type == ZTK_EVENT_USER_MESSAGE)
    print_message(cli, ev);
  else if (ev->type == ZTK_EVENT_NODE_ONLINE || ev->type == ZTK_EVENT_NODE_OFFLINE)
    simple_event(cli, ev->type == ZTK_EVENT_NODE_ONLINE ? "online" : "offline");
  if (ev->type == ZTK_EVENT_NETWORK_OK)
    print_ready(cli, j, ev->nwid);
  if (ev->type == ZTK_EVENT_NETWORK_OK && ev->nwid == j->nwid) {
    pthread_mutex_lock(&j->m);
    j->ok = true;
    pthread_mutex_unlock(&j->m);
  }
}

static bool join_ok(join_state *j)
{
  pthread_mutex_lock(&j->m);
  bool ok = j->ok;
  pthread_mutex_unlock(&j->m);
  return ok;
}

static int join_args(node_cli *cli, int argc, char **argv, join_state *j, long *timeout)
{
  long echo = DEFAULT_UDP_ECHO_PORT;
  bool have = false;
  for (int i = 1; i < argc; i++) {
    int r = cli_option_int(cli, argc, argv, &i, "--udp-echo", 0, 65535, &echo);
    if (r == 0)
      r = cli_option_int(cli, argc, argv, &i, "--timeout", 1, 1000000, timeout);
    if (r < 0)
      return CLI_USAGE;
    if (r > 0)
      continue;
    if (have || argv[i][0] == '-')
      return cli_usage_error(cli, argv[0], "unexpected argument '%s'", argv[i]);
    if (!parse_nwid(cli, argv[i], &j->nwid))
      return CLI_USAGE;
    have = true;
  }
  j->echo_port = (uint16_t)echo;
  return have ? CLI_OK : cli_usage_error(cli, argv[0], "which network? (NWID)");
}

/* Serves until a signal (or, with a timeout, until the config is late); leaves at the end. */
static int join_serve(node_cli *cli, join_state *j, long timeout)
{
  int64_t end = cli_mono_us() + (int64_t)timeout * 1000000;
  bool late = false;
  while (!cli_sleep(200)) {
    if (timeout && !join_ok(j) && cli_mono_us() >= end) {
      late = true;
      fprintf(stderr, "%s join: no configuration within %ld s\n", cli->prog, timeout);
      break;
    }
  }
  ztk_service_call(cli->svc, leave_network, &j->nwid);
  ztk_service_remove_hooks(cli->svc, &join_hooks, j);
  return late ? CLI_FAILED : CLI_OK;
}

static int cmd_join(node_cli *cli, int argc, char **argv)
{
  static join_state j = {.m = PTHREAD_MUTEX_INITIALIZER};
  long timeout = 0;
  int rc = join_args(cli, argc, argv, &j, &timeout);
  if (rc)
    return rc;
  ztk_node_status st;
  char addr[11], id[17];
  cli->api_required = true;
  if ((rc = cli_start_as(cli, false, join_event, &j, &st, addr)))
    return rc;
  if ((rc = ztk_service_add_hooks(cli->svc, &join_hooks, &j)) ||
      (rc = ztk_service_call(cli->svc, join_network, &j.nwid))) {
    fprintf(stderr, "%s join: %s\n", cli->prog, ztk_strerror(rc));
    cli_stop(cli);
    return CLI_FAILED;
  }
  format_nwid(j.nwid, id);
  start_line(cli, "member", &st, json_pack("{s:s, s:i}", "nwid", id, "udpEcho", j.echo_port));
  rc = join_serve(cli, &j, timeout);
  cli_stop(cli);
  simple_event(cli, "stop");
  return rc;
}

/* ---- clients of a running node's API ---- */

/* The API port of the node whose home this is: --port if given, else the home's
 * zerotier-one.port (written by the running node), else the default. */
static int api_port(node_cli *cli)
{
  char path[4200], *text = NULL;
  if (cli->port_set)
    return cli->port;
  snprintf(path, sizeof path, "%s/zerotier-one.port", cli->home);
  if (ztk_read_text_file(path, &text, 16))
    return ZTK_SERVICE_DEFAULT_PORT;
  long port = strtol(text, NULL, 10);
  free(text);
  return port > 0 && port <= 65535 ? (int)port : ZTK_SERVICE_DEFAULT_PORT;
}

/* GET path from the running node; *out receives the JSON document of a 200. */
static int api_get(node_cli *cli, const char *cmd, const char *path, json_t **out)
{
  char token[ZTK_AUTHTOKEN_MAX + 1], err[512];
  int rc = ztk_authtoken_load(cli->home, false, token, sizeof token, NULL, 0, err, sizeof err);
  if (rc) {
    fprintf(stderr, "%s %s: %s\n", cli->prog, cmd, err);
    return CLI_FAILED;
  }
  int port = api_port(cli);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ztk_httpc_response r;
  rc = ztk_httpc_request((struct sockaddr *)&a, sizeof a, "GET", path, token, NULL, 0,
                         API_TIMEOUT_MS, &r);
  if (rc) {
    fprintf(stderr, "%s %s: cannot reach the node's API on 127.0.0.1:%d: %s\n", cli->prog, cmd,
            port, rc == ZTK_ESOCK_REFUSED ? "nothing listens (is it running?)" : ztk_strerror(rc));
    return CLI_FAILED;
  }
  *out = r.status == 200 ? json_loads(r.body, JSON_DECODE_ANY, NULL) : NULL;
  if (!*out)
    fprintf(stderr, "%s %s: the API answered %d: %s\n", cli->prog, cmd, r.status, r.body);
  ztk_httpc_response_free(&r);
  return *out ? CLI_OK : CLI_FAILED;
}

static const char *jstr(const json_t *o, const char *key)
{
  const char *s = json_string_value(json_object_get(o, key));
  return s && *s ? s : "-";
}

static void network_line(const json_t *n)
{
  char addrs[1024] = "";
  size_t i;
  const json_t *a;
  json_array_foreach(json_object_get(n, "assignedAddresses"), i, a)
  {
    size_t used = strlen(addrs);
    snprintf(addrs + used, sizeof addrs - used, "%s%s", used ? "," : "", json_string_value(a));
  }
  cli_printf("%s %s %s %s %s %s\n", jstr(n, "nwid"), jstr(n, "name"), jstr(n, "mac"),
             jstr(n, "status"), jstr(n, "type"), addrs[0] ? addrs : "-");
}

static void peer_line(const json_t *p)
{
  const char *where = "-";
  size_t i;
  const json_t *path;
  json_array_foreach(json_object_get(p, "paths"), i, path)
  {
    if (json_is_true(json_object_get(path, "preferred")))
      where = jstr(path, "address");
  }
  cli_printf("%s %s %s %s latency %lld ms\n", jstr(p, "address"), jstr(p, "role"),
             jstr(p, "version"), where, (long long)json_integer_value(json_object_get(p, "latency")));
}

static int list_from_api(node_cli *cli, int argc, char **argv, const char *path,
                         void (*line)(const json_t *))
{
  json_t *doc;
  if (argc > 1)
    return cli_usage_error(cli, argv[0], "unexpected argument '%s'", argv[1]);
  int rc = api_get(cli, argv[0], path, &doc);
  if (rc)
    return rc;
  size_t i;
  json_t *item;
  json_array_foreach(doc, i, item)
  {
    if (cli->json)
      cli_emit_json(json_incref(item));
    else
      line(item);
  }
  json_decref(doc);
  return CLI_OK;
}

static int cmd_networks(node_cli *cli, int argc, char **argv)
{
  return list_from_api(cli, argc, argv, "/network", network_line);
}

static int cmd_peers(node_cli *cli, int argc, char **argv)
{
  return list_from_api(cli, argc, argv, "/peer", peer_line);
}

const node_command node_vl2_commands[] = {
  {"controller", "",
   "run as a network controller serving the local API (create networks, authorize members) "
   "until SIGINT/SIGTERM",
   cmd_controller},
  {"join", "NWID [--udp-echo PORT] [--timeout S]",
   "join a network, print its events and addresses, answer ARP/NDP/ping/UDP echo (port 7) "
   "until SIGINT/SIGTERM, then leave; with --timeout, exit 1 if no config comes in S s",
   cmd_join},
  {"networks", "", "list the networks of the node running in --home (through its local API)",
   cmd_networks},
  {"peers", "", "list the peers of the node running in --home (through its local API)",
   cmd_peers},
  {NULL, NULL, NULL, NULL},
};
