/* ztk-node's TCP commands on the node's own TCP/IP stack: `listen` (echo, sink or serve a file,
 * one thread per connection) and `call` (send stdin or a file, print what comes back). */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tools/node/sock_session.h"

#define CHUNK (64 * 1024)
#define STEP_MS 1000 /* waits are cut into steps to notice signals and ends */
#define LISTEN_MAX_CONNS 64

static atomic_int stopping; /* listen: a signal arrived; threads finish */

/* Sends all of buf, a step at a time, until done, an error, a signal or the idle timeout.
 * Returns 0 or a ZTK_E* code. */
static int send_all(ztk_socket *s, const uint8_t *buf, size_t len, long idle_s, sock_meter *m)
{
  int64_t idle_until = cli_mono_us() + (int64_t)idle_s * 1000000;
  while (len > 0) {
    long r = ztk_socket_send(s, buf, len, STEP_MS);
    if (r == ZTK_EAGAIN && !atomic_load(&stopping) && cli_mono_us() < idle_until)
      continue;
    if (r <= 0)
      return r == ZTK_EAGAIN ? ZTK_ETIMEDOUT : (int)r;
    sock_meter_sent(m, (size_t)r);
    buf += r, len -= (size_t)r;
    idle_until = cli_mono_us() + (int64_t)idle_s * 1000000;
  }
  return 0;
}

/* Sends a whole file (or stream). Returns 0 or a ZTK_E* code (ZTK_EIO: read error). */
static int send_stream(ztk_socket *s, FILE *f, long idle_s, sock_meter *m)
{
  uint8_t *buf = malloc(CHUNK);
  int rc = buf ? 0 : ZTK_ENOMEM;
  while (!rc) {
    size_t n = fread(buf, 1, CHUNK, f);
    if (n > 0)
      rc = send_all(s, buf, n, idle_s, m);
    if (n < CHUNK) {
      rc = rc ? rc : ferror(f) ? ZTK_EIO : 0;
      break;
    }
  }
  free(buf);
  return rc;
}

/* ---- listen ---- */

typedef enum listen_mode { MODE_ECHO, MODE_SINK, MODE_SERVE } listen_mode;

typedef struct listen_opts {
  listen_mode mode;
  const char *file;
  bool once;
  uint16_t port;
} listen_opts;

typedef struct conn {
  node_cli *cli;
  sock_session *ss;
  const listen_opts *opts;
  ztk_socket *s;
  pthread_t thread;
  bool used;
  atomic_bool finished;
  char peer[64];
} conn;

/* Reads until end of stream (echoing in echo mode). Returns 0 or a ZTK_E* code. */
static int conn_read(conn *c, sock_meter *m, uint8_t *buf)
{
  int64_t idle_until = cli_mono_us() + (int64_t)c->ss->timeout_s * 1000000;
  for (;;) {
    long r = ztk_socket_recv(c->s, buf, CHUNK, 0, STEP_MS);
    if (r == ZTK_EAGAIN && !atomic_load(&stopping) && cli_mono_us() < idle_until)
      continue;
    if (r == 0)
      return 0;
    if (r < 0)
      return r == ZTK_EAGAIN ? ZTK_ETIMEDOUT : (int)r;
    idle_until = cli_mono_us() + (int64_t)c->ss->timeout_s * 1000000;
    sock_meter_received(m, buf, (size_t)r);
    int rc = c->opts->mode == MODE_ECHO ? send_all(c->s, buf, (size_t)r, c->ss->timeout_s, m) : 0;
    if (rc)
      return rc;
    sock_meter_progress(c->cli, c->ss, m, c->peer);
  }
}

static int conn_serve_file(conn *c, sock_meter *m)
{
  FILE *f = fopen(c->opts->file, "rb");
  if (!f)
    return ZTK_EIO;
  int rc = send_stream(c->s, f, c->ss->timeout_s, m);
  fclose(f);
  return rc;
}

static void *conn_main(void *arg)
{
  conn *c = arg;
  sock_meter m;
  char hex[65];
  uint8_t *buf = malloc(CHUNK);
  sock_meter_start(&m);
  int rc = buf ? 0 : ZTK_ENOMEM;
  if (!rc && c->opts->mode == MODE_SERVE && !(rc = conn_serve_file(c, &m)))
    rc = ztk_socket_shutdown(c->s, ZTK_SHUT_WR);
  if (!rc)
    rc = conn_read(c, &m, buf);
  if (!rc && c->opts->mode == MODE_ECHO)
    rc = ztk_socket_shutdown(c->s, ZTK_SHUT_WR);
  free(buf);
  sock_meter_done(c->cli, c->ss, &m, c->peer,
                  json_pack("{s:s?}", "error", rc ? ztk_strerror(rc) : NULL), hex);
  if (rc)
    fprintf(stderr, "%s listen: connection from %s: %s\n", c->cli->prog, c->peer, ztk_strerror(rc));
  ztk_socket_close(c->s);
  atomic_store(&c->finished, true);
  return NULL;
}

