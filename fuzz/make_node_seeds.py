#!/usr/bin/env python3
"""Writes the hand-made seeds of the node fuzz targets (packet, vl2_frames, twonode, sockets)
and of vl2wire.

    python3 fuzz/make_node_seeds.py

Each seed is a short program in the target's input language (fuzz/support/fzops.c,
fuzz/fuzz_twonode.c and fuzz/fuzz_sockets.c describe the operations); the campaign grows the
corpora from them. Writes fuzz/corpus/{packet,vl2_frames,twonode,sockets,vl2wire}/seed-* and
removes stale seed-* files there; other files (inputs found by fuzzing, regression inputs) are
left alone. Python standard library only.
"""
import os
import struct

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "fuzz", "corpus")

# fuzz/support/fzrig.c: fr_pick_peer order, fr_member_ident order
BOB, M1, M2, VCTL, VROOT, OUTSIDER, ROOT_, CTL = range(8)  # peer selectors
M_BOB, M_M1, M_M2, M_VCTL, M_VROOT, M_OUT = range(6)       # member selectors

VERB = dict(NOP=0, HELLO=1, ERROR=2, OK=3, WHOIS=4, RENDEZVOUS=5, FRAME=6, EXT_FRAME=7, ECHO=8,
            MULTICAST_LIKE=9, NETWORK_CREDENTIALS=10, NETWORK_CONFIG_REQUEST=11,
            NETWORK_CONFIG=12, MULTICAST_GATHER=13, MULTICAST_FRAME=14, PUSH_DIRECT_PATHS=16,
            USER_MESSAGE=20)


def u8(v):
    return struct.pack(">B", v & 0xFF)


def u16(v):
    return struct.pack(">H", v & 0xFFFF)


def u32(v):
    return struct.pack(">I", v & 0xFFFFFFFF)


def u64(v):
    return struct.pack(">Q", v & 0xFFFFFFFFFFFFFFFF)


def blob(b):
    return u16(len(b)) + b


def opts(suite=1, compress=False, mtu=None, hops=None, replay=False, reverse=False, frm=None):
    """The packet options byte (fr_pkt_opts) and the bytes it asks for."""
    suite_bits = {0: 0, 1: 1, 3: 2}[suite]
    o = suite_bits | (4 if compress else 0) | (8 if mtu is not None else 0)
    o |= (16 if hops is not None else 0) | (32 if replay else 0) | (64 if reverse else 0)
    o |= 128 if frm is not None else 0
    out = u8(o)
    if mtu is not None:
        out += u8(mtu)
    if hops is not None:
        out += u8(hops)
    if frm is not None:
        out += u8(frm)
    return out


