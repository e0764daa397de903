#include "core/controller/ctl_persist.h"

#include <stdlib.h>
#include <string.h>

#include "core/controller/ctl_record.h"
#include "core/util/array.h"

/* Most records fit this; larger ones are written again into a ZTK_CTL_RECORD_MAX buffer. */
#define FIRST_TRY 8192

typedef void (*encode_fn)(ztk_wr *w, const void *obj);

typedef struct id_list {
  ztk_ctl_record_kind kind;
  const uint64_t *ids;
  unsigned count;
} id_list;

static void enc_network(ztk_wr *w, const void *obj)
{
  ztk_ctl_record_write_network(w, obj);
}
static void enc_member(ztk_wr *w, const void *obj)
{
  ztk_ctl_record_write_member(w, obj);
}
static void enc_ids(ztk_wr *w, const void *obj)
{
  const id_list *l = obj;
  ztk_ctl_record_write_ids(w, l->kind, l->ids, l->count);
}

static void put_record(ztk_ctl *c, uint64_t id0, uint64_t id1, encode_fn fn, const void *obj)
{
  if (!c->io.state_put)
    return;
  const uint64_t id[2] = {id0, id1};
  for (size_t cap = FIRST_TRY;; cap = ZTK_CTL_RECORD_MAX) {
    uint8_t *buf = malloc(cap);
    if (!buf)
      return;
    ztk_wr w = ztk_wr_make(buf, cap);
    fn(&w, obj);
    if (!w.err)
      c->io.state_put(c->io.ctx, id, buf, w.len);
    free(buf);
    if (!w.err || cap == ZTK_CTL_RECORD_MAX)
      return;
  }
}

void ztk_ctl_save_network(ztk_ctl *c, const ztk_ctl_network *n)
{
  put_record(c, n->nwid, 0, enc_network, n);
}

void ztk_ctl_save_member(ztk_ctl *c, const ztk_ctl_member *m)
{
  put_record(c, m->nwid, m->address, enc_member, m);
}

void ztk_ctl_save_member_index(ztk_ctl *c, const ztk_ctl_net *net)
{
  if (!c->io.state_put)
    return;
  uint64_t *ids = malloc((net->member_count ? net->member_count : 1) * sizeof *ids);
  if (!ids)
    return;
  for (unsigned i = 0; i < net->member_count; i++)
    ids[i] = net->members[i]->address;
  id_list l = {ZTK_CTL_RECORD_MEMBER_INDEX, ids, net->member_count};
  put_record(c, net->rec.nwid, ZTK_CTL_STATE_MEMBER_INDEX, enc_ids, &l);
  free(ids);
}

void ztk_ctl_save_network_index(ztk_ctl *c)
{
  if (!c->io.state_put)
    return;
  uint64_t *ids = malloc((c->net_count ? c->net_count : 1) * sizeof *ids);
  if (!ids)
    return;
  ztk_ctl_network_list(c, ids, c->net_count);
  id_list l = {ZTK_CTL_RECORD_NETWORK_INDEX, ids, c->net_count};
  put_record(c, 0, 0, enc_ids, &l);
  free(ids);
}

void ztk_ctl_erase(ztk_ctl *c, uint64_t nwid, uint64_t id1)
{
  const uint64_t id[2] = {nwid, id1};
  if (c->io.state_put)
    c->io.state_put(c->io.ctx, id, NULL, 0);
}

/* ---- loading ------------------------------------------------------------------------------- */

static void refuse(ztk_ctl *c, uint64_t id0, uint64_t id1, int err)
{
  if (!c->report.refused++) {
    c->report.first_refused_id[0] = id0;
    c->report.first_refused_id[1] = id1;
    c->report.first_refused_error = err;
  }
}

/* Reads object id into buf; returns its length or a negative value when absent. */
static long get_record(ztk_ctl *c, uint64_t id0, uint64_t id1, uint8_t *buf)
{
  const uint64_t id[2] = {id0, id1};
  long n = c->io.state_get(c->io.ctx, id, buf, ZTK_CTL_RECORD_MAX);
  return n > (long)ZTK_CTL_RECORD_MAX ? -1 : n;
}

