"""Rules dropping a port: the network's rules drop TCP to port 5001 (and accept the rest). A
connection to 5001 never completes while one to 5002 carries 64 KiB byte-exact and pings
pass; once the controller replaces the rules with accept-all, 5001 connects and carries data."""
from ztkit import check, swarm

SEED = 1
PARAMS = {"latency_ms": swarm.randint(5, 40)}
DROP_5001 = [{"type": "MATCH_IP_PROTOCOL", "ipProtocol": 6, "not": False, "or": False},
             {"type": "MATCH_IP_DEST_PORT_RANGE", "start": 5001, "end": 5001, "not": False, "or": False},
             {"type": "ACTION_DROP"},
             {"type": "ACTION_ACCEPT"}]


def transfer(w, listener, conn, nbytes, what):
    check.wait_socket(w, conn, lambda i: i.connected, 20000, what + ": the connection")
    conn.stream(nbytes)
    w.run_until(lambda: listener.accepted() and listener.accepted()[0].info().eof, 60000, what + ": the stream")
    i = listener.accepted()[0].info()
    check.expect_eq((i.verified, i.mismatch), (nbytes, False), what + ": verified bytes, mismatch", w)


def run(ctx):
    w, root, ctl, (a, b), nwid = ctx.network_opening(stack=True, latency_ms=ctx.params.latency_ms,
                                                     network={"rules": DROP_5001})
    ip_b = b.ip4(nwid)
    blocked = b.tcp_listen(5001, mode="sink")
    ok = b.tcp_listen(5002, mode="sink")
    c1 = a.tcp_connect(ip_b, 5001)
    transfer(w, ok, a.tcp_connect(ip_b, 5002), 65536, "port 5002")
    check.ping(w, a, ip_b)
    w.run_for(20000)
    i = c1.info()
    check.expect(not i.connected and blocked.info().accepted == 0,
                 "port 5001 must stay blocked: %s, accepted %d" % (c1.describe(), blocked.info().accepted), w)
    dropped = a.net_counters(nwid).out_frames
    rev = {h.name: h.network(nwid).revision for h in (a, b)}
    w.set_rules(ctl, nwid, [{"type": "ACTION_ACCEPT"}])
    w.run_until(lambda: all(h.network(nwid).revision > rev[h.name] for h in (a, b)), 30000,
                "the new rules at a and b")
    transfer(w, blocked, a.tcp_connect(ip_b, 5001), 65536, "port 5001 after the rules change")
    ctx.log("5001 blocked for 20 s (%d frames out of a meanwhile), open after the change" % dropped)
