#include "core/packet/verbs.h"

#include <string.h>

#include "core/packet/packet.h"

#define MOON_ENTRY_LEN 17
#define ADDRESS_LEN 5
#define PLANET_FIELDS_LEN 16

/* ---- HELLO ---- */

size_t ztk_hello_write(ztk_wr *w, const ztk_hello *h)
{
  ztk_wr_u8(w, h->proto_version);
  ztk_wr_u8(w, h->major);
  ztk_wr_u8(w, h->minor);
  ztk_wr_u16(w, h->revision);
  ztk_wr_u64(w, h->timestamp);
  ztk_identity_write(w, &h->id, false);
  ztk_inaddr_write(w, &h->dest);
  ztk_wr_u64(w, h->planet_id);
  ztk_wr_u64(w, h->planet_timestamp);
  size_t tail = w->len;
  unsigned n = h->n_moons < ZTK_HELLO_MAX_MOONS ? h->n_moons : ZTK_HELLO_MAX_MOONS;
  ztk_wr_u16(w, (uint16_t)n);
  for (unsigned i = 0; i < n; i++) {
    ztk_wr_u8(w, h->moons[i].type);
    ztk_wr_u64(w, h->moons[i].id);
    ztk_wr_u64(w, h->moons[i].timestamp);
  }
  return tail;
}

int ztk_hello_read(ztk_rd *r, ztk_hello *h)
{
  size_t start = r->off;
  memset(h, 0, sizeof *h);
  h->proto_version = ztk_rd_u8(r);
  h->major = ztk_rd_u8(r);
  h->minor = ztk_rd_u8(r);
  h->revision = ztk_rd_u16(r);
  h->timestamp = ztk_rd_u64(r);
  if (ztk_identity_read(r, &h->id))
    return r->err;
  if (ztk_rd_left(r) > 0 && ztk_inaddr_read(r, &h->dest))
    return r->err;
  if (ztk_rd_left(r) >= PLANET_FIELDS_LEN) {
    h->has_planet = true;
    h->planet_id = ztk_rd_u64(r);
    h->planet_timestamp = ztk_rd_u64(r);
  }
  h->crypt_off = r->off - start;
  return r->err;
}

int ztk_hello_read_moons(ztk_rd *r, ztk_hello *h)
{
  h->moon_count = 0;
  h->n_moons = 0;
  if (ztk_rd_left(r) < 2)
    return r->err;
  h->moon_count = ztk_rd_u16(r);
  for (unsigned i = 0; i < h->moon_count && !r->err; i++) {
    ztk_hello_moon m;
    m.type = ztk_rd_u8(r);
    m.id = ztk_rd_u64(r);
    m.timestamp = ztk_rd_u64(r);
    if (!r->err && h->n_moons < ZTK_HELLO_MAX_MOONS)
      h->moons[h->n_moons++] = m;
  }
  return r->err;
}

int ztk_hello_decode(uint8_t *pkt, size_t len, const ztk_peer_key *key, ztk_hello *h)
{
  if (len < ZTK_PROTO_MIN_PACKET_LENGTH) {
    memset(h, 0, sizeof *h);
    return ZTK_EPKT_SHORT;
  }
  ztk_rd r = ztk_rd_make(pkt + ZTK_PKT_IDX_PAYLOAD, len - ZTK_PKT_IDX_PAYLOAD);
  int rc = ztk_hello_read(&r, h);
  if (rc || ztk_rd_left(&r) == 0)
    return rc;
  rc = ztk_hello_crypt(pkt, len, ZTK_PKT_IDX_PAYLOAD + h->crypt_off, key);
  return rc ? rc : ztk_hello_read_moons(&r, h);
}

/* ---- OK / ERROR ---- */

void ztk_ok_header_write(ztk_wr *w, uint8_t in_re_verb, uint64_t in_re_packet_id)
{
  ztk_wr_u8(w, in_re_verb);
  ztk_wr_u64(w, in_re_packet_id);
}

int ztk_ok_header_read(ztk_rd *r, ztk_ok_header *h)
{
  h->in_re_verb = ztk_rd_u8(r);
  h->in_re_packet_id = ztk_rd_u64(r);
  return r->err;
}

void ztk_ok_hello_write(ztk_wr *w, const ztk_ok_hello *o)
{
  ztk_wr_u64(w, o->timestamp);
  ztk_wr_u8(w, o->proto_version);
  ztk_wr_u8(w, o->major);
  ztk_wr_u8(w, o->minor);
  ztk_wr_u16(w, o->revision);
  ztk_inaddr_write(w, &o->from);
  if (o->worlds_len > UINT16_MAX) {
    if (!w->err)
      w->err = ZTK_EINVAL;
    return;
  }
  ztk_wr_u16(w, (uint16_t)o->worlds_len);
  ztk_wr_bytes(w, o->worlds, o->worlds_len);
}

