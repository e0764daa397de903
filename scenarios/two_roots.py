"""Two roots; one crashes. Members stay online through the other for many activity windows
(ZeroTier's 500 s; roots are contacted every 224 s), and go offline only once the second root
is gone too."""
from ztkit import check, swarm

SEED = 1
PARAMS = {"members": 6, "crash_at_ms": swarm.randint(10000, 30000)}
SHRINK = {"members": 1}
WINDOW_MS = 500000


def run(ctx):
    p = ctx.params
    w = ctx.world(peer_activity_timeout_ms=WINDOW_MS)
    r1 = w.add_root("root1", access={"latency_ms": 10})
    r2 = w.add_root("root2", access={"latency_ms": 30})
    members = w.star(p.members, access={"latency_ms": 15})
    check.wait_online(w)
    r1.crash(at=p.crash_at_ms)
    end = p.crash_at_ms + 2 * WINDOW_MS
    while w.now < end:            # safety: online all the time, not only at the end
        w.run_for(5000)
        check.expect_online(w, members)
    check.expect(not r1.running, "root1 should be down", w)
    check.exchange(w, [(members[0], members[-1])] if p.members > 1 else [])
    r2.crash()                    # liveness of the check itself: without roots they go offline
    w.run_until(lambda: not any(m.online for m in members), 2 * WINDOW_MS, "members offline without roots")
    for m in members:
        check.expect_event(m, "OFFLINE", since_ms=end)
