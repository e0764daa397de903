#include "core/network/chunk.h"

#include <stdlib.h>
#include <string.h>

int ztk_chunk_write(ztk_wr *w, const ztk_identity *controller, uint64_t nwid, const void *dict,
                    size_t dict_len, size_t index, uint8_t flags, uint64_t update_id)
{
  if (index >= dict_len || update_id == 0 || dict_len >= ZTK_DICT_NETCONF_CAP)
    return ZTK_EINVAL;
  if (!controller->has_private)
    return ZTK_EID_NOSECRET;
  const size_t n = dict_len - index < ZTK_CHUNK_MAX_DATA ? dict_len - index : ZTK_CHUNK_MAX_DATA;
  const size_t start = w->len;
  ztk_wr_u64(w, nwid);
  ztk_wr_u16(w, (uint16_t)n);
  ztk_wr_bytes(w, (const uint8_t *)dict + index, n);
  ztk_wr_u8(w, flags);
  ztk_wr_u64(w, update_id);
  ztk_wr_u32(w, (uint32_t)dict_len);
  ztk_wr_u32(w, (uint32_t)index);
  uint8_t *sig = ztk_wr_reserve(w, 3 + ZTK_SIGNATURE_LEN);
  if (w->err)
    return w->err;
  sig[0] = ZTK_SIGNATURE_TYPE_ED25519;
  ztk_be_put(sig + 1, ZTK_SIGNATURE_LEN, 2);
  int rc =
      ztk_identity_sign(controller, w->p + start, w->len - start - 3 - ZTK_SIGNATURE_LEN, sig + 3);
  return rc ? rc : (int)n;
}

int ztk_chunk_read(ztk_chunk *c, const void *payload, size_t len)
{
  ztk_rd r = ztk_rd_make(payload, len);
  memset(c, 0, sizeof *c);
  c->nwid = ztk_rd_u64(&r);
  c->len = ztk_rd_u16(&r);
  c->data = ztk_rd_take(&r, c->len);
  if (r.err)
    return r.err;
  if (ztk_rd_left(&r) == 0) {
    c->legacy = true;
    c->total = c->len;
    return 0;
  }
  c->flags = ztk_rd_u8(&r);
  c->update_id = ztk_rd_u64(&r);
  c->total = ztk_rd_u32(&r);
  c->index = ztk_rd_u32(&r);
  c->signed_bytes = payload;
  c->signed_len = r.off;
  const uint8_t type = ztk_rd_u8(&r);
  const uint16_t siglen = ztk_rd_u16(&r);
  c->signature = ztk_rd_take(&r, ZTK_SIGNATURE_LEN);
  if (r.err)
    return r.err;
  if ((uint64_t)c->index + c->len > c->total || c->total >= ZTK_DICT_NETCONF_CAP ||
      type != ZTK_SIGNATURE_TYPE_ED25519 || siglen != ZTK_SIGNATURE_LEN)
    return ZTK_ENET_CHUNK;
  return 0;
}

int ztk_chunk_verify(const ztk_chunk *c, const ztk_identity *controller)
{
  if (c->legacy || !c->signature || !controller ||
      controller->address != ztk_nwid_controller(c->nwid))
    return ZTK_EAUTH;
  return ztk_identity_verify(controller, c->signed_bytes, c->signed_len, c->signature,
                             ZTK_SIGNATURE_LEN);
}

/* ---- assembler -------------------------------------------------------------------------- */

static void slot_clear(ztk_chunk_slot *s)
{
  free(s->data);
  free(s->chunks);
  memset(s, 0, sizeof *s);
}

void ztk_chunk_asm_init(ztk_chunk_asm *a, uint64_t nwid)
{
  memset(a, 0, sizeof *a);
  a->nwid = nwid;
}

void ztk_chunk_asm_free(ztk_chunk_asm *a)
{
  for (int i = 0; i < ZTK_CHUNK_MAX_UPDATES; i++)
    slot_clear(&a->slots[i]);
}

/* The slot assembling update_id, or NULL. */
static ztk_chunk_slot *find_slot(ztk_chunk_asm *a, uint64_t update_id)
{
  for (int i = 0; i < ZTK_CHUNK_MAX_UPDATES; i++)
    if (a->slots[i].last_used && a->slots[i].update_id == update_id)
      return &a->slots[i];
  return NULL;
}

