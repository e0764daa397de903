#include "fuzz/support/fzrig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/network/credentials.h"
#include "core/network/mac.h"
#include "core/network/netconf.h"
#include "core/packet/compress.h"
#include "core/packet/packet.h"
#include "core/packet/verbs.h"

/* The fixture world's hosts, by index: test identities in this order. */
enum { H_ROOT, H_CTL, H_SELF, H_BOB, H_M1, H_M2, H_VCTL, H_VROOT, H_OUT, H_COUNT };
static const int world_ident[H_COUNT] = {FR_ROOT, FR_CTL, FR_SELF, 1, 7, 8, 2, 3, 4};
const int fr_member_ident[FR_MEMBERS] = {1, 7, 8, 2, 3, 4};

static int host_of_ident(int ident)
{
  for (int i = 0; i < H_COUNT; i++)
    if (world_ident[i] == ident)
      return i;
  return -1;
}

/* ---- building the fixture ---- */

static const char net1_doc[] =
    "{\"name\":\"fznet1\",\"private\":true,\"enableBroadcast\":true,\"multicastLimit\":8,"
    "\"mtu\":2800,\"v4AssignMode\":{\"zt\":true},"
    "\"v6AssignMode\":{\"rfc4193\":true,\"6plane\":true,\"zt\":false},"
    "\"ipAssignmentPools\":[{\"ipRangeStart\":\"10.147.17.10\",\"ipRangeEnd\":\"10.147.17.250\"}],"
    "\"routes\":[{\"target\":\"10.147.17.0/24\",\"via\":null},"
    "{\"target\":\"10.200.0.0/16\",\"via\":\"10.147.17.10\"}],"
    "\"dns\":{\"domain\":\"fz.example\",\"servers\":[\"10.147.17.1\"]},"
    "\"tags\":[{\"id\":100,\"default\":1}],"
    "\"capabilities\":[{\"id\":7,\"default\":false,\"rules\":["
    "{\"type\":\"MATCH_IP_PROTOCOL\",\"ipProtocol\":6},{\"type\":\"ACTION_ACCEPT\"}]}],"
    "\"rules\":["
    "{\"type\":\"MATCH_IP_PROTOCOL\",\"ipProtocol\":17},"
    "{\"type\":\"MATCH_IP_DEST_PORT_RANGE\",\"start\":9999,\"end\":9999},{\"type\":\"ACTION_DROP\"}"
    ","
    "{\"type\":\"MATCH_TAGS_EQUAL\",\"id\":100,\"value\":2},"
    "{\"type\":\"ACTION_TEE\",\"address\":\"063a948b95\",\"flags\":0,\"length\":64},"
    "{\"type\":\"MATCH_IP_PROTOCOL\",\"ipProtocol\":6},"
    "{\"type\":\"MATCH_IP_DEST_PORT_RANGE\",\"start\":22,\"end\":22},{\"type\":\"ACTION_BREAK\"},"
    "{\"type\":\"MATCH_ETHERTYPE\",\"etherType\":34525,\"not\":true},"
    "{\"type\":\"MATCH_ICMP\",\"icmpType\":13,\"icmpCode\":null},"
    "{\"type\":\"ACTION_WATCH\",\"address\":\"8ca0b051fd\",\"flags\":0,\"length\":0},"
    "{\"type\":\"MATCH_CHARACTERISTICS\",\"mask\":\"0000000000000001\"},"
    "{\"type\":\"MATCH_FRAME_SIZE_RANGE\",\"start\":1400,\"end\":2800},{\"type\":\"ACTION_DROP\"},"
    "{\"type\":\"ACTION_ACCEPT\"}]}";

static const char net2_doc[] =
    "{\"name\":\"fznet2\",\"private\":false,\"enableBroadcast\":true,"
    "\"v4AssignMode\":{\"zt\":true},"
    "\"ipAssignmentPools\":[{\"ipRangeStart\":\"10.148.0.10\",\"ipRangeEnd\":\"10.148.0.250\"}],"
    "\"routes\":[{\"target\":\"10.148.0.0/24\",\"via\":null}]}";

static void api_ok(fw_world *w, const char *method, const char *path, const char *body)
{
  FW_CHECK(fw_api(w, H_CTL, method, path, body) == 200);
}

