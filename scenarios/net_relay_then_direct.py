"""Two members of a network talk IP for the first time: the first echo request goes through the
root (relayed), then RENDEZVOUS gives a direct path and the root relays nothing more while they
keep pinging."""
from ztkit import check, swarm

SEED = 1
PARAMS = {"latency_ms": swarm.randint(5, 80)}


def run(ctx):
    w, root, ctl, (a, b), nwid = ctx.network_opening(latency_ms=ctx.params.latency_ms)
    check.expect(a.peer(b) is None, "a must not know b before any traffic", w)
    relayed0 = root.counters()[0].relayed
    first = check.ping(w, a, b.ip4(nwid))
    check.expect(root.counters()[0].relayed > relayed0,
                 "the first exchange must be relayed by the root (relayed counter did not move)", w)
    w.run_until(lambda: a.direct_to(b) and b.direct_to(a), 10000, "a direct path both ways",
                explain=lambda: check.path_text(a, b) + "; " + check.path_text(b, a))
    relayed = root.counters()[0].relayed
    rtts = [check.ping(w, a, b.ip4(nwid)).rtt_ms for _ in range(5)]
    check.expect_eq(root.counters()[0].relayed, relayed, "packets the root relayed after the direct path", w)
    check.expect_direct(a, b)
    direct = 2 * 2 * ctx.params.latency_ms   # two access links each way
    check.expect(max(rtts) <= direct + 5 and first.rtt_ms > max(rtts),
                 "direct pings should take about %d ms (first, relayed: %.1f; then %s)" % (direct, first.rtt_ms, rtts), w)
    ctx.log("first ping %.1f ms (relayed, with ARP), then %s ms direct" % (first.rtt_ms, rtts))
