#include "api/json_field.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util/hex.h"
#include "ztkit/error.h"

int ztk_json_fail(ztk_json_why *why, int code, const char *field, const char *fmt, ...)
{
  if (why) {
    char msg[128];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(why->text, sizeof why->text, "%s: %s", field, msg);
  }
  return code;
}

int ztk_json_bool(const json_t *v, const char *field, bool dflt, bool *out, ztk_json_why *why)
{
  if (!v || json_is_null(v))
    *out = dflt;
  else if (json_is_boolean(v))
    *out = json_is_true(v);
  else if (json_is_integer(v))
    *out = json_integer_value(v) != 0;
  else if (json_is_real(v))
    *out = json_real_value(v) != 0;
  else if (json_is_string(v))
    *out = strchr("tT1", json_string_value(v)[0]) && json_string_value(v)[0];
  else
    return ztk_json_fail(why, ZTK_EJSON_FIELD, field, "expected a boolean");
  return 0;
}

/* Decimal digits only, as a whole, into *out. */
static bool parse_decimal(const char *s, uint64_t *out)
{
  if (!*s || strlen(s) > 20)
    return false;
  for (const char *p = s; *p; p++)
    if (*p < '0' || *p > '9')
      return false;
  errno = 0;
  unsigned long long v = strtoull(s, NULL, 10);
  if (errno)
    return false;
  *out = v;
  return true;
}

static int number(const json_t *v, const char *field, bool *neg, uint64_t *mag, ztk_json_why *why)
{
  *neg = false;
  if (json_is_integer(v)) {
    json_int_t i = json_integer_value(v);
    *neg = i < 0;
    *mag = *neg ? (uint64_t)0 - (uint64_t)i : (uint64_t)i;
  } else if (json_is_real(v)) {
    double d = json_real_value(v);
    if (!isfinite(d) || d <= -9.2e18 || d >= 1.8e19)
      return ztk_json_fail(why, ZTK_EJSON_FIELD, field, "out of range");
    *neg = d < 0;
    *mag = (uint64_t)(*neg ? -d : d);
  } else if (json_is_boolean(v)) {
    *mag = json_is_true(v) ? 1 : 0;
  } else if (json_is_string(v)) {
    const char *s = json_string_value(v);
    *neg = s[0] == '-';
    if (!parse_decimal(s + (*neg ? 1 : 0), mag))
      return ztk_json_fail(why, ZTK_EJSON_FIELD, field, "expected a decimal integer");
  } else {
    return ztk_json_fail(why, ZTK_EJSON_FIELD, field, "expected an integer");
  }
  return 0;
}

/* A number with sign and magnitude; absent or null gives the default (dneg, dmag). */
static int number_or(const json_t *v, const char *field, bool dneg, uint64_t dmag, bool *neg,
                     uint64_t *mag, ztk_json_why *why)
{
  if (v && !json_is_null(v))
    return number(v, field, neg, mag, why);
  *neg = dneg;
  *mag = dmag;
  return 0;
}

int ztk_json_uint(const json_t *v, const char *field, uint64_t dflt, uint64_t max, uint64_t *out,
                  ztk_json_why *why)
{
  bool neg;
  uint64_t mag;
  int rc = number_or(v, field, false, dflt, &neg, &mag, why);
  if (!rc && ((neg && mag) || mag > max))
    rc = ztk_json_fail(why, ZTK_EJSON_FIELD, field, "out of range (0..%" PRIu64 ")", max);
  if (!rc)
    *out = mag;
  return rc;
}

int ztk_json_int(const json_t *v, const char *field, int64_t dflt, int64_t *out, ztk_json_why *why)
{
  bool neg;
  uint64_t mag;
  int rc = number_or(v, field, dflt < 0, dflt < 0 ? 0 - (uint64_t)dflt : (uint64_t)dflt, &neg, &mag,
                     why);
  if (!rc && mag > (neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX))
    rc = ztk_json_fail(why, ZTK_EJSON_FIELD, field, "out of range");
  if (!rc)
    *out = neg ? (int64_t)(0 - mag) : (int64_t)mag;
  return rc;
}

int ztk_json_str(const json_t *v, const char *field, const char *dflt, char *out, size_t cap,
                 ztk_json_why *why)
{
  char num[32];
  const char *s;
  size_t len;
  if (!v || json_is_null(v)) {
    s = dflt;
    len = strlen(dflt);
  } else if (json_is_string(v)) {
    s = json_string_value(v);
    len = json_string_length(v);
  } else if (json_is_integer(v)) {
    len = (size_t)snprintf(num, sizeof num, "%" PRIu64, (uint64_t)json_integer_value(v));
    s = num;
  } else if (json_is_boolean(v)) {
    s = json_is_true(v) ? "1" : "0";
    len = 1;
  } else {
    return ztk_json_fail(why, ZTK_EJSON_FIELD, field, "expected a string");
  }
  if (len >= cap || strlen(s) != len)
    return ztk_json_fail(why, ZTK_EJSON_FIELD, field, "longer than %zu bytes or with NUL", cap - 1);
  memcpy(out, s, len + 1);
  return 0;
}

int ztk_json_hex(const json_t *v, const char *field, uint64_t dflt, unsigned max_digits,
                 uint64_t *out, ztk_json_why *why)
{
  if (!v || json_is_null(v)) {
    *out = dflt;
    return 0;
  }
  const char *s = json_string_value(v);
  size_t n = s ? strlen(s) : 0;
  if (!s || n == 0 || n > max_digits || ztk_hex_u64(s, n, out))
    return ztk_json_fail(why, ZTK_EJSON_FIELD, field, "expected up to %u hex digits", max_digits);
  return 0;
}

int ztk_json_ip(const json_t *v, const char *field, int family, bool bits_ok, ztk_inaddr *out,
                ztk_json_why *why)
{
  const char *s = json_string_value(v);
  if (!s || ztk_inaddr_parse(out, s) || (family && out->family != family) ||
      (!bits_ok && strchr(s, '/')))
    return ztk_json_fail(why, ZTK_EJSON_FIELD, field, "expected an IP%s address%s",
                         family == 4   ? "v4"
                         : family == 6 ? "v6"
                                       : "",
                         bits_ok ? " (with /bits)" : "");
  return 0;
}

void ztk_json_fmt_address(char buf[11], uint64_t address)
{
  snprintf(buf, 11, "%010" PRIx64, (uint64_t)(address & 0xffffffffffull));
}

void ztk_json_fmt_nwid(char buf[17], uint64_t nwid)
{
  snprintf(buf, 17, "%016" PRIx64, nwid);
}

int ztk_json_set(json_t *obj, const char *key, json_t *v)
{
  return v && json_object_set_new(obj, key, v) == 0 ? 0 : ZTK_ENOMEM;
}
