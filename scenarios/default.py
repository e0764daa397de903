"""The default scenario (scripts/demo.sh runs it): a root, a controller and four members on one
simulated underlay. The controller creates a private network and authorizes the members; they
join and get IPv4 and rfc4193 addresses; they ping each other, three of them (lwIP stacks) move
TCP streams (checked byte for byte) and UDP datagrams, and the fourth (core-only) answers pings
through its node's responder. Prints who joined, the addresses, the pings, the bytes moved and
the trace hash
(with $ZTK_DEMO_OUT set, also writes the network's Ethernet frames to network.pcap there)."""
import os

from ztkit import check

SEED = 1
PARAMS = {"tcp_kib": 1024, "udp_datagrams": 20}
SHRINK = {"tcp_kib": 16, "udp_datagrams": 1}
STACKS = ("alice", "bob", "carol")


def say(text=""):
    print("  " + text if text else "", flush=True)


def joined(w, ctl, ms, nwid):
    t0 = w.now
    w.authorize(ctl, nwid, *ms)
    for m in ms:
        m.join(nwid)
    took = check.wait_joined(w, ms, nwid)
    say("network %016x (%r) on controller %s; %d members joined in %.1f s (virtual):"
        % (nwid, w.network_doc(ctl, nwid)["name"], ctl.address, len(ms), took / 1000))
    for m in ms:
        n = m.network(nwid)
        say("  %-6s %s  %-5s  %s" % (m.name, m.address, "stack" if m.stack else "core",
                                     ", ".join(n.addresses)))
    return t0


def pings(w, ms, nwid):
    say("pings (ICMP echo, virtual round-trip times; the first IPv4 one waits for ARP and goes")
    say("through the root, IPv6 neighbours need no lookup and the path is direct by then):")
    for i, m in enumerate(ms):
        nb = ms[(i + 1) % len(ms)]
        r4 = check.ping(w, m, nb.ip4(nwid))
        r6 = check.ping(w, m, nb.ip6(nwid))
        say("  %-6s -> %-6s %6.1f ms (IPv4) %6.1f ms (IPv6)" % (m.name, nb.name, r4.rtt_ms, r6.rtt_ms))


def tcp(w, hosts, nwid, nbytes):
    say("TCP streams (%d KiB each, the receiver checks every byte):" % (nbytes // 1024))
    flows = []
    for i, src in enumerate(hosts):
        dst = hosts[(i + 1) % len(hosts)]
        lst = dst.tcp_listen(5000 + i, mode="sink")
        conn = src.tcp_connect(dst.ip4(nwid), 5000 + i)
        flows.append((src, dst, lst, conn))
    for src, dst, lst, conn in flows:
        check.wait_socket(w, conn, lambda s: s.connected, 20000, "%s's connection" % src.name)
        conn.stream(nbytes)
    t0 = w.now
    for src, dst, lst, conn in flows:
        w.run_until(lambda: lst.accepted() and lst.accepted()[0].info().eof, 120000,
                    "%s's stream at %s" % (src.name, dst.name))
        i = lst.accepted()[0].info()
        check.expect_eq((i.verified, i.mismatch, i.error), (nbytes, False, 0),
                        "verified bytes, mismatch, error at %s" % dst.name, w)
        secs = max(i.eof_ms - t0, 1) / 1000
        say("  %-6s -> %-6s %8d bytes verified in %5.2f s (%.1f Mbit/s virtual)"
            % (src.name, dst.name, i.verified, secs, i.verified * 8 / secs / 1e6))
    return sum(lst.accepted()[0].info().verified for _, _, lst, _ in flows)


def udp(w, a, b, nwid, count):
    echo = b.udp_bind(7000, mode="echo")
    sock = a.udp_bind(7001)
    got = []
    for k in range(count):
        sock.sendto(b.ip4(nwid), 7000, b"datagram %02d" % k)
        w.run_for(200)
        got += sock.datagrams()
    w.run_for(1000)
    got += sock.datagrams()
    check.expect_eq(sorted(got), [b"datagram %02d" % k for k in range(count)], "UDP echoes", w)
    e = echo.info()
    say("UDP: %s sent %d datagrams to %s's echo port; %d echoed back (%d bytes each way)"
        % (a.name, count, b.name, len(got), e.bytes_received))
    return e.bytes_received * 2


def run(ctx):
    p = ctx.params
    w = ctx.world()
    root = w.add_root("root", access={"latency_ms": 10})
    ctl = w.add_controller("ctl", access={"latency_ms": 10})
    ms = [w.add_member(n, stack=True, access={"latency_ms": 15}) for n in STACKS]
    ms.append(w.add_member("dave", access={"latency_ms": 25}))
    say()
    say("ztkit simulator: default scenario (seed %d)" % ctx.seed)
    took = check.wait_online(w)
    say("root %s, controller %s and %d members online after %.1f s (virtual)"
        % (root.address, ctl.address, len(ms), took / 1000))
    nwid = w.create_network(ctl, name="demo", subnet="10.147.17.0/24", rfc4193=True)
    if os.environ.get("ZTK_DEMO_OUT"):      # scripts/demo.sh: the network's frames as a pcap
        w.pcap_network(os.path.join(os.environ["ZTK_DEMO_OUT"], "network.pcap"), nwid)
    joined(w, ctl, ms, nwid)
    pings(w, ms, nwid)
    tcp_bytes = tcp(w, ms[:3], nwid, p.tcp_kib * 1024)
    udp_bytes = udp(w, ms[2], ms[0], nwid, p.udp_datagrams)
    ring = [(m, ms[(i + 1) % len(ms)]) for i, m in enumerate(ms)]
    relayed = [(a.name, b.name) for a, b in ring if not (a.direct_to(b) and b.direct_to(a))]
    say("paths: %d of %d neighbour pairs direct; the root relayed %d packets (the first ones, "
        "before hole punching)" % (len(ring) - len(relayed), len(ring), root.counters()[0].relayed))
    frames = sum(m.net_counters(nwid).in_frames for m in ms)
    say("totals: %d TCP bytes and %d UDP bytes verified, %d frames delivered to interfaces, "
        "%d simulator events, %.1f s virtual" % (tcp_bytes, udp_bytes, frames, w.events_run(), w.now / 1000))
    say("trace hash: %s" % w.trace_hash)
    say()
    check.expect_eq(relayed, [], "neighbour pairs without a direct path", w)
