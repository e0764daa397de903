/* Network config chunks (protocol notes §8.14): the payload of OK(NETWORK_CONFIG_REQUEST) after
 * its in-re fields, and of NETWORK_CONFIG. A controller cuts the config dictionary into chunks of
 * at most 9740 bytes, all carrying one random non-zero update id, and signs each over its bytes
 * [0, 27 + C). A member verifies each chunk against the controller (nwid >> 24), assembles them,
 * and parses the dictionary when every byte has arrived. Internal header. */
#ifndef ZTK_CORE_NETWORK_CHUNK_H
#define ZTK_CORE_NETWORK_CHUNK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/network/credsig.h"
#include "core/network/dictionary.h"
#include "core/util/cursor.h"
#include "ztkit/identity.h"

/* ZT_PROTO_MAX_PACKET_LENGTH - (header 28 + 256): the most dictionary bytes per chunk. */
#define ZTK_CHUNK_MAX_DATA 9740u
/* nwid(8) len(2) + flags(1) update id(8) total(4) index(4) + sig type(1) len(2) sig(96). */
#define ZTK_CHUNK_OVERHEAD 126u
#define ZTK_CHUNK_SIGNED_OVERHEAD 27u /* bytes [0, 27 + C) are signed */

#define ZTK_CHUNK_FLAG_FAST_PROPAGATE 0x01

/* Updates assembled at once, and the chunk-count limit of one update (1.14.1's
 * ZT_NETWORK_MAX_INCOMING_UPDATES and ZT_NETWORK_MAX_UPDATE_CHUNKS). */
#define ZTK_CHUNK_MAX_UPDATES 3
#define ZTK_CHUNK_MAX_PER_UPDATE (ZTK_DICT_NETCONF_CAP / 1024 + 1)

/* A parsed chunk: pointers into the payload it was read from. */
typedef struct ztk_chunk {
  uint64_t nwid;
  const uint8_t *data; /* dictionary bytes [index, index + len) */
  uint16_t len;
  bool legacy;   /* unsigned single chunk (the fields below are zero / NULL) */
  uint8_t flags; /* ZTK_CHUNK_FLAG_* */
  uint64_t update_id;
  uint32_t total;              /* length of the whole dictionary */
  uint32_t index;              /* offset of this chunk */
  const uint8_t *signature;    /* 96 bytes */
  const uint8_t *signed_bytes; /* start of the payload: the signature covers signed_len bytes */
  size_t signed_len;
} ztk_chunk;

/* Writes the chunk of dict (dict_len bytes) that starts at offset index: at most
 * ZTK_CHUNK_MAX_DATA bytes, signed by the controller. update_id must be non-zero and the same
 * for every chunk of one dictionary. Returns the number of dictionary bytes it carries (add it
 * to index for the next chunk), or one of: ZTK_EINVAL (index >= dict_len, update_id 0,
 * dict_len > UINT32_MAX), ZTK_ENOSPACE, ZTK_EID_NOSECRET. */
int ztk_chunk_write(ztk_wr *w, const ztk_identity *controller, uint64_t nwid, const void *dict,
                    size_t dict_len, size_t index, uint8_t flags, uint64_t update_id);

/* Parses a chunk payload. The short legacy form (payload ends after the dictionary bytes) is
 * returned with legacy = true, total = len, index 0. Bytes after the signature are ignored, as
 * 1.14.1 does. Returns 0, or one of: ZTK_ETRUNC, ZTK_ENET_CHUNK (index + len > total, total
 * >= ZTK_DICT_NETCONF_CAP, signature type not 1 or length not 96). */
int ztk_chunk_read(ztk_chunk *c, const void *payload, size_t len);

/* Checks a signed chunk's signature with the controller's identity (which must be nwid >> 24).
 * Returns 0 or ZTK_EAUTH (also for a legacy chunk or the wrong identity). */
int ztk_chunk_verify(const ztk_chunk *c, const ztk_identity *controller);

/* Assembles the chunks of up to ZTK_CHUNK_MAX_UPDATES updates of one network. Buffers are
 * allocated per update (exactly its total length) and freed when replaced or by _free. */
typedef struct ztk_chunk_slot {
  uint64_t update_id;
  uint64_t last_used; /* assembler sequence number; 0 = empty */
  uint32_t total;
  uint32_t have_bytes;
  uint32_t chunk_count;
  bool complete;
  uint8_t *data;
  /* per accepted chunk: first 16 signature bytes (de-duplication) and its byte range */
  struct {
    uint8_t sig16[16];
    uint32_t index, len;
  } * chunks;
} ztk_chunk_slot;

typedef struct ztk_chunk_asm {
  uint64_t nwid;
  uint64_t seq;
  ztk_chunk_slot slots[ZTK_CHUNK_MAX_UPDATES];
} ztk_chunk_asm;

/* A finished dictionary; data stays valid until the next call on the assembler. */
typedef struct ztk_chunk_done {
  uint64_t update_id;
  const uint8_t *data;
  size_t len;
} ztk_chunk_done;

void ztk_chunk_asm_init(ztk_chunk_asm *a, uint64_t nwid);
void ztk_chunk_asm_free(ztk_chunk_asm *a);

/* Adds a parsed chunk received from `source` in packet `packet_id`. A signed chunk must verify
 * with `controller` (the identity of nwid >> 24). A legacy unsigned chunk is accepted only if
 * from_controller (the packet's source is the controller); its update id is packet_id.
 * Returns 1 when the update is complete (*done filled), 0 when accepted and more chunks are
 * needed, or one of: ZTK_EEXIST (duplicate chunk, or a chunk of an update already complete),
 * ZTK_ENET_CHUNK (wrong network, a legacy chunk not from the controller, a total that differs
 * from the update's, overlapping bytes), ZTK_EAUTH (bad signature), ZTK_ELIMIT (too many
 * chunks in one update), ZTK_ENOMEM. A verified chunk with the fast-propagate flag that returns
 * 0 or 1 is new: the caller may relay it. */
int ztk_chunk_asm_add(ztk_chunk_asm *a, const ztk_chunk *c, const ztk_identity *controller,
                      bool from_controller, uint64_t packet_id, ztk_chunk_done *done);

#endif