static void make_networks(fw_world *w, const fr_fixture *fx)
{
  static const struct {
    int host;
    const char *extra;
  } auth[] = {{H_SELF, ",\"tags\":[[100,1]]"},
              {H_BOB, ",\"tags\":[[100,2]],\"capabilities\":[7]"},
              {H_M1, ",\"capabilities\":[7]"},
              {H_M2, ""},
              {H_VCTL, ",\"activeBridge\":true"}};
  char path[96], body[128];
  snprintf(path, sizeof path, "/controller/network/%016llx", (unsigned long long)fx->net1);
  api_ok(w, "POST", path, net1_doc);
  snprintf(path, sizeof path, "/controller/network/%016llx", (unsigned long long)fx->net2);
  api_ok(w, "POST", path, net2_doc);
  for (size_t i = 0; i < sizeof auth / sizeof auth[0]; i++) {
    snprintf(path, sizeof path, "/controller/network/%016llx/member/%010llx",
             (unsigned long long)fx->net1,
             (unsigned long long)fw_identity(world_ident[auth[i].host])->address);
    snprintf(body, sizeof body, "{\"authorized\":true%s}", auth[i].extra);
    api_ok(w, "POST", path, body);
  }
}

static bool configured(fw_world *w, void *arg)
{
  const fr_fixture *fx = arg;
  static const int on1[] = {H_SELF, H_BOB, H_M1, H_M2, H_VCTL}, on2[] = {H_SELF, H_BOB, H_M1};
  for (size_t i = 0; i < sizeof on1 / sizeof on1[0]; i++)
    if (fw_net_status(w, on1[i], fx->net1) != ZTK_NETWORK_OK)
      return false;
  for (size_t i = 0; i < sizeof on2 / sizeof on2[0]; i++)
    if (fw_net_status(w, on2[i], fx->net2) != ZTK_NETWORK_OK)
      return false;
  return true;
}

/* Keeps the plaintext of packets self receives (a few of each verb) as the library. */
static bool library_tap(void *user, int from, const ztk_inaddr *to, const uint8_t *data, size_t len)
{
  static uint8_t buf[ZTK_PROTO_MAX_PACKET_LENGTH];
  static unsigned per_verb[32];
  fr_fixture *fx = user;
  (void)from;
  if (to->port != 9993 || ztk_inaddr_v4_u32(to) != (0x0a000001u | (H_SELF + 1) << 8) ||
      ztk_datagram_classify(data, len) != ZTK_DGRAM_PACKET || ztk_packet_fragmented(data) ||
      fx->nlib == FR_LIBRARY)
    return true;
  int s = fw_identity_of(ztk_packet_source(data));
  if (s < 0 || s == FR_SELF)
    return true;
  memcpy(buf, data, len);
  if (ztk_dearmor(buf, len, fr_key(s)) || ztk_packet_decompress(buf, &len, sizeof buf))
    return true;
  uint8_t verb = ztk_packet_verb(buf);
  size_t plen = len - ZTK_PKT_IDX_PAYLOAD;
  if (per_verb[verb]++ >= 8 || plen > sizeof fx->lib[0].payload)
    return true;
  fr_libentry *e = &fx->lib[fx->nlib++];
  e->sender = s;
  e->verb = verb;
  e->len = (uint16_t)plen;
  memcpy(e->payload, buf + ZTK_PKT_IDX_PAYLOAD, plen);
  return true;
}

/* Traffic towards self, so it learns its peers and receives every kind of packet. */
static void greet_self(fw_world *w, const fr_fixture *fx)
{
  static const int from[] = {H_BOB, H_M1, H_M2, H_VCTL, H_VROOT};
  uint8_t arp[28] = {0, 1, 8, 0, 6, 4, 0, 1};
  for (size_t i = 0; i < sizeof from / sizeof from[0]; i++) {
    fw_host *h = &w->h[from[i]];
    ztk_node_echo(h->node, w->now, fw_identity(FR_SELF)->address, "hi", 2);
    ztk_node_send_user_message(h->node, w->now, fw_identity(FR_SELF)->address, 0x10000 + i, "fuzz",
                               4);
    ztk_mac_to_bytes(fx->mac[h->ident], arp + 8);
    ztk_be_put(arp + 14, fx->ipv4[h->ident], 4);
    ztk_be_put(arp + 24, fx->ipv4[FR_SELF], 4);
    ztk_node_frame_in(h->node, w->now, fx->net1, fx->mac[h->ident], ZTK_MAC_BROADCAST, 0x0806, 0,
                      arp, sizeof arp, &h->deadline);
    fw_run(w, 500);
  }
  fw_run(w, 5000);
}

