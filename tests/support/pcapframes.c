#include "tests/support/pcapframes.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/support/vectors.h"

tv_pcap *tv_pcap_load(const char *relpath)
{
  char path[1024], err[PCAP_ERRBUF_SIZE];
  snprintf(path, sizeof path, "%s/%s", ZTK_TEST_DATA, relpath);
  pcap_t *pc = pcap_open_offline(path, err);
  if (!pc)
    fail_msg("cannot open %s: %s", path, err);
  tv_pcap *p = calloc(1, sizeof *p);
  assert_non_null(p);
  struct pcap_pkthdr *h;
  const u_char *bytes;
  while (p->n < TV_PCAP_MAX_PACKETS && pcap_next_ex(pc, &h, &bytes) == 1) {
    p->data[p->n] = malloc(h->caplen ? h->caplen : 1);
    assert_non_null(p->data[p->n]);
    memcpy(p->data[p->n], bytes, h->caplen);
    p->len[p->n] = h->caplen;
    p->n++;
  }
  pcap_close(pc);
  return p;
}

void tv_pcap_free(tv_pcap *p)
{
  if (!p)
    return;
  for (size_t i = 0; i < p->n; i++)
    free(p->data[i]);
  free(p);
}
