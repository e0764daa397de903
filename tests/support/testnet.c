#include "tests/support/testnet.h"

#include <stdlib.h>
#include <string.h>

#include "tests/support/vectors.h"
#include "stack/env.h"
#include "stack/host.h"
#include "stack/vnic.h"
#include "transport/mem.h"

#define PORT 9993

static void cb_random(void *user, void *buf, size_t len)
{
  tn_host *h = user;
  ztk_csprng_bytes(&h->net->rng, buf, len);
}

static int cb_wire_send(void *user, int64_t sock, const struct sockaddr_storage *to,
                        const void *data, size_t len, unsigned ttl)
{
  tn_host *h = user;
  ztk_inaddr a;
  ztk_inaddr_from_sockaddr(&a, (const struct sockaddr *)to);
  if (h->net->hook && !h->net->hook(h->net, h->idx, &a, data, len))
    return 0;
  return ztk_transport_send(h->t, h->sock, (const struct sockaddr *)to, sizeof *to, data, len,
                            (int)ttl);
}

static void cb_event(void *user, const ztk_event *ev)
{
  tn_host *h = user;
  if (ev->type >= 0 && ev->type < TN_EVENT_KINDS) {
    h->events[ev->type]++;
    h->last_event_peer[ev->type] = ev->peer;
  }
  if (ev->type == ZTK_EVENT_USER_MESSAGE) {
    h->last_user_type = ev->user_type;
    h->last_user_len = ev->len < sizeof h->last_user ? ev->len : sizeof h->last_user;
    memcpy(h->last_user, ev->data, h->last_user_len);
  }
  if (h->vnic)
    ztk_vnic_event(h->vnic, ev);
  if (ev->type == ZTK_EVENT_TRACE && h->net->trace)
    fprintf(stderr, "[%lld] %010llx %.*s\n", (long long)h->net->now,
            (unsigned long long)h->id.address, (int)ev->len, (const char *)ev->data);
}

static void cb_frame_out(void *user, ztk_nwid nwid, uint64_t src_mac, uint64_t dst_mac,
                         uint16_t ethertype, uint16_t vlan_id, const void *data, size_t len)
{
  tn_host *h = user;
  (void)vlan_id;
  tf_log_add(&h->frames, nwid, src_mac, dst_mac, ethertype, data, len);
  if (h->vnic)
    ztk_vnic_from_node(h->vnic, nwid, src_mac, dst_mac, ethertype, data, len);
}

static void vnic_to_node(void *user, uint64_t nwid, uint64_t src, uint64_t dst, uint16_t et,
                         const void *data, size_t len)
{
  tn_host *h = user;
  ztk_node_frame_in(h->node, h->net->now, nwid, src, dst, et, 0, data, len, NULL);
}

static void vnic_subscribe(void *user, uint64_t nwid, uint64_t mac, uint32_t adi, bool on)
{
  tn_host *h = user;
  if (on)
    ztk_node_multicast_subscribe(h->node, h->net->now, nwid, mac, adi);
  else
    ztk_node_multicast_unsubscribe(h->node, nwid, mac, adi);
}

static const ztk_vnic_ops vnic_ops = {vnic_to_node, vnic_subscribe};

void tn_stack_enter(testnet *tn) { ztk_stack_set_now(tn->now); }

static tn_state *find_state(tn_host *h, int type, uint64_t id)
{
  for (int i = 0; i < h->nstate; i++)
    if (h->state[i].type == type && h->state[i].id == id)
      return &h->state[i];
  return NULL;
}

static void cb_state_put(void *user, ztk_state_type type, const uint64_t id[2], const void *data,
                         size_t len)
{
  tn_host *h = user;
  tn_state *s = find_state(h, type, id[0]);
  if (!s) {
    if (!data || h->nstate == TN_MAX_STATE)
      return;
    s = &h->state[h->nstate++];
    s->type = type;
    s->id = id[0];
    s->data = NULL;
  }
  free(s->data);
  s->data = NULL;
  s->len = 0;
  if (data && len) {
    s->data = malloc(len);
    memcpy(s->data, data, len);
    s->len = len;
  }
}

static long cb_state_get(void *user, ztk_state_type type, const uint64_t id[2], void *buf,
                         size_t cap)
{
  tn_state *s = find_state(user, type, id[0]);
  if (!s || !s->data || s->len > cap)
    return -1;
  memcpy(buf, s->data, s->len);
  return (long)s->len;
}

static const ztk_node_callbacks callbacks = {
  .wire_send = cb_wire_send,
  .random = cb_random,
  .event = cb_event,
  .state_put = cb_state_put,
  .state_get = cb_state_get,
  .frame_out = cb_frame_out,
};