/* Reads host h's stored config of nwid (NULL if it has none); the caller frees it. */
static ztk_netconf *stored_config(const fw_store *s, uint64_t nwid, uint8_t **dict, size_t *len)
{
  uint8_t *buf = malloc(ZTK_DICT_NETCONF_CAP);
  ztk_netconf *nc = malloc(sizeof *nc);
  ztk_dict d;
  FW_CHECK(buf && nc);
  ztk_netconf_init(nc);
  long n = fw_store_get(s, ZTK_STATE_NETWORK_CONFIG, nwid, buf, ZTK_DICT_NETCONF_CAP);
  if (n <= 0 || ztk_dict_view(&d, buf, (size_t)n, ZTK_DICT_NETCONF_CAP) ||
      ztk_netconf_from_dict(nc, &d)) {
    ztk_netconf_free(nc);
    free(nc);
    free(buf);
    return NULL;
  }
  if (dict) {
    *dict = buf;
    *len = (size_t)n;
  } else {
    free(buf);
  }
  return nc;
}

static void member_facts(fr_fixture *fx, int ident, const fw_store *s)
{
  static uint8_t out[ZTK_PROTO_MAX_PAYLOAD];
  ztk_netconf *nc =
      stored_config(s, fx->net1, ident == FR_SELF ? &fx->self_dict : NULL, &fx->self_dict_len);
  if (!nc)
    return;
  for (unsigned i = 0; i < nc->static_ip_count; i++)
    if (nc->static_ips[i].family == 4 && !fx->ipv4[ident])
      fx->ipv4[ident] = ztk_inaddr_v4_u32(&nc->static_ips[i]);
  ztk_wr w = ztk_wr_make(fx->com[ident], sizeof fx->com[ident]);
  ztk_com_write(&w, &nc->com);
  fx->com_len[ident] = w.err ? 0 : w.len;
  ztk_creds c = {.coms = &nc->com,
                 .com_count = 1,
                 .com_cap = 1,
                 .caps = nc->caps,
                 .cap_count = nc->cap_count,
                 .cap_cap = nc->cap_count,
                 .tags = nc->tags,
                 .tag_count = nc->tag_count,
                 .tag_cap = nc->tag_count,
                 .coos = nc->coos,
                 .coo_count = nc->coo_count,
                 .coo_cap = nc->coo_count,
                 .sections = 4};
  w = ztk_wr_make(out, sizeof out);
  if (ztk_creds_write(&w, &c) == 0 && !w.err) {
    fx->creds[ident] = malloc(w.len);
    FW_CHECK(fx->creds[ident] != NULL);
    memcpy(fx->creds[ident], out, w.len);
    fx->creds_len[ident] = w.len;
  }
  ztk_netconf_free(nc);
  free(nc);
}

static ztk_peer_key keys[FW_IDENTITIES];

ztk_peer_key *fr_key(int ident)
{
  FW_CHECK(ident >= 0 && ident < FW_IDENTITIES);
  return &keys[ident];
}

static void prepare_keys(void)
{
  for (int i = 0; i < FW_IDENTITIES; i++) {
    uint8_t k[48];
    if (i == FR_SELF)
      memset(k, 0, sizeof k);
    else
      FW_CHECK(ztk_identity_agree(fw_identity(i), fw_identity(FR_SELF), k) == 0);
    ztk_peer_key_init(&keys[i], k);
    FW_CHECK(ztk_peer_key_prepare(&keys[i]) == 0);
  }
}