class Rig:
    """Op encoders of fuzz/support/fzops.c; `table` maps op names to the target's op bytes."""

    def __init__(self, table):
        self.t = table

    def op(self, name):
        return u8(self.t[name])

    def craft(self, sender, verb, payload, **o):
        return self.op("craft") + u8(sender) + u8(VERB[verb]) + opts(**o) + blob(payload)

    def raw(self, sender, data, frm=0):
        return self.op("raw") + u8(sender) + u8(frm) + blob(data)

    def hello(self, sender, flags=0, tail=b""):
        return self.op("hello") + u8(sender) + u8(flags) + tail

    def reply_ok(self, k, smart=True, body=b"", **o):
        out = self.op("reply") + u8(k) + u8(0 if smart else 2) + opts(**o)
        return out + body

    def reply_error(self, k, code, extra=b"", **o):
        out = self.op("reply") + u8(k) + u8(1) + opts(**o) + u8(code)
        if code < 3:
            out += u8(1)
        return out + blob(extra)

    def library(self, k, mutations=(), **o):
        out = self.op("library") + u8(k) + opts(**o) + u8(len(mutations))
        for off, x in mutations:
            out += u16(off) + u8(x)
        return out

    def creds(self, member, whose=None, revoke=None, **o):
        f = (1 if whose is not None else 0) | (2 if revoke is not None else 0)
        out = self.op("creds") + u8(member) + u8(f)
        if whose is not None:
            out += u8(whose)
        if revoke is not None:
            out += u8(revoke) + u8(1) + u16(100)
        return out + opts(**o)

    def config(self, as_ok=False, edits=(), step=1, pad=None, fast=False, **o):
        f = (1 if as_ok else 0) | (2 if fast else 0) | (8 if pad is not None else 0)
        out = self.op("config") + u8(f) + u8(len(edits))
        for key, value in edits:
            out += u8(key) + blob(value)
        out += u8(step)
        if pad is not None:
            out += u8(pad)
        return out + opts(**o)

    def node(self, sel, args=b""):
        return self.op("node") + u8(sel) + args

    def tick(self, ms):
        v = ms if ms < 0x8000 else 0x8000 | (ms // 100)
        return self.op("tick") + u16(v)

    def like(self, member, records, **o):
        out = self.op("like") + u8(member) + u8(len(records) - 1)
        for nwid_sel, group_sel in records:
            out += u8(nwid_sel) + u8(group_sel)
        return out + opts(**o)

    def gather(self, member, nwid_sel=0, flags=1, group_sel=0, limit=8, **o):
        return (self.op("gather") + u8(member) + u8(nwid_sel) + u8(flags) + u8(group_sel) +
                u8(limit) + opts(**o))

    def member_frame(self, member, verb, payload, nwid_sel=0, flags=1, dst=0, group=0, **o):
        kind = {"FRAME": 0, "EXT_FRAME": 1, "MULTICAST_FRAME": 2}[verb] | (nwid_sel << 2)
        out = self.op("member_frame") + u8(member) + u8(kind) + u8(flags) + u8(dst)
        if flags & 0x80:
            out += u8(0x42)  # the foreign source MAC's low byte
        out += u8(group) + payload + opts(**o)
        if verb == "MULTICAST_FRAME" and flags & 2:
            out += u8(16)
        return out

    def host_frame(self, payload, nwid_sel=0, dst=0, dst_extra=b""):
        return self.op("host_frame") + u8(nwid_sel) + u8(0) + u8(dst) + dst_extra + payload


# Ethernet payloads (fzops.c frame_payload): kind byte, then fields.
def arp_request(dst_sel=1, member=M_BOB):
    return u8(0 | (dst_sel << 3)) + (u8(member) if dst_sel == 1 else b"")


def ipv4_dst(dst_sel, member):
    """pick_ipv4's extra byte: a member (1) or broadcast rather than multicast (2)."""
    return u8(member) if dst_sel == 1 else u8(1) if dst_sel == 2 else b""


def icmp_echo(dst_sel=0, member=M_BOB, body=b"ping" * 8):
    return u8(2 | (dst_sel << 3)) + blob(body) + ipv4_dst(dst_sel, member)


def udp(dst_sel=0, member=M_BOB, sport=4000, dport=None, body=b"udp"):
    kind = 3 | (dst_sel << 3) | (0x40 if dport is not None else 0)
    out = u8(kind) + blob(body) + ipv4_dst(dst_sel, member) + u16(sport)
    return out + (u16(dport) if dport is not None else b"")


def tcp(dst_sel=1, member=M_BOB, body=b"\x10\x00\x00\x16" + bytes(16)):
    return u8(4 | (dst_sel << 3)) + blob(body) + (u8(member) if dst_sel == 1 else b"")


def icmpv6_ns():
    return u8(5 | 0x80) + blob(b"")


def icmpv6_echo(dst_sel=0):
    return u8(5 | (dst_sel << 3)) + blob(b"ping6")


def udp6(sport=5000):
    return u8(6) + blob(b"udp6") + u16(sport)


PACKET = Rig(dict(craft=0, raw=4, hello=5, reply=6, library=8, creds=9, config=10, node=11,
                  tick=12, like=13, gather=14, member_frame=15))
FRAMES = Rig(dict(host_frame=0, member_frame=3, creds=6, like=7, gather=8, reply=9, tick=10,
                  node=11))


def packet_seeds(lib_entries=48):
    p = PACKET
    s = {}
    s["timers"] = p.tick(5000) + p.tick(60000) + p.tick(600000) + p.tick(30000)
    s["echo"] = p.craft(BOB, "ECHO", b"hello", suite=1)
    s["echo-suites"] = b"".join(p.craft(M1, "ECHO", b"x" * n, suite=su)
                                for su, n in ((0, 1), (1, 100), (3, 1000)))
    s["user-message-lz4"] = p.craft(M2, "USER_MESSAGE", u64(0x10001) + b"abcd" * 300, suite=3,
                                    compress=True)
    s["fragments"] = p.craft(BOB, "ECHO", bytes(range(256)) * 10, suite=1, mtu=100, reverse=True)
    s["replay-hops"] = (p.craft(BOB, "ECHO", b"1", suite=1) +
                        p.craft(BOB, "ECHO", b"2", suite=1, replay=True, hops=2, frm=2))
    s["hello"] = p.hello(BOB, 0) + p.reply_ok(0) + p.hello(VCTL, 2 | 4, u8(0) + u64(1 << 40))
    s["hello-versions"] = p.hello(M1, 1 | 16, u8(4) + u8(1) + u8(2) + u16(3))
    s["whois"] = (p.node(4 | 0x40, u8(OUTSIDER) + u16(7) + blob(b"hi")) + p.reply_ok(0) +
                  p.tick(1000))
    s["whois-unknown"] = p.craft(OUTSIDER, "ECHO", b"who", suite=1) + p.reply_ok(0)
    s["library"] = b"".join(p.library(k, suite=1) for k in range(0, lib_entries, 2))
    s["library-odd"] = b"".join(p.library(k, suite=3) for k in range(1, lib_entries, 2))
    s["creds"] = b"".join(p.creds(m) for m in range(5)) + p.creds(M_BOB, revoke=M_M2)
    s["creds-foreign"] = p.creds(M_VROOT, whose=M_BOB) + p.creds(M_M1, whose=M_M1, revoke=M_M1)
    s["config-push"] = p.config(edits=[], step=1, suite=1) + p.tick(1000)
    s["config-ok"] = p.tick(61000) + p.config(as_ok=True, step=2, suite=1)
    s["config-edit"] = p.config(edits=[(9, b"renamed"), (2, b"0a931121/18")], step=3, suite=1)
    s["config-two-chunks"] = p.config(step=4, pad=0, fast=True, suite=3)
    s["config-denied"] = p.tick(61000) + p.reply_error(0, 7, suite=1)
    s["error-not-found"] = p.tick(61000) + p.reply_error(0, 3, suite=1)
    s["join-leave"] = (p.node(0, u8(2) + u8(0x77)) + p.tick(6000) + p.reply_ok(0, smart=False,
                       body=blob(b"")) + p.node(1, u8(0)) + p.node(0, u8(3) + u16(1000) +
                       u16(2000)))
    s["subscribe"] = p.node(2, u8(0) + u8(3) + u8(5)) + p.like(M_BOB, [(0, 0), (0, 1)])
    s["gather"] = p.gather(M_M1) + p.node(2, u8(0) + u8(1)) + p.gather(M_M2, flags=0)
    s["member-frames"] = (p.creds(M_BOB) + p.member_frame(M_BOB, "FRAME", icmp_echo(0)) +
                          p.member_frame(M_M1, "EXT_FRAME", arp_request(0)) +
                          p.member_frame(M_M2, "MULTICAST_FRAME", arp_request(0), flags=3))
    s["push-paths"] = p.craft(BOB, "PUSH_DIRECT_PATHS", u16(1) + u8(0) + u16(0) + u8(4) +
                              u8(6) + bytes([10, 0, 4, 1]) + u16(9993), suite=1)
    s["rendezvous"] = p.craft(ROOT_, "RENDEZVOUS", u8(0) + bytes.fromhex("2fe15dea2d") +
                              u16(9993) + u8(4) + bytes([10, 0, 4, 1]), suite=1)
    s["local-address"] = p.node(6, u8(0)) + p.tick(20000) + p.node(6 | 0x80)
    s["orbit"] = p.node(8, u64(0x1234) + u8(ROOT_)) + p.tick(2000) + p.reply_ok(0)
    s["raw"] = (p.raw(BOB, bytes(13)) + p.raw(BOB, b"\xff" * 40) + p.raw(M1, bytes(28)) +
                p.raw(ROOT_, bytes(range(60)), frm=3))
    s["ncr-to-self"] = p.craft(BOB, "NETWORK_CONFIG_REQUEST", u64(0) + blob(b""), suite=1)
    return s


def frames_seeds():
    f = FRAMES
    s = {}
    s["arp"] = f.host_frame(arp_request(1), dst=1) + f.tick(2000)
    s["icmp-unicast"] = f.host_frame(icmp_echo(1, M_BOB), dst=2, dst_extra=u8(M_BOB))
    s["udp-echo-self"] = f.host_frame(udp(0, dport=7), dst=0)
    s["udp-dropped"] = f.host_frame(udp(1, M_M1, dport=9999), dst=2, dst_extra=u8(M_M1))
    s["tcp-22"] = f.host_frame(tcp(1, M_BOB), dst=2, dst_extra=u8(M_BOB))
    s["ndp"] = f.host_frame(icmpv6_ns(), dst=4) + f.host_frame(icmpv6_echo(), dst=0)
    s["udp6"] = f.host_frame(udp6(), dst=5)
    s["broadcast"] = f.host_frame(udp(2, body=b"\x01"), dst=1)
    s["net2"] = f.host_frame(arp_request(1), nwid_sel=1, dst=1) + f.tick(1000)
    s["member-ext-com"] = f.member_frame(M_BOB, "EXT_FRAME", icmp_echo(0), flags=1, dst=0)
    s["member-frame"] = f.creds(M_M1) + f.member_frame(M_M1, "FRAME", udp(0, dport=7))
    s["member-mcast"] = f.member_frame(M_M2, "MULTICAST_FRAME", arp_request(0), flags=3, group=1)
    s["member-nocreds"] = f.member_frame(M_VROOT, "FRAME", icmp_echo(0)) + f.reply_ok(0)
    s["bridge"] = f.member_frame(M_VCTL, "EXT_FRAME", icmp_echo(0), flags=0x81, dst=0)
    s["like-then-mcast"] = (f.like(M_BOB, [(0, 0)]) + f.like(M_M1, [(0, 1)]) +
                            f.host_frame(arp_request(0), dst=1) + f.tick(6000))
    s["gather"] = f.gather(M_M1) + f.reply_ok(0) + f.tick(100)
    s["responder-off"] = f.node(7, u8(0) + u16(0)) + f.host_frame(udp(0, dport=7), dst=0)
    return s


# fuzz_twonode.c: op numbers, hosts, networks (NET1 private, NET2 public, missing, ad-hoc)
T_JOIN, T_LEAVE, T_MSG, T_ECHO, T_FRAME, T_AUTH, T_NET, T_TIME, T_CRASH, T_RESTART, T_CUT, \
    T_SUB, T_RESP = range(13)
H_ROOT, H_CTL, H_A, H_B = range(4)
N1, N2, N_MISSING, N_ADHOC = range(4)


def t_time(ms):
    return u8(T_TIME) + u16(ms if ms < 0x8000 else 0x8000 | (ms // 100))


def t_join(who, net):
    return u8(T_JOIN) + u8(who - H_A) + u8(net)


def t_frame(who, net, kind):
    return u8(T_FRAME) + u8(who - H_A) + u8(net) + u8(kind)


def twonode_seeds():
    both1 = t_join(H_A, N1) + t_join(H_B, N1) + t_time(8000)
    s = {
        "empty": b"",
        "join-ping": both1 + t_frame(H_A, N1, 0) + t_time(2000) + t_frame(H_A, N1, 1) +
        t_time(2000) + u8(T_ECHO) + u8(H_A) + u8(H_B) + u8(4),
        "messages": u8(T_MSG) + u8(H_A) + u8(H_B) + u8(100) + u8(T_MSG) + u8(H_B) + u8(H_CTL) +
        u8(255) + t_time(3000),
        "deauthorize": both1 + u8(T_AUTH) + u8(1) + u8(N1) + u8(0) + t_time(70000),
        "public": t_join(H_A, N2) + t_join(H_B, N2) + t_time(8000) + t_frame(H_B, N2, 3) +
        t_time(1000),
        "network-changes": both1 + u8(T_NET) + u8(0) + u8(0x10 | 8) + t_time(5000) + u8(T_NET) +
        u8(0) + u8(3) + t_time(65000) + u8(T_NET) + u8(0) + u8(4 | 0x20) + t_time(5000),
        "crash-controller": both1 + u8(T_CRASH) + u8(H_CTL) + t_time(20000) + u8(T_RESTART) +
        u8(H_CTL) + t_time(61000),
        "crash-member": both1 + u8(T_CRASH) + u8(H_B) + t_time(5000) + u8(T_RESTART) + u8(H_B) +
        t_time(10000) + t_frame(H_A, N1, 1),
        "cut-root": both1 + u8(T_CUT) + u8(H_ROOT) + t_time(0x8000 | 6000) + u8(T_CUT) +
        u8(H_ROOT) + t_time(10000),
        "odd-networks": t_join(H_A, N_MISSING) + t_join(H_A, N_ADHOC) + t_join(H_B, N_ADHOC) +
        t_time(10000) + t_frame(H_A, N_ADHOC, 0) + u8(T_LEAVE) + u8(0) + u8(N_MISSING),
        "multicast": both1 + u8(T_SUB) + u8(1) + u8(N1) + u8(0x81) + t_frame(H_A, N1, 2) +
        u8(T_RESP) + u8(1) + u8(N1) + u8(0) + t_frame(H_A, N1, 0x42),
    }
    return s


def corpus_com():
    """A signed 7-qualifier COM (272 bytes) from fuzz/corpus/com."""
    d = os.path.join(CORPUS, "com")
    for f in sorted(os.listdir(d)):
        with open(os.path.join(d, f), "rb") as fh:
            b = fh.read()
        if len(b) >= 272 and b[:3] == b"\x01\x00\x07":
            return b[:272]
    raise SystemExit("no COM seed in fuzz/corpus/com")


def vl2wire_seeds():
    """Selector byte (fuzz_vl2wire.c), then a payload of that codec."""
    com = corpus_com()
    nwid = u64(0x4B5AAF45570000F1)
    group = bytes.fromhex("ffffffffffff") + u32(0x0A931121)
    arp = bytes.fromhex("0001080006040001") + bytes(20)
    results = u32(3) + u16(2) + bytes.fromhex("2fe15dea2d8ca0b051fd")
    s = {
        "frame": u8(0) + nwid + u16(0x0806) + arp,
        "ext-frame": u8(1) + nwid + u8(0) + bytes.fromhex("32112233445532aabbccddee") +
        u16(0x0800) + bytes(40),
        "ext-frame-com": u8(1) + nwid + u8(1) + com + bytes.fromhex("ffffffffffff32aabbccddee") +
        u16(0x0806) + arp,
        "likes": u8(2) + nwid + group + nwid + bytes.fromhex("333300000001") + u32(0),
        "gather": u8(3) + nwid + u8(0) + group + u32(8),
        "gather-com": u8(3) + nwid + u8(1) + group + u32(8) + com,
        "results": u8(4) + results,
        "ok-gather": u8(5) + nwid + group + results,
        "mcframe": u8(6) + nwid + u8(0) + group + u16(0x0806) + arp,
        "mcframe-all": u8(6) + nwid + u8(7) + com + u32(16) + bytes.fromhex("32aabbccddee") +
        group + u16(0x0806) + arp,
        "ok-mcframe": u8(7) + nwid + group + u8(3) + com + results,
    }
    return s


# fuzz_sockets.c: op numbers; members A=0 B=1; addresses; ports; socket modes
(S_LISTEN, S_CONNECT, S_ACCEPT, S_STREAM, S_SEND, S_RECV, S_BIND, S_SENDTO, S_RECVFROM, S_CLOSE,
 S_CLOCK, S_JOIN, S_CRASH, S_PING) = range(14)
SA, SB = 0, 1
ANY4, ANY6, OWN4, OWN6, OTHER4, OTHER6, NOBODY = range(7)
P4000, P4001, P7, P0 = range(4)
MANUAL, SINK, ECHO = range(3)


def s_open(op, who, addr, port, mode):
    return u8(op) + u8(who) + u8(addr) + u8(port) + u8(mode)


def s_clock(ms):
    return u8(S_CLOCK) + u16(ms)


def sockets_seeds():
    tcp = (s_open(S_LISTEN, SB, ANY4, P4000, SINK) + s_open(S_CONNECT, SA, OTHER4, P4000, MANUAL) +
           s_clock(2000))
    udp = (s_open(S_BIND, SB, ANY6, P4001, ECHO) + s_open(S_BIND, SA, ANY6, P4000, MANUAL) +
           u8(S_SENDTO) + u8(1) + u8(20) + u8(SA) + u8(OTHER6) + u8(P4001) + s_clock(1000) +
           u8(S_RECVFROM) + u8(1) + u8(64))
    return {
        "empty": b"",
        "tcp-stream": tcp + u8(S_STREAM) + u8(1) + u8(200) + u8(1) + s_clock(5000),
        "tcp-manual": s_open(S_LISTEN, SB, OWN6, P4001, MANUAL) +
        s_open(S_CONNECT, SA, OTHER6, P4001, MANUAL) + s_clock(2000) + u8(S_ACCEPT) + u8(0) +
        u8(0) + u8(S_SEND) + u8(1) + u8(100) + s_clock(500) + u8(S_RECV) + u8(2) + u8(255) +
        u8(S_CLOSE) + u8(1) + u8(0) + s_clock(3000),
        "udp-echo": udp,
        "crash-mid-stream": tcp + u8(S_STREAM) + u8(1) + u8(255) + u8(0) + s_clock(300) +
        u8(S_CRASH) + u8(SB) + s_clock(5000) + u8(S_CRASH) + u8(SB) + s_clock(10000),
        "leave-mid-stream": tcp + u8(S_STREAM) + u8(1) + u8(255) + u8(1) + s_clock(200) +
        u8(S_JOIN) + u8(SA) + s_clock(3000) + u8(S_JOIN) + u8(SA) + s_clock(10000),
        "ping": u8(S_PING) + u8(SA) + u8(OTHER4) + u8(S_PING) + u8(SB) + u8(OTHER6) +
        u8(S_PING) + u8(SA) + u8(NOBODY) + s_clock(2000),
        "bad-calls": s_open(S_LISTEN, SA, NOBODY, P0, SINK) + s_open(S_BIND, SA, OWN4, P7, ECHO) +
        s_open(S_BIND, SA, OWN4, P7, ECHO) + u8(S_SEND) + u8(9) + u8(3) + u8(S_CLOSE) + u8(0) +
        u8(S_CLOSE) + u8(0) + u8(S_RECV) + u8(0) + u8(1),
    }


def write(name, seeds):
    d = os.path.join(CORPUS, name)
    os.makedirs(d, exist_ok=True)
    for f in os.listdir(d):
        if f.startswith("seed-"):
            os.remove(os.path.join(d, f))
    for k, v in seeds.items():
        with open(os.path.join(d, "seed-" + k), "wb") as fh:
            fh.write(v)


def main():
    write("packet", packet_seeds())
    write("vl2_frames", frames_seeds())
    write("vl2wire", vl2wire_seeds())
    write("twonode", twonode_seeds())
    write("sockets", sockets_seeds())


if __name__ == "__main__":
    main()
