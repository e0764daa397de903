"""Deauthorization: the controller deauthorizes a member of a private network; the member's
next config request is refused (status ACCESS_DENIED; the others got a revocation at once), it can no longer reach anyone and
nobody reaches it, while the others keep talking. Authorized again, it gets its config back
and is reachable."""
from ztkit import check, swarm

SEED = 1
PARAMS = {"latency_ms": swarm.randint(5, 50)}


def status(h, nwid):
    n = h.network(nwid)
    return n.status if n else None


def run(ctx):
    w, root, ctl, (a, b, c), nwid = ctx.network_opening(("a", "b", "c"), latency_ms=ctx.params.latency_ms)
    ip_c = c.ip4(nwid)
    check.ping(w, a, ip_c)
    check.ping(w, c, b.ip4(nwid))
    w.deauthorize(ctl, nwid, c)
    w.run_until(lambda: status(c, nwid) == "ACCESS_DENIED", 130000, "c's status ACCESS_DENIED",
                explain=lambda: "c: %s" % c.network(nwid))
    check.expect_event(c, "NETWORK_ACCESS_DENIED")
    check.expect_eq(w.member(ctl, nwid, c)["authorized"], False, "c in the controller's database", w)
    check.expect_no_ping(w, a, ip_c, window_ms=5000)
    check.expect_no_ping(w, c, b.ip4(nwid), window_ms=5000)
    check.expect_eq(status(a, nwid), "OK", "a's status", w)
    check.ping(w, a, b.ip4(nwid))
    w.authorize(ctl, nwid, c)
    w.run_until(lambda: status(c, nwid) == "OK" and c.ip4(nwid), 120000, "c's config back",
                explain=lambda: "c: %s" % c.network(nwid))
    check.expect_eq(c.ip4(nwid), ip_c, "c's address after authorizing it again", w)
    check.ping(w, a, ip_c, timeout_ms=20000)
    check.ping(w, c, b.ip4(nwid), timeout_ms=20000)