static void build(fr_fixture *fx)
{
  fw_world *w = calloc(1, sizeof *w);
  FW_CHECK(w != NULL);
  prepare_keys();
  fx->net1 = (fw_identity(FR_CTL)->address << 24) | FR_NET1_SUFFIX;
  fx->net2 = (fw_identity(FR_CTL)->address << 24) | FR_NET2_SUFFIX;
  for (int i = 0; i < FW_IDENTITIES; i++)
    fx->mac[i] = ztk_mac_from_address(fw_identity(i)->address, fx->net1);
  fw_init(w, 0xf022, world_ident, H_COUNT, 1);
  w->h[H_CTL].controller = true;
  for (int i = 0; i < H_OUT; i++)
    FW_CHECK(fw_start(w, i) == 0);
  w->taps = (fw_taps){fx, library_tap, NULL};
  make_networks(w, fx);
  FW_CHECK(fw_run_until(w, fw_all_online, NULL, 60000));
  for (int i = H_SELF; i < H_OUT; i++)
    FW_CHECK(ztk_node_join(w->h[i].node, w->now, fx->net1) == 0);
  for (int i = H_SELF; i <= H_M1; i++)
    FW_CHECK(ztk_node_join(w->h[i].node, w->now, fx->net2) == 0);
  FW_CHECK(fw_run_until(w, configured, fx, 60000));
  FW_CHECK(ztk_node_set_responder(w->h[H_SELF].node, fx->net1, true, 7) == 0);
  for (int i = H_SELF; i < H_OUT; i++)
    member_facts(fx, w->h[i].ident, &w->h[i].store);
  greet_self(w, fx);
  fw_crash(w, H_SELF); /* the node saves its peers */
  fw_store_clone(&fx->snapshot, &w->h[H_SELF].store);
  fx->now = w->now;
  memcpy(fx->planet, w->planet, w->planet_len);
  fx->planet_len = w->planet_len;
  FW_CHECK(fx->self_dict != NULL && fx->nlib > 0);
  fw_free(w);
  free(w);
}

/* FZRIG_DUMP=1 in the environment prints what the fixture holds. */
static void dump(const fr_fixture *fx)
{
  fprintf(stderr, "fzrig: t=%lld store %u objects %zu bytes, dict %zu bytes, library %u\n",
          (long long)fx->now, fx->snapshot.n, fx->snapshot.bytes, fx->self_dict_len, fx->nlib);
  for (int i = 0; i < FW_IDENTITIES; i++)
    fprintf(stderr, "fzrig: %010llx ip %08x com %zu creds %zu\n",
            (unsigned long long)fw_identity(i)->address, fx->ipv4[i], fx->com_len[i],
            fx->creds_len[i]);
  for (unsigned i = 0; i < fx->nlib; i++)
    fprintf(stderr, "fzrig: lib %u from %d verb %u len %u\n", i, fx->lib[i].sender, fx->lib[i].verb,
            fx->lib[i].len);
}

const fr_fixture *fr_fixture_get(void)
{
  static fr_fixture *fx;
  if (!fx) {
    fx = calloc(1, sizeof *fx);
    FW_CHECK(fx != NULL);
    build(fx);
    if (getenv("FZRIG_DUMP"))
      dump(fx);
  }
  return fx;
}

/* FZRIG_TRACE=1 in the environment prints self's events and trace lines. */
bool fr_tracing(void)
{
  static int on = -1;
  if (on < 0)
    on = getenv("FZRIG_TRACE") != NULL;
  return on;
}

/* ---- checks on what self sends ---- */

static bool known_verb(uint8_t v)
{
  return v <= ZTK_VERB_MULTICAST_FRAME || v == ZTK_VERB_PUSH_DIRECT_PATHS ||
         v == ZTK_VERB_USER_MESSAGE;
}

/* A whole packet self sent: it must authenticate with the recipient's key and decompress. */
static void check_packet(fr_rig *r, const uint8_t *p, size_t len)
{
  static uint8_t buf[ZTK_PROTO_MAX_PACKET_LENGTH];
  if (ztk_packet_source(p) != fw_identity(FR_SELF)->address)
    return; /* relayed for others */
  int to = fw_identity_of(ztk_packet_dest(p));
  FW_CHECK(to >= 0 && to != FR_SELF);
  FW_CHECK(len <= sizeof buf);
  memcpy(buf, p, len);
  FW_CHECK(ztk_dearmor(buf, len, fr_key(to)) == 0);
  FW_CHECK(ztk_packet_decompress(buf, &len, sizeof buf) == 0);
  uint8_t verb = ztk_packet_verb(buf);
  FW_CHECK(known_verb(verb));
  if (fr_tracing())
    fprintf(stderr, "[%lld] sent %s to %010llx\n", (long long)(r->now - r->start),
            ztk_verb_name(verb), (unsigned long long)ztk_packet_dest(p));
  fr_sent *s = &r->sent[r->nsent++ % FR_OUT_RING];
  s->dest = ztk_packet_dest(p);
  s->wire_id = ztk_packet_id(p);
  s->verb = verb;
  s->len = (uint16_t)(len - ZTK_PKT_IDX_PAYLOAD < sizeof s->payload ? len - ZTK_PKT_IDX_PAYLOAD
                                                                    : sizeof s->payload);
  memcpy(s->payload, buf + ZTK_PKT_IDX_PAYLOAD, s->len);
}