int ztk_ok_hello_read(ztk_rd *r, ztk_ok_hello *o)
{
  memset(o, 0, sizeof *o);
  o->timestamp = ztk_rd_u64(r);
  o->proto_version = ztk_rd_u8(r);
  o->major = ztk_rd_u8(r);
  o->minor = ztk_rd_u8(r);
  o->revision = ztk_rd_u16(r);
  if (ztk_rd_left(r) > 0 && ztk_inaddr_read(r, &o->from))
    return r->err;
  if (ztk_rd_left(r) >= 2) {
    o->worlds_len = ztk_rd_u16(r);
    o->worlds = ztk_rd_take(r, o->worlds_len);
    if (o->worlds_len == 0)
      o->worlds = NULL;
  }
  return r->err;
}

void ztk_ok_whois_write(ztk_wr *w, const ztk_identity *ids, size_t n)
{
  for (size_t i = 0; i < n; i++)
    ztk_identity_write(w, &ids[i], false);
}

int ztk_ok_whois_read(ztk_rd *r, ztk_identity *ids, size_t max, size_t *n)
{
  *n = 0;
  if (max == 0)
    return ZTK_EINVAL;
  if (ztk_identity_read(r, &ids[0]))
    return r->err;
  *n = 1;
  while (*n < max && ztk_rd_left(r) > 0) {
    ztk_rd probe = *r;
    if (ztk_identity_read(&probe, &ids[*n]))
      break;
    *r = probe;
    (*n)++;
  }
  return 0;
}

static bool error_has_nwid(uint8_t code, uint8_t in_re_verb)
{
  switch (code) {
  case ZTK_PROTO_ERR_OBJ_NOT_FOUND:
  case ZTK_PROTO_ERR_UNSUPPORTED_OPERATION:
    return in_re_verb == ZTK_VERB_NETWORK_CONFIG_REQUEST;
  case ZTK_PROTO_ERR_NEED_MEMBERSHIP_CERTIFICATE:
  case ZTK_PROTO_ERR_NETWORK_ACCESS_DENIED:
  case ZTK_PROTO_ERR_UNWANTED_MULTICAST:
  case ZTK_PROTO_ERR_NETWORK_AUTHENTICATION_REQUIRED:
    return true;
  default:
    return false;
  }
}

void ztk_error_write(ztk_wr *w, const ztk_error_msg *e)
{
  ztk_ok_header_write(w, e->in_re_verb, e->in_re_packet_id);
  ztk_wr_u8(w, e->code);
  if (e->has_nwid)
    ztk_wr_u64(w, e->nwid);
  ztk_wr_bytes(w, e->extra, e->extra_len);
}

int ztk_error_read(ztk_rd *r, ztk_error_msg *e)
{
  memset(e, 0, sizeof *e);
  e->in_re_verb = ztk_rd_u8(r);
  e->in_re_packet_id = ztk_rd_u64(r);
  e->code = ztk_rd_u8(r);
  if (!r->err && error_has_nwid(e->code, e->in_re_verb)) {
    e->nwid = ztk_rd_u64(r);
    e->has_nwid = !r->err;
  }
  e->extra_len = ztk_rd_left(r);
  e->extra = ztk_rd_take(r, e->extra_len);
  return r->err;
}

/* ---- WHOIS / RENDEZVOUS / ECHO ---- */

void ztk_whois_write(ztk_wr *w, const ztk_address *addrs, size_t n)
{
  for (size_t i = 0; i < n; i++)
    ztk_wr_u40(w, addrs[i]);
}

int ztk_whois_read(ztk_rd *r, ztk_address *addrs, size_t max, size_t *n)
{
  *n = 0;
  if (ztk_rd_left(r) < ADDRESS_LEN) {
    ztk_rd_fail(r, ZTK_ETRUNC);
    return r->err;
  }
  while (ztk_rd_left(r) >= ADDRESS_LEN) {
    if (*n == max)
      return ZTK_ELIMIT;
    addrs[(*n)++] = ztk_rd_u40(r);
  }
  ztk_rd_skip(r, ztk_rd_left(r));
  return r->err;
}

void ztk_rendezvous_write(ztk_wr *w, const ztk_rendezvous *z)
{
  size_t iplen = z->at.family == 4 ? 4 : z->at.family == 6 ? 16 : 0;
  if (!iplen) {
    if (!w->err)
      w->err = ZTK_EINVAL;
    return;
  }
  ztk_wr_u8(w, z->flags);
  ztk_wr_u40(w, z->with);
  ztk_wr_u16(w, z->at.port);
  ztk_wr_u8(w, (uint8_t)iplen);
  ztk_wr_bytes(w, z->at.ip, iplen);
}

