#include "fuzz/support/fzworld.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/identity/identity.h"
#include "core/node/node.h"

/* The test identities (throwaway keys published in tests/data): alice, bob, controller, root,
 * root2 from vectors/identities.json, then the capture rig's root, ctl, m1 and m2. */
static const char *const secrets[FW_IDENTITIES] = {
    "efe8197bb7:0:ea448b9edb7398d87b8e1fa4e943b152023e08ce9db767ae434778d5f30a3e4671b50ac393dec32d"
    "0f3503662e67c433583567cf94366a6564206b91afb94aaf:1f1123e5c7e394503db061e76a7226d0f7657725e3f1"
    "a15775dc55dae277d2db668a475c4ed5e44048b734674a85826f00ca7e69d06e95d490840986d2e4a6af",
    "2fe15dea2d:0:012f1ad2ada762ee7c1e200fef7abedef2b52e6b8cc3737859337f11c41f711f1819432bad84b898"
    "1b0e900034c235fe1cba269e86cfb11414234824dc2e0bb0:a8675fa64fe6b497b76768a2993ef29cd4782b1912a1"
    "6449b4c70eaf668d803904a46ae3db168f7ceaf54443bc6f3b93cf4a340e0ab920969999ed9cd5d1636e",
    "89419d3fcd:0:bce8f27d465d804d09d8f6dcbf45f16bd8bb02ee0b3d3031e76b724c33514e32dc37eb99be888d"
    "f6c0cb614b87a12f0bc7387fedf738c28594a1e829b28f9e8c:63d69204f02de9a697b98c1ae3da8d819a05fa79b0"
    "1185a9db4c5a408d9d47466043ef8ad20f50420a2348def383cbfabb02d2be70b1d9362d4fe6787beca05f",
    "b1be945578:0:e8d6cd0568208744efc614156be32781ff88ca2eda3ae57a1c2941387cfddc148357aa794c08da3d"
    "1af95811e9d1980f735d60e4c43ea5b7c9c1f58aced7064a:644b68235302ddb9cf86190fa9994048cf0f4b40e031"
    "e2ce1b73dd2bf26c8d8afd0ee47dd57a30d83728a019f75753814fa6366c480c26d154411f7e61259988",
    "8285376e4c:0:31b11d281d40c92fab5f4debaf79de7dd5c0051cb1cc59a25be93811c587f627aa8d3bfba0a241dc"
    "4b8c13a19964e4774da7297e559a3e6e2b95fab5da865ada:b13d75e10c0a8eb0ba481fca49c811e14aafd091e6ed"
    "44a10a05b399739d055b656a2117ee0754938a3e398e89562bbc7ad056f5813367c92d7095c0f3fd9d34",
    "6db275b3b2:0:a43aa8fff5b418dc06be41704fd8059a458e885f2ab94d09ca4e45a7639b886fc3183725b98168b5"
    "2a056ea11dc5bc370ae44f93e6c5b23b515d1307935b9857:1061bb332863bba42d3872ed14c8f549f87cd1be1f34"
    "4fdd6a30661fa4ff488a38d374ec9602a483df491f088e43397d63893baea852c1a1d766b7ca1b26d31e",
    "4b5aaf4557:0:cec384d5e3a60bdd0b47594fd63e9fba3a6366fc17c380695fb4b3b66f34fc40f914c28c23e4c701"
    "a2dff48499587456e301f089b801f163af0ddb6cb42c225d:8ad8db756de27372af38679272026036728db5d95f5d"
    "e49d99ea73048419f8b3ae5e5e86bb158fb3d5d97c66954fe1e3801a710a2e7bbb94f8eea45e895e7bca",
    "8ca0b051fd:0:d7b5b780a39fa3f8a6f85e1e3eacb6b88594d298e8e6a12218d468ece4857d4b077498bbfe92cf93"
    "8af03f33c3645e5d486151d1377ee199d0ff6b5dcdc9d79b:94cc3ab6c6653d4b3682cee020da1da0004c88083fbd"
    "fa996a091fc654205d99619e5dcd005c38823066ff4e5d313647acb185de3bc9addba6bb6a9e4eb38264",
    "063a948b95:0:5ade933fe3352f12f4c559c52dbfaa56d4a847e2d24f9163d802f78585d09906cd0bdceac5906700"
    "f60aef742180ac8e25a6c7b37b5cabefbdb9ee880d9e2804:deb532eb398f75a866b98c6f5f83bb192fd7294624c4"
    "32e2f2ea53fd5054c0cf57354db4cdacfd9bc68347b6fcf695d57f5462945764527fee5f9c3ebae28dda",
};

