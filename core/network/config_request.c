#include "core/network/config_request.h"

#include <string.h>

#include "core/network/netconf.h"

int ztk_config_request_read(ztk_config_request *q, const void *payload, size_t len)
{
  ztk_rd r = ztk_rd_make(payload, len);
  memset(q, 0, sizeof *q);
  q->nwid = ztk_rd_u64(&r);
  if (ztk_rd_left(&r) >= 2) {
    q->meta_len = ztk_rd_u16(&r);
    q->meta = (const char *)ztk_rd_take(&r, q->meta_len);
  }
  if (ztk_rd_left(&r) >= 16) {
    q->have_revision = ztk_rd_u64(&r);
    q->have_timestamp = (int64_t)ztk_rd_u64(&r);
  }
  if (r.err)
    return r.err;
  ztk_dict d;
  return ztk_config_request_meta_dict(q, &d);
}

int ztk_config_request_write(ztk_wr *w, const ztk_config_request *q)
{
  if (q->meta_len >= ZTK_DICT_METADATA_CAP)
    return ZTK_ELIMIT;
  ztk_wr_u64(w, q->nwid);
  ztk_wr_u16(w, q->meta_len);
  ztk_wr_bytes(w, q->meta, q->meta_len);
  ztk_wr_u64(w, q->have_revision);
  ztk_wr_u64(w, (uint64_t)q->have_timestamp);
  return w->err;
}

int ztk_config_request_meta_dict(const ztk_config_request *q, ztk_dict *d)
{
  return ztk_dict_view(d, q->meta, q->meta_len, ZTK_DICT_METADATA_CAP);
}

int ztk_config_request_meta_build(ztk_dict *d, const ztk_config_request_meta *m)
{
  int rc = ztk_dict_add_u64(d, "v", ZTK_NETCONF_VERSION);
  rc = rc ? rc : ztk_dict_add_u64(d, "vend", m->vendor);
  rc = rc ? rc : ztk_dict_add_u64(d, "pv", m->proto_version);
  rc = rc ? rc : ztk_dict_add_u64(d, "majv", m->major);
  rc = rc ? rc : ztk_dict_add_u64(d, "minv", m->minor);
  rc = rc ? rc : ztk_dict_add_u64(d, "revv", m->revision);
  rc = rc ? rc : ztk_dict_add_u64(d, "mr", ZTK_MAX_NETWORK_RULES);
  rc = rc ? rc : ztk_dict_add_u64(d, "mc", ZTK_MAX_NETWORK_CAPABILITIES);
  rc = rc ? rc : ztk_dict_add_u64(d, "mcr", ZTK_MAX_CAPABILITY_RULES);
  rc = rc ? rc : ztk_dict_add_u64(d, "mt", ZTK_MAX_NETWORK_TAGS);
  rc = rc ? rc : ztk_dict_add_u64(d, "f", 0);
  rc = rc ? rc : ztk_dict_add_u64(d, "revr", m->rules_engine_rev);
  rc = rc ? rc : ztk_dict_add_str(d, "o", m->os_arch ? m->os_arch : "");
  return rc;
}
