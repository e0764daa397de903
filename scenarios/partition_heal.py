"""A member cut off from everyone goes offline, the others stay online; after healing it comes
back online and messages flow again."""
from ztkit import check, swarm

SEED = 1
PARAMS = {"members": 4, "cut_ms": swarm.randint(800000, 1000000)}
WINDOW_MS = 500000  # ZeroTier's activity window; roots are contacted every 224 s


def run(ctx):
    p = ctx.params
    w = ctx.world(peer_activity_timeout_ms=WINDOW_MS)
    w.add_root("root", access={"latency_ms": 10})
    members = w.star(p.members, access={"latency_ms": 20})
    check.wait_online(w)
    lone, others = members[0], members[1:]
    check.exchange(w, [(lone, others[0]), (others[0], lone)])
    start = w.now
    w.partition([lone], group="lone")
    w.run_until(lambda: not lone.online, WINDOW_MS + 250000, "the partitioned member offline")
    check.expect_online(w, others)
    check.expect_event(lone, "OFFLINE", since_ms=start)
    lone.send(others[0], b"into the void")
    w.run_for(max(p.cut_ms - (w.now - start), 0))
    check.expect(not others[0].messages(lone) or all(e.data != b"into the void" for e in others[0].messages(lone)),
                 "a message crossed the partition", w)
    healed = w.now
    w.heal()
    check.wait_online(w, [lone], timeout_ms=120000)
    check.expect_event(lone, "ONLINE", since_ms=healed)
    check.exchange(w, [(lone, o) for o in others] + [(o, lone) for o in others])
