#include "runtime/net_settings.h"

#include <stdio.h>
#include <string.h>

#include "ztkit/error.h"

#define VALUE_MAX_BOOL 5 /* zerotier-one: longer allowManaged values are address lists */

void ztk_net_settings_default(ztk_net_settings *s)
{
  s->allow_managed = true;
  s->allow_global = s->allow_default = s->allow_dns = false;
}

static bool truthy(const char *v, size_t len)
{
  return len > 0 && (v[0] == '1' || v[0] == 't' || v[0] == 'T');
}

/* One "key=value" line (without its newline). */
static void parse_line(ztk_net_settings *s, const char *line, size_t len)
{
  const char *eq = memchr(line, '=', len);
  if (!eq)
    return;
  size_t klen = (size_t)(eq - line), vlen = len - klen - 1;
  const char *v = eq + 1;
  if (klen == 12 && !memcmp(line, "allowManaged", 12))
    s->allow_managed = vlen > VALUE_MAX_BOOL || truthy(v, vlen);
  else if (klen == 11 && !memcmp(line, "allowGlobal", 11))
    s->allow_global = truthy(v, vlen);
  else if (klen == 12 && !memcmp(line, "allowDefault", 12))
    s->allow_default = truthy(v, vlen);
  else if (klen == 8 && !memcmp(line, "allowDNS", 8))
    s->allow_dns = truthy(v, vlen);
}

int ztk_net_settings_parse(ztk_net_settings *s, const char *text, size_t len)
{
  if (!s || (!text && len))
    return ZTK_EINVAL;
  if (len > ZTK_NET_SETTINGS_TEXT_MAX)
    return ZTK_ERANGE;
  for (size_t at = 0; at < len;) {
    const char *nl = memchr(text + at, '\n', len - at);
    size_t line = nl ? (size_t)(nl - (text + at)) : len - at;
    size_t trimmed = line && text[at + line - 1] == '\r' ? line - 1 : line;
    parse_line(s, text + at, trimmed);
    at += line + 1;
  }
  return 0;
}

int ztk_net_settings_format(const ztk_net_settings *s, char *out, size_t cap)
{
  int n = snprintf(out, cap, "allowManaged=%d\nallowGlobal=%d\nallowDefault=%d\nallowDNS=%d\n",
                   s->allow_managed, s->allow_global, s->allow_default, s->allow_dns);
  return n < 0 || (size_t)n >= cap ? ZTK_ENOSPACE : n;
}
