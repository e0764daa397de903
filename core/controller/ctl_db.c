/* The database operations: networks and members kept sorted by id, revisions counted on real
 * changes, every change persisted and announced (pushes, revocations) as 1.14.1's FileDB and
 * change listeners do. */
#include <stdlib.h>
#include <string.h>

#include "core/controller/ctl_internal.h"
#include "core/controller/ctl_persist.h"
#include "core/util/array.h"

#define NWID_LOW_MASK 0xffffffull
#define NEW_ID_TRIALS 1000

static int net_cmp(const void *key, const void *item)
{
  uint64_t k = *(const uint64_t *)key, v = ((const ztk_ctl_net *)item)->rec.nwid;
  return k < v ? -1 : k > v;
}

static unsigned net_lower(const ztk_ctl *c, uint64_t nwid)
{
  return ztk_array_lower_bound(c->nets, c->net_count, sizeof *c->nets, &nwid, net_cmp);
}

/* ---- the member index ---------------------------------------------------------------------- */

static void index_drop(ztk_ctl_net *net)
{
  ztk_ctl_ipset_free(&net->index.ips);
  memset(&net->index, 0, sizeof net->index);
}

/* Counts (sign 1) or uncounts (-1) member m. Returns 0 or the ipset's error. */
static int index_member(ztk_ctl_net_index *x, const ztk_ctl_member *m, int sign)
{
  int rc = 0;
  for (unsigned i = 0; i < m->ip_count && !rc; i++)
    rc = sign > 0 ? ztk_ctl_ipset_add(&x->ips, &m->ips[i]) : ztk_ctl_ipset_remove(&x->ips, &m->ips[i]);
  if (m->active_bridge)
    x->bridges += sign > 0 ? 1u : (unsigned)-1;
  return rc;
}

const ztk_ctl_net_index *ztk_ctl_net_indexed(ztk_ctl_net *net)
{
  if (net->index.ready)
    return &net->index;
  int rc = 0;
  for (unsigned i = 0; i < net->member_count && !rc; i++)
    rc = index_member(&net->index, net->members[i], 1);
  if (rc) {
    index_drop(net);
    return NULL;
  }
  net->index.ready = true;
  return &net->index;
}

void ztk_ctl_net_changed(ztk_ctl_net *net, const ztk_ctl_member *gone, const ztk_ctl_member *came)
{
  if (!net->index.ready)
    return;
  if ((gone && index_member(&net->index, gone, -1)) || (came && index_member(&net->index, came, 1)))
    index_drop(net);
}

/* ---- networks ------------------------------------------------------------------------------ */

ztk_ctl_net *ztk_ctl_net_find(const ztk_ctl *c, uint64_t nwid)
{
  unsigned i = net_lower(c, nwid);
  return i < c->net_count && c->nets[i].rec.nwid == nwid ? &c->nets[i] : NULL;
}

static int member_cmp(const void *key, const void *item)
{
  uint64_t k = *(const uint64_t *)key, v = (*(ztk_ctl_member *const *)item)->address;
  return k < v ? -1 : k > v;
}

static unsigned member_lower(const ztk_ctl_net *net, ztk_address address)
{
  return ztk_array_lower_bound(net->members, net->member_count, sizeof *net->members, &address,
                               member_cmp);
}

ztk_ctl_member *ztk_ctl_net_member(const ztk_ctl_net *net, ztk_address address)
{
  unsigned i = member_lower(net, address);
  return i < net->member_count && net->members[i]->address == address ? net->members[i] : NULL;
}

/* ---- networks ----------------------------------------------------------------------------- */

/* A free network id: our address and random low 24 bits (never 0), as 1.14.1 picks them. */
static int new_network_id(ztk_ctl *c, uint64_t *nwid)
{
  for (int k = 0; k < NEW_ID_TRIALS; k++) {
    uint8_t r[8];
    c->io.random(c->io.ctx, r, sizeof r);
    uint64_t id = (c->self.address << 24) | (ztk_be_get(r, 8) & NWID_LOW_MASK);
    if ((id & NWID_LOW_MASK) == 0)
      id |= 1;
    if (!ztk_ctl_net_find(c, id)) {
      *nwid = id;
      return 0;
    }
  }
  return ZTK_ELIMIT;
}

static int insert_network(ztk_ctl *c, ztk_ctl_network *rec)
{
  unsigned i = net_lower(c, rec->nwid);
  int rc =
      ztk_array_reserve((void **)&c->nets, c->net_count, sizeof *c->nets, ZTK_CTL_MAX_NETWORKS);
  if (rc)
    return rc;
  memmove(&c->nets[i + 1], &c->nets[i], (c->net_count - i) * sizeof *c->nets);
  memset(&c->nets[i], 0, sizeof c->nets[i]);
  c->nets[i].rec = *rec; /* moves the heap arrays */
  c->net_count++;
  return 0;
}

