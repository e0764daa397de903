/* ztk-node's VL1 commands: info, root, echo, msg, listen-messages. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/packet/packet.h"
#include "tools/node/cli.h"

#define PEERS_MAX 256
#define ECHO_MAGIC "ztk-echo"
#define ECHO_LEN 20 /* magic (8) + sequence (4) + send time in us (8) */

/* ---- info ---- */

static void info_json(node_cli *cli, const ztk_node_status *st, const ztk_peer_info *peers,
                      int n)
{
  char addr[11], planet[17];
  cli_format_address(st->address, addr);
  snprintf(planet, sizeof planet, "%016llx", (unsigned long long)st->planet_id);
  json_t *roots = json_array(), *leaves = json_array();
  for (int i = 0; i < n; i++)
    json_array_append_new(peers[i].role == ZTK_PEER_LEAF ? leaves : roots,
                          cli_peer_json(&peers[i]));
  cli_emit_json(json_pack("{s:s, s:b, s:s, s:I, s:i, s:s, s:o, s:o}", "address", addr,
                          "online", st->online, "planetId", planet,
                          "planetTimestamp", (json_int_t)st->planet_timestamp, "port",
                          ztk_service_port(cli->svc), "home", cli->home, "roots", roots,
                          "peers", leaves));
}

static void info_text(node_cli *cli, const ztk_node_status *st, const ztk_peer_info *peers,
                      int n)
{
  char addr[11], line[256];
  cli_format_address(st->address, addr);
  cli_printf("address %s\nonline %s\nport %d\nplanet %016llx (timestamp %llu)\nroots:\n", addr,
             st->online ? "yes" : "no", ztk_service_port(cli->svc),
             (unsigned long long)st->planet_id, (unsigned long long)st->planet_timestamp);
  for (int pass = 0; pass < 2; pass++) {
    if (pass == 1)
      cli_printf("peers:\n");
    for (int i = 0; i < n; i++) {
      if ((peers[i].role == ZTK_PEER_LEAF) != (pass == 1))
        continue;
      cli_peer_text(&peers[i], line, sizeof line);
      cli_printf("  %s\n", line);
    }
  }
}

static int cmd_info(node_cli *cli, int argc, char **argv)
{
  long timeout = 30;
  for (int i = 1; i < argc; i++) {
    int r = cli_option_int(cli, argc, argv, &i, "--timeout", 0, 3600, &timeout);
    if (r < 0)
      return CLI_USAGE;
    if (r == 0)
      return cli_usage_error(cli, argv[0], "unexpected argument '%s'", argv[i]);
  }
  int rc = cli_start(cli, false);
  if (rc)
    return rc;
  int online = cli_wait_online(cli, (int)timeout * 1000);
  ztk_node_status st;
  static ztk_peer_info peers[PEERS_MAX];
  ztk_service_status(cli->svc, &st);
  int n = ztk_service_peers(cli->svc, peers, PEERS_MAX);
  n = n > PEERS_MAX ? PEERS_MAX : n;
  if (cli->json)
    info_json(cli, &st, peers, n);
  else
    info_text(cli, &st, peers, n);
  cli_stop(cli);
  return online == 1 ? CLI_OK : CLI_FAILED;
}

/* ---- root ---- */

typedef struct root_state {
  ztk_address known[PEERS_MAX]; /* peers announced as present (callback thread only) */
  int n;
} root_state;

static int known_index(const root_state *r, ztk_address a)
{
  for (int i = 0; i < r->n; i++)
    if (r->known[i] == a)
      return i;
  return -1;
}

static void root_line(node_cli *cli, const char *what, const ztk_event *ev, int count)
{
  char addr[11], where[64] = "";
  cli_format_address(ev->peer, addr);
  if (ev->addr.ss_family)
    cli_format_sockaddr(&ev->addr, where, sizeof where);
  if (cli->json)
    cli_emit_json(json_pack("{s:s, s:s, s:s, s:i}", "event", what, "peer", addr, "at", where,
                            "peers", count));
  else
    cli_printf("%s %s%s%s (%d peers)\n", what, addr, where[0] ? " at " : "", where, count);
}

static void root_event(node_cli *cli, const ztk_event *ev)
{
  root_state *r = cli->cmd;
  int i = known_index(r, ev->peer);
  if (ev->type == ZTK_EVENT_PEER_DIRECT && i < 0 && r->n < PEERS_MAX) {
    r->known[r->n++] = ev->peer;
    root_line(cli, "peer-up", ev, r->n);
  } else if (ev->type == ZTK_EVENT_PEER_UNREACHABLE && i >= 0) {
    r->known[i] = r->known[--r->n];
    root_line(cli, "peer-down", ev, r->n);
  }
}