static int listen_args(node_cli *cli, int argc, char **argv, sock_session *ss, listen_opts *o)
{
  bool have_port = false;
  for (int i = 1; i < argc; i++) {
    int r = sock_option(cli, argc, argv, &i, ss);
    if (r < 0)
      return CLI_USAGE;
    if (r > 0)
      continue;
    if (!strcmp(argv[i], "--sink")) {
      o->mode = MODE_SINK;
    } else if (!strcmp(argv[i], "--serve")) {
      if (i + 1 >= argc)
        return cli_usage_error(cli, argv[0], "--serve needs a file");
      o->mode = MODE_SERVE;
      o->file = argv[++i];
    } else if (!strcmp(argv[i], "--once")) {
      o->once = true;
    } else if (argv[i][0] != '-' && !have_port) {
      if (!sock_parse_port(cli, argv[i], &o->port))
        return CLI_USAGE;
      have_port = true;
    } else {
      return cli_usage_error(cli, argv[0], "unexpected argument '%s'", argv[i]);
    }
  }
  if (o->mode == MODE_SERVE && access(o->file, R_OK) != 0)
    return cli_usage_error(cli, argv[0], "cannot read %s: %s", o->file, strerror(errno));
  return have_port ? CLI_OK : cli_usage_error(cli, argv[0], "which port? (PORT)");
}

/* Joins finished connection threads; returns how many were joined. */
static int reap(conn *conns, bool wait_all)
{
  int n = 0;
  for (int i = 0; i < LISTEN_MAX_CONNS; i++) {
    if (conns[i].used && (wait_all || atomic_load(&conns[i].finished))) {
      pthread_join(conns[i].thread, NULL);
      conns[i].used = false;
      n++;
    }
  }
  return n;
}

/* Accepts one waiting connection on l and starts its thread (or refuses it when full). */
static void accept_one(node_cli *cli, sock_session *ss, const listen_opts *o, ztk_socket *l,
                       conn *conns)
{
  struct sockaddr_storage peer;
  ztk_socket *s;
  if (ztk_socket_accept(l, &s, &peer, 0) != 0)
    return;
  conn *c = NULL;
  for (int i = 0; i < LISTEN_MAX_CONNS && !c; i++)
    c = conns[i].used ? NULL : &conns[i];
  if (!c) {
    fprintf(stderr, "%s listen: %d connections are open: one more refused\n", cli->prog,
            LISTEN_MAX_CONNS);
    ztk_socket_setopt(s, ZTK_SO_LINGER, 0);
    ztk_socket_close(s);
    return;
  }
  *c = (conn){.cli = cli, .ss = ss, .opts = o, .s = s, .used = true};
  sock_format_endpoint(&peer, c->peer, sizeof c->peer);
  sock_status(cli, ss, json_pack("{s:s, s:s}", "event", "accepted", "peer", c->peer),
              "accepted %s\n", c->peer);
  if (pthread_create(&c->thread, NULL, conn_main, c) != 0) {
    ztk_socket_close(s);
    c->used = false;
  }
}

/* Accepts until a signal (or the end of the first connection with --once). */
static void accept_loop(node_cli *cli, sock_session *ss, const listen_opts *o, ztk_pollitem *l,
                        int nl)
{
  static conn conns[LISTEN_MAX_CONNS];
  int done = 0;
  while (!cli_sleep(0) && !(o->once && done > 0)) {
    int n = ztk_socket_poll(l, nl, 200);
    for (int i = 0; n > 0 && i < nl; i++)
      if (l[i].revents & ZTK_SOCK_EV_IN)
        accept_one(cli, ss, o, l[i].s, conns);
    done += reap(conns, false);
  }
  atomic_store(&stopping, true);
  reap(conns, true);
}

