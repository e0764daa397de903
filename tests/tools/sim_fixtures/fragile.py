"""Fails exactly when a member is crashed and never restarted (the runner test shrinks it)."""
from ztkit import FaultSchedule, check

SEED = 3
PARAMS = {"members": 4, "duration_ms": 40000}
SHRINK = {"members": 1, "duration_ms": 5000}


def faults(ctx):
    p, r = ctx.params, ctx.rng
    out = FaultSchedule()
    for i in range(6):
        out.add("link", r.randint(1000, p.duration_ms - 1000), ["m%d" % (i % p.members)],
                {"latency_ms": r.randint(1, 50)})
    out.add("crash", r.randint(1000, p.duration_ms - 1000), ["m%d" % r.randrange(p.members)])
    out.add("clock", r.randint(1000, p.duration_ms - 1000), ["m0"], 2000)
    return out


def run(ctx):
    w = ctx.world()
    w.add_root("root", access={"latency_ms": 5})
    w.star(ctx.params.members, access={"latency_ms": 10})
    check.wait_online(w)
    ctx.faults.apply(w)
    w.run_to(ctx.params.duration_ms)
    down = [h.name for h in w.hosts if not h.running]
    check.expect(not down, "hosts down at the end: %s" % ", ".join(down), w)
