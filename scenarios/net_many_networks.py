"""Many networks per node: a hub joins 12 networks of one controller (each its own subnet) and
every network has one other member; the hub gets one address per network, in its subnet, and
pings each member over its own network. Leaving half the networks withdraws them (the hub's old
addresses there stop answering), while the rest still answer."""
import ipaddress

from ztkit import check, swarm

SEED = 1
PARAMS = {"networks": 12, "latency_ms": swarm.randint(5, 40)}
SHRINK = {"networks": 2}


def run(ctx):
    p = ctx.params
    w, root, ctl, (hub,), first = ctx.network_opening(("hub",), latency_ms=p.latency_ms,
                                                      network={"name": "n0", "subnet": "10.100.0.0/24"})
    nets, others = [first], []
    for i in range(1, p.networks):
        nets.append(w.create_network(ctl, name="n%d" % i, subnet="10.100.%d.0/24" % i))
    for i, nwid in enumerate(nets):
        m = w.add_member("m%d" % i, access={"latency_ms": p.latency_ms})
        others.append(m)
        w.authorize(ctl, nwid, hub, m)
        hub.join(nwid)
        m.join(nwid)
    for nwid, m in zip(nets, others):
        check.wait_joined(w, [hub, m], nwid)
    check.expect_eq(sorted(hub.networks()), sorted(nets), "the hub's networks", w)
    for i, nwid in enumerate(nets):
        ip = ipaddress.ip_address(hub.ip4(nwid))
        check.expect(ip in ipaddress.ip_network("10.100.%d.0/24" % i),
                     "hub's address %s on n%d is outside its subnet" % (ip, i), w)
        check.ping(w, hub, others[i].ip4(nwid))
        check.ping(w, others[i], str(ip))
    hub_ips = {nwid: hub.ip4(nwid) for nwid in nets}
    gone = nets[::2]
    for nwid in gone:
        hub.leave(nwid)
    w.run_for(1000)
    check.expect_eq(sorted(hub.networks()), sorted(set(nets) - set(gone)), "the hub's networks after leaving half", w)
    for i, nwid in enumerate(nets):
        if nwid in gone:
            check.expect_no_ping(w, others[i], hub_ips[nwid], window_ms=3000)
        else:
            check.ping(w, hub, others[i].ip4(nwid))
    ctx.log("hub on %d networks, left %d" % (len(nets), len(gone)))