/* Stores rec (whose heap arrays it takes over). Returns 1 changed, 0 unchanged, or an error. */
static int store_network(ztk_ctl *c, int64_t now, ztk_ctl_network *rec)
{
  ztk_ctl_net *net = ztk_ctl_net_find(c, rec->nwid);
  if (!net) {
    if (!rec->creation_time)
      rec->creation_time = now;
    rec->revision = 1;
    int rc = insert_network(c, rec);
    if (rc)
      return rc;
    ztk_ctl_save_network(c, &ztk_ctl_net_find(c, rec->nwid)->rec);
    ztk_ctl_save_network_index(c);
    return 1;
  }
  if (!rec->creation_time)
    rec->creation_time = net->rec.creation_time;
  rec->revision = net->rec.revision;
  if (ztk_ctl_network_same(rec, &net->rec)) {
    ztk_ctl_network_free(rec);
    return 0;
  }
  rec->revision++;
  ztk_ctl_network_free(&net->rec);
  net->rec = *rec;
  ztk_ctl_save_network(c, &net->rec);
  return 1;
}

int ztk_ctl_network_put(ztk_ctl *c, int64_t now, const ztk_ctl_network *n, ztk_ctl_network *saved)
{
  uint64_t nwid = n->nwid;
  if (!nwid) {
    int rc = new_network_id(c, &nwid);
    if (rc)
      return rc;
  }
  ztk_ctl_network rec;
  memset(&rec, 0, sizeof rec);
  if (ztk_ctl_network_copy(&rec, n))
    return ZTK_ENOMEM;
  rec.nwid = nwid;
  int changed = ztk_ctl_network_check(&rec);
  if (!changed)
    changed = store_network(c, now, &rec);
  if (changed < 0) {
    ztk_ctl_network_free(&rec);
    return changed;
  }
  if (saved && ztk_ctl_network_get(c, nwid, saved))
    return ZTK_ENOMEM;
  if (changed)
    ztk_ctl_push_network(c, now, nwid);
  return 0;
}

int ztk_ctl_network_get(const ztk_ctl *c, uint64_t nwid, ztk_ctl_network *out)
{
  const ztk_ctl_net *net = ztk_ctl_net_find(c, nwid);
  if (!net)
    return ZTK_ENOTFOUND;
  return ztk_ctl_network_copy(out, &net->rec);
}

static void erase_members(ztk_ctl *c, ztk_ctl_net *net)
{
  for (unsigned i = 0; i < net->member_count; i++) {
    ztk_ctl_erase(c, net->rec.nwid, net->members[i]->address);
    ztk_ctl_member_free(net->members[i]);
    free(net->members[i]);
  }
  free(net->members);
  net->members = NULL;
  net->member_count = 0;
  index_drop(net);
  ztk_ctl_erase(c, net->rec.nwid, ZTK_CTL_STATE_MEMBER_INDEX);
}

int ztk_ctl_network_delete(ztk_ctl *c, int64_t now, uint64_t nwid, ztk_ctl_network *deleted)
{
  ztk_ctl_net *net = ztk_ctl_net_find(c, nwid);
  if (!net)
    return ZTK_ENOTFOUND;
  if (deleted && ztk_ctl_network_copy(deleted, &net->rec))
    return ZTK_ENOMEM;
  /* 1.14.1 treats every member of a deleted network as deauthorized. */
  for (unsigned i = 0; i < net->member_count; i++)
    ztk_ctl_revoke(c, now, nwid, net->members[i]->address);
  net = ztk_ctl_net_find(c, nwid);
  erase_members(c, net);
  ztk_ctl_erase(c, nwid, 0);
  ztk_ctl_network_free(&net->rec);
  ztk_array_remove(c->nets, &c->net_count, sizeof *c->nets, (unsigned)(net - c->nets));
  ztk_ctl_save_network_index(c);
  return 0;
}

unsigned ztk_ctl_network_list(const ztk_ctl *c, uint64_t *ids, unsigned max)
{
  for (unsigned i = 0; i < c->net_count && i < max; i++)
    ids[i] = c->nets[i].rec.nwid;
  return c->net_count;
}

int ztk_ctl_network_counts(const ztk_ctl *c, uint64_t nwid, unsigned *total, unsigned *authorized)
{
  const ztk_ctl_net *net = ztk_ctl_net_find(c, nwid);
  if (!net)
    return ZTK_ENOTFOUND;
  unsigned a = 0;
  for (unsigned i = 0; i < net->member_count; i++)
    a += net->members[i]->authorized ? 1 : 0;
  *total = net->member_count;
  *authorized = a;
  return 0;
}

/* ---- members ------------------------------------------------------------------------------ */

static int insert_member(ztk_ctl *c, ztk_ctl_net *net, ztk_ctl_member *rec)
{
  unsigned i = member_lower(net, rec->address);
  int rc = ztk_array_reserve((void **)&net->members, net->member_count, sizeof *net->members,
                             ZTK_CTL_MAX_MEMBERS);
  ztk_ctl_member *m = rc ? NULL : malloc(sizeof *m);
  if (!m)
    return rc ? rc : ZTK_ENOMEM;
  *m = *rec; /* moves the heap arrays */
  memmove(&net->members[i + 1], &net->members[i], (net->member_count - i) * sizeof m);
  net->members[i] = m;
  net->member_count++;
  ztk_ctl_net_changed(net, NULL, m);
  ztk_ctl_save_member(c, m);
  ztk_ctl_save_member_index(c, net);
  return 0;
}

