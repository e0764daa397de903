"""Swarm churn: a seeded schedule of crashes, restarts, partitions, link impairments and clock
steps hits the members (safety: the root stays up and online throughout); then every fault is
lifted and the world must converge (liveness: all online, every member reaches its neighbour)."""
from ztkit import FaultSchedule, check, swarm

SEED = 1
PARAMS = {"members": 8, "faults": swarm.randint(3, 12), "duration_ms": 120000,
          "loss": swarm.uniform(0.0, 0.3), "latency_ms": swarm.randint(1, 150)}
SHRINK = {"members": 2, "duration_ms": 20000}


def faults(ctx):
    """The fault schedule for this seed (replaced by --faults when replaying)."""
    p, r = ctx.params, ctx.rng
    names = ["m%d" % i for i in range(p.members)]
    out = FaultSchedule()
    for _ in range(p.faults):
        at = r.randint(1000, max(p.duration_ms - 1000, 1001))
        kind = r.choice(["crash", "partition", "link", "clock", "linkdown"])
        who = r.choice(names)
        if kind == "crash":
            out.add("crash", at, [who])
            out.add("restart", min(at + r.randint(1000, 30000), p.duration_ms), [who], r.random() < 0.3)
        elif kind == "partition":
            out.add("partition", at, r.sample(names, r.randint(1, max(1, p.members // 2))))
        elif kind == "link":
            out.add("link", at, [who], {"loss": round(p.loss, 3), "latency_ms": p.latency_ms})
        elif kind == "linkdown":
            out.add("linkdown", at, [who])
            out.add("linkup", min(at + r.randint(1000, 60000), p.duration_ms), [who])
        else:
            out.add("clock", at, [who], r.choice([-1, 1]) * r.randint(1000, 120000))
    return out


def run(ctx):
    p = ctx.params
    w = ctx.world()
    root = w.add_root("root", access={"latency_ms": 10})
    members = w.star(p.members, access={"latency_ms": 20})
    check.wait_online(w)
    ctx.faults.apply(w)
    while w.now < p.duration_ms:            # safety phase
        w.run_for(5000)
        check.expect_online(w, [root])
        check.expect(all(e.type != "IDENTITY_COLLISION" for e in w.events()), "a collision appeared", w)
    # liveness phase: lift everything, restart what is down, then converge
    w.heal()
    for m in members:
        m.set_link(latency_ms=20)
        m.link_up()
        if not m.running:
            m.restart()
    check.wait_online(w, timeout_ms=600000)
    check.exchange(w, [(m, members[(i + 1) % len(members)]) for i, m in enumerate(members)],
                   timeout_ms=60000)
