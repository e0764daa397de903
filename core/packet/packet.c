#include "core/packet/packet.h"

#include <string.h>

/* Fragment indicator: the reserved address prefix 0xff where a packet has its source. */
#define FRAGMENT_INDICATOR_IDX 13
#define FRAGMENT_INDICATOR 0xff
#define FRAGMENT_MIN_LENGTH 16

const char *ztk_verb_name(unsigned verb)
{
  static const char *const names[] = {
      [ZTK_VERB_NOP] = "NOP",
      [ZTK_VERB_HELLO] = "HELLO",
      [ZTK_VERB_ERROR] = "ERROR",
      [ZTK_VERB_OK] = "OK",
      [ZTK_VERB_WHOIS] = "WHOIS",
      [ZTK_VERB_RENDEZVOUS] = "RENDEZVOUS",
      [ZTK_VERB_FRAME] = "FRAME",
      [ZTK_VERB_EXT_FRAME] = "EXT_FRAME",
      [ZTK_VERB_ECHO] = "ECHO",
      [ZTK_VERB_MULTICAST_LIKE] = "MULTICAST_LIKE",
      [ZTK_VERB_NETWORK_CREDENTIALS] = "NETWORK_CREDENTIALS",
      [ZTK_VERB_NETWORK_CONFIG_REQUEST] = "NETWORK_CONFIG_REQUEST",
      [ZTK_VERB_NETWORK_CONFIG] = "NETWORK_CONFIG",
      [ZTK_VERB_MULTICAST_GATHER] = "MULTICAST_GATHER",
      [ZTK_VERB_MULTICAST_FRAME] = "MULTICAST_FRAME",
      [ZTK_VERB_PUSH_DIRECT_PATHS] = "PUSH_DIRECT_PATHS",
      [ZTK_VERB_ACK] = "ACK",
      [ZTK_VERB_QOS_MEASUREMENT] = "QOS_MEASUREMENT",
      [ZTK_VERB_USER_MESSAGE] = "USER_MESSAGE",
      [ZTK_VERB_REMOTE_TRACE] = "REMOTE_TRACE",
      [ZTK_VERB_PATH_NEGOTIATION_REQUEST] = "PATH_NEGOTIATION_REQUEST",
  };
  if (verb < sizeof names / sizeof names[0] && names[verb])
    return names[verb];
  return "UNKNOWN";
}

ztk_dgram_kind ztk_datagram_classify(const uint8_t *d, size_t len)
{
  if (len == ZTK_BEACON_LENGTH)
    return ZTK_DGRAM_BEACON;
  if (len > FRAGMENT_MIN_LENGTH && d[FRAGMENT_INDICATOR_IDX] == FRAGMENT_INDICATOR)
    return ZTK_DGRAM_FRAGMENT;
  if (len >= ZTK_PROTO_MIN_PACKET_LENGTH)
    return ZTK_DGRAM_PACKET;
  return ZTK_DGRAM_JUNK;
}

ztk_wr ztk_packet_start(uint8_t *buf, size_t cap, ztk_address dest, ztk_address source,
                        uint8_t verb, ztk_csprng *rng)
{
  ztk_wr w = ztk_wr_make(buf, cap < ZTK_PROTO_MAX_PACKET_LENGTH ? cap : ZTK_PROTO_MAX_PACKET_LENGTH);
  uint8_t *h = ztk_wr_reserve(&w, ZTK_PROTO_MIN_PACKET_LENGTH);
  if (!h)
    return w;
  ztk_csprng_bytes(rng, h + ZTK_PKT_IDX_ID, 8);
  ztk_packet_set_dest(h, dest);
  ztk_packet_set_source(h, source);
  ztk_packet_set_flags(h, 0);
  memset(h + ZTK_PKT_IDX_MAC, 0, 8);
  ztk_packet_set_verb(h, verb);
  return w;
}
