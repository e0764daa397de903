/* Small helpers shared by the ztkit example programs (each example is one C file built with
 *   cc example.c -lztkit
 * against ZeroTierSockets.h). The exchange they all speak: the client sends a file and shuts
 * its sending side; the server reads to the end, sends everything back and closes; the client
 * reads to the end and writes what came back next to the file, as FILE.back. */
#ifndef ZTKIT_EXAMPLE_UTIL_H
#define ZTKIT_EXAMPLE_UTIL_H

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ZeroTierSockets.h"

#define EXAMPLE_MAX_BYTES (64u << 20)

/* Waits until the node is online, joins net_id and waits until sockets can use an address of
 * family there; prints it. Exits on failure. */
static inline void example_join(uint64_t net_id, int family)
{
  while (!zts_node_is_online())
    zts_util_delay(50);
  printf("node %010llx online\n", (unsigned long long)zts_node_get_id());
  if (zts_net_join(net_id) != ZTS_ERR_OK) {
    printf("cannot join %016llx\n", (unsigned long long)net_id);
    exit(1);
  }
  while (!zts_net_transport_is_ready(net_id) || !zts_addr_is_assigned(net_id, family))
    zts_util_delay(50);
  char ip[ZTS_IP_MAX_STR_LEN] = {0};
  zts_addr_get_str(net_id, family, ip, sizeof ip);
  printf("address %s\n", ip);
  fflush(stdout);
}

/* The whole file (at most EXAMPLE_MAX_BYTES) in a new buffer; *len gets its size. */
static inline unsigned char *example_read_file(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  unsigned char *buf = malloc(EXAMPLE_MAX_BYTES);
  if (!f || !buf) {
    printf("cannot read %s\n", path);
    exit(1);
  }
  *len = fread(buf, 1, EXAMPLE_MAX_BYTES, f);
  fclose(f);
  return buf;
}

/* Writes what came back as path.back; prints the outcome. Returns the exit code. */
static inline int example_write_back(const char *path, const unsigned char *sent, size_t sent_len,
                              const unsigned char *got, size_t got_len)
{
  char out[4096];
  snprintf(out, sizeof out, "%s.back", path);
  FILE *f = fopen(out, "wb");
  if (!f || fwrite(got, 1, got_len, f) != got_len) {
    printf("cannot write %s\n", out);
    return 1;
  }
  fclose(f);
  int same = sent_len == got_len && memcmp(sent, got, got_len) == 0;
  printf("%s %zu bytes\n", same ? "echo ok" : "echo MISMATCH", got_len);
  return same ? 0 : 1;
}

/* Waits (at most 30 s) until the peer has acknowledged everything sent on fd, so that
 * stopping the node right after closing loses nothing. */
static inline void example_drain(int fd)
{
  for (int i = 0; i < 3000 && zts_get_pending_data_size(fd) > 0; i++)
    zts_util_delay(10);
}

/* The client's side of the exchange on a connected blocking socket, with the BSD calls:
 * FILE out, the echo back into FILE.back. Closes fd. Returns the exit code. */
static inline int example_exchange(int fd, const char *path)
{
  size_t len, got = 0;
  unsigned char *data = example_read_file(path, &len), *back = malloc(EXAMPLE_MAX_BYTES);
  ssize_t n = back ? zts_bsd_write(fd, data, len) : -1;
  if (n != (ssize_t)len || zts_bsd_shutdown(fd, ZTS_SHUT_WR) != ZTS_ERR_OK) {
    printf("write failed: errno %d\n", zts_errno);
    return 1;
  }
  while ((n = zts_bsd_read(fd, back + got, EXAMPLE_MAX_BYTES - got)) > 0)
    got += (size_t)n;
  if (n < 0)
    printf("read failed after %zu bytes: errno %d\n", got, zts_errno);
  zts_bsd_close(fd);
  int rc = n < 0 ? 1 : example_write_back(path, data, len, back, got);
  free(data);
  free(back);
  return rc;
}

#endif
