"""ztk-node on loopback: a `root` in the background, `info` coming online through it, `msg` to a
`listen-messages` node, `echo` going direct, signals, and clear errors / exit codes for bad
arguments and bad state. Every process is started here, waited for with a bound and stopped
by its PID."""
import json
import os
import signal
import stat
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "interop"))
import ztnet  # noqa: E402

NODE = ztnet.tool("node")


class NodeCliTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        d = cls.tmp.name
        secret, public = ztnet.make_identity(d, "root")
        cls.root_address = public[:10]
        cls.root_port = ztnet.free_udp_port()
        cls.planet = ztnet.make_planet(d, [(public, ["127.0.0.1/%d" % cls.root_port])])
        home = ztnet.home_with_identity(os.path.join(d, "root-home"), secret)
        cls.root = ztnet.Proc([NODE, "--home", home, "--port", str(cls.root_port), "--planet",
                               cls.planet, "--allow-loopback", "root"], name="root")
        if not cls.root.wait_line(r"^root %s serving on UDP port %d" % (cls.root_address, cls.root_port), 30):
            cls.root.stop()
            raise RuntimeError("root did not start: " + cls.root.text())

    @classmethod
    def tearDownClass(cls):
        cls.root.stop()
        cls.tmp.cleanup()

    def setUp(self):
        self.procs = []
        self.n = 0

    def tearDown(self):
        for p in self.procs:
            p.stop()

    def home(self):
        self.n += 1
        return os.path.join(self.tmp.name, "%s-%d" % (self._testMethodName, self.n))

    def member_args(self, home=None):
        return [NODE, "--home", home or self.home(), "--port", "0", "--planet", self.planet,
                "--allow-loopback"]

    def node(self, *args, timeout=60):
        return ztnet.run(self.member_args() + list(args), timeout=timeout)

    def listener(self, *extra):
        p = ztnet.Proc(self.member_args() + ["--json", "listen-messages", *extra], name="listener")
        self.procs.append(p)
        m = p.wait_line(r'"event":"listening"', 30)
        self.assertIsNotNone(m, p.text())
        return p, [j for j in p.json_lines() if j.get("event") == "listening"][0]["address"]

    # ---- working commands ----

    def test_info_comes_online_through_the_root(self):
        rc, out, err = self.node("info", "--timeout", "20")
        self.assertEqual(rc, 0, out + err)
        self.assertIn("online yes", out)
        self.assertRegex(out, r"\n  %s PLANET .*127\.0\.0\.1/%d" % (self.root_address, self.root_port))

    def test_info_json(self):
        home = self.home()
        rc, out, err = ztnet.run(self.member_args(home) + ["--json", "info", "--timeout", "20"], timeout=60)
        self.assertEqual(rc, 0, out + err)
        doc = json.loads(out)
        self.assertTrue(doc["online"])
        self.assertEqual(doc["roots"][0]["address"], self.root_address)
        self.assertEqual(doc["roots"][0]["role"], "PLANET")
        self.assertEqual(doc["roots"][0]["paths"][0]["address"], "127.0.0.1/%d" % self.root_port)
        self.assertGreaterEqual(doc["roots"][0]["latency"], 0)
        self.assertEqual(doc["planetId"], "00000000dec0de77")
        # the home directory was created with a private identity file
        st = os.stat(os.path.join(home, "identity.secret"))
        self.assertEqual(stat.S_IMODE(st.st_mode), 0o600)
        with open(os.path.join(home, "identity.public")) as f:
            self.assertTrue(f.read().startswith(doc["address"] + ":0:"))

    def test_msg_reaches_listener(self):
        listener, address = self.listener("--count", "1", "--timeout", "60")
        rc, out, err = self.node("msg", address, "0x10001", "hello from the cli")
        self.assertEqual(rc, 0, out + err)
        self.assertIn("sent to " + address, out)
        self.assertEqual(listener.wait(40), 0, listener.text())
        msgs = [j for j in listener.json_lines() if j.get("event") == "message"]
        self.assertEqual(len(msgs), 1)
        self.assertEqual(msgs[0]["text"], "hello from the cli")
        self.assertEqual(msgs[0]["type"], 0x10001)

    def test_echo_goes_direct(self):
        _, address = self.listener("--timeout", "120")
        rc, out, err = self.node("--json", "echo", address, "-c", "20", "-i", "300", "--until-direct",
                                 timeout=90)
        self.assertEqual(rc, 0, out + err)
        events = [json.loads(line) for line in out.splitlines()]
        replies = [e for e in events if e["event"] == "echo-reply"]
        self.assertTrue(replies, out)
        self.assertTrue(replies[-1]["direct"])
        self.assertEqual(replies[-1]["hops"], 0)
        self.assertGreater(replies[-1]["rttMs"], 0)
        self.assertEqual(events[-1]["event"], "echo-summary")

    def test_root_stops_cleanly_on_signals(self):
        for sig in (signal.SIGINT, signal.SIGTERM):
            port = ztnet.free_udp_port()
            p = ztnet.Proc([NODE, "--home", self.home(), "--port", str(port), "--planet", self.planet,
                            "--json", "root"], name="root2")
            self.procs.append(p)
            self.assertIsNotNone(p.wait_line(r'"event":"start"', 30), p.text())
            os.kill(p.pid, sig)
            self.assertEqual(p.wait(20), 0, p.text())
            self.assertEqual(p.json_lines()[-1]["event"], "stop")

    # ---- errors ----

    def expect(self, rc_want, args, needle, home=None):
        rc, out, err = ztnet.run([NODE, "--home", home or self.home(), *args], timeout=60)
        self.assertEqual(rc, rc_want, "%s: %s%s" % (args, out, err))
        self.assertIn(needle, err, "%s: %s" % (args, err))

    def test_bad_arguments(self):
        self.expect(2, [], "Usage")
        self.expect(2, ["frobnicate"], "unknown command 'frobnicate'")
        self.expect(2, ["info", "--timeout", "x"], "bad --timeout 'x'")
        self.expect(2, ["info", "extra"], "unexpected argument 'extra'")
        self.expect(2, ["echo"], "which peer?")
        self.expect(2, ["echo", "zzz"], "'zzz' is not a ZeroTier address")
        self.expect(2, ["echo", "ff00000000"], "is not a ZeroTier address")  # reserved
        self.expect(2, ["echo", "1234567890", "-c", "0"], "bad -c '0'")
        self.expect(2, ["echo", "1234567890", "-i", "10"], "bad -i '10'")
        self.expect(2, ["msg", "1234567890", "hi"], "needs ADDR TYPEID TEXT")
        self.expect(2, ["msg", "1234567890", "type", "hi"], "bad type id 'type'")
        self.expect(2, ["--port", "70000", "info"], "bad --port '70000'")
        self.expect(2, ["info", "--home"], "--home needs a value")
        self.expect(2, ["listen-messages", "--count"], "--count needs a value")
        rc, out, _ = ztnet.run([NODE, "help"])
        self.assertEqual(rc, 0)
        for cmd in ("info", "root", "echo", "msg", "listen-messages"):
            self.assertIn("  " + cmd, out)

    def test_bad_state_and_planet(self):
        self.expect(3, ["--planet", os.path.join(self.tmp.name, "missing"), "info"], "cannot read planet file")
        garbage = os.path.join(self.tmp.name, "garbage.planet")
        with open(garbage, "wb") as f:
            f.write(b"\x01not a planet")
        self.expect(3, ["--planet", garbage, "info"], "is not a valid planet")
        home = self.home()
        os.makedirs(home)
        with open(os.path.join(home, "identity.secret"), "w") as f:
            f.write("0123456789:0:nonsense")
        self.expect(3, ["--port", "0", "--planet", self.planet, "info"],
                    "identity.secret is not a valid identity", home=home)
        home = self.home()
        os.makedirs(home)
        with open(os.path.join(home, "planet"), "wb") as f:
            f.write(b"\x01broken")
        self.expect(3, ["--port", "0", "info"], "planet is not a valid planet file", home=home)
        # the root's port is taken
        self.expect(3, ["--port", str(self.root_port), "--planet", self.planet, "info"], "cannot bind UDP port")

    def test_info_offline_exits_1(self):
        d = self.tmp.name
        _, public = ztnet.make_identity(d, "nobody")
        dead = ztnet.make_planet(d, [(public, ["127.0.0.1/%d" % ztnet.free_udp_port()])], name="dead")
        rc, out, err = ztnet.run([NODE, "--home", self.home(), "--port", "0", "--planet", dead,
                                  "--allow-loopback", "info", "--timeout", "1"], timeout=30)
        self.assertEqual(rc, 1, out + err)
        self.assertIn("online no", out)


if __name__ == "__main__":
    ztnet.interrupt_on_sigterm()  # a test timeout still stops every process started here
    unittest.main(verbosity=2)