int ztk_rendezvous_read(ztk_rd *r, ztk_rendezvous *z)
{
  memset(z, 0, sizeof *z);
  z->flags = ztk_rd_u8(r);
  z->with = ztk_rd_u40(r);
  uint16_t port = ztk_rd_u16(r);
  uint8_t iplen = ztk_rd_u8(r);
  if (r->err)
    return r->err;
  if ((iplen != 4 && iplen != 16) || port == 0)
    return ZTK_EPKT_VERB;
  uint8_t ip[16];
  ztk_rd_copy(r, ip, iplen);
  if (r->err)
    return r->err;
  if (iplen == 4)
    ztk_inaddr_v4(&z->at, (uint32_t)ztk_be_get(ip, 4), port);
  else
    ztk_inaddr_v6(&z->at, ip, port);
  return 0;
}

void ztk_echo_write(ztk_wr *w, const ztk_echo *e) { ztk_wr_bytes(w, e->data, e->len); }

int ztk_echo_read(ztk_rd *r, ztk_echo *e)
{
  e->len = ztk_rd_left(r);
  e->data = ztk_rd_take(r, e->len);
  return r->err;
}

/* ---- PUSH_DIRECT_PATHS ---- */

static bool path_addr_ok(const ztk_inaddr *a) { return a->family == 4 || a->family == 6; }

void ztk_push_paths_write(ztk_wr *w, const ztk_path_record *recs, size_t n)
{
  size_t count = 0;
  for (size_t i = 0; i < n; i++)
    count += path_addr_ok(&recs[i].addr);
  ztk_wr_u16(w, (uint16_t)(count > UINT16_MAX ? UINT16_MAX : count));
  for (size_t i = 0, done = 0; i < n && done < UINT16_MAX; i++) {
    const ztk_inaddr *a = &recs[i].addr;
    if (!path_addr_ok(a))
      continue;
    size_t iplen = a->family == 4 ? 4 : 16;
    ztk_wr_u8(w, recs[i].flags);
    ztk_wr_u16(w, 0); /* no extensions */
    ztk_wr_u8(w, a->family);
    ztk_wr_u8(w, (uint8_t)(iplen + 2));
    ztk_wr_bytes(w, a->ip, iplen);
    ztk_wr_u16(w, a->port);
    done++;
  }
}

/* One record; sets rec->addr.family to 0 for types that are skipped. */
static int push_path_record(ztk_rd *r, ztk_path_record *rec)
{
  memset(rec, 0, sizeof *rec);
  rec->flags = ztk_rd_u8(r);
  ztk_rd_skip(r, ztk_rd_u16(r)); /* extensions */
  uint8_t type = ztk_rd_u8(r);
  uint8_t alen = ztk_rd_u8(r);
  ztk_rd field = ztk_rd_make(ztk_rd_take(r, alen), alen);
  if (r->err)
    return r->err;
  if (type != 4 && type != 6)
    return 0;
  size_t iplen = type == 4 ? 4 : 16;
  if (alen < iplen + 2)
    return ZTK_EPKT_VERB;
  uint8_t ip[16];
  ztk_rd_copy(&field, ip, iplen);
  uint16_t port = ztk_rd_u16(&field);
  if (type == 4)
    ztk_inaddr_v4(&rec->addr, (uint32_t)ztk_be_get(ip, 4), port);
  else
    ztk_inaddr_v6(&rec->addr, ip, port);
  return 0;
}

int ztk_push_paths_read(ztk_rd *r, ztk_path_record *recs, size_t max, size_t *n)
{
  *n = 0;
  unsigned count = ztk_rd_u16(r);
  for (unsigned i = 0; i < count && !r->err; i++) {
    ztk_path_record rec;
    int rc = push_path_record(r, &rec);
    if (rc)
      return rc;
    if (rec.addr.family && *n < max)
      recs[(*n)++] = rec;
  }
  return r->err;
}

/* ---- USER_MESSAGE ---- */

void ztk_user_message_write(ztk_wr *w, const ztk_user_message *m)
{
  ztk_wr_u64(w, m->type_id);
  ztk_wr_bytes(w, m->data, m->len);
}

int ztk_user_message_read(ztk_rd *r, ztk_user_message *m)
{
  m->type_id = ztk_rd_u64(r);
  m->len = ztk_rd_left(r);
  m->data = ztk_rd_take(r, m->len);
  return r->err;
}
