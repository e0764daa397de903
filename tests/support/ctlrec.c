#include "tests/support/ctlrec.h"

#include "tests/support/netvec.h"

#include <stdlib.h>
#include <string.h>

static cr_event *next_event(ctlrec *r, char kind, int64_t now, ztk_address to)
{
  if (r->n_events >= CR_MAX_EVENTS) {
    r->dropped++;
    return NULL;
  }
  cr_event *e = &r->ev[r->n_events++];
  memset(e, 0, sizeof *e);
  e->kind = kind;
  e->now = now;
  e->to = to;
  return e;
}

static void on_config(void *ctx, int64_t now, ztk_address member, uint64_t request_id,
                      const ztk_netconf *nc)
{
  cr_event *e = next_event(ctx, 'C', now, member);
  if (!e)
    return;
  e->request_id = request_id;
  e->nc = malloc(sizeof *e->nc);
  if (e->nc) {
    ztk_netconf_init(e->nc);
    if (ztk_netconf_copy(e->nc, nc)) {
      free(e->nc);
      e->nc = NULL;
    }
  }
}

static void on_error(void *ctx, int64_t now, ztk_address member, uint64_t request_id, uint64_t nwid,
                     int code)
{
  cr_event *e = next_event(ctx, 'E', now, member);
  if (!e)
    return;
  e->request_id = request_id;
  e->nwid = nwid;
  e->code = code;
}

static void on_revocation(void *ctx, int64_t now, ztk_address to, const ztk_revocation *rev)
{
  cr_event *e = next_event(ctx, 'R', now, to);
  if (e)
    e->rev = *rev;
}

cr_state *cr_state_find(ctlrec *r, uint64_t id0, uint64_t id1)
{
  for (unsigned i = 0; i < r->n_state; i++)
    if (r->state[i].id[0] == id0 && r->state[i].id[1] == id1)
      return &r->state[i];
  return NULL;
}

static void on_put(void *ctx, const uint64_t id[2], const void *data, size_t len)
{
  ctlrec *r = ctx;
  cr_state *s = cr_state_find(r, id[0], id[1]);
  if (!data) {
    r->deletes++;
    if (s) {
      free(s->data);
      *s = r->state[--r->n_state];
    }
    return;
  }
  r->puts++;
  if (!s) {
    if (r->n_state >= CR_MAX_STATE)
      return;
    s = &r->state[r->n_state++];
    s->id[0] = id[0];
    s->id[1] = id[1];
    s->data = NULL;
  }
  free(s->data);
  s->data = malloc(len ? len : 1);
  memcpy(s->data, data, len);
  s->len = len;
}

static long on_get(void *ctx, const uint64_t id[2], void *buf, size_t cap)
{
  cr_state *s = cr_state_find(ctx, id[0], id[1]);
  if (!s || s->len > cap)
    return -1;
  memcpy(buf, s->data, s->len);
  return (long)s->len;
}

static void on_random(void *ctx, void *buf, size_t len)
{
  ztk_csprng_bytes(&((ctlrec *)ctx)->rng, buf, len);
}

void cr_init(ctlrec *r, uint8_t seed, ztk_ctl_io *io, bool with_state)
{
  memset(r, 0, sizeof *r);
  uint8_t s[32] = {seed, 0xc7};
  ztk_csprng_seed(&r->rng, s);
  memset(io, 0, sizeof *io);
  io->ctx = r;
  io->send_config = on_config;
  io->send_error = on_error;
  io->send_revocation = on_revocation;
  io->random = on_random;
  if (with_state) {
    io->state_put = on_put;
    io->state_get = on_get;
  }
}

void cr_clear(ctlrec *r)
{
  for (unsigned i = 0; i < r->n_events; i++)
    if (r->ev[i].nc) {
      ztk_netconf_free(r->ev[i].nc);
      free(r->ev[i].nc);
    }
  r->n_events = 0;
  r->dropped = 0;
}

void cr_free(ctlrec *r)
{
  cr_clear(r);
  for (unsigned i = 0; i < r->n_state; i++)
    free(r->state[i].data);
  r->n_state = 0;
}

