"""1,000 core-only members, all online, join one network in the same virtual instant: the
controller's node is asked for 1,000 configs at once by members it has never heard of (each
request waits for a WHOIS to the root), and every member must still be configured promptly,
with a distinct address."""
from ztkit import check

SEED = 1
PARAMS = {"members": 1000}
SHRINK = {"members": 10}


def run(ctx):
    n = ctx.params.members
    w = ctx.world(start_spread_ms=10 * n)        # members boot over n/100 s
    w.add_root("root", access={"latency_ms": 5})
    ctl = w.add_controller("ctl", access={"latency_ms": 5})
    check.wait_online(w, [ctl])
    nwid = w.create_network(ctl, name="burst", private=False, subnet="10.64.0.0/20",
                            pool=("10.64.0.1", "10.64.15.250"))
    ms = w.star(n, access={"latency_ms": 20})
    check.wait_online(w, ms, timeout_ms=120000)
    t0 = w.now + 1000
    for m in ms:                                 # every join in one instant
        m.join(nwid, at=t0)
    took = check.wait_joined(w, ms, nwid, timeout_ms=180000)
    ips = [m.ip4(nwid) for m in ms]
    check.expect_eq(len(set(ips)), n, "distinct addresses", w)
    check.expect(took <= 10000, "%d simultaneous joins took %d ms (virtual), more than 10 s" % (
        n, took), w)
    ctx.log("%d simultaneous joins configured within %d ms (virtual)" % (n, took))
