/* ztk-node: runs a ztkit node from the command line.
 *
 *   ztk-node [global options] <command> [command arguments]
 *
 * Global options (accepted before or after the command; "--" ends option parsing):
 *   --home DIR        state directory (default: $ZTK_HOME, else ~/.ztkit); the identity is
 *                     created there on first start; a `planet` file there is used
 *   --port N          UDP port on IPv4 and IPv6 (default 9993; 0 picks a free one)
 *   --planet FILE     use this planet instead of the stored or built-in one
 *   --json            one JSON object per line on stdout
 *   --allow-loopback  accept 127.0.0.1/::1 as peer paths (single-machine setups; real
 *                     ZeroTier never does)
 *   --trace           print the node's trace lines (dropped packets, paths) on stderr
 *
 * Exit codes: 0 success, 1 the command did not succeed (not online, no reply), 2 bad
 * arguments, 3 the node could not start (state directory, planet, port). Commands come from
 * the tables of tools/node/cmd_*.c. */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tools/node/cli.h"

static const node_command *const tables[] = {node_vl1_commands, node_vl2_commands, NULL};

static void usage(FILE *out, const char *prog)
{
  fprintf(out,
          "ztk-node: a ZeroTier node (ztkit)\n"
          "Usage: %s [--home DIR] [--port N] [--planet FILE] [--json] [--allow-loopback]\n"
          "       %*s [--trace] <command> [arguments]\n\nCommands:\n",
          prog, (int)strlen(prog), "");
  for (int t = 0; tables[t]; t++)
    for (const node_command *c = tables[t]; c->name; c++)
      fprintf(out, "  %s %s\n      %s\n", c->name, c->synopsis, c->help);
  fprintf(out, "  help\n\nExit codes: 0 ok, 1 not successful, 2 bad arguments, 3 cannot start.\n");
}

static const node_command *find_command(const char *name)
{
  for (int t = 0; tables[t]; t++)
    for (const node_command *c = tables[t]; c->name; c++)
      if (!strcmp(c->name, name))
        return c;
  return NULL;
}

static bool default_home(node_cli *cli)
{
  const char *env = getenv("ZTK_HOME"), *home = getenv("HOME");
  if (!home || !*home) {
    struct passwd *pw = getpwuid(getuid());
    home = pw ? pw->pw_dir : NULL;
  }
  int n = env && *env ? snprintf(cli->home, sizeof cli->home, "%s", env)
          : home      ? snprintf(cli->home, sizeof cli->home, "%s/.ztkit", home)
                      : -1;
  return n > 0 && (size_t)n < sizeof cli->home;
}

/* Takes the global options out of argv (wherever they are); leaves the rest in order.
 * Returns CLI_OK or CLI_USAGE. */
static int global_options(node_cli *cli, int *argc, char **argv)
{
  int out = 1;
  bool ended = false;
  for (int i = 1; i < *argc; i++) {
    const char *a = argv[i];
    bool value = !ended && (!strcmp(a, "--home") || !strcmp(a, "--port") || !strcmp(a, "--planet"));
    if (value && i + 1 >= *argc) {
      fprintf(stderr, "%s: %s needs a value\n", cli->prog, a);
      return CLI_USAGE;
    }
    long port;
    if (ended) {
      argv[out++] = argv[i];
    } else if (!strcmp(a, "--")) {
      ended = true;
    } else if (!strcmp(a, "--home")) {
      int n = snprintf(cli->home, sizeof cli->home, "%s", argv[++i]);
      if (n <= 0 || (size_t)n >= sizeof cli->home) {
        fprintf(stderr, "%s: bad --home\n", cli->prog);
        return CLI_USAGE;
      }
    } else if (!strcmp(a, "--port")) {
      if (!cli_parse_int(cli, "--port", argv[++i], 0, 65535, &port))
        return CLI_USAGE;
      cli->port = (int)port;
      cli->port_set = true;
    } else if (!strcmp(a, "--planet")) {
      cli->planet_file = argv[++i];
    } else if (!strcmp(a, "--json")) {
      cli->json = true;
    } else if (!strcmp(a, "--allow-loopback")) {
      cli->allow_loopback = true;
    } else if (!strcmp(a, "--trace")) {
      cli->trace = true;
    } else {
      argv[out++] = argv[i];
    }
  }
  *argc = out;
  argv[out] = NULL;
  return CLI_OK;
}

int main(int argc, char **argv)
{
  static node_cli cli;
  cli.prog = "ztk-node";
  cli.port = ZTK_SERVICE_DEFAULT_PORT;
  cli_signals_init();
  if (!default_home(&cli)) {
    fprintf(stderr, "%s: no home directory: use --home or set ZTK_HOME\n", cli.prog);
    return CLI_USAGE;
  }
  int rc = global_options(&cli, &argc, argv);
  if (rc)
    return rc;
  if (argc < 2) {
    usage(stderr, cli.prog);
    return CLI_USAGE;
  }
  if (!strcmp(argv[1], "help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
    usage(stdout, cli.prog);
    return CLI_OK;
  }
  const node_command *cmd = find_command(argv[1]);
  if (!cmd) {
    fprintf(stderr, "%s: unknown command '%s' (see '%s help')\n", cli.prog, argv[1], cli.prog);
    return CLI_USAGE;
  }
  return cmd->run(&cli, argc - 1, argv + 1);
}
