/* Error mappings; see sock_err.h. */
#include "stack/sock_err.h"

#include <errno.h>

#include "lwip/err.h"

#include "ztkit/error.h"

int ztk_sock_err_from_lwip(int lwip_err)
{
  switch (lwip_err) {
  case ERR_OK:
    return 0;
  case ERR_MEM:
  case ERR_BUF:
    return ZTK_ENOMEM;
  case ERR_TIMEOUT:
    return ZTK_ETIMEDOUT;
  case ERR_RTE:
    return ZTK_ESOCK_HOSTUNREACH;
  case ERR_INPROGRESS:
    return ZTK_ESOCK_INPROGRESS;
  case ERR_VAL:
  case ERR_ARG:
    return ZTK_EINVAL;
  case ERR_WOULDBLOCK:
    return ZTK_EAGAIN;
  case ERR_USE:
    return ZTK_ESOCK_ADDRINUSE;
  case ERR_ALREADY:
    return ZTK_ESOCK_ALREADY;
  case ERR_ISCONN:
    return ZTK_ESOCK_ISCONN;
  case ERR_CONN:
  case ERR_CLSD:
    return ZTK_ESOCK_NOTCONN;
  case ERR_IF:
    return ZTK_ESOCK_NETDOWN;
  case ERR_ABRT:
    return ZTK_ESOCK_ABORTED;
  case ERR_RST:
    return ZTK_ESOCK_RESET;
  default:
    return ZTK_ESOCK;
  }
}

int ztk_sock_errno(int ztk_err)
{
  static const struct {
    int code, err;
  } map[] = {
      {ZTK_OK, 0},
      {ZTK_EINVAL, EINVAL},
      {ZTK_ENOMEM, ENOMEM},
      {ZTK_ERANGE, EINVAL},
      {ZTK_ENOTFOUND, ENOENT},
      {ZTK_EEXIST, EEXIST},
      {ZTK_EAGAIN, EAGAIN},
      {ZTK_ETIMEDOUT, ETIMEDOUT},
      {ZTK_ESTATE, EINVAL},
      {ZTK_ELIMIT, ENOBUFS},
      {ZTK_EUNSUPPORTED, EOPNOTSUPP},
      {ZTK_ENOSPACE, ENOBUFS},
      {ZTK_ESOCK_REFUSED, ECONNREFUSED},
      {ZTK_ESOCK_RESET, ECONNRESET},
      {ZTK_ESOCK_ABORTED, ECONNABORTED},
      {ZTK_ESOCK_INPROGRESS, EINPROGRESS},
      {ZTK_ESOCK_ALREADY, EALREADY},
      {ZTK_ESOCK_ADDRINUSE, EADDRINUSE},
      {ZTK_ESOCK_ADDRNOTAVAIL, EADDRNOTAVAIL},
      {ZTK_ESOCK_NOTCONN, ENOTCONN},
      {ZTK_ESOCK_ISCONN, EISCONN},
      {ZTK_ESOCK_NETUNREACH, ENETUNREACH},
      {ZTK_ESOCK_HOSTUNREACH, EHOSTUNREACH},
      {ZTK_ESOCK_NETDOWN, ENETDOWN},
      {ZTK_ESOCK_PIPE, EPIPE},
      {ZTK_ESOCK_MSGSIZE, EMSGSIZE},
      {ZTK_ESOCK_AFNOSUPPORT, EAFNOSUPPORT},
      {ZTK_ESOCK_OPNOTSUPP, EOPNOTSUPP},
      {ZTK_ESOCK_NOPROTOOPT, ENOPROTOOPT},
      {ZTK_ESOCK_DESTADDRREQ, EDESTADDRREQ},
      {ZTK_ESOCK_ACCES, EACCES},
      {ZTK_ENODE_STOPPED, ENETDOWN},
  };
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
    if (map[i].code == ztk_err)
      return map[i].err;
  }
  return EIO;
}