static int cmd_listen(node_cli *cli, int argc, char **argv)
{
  sock_session ss;
  listen_opts o = {MODE_ECHO, NULL, false, 0};
  sock_session_init(&ss, stdout);
  int rc = listen_args(cli, argc, argv, &ss, &o);
  if (rc || (rc = sock_begin(cli, argv[0], &ss, AF_UNSPEC))) {
    if (rc != CLI_USAGE)
      sock_end(cli, &ss);
    return rc;
  }
  ztk_pollitem l[2];
  int nl = sock_open_both(cli, argv[0], &ss, ZTK_SOCK_STREAM, o.port, l);
  if (nl > 0) {
    const char *mode = o.mode == MODE_ECHO ? "echo" : o.mode == MODE_SINK ? "sink" : "serve";
    sock_status(cli, &ss, json_pack("{s:s, s:i, s:s}", "event", "listening", "port", o.port, "mode",
                                    mode), "listening on TCP port %u (%s)\n", o.port, mode);
    accept_loop(cli, &ss, &o, l, nl);
  }
  for (int i = 0; i < nl; i++)
    ztk_socket_close(l[i].s);
  sock_end(cli, &ss);
  return nl > 0 ? CLI_OK : CLI_FAILED;
}

/* ---- call ---- */

typedef struct call_opts {
  struct sockaddr_storage to;
  const char *file;
  char expect[65]; /* lowercase hex, "" for none */
} call_opts;

typedef struct call_sender {
  ztk_socket *s;
  FILE *in;
  long idle_s;
  sock_meter *m;
  int rc;
} call_sender;

static void *call_send_main(void *arg)
{
  call_sender *cs = arg;
  cs->rc = send_stream(cs->s, cs->in, cs->idle_s, cs->m);
  if (!cs->rc)
    cs->rc = ztk_socket_shutdown(cs->s, ZTK_SHUT_WR);
  return NULL;
}

static bool parse_sha256(node_cli *cli, const char *s, char out[65])
{
  size_t n = strlen(s);
  for (size_t i = 0; i < n && n == 64; i++)
    if (!strchr("0123456789abcdefABCDEF", s[i]))
      n = 0;
  if (n != 64) {
    fprintf(stderr, "%s: '%s' is not a SHA-256 (64 hex digits)\n", cli->prog, s);
    return false;
  }
  for (size_t i = 0; i <= n; i++)
    out[i] = (char)(s[i] >= 'A' && s[i] <= 'F' ? s[i] - 'A' + 'a' : s[i]);
  return true;
}

static int call_args(node_cli *cli, int argc, char **argv, sock_session *ss, call_opts *o)
{
  const char *pos[2];
  int npos = 0;
  for (int i = 1; i < argc; i++) {
    int r = sock_option(cli, argc, argv, &i, ss);
    if (r < 0)
      return CLI_USAGE;
    if (r > 0)
      continue;
    bool value = !strcmp(argv[i], "--file") || !strcmp(argv[i], "--expect-sha256");
    if (value && i + 1 >= argc)
      return cli_usage_error(cli, argv[0], "%s needs a value", argv[i]);
    if (!strcmp(argv[i], "--file"))
      o->file = argv[++i];
    else if (!strcmp(argv[i], "--expect-sha256") && !parse_sha256(cli, argv[++i], o->expect))
      return CLI_USAGE;
    else if (value)
      continue;
    else if (argv[i][0] != '-' && npos < 2)
      pos[npos++] = argv[i];
    else
      return cli_usage_error(cli, argv[0], "unexpected argument '%s'", argv[i]);
  }
  if (npos < 2)
    return cli_usage_error(cli, argv[0], "needs IP and PORT");
  return sock_parse_addr(cli, pos[0], pos[1], false, &o->to) ? CLI_OK : CLI_USAGE;
}

/* Receives to stdout until end of stream. Returns 0 or a ZTK_E* code. */
static int call_receive(node_cli *cli, sock_session *ss, ztk_socket *s, sock_meter *m,
                        const char *who)
{
  uint8_t *buf = malloc(CHUNK);
  int64_t idle_until = cli_mono_us() + (int64_t)ss->timeout_s * 1000000;
  int rc = buf ? 0 : ZTK_ENOMEM;
  while (!rc) {
    long r = ztk_socket_recv(s, buf, CHUNK, 0, STEP_MS);
    if (r == 0)
      break;
    if (r == ZTK_EAGAIN) {
      rc = cli_sleep(0) ? ZTK_ESOCK_ABORTED : cli_mono_us() >= idle_until ? ZTK_ETIMEDOUT : 0;
      continue;
    }
    if (r < 0) {
      rc = (int)r;
      break;
    }
    idle_until = cli_mono_us() + (int64_t)ss->timeout_s * 1000000;
    sock_meter_received(m, buf, (size_t)r);
    if (fwrite(buf, 1, (size_t)r, stdout) != (size_t)r)
      rc = ZTK_EIO;
    sock_meter_progress(cli, ss, m, who);
  }
  fflush(stdout);
  free(buf);
  return rc;
}

