#!/usr/bin/env python3
"""Writes seed inputs for fuzz_stack_frames into fuzz/corpus/stack_frames/ (stdlib only).

Record format: [op][len hi][len lo][payload]; see fuzz/fuzz_stack_frames.c. The target's host
is 10.0.0.1/24 and fd00::1/64 with MAC 32:00:00:00:f0:01; checksums are not verified."""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus", "stack_frames")
ME4, PEER4 = bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])
ME6 = bytes.fromhex("fd000000000000000000000000000001")
PEER6 = bytes.fromhex("fd000000000000000000000000000002")
ME_MAC, PEER_MAC = bytes.fromhex("32000000f001"), bytes.fromhex("32000000f002")


def rec(op, payload=b""):
    return struct.pack(">BH", op, len(payload)) + payload


def ipv4(proto, payload, src=PEER4, dst=ME4, frag=0):
    hdr = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, frag, 64, proto, 0, src, dst)
    return hdr + payload


def ipv6(nh, payload, src=PEER6, dst=ME6):
    return struct.pack(">IHBB16s16s", 6 << 28, len(payload), nh, 64, src, dst) + payload


def tcp(sport, dport, seq, ack, flags, data=b""):
    return struct.pack(">HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0) + data


def udp(sport, dport, data):
    return struct.pack(">HHHH", sport, dport, 8 + len(data), 0) + data


def arp_request(target=ME4):
    return struct.pack(">HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, PEER_MAC, PEER4, bytes(6), target)


SEEDS = {
    "arp_request": rec(1, arp_request()) + rec(3, b"\x00" * 2),
    "tcp_syn": rec(0, ipv4(6, tcp(40000, 80, 1000, 0, 0x02))) + rec(3, b"\x00" * 30) + rec(4, b"\x01"),
    "tcp_syn_data_fin": rec(0, ipv4(6, tcp(40001, 80, 1, 0, 0x02)))
    + rec(0, ipv4(6, tcp(40001, 80, 2, 0x5a5a5a5b, 0x10)))
    + rec(0, ipv4(6, tcp(40001, 80, 2, 0x5a5a5a5b, 0x18, b"hello")))
    + rec(4, b"\x00")
    + rec(0, ipv4(6, tcp(40001, 80, 7, 0x5a5a5a5b, 0x11)))
    + rec(4, b"\x01"),
    "udp_echo": rec(0, ipv4(17, udp(5000, 53, b"query"))) + rec(4, b"\x00") + rec(7, b"\x02abc"),
    "icmp_echo": rec(0, ipv4(1, struct.pack(">BBHHH", 8, 0, 0, 7, 1) + b"ping" * 4)),
    "ipv4_fragments": rec(0, ipv4(17, udp(5000, 53, b"A" * 16), frag=0x2000))
    + rec(0, ipv4(17, b"B" * 16, frag=3))
    + rec(3, b"\x07\xd0"),
    "ipv6_ns": rec(6, ipv6(58, struct.pack(">BBHI16s", 135, 0, 0, 0, ME6) + b"\x01\x01" + PEER_MAC,
                           dst=bytes.fromhex("ff0200000000000000000001ff000001"))),
    "ipv6_tcp_syn": rec(2, ipv6(6, tcp(40002, 80, 5, 0, 0x02))) + rec(3, b"\x00\x10"),
    "ipv6_udp": rec(2, ipv6(17, udp(5001, 53, b"v6"))) + rec(4, b"\x00"),
    "broadcast_udp": rec(5, ipv4(17, udp(68, 53, b"bc"), dst=bytes([255, 255, 255, 255]))),
}


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
    print("wrote %d seeds to %s" % (len(SEEDS), OUT))


if __name__ == "__main__":
    main()
