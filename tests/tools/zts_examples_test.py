"""The example programs in examples/ (written the way libzt's C examples are) compile with `cc`
against the build's ZeroTierSockets.h and libztkit.so, and run on loopback against a root and
a controller started with ztk-node: a blocking server serves the client, callback-API,
no-storage, custom-roots and statistics programs; a non-blocking server serves the
non-blocking client and the client again; two ad-hoc nodes talk over their 6plane addresses
without a controller. Every exchange sends 1 MiB of random bytes and gets it back: the file
each client writes must equal the one it sent, byte for byte. Each program's storage path holds
the private planet (a `planet` file), except the no-storage one, which is handed the planet."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "interop"))
import ztnet  # noqa: E402
from node_vl2_test import api, json_event  # noqa: E402

SOURCE = os.environ.get("ZTK_SOURCE", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
BUILD = os.path.abspath(os.environ.get("ZTK_BUILD", "build"))
USER_FLAGS = os.environ.get("ZTK_USER_FLAGS", "").split()
NODE = ztnet.tool("node")
EXAMPLES = ["server", "client", "nonblockingserver", "nonblockingclient", "callbackapi",
            "nostorage", "customroots", "adhoc", "statistics"]
SIZE = 1 << 20
WAIT = 90
PORT_BLOCKING, PORT_NONBLOCKING, PORT_ADHOC = 7300, 7301, 7302


class ZtsExamplesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="ztk-zts-examples-")
        cls.procs = []
        try:
            cls._compile()
            cls._start_network()
        except Exception:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        for p in reversed(cls.procs):
            p.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def _compile(cls):
        cls.bin = {}
        for name in EXAMPLES:
            exe = os.path.join(cls.tmp, name)
            cmd = ["cc", "-std=c11", "-D_DEFAULT_SOURCE", "-Wall", "-Wextra", "-Werror",
                   "-I" + os.path.join(SOURCE, "include"), os.path.join(SOURCE, "examples", name + ".c"),
                   "-o", exe, "-L" + BUILD, "-lztkit", "-Wl,-rpath," + BUILD, "-lpthread"] + USER_FLAGS
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
            if p.returncode:
                raise AssertionError("cc %s: %s%s" % (name, p.stdout, p.stderr))
            cls.bin[name] = exe

    @classmethod
    def _spawn_node(cls, name, *args):
        home = os.path.join(cls.tmp, name)
        p = ztnet.Proc([NODE, "--home", home, "--planet", cls.planet, "--allow-loopback", "--json", *args],
                       name=name)
        cls.procs.append(p)
        return p, home

    @classmethod
    def _start_network(cls):
        secret, public = ztnet.make_identity(cls.tmp, "root")
        cls.root_id = public.split(":")[0]
        port = ztnet.free_udp_port()
        cls.planet = ztnet.make_planet(cls.tmp, [(public, ["127.0.0.1/%d" % port])], planet_id="dec0de75")
        ztnet.home_with_identity(os.path.join(cls.tmp, "root"), secret)
        root, _ = cls._spawn_node("root", "--port", str(port), "root")
        if not json_event(root, "start", 30):
            raise RuntimeError("root did not start: " + root.text())
        ctl, ctl_home = cls._spawn_node("ctl", "--port", "0", "controller")
        start = json_event(ctl, "start", 30)
        if not start:
            raise RuntimeError("controller did not start: " + ctl.text())
        with open(os.path.join(ctl_home, "authtoken.secret")) as f:
            token = f.read().strip()
        status, net = api(start["apiPort"], token, "POST", "/controller/network/%s______" % start["address"], {
            "name": "examples", "private": False, "v4AssignMode": {"zt": True},
            "ipAssignmentPools": [{"ipRangeStart": "10.66.0.10", "ipRangeEnd": "10.66.0.200"}],
            "routes": [{"target": "10.66.0.0/24", "via": None}]})
        if status != 200:
            raise RuntimeError("network creation: %d %s" % (status, net))
        cls.nwid = net["id"]

    # ---- helpers ----

    def storage(self, name):
        """A storage path holding the private planet."""
        d = os.path.join(self.tmp, "st-" + name)
        os.makedirs(d, exist_ok=True)
        shutil.copy(self.planet, os.path.join(d, "planet"))
        return d

    def data_file(self, name):
        path = os.path.join(self.tmp, name + ".data")
        with open(path, "wb") as f:
            f.write(os.urandom(SIZE))
        return path

    def start_server(self, name, *args):
        p = ztnet.Proc([self.bin[name], *args], name=name)
        self.procs.append(p)
        m = p.wait_line(r"^address (\S+)", WAIT)
        self.assertIsNotNone(m, p.text())
        self.assertIsNotNone(p.wait_line(r"^(listening|adhoc server)", WAIT), p.text())
        return p, m.group(1)

    def run_example(self, name, *args):
        rc, out, err = ztnet.run([self.bin[name], *args], timeout=WAIT + 60)
        self.assertEqual(rc, 0, "%s: %s\n%s" % (name, out, err))
        return out

    def assert_echoed(self, path, out):
        self.assertIn("echo ok %d bytes" % SIZE, out)
        with open(path, "rb") as a, open(path + ".back", "rb") as b:
            self.assertEqual(a.read(), b.read())

    def finish_server(self, p):
        self.assertEqual(p.wait(WAIT), 0, p.text())
        self.assertIn("server done, 0 failures", p.text())

    # ---- the tests ----

    def test_blocking_server_and_its_clients(self):
        server, ip = self.start_server("server", self.storage("server"), self.nwid, str(PORT_BLOCKING), "5")
        self.assertTrue(ip.startswith("10.66.0."), ip)
        common = [self.nwid, ip, str(PORT_BLOCKING)]
        f = self.data_file("client")
        self.assert_echoed(f, self.run_example("client", self.storage("client"), *common, f))
        f = self.data_file("callbackapi")
        out = self.run_example("callbackapi", self.storage("callbackapi"), *common, f)
        self.assert_echoed(f, out)
        for event in ("event NODE_ONLINE", "event NETWORK_OK %s \"examples\"" % self.nwid,
                      "event NETWORK_READY_IP4", "event ADDR_ADDED_IP4 10.66.0.", "event %d" % 203):
            self.assertIn(event, out)  # 203: ZTS_EVENT_NODE_DOWN, before zts_node_stop returned
        self.assertLess(out.index("event 203"), out.index("stopped"))
        f = self.data_file("nostorage")
        cwd_before = set(os.listdir(self.tmp))
        out = self.run_example("nostorage", self.planet, *common, f)
        self.assert_echoed(f, out)
        self.assertRegex(out, r"identity [0-9a-f]{10} \(270 characters\)")
        # (a coverage build's examples leave their own .gcda counts: not state)
        written = {n for n in set(os.listdir(self.tmp)) - cwd_before if not n.endswith((".gcda", ".gcno"))}
        self.assertEqual(written, {"nostorage.data.back"})
        f = self.data_file("customroots")
        out = self.run_example("customroots", self.storage("customroots"), *common, f, self.root_id)
        self.assert_echoed(f, out)
        self.assertIn("root %s role PLANET" % self.root_id, out)
        self.assertRegex(out, r"root path 127\.0\.0\.1/\d+")
        f = self.data_file("statistics")
        out = self.run_example("statistics", self.storage("statistics"), *common, f)
        self.assert_echoed(f, out)
        tcp = [int(x) for x in out.split("tcp tx ")[1].split()[0:3:2]]
        self.assertTrue(all(n > 100 for n in tcp), out)  # 1 MiB each way is hundreds of segments
        link = int(out.split("link tx ")[1].split()[0])
        self.assertGreater(link, 100, out)
        self.finish_server(server)
        self.assertEqual(server.text().count("%d bytes back" % SIZE), 5)

    def test_nonblocking_server_and_clients(self):
        server, ip = self.start_server("nonblockingserver", self.storage("nbserver"), self.nwid,
                                       str(PORT_NONBLOCKING), "2")
        common = [self.nwid, ip, str(PORT_NONBLOCKING)]
        f = self.data_file("nbclient")
        out = self.run_example("nonblockingclient", self.storage("nbclient"), *common, f)
        self.assertIn("connected", out)
        self.assert_echoed(f, out)
        f = self.data_file("client2")
        self.assert_echoed(f, self.run_example("client", self.storage("client2"), *common, f))
        self.finish_server(server)

    def test_adhoc(self):
        server, ip6 = self.start_server("adhoc", "server", self.storage("adhoc-server"), str(PORT_ADHOC))
        m = server.wait_line(r"^adhoc server ([0-9a-f]{10}) on (ff[0-9a-f]{14})", 5)
        self.assertIsNotNone(m, server.text())
        self.assertEqual(m.group(2), "ff%04x%04x000000" % (PORT_ADHOC, PORT_ADHOC))
        self.assertTrue(ip6.startswith("fc"), ip6)  # 6plane
        f = self.data_file("adhoc")
        out = self.run_example("adhoc", "client", self.storage("adhoc-client"), str(PORT_ADHOC), m.group(1), f)
        self.assertIn("server address " + ip6, out)
        self.assert_echoed(f, out)
        self.assertEqual(server.wait(WAIT), 0, server.text())


if __name__ == "__main__":
    unittest.main()
