#!/usr/bin/env python3
"""Regenerates the seed corpora of the packet fuzz targets from tests/data.

    python3 fuzz/make_seeds.py

Writes fuzz/corpus/{dearmor,verbs,fragments}/seed-* (and removes stale seed-* files there);
other files in those folders (regression inputs) are left alone. Input formats are described
at the top of each fuzz_<name>.c. Python standard library only.
"""
import json
import os
import struct

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "tests", "data")
CORPUS = os.path.join(ROOT, "fuzz", "corpus")

# fuzz/vl1_decode.h enum fuzz_decoder
HELLO, OK_HELLO, OK_WHOIS, OK_ECHO, ERROR, WHOIS, RENDEZVOUS, ECHO, PUSH_PATHS, USER_MESSAGE = range(10)
VERB_HELLO, VERB_ERROR, VERB_OK, VERB_WHOIS, VERB_ECHO = 1, 2, 3, 4, 8
SUITE_INDEX = {0: 0, 1: 1, 3: 2}  # fuzz_dearmor's mode & 3


def load(name):
    with open(os.path.join(DATA, "vectors", name)) as f:
        return json.load(f)


def pcap_udp(path):
    """UDP payloads of a LINUX_SLL2 or EN10MB capture (IPv4 only, as in tests/data)."""
    with open(path, "rb") as f:
        data = f.read()
    endian = "<" if struct.unpack("<I", data[:4])[0] in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    off, out = 24, []
    while off + 16 <= len(data):
        caplen = struct.unpack(endian + "I", data[off + 8:off + 12])[0]
        frame = data[off + 16:off + 16 + caplen]
        off += 16 + caplen
        l3, ethertype = (14, frame[12:14]) if linktype == 1 else (20, frame[0:2])
        if ethertype != b"\x08\x00" or frame[l3 + 9] != 17:
            continue
        udp = l3 + (frame[l3] & 15) * 4
        ulen = struct.unpack(">H", frame[udp + 4:udp + 6])[0]
        out.append(frame[udp + 8:udp + ulen])
    return out


def capture_packets():
    seen, out = set(), []
    for name in ("A-hub.pcap", "B-hub.pcap"):
        for p in pcap_udp(os.path.join(DATA, "captures", name)):
            if len(p) >= 28 and p not in seen:
                seen.add(p)
                out.append(p)
    return out


def plain_packet(v, wire):
    """The packet before armor: wire header with the original id, zero MAC, plaintext."""
    return (bytes.fromhex(v["packet_id_before_armor"]) + wire[8:19] + bytes(8)
            + bytes.fromhex(v["plaintext_from_verb_byte"]))


def verb_seed(verb, payload):
    """(decoder, payload) for a VL1 verb payload, or None."""
    if verb == VERB_OK and payload:
        return ({VERB_HELLO: OK_HELLO, VERB_WHOIS: OK_WHOIS}.get(payload[0], OK_ECHO), payload)
    table = {VERB_HELLO: HELLO, VERB_ERROR: ERROR, VERB_WHOIS: WHOIS, VERB_ECHO: ECHO}
    return (table[verb], payload) if verb in table else None


def dearmor_seeds(packets, frags, caps):
    seeds = {}
    for v in packets:
        wire = bytes.fromhex(v["wire"])
        seeds["vec-" + v["name"]] = b"\x00" + wire
        seeds["armor-" + v["name"]] = bytes([4 | SUITE_INDEX[v["cipher_suite"]]]) + plain_packet(v, wire)
    for v in frags:
        seeds["frag-" + v["name"]] = b"\x00" + bytes.fromhex(v["assembled_wire"])
    for i, p in enumerate(caps):
        seeds["cap-%03d" % i] = b"\x00" + p
    return seeds


def verbs_seeds(packets, caps):
    seeds = {}
    for v in packets:
        payload = bytes.fromhex(v.get("payload_before_cryptField", v["payload_plaintext_after_verb"]))
        s = verb_seed(v["verb"], payload)
        if s:
            seeds["vec-" + v["name"]] = bytes([s[0]]) + s[1]
    for i, p in enumerate(caps):  # HELLOs are in the clear apart from the moon list
        if (p[18] >> 3) & 7 == 0 and p[27] & 0x1F == VERB_HELLO:
            seeds["cap-hello-%03d" % i] = bytes([HELLO]) + p[28:]
    # RENDEZVOUS, PUSH_DIRECT_PATHS and USER_MESSAGE as the captures' listing describes them.
    seeds["rendezvous-v4"] = bytes([RENDEZVOUS]) + bytes.fromhex("004b5aaf4557270904" "0afa0002")
    seeds["rendezvous-v6"] = bytes([RENDEZVOUS]) + bytes.fromhex("008ca0b051fd270910" "fd00" + "00" * 13 + "0b")
    seeds["push-paths"] = bytes([PUSH_PATHS]) + bytes.fromhex(
        "0002" "0000000406" "0afa000b2709" "0000000612" "fd00" + "00" * 13 + "0b2709")
    seeds["user-message"] = bytes([USER_MESSAGE]) + bytes.fromhex("0000000000010000") + b"hello"
    return seeds


def records(datagrams, order, step=1):
    out = b""
    for i in order:
        d = datagrams[i]
        out += bytes([step]) + struct.pack(">H", len(d)) + d
    return out


def fragments_seeds(frags, caps):
    seeds = {}
    for v in frags:
        dgs = [bytes.fromhex(d) for d in v["udp_datagrams"]]
        n = len(dgs)
        if n > 1:
            seeds["seq-" + v["name"]] = b"\x00" + records(dgs, range(n))
            seeds["seq-rev-" + v["name"]] = b"\x00" + records(dgs, reversed(range(n)))
            seeds["seq-dup-" + v["name"]] = b"\x00" + records(dgs, [n - 1, 0, n - 1] + list(range(1, n)))
            seeds["seq-late-" + v["name"]] = b"\x00" + records(dgs, range(n), step=0xB2)
        seeds["split-" + v["name"]] = b"\x01" + bytes([175, 3]) + bytes.fromhex(v["assembled_wire"])
    for i, p in enumerate(caps[:40]):
        seeds["split-cap-%03d" % i] = b"\x01" + bytes([1 + len(p) // 40, i]) + p
    return seeds


def write(name, seeds):
    folder = os.path.join(CORPUS, name)
    os.makedirs(folder, exist_ok=True)
    for f in os.listdir(folder):
        if f.startswith("seed-"):
            os.remove(os.path.join(folder, f))
    for key, data in sorted(seeds.items()):
        with open(os.path.join(folder, "seed-" + key), "wb") as f:
            f.write(data)
    print("%-10s %4d seeds" % (name, len(seeds)))


def main():
    packets = load("packets.json")["packets"]
    frags = load("fragmentation.json")["fragmented_packets"]
    caps = capture_packets()
    write("dearmor", dearmor_seeds(packets, frags, caps))
    write("verbs", verbs_seeds(packets, caps))
    write("fragments", fragments_seeds(frags, caps))


if __name__ == "__main__":
    main()
