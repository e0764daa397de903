/* ztk-node's datagram commands on the node's own TCP/IP stack: `udp-listen`, `udp-send` and
 * `ping` (ICMP / ICMPv6 echo). */
#include <stdlib.h>
#include <string.h>

#include "tools/node/sock_session.h"

#define DGRAM_MAX 65535
#define PING_MAX_COUNT 100000

/* Arguments: the session options anywhere, `flag` options answered by the caller's parser,
 * positionals collected (at most max). Returns CLI_OK or CLI_USAGE (printed). */
typedef int (*dgram_flag_fn)(node_cli *cli, int argc, char **argv, int *i, void *opts);

static int dgram_args(node_cli *cli, int argc, char **argv, sock_session *ss, dgram_flag_fn flag,
                      void *opts, const char **pos, int npos)
{
  int got = 0;
  for (int i = 1; i < argc; i++) {
    int r = sock_option(cli, argc, argv, &i, ss);
    if (r == 0 && flag)
      r = flag(cli, argc, argv, &i, opts);
    if (r < 0)
      return CLI_USAGE;
    if (r > 0)
      continue;
    if (argv[i][0] == '-' || got == npos)
      return cli_usage_error(cli, argv[0], "unexpected argument '%s'", argv[i]);
    pos[got++] = argv[i];
  }
  return got == npos ? CLI_OK : cli_usage_error(cli, argv[0], "missing arguments");
}

/* A datagram as a status line: text when printable UTF-8-ish ASCII, else hex. */
static void print_datagram(node_cli *cli, sock_session *ss, const char *event,
                           const struct sockaddr_storage *from, const uint8_t *data, size_t len)
{
  char who[64], *hex = malloc(len * 2 + 1);
  bool text = true;
  for (size_t i = 0; i < len && text; i++)
    text = data[i] >= 0x20 && data[i] < 0x7f;
  sock_format_endpoint(from, who, sizeof who);
  if (!hex)
    return;
  for (size_t i = 0; i < len; i++)
    snprintf(hex + 2 * i, 3, "%02x", data[i]);
  hex[len * 2] = 0;
  json_t *o = json_pack("{s:s, s:s, s:i, s:s}", "event", event, "from", who, "len", (int)len,
                        "hex", hex);
  if (text)
    json_object_set_new(o, "text", json_stringn((const char *)data, len));
  sock_status(cli, ss, o, "%s from %s, %zu bytes: %.*s%s\n", event, who, len,
              text ? (int)len : (int)len * 2, text ? (const char *)data : hex,
              text ? "" : " (hex)");
  free(hex);
}

/* ---- udp-listen ---- */

typedef struct udp_listen_opts {
  bool echo;
  long count; /* 0: until a signal */
} udp_listen_opts;

static int udp_listen_flag(node_cli *cli, int argc, char **argv, int *i, void *opts)
{
  udp_listen_opts *o = opts;
  if (!strcmp(argv[*i], "--echo")) {
    o->echo = true;
    return 1;
  }
  return cli_option_int(cli, argc, argv, i, "--count", 1, 1000000, &o->count);
}

/* Receives (and echoes) until a signal or o->count datagrams. */
static void udp_listen_loop(node_cli *cli, sock_session *ss, const udp_listen_opts *o,
                            ztk_pollitem *l, int nl, uint8_t *buf)
{
  long got = 0;
  while (!cli_sleep(0) && (!o->count || got < o->count)) {
    if (ztk_socket_poll(l, nl, 200) <= 0)
      continue;
    for (int i = 0; i < nl; i++) {
      struct sockaddr_storage from;
      long r = (l[i].revents & ZTK_SOCK_EV_IN)
                 ? ztk_socket_recvfrom(l[i].s, buf, DGRAM_MAX, 0, &from, 0)
                 : ZTK_EAGAIN;
      if (r < 0)
        continue;
      got++;
      print_datagram(cli, ss, "datagram", &from, buf, (size_t)r);
      long sent = o->echo ? ztk_socket_sendto(l[i].s, buf, (size_t)r, (struct sockaddr *)&from,
                                              sock_len(&from))
                          : r;
      if (sent < 0)
        sock_error(cli, "udp-listen", "echo", (int)sent);
    }
  }
}

