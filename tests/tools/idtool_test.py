"""ztk-idtool: zerotier-idtool's verbs, output formats and error handling."""
import os
import subprocess
import sys
import tempfile
import unittest

BUILD = os.environ.get("ZTK_BUILD", "build")
IDTOOL = os.path.join(BUILD, "tools", "ztk-idtool")
ALICE_PUBLIC = ("efe8197bb7:0:ea448b9edb7398d87b8e1fa4e943b152023e08ce9db767ae434778d5f30a3e46"
                "71b50ac393dec32d0f3503662e67c433583567cf94366a6564206b91afb94aaf")


def run(*args):
    p = subprocess.run([IDTOOL, *args], capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


class IdtoolTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def path(self, name):
        return os.path.join(self.dir, name)

    def test_generate_to_stdout(self):
        rc, out, _ = run("generate")
        self.assertEqual(rc, 0)
        self.assertEqual(len(out), 270)  # secret form, no trailing newline
        self.assertEqual(out.count(":"), 3)
        rc, out2, _ = run("validate", out)
        self.assertEqual(rc, 0, out2)
        self.assertIn("is a valid identity", out2)

    def test_generate_files_getpublic_sign_verify(self):
        sec, pub = self.path("identity.secret"), self.path("identity.public")
        rc, out, _ = run("generate", sec, pub)
        self.assertEqual(rc, 0)
        self.assertEqual(out, f"{sec} written\n{pub} written\n")
        self.assertEqual(os.stat(sec).st_mode & 0o777, 0o600)
        public = open(pub).read()
        self.assertEqual(len(public), 141)
        self.assertEqual(open(sec).read()[:141], public)
        rc, out, _ = run("getpublic", sec)
        self.assertEqual((rc, out), (0, public))
        self.assertEqual(run("validate", pub)[0], 0)

        msg = self.path("msg")
        with open(msg, "wb") as f:
            f.write(b"hello ztkit\n" * 100)
        rc, sig, _ = run("sign", sec, msg)
        self.assertEqual(rc, 0)
        self.assertEqual(len(sig), 192)
        rc, out, _ = run("verify", pub, msg, sig)
        self.assertEqual((rc, out), (0, f"{msg} signature valid\n"))
        with open(msg, "ab") as f:
            f.write(b"x")
        rc, _, err = run("verify", pub, msg, sig)
        self.assertEqual(rc, 1)
        self.assertIn("signature check FAILED", err)

    def test_vector_identity_validates(self):
        rc, out, _ = run("validate", ALICE_PUBLIC)
        self.assertEqual(rc, 0)
        bad = ALICE_PUBLIC[:13] + "0" + ALICE_PUBLIC[14:]
        rc, _, err = run("validate", bad)
        self.assertEqual(rc, 1)
        self.assertIn("FAILED validation", err)

    def test_bad_input_is_an_error_not_a_crash(self):
        cases = [("validate", "nonexistent-file"),
                 ("validate", "ffe8197bb7:0:" + ALICE_PUBLIC[13:]),
                 ("getpublic", "efe8197bb7:1:" + ALICE_PUBLIC[13:]),
                 ("sign", ALICE_PUBLIC, "/dev/null"),
                 ("verify", ALICE_PUBLIC, "/etc/hostname", "zz"),
                 ("generate", self.path("a"), self.path("b"), "xyz"),
                 ("frobnicate",)]
        for args in cases:
            rc, out, err = run(*args)
            self.assertEqual(rc, 1, args)
            self.assertTrue(err or out, args)
        rc, _, err = run("getpublic", "efe8197bb7:1:" + ALICE_PUBLIC[13:])
        self.assertIn("type field is not 0", err)
        rc, _, err = run("sign", ALICE_PUBLIC, "/dev/null")
        self.assertIn("does not contain a private key", err)

    def test_vanity(self):
        rc, out, err = run("generate", self.path("s"), self.path("p"), "a")
        self.assertEqual(rc, 0)
        self.assertTrue(open(self.path("p")).read().startswith("a"))
        self.assertIn("vanity address: found", err)


if __name__ == "__main__":
    unittest.main(verbosity=2)
