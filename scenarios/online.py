"""All members come online through the root over lossy access links, and messages get through."""
from ztkit import check, swarm

SEED = 1
PARAMS = {"members": 12, "latency_ms": swarm.randint(2, 60), "loss": swarm.uniform(0.0, 0.05)}
SHRINK = {"members": 2}


def run(ctx):
    p = ctx.params
    w = ctx.world()
    root = w.add_root("root", access={"latency_ms": 5})
    members = w.star(p.members, access={"latency_ms": p.latency_ms, "loss": p.loss})
    ctx.log("online after %d ms" % check.wait_online(w, timeout_ms=120000))
    check.expect_event(root, "ONLINE")
    check.exchange(w, [(m, members[(i + 1) % len(members)]) for i, m in enumerate(members)])
