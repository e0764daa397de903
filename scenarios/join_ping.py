"""Core-only members join a private network: the controller authorizes them, each gets an IPv4
address from the pool and an rfc4193 IPv6 address, and each pings its neighbour over both (the
nodes' built-in responders answer ARP and ICMP; IPv6 neighbours follow from their addresses)."""
import ipaddress

from ztkit import check, swarm

SEED = 1
PARAMS = {"members": 5, "latency_ms": swarm.randint(2, 60)}
SHRINK = {"members": 2}


def run(ctx):
    p = ctx.params
    names = ["m%d" % i for i in range(p.members)]
    w, root, ctl, ms, nwid = ctx.network_opening(names, latency_ms=p.latency_ms,
                                                 network={"name": "lan", "rfc4193": True})
    pool = ipaddress.ip_network("10.9.0.0/24")
    v4 = [m.ip4(nwid) for m in ms]
    check.expect(all(ipaddress.ip_address(a) in pool for a in v4), "addresses outside the pool: %s" % v4, w)
    check.expect_eq(len(set(v4)), len(ms), "distinct IPv4 addresses", w)
    for m in ms:
        n = m.network(nwid)
        check.expect_eq((n.name, n.private, n.netifs), ("lan", True, 0), "%s's view of the network" % m.name, w)
        check.expect(m.ip6(nwid).startswith("fd"), "%s has no rfc4193 address: %s" % (m.name, n.addresses), w)
        check.expect_event(m, "NETWORK_OK")
    for i, m in enumerate(ms):
        nb = ms[(i + 1) % len(ms)]
        r4 = check.ping(w, m, nb.ip4(nwid))
        r6 = check.ping(w, m, nb.ip6(nwid))
        ctx.log("%s -> %s: %.1f ms (v4), %.1f ms (v6)" % (m.name, nb.name, r4.rtt_ms, r6.rtt_ms))
    check.expect(all(m.net_counters(nwid).in_frames > 0 for m in ms), "frames reached every member", w)
