/* Payload compression (protocol notes §7): LZ4 block format over the bytes after the verb byte,
 * flagged by verb bit 0x80. Works in place on an unarmored packet buffer; the temporary
 * buffer lives on the stack (about 10 KB), nothing is allocated. Internal header. */
#ifndef ZTK_CORE_PACKET_COMPRESS_H
#define ZTK_CORE_PACKET_COMPRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Payloads of at most this many bytes are never compressed (as 1.14.1). */
#define ZTK_COMPRESS_MIN_PAYLOAD 64

/* Compresses pkt's payload (bytes 28..*len) if it is longer than 64 bytes and LZ4 makes it
 * strictly shorter: then sets the verb's compressed bit and updates *len. Otherwise clears the
 * bit and leaves the payload. Sets *compressed (may be NULL) to what it did. Returns 0, or
 * ZTK_EPKT_SHORT / ZTK_EPKT_LONG for a length outside the packet limits. */
int ztk_packet_compress(uint8_t *pkt, size_t *len, bool *compressed);

/* If the verb's compressed bit is set, decompresses the payload in place (bounded by cap and by
 * ZTK_PROTO_MAX_PACKET_LENGTH), clears the bit and updates *len; an empty compressed payload
 * just loses the bit. Uncompressed packets are left alone. Returns 0, or one of:
 * ZTK_EPKT_SHORT, ZTK_EPKT_LONG, ZTK_EPKT_COMPRESS (not a valid LZ4 block, empty result, or
 * larger than the room), ZTK_ENOSPACE (the result does not fit in cap). */
int ztk_packet_decompress(uint8_t *pkt, size_t *len, size_t cap);

#endif
