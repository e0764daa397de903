"""TCP over ZeroTier over a bad link: two stack hosts, one behind an access link that loses 20%
of the datagrams each way, each send the other 1 MiB at once (two connections); both sinks get
every byte in order (checked against the pattern) and see the FIN, and a UDP echo still works.
At ZeroTier's default MTU (2800) every full segment travels as two fragments and is lost with
either."""
from ztkit import check, swarm

SEED = 1
PARAMS = {"loss": 0.2, "latency_ms": swarm.randint(5, 40), "kib": 1024, "mtu": 2800}
SHRINK = {"kib": 16}


def run(ctx):
    p = ctx.params
    w, root, ctl, (a, b), nwid = ctx.network_opening(stack=True, latency_ms=p.latency_ms,
                                                     network={"mtu": p.mtu})
    a.set_link(latency_ms=p.latency_ms, loss=p.loss)
    total = p.kib * 1024
    sinks = {h.name: h.tcp_listen(5001, mode="sink") for h in (a, b)}
    conns = [a.tcp_connect(b.ip4(nwid), 5001), b.tcp_connect(a.ip4(nwid), 5001)]
    for c in conns:
        check.wait_socket(w, c, lambda i: i.connected, 120000, "the connection of %s" % c.host.name)
    t0 = w.now
    for c in conns:
        c.stream(total)
    for name, l in sinks.items():
        w.run_until(lambda: l.accepted() and l.accepted()[0].info().eof, 3600000,
                    "the whole stream at %s" % name, explain=lambda: "; ".join(
                        s.describe() + " got %d" % s.info().bytes_received for s in l.accepted()))
        i = l.accepted()[0].info()
        check.expect(not i.mismatch, "byte %d of the stream at %s differs" % (i.mismatch_at, name), w)
        check.expect_eq((i.verified, i.bytes_received, i.error), (total, total, 0),
                        "verified and received bytes, error at %s" % name, w)
    secs = (w.now - t0) / 1000
    drops = a.link.counters(0).dropped + a.link.counters(1).dropped
    ctx.log("%d KiB each way in %.1f s virtual, %d datagrams lost on a's link" % (p.kib, secs, drops))
    check.expect(drops > 0, "the lossy link dropped nothing", w)
    u = b.udp_bind(7001, mode="echo")
    ua = a.udp_bind(7002)
    got = None
    for _ in range(50):
        ua.sendto(b.ip4(nwid), 7001, b"still there?")
        w.run_for(500)
        got = ua.recvfrom()
        if got:
            break
    check.expect(got is not None and got[0] == b"still there?", "no UDP echo through the lossy link", w)
    check.expect(u.info().datagrams_received >= 1, "the echo socket counted nothing", w)
