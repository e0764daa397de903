/* What the API's handlers share: the reply under construction, path matching, and the two
 * route tables (controller, local service). Internal header of api/. */
#ifndef ZTK_API_API_INTERNAL_H
#define ZTK_API_API_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "api/api.h"

typedef struct ztk_api_reply {
  int status;
  json_t *doc;    /* the document of a 2xx reply */
  char desc[200]; /* the description of an error reply */
} ztk_api_reply;

/* An incoming request as the handlers see it: body parsed for POST/PUT (an empty body is {});
 * body_error says why it could not be parsed (then body is NULL). */
typedef struct ztk_api_call {
  const ztk_api *api;
  int64_t now;
  const char *method;
  const char *path;
  const json_t *body;
  const char *body_error;
} ztk_api_call;

/* Sets an error reply. */
void ztk_api_error(ztk_api_reply *r, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Sets a 200 reply with doc (NULL: 500 out of memory). */
void ztk_api_ok(ztk_api_reply *r, json_t *doc);
/* 400 with the body's parse error if there is one; returns true if it replied. */
bool ztk_api_bad_body(const ztk_api_call *call, ztk_api_reply *r);

/* Matches path against pattern, where "%16" stands for 16 hex digits and "%10" for 10 (their
 * values go to ids[0], ids[1] in order). Returns true on a match. */
bool ztk_api_match(const char *path, const char *pattern, uint64_t ids[2]);

/* Route tables: return true if the path is theirs (and then fill r). */
bool ztk_api_controller_route(const ztk_api_call *call, ztk_api_reply *r);
bool ztk_api_service_route(const ztk_api_call *call, ztk_api_reply *r);

#endif