static int cb_wire_send(void *user, int64_t sock, const struct sockaddr_storage *to,
                        const void *data, size_t len, unsigned ttl)
{
  static uint8_t whole[ZTK_PROTO_MAX_PACKET_LENGTH];
  fr_rig *r = user;
  const uint8_t *d = data;
  (void)sock, (void)to, (void)ttl;
  r->datagrams_out++;
  if (fr_tracing())
    fprintf(stderr, "[%lld] out %zu bytes\n", (long long)(r->now - r->start), len);
  ztk_dgram_kind kind = ztk_datagram_classify(d, len);
  if (kind == ZTK_DGRAM_PACKET && !ztk_packet_fragmented(d)) {
    check_packet(r, d, len);
  } else if (kind == ZTK_DGRAM_PACKET || kind == ZTK_DGRAM_FRAGMENT) {
    int n = ztk_fragq_add(r->outq, r->now, d, len, whole, sizeof whole);
    if (n > 0)
      check_packet(r, whole, (size_t)n);
  }
  return 0;
}

static void cb_random(void *user, void *buf, size_t len)
{
  fr_rig *r = user;
  ztk_csprng_bytes(&r->rng, buf, len);
}

static void cb_frame_out(void *user, ztk_nwid nwid, uint64_t src_mac, uint64_t dst_mac,
                         uint16_t ethertype, uint16_t vlan_id, const void *data, size_t len)
{
  static ztk_network_info info;
  fr_rig *r = user;
  (void)src_mac, (void)ethertype, (void)vlan_id, (void)data;
  r->frames_out++;
  FW_CHECK(ztk_node_network(r->node, nwid, &info) == 0 && info.revision != 0);
  FW_CHECK(len <= info.mtu);
  FW_CHECK(dst_mac == info.mac || ztk_mac_is_multicast(dst_mac) || info.bridge);
}

static void cb_state_put(void *user, ztk_state_type type, const uint64_t id[2], const void *data,
                         size_t len)
{
  fr_rig *r = user;
  fw_store_put(&r->store, (int)type, id[0], data, len);
}

static long cb_state_get(void *user, ztk_state_type type, const uint64_t id[2], void *buf,
                         size_t cap)
{
  fr_rig *r = user;
  return fw_store_get(&r->store, (int)type, id[0], buf, cap);
}

static void cb_event(void *user, const ztk_event *ev)
{
  fr_rig *r = user;
  if (ev->type == ZTK_EVENT_TRACE)
    fprintf(stderr, "[%lld] %.*s\n", (long long)(r->now - r->start), (int)ev->len,
            (const char *)ev->data);
  else
    fprintf(stderr, "[%lld] event %d peer %010llx nwid %016llx\n", (long long)(r->now - r->start),
            (int)ev->type, (unsigned long long)ev->peer, (unsigned long long)ev->nwid);
}

static const ztk_node_callbacks rig_callbacks = {
    .wire_send = cb_wire_send,
    .random = cb_random,
    .frame_out = cb_frame_out,
    .state_put = cb_state_put,
    .state_get = cb_state_get,
    .identity_known_valid = fw_known_valid,
};

/* ---- lifecycle ---- */

void fr_ok_hello_body(ztk_wr *w, const fr_sent *s, uint8_t from)
{
  ztk_ok_hello o = {
      s->len >= 13 ? ztk_be_get(s->payload + 5, 8) : 0, ZTK_PROTO_VERSION, 1, 14, 1, {0}, NULL, 0};
  fr_pick_from(FR_SELF, from, &o.from);
  ztk_ok_hello_write(w, &o);
}

/* Self says HELLO to the root when it starts; the root answers, so self is online (its
 * WHOIS and relayed packets have an upstream) before the input begins. */
