"""A member of a network is partitioned from everyone: pings to and from it fail while the rest
of the network keeps working; after healing it is reachable again with the same address."""
from ztkit import check, swarm

SEED = 1
PARAMS = {"cut_ms": swarm.randint(20000, 120000)}


def run(ctx):
    w, root, ctl, (a, b, c), nwid = ctx.network_opening(("a", "b", "c"))
    for x, y in ((a, b), (b, c), (c, a)):
        check.ping(w, x, y.ip4(nwid))
    ip_c = c.ip4(nwid)
    w.partition([c], group="cut")
    check.expect_no_ping(w, a, ip_c, window_ms=ctx.params.cut_ms // 2)
    check.expect_no_ping(w, c, a.ip4(nwid), window_ms=ctx.params.cut_ms // 2)
    check.ping(w, a, b.ip4(nwid))
    w.heal()
    check.ping(w, a, ip_c, timeout_ms=60000)
    check.ping(w, c, b.ip4(nwid), timeout_ms=60000)
    check.expect_eq(c.ip4(nwid), ip_c, "c's address after the partition", w)
