"""1,000 core-only members, all online, join one network in the same virtual instant: the
controller's node is asked for 1,000 configs at once by members it has never heard of (each
request waits for a WHOIS to the root), and every member must still be configured promptly,
with a distinct address."""
from ztkit import check

SEED = 1
SHRINK = {"members": 10}
PARAMS = {"members": 1000}


def run(ctx):
    w, ms, nwid = check.public_star(ctx, ctx.params.members, "burst")
    n, t0 = len(ms), w.now + 1000
    for m in ms:                                 # every join in one instant
        m.join(nwid, at=t0)
    took = check.wait_joined(w, ms, nwid, timeout_ms=180000)
    check.expect_eq(len({m.ip4(nwid) for m in ms}), n, "distinct addresses", w)
    check.expect(took <= 10000, "%d simultaneous joins took %d ms (virtual), more than 10 s" % (
        n, took), w)
    ctx.log("%d simultaneous joins configured within %d ms (virtual)" % (n, took))