unsigned cr_count(const ctlrec *r, char kind)
{
  unsigned n = 0;
  for (unsigned i = 0; i < r->n_events; i++)
    n += r->ev[i].kind == kind;
  return n;
}

const cr_event *cr_nth(const ctlrec *r, char kind, unsigned n)
{
  for (unsigned i = 0; i < r->n_events; i++)
    if (r->ev[i].kind == kind && n-- == 0)
      return &r->ev[i];
  return NULL;
}

void cr_vectornet(ztk_ctl_network *n)
{
  ztk_ctl_network_init(n);
  n->nwid = 0x89419d3fcd7cda1full;
  strcpy(n->name, "vectornet");
  n->v4_zt = true;
  n->v6_rfc4193 = n->v6_6plane = true;
  ztk_ctl_pool p;
  ztk_inaddr_parse(&p.start, "10.147.17.10");
  ztk_inaddr_parse(&p.end, "10.147.17.250");
  ztk_ctl_network_add_pool(n, &p);
  ztk_ctl_route rt;
  memset(&rt, 0, sizeof rt);
  ztk_inaddr_parse(&rt.target, "10.147.17.0/24");
  ztk_ctl_network_add_route(n, &rt);
}

void cr_meta(ztk_dict *d, char *buf, uint64_t revr, const char *extra_key, const char *extra_value)
{
  ztk_config_request_meta m = {1, 12, 1, 14, 1, revr, "linux/x86_64"};
  ztk_dict_init(d, buf, ZTK_DICT_METADATA_CAP);
  ztk_config_request_meta_build(d, &m);
  if (extra_key)
    ztk_dict_add_str(d, extra_key, extra_value);
}

cr_fixture *cr_fx_new(int64_t now)
{
  cr_fixture *f = calloc(1, sizeof *f);
  assert_non_null(f);
  tv_live_identity("ctl", &f->ctl);
  tv_live_public("alice", &f->alice);
  tv_live_public("bob", &f->bob);
  cr_init(&f->rec, 1, &f->io, true);
  assert_int_equal(ztk_ctl_new(&f->c, &f->ctl, &f->io, now), 0);
  cr_meta(&f->meta, f->meta_buf, 1, NULL, NULL);
  return f;
}

void cr_fx_free(cr_fixture *f)
{
  ztk_ctl_free(f->c);
  cr_free(&f->rec);
  free(f);
}

void cr_fx_network(cr_fixture *f, int64_t now, void (*edit)(ztk_ctl_network *))
{
  ztk_ctl_network n, saved;
  cr_vectornet(&n);
  if (edit)
    edit(&n);
  memset(&saved, 0, sizeof saved);
  assert_int_equal(ztk_ctl_network_put(f->c, now, &n, &saved), 0);
  assert_true(saved.revision == 1);
  assert_true(saved.creation_time == now);
  ztk_ctl_network_free(&n);
  ztk_ctl_network_free(&saved);
}

void cr_fx_authorize(cr_fixture *f, ztk_address a, int64_t now, bool yes)
{
  ztk_ctl_member m;
  memset(&m, 0, sizeof m);
  if (ztk_ctl_member_get(f->c, CR_NWID, a, &m))
    ztk_ctl_member_init(&m, CR_NWID, a);
  ztk_ctl_member_set_authorized(&m, yes, now);
  assert_int_equal(ztk_ctl_member_put(f->c, now, &m, NULL), 0);
  ztk_ctl_member_free(&m);
}

void cr_fx_member(cr_fixture *f, ztk_address a, ztk_ctl_member *m)
{
  memset(m, 0, sizeof *m);
  assert_int_equal(ztk_ctl_member_get(f->c, CR_NWID, a, m), 0);
}

const cr_event *cr_last(const ctlrec *r, char kind)
{
  for (unsigned i = r->n_events; i-- > 0;)
    if (r->ev[i].kind == kind)
      return &r->ev[i];
  fail_msg("no event '%c'", kind);
  return NULL;
}
