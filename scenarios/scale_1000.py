"""A 1,000-member star (core-only nodes) booting over 10 s: every member comes online through the
root and a USER_MESSAGE from each to its neighbour arrives."""
from ztkit import check

SEED = 1
PARAMS = {"members": 1000}
SHRINK = {"members": 10}


def run(ctx):
    n = ctx.params.members
    w = ctx.world(start_spread_ms=10000)
    w.add_root("root", access={"latency_ms": 5})
    members = w.star(n, access={"latency_ms": 20})
    took = check.wait_online(w, timeout_ms=120000)
    ctx.log("%d members online after %d ms" % (n, took))
    check.exchange(w, [(m, members[(i + 1) % n]) for i, m in enumerate(members)], timeout_ms=60000)
