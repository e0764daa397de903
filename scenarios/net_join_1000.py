"""1,000 core-only members boot over 10 s, then join one public network of a controller (joins
spread over 10 s): every member gets a distinct address from the pool, and every member pings
its neighbour's address (ARP and ICMP answered by the nodes' responders) and gets a reply."""
from ztkit import check

SEED = 1
PARAMS = {"members": 1000}
SHRINK = {"members": 10}


def run(ctx):
    n = ctx.params.members
    w = ctx.world(start_spread_ms=10 * n)        # members boot over n/100 s
    w.add_root("root", access={"latency_ms": 5})
    ctl = w.add_controller("ctl", access={"latency_ms": 5})
    check.wait_online(w, [ctl])
    nwid = w.create_network(ctl, name="big", private=False, subnet="10.64.0.0/20",
                            pool=("10.64.0.1", "10.64.15.250"))
    ms = w.star(n, access={"latency_ms": 20})
    check.wait_online(w, ms, timeout_ms=120000)
    t0 = w.now
    for i, m in enumerate(ms):          # joins spread over 10 s, as the boots were
        m.join(nwid, at=t0 + i * 10000 // n)
    took = check.wait_joined(w, ms, nwid, timeout_ms=180000)
    ips = [m.ip4(nwid) for m in ms]
    check.expect_eq(len(set(ips)), n, "distinct addresses", w)
    pending = {i: [] for i in range(n)}
    for _ in range(10):
        for i, sent in pending.items():
            sent.append(ms[i].ping(ips[(i + 1) % n]))
        w.run_for(2000)
        pending = {i: sent for i, sent in pending.items() if not any(p.answered for p in sent)}
        if not pending:
            break
    check.expect(not pending, "%d members got no reply from their neighbour: %s" % (
        len(pending), ", ".join(ms[i].name for i in list(pending)[:10])), w)
    ctx.log("%d members joined in %d ms (virtual) and pinged their neighbours" % (n, took))