int ztk_ctl_store_member(ztk_ctl *c, int64_t now, ztk_ctl_net *net, const ztk_ctl_member *m,
                         bool *was_authorized)
{
  ztk_ctl_member *have = ztk_ctl_net_member(net, m->address);
  ztk_ctl_member rec;
  memset(&rec, 0, sizeof rec);
  if (ztk_ctl_member_copy(&rec, m))
    return ZTK_ENOMEM;
  if (ztk_ctl_member_check(&rec)) {
    ztk_ctl_member_free(&rec);
    return ZTK_EINVAL;
  }
  rec.nwid = net->rec.nwid;
  if (was_authorized)
    *was_authorized = have && have->authorized;
  if (!rec.creation_time)
    rec.creation_time = have ? have->creation_time : now;
  if (!have) {
    rec.revision = 1;
    int rc = insert_member(c, net, &rec);
    if (rc)
      ztk_ctl_member_free(&rec);
    return rc ? rc : 1;
  }
  rec.revision = have->revision;
  if (ztk_ctl_member_same(&rec, have)) {
    ztk_ctl_member_free(&rec);
    return 0;
  }
  rec.revision++;
  ztk_ctl_net_changed(net, have, &rec);
  ztk_ctl_member_free(have);
  *have = rec;
  ztk_ctl_save_member(c, have);
  return 1;
}

int ztk_ctl_member_put(ztk_ctl *c, int64_t now, const ztk_ctl_member *m, ztk_ctl_member *saved)
{
  ztk_ctl_net *net = ztk_ctl_net_find(c, m->nwid);
  if (!net)
    return ZTK_ENOTFOUND;
  if (ztk_address_reserved(m->address) || m->address > 0xffffffffffull)
    return ZTK_EINVAL;
  bool was_authorized;
  int rc = ztk_ctl_store_member(c, now, net, m, &was_authorized);
  if (rc < 0)
    return rc;
  if (saved && ztk_ctl_member_get(c, m->nwid, m->address, saved))
    return ZTK_ENOMEM;
  if (rc == 1) {
    ztk_ctl_push_member(c, now, m->nwid, m->address);
    if (was_authorized && !m->authorized)
      ztk_ctl_revoke(c, now, m->nwid, m->address);
  }
  return 0;
}

int ztk_ctl_member_get(const ztk_ctl *c, uint64_t nwid, ztk_address address, ztk_ctl_member *out)
{
  const ztk_ctl_net *net = ztk_ctl_net_find(c, nwid);
  const ztk_ctl_member *m = net ? ztk_ctl_net_member(net, address) : NULL;
  if (!m)
    return ZTK_ENOTFOUND;
  return ztk_ctl_member_copy(out, m);
}

int ztk_ctl_member_delete(ztk_ctl *c, int64_t now, uint64_t nwid, ztk_address address,
                          ztk_ctl_member *deleted)
{
  ztk_ctl_net *net = ztk_ctl_net_find(c, nwid);
  ztk_ctl_member *m = net ? ztk_ctl_net_member(net, address) : NULL;
  if (!m)
    return ZTK_ENOTFOUND;
  if (deleted && ztk_ctl_member_copy(deleted, m))
    return ZTK_ENOMEM;
  bool was_authorized = m->authorized;
  ztk_ctl_net_changed(net, m, NULL);
  ztk_array_remove(net->members, &net->member_count, sizeof m, member_lower(net, address));
  ztk_ctl_member_free(m);
  free(m);
  ztk_ctl_erase(c, nwid, address);
  ztk_ctl_save_member_index(c, net);
  if (was_authorized)
    ztk_ctl_revoke(c, now, nwid, address);
  return 0;
}

long ztk_ctl_member_list(const ztk_ctl *c, uint64_t nwid, ztk_address *addrs, unsigned max)
{
  const ztk_ctl_net *net = ztk_ctl_net_find(c, nwid);
  if (!net)
    return ZTK_ENOTFOUND;
  for (unsigned i = 0; i < net->member_count && i < max; i++)
    addrs[i] = net->members[i]->address;
  return net->member_count;
}

void ztk_ctl_db_free(ztk_ctl *c)
{
  for (unsigned i = 0; i < c->net_count; i++) {
    ztk_ctl_net *net = &c->nets[i];
    for (unsigned k = 0; k < net->member_count; k++) {
      ztk_ctl_member_free(net->members[k]);
      free(net->members[k]);
    }
    free(net->members);
    index_drop(net);
    ztk_ctl_network_free(&net->rec);
  }
  free(c->nets);
  c->nets = NULL;
  c->net_count = 0;
}
