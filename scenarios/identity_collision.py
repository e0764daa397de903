"""A second node claims a member's address with other keys: the root tells it about the
collision (IDENTITY_COLLISION), and the genuine member stays online and reachable."""
from ztkit import check

SEED = 1


def run(ctx):
    w, _, (a, b) = ctx.root_and_members()
    # the impostor: a's address, the keys of pool identity 50 (proof of work does not hold)
    imp = w.add_member("impostor", identity=50, address_of=a.info().identity,
                       access={"latency_ms": 20})
    check.expect_eq(imp.address, a.address, "the impostor's address", w)
    w.run_until(lambda: imp.events("IDENTITY_COLLISION"), 30000, "IDENTITY_COLLISION at the impostor")
    check.expect(not a.events("IDENTITY_COLLISION"), "the genuine member got a collision event", w)
    check.expect_online(w, [a, b])
    check.expect(not imp.online, "the impostor must not get online", w)
    check.exchange(w, [(b, a), (a, b)])
