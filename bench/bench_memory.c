/* Memory of running nodes (runtime services over real UDP on loopback, each with a netstack):
 * what one more idle node costs, what joining a network adds, and the part of the process that
 * all nodes share (libraries, lwIP's static pools and heap, which are lwIP's process-wide
 * memory and not any one node's).
 *
 * Marginal figures: a root/controller and one member that joined a network are started first,
 * so shared pages (code, lwIP pools, libsodium and OpenSSL state) are already touched; then
 * IDLE more members start, reach the root, and the growth of the process divided by IDLE is
 * the cost of one idle node. Figures: RSS and anonymous memory (/proc/self/smaps_rollup), and
 * malloc'd bytes (mallinfo2). */
#include <malloc.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/bench.h"
#include "tests/support/rtnet.h"

#define JOIN_MS 30000
#define IDLE (RTNET_MAX_MEMBERS - 1)
#define SETTLE_US 300000 /* lets the new nodes' first timers and replies run */

typedef struct snapshot {
  long rss_kib, anon_kib;
  size_t heap;
} snapshot;

/* The value of the first line of path starting with key, in KiB, or -1. */
static long proc_kib(const char *path, const char *key)
{
  FILE *f = fopen(path, "r");
  char line[256];
  long v = -1;
  size_t kl = strlen(key);
  while (f && fgets(line, sizeof line, f))
    if (strncmp(line, key, kl) == 0 && sscanf(line + kl, " %ld", &v) == 1)
      break;
  if (f)
    fclose(f);
  return v;
}

static snapshot take(void)
{
  usleep(SETTLE_US);
  snapshot s = {proc_kib("/proc/self/status", "VmRSS:"),
                proc_kib("/proc/self/smaps_rollup", "Anonymous:"), mallinfo2().uordblks};
  return s;
}

static void report(const char *what, const snapshot *a, const snapshot *b, int n)
{
  char name[64];
  snprintf(name, sizeof name, "memory.rss_per_%s", what);
  bench_print(name, (double)(b->rss_kib - a->rss_kib) / n, "KiB");
  snprintf(name, sizeof name, "memory.anon_per_%s", what);
  bench_print(name, (double)(b->anon_kib - a->anon_kib) / n, "KiB");
  snprintf(name, sizeof name, "memory.heap_per_%s", what);
  bench_print(name, (double)(b->heap - a->heap) / 1024.0 / n, "KiB");
}

int main(void)
{
  static rtnet net;
  ztk_nwid nwid;
  if (rtnet_start(&net, NULL) || rtnet_add_member(&net, NULL) != 0 ||
      rtnet_network(&net, 0x7171, "{\"private\":true,\"v4AssignMode\":{\"zt\":true},"
                    "\"ipAssignmentPools\":[{\"ipRangeStart\":\"10.46.0.10\","
                    "\"ipRangeEnd\":\"10.46.0.250\"}],\"routes\":[{\"target\":\"10.46.0.0/24\"}]}",
                    &nwid) ||
      rtnet_join(&net, 0, nwid, AF_INET, JOIN_MS, NULL)) {
    fprintf(stderr, "bench_memory: the loopback network did not come up\n");
    return 1;
  }
  snapshot warm = take();
  bench_print("memory.process_rss_root_and_1_member", (double)warm.rss_kib, "KiB (shared part included)");
  for (int i = 1; i <= IDLE; i++)
    if (rtnet_add_member(&net, NULL) != i) {
      fprintf(stderr, "bench_memory: member %d did not start\n", i);
      return 1;
    }
  snapshot idle = take();
  report("idle_node", &warm, &idle, IDLE);
  for (int i = 1; i <= IDLE; i++)
    if (rtnet_join(&net, i, nwid, AF_INET, JOIN_MS, NULL)) {
      fprintf(stderr, "bench_memory: member %d did not join\n", i);
      return 1;
    }
  snapshot joined = take();
  report("joined_network", &idle, &joined, IDLE);
  rtnet_free(&net);
  return 0;
}