const ztk_identity *fw_identity(int i)
{
  static ztk_identity ids[FW_IDENTITIES];
  static bool parsed;
  if (!parsed) {
    for (int k = 0; k < FW_IDENTITIES; k++)
      FW_CHECK(ztk_identity_from_string(&ids[k], secrets[k]) == 0);
    parsed = true;
  }
  FW_CHECK(i >= 0 && i < FW_IDENTITIES);
  return &ids[i];
}

int fw_identity_of(ztk_address a)
{
  for (int i = 0; i < FW_IDENTITIES; i++)
    if (fw_identity(i)->address == a)
      return i;
  return -1;
}

/* ---- state stores ---- */

static int store_find(const fw_store *s, int type, uint64_t id)
{
  for (unsigned i = 0; i < s->n; i++)
    if (s->o[i].type == type && s->o[i].id == id)
      return (int)i;
  return -1;
}

void fw_store_put(fw_store *s, int type, uint64_t id, const void *data, size_t len)
{
  int at = store_find(s, type, id);
  fw_obj *o = at >= 0 ? &s->o[at] : NULL;
  if (!data || !len) {
    if (o) {
      s->bytes -= o->len;
      free(o->data);
      *o = s->o[--s->n];
    }
    return;
  }
  if (!o) {
    if (s->n == FW_STORE_MAX) {
      s->refused++;
      return;
    }
    o = &s->o[s->n++];
    *o = (fw_obj){type, id, NULL, 0};
  }
  uint8_t *copy = malloc(len);
  FW_CHECK(copy != NULL);
  memcpy(copy, data, len);
  s->bytes = s->bytes - o->len + len;
  free(o->data);
  o->data = copy;
  o->len = len;
}

long fw_store_get(const fw_store *s, int type, uint64_t id, void *buf, size_t cap)
{
  int at = store_find(s, type, id);
  const fw_obj *o = at >= 0 ? &s->o[at] : NULL;
  if (!o || o->len > cap)
    return -1;
  memcpy(buf, o->data, o->len);
  return (long)o->len;
}

void fw_store_clone(fw_store *dst, const fw_store *src)
{
  memset(dst, 0, sizeof *dst);
  for (unsigned i = 0; i < src->n; i++)
    fw_store_put(dst, src->o[i].type, src->o[i].id, src->o[i].data, src->o[i].len);
}

void fw_store_clear(fw_store *s)
{
  for (unsigned i = 0; i < s->n; i++)
    free(s->o[i].data);
  memset(s, 0, sizeof *s);
}

/* ---- node callbacks ---- */

static void cb_random(void *user, void *buf, size_t len)
{
  fw_host *h = user;
  ztk_csprng_bytes(&h->w->rng, buf, len);
}

static int cb_wire_send(void *user, int64_t sock, const struct sockaddr_storage *to,
                        const void *data, size_t len, unsigned ttl)
{
  fw_host *h = user;
  fw_world *w = h->w;
  ztk_inaddr a;
  (void)sock, (void)ttl;
  ztk_inaddr_from_sockaddr(&a, (const struct sockaddr *)to);
  w->sent++;
  if (len > FW_DGRAM_MAX) {
    w->oversize++;
    return 0;
  }
  if (w->taps.wire && !w->taps.wire(w->taps.user, h->idx, &a, data, len))
    return 0;
  if (w->qlen == FW_QUEUE_MAX) {
    w->dropped_full++;
    return 0;
  }
  fw_dgram *d = &w->q[(w->qhead + w->qlen++) % FW_QUEUE_MAX];
  d->from = h->idx;
  d->to = a;
  d->len = (uint16_t)len;
  memcpy(d->data, data, len);
  return 0;
}

/* FW_TRACE=1 in the environment prints every host's events and trace lines. */
static bool tracing(void)
{
  static int on = -1;
  if (on < 0)
    on = getenv("FW_TRACE") != NULL;
  return on;
}

static void cb_event(void *user, const ztk_event *ev)
{
  fw_host *h = user;
  if (tracing() && ev->type == ZTK_EVENT_TRACE)
    fprintf(stderr, "[%lld] host %d: %.*s\n", (long long)h->w->now, h->idx, (int)ev->len,
            (const char *)ev->data);
  else if (tracing())
    fprintf(stderr, "[%lld] host %d: event %d peer %010llx nwid %016llx\n", (long long)h->w->now,
            h->idx, (int)ev->type, (unsigned long long)ev->peer, (unsigned long long)ev->nwid);
  if (ev->type >= 0 && ev->type < FW_EVENT_KINDS)
    h->events[ev->type]++;
  if (ev->type == ZTK_EVENT_ECHO_REPLY)
    h->echo_replies++;
  if (ev->type == ZTK_EVENT_USER_MESSAGE)
    h->user_messages++;
}

