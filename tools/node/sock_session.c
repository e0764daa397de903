#include "tools/node/sock_session.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <string.h>

#define WAIT_STEP_MS 200

void sock_session_init(sock_session *ss, FILE *out)
{
  memset(ss, 0, sizeof *ss);
  ss->timeout_s = SOCK_DEFAULT_TIMEOUT_S;
  ss->out = out;
}

int sock_option(node_cli *cli, int argc, char **argv, int *i, sock_session *ss)
{
  if (!strcmp(argv[*i], "--net")) {
    if (*i + 1 >= argc) {
      fprintf(stderr, "%s: --net needs a value\n", cli->prog);
      return -1;
    }
    return cli_parse_nwid(cli, argv[++*i], &ss->nwid) ? 1 : -1;
  }
  return cli_option_int(cli, argc, argv, i, "--timeout", 1, 86400, &ss->timeout_s);
}

void sock_status(node_cli *cli, sock_session *ss, json_t *obj, const char *fmt, ...)
{
  if (cli->json) {
    char *s = obj ? json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    if (s)
      fprintf(ss->out, "%s\n", s);
    free(s);
  } else {
    va_list ap;
    va_start(ap, fmt);
    vfprintf(ss->out, fmt, ap);
    va_end(ap);
  }
  json_decref(obj);
  fflush(ss->out);
}

void sock_error(node_cli *cli, const char *cmd, const char *what, int rc)
{
  fprintf(stderr, "%s %s: %s: %s\n", cli->prog, cmd, what, ztk_strerror(rc));
}

/* Network status events that end the wait for an address (callback thread). */
static void sock_event(node_cli *cli, const ztk_event *ev)
{
  sock_session *ss = cli->cmd;
  const char *why = ev->type == ZTK_EVENT_NETWORK_ACCESS_DENIED   ? "access denied"
                    : ev->type == ZTK_EVENT_NETWORK_NOT_FOUND     ? "no such network"
                    : ev->type == ZTK_EVENT_NETWORK_CLIENT_TOO_OLD ? "client too old"
                                                                   : NULL;
  if (why && ev->nwid == ss->nwid && !atomic_exchange(&ss->denied, 1)) {
    char id[17];
    cli_format_nwid(ev->nwid, id);
    fprintf(stderr, "%s: network %s: %s (waiting for the controller to change that)\n",
            cli->prog, id, why);
  }
}

/* Waits for an address of family; returns CLI_OK or CLI_FAILED (printed). */
static int wait_address(node_cli *cli, const char *cmd, sock_session *ss, int family)
{
  int64_t end = cli_mono_us() + (int64_t)ss->timeout_s * 1000000;
  for (;;) {
    int rc = ztk_netstack_wait_address(ss->ns, ss->nwid, family, WAIT_STEP_MS, NULL);
    if (rc == 0)
      return CLI_OK;
    if (rc != ZTK_ETIMEDOUT) {
      sock_error(cli, cmd, "waiting for an address", rc);
      return CLI_FAILED;
    }
    if (cli_sleep(0))
      return CLI_FAILED;
    if (cli_mono_us() >= end) {
      fprintf(stderr, "%s %s: no %saddress on the network within %ld s%s\n", cli->prog, cmd,
              family == AF_INET ? "IPv4 " : family == AF_INET6 ? "IPv6 " : "", ss->timeout_s,
              atomic_load(&ss->denied) ? " (access denied)" : "");
      return CLI_FAILED;
    }
  }
}

static void print_ready(node_cli *cli, sock_session *ss)
{
  char id[17], text[64], line[SOCK_MAX_ADDRS * 64] = "";
  json_t *arr = json_array();
  for (int i = 0; i < ss->naddrs; i++) {
    cli_format_sockaddr(&ss->addrs[i], text, sizeof text);
    json_array_append_new(arr, json_string(text));
    size_t used = strlen(line);
    snprintf(line + used, sizeof line - used, "%s%s", used ? " " : "", text);
  }
  cli_format_nwid(ss->nwid, id);
  ztk_node_status st;
  char addr[11];
  ztk_service_status(cli->svc, &st);
  cli_format_address(st.address, addr);
  sock_status(cli, ss, json_pack("{s:s, s:s, s:s, s:o}", "event", "ready", "address", addr, "nwid",
                                 id, "addresses", arr),
              "ready %s on %s: %s\n", addr, id, line);
}

