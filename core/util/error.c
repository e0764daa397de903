/* Messages and names for the codes of ztkit/error.h (generated from the one list there). */
#include "ztkit/error.h"

const char *ztk_strerror(int err)
{
  switch (err) {
#define ZTK_ERROR_MSG(name, value, msg) case value: return msg;
    ZTK_ERROR_LIST(ZTK_ERROR_MSG)
#undef ZTK_ERROR_MSG
  default:
    return "unknown error";
  }
}

const char *ztk_errname(int err)
{
  switch (err) {
#define ZTK_ERROR_NAME(name, value, msg) case value: return #name;
    ZTK_ERROR_LIST(ZTK_ERROR_NAME)
#undef ZTK_ERROR_NAME
  default:
    return "ZTK_E?";
  }
}
