#include "core/packet/compress.h"

#include <lz4.h>
#include <string.h>

#include "core/packet/packet.h"
#include "ztkit/error.h"

static int check_length(size_t len)
{
  if (len < ZTK_PROTO_MIN_PACKET_LENGTH)
    return ZTK_EPKT_SHORT;
  if (len > ZTK_PROTO_MAX_PACKET_LENGTH)
    return ZTK_EPKT_LONG;
  return 0;
}

int ztk_packet_compress(uint8_t *pkt, size_t *len, bool *compressed)
{
  uint8_t tmp[ZTK_PROTO_MAX_PAYLOAD];
  int rc = check_length(*len);
  if (compressed)
    *compressed = false;
  if (rc)
    return rc;
  size_t plen = *len - ZTK_PKT_IDX_PAYLOAD;
  pkt[ZTK_PKT_IDX_VERB] &= (uint8_t)~ZTK_VERB_FLAG_COMPRESSED;
  if (plen <= ZTK_COMPRESS_MIN_PAYLOAD)
    return 0;
  /* A bound of plen - 1 makes LZ4 give up (return 0) unless the result is strictly shorter. */
  int clen = LZ4_compress_default((const char *)pkt + ZTK_PKT_IDX_PAYLOAD, (char *)tmp, (int)plen,
                                  (int)plen - 1);
  if (clen <= 0)
    return 0;
  memcpy(pkt + ZTK_PKT_IDX_PAYLOAD, tmp, (size_t)clen);
  pkt[ZTK_PKT_IDX_VERB] |= ZTK_VERB_FLAG_COMPRESSED;
  *len = ZTK_PKT_IDX_PAYLOAD + (size_t)clen;
  if (compressed)
    *compressed = true;
  return 0;
}

int ztk_packet_decompress(uint8_t *pkt, size_t *len, size_t cap)
{
  uint8_t tmp[ZTK_PROTO_MAX_PAYLOAD];
  int rc = check_length(*len);
  if (rc)
    return rc;
  if (!ztk_packet_compressed(pkt))
    return 0;
  size_t clen = *len - ZTK_PKT_IDX_PAYLOAD;
  if (clen > 0) {
    int ulen = LZ4_decompress_safe((const char *)pkt + ZTK_PKT_IDX_PAYLOAD, (char *)tmp, (int)clen,
                                   (int)sizeof tmp);
    if (ulen <= 0)
      return ZTK_EPKT_COMPRESS;
    if (cap < ZTK_PKT_IDX_PAYLOAD || (size_t)ulen > cap - ZTK_PKT_IDX_PAYLOAD)
      return ZTK_ENOSPACE;
    memcpy(pkt + ZTK_PKT_IDX_PAYLOAD, tmp, (size_t)ulen);
    *len = ZTK_PKT_IDX_PAYLOAD + (size_t)ulen;
  }
  pkt[ZTK_PKT_IDX_VERB] &= (uint8_t)~ZTK_VERB_FLAG_COMPRESSED;
  return 0;
}