void tn_init(testnet *tn, uint64_t seed)
{
  uint8_t s[32] = {0};
  memset(tn, 0, sizeof *tn);
  for (int i = 0; i < 8; i++)
    s[i] = (uint8_t)(seed >> (8 * i));
  ztk_csprng_seed(&tn->rng, s);
  tn->now = 1700000000000; /* an ordinary wall-clock-like epoch */
  tn->trace = getenv("TN_TRACE") != NULL;
  assert_int_equal(ztk_mem_hub_new((ztk_mem_hub **)&tn->hub), 0);
}

void tn_crash(testnet *tn, int i)
{
  tn_host *h = &tn->h[i];
  if (!h->up)
    return;
  ztk_vnic_free(h->vnic);
  h->vnic = NULL;
  ztk_node_free(h->node);
  h->node = NULL;
  ztk_stack_host_free(h->sh);
  h->sh = NULL;
  h->up = false;
}

void tn_free(testnet *tn)
{
  for (int i = 0; i < tn->n; i++) {
    tn_crash(tn, i);
    for (int k = 0; k < tn->h[i].nstate; k++)
      free(tn->h[i].state[k].data);
  }
  ztk_mem_hub_free(tn->hub);
}

void tn_identity(int i, ztk_identity *out)
{
  static const char *captured[] = {"captures/identities/root.identity.secret",
                                   "captures/identities/ctl.identity.secret",
                                   "captures/identities/m1.identity.secret",
                                   "captures/identities/m2.identity.secret"};
  if (i < 5) {
    json_t *root = tv_load("vectors/identities.json");
    json_t *v = json_array_get(json_object_get(root, "identities"), (size_t)i);
    assert_int_equal(ztk_identity_from_string(out, tv_str(v, "secret")), 0);
    json_decref(root);
    return;
  }
  size_t len;
  uint8_t *text = tv_read_file(captured[i - 5], &len);
  char buf[400];
  memcpy(buf, text, len < sizeof buf - 1 ? len : sizeof buf - 1);
  buf[len < sizeof buf - 1 ? len : sizeof buf - 1] = 0;
  free(text);
  assert_int_equal(ztk_identity_from_string(out, buf), 0);
}

int tn_setup(testnet *tn, const int *identity_idx, int n, int nroots)
{
  ztk_world w;
  uint8_t key[64];
  ztk_identity signer;
  assert_true(n <= TN_MAX_HOSTS);
  for (int i = 0; i < n; i++) {
    tn_host *h = &tn->h[i];
    h->net = tn;
    h->idx = i;
    tn_identity(identity_idx[i], &h->id);
    ztk_inaddr_v4(&h->addr, 0x0a000001u | ((uint32_t)(i + 1) << 8), PORT); /* own /24 each */
    assert_int_equal(ztk_mem_transport_new(tn->hub, &h->t), 0);
    struct sockaddr_storage ss;
    socklen_t sl = ztk_inaddr_to_sockaddr(&h->addr, &ss);
    h->sock = ztk_transport_bind(h->t, (struct sockaddr *)&ss, sl);
    assert_true(h->sock >= 0);
  }
  tn->n = n;
  ztk_csprng_bytes(&tn->rng, key, sizeof key);
  memset(&signer, 0, sizeof signer);
  memcpy(signer.priv, key, 64);
  signer.has_private = true;
  ztk_world_key_public(signer.pub, key);
  ztk_world_init(&w, ZTK_WORLD_PLANET, 0xdec0de99, 1700000000000ull, signer.pub);
  for (int i = 0; i < nroots; i++) {
    int r = ztk_world_add_root(&w, &tn->h[i].id);
    assert_true(r >= 0);
    assert_int_equal(ztk_world_add_endpoint(&w, (unsigned)r, &tn->h[i].addr), 0);
  }
  assert_int_equal(ztk_world_sign(&w, &signer), 0);
  tn->planet_signer = signer;
  tn->planet_world = w;
  ztk_wr wr = ztk_wr_make(tn->planet, sizeof tn->planet);
  assert_int_equal(ztk_world_write(&wr, &w), 0);
  tn->planet_len = wr.len;
  return n;
}

void tn_start(testnet *tn, int i)
{
  tn_host *h = &tn->h[i];
  ztk_node_config cfg;
  ztk_node_config_init(&cfg);
  cfg.identity = &h->id;
  cfg.planet = h->planet ? h->planet : tn->planet;
  cfg.planet_len = h->planet ? h->planet_len : tn->planet_len;
  cfg.trace = tn->trace;
  assert_int_equal(ztk_node_new(&h->node, &cfg, &callbacks, h, tn->now), 0);
  h->up = true;
  if (h->controller)
    assert_int_equal(ztk_node_enable_controller(h->node, tn->now), 0);
  if (h->stack) {
    assert_int_equal(ztk_stack_init(), 0);
    ztk_stack_set_now(tn->now);
    assert_int_equal(ztk_stack_host_new(&h->sh, NULL), 0);
    assert_int_equal(ztk_vnic_new(&h->vnic, h->sh, h->node, &vnic_ops, h), 0);
  }
  ztk_node_tick(h->node, tn->now, &h->deadline);
}

