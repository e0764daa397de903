/* Test support: locating test data and decoding the JSON vectors. */
#ifndef ZTK_TEST_SUPPORT_VECTORS_H
#define ZTK_TEST_SUPPORT_VECTORS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdarg.h>
#include <cmocka.h>

/* Loads tests/data/<relpath> as JSON; fails the test if it cannot. Caller json_decref()s. */
json_t *tv_load(const char *relpath);

/* Reads a whole file under tests/data into a malloc'd buffer; *len receives its size. */
uint8_t *tv_read_file(const char *relpath, size_t *len);

/* String member of obj (fails the test if absent). */
const char *tv_str(const json_t *obj, const char *key);

/* Decodes the hex string member `key` of obj into a malloc'd buffer; *len receives the size. */
uint8_t *tv_hex(const json_t *obj, const char *key, size_t *len);

/* Parses the hex string member `key` of obj (1..16 digits) as an integer. */
uint64_t tv_hex_u64(const json_t *obj, const char *key);

/* Decodes hex member `key` into out, which must be exactly n bytes long. */
void tv_hex_exact(const json_t *obj, const char *key, uint8_t *out, size_t n);

/* Finds the element of array `arr` whose member `key` equals `value`. */
json_t *tv_find(const json_t *arr, const char *key, const char *value);

/* A deterministic random callback for tests (seeded counter stream). */
void tv_random(void *user, void *buf, size_t len);

#endif
