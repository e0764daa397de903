/* The shared part of ztk-node's socket commands (cmd_sock.c: TCP, cmd_dgram.c: UDP and ping):
 * a node with its own TCP/IP stack joins one network (--net), waits for a managed address,
 * runs the command and leaves at the end; status lines in text or JSON; transfer meters. */
#ifndef ZTK_TOOLS_NODE_SOCK_SESSION_H
#define ZTK_TOOLS_NODE_SOCK_SESSION_H

#include <jansson.h>
#include <openssl/evp.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>

#include "tools/node/cli.h"
#include "ztkit/socket.h"

#define SOCK_DEFAULT_TIMEOUT_S 60
#define SOCK_MAX_ADDRS 16

typedef struct sock_session {
  ztk_nwid nwid;      /* 0 until --net */
  long timeout_s;     /* joining (an address), connecting, idle transfers */
  FILE *out;          /* where status lines go (stderr when stdout carries data) */
  ztk_netstack *ns;
  struct sockaddr_storage addrs[SOCK_MAX_ADDRS]; /* the node's addresses (port = bits) */
  int naddrs;
  atomic_int denied; /* a fatal network status arrived (callback thread) */
} sock_session;

/* A byte-stream meter: totals, throughput, a progress line each second of a long transfer,
 * and the SHA-256 of what was received (OpenSSL's, which uses the CPU's SHA instructions:
 * libsodium's portable one took a third of the CPU of a 600 Mbit/s --sink). Counters may be
 * updated from two threads. */
typedef struct sock_meter {
  int64_t start_us, last_progress_us;
  atomic_uint_fast64_t in, out;
  EVP_MD_CTX *sha_in; /* NULL if it could not be set up: the digest reads "unavailable" */
} sock_meter;

void sock_session_init(sock_session *ss, FILE *out);

/* Parses the session options at argv[*i] (--net NWID, --timeout S). Returns 1 consumed, 0 not
 * a session option, -1 bad value (printed). */
int sock_option(node_cli *cli, int argc, char **argv, int *i, sock_session *ss);

/* Starts the node with its netstack, joins ss->nwid and waits (ss->timeout_s) for an address
 * of family (AF_UNSPEC: any); prints a "ready" line with the node's addresses. Returns CLI_OK,
 * CLI_USAGE (no --net), CLI_FAILED (no address in time, access denied, signal) or CLI_ERROR.
 * After anything but CLI_USAGE, sock_end must be called. */
int sock_begin(node_cli *cli, const char *cmd, sock_session *ss, int family);

/* Leaves the network and stops the node (if started). */
void sock_end(node_cli *cli, sock_session *ss);

/* "IP" and "PORT" (1..65535; 0 too with allow_zero) into out. Returns false (printed) on bad
 * input. */
bool sock_parse_addr(node_cli *cli, const char *ip, const char *port, bool allow_zero,
                     struct sockaddr_storage *out);

/* Parses a port argument 1..65535. Returns false (printed) on bad input. */
bool sock_parse_port(node_cli *cli, const char *s, uint16_t *out);

/* Prints a status line: the JSON object (--json; taken over) or the text, to ss->out. */
void sock_status(node_cli *cli, sock_session *ss, json_t *obj, const char *fmt, ...)
  __attribute__((format(printf, 4, 5)));

/* Prints a failed call's reason: "<prog> <cmd>: <what>: <error text>". */
void sock_error(node_cli *cli, const char *cmd, const char *what, int rc);

/* Opens a socket of family and type bound to any address at port. Returns 0 or a ZTK_E*
 * code. */
int sock_open_bound(sock_session *ss, int family, ztk_sock_type type, uint16_t port,
                    ztk_socket **out);

/* Opens the IPv4 and IPv6 sockets of type bound to any address at port (listening, for TCP)
 * into items (events: readable), printing why a family failed. Returns how many opened. */
int sock_open_both(node_cli *cli, const char *cmd, sock_session *ss, ztk_sock_type type,
                   uint16_t port, ztk_pollitem items[2]);

/* socklen of an AF_INET / AF_INET6 address. */
socklen_t sock_len(const struct sockaddr_storage *ss);

/* "10.1.2.3:80" / "[fd00::1]:80" */
void sock_format_endpoint(const struct sockaddr_storage *ss, char *out, size_t cap);

void sock_meter_start(sock_meter *m);
/* Ends a meter without a "done" line (frees its digest state). */
void sock_meter_drop(sock_meter *m);
void sock_meter_received(sock_meter *m, const void *data, size_t len);
void sock_meter_sent(sock_meter *m, size_t len);

/* Prints a progress line if a second has passed since the last one (only the thread that
 * calls it prints). */
void sock_meter_progress(node_cli *cli, sock_session *ss, sock_meter *m, const char *who);

/* The totals as a status "done" line (with `who` and extra fields, taken over); hex receives
 * the SHA-256 of the received bytes (65 chars). Ends the meter (frees its digest state). */
void sock_meter_done(node_cli *cli, sock_session *ss, sock_meter *m, const char *who,
                     json_t *extra, char hex[65]);

#endif
