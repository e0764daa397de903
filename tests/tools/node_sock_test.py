"""ztk-node's socket commands on loopback: a `root`, a `controller` and nodes that join one
network with their own TCP/IP stack (--net) and run `listen` (echo, --sink, --serve),
`call` (a file and stdin, byte-exact, --expect-sha256), `udp-listen` / `udp-send` and `ping`,
over IPv4 and IPv6 (rfc4193, 6plane); bad arguments and unreachable peers give clear messages
and exit codes. The members are authorized on the controller before they join. Every process
is started here, waited for with a bound and stopped by its PID."""
import hashlib
import http.client
import json
import os
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "interop"))
import ztnet  # noqa: E402

NODE = ztnet.tool("node")
POOL = ("10.89.0.10", "10.89.0.90")
WAIT = 60
NODES = ("echo", "other", "client")


def api(port, token, method, path, body=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request(method, path, body=json.dumps(body) if body is not None else None,
              headers={"X-ZT1-Auth": token})
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, json.loads(data) if data else None


def event(proc, name, timeout, start=0):
    """The first JSON line of proc with "event": name (from line `start`), or None."""
    if not proc.wait_line('"event":"%s"' % name, timeout, start):
        return None
    return [e for e in proc.json_lines()[start:] if e.get("event") == name][0]


def events(text, name):
    return [json.loads(x) for x in text.splitlines() if x.startswith("{") and '"event":"%s"' % name in x]


class NodeSockTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.procs = []
        cls.ports = {}
        try:
            cls._start_all(cls.tmp.name)
        except Exception:
            cls.tearDownClass()
            raise

    @classmethod
    def _spawn(cls, home, *args):
        p = ztnet.Proc([NODE, *cls.globals(home), "--json", *args], name=os.path.basename(home))
        cls.procs.append(p)
        return p

    @classmethod
    def globals(cls, home):
        """Each home keeps one UDP port across its runs, as a real node keeps 9993: peers send
        to the path they know for minutes, so a node back on another port would not hear them
        (the root introduces two peers again only after a while)."""
        if home not in cls.ports:
            cls.ports[home] = ztnet.free_udp_port()
        return ["--home", home, "--planet", cls.planet, "--allow-loopback", "--port", str(cls.ports[home])]

    @classmethod
    def _start_all(cls, d):
        secret, public = ztnet.make_identity(d, "root")
        root_port = ztnet.free_udp_port()
        cls.planet = ztnet.make_planet(d, [(public, ["127.0.0.1/%d" % root_port])], planet_id="dec0de63")
        ztnet.home_with_identity(os.path.join(d, "root"), secret)
        root = ztnet.Proc([NODE, "--home", os.path.join(d, "root"), "--planet", cls.planet,
                           "--allow-loopback", "--json", "--port", str(root_port), "root"], name="root")
        cls.procs.append(root)
        if not event(root, "start", 30):
            raise RuntimeError("root did not start: " + root.text())
        ctl = cls._spawn(os.path.join(d, "ctl"), "controller")
        start = event(ctl, "start", 30)
        if not start:
            raise RuntimeError("controller did not start: " + ctl.text())
        with open(os.path.join(d, "ctl", "authtoken.secret")) as f:
            token = f.read().strip()
        status, net = api(start["apiPort"], token, "POST", "/controller/network/%s______" % start["address"], {
            "name": "socknet", "private": True, "v4AssignMode": {"zt": True},
            "v6AssignMode": {"rfc4193": True, "6plane": True, "zt": False},
            "ipAssignmentPools": [{"ipRangeStart": POOL[0], "ipRangeEnd": POOL[1]}],
            "routes": [{"target": "10.89.0.0/24", "via": None}]})
        if status != 200:
            raise RuntimeError("network creation: %d %s" % (status, net))
        cls.nwid = net["id"]
        cls.homes = {}
        for name in NODES:  # identities made here and authorized before they join
            secret, public = ztnet.make_identity(d, name)
            cls.homes[name] = ztnet.home_with_identity(os.path.join(d, name), secret)
            status, doc = api(start["apiPort"], token, "POST", "/controller/network/%s/member/%s"
                              % (cls.nwid, public.split(":")[0]), {"authorized": True})
            if status != 200:
                raise RuntimeError("authorization: %d %s" % (status, doc))
        cls.echo = cls._spawn(cls.homes["echo"], "listen", "7000", "--net", cls.nwid)
        if not event(cls.echo, "listening", WAIT):
            raise RuntimeError("listen did not start: " + cls.echo.text())
        cls.echo_addrs = event(cls.echo, "ready", 1)["addresses"]

    @classmethod
    def tearDownClass(cls):
        for p in reversed(cls.procs):
            p.stop()
        cls.tmp.cleanup()

    def addr(self, addrs, kind):
        """The address of kind "v4", "fd" (rfc4193) or "fc" (6plane) without its /bits."""
        for a in addrs:
            ip = a.split("/")[0]
            if (kind == "v4" and "." in ip) or (kind != "v4" and ip.startswith(kind)):
                return ip
        self.fail("no %s address in %s" % (kind, addrs))

    def node(self, home, *args, stdin=None, timeout=120):
        """Runs ztk-node to completion; returns (rc, stdout bytes, stderr text)."""
        p = subprocess.run([NODE, *self.globals(home), *args], input=stdin, capture_output=True,
                           timeout=timeout)
        return p.returncode, p.stdout, p.stderr.decode(errors="replace")

    def call(self, *args, stdin=b"", json_status=True):
        return self.node(self.homes["client"], *(["--json"] if json_status else []), "call", *args,
                         "--net", self.nwid, stdin=stdin)

    # ---- TCP ----

    def test_call_echo_file_ipv4_byte_exact(self):
        data = os.urandom(3 << 20)
        path = os.path.join(self.tmp.name, "blob")
        with open(path, "wb") as f:
            f.write(data)
        digest = hashlib.sha256(data).hexdigest()
        rc, out, err = self.call(self.addr(self.echo_addrs, "v4"), "7000", "--file", path,
                                 "--expect-sha256", digest.upper())
        self.assertEqual(rc, 0, err)
        self.assertEqual(len(out), len(data))
        self.assertTrue(out == data)
        done = events(err, "done")[-1]
        self.assertEqual((done["sent"], done["received"], done["sha256"]), (len(data), len(data), digest))
        self.assertGreater(done["MBps"], 0)
        self.assertIsNone(done["error"])
        self.assertEqual(events(err, "ready")[0]["nwid"], self.nwid)
        # the listener's line for that connection
        self.assertTrue(self.echo.wait_line('"event":"done".*"received":%d' % len(data), 20), self.echo.text())

    def test_call_stdin_ipv6_text_mode(self):
        for kind in ("fd", "fc"):
            rc, out, err = self.call(self.addr(self.echo_addrs, kind), "7000", stdin=b"hello over ipv6\n",
                                     json_status=False)
            self.assertEqual((rc, out), (0, b"hello over ipv6\n"), err)
            self.assertRegex(err, r"(?m)^connected to \[%s[0-9a-f:]*\]:7000$" % kind)
            self.assertRegex(err, r"(?m)^done \[.*\]:7000: received 16 bytes, sent 16 bytes in [0-9.]+ s "
                                  r"\([0-9.]+ MB/s\), sha256 of received [0-9a-f]{64}$")

    def test_call_sha256_mismatch_fails(self):
        rc, out, err = self.call(self.addr(self.echo_addrs, "v4"), "7000", "--expect-sha256", "0" * 64,
                                 stdin=b"abc")
        self.assertEqual((rc, out), (1, b"abc"), err)
        self.assertIn("SHA-256 mismatch: received %s, expected %s" % (hashlib.sha256(b"abc").hexdigest(), "0" * 64), err)

    def test_serve_and_sink_once(self):
        home = self.homes["other"]
        data = os.urandom(1 << 20) + b"end"
        path = os.path.join(self.tmp.name, "served")
        with open(path, "wb") as f:
            f.write(data)
        served = self._spawn(home, "listen", "7001", "--serve", path, "--once", "--net", self.nwid)
        ready = event(served, "listening", WAIT) and event(served, "ready", 1)
        self.assertTrue(ready, served.text())
        rc, out, err = self.call(self.addr(ready["addresses"], "fd"), "7001", "--expect-sha256",
                                 hashlib.sha256(data).hexdigest())
        self.assertEqual(rc, 0, err)
        self.assertTrue(out == data)
        self.assertEqual(served.wait(30), 0, served.text())  # --once: ends after that connection
        self.assertEqual(event(served, "done", 1)["sent"], len(data))
        sink = self._spawn(home, "listen", "7002", "--sink", "--once", "--net", self.nwid)
        self.assertTrue(event(sink, "listening", WAIT), sink.text())
        rc, out, err = self.call(self.addr(ready["addresses"], "v4"), "7002", "--file", path)
        self.assertEqual((rc, out), (0, b""), err)
        self.assertEqual(sink.wait(30), 0, sink.text())
        done = event(sink, "done", 1)
        self.assertEqual((done["received"], done["sent"], done["sha256"]),
                         (len(data), 0, hashlib.sha256(data).hexdigest()))

    # ---- UDP and ping ----

    def test_udp_listen_and_send(self):
        home = self.homes["other"]
        for kind in ("v4", "fc"):
            ul = self._spawn(home, "udp-listen", "9000", "--echo", "--count", "1", "--net", self.nwid)
            ready = event(ul, "listening", WAIT) and event(ul, "ready", 1)
            self.assertTrue(ready, ul.text())
            rc, out, err = self.node(self.homes["client"], "--json", "udp-send", self.addr(ready["addresses"], kind),
                                     "9000", "datagram over %s" % kind, "--reply", "10", "--net", self.nwid)
            self.assertEqual(rc, 0, out.decode() + err)
            reply = events(out.decode(), "reply")[0]
            self.assertEqual((reply["text"], reply["len"]), ("datagram over %s" % kind, len("datagram over " + kind)))
            self.assertEqual(ul.wait(30), 0, ul.text())
            got = event(ul, "datagram", 1)
            self.assertEqual(got["text"], "datagram over %s" % kind)
            self.assertEqual(bytes.fromhex(got["hex"]), got["text"].encode())

    def test_udp_send_without_reply_fails_with_reply_option(self):
        rc, out, err = self.node(self.homes["client"], "udp-send", self.addr(self.echo_addrs, "v4"), "9999",
                                 "nobody", "--reply", "2", "--net", self.nwid)
        self.assertEqual(rc, 1, err)
        self.assertIn("sent 6 bytes to %s:9999" % self.addr(self.echo_addrs, "v4"), out.decode())
        self.assertIn("no reply within 2 s", err)

    def test_ping_ipv4_and_ipv6(self):
        for kind in ("v4", "fd", "fc"):
            rc, out, err = self.node(self.homes["client"], "ping", self.addr(self.echo_addrs, kind), "-c", "3",
                                     "--interval", "300", "--net", self.nwid)
            text = out.decode()
            self.assertEqual(rc, 0, text + err)
            self.assertRegex(text, r"(?m)^56 bytes from %s: seq=\d ttl=\d+ time=\d+ ms$"
                             % self.addr(self.echo_addrs, kind).replace(".", r"\."))
            self.assertRegex(text, r"(?m)^3 sent, [1-3] received, \d+% loss, rtt min/avg/max")

    # ---- errors ----

    def test_refused_and_unreachable(self):
        rc, out, err = self.call(self.addr(self.echo_addrs, "v4"), "7999", stdin=b"x")
        self.assertEqual(rc, 1, err)
        self.assertIn("call: %s:7999: socket: connection refused" % self.addr(self.echo_addrs, "v4"), err)
        rc, out, err = self.call("10.77.0.1", "80", stdin=b"x")
        self.assertEqual(rc, 1, err)
        self.assertIn("no network of this host reaches the destination", err)
        rc, out, err = self.node(self.homes["client"], "ping", "10.89.0.250", "-c", "1", "--interval", "500",
                                 "--net", self.nwid)
        self.assertEqual(rc, 1, err)
        self.assertIn("1 sent, 0 received, 100% loss", out.decode())

    def test_bad_arguments(self):
        home = os.path.join(self.tmp.name, "unused")
        cases = [
            (["listen", "7000"], "which network? (--net NWID)"),
            (["listen", "--net", "123"], "not a network id"),
            (["listen", "99999", "--net", self.nwid], "bad port '99999'"),
            (["listen", "--net", self.nwid], "which port? (PORT)"),
            (["listen", "1", "--serve", "/nonexistent/file", "--net", self.nwid], "cannot read /nonexistent/file"),
            (["listen", "1", "--bogus", "--net", self.nwid], "unexpected argument '--bogus'"),
            (["call", "10.0.0.1", "--net", self.nwid], "needs IP and PORT"),
            (["call", "10.0.0", "80", "--net", self.nwid], "'10.0.0' is not an IPv4 or IPv6 address"),
            (["call", "10.0.0.1", "0", "--net", self.nwid], "bad port '0'"),
            (["call", "10.0.0.1", "80", "--expect-sha256", "abc", "--net", self.nwid], "is not a SHA-256"),
            (["call", "10.0.0.1", "80", "--file", "/nonexistent/file", "--net", self.nwid], "cannot read"),
            (["udp-send", "10.0.0.1", "80", "--net", self.nwid], "missing arguments"),
            (["udp-listen", "9000", "--count", "0", "--net", self.nwid], "bad --count '0'"),
            (["ping", "10.0.0.1", "-c", "0", "--net", self.nwid], "bad -c '0'"),
            (["ping", "10.0.0.1", "--timeout", "x", "--net", self.nwid], "bad --timeout 'x'"),
            (["ping", "--net", self.nwid], "missing arguments"),
        ]
        for args, msg in cases:
            rc, out, err = self.node(home, *args, timeout=20)
            self.assertEqual(rc, 2, "%s: %s" % (args, err))
            self.assertIn(msg, err, args)
        self.assertFalse(os.path.exists(os.path.join(home, "identity.secret")))  # nothing started

    def test_no_address_in_time(self):
        """A member the controller does not know stays unauthorized: a clear timeout."""
        rc, out, err = self.node(os.path.join(self.tmp.name, "stranger"), "ping", "10.89.0.10", "--net",
                                 self.nwid, "--timeout", "5")
        self.assertEqual(rc, 1, err)
        self.assertIn("access denied", err)
        self.assertIn("no IPv4 address on the network within 5 s", err)


if __name__ == "__main__":
    ztnet.interrupt_on_sigterm()
    unittest.main(verbosity=2)
