"""A member crashes and restarts: with its state kept it comes back with the same identity, with
its state wiped it comes back as a new node; either way it is online and reachable again."""
from ztkit import check, swarm

SEED = 1
PARAMS = {"down_ms": swarm.randint(1000, 60000)}


def run(ctx):
    w, _, (a, b) = ctx.root_and_members()
    check.exchange(w, [(a, b), (b, a)])
    first = b.address
    b.crash()
    check.expect(not b.running and not b.online, "b should be down after the crash", w)
    w.run_for(ctx.params.down_ms)
    b.restart()                   # state kept
    check.wait_online(w, [b])
    check.expect_eq(b.address, first, "b's address after a restart with its state kept", w)
    check.expect_eq(b.info().restarts, 1, "b's restart count", w)
    check.exchange(w, [(a, b), (b, a)])
    b.restart(wipe=True)          # state wiped: a new identity
    check.wait_online(w, [b])
    check.expect(b.address != first, "b kept address %s although its state was wiped" % first, w)
    check.exchange(w, [(a, b), (b, a)])
    check.expect_event(b, "RESTART")
