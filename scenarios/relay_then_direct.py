"""A USER_MESSAGE between two members first goes through the root, then a direct path forms
(the root's RENDEZVOUS) and carries the traffic."""
from ztkit import check, swarm

SEED = 1
PARAMS = {"latency_ms": swarm.randint(5, 80)}


def run(ctx):
    w, root, (a, b) = ctx.root_and_members(latency_ms=ctx.params.latency_ms)
    check.expect(a.peer(b) is None, "a must not know b before the first message", w)
    relayed_before = root.counters()[0].relayed
    t0 = w.now
    a.send(b, b"first")
    w.run_until(lambda: b.messages(a), 10000, "the first message at b")
    check.expect_received(b, a, b"first")
    check.expect(root.counters()[0].relayed > relayed_before,
                 "the first message must be relayed by the root (relayed counter did not move)", w)
    first = b.messages(a)[0]
    check.expect(not any(e.t_ms <= first.t_ms for e in a.events("PEER_DIRECT") if e.peer == b.address),
                 "a had a direct path to b before the first message arrived", w)
    w.run_until(lambda: a.direct_to(b) and b.direct_to(a), 10000, "a direct path both ways",
                explain=lambda: check.path_text(a, b) + "; " + check.path_text(b, a))
    check.expect_event(a, "PEER_DIRECT", since_ms=t0)
    check.expect_event(b, "PATH_DISCOVERED", since_ms=t0)
    relayed = root.counters()[0].relayed
    check.exchange(w, [(a, b), (b, a)])
    check.expect_eq(root.counters()[0].relayed, relayed, "packets the root relayed after the direct path", w)
    check.expect_direct(a, b)