static void greet_root(fr_rig *r)
{
  static uint8_t buf[ZTK_PROTO_MAX_PACKET_LENGTH];
  int64_t deadline;
  ztk_node_tick(r->node, r->now, &deadline);
  for (unsigned k = 0; k < FR_OUT_RING; k++) {
    const fr_sent *s = fr_recent(r, k);
    if (!s || (s->verb == ZTK_VERB_HELLO && s->dest == fw_identity(FR_ROOT)->address)) {
      FW_CHECK(s != NULL);
      fr_pkt p = {.sender = FR_ROOT, .verb = ZTK_VERB_OK, .suite = 1};
      ztk_wr w = fr_start(r, &p, buf);
      ztk_ok_header_write(&w, ZTK_VERB_HELLO, s->wire_id);
      fr_ok_hello_body(&w, s, 0);
      fr_finish(r, &p, buf, w.len);
      return;
    }
  }
}

void fr_begin(fr_rig *r, const uint8_t *data, size_t size)
{
  static ztk_fragq *outq;
  static const uint8_t seed[32] = {'f', 'z', 'r', 'i', 'g'};
  ztk_node_config cfg;
  if (!outq)
    FW_CHECK((outq = malloc(sizeof *outq)) != NULL);
  memset(r, 0, sizeof *r);
  r->fx = fr_fixture_get();
  r->outq = outq;
  ztk_fragq_init(r->outq, 0);
  fw_store_clone(&r->store, &r->fx->snapshot);
  r->now = r->start = r->fx->now + 1000;
  ztk_csprng_seed(&r->rng, seed);
  r->next_id = 0x5eed000000000000ull;
  r->in = ztk_rd_make(data, size);
  ztk_node_config_init(&cfg);
  cfg.identity = fw_identity(FR_SELF);
  cfg.planet = r->fx->planet;
  cfg.planet_len = r->fx->planet_len;
  cfg.trace = fr_tracing();
  ztk_node_callbacks cb = rig_callbacks;
  if (fr_tracing())
    cb.event = cb_event;
  FW_CHECK(ztk_node_new(&r->node, &cfg, &cb, r, r->now) == 0);
  FW_CHECK(ztk_node_set_responder(r->node, r->fx->net1, true, 7) == 0);
  FW_CHECK(ztk_node_set_responder(r->node, r->fx->net2, true, 7) == 0);
  greet_root(r);
}

void fr_end(fr_rig *r)
{
  ztk_peer_info one;
  int64_t deadline;
  FW_CHECK(ztk_node_tick(r->node, r->now, &deadline) == 0 && deadline > r->now);
  FW_CHECK(ztk_node_peers(r->node, r->now, &one, 0) <= FW_IDENTITIES - 1);
  FW_CHECK(r->store.bytes < (4u << 20));
  ztk_node_free(r->node);
  r->node = NULL;
  fw_store_clear(&r->store);
}

/* ---- input ---- */

uint8_t fr_u8(fr_rig *r)
{
  return ztk_rd_u8(&r->in);
}
uint16_t fr_u16(fr_rig *r)
{
  return ztk_rd_u16(&r->in);
}

const uint8_t *fr_bytes(fr_rig *r, size_t max, size_t *len)
{
  size_t n = fr_u16(r), left = ztk_rd_left(&r->in);
  if (n > left)
    n = left;
  if (n > max)
    n = max;
  *len = n;
  return n ? ztk_rd_take(&r->in, n) : (const uint8_t *)"";
}

bool fr_done(const fr_rig *r)
{
  return r->in.err || ztk_rd_left(&r->in) == 0;
}

void fr_tick(fr_rig *r, int64_t ms)
{
  int64_t left = FR_MAX_VIRTUAL_MS - (r->now - r->start), deadline = r->now;
  if (ms > left)
    ms = left;
  if (ms < 0)
    ms = 0;
  int64_t end = r->now + ms;
  ztk_node_tick(r->node, r->now, &deadline);
  for (int i = 0; i < 4096 && deadline <= end; i++) {
    FW_CHECK(deadline > r->now);
    r->now = deadline;
    ztk_node_tick(r->node, r->now, &deadline);
  }
  r->now = end > r->now ? end : r->now;
  ztk_node_tick(r->node, r->now, &deadline);
}

/* ---- crafting packets ---- */

int fr_pick_peer(uint8_t b)
{
  static const int peers[] = {1, 7, 8, 2, 3, 4, FR_ROOT, FR_CTL};
  return peers[b % (sizeof peers / sizeof peers[0])];
}

