"""ztk-idtool world verbs: initmoon/genmoon (zerotier-idtool compatible), mkplanet, printworld."""
import json
import os
import re
import subprocess
import tempfile
import unittest

BUILD = os.environ.get("ZTK_BUILD", "build")
SOURCE = os.environ.get("ZTK_SOURCE", os.path.join(os.path.dirname(__file__), "..", ".."))
IDTOOL = os.path.abspath(os.path.join(BUILD, "tools", "ztk-idtool"))
DATA = os.path.abspath(os.path.join(SOURCE, "tests", "data"))
WORLDS = json.load(open(os.path.join(DATA, "vectors", "worlds.json")))["worlds"]
IDS = {i["name"]: i for i in json.load(open(os.path.join(DATA, "vectors", "identities.json")))["identities"]}
CUSTOM = WORLDS["custom_planet"]


def timestamp_of(world_bytes):
    return int.from_bytes(world_bytes[9:17], "big")


class WorldVerbsTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def run_tool(self, *args):
        p = subprocess.run([IDTOOL, *args], capture_output=True, text=True, timeout=120, cwd=self.dir)
        return p.returncode, p.stdout, p.stderr

    def ok(self, *args):
        rc, out, err = self.run_tool(*args)
        self.assertEqual(rc, 0, f"{args}: {out}{err}")
        return out

    def path(self, name):
        return os.path.join(self.dir, name)

    def write_json(self, name, doc):
        with open(self.path(name), "w") as f:
            json.dump(doc, f, indent=1)
        return self.path(name)

    def read(self, name):
        with open(self.path(name), "rb") as f:
            return f.read()

    def printworld(self, *files):
        return json.loads(self.ok("printworld", *files))

    def custom_doc(self, **extra):
        doc = {"id": CUSTOM["id"], "timestamp": CUSTOM["timestamp"],
               "roots": [{"identity": r["identity"], "stableEndpoints": r["stable_endpoints"]}
                         for r in CUSTOM["roots"]],
               "signingKey": CUSTOM["signing_keypair_public"],
               "signingKey_SECRET": CUSTOM["signing_keypair_private"]}
        doc.update(extra)
        return doc

    # --- initmoon / genmoon -------------------------------------------------------------

    def test_initmoon_document(self):
        seed = IDS["root"]["public"]
        out = self.ok("initmoon", seed)
        doc = json.loads(out)
        # zerotier-idtool prints nlohmann's dump(1): one-space indent, sorted keys, newline.
        self.assertEqual(out, json.dumps(doc, indent=1, sort_keys=True) + "\n")
        self.assertEqual(sorted(doc), ["id", "objtype", "roots", "signingKey", "signingKey_SECRET",
                                       "updatesMustBeSignedBy", "worldType"])
        self.assertEqual((doc["objtype"], doc["worldType"], doc["id"]), ("world", "moon", seed[:10]))
        self.assertEqual(doc["roots"], [{"identity": seed, "stableEndpoints": []}])
        self.assertEqual(doc["signingKey"], doc["updatesMustBeSignedBy"])
        for k in ("signingKey", "signingKey_SECRET"):
            self.assertRegex(doc[k], "^[0-9a-f]{128}$")
        self.assertNotEqual(json.loads(self.ok("initmoon", seed))["signingKey_SECRET"],
                            doc["signingKey_SECRET"])
        # The document goes straight into genmoon; the moon is signed by its own key.
        doc["roots"][0]["stableEndpoints"] = ["10.1.2.3/9993"]
        out = self.ok("genmoon", self.write_json("moon.json", doc))
        self.assertRegex(out, r"^wrote 000000%s\.moon \(signed world with timestamp \d+\)\n$" % seed[:10])
        w = self.printworld(f"000000{seed[:10]}.moon")
        self.assertTrue(w["signatureValidWithOwnKey"])
        self.assertEqual(w["roots"][0]["stableEndpoints"], ["10.1.2.3/9993"])

    def test_initmoon_from_file_and_errors(self):
        with open(self.path("seed.public"), "w") as f:
            f.write(IDS["alice"]["public"])
        doc = json.loads(self.ok("initmoon", self.path("seed.public")))
        self.assertEqual(doc["id"], IDS["alice"]["public"][:10])
        rc, _, err = self.run_tool("initmoon", self.path("missing"))
        self.assertEqual(rc, 1)
        self.assertIn("invalid or file unreadable", err)

    def test_genmoon_reproduces_vector(self):
        v = WORLDS["idtool_genmoon"]
        want = bytes.fromhex(v["moon_file_hex"])
        doc = dict(v["input_json"], timestamp=timestamp_of(want))
        out = self.ok("genmoon", self.write_json("moon.json", doc))
        self.assertEqual(out, f"wrote {v['file_name']} (signed world with timestamp {timestamp_of(want)})\n")
        self.assertEqual(self.read(v["file_name"]), want)
        # zerotier-idtool sorts endpoints (and roots) before signing: input order does not matter.
        os.remove(self.path(v["file_name"]))
        doc["roots"][0]["stableEndpoints"].reverse()
        self.ok("genmoon", self.write_json("moon2.json", doc))
        self.assertEqual(self.read(v["file_name"]), want)

    def test_genmoon_sorts_like_zerotier_idtool(self):
        # Roots by address; IPv4 before IPv6; within a family by the byte-swapped port first
        # (9993 = 0x2709 compares as 0x0927, 443 = 0x01bb as 0xbb01), then the address.
        doc = self.custom_doc(worldType="planet", id="12345678",
                              updatesMustBeSignedBy=CUSTOM["signing_keypair_public"])
        doc["roots"][0]["stableEndpoints"] = ["fd00::1/9993", "10.0.0.2/443", "10.0.0.1/443",
                                              "10.0.0.9/9993", "9.0.0.1/9993"]
        self.ok("genmoon", self.write_json("p.json", doc))
        w = self.printworld("0000000012345678.moon")
        self.assertEqual(w["worldType"], "planet")
        self.assertEqual([r["identity"][:10] for r in w["roots"]], ["8285376e4c", "b1be945578"])
        self.assertEqual(w["roots"][1]["stableEndpoints"],
                         ["9.0.0.1/9993", "10.0.0.9/9993", "10.0.0.1/443", "10.0.0.2/443", "fd00::1/9993"])

    def test_genmoon_errors(self):
        v = WORLDS["idtool_genmoon"]["input_json"]
        bad_pair = dict(v, signingKey_SECRET="00" * 64)
        cases = {"worldType": dict(v, worldType="star"), "id": dict(v, id="0"),
                 "signingKey_SECRET": {k: x for k, x in v.items() if k != "signingKey_SECRET"},
                 "do not belong together": bad_pair,
                 "stableEndpoints[0]": dict(v, roots=[{"identity": v["roots"][0]["identity"],
                                                       "stableEndpoints": ["10.0.0.300/1"]}]),
                 "roots[0].identity": dict(v, roots=[{"identity": "b1be945578:0:00"}])}
        for what, doc in cases.items():
            rc, out, err = self.run_tool("genmoon", self.write_json("bad.json", doc))
            self.assertEqual(rc, 1, what)
            self.assertIn(what, err)
        with open(self.path("garbage.json"), "w") as f:
            f.write("{not json")
        self.assertEqual(self.run_tool("genmoon", self.path("garbage.json"))[0], 1)
        self.assertEqual(self.run_tool("genmoon", self.path("nonexistent.json"))[0], 1)
        self.assertFalse([n for n in os.listdir(self.dir) if n.endswith(".moon")])

    # --- mkplanet / printworld -------------------------------------------------------------

    def test_mkplanet_reproduces_vectors_and_update(self):
        out = self.ok("mkplanet", self.write_json("p.json", self.custom_doc()), "custom.planet")
        self.assertIn("wrote custom.planet (planet 0000000012345678, timestamp 1700000000000", out)
        self.assertEqual(self.read("custom.planet"), bytes.fromhex(CUSTOM["serialized"]))
        upd = WORLDS["custom_planet_update"]
        self.ok("mkplanet", self.write_json("u.json", self.custom_doc(timestamp=upd["timestamp"])), "update.planet")
        self.assertEqual(self.read("update.planet"), bytes.fromhex(upd["serialized"]))
        self.assertEqual(self.printworld("update.planet", "custom.planet")["updateOfPrevious"], "accepted")
        self.assertEqual(self.printworld("custom.planet", "update.planet")["updateOfPrevious"], "ZTK_EWORLD_OLD")
        # Default output name is "planet" in the current directory.
        self.ok("mkplanet", self.path("p.json"))
        self.assertEqual(self.read("planet"), bytes.fromhex(CUSTOM["serialized"]))

    def test_mkplanet_printworld_round_trip(self):
        self.ok("mkplanet", self.write_json("p.json", self.custom_doc()), "a.planet")
        shown = self.printworld("a.planet")
        self.assertEqual((shown["id"], shown["timestamp"], shown["worldType"]),
                         ("0000000012345678", CUSTOM["timestamp"], "planet"))
        self.assertTrue(shown["signatureValidWithOwnKey"])
        self.assertEqual(shown["signature"], CUSTOM["signature"])
        self.assertEqual([r["identity"] for r in shown["roots"]], [r["identity"] for r in CUSTOM["roots"]])
        self.assertEqual([r["stableEndpoints"] for r in shown["roots"]],
                         [r["stable_endpoints"] for r in CUSTOM["roots"]])
        # printworld's document, given the keys again, builds the same file.
        shown.update(signingKey=CUSTOM["signing_keypair_public"],
                     signingKey_SECRET=CUSTOM["signing_keypair_private"])
        self.ok("mkplanet", self.write_json("again.json", shown), "b.planet")
        self.assertEqual(self.read("b.planet"), self.read("a.planet"))
        # Any planet, e.g. the captured one and the live-session one, decodes.
        cap = self.printworld(os.path.join(DATA, "captures", "planet"))
        self.assertEqual(cap["roots"][0]["identity"][:10], "6db275b3b2")
        self.assertEqual(cap["roots"][0]["stableEndpoints"], ["10.250.0.1/9993"])

    def test_mkplanet_key_forms_and_rotation(self):
        # A 128-byte pub||secret key file (attic/world/mkworld's .c25519) equals the hex form.
        with open(self.path("current.c25519"), "wb") as f:
            f.write(bytes.fromhex(CUSTOM["signing_keypair_public"] + CUSTOM["signing_keypair_private"]))
        doc = self.custom_doc(signingKey="current.c25519")
        del doc["signingKey_SECRET"]
        self.ok("mkplanet", self.write_json("k.json", doc), "k.planet")
        self.assertEqual(self.read("k.planet"), bytes.fromhex(CUSTOM["serialized"]))
        # Rotate to a new key (an identity secret in a file): signed by the previous key.
        with open(self.path("new.secret"), "w") as f:
            f.write(IDS["bob"]["secret"])
        rot = self.custom_doc(timestamp=CUSTOM["timestamp"] + 5, signingKey=self.path("new.secret"),
                              previousSigningKey=CUSTOM["signing_keypair_public"],
                              previousSigningKey_SECRET=CUSTOM["signing_keypair_private"])
        del rot["signingKey_SECRET"]
        self.ok("mkplanet", self.write_json("rot.json", rot), "rot.planet")
        w = self.printworld("rot.planet", "k.planet")
        self.assertEqual(w["updateOfPrevious"], "accepted")
        self.assertFalse(w["signatureValidWithOwnKey"])
        self.assertEqual(w["updatesMustBeSignedBy"], IDS["bob"]["public"][13:])
        # The next update needs the new key; one made with the old key is refused.
        nxt = dict(rot, timestamp=rot["timestamp"] + 5, signingKey=IDS["bob"]["secret"])
        del nxt["previousSigningKey"], nxt["previousSigningKey_SECRET"]
        self.ok("mkplanet", self.write_json("next.json", nxt), "next.planet")
        self.assertEqual(self.printworld("next.planet", "rot.planet")["updateOfPrevious"], "accepted")
        self.ok("mkplanet", self.write_json("old.json", self.custom_doc(timestamp=rot["timestamp"] + 9)), "old.planet")
        self.assertEqual(self.printworld("old.planet", "rot.planet")["updateOfPrevious"], "ZTK_EWORLD_SIGNATURE")
        self.assertEqual(self.printworld("next.planet", "k.planet")["updateOfPrevious"], "ZTK_EWORLD_SIGNATURE")
        self.assertEqual(self.printworld(os.path.join(DATA, "captures", "planet"), "k.planet")["updateOfPrevious"],
                         "ZTK_EWORLD_ID")

    def test_mkplanet_errors(self):
        roots5 = [{"identity": IDS[n]["public"]} for n in ("alice", "bob", "controller", "root", "root2")]
        many_eps = [{"identity": IDS["root"]["public"],
                     "stableEndpoints": ["10.0.0.%d/9993" % i for i in range(33)]}]
        cases = {
            "signingKey: missing": {k: v for k, v in self.custom_doc().items() if not k.startswith("signingKey")},
            "roots: more than 4": self.custom_doc(roots=roots5),
            "stableEndpoints: more than 32": self.custom_doc(roots=many_eps),
            "roots: at least 1": self.custom_doc(roots=[]),
            "timestamp": self.custom_doc(timestamp="soon"),
            "signingKey: identity: private key required": self.custom_doc(signingKey=IDS["alice"]["public"]),
            "previousSigningKey": self.custom_doc(previousSigningKey="nonexistent.key"),
            "updatesMustBeSignedBy differs": self.custom_doc(
                updatesMustBeSignedBy="11" * 64, previousSigningKey=IDS["bob"]["secret"]),
        }
        for what, doc in cases.items():
            rc, out, err = self.run_tool("mkplanet", self.write_json("bad.json", doc), "bad.planet")
            self.assertEqual(rc, 1, what)
            self.assertIn(what, err, what)
            self.assertFalse(os.path.exists(self.path("bad.planet")), what)
        with open(self.path("junk"), "wb") as f:
            f.write(b"\x05" + bytes(300))
        for args in (("printworld", self.path("junk")), ("printworld", self.path("none")),
                     ("mkplanet",), ("printworld",)):
            rc, out, err = self.run_tool(*args)
            self.assertEqual(rc, 1, args)
            self.assertTrue(out or err, args)
        self.assertIn("world: unknown type", self.run_tool("printworld", self.path("junk"))[2])


if __name__ == "__main__":
    unittest.main(verbosity=2)
