/* Member records: 1.14.1's defaults, deep copies, comparison and bounded item lists. */
#include <stdlib.h>
#include <string.h>

#include "core/controller/controller.h"
#include "core/identity/identity.h"
#include "core/util/array.h"

void ztk_ctl_member_init(ztk_ctl_member *m, uint64_t nwid, ztk_address address)
{
  memset(m, 0, sizeof *m);
  m->nwid = nwid;
  m->address = address;
  m->v_major = m->v_minor = m->v_rev = m->v_proto = -1;
}

static void free_arrays(ztk_ctl_member *m)
{
  free(m->ips);
  free(m->tags);
  free(m->caps);
}

void ztk_ctl_member_free(ztk_ctl_member *m)
{
  free_arrays(m);
  memset(m, 0, sizeof *m);
}

int ztk_ctl_member_copy(ztk_ctl_member *dst, const ztk_ctl_member *src)
{
  if (dst == src)
    return 0;
  free_arrays(dst);
  *dst = *src;
  int rc = ztk_array_dup((void **)&dst->ips, src->ips, src->ip_count, sizeof *src->ips);
  rc |= ztk_array_dup((void **)&dst->tags, src->tags, src->tag_count, sizeof *src->tags);
  rc |= ztk_array_dup((void **)&dst->caps, src->caps, src->cap_count, sizeof *src->caps);
  if (rc) {
    ztk_ctl_member_free(dst);
    return ZTK_ENOMEM;
  }
  return 0;
}

static bool lists_same(const ztk_ctl_member *a, const ztk_ctl_member *b)
{
  if (a->ip_count != b->ip_count || a->tag_count != b->tag_count || a->cap_count != b->cap_count)
    return false;
  for (unsigned i = 0; i < a->ip_count; i++)
    if (!ztk_inaddr_eq(&a->ips[i], &b->ips[i]))
      return false;
  for (unsigned i = 0; i < a->tag_count; i++)
    if (a->tags[i].id != b->tags[i].id || a->tags[i].value != b->tags[i].value)
      return false;
  for (unsigned i = 0; i < a->cap_count; i++)
    if (a->caps[i] != b->caps[i])
      return false;
  return true;
}

static bool text_same(const ztk_ctl_member *a, const ztk_ctl_member *b)
{
  return a->has_name == b->has_name && !strcmp(a->name, b->name) &&
         a->has_identity == b->has_identity &&
         (!a->has_identity || ztk_identity_same(&a->identity, &b->identity)) &&
         !strcmp(a->last_auth_type, b->last_auth_type) &&
         !strcmp(a->last_auth_credential, b->last_auth_credential);
}

bool ztk_ctl_member_same(const ztk_ctl_member *a, const ztk_ctl_member *b)
{
  return a->nwid == b->nwid && a->address == b->address && a->authorized == b->authorized &&
         a->active_bridge == b->active_bridge && a->no_auto_assign_ips == b->no_auto_assign_ips &&
         a->sso_exempt == b->sso_exempt && a->creation_time == b->creation_time &&
         a->last_authorized_time == b->last_authorized_time &&
         a->last_deauthorized_time == b->last_deauthorized_time && a->v_major == b->v_major &&
         a->v_minor == b->v_minor && a->v_rev == b->v_rev && a->v_proto == b->v_proto &&
         a->auth_expiry == b->auth_expiry && a->has_trace_target == b->has_trace_target &&
         (!a->has_trace_target || a->trace_target == b->trace_target) &&
         a->trace_level == b->trace_level && text_same(a, b) && lists_same(a, b);
}

int ztk_ctl_member_add_ip(ztk_ctl_member *m, const ztk_inaddr *ip)
{
  if (ip->family != 4 && ip->family != 6)
    return ZTK_EINVAL;
  ztk_inaddr a = *ip;
  a.port = 0;
  for (unsigned i = 0; i < m->ip_count; i++)
    if (ztk_inaddr_ip_eq(&m->ips[i], &a))
      return 0;
  return ztk_array_append((void **)&m->ips, &m->ip_count, sizeof a, ZTK_CTL_MAX_MEMBER_IPS, &a);
}

int ztk_ctl_member_set_tag(ztk_ctl_member *m, uint32_t id, uint32_t value)
{
  for (unsigned i = 0; i < m->tag_count; i++)
    if (m->tags[i].id == id) {
      m->tags[i].value = value;
      return 0;
    }
  ztk_ctl_member_tag t = {id, value};
  return ztk_array_append((void **)&m->tags, &m->tag_count, sizeof t, ZTK_CTL_MAX_MEMBER_TAGS, &t);
}

int ztk_ctl_member_add_cap(ztk_ctl_member *m, uint32_t id)
{
  unsigned i = 0;
  while (i < m->cap_count && m->caps[i] < id)
    i++;
  if (i < m->cap_count && m->caps[i] == id)
    return 0;
  int rc = ztk_array_reserve((void **)&m->caps, m->cap_count, sizeof id, ZTK_CTL_MAX_MEMBER_CAPS);
  if (rc)
    return rc;
  memmove(&m->caps[i + 1], &m->caps[i], (m->cap_count - i) * sizeof id);
  m->caps[i] = id;
  m->cap_count++;
  return 0;
}

void ztk_ctl_member_set_authorized(ztk_ctl_member *m, bool authorized, int64_t now)
{
  if (authorized == m->authorized)
    return;
  m->authorized = authorized;
  if (authorized) {
    m->last_authorized_time = now;
    strcpy(m->last_auth_type, "api");
    m->last_auth_credential[0] = 0;
  } else {
    m->last_deauthorized_time = now;
  }
}

int ztk_ctl_member_check(ztk_ctl_member *m)
{
  m->name[sizeof m->name - 1] = 0;
  m->last_auth_type[sizeof m->last_auth_type - 1] = 0;
  m->last_auth_credential[sizeof m->last_auth_credential - 1] = 0;
  m->trace_target &= 0xffffffffffull;
  const char *t = m->last_auth_type;
  if (m->ip_count > ZTK_CTL_MAX_MEMBER_IPS || m->tag_count > ZTK_CTL_MAX_MEMBER_TAGS ||
      m->cap_count > ZTK_CTL_MAX_MEMBER_CAPS ||
      (t[0] && strcmp(t, "api") && strcmp(t, "public") && strcmp(t, "token")) ||
      (m->has_identity && m->identity.address != m->address))
    return ZTK_EINVAL;
  memset(m->identity.priv, 0, sizeof m->identity.priv);
  m->identity.has_private = false;
  return 0;
}