static int cmd_udp_listen(node_cli *cli, int argc, char **argv)
{
  sock_session ss;
  udp_listen_opts o = {false, 0};
  const char *pos[1];
  uint16_t port;
  sock_session_init(&ss, stdout);
  int rc = dgram_args(cli, argc, argv, &ss, udp_listen_flag, &o, pos, 1);
  if (rc || !sock_parse_port(cli, pos[0], &port))
    return rc ? rc : CLI_USAGE;
  if ((rc = sock_begin(cli, argv[0], &ss, AF_UNSPEC))) {
    if (rc != CLI_USAGE)
      sock_end(cli, &ss);
    return rc;
  }
  ztk_pollitem l[2];
  int nl = sock_open_both(cli, argv[0], &ss, ZTK_SOCK_DGRAM, port, l);
  uint8_t *buf = malloc(DGRAM_MAX);
  if (nl > 0 && buf) {
    sock_status(cli, &ss, json_pack("{s:s, s:i, s:b}", "event", "listening", "port", port, "echo",
                                    o.echo), "listening on UDP port %u%s\n", port,
                o.echo ? " (echo)" : "");
    udp_listen_loop(cli, &ss, &o, l, nl, buf);
  }
  free(buf);
  for (int i = 0; i < nl; i++)
    ztk_socket_close(l[i].s);
  sock_end(cli, &ss);
  return nl > 0 && buf ? CLI_OK : CLI_FAILED;
}

/* ---- udp-send ---- */

typedef struct udp_send_opts {
  long reply_s; /* 0: do not wait for a reply */
} udp_send_opts;

static int udp_send_flag(node_cli *cli, int argc, char **argv, int *i, void *opts)
{
  return cli_option_int(cli, argc, argv, i, "--reply", 1, 3600, &((udp_send_opts *)opts)->reply_s);
}

/* Sends msg to `to` and waits for the reply if asked. Returns CLI_OK or CLI_FAILED. */
static int udp_exchange(node_cli *cli, sock_session *ss, const struct sockaddr_storage *to,
                        const char *msg, long reply_s)
{
  ztk_socket *s;
  int rc = sock_open_bound(ss, to->ss_family, ZTK_SOCK_DGRAM, 0, &s);
  long r = rc ? rc : ztk_socket_sendto(s, msg, strlen(msg), (const struct sockaddr *)to, sock_len(to));
  if (r < 0) {
    sock_error(cli, "udp-send", "sending", (int)r);
    ztk_socket_close(s);
    return CLI_FAILED;
  }
  char who[64];
  sock_format_endpoint(to, who, sizeof who);
  sock_status(cli, ss, json_pack("{s:s, s:s, s:i}", "event", "sent", "to", who, "len", (int)r),
              "sent %ld bytes to %s\n", r, who);
  uint8_t *buf = reply_s ? malloc(DGRAM_MAX) : NULL;
  struct sockaddr_storage from;
  r = buf ? ztk_socket_recvfrom(s, buf, DGRAM_MAX, 0, &from, (int)reply_s * 1000) : 0;
  if (buf && r >= 0)
    print_datagram(cli, ss, "reply", &from, buf, (size_t)r);
  else if (buf)
    fprintf(stderr, "%s udp-send: no reply within %ld s\n", cli->prog, reply_s);
  free(buf);
  ztk_socket_close(s);
  return reply_s && r < 0 ? CLI_FAILED : CLI_OK;
}

static int cmd_udp_send(node_cli *cli, int argc, char **argv)
{
  sock_session ss;
  udp_send_opts o = {0};
  const char *pos[3];
  struct sockaddr_storage to;
  sock_session_init(&ss, stdout);
  int rc = dgram_args(cli, argc, argv, &ss, udp_send_flag, &o, pos, 3);
  if (rc || !sock_parse_addr(cli, pos[0], pos[1], false, &to))
    return rc ? rc : CLI_USAGE;
  if (strlen(pos[2]) > DGRAM_MAX - 48)
    return cli_usage_error(cli, argv[0], "the message is longer than a datagram");
  if (!(rc = sock_begin(cli, argv[0], &ss, to.ss_family)))
    rc = udp_exchange(cli, &ss, &to, pos[2], o.reply_s);
  if (rc != CLI_USAGE)
    sock_end(cli, &ss);
  return rc;
}

/* ---- ping ---- */

typedef struct ping_opts {
  long count, size, interval_ms;
} ping_opts;

static int ping_flag(node_cli *cli, int argc, char **argv, int *i, void *opts)
{
  ping_opts *o = opts;
  int r = cli_option_int(cli, argc, argv, i, "-c", 1, PING_MAX_COUNT, &o->count);
  if (r == 0)
    r = cli_option_int(cli, argc, argv, i, "--size", 8, 65000, &o->size);
  if (r == 0)
    r = cli_option_int(cli, argc, argv, i, "--interval", 10, 60000, &o->interval_ms);
  return r;
}

typedef struct ping_stats {
  long sent, received;
  int64_t min, max, sum;
} ping_stats;