void fr_pick_from(int sender, uint8_t b, ztk_inaddr *out)
{
  int h = host_of_ident(sender);
  uint8_t ip6[16] = {0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (uint8_t)h};
  switch (b & 3) {
  case 0:
    ztk_inaddr_v4(out, 0x0a000001u | (uint32_t)(h + 1) << 8, 9993);
    break;
  case 1:
    ztk_inaddr_v4(out, 0x0a000001u | (uint32_t)(h + 1) << 8, (uint16_t)(10000 + (b >> 2)));
    break;
  case 2:
    ztk_inaddr_v6(out, ip6, 9993);
    break;
  default:
    ztk_inaddr_v4(out, 0x0a000001u | (uint32_t)((b >> 2) % H_COUNT + 1) << 8, 9993);
  }
}

void fr_pkt_opts(fr_rig *r, fr_pkt *p, uint8_t opts)
{
  static const unsigned suites[4] = {0, 1, 3, 3};
  p->suite = suites[opts & 3];
  p->compress = (opts & 4) != 0;
  p->mtu = (opts & 8) ? 64 + 8 * (size_t)fr_u8(r) : 0;
  p->hops = (opts & 16) ? fr_u8(r) & 7 : 0;
  p->replay = (opts & 32) != 0;
  p->reverse = (opts & 64) != 0;
  p->from = (opts & 128) ? fr_u8(r) : 0;
}

static void feed(fr_rig *r, int sender, uint8_t from, const uint8_t *data, size_t len)
{
  ztk_inaddr a;
  struct sockaddr_storage ss;
  int64_t deadline;
  fr_pick_from(sender, from, &a);
  ztk_inaddr_to_sockaddr(&a, &ss);
  FW_CHECK(ztk_node_wire_in(r->node, r->now, 0, &ss, data, len, &deadline) == 0);
}

void fr_raw(fr_rig *r, int sender, uint8_t from, const uint8_t *data, size_t len)
{
  feed(r, sender, from, data, len);
}

ztk_wr fr_start(fr_rig *r, const fr_pkt *p, uint8_t *buf)
{
  ztk_wr w = ztk_packet_start(buf, ZTK_PROTO_MAX_PACKET_LENGTH, fw_identity(FR_SELF)->address,
                              fw_identity(p->sender)->address, p->verb, &r->rng);
  uint64_t id = p->replay && r->last_id ? r->last_id : r->next_id++;
  r->last_id = id;
  ztk_packet_set_id(buf, id);
  return w;
}

void fr_finish(fr_rig *r, const fr_pkt *p, uint8_t *buf, size_t len)
{
  static uint8_t dg[ZTK_PROTO_MAX_PACKET_LENGTH];
  size_t mtu = p->mtu;
  int count = 1;
  if (p->compress)
    ztk_packet_compress(buf, &len, NULL);
  if (mtu && (count = ztk_fragment_prepare(buf, len, mtu)) < 1) {
    count = 1;
    ztk_packet_set_fragmented(buf, false);
  }
  if (count == 1)
    mtu = 0;
  FW_CHECK(ztk_armor(buf, len, fr_key(p->sender), p->suite) == 0);
  ztk_packet_set_hops(buf, p->hops);
  for (int k = 0; k < count && r->node; k++) {
    unsigned idx = (unsigned)(p->reverse ? count - 1 - k : k);
    if (!mtu) {
      feed(r, p->sender, p->from, buf, len);
      continue;
    }
    int n = ztk_fragment_get(buf, len, mtu, idx, dg, sizeof dg);
    FW_CHECK(n > 0);
    feed(r, p->sender, p->from, dg, (size_t)n);
  }
}

void fr_send(fr_rig *r, const fr_pkt *p, const uint8_t *payload, size_t len)
{
  static uint8_t buf[ZTK_PROTO_MAX_PACKET_LENGTH];
  ztk_wr w = fr_start(r, p, buf);
  ztk_wr_bytes(&w, payload, len < ZTK_PROTO_MAX_PAYLOAD ? len : ZTK_PROTO_MAX_PAYLOAD);
  fr_finish(r, p, buf, w.len);
}

const fr_sent *fr_recent(const fr_rig *r, unsigned k)
{
  unsigned n = r->nsent < FR_OUT_RING ? r->nsent : FR_OUT_RING;
  if (!n)
    return NULL;
  k %= n;
  return &r->sent[(r->nsent - 1 - k) % FR_OUT_RING];
}