static void cb_frame_out(void *user, ztk_nwid nwid, uint64_t src_mac, uint64_t dst_mac,
                         uint16_t ethertype, uint16_t vlan_id, const void *data, size_t len)
{
  fw_host *h = user;
  (void)vlan_id;
  h->frames++;
  if (h->w->taps.frame)
    h->w->taps.frame(h->w->taps.user, h->idx, nwid, src_mac, dst_mac, ethertype, data, len);
}

static void cb_state_put(void *user, ztk_state_type type, const uint64_t id[2], const void *data,
                         size_t len)
{
  fw_host *h = user;
  /* The controller keys records by both id words; fold the second into the first. */
  fw_store_put(&h->store, (int)type, id[0] ^ (id[1] * 0x9e3779b97f4a7c15ull), data, len);
}

static long cb_state_get(void *user, ztk_state_type type, const uint64_t id[2], void *buf,
                         size_t cap)
{
  fw_host *h = user;
  return fw_store_get(&h->store, (int)type, id[0] ^ (id[1] * 0x9e3779b97f4a7c15ull), buf, cap);
}

bool fw_known_valid(void *user, const ztk_identity *id)
{
  (void)user;
  int i = fw_identity_of(id->address);
  return i >= 0 && ztk_identity_same(fw_identity(i), id);
}

static const ztk_node_callbacks callbacks = {
    .wire_send = cb_wire_send,
    .random = cb_random,
    .frame_out = cb_frame_out,
    .event = cb_event,
    .state_put = cb_state_put,
    .state_get = cb_state_get,
    .identity_known_valid = fw_known_valid,
};

/* ---- the world ---- */

static void make_planet(fw_world *w, int nroots)
{
  uint8_t key[64];
  ztk_identity signer;
  ztk_world pl;
  ztk_csprng_bytes(&w->rng, key, sizeof key);
  memset(&signer, 0, sizeof signer);
  memcpy(signer.priv, key, 64);
  signer.has_private = true;
  ztk_world_key_public(signer.pub, key);
  ztk_world_init(&pl, ZTK_WORLD_PLANET, 0xf022f022, (uint64_t)FW_EPOCH, signer.pub);
  for (int i = 0; i < nroots; i++) {
    int r = ztk_world_add_root(&pl, fw_identity(w->h[i].ident));
    FW_CHECK(r >= 0 && ztk_world_add_endpoint(&pl, (unsigned)r, &w->h[i].addr) == 0);
  }
  FW_CHECK(ztk_world_sign(&pl, &signer) == 0);
  ztk_wr wr = ztk_wr_make(w->planet, sizeof w->planet);
  FW_CHECK(ztk_world_write(&wr, &pl) == 0);
  w->planet_len = wr.len;
}

void fw_init(fw_world *w, uint64_t seed, const int *idents, int n, int nroots)
{
  uint8_t s[32] = {0};
  FW_CHECK(n > 0 && n <= FW_MAX_HOSTS && nroots <= n);
  memset(w, 0, sizeof *w);
  for (int i = 0; i < 8; i++)
    s[i] = (uint8_t)(seed >> (8 * i));
  ztk_csprng_seed(&w->rng, s);
  w->now = FW_EPOCH;
  w->q = malloc(sizeof *w->q * FW_QUEUE_MAX);
  FW_CHECK(w->q != NULL);
  w->n = n;
  for (int i = 0; i < n; i++) {
    fw_host *h = &w->h[i];
    h->w = w;
    h->idx = i;
    h->ident = idents[i];
    ztk_inaddr_v4(&h->addr, 0x0a000001u | ((uint32_t)(i + 1) << 8), 9993);
  }
  make_planet(w, nroots);
}

void fw_free(fw_world *w)
{
  for (int i = 0; i < w->n; i++) {
    fw_crash(w, i);
    fw_store_clear(&w->h[i].store);
  }
  free(w->q);
  w->q = NULL;
}

int fw_start(fw_world *w, int i)
{
  fw_host *h = &w->h[i];
  ztk_node_config cfg;
  if (h->node)
    return 0;
  ztk_node_config_init(&cfg);
  cfg.identity = fw_identity(h->ident);
  cfg.planet = w->planet;
  cfg.planet_len = w->planet_len;
  cfg.trace = tracing();
  int rc = ztk_node_new(&h->node, &cfg, &callbacks, h, w->now);
  if (rc)
    return rc;
  if (h->controller && (rc = ztk_node_enable_controller(h->node, w->now)) != 0) {
    fw_crash(w, i);
    return rc;
  }
  ztk_node_tick(h->node, w->now, &h->deadline);
  return 0;
}