static int cmd_root(node_cli *cli, int argc, char **argv)
{
  static root_state state;
  if (argc > 1)
    return cli_usage_error(cli, argv[0], "unexpected argument '%s'", argv[1]);
  ztk_node_status st;
  char addr[11];
  int rc = cli_start_as(cli, true, root_event, &state, &st, addr);
  if (rc)
    return rc;
  int port = ztk_service_port(cli->svc);
  if (cli->json)
    cli_emit_json(json_pack("{s:s, s:s, s:i, s:s, s:b}", "event", "start", "address", addr,
                            "port", port, "identity", st.identity_public, "listedInPlanet",
                            st.upstream));
  else
    cli_printf("root %s serving on UDP port %d (planet %016llx); identity %s\n", addr, port,
               (unsigned long long)st.planet_id, st.identity_public);
  while (!cli_sleep(1000)) {
  }
  cli_stop(cli);
  if (cli->json)
    cli_emit_json(json_pack("{s:s}", "event", "stop"));
  else
    cli_printf("root %s stopped\n", addr);
  return CLI_OK;
}

/* ---- echo ---- */

typedef struct echo_state {
  pthread_mutex_t m;
  pthread_cond_t cv;
  ztk_address peer;
  uint32_t seq;       /* the sequence number being waited for */
  bool got;
  unsigned hops;
  int64_t rtt_us;
} echo_state;

static void echo_event(node_cli *cli, const ztk_event *ev)
{
  echo_state *e = cli->cmd;
  const uint8_t *d = ev->data;
  if (ev->type != ZTK_EVENT_ECHO_REPLY || ev->peer != e->peer || ev->len != ECHO_LEN ||
      memcmp(d, ECHO_MAGIC, 8) != 0)
    return;
  uint32_t seq = (uint32_t)d[8] << 24 | (uint32_t)d[9] << 16 | (uint32_t)d[10] << 8 | d[11];
  int64_t sent = 0;
  for (int i = 0; i < 8; i++)
    sent = sent << 8 | d[12 + i];
  pthread_mutex_lock(&e->m);
  if (seq == e->seq && !e->got) {
    e->got = true;
    e->hops = ev->hops;
    e->rtt_us = cli_mono_us() - sent;
    pthread_cond_signal(&e->cv);
  }
  pthread_mutex_unlock(&e->m);
}

/* Sends one echo and waits up to wait_ms for its reply. Returns 1 replied, 0 not, -1 error. */
static int echo_once(node_cli *cli, echo_state *e, uint32_t seq, int wait_ms)
{
  uint8_t p[ECHO_LEN];
  int64_t now = cli_mono_us();
  memcpy(p, ECHO_MAGIC, 8);
  for (int i = 0; i < 4; i++)
    p[8 + i] = (uint8_t)(seq >> (24 - 8 * i));
  for (int i = 0; i < 8; i++)
    p[12 + i] = (uint8_t)((uint64_t)now >> (56 - 8 * i));
  pthread_mutex_lock(&e->m);
  e->seq = seq;
  e->got = false;
  pthread_mutex_unlock(&e->m);
  int rc = ztk_service_echo(cli->svc, e->peer, p, sizeof p);
  if (rc) {
    fprintf(stderr, "%s echo: cannot send: %s\n", cli->prog, ztk_strerror(rc));
    return -1;
  }
  int64_t end = now + (int64_t)wait_ms * 1000;
  pthread_mutex_lock(&e->m);
  while (!e->got && cli_mono_us() < end) {
    pthread_mutex_unlock(&e->m);
    bool sig = cli_sleep(5);
    pthread_mutex_lock(&e->m);
    if (sig)
      break;
  }
  bool got = e->got;
  pthread_mutex_unlock(&e->m);
  return got;
}

static void echo_report(node_cli *cli, const echo_state *e, uint32_t seq, int got)
{
  char addr[11];
  cli_format_address(e->peer, addr);
  double ms = (double)e->rtt_us / 1000.0;
  bool direct = e->hops == 0;
  if (cli->json && got)
    cli_emit_json(json_pack("{s:s, s:s, s:i, s:f, s:b, s:i}", "event", "echo-reply", "peer",
                            addr, "seq", (int)seq, "rttMs", ms, "direct", direct, "hops",
                            (int)e->hops));
  else if (cli->json)
    cli_emit_json(json_pack("{s:s, s:s, s:i}", "event", "echo-timeout", "peer", addr, "seq",
                            (int)seq));
  else if (got)
    cli_printf("reply from %s: seq=%u time=%.3f ms %s (hops=%u)\n", addr, seq, ms,
               direct ? "direct" : "relayed", e->hops);
  else
    cli_printf("no reply from %s: seq=%u\n", addr, seq);
}

