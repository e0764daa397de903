"""Every pair of NAT types: which pairs get a direct path through hole punching and which stay
relayed through the root. Only symmetric NAT against port-restricted or symmetric NAT cannot
be punched (the peer's endpoint as the root saw it is not the one used toward the peer)."""
from ztkit import check, swarm

SEED = 1
PARAMS = {"wan_ms": swarm.randint(5, 60)}
TYPES = ["full-cone", "restricted", "port-restricted", "symmetric"]
RELAYED = {("port-restricted", "symmetric"), ("symmetric", "symmetric")}


def run(ctx):
    w = ctx.world()
    w.add_root("root", access={"latency_ms": 10})
    pairs, got = [], {}
    for i, ta in enumerate(TYPES):
        for tb in TYPES[i:]:
            sa = w.site(ta, latency_ms=ctx.params.wan_ms)
            sb = w.site(tb, latency_ms=ctx.params.wan_ms)
            a = w.add_member("%s-a-%s" % (ta, tb), site=sa, access={"latency_ms": 1})
            b = w.add_member("%s-b-%s" % (tb, ta), site=sb, access={"latency_ms": 1})
            pairs.append((ta, tb, a, b))
    check.wait_online(w)
    msgs = [(a, b) for _, _, a, b in pairs] + [(b, a) for _, _, a, b in pairs]
    check.exchange(w, msgs)
    w.run_for(3000)               # RENDEZVOUS and hole punching
    check.exchange(w, msgs)       # traffic over whatever path won
    bad = []
    for ta, tb, a, b in pairs:
        want = "relayed" if (ta, tb) in RELAYED else "direct"
        got[(ta, tb)] = "direct" if a.direct_to(b) and b.direct_to(a) else "relayed"
        if got[(ta, tb)] != want:
            bad.append("%s / %s: expected %s, got %s (%s)" % (ta, tb, want, got[(ta, tb)],
                                                              check.path_text(a, b)))
        ctx.log("%s/%s %s" % (ta, tb, got[(ta, tb)]))
    check.expect(not bad, "NAT matrix differs:\n  " + "\n  ".join(bad), w)
