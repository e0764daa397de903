"""ztk-bench: runs the chosen benchmark programs and prints one table; with --zt1-selftest it
reads ZeroTierOne's selftest output and prints `ratio <name> <value>` lines. Here a stand-in
prints the selftest's lines with known figures, so the ratios can be checked exactly against
the figures the same run wrote to --json. Bad options give a clear error."""
import json
import os
import re
import stat
import subprocess
import sys
import tempfile
import unittest

BUILD = os.environ.get("ZTK_BUILD", "build")
BENCH = os.path.join(BUILD, "tools", "ztk-bench")

SELFTEST = """#!/bin/sh
echo "[crypto] Benchmarking Salsa20/12... 500 MiB/second (0011)"
echo "[crypto] Benchmarking Salsa20/12 fast x64 ASM... 1024 MiB/second"
echo "[crypto] Benchmarking AES-GMAC-SIV... 2048 MiB/second"
echo "[crypto] Benchmarking Poly1305... 700 MiB/second"
echo "[crypto] Benchmarking C25519 ECC key agreement... 0.5ms per agreement."
echo "[crypto] Benchmarking Ed25519 ECC signatures... 2ms per signature."
echo "[identity] Validate known-good identity... PASS (40ms per validation)"
"""


def run(args, **kw):
    return subprocess.run([sys.executable, BENCH] + args, capture_output=True, text=True, timeout=600, **kw)


class BenchTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.selftest = os.path.join(cls.tmp.name, "selftest")
        with open(cls.selftest, "w") as f:
            f.write(SELFTEST)
        os.chmod(cls.selftest, stat.S_IRWXU)
        cls.json = os.path.join(cls.tmp.name, "out.json")
        cls.res = run(["--only", "crypto,packet", "--seconds", "0.05", "--zt1-selftest", cls.selftest,
                       "--json", cls.json])

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_table_and_exit(self):
        self.assertEqual(self.res.returncode, 0, self.res.stderr)
        self.assertRegex(self.res.stdout, r"(?m)^crypto\s+salsa20/12\s+\d+\.\d+\s+MB/s$")
        self.assertRegex(self.res.stdout, r"(?m)^packet\s+armor\+dearmor suite=3 size=1400\s+\d+\.\d+\s+MB/s$")
        self.assertRegex(self.res.stdout, r"(?m)^zt1\s+zt1\.sign_ms\s+2\.00\s+ms$")

    def test_ratios_match_figures(self):
        with open(self.json) as f:
            doc = json.load(f)
        fig = {d["name"]: d["value"] for d in doc["figures"]}
        printed = dict(re.findall(r"(?m)^ratio (\S+) ([\d.]+)$", self.res.stdout))
        mib = 1e6 / 1048576
        # The selftest's /1024 timing is corrected by 1000/1024 for the ciphers it affects.
        want = {"salsa2012": fig["salsa20/12"] * mib / (1024 * 1000 / 1024),
                "aes_gmac_siv": fig["aes-gmac-siv seal 16384B"] * mib / (2048 * 1000 / 1024),
                "poly1305": fig["poly1305"] * mib / 700,
                "sign": fig["sign"] / 500.0, "agree": fig["agree"] / 2000.0,
                "identity_validate": fig["identity_validate"] / 25.0,
                "packet_suite3_1400B": fig["armor+dearmor suite=3 size=1400"] * mib / (2000 / 2)}
        for name, value in want.items():
            self.assertIn(name, printed)
            self.assertAlmostEqual(float(printed[name]), value, delta=0.0015 + value * 1e-3, msg=name)
        self.assertEqual(len(doc["ratios"]), len(printed))

    def test_bad_options(self):
        r = run(["--only", "crypto,warp"])
        self.assertEqual(r.returncode, 2)
        self.assertIn("unknown section(s): warp", r.stderr)
        r = run(["--zt1-selftest", os.path.join(self.tmp.name, "missing")])
        self.assertEqual(r.returncode, 2)
        self.assertIn("not an executable file", r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