/* Connects (printing why not). Returns 0 or CLI_FAILED. */
static int call_connect(node_cli *cli, sock_session *ss, const call_opts *o, ztk_socket **s)
{
  char who[64];
  sock_format_endpoint(&o->to, who, sizeof who);
  int rc = ztk_socket_open(s, ss->ns, o->to.ss_family, ZTK_SOCK_STREAM);
  if (!rc && (rc = ztk_socket_connect(*s, (const struct sockaddr *)&o->to, sock_len(&o->to),
                                      (int)ss->timeout_s * 1000))) {
    ztk_socket_close(*s);
    *s = NULL;
  }
  if (rc) {
    sock_error(cli, "call", who, rc);
    return CLI_FAILED;
  }
  sock_status(cli, ss, json_pack("{s:s, s:s}", "event", "connected", "peer", who),
              "connected to %s\n", who);
  return 0;
}

/* The transfer both ways; returns CLI_OK or CLI_FAILED. */
static int call_transfer(node_cli *cli, sock_session *ss, const call_opts *o, FILE *in)
{
  ztk_socket *s;
  sock_meter m;
  char who[64], hex[65];
  if (call_connect(cli, ss, o, &s))
    return CLI_FAILED;
  sock_format_endpoint(&o->to, who, sizeof who);
  sock_meter_start(&m);
  call_sender cs = {s, in, ss->timeout_s, &m, 0};
  pthread_t t;
  if (pthread_create(&t, NULL, call_send_main, &cs) != 0) {
    sock_meter_drop(&m);
    ztk_socket_close(s);
    return CLI_FAILED;
  }
  int rc = call_receive(cli, ss, s, &m, who);
  if (rc)
    ztk_socket_close(s); /* wakes the sender */
  pthread_join(t, NULL);
  if (!rc)
    ztk_socket_close(s);
  bool match = !o->expect[0];
  int err = rc ? rc : cs.rc;
  sock_meter_done(cli, ss, &m, who, json_pack("{s:s?}", "error", err ? ztk_strerror(err) : NULL),
                  hex);
  if (o->expect[0] && !(match = !strcmp(hex, o->expect)))
    fprintf(stderr, "%s call: SHA-256 mismatch: received %s, expected %s\n", cli->prog, hex,
            o->expect);
  if (err)
    sock_error(cli, "call", rc ? "receiving" : "sending", err);
  return err || !match ? CLI_FAILED : CLI_OK;
}

static int cmd_call(node_cli *cli, int argc, char **argv)
{
  sock_session ss;
  call_opts o = {.file = NULL};
  sock_session_init(&ss, stderr); /* stdout carries the received bytes */
  int rc = call_args(cli, argc, argv, &ss, &o);
  if (rc)
    return rc;
  FILE *in = o.file ? fopen(o.file, "rb") : stdin;
  if (!in) {
    fprintf(stderr, "%s call: cannot read %s: %s\n", cli->prog, o.file, strerror(errno));
    return CLI_USAGE;
  }
  if (!(rc = sock_begin(cli, argv[0], &ss, o.to.ss_family)))
    rc = call_transfer(cli, &ss, &o, in);
  if (rc != CLI_USAGE)
    sock_end(cli, &ss);
  if (o.file)
    fclose(in);
  return rc;
}

const node_command node_sock_commands[] = {
  {"listen", "PORT --net NWID [--sink | --serve FILE] [--once] [--timeout S]",
   "join NWID and accept TCP connections on PORT (IPv4 and IPv6): echo what comes in, or only "
   "count it (--sink), or send FILE first (--serve); a line per connection with bytes, MB/s and "
   "the SHA-256 of what came in; until SIGINT/SIGTERM, or the first connection's end (--once)",
   cmd_listen},
  {"call", "IP PORT --net NWID [--file F] [--expect-sha256 HEX] [--timeout S]",
   "join NWID, connect over TCP, send stdin (or F) and then end the sending side, write what "
   "comes back to stdout; status on stderr; exit 1 if the SHA-256 of what came back is not HEX",
   cmd_call},
  {NULL, NULL, NULL, NULL},
};