void fw_crash(fw_world *w, int i)
{
  ztk_node_free(w->h[i].node);
  w->h[i].node = NULL;
}

static int host_at(const fw_world *w, const ztk_inaddr *a)
{
  for (int i = 0; i < w->n; i++)
    if (ztk_inaddr_eq(&w->h[i].addr, a))
      return i;
  return -1;
}

/* Delivers one datagram; returns false when the queue is empty. */
static bool deliver_one(fw_world *w)
{
  static uint8_t buf[FW_DGRAM_MAX];
  struct sockaddr_storage from;
  if (!w->qlen)
    return false;
  fw_dgram *d = &w->q[w->qhead];
  w->qhead = (w->qhead + 1) % FW_QUEUE_MAX;
  w->qlen--;
  int to = host_at(w, &d->to);
  fw_host *src = &w->h[d->from];
  if (tracing())
    fprintf(stderr, "[%lld] wire %d -> %d, %u bytes%s\n", (long long)w->now, d->from, to,
            (unsigned)d->len, to < 0 || !w->h[to].node || w->h[to].cut || src->cut ? " lost" : "");
  if (to < 0 || !w->h[to].node || w->h[to].cut || src->cut)
    return true;
  size_t len = d->len;
  memcpy(buf, d->data, len); /* the node may be handed the same slot again while it runs */
  ztk_inaddr_to_sockaddr(&src->addr, &from);
  w->delivered++;
  fw_host *h = &w->h[to];
  ztk_node_wire_in(h->node, w->now, 0, &from, buf, len, &h->deadline);
  return true;
}

void fw_run(fw_world *w, int64_t ms)
{
  int64_t end = w->now + ms;
  unsigned budget = FW_RUN_BUDGET;
  for (;;) {
    while (budget && deliver_one(w))
      budget--;
    int64_t next = end;
    for (int i = 0; i < w->n; i++)
      if (w->h[i].node && w->h[i].deadline < next)
        next = w->h[i].deadline;
    if (next > w->now)
      w->now = next;
    /* Ticks are not counted: a node never asks for one sooner than ZTK_TIMER_GRANULARITY
     * ahead, so they are bounded by virtual time (a held packet is retried every 60 ms for
     * as long as its peer is away, which a long quiet period makes many of). */
    for (int i = 0; i < w->n; i++)
      if (w->h[i].node && w->h[i].deadline <= w->now)
        ztk_node_tick(w->h[i].node, w->now, &w->h[i].deadline);
    if (!budget) {
      w->storm = true;
      w->now = end > w->now ? end : w->now;
      return;
    }
    if (w->now >= end && !w->qlen)
      return;
  }
}

bool fw_all_online(fw_world *w, void *arg)
{
  (void)arg;
  for (int i = 0; i < w->n; i++) {
    ztk_node_status st;
    if (!w->h[i].node)
      continue;
    ztk_node_status_get(w->h[i].node, &st);
    if (!st.online)
      return false;
  }
  return true;
}

bool fw_run_until(fw_world *w, bool (*pred)(fw_world *, void *), void *arg, int64_t timeout_ms)
{
  int64_t end = w->now + timeout_ms;
  while (!pred(w, arg) && w->now < end)
    fw_run(w, 100);
  return pred(w, arg);
}

int fw_net_status(const fw_world *w, int i, uint64_t nwid)
{
  ztk_network_info info;
  if (!w->h[i].node || ztk_node_network(w->h[i].node, nwid, &info))
    return -1;
  return (int)info.status;
}

int fw_api(fw_world *w, int ctl, const char *method, const char *path, const char *body)
{
  struct ztk_ctl *c = w->h[ctl].node ? ztk_node_controller(w->h[ctl].node) : NULL;
  if (!c)
    return -1;
  ztk_api api = {c, "fuzz", NULL};
  ztk_api_request req = {method, path, NULL, "fuzz", NULL, body, body ? strlen(body) : 0};
  ztk_api_response resp;
  FW_CHECK(ztk_api_handle(&api, w->now, &req, &resp) == 0);
  FW_CHECK(resp.body != NULL && resp.status != 500);
  int status = resp.status;
  ztk_api_response_free(&resp);
  return status;
}

int fw_authorize(fw_world *w, int ctl, uint64_t nwid, int member, bool on)
{
  char path[96], body[48];
  snprintf(path, sizeof path, "/controller/network/%016llx/member/%010llx",
           (unsigned long long)nwid, (unsigned long long)fw_identity(w->h[member].ident)->address);
  snprintf(body, sizeof body, "{\"authorized\":%s}", on ? "true" : "false");
  return fw_api(w, ctl, "POST", path, body);
}
