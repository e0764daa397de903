"""Members spread over a chain of routers, a seeded random router graph and NAT sites, with
skewed and drifting clocks: all come online through two roots and reach each other."""
from ztkit import check, swarm

SEED = 1
PARAMS = {"hop_ms": swarm.randint(1, 20), "skew_s": swarm.randint(0, 600)}


def run(ctx):
    p = ctx.params
    w = ctx.world()
    chain = w.line(6, latency_ms=p.hop_ms)
    graph = w.random_graph(8, extra=4, start=chain[-1], latency_ms=p.hop_ms)
    w.add_root("root1", attach=chain[0], access={"latency_ms": 2})
    w.add_root("root2", attach=graph[-1], access={"latency_ms": 2})
    members = []
    for i, r in enumerate(chain[1:] + graph):
        skew = (p.skew_s * 1000) * (1 if i % 2 else -1)
        members.append(w.add_member("m%d" % i, attach=r, access={"latency_ms": 5},
                                    clock_offset_ms=skew, drift_ppb=(i - 6) * 20000))
    for nat in ("full-cone", "port-restricted"):
        site = w.site(nat, uplink=graph[len(members) % len(graph)], latency_ms=p.hop_ms)
        members.append(w.add_member("lan-%s" % nat, site=site, access={"latency_ms": 1}))
    check.wait_online(w)
    check.exchange(w, [(m, members[(i + 5) % len(members)]) for i, m in enumerate(members)])
    w.run_for(120000)
    check.expect_online(w)
