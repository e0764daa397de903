"""Broadcast and multicast on a network: a broadcast frame from one member reaches every other
member (and only once each); a multicast frame reaches exactly the members that subscribed to
its group (MULTICAST_LIKE gathered through the root); on a second network with broadcast
disabled the same broadcast frame reaches nobody."""
from ztkit import check, swarm

SEED = 1
PARAMS = {"members": 5, "latency_ms": swarm.randint(5, 40)}
SHRINK = {"members": 3}
GROUP = 0x01005e010203      # an IPv4 multicast MAC (224.1.2.3)
BCAST = 0xffffffffffff
ETHERTYPE = 0x88b5          # local experimental: no responder answers it


def got(hosts, nwid, field):
    return {h.name: getattr(h.net_counters(nwid), field) for h in hosts}


def run(ctx):
    p = ctx.params
    names = ["m%d" % i for i in range(p.members)]
    w, root, ctl, ms, nwid = ctx.network_opening(names, latency_ms=p.latency_ms)
    quiet = w.create_network(ctl, name="quiet", subnet="10.10.0.0/24", broadcast=False,
                             rfc4193=True)
    w.authorize(ctl, quiet, *ms)
    for m in ms:
        m.join(quiet)
    check.wait_joined(w, ms, quiet)
    src, rest = ms[0], ms[1:]
    w.frame_log()
    before = got(rest, nwid, "in_broadcast")
    src.frame_send(nwid, BCAST, ETHERTYPE, b"hello everyone")
    w.run_for(3000)
    after = got(rest, nwid, "in_broadcast")
    check.expect_eq({k: after[k] - before[k] for k in after}, {m.name: 1 for m in rest},
                    "broadcast frames each member received", w)
    heads = [bytes(f.head[:14]) for f in w.frames() if f.dir == 0 and f.dst_mac == BCAST
             and f.ethertype == ETHERTYPE]
    check.expect_eq(heads, [b"hello everyone"] * len(rest), "the broadcast payload handed to the interfaces", w)
    subs = rest[::2]
    for m in subs:
        m.multicast(nwid, GROUP)
    w.run_for(5000)              # LIKEs reach the root, the sender gathers them
    before = got(rest, nwid, "in_multicast")
    for _ in range(3):
        src.frame_send(nwid, GROUP, ETHERTYPE, b"to the group")
        w.run_for(1000)
    after = got(rest, nwid, "in_multicast")
    want = {m.name: (3 if m in subs else 0) for m in rest}
    check.expect_eq({k: after[k] - before[k] for k in after}, want, "multicast frames per member", w)
    before = got(rest, quiet, "in_broadcast")
    src.frame_send(quiet, BCAST, ETHERTYPE, b"anyone?")
    w.run_for(3000)
    check.expect_eq(got(rest, quiet, "in_broadcast"), before, "broadcasts on the network without broadcast", w)
    # unicast still works there over rfc4193 IPv6 (no ARP broadcast needed: the MAC follows
    # from the address); IPv4 ARP requests would travel as their ADI group, as in ZeroTier
    check.ping(w, src, rest[-1].ip6(quiet))
    ctx.log("broadcast to %d members, multicast to %s" % (len(rest), [m.name for m in subs]))