/* Waits up to the interval for the reply to seq (earlier ones are late and only counted). */
static void ping_wait(node_cli *cli, sock_session *ss, ztk_socket *p, uint16_t seq,
                      const ping_opts *o, ping_stats *st)
{
  int64_t end = cli_mono_us() + o->interval_ms * 1000;
  for (int64_t left = o->interval_ms; left > 0; left = (end - cli_mono_us()) / 1000) {
    ztk_ping_result res;
    if (ztk_socket_ping_recv(p, &res, (int)left) != 0)
      break;
    char who[64];
    cli_format_sockaddr(&res.from, who, sizeof who);
    char *slash = strrchr(who, '/');
    if (slash)
      *slash = 0;
    st->received++;
    st->sum += res.rtt_ms;
    st->min = st->received == 1 || res.rtt_ms < st->min ? res.rtt_ms : st->min;
    st->max = res.rtt_ms > st->max ? res.rtt_ms : st->max;
    sock_status(cli, ss, json_pack("{s:s, s:s, s:i, s:i, s:I, s:i}", "event", "reply", "from", who,
                                   "seq", res.seq, "ttl", res.ttl, "rtt", (json_int_t)res.rtt_ms,
                                   "len", (int)res.len),
                "%zu bytes from %s: seq=%u ttl=%u time=%lld ms\n", res.len, who, res.seq, res.ttl,
                (long long)res.rtt_ms);
    if (res.seq == seq)
      break;
  }
}

static int ping_run(node_cli *cli, sock_session *ss, const struct sockaddr_storage *to,
                    const ping_opts *o)
{
  ztk_socket *p;
  ping_stats st = {0, 0, 0, 0, 0};
  int rc = ztk_socket_open(&p, ss->ns, to->ss_family, ZTK_SOCK_PING);
  for (long i = 0; !rc && i < o->count && !cli_sleep(0); i++) {
    if ((rc = ztk_socket_ping_send(p, (const struct sockaddr *)to, sock_len(to),
                                   (uint16_t)(i + 1), (size_t)o->size)) == 0)
      st.sent++;
    ping_wait(cli, ss, p, (uint16_t)(i + 1), o, &st);
  }
  if (rc)
    sock_error(cli, "ping", "sending", rc);
  ztk_socket_close(p);
  long loss = st.sent ? (st.sent - st.received) * 100 / st.sent : 100;
  double avg = st.received ? (double)st.sum / (double)st.received : 0.0;
  sock_status(cli, ss, json_pack("{s:s, s:i, s:i, s:i, s:I, s:f, s:I}", "event", "summary",
                                 "sent", (int)st.sent, "received", (int)st.received, "loss", (int)loss,
                                 "min", (json_int_t)st.min, "avg", avg, "max", (json_int_t)st.max),
              "%ld sent, %ld received, %ld%% loss, rtt min/avg/max %lld/%.1f/%lld ms\n", st.sent,
              st.received, loss, (long long)st.min, avg, (long long)st.max);
  return st.received > 0 ? CLI_OK : CLI_FAILED;
}

static int cmd_ping(node_cli *cli, int argc, char **argv)
{
  sock_session ss;
  ping_opts o = {4, 56, 1000};
  const char *pos[1];
  struct sockaddr_storage to;
  sock_session_init(&ss, stdout);
  int rc = dgram_args(cli, argc, argv, &ss, ping_flag, &o, pos, 1);
  if (rc || !sock_parse_addr(cli, pos[0], "0", true, &to))
    return rc ? rc : CLI_USAGE;
  if (!(rc = sock_begin(cli, argv[0], &ss, to.ss_family)))
    rc = ping_run(cli, &ss, &to, &o);
  if (rc != CLI_USAGE)
    sock_end(cli, &ss);
  return rc;
}

const node_command node_dgram_commands[] = {
  {"udp-listen", "PORT --net NWID [--echo] [--count N] [--timeout S]",
   "join NWID and print the UDP datagrams arriving at PORT (IPv4 and IPv6), sending each back "
   "with --echo; until SIGINT/SIGTERM or N datagrams",
   cmd_udp_listen},
  {"udp-send", "IP PORT MSG --net NWID [--reply S] [--timeout S]",
   "join NWID and send MSG as one UDP datagram; with --reply, wait S s for an answer and print "
   "it (exit 1 without one)",
   cmd_udp_send},
  {"ping", "IP --net NWID [-c N] [--size B] [--interval MS] [--timeout S]",
   "join NWID and send N (4) ICMP/ICMPv6 echo requests of B (56) bytes, one per MS (1000) ms; "
   "exit 1 if none was answered",
   cmd_ping},
  {NULL, NULL, NULL, NULL},
};