static int load_member(ztk_ctl *c, ztk_ctl_net *net, ztk_address address, uint8_t *buf)
{
  long n = get_record(c, net->rec.nwid, address, buf);
  ztk_ctl_member m;
  memset(&m, 0, sizeof m);
  int rc = n < 0 ? ZTK_ENOTFOUND : ztk_ctl_record_read_member(buf, (size_t)n, &m);
  if (!rc && (m.nwid != net->rec.nwid || m.address != address)) {
    ztk_ctl_member_free(&m);
    rc = ZTK_ECTL_RECORD;
  }
  ztk_ctl_member *p = NULL;
  if (!rc && !(p = malloc(sizeof *p)))
    rc = ZTK_ENOMEM;
  if (!rc) {
    *p = m; /* moves the heap arrays */
    rc = ztk_array_append((void **)&net->members, &net->member_count, sizeof p, ZTK_CTL_MAX_MEMBERS,
                          &p);
    if (rc)
      free(p);
  }
  if (rc == ZTK_ENOMEM) {
    ztk_ctl_member_free(&m);
    return rc;
  }
  if (rc) {
    ztk_ctl_member_free(&m);
    refuse(c, net->rec.nwid, address, rc);
    return 0;
  }
  c->report.members++;
  return 0;
}

static int load_members(ztk_ctl *c, ztk_ctl_net *net, uint8_t *buf)
{
  uint64_t nwid = net->rec.nwid, *ids = NULL;
  unsigned count = 0;
  long n = get_record(c, nwid, ZTK_CTL_STATE_MEMBER_INDEX, buf);
  if (n < 0)
    return 0; /* no members */
  int rc = ztk_ctl_record_read_ids(buf, (size_t)n, ZTK_CTL_RECORD_MEMBER_INDEX, &ids, &count,
                                   ZTK_CTL_MAX_MEMBERS);
  if (rc) {
    if (rc != ZTK_ENOMEM)
      refuse(c, nwid, ZTK_CTL_STATE_MEMBER_INDEX, rc);
    return rc == ZTK_ENOMEM ? rc : 0;
  }
  for (unsigned i = 0; !rc && i < count; i++) /* ascending: the array stays sorted */
    rc = load_member(c, ztk_ctl_net_find(c, nwid), ids[i], buf);
  free(ids);
  return rc;
}

static int load_network(ztk_ctl *c, uint64_t nwid, uint8_t *buf)
{
  long n = get_record(c, nwid, 0, buf);
  ztk_ctl_network rec;
  memset(&rec, 0, sizeof rec);
  int rc = n < 0 ? ZTK_ENOTFOUND : ztk_ctl_record_read_network(buf, (size_t)n, &rec);
  if (!rc && rec.nwid != nwid)
    rc = ZTK_ECTL_RECORD;
  if (!rc && c->net_count >= ZTK_CTL_MAX_NETWORKS)
    rc = ZTK_ELIMIT;
  if (!rc)
    rc = ztk_array_append((void **)&c->nets, &c->net_count, sizeof *c->nets, ZTK_CTL_MAX_NETWORKS,
                          &(ztk_ctl_net){.rec = rec});
  if (rc) {
    ztk_ctl_network_free(&rec);
    if (rc != ZTK_ENOMEM)
      refuse(c, nwid, 0, rc);
    return rc == ZTK_ENOMEM ? rc : 0;
  }
  c->report.networks++;
  return load_members(c, ztk_ctl_net_find(c, nwid), buf);
}

int ztk_ctl_db_load(ztk_ctl *c)
{
  if (!c->io.state_get)
    return 0;
  uint8_t *buf = malloc(ZTK_CTL_RECORD_MAX);
  if (!buf)
    return ZTK_ENOMEM;
  uint64_t *ids = NULL;
  unsigned count = 0;
  long n = get_record(c, 0, 0, buf);
  int rc = n < 0 ? 0
                 : ztk_ctl_record_read_ids(buf, (size_t)n, ZTK_CTL_RECORD_NETWORK_INDEX, &ids,
                                           &count, ZTK_CTL_MAX_NETWORKS);
  if (rc && rc != ZTK_ENOMEM) {
    refuse(c, 0, 0, rc);
    rc = 0;
  }
  for (unsigned i = 0; !rc && i < count; i++) /* ascending: the array stays sorted */
    rc = load_network(c, ids[i], buf);
  free(ids);
  free(buf);
  return rc;
}
