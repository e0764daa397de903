/* Membership: the credentials other members present (COMs, tags, capabilities, COOs, and
 * revocations from the controller), the gate that decides whose frames a private network
 * accepts, and pushing our own credentials to the members we talk to. */
#include <stdlib.h>
#include <string.h>

#include "core/network/credentials.h"
#include "core/network/revocation.h"
#include "core/node/vl2.h"
#include "core/util/array.h"

#define CREDENTIAL_REPUSH 500000 /* re-push our credentials this long after the last push */

static unsigned member_bound(const ztk_vnet *net, ztk_address a)
{
  unsigned lo = 0, hi = net->nmembers;
  while (lo < hi) {
    unsigned mid = lo + (hi - lo) / 2;
    if (net->members[mid].addr < a)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

ztk_member *ztk_vnet_member(ztk_vnet *net, ztk_address a, bool create)
{
  unsigned i = member_bound(net, a);
  if (i < net->nmembers && net->members[i].addr == a)
    return &net->members[i];
  if (!create ||
      ztk_array_reserve((void **)&net->members, net->nmembers, sizeof *net->members,
                        ZTK_MAX_MEMBERS))
    return NULL;
  memmove(&net->members[i + 1], &net->members[i], (net->nmembers - i) * sizeof *net->members);
  ztk_member *m = &net->members[i];
  memset(m, 0, sizeof *m);
  m->addr = a;
  m->com_revoked_before = INT64_MIN;
  m->last_pushed = m->last_liked = m->last_creds_in = m->last_creds_asked = ZTK_NEVER_PAST;
  net->nmembers++;
  return m;
}

void ztk_vnet_members_free(ztk_vnet *net)
{
  for (unsigned i = 0; i < net->nmembers; i++)
    free(net->members[i].caps);
  free(net->members);
  net->members = NULL;
  net->nmembers = 0;
}

bool ztk_vnet_gate(ztk_node *n, int64_t now, ztk_vnet *net, ztk_peer *p)
{
  if (!net->cfg)
    return false;
  ztk_member *m = ztk_vnet_member(net, p->id.address, false);
  bool allowed = net->cfg->type == ZTK_NETWORK_PUBLIC;
  if (!allowed && m && m->have_com)
    allowed = ztk_com_timestamp(&m->com) > m->com_revoked_before &&
              ztk_com_agrees(&net->cfg->com, &m->com, &p->id);
  if (allowed) {
    m = m ? m : ztk_vnet_member(net, p->id.address, true);
    if (m && now - m->last_liked >= ZTK_MULTICAST_ANNOUNCE_PERIOD)
      ztk_vnet_announce_to(n, now, net, p->id.address, NULL);
  }
  return allowed;
}

void ztk_vnet_push_credentials(ztk_node *n, int64_t now, ztk_vnet *net, ztk_address to)
{
  uint8_t buf[ZTK_PROTO_MAX_PACKET_LENGTH];
  ztk_member *m = ztk_vnet_member(net, to, true);
  const ztk_netconf *nc = net->cfg;
  if (!nc || !m)
    return;
  /* Everything fits one packet for configs within the usual sizes; 1.14.1 splits larger sets
   * over several packets, which a receiver treats the same way. */
  ztk_creds c;
  memset(&c, 0, sizeof c);
  ztk_com com = nc->com;
  c.coms = &com;
  c.com_count = c.com_cap = nc->com.count ? 1 : 0;
  c.caps = nc->caps;
  c.cap_count = c.cap_cap = nc->cap_count;
  c.tags = nc->tags;
  c.tag_count = c.tag_cap = nc->tag_count;
  c.coos = (ztk_coo *)(uintptr_t)nc->coos;
  c.coo_count = c.coo_cap = nc->coo_count;
  c.sections = 4;
  ztk_wr w = ztk_packet_begin(n, buf, to, ZTK_VERB_NETWORK_CREDENTIALS);
  if (ztk_creds_write(&w, &c) || w.err)
    return;
  m->last_pushed = now;
  ztk_send(n, now, buf, w.len, ZTK_SEND_ENCRYPT | ZTK_SEND_COMPRESS);
}

void ztk_vnet_push_if_needed(ztk_node *n, int64_t now, ztk_vnet *net, ztk_address to)
{
  ztk_member *m = ztk_vnet_member(net, to, true);
  if (m && (m->last_pushed < net->last_config || now - m->last_pushed > CREDENTIAL_REPUSH))
    ztk_vnet_push_credentials(n, now, net, to);
}

void ztk_vnet_ask_credentials(ztk_node *n, int64_t now, ztk_vnet *net, ztk_peer *p, uint8_t verb,
                             uint64_t packet_id)
{
  uint8_t buf[ZTK_PROTO_MAX_PACKET_LENGTH];
  ztk_member *m = ztk_vnet_member(net, p->id.address, true);
  if (!m || now - m->last_creds_asked < ZTK_CREDENTIALS_REQUEST_RATE_LIMIT)
    return;
  m->last_creds_asked = now;
  ztk_error_msg e = {verb, packet_id, ZTK_PROTO_ERR_NEED_MEMBERSHIP_CERTIFICATE, true, net->nwid,
                     NULL, 0};
  ztk_wr w = ztk_packet_begin(n, buf, p->id.address, ZTK_VERB_ERROR);
  ztk_error_write(&w, &e);
  ztk_send(n, now, buf, w.len, ZTK_SEND_ENCRYPT);
}

/* The controller of net, if we know its identity (WHOIS is started otherwise). */
static const ztk_identity *controller_identity(ztk_node *n, int64_t now, ztk_vnet *net)
{
  ztk_address c = ztk_vnet_controller(net);
  if (c == n->id.address)
    return &n->id;
  ztk_peer *p = ztk_node_peer_get(n, now, c);
  if (!p)
    ztk_whois_request(n, now, c);
  return p ? &p->id : NULL;
}

bool ztk_vnet_learn_com(ztk_node *n, int64_t now, ztk_vnet *net, ztk_peer *p, const ztk_com *com)
{
  const ztk_identity *ctl = controller_identity(n, now, net);
  if (!ctl || ztk_com_network_id(com) != net->nwid || ztk_com_issued_to(com) != p->id.address ||
      ztk_com_verify(com, ctl))
    return false;
  ztk_member *m = ztk_vnet_member(net, p->id.address, true);
  if (!m)
    return false;
  if (!m->have_com || ztk_com_timestamp(com) > ztk_com_timestamp(&m->com)) {
    m->com = *com;
    m->have_com = true;
  }
  return ztk_com_timestamp(com) > m->com_revoked_before;
}

static void learn_tag(ztk_vnet *net, ztk_peer *p, const ztk_identity *ctl, const ztk_tag *t)
{
  ztk_member *m = ztk_vnet_member(net, p->id.address, true);
  if (!m || t->issued_to != p->id.address || ztk_tag_verify(t, ctl))
    return;
  for (unsigned i = 0; i < m->ntags; i++) {
    if (m->tags[i].id == t->id) {
      if (t->ts > m->tags[i].ts)
        m->tags[i] = *t;
      return;
    }
  }
  if (m->ntags < ZTK_MEMBER_MAX_TAGS)
    m->tags[m->ntags++] = *t;
}

static void learn_coo(ztk_vnet *net, ztk_peer *p, const ztk_identity *ctl, const ztk_coo *c)
{
  ztk_member *m = ztk_vnet_member(net, p->id.address, true);
  if (!m || c->issued_to != p->id.address || ztk_coo_verify(c, ctl))
    return;
  for (unsigned i = 0; i < m->ncoos; i++) {
    if (m->coos[i].id == c->id) {
      if (c->ts > m->coos[i].ts)
        m->coos[i] = *c;
      return;
    }
  }
  if (m->ncoos < ZTK_MAX_CERTIFICATES_OF_OWNERSHIP)
    m->coos[m->ncoos++] = *c;
}

static const ztk_identity *lookup_identity(void *user, ztk_address a)
{
  ztk_node *n = user;
  if (a == n->id.address)
    return &n->id;
  ztk_peer *p = ztk_topo_get(&n->topo, a);
  return p ? &p->id : NULL;
}

static void learn_cap(ztk_node *n, ztk_vnet *net, ztk_peer *p, const ztk_capability *c)
{
  ztk_address need = 0;
  ztk_member *m = ztk_vnet_member(net, p->id.address, true);
  if (!m || ztk_capability_issued_to(c) != p->id.address ||
      ztk_capability_verify(c, lookup_identity, n, &need))
    return;
  for (unsigned i = 0; i < m->ncaps; i++) {
    if (m->caps[i].id == c->id) {
      if (c->ts > m->caps[i].ts)
        m->caps[i] = *c;
      return;
    }
  }
  if (m->ncaps >= ZTK_MEMBER_MAX_CAPS)
    return;
  ztk_capability *caps = realloc(m->caps, (m->ncaps + 1) * sizeof *caps);
  if (!caps)
    return;
  m->caps = caps;
  /* Kept in ascending id order: the deterministic order the rules engine tries them in. */
  unsigned i = m->ncaps;
  while (i > 0 && m->caps[i - 1].id > c->id) {
    m->caps[i] = m->caps[i - 1];
    i--;
  }
  m->caps[i] = *c;
  m->ncaps++;
}

/* Relays a fast-propagate revocation to the members we know (once: only when it was new). */
static void relay_revocation(ztk_node *n, int64_t now, ztk_vnet *net, const ztk_revocation *r,
                             ztk_address from)
{
  for (unsigned i = 0; i < net->nmembers; i++) {
    ztk_address to = net->members[i].addr;
    if (to == from || to == r->target || !net->members[i].have_com)
      continue;
    uint8_t buf[ZTK_PROTO_MAX_PACKET_LENGTH];
    ztk_wr w = ztk_packet_begin(n, buf, to, ZTK_VERB_NETWORK_CREDENTIALS);
    ztk_wr_u8(&w, 0);  /* no COMs */
    ztk_wr_u16(&w, 0); /* capabilities */
    ztk_wr_u16(&w, 0); /* tags */
    ztk_wr_u16(&w, 1); /* revocations */
    ztk_revocation_write(&w, r);
    ztk_wr_u16(&w, 0); /* COOs */
    if (!w.err)
      ztk_send(n, now, buf, w.len, ZTK_SEND_ENCRYPT | ZTK_SEND_COMPRESS);
  }
}

static void apply_revocation(ztk_node *n, int64_t now, ztk_peer *p, const ztk_revocation *r)
{
  ztk_vnet *net = ztk_vnet_find(n, r->nwid);
  const ztk_identity *ctl = net ? controller_identity(n, now, net) : NULL;
  if (!ctl || r->signed_by != ctl->address || ztk_revocation_verify(r, ctl))
    return;
  if (r->target == n->id.address || r->type != ZTK_CRED_COM)
    return; /* ours to obey via the controller's next config; other types are not used */
  ztk_member *m = ztk_vnet_member(net, r->target, true);
  if (!m || r->threshold <= m->com_revoked_before)
    return;
  m->com_revoked_before = r->threshold;
  ztk_node_tracef(n, "network %016llx: %010llx revoked", (unsigned long long)r->nwid,
                  (unsigned long long)r->target);
  if (r->flags & ZTK_REVOCATION_FLAG_FAST_PROPAGATE)
    relay_revocation(n, now, net, r, p->id.address);
}

bool ztk_vl2_credentials(ztk_node *n, int64_t now, ztk_peer *p, ztk_rd *payload)
{
  enum { MAXC = 8, MAXCAP = 16, MAXT = 32, MAXR = 16, MAXO = 4 };
  ztk_com coms[MAXC];
  ztk_tag tags[MAXT];
  ztk_revocation revs[MAXR];
  ztk_coo coos[MAXO];
  ztk_capability *caps = malloc(MAXCAP * sizeof *caps);
  ztk_creds c = {coms, 0, MAXC, caps, 0, MAXCAP, tags, 0, MAXT, revs, 0, MAXR, coos, 0, MAXO, 0};
  size_t len = ztk_rd_left(payload);
  const uint8_t *data = ztk_rd_take(payload, len);
  bool valid = false;
  if (!caps || !data || ztk_creds_read(data, len, &c)) {
    free(caps);
    return false;
  }
  for (unsigned i = 0; i < c.com_count; i++) {
    ztk_vnet *net = ztk_vnet_find(n, ztk_com_network_id(&coms[i]));
    if (net && ztk_vnet_learn_com(n, now, net, p, &coms[i]))
      valid = true;
  }
  for (unsigned i = 0; i < c.rev_count; i++)
    apply_revocation(n, now, p, &revs[i]);
  for (int k = 0; k < n->nnets; k++) {
    ztk_vnet *net = n->nets[k];
    const ztk_identity *ctl = controller_identity(n, now, net);
    for (unsigned i = 0; ctl && i < c.tag_count; i++)
      if (tags[i].nwid == net->nwid)
        learn_tag(net, p, ctl, &tags[i]);
    for (unsigned i = 0; ctl && i < c.coo_count; i++)
      if (coos[i].nwid == net->nwid)
        learn_coo(net, p, ctl, &coos[i]);
    for (unsigned i = 0; i < c.cap_count; i++)
      if (caps[i].nwid == net->nwid)
        learn_cap(n, net, p, &caps[i]);
  }
  free(caps);
  return valid;
}