int sock_begin(node_cli *cli, const char *cmd, sock_session *ss, int family)
{
  if (!ss->nwid)
    return cli_usage_error(cli, cmd, "which network? (--net NWID)");
  cli->on_event = sock_event;
  cli->cmd = ss;
  int rc = cli_start(cli, false);
  if (rc)
    return rc;
  if ((rc = ztk_service_netstack(cli->svc, &ss->ns)) || (rc = ztk_service_join(cli->svc, ss->nwid))) {
    sock_error(cli, cmd, "cannot join", rc);
    return CLI_ERROR;
  }
  if ((rc = wait_address(cli, cmd, ss, family)))
    return rc;
  int n = ztk_netstack_addresses(ss->ns, ss->nwid, ss->addrs, SOCK_MAX_ADDRS);
  ss->naddrs = n < 0 ? 0 : n > SOCK_MAX_ADDRS ? SOCK_MAX_ADDRS : n;
  print_ready(cli, ss);
  return CLI_OK;
}

void sock_end(node_cli *cli, sock_session *ss)
{
  if (cli->svc && ss->nwid)
    ztk_service_leave(cli->svc, ss->nwid);
  cli_stop(cli);
}

bool sock_parse_port(node_cli *cli, const char *s, uint16_t *out)
{
  long v;
  if (!cli_parse_int(cli, "port", s, 1, 65535, &v))
    return false;
  *out = (uint16_t)v;
  return true;
}

bool sock_parse_addr(node_cli *cli, const char *ip, const char *port, bool allow_zero,
                     struct sockaddr_storage *out)
{
  long p;
  memset(out, 0, sizeof *out);
  struct sockaddr_in *a4 = (struct sockaddr_in *)out;
  struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)out;
  if (inet_pton(AF_INET, ip, &a4->sin_addr) == 1) {
    a4->sin_family = AF_INET;
  } else if (inet_pton(AF_INET6, ip, &a6->sin6_addr) == 1) {
    a6->sin6_family = AF_INET6;
  } else {
    fprintf(stderr, "%s: '%s' is not an IPv4 or IPv6 address\n", cli->prog, ip);
    return false;
  }
  if (!cli_parse_int(cli, "port", port, allow_zero ? 0 : 1, 65535, &p))
    return false;
  if (out->ss_family == AF_INET)
    a4->sin_port = htons((uint16_t)p);
  else
    a6->sin6_port = htons((uint16_t)p);
  return true;
}

socklen_t sock_len(const struct sockaddr_storage *ss)
{
  return ss->ss_family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
}

void sock_format_endpoint(const struct sockaddr_storage *ss, char *out, size_t cap)
{
  char ip[INET6_ADDRSTRLEN] = "?";
  if (ss->ss_family == AF_INET) {
    const struct sockaddr_in *a = (const struct sockaddr_in *)ss;
    inet_ntop(AF_INET, &a->sin_addr, ip, sizeof ip);
    snprintf(out, cap, "%s:%u", ip, ntohs(a->sin_port));
  } else {
    const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)ss;
    inet_ntop(AF_INET6, &a->sin6_addr, ip, sizeof ip);
    snprintf(out, cap, "[%s]:%u", ip, ntohs(a->sin6_port));
  }
}

int sock_open_bound(sock_session *ss, int family, ztk_sock_type type, uint16_t port,
                    ztk_socket **out)
{
  struct sockaddr_storage any;
  memset(&any, 0, sizeof any);
  any.ss_family = (sa_family_t)family;
  if (family == AF_INET)
    ((struct sockaddr_in *)&any)->sin_port = htons(port);
  else
    ((struct sockaddr_in6 *)&any)->sin6_port = htons(port);
  int rc = ztk_socket_open(out, ss->ns, family, type);
  if (rc)
    return rc;
  if ((rc = ztk_socket_bind(*out, (struct sockaddr *)&any, sock_len(&any)))) {
    ztk_socket_close(*out);
    *out = NULL;
  }
  return rc;
}