static bool is_duplicate(const ztk_chunk_slot *s, const uint8_t id[16])
{
  for (uint32_t i = 0; i < s->chunk_count; i++)
    if (memcmp(s->chunks[i].sig16, id, 16) == 0)
      return true;
  return false;
}

/* Takes an empty or the least recently used slot for a new update of `total` bytes. */
static int new_slot(ztk_chunk_asm *a, uint64_t update_id, uint32_t total, ztk_chunk_slot **out)
{
  ztk_chunk_slot *s = &a->slots[0];
  for (int i = 1; i < ZTK_CHUNK_MAX_UPDATES; i++)
    if (a->slots[i].last_used < s->last_used)
      s = &a->slots[i];
  slot_clear(s);
  s->data = malloc(total ? total : 1);
  s->chunks = calloc(ZTK_CHUNK_MAX_PER_UPDATE, sizeof *s->chunks);
  if (!s->data || !s->chunks) {
    slot_clear(s);
    return ZTK_ENOMEM;
  }
  s->update_id = update_id;
  s->total = total;
  *out = s;
  return 0;
}

static bool overlaps(const ztk_chunk_slot *s, uint32_t index, uint32_t len)
{
  for (uint32_t i = 0; i < s->chunk_count; i++) {
    const uint32_t b = s->chunks[i].index, e = b + s->chunks[i].len;
    if (index < e && b < index + len)
      return true;
  }
  return false;
}

/* Records the chunk's bytes; returns 1 if the update is now complete. */
static int store(ztk_chunk_asm *a, ztk_chunk_slot *s, const ztk_chunk *c, const uint8_t id[16])
{
  if (c->total != s->total || overlaps(s, c->index, c->len))
    return ZTK_ENET_CHUNK;
  if (s->chunk_count >= ZTK_CHUNK_MAX_PER_UPDATE)
    return ZTK_ELIMIT;
  memcpy(s->chunks[s->chunk_count].sig16, id, 16);
  s->chunks[s->chunk_count].index = c->index;
  s->chunks[s->chunk_count].len = c->len;
  s->chunk_count++;
  if (c->len)
    memcpy(s->data + c->index, c->data, c->len);
  s->have_bytes += c->len;
  s->last_used = ++a->seq;
  s->complete = s->have_bytes == s->total;
  return s->complete ? 1 : 0;
}

/* Frees the buffers of updates handed out by the previous call (their ids stay for dedup). */
static void release_done(ztk_chunk_asm *a)
{
  for (int i = 0; i < ZTK_CHUNK_MAX_UPDATES; i++) {
    if (a->slots[i].complete && a->slots[i].data) {
      free(a->slots[i].data);
      a->slots[i].data = NULL;
    }
  }
}

int ztk_chunk_asm_add(ztk_chunk_asm *a, const ztk_chunk *c, const ztk_identity *controller,
                      bool from_controller, uint64_t packet_id, ztk_chunk_done *done)
{
  uint8_t id[16] = {0};
  release_done(a);
  if (c->nwid != a->nwid || (c->legacy && !from_controller) ||
      (uint64_t)c->index + c->len > c->total || c->total >= ZTK_DICT_NETCONF_CAP)
    return ZTK_ENET_CHUNK;
  const uint64_t update_id = c->legacy ? packet_id : c->update_id;
  if (c->legacy)
    ztk_be_put(id, packet_id, 8);
  else
    memcpy(id, c->signature, 16);
  ztk_chunk_slot *s = find_slot(a, update_id);
  if (s && (s->complete || is_duplicate(s, id)))
    return ZTK_EEXIST;
  if (!c->legacy && ztk_chunk_verify(c, controller))
    return ZTK_EAUTH;
  if (!s) {
    int rc = new_slot(a, update_id, c->total, &s);
    if (rc)
      return rc;
  }
  int rc = store(a, s, c, id);
  if (rc == 1) {
    done->update_id = update_id;
    done->data = s->data;
    done->len = s->total;
  }
  return rc;
}