void tn_start_all(testnet *tn)
{
  for (int i = 0; i < tn->n; i++)
    tn_start(tn, i);
}

static bool deliver(testnet *tn)
{
  bool any = false;
  static uint8_t buf[16384];
  for (int i = 0; i < tn->n; i++) {
    tn_host *h = &tn->h[i];
    ztk_datagram d;
    d.data = buf;
    d.cap = sizeof buf;
    while (ztk_transport_recv(h->t, &d, 1) == 1) {
      any = true;
      if (h->up)
        ztk_node_wire_in(h->node, tn->now, d.sock, &d.from, d.data, d.len, &h->deadline);
      d.data = buf;
      d.cap = sizeof buf;
    }
  }
  return any;
}

static bool any_stack(const testnet *tn)
{
  for (int i = 0; i < tn->n; i++)
    if (tn->h[i].vnic)
      return true;
  return false;
}

void tn_run(testnet *tn, int64_t ms)
{
  int64_t end = tn->now + ms;
  for (;;) {
    int guard = 0;
    ztk_stack_set_now(tn->now);
    while (deliver(tn) && ++guard < 100000) {
    }
    int64_t next = end;
    if (any_stack(tn)) {
      int64_t s = ztk_stack_tick(tn->now);
      if (s < next)
        next = s > tn->now ? s : tn->now + 1;
      for (int i = 0; i < tn->n; i++)
        if (tn->h[i].vnic)
          ztk_vnic_flush(tn->h[i].vnic);
    }
    for (int i = 0; i < tn->n; i++)
      if (tn->h[i].up && tn->h[i].deadline < next)
        next = tn->h[i].deadline;
    if (next > tn->now)
      tn->now = next;
    for (int i = 0; i < tn->n; i++)
      if (tn->h[i].up && tn->h[i].deadline <= tn->now)
        ztk_node_tick(tn->h[i].node, tn->now, &tn->h[i].deadline);
    if (tn->now >= end && !ztk_mem_hub_pending(tn->hub))
      return;
  }
}

bool tn_run_until(testnet *tn, bool (*pred)(testnet *, void *), void *arg, int64_t timeout_ms)
{
  int64_t end = tn->now + timeout_ms;
  while (!pred(tn, arg) && tn->now < end)
    tn_run(tn, 100);
  return pred(tn, arg);
}

void tn_inject(testnet *tn, int i, int from, const uint8_t *data, size_t len)
{
  struct sockaddr_storage ss;
  ztk_inaddr_to_sockaddr(&tn->h[from].addr, &ss);
  ztk_node_wire_in(tn->h[i].node, tn->now, tn->h[i].sock, &ss, data, len, &tn->h[i].deadline);
}

bool tn_all_online(testnet *tn, void *unused)
{
  (void)unused;
  for (int i = 0; i < tn->n; i++) {
    ztk_node_status st;
    if (!tn->h[i].up)
      continue;
    ztk_node_status_get(tn->h[i].node, &st);
    if (!st.online)
      return false;
  }
  return true;
}

void tn_join(testnet *tn, int i, uint64_t nwid)
{
  assert_int_equal(ztk_node_join(tn->h[i].node, tn->now, nwid), 0);
  if (tn->h[i].responder)
    assert_int_equal(ztk_node_set_responder(tn->h[i].node, nwid, true, 7), 0);
}

bool tn_has_config(testnet *tn, int i, uint64_t nwid)
{
  ztk_network_info info;
  return ztk_node_network(tn->h[i].node, nwid, &info) == 0 && info.status == ZTK_NETWORK_OK;
}

uint32_t tn_ipv4(testnet *tn, int i, uint64_t nwid)
{
  ztk_network_info info;
  if (ztk_node_network(tn->h[i].node, nwid, &info))
    return 0;
  for (int k = 0; k < info.addr_count; k++) {
    ztk_inaddr a;
    ztk_inaddr_from_sockaddr(&a, (const struct sockaddr *)&info.addrs[k]);
    if (a.family == 4)
      return ztk_inaddr_v4_u32(&a);
  }
  return 0;
}

uint64_t tn_mac(testnet *tn, int i, uint64_t nwid)
{
  ztk_network_info info;
  return ztk_node_network(tn->h[i].node, nwid, &info) == 0 ? info.mac : 0;
}

int tn_frame(testnet *tn, int i, uint64_t nwid, uint64_t dst_mac, uint16_t ethertype,
             const void *data, size_t len)
{
  tn_host *h = &tn->h[i];
  return ztk_node_frame_in(h->node, tn->now, nwid, tn_mac(tn, i, nwid), dst_mac, ethertype, 0,
                           data, len, &h->deadline);
}
