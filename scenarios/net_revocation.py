"""Revocation: right after the controller deauthorizes c, c still holds a valid config and
certificate (its status is OK until its next config request), yet a and b drop its frames at
once because the controller sent them a revocation for c's credential. Their own traffic is
untouched."""
from ztkit import check, swarm

SEED = 1
PARAMS = {"latency_ms": swarm.randint(5, 50)}


def run(ctx):
    w, root, ctl, (a, b, c), nwid = ctx.network_opening(("a", "b", "c"), latency_ms=ctx.params.latency_ms)
    for x, y in ((c, a), (c, b), (a, c)):
        check.ping(w, x, y.ip4(nwid))
    rev = c.network(nwid).revision
    w.deauthorize(ctl, nwid, c)
    w.run_for(500)                          # the revocations travel controller -> a, b
    t0 = w.now
    before = {h.name: h.net_counters(nwid).in_frames for h in (a, b)}
    sent = c.net_counters(nwid).out_frames
    check.expect_no_ping(w, c, a.ip4(nwid), window_ms=4000)
    check.expect_no_ping(w, c, b.ip4(nwid), window_ms=4000)
    n = c.network(nwid)
    check.expect_eq((n.status, n.revision), ("OK", rev),
                    "c's own view while it is refused (config untouched: the refusal is the revocation)", w)
    check.expect(c.net_counters(nwid).out_frames > sent, "c sent no frames", w)
    check.expect_eq({h.name: h.net_counters(nwid).in_frames for h in (a, b)}, before,
                    "frames the nodes of a and b handed to their interfaces while c was refused", w)
    check.ping(w, a, b.ip4(nwid))
    check.ping(w, b, a.ip4(nwid))
    ctx.log("c refused from t=%dms with its config still OK" % t0)
