"""A member of a private network crashes and restarts. With its state kept it rejoins the
network by itself (the joined list in its store), gets the same address and is reachable
again; with its state wiped it is a new node that the controller does not know, so its join is
refused until it is authorized, and then it gets a fresh address."""
from ztkit import check, swarm

SEED = 1
PARAMS = {"down_ms": swarm.randint(1000, 30000)}


def run(ctx):
    w, root, ctl, (a, b), nwid = ctx.network_opening()
    ip_b, addr_b = b.ip4(nwid), b.address
    check.ping(w, a, ip_b)
    b.crash()
    check.expect_no_ping(w, a, ip_b, window_ms=ctx.params.down_ms)
    b.restart()
    check.wait_online(w, [b])
    check.wait_joined(w, [b], nwid)
    check.expect_eq((b.address, b.ip4(nwid), b.networks()), (addr_b, ip_b, [nwid]),
                    "b's address, IP and networks after a restart with its state kept", w)
    check.ping(w, a, ip_b, timeout_ms=20000)
    check.ping(w, b, a.ip4(nwid), timeout_ms=20000)
    b.restart(wipe=True)
    check.wait_online(w, [b])
    check.expect(b.address != addr_b, "b kept its address although its state was wiped", w)
    check.expect_eq(b.networks(), [], "networks of the wiped b", w)
    b.join(nwid)
    w.run_until(lambda: b.network(nwid) and b.network(nwid).status == "ACCESS_DENIED", 30000,
                "the new b refused", explain=lambda: str(b.network(nwid)))
    w.authorize(ctl, nwid, b)
    check.wait_joined(w, [b], nwid, timeout_ms=90000)
    check.expect(b.ip4(nwid) != ip_b, "the new b got the old b's address %s (still assigned to it)" % ip_b, w)
    check.ping(w, a, b.ip4(nwid), timeout_ms=20000)
    ctx.log("kept: %s at %s; wiped: %s at %s" % (addr_b, ip_b, b.address, b.ip4(nwid)))