int sock_open_both(node_cli *cli, const char *cmd, sock_session *ss, ztk_sock_type type,
                   uint16_t port, ztk_pollitem items[2])
{
  int n = 0;
  memset(items, 0, 2 * sizeof *items);
  for (int f = 0; f < 2; f++) {
    int family = f ? AF_INET6 : AF_INET, rc = sock_open_bound(ss, family, type, port, &items[n].s);
    if (rc == 0 && type == ZTK_SOCK_STREAM && (rc = ztk_socket_listen(items[n].s, 0)) != 0)
      ztk_socket_close(items[n].s);
    if (rc)
      sock_error(cli, cmd, f ? "IPv6" : "IPv4", rc);
    else
      items[n++].events = ZTK_SOCK_EV_IN;
  }
  return n;
}

/* ---- meters ---- */

void sock_meter_start(sock_meter *m)
{
  m->start_us = m->last_progress_us = cli_mono_us();
  atomic_store(&m->in, 0);
  atomic_store(&m->out, 0);
  m->sha_in = EVP_MD_CTX_new();
  if (m->sha_in && EVP_DigestInit_ex(m->sha_in, EVP_sha256(), NULL) != 1) {
    EVP_MD_CTX_free(m->sha_in);
    m->sha_in = NULL;
  }
}

void sock_meter_drop(sock_meter *m)
{
  EVP_MD_CTX_free(m->sha_in);
  m->sha_in = NULL;
}

void sock_meter_received(sock_meter *m, const void *data, size_t len)
{
  if (m->sha_in && EVP_DigestUpdate(m->sha_in, data, len) != 1)
    sock_meter_drop(m);
  atomic_fetch_add(&m->in, len);
}

void sock_meter_sent(sock_meter *m, size_t len)
{
  atomic_fetch_add(&m->out, len);
}

static double mb_per_s(uint64_t bytes, int64_t us)
{
  return us > 0 ? (double)bytes / (double)us : 0.0; /* bytes per microsecond = MB/s */
}

void sock_meter_progress(node_cli *cli, sock_session *ss, sock_meter *m, const char *who)
{
  int64_t now = cli_mono_us();
  if (now - m->last_progress_us < 1000000)
    return;
  m->last_progress_us = now;
  uint64_t in = atomic_load(&m->in), out = atomic_load(&m->out);
  double secs = (double)(now - m->start_us) / 1e6, rate = mb_per_s(in + out, now - m->start_us);
  sock_status(cli, ss,
              json_pack("{s:s, s:s, s:I, s:I, s:f, s:f}", "event", "progress", "peer", who,
                        "received", (json_int_t)in, "sent", (json_int_t)out, "seconds", secs,
                        "MBps", rate),
              "progress %s: received %.1f MiB, sent %.1f MiB in %.1f s (%.1f MB/s)\n", who,
              (double)in / 1048576.0, (double)out / 1048576.0, secs, rate);
}

void sock_meter_done(node_cli *cli, sock_session *ss, sock_meter *m, const char *who,
                     json_t *extra, char hex[65])
{
  uint8_t sha[EVP_MAX_MD_SIZE];
  unsigned shalen = 0;
  int64_t us = cli_mono_us() - m->start_us;
  uint64_t in = atomic_load(&m->in), out = atomic_load(&m->out);
  if (m->sha_in && EVP_DigestFinal_ex(m->sha_in, sha, &shalen) == 1 && shalen == 32)
    sodium_bin2hex(hex, 65, sha, shalen);
  else
    snprintf(hex, 65, "unavailable");
  sock_meter_drop(m);
  json_t *o = json_pack("{s:s, s:s, s:I, s:I, s:f, s:f, s:s}", "event", "done", "peer", who,
                        "received", (json_int_t)in, "sent", (json_int_t)out, "seconds",
                        (double)us / 1e6, "MBps", mb_per_s(in + out, us), "sha256", hex);
  json_object_update(o, extra);
  json_decref(extra);
  sock_status(cli, ss, o, "done %s: received %llu bytes, sent %llu bytes in %.2f s (%.1f MB/s), "
              "sha256 of received %s\n", who, (unsigned long long)in, (unsigned long long)out,
              (double)us / 1e6, mb_per_s(in + out, us), hex);
}
