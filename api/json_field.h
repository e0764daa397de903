/* Reading JSON fields the way ZeroTierOne 1.14.1's controller reads them (OSUtils::jsonBool,
 * jsonInt, jsonString), but refusing what it would silently turn into a default: a boolean is
 * true/false, a number (non-zero is true) or a string starting with t, T or 1; an integer is a
 * JSON number, a decimal string or a boolean; a string is a string, a number (its decimal
 * digits) or a boolean ("1"/"0"). null gives the caller's default. Anything else, a value out
 * of range or a string too long fails with ZTK_EJSON_FIELD and a message naming the field.
 * Internal header. */
#ifndef ZTK_API_JSON_FIELD_H
#define ZTK_API_JSON_FIELD_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/util/inaddr.h"

/* Where a conversion failed, for messages: the field and what was wrong with it. */
typedef struct ztk_json_why {
  char text[160];
} ztk_json_why;

/* Records "<field>: <message>" in why (if not NULL); returns code. */
int ztk_json_fail(ztk_json_why *why, int code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Each returns 0 or ZTK_EJSON_FIELD. v may be NULL (absent: the default). */
int ztk_json_bool(const json_t *v, const char *field, bool dflt, bool *out, ztk_json_why *why);
int ztk_json_uint(const json_t *v, const char *field, uint64_t dflt, uint64_t max, uint64_t *out,
                  ztk_json_why *why);
int ztk_json_int(const json_t *v, const char *field, int64_t dflt, int64_t *out, ztk_json_why *why);
/* A string of at most cap - 1 bytes without NUL into out. */
int ztk_json_str(const json_t *v, const char *field, const char *dflt, char *out, size_t cap,
                 ztk_json_why *why);
/* A hex string of 1..max_digits digits (as ZeroTier writes addresses), or dflt if absent/null. */
int ztk_json_hex(const json_t *v, const char *field, uint64_t dflt, unsigned max_digits,
                 uint64_t *out, ztk_json_why *why);
/* An IP address string ("10.0.0.1", "fd00::1", with "/bits" if bits_ok) of the family
 * (4, 6, or 0 for either). */
int ztk_json_ip(const json_t *v, const char *field, int family, bool bits_ok, ztk_inaddr *out,
                ztk_json_why *why);

/* "10hex" address / "16hex" id strings into buf. */
void ztk_json_fmt_address(char buf[11], uint64_t address);
void ztk_json_fmt_nwid(char buf[17], uint64_t nwid);

/* json_object_set_new that reports failure: returns 0 or ZTK_ENOMEM (v is consumed). */
int ztk_json_set(json_t *obj, const char *key, json_t *v);

#endif
