/* ztkit error codes: every fallible function returns 0 (or a length) on success and one of
 * these negative codes on failure. Codes are stable ABI; ztk_strerror() names each one. */
#ifndef ZTKIT_ERROR_H
#define ZTKIT_ERROR_H

#include "ztkit/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* X(name, value, message). Generic codes first, then per-domain ranges of ten (sockets take
 * -80..-99: each ZTK_ESOCK_* code has one POSIX errno, see stack/sock_err.h; the running node
 * -110..-119). */
#define ZTK_ERROR_LIST(X)                                                              \
  X(ZTK_OK, 0, "success")                                                              \
  X(ZTK_EINVAL, -1, "invalid argument")                                                \
  X(ZTK_ENOMEM, -2, "out of memory")                                                   \
  X(ZTK_ETRUNC, -3, "input is truncated")                                              \
  X(ZTK_EFORMAT, -4, "malformed input")                                                \
  X(ZTK_EAUTH, -5, "authentication failed (MAC or signature)")                          \
  X(ZTK_ERANGE, -6, "value out of range")                                              \
  X(ZTK_ENOTFOUND, -7, "not found")                                                    \
  X(ZTK_EEXIST, -8, "already exists")                                                  \
  X(ZTK_EAGAIN, -9, "try again later")                                                 \
  X(ZTK_ETIMEDOUT, -10, "timed out")                                                   \
  X(ZTK_EIO, -11, "input/output error")                                                \
  X(ZTK_ESTATE, -12, "operation not valid in the current state")                       \
  X(ZTK_ELIMIT, -13, "a fixed limit was reached")                                      \
  X(ZTK_EUNSUPPORTED, -14, "unsupported")                                              \
  X(ZTK_ECRYPTO, -15, "cryptographic library failure")                                 \
  X(ZTK_ENOSPACE, -16, "output buffer too small")                                      \
  X(ZTK_EID_FIELDS, -30, "identity: wrong number of ':'-separated fields")             \
  X(ZTK_EID_TYPE, -31, "identity: type field is not 0")                                \
  X(ZTK_EID_ADDRESS, -32, "identity: address is not 10 hex digits")                    \
  X(ZTK_EID_RESERVED, -33, "identity: address is reserved (0 or 0xff prefix)")         \
  X(ZTK_EID_PUBLIC, -34, "identity: public key is not 128 hex digits")                 \
  X(ZTK_EID_PRIVATE, -35, "identity: private key is not 128 hex digits")               \
  X(ZTK_EID_INVALID, -36, "identity: address does not match the public key's proof of work") \
  X(ZTK_EID_NOSECRET, -37, "identity: private key required")                           \
  X(ZTK_EWORLD_TYPE, -40, "world: unknown type")                                       \
  X(ZTK_EWORLD_SIGNATURE, -41, "world: signature does not verify")                     \
  X(ZTK_EWORLD_OLD, -42, "world: not newer than the current one")                      \
  X(ZTK_EWORLD_LIMIT, -43, "world: too many roots or endpoints")                       \
  X(ZTK_EWORLD_ID, -44, "world: a different world (id differs)")                       \
  X(ZTK_EWORLD_IDENTITY, -45, "world: malformed root identity")                        \
  X(ZTK_EWORLD_ENDPOINT, -46, "world: malformed stable endpoint")                      \
  X(ZTK_EPKT_SHORT, -50, "packet: shorter than a header")                              \
  X(ZTK_EPKT_CIPHER, -51, "packet: unknown or refused cipher suite")                   \
  X(ZTK_EPKT_COMPRESS, -52, "packet: compressed payload does not decompress")          \
  X(ZTK_EPKT_FRAGMENT, -53, "packet: bad fragment")                                    \
  X(ZTK_EPKT_VERB, -54, "packet: bad verb payload")                                    \
  X(ZTK_EPKT_LONG, -55, "packet: longer than the maximum packet length")               \
  X(ZTK_ENET_NOTJOINED, -60, "network: not joined")                                    \
  X(ZTK_ENET_DENIED, -61, "network: access denied")                                    \
  X(ZTK_ENET_CONFIG, -62, "network: bad network configuration")                        \
  X(ZTK_ENET_CREDENTIAL, -63, "network: credential does not verify")                   \
  X(ZTK_ENET_DICT, -64, "network: malformed dictionary")                               \
  X(ZTK_ENET_VERSION, -65, "network: configuration format too old (v < 6)")            \
  X(ZTK_ENET_CHUNK, -66, "network: bad configuration chunk")                           \
  X(ZTK_ENET_RULES, -67, "network: malformed rule table")                              \
  X(ZTK_EJSON, -70, "json: malformed document")                                        \
  X(ZTK_EJSON_FIELD, -71, "json: bad field")                                           \
  X(ZTK_ESOCK, -80, "socket: error")                                                   \
  X(ZTK_ESOCK_REFUSED, -81, "socket: connection refused")                              \
  X(ZTK_ESOCK_RESET, -82, "socket: connection reset by peer")                          \
  X(ZTK_ESOCK_ABORTED, -83, "socket: connection aborted")                              \
  X(ZTK_ESOCK_INPROGRESS, -84, "socket: connection in progress")                       \
  X(ZTK_ESOCK_ALREADY, -85, "socket: operation already in progress")                   \
  X(ZTK_ESOCK_ADDRINUSE, -86, "socket: address in use")                                \
  X(ZTK_ESOCK_ADDRNOTAVAIL, -87, "socket: address not available on this host")         \
  X(ZTK_ESOCK_NOTCONN, -88, "socket: not connected")                                   \
  X(ZTK_ESOCK_ISCONN, -89, "socket: already connected")                                \
  X(ZTK_ESOCK_NETUNREACH, -90, "socket: no network of this host reaches the destination") \
  X(ZTK_ESOCK_HOSTUNREACH, -91, "socket: host unreachable")                            \
  X(ZTK_ESOCK_NETDOWN, -92, "socket: the network interface went away")                 \
  X(ZTK_ESOCK_PIPE, -93, "socket: cannot send after shutdown")                         \
  X(ZTK_ESOCK_MSGSIZE, -94, "socket: message too long")                                \
  X(ZTK_ESOCK_AFNOSUPPORT, -95, "socket: address family not supported")                \
  X(ZTK_ESOCK_OPNOTSUPP, -96, "socket: operation not supported on this socket type")   \
  X(ZTK_ESOCK_NOPROTOOPT, -97, "socket: unknown option")                               \
  X(ZTK_ESOCK_DESTADDRREQ, -98, "socket: destination address required")               \
  X(ZTK_ESOCK_ACCES, -99, "socket: broadcast needs SO_BROADCAST") \
  X(ZTK_ECTL_RECORD, -100, "controller: corrupt database record")                       \
  X(ZTK_ECTL_VERSION, -101, "controller: database record of an unsupported version")         \
  X(ZTK_ENODE_STOPPED, -110, "node: stopped (its sockets no longer work)")

enum ztk_error {
#define ZTK_ERROR_ENUM(name, value, msg) name = value,
  ZTK_ERROR_LIST(ZTK_ERROR_ENUM)
#undef ZTK_ERROR_ENUM
};

/* Returns a static, human-readable message for any value; unknown codes get a generic text. */
ZTK_API const char *ztk_strerror(int err);

/* Returns the symbolic name ("ZTK_EINVAL") of a code, or "ZTK_E?" for unknown codes. */
ZTK_API const char *ztk_errname(int err);

#ifdef __cplusplus
}
#endif
#endif