static int echo_args(node_cli *cli, int argc, char **argv, ztk_address *peer, long opt[3],
                     bool *until_direct)
{
  bool have_peer = false;
  for (int i = 1; i < argc; i++) {
    int r = 0;
    if (!strcmp(argv[i], "--until-direct")) {
      *until_direct = true;
      continue;
    }
    if ((r = cli_option_int(cli, argc, argv, &i, "-c", 1, 100000, &opt[0])) == 0 &&
        (r = cli_option_int(cli, argc, argv, &i, "-i", 200, 60000, &opt[1])) == 0)
      r = cli_option_int(cli, argc, argv, &i, "--timeout", 0, 3600, &opt[2]);
    if (r < 0)
      return CLI_USAGE;
    if (r > 0)
      continue;
    if (have_peer || argv[i][0] == '-')
      return cli_usage_error(cli, argv[0], "unexpected argument '%s'", argv[i]);
    if (!cli_parse_address(cli, argv[i], peer))
      return CLI_USAGE;
    have_peer = true;
  }
  return have_peer ? CLI_OK : cli_usage_error(cli, argv[0], "which peer? (ADDR)");
}

static int cmd_echo(node_cli *cli, int argc, char **argv)
{
  static echo_state e = {.m = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};
  long opt[3] = {4, 1000, 30}; /* count, interval ms, online timeout s */
  bool until_direct = false;
  int rc = echo_args(cli, argc, argv, &e.peer, opt, &until_direct);
  if (rc)
    return rc;
  cli->on_event = echo_event;
  cli->cmd = &e;
  if ((rc = cli_start(cli, false)))
    return rc;
  if (cli_wait_online(cli, (int)opt[2] * 1000) != 1) {
    fprintf(stderr, "%s echo: not online\n", cli->prog);
    cli_stop(cli);
    return CLI_FAILED;
  }
  int replies = 0, direct = 0, sent = 0;
  for (uint32_t seq = 1; seq <= (uint32_t)opt[0] && !cli_sleep(0); seq++) {
    int64_t start = cli_mono_us();
    int got = echo_once(cli, &e, seq, (int)opt[1]);
    if (got < 0)
      break;
    sent++;
    echo_report(cli, &e, seq, got);
    replies += got;
    direct += got && e.hops == 0;
    if (until_direct && direct)
      break;
    int64_t left = opt[1] - (cli_mono_us() - start) / 1000;
    if (seq < (uint32_t)opt[0] && left > 0 && cli_sleep((int)left))
      break;
  }
  cli_stop(cli);
  if (cli->json)
    cli_emit_json(json_pack("{s:s, s:i, s:i, s:i}", "event", "echo-summary", "sent", sent,
                            "replies", replies, "direct", direct));
  else
    cli_printf("%d sent, %d replies, %d direct\n", sent, replies, direct);
  return replies && (!until_direct || direct) ? CLI_OK : CLI_FAILED;
}

/* ---- msg ---- */

static int cmd_msg(node_cli *cli, int argc, char **argv)
{
  ztk_address peer;
  uint64_t type;
  long timeout = 30;
  const char *pos[3];
  int npos = 0;
  for (int i = 1; i < argc; i++) {
    int r = cli_option_int(cli, argc, argv, &i, "--timeout", 0, 3600, &timeout);
    if (r < 0)
      return CLI_USAGE;
    if (r == 0 && npos == 3)
      return cli_usage_error(cli, argv[0], "unexpected argument '%s'", argv[i]);
    if (r == 0)
      pos[npos++] = argv[i];
  }
  if (npos != 3)
    return cli_usage_error(cli, argv[0], "needs ADDR TYPEID TEXT");
  if (!cli_parse_address(cli, pos[0], &peer) || !cli_parse_u64(cli, "type id", pos[1], &type))
    return CLI_USAGE;
  int rc = cli_start(cli, false);
  if (rc)
    return rc;
  ztk_node_counters before, now;
  bool sent = false;
  if (cli_wait_online(cli, (int)timeout * 1000) == 1) {
    ztk_service_counters(cli->svc, &before);
    rc = ztk_service_send_user_message(cli->svc, peer, type, pos[2], strlen(pos[2]));
    if (rc)
      fprintf(stderr, "%s msg: cannot send: %s\n", cli->prog, ztk_strerror(rc));
    /* the message may wait for the peer's identity (WHOIS): wait until it has left */
    for (int i = 0; !rc && i < 100 && !sent && !cli_sleep(50); i++) {
      ztk_service_counters(cli->svc, &now);
      sent = now.tx_verb[ZTK_VERB_USER_MESSAGE] > before.tx_verb[ZTK_VERB_USER_MESSAGE];
    }
  } else {
    fprintf(stderr, "%s msg: not online\n", cli->prog);
  }
  cli_stop(cli);
  char addr[11];
  cli_format_address(peer, addr);
  if (cli->json)
    cli_emit_json(json_pack("{s:s, s:s, s:I, s:b}", "event", "message-sent", "peer", addr,
                            "type", (json_int_t)type, "sent", sent));
  else
    cli_printf(sent ? "sent to %s\n" : "not sent to %s\n", addr);
  return sent ? CLI_OK : CLI_FAILED;
}

