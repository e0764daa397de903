#include "core/network/credentials.h"

#include <string.h>

typedef int (*read_fn)(ztk_rd *r, void *item);
typedef void (*write_fn)(ztk_wr *w, const void *item);

static int rd_cap(ztk_rd *r, void *x)
{
  return ztk_capability_read(r, x);
}
static int rd_tag(ztk_rd *r, void *x)
{
  return ztk_tag_read(r, x);
}
static int rd_rev(ztk_rd *r, void *x)
{
  return ztk_revocation_read(r, x);
}
static int rd_coo(ztk_rd *r, void *x)
{
  return ztk_coo_read(r, x);
}
static void wr_cap(ztk_wr *w, const void *x)
{
  ztk_capability_write(w, x);
}
static void wr_tag(ztk_wr *w, const void *x)
{
  ztk_tag_write(w, x);
}
static void wr_rev(ztk_wr *w, const void *x)
{
  ztk_revocation_write(w, x);
}
static void wr_coo(ztk_wr *w, const void *x)
{
  ztk_coo_write(w, x);
}

/* One counted section, described for the generic loops below. */
typedef struct section {
  void *items;
  size_t size;
  unsigned *count;
  unsigned cap;
  read_fn rd;
  write_fn wr;
} section;

static void sections_of(ztk_creds *c, section s[ZTK_CREDS_SECTIONS])
{
  s[0] = (section){c->caps, sizeof *c->caps, &c->cap_count, c->cap_cap, rd_cap, wr_cap};
  s[1] = (section){c->tags, sizeof *c->tags, &c->tag_count, c->tag_cap, rd_tag, wr_tag};
  s[2] = (section){c->revs, sizeof *c->revs, &c->rev_count, c->rev_cap, rd_rev, wr_rev};
  s[3] = (section){c->coos, sizeof *c->coos, &c->coo_count, c->coo_cap, rd_coo, wr_coo};
}

static int read_coms(ztk_rd *r, ztk_creds *c)
{
  while (ztk_rd_peek(r, 0) > 0) {
    if (c->com_count >= c->com_cap || c->com_count >= ZTK_CREDS_MAX_COMS)
      return ZTK_ELIMIT;
    int rc = ztk_com_read(r, &c->coms[c->com_count]);
    if (rc)
      return rc;
    c->com_count++;
  }
  ztk_rd_skip(r, ztk_rd_left(r) ? 1 : 0); /* the 0x00 after the COMs, if present */
  return 0;
}

static int read_section(ztk_rd *r, const section *s)
{
  const unsigned n = ztk_rd_u16(r);
  if (r->err)
    return r->err;
  if (n > s->cap || n > ZTK_CREDS_MAX_PER_SECTION)
    return ZTK_ELIMIT;
  for (unsigned i = 0; i < n; i++) {
    int rc = s->rd(r, (uint8_t *)s->items + i * s->size);
    if (rc)
      return rc;
    (*s->count)++;
  }
  return 0;
}

int ztk_creds_read(const void *payload, size_t len, ztk_creds *c)
{
  section s[ZTK_CREDS_SECTIONS];
  ztk_rd r = ztk_rd_make(payload, len);
  c->com_count = c->cap_count = c->tag_count = c->rev_count = c->coo_count = 0;
  c->sections = 0;
  int rc = read_coms(&r, c);
  sections_of(c, s);
  for (unsigned i = 0; i < ZTK_CREDS_SECTIONS && !rc && ztk_rd_left(&r) > 0; i++) {
    rc = read_section(&r, &s[i]);
    c->sections = i + 1;
  }
  return rc;
}

int ztk_creds_write(ztk_wr *w, const ztk_creds *c)
{
  section s[ZTK_CREDS_SECTIONS];
  ztk_creds tmp = *c;
  if (c->com_count > ZTK_CREDS_MAX_COMS || c->sections > ZTK_CREDS_SECTIONS)
    return ZTK_ELIMIT;
  for (unsigned i = 0; i < c->com_count; i++)
    ztk_com_write(w, &c->coms[i]);
  ztk_wr_u8(w, 0);
  sections_of(&tmp, s);
  for (unsigned i = 0; i < c->sections; i++) {
    if (*s[i].count > ZTK_CREDS_MAX_PER_SECTION)
      return ZTK_ELIMIT;
    ztk_wr_u16(w, (uint16_t)*s[i].count);
    for (unsigned k = 0; k < *s[i].count; k++)
      s[i].wr(w, (const uint8_t *)s[i].items + k * s[i].size);
  }
  return w->err;
}
