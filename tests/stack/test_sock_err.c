/* Error vocabulary: lwIP errors to ZTK_E* codes, ZTK_E* codes to errno values. */
#include "tests/support/vectors.h"

#include <errno.h>

#include "lwip/err.h"

#include "stack/sock_err.h"
#include "ztkit/error.h"

static void test_from_lwip(void **state)
{
  assert_int_equal(ztk_sock_err_from_lwip(ERR_OK), 0);
  assert_int_equal(ztk_sock_err_from_lwip(ERR_MEM), ZTK_ENOMEM);
  assert_int_equal(ztk_sock_err_from_lwip(ERR_RTE), ZTK_ESOCK_HOSTUNREACH);
  assert_int_equal(ztk_sock_err_from_lwip(ERR_USE), ZTK_ESOCK_ADDRINUSE);
  assert_int_equal(ztk_sock_err_from_lwip(ERR_RST), ZTK_ESOCK_RESET);
  assert_int_equal(ztk_sock_err_from_lwip(ERR_ABRT), ZTK_ESOCK_ABORTED);
  assert_int_equal(ztk_sock_err_from_lwip(ERR_CLSD), ZTK_ESOCK_NOTCONN);
  assert_int_equal(ztk_sock_err_from_lwip(ERR_WOULDBLOCK), ZTK_EAGAIN);
  assert_int_equal(ztk_sock_err_from_lwip(ERR_ISCONN), ZTK_ESOCK_ISCONN);
  assert_int_equal(ztk_sock_err_from_lwip(-100), ZTK_ESOCK);
}

static void test_errno(void **state)
{
  static const struct {
    int code, err;
  } cases[] = {
      {0, 0},
      {ZTK_EAGAIN, EAGAIN},
      {ZTK_ETIMEDOUT, ETIMEDOUT},
      {ZTK_ESOCK_REFUSED, ECONNREFUSED},
      {ZTK_ESOCK_RESET, ECONNRESET},
      {ZTK_ESOCK_ABORTED, ECONNABORTED},
      {ZTK_ESOCK_INPROGRESS, EINPROGRESS},
      {ZTK_ESOCK_ADDRINUSE, EADDRINUSE},
      {ZTK_ESOCK_NOTCONN, ENOTCONN},
      {ZTK_ESOCK_NETUNREACH, ENETUNREACH},
      {ZTK_ESOCK_PIPE, EPIPE},
      {ZTK_ELIMIT, ENOBUFS},
      {ZTK_EID_TYPE, EIO},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    assert_int_equal(ztk_sock_errno(cases[i].code), cases[i].err);
  /* every socket code has a name and a message */
  for (int code = ZTK_ESOCK; code >= ZTK_ESOCK_ACCES; code--) {
    assert_string_not_equal(ztk_errname(code), "ZTK_E?");
    assert_int_not_equal(ztk_sock_errno(code), 0);
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_from_lwip),
      cmocka_unit_test(test_errno),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
