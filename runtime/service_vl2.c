/* The service's virtual-network wrappers (ztkit/service.h): locked calls of the node's VL2
 * operations. */
#include "runtime/service.h"

typedef struct vl2_op {
  int verb; /* 0 join, 1 leave, 2 networks, 3 network */
  ztk_nwid nwid;
  ztk_nwid *ids;
  int max;
  ztk_network_info *info;
} vl2_op;

static int run_vl2(ztk_node *node, int64_t now, void *arg)
{
  const vl2_op *op = arg;
  switch (op->verb) {
  case 0:
    return ztk_node_join(node, now, op->nwid);
  case 1:
    return ztk_node_leave(node, now, op->nwid);
  case 2:
    return ztk_node_networks(node, op->ids, op->max);
  default:
    return ztk_node_network(node, op->nwid, op->info);
  }
}

int ztk_service_join(ztk_service *svc, ztk_nwid nwid)
{
  vl2_op op = {0, nwid, NULL, 0, NULL};
  return ztk_service_call(svc, run_vl2, &op);
}

int ztk_service_leave(ztk_service *svc, ztk_nwid nwid)
{
  vl2_op op = {1, nwid, NULL, 0, NULL};
  return ztk_service_call(svc, run_vl2, &op);
}

int ztk_service_networks(ztk_service *svc, ztk_nwid *out, int max)
{
  vl2_op op = {2, 0, out, max, NULL};
  if (max < 0 || (!out && max > 0))
    return ZTK_EINVAL;
  return ztk_service_call(svc, run_vl2, &op);
}

int ztk_service_network(ztk_service *svc, ztk_nwid nwid, ztk_network_info *out)
{
  vl2_op op = {3, nwid, NULL, 0, out};
  if (!out)
    return ZTK_EINVAL;
  return ztk_service_call(svc, run_vl2, &op);
}