/* ---- listen-messages ---- */

typedef struct listen_state {
  pthread_mutex_t m;
  long received;
} listen_state;

static bool printable(const uint8_t *d, size_t len)
{
  for (size_t i = 0; i < len; i++)
    if (d[i] < 0x20 || d[i] == 0x7f)
      return false;
  return true;
}

static void listen_event(node_cli *cli, const ztk_event *ev)
{
  listen_state *l = cli->cmd;
  char addr[11];
  if (ev->type == ZTK_EVENT_NODE_ONLINE || ev->type == ZTK_EVENT_NODE_OFFLINE) {
    const char *what = ev->type == ZTK_EVENT_NODE_ONLINE ? "online" : "offline";
    if (cli->json)
      cli_emit_json(json_pack("{s:s}", "event", what));
    else
      cli_printf("%s\n", what);
    return;
  }
  if (ev->type != ZTK_EVENT_USER_MESSAGE)
    return;
  cli_format_address(ev->peer, addr);
  bool text = printable(ev->data, ev->len);
  if (cli->json) {
    json_t *o = json_pack("{s:s, s:s, s:I, s:i}", "event", "message", "peer", addr, "type",
                          (json_int_t)ev->user_type, "len", (int)ev->len);
    json_object_set_new(o, "text", text ? json_stringn(ev->data, ev->len) : json_null());
    cli_emit_json(o);
  } else {
    cli_printf("message from %s type 0x%llx (%zu bytes)%s%.*s\n", addr,
               (unsigned long long)ev->user_type, ev->len, text ? ": " : "",
               text ? (int)ev->len : 0, (const char *)ev->data);
  }
  pthread_mutex_lock(&l->m);
  l->received++;
  pthread_mutex_unlock(&l->m);
}

static long listen_count(listen_state *l)
{
  pthread_mutex_lock(&l->m);
  long n = l->received;
  pthread_mutex_unlock(&l->m);
  return n;
}

static int cmd_listen(node_cli *cli, int argc, char **argv)
{
  static listen_state l = {PTHREAD_MUTEX_INITIALIZER, 0};
  long count = 0, timeout = 0;
  for (int i = 1; i < argc; i++) {
    int r = cli_option_int(cli, argc, argv, &i, "--count", 1, 1000000, &count);
    if (r == 0)
      r = cli_option_int(cli, argc, argv, &i, "--timeout", 1, 1000000, &timeout);
    if (r < 0)
      return CLI_USAGE;
    if (r == 0)
      return cli_usage_error(cli, argv[0], "unexpected argument '%s'", argv[i]);
  }
  ztk_node_status st;
  char addr[11];
  int rc = cli_start_as(cli, false, listen_event, &l, &st, addr);
  if (rc)
    return rc;
  if (cli->json)
    cli_emit_json(json_pack("{s:s, s:s, s:i}", "event", "listening", "address", addr, "port",
                            ztk_service_port(cli->svc)));
  else
    cli_printf("listening as %s on UDP port %d\n", addr, ztk_service_port(cli->svc));
  int64_t end = cli_mono_us() + (int64_t)timeout * 1000000;
  while ((!count || listen_count(&l) < count) && (!timeout || cli_mono_us() < end) &&
         !cli_sleep(50)) {
  }
  cli_stop(cli);
  return !count || listen_count(&l) >= count ? CLI_OK : CLI_FAILED;
}

const node_command node_vl1_commands[] = {
  {"info", "[--timeout S]",
   "start, wait until online (default 30 s), print address, roots and peers; exit 0 if online",
   cmd_info},
  {"root", "", "run as a root (relay for everyone) until SIGINT/SIGTERM", cmd_root},
  {"echo", "ADDR [-c N] [-i MS] [--timeout S] [--until-direct]",
   "ECHO a peer N times (default 4) every MS ms (default 1000), print round trips", cmd_echo},
  {"msg", "ADDR TYPEID TEXT [--timeout S]", "send a USER_MESSAGE", cmd_msg},
  {"listen-messages", "[--count N] [--timeout S]", "print USER_MESSAGEs as they arrive",
   cmd_listen},
  {NULL, NULL, NULL, NULL},
};
