"""libzt's own C examples against ztkit: with LIBZT_SRC pointing at a libzt checkout, every
examples/c/*.c there compiles unchanged against our include/ZeroTierSockets.h and libztkit.so,
and its server/client pair runs on loopback against a root and a controller started with
ztk-node (a public network, the private planet in each storage path): the client connects,
sends its message, and both programs exit 0. The other libzt examples need ZeroTier's public
roots or Central (customroots, nostorage, pingable-node, statistics, callbackapi, adhoc
wait for the public planet or run forever), so they are only compiled. Without LIBZT_SRC the
test reports itself skipped (exit 77): libzt's files are never part of this repository."""
import glob
import os
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import zts_examples_test as zx  # noqa: E402

LIBZT = os.environ.get("LIBZT_SRC", "")
PORT = 7310


class LibztExamplesTest(zx.ZtsExamplesTest):
    # the base class's tests run in tools/zts_examples; here only libzt's programs
    test_blocking_server_and_its_clients = None
    test_nonblocking_server_and_clients = None
    test_adhoc = None

    @classmethod
    def _compile(cls):
        cls.bin = {}
        sources = sorted(glob.glob(os.path.join(LIBZT, "examples", "c", "*.c")))
        if not sources:
            raise AssertionError("no examples/c/*.c under LIBZT_SRC=%s" % LIBZT)
        failures = []
        for src in sources:
            name = os.path.splitext(os.path.basename(src))[0]
            exe = os.path.join(cls.tmp, "libzt-" + name)
            cmd = ["cc", "-std=gnu11", "-I" + os.path.join(zx.SOURCE, "include"), src, "-o", exe,
                   "-L" + zx.BUILD, "-lztkit", "-Wl,-rpath," + zx.BUILD, "-lpthread"] + zx.USER_FLAGS
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
            if p.returncode:
                failures.append("%s: %s%s" % (name, p.stdout, p.stderr))
            else:
                cls.bin[name] = exe
        cls.compile_failures = failures

    def test_every_example_compiles(self):
        self.assertEqual(self.compile_failures, [], "\n".join(self.compile_failures))
        self.assertIn("server", self.bin)
        self.assertIn("client", self.bin)

    def test_server_and_client(self):
        if "server" not in self.bin or "client" not in self.bin:
            self.fail("server/client did not compile")
        # libzt's programs print without flushing: line-buffer them so progress is seen
        server = zx.ztnet.Proc(["stdbuf", "-oL", self.bin["server"], self.storage("lz-server"), self.nwid, "0.0.0.0",
                                str(PORT)], name="libzt-server")
        self.procs.append(server)
        m = server.wait_line(r"IP address on network \S+ is (\S+)", zx.WAIT)
        self.assertIsNotNone(m, server.text())
        self.assertTrue(m.group(1).startswith("10.66.0."), server.text())
        rc, out, err = zx.ztnet.run([self.bin["client"], self.storage("lz-client"), self.nwid, m.group(1),
                                     str(PORT)], timeout=zx.WAIT + 60)
        self.assertEqual(rc, 0, "client: %s\n%s" % (out, err))
        self.assertEqual(server.wait(zx.WAIT), 0, server.text())
        self.assertIn("Accepted connection from", server.text())


if __name__ == "__main__":
    if not LIBZT:
        print("skipped: set LIBZT_SRC to a libzt checkout to compile and run its C examples")
        sys.exit(77)
    unittest.main()
