#!/usr/bin/env python3
"""Writes the seed corpora of the network codec fuzz targets (fuzz/corpus/<target>/) from the
test vectors in tests/data/vectors. Each seed is named by the SHA-1 of its bytes, as libFuzzer
names its findings, so re-running only adds what is missing. Standard library only."""
import hashlib
import json
import os
import struct

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VEC = os.path.join(ROOT, "tests", "data", "vectors")
OUT = os.path.join(ROOT, "fuzz", "corpus")


def load(name):
    with open(os.path.join(VEC, name)) as f:
        return json.load(f)


def put(target, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)


def main():
    dic = load("dictionary.json")
    live = load("live_session.json")
    creds = load("credentials.json")["credentials"]
    frag = load("fragmentation.json")["fragmented_packets"][0]
    ctl = live["controller_netconf_to_alice"]
    gen_dict = bytes.fromhex(dic["netconf_dictionary"]["dictionary_hex"])
    live_dict = bytes.fromhex(ctl["dictionary_hex"])
    meta = dic["request_metadata_dictionary"].encode()

    for d in (gen_dict, live_dict, meta, b"a=1\r\nb=\\e\\0\\n\\r\\\\x\nc\n=d\nlast=\\"):
        put("dictionary", d)
    for d in (gen_dict, live_dict):
        put("netconf", b"\x00" + d)
    # mode 1: two signed records that complete one 40-byte update, then a legacy one
    body = b"v=7\nnwid=89419d3fcd7cda1f\nid=efe8197bb7"
    rec = lambda fl, upd, total, index, data: (
        bytes([fl, upd]) + struct.pack(">HHH", total, index, len(data)) + data)
    put("netconf", b"\x01" + rec(0, 5, len(body), 0, body[:20]) +
        rec(0, 5, len(body), 20, body[20:]) + rec(3, 0, 0, 0, body))
    # mode 3: raw chunk payloads (the live one and the fragmentation vector's)
    raw = [bytes.fromhex(ctl["payload_after_verb_hex"])[9:],
           bytes.fromhex(frag["uncompressed_payload_after_verb"])[9:]]
    put("netconf", b"\x03" + b"".join(struct.pack(">H", len(r)) + r for r in raw))

    com = creds["certificate_of_membership"]
    for k in ("serialized", "serialized_unsigned", "bob_com_serialized"):
        put("com", bytes.fromhex(com[k]))
    binv = ctl["decoded_binary_values_hex"]
    put("com", bytes.fromhex(binv["C"]))
    put("capability", bytes.fromhex(creds["capability"]["serialized"]))
    put("tag", bytes.fromhex(creds["tag"]["serialized"]))
    put("coo", bytes.fromhex(creds["certificate_of_ownership"]["serialized"]))
    put("coo", bytes.fromhex(binv["COO"]))
    rev = bytes.fromhex(creds["revocation"]["serialized"])
    put("revocation", rev)
    put("credentials", b"\x00\x00\x00\x00\x00\x00\x01" + rev + b"\x00\x00")

    for r in (dic["netconf_dictionary"]["decoded_values_hex"]["R"], binv["R"],
              "25020800a80400160016" "0100", "0703aabbcc3c00240311ffee0100",
              "020e0000001122334455000000010040331300000000000001000000000000000110000207"
              "2111fd00000000000000000000000000000140060001001d06aabbccddeeff"):
        put("rules", bytes.fromhex(r))

    seen = set()
    for p in live["transcript"]:
        verb = p.get("verb")
        if verb == "NETWORK_CREDENTIALS":
            put("credentials", bytes.fromhex(p["payload"]))
        elif verb == "NETWORK_CONFIG_REQUEST" and p["payload"] not in seen:
            seen.add(p["payload"])
            put("config_request", bytes.fromhex(p["payload"]))


if __name__ == "__main__":
    main()
