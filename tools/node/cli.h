/* ztk-node's shared machinery: global options, starting the service, waiting with signals,
 * and printing in text or JSON lines. Each command group (cmd_*.c) exports a table of
 * commands; tools/node.c lists the tables. */
#ifndef ZTK_TOOLS_NODE_CLI_H
#define ZTK_TOOLS_NODE_CLI_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "ztkit/service.h"

/* Exit codes. */
#define CLI_OK 0
#define CLI_FAILED 1 /* the command ran but did not succeed (not online, no reply...) */
#define CLI_USAGE 2  /* bad arguments */
#define CLI_ERROR 3  /* could not start: state, planet, port */

typedef struct node_cli {
  const char *prog;
  char home[4096];
  const char *planet_file;
  int port;
  bool json, allow_loopback, trace;
  bool port_set; /* --port was given */
  ztk_service *svc;
  /* The local HTTP API (runtime/httpd.h), served by every running node from cli_start on. */
  struct ztk_httpd *api;
  /* Set by a command before cli_start: enable the embedded controller; fail to start
   * (CLI_ERROR) when the API cannot be served, instead of a warning. */
  bool controller, api_required;
  /* Set by a command before cli_start: its event handler (on the callback thread). */
  void (*on_event)(struct node_cli *cli, const ztk_event *ev);
  void *cmd; /* the command's own state */
} node_cli;

typedef struct node_command {
  const char *name;
  const char *synopsis; /* arguments, for the usage text */
  const char *help;     /* one line */
  int (*run)(node_cli *cli, int argc, char **argv); /* argv[0] is the command name */
} node_command;

/* Tables (terminated by a zeroed entry). */
extern const node_command node_vl1_commands[];
extern const node_command node_vl2_commands[];

/* Blocks SIGINT/SIGTERM in every thread (call first): cli_sleep() receives them. */
void cli_signals_init(void);

/* Sleeps up to ms; returns true if SIGINT or SIGTERM arrived (then keeps returning true). */
bool cli_sleep(int ms);

/* Creates and starts the service from the global options, then serves the local API on
 * 127.0.0.1/::1 at the UDP port (a warning if it cannot, unless cli->api_required). Prints
 * the reason and returns CLI_ERROR on failure, CLI_OK otherwise. */
int cli_start(node_cli *cli, bool force_upstream);

/* cli_start with an event handler and its state, then the node's status and address text. */
int cli_start_as(node_cli *cli, bool force_upstream,
                 void (*on_event)(node_cli *cli, const ztk_event *ev), void *cmd,
                 ztk_node_status *st, char addr[11]);

/* Stops the API and frees the service (if started). */
void cli_stop(node_cli *cli);

/* Waits up to timeout_ms for the node to be online. Returns 1 online, 0 timed out, -1 signal. */
int cli_wait_online(node_cli *cli, int timeout_ms);

/* Parsing of command arguments. Each prints the problem and returns false on bad input. */
bool cli_parse_address(node_cli *cli, const char *s, ztk_address *out);
bool cli_parse_u64(node_cli *cli, const char *what, const char *s, uint64_t *out);
bool cli_parse_int(node_cli *cli, const char *what, const char *s, long min, long max, long *out);

/* Common "--timeout S" / "-c N" style option: if argv[*i] is `name`, parses the next argument
 * into *out (bounded) and advances *i. Returns 1 if consumed, 0 if not this option, -1 on a
 * bad or missing value (printed). */
int cli_option_int(node_cli *cli, int argc, char **argv, int *i, const char *name, long min,
                   long max, long *out);

/* Reports bad usage of a command and returns CLI_USAGE. */
int cli_usage_error(node_cli *cli, const char *cmd, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));

/* Output: one JSON object per line (--json) or text. Both flush stdout. */
void cli_emit_json(json_t *obj); /* takes ownership */
void cli_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "1a2b3c4d5e" */
void cli_format_address(ztk_address a, char out[11]);

/* "10.0.0.1/9993" */
void cli_format_sockaddr(const struct sockaddr_storage *ss, char *out, size_t cap);

/* A peer as JSON: address, role, version, latency, direct, paths. */
json_t *cli_peer_json(const ztk_peer_info *pi);

/* A peer as one text line (without newline) into out. */
void cli_peer_text(const ztk_peer_info *pi, char *out, size_t cap);

const char *cli_role_name(ztk_peer_role role);

/* Monotonic microseconds (for round-trip times). */
int64_t cli_mono_us(void);

#endif
